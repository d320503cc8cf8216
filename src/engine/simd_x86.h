// x86-64 SSE4.1 implementations of the SIMD instructions whose portable semantics in
// {engine/simd_int.h} and {engine/simd_float.h} are lane loops (or otherwise lower poorly).
// Each function here has the name and signature of its portable counterpart in {simd::} and
// returns the same 16 bytes for every input, NaN payloads included; {engine/simd_x86_test.cc}
// checks that against the portable functions.
//
// Built only when the build selects the x86 path ({WASMSCOPE_SIMD_X86}) and the compiler
// targets SSE4.1 ({-msse4.1} defines {__SSE4_1__}). {WASMSCOPE_SIMD_X86_OPS(X)} invokes {X(Name)}
// for every function defined here, so a dispatcher can route {Name} to {x86::Name}; without the
// x86 path the list is empty.
//
// Floating-point notes:
//  - The roundings pass an explicit rounding mode to {roundps}/{roundpd}, so MXCSR's rounding
//    mode does not matter; {_MM_FROUND_NO_EXC} only suppresses the inexact flag. A signalling
//    NaN comes out quieted with its payload kept, as {num::Quiet} does.
//  - {minps}/{maxps} return their second operand for NaNs and for two zeros, so min and max are
//    computed in both operand orders and combined; NaN lanes are then replaced by the first NaN
//    operand quieted, exactly as {num::F32Min} picks it.
//  - The conversions that depend on the rounding mode ({cvtdq2ps}, {cvtpd2ps}) assume MXCSR's
//    default round-to-nearest, as the portable code (compiled to the same instructions) does.
//    Denormals-are-zero / flush-to-zero must be off, as for all float code in the engine.
#pragma once

#include <bit>
#include <cstdint>

#include "engine/simd_types.h"

#if defined(WASMSCOPE_SIMD_X86) && defined(__SSE4_1__)

#include <smmintrin.h>

namespace wasmscope::internal::simd::x86 {

namespace x86_detail {

inline __m128i I(V128 v) {
  return std::bit_cast<__m128i>(v);
}
inline __m128 F(V128 v) {
  return std::bit_cast<__m128>(v);
}
inline __m128d D(V128 v) {
  return std::bit_cast<__m128d>(v);
}
inline V128 V(__m128i v) {
  return std::bit_cast<V128>(v);
}
inline V128 V(__m128 v) {
  return std::bit_cast<V128>(v);
}
inline V128 V(__m128d v) {
  return std::bit_cast<V128>(v);
}

/// NaN lanes of {a} or {b} get the first NaN operand with its quiet bit set; other lanes keep
/// {r}. {quiet} is the quiet bit of each lane.
inline __m128 FixNanF32(__m128 r, __m128 a, __m128 b) {
  const __m128 quiet = _mm_castsi128_ps(_mm_set1_epi32(0x0040'0000));
  const __m128 a_nan = _mm_cmpunord_ps(a, a);
  const __m128 any_nan = _mm_cmpunord_ps(a, b);
  const __m128 nan = _mm_or_ps(_mm_blendv_ps(b, a, a_nan), quiet);
  return _mm_blendv_ps(r, nan, any_nan);
}
inline __m128d FixNanF64(__m128d r, __m128d a, __m128d b) {
  const __m128d quiet = _mm_castsi128_pd(_mm_set1_epi64x(0x0008'0000'0000'0000));
  const __m128d a_nan = _mm_cmpunord_pd(a, a);
  const __m128d any_nan = _mm_cmpunord_pd(a, b);
  const __m128d nan = _mm_or_pd(_mm_blendv_pd(b, a, a_nan), quiet);
  return _mm_blendv_pd(r, nan, any_nan);
}

/// The low 32 bits of each 64-bit lane of {v} as lanes 0 and 1; lanes 2 and 3 zero.
inline __m128i LowHalvesZero(__m128d v) {
  return _mm_castps_si128(
      _mm_shuffle_ps(_mm_castpd_ps(v), _mm_setzero_ps(), _MM_SHUFFLE(0, 0, 2, 0)));
}

}  // namespace x86_detail

// ------------------------------------------------------------------------------------------------
// Float rounding, min and max
// ------------------------------------------------------------------------------------------------

inline V128 F32x4Ceil(V128 a) {
  using namespace x86_detail;
  return V(_mm_round_ps(F(a), _MM_FROUND_TO_POS_INF | _MM_FROUND_NO_EXC));
}
inline V128 F32x4Floor(V128 a) {
  using namespace x86_detail;
  return V(_mm_round_ps(F(a), _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC));
}
inline V128 F32x4Trunc(V128 a) {
  using namespace x86_detail;
  return V(_mm_round_ps(F(a), _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC));
}
inline V128 F32x4Nearest(V128 a) {
  using namespace x86_detail;
  return V(_mm_round_ps(F(a), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
}
inline V128 F64x2Ceil(V128 a) {
  using namespace x86_detail;
  return V(_mm_round_pd(D(a), _MM_FROUND_TO_POS_INF | _MM_FROUND_NO_EXC));
}
inline V128 F64x2Floor(V128 a) {
  using namespace x86_detail;
  return V(_mm_round_pd(D(a), _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC));
}
inline V128 F64x2Trunc(V128 a) {
  using namespace x86_detail;
  return V(_mm_round_pd(D(a), _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC));
}
inline V128 F64x2Nearest(V128 a) {
  using namespace x86_detail;
  return V(_mm_round_pd(D(a), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
}

// Without NaNs, both operand orders give the same lane unless the operands compare equal,
// where they differ at most in the sign of a zero: OR keeps -0 for min, AND keeps +0 for max.
inline V128 F32x4Min(V128 a, V128 b) {
  using namespace x86_detail;
  const __m128 x = F(a), y = F(b);
  const __m128 r = _mm_or_ps(_mm_min_ps(x, y), _mm_min_ps(y, x));
  return V(FixNanF32(r, x, y));
}
inline V128 F32x4Max(V128 a, V128 b) {
  using namespace x86_detail;
  const __m128 x = F(a), y = F(b);
  const __m128 r = _mm_and_ps(_mm_max_ps(x, y), _mm_max_ps(y, x));
  return V(FixNanF32(r, x, y));
}
inline V128 F64x2Min(V128 a, V128 b) {
  using namespace x86_detail;
  const __m128d x = D(a), y = D(b);
  const __m128d r = _mm_or_pd(_mm_min_pd(x, y), _mm_min_pd(y, x));
  return V(FixNanF64(r, x, y));
}
inline V128 F64x2Max(V128 a, V128 b) {
  using namespace x86_detail;
  const __m128d x = D(a), y = D(b);
  const __m128d r = _mm_and_pd(_mm_max_pd(x, y), _mm_max_pd(y, x));
  return V(FixNanF64(r, x, y));
}

// ------------------------------------------------------------------------------------------------
// Shuffles, bitmasks and lane tests
// ------------------------------------------------------------------------------------------------

/// {pshufb} zeroes a byte whose index has its top bit set and otherwise reads index & 15. A
/// saturating add of 0x70 keeps indices 0..15 below 0x80 (low nibble unchanged) and sends every
/// index from 16 up to 0x80 or more.
inline V128 I8x16Swizzle(V128 a, V128 b) {
  using namespace x86_detail;
  const __m128i index = _mm_adds_epu8(I(b), _mm_set1_epi8(0x70));
  return V(_mm_shuffle_epi8(I(a), index));
}

/// Indices masked to 0..31; 0..15 read {a}, 16..31 read {b} (flipping bit 4 swaps the roles).
inline V128 I8x16Shuffle(V128 a, V128 b, V128 lanes) {
  using namespace x86_detail;
  const __m128i index = _mm_and_si128(I(lanes), _mm_set1_epi8(31));
  const __m128i from_a = _mm_adds_epu8(index, _mm_set1_epi8(0x70));
  const __m128i from_b = _mm_adds_epu8(_mm_xor_si128(index, _mm_set1_epi8(16)),
                                       _mm_set1_epi8(0x70));
  return V(_mm_or_si128(_mm_shuffle_epi8(I(a), from_a), _mm_shuffle_epi8(I(b), from_b)));
}

inline uint32_t I8x16Bitmask(V128 a) {
  using namespace x86_detail;
  return static_cast<uint32_t>(_mm_movemask_epi8(I(a)));
}
/// Signed saturation to bytes keeps each lane's sign.
inline uint32_t I16x8Bitmask(V128 a) {
  using namespace x86_detail;
  const __m128i packed = _mm_packs_epi16(I(a), _mm_setzero_si128());
  return static_cast<uint32_t>(_mm_movemask_epi8(packed));
}
inline uint32_t I32x4Bitmask(V128 a) {
  using namespace x86_detail;
  return static_cast<uint32_t>(_mm_movemask_ps(F(a)));
}
inline uint32_t I64x2Bitmask(V128 a) {
  using namespace x86_detail;
  return static_cast<uint32_t>(_mm_movemask_pd(D(a)));
}

inline uint32_t V128AnyTrue(V128 a) {
  using namespace x86_detail;
  return _mm_testz_si128(I(a), I(a)) ? 0 : 1;
}

/// 1 when no lane compares equal to zero.
inline uint32_t I8x16AllTrue(V128 a) {
  using namespace x86_detail;
  const __m128i zero_lanes = _mm_cmpeq_epi8(I(a), _mm_setzero_si128());
  return _mm_testz_si128(zero_lanes, zero_lanes) ? 1 : 0;
}
inline uint32_t I16x8AllTrue(V128 a) {
  using namespace x86_detail;
  const __m128i zero_lanes = _mm_cmpeq_epi16(I(a), _mm_setzero_si128());
  return _mm_testz_si128(zero_lanes, zero_lanes) ? 1 : 0;
}
inline uint32_t I32x4AllTrue(V128 a) {
  using namespace x86_detail;
  const __m128i zero_lanes = _mm_cmpeq_epi32(I(a), _mm_setzero_si128());
  return _mm_testz_si128(zero_lanes, zero_lanes) ? 1 : 0;
}
inline uint32_t I64x2AllTrue(V128 a) {
  using namespace x86_detail;
  const __m128i zero_lanes = _mm_cmpeq_epi64(I(a), _mm_setzero_si128());
  return _mm_testz_si128(zero_lanes, zero_lanes) ? 1 : 0;
}

// ------------------------------------------------------------------------------------------------
// Saturating arithmetic and narrowing
// ------------------------------------------------------------------------------------------------

inline V128 I8x16AddSatS(V128 a, V128 b) {
  using namespace x86_detail;
  return V(_mm_adds_epi8(I(a), I(b)));
}
inline V128 I8x16AddSatU(V128 a, V128 b) {
  using namespace x86_detail;
  return V(_mm_adds_epu8(I(a), I(b)));
}
inline V128 I8x16SubSatS(V128 a, V128 b) {
  using namespace x86_detail;
  return V(_mm_subs_epi8(I(a), I(b)));
}
inline V128 I8x16SubSatU(V128 a, V128 b) {
  using namespace x86_detail;
  return V(_mm_subs_epu8(I(a), I(b)));
}
inline V128 I16x8AddSatS(V128 a, V128 b) {
  using namespace x86_detail;
  return V(_mm_adds_epi16(I(a), I(b)));
}
inline V128 I16x8AddSatU(V128 a, V128 b) {
  using namespace x86_detail;
  return V(_mm_adds_epu16(I(a), I(b)));
}
inline V128 I16x8SubSatS(V128 a, V128 b) {
  using namespace x86_detail;
  return V(_mm_subs_epi16(I(a), I(b)));
}
inline V128 I16x8SubSatU(V128 a, V128 b) {
  using namespace x86_detail;
  return V(_mm_subs_epu16(I(a), I(b)));
}

inline V128 I8x16NarrowI16x8S(V128 a, V128 b) {
  using namespace x86_detail;
  return V(_mm_packs_epi16(I(a), I(b)));
}
inline V128 I8x16NarrowI16x8U(V128 a, V128 b) {
  using namespace x86_detail;
  return V(_mm_packus_epi16(I(a), I(b)));
}
inline V128 I16x8NarrowI32x4S(V128 a, V128 b) {
  using namespace x86_detail;
  return V(_mm_packs_epi32(I(a), I(b)));
}
inline V128 I16x8NarrowI32x4U(V128 a, V128 b) {
  using namespace x86_detail;
  return V(_mm_packus_epi32(I(a), I(b)));
}

// ------------------------------------------------------------------------------------------------
// Extensions: the high forms extend the upper 8 bytes moved down.
// ------------------------------------------------------------------------------------------------

inline V128 I16x8ExtendLowI8x16S(V128 a) {
  using namespace x86_detail;
  return V(_mm_cvtepi8_epi16(I(a)));
}
inline V128 I16x8ExtendHighI8x16S(V128 a) {
  using namespace x86_detail;
  return V(_mm_cvtepi8_epi16(_mm_srli_si128(I(a), 8)));
}
inline V128 I16x8ExtendLowI8x16U(V128 a) {
  using namespace x86_detail;
  return V(_mm_cvtepu8_epi16(I(a)));
}
inline V128 I16x8ExtendHighI8x16U(V128 a) {
  using namespace x86_detail;
  return V(_mm_cvtepu8_epi16(_mm_srli_si128(I(a), 8)));
}
inline V128 I32x4ExtendLowI16x8S(V128 a) {
  using namespace x86_detail;
  return V(_mm_cvtepi16_epi32(I(a)));
}
inline V128 I32x4ExtendHighI16x8S(V128 a) {
  using namespace x86_detail;
  return V(_mm_cvtepi16_epi32(_mm_srli_si128(I(a), 8)));
}
inline V128 I32x4ExtendLowI16x8U(V128 a) {
  using namespace x86_detail;
  return V(_mm_cvtepu16_epi32(I(a)));
}
inline V128 I32x4ExtendHighI16x8U(V128 a) {
  using namespace x86_detail;
  return V(_mm_cvtepu16_epi32(_mm_srli_si128(I(a), 8)));
}
inline V128 I64x2ExtendLowI32x4S(V128 a) {
  using namespace x86_detail;
  return V(_mm_cvtepi32_epi64(I(a)));
}
inline V128 I64x2ExtendHighI32x4S(V128 a) {
  using namespace x86_detail;
  return V(_mm_cvtepi32_epi64(_mm_srli_si128(I(a), 8)));
}
inline V128 I64x2ExtendLowI32x4U(V128 a) {
  using namespace x86_detail;
  return V(_mm_cvtepu32_epi64(I(a)));
}
inline V128 I64x2ExtendHighI32x4U(V128 a) {
  using namespace x86_detail;
  return V(_mm_cvtepu32_epi64(_mm_srli_si128(I(a), 8)));
}

// ------------------------------------------------------------------------------------------------
// Multiplies, dot product, pairwise sums, popcount
// ------------------------------------------------------------------------------------------------

/// {pmaddwd} wraps exactly like the portable code (all four inputs -32768 give 0x80000000).
inline V128 I32x4DotI16x8S(V128 a, V128 b) {
  using namespace x86_detail;
  return V(_mm_madd_epi16(I(a), I(b)));
}

/// {pmulhrsw} computes {(x * y + 0x4000) >> 15} truncated to 16 bits; only -32768 * -32768
/// overflows, to 0x8000 (no other product can round to -32768), which must saturate to 0x7fff.
inline V128 I16x8Q15mulrSatS(V128 a, V128 b) {
  using namespace x86_detail;
  const __m128i r = _mm_mulhrs_epi16(I(a), I(b));
  return V(_mm_xor_si128(r, _mm_cmpeq_epi16(r, _mm_set1_epi16(INT16_MIN))));
}

/// {pmaddubsw} multiplies unsigned bytes of its first operand by signed bytes of its second;
/// sums of two bytes never reach its saturation.
inline V128 I16x8ExtaddPairwiseI8x16S(V128 a) {
  using namespace x86_detail;
  return V(_mm_maddubs_epi16(_mm_set1_epi8(1), I(a)));
}
inline V128 I16x8ExtaddPairwiseI8x16U(V128 a) {
  using namespace x86_detail;
  return V(_mm_maddubs_epi16(I(a), _mm_set1_epi8(1)));
}
inline V128 I32x4ExtaddPairwiseI16x8S(V128 a) {
  using namespace x86_detail;
  return V(_mm_madd_epi16(I(a), _mm_set1_epi16(1)));
}
/// Biasing each lane by -32768 makes it signed; the pair sum is then 65536 too small.
inline V128 I32x4ExtaddPairwiseI16x8U(V128 a) {
  using namespace x86_detail;
  const __m128i biased = _mm_xor_si128(I(a), _mm_set1_epi16(INT16_MIN));
  return V(_mm_add_epi32(_mm_madd_epi16(biased, _mm_set1_epi16(1)), _mm_set1_epi32(65536)));
}

/// Per byte, the bit counts of its two nibbles from a 16-entry table.
inline V128 I8x16Popcnt(V128 a) {
  using namespace x86_detail;
  const __m128i table = _mm_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
  const __m128i nibble = _mm_set1_epi8(0x0f);
  const __m128i lo = _mm_and_si128(I(a), nibble);
  const __m128i hi = _mm_and_si128(_mm_srli_epi16(I(a), 4), nibble);
  return V(_mm_add_epi8(_mm_shuffle_epi8(table, lo), _mm_shuffle_epi8(table, hi)));
}

/// 64-bit products from three 32x32->64 multiplies: lo*lo + ((hi_a*lo_b + lo_a*hi_b) << 32).
inline V128 I64x2Mul(V128 a, V128 b) {
  using namespace x86_detail;
  const __m128i x = I(a), y = I(b);
  const __m128i lo = _mm_mul_epu32(x, y);
  const __m128i cross = _mm_add_epi64(_mm_mul_epu32(_mm_srli_epi64(x, 32), y),
                                      _mm_mul_epu32(x, _mm_srli_epi64(y, 32)));
  return V(_mm_add_epi64(lo, _mm_slli_epi64(cross, 32)));
}

// ------------------------------------------------------------------------------------------------
// Float to integer
// ------------------------------------------------------------------------------------------------

/// {cvttps2dq} gives 0x80000000 for NaN and out-of-range lanes: right for large negative
/// values; lanes at or above 2^31 flip to 0x7fffffff and NaN lanes are cleared.
inline V128 I32x4TruncSatF32x4S(V128 a) {
  using namespace x86_detail;
  const __m128 x = F(a);
  const __m128i t = _mm_cvttps_epi32(x);
  const __m128i too_big = _mm_castps_si128(_mm_cmpge_ps(x, _mm_set1_ps(0x1p31f)));
  const __m128i ordered = _mm_castps_si128(_mm_cmpord_ps(x, x));
  return V(_mm_and_si128(_mm_xor_si128(t, too_big), ordered));
}

/// {cvttps2dq} on the non-negative part (NaN and negative lanes become +0 through {maxps},
/// which returns its second operand for NaN); lanes at or above 2^31 are converted after
/// subtracting 2^31 (exact there) and get the top bit back; from 2^32 on, all ones.
inline V128 I32x4TruncSatF32x4U(V128 a) {
  using namespace x86_detail;
  const __m128 two31 = _mm_set1_ps(0x1p31f);
  const __m128 x = _mm_max_ps(F(a), _mm_setzero_ps());
  const __m128i low = _mm_cvttps_epi32(x);
  const __m128i high = _mm_or_si128(_mm_cvttps_epi32(_mm_sub_ps(x, two31)),
                                    _mm_set1_epi32(INT32_MIN));
  const __m128i big = _mm_castps_si128(_mm_cmpge_ps(x, two31));
  const __m128i too_big = _mm_castps_si128(_mm_cmpge_ps(x, _mm_set1_ps(0x1p32f)));
  return V(_mm_or_si128(_mm_blendv_epi8(low, high, big), too_big));
}

/// As {I32x4TruncSatF32x4S}, with {cvttpd2dq} (which zeroes lanes 2 and 3).
inline V128 I32x4TruncSatF64x2SZero(V128 a) {
  using namespace x86_detail;
  const __m128d x = D(a);
  const __m128i t = _mm_cvttpd_epi32(x);
  const __m128i too_big = LowHalvesZero(_mm_cmpge_pd(x, _mm_set1_pd(0x1p31)));
  const __m128i nan = LowHalvesZero(_mm_cmpunord_pd(x, x));
  return V(_mm_andnot_si128(nan, _mm_xor_si128(t, too_big)));
}

/// Clamped to [0, 2^32 - 1] (NaN to 0 through {maxpd}), truncated, then added to 2^52 so that
/// the integer is the low 32 bits of the double's bits.
inline V128 I32x4TruncSatF64x2UZero(V128 a) {
  using namespace x86_detail;
  __m128d x = _mm_max_pd(D(a), _mm_setzero_pd());
  x = _mm_min_pd(x, _mm_set1_pd(4294967295.0));
  x = _mm_round_pd(x, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
  return V(LowHalvesZero(_mm_add_pd(x, _mm_set1_pd(0x1p52))));
}

// ------------------------------------------------------------------------------------------------
// Other float operations and conversions
// ------------------------------------------------------------------------------------------------

/// {sqrtps} quiets NaN inputs keeping their payload, and gives the default NaN for negative
/// inputs, as the scalar {sqrtss} behind {num::F32Sqrt} does.
inline V128 F32x4Sqrt(V128 a) {
  using namespace x86_detail;
  return V(_mm_sqrt_ps(F(a)));
}
inline V128 F64x2Sqrt(V128 a) {
  using namespace x86_detail;
  return V(_mm_sqrt_pd(D(a)));
}

inline V128 F32x4ConvertI32x4S(V128 a) {
  using namespace x86_detail;
  return V(_mm_cvtepi32_ps(I(a)));
}
/// High and low 16-bit halves convert exactly; their sum is the single rounding.
inline V128 F32x4ConvertI32x4U(V128 a) {
  using namespace x86_detail;
  const __m128 high =
      _mm_mul_ps(_mm_cvtepi32_ps(_mm_srli_epi32(I(a), 16)), _mm_set1_ps(65536.0f));
  const __m128 low = _mm_cvtepi32_ps(_mm_and_si128(I(a), _mm_set1_epi32(0xffff)));
  return V(_mm_add_ps(high, low));
}
inline V128 F64x2ConvertLowI32x4S(V128 a) {
  using namespace x86_detail;
  return V(_mm_cvtepi32_pd(I(a)));
}
/// Biased by -2^31 into signed range, converted exactly, and the bias added back exactly.
inline V128 F64x2ConvertLowI32x4U(V128 a) {
  using namespace x86_detail;
  const __m128i biased = _mm_xor_si128(I(a), _mm_set1_epi32(INT32_MIN));
  return V(_mm_add_pd(_mm_cvtepi32_pd(biased), _mm_set1_pd(0x1p31)));
}

/// {cvtpd2ps} rounds to nearest, overflows to infinity, and turns a NaN into a quiet one with
/// the same sign and the top payload bits, exactly as {num::F32DemoteF64}; lanes 2, 3 zero.
inline V128 F32x4DemoteF64x2Zero(V128 a) {
  using namespace x86_detail;
  return V(_mm_cvtpd_ps(D(a)));
}
/// {cvtps2pd} is exact and quiets NaNs keeping sign and payload, as {num::F64PromoteF32}.
inline V128 F64x2PromoteLowF32x4(V128 a) {
  using namespace x86_detail;
  return V(_mm_cvtps_pd(F(a)));
}

}  // namespace wasmscope::internal::simd::x86

#define WASMSCOPE_SIMD_X86_OPS(X) \
  X(F32x4Ceil)                    \
  X(F32x4Floor)                   \
  X(F32x4Trunc)                   \
  X(F32x4Nearest)                 \
  X(F64x2Ceil)                    \
  X(F64x2Floor)                   \
  X(F64x2Trunc)                   \
  X(F64x2Nearest)                 \
  X(F32x4Min)                     \
  X(F32x4Max)                     \
  X(F64x2Min)                     \
  X(F64x2Max)                     \
  X(I8x16Swizzle)                 \
  X(I8x16Shuffle)                 \
  X(I8x16Bitmask)                 \
  X(I16x8Bitmask)                 \
  X(I32x4Bitmask)                 \
  X(I64x2Bitmask)                 \
  X(V128AnyTrue)                  \
  X(I8x16AllTrue)                 \
  X(I16x8AllTrue)                 \
  X(I32x4AllTrue)                 \
  X(I64x2AllTrue)                 \
  X(I8x16AddSatS)                 \
  X(I8x16AddSatU)                 \
  X(I8x16SubSatS)                 \
  X(I8x16SubSatU)                 \
  X(I16x8AddSatS)                 \
  X(I16x8AddSatU)                 \
  X(I16x8SubSatS)                 \
  X(I16x8SubSatU)                 \
  X(I8x16NarrowI16x8S)            \
  X(I8x16NarrowI16x8U)            \
  X(I16x8NarrowI32x4S)            \
  X(I16x8NarrowI32x4U)            \
  X(I16x8ExtendLowI8x16S)         \
  X(I16x8ExtendHighI8x16S)        \
  X(I16x8ExtendLowI8x16U)         \
  X(I16x8ExtendHighI8x16U)        \
  X(I32x4ExtendLowI16x8S)         \
  X(I32x4ExtendHighI16x8S)        \
  X(I32x4ExtendLowI16x8U)         \
  X(I32x4ExtendHighI16x8U)        \
  X(I64x2ExtendLowI32x4S)         \
  X(I64x2ExtendHighI32x4S)        \
  X(I64x2ExtendLowI32x4U)         \
  X(I64x2ExtendHighI32x4U)        \
  X(I32x4DotI16x8S)               \
  X(I16x8Q15mulrSatS)             \
  X(I16x8ExtaddPairwiseI8x16S)    \
  X(I16x8ExtaddPairwiseI8x16U)    \
  X(I32x4ExtaddPairwiseI16x8S)    \
  X(I32x4ExtaddPairwiseI16x8U)    \
  X(I8x16Popcnt)                  \
  X(I64x2Mul)                     \
  X(I32x4TruncSatF32x4S)          \
  X(I32x4TruncSatF32x4U)          \
  X(I32x4TruncSatF64x2SZero)      \
  X(I32x4TruncSatF64x2UZero)      \
  X(F32x4Sqrt)                    \
  X(F64x2Sqrt)                    \
  X(F32x4ConvertI32x4S)           \
  X(F32x4ConvertI32x4U)           \
  X(F64x2ConvertLowI32x4S)        \
  X(F64x2ConvertLowI32x4U)        \
  X(F32x4DemoteF64x2Zero)         \
  X(F64x2PromoteLowF32x4)

#else  // !(WASMSCOPE_SIMD_X86 && __SSE4_1__)

#define WASMSCOPE_SIMD_X86_OPS(X)

#endif
