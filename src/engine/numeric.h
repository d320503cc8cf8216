// The scalar numeric instructions of WebAssembly 2.0 (spec section 4.3, "Numerics"), one small
// function per opcode, named after its {Op} enumerator in {opcodes.def}. The interpreter's
// handlers call these; nothing here knows about stacks, frames or modules.
//
// Value representation is the interpreter's: i32 is {uint32_t}, i64 is {uint64_t}, f32 is
// {float}, f64 is {double}. Signedness is an interpretation chosen by each operation, so
// signed arithmetic is done in unsigned types (wrap-around is defined) and signed views are
// taken with conversions that are modular since C++20.
//
// Instructions that can trap return a {Trap} ({engine/trap.h}): {kIntegerDivideByZero},
// {kIntegerOverflow} or {kInvalidConversionToInteger}, else {kNone}. They write their result
// through {out} only when they return {Trap::kNone}.
//
// Floating-point contract:
//  - Requires IEEE 754 binary32/binary64 evaluated at their own precision (no x87 excess
//    precision), round-to-nearest-even as the current rounding mode, and no flush-to-zero or
//    denormals-are-zero; these are the defaults on x86-64 and AArch64.
//  - Must be compiled with {-ffp-contract=off}: each function does one IEEE operation, but
//    after inlining GCC (whose default is {-ffp-contract=fast}) would otherwise fuse an
//    {F32Mul} followed by an {F32Add} into one FMA, which rounds once instead of twice and
//    gives results WebAssembly does not allow. Never build this with {-ffast-math}.
//  - NaN results follow the spec's rule: a canonical NaN when every NaN input is canonical
//    (or there is none), otherwise an arithmetic NaN (quiet bit set). {+ - * /} leave this to
//    the hardware, which quiets the NaN operand it propagates and produces a canonical NaN for
//    invalid operations; every other operation handles NaN explicitly.
//  - {Abs}, {Neg} and {Copysign} are bit operations and never alter a NaN's payload.
#pragma once

#include <bit>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <limits>

#include "engine/trap.h"

namespace wasmscope::internal::num {

static_assert(std::numeric_limits<float>::is_iec559 && std::numeric_limits<double>::is_iec559,
              "WebAssembly floats are IEEE 754 binary32 and binary64");
static_assert(FLT_EVAL_METHOD == 0, "float and double must be evaluated at their own precision");

namespace detail {

/// Bit layout of a float type: {Bits} is the same-width unsigned integer.
template <typename F>
struct FloatTraits;

template <>
struct FloatTraits<float> {
  using Bits = uint32_t;
  static constexpr Bits kSign = 0x8000'0000u;
  static constexpr Bits kExponent = 0x7f80'0000u;
  static constexpr Bits kQuiet = 0x0040'0000u;
  /// Every float with magnitude at least this is an integer (or infinite, or NaN).
  static constexpr float kIntegralFrom = 0x1p23f;
};

template <>
struct FloatTraits<double> {
  using Bits = uint64_t;
  static constexpr Bits kSign = 0x8000'0000'0000'0000u;
  static constexpr Bits kExponent = 0x7ff0'0000'0000'0000u;
  static constexpr Bits kQuiet = 0x0008'0000'0000'0000u;
  static constexpr double kIntegralFrom = 0x1p52;
};

template <typename F>
constexpr typename FloatTraits<F>::Bits ToBits(F x) {
  return std::bit_cast<typename FloatTraits<F>::Bits>(x);
}

template <typename F>
constexpr F FromBits(typename FloatTraits<F>::Bits bits) {
  return std::bit_cast<F>(bits);
}

/// NaN test on the bits, so it holds whatever floating-point flags the build uses.
template <typename F>
constexpr bool IsNan(F x) {
  using T = FloatTraits<F>;
  return (ToBits(x) & ~T::kSign) > T::kExponent;
}

/// {nan} with its quiet bit set: canonical stays canonical, anything else becomes arithmetic.
template <typename F>
constexpr F Quiet(F nan) {
  return FromBits<F>(ToBits(nan) | FloatTraits<F>::kQuiet);
}

template <typename F>
constexpr F Abs(F x) {
  return FromBits<F>(ToBits(x) & ~FloatTraits<F>::kSign);
}

template <typename F>
constexpr F Neg(F x) {
  return FromBits<F>(ToBits(x) ^ FloatTraits<F>::kSign);
}

template <typename F>
constexpr F Copysign(F magnitude, F sign) {
  using T = FloatTraits<F>;
  return FromBits<F>((ToBits(magnitude) & ~T::kSign) | (ToBits(sign) & T::kSign));
}

/// fmin with WebAssembly's rules: NaN wins over numbers, and -0 is less than +0.
template <typename F>
constexpr F Min(F a, F b) {
  if (IsNan(a)) return Quiet(a);
  if (IsNan(b)) return Quiet(b);
  // Equal operands differ at most in the sign of a zero; OR-ing the bits keeps the -0.
  if (a == b) return FromBits<F>(ToBits(a) | ToBits(b));
  return a < b ? a : b;
}

template <typename F>
constexpr F Max(F a, F b) {
  if (IsNan(a)) return Quiet(a);
  if (IsNan(b)) return Quiet(b);
  if (a == b) return FromBits<F>(ToBits(a) & ToBits(b));
  return a > b ? a : b;
}

// The four roundings to an integral value. Floats at or above {kIntegralFrom} in magnitude
// (and infinities) are already integral and NaNs are quieted; below it the truncated value
// fits an int64_t exactly, so the casts are in range and exact. The result always has the
// sign of the input (ceil(-0.5) is -0), which {Copysign} restores after the integer detour.

template <typename F>
constexpr bool IsIntegralOrSpecial(F x) {
  return !(Abs(x) < FloatTraits<F>::kIntegralFrom);
}

template <typename F>
constexpr F SpecialResult(F x) {
  return IsNan(x) ? Quiet(x) : x;
}

template <typename F>
constexpr F Trunc(F x) {
  if (IsIntegralOrSpecial(x)) return SpecialResult(x);
  return Copysign(static_cast<F>(static_cast<int64_t>(x)), x);
}

template <typename F>
constexpr F Ceil(F x) {
  if (IsIntegralOrSpecial(x)) return SpecialResult(x);
  F t = static_cast<F>(static_cast<int64_t>(x));
  if (t < x) t += F{1};
  return Copysign(t, x);
}

template <typename F>
constexpr F Floor(F x) {
  if (IsIntegralOrSpecial(x)) return SpecialResult(x);
  F t = static_cast<F>(static_cast<int64_t>(x));
  if (t > x) t -= F{1};
  return Copysign(t, x);
}

/// Rounds to the nearest integral value, ties to even, independent of the rounding mode.
template <typename F>
constexpr F Nearest(F x) {
  if (IsIntegralOrSpecial(x)) return SpecialResult(x);
  int64_t i = static_cast<int64_t>(x);
  const F fraction = Abs(x - static_cast<F>(i));  // Exact: only drops the integer bits.
  if (fraction > F{0.5} || (fraction == F{0.5} && (i & 1) != 0)) i += x < F{0} ? -1 : 1;
  return Copysign(static_cast<F>(i), x);
}

template <typename F>
inline F Sqrt(F x) {
  if (IsNan(x)) return Quiet(x);
  return std::sqrt(x);  // Correctly rounded; a canonical NaN for negative inputs.
}

/// Trapping float-to-integer truncation. {lo} and {hi} are the largest float below the
/// target's range after truncation and the smallest one above it, both exclusive.
template <typename I, typename F>
constexpr Trap TruncChecked(F x, F lo, F hi, I* out) {
  if (IsNan(x)) return Trap::kInvalidConversionToInteger;
  if (!(x > lo && x < hi)) return Trap::kIntegerOverflow;
  *out = static_cast<I>(x);  // In range, so the truncating cast is defined.
  return Trap::kNone;
}

/// Saturating float-to-integer truncation, with {lo} and {hi} as for {TruncChecked}.
template <typename I, typename F>
constexpr I TruncSat(F x, F lo, F hi) {
  if (IsNan(x)) return 0;
  if (!(x > lo)) return std::numeric_limits<I>::min();
  if (!(x < hi)) return std::numeric_limits<I>::max();
  return static_cast<I>(x);
}

/// u64 to float with a single rounding. Values below 2^63 convert like signed ones. Above,
/// halving brings the value into int64_t range, and the dropped bit is OR-ed into bit 0 as a
/// sticky bit: bit 0 lies below the rounding position (a float keeps at most 53 of the 63
/// bits), so it only has to tell an exact halfway case from one just above it, which the
/// sticky bit preserves. Doubling the rounded result is exact.
template <typename F>
constexpr F ConvertU64(uint64_t x) {
  if (x < (uint64_t{1} << 63)) return static_cast<F>(static_cast<int64_t>(x));
  const uint64_t halved = (x >> 1) | (x & 1);
  const F f = static_cast<F>(static_cast<int64_t>(halved));
  return f + f;
}

}  // namespace detail

// ================================================================================================
// i32
// ================================================================================================

constexpr uint32_t I32Eqz(uint32_t a) {
  return a == 0 ? 1u : 0u;
}
constexpr uint32_t I32Eq(uint32_t a, uint32_t b) {
  return a == b ? 1u : 0u;
}
constexpr uint32_t I32Ne(uint32_t a, uint32_t b) {
  return a != b ? 1u : 0u;
}
constexpr uint32_t I32LtS(uint32_t a, uint32_t b) {
  return static_cast<int32_t>(a) < static_cast<int32_t>(b) ? 1u : 0u;
}
constexpr uint32_t I32LtU(uint32_t a, uint32_t b) {
  return a < b ? 1u : 0u;
}
constexpr uint32_t I32GtS(uint32_t a, uint32_t b) {
  return static_cast<int32_t>(a) > static_cast<int32_t>(b) ? 1u : 0u;
}
constexpr uint32_t I32GtU(uint32_t a, uint32_t b) {
  return a > b ? 1u : 0u;
}
constexpr uint32_t I32LeS(uint32_t a, uint32_t b) {
  return static_cast<int32_t>(a) <= static_cast<int32_t>(b) ? 1u : 0u;
}
constexpr uint32_t I32LeU(uint32_t a, uint32_t b) {
  return a <= b ? 1u : 0u;
}
constexpr uint32_t I32GeS(uint32_t a, uint32_t b) {
  return static_cast<int32_t>(a) >= static_cast<int32_t>(b) ? 1u : 0u;
}
constexpr uint32_t I32GeU(uint32_t a, uint32_t b) {
  return a >= b ? 1u : 0u;
}

constexpr uint32_t I32Clz(uint32_t a) {
  return static_cast<uint32_t>(std::countl_zero(a));
}
constexpr uint32_t I32Ctz(uint32_t a) {
  return static_cast<uint32_t>(std::countr_zero(a));
}
constexpr uint32_t I32Popcnt(uint32_t a) {
  return static_cast<uint32_t>(std::popcount(a));
}

constexpr uint32_t I32Add(uint32_t a, uint32_t b) {
  return a + b;
}
constexpr uint32_t I32Sub(uint32_t a, uint32_t b) {
  return a - b;
}
constexpr uint32_t I32Mul(uint32_t a, uint32_t b) {
  return a * b;
}

/// Traps on b == 0, and on INT32_MIN / -1, whose quotient 2^31 has no i32 representation.
[[nodiscard]] constexpr Trap I32DivS(uint32_t a, uint32_t b, uint32_t* out) {
  if (b == 0) return Trap::kIntegerDivideByZero;
  if (a == 0x8000'0000u && b == 0xffff'ffffu) return Trap::kIntegerOverflow;
  *out = static_cast<uint32_t>(static_cast<int32_t>(a) / static_cast<int32_t>(b));
  return Trap::kNone;
}

[[nodiscard]] constexpr Trap I32DivU(uint32_t a, uint32_t b, uint32_t* out) {
  if (b == 0) return Trap::kIntegerDivideByZero;
  *out = a / b;
  return Trap::kNone;
}

/// The sign of a nonzero result follows the dividend. INT32_MIN % -1 is 0 (C++ leaves it
/// undefined, so any remainder by -1 is answered without dividing).
[[nodiscard]] constexpr Trap I32RemS(uint32_t a, uint32_t b, uint32_t* out) {
  if (b == 0) return Trap::kIntegerDivideByZero;
  *out = b == 0xffff'ffffu
             ? 0u
             : static_cast<uint32_t>(static_cast<int32_t>(a) % static_cast<int32_t>(b));
  return Trap::kNone;
}

[[nodiscard]] constexpr Trap I32RemU(uint32_t a, uint32_t b, uint32_t* out) {
  if (b == 0) return Trap::kIntegerDivideByZero;
  *out = a % b;
  return Trap::kNone;
}

constexpr uint32_t I32And(uint32_t a, uint32_t b) {
  return a & b;
}
constexpr uint32_t I32Or(uint32_t a, uint32_t b) {
  return a | b;
}
constexpr uint32_t I32Xor(uint32_t a, uint32_t b) {
  return a ^ b;
}

// Shift and rotate counts are taken modulo the width.
constexpr uint32_t I32Shl(uint32_t a, uint32_t b) {
  return a << (b & 31);
}
constexpr uint32_t I32ShrS(uint32_t a, uint32_t b) {
  return static_cast<uint32_t>(static_cast<int32_t>(a) >> (b & 31));  // Arithmetic in C++20.
}
constexpr uint32_t I32ShrU(uint32_t a, uint32_t b) {
  return a >> (b & 31);
}
constexpr uint32_t I32Rotl(uint32_t a, uint32_t b) {
  return std::rotl(a, static_cast<int>(b & 31));
}
constexpr uint32_t I32Rotr(uint32_t a, uint32_t b) {
  return std::rotr(a, static_cast<int>(b & 31));
}

// ================================================================================================
// i64
// ================================================================================================

constexpr uint32_t I64Eqz(uint64_t a) {
  return a == 0 ? 1u : 0u;
}
constexpr uint32_t I64Eq(uint64_t a, uint64_t b) {
  return a == b ? 1u : 0u;
}
constexpr uint32_t I64Ne(uint64_t a, uint64_t b) {
  return a != b ? 1u : 0u;
}
constexpr uint32_t I64LtS(uint64_t a, uint64_t b) {
  return static_cast<int64_t>(a) < static_cast<int64_t>(b) ? 1u : 0u;
}
constexpr uint32_t I64LtU(uint64_t a, uint64_t b) {
  return a < b ? 1u : 0u;
}
constexpr uint32_t I64GtS(uint64_t a, uint64_t b) {
  return static_cast<int64_t>(a) > static_cast<int64_t>(b) ? 1u : 0u;
}
constexpr uint32_t I64GtU(uint64_t a, uint64_t b) {
  return a > b ? 1u : 0u;
}
constexpr uint32_t I64LeS(uint64_t a, uint64_t b) {
  return static_cast<int64_t>(a) <= static_cast<int64_t>(b) ? 1u : 0u;
}
constexpr uint32_t I64LeU(uint64_t a, uint64_t b) {
  return a <= b ? 1u : 0u;
}
constexpr uint32_t I64GeS(uint64_t a, uint64_t b) {
  return static_cast<int64_t>(a) >= static_cast<int64_t>(b) ? 1u : 0u;
}
constexpr uint32_t I64GeU(uint64_t a, uint64_t b) {
  return a >= b ? 1u : 0u;
}

constexpr uint64_t I64Clz(uint64_t a) {
  return static_cast<uint64_t>(std::countl_zero(a));
}
constexpr uint64_t I64Ctz(uint64_t a) {
  return static_cast<uint64_t>(std::countr_zero(a));
}
constexpr uint64_t I64Popcnt(uint64_t a) {
  return static_cast<uint64_t>(std::popcount(a));
}

constexpr uint64_t I64Add(uint64_t a, uint64_t b) {
  return a + b;
}
constexpr uint64_t I64Sub(uint64_t a, uint64_t b) {
  return a - b;
}
constexpr uint64_t I64Mul(uint64_t a, uint64_t b) {
  return a * b;
}

/// Traps on b == 0, and on INT64_MIN / -1, whose quotient 2^63 has no i64 representation.
[[nodiscard]] constexpr Trap I64DivS(uint64_t a, uint64_t b, uint64_t* out) {
  if (b == 0) return Trap::kIntegerDivideByZero;
  if (a == 0x8000'0000'0000'0000u && b == 0xffff'ffff'ffff'ffffu) return Trap::kIntegerOverflow;
  *out = static_cast<uint64_t>(static_cast<int64_t>(a) / static_cast<int64_t>(b));
  return Trap::kNone;
}

[[nodiscard]] constexpr Trap I64DivU(uint64_t a, uint64_t b, uint64_t* out) {
  if (b == 0) return Trap::kIntegerDivideByZero;
  *out = a / b;
  return Trap::kNone;
}

/// As {I32RemS}: INT64_MIN % -1 is 0.
[[nodiscard]] constexpr Trap I64RemS(uint64_t a, uint64_t b, uint64_t* out) {
  if (b == 0) return Trap::kIntegerDivideByZero;
  *out = b == 0xffff'ffff'ffff'ffffu
             ? 0u
             : static_cast<uint64_t>(static_cast<int64_t>(a) % static_cast<int64_t>(b));
  return Trap::kNone;
}

[[nodiscard]] constexpr Trap I64RemU(uint64_t a, uint64_t b, uint64_t* out) {
  if (b == 0) return Trap::kIntegerDivideByZero;
  *out = a % b;
  return Trap::kNone;
}

constexpr uint64_t I64And(uint64_t a, uint64_t b) {
  return a & b;
}
constexpr uint64_t I64Or(uint64_t a, uint64_t b) {
  return a | b;
}
constexpr uint64_t I64Xor(uint64_t a, uint64_t b) {
  return a ^ b;
}

constexpr uint64_t I64Shl(uint64_t a, uint64_t b) {
  return a << (b & 63);
}
constexpr uint64_t I64ShrS(uint64_t a, uint64_t b) {
  return static_cast<uint64_t>(static_cast<int64_t>(a) >> (b & 63));
}
constexpr uint64_t I64ShrU(uint64_t a, uint64_t b) {
  return a >> (b & 63);
}
constexpr uint64_t I64Rotl(uint64_t a, uint64_t b) {
  return std::rotl(a, static_cast<int>(b & 63));
}
constexpr uint64_t I64Rotr(uint64_t a, uint64_t b) {
  return std::rotr(a, static_cast<int>(b & 63));
}

// ================================================================================================
// f32 and f64 comparisons: false whenever an operand is NaN, except {Ne}; -0 == +0.
// ================================================================================================

constexpr uint32_t F32Eq(float a, float b) {
  return a == b ? 1u : 0u;
}
constexpr uint32_t F32Ne(float a, float b) {
  return a != b ? 1u : 0u;
}
constexpr uint32_t F32Lt(float a, float b) {
  return a < b ? 1u : 0u;
}
constexpr uint32_t F32Gt(float a, float b) {
  return a > b ? 1u : 0u;
}
constexpr uint32_t F32Le(float a, float b) {
  return a <= b ? 1u : 0u;
}
constexpr uint32_t F32Ge(float a, float b) {
  return a >= b ? 1u : 0u;
}

constexpr uint32_t F64Eq(double a, double b) {
  return a == b ? 1u : 0u;
}
constexpr uint32_t F64Ne(double a, double b) {
  return a != b ? 1u : 0u;
}
constexpr uint32_t F64Lt(double a, double b) {
  return a < b ? 1u : 0u;
}
constexpr uint32_t F64Gt(double a, double b) {
  return a > b ? 1u : 0u;
}
constexpr uint32_t F64Le(double a, double b) {
  return a <= b ? 1u : 0u;
}
constexpr uint32_t F64Ge(double a, double b) {
  return a >= b ? 1u : 0u;
}

// ================================================================================================
// f32 arithmetic
// ================================================================================================

constexpr float F32Abs(float a) {
  return detail::Abs(a);
}
constexpr float F32Neg(float a) {
  return detail::Neg(a);
}
constexpr float F32Ceil(float a) {
  return detail::Ceil(a);
}
constexpr float F32Floor(float a) {
  return detail::Floor(a);
}
constexpr float F32Trunc(float a) {
  return detail::Trunc(a);
}
constexpr float F32Nearest(float a) {
  return detail::Nearest(a);
}
inline float F32Sqrt(float a) {
  return detail::Sqrt(a);
}
constexpr float F32Add(float a, float b) {
  return a + b;
}
constexpr float F32Sub(float a, float b) {
  return a - b;
}
constexpr float F32Mul(float a, float b) {
  return a * b;
}
constexpr float F32Div(float a, float b) {
  return a / b;
}
constexpr float F32Min(float a, float b) {
  return detail::Min(a, b);
}
constexpr float F32Max(float a, float b) {
  return detail::Max(a, b);
}
constexpr float F32Copysign(float a, float b) {
  return detail::Copysign(a, b);
}

// ================================================================================================
// f64 arithmetic
// ================================================================================================

constexpr double F64Abs(double a) {
  return detail::Abs(a);
}
constexpr double F64Neg(double a) {
  return detail::Neg(a);
}
constexpr double F64Ceil(double a) {
  return detail::Ceil(a);
}
constexpr double F64Floor(double a) {
  return detail::Floor(a);
}
constexpr double F64Trunc(double a) {
  return detail::Trunc(a);
}
constexpr double F64Nearest(double a) {
  return detail::Nearest(a);
}
inline double F64Sqrt(double a) {
  return detail::Sqrt(a);
}
constexpr double F64Add(double a, double b) {
  return a + b;
}
constexpr double F64Sub(double a, double b) {
  return a - b;
}
constexpr double F64Mul(double a, double b) {
  return a * b;
}
constexpr double F64Div(double a, double b) {
  return a / b;
}
constexpr double F64Min(double a, double b) {
  return detail::Min(a, b);
}
constexpr double F64Max(double a, double b) {
  return detail::Max(a, b);
}
constexpr double F64Copysign(double a, double b) {
  return detail::Copysign(a, b);
}

// ================================================================================================
// Integer width conversions and sign extension
// ================================================================================================

constexpr uint32_t I32WrapI64(uint64_t a) {
  return static_cast<uint32_t>(a);
}
constexpr uint64_t I64ExtendI32S(uint32_t a) {
  return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(a)));
}
constexpr uint64_t I64ExtendI32U(uint32_t a) {
  return a;
}

constexpr uint32_t I32Extend8S(uint32_t a) {
  return static_cast<uint32_t>(static_cast<int32_t>(static_cast<int8_t>(a)));
}
constexpr uint32_t I32Extend16S(uint32_t a) {
  return static_cast<uint32_t>(static_cast<int32_t>(static_cast<int16_t>(a)));
}
constexpr uint64_t I64Extend8S(uint64_t a) {
  return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int8_t>(a)));
}
constexpr uint64_t I64Extend16S(uint64_t a) {
  return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int16_t>(a)));
}
constexpr uint64_t I64Extend32S(uint64_t a) {
  return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(a)));
}

// ================================================================================================
// Float to integer, trapping. NaN is an invalid conversion; a value whose truncation falls
// outside the target range is an integer overflow. The bounds are exclusive: the nearest
// representable floats just outside the range (-2^31 - 1 is not an f32, so the f32 lower
// bound for i32 is the next f32 down, -2^31 - 2^8).
// ================================================================================================

[[nodiscard]] constexpr Trap I32TruncF32S(float a, uint32_t* out) {
  int32_t r = 0;
  const Trap trap = detail::TruncChecked(a, -0x1.000002p31f, 0x1p31f, &r);
  if (trap == Trap::kNone) *out = static_cast<uint32_t>(r);
  return trap;
}
[[nodiscard]] constexpr Trap I32TruncF32U(float a, uint32_t* out) {
  return detail::TruncChecked(a, -1.0f, 0x1p32f, out);
}
[[nodiscard]] constexpr Trap I32TruncF64S(double a, uint32_t* out) {
  int32_t r = 0;
  const Trap trap = detail::TruncChecked(a, -0x1.00000002p31, 0x1p31, &r);
  if (trap == Trap::kNone) *out = static_cast<uint32_t>(r);
  return trap;
}
[[nodiscard]] constexpr Trap I32TruncF64U(double a, uint32_t* out) {
  return detail::TruncChecked(a, -1.0, 0x1p32, out);
}
[[nodiscard]] constexpr Trap I64TruncF32S(float a, uint64_t* out) {
  int64_t r = 0;
  const Trap trap = detail::TruncChecked(a, -0x1.000002p63f, 0x1p63f, &r);
  if (trap == Trap::kNone) *out = static_cast<uint64_t>(r);
  return trap;
}
[[nodiscard]] constexpr Trap I64TruncF32U(float a, uint64_t* out) {
  return detail::TruncChecked(a, -1.0f, 0x1p64f, out);
}
[[nodiscard]] constexpr Trap I64TruncF64S(double a, uint64_t* out) {
  int64_t r = 0;
  const Trap trap = detail::TruncChecked(a, -0x1.0000000000001p63, 0x1p63, &r);
  if (trap == Trap::kNone) *out = static_cast<uint64_t>(r);
  return trap;
}
[[nodiscard]] constexpr Trap I64TruncF64U(double a, uint64_t* out) {
  return detail::TruncChecked(a, -1.0, 0x1p64, out);
}

// ================================================================================================
// Float to integer, saturating: NaN gives 0, out-of-range values the nearest bound.
// ================================================================================================

constexpr uint32_t I32TruncSatF32S(float a) {
  return static_cast<uint32_t>(detail::TruncSat<int32_t>(a, -0x1.000002p31f, 0x1p31f));
}
constexpr uint32_t I32TruncSatF32U(float a) {
  return detail::TruncSat<uint32_t>(a, -1.0f, 0x1p32f);
}
constexpr uint32_t I32TruncSatF64S(double a) {
  return static_cast<uint32_t>(detail::TruncSat<int32_t>(a, -0x1.00000002p31, 0x1p31));
}
constexpr uint32_t I32TruncSatF64U(double a) {
  return detail::TruncSat<uint32_t>(a, -1.0, 0x1p32);
}
constexpr uint64_t I64TruncSatF32S(float a) {
  return static_cast<uint64_t>(detail::TruncSat<int64_t>(a, -0x1.000002p63f, 0x1p63f));
}
constexpr uint64_t I64TruncSatF32U(float a) {
  return detail::TruncSat<uint64_t>(a, -1.0f, 0x1p64f);
}
constexpr uint64_t I64TruncSatF64S(double a) {
  return static_cast<uint64_t>(detail::TruncSat<int64_t>(a, -0x1.0000000000001p63, 0x1p63));
}
constexpr uint64_t I64TruncSatF64U(double a) {
  return detail::TruncSat<uint64_t>(a, -1.0, 0x1p64);
}

// ================================================================================================
// Integer to float: rounded once, to nearest, ties to even.
// ================================================================================================

constexpr float F32ConvertI32S(uint32_t a) {
  return static_cast<float>(static_cast<int32_t>(a));
}
// Through int64_t: exact there, so the only rounding is the one to float.
constexpr float F32ConvertI32U(uint32_t a) {
  return static_cast<float>(static_cast<int64_t>(a));
}
constexpr float F32ConvertI64S(uint64_t a) {
  return static_cast<float>(static_cast<int64_t>(a));  // Directly, never via double.
}
constexpr float F32ConvertI64U(uint64_t a) {
  return detail::ConvertU64<float>(a);
}

constexpr double F64ConvertI32S(uint32_t a) {
  return static_cast<double>(static_cast<int32_t>(a));
}
constexpr double F64ConvertI32U(uint32_t a) {
  return static_cast<double>(a);
}  // Exact.
constexpr double F64ConvertI64S(uint64_t a) {
  return static_cast<double>(static_cast<int64_t>(a));
}
constexpr double F64ConvertI64U(uint64_t a) {
  return detail::ConvertU64<double>(a);
}

// ================================================================================================
// Float width conversions
// ================================================================================================

/// Rounds to nearest even; magnitudes from 2^128 - 2^103 (halfway between FLT_MAX and 2^128,
/// which ties away from FLT_MAX's odd significand) become infinity. That case is spelled
/// out because C++ leaves a cast of an out-of-range double undefined. A NaN keeps its sign
/// and the top 22 bits of its payload and is quieted, so canonical NaN stays canonical.
constexpr float F32DemoteF64(double a) {
  if (detail::IsNan(a)) {
    const uint64_t bits = detail::ToBits(a);
    const uint32_t sign = static_cast<uint32_t>(bits >> 32) & 0x8000'0000u;
    const uint32_t payload = static_cast<uint32_t>(bits >> 29) & 0x003f'ffffu;
    return std::bit_cast<float>(sign | 0x7fc0'0000u | payload);
  }
  if (detail::Abs(a) >= 0x1.ffffffp127) {
    constexpr float kInfinity = std::numeric_limits<float>::infinity();
    return a > 0 ? kInfinity : -kInfinity;
  }
  return static_cast<float>(a);
}

/// Exact for numbers. A NaN keeps its sign and payload (shifted to the top) and is quieted.
constexpr double F64PromoteF32(float a) {
  if (detail::IsNan(a)) {
    const uint32_t bits = detail::ToBits(a);
    const uint64_t sign = static_cast<uint64_t>(bits & 0x8000'0000u) << 32;
    const uint64_t payload = static_cast<uint64_t>(bits & 0x003f'ffffu) << 29;
    return std::bit_cast<double>(sign | 0x7ff8'0000'0000'0000u | payload);
  }
  return static_cast<double>(a);
}

// ================================================================================================
// Reinterpretations: the bits are unchanged, NaN payloads included.
// ================================================================================================

constexpr uint32_t I32ReinterpretF32(float a) {
  return std::bit_cast<uint32_t>(a);
}
constexpr uint64_t I64ReinterpretF64(double a) {
  return std::bit_cast<uint64_t>(a);
}
constexpr float F32ReinterpretI32(uint32_t a) {
  return std::bit_cast<float>(a);
}
constexpr double F64ReinterpretI64(uint64_t a) {
  return std::bit_cast<double>(a);
}

}  // namespace wasmscope::internal::num
