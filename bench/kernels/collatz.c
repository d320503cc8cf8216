// bench: export=collatz params=i32 args=600000 result=i64
/* Tight integer loops: total Collatz trajectory length for every start below the limit. A short,
 * data dependent inner loop of compares, shifts, adds and a hard-to-predict branch; no memory. */
#include "bench.h"

i64 collatz(i32 limit) {
  u64 total = 0;
  u32 longest = 0, longest_start = 0;
  for (u32 i = 1; i < (u32)limit; i++) {
    u64 x = i;
    u32 steps = 0;
    while (x != 1) {
      if (x & 1)
        x = 3 * x + 1;
      else
        x >>= 1;
      steps++;
    }
    total += steps;
    if (steps > longest) {
      longest = steps;
      longest_start = i;
    }
  }
  return BENCH_I64_CHECKSUM((total << 24) ^ ((u64)longest << 20) ^ longest_start);
}
