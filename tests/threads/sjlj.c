// setjmp/longjmp in a WASI program: clang-19 lowers them to exception handling
// (-mllvm -wasm-enable-sjlj: legacy try/catch, a tag, throw) and the sysroot's libsetjmp.
// Nested jump buffers, jumps across several frames, and a jump out of a callback; the output
// is fixed (tests/threads/CMakeLists.txt checks it in both tiers).
#include <setjmp.h>
#include <stdio.h>

static jmp_buf outer;
static jmp_buf inner;
static int deepest;

static void dive(int depth, int limit, jmp_buf target) {
  deepest = depth;
  if (depth == limit) longjmp(target, depth * 10 + 1);
  dive(depth + 1, limit, target);
}

static int with_inner(int limit) {
  int r = setjmp(inner);
  if (r != 0) return r;        // back from dive through inner
  dive(0, limit, inner);
  return -1;                   // never reached
}

static void visit(void (*callback)(int), int n) {
  for (int i = 0; i < n; ++i) callback(i);
}

static void stop_at_three(int i) {
  if (i == 3) longjmp(outer, 100 + i);
}

int main(void) {
  volatile int total = 0;  // changed between setjmp and longjmp: volatile, or indeterminate
  for (int round = 1; round <= 3; ++round) {
    int r = setjmp(outer);
    if (r == 0) {
      int got = with_inner(round * 2);
      printf("round %d: inner jump returned %d from depth %d\n", round, got, deepest);
      total += got;
      dive(0, round, outer);
    } else {
      printf("round %d: outer jump returned %d from depth %d\n", round, r, deepest);
      total += r;
    }
  }
  int r = setjmp(outer);
  if (r == 0) {
    visit(stop_at_three, 10);
    printf("callback: no jump\n");
  } else {
    printf("callback: jumped out with %d\n", r);
    total += r;
  }
  printf("total %d\n", total);
  return 0;
}
