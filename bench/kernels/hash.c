// bench: export=hash params=i32,i64 args=20000000,88172645463325252 result=i64
/* Integer arithmetic and bit operations: a xorshift64 generator feeding a 64-bit finaliser-style
 * mix and a 32-bit murmur3-style block mix. Multiplies, shifts, rotates, xors on i64 and i32. */
#include "bench.h"

static inline u64 rotl64(u64 x, int r) { return (x << r) | (x >> (64 - r)); }
static inline u32 rotl32(u32 x, int r) { return (x << r) | (x >> (32 - r)); }

i64 hash(i32 iters, i64 seed) {
  u64 s = seed ? (u64)seed : 0x9E3779B97F4A7C15ull;
  u64 h = 0x6A09E667F3BCC908ull;
  u32 h32 = 0x811C9DC5u;
  for (i32 i = 0; i < iters; i++) {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    u64 k = s;
    k ^= k >> 33;
    k *= 0xFF51AFD7ED558CCDull;
    k ^= k >> 33;
    h ^= k;
    h = rotl64(h, 27) * 5 + 0x52DCE729u;
    u32 w = (u32)(s >> 16);
    w *= 0xCC9E2D51u;
    w = rotl32(w, 15);
    w *= 0x1B873593u;
    h32 ^= w;
    h32 = rotl32(h32, 13) * 5 + 0xE6546B64u;
  }
  return BENCH_I64_CHECKSUM(h ^ ((u64)h32 << 32) ^ h32);
}
