// Exits with the status given as argv[1] (through exit(), which calls proc_exit), after
// printing it.
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: exit_status STATUS\n");
    return 99;
  }
  int status = atoi(argv[1]);
  printf("exiting with %d\n", status);
  exit(status);
}
