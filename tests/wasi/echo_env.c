// Prints its arguments and environment, one per line: "argc N", "arg I=[VALUE]" for I >= 1,
// then "env [KEY=VALUE]" for each variable in the order the runtime gives them.
#include <stdio.h>

extern char **environ;

int main(int argc, char **argv) {
  printf("argc %d\n", argc);
  for (int i = 1; i < argc; ++i) printf("arg %d=[%s]\n", i, argv[i]);
  for (char **e = environ; e != NULL && *e != NULL; ++e) printf("env [%s]\n", *e);
  return 0;
}
