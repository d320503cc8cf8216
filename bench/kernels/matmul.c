// bench: export=matmul params=i32 args=30 result=i64
/* Memory heavy: repeated 128x128 u32 matrix multiply (row-major, i-k-j order) over static
 * arrays in linear memory, followed each round by a word-by-word copy and a transposing copy
 * (memcpy-like loops). Stresses loads/stores, address arithmetic and bounds checking. */
#include "bench.h"

#define N 128

static u32 a[N * N], b[N * N], c[N * N];

static void fill(u32* m, u32 seed) {
  u32 x = seed;
  for (int i = 0; i < N * N; i++) {
    x = x * 1664525u + 1013904223u;
    m[i] = x >> 24;
  }
}

static void multiply(void) {
  for (int i = 0; i < N * N; i++) c[i] = 0;
  for (int i = 0; i < N; i++) {
    for (int k = 0; k < N; k++) {
      u32 aik = a[i * N + k];
      const u32* brow = &b[k * N];
      u32* crow = &c[i * N];
      for (int j = 0; j < N; j++) crow[j] += aik * brow[j];
    }
  }
}

i64 matmul(i32 rounds) {
  fill(a, 1);
  fill(b, 2);
  u64 sum = 0;
  for (i32 r = 0; r < rounds; r++) {
    multiply();
    /* a <- c (scaled down so values stay small), b <- transpose(a) mixed with the old b */
    for (int i = 0; i < N * N; i++) a[i] = (c[i] >> 16) & 0xFF;
    for (int i = 0; i < N; i++)
      for (int j = 0; j < N; j++) b[j * N + i] ^= a[i * N + j];
    for (int i = 0; i < N * N; i++) sum = sum * 1000003u + c[i];
  }
  return BENCH_I64_CHECKSUM(sum);
}
