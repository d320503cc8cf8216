/* wasi_guest.c: the WASI command wasi.c runs (built for wasm32-wasi with wasi-libc).
 *
 *   wasi_guest DIR STATUS
 *
 * Reads DIR/input.txt, writes "$GREETING, <first line of input.txt>" to DIR/output.txt, says
 * what it did on stdout and exits with STATUS. DIR is a directory the host preopened. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: wasi_guest DIR STATUS\n");
    return 2;
  }
  const char* greeting = getenv("GREETING");
  if (greeting == NULL) greeting = "(no GREETING)";

  char path[512];
  char line[256] = "";
  snprintf(path, sizeof path, "%s/input.txt", argv[1]);
  FILE* input = fopen(path, "r");
  if (input == NULL) {
    perror(path);
    return 3;
  }
  if (fgets(line, sizeof line, input) == NULL) line[0] = '\0';
  fclose(input);
  line[strcspn(line, "\n")] = '\0';

  snprintf(path, sizeof path, "%s/output.txt", argv[1]);
  FILE* output = fopen(path, "w");
  if (output == NULL) {
    perror(path);
    return 4;
  }
  fprintf(output, "%s, %s\n", greeting, line);
  if (fclose(output) != 0) {
    perror(path);
    return 5;
  }
  printf("guest: read \"%s\", wrote %s; exiting with status %s\n", line, path, argv[2]);
  return atoi(argv[2]);
}
