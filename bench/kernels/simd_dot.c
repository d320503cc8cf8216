// bench: export=simd_dot params=i32 args=600 result=i64 simd=both
/* SIMD-friendly loops: each round an i32 dot product over two 16384-element arrays and a 1-2-1
 * smoothing filter over a 16384-byte u8 "image" row, both in linear memory, plus an update of
 * the arrays from the filtered bytes. Straight-line, branch-free loops that clang autovectorizes
 * to i32x4 / i16x8 / i8x16 operations under -msimd128. run.sh builds it twice (simd=both):
 * simd_dot with -msimd128 and simd_dot_scalar with -mno-simd128, same C, same checksum. */
#include "bench.h"

#define N 16384

static i32 a[N], b[N];
static u8 img[N], tmp[N];

static void fill(void) {
  u32 x = 12345;
  for (int i = 0; i < N; i++) {
    x = x * 1664525u + 1013904223u;
    a[i] = (i32)(x >> 20) - 2048;
    x = x * 1664525u + 1013904223u;
    b[i] = (i32)(x >> 21) - 1024;
    img[i] = (u8)(x >> 24);
  }
}

static u32 dot(void) {
  u32 s = 0;
  for (int i = 0; i < N; i++) s += (u32)(a[i] * b[i]);
  return s;
}

/* tmp <- smooth(img), then img <- tmp (the two edge bytes stay as they are) */
static void smooth(void) {
  for (int i = 1; i < N - 1; i++) {
    tmp[i] = (u8)((img[i - 1] + 2 * img[i] + img[i + 1] + 2) >> 2);
  }
  for (int i = 1; i < N - 1; i++) img[i] = (u8)(tmp[i] ^ (u8)i);
}

/* a[i] += img[i] - 128 (small, so the products stay well inside i32), b[i] ^= round */
static void update(i32 round) {
  for (int i = 0; i < N; i++) {
    a[i] = ((a[i] + (i32)img[i] - 128) & 0xfff) - 2048;
    b[i] ^= round;
  }
}

i64 simd_dot(i32 rounds) {
  fill();
  u64 sum = 0;
  for (i32 r = 0; r < rounds; r++) {
    sum = sum * 1000003u + dot();
    smooth();
    update(r);
  }
  for (int i = 0; i < N; i++) sum = sum * 31u + img[i];
  return BENCH_I64_CHECKSUM(sum);
}
