// A hang in the host: polling for a file that never appears, asleep in WASI between tries.
//   wasmscope run --watchdog 1s --dir /tmp::/work build/examples/hang/wait_file.wasm /work/ready
#include <stdio.h>
#include <time.h>

// Prints the file's contents once it exists; 1 if it cannot be read, else 0.
__attribute__((noinline)) static int print_file(FILE* file) {
  char buffer[256];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, file)) > 0) fwrite(buffer, 1, n, stdout);
  return ferror(file) ? 1 : 0;
}

// Retries every 80 ms until {path} can be opened: the loop has no timeout, the bug.
__attribute__((noinline)) static FILE* wait_for_file(const char* path) {
  const struct timespec pause = {0, 80 * 1000 * 1000};
  FILE* file;
  while ((file = fopen(path, "r")) == NULL) {
    nanosleep(&pause, NULL);
  }
  return file;
}

__attribute__((noinline)) static int read_config(const char* path) {
  FILE* file = wait_for_file(path);
  const int status = print_file(file);
  fclose(file);
  return status;
}

int main(int argc, char** argv) {
  const char* path = argc > 1 ? argv[1] : "/work/ready";
  printf("wait_file: waiting for %s\n", path);
  fflush(stdout);
  const int status = read_config(path);
  puts("wait_file: done");
  return status;
}
