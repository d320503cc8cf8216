// A long computation that is not a hang: it finishes after the watchdog's first report.
//   wasmscope run --watchdog 1s build/examples/hang/slow.wasm 40
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) static unsigned long long fib(unsigned n) {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

int main(int argc, char** argv) {
  const unsigned n = argc > 1 ? (unsigned)atoi(argv[1]) : 36;
  printf("fib(%u) = %llu\n", n, fib(n));
  return 0;
}
