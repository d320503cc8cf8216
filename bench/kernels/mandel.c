// bench: export=mandel params=i32 args=700 result=i64
/* Floating point: Mandelbrot set over a size x size grid in f64 (up to 255 iterations per
 * point). Stresses f64 add/mul/compare and int<->float conversion; no memory. */
#include "bench.h"

i64 mandel(i32 size) {
  u64 sum = 0;
  for (i32 py = 0; py < size; py++) {
    f64 ci = -1.5 + 3.0 * (f64)py / (f64)size;
    for (i32 px = 0; px < size; px++) {
      f64 cr = -2.0 + 3.0 * (f64)px / (f64)size;
      f64 zr = 0.0, zi = 0.0, zr2 = 0.0, zi2 = 0.0;
      i32 it = 0;
      while (it < 255 && zr2 + zi2 <= 4.0) {
        zi = 2.0 * zr * zi + ci;
        zr = zr2 - zi2 + cr;
        zr2 = zr * zr;
        zi2 = zi * zi;
        it++;
      }
      sum = sum * 31 + (u64)it;
    }
  }
  return BENCH_I64_CHECKSUM(sum);
}
