// The integer and bitwise SIMD instructions of WebAssembly 2.0 (spec section 4.3.4, "Vector
// operations"), one small function per opcode, named after its entry in {simd_ops.def}; the
// handler shape there fixes the signature. The float instructions live in {simd_float.h}.
// Nothing here knows about stacks, frames or memories: loads and stores arrive as the scalar
// the interpreter read, or leave as the scalar it will write.
//
// No undefined behaviour for any input:
//  - Wrapping arithmetic is done on unsigned lane views ({U8x16} ...). Signed vector overflow is
//    undefined exactly like scalar signed overflow, so signed views are only compared, shifted
//    right (arithmetic shift is defined since C++20) or read lane by lane.
//  - Vector arithmetic on 8- and 16-bit lanes does not promote to {int}, but scalar arithmetic
//    does: scalar lane loops widen explicitly before multiplying (65535 * 65535 overflows int).
//  - Shift counts are taken modulo the lane width, as the spec requires.
//  - Lane immediates are validated to be in range before execution; they are still masked to
//    the lane count so that a bad immediate cannot index outside the 16 bytes.
//
// Layout: lane 0 is the lowest-addressed lane (see {simd_types.h}). The scalars of the load and
// store shapes are little-endian numbers, so lane {i} of an 8-byte load is bits [8i, 8i + 8).
#pragma once

#include <bit>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <utility>

#include "engine/simd_types.h"

namespace wasmscope::internal::simd {

namespace detail {

/// Reinterprets the 16 bytes of {v} as another lane view.
template <typename To, typename From>
inline To As(From v) {
  static_assert(sizeof(To) == 16 && sizeof(From) == 16);
  return std::bit_cast<To>(v);
}

/// The element type of a lane view, e.g. {int8_t} for {I8x16}.
template <typename Vec>
using LaneOf = std::remove_cvref_t<decltype(std::declval<Vec&>()[0])>;

template <typename Vec>
inline constexpr int kLanes = static_cast<int>(sizeof(Vec) / sizeof(LaneOf<Vec>));

/// The unsigned view with {Vec}'s lane width (wrapping arithmetic, logical shifts).
template <typename Vec>
using UnsignedOf = std::conditional_t<
    sizeof(LaneOf<Vec>) == 1, U8x16,
    std::conditional_t<sizeof(LaneOf<Vec>) == 2, U16x8,
                       std::conditional_t<sizeof(LaneOf<Vec>) == 4, U32x4, U64x2>>>;

/// Bitwise select: bits of {yes} where {mask} is 1, of {no} where it is 0.
inline V128 Select(V128 mask, V128 yes, V128 no) {
  return (yes & mask) | (no & ~mask);
}

/// A comparison result (lanes all ones or zero, of any view) as a {V128}.
template <typename Mask>
inline V128 MaskOf(Mask m) {
  return As<V128>(m);
}

/// {r[i] = f(x[i], y[i])} over the lanes of view {Vec}.
template <typename Vec, typename F>
inline V128 MapLanes(V128 a, V128 b, F f) {
  const Vec x = As<Vec>(a);
  const Vec y = As<Vec>(b);
  Vec r{};
  for (int i = 0; i < kLanes<Vec>; ++i)
    r[i] = f(x[i], y[i]);
  return As<V128>(r);
}

/// {v} clamped to the range of {Lane}.
template <typename Lane>
inline Lane Saturate(int64_t v) {
  constexpr int64_t kMin = std::numeric_limits<Lane>::min();
  constexpr int64_t kMax = std::numeric_limits<Lane>::max();
  return static_cast<Lane>(v < kMin ? kMin : v > kMax ? kMax : v);
}

/// Lanes {first, first + 1, ...} of the narrow view {From}, each converted to the wide lane type
/// of {To} (sign- or zero-extension follows the signedness of {From}'s lanes).
template <typename To, typename From>
inline V128 Extend(V128 a, int first) {
  const From x = As<From>(a);
  To r{};
  for (int i = 0; i < kLanes<To>; ++i)
    r[i] = static_cast<LaneOf<To>>(x[first + i]);
  return As<V128>(r);
}

/// Sums of adjacent lane pairs of {From}, widened to the lanes of {To}.
template <typename To, typename From>
inline V128 ExtaddPairwise(V128 a) {
  const From x = As<From>(a);
  To r{};
  for (int i = 0; i < kLanes<To>; ++i) {
    r[i] = static_cast<LaneOf<To>>(LaneOf<To>{x[2 * i]} + LaneOf<To>{x[2 * i + 1]});
  }
  return As<V128>(r);
}

/// Saturating narrowing of the signed wide lanes of {a} then {b} into the lanes of {To}.
template <typename To, typename From>
inline V128 Narrow(V128 a, V128 b) {
  constexpr int kHalf = kLanes<From>;
  const From x = As<From>(a);
  const From y = As<From>(b);
  To r{};
  for (int i = 0; i < kHalf; ++i) {
    r[i] = Saturate<LaneOf<To>>(x[i]);
    r[kHalf + i] = Saturate<LaneOf<To>>(y[i]);
  }
  return As<V128>(r);
}

/// One bit per lane of {Vec}: bit {i} is the top bit of lane {i}.
template <typename Vec>
inline uint32_t Bitmask(V128 a) {
  using Signed = std::make_signed_t<LaneOf<Vec>>;
  const Vec x = As<Vec>(a);
  uint32_t bits = 0;
  for (int i = 0; i < kLanes<Vec>; ++i) {
    if (static_cast<Signed>(x[i]) < 0) bits |= uint32_t{1} << i;
  }
  return bits;
}

/// 1 if every lane of view {Vec} is nonzero, else 0.
template <typename Vec>
inline uint32_t AllTrue(V128 a) {
  const V128 zero_lanes = MaskOf(As<Vec>(a) == 0);
  return (zero_lanes[0] | zero_lanes[1]) == 0 ? 1 : 0;
}

/// {a} with lane {lane} (taken modulo the lane count) set to {x}.
template <typename Vec>
inline V128 Replace(V128 a, LaneOf<Vec> x, uint32_t lane) {
  Vec v = As<Vec>(a);
  v[lane % kLanes<Vec>] = x;
  return As<V128>(v);
}

/// Lane {lane} (taken modulo the lane count) of view {Vec}.
template <typename Vec>
inline LaneOf<Vec> Extract(V128 a, uint32_t lane) {
  return As<Vec>(a)[lane % kLanes<Vec>];
}

/// {lane} repeated in every lane of the given width: {pattern} has a 1 at the bottom of each
/// lane, e.g. 0x0101...01 for 8-bit lanes.
inline V128 SplatBits(uint64_t lane, uint64_t pattern) {
  const uint64_t half = lane * pattern;
  return V128{half, half};
}

/// The lanes of type {Narrow} packed in an 8-byte little-endian load, each extended to a lane of
/// {To} (sign- or zero-extension follows the signedness of {Narrow}).
template <typename To, typename Narrow>
inline V128 ExtendLoaded(uint64_t loaded) {
  constexpr int kBits = 8 * sizeof(Narrow);
  To r{};
  for (int i = 0; i < kLanes<To>; ++i) {
    r[i] = static_cast<LaneOf<To>>(static_cast<Narrow>(loaded >> (kBits * i)));
  }
  return As<V128>(r);
}

}  // namespace detail

// ------------------------------------------------------------------------------------------------
// v128 bitwise
// ------------------------------------------------------------------------------------------------

inline V128 V128Not(V128 a) {
  return ~a;
}
inline V128 V128And(V128 a, V128 b) {
  return a & b;
}
/// {a & ~b}.
inline V128 V128Andnot(V128 a, V128 b) {
  return a & ~b;
}
inline V128 V128Or(V128 a, V128 b) {
  return a | b;
}
inline V128 V128Xor(V128 a, V128 b) {
  return a ^ b;
}
/// Bits of {a} where {c} is 1, of {b} where it is 0.
inline V128 V128Bitselect(V128 a, V128 b, V128 c) {
  return detail::Select(c, a, b);
}
inline uint32_t V128AnyTrue(V128 a) {
  return (a[0] | a[1]) != 0 ? 1 : 0;
}

// ------------------------------------------------------------------------------------------------
// Loads and stores (the memory access itself is the interpreter's)
// ------------------------------------------------------------------------------------------------

inline V128 V128Load8x8S(uint64_t loaded) {
  return detail::ExtendLoaded<I16x8, int8_t>(loaded);
}
inline V128 V128Load8x8U(uint64_t loaded) {
  return detail::ExtendLoaded<U16x8, uint8_t>(loaded);
}
inline V128 V128Load16x4S(uint64_t loaded) {
  return detail::ExtendLoaded<I32x4, int16_t>(loaded);
}
inline V128 V128Load16x4U(uint64_t loaded) {
  return detail::ExtendLoaded<U32x4, uint16_t>(loaded);
}
inline V128 V128Load32x2S(uint64_t loaded) {
  return detail::ExtendLoaded<I64x2, int32_t>(loaded);
}
inline V128 V128Load32x2U(uint64_t loaded) {
  return detail::ExtendLoaded<U64x2, uint32_t>(loaded);
}

inline V128 V128Load8Splat(uint8_t loaded) {
  return detail::SplatBits(loaded, 0x0101'0101'0101'0101u);
}
inline V128 V128Load16Splat(uint16_t loaded) {
  return detail::SplatBits(loaded, 0x0001'0001'0001'0001u);
}
inline V128 V128Load32Splat(uint32_t loaded) {
  return detail::SplatBits(loaded, 0x0000'0001'0000'0001u);
}
inline V128 V128Load64Splat(uint64_t loaded) {
  return V128{loaded, loaded};
}

inline V128 V128Load32Zero(uint32_t loaded) {
  return V128{loaded, 0};
}
inline V128 V128Load64Zero(uint64_t loaded) {
  return V128{loaded, 0};
}

inline V128 V128Load8Lane(V128 a, uint8_t loaded, uint32_t lane) {
  return detail::Replace<U8x16>(a, loaded, lane);
}
inline V128 V128Load16Lane(V128 a, uint16_t loaded, uint32_t lane) {
  return detail::Replace<U16x8>(a, loaded, lane);
}
inline V128 V128Load32Lane(V128 a, uint32_t loaded, uint32_t lane) {
  return detail::Replace<U32x4>(a, loaded, lane);
}
inline V128 V128Load64Lane(V128 a, uint64_t loaded, uint32_t lane) {
  return detail::Replace<U64x2>(a, loaded, lane);
}

inline uint8_t V128Store8Lane(V128 a, uint32_t lane) {
  return detail::Extract<U8x16>(a, lane);
}
inline uint16_t V128Store16Lane(V128 a, uint32_t lane) {
  return detail::Extract<U16x8>(a, lane);
}
inline uint32_t V128Store32Lane(V128 a, uint32_t lane) {
  return detail::Extract<U32x4>(a, lane);
}
inline uint64_t V128Store64Lane(V128 a, uint32_t lane) {
  return detail::Extract<U64x2>(a, lane);
}

// ------------------------------------------------------------------------------------------------
// Lane access: shuffle, swizzle, splat, extract, replace
// ------------------------------------------------------------------------------------------------

/// Byte {i} of the result is byte {lanes[i]} of the 32 bytes {a || b}. Validation guarantees
/// {lanes[i] < 32}; the index is masked regardless.
inline V128 I8x16Shuffle(V128 a, V128 b, V128 lanes) {
  const U8x16 x = detail::As<U8x16>(a);
  const U8x16 y = detail::As<U8x16>(b);
  const U8x16 index = detail::As<U8x16>(lanes);
  U8x16 r{};
  for (int i = 0; i < 16; ++i) {
    const unsigned k = index[i] & 31u;
    r[i] = k < 16 ? x[k] : y[k - 16];
  }
  return detail::As<V128>(r);
}

/// Byte {i} of the result is byte {b[i]} of {a}, or 0 when {b[i] >= 16}.
inline V128 I8x16Swizzle(V128 a, V128 b) {
  const U8x16 x = detail::As<U8x16>(a);
  const U8x16 index = detail::As<U8x16>(b);
  U8x16 r{};
  for (int i = 0; i < 16; ++i)
    r[i] = index[i] < 16 ? x[index[i]] : 0;
  return detail::As<V128>(r);
}

inline V128 I8x16Splat(uint32_t x) {
  return detail::SplatBits(x & 0xffu, 0x0101'0101'0101'0101u);
}
inline V128 I16x8Splat(uint32_t x) {
  return detail::SplatBits(x & 0xffffu, 0x0001'0001'0001'0001u);
}
inline V128 I32x4Splat(uint32_t x) {
  return detail::SplatBits(x, 0x0000'0001'0000'0001u);
}
inline V128 I64x2Splat(uint64_t x) {
  return V128{x, x};
}

/// The lane sign-extended to 32 bits.
inline uint32_t I8x16ExtractLaneS(V128 a, uint32_t lane) {
  return static_cast<uint32_t>(int32_t{detail::Extract<I8x16>(a, lane)});
}
inline uint32_t I8x16ExtractLaneU(V128 a, uint32_t lane) {
  return detail::Extract<U8x16>(a, lane);
}
/// The lane sign-extended to 32 bits.
inline uint32_t I16x8ExtractLaneS(V128 a, uint32_t lane) {
  return static_cast<uint32_t>(int32_t{detail::Extract<I16x8>(a, lane)});
}
inline uint32_t I16x8ExtractLaneU(V128 a, uint32_t lane) {
  return detail::Extract<U16x8>(a, lane);
}
inline uint32_t I32x4ExtractLane(V128 a, uint32_t lane) {
  return detail::Extract<U32x4>(a, lane);
}
inline uint64_t I64x2ExtractLane(V128 a, uint32_t lane) {
  return detail::Extract<U64x2>(a, lane);
}

/// The low 8 bits of {x} replace lane {lane}.
inline V128 I8x16ReplaceLane(V128 a, uint32_t x, uint32_t lane) {
  return detail::Replace<U8x16>(a, static_cast<uint8_t>(x), lane);
}
/// The low 16 bits of {x} replace lane {lane}.
inline V128 I16x8ReplaceLane(V128 a, uint32_t x, uint32_t lane) {
  return detail::Replace<U16x8>(a, static_cast<uint16_t>(x), lane);
}
inline V128 I32x4ReplaceLane(V128 a, uint32_t x, uint32_t lane) {
  return detail::Replace<U32x4>(a, x, lane);
}
inline V128 I64x2ReplaceLane(V128 a, uint64_t x, uint32_t lane) {
  return detail::Replace<U64x2>(a, x, lane);
}

// ------------------------------------------------------------------------------------------------
// Comparisons: each lane all ones when the relation holds, else zero. A vector comparison
// yields exactly that, as a signed view of the operands' lane width.
// ------------------------------------------------------------------------------------------------

#define WASMSCOPE_SIMD_COMPARE(Name, View, op)                         \
  inline V128 Name(V128 a, V128 b) {                                   \
    return detail::MaskOf(detail::As<View>(a) op detail::As<View>(b)); \
  }

WASMSCOPE_SIMD_COMPARE(I8x16Eq, U8x16, ==)
WASMSCOPE_SIMD_COMPARE(I8x16Ne, U8x16, !=)
WASMSCOPE_SIMD_COMPARE(I8x16LtS, I8x16, <)
WASMSCOPE_SIMD_COMPARE(I8x16LtU, U8x16, <)
WASMSCOPE_SIMD_COMPARE(I8x16GtS, I8x16, >)
WASMSCOPE_SIMD_COMPARE(I8x16GtU, U8x16, >)
WASMSCOPE_SIMD_COMPARE(I8x16LeS, I8x16, <=)
WASMSCOPE_SIMD_COMPARE(I8x16LeU, U8x16, <=)
WASMSCOPE_SIMD_COMPARE(I8x16GeS, I8x16, >=)
WASMSCOPE_SIMD_COMPARE(I8x16GeU, U8x16, >=)

WASMSCOPE_SIMD_COMPARE(I16x8Eq, U16x8, ==)
WASMSCOPE_SIMD_COMPARE(I16x8Ne, U16x8, !=)
WASMSCOPE_SIMD_COMPARE(I16x8LtS, I16x8, <)
WASMSCOPE_SIMD_COMPARE(I16x8LtU, U16x8, <)
WASMSCOPE_SIMD_COMPARE(I16x8GtS, I16x8, >)
WASMSCOPE_SIMD_COMPARE(I16x8GtU, U16x8, >)
WASMSCOPE_SIMD_COMPARE(I16x8LeS, I16x8, <=)
WASMSCOPE_SIMD_COMPARE(I16x8LeU, U16x8, <=)
WASMSCOPE_SIMD_COMPARE(I16x8GeS, I16x8, >=)
WASMSCOPE_SIMD_COMPARE(I16x8GeU, U16x8, >=)

WASMSCOPE_SIMD_COMPARE(I32x4Eq, U32x4, ==)
WASMSCOPE_SIMD_COMPARE(I32x4Ne, U32x4, !=)
WASMSCOPE_SIMD_COMPARE(I32x4LtS, I32x4, <)
WASMSCOPE_SIMD_COMPARE(I32x4LtU, U32x4, <)
WASMSCOPE_SIMD_COMPARE(I32x4GtS, I32x4, >)
WASMSCOPE_SIMD_COMPARE(I32x4GtU, U32x4, >)
WASMSCOPE_SIMD_COMPARE(I32x4LeS, I32x4, <=)
WASMSCOPE_SIMD_COMPARE(I32x4LeU, U32x4, <=)
WASMSCOPE_SIMD_COMPARE(I32x4GeS, I32x4, >=)
WASMSCOPE_SIMD_COMPARE(I32x4GeU, U32x4, >=)

WASMSCOPE_SIMD_COMPARE(I64x2Eq, U64x2, ==)
WASMSCOPE_SIMD_COMPARE(I64x2Ne, U64x2, !=)
WASMSCOPE_SIMD_COMPARE(I64x2LtS, I64x2, <)
WASMSCOPE_SIMD_COMPARE(I64x2GtS, I64x2, >)
WASMSCOPE_SIMD_COMPARE(I64x2LeS, I64x2, <=)
WASMSCOPE_SIMD_COMPARE(I64x2GeS, I64x2, >=)

#undef WASMSCOPE_SIMD_COMPARE

// ------------------------------------------------------------------------------------------------
// Lane-wise arithmetic shared by all integer shapes. {Signed}/{Unsigned} are the two views of
// one lane width; arithmetic wraps, so it is done on {Unsigned}.
// ------------------------------------------------------------------------------------------------

namespace detail {

template <typename Unsigned>
inline V128 Add(V128 a, V128 b) {
  return As<V128>(As<Unsigned>(a) + As<Unsigned>(b));
}
template <typename Unsigned>
inline V128 Sub(V128 a, V128 b) {
  return As<V128>(As<Unsigned>(a) - As<Unsigned>(b));
}
template <typename Unsigned>
inline V128 Mul(V128 a, V128 b) {
  return As<V128>(As<Unsigned>(a) * As<Unsigned>(b));
}
template <typename Unsigned>
inline V128 Neg(V128 a) {
  return As<V128>(Unsigned{} - As<Unsigned>(a));
}

/// {|x|}, with the most negative value mapping to itself: {(x ^ s) - s} where {s} is the lane's
/// sign spread over all its bits.
template <typename Signed>
inline V128 Abs(V128 a) {
  using Unsigned = UnsignedOf<Signed>;
  constexpr int kTopBit = 8 * sizeof(LaneOf<Signed>) - 1;
  const Unsigned sign = As<Unsigned>(As<Signed>(a) >> kTopBit);
  return As<V128>((As<Unsigned>(a) ^ sign) - sign);
}

/// Lane-wise minimum and maximum, ordered by view {View} (its signedness picks the order).
template <typename View>
inline V128 Min(V128 a, V128 b) {
  return Select(MaskOf(As<View>(a) < As<View>(b)), a, b);
}
template <typename View>
inline V128 Max(V128 a, V128 b) {
  return Select(MaskOf(As<View>(a) > As<View>(b)), a, b);
}

/// {(a + b + 1) >> 1} without the carry out of the lane: {(a | b) - ((a ^ b) >> 1)}.
template <typename Unsigned>
inline V128 AvgrU(V128 a, V128 b) {
  const Unsigned x = As<Unsigned>(a);
  const Unsigned y = As<Unsigned>(b);
  return As<V128>((x | y) - ((x ^ y) >> 1));
}

/// Unsigned saturating add: on carry-out the wrapped sum is below {a}; saturate to all ones.
template <typename Unsigned>
inline V128 AddSatU(V128 a, V128 b) {
  const Unsigned sum = As<Unsigned>(a) + As<Unsigned>(b);
  return As<V128>(sum) | MaskOf(sum < As<Unsigned>(a));
}

/// Unsigned saturating subtract: zero wherever {a < b}.
template <typename Unsigned>
inline V128 SubSatU(V128 a, V128 b) {
  const Unsigned x = As<Unsigned>(a);
  const Unsigned y = As<Unsigned>(b);
  return As<V128>(x - y) & MaskOf(x >= y);
}

template <typename Signed>
inline V128 AddSatS(V128 a, V128 b) {
  using Lane = LaneOf<Signed>;
  return MapLanes<Signed>(a, b, [](Lane x, Lane y) { return Saturate<Lane>(int64_t{x} + y); });
}
template <typename Signed>
inline V128 SubSatS(V128 a, V128 b) {
  using Lane = LaneOf<Signed>;
  return MapLanes<Signed>(a, b, [](Lane x, Lane y) { return Saturate<Lane>(int64_t{x} - y); });
}

/// Shifts with the count taken modulo the lane width; {View}'s signedness picks logical or
/// arithmetic right shift.
template <typename View>
inline V128 Shl(V128 a, uint32_t count) {
  using Unsigned = UnsignedOf<View>;
  const int n = static_cast<int>(count % (8 * sizeof(LaneOf<View>)));
  return As<V128>(As<Unsigned>(a) << n);
}
template <typename View>
inline V128 Shr(V128 a, uint32_t count) {
  const int n = static_cast<int>(count % (8 * sizeof(LaneOf<View>)));
  return As<V128>(As<View>(a) >> n);
}

}  // namespace detail

// ------------------------------------------------------------------------------------------------
// i8x16
// ------------------------------------------------------------------------------------------------

inline V128 I8x16Abs(V128 a) {
  return detail::Abs<I8x16>(a);
}
inline V128 I8x16Neg(V128 a) {
  return detail::Neg<U8x16>(a);
}

/// Bits set per byte, by the classic halving sums (each step is exact within 8-bit lanes).
inline V128 I8x16Popcnt(V128 a) {
  U8x16 x = detail::As<U8x16>(a);
  x = x - ((x >> 1) & 0x55);
  x = (x & 0x33) + ((x >> 2) & 0x33);
  x = (x + (x >> 4)) & 0x0f;
  return detail::As<V128>(x);
}

inline uint32_t I8x16AllTrue(V128 a) {
  return detail::AllTrue<U8x16>(a);
}
inline uint32_t I8x16Bitmask(V128 a) {
  return detail::Bitmask<U8x16>(a);
}

inline V128 I8x16NarrowI16x8S(V128 a, V128 b) {
  return detail::Narrow<I8x16, I16x8>(a, b);
}
inline V128 I8x16NarrowI16x8U(V128 a, V128 b) {
  return detail::Narrow<U8x16, I16x8>(a, b);
}

inline V128 I8x16Shl(V128 a, uint32_t count) {
  return detail::Shl<U8x16>(a, count);
}
inline V128 I8x16ShrS(V128 a, uint32_t count) {
  return detail::Shr<I8x16>(a, count);
}
inline V128 I8x16ShrU(V128 a, uint32_t count) {
  return detail::Shr<U8x16>(a, count);
}

inline V128 I8x16Add(V128 a, V128 b) {
  return detail::Add<U8x16>(a, b);
}
inline V128 I8x16AddSatS(V128 a, V128 b) {
  return detail::AddSatS<I8x16>(a, b);
}
inline V128 I8x16AddSatU(V128 a, V128 b) {
  return detail::AddSatU<U8x16>(a, b);
}
inline V128 I8x16Sub(V128 a, V128 b) {
  return detail::Sub<U8x16>(a, b);
}
inline V128 I8x16SubSatS(V128 a, V128 b) {
  return detail::SubSatS<I8x16>(a, b);
}
inline V128 I8x16SubSatU(V128 a, V128 b) {
  return detail::SubSatU<U8x16>(a, b);
}

inline V128 I8x16MinS(V128 a, V128 b) {
  return detail::Min<I8x16>(a, b);
}
inline V128 I8x16MinU(V128 a, V128 b) {
  return detail::Min<U8x16>(a, b);
}
inline V128 I8x16MaxS(V128 a, V128 b) {
  return detail::Max<I8x16>(a, b);
}
inline V128 I8x16MaxU(V128 a, V128 b) {
  return detail::Max<U8x16>(a, b);
}
inline V128 I8x16AvgrU(V128 a, V128 b) {
  return detail::AvgrU<U8x16>(a, b);
}

// ------------------------------------------------------------------------------------------------
// i16x8
// ------------------------------------------------------------------------------------------------

inline V128 I16x8ExtaddPairwiseI8x16S(V128 a) {
  return detail::ExtaddPairwise<I16x8, I8x16>(a);
}
inline V128 I16x8ExtaddPairwiseI8x16U(V128 a) {
  return detail::ExtaddPairwise<U16x8, U8x16>(a);
}

inline V128 I16x8Abs(V128 a) {
  return detail::Abs<I16x8>(a);
}
inline V128 I16x8Neg(V128 a) {
  return detail::Neg<U16x8>(a);
}

/// {(a * b + 0x4000) >> 15} per lane, saturated; only -32768 * -32768 saturates (to 32767).
inline V128 I16x8Q15mulrSatS(V128 a, V128 b) {
  return detail::MapLanes<I16x8>(a, b, [](int16_t x, int16_t y) {
    return detail::Saturate<int16_t>((int32_t{x} * y + 0x4000) >> 15);
  });
}

inline uint32_t I16x8AllTrue(V128 a) {
  return detail::AllTrue<U16x8>(a);
}
inline uint32_t I16x8Bitmask(V128 a) {
  return detail::Bitmask<U16x8>(a);
}

inline V128 I16x8NarrowI32x4S(V128 a, V128 b) {
  return detail::Narrow<I16x8, I32x4>(a, b);
}
inline V128 I16x8NarrowI32x4U(V128 a, V128 b) {
  return detail::Narrow<U16x8, I32x4>(a, b);
}

inline V128 I16x8ExtendLowI8x16S(V128 a) {
  return detail::Extend<I16x8, I8x16>(a, 0);
}
inline V128 I16x8ExtendHighI8x16S(V128 a) {
  return detail::Extend<I16x8, I8x16>(a, 8);
}
inline V128 I16x8ExtendLowI8x16U(V128 a) {
  return detail::Extend<U16x8, U8x16>(a, 0);
}
inline V128 I16x8ExtendHighI8x16U(V128 a) {
  return detail::Extend<U16x8, U8x16>(a, 8);
}

inline V128 I16x8Shl(V128 a, uint32_t count) {
  return detail::Shl<U16x8>(a, count);
}
inline V128 I16x8ShrS(V128 a, uint32_t count) {
  return detail::Shr<I16x8>(a, count);
}
inline V128 I16x8ShrU(V128 a, uint32_t count) {
  return detail::Shr<U16x8>(a, count);
}

inline V128 I16x8Add(V128 a, V128 b) {
  return detail::Add<U16x8>(a, b);
}
inline V128 I16x8AddSatS(V128 a, V128 b) {
  return detail::AddSatS<I16x8>(a, b);
}
inline V128 I16x8AddSatU(V128 a, V128 b) {
  return detail::AddSatU<U16x8>(a, b);
}
inline V128 I16x8Sub(V128 a, V128 b) {
  return detail::Sub<U16x8>(a, b);
}
inline V128 I16x8SubSatS(V128 a, V128 b) {
  return detail::SubSatS<I16x8>(a, b);
}
inline V128 I16x8SubSatU(V128 a, V128 b) {
  return detail::SubSatU<U16x8>(a, b);
}
inline V128 I16x8Mul(V128 a, V128 b) {
  return detail::Mul<U16x8>(a, b);
}

inline V128 I16x8MinS(V128 a, V128 b) {
  return detail::Min<I16x8>(a, b);
}
inline V128 I16x8MinU(V128 a, V128 b) {
  return detail::Min<U16x8>(a, b);
}
inline V128 I16x8MaxS(V128 a, V128 b) {
  return detail::Max<I16x8>(a, b);
}
inline V128 I16x8MaxU(V128 a, V128 b) {
  return detail::Max<U16x8>(a, b);
}
inline V128 I16x8AvgrU(V128 a, V128 b) {
  return detail::AvgrU<U16x8>(a, b);
}

// Extended multiplies are the spec's {imul(extend(a), extend(b))}: the product of two extended
// lanes always fits the wide lane, so the wrapping multiply is exact.
inline V128 I16x8ExtmulLowI8x16S(V128 a, V128 b) {
  return I16x8Mul(I16x8ExtendLowI8x16S(a), I16x8ExtendLowI8x16S(b));
}
inline V128 I16x8ExtmulHighI8x16S(V128 a, V128 b) {
  return I16x8Mul(I16x8ExtendHighI8x16S(a), I16x8ExtendHighI8x16S(b));
}
inline V128 I16x8ExtmulLowI8x16U(V128 a, V128 b) {
  return I16x8Mul(I16x8ExtendLowI8x16U(a), I16x8ExtendLowI8x16U(b));
}
inline V128 I16x8ExtmulHighI8x16U(V128 a, V128 b) {
  return I16x8Mul(I16x8ExtendHighI8x16U(a), I16x8ExtendHighI8x16U(b));
}

// ------------------------------------------------------------------------------------------------
// i32x4
// ------------------------------------------------------------------------------------------------

inline V128 I32x4ExtaddPairwiseI16x8S(V128 a) {
  return detail::ExtaddPairwise<I32x4, I16x8>(a);
}
inline V128 I32x4ExtaddPairwiseI16x8U(V128 a) {
  return detail::ExtaddPairwise<U32x4, U16x8>(a);
}

inline V128 I32x4Abs(V128 a) {
  return detail::Abs<I32x4>(a);
}
inline V128 I32x4Neg(V128 a) {
  return detail::Neg<U32x4>(a);
}

inline uint32_t I32x4AllTrue(V128 a) {
  return detail::AllTrue<U32x4>(a);
}
inline uint32_t I32x4Bitmask(V128 a) {
  return detail::Bitmask<U32x4>(a);
}

inline V128 I32x4ExtendLowI16x8S(V128 a) {
  return detail::Extend<I32x4, I16x8>(a, 0);
}
inline V128 I32x4ExtendHighI16x8S(V128 a) {
  return detail::Extend<I32x4, I16x8>(a, 4);
}
inline V128 I32x4ExtendLowI16x8U(V128 a) {
  return detail::Extend<U32x4, U16x8>(a, 0);
}
inline V128 I32x4ExtendHighI16x8U(V128 a) {
  return detail::Extend<U32x4, U16x8>(a, 4);
}

inline V128 I32x4Shl(V128 a, uint32_t count) {
  return detail::Shl<U32x4>(a, count);
}
inline V128 I32x4ShrS(V128 a, uint32_t count) {
  return detail::Shr<I32x4>(a, count);
}
inline V128 I32x4ShrU(V128 a, uint32_t count) {
  return detail::Shr<U32x4>(a, count);
}

inline V128 I32x4Add(V128 a, V128 b) {
  return detail::Add<U32x4>(a, b);
}
inline V128 I32x4Sub(V128 a, V128 b) {
  return detail::Sub<U32x4>(a, b);
}
inline V128 I32x4Mul(V128 a, V128 b) {
  return detail::Mul<U32x4>(a, b);
}

inline V128 I32x4MinS(V128 a, V128 b) {
  return detail::Min<I32x4>(a, b);
}
inline V128 I32x4MinU(V128 a, V128 b) {
  return detail::Min<U32x4>(a, b);
}
inline V128 I32x4MaxS(V128 a, V128 b) {
  return detail::Max<I32x4>(a, b);
}
inline V128 I32x4MaxU(V128 a, V128 b) {
  return detail::Max<U32x4>(a, b);
}

/// Lane {i}: {a[2i] * b[2i] + a[2i+1] * b[2i+1]} over signed 16-bit lanes, wrapping to 32 bits
/// (only when all four inputs are -32768: 2^31 wraps to 0x80000000).
inline V128 I32x4DotI16x8S(V128 a, V128 b) {
  const I16x8 x = detail::As<I16x8>(a);
  const I16x8 y = detail::As<I16x8>(b);
  U32x4 r{};
  for (int i = 0; i < 4; ++i) {
    const auto even = static_cast<uint32_t>(int32_t{x[2 * i]} * y[2 * i]);
    const auto odd = static_cast<uint32_t>(int32_t{x[2 * i + 1]} * y[2 * i + 1]);
    r[i] = even + odd;
  }
  return detail::As<V128>(r);
}

inline V128 I32x4ExtmulLowI16x8S(V128 a, V128 b) {
  return I32x4Mul(I32x4ExtendLowI16x8S(a), I32x4ExtendLowI16x8S(b));
}
inline V128 I32x4ExtmulHighI16x8S(V128 a, V128 b) {
  return I32x4Mul(I32x4ExtendHighI16x8S(a), I32x4ExtendHighI16x8S(b));
}
inline V128 I32x4ExtmulLowI16x8U(V128 a, V128 b) {
  return I32x4Mul(I32x4ExtendLowI16x8U(a), I32x4ExtendLowI16x8U(b));
}
inline V128 I32x4ExtmulHighI16x8U(V128 a, V128 b) {
  return I32x4Mul(I32x4ExtendHighI16x8U(a), I32x4ExtendHighI16x8U(b));
}

// ------------------------------------------------------------------------------------------------
// i64x2
// ------------------------------------------------------------------------------------------------

inline V128 I64x2Abs(V128 a) {
  return detail::Abs<I64x2>(a);
}
inline V128 I64x2Neg(V128 a) {
  return detail::Neg<U64x2>(a);
}

inline uint32_t I64x2AllTrue(V128 a) {
  return detail::AllTrue<U64x2>(a);
}
inline uint32_t I64x2Bitmask(V128 a) {
  return detail::Bitmask<U64x2>(a);
}

inline V128 I64x2ExtendLowI32x4S(V128 a) {
  return detail::Extend<I64x2, I32x4>(a, 0);
}
inline V128 I64x2ExtendHighI32x4S(V128 a) {
  return detail::Extend<I64x2, I32x4>(a, 2);
}
inline V128 I64x2ExtendLowI32x4U(V128 a) {
  return detail::Extend<U64x2, U32x4>(a, 0);
}
inline V128 I64x2ExtendHighI32x4U(V128 a) {
  return detail::Extend<U64x2, U32x4>(a, 2);
}

inline V128 I64x2Shl(V128 a, uint32_t count) {
  return detail::Shl<U64x2>(a, count);
}
inline V128 I64x2ShrS(V128 a, uint32_t count) {
  return detail::Shr<I64x2>(a, count);
}
inline V128 I64x2ShrU(V128 a, uint32_t count) {
  return detail::Shr<U64x2>(a, count);
}

inline V128 I64x2Add(V128 a, V128 b) {
  return detail::Add<U64x2>(a, b);
}
inline V128 I64x2Sub(V128 a, V128 b) {
  return detail::Sub<U64x2>(a, b);
}
inline V128 I64x2Mul(V128 a, V128 b) {
  return detail::Mul<U64x2>(a, b);
}

inline V128 I64x2ExtmulLowI32x4S(V128 a, V128 b) {
  return I64x2Mul(I64x2ExtendLowI32x4S(a), I64x2ExtendLowI32x4S(b));
}
inline V128 I64x2ExtmulHighI32x4S(V128 a, V128 b) {
  return I64x2Mul(I64x2ExtendHighI32x4S(a), I64x2ExtendHighI32x4S(b));
}
inline V128 I64x2ExtmulLowI32x4U(V128 a, V128 b) {
  return I64x2Mul(I64x2ExtendLowI32x4U(a), I64x2ExtendLowI32x4U(b));
}
inline V128 I64x2ExtmulHighI32x4U(V128 a, V128 b) {
  return I64x2Mul(I64x2ExtendHighI32x4U(a), I64x2ExtendHighI32x4U(b));
}

// Relaxed SIMD (WebAssembly 3.0), deterministic (see simd_float.h): swizzle, lane select and
// the Q15 multiply are their non-relaxed counterparts; the dot products read both operands as
// signed, the i16x8 one wraps its sum, the i32x4 one adds its four products exactly.
inline V128 I8x16RelaxedSwizzle(V128 a, V128 b) { return I8x16Swizzle(a, b); }
inline V128 I8x16RelaxedLaneselect(V128 a, V128 b, V128 m) { return V128Bitselect(a, b, m); }
inline V128 I16x8RelaxedLaneselect(V128 a, V128 b, V128 m) { return V128Bitselect(a, b, m); }
inline V128 I32x4RelaxedLaneselect(V128 a, V128 b, V128 m) { return V128Bitselect(a, b, m); }
inline V128 I64x2RelaxedLaneselect(V128 a, V128 b, V128 m) { return V128Bitselect(a, b, m); }
inline V128 I16x8RelaxedQ15mulrS(V128 a, V128 b) { return I16x8Q15mulrSatS(a, b); }

inline V128 I16x8RelaxedDotI8x16I7x16S(V128 a, V128 b) {
  const I8x16 x = detail::As<I8x16>(a);
  const I8x16 y = detail::As<I8x16>(b);
  U16x8 r{};
  for (int i = 0; i < 8; ++i) {
    const int32_t sum = int32_t{x[2 * i]} * y[2 * i] + int32_t{x[2 * i + 1]} * y[2 * i + 1];
    r[i] = static_cast<uint16_t>(sum);
  }
  return detail::As<V128>(r);
}

inline V128 I32x4RelaxedDotI8x16I7x16AddS(V128 a, V128 b, V128 c) {
  const I8x16 x = detail::As<I8x16>(a);
  const I8x16 y = detail::As<I8x16>(b);
  const U32x4 acc = detail::As<U32x4>(c);
  U32x4 r{};
  for (int i = 0; i < 4; ++i) {
    int32_t sum = 0;
    for (int j = 4 * i; j < 4 * i + 4; ++j) sum += int32_t{x[j]} * y[j];
    r[i] = static_cast<uint32_t>(sum) + acc[i];
  }
  return detail::As<V128>(r);
}

}  // namespace wasmscope::internal::simd
