// The acceptance program: reads /sandbox/input.txt, writes /sandbox/output.txt (each line
// numbered and upper-cased, with a count at the end), lists /sandbox sorted, sleeps 1 s,
// checks the clocks, and exits with status 3. It prints only facts that do not depend on the
// runtime or the moment, so its output is the same under any correct WASI runtime.
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void) {
  FILE *in = fopen("/sandbox/input.txt", "r");
  if (in == NULL) {
    perror("input.txt");
    return 1;
  }
  FILE *out = fopen("/sandbox/output.txt", "w");
  if (out == NULL) {
    perror("output.txt");
    return 1;
  }
  char line[1024];
  int lines = 0;
  size_t bytes = 0;
  while (fgets(line, sizeof line, in) != NULL) {
    bytes += strlen(line);
    for (char *p = line; *p; ++p) *p = (char)toupper((unsigned char)*p);
    fprintf(out, "%d: %s", ++lines, line);
  }
  fprintf(out, "-- %d lines, %zu bytes\n", lines, bytes);
  fclose(in);
  if (fclose(out) != 0) {
    perror("closing output.txt");
    return 1;
  }
  printf("read input.txt: %d lines, %zu bytes\n", lines, bytes);
  printf("wrote output.txt\n");

  DIR *dir = opendir("/sandbox");
  if (dir == NULL) {
    perror("/sandbox");
    return 1;
  }
  char *names[256];
  int count = 0;
  struct dirent *e;
  while ((e = readdir(dir)) != NULL && count < 256) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    names[count++] = strdup(e->d_name);
  }
  closedir(dir);
  qsort(names, (size_t)count, sizeof names[0], cmp_str);
  printf("/sandbox has %d entries:", count);
  for (int i = 0; i < count; ++i) printf(" %s", names[i]);
  printf("\n");

  struct timespec t0, t1, real;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  sleep(1);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  long long slept_ns =
      (long long)(t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec);
  printf("slept at least 1s: %s\n", slept_ns >= 1000000000LL ? "yes" : "no");
  clock_gettime(CLOCK_REALTIME, &real);
  printf("realtime clock after 2020: %s\n", real.tv_sec > 1577836800 ? "yes" : "no");
  printf("exiting with 3\n");
  exit(3);
}
