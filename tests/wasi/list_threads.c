// Prints the name of every thread of the wasmscope process running it, one per line, sorted:
// the host's /proc/self/task is preopened as /task (`--dir /proc/self/task::/task`). With an
// argument N, it first sleeps N milliseconds. run_wasi.sh's service_threads cases check with it
// which service threads `wasmscope run` has started, and when.
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv) {
  if (argc > 1) {
    long ms = strtol(argv[1], NULL, 10);
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
  }
  DIR *task = opendir("/task");
  if (task == NULL) {
    perror("opendir /task");
    return 1;
  }
  char *names[64];
  int count = 0;
  struct dirent *e;
  while ((e = readdir(task)) != NULL && count < 64) {
    if (e->d_name[0] == '.') continue;
    char path[300];
    snprintf(path, sizeof path, "/task/%s/comm", e->d_name);
    FILE *comm = fopen(path, "r");
    if (comm == NULL) continue;  // the thread ended meanwhile
    char name[64] = "";
    if (fgets(name, sizeof name, comm) != NULL) name[strcspn(name, "\n")] = '\0';
    fclose(comm);
    names[count++] = strdup(name);
  }
  closedir(task);
  qsort(names, count, sizeof names[0], by_name);
  for (int i = 0; i < count; ++i) printf("%s\n", names[i]);
  return 0;
}
