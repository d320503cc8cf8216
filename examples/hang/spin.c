// A hang the watchdog should find: an infinite loop four calls deep.
//   wasmscope run --watchdog 1s build/examples/hang/spin.wasm
#include <stdio.h>

volatile unsigned counter;  // volatile: the loop has a side effect, so it is not optimized out

__attribute__((noinline)) void stuck_here(void) {
  for (;;) counter++;
}
__attribute__((noinline)) void level3(void) { stuck_here(); }
__attribute__((noinline)) void level2(void) { level3(); }
__attribute__((noinline)) void level1(void) { level2(); }

int main(void) {
  puts("spin: starting");
  fflush(stdout);
  level1();
  return 0;
}
