// Traps in a named function two calls deep: wasmscope exits 134 and prints "trap: unreachable"
// and the guest stack with the function names (from the module's name section).
#include <stdio.h>

__attribute__((noinline)) void detonate_here(int depth) {
  if (depth > 0) __builtin_trap();
  printf("not reached\n");
}

__attribute__((noinline)) void light_fuse(int depth) {
  detonate_here(depth + 1);
  printf("not reached either\n");
}

int main(int argc, char **argv) {
  (void)argv;
  printf("about to trap\n");
  fflush(stdout);
  light_fuse(argc);
  return 0;
}
