/* Native baseline driver: calls one kernel entry point with arguments from the command line and
 * prints its result, like the wasm engines do. bench/run.sh compiles it together with a kernel,
 * passing the entry point's signature as macros:
 *   BENCH_FN      the kernel function, e.g. hash
 *   BENCH_RET     its C result type, e.g. long long
 *   BENCH_PARAMS  its C parameter list, e.g. int, long long
 *   BENCH_ARGS    the argument expressions, e.g. (int)bench_int(argv[1]), (long long)bench_int(argv[2])
 *   BENCH_FMT     1 for an integer result, 2 for f64
 * The arguments come from argv (not constants) so the compiler cannot specialise the kernel. */
#include <stdio.h>
#include <stdlib.h>

extern BENCH_RET BENCH_FN(BENCH_PARAMS);

static long long bench_int(const char* s) { return strtoll(s, NULL, 0); }
static double bench_f64(const char* s) { return strtod(s, NULL); }

int main(int argc, char** argv) {
  (void)bench_int;
  (void)bench_f64;
  if (argc < BENCH_ARGC + 1) {
    fprintf(stderr, "usage: %s ARG...  (%d arguments)\n", argv[0], BENCH_ARGC);
    return 2;
  }
  BENCH_RET r = BENCH_FN(BENCH_ARGS);
#if BENCH_FMT == 2
  printf("%.17g\n", (double)r);
#else
  printf("%lld\n", (long long)r);
#endif
  return 0;
}
