// The floating-point SIMD instructions of WebAssembly 2.0 (spec section 4.3, "Numerics",
// lifted lane-wise to v128), one small function per opcode, named after its entry in
// {simd_ops.def} and shaped as that entry's handler expects. The interpreter's SIMD handlers
// call these; the integer, bitwise and memory instructions are in {engine/simd_int.h}.
//
// Each lane follows exactly the scalar rule in {engine/numeric.h}: where a rule needs more than
// one IEEE operation (min, max, the roundings, sqrt's NaN, the conversions) the {num::}
// function is applied lane by lane, so every NaN, signed-zero and rounding rule lives in one
// place. Vector extensions are used only where the vector expression is the same IEEE
// operation per lane: {+ - * /}, the comparisons, and the bit operations {Abs}, {Neg},
// {Pmin} and {Pmax}.
//
// Floating-point contract: that of {engine/numeric.h}. In particular this must be compiled
// with {-ffp-contract=off}, or GCC may fuse an inlined {F32x4Mul} and {F32x4Add} into one FMA,
// and never with {-ffast-math}. {+ - * /} leave the NaN rule (canonical NaN when every NaN
// input is canonical, else an arithmetic NaN) to the hardware, as the scalar ones do.
//
// Lane immediates are validated to be below the lane count; the accessors mask them anyway,
// so an out-of-contract call reads some lane rather than past the vector.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>

#include "engine/numeric.h"
#include "engine/simd_types.h"

namespace wasmscope::internal::simd {

namespace float_detail {

template <typename Vec>
constexpr size_t kLanes = sizeof(Vec) / sizeof(Vec{}[0]);

/// {op} applied to each lane of {a} viewed as {In}, collected as lanes of {Out}. {Out} may have
/// more lanes than {In} ({...Zero} results): those lanes are zero.
template <typename Out, typename In, typename Op>
inline V128 MapLanes(V128 a, Op op) {
  const In in = std::bit_cast<In>(a);
  Out out = {};
  for (size_t i = 0; i < kLanes<Out> && i < kLanes<In>; ++i) out[i] = op(in[i]);
  return std::bit_cast<V128>(out);
}

/// {op} applied to each pair of lanes of {a} and {b} viewed as {Vec}.
template <typename Vec, typename Op>
inline V128 ZipLanes(V128 a, V128 b, Op op) {
  const Vec x = std::bit_cast<Vec>(a);
  const Vec y = std::bit_cast<Vec>(b);
  Vec out = {};
  for (size_t i = 0; i < kLanes<Vec>; ++i) out[i] = op(x[i], y[i]);
  return std::bit_cast<V128>(out);
}

/// The sign bit of every lane.
constexpr U32x4 kF32SignBits = {0x8000'0000u, 0x8000'0000u, 0x8000'0000u, 0x8000'0000u};
constexpr U64x2 kF64SignBits = {0x8000'0000'0000'0000u, 0x8000'0000'0000'0000u};

/// Per lane, {x} where {mask} is all ones, else {y}; bit-exact, so NaN payloads pass unchanged.
inline V128 Select(V128 mask, V128 x, V128 y) {
  return (x & mask) | (y & ~mask);
}

}  // namespace float_detail

// ================================================================================================
// Splat and lanes
// ================================================================================================

inline V128 F32x4Splat(float x) {
  return std::bit_cast<V128>(F32x4{x, x, x, x});
}
inline V128 F64x2Splat(double x) {
  return std::bit_cast<V128>(F64x2{x, x});
}

inline float F32x4ExtractLane(V128 a, uint32_t lane) {
  return std::bit_cast<F32x4>(a)[lane & 3];
}
inline double F64x2ExtractLane(V128 a, uint32_t lane) {
  return std::bit_cast<F64x2>(a)[lane & 1];
}

inline V128 F32x4ReplaceLane(V128 a, float x, uint32_t lane) {
  F32x4 v = std::bit_cast<F32x4>(a);
  v[lane & 3] = x;
  return std::bit_cast<V128>(v);
}
inline V128 F64x2ReplaceLane(V128 a, double x, uint32_t lane) {
  F64x2 v = std::bit_cast<F64x2>(a);
  v[lane & 1] = x;
  return std::bit_cast<V128>(v);
}

// ================================================================================================
// Comparisons: each lane all ones when true, else zero. False whenever an operand is NaN,
// except {Ne}; -0 == +0. The vector comparisons are the scalar IEEE ones lane by lane.
// ================================================================================================

inline V128 F32x4Eq(V128 a, V128 b) {
  return std::bit_cast<V128>(std::bit_cast<F32x4>(a) == std::bit_cast<F32x4>(b));
}
inline V128 F32x4Ne(V128 a, V128 b) {
  return std::bit_cast<V128>(std::bit_cast<F32x4>(a) != std::bit_cast<F32x4>(b));
}
inline V128 F32x4Lt(V128 a, V128 b) {
  return std::bit_cast<V128>(std::bit_cast<F32x4>(a) < std::bit_cast<F32x4>(b));
}
inline V128 F32x4Gt(V128 a, V128 b) {
  return std::bit_cast<V128>(std::bit_cast<F32x4>(a) > std::bit_cast<F32x4>(b));
}
inline V128 F32x4Le(V128 a, V128 b) {
  return std::bit_cast<V128>(std::bit_cast<F32x4>(a) <= std::bit_cast<F32x4>(b));
}
inline V128 F32x4Ge(V128 a, V128 b) {
  return std::bit_cast<V128>(std::bit_cast<F32x4>(a) >= std::bit_cast<F32x4>(b));
}

inline V128 F64x2Eq(V128 a, V128 b) {
  return std::bit_cast<V128>(std::bit_cast<F64x2>(a) == std::bit_cast<F64x2>(b));
}
inline V128 F64x2Ne(V128 a, V128 b) {
  return std::bit_cast<V128>(std::bit_cast<F64x2>(a) != std::bit_cast<F64x2>(b));
}
inline V128 F64x2Lt(V128 a, V128 b) {
  return std::bit_cast<V128>(std::bit_cast<F64x2>(a) < std::bit_cast<F64x2>(b));
}
inline V128 F64x2Gt(V128 a, V128 b) {
  return std::bit_cast<V128>(std::bit_cast<F64x2>(a) > std::bit_cast<F64x2>(b));
}
inline V128 F64x2Le(V128 a, V128 b) {
  return std::bit_cast<V128>(std::bit_cast<F64x2>(a) <= std::bit_cast<F64x2>(b));
}
inline V128 F64x2Ge(V128 a, V128 b) {
  return std::bit_cast<V128>(std::bit_cast<F64x2>(a) >= std::bit_cast<F64x2>(b));
}

// ================================================================================================
// Sign bit operations: never alter a NaN's payload (as {num::F32Abs} and {num::F32Neg}).
// ================================================================================================

inline V128 F32x4Abs(V128 a) {
  return a & ~std::bit_cast<V128>(float_detail::kF32SignBits);
}
inline V128 F32x4Neg(V128 a) {
  return a ^ std::bit_cast<V128>(float_detail::kF32SignBits);
}
inline V128 F64x2Abs(V128 a) {
  return a & ~std::bit_cast<V128>(float_detail::kF64SignBits);
}
inline V128 F64x2Neg(V128 a) {
  return a ^ std::bit_cast<V128>(float_detail::kF64SignBits);
}

// ================================================================================================
// Arithmetic. {+ - * /} are single IEEE operations per lane; everything else is {num::}.
// ================================================================================================

inline V128 F32x4Add(V128 a, V128 b) {
  return std::bit_cast<V128>(std::bit_cast<F32x4>(a) + std::bit_cast<F32x4>(b));
}
inline V128 F32x4Sub(V128 a, V128 b) {
  return std::bit_cast<V128>(std::bit_cast<F32x4>(a) - std::bit_cast<F32x4>(b));
}
inline V128 F32x4Mul(V128 a, V128 b) {
  return std::bit_cast<V128>(std::bit_cast<F32x4>(a) * std::bit_cast<F32x4>(b));
}
inline V128 F32x4Div(V128 a, V128 b) {
  return std::bit_cast<V128>(std::bit_cast<F32x4>(a) / std::bit_cast<F32x4>(b));
}
inline V128 F32x4Sqrt(V128 a) {
  return float_detail::MapLanes<F32x4, F32x4>(a, num::F32Sqrt);
}
inline V128 F32x4Min(V128 a, V128 b) {
  return float_detail::ZipLanes<F32x4>(a, b, num::F32Min);
}
inline V128 F32x4Max(V128 a, V128 b) {
  return float_detail::ZipLanes<F32x4>(a, b, num::F32Max);
}

inline V128 F64x2Add(V128 a, V128 b) {
  return std::bit_cast<V128>(std::bit_cast<F64x2>(a) + std::bit_cast<F64x2>(b));
}
inline V128 F64x2Sub(V128 a, V128 b) {
  return std::bit_cast<V128>(std::bit_cast<F64x2>(a) - std::bit_cast<F64x2>(b));
}
inline V128 F64x2Mul(V128 a, V128 b) {
  return std::bit_cast<V128>(std::bit_cast<F64x2>(a) * std::bit_cast<F64x2>(b));
}
inline V128 F64x2Div(V128 a, V128 b) {
  return std::bit_cast<V128>(std::bit_cast<F64x2>(a) / std::bit_cast<F64x2>(b));
}
inline V128 F64x2Sqrt(V128 a) {
  return float_detail::MapLanes<F64x2, F64x2>(a, num::F64Sqrt);
}
inline V128 F64x2Min(V128 a, V128 b) {
  return float_detail::ZipLanes<F64x2>(a, b, num::F64Min);
}
inline V128 F64x2Max(V128 a, V128 b) {
  return float_detail::ZipLanes<F64x2>(a, b, num::F64Max);
}

// ================================================================================================
// Pseudo-minimum and pseudo-maximum: {pmin} is {b < a ? b : a}, {pmax} is {a < b ? b : a},
// C++'s std::min and std::max with the operands swapped. Unlike {min} and {max} they are not
// arithmetic: the chosen operand is returned bit for bit, so a NaN in {b} never wins, a NaN in
// {a} always does and is not quieted, and of two zeros {a} is returned.
// ================================================================================================

inline V128 F32x4Pmin(V128 a, V128 b) {
  const V128 b_less = std::bit_cast<V128>(std::bit_cast<F32x4>(b) < std::bit_cast<F32x4>(a));
  return float_detail::Select(b_less, b, a);
}
inline V128 F32x4Pmax(V128 a, V128 b) {
  const V128 a_less = std::bit_cast<V128>(std::bit_cast<F32x4>(a) < std::bit_cast<F32x4>(b));
  return float_detail::Select(a_less, b, a);
}
inline V128 F64x2Pmin(V128 a, V128 b) {
  const V128 b_less = std::bit_cast<V128>(std::bit_cast<F64x2>(b) < std::bit_cast<F64x2>(a));
  return float_detail::Select(b_less, b, a);
}
inline V128 F64x2Pmax(V128 a, V128 b) {
  const V128 a_less = std::bit_cast<V128>(std::bit_cast<F64x2>(a) < std::bit_cast<F64x2>(b));
  return float_detail::Select(a_less, b, a);
}

// ================================================================================================
// Rounding to an integral value
// ================================================================================================

inline V128 F32x4Ceil(V128 a) {
  return float_detail::MapLanes<F32x4, F32x4>(a, num::F32Ceil);
}
inline V128 F32x4Floor(V128 a) {
  return float_detail::MapLanes<F32x4, F32x4>(a, num::F32Floor);
}
inline V128 F32x4Trunc(V128 a) {
  return float_detail::MapLanes<F32x4, F32x4>(a, num::F32Trunc);
}
inline V128 F32x4Nearest(V128 a) {
  return float_detail::MapLanes<F32x4, F32x4>(a, num::F32Nearest);
}

inline V128 F64x2Ceil(V128 a) {
  return float_detail::MapLanes<F64x2, F64x2>(a, num::F64Ceil);
}
inline V128 F64x2Floor(V128 a) {
  return float_detail::MapLanes<F64x2, F64x2>(a, num::F64Floor);
}
inline V128 F64x2Trunc(V128 a) {
  return float_detail::MapLanes<F64x2, F64x2>(a, num::F64Trunc);
}
inline V128 F64x2Nearest(V128 a) {
  return float_detail::MapLanes<F64x2, F64x2>(a, num::F64Nearest);
}

// ================================================================================================
// Conversions. The f64x2 forms read the low two i32 or f32 lanes; the {...Zero} forms write
// two lanes and zero the upper two.
// ================================================================================================

inline V128 F32x4ConvertI32x4S(V128 a) {
  return float_detail::MapLanes<F32x4, U32x4>(a, num::F32ConvertI32S);
}
inline V128 F32x4ConvertI32x4U(V128 a) {
  return float_detail::MapLanes<F32x4, U32x4>(a, num::F32ConvertI32U);
}
inline V128 F64x2ConvertLowI32x4S(V128 a) {
  return float_detail::MapLanes<F64x2, U32x4>(a, num::F64ConvertI32S);
}
inline V128 F64x2ConvertLowI32x4U(V128 a) {
  return float_detail::MapLanes<F64x2, U32x4>(a, num::F64ConvertI32U);
}

inline V128 I32x4TruncSatF32x4S(V128 a) {
  return float_detail::MapLanes<U32x4, F32x4>(a, num::I32TruncSatF32S);
}
inline V128 I32x4TruncSatF32x4U(V128 a) {
  return float_detail::MapLanes<U32x4, F32x4>(a, num::I32TruncSatF32U);
}
inline V128 I32x4TruncSatF64x2SZero(V128 a) {
  return float_detail::MapLanes<U32x4, F64x2>(a, num::I32TruncSatF64S);
}
inline V128 I32x4TruncSatF64x2UZero(V128 a) {
  return float_detail::MapLanes<U32x4, F64x2>(a, num::I32TruncSatF64U);
}

inline V128 F32x4DemoteF64x2Zero(V128 a) {
  return float_detail::MapLanes<F32x4, F64x2>(a, num::F32DemoteF64);
}
inline V128 F64x2PromoteLowF32x4(V128 a) {
  return float_detail::MapLanes<F64x2, F32x4>(a, num::F64PromoteF32);
}

// Relaxed SIMD (WebAssembly 3.0). The spec allows each of these a set of results; wasmscope
// always gives the first, the one 3.0's deterministic profile prescribes, in both tiers and on
// every CPU: multiply-add rounds twice (no fused multiply-add), min/max and the conversions
// are their non-relaxed counterparts.
inline V128 F32x4RelaxedMadd(V128 a, V128 b, V128 c) {
  return F32x4Add(F32x4Mul(a, b), c);
}
inline V128 F32x4RelaxedNmadd(V128 a, V128 b, V128 c) {
  return F32x4Add(F32x4Neg(F32x4Mul(a, b)), c);
}
inline V128 F64x2RelaxedMadd(V128 a, V128 b, V128 c) {
  return F64x2Add(F64x2Mul(a, b), c);
}
inline V128 F64x2RelaxedNmadd(V128 a, V128 b, V128 c) {
  return F64x2Add(F64x2Neg(F64x2Mul(a, b)), c);
}
inline V128 F32x4RelaxedMin(V128 a, V128 b) { return F32x4Min(a, b); }
inline V128 F32x4RelaxedMax(V128 a, V128 b) { return F32x4Max(a, b); }
inline V128 F64x2RelaxedMin(V128 a, V128 b) { return F64x2Min(a, b); }
inline V128 F64x2RelaxedMax(V128 a, V128 b) { return F64x2Max(a, b); }
inline V128 I32x4RelaxedTruncF32x4S(V128 a) { return I32x4TruncSatF32x4S(a); }
inline V128 I32x4RelaxedTruncF32x4U(V128 a) { return I32x4TruncSatF32x4U(a); }
inline V128 I32x4RelaxedTruncF64x2SZero(V128 a) { return I32x4TruncSatF64x2SZero(a); }
inline V128 I32x4RelaxedTruncF64x2UZero(V128 a) { return I32x4TruncSatF64x2UZero(a); }

}  // namespace wasmscope::internal::simd
