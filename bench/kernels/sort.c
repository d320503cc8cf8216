// bench: export=sort params=i32 args=12 result=i64
/* Memory heavy with branches: quicksort (median of three, recursive on the smaller side,
 * insertion sort for short ranges) of 200000 i32s in a static array, refilled from an LCG each
 * round, then checked to be sorted. Stresses loads/stores, compares, unpredictable branches. */
#include "bench.h"

#define COUNT 200000

static i32 data[COUNT];

static void insertion_sort(i32* v, i32 lo, i32 hi) {
  for (i32 i = lo + 1; i <= hi; i++) {
    i32 x = v[i];
    i32 j = i - 1;
    while (j >= lo && v[j] > x) {
      v[j + 1] = v[j];
      j--;
    }
    v[j + 1] = x;
  }
}

static void quicksort(i32* v, i32 lo, i32 hi) {
  while (hi - lo > 16) {
    i32 mid = lo + (hi - lo) / 2;
    i32 a = v[lo], b = v[mid], c = v[hi];
    i32 pivot = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
    i32 i = lo, j = hi;
    while (i <= j) {
      while (v[i] < pivot) i++;
      while (v[j] > pivot) j--;
      if (i <= j) {
        i32 t = v[i];
        v[i] = v[j];
        v[j] = t;
        i++;
        j--;
      }
    }
    if (j - lo < hi - i) {
      quicksort(v, lo, j);
      lo = i;
    } else {
      quicksort(v, i, hi);
      hi = j;
    }
  }
  insertion_sort(v, lo, hi);
}

i64 sort(i32 rounds) {
  u64 sum = 0;
  u32 x = 12345;
  for (i32 r = 0; r < rounds; r++) {
    for (i32 i = 0; i < COUNT; i++) {
      x = x * 1103515245u + 12345u;
      data[i] = (i32)(x >> 1) - 0x20000000;
    }
    quicksort(data, 0, COUNT - 1);
    for (i32 i = 1; i < COUNT; i++)
      if (data[i - 1] > data[i]) return -1; /* not sorted: an engine bug */
    for (i32 i = 0; i < COUNT; i += 97) sum = sum * 31 + (u32)data[i];
  }
  return BENCH_I64_CHECKSUM(sum);
}
