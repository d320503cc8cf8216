// bench: export=dispatch params=i32 args=20000000 result=i32
/* Indirect calls: a table of small operations called through function pointers (call_indirect)
 * in a pseudo-random order, like a naive bytecode interpreter. Stresses call_indirect's table
 * lookup and signature check plus call/return. */
#include "bench.h"

typedef u32 (*op_fn)(u32 acc, u32 x);

static u32 op_add(u32 acc, u32 x) { return acc + x; }
static u32 op_sub(u32 acc, u32 x) { return acc - x; }
static u32 op_xor(u32 acc, u32 x) { return acc ^ x; }
static u32 op_mul(u32 acc, u32 x) { return acc * (x | 1); }
static u32 op_rotl(u32 acc, u32 x) { return (acc << (x & 31)) | (acc >> ((32 - (x & 31)) & 31)); }
static u32 op_shr(u32 acc, u32 x) { return acc ^ (acc >> ((x & 15) + 1)); }
static u32 op_neg(u32 acc, u32 x) { return ~acc + (x & 7); }
static u32 op_mix(u32 acc, u32 x) { return (acc ^ 0x9E3779B9u) * 0x85EBCA6Bu + x; }

static op_fn table[8] = {op_add, op_sub, op_xor, op_mul, op_rotl, op_shr, op_neg, op_mix};

/* Selecting the operation through a table loaded from memory keeps the compiler from turning
 * the calls into a switch. */
i32 dispatch(i32 count) {
  u32 acc = 1, rng = 2463534242u;
  for (i32 i = 0; i < count; i++) {
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    acc = table[rng & 7](acc, rng >> 3);
  }
  return BENCH_I32_CHECKSUM(acc);
}
