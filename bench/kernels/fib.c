// bench: export=fib params=i32 args=35 result=i32
/* Recursion: naive doubly recursive Fibonacci. Stresses call/return, frame setup and small
 * integer arithmetic; almost no memory traffic besides the engine's own stacks. */
#include "bench.h"

i32 fib(i32 n) {
  if (n < 2) return n;
  return fib(n - 1) + fib(n - 2);
}
