// fib.c: compiled at build time by clang-16 for wasm32 (no libc), to show that a real
// toolchain's output validates and dumps with names (wasm-ld writes a name section).
//
//   clang-16 --target=wasm32 -nostdlib -O2 -Wl,--no-entry -Wl,--export-all -o fib.wasm fib.c

// Recursive Fibonacci: the shape stack-capture tests like (deep, named guest frames).
int fib(int n) {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

// Iterative Fibonacci, for comparison.
int fib_iter(int n) {
  int a = 0;
  int b = 1;
  for (int i = 0; i < n; ++i) {
    int next = a + b;
    a = b;
    b = next;
  }
  return a;
}

// A table of the first Fibonacci numbers in linear memory, so the module has a data segment.
static const int kFirst[12] = {0, 1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89};

// Looks {n} up in {kFirst}; -1 when out of range.
int fib_table(int n) {
  return n >= 0 && n < 12 ? kFirst[n] : -1;
}

// Applies {f} to {n}: an indirect call, so the module gets a table and an element segment.
typedef int (*IntFn)(int);
__attribute__((noinline)) int apply(IntFn f, int n) {
  return f(n);
}

int fib_via_pointer(int n) {
  return apply(n % 2 ? fib : fib_iter, n);
}
