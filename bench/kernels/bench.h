/* Shared definitions for the benchmark kernels.
 *
 * Kernels are freestanding C: no libc, no includes other than this file. They are compiled twice
 * by bench/run.sh: for wasm32 (no WASI, no imports; the entry point is exported by name) and
 * natively together with bench/native_main.c, which provides the native baseline.
 *
 * Every kernel file starts with a line
 *     // bench: export=NAME params=T,... args=V,... result=T
 * that run.sh reads to know the entry point, its signature (T is i32, i64 or f64) and the default
 * arguments. The result is an integer checksum that every engine must reproduce exactly; kernels
 * keep it non-negative so that signed/unsigned/hex printing differences between engines can be
 * normalised without ambiguity.
 */
#ifndef BENCH_KERNEL_H
#define BENCH_KERNEL_H

typedef unsigned char u8;
typedef unsigned int u32;
typedef int i32;
typedef unsigned long long u64;
typedef long long i64;
typedef double f64;

/* Keep the checksum non-negative (see above). */
#define BENCH_I64_CHECKSUM(x) ((i64)((u64)(x) >> 1))
#define BENCH_I32_CHECKSUM(x) ((i32)((u32)(x) >> 1))

/* Read a double's bits, for exact checksums of floating point results. */
static inline u64 bench_f64_bits(f64 d) {
  union { f64 d; u64 u; } v;
  v.d = d;
  return v.u;
}

#endif
