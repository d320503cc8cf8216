#include "engine/numeric.h"

#include <gtest/gtest.h>

#include <bit>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <type_traits>

// Expected values are taken from the WebAssembly spec test suite (i32.wast, i64.wast,
// f32.wast, f64.wast, f32_bitwise.wast, conversions.wast, float_misc.wast, int_exprs.wast).
// Every row of every table is one check.

namespace wasmscope::internal::num {
namespace {

// ------------------------------------------------------------------------------------------------
// Helpers
// ------------------------------------------------------------------------------------------------

/// An i32 or i64 written as a signed number, the way the .wast files spell most of them.
constexpr uint32_t S32(int32_t v) {
  return static_cast<uint32_t>(v);
}
constexpr uint64_t S64(int64_t v) {
  return static_cast<uint64_t>(v);
}

/// Floats given by their bits: NaNs with a particular sign and payload.
constexpr float F32(uint32_t bits) {
  return std::bit_cast<float>(bits);
}
constexpr double F64(uint64_t bits) {
  return std::bit_cast<double>(bits);
}

constexpr float kInf32 = std::numeric_limits<float>::infinity();
constexpr double kInf64 = std::numeric_limits<double>::infinity();
constexpr float kNan32 = F32(0x7fc0'0000u);                 // nan (canonical)
constexpr float kNegNan32 = F32(0xffc0'0000u);              // -nan (canonical)
constexpr float kSNan32 = F32(0x7fa0'0000u);                // nan:0x200000 (signalling)
constexpr float kNegSNan32 = F32(0xffa0'0000u);             // -nan:0x200000
constexpr double kNan64 = F64(0x7ff8'0000'0000'0000u);      // nan
constexpr double kNegNan64 = F64(0xfff8'0000'0000'0000u);   // -nan
constexpr double kSNan64 = F64(0x7ff4'0000'0000'0000u);     // nan:0x4000000000000
constexpr double kNegSNan64 = F64(0xfff4'0000'0000'0000u);  // -nan:0x4000000000000

enum class NanClass : uint8_t { kNone, kCanonical, kArithmetic };
struct NanTag {
  NanClass nan_class;
};
/// The spec's `nan:canonical` and `nan:arithmetic` result patterns.
constexpr NanTag kCanonical{NanClass::kCanonical};
constexpr NanTag kArithmetic{NanClass::kArithmetic};

/// An expected float result: exact bits (NaN payloads included) or a NaN class. Built only
/// from a value of the same width, so an f64 literal cannot slip into an f32 table.
template <typename F>
struct Want {
  using Bits = std::conditional_t<sizeof(F) == 4, uint32_t, uint64_t>;
  constexpr Want(F x) : bits(std::bit_cast<Bits>(x)) {}     // NOLINT: implicit on purpose.
  constexpr Want(NanTag tag) : nan_class(tag.nan_class) {}  // NOLINT
  template <typename G>
  Want(G) = delete;

  Bits bits = 0;
  NanClass nan_class = NanClass::kNone;
};

template <typename F>
::testing::AssertionResult FloatMatches(F got, const Want<F>& want) {
  using Bits = typename Want<F>::Bits;
  constexpr Bits kSign = Bits{1} << (sizeof(F) * 8 - 1);
  // Exponent all ones and only the top (quiet) payload bit set.
  constexpr Bits kCanonicalNan =
      sizeof(F) == 4 ? static_cast<Bits>(0x7fc0'0000u) : static_cast<Bits>(0x7ff8'0000'0000'0000u);
  const Bits bits = std::bit_cast<Bits>(got);
  bool ok = false;
  switch (want.nan_class) {
    case NanClass::kNone:
      ok = bits == want.bits;
      break;
    case NanClass::kCanonical:
      ok = (bits & ~kSign) == kCanonicalNan;
      break;
    case NanClass::kArithmetic:
      ok = (bits & kCanonicalNan) == kCanonicalNan;
      break;
  }
  if (ok) return ::testing::AssertionSuccess();
  char text[96];
  std::snprintf(text, sizeof(text), "got bits 0x%" PRIx64 " (%a), want ",
                static_cast<uint64_t>(bits), static_cast<double>(got));
  auto failure = ::testing::AssertionFailure() << text;
  if (want.nan_class == NanClass::kCanonical) return failure << "nan:canonical";
  if (want.nan_class == NanClass::kArithmetic) return failure << "nan:arithmetic";
  std::snprintf(text, sizeof(text), "bits 0x%" PRIx64, static_cast<uint64_t>(want.bits));
  return failure << text;
}

// One table row shape per instruction signature. {name} is the function's name, for messages.
#define OP(f) #f, f

template <typename In, typename Out>
struct Unary {
  const char* name;
  Out (*op)(In);
  In a;
  Out want;
};

template <typename In, typename Out>
struct Binary {
  const char* name;
  Out (*op)(In, In);
  In a, b;
  Out want;
};

template <typename In, typename F>
struct UnaryToFloat {
  const char* name;
  F (*op)(In);
  In a;
  Want<F> want;
};

template <typename F>
struct BinaryFloat {
  const char* name;
  F (*op)(F, F);
  F a, b;
  Want<F> want;
};

/// A trapping division or remainder; {want} is checked only when {trap} is kNone.
template <typename T>
struct Division {
  const char* name;
  Trap (*op)(T, T, T*);
  T a, b;
  Trap trap;
  T want;
};

/// A trapping float-to-integer truncation.
template <typename F, typename I>
struct Truncation {
  const char* name;
  Trap (*op)(F, I*);
  F a;
  Trap trap;
  I want;
};

template <typename In, typename Out, size_t N>
void CheckAll(const Unary<In, Out> (&cases)[N]) {
  for (const auto& c : cases)
    EXPECT_EQ(c.op(c.a), c.want) << c.name << "(" << c.a << ")";
}

template <typename In, typename Out, size_t N>
void CheckAll(const Binary<In, Out> (&cases)[N]) {
  for (const auto& c : cases) {
    EXPECT_EQ(c.op(c.a, c.b), c.want) << c.name << "(" << c.a << ", " << c.b << ")";
  }
}

template <typename In, typename F, size_t N>
void CheckAll(const UnaryToFloat<In, F> (&cases)[N]) {
  for (const auto& c : cases)
    EXPECT_TRUE(FloatMatches(c.op(c.a), c.want)) << c.name << "(" << c.a << ")";
}

template <typename F, size_t N>
void CheckAll(const BinaryFloat<F> (&cases)[N]) {
  for (const auto& c : cases) {
    EXPECT_TRUE(FloatMatches(c.op(c.a, c.b), c.want)) << c.name << "(" << c.a << ", " << c.b << ")";
  }
}

template <typename T, size_t N>
void CheckAll(const Division<T> (&cases)[N]) {
  for (const auto& c : cases) {
    T out = 0x5a;  // A trap must leave {out} alone.
    const Trap trap = c.op(c.a, c.b, &out);
    EXPECT_EQ(trap, c.trap) << c.name << "(" << c.a << ", " << c.b << ")";
    EXPECT_EQ(out, c.trap == Trap::kNone ? c.want : T{0x5a})
        << c.name << "(" << c.a << ", " << c.b << ")";
  }
}

template <typename F, typename I, size_t N>
void CheckAll(const Truncation<F, I> (&cases)[N]) {
  for (const auto& c : cases) {
    I out = 0x5a;
    const Trap trap = c.op(c.a, &out);
    EXPECT_EQ(trap, c.trap) << c.name << "(" << c.a << ")";
    EXPECT_EQ(out, c.trap == Trap::kNone ? c.want : I{0x5a}) << c.name << "(" << c.a << ")";
  }
}

constexpr Trap kOk = Trap::kNone;
constexpr Trap kDivZero = Trap::kIntegerDivideByZero;
constexpr Trap kOverflow = Trap::kIntegerOverflow;
constexpr Trap kInvalid = Trap::kInvalidConversionToInteger;

// ------------------------------------------------------------------------------------------------
// Compile-time use: everything but sqrt is constexpr.
// ------------------------------------------------------------------------------------------------

static_assert(I32Add(0x7fff'ffffu, 1) == 0x8000'0000u);
static_assert(I32Rotl(0x769a'bcdfu, 0xffff'ffedu) == 0x579b'eed3u);
static_assert(I64Clz(0) == 64);
static_assert(I32TruncSatF32S(-kInf32) == 0x8000'0000u);
static_assert(F64Nearest(-4.5) == -4.0);
static_assert(F32ConvertI64U(0x8000'0080'0000'0001u) == 0x1.000002p+63f);
static_assert([] {
  uint32_t out = 0;
  return I32DivS(0x8000'0000u, 0xffff'ffffu, &out) == Trap::kIntegerOverflow;
}());

// ------------------------------------------------------------------------------------------------
// i32
// ------------------------------------------------------------------------------------------------

TEST(NumericI32, Binary) {
  const Binary<uint32_t, uint32_t> cases[] = {
      {OP(I32Add), 1, 1, 2},
      {OP(I32Add), 1, 0, 1},
      {OP(I32Add), S32(-1), S32(-1), S32(-2)},
      {OP(I32Add), S32(-1), 1, 0},
      {OP(I32Add), 0x7fffffff, 1, 0x80000000},
      {OP(I32Add), 0x80000000, S32(-1), 0x7fffffff},
      {OP(I32Add), 0x80000000, 0x80000000, 0},
      {OP(I32Add), 0x3fffffff, 1, 0x40000000},
      {OP(I32Sub), 1, 1, 0},
      {OP(I32Sub), 1, 0, 1},
      {OP(I32Sub), S32(-1), S32(-1), 0},
      {OP(I32Sub), 0x7fffffff, S32(-1), 0x80000000},
      {OP(I32Sub), 0x80000000, 1, 0x7fffffff},
      {OP(I32Sub), 0x80000000, 0x80000000, 0},
      {OP(I32Sub), 0x3fffffff, S32(-1), 0x40000000},
      {OP(I32Mul), 1, 1, 1},
      {OP(I32Mul), 1, 0, 0},
      {OP(I32Mul), S32(-1), S32(-1), 1},
      {OP(I32Mul), 0x10000000, 4096, 0},
      {OP(I32Mul), 0x80000000, 0, 0},
      {OP(I32Mul), 0x80000000, S32(-1), 0x80000000},
      {OP(I32Mul), 0x7fffffff, S32(-1), 0x80000001},
      {OP(I32Mul), 0x01234567, 0x76543210, 0x358e7470},
      {OP(I32Mul), 0x7fffffff, 0x7fffffff, 1},
      {OP(I32And), 1, 0, 0},
      {OP(I32And), 1, 1, 1},
      {OP(I32And), 0x7fffffff, 0x80000000, 0},
      {OP(I32And), 0xf0f0ffff, 0xfffff0f0, 0xf0f0f0f0},
      {OP(I32Or), 1, 0, 1},
      {OP(I32Or), 0x7fffffff, 0x80000000, S32(-1)},
      {OP(I32Or), 0xf0f0ffff, 0xfffff0f0, 0xffffffff},
      {OP(I32Xor), 1, 1, 0},
      {OP(I32Xor), 0x7fffffff, 0x80000000, S32(-1)},
      {OP(I32Xor), S32(-1), 0x80000000, 0x7fffffff},
      {OP(I32Xor), 0xf0f0ffff, 0xfffff0f0, 0x0f0f0f0f},
      // Shift counts are taken modulo 32.
      {OP(I32Shl), 1, 1, 2},
      {OP(I32Shl), 0x7fffffff, 1, 0xfffffffe},
      {OP(I32Shl), 0x80000000, 1, 0},
      {OP(I32Shl), 1, 31, 0x80000000},
      {OP(I32Shl), 1, 32, 1},
      {OP(I32Shl), 1, 33, 2},
      {OP(I32Shl), 1, S32(-1), 0x80000000},
      {OP(I32Shl), 1, 0x7fffffff, 0x80000000},
      {OP(I32ShrS), 1, 0, 1},
      {OP(I32ShrS), S32(-1), 1, S32(-1)},
      {OP(I32ShrS), 0x7fffffff, 1, 0x3fffffff},
      {OP(I32ShrS), 0x80000000, 1, 0xc0000000},
      {OP(I32ShrS), 1, 32, 1},
      {OP(I32ShrS), 1, 33, 0},
      {OP(I32ShrS), 1, 0x80000000, 1},
      {OP(I32ShrS), 0x80000000, 31, S32(-1)},
      {OP(I32ShrS), S32(-1), 33, S32(-1)},
      {OP(I32ShrS), S32(-1), 0x7fffffff, S32(-1)},
      {OP(I32ShrU), 1, 1, 0},
      {OP(I32ShrU), S32(-1), 1, 0x7fffffff},
      {OP(I32ShrU), 0x80000000, 1, 0x40000000},
      {OP(I32ShrU), 1, 32, 1},
      {OP(I32ShrU), 1, S32(-1), 0},
      {OP(I32ShrU), 0x80000000, 31, 1},
      {OP(I32ShrU), S32(-1), 33, 0x7fffffff},
      {OP(I32ShrU), S32(-1), S32(-1), 1},
      {OP(I32ShrU), S32(-1), 0x80000000, S32(-1)},
      {OP(I32Rotl), 1, 1, 2},
      {OP(I32Rotl), 1, 0, 1},
      {OP(I32Rotl), 1, 32, 1},
      {OP(I32Rotl), 0xfe00dc00, 4, 0xe00dc00f},
      {OP(I32Rotl), 0x00008000, 37, 0x00100000},
      {OP(I32Rotl), 0x769abcdf, 0xffffffed, 0x579beed3},
      {OP(I32Rotl), 1, 31, 0x80000000},
      {OP(I32Rotr), 1, 1, 0x80000000},
      {OP(I32Rotr), S32(-1), 1, S32(-1)},
      {OP(I32Rotr), 0xff00cc00, 1, 0x7f806600},
      {OP(I32Rotr), 0xb0c1d2e3, 5, 0x1d860e97},
      {OP(I32Rotr), 0xb0c1d2e3, 0xff05, 0x1d860e97},
      {OP(I32Rotr), 0x769abcdf, 0x8000000d, 0xe6fbb4d5},
      {OP(I32Rotr), 0x80000000, 31, 1},
  };
  CheckAll(cases);
}

TEST(NumericI32, Compare) {
  const Binary<uint32_t, uint32_t> cases[] = {
      {OP(I32Eq), 0, 0, 1},  {OP(I32Eq), S32(-1), 1, 0},  {OP(I32Eq), 0x80000000, 0x7fffffff, 0},
      {OP(I32Ne), 0, 0, 0},  {OP(I32Ne), S32(-1), 1, 1},  {OP(I32Ne), 0x80000000, 0x7fffffff, 1},
      {OP(I32LtS), 0, 0, 0}, {OP(I32LtS), S32(-1), 1, 1}, {OP(I32LtS), 0x80000000, 0x7fffffff, 1},
      {OP(I32LtU), 0, 0, 0}, {OP(I32LtU), S32(-1), 1, 0}, {OP(I32LtU), 0x80000000, 0x7fffffff, 0},
      {OP(I32LeS), 0, 0, 1}, {OP(I32LeS), S32(-1), 1, 1}, {OP(I32LeS), 0x80000000, 0x7fffffff, 1},
      {OP(I32LeU), 0, 0, 1}, {OP(I32LeU), S32(-1), 1, 0}, {OP(I32LeU), 0x80000000, 0x7fffffff, 0},
      {OP(I32GtS), 0, 0, 0}, {OP(I32GtS), S32(-1), 1, 0}, {OP(I32GtS), 0x80000000, 0x7fffffff, 0},
      {OP(I32GtU), 0, 0, 0}, {OP(I32GtU), S32(-1), 1, 1}, {OP(I32GtU), 0x80000000, 0x7fffffff, 1},
      {OP(I32GeS), 0, 0, 1}, {OP(I32GeS), S32(-1), 1, 0}, {OP(I32GeS), 0x80000000, 0x7fffffff, 0},
      {OP(I32GeU), 0, 0, 1}, {OP(I32GeU), S32(-1), 1, 1}, {OP(I32GeU), 0x80000000, 0x7fffffff, 1},
  };
  CheckAll(cases);
}

TEST(NumericI32, Unary) {
  const Unary<uint32_t, uint32_t> cases[] = {
      {OP(I32Eqz), 0, 1},
      {OP(I32Eqz), 1, 0},
      {OP(I32Eqz), 0x80000000, 0},
      {OP(I32Eqz), 0xffffffff, 0},
      {OP(I32Clz), 0xffffffff, 0},
      {OP(I32Clz), 0, 32},
      {OP(I32Clz), 0x00008000, 16},
      {OP(I32Clz), 0xff, 24},
      {OP(I32Clz), 0x80000000, 0},
      {OP(I32Clz), 1, 31},
      {OP(I32Clz), 0x7fffffff, 1},
      {OP(I32Ctz), S32(-1), 0},
      {OP(I32Ctz), 0, 32},
      {OP(I32Ctz), 0x00008000, 15},
      {OP(I32Ctz), 0x00010000, 16},
      {OP(I32Ctz), 0x80000000, 31},
      {OP(I32Ctz), 0x7fffffff, 0},
      {OP(I32Popcnt), S32(-1), 32},
      {OP(I32Popcnt), 0, 0},
      {OP(I32Popcnt), 0x00008000, 1},
      {OP(I32Popcnt), 0x80008000, 2},
      {OP(I32Popcnt), 0x7fffffff, 31},
      {OP(I32Popcnt), 0xAAAAAAAA, 16},
      {OP(I32Popcnt), 0xDEADBEEF, 24},
      {OP(I32Extend8S), 0, 0},
      {OP(I32Extend8S), 0x7f, 127},
      {OP(I32Extend8S), 0x80, S32(-128)},
      {OP(I32Extend8S), 0xff, S32(-1)},
      {OP(I32Extend8S), 0x01234500, 0},
      {OP(I32Extend8S), 0xfedcba80, S32(-0x80)},
      {OP(I32Extend8S), S32(-1), S32(-1)},
      {OP(I32Extend16S), 0, 0},
      {OP(I32Extend16S), 0x7fff, 32767},
      {OP(I32Extend16S), 0x8000, S32(-32768)},
      {OP(I32Extend16S), 0xffff, S32(-1)},
      {OP(I32Extend16S), 0x01230000, 0},
      {OP(I32Extend16S), 0xfedc8000, S32(-0x8000)},
      {OP(I32Extend16S), S32(-1), S32(-1)},
  };
  CheckAll(cases);
}

TEST(NumericI32, DivRem) {
  const Division<uint32_t> cases[] = {
      {OP(I32DivS), 1, 0, kDivZero, 0},
      {OP(I32DivS), 0, 0, kDivZero, 0},
      {OP(I32DivS), 0x80000000, 0, kDivZero, 0},
      {OP(I32DivS), 0x80000000, S32(-1), kOverflow, 0},
      {OP(I32DivS), 1, 1, kOk, 1},
      {OP(I32DivS), 0, S32(-1), kOk, 0},
      {OP(I32DivS), S32(-1), S32(-1), kOk, 1},
      {OP(I32DivS), 0x80000000, 2, kOk, 0xc0000000},
      {OP(I32DivS), 0x80000001, 1000, kOk, 0xffdf3b65},
      {OP(I32DivS), 5, 2, kOk, 2},
      {OP(I32DivS), S32(-5), 2, kOk, S32(-2)},
      {OP(I32DivS), 5, S32(-2), kOk, S32(-2)},
      {OP(I32DivS), S32(-5), S32(-2), kOk, 2},
      {OP(I32DivS), 7, 3, kOk, 2},
      {OP(I32DivS), S32(-7), 3, kOk, S32(-2)},
      {OP(I32DivS), S32(-7), S32(-3), kOk, 2},
      {OP(I32DivS), S32(-11), 2, kOk, S32(-5)},
      {OP(I32DivS), 0x60000000, 3, kOk, 0x20000000},
      {OP(I32DivU), 1, 0, kDivZero, 0},
      {OP(I32DivU), 0, 0, kDivZero, 0},
      {OP(I32DivU), 1, 1, kOk, 1},
      {OP(I32DivU), S32(-1), S32(-1), kOk, 1},
      {OP(I32DivU), 0x80000000, S32(-1), kOk, 0},
      {OP(I32DivU), 0x80000000, 2, kOk, 0x40000000},
      {OP(I32DivU), 0x8ff00ff0, 0x10001, kOk, 0x8fef},
      {OP(I32DivU), 0x80000001, 1000, kOk, 0x20c49b},
      {OP(I32DivU), S32(-5), 2, kOk, 0x7ffffffd},
      {OP(I32DivU), 5, S32(-2), kOk, 0},
      {OP(I32DivU), 17, 7, kOk, 2},
      {OP(I32DivU), 0xc0000000, 3, kOk, 0x40000000},
      {OP(I32RemS), 1, 0, kDivZero, 0},
      {OP(I32RemS), 0, 0, kDivZero, 0},
      // INT32_MIN % -1 is 0, not a trap.
      {OP(I32RemS), 0x80000000, S32(-1), kOk, 0},
      {OP(I32RemS), 0x7fffffff, S32(-1), kOk, 0},
      {OP(I32RemS), 0, S32(-1), kOk, 0},
      {OP(I32RemS), 0x80000000, 2, kOk, 0},
      {OP(I32RemS), 0x80000001, 1000, kOk, S32(-647)},
      {OP(I32RemS), 5, 2, kOk, 1},
      {OP(I32RemS), S32(-5), 2, kOk, S32(-1)},
      {OP(I32RemS), 5, S32(-2), kOk, 1},
      {OP(I32RemS), S32(-5), S32(-2), kOk, S32(-1)},
      {OP(I32RemS), S32(-7), 3, kOk, S32(-1)},
      {OP(I32RemS), 17, 7, kOk, 3},
      {OP(I32RemS), S32(-11), 2, kOk, S32(-1)},
      {OP(I32RemU), 1, 0, kDivZero, 0},
      {OP(I32RemU), 0, 0, kDivZero, 0},
      {OP(I32RemU), 0x80000000, S32(-1), kOk, 0x80000000},
      {OP(I32RemU), 0x8ff00ff0, 0x10001, kOk, 0x8001},
      {OP(I32RemU), 0x80000001, 1000, kOk, 649},
      {OP(I32RemU), S32(-5), 2, kOk, 1},
      {OP(I32RemU), 5, S32(-2), kOk, 5},
      {OP(I32RemU), S32(-5), S32(-2), kOk, S32(-5)},
      {OP(I32RemU), 17, 7, kOk, 3},
  };
  CheckAll(cases);
}

// ------------------------------------------------------------------------------------------------
// i64
// ------------------------------------------------------------------------------------------------

TEST(NumericI64, Binary) {
  const Binary<uint64_t, uint64_t> cases[] = {
      {OP(I64Add), S64(-1), S64(-1), S64(-2)},
      {OP(I64Add), 0x7fffffffffffffff, 1, 0x8000000000000000},
      {OP(I64Add), 0x8000000000000000, S64(-1), 0x7fffffffffffffff},
      {OP(I64Add), 0x8000000000000000, 0x8000000000000000, 0},
      {OP(I64Sub), 0x7fffffffffffffff, S64(-1), 0x8000000000000000},
      {OP(I64Sub), 0x8000000000000000, 1, 0x7fffffffffffffff},
      {OP(I64Sub), 0x3fffffff, S64(-1), 0x40000000},
      {OP(I64Mul), S64(-1), S64(-1), 1},
      {OP(I64Mul), 0x8000000000000000, S64(-1), 0x8000000000000000},
      {OP(I64Mul), 0x0123456789abcdef, 0xfedcba9876543210, 0x2236d88fe5618cf0},
      {OP(I64Mul), 0x7fffffffffffffff, 0x7fffffffffffffff, 1},
      {OP(I64And), 0x7fffffffffffffff, S64(-1), 0x7fffffffffffffff},
      {OP(I64And), 0xf0f0ffff, 0xfffff0f0, 0xf0f0f0f0},
      {OP(I64Or), 0xf0f0ffff, 0xfffff0f0, 0xffffffff},
      {OP(I64Or), 0x7fffffffffffffff, 0x8000000000000000, S64(-1)},
      {OP(I64Xor), 0x7fffffffffffffff, 0x8000000000000000, S64(-1)},
      {OP(I64Xor), S64(-1), 0x7fffffffffffffff, 0x8000000000000000},
      // Shift counts are taken modulo 64.
      {OP(I64Shl), 1, 1, 2},
      {OP(I64Shl), 0xffffffffffffffff, 1, 0xfffffffffffffffe},
      {OP(I64Shl), 1, 63, 0x8000000000000000},
      {OP(I64Shl), 1, 64, 1},
      {OP(I64Shl), 1, 65, 2},
      {OP(I64Shl), 1, S64(-1), 0x8000000000000000},
      {OP(I64ShrS), 0x8000000000000000, 1, 0xc000000000000000},
      {OP(I64ShrS), 1, 65, 0},
      {OP(I64ShrS), 1, 0x8000000000000000, 1},
      {OP(I64ShrS), 0x8000000000000000, 63, S64(-1)},
      {OP(I64ShrS), S64(-1), 65, S64(-1)},
      {OP(I64ShrU), S64(-1), 1, 0x7fffffffffffffff},
      {OP(I64ShrU), 0x8000000000000000, 63, 1},
      {OP(I64ShrU), 1, S64(-1), 0},
      {OP(I64ShrU), S64(-1), 65, 0x7fffffffffffffff},
      {OP(I64ShrU), S64(-1), S64(-1), 1},
      {OP(I64Rotl), 1, 1, 2},
      {OP(I64Rotl), 1, 64, 1},
      {OP(I64Rotl), 0xabcd1234ef567809, 53, 0x013579a2469deacf},
      {OP(I64Rotl), 0xabcd7294ef567809, 0xffffffffffffffed, 0xcf013579ae529dea},
      {OP(I64Rotl), 0x8000000000000000, 1, 1},
      {OP(I64Rotr), S64(-1), 1, S64(-1)},
      {OP(I64Rotr), 0xfe000000dc000000, 4, 0x0fe000000dc00000},
      {OP(I64Rotr), 0xabcd1234ef567809, 0xf5, 0x6891a77ab3c04d5e},
      {OP(I64Rotr), 1, 63, 2},
  };
  CheckAll(cases);
}

TEST(NumericI64, Compare) {
  const Binary<uint64_t, uint32_t> cases[] = {
      {OP(I64Eq), 0x7fffffffffffffff, 0x7fffffffffffffff, 1},
      {OP(I64Eq), 0x8000000000000000, S64(-1), 0},
      {OP(I64Ne), S64(-1), 1, 1},
      {OP(I64Ne), S64(-1), S64(-1), 0},
      {OP(I64LtS), 0x8000000000000000, 0x7fffffffffffffff, 1},
      {OP(I64LtS), 0, 0x8000000000000000, 0},
      {OP(I64LtU), 0x8000000000000000, S64(-1), 1},
      {OP(I64LtU), 0x8000000000000000, 0x7fffffffffffffff, 0},
      {OP(I64LeS), S64(-1), 0x8000000000000000, 0},
      {OP(I64LeS), S64(-1), S64(-1), 1},
      {OP(I64LeU), 0, 0x8000000000000000, 1},
      {OP(I64LeU), 0x8000000000000000, 0x7fffffffffffffff, 0},
      {OP(I64GtS), 0x7fffffffffffffff, 0x8000000000000000, 1},
      {OP(I64GtS), 0x8000000000000000, S64(-1), 0},
      {OP(I64GtU), S64(-1), 0x8000000000000000, 1},
      {OP(I64GtU), 0x7fffffffffffffff, 0x8000000000000000, 0},
      {OP(I64GeS), 0x8000000000000000, 0x8000000000000000, 1},
      {OP(I64GeS), S64(-1), 1, 0},
      {OP(I64GeU), S64(-1), 1, 1},
      {OP(I64GeU), 0x7fffffffffffffff, 0x8000000000000000, 0},
  };
  CheckAll(cases);
}

TEST(NumericI64, Unary) {
  const Unary<uint64_t, uint64_t> cases[] = {
      {OP(I64Clz), 0xffffffffffffffff, 0},
      {OP(I64Clz), 0, 64},
      {OP(I64Clz), 0x00008000, 48},
      {OP(I64Clz), 0x8000000000000000, 0},
      {OP(I64Clz), 1, 63},
      {OP(I64Clz), 0x7fffffffffffffff, 1},
      {OP(I64Ctz), 0, 64},
      {OP(I64Ctz), 0x00008000, 15},
      {OP(I64Ctz), 0x8000000000000000, 63},
      {OP(I64Ctz), 0x7fffffffffffffff, 0},
      {OP(I64Popcnt), S64(-1), 64},
      {OP(I64Popcnt), 0x00008000, 1},
      {OP(I64Popcnt), 0xAAAAAAAA55555555, 32},
      {OP(I64Popcnt), 0xDEADBEEFDEADBEEF, 48},
      {OP(I64Extend8S), 0x7f, 127},
      {OP(I64Extend8S), 0xff, S64(-1)},
      {OP(I64Extend8S), 0xfedcba9876543280, S64(-0x80)},
      {OP(I64Extend16S), 0x8000, S64(-32768)},
      {OP(I64Extend16S), 0xfedcba9876548000, S64(-0x8000)},
      {OP(I64Extend32S), 0x7fffffff, 0x7fffffff},
      {OP(I64Extend32S), 0x80000000, S64(-0x80000000LL)},
      {OP(I64Extend32S), 0x0123456700000000, 0},
      {OP(I64Extend32S), 0xfedcba9880000000, S64(-0x80000000LL)},
  };
  CheckAll(cases);

  const Unary<uint64_t, uint32_t> eqz[] = {
      {OP(I64Eqz), 0, 1},
      {OP(I64Eqz), 1, 0},
      {OP(I64Eqz), 0x8000000000000000, 0},
      {OP(I64Eqz), 0x7fffffffffffffff, 0},
  };
  CheckAll(eqz);
}

TEST(NumericI64, DivRem) {
  const Division<uint64_t> cases[] = {
      {OP(I64DivS), 1, 0, kDivZero, 0},
      {OP(I64DivS), 0, 0, kDivZero, 0},
      {OP(I64DivS), 0x8000000000000000, S64(-1), kOverflow, 0},
      {OP(I64DivS), 0x8000000000000000, 2, kOk, 0xc000000000000000},
      {OP(I64DivS), 0x8000000000000001, 1000, kOk, 0xffdf3b645a1cac09},
      {OP(I64DivS), S64(-5), 2, kOk, S64(-2)},
      {OP(I64DivS), S64(-7), S64(-3), kOk, 2},
      {OP(I64DivS), S64(-11), 2, kOk, S64(-5)},
      {OP(I64DivS), 0x3000000000000000, 3, kOk, 0x1000000000000000},
      {OP(I64DivU), 1, 0, kDivZero, 0},
      {OP(I64DivU), 0x8000000000000000, S64(-1), kOk, 0},
      {OP(I64DivU), 0x8000000000000000, 2, kOk, 0x4000000000000000},
      {OP(I64DivU), 0x8ff00ff00ff00ff0, 0x100000001, kOk, 0x8ff00fef},
      {OP(I64DivU), S64(-5), 2, kOk, 0x7ffffffffffffffd},
      {OP(I64DivU), S64(-5), S64(-2), kOk, 0},
      {OP(I64DivU), 0xe000000000000000, 7, kOk, 0x2000000000000000},
      {OP(I64RemS), 1, 0, kDivZero, 0},
      {OP(I64RemS), 0x8000000000000000, S64(-1), kOk, 0},
      {OP(I64RemS), 0x7fffffffffffffff, S64(-1), kOk, 0},
      {OP(I64RemS), 0x8000000000000001, 1000, kOk, S64(-807)},
      {OP(I64RemS), S64(-5), 2, kOk, S64(-1)},
      {OP(I64RemS), S64(-7), S64(-3), kOk, S64(-1)},
      {OP(I64RemS), S64(-11), 2, kOk, S64(-1)},
      {OP(I64RemU), 1, 0, kDivZero, 0},
      {OP(I64RemU), 0x8000000000000000, S64(-1), kOk, 0x8000000000000000},
      {OP(I64RemU), 0x8ff00ff00ff00ff0, 0x100000001, kOk, 0x80000001},
      {OP(I64RemU), 0x8000000000000001, 1000, kOk, 809},
      {OP(I64RemU), S64(-5), S64(-2), kOk, S64(-5)},
      {OP(I64RemU), 17, 7, kOk, 3},
  };
  CheckAll(cases);
}

// ------------------------------------------------------------------------------------------------
// f32
// ------------------------------------------------------------------------------------------------

TEST(NumericF32, Binary) {
  const BinaryFloat<float> cases[] = {
      // Signed zeros: x + y is -0 only when both are -0; x - y mirrors it.
      {OP(F32Add), -0x0p+0f, -0x0p+0f, -0x0p+0f},
      {OP(F32Add), -0x0p+0f, 0x0p+0f, 0x0p+0f},
      {OP(F32Add), 0x0p+0f, -0x0p+0f, 0x0p+0f},
      {OP(F32Add), -0x0p+0f, -0x1p-149f, -0x1p-149f},
      {OP(F32Add), -0x1p-149f, -0x1p-126f, -0x1.000002p-126f},
      {OP(F32Add), 0x1p-1f, -0x1p+0f, -0x1p-1f},
      {OP(F32Add), 0x1p+0f, -0x1p+0f, 0x0p+0f},
      {OP(F32Add), 0x1.921fb6p+2f, -0x1p-1f, 0x1.721fb6p+2f},
      {OP(F32Add), 0x1.fffffep+127f, 0x1.fffffep+127f, kInf32},
      {OP(F32Add), kInf32, -kInf32, kCanonical},
      {OP(F32Add), -kInf32, -kInf32, -kInf32},
      // Rounding: ties to even, and no double rounding.
      {OP(F32Add), 1.0f, 0x1p-24f, 0x1.0p+0f},
      {OP(F32Add), 0x1.000002p+23f, 0x1p-1f, 0x1.000004p+23f},
      {OP(F32Add), 0x1p+31f, 1024.25f, 0x1.000008p+31f},
      {OP(F32Add), 0x1.fffffcp+127f, 0x1p+104f, 0x1.fffffep+127f},
      // NaN operands: canonical in, canonical out; otherwise arithmetic.
      {OP(F32Add), -0x0p+0f, kNan32, kCanonical},
      {OP(F32Add), -0x0p+0f, kNegSNan32, kArithmetic},
      {OP(F32Add), kSNan32, 0x1.fffffep+127f, kArithmetic},
      {OP(F32Add), kNegSNan32, kNan32, kArithmetic},
      {OP(F32Add), kNan32, kNan32, kCanonical},
      {OP(F32Sub), -0x0p+0f, -0x0p+0f, 0x0p+0f},
      {OP(F32Sub), -0x0p+0f, 0x0p+0f, -0x0p+0f},
      {OP(F32Sub), kInf32, kInf32, kCanonical},
      {OP(F32Sub), 1999999.0f, 1999995.0f, 4.0f},
      {OP(F32Sub), 0x1p-126f, 0x1.fffffcp-127f, 0x1p-149f},
      {OP(F32Sub), 0x1.000002p+0f, 0x1.0p+0f, 0x1p-23f},
      {OP(F32Sub), 0x1.fffffep+127f, 0x1p+103f, 0x1.fffffcp+127f},
      {OP(F32Sub), kSNan32, 1.0f, kArithmetic},
      {OP(F32Mul), 0x0p+0f, -0x1p-126f, -0x0p+0f},
      {OP(F32Mul), -0x0p+0f, -0x1.fffffep+127f, 0x0p+0f},
      {OP(F32Mul), 0x0p+0f, kInf32, kCanonical},
      {OP(F32Mul), -0x1p-149f, 0x1p-149f, -0x0p+0f},
      {OP(F32Mul), 0x1p-149f, -0x1.fffffep+127f, -0x1.fffffep-22f},
      {OP(F32Mul), -0x1p-1f, 0x1p-1f, -0x1p-2f},
      {OP(F32Mul), 0x1.fffffep+127f, 0x1.fffffep+127f, kInf32},
      {OP(F32Mul), -kInf32, kInf32, -kInf32},
      {OP(F32Mul), 1e15f, 1e15f, 0x1.93e592p+99f},
      {OP(F32Mul), 0x1.000002p+0f, 0x1.000002p+0f, 0x1.000004p+0f},
      {OP(F32Mul), kNegNan32, kNegSNan32, kArithmetic},
      {OP(F32Mul), kNan32, 0x1p+0f, kCanonical},
      {OP(F32Div), -0x0p+0f, -0x0p+0f, kCanonical},
      {OP(F32Div), 0x0p+0f, 0x1p-149f, 0x0p+0f},
      {OP(F32Div), 0x1p-149f, -0x0p+0f, -kInf32},
      {OP(F32Div), -0x1p-149f, 0x1p-126f, -0x1p-23f},
      {OP(F32Div), -0x1p-149f, -0x1p+0f, 0x1p-149f},
      {OP(F32Div), 4.0f, 3.0f, 0x1.555556p+0f},
      {OP(F32Div), 8391667.0f, 12582905.0f, 0x1.55754p-1f},
      {OP(F32Div), kInf32, kInf32, kCanonical},
      {OP(F32Div), -0x0p+0f, kSNan32, kArithmetic},
      // min/max: -0 < +0, and any NaN operand gives a NaN.
      {OP(F32Min), -0x0p+0f, 0x0p+0f, -0x0p+0f},
      {OP(F32Min), 0x0p+0f, -0x0p+0f, -0x0p+0f},
      {OP(F32Min), 0x0p+0f, 0x0p+0f, 0x0p+0f},
      {OP(F32Min), -0x0p+0f, -0x1p-126f, -0x1p-126f},
      {OP(F32Min), -0x0p+0f, 0x1p+0f, -0x0p+0f},
      {OP(F32Min), 0x1p-1f, -kInf32, -kInf32},
      {OP(F32Min), -0x0p+0f, kSNan32, kArithmetic},
      {OP(F32Min), -kInf32, kNegNan32, kCanonical},
      {OP(F32Min), kNan32, -0x1p-1f, kCanonical},
      {OP(F32Min), kSNan32, -0x1p+0f, kArithmetic},
      {OP(F32Min), kNegNan32, kNegNan32, kCanonical},
      {OP(F32Min), kSNan32, kNegNan32, kArithmetic},
      {OP(F32Max), 0x0p+0f, -0x0p+0f, 0x0p+0f},
      {OP(F32Max), -0x0p+0f, 0x0p+0f, 0x0p+0f},
      {OP(F32Max), -0x0p+0f, -0x0p+0f, -0x0p+0f},
      {OP(F32Max), -0x0p+0f, -0x1.921fb6p+2f, -0x0p+0f},
      {OP(F32Max), -0x1p-1f, 0x0p+0f, 0x0p+0f},
      {OP(F32Max), -0x0p+0f, kInf32, kInf32},
      {OP(F32Max), 0x0p+0f, kNan32, kCanonical},
      {OP(F32Max), -0x1p-149f, kSNan32, kArithmetic},
      {OP(F32Max), kNan32, -0x0p+0f, kCanonical},
      {OP(F32Max), kSNan32, 0x1p-1f, kArithmetic},
      // copysign is a bit operation: NaN payloads pass through untouched.
      {OP(F32Copysign), -0x0p+0f, -0x0p+0f, -0x0p+0f},
      {OP(F32Copysign), -0x0p+0f, 0x0p+0f, 0x0p+0f},
      {OP(F32Copysign), 0x1p-149f, -kInf32, -0x1p-149f},
      {OP(F32Copysign), -0x1.fffffep+127f, 0x1p-1f, 0x1.fffffep+127f},
      {OP(F32Copysign), kInf32, -0x0p+0f, -kInf32},
      {OP(F32Copysign), -kInf32, kNan32, kInf32},
      {OP(F32Copysign), kNan32, -0x0p+0f, kNegNan32},
      {OP(F32Copysign), F32(0x7f80f1e2), kNegNan32, F32(0xff80f1e2)},
      {OP(F32Copysign), F32(0xff80f1e2), kNan32, F32(0x7f80f1e2)},
      {OP(F32Copysign), kSNan32, -1.0f, kNegSNan32},
  };
  CheckAll(cases);
}

TEST(NumericF32, Unary) {
  const UnaryToFloat<float, float> cases[] = {
      {OP(F32Abs), -0x0p+0f, 0x0p+0f},
      {OP(F32Abs), -0x1p-149f, 0x1p-149f},
      {OP(F32Abs), -kInf32, kInf32},
      {OP(F32Abs), F32(0xff80f1e2), F32(0x7f80f1e2)},
      {OP(F32Abs), kNegNan32, kNan32},
      {OP(F32Abs), kNegSNan32, kSNan32},  // Stays signalling: abs is not arithmetic.
      {OP(F32Neg), 0x0p+0f, -0x0p+0f},
      {OP(F32Neg), -0x0p+0f, 0x0p+0f},
      {OP(F32Neg), 0x1p-149f, -0x1p-149f},
      {OP(F32Neg), kInf32, -kInf32},
      {OP(F32Neg), F32(0x7f80f1e2), F32(0xff80f1e2)},
      {OP(F32Neg), kNegNan32, kNan32},
      {OP(F32Neg), kSNan32, kNegSNan32},
      {OP(F32Sqrt), 0x0p+0f, 0x0p+0f},
      {OP(F32Sqrt), -0x0p+0f, -0x0p+0f},
      {OP(F32Sqrt), 0x1p-149f, 0x1.6a09e6p-75f},
      {OP(F32Sqrt), 0x1p-126f, 0x1p-63f},
      {OP(F32Sqrt), 0x1p-1f, 0x1.6a09e6p-1f},
      {OP(F32Sqrt), 0x1.921fb6p+2f, 0x1.40d932p+1f},
      {OP(F32Sqrt), 0x1.fffffep+127f, 0x1.fffffep+63f},
      {OP(F32Sqrt), 0x1.000002p+0f, 0x1p+0f},
      {OP(F32Sqrt), 0x1.000004p+0f, 0x1.000002p+0f},
      {OP(F32Sqrt), 0x1.fffffcp-1f, 0x1.fffffep-1f},
      {OP(F32Sqrt), kInf32, kInf32},
      {OP(F32Sqrt), -0x1p-149f, kCanonical},
      {OP(F32Sqrt), -kInf32, kCanonical},
      {OP(F32Sqrt), kNan32, kCanonical},
      {OP(F32Sqrt), kSNan32, kArithmetic},
      {OP(F32Ceil), -0x0p+0f, -0x0p+0f},
      {OP(F32Ceil), 0x1p-149f, 0x1p+0f},
      {OP(F32Ceil), -0x1p-149f, -0x0p+0f},
      {OP(F32Ceil), -0x1p-1f, -0x0p+0f},
      {OP(F32Ceil), 0x1.921fb6p+2f, 0x1.cp+2f},
      {OP(F32Ceil), -0x1.921fb6p+2f, -0x1.8p+2f},
      {OP(F32Ceil), 0x1.fffffep-1f, 1.0f},
      {OP(F32Ceil), 0x1.000002p+0f, 2.0f},
      {OP(F32Ceil), 0x1.fffffep+22f, 0x1p+23f},
      {OP(F32Ceil), -0x1.fffffep+22f, -0x1.fffffcp+22f},
      {OP(F32Ceil), 0x1.fffffep+23f, 0x1.fffffep+23f},
      {OP(F32Ceil), 0x1.fffffep+127f, 0x1.fffffep+127f},
      {OP(F32Ceil), -kInf32, -kInf32},
      {OP(F32Ceil), kNan32, kCanonical},
      {OP(F32Ceil), kSNan32, kArithmetic},
      {OP(F32Floor), -0x0p+0f, -0x0p+0f},
      {OP(F32Floor), 0x1p-149f, 0x0p+0f},
      {OP(F32Floor), -0x1p-149f, -0x1p+0f},
      {OP(F32Floor), 0x1.921fb6p+2f, 0x1.8p+2f},
      {OP(F32Floor), -0x1.921fb6p+2f, -0x1.cp+2f},
      {OP(F32Floor), -0x1.fffffep-1f, -1.0f},
      {OP(F32Floor), -0x1.000002p+0f, -2.0f},
      {OP(F32Floor), -0x1.fffffep+22f, -0x1p+23f},
      {OP(F32Floor), 0x1.fffffep+22f, 0x1.fffffcp+22f},
      {OP(F32Floor), 88607.0f, 88607.0f},
      {OP(F32Floor), kInf32, kInf32},
      {OP(F32Floor), kNegNan32, kCanonical},
      {OP(F32Floor), kNegSNan32, kArithmetic},
      {OP(F32Trunc), 0x1p-149f, 0x0p+0f},
      {OP(F32Trunc), -0x1p-149f, -0x0p+0f},
      {OP(F32Trunc), -0x1p-1f, -0x0p+0f},
      {OP(F32Trunc), 0x1.921fb6p+2f, 0x1.8p+2f},
      {OP(F32Trunc), -0x1.921fb6p+2f, -0x1.8p+2f},
      {OP(F32Trunc), 0x1.fffffep+22f, 0x1.fffffcp+22f},
      {OP(F32Trunc), -0x1.fffffep+22f, -0x1.fffffcp+22f},
      {OP(F32Trunc), 0x1.fffffep+127f, 0x1.fffffep+127f},
      {OP(F32Trunc), kNan32, kCanonical},
      {OP(F32Trunc), kSNan32, kArithmetic},
      // nearest rounds half to even and keeps the sign of a zero result.
      {OP(F32Nearest), -0x0p+0f, -0x0p+0f},
      {OP(F32Nearest), 0x1p-149f, 0x0p+0f},
      {OP(F32Nearest), -0x1p-149f, -0x0p+0f},
      {OP(F32Nearest), 0x1p-1f, 0x0p+0f},
      {OP(F32Nearest), -0x1p-1f, -0x0p+0f},
      {OP(F32Nearest), 0x1.fffffep-2f, 0.0f},
      {OP(F32Nearest), 0x1.921fb6p+2f, 0x1.8p+2f},
      {OP(F32Nearest), -0x1.921fb6p+2f, -0x1.8p+2f},
      {OP(F32Nearest), 4.5f, 4.0f},
      {OP(F32Nearest), -4.5f, -4.0f},
      {OP(F32Nearest), -3.5f, -4.0f},
      {OP(F32Nearest), 0x1.fffffep+22f, 0x1p+23f},
      {OP(F32Nearest), -0x1.fffffep+22f, -0x1p+23f},
      {OP(F32Nearest), 0x1.000002p+23f, 0x1.000002p+23f},
      {OP(F32Nearest), 0x1.fffffep+47f, 0x1.fffffep+47f},
      {OP(F32Nearest), kInf32, kInf32},
      {OP(F32Nearest), kNan32, kCanonical},
      {OP(F32Nearest), kNegSNan32, kArithmetic},
  };
  CheckAll(cases);
}

// ------------------------------------------------------------------------------------------------
// f64
// ------------------------------------------------------------------------------------------------

TEST(NumericF64, Binary) {
  const BinaryFloat<double> cases[] = {
      {OP(F64Add), -0x0p+0, -0x0p+0, -0x0p+0},
      {OP(F64Add), -0x0p+0, 0x0p+0, 0x0p+0},
      {OP(F64Add), -0x0p+0, -0x0.0000000000001p-1022, -0x0.0000000000001p-1022},
      {OP(F64Add), -0x1p-1022, 0x1p-1022, 0x0p+0},
      {OP(F64Add), -0x1.fffffffffffffp+1023, -0x1.fffffffffffffp+1023, -kInf64},
      {OP(F64Add), 1.0, 0x1.0000000000001p-53, 0x1.0000000000001p+0},
      {OP(F64Add), 9007199254740992.0, 1.00001, 9007199254740994.0},
      {OP(F64Add), 0x1.fffffffffffffp+1023, 0x1.fffffffffffffp+969, 0x1.fffffffffffffp+1023},
      {OP(F64Add), kInf64, -kInf64, kCanonical},
      {OP(F64Add), 0x0p+0, F64(0xfff4000000000000), kArithmetic},
      {OP(F64Add), -0x1p-1022, kNan64, kCanonical},
      {OP(F64Add), kNegSNan64, kNegNan64, kArithmetic},
      {OP(F64Sub), -0x0p+0, -0x0p+0, 0x0p+0},
      {OP(F64Sub), 0x0p+0, 0x1p-1, -0x1p-1},
      {OP(F64Sub), 65536.0, 0x1p-37, 0x1.fffffffffffffp+15},
      {OP(F64Sub), 1.0, 0x1p-54, 0x1.0p+0},
      {OP(F64Sub), 0x1.0000000000001p+0, 0x1.0p+0, 0x1p-52},
      {OP(F64Sub), kInf64, kInf64, kCanonical},
      {OP(F64Sub), 0x0p+0, kSNan64, kArithmetic},
      {OP(F64Mul), 1e15, 1e15, 0x1.93e5939a08ceap+99},
      {OP(F64Mul), 0x1.fffffffffffffp-1, 0x1.fffffffffffffp-1, 0x1.ffffffffffffep-1},
      {OP(F64Mul), 0x1.0000000000001p+0, 0x1.fffffffffffffp-1, 0x1p+0},
      {OP(F64Mul), 0x1p-1022, 0x1p-52, 0x0.0000000000001p-1022},
      {OP(F64Mul), 0x1.6a09e667f3bccp-538, 0x1.6a09e667f3bccp-538, 0x0p+0},
      {OP(F64Mul), -0x0p+0, kInf64, kCanonical},
      {OP(F64Mul), kNan64, -1.0, kCanonical},
      {OP(F64Div), 65536.0, 0x1p-37, 0x1p+53},
      {OP(F64Div), 1.0, 3.0, 0x1.5555555555555p-2},
      {OP(F64Div), -0x0p+0, 0x0p+0, kCanonical},
      {OP(F64Div), -1.0, 0x0p+0, -kInf64},
      {OP(F64Div), kSNan64, 1.0, kArithmetic},
      {OP(F64Min), -0x0p+0, 0x0p+0, -0x0p+0},
      {OP(F64Min), 0x0p+0, -0x0p+0, -0x0p+0},
      {OP(F64Min), 0x1p-1022, -0x0.0000000000001p-1022, -0x0.0000000000001p-1022},
      {OP(F64Min), -kInf64, kNan64, kCanonical},
      {OP(F64Min), kNegSNan64, 0x1p-1, kArithmetic},
      {OP(F64Max), 0x0p+0, -0x0p+0, 0x0p+0},
      {OP(F64Max), -0x0p+0, 0x0p+0, 0x0p+0},
      {OP(F64Max), -0x1.921fb54442d18p+2, -kInf64, -0x1.921fb54442d18p+2},
      {OP(F64Max), kNegNan64, 0x1p+0, kCanonical},
      {OP(F64Max), 0x1.fffffffffffffp+1023, kSNan64, kArithmetic},
      {OP(F64Copysign), -0x0p+0, 0x0p+0, 0x0p+0},
      {OP(F64Copysign), 0x1.921fb54442d18p+2, -kInf64, -0x1.921fb54442d18p+2},
      {OP(F64Copysign), F64(0x7ff00000f1e27a6b), kNegNan64, F64(0xfff00000f1e27a6b)},
      {OP(F64Copysign), F64(0xfff00000f1e27a6b), kNan64, F64(0x7ff00000f1e27a6b)},
  };
  CheckAll(cases);
}

TEST(NumericF64, Unary) {
  const UnaryToFloat<double, double> cases[] = {
      {OP(F64Abs), -0x0p+0, 0x0p+0},
      {OP(F64Abs), -kInf64, kInf64},
      {OP(F64Abs), F64(0xfff00000f1e27a6b), F64(0x7ff00000f1e27a6b)},
      {OP(F64Abs), kNegSNan64, kSNan64},
      {OP(F64Neg), 0x0p+0, -0x0p+0},
      {OP(F64Neg), -0x0.0000000000001p-1022, 0x0.0000000000001p-1022},
      {OP(F64Neg), F64(0x7ff00000f1e27a6b), F64(0xfff00000f1e27a6b)},
      {OP(F64Neg), kSNan64, kNegSNan64},
      {OP(F64Sqrt), -0x0p+0, -0x0p+0},
      {OP(F64Sqrt), 0x0.0000000000001p-1022, 0x1p-537},
      {OP(F64Sqrt), 0x1p-1022, 0x1p-511},
      {OP(F64Sqrt), 0x1p-1, 0x1.6a09e667f3bcdp-1},
      {OP(F64Sqrt), 0x1.921fb54442d18p+2, 0x1.40d931ff62705p+1},
      {OP(F64Sqrt), 0x1.fffffffffffffp+1023, 0x1.fffffffffffffp+511},
      {OP(F64Sqrt), 0x1.0000000000002p+0, 0x1.0000000000001p+0},
      {OP(F64Sqrt), 0x1.ffffffffffffep-1, 0x1.fffffffffffffp-1},
      {OP(F64Sqrt), -0x1.360e8d0032adp-963, kCanonical},
      {OP(F64Sqrt), kNan64, kCanonical},
      {OP(F64Sqrt), kSNan64, kArithmetic},
      {OP(F64Ceil), 0x0.0000000000001p-1022, 0x1p+0},
      {OP(F64Ceil), -0x1p-1, -0x0p+0},
      {OP(F64Ceil), 0x1.921fb54442d18p+2, 0x1.cp+2},
      {OP(F64Ceil), 0x1.fffffffffffffp-1, 1.0},
      {OP(F64Ceil), 0x1.fffffffffffffp+51, 0x1p+52},
      {OP(F64Ceil), -0x1.fffffffffffffp+51, -0x1.ffffffffffffep+51},
      {OP(F64Ceil), 0x1.fffffffffffffp+52, 0x1.fffffffffffffp+52},
      {OP(F64Ceil), kNan64, kCanonical},
      {OP(F64Floor), -0x0.0000000000001p-1022, -0x1p+0},
      {OP(F64Floor), -0x1.921fb54442d18p+2, -0x1.cp+2},
      {OP(F64Floor), -0x1.0000000000001p+0, -2.0},
      {OP(F64Floor), 0x1.fffffffffffffp+51, 0x1.ffffffffffffep+51},
      {OP(F64Floor), 0x1.fffffffffffffp+1023, 0x1.fffffffffffffp+1023},
      {OP(F64Floor), kNegSNan64, kArithmetic},
      {OP(F64Trunc), -0x1p-1022, -0x0p+0},
      {OP(F64Trunc), -0x1.921fb54442d18p+2, -0x1.8p+2},
      {OP(F64Trunc), 0x1.fffffffffffffp+51, 0x1.ffffffffffffep+51},
      {OP(F64Trunc), -kInf64, -kInf64},
      {OP(F64Trunc), kNan64, kCanonical},
      {OP(F64Nearest), -0x0.0000000000001p-1022, -0x0p+0},
      {OP(F64Nearest), 0x1p-1, 0x0p+0},
      {OP(F64Nearest), 0x1.fffffffffffffp-2, 0.0},
      {OP(F64Nearest), 0x1.921fb54442d18p+2, 0x1.8p+2},
      {OP(F64Nearest), 4.5, 4.0},
      {OP(F64Nearest), -4.5, -4.0},
      {OP(F64Nearest), -3.5, -4.0},
      {OP(F64Nearest), 0x1.fffffffffffffp+51, 0x1p+52},
      {OP(F64Nearest), -0x1.fffffffffffffp+51, -0x1p+52},
      {OP(F64Nearest), 0x1.0000000000001p+52, 0x1.0000000000001p+52},
      {OP(F64Nearest), 0x1.fffffffffffffp+105, 0x1.fffffffffffffp+105},
      {OP(F64Nearest), kNegNan64, kCanonical},
      {OP(F64Nearest), kSNan64, kArithmetic},
  };
  CheckAll(cases);
}

// ------------------------------------------------------------------------------------------------
// Float comparisons: -0 == +0, and every comparison but ne is false on NaN.
// ------------------------------------------------------------------------------------------------

TEST(NumericFloat, Compare) {
  const Binary<float, uint32_t> f32[] = {
      {OP(F32Eq), -0x0p+0f, 0x0p+0f, 1},  {OP(F32Eq), kNan32, kNan32, 0},
      {OP(F32Eq), 1.0f, kSNan32, 0},      {OP(F32Eq), -kInf32, kInf32, 0},
      {OP(F32Ne), -0x0p+0f, 0x0p+0f, 0},  {OP(F32Ne), kNan32, kNan32, 1},
      {OP(F32Ne), 1.0f, kSNan32, 1},      {OP(F32Lt), -0x0p+0f, 0x0p+0f, 0},
      {OP(F32Lt), kNegNan32, kInf32, 0},  {OP(F32Lt), -kInf32, kInf32, 1},
      {OP(F32Gt), 0x1p-149f, 0x0p+0f, 1}, {OP(F32Gt), kInf32, kNan32, 0},
      {OP(F32Le), -0x0p+0f, 0x0p+0f, 1},  {OP(F32Le), kNan32, kNan32, 0},
      {OP(F32Ge), 0x0p+0f, -0x0p+0f, 1},  {OP(F32Ge), -kInf32, kNegSNan32, 0},
  };
  CheckAll(f32);
  const Binary<double, uint32_t> f64[] = {
      {OP(F64Eq), -0x0p+0, 0x0p+0, 1},
      {OP(F64Eq), kNan64, kNan64, 0},
      {OP(F64Ne), kNan64, kNan64, 1},
      {OP(F64Ne), 0x1p-1022, 0x1p-1022, 0},
      {OP(F64Lt), -0x0.0000000000001p-1022, -0x0p+0, 1},
      {OP(F64Lt), kSNan64, kInf64, 0},
      {OP(F64Gt), kInf64, 0x1.fffffffffffffp+1023, 1},
      {OP(F64Gt), kInf64, kNan64, 0},
      {OP(F64Le), 0x0p+0, -0x0p+0, 1},
      {OP(F64Le), -kInf64, kNegNan64, 0},
      {OP(F64Ge), -0x0p+0, 0x0p+0, 1},
      {OP(F64Ge), kNegSNan64, -kInf64, 0},
  };
  CheckAll(f64);
}

// ------------------------------------------------------------------------------------------------
// Conversions
// ------------------------------------------------------------------------------------------------

TEST(NumericConvert, WrapAndExtend) {
  const Unary<uint64_t, uint32_t> wrap[] = {
      {OP(I32WrapI64), S64(-100000), S32(-100000)},
      {OP(I32WrapI64), 0xffffffff7fffffff, 0x7fffffff},
      {OP(I32WrapI64), 0xfffffffeffffffff, 0xffffffff},
      {OP(I32WrapI64), 0x0000000100000001, 0x00000001},
  };
  CheckAll(wrap);
  const Unary<uint32_t, uint64_t> extend[] = {
      {OP(I64ExtendI32S), 10000, 10000},
      {OP(I64ExtendI32S), S32(-1), S64(-1)},
      {OP(I64ExtendI32S), 0x7fffffff, 0x000000007fffffff},
      {OP(I64ExtendI32S), 0x80000000, 0xffffffff80000000},
      {OP(I64ExtendI32U), S32(-1), 0xffffffff},
      {OP(I64ExtendI32U), 0x80000000, 0x0000000080000000},
  };
  CheckAll(extend);
}

TEST(NumericConvert, TruncF32) {
  const Truncation<float, uint32_t> i32[] = {
      {OP(I32TruncF32S), -0.0f, kOk, 0},
      {OP(I32TruncF32S), -0x1p-149f, kOk, 0},
      {OP(I32TruncF32S), 0x1.19999ap+0f, kOk, 1},
      {OP(I32TruncF32S), -1.5f, kOk, S32(-1)},
      {OP(I32TruncF32S), -2.0f, kOk, S32(-2)},
      {OP(I32TruncF32S), 2147483520.0f, kOk, 2147483520},
      {OP(I32TruncF32S), -2147483648.0f, kOk, 0x80000000},
      {OP(I32TruncF32S), 2147483648.0f, kOverflow, 0},
      {OP(I32TruncF32S), -2147483904.0f, kOverflow, 0},
      {OP(I32TruncF32S), kInf32, kOverflow, 0},
      {OP(I32TruncF32S), -kInf32, kOverflow, 0},
      {OP(I32TruncF32S), kNan32, kInvalid, 0},
      {OP(I32TruncF32S), kNegSNan32, kInvalid, 0},
      {OP(I32TruncF32U), -0x1p-149f, kOk, 0},
      {OP(I32TruncF32U), 1.9f, kOk, 1},
      {OP(I32TruncF32U), 2147483648.0f, kOk, 0x80000000},
      {OP(I32TruncF32U), 4294967040.0f, kOk, 4294967040},
      {OP(I32TruncF32U), -0x1.ccccccp-1f, kOk, 0},
      {OP(I32TruncF32U), -0x1.fffffep-1f, kOk, 0},
      {OP(I32TruncF32U), 4294967296.0f, kOverflow, 0},
      {OP(I32TruncF32U), -1.0f, kOverflow, 0},
      {OP(I32TruncF32U), kInf32, kOverflow, 0},
      {OP(I32TruncF32U), kNegNan32, kInvalid, 0},
      {OP(I32TruncF32U), kSNan32, kInvalid, 0},
  };
  CheckAll(i32);
  const Truncation<float, uint64_t> i64[] = {
      {OP(I64TruncF32S), -0x1p-149f, kOk, 0},
      {OP(I64TruncF32S), -1.5f, kOk, S64(-1)},
      {OP(I64TruncF32S), 4294967296.0f, kOk, 4294967296},
      {OP(I64TruncF32S), -4294967296.0f, kOk, S64(-4294967296)},
      {OP(I64TruncF32S), 9223371487098961920.0f, kOk, 9223371487098961920},
      {OP(I64TruncF32S), -9223372036854775808.0f, kOk, 0x8000000000000000},
      {OP(I64TruncF32S), 9223372036854775808.0f, kOverflow, 0},
      {OP(I64TruncF32S), -9223373136366403584.0f, kOverflow, 0},
      {OP(I64TruncF32S), -kInf32, kOverflow, 0},
      {OP(I64TruncF32S), kSNan32, kInvalid, 0},
      {OP(I64TruncF32U), -0x1p-149f, kOk, 0},
      {OP(I64TruncF32U), 4294967296.0f, kOk, 4294967296},
      {OP(I64TruncF32U), 18446742974197923840.0f, kOk, 18446742974197923840u},
      {OP(I64TruncF32U), -0x1.ccccccp-1f, kOk, 0},
      {OP(I64TruncF32U), 18446744073709551616.0f, kOverflow, 0},
      {OP(I64TruncF32U), -1.0f, kOverflow, 0},
      {OP(I64TruncF32U), kInf32, kOverflow, 0},
      {OP(I64TruncF32U), kNan32, kInvalid, 0},
  };
  CheckAll(i64);
}

TEST(NumericConvert, TruncF64) {
  const Truncation<double, uint32_t> i32[] = {
      {OP(I32TruncF64S), 0x0.0000000000001p-1022, kOk, 0},
      {OP(I32TruncF64S), -0x1.199999999999ap+0, kOk, S32(-1)},
      {OP(I32TruncF64S), -1.9, kOk, S32(-1)},
      {OP(I32TruncF64S), 2147483647.0, kOk, 2147483647},
      {OP(I32TruncF64S), -2147483648.0, kOk, 0x80000000},
      {OP(I32TruncF64S), -2147483648.9, kOk, 0x80000000},
      {OP(I32TruncF64S), 2147483647.9, kOk, 2147483647},
      {OP(I32TruncF64S), 2147483648.0, kOverflow, 0},
      {OP(I32TruncF64S), -2147483649.0, kOverflow, 0},
      {OP(I32TruncF64S), kInf64, kOverflow, 0},
      {OP(I32TruncF64S), kNegNan64, kInvalid, 0},
      {OP(I32TruncF64S), kSNan64, kInvalid, 0},
      {OP(I32TruncF64U), 1.5, kOk, 1},
      {OP(I32TruncF64U), 4294967295.0, kOk, S32(-1)},
      {OP(I32TruncF64U), -0x1.fffffffffffffp-1, kOk, 0},
      {OP(I32TruncF64U), -0.9, kOk, 0},
      {OP(I32TruncF64U), 4294967295.9, kOk, 4294967295},
      {OP(I32TruncF64U), 4294967296.0, kOverflow, 0},
      {OP(I32TruncF64U), -1.0, kOverflow, 0},
      {OP(I32TruncF64U), 1e16, kOverflow, 0},
      {OP(I32TruncF64U), 9223372036854775808.0, kOverflow, 0},
      {OP(I32TruncF64U), -kInf64, kOverflow, 0},
      {OP(I32TruncF64U), kNan64, kInvalid, 0},
  };
  CheckAll(i32);
  const Truncation<double, uint64_t> i64[] = {
      {OP(I64TruncF64S), 0x0.0000000000001p-1022, kOk, 0},
      {OP(I64TruncF64S), -1.9, kOk, S64(-1)},
      {OP(I64TruncF64S), 9223372036854774784.0, kOk, 9223372036854774784},
      {OP(I64TruncF64S), -9223372036854775808.0, kOk, 0x8000000000000000},
      {OP(I64TruncF64S), 9223372036854775808.0, kOverflow, 0},
      {OP(I64TruncF64S), -9223372036854777856.0, kOverflow, 0},
      {OP(I64TruncF64S), kInf64, kOverflow, 0},
      {OP(I64TruncF64S), kNan64, kInvalid, 0},
      {OP(I64TruncF64S), kNegSNan64, kInvalid, 0},
      {OP(I64TruncF64U), 0x1.0p+32, kOk, 0x100000000},
      {OP(I64TruncF64U), -0x1.ccccccccccccdp-1, kOk, 0},
      {OP(I64TruncF64U), 1e8, kOk, 100000000},
      {OP(I64TruncF64U), 1e16, kOk, 10000000000000000},
      {OP(I64TruncF64U), 9223372036854775808.0, kOk, 0x8000000000000000},
      {OP(I64TruncF64U), 18446744073709549568.0, kOk, 18446744073709549568u},
      {OP(I64TruncF64U), 18446744073709551616.0, kOverflow, 0},
      {OP(I64TruncF64U), -1.0, kOverflow, 0},
      {OP(I64TruncF64U), -kInf64, kOverflow, 0},
      {OP(I64TruncF64U), kSNan64, kInvalid, 0},
  };
  CheckAll(i64);
}

TEST(NumericConvert, TruncSat) {
  const Unary<float, uint32_t> f32_to_i32[] = {
      {OP(I32TruncSatF32S), -0x1p-149f, 0},
      {OP(I32TruncSatF32S), -1.5f, S32(-1)},
      {OP(I32TruncSatF32S), 2147483520.0f, 2147483520},
      {OP(I32TruncSatF32S), -2147483648.0f, 0x80000000},
      {OP(I32TruncSatF32S), 2147483648.0f, 0x7fffffff},
      {OP(I32TruncSatF32S), -2147483904.0f, 0x80000000},
      {OP(I32TruncSatF32S), kInf32, 0x7fffffff},
      {OP(I32TruncSatF32S), -kInf32, 0x80000000},
      {OP(I32TruncSatF32S), kNan32, 0},
      {OP(I32TruncSatF32S), kNegSNan32, 0},
      {OP(I32TruncSatF32U), 1.9f, 1},
      {OP(I32TruncSatF32U), 2147483648.0f, 0x80000000},
      {OP(I32TruncSatF32U), -0x1.ccccccp-1f, 0},
      {OP(I32TruncSatF32U), 4294967296.0f, 0xffffffff},
      {OP(I32TruncSatF32U), -1.0f, 0},
      {OP(I32TruncSatF32U), -kInf32, 0},
      {OP(I32TruncSatF32U), kSNan32, 0},
  };
  CheckAll(f32_to_i32);
  const Unary<double, uint32_t> f64_to_i32[] = {
      {OP(I32TruncSatF64S), -1.9, S32(-1)},
      {OP(I32TruncSatF64S), 2147483647.0, 2147483647},
      {OP(I32TruncSatF64S), -2147483648.0, 0x80000000},
      {OP(I32TruncSatF64S), 2147483648.0, 0x7fffffff},
      {OP(I32TruncSatF64S), -2147483649.0, 0x80000000},
      {OP(I32TruncSatF64S), kNegNan64, 0},
      {OP(I32TruncSatF64U), 4294967295.0, 0xffffffff},
      {OP(I32TruncSatF64U), -0x1.fffffffffffffp-1, 0},
      {OP(I32TruncSatF64U), 1e16, 0xffffffff},
      {OP(I32TruncSatF64U), 9223372036854775808.0, 0xffffffff},
      {OP(I32TruncSatF64U), -kInf64, 0},
      {OP(I32TruncSatF64U), kSNan64, 0},
  };
  CheckAll(f64_to_i32);
  const Unary<float, uint64_t> f32_to_i64[] = {
      {OP(I64TruncSatF32S), -4294967296.0f, S64(-4294967296)},
      {OP(I64TruncSatF32S), -9223372036854775808.0f, 0x8000000000000000},
      {OP(I64TruncSatF32S), 9223372036854775808.0f, 0x7fffffffffffffff},
      {OP(I64TruncSatF32S), -9223373136366403584.0f, 0x8000000000000000},
      {OP(I64TruncSatF32S), kNan32, 0},
      {OP(I64TruncSatF32U), 4294967296.0f, 4294967296},
      {OP(I64TruncSatF32U), 18446744073709551616.0f, 0xffffffffffffffff},
      {OP(I64TruncSatF32U), -kInf32, 0},
      {OP(I64TruncSatF32U), kNegSNan32, 0},
  };
  CheckAll(f32_to_i64);
  const Unary<double, uint64_t> f64_to_i64[] = {
      {OP(I64TruncSatF64S), 9223372036854774784.0, 9223372036854774784},
      {OP(I64TruncSatF64S), 9223372036854775808.0, 0x7fffffffffffffff},
      {OP(I64TruncSatF64S), -9223372036854777856.0, 0x8000000000000000},
      {OP(I64TruncSatF64S), kInf64, 0x7fffffffffffffff},
      {OP(I64TruncSatF64S), kSNan64, 0},
      {OP(I64TruncSatF64U), 9223372036854775808.0, 0x8000000000000000},
      {OP(I64TruncSatF64U), 18446744073709551616.0, 0xffffffffffffffff},
      {OP(I64TruncSatF64U), -1.0, 0},
      {OP(I64TruncSatF64U), kInf64, 0xffffffffffffffff},
      {OP(I64TruncSatF64U), kNegNan64, 0},
  };
  CheckAll(f64_to_i64);
}

TEST(NumericConvert, IntToFloat) {
  const UnaryToFloat<uint32_t, float> i32_to_f32[] = {
      {OP(F32ConvertI32S), S32(-1), -1.0f},
      {OP(F32ConvertI32S), 2147483647, 2147483648.0f},
      {OP(F32ConvertI32S), 0x80000000, -2147483648.0f},
      {OP(F32ConvertI32S), 1234567890, 0x1.26580cp+30f},
      {OP(F32ConvertI32S), 16777217, 16777216.0f},
      {OP(F32ConvertI32S), S32(-16777217), -16777216.0f},
      {OP(F32ConvertI32S), 16777219, 16777220.0f},
      {OP(F32ConvertI32U), 0x80000000, 2147483648.0f},
      {OP(F32ConvertI32U), 0x12345678, 0x1.234568p+28f},
      {OP(F32ConvertI32U), 0xffffffff, 4294967296.0f},
      {OP(F32ConvertI32U), 0x80000080, 0x1.000000p+31f},
      {OP(F32ConvertI32U), 0x80000081, 0x1.000002p+31f},
      {OP(F32ConvertI32U), 0xfffffe80, 0x1.fffffcp+31f},
      {OP(F32ConvertI32U), 0xfffffe81, 0x1.fffffep+31f},
  };
  CheckAll(i32_to_f32);
  const UnaryToFloat<uint64_t, float> i64_to_f32[] = {
      {OP(F32ConvertI64S), 0x7fffffffffffffff, 9223372036854775808.0f},
      {OP(F32ConvertI64S), 0x8000000000000000, -9223372036854775808.0f},
      {OP(F32ConvertI64S), 314159265358979, 0x1.1db9e8p+48f},
      {OP(F32ConvertI64S), 16777219, 16777220.0f},
      // Rounding straight from 64 bits; through f64 these would round twice and come out wrong.
      {OP(F32ConvertI64S), 0x7fffff4000000001, 0x1.fffffep+62f},
      {OP(F32ConvertI64S), 0x8000004000000001, -0x1.fffffep+62f},
      {OP(F32ConvertI64S), 0x0020000020000001, 0x1.000002p+53f},
      {OP(F32ConvertI64S), 0xffdfffffdfffffff, -0x1.000002p+53f},
      {OP(F32ConvertI64U), 0x7fffffffffffffff, 9223372036854775808.0f},
      {OP(F32ConvertI64U), 0x8000000000000000, 9223372036854775808.0f},
      {OP(F32ConvertI64U), 0xffffffffffffffff, 18446744073709551616.0f},
      {OP(F32ConvertI64U), 0x0020000020000001, 0x1.000002p+53f},
      {OP(F32ConvertI64U), 0x7fffffbfffffffff, 0x1.fffffep+62f},
      {OP(F32ConvertI64U), 0x8000008000000001, 0x1.000002p+63f},
      {OP(F32ConvertI64U), 0xfffffe8000000001, 0x1.fffffep+63f},
  };
  CheckAll(i64_to_f32);
  const UnaryToFloat<uint32_t, double> i32_to_f64[] = {
      {OP(F64ConvertI32S), S32(-1), -1.0},
      {OP(F64ConvertI32S), 0x80000000, -2147483648.0},
      {OP(F64ConvertI32S), 987654321, 987654321.0},
      {OP(F64ConvertI32U), 0x80000000, 2147483648.0},
      {OP(F64ConvertI32U), 0xffffffff, 4294967295.0},
  };
  CheckAll(i32_to_f64);
  const UnaryToFloat<uint64_t, double> i64_to_f64[] = {
      {OP(F64ConvertI64S), 0x7fffffffffffffff, 9223372036854775807.0},
      {OP(F64ConvertI64S), 0x8000000000000000, -9223372036854775808.0},
      {OP(F64ConvertI64S), 4669201609102990, 4669201609102990.0},
      {OP(F64ConvertI64S), 9007199254740993, 9007199254740992.0},
      {OP(F64ConvertI64S), S64(-9007199254740993), -9007199254740992.0},
      {OP(F64ConvertI64S), 9007199254740995, 9007199254740996.0},
      {OP(F64ConvertI64U), 0x8000000000000000, 9223372036854775808.0},
      {OP(F64ConvertI64U), 0xffffffffffffffff, 18446744073709551616.0},
      {OP(F64ConvertI64U), 0x8000000000000400, 0x1.0000000000000p+63},
      {OP(F64ConvertI64U), 0x8000000000000401, 0x1.0000000000001p+63},
      {OP(F64ConvertI64U), 0x8000000000000402, 0x1.0000000000001p+63},
      {OP(F64ConvertI64U), 0xfffffffffffff400, 0x1.ffffffffffffep+63},
      {OP(F64ConvertI64U), 0xfffffffffffff401, 0x1.fffffffffffffp+63},
      {OP(F64ConvertI64U), 9007199254740993, 9007199254740992.0},
  };
  CheckAll(i64_to_f64);
}

TEST(NumericConvert, PromoteDemote) {
  const UnaryToFloat<float, double> promote[] = {
      {OP(F64PromoteF32), -0.0f, -0.0},
      {OP(F64PromoteF32), 0x1p-149f, 0x1p-149},
      {OP(F64PromoteF32), -0x1.fffffep+127f, -0x1.fffffep+127},
      {OP(F64PromoteF32), 0x1.8f867ep+125f, 6.6382536710104395e+37},
      {OP(F64PromoteF32), -kInf32, -kInf64},
      {OP(F64PromoteF32), kNan32, kCanonical},
      {OP(F64PromoteF32), kNegNan32, kCanonical},
      {OP(F64PromoteF32), kSNan32, kArithmetic},
      {OP(F64PromoteF32), kNegSNan32, kArithmetic},
  };
  CheckAll(promote);
  const UnaryToFloat<double, float> demote[] = {
      {OP(F32DemoteF64), -0.0, -0.0f},
      {OP(F32DemoteF64), 0x0.0000000000001p-1022, 0.0f},
      {OP(F32DemoteF64), -0x0.0000000000001p-1022, -0.0f},
      {OP(F32DemoteF64), 0x1.fffffe0000000p-127, 0x1p-126f},
      {OP(F32DemoteF64), -0x1.fffffdfffffffp-127, -0x1.fffffcp-127f},
      {OP(F32DemoteF64), 0x1p-149, 0x1p-149f},
      {OP(F32DemoteF64), 0x1.fffffd0000000p+127, 0x1.fffffcp+127f},
      {OP(F32DemoteF64), 0x1.fffffd0000001p+127, 0x1.fffffep+127f},
      {OP(F32DemoteF64), 0x1.fffffefffffffp+127, 0x1.fffffep+127f},
      {OP(F32DemoteF64), -0x1.fffffefffffffp+127, -0x1.fffffep+127f},
      // Halfway between FLT_MAX and 2^128 rounds to infinity (FLT_MAX's significand is odd).
      {OP(F32DemoteF64), 0x1.ffffffp+127, kInf32},
      {OP(F32DemoteF64), -0x1.ffffffp+127, -kInf32},
      {OP(F32DemoteF64), 0x1.fffffffffffffp+1023, kInf32},
      {OP(F32DemoteF64), -kInf64, -kInf32},
      {OP(F32DemoteF64), 0x1.0000000000001p+0, 1.0f},
      {OP(F32DemoteF64), 0x1.0000010000000p+0, 0x1.000000p+0f},
      {OP(F32DemoteF64), 0x1.0000010000001p+0, 0x1.000002p+0f},
      {OP(F32DemoteF64), 0x1.0000030000000p+0, 0x1.000004p+0f},
      {OP(F32DemoteF64), 0x1.0000050000000p+0, 0x1.000004p+0f},
      {OP(F32DemoteF64), 0x1.4eae4f7024c7p+108, 0x1.4eae5p+108f},
      {OP(F32DemoteF64), 0x1.cb98354d521ffp-127, 0x1.cb9834p-127f},
      {OP(F32DemoteF64), 0x1.0p-150, 0.0f},
      {OP(F32DemoteF64), -0x1.0000000000001p-150, -0x1p-149f},
      {OP(F32DemoteF64), kNan64, kCanonical},
      {OP(F32DemoteF64), kNegNan64, kCanonical},
      {OP(F32DemoteF64), kSNan64, kArithmetic},
      {OP(F32DemoteF64), kNegSNan64, kArithmetic},
  };
  CheckAll(demote);
}

TEST(NumericConvert, Reinterpret) {
  const UnaryToFloat<uint32_t, float> to_f32[] = {
      {OP(F32ReinterpretI32), 1, 0x1p-149f},
      {OP(F32ReinterpretI32), 123456789, 0x1.b79a2ap-113f},
      {OP(F32ReinterpretI32), 0xff800000, -kInf32},
      {OP(F32ReinterpretI32), 0xffa00000, kNegSNan32},  // Payload and sign kept.
      {OP(F32ReinterpretI32), S32(-1), F32(0xffffffff)},
  };
  CheckAll(to_f32);
  const UnaryToFloat<uint64_t, double> to_f64[] = {
      {OP(F64ReinterpretI64), 1234567890, 0x0.00000499602d2p-1022},
      {OP(F64ReinterpretI64), 0x7ff4000000000000, kSNan64},
      {OP(F64ReinterpretI64), S64(-1), F64(0xffffffffffffffff)},
  };
  CheckAll(to_f64);
  const Unary<float, uint32_t> from_f32[] = {
      {OP(I32ReinterpretF32), -0x1p-149f, 0x80000001},
      {OP(I32ReinterpretF32), 3.1415926f, 1078530010},
      {OP(I32ReinterpretF32), -0x1.fffffep+127f, S32(-8388609)},
      {OP(I32ReinterpretF32), kNegNan32, 0xffc00000},
      {OP(I32ReinterpretF32), kSNan32, 0x7fa00000},
  };
  CheckAll(from_f32);
  const Unary<double, uint64_t> from_f64[] = {
      {OP(I64ReinterpretF64), -0.0, 0x8000000000000000},
      {OP(I64ReinterpretF64), 3.14159265358979, 0x400921fb54442d11},
      {OP(I64ReinterpretF64), kNegSNan64, 0xfff4000000000000},
  };
  CheckAll(from_f64);
}

// Each WebAssembly instruction rounds on its own: a multiply followed by an add must not be
// fused into one FMA (the build uses -ffp-contract=off). This can only fail when the target
// has FMA instructions (e.g. -march=native on a recent x86-64, or AArch64). 0x1.000002p+0 squared
// is 1 + 2^-22 + 2^-46; rounded it is 1 + 2^-22, so subtracting that leaves exactly 0, while a
// fused computation would keep the 2^-46.
TEST(NumericFloat, NoContraction) {
  volatile float a = 0x1.000002p+0f;
  volatile float c = -0x1.000004p+0f;
  EXPECT_TRUE(FloatMatches(F32Add(F32Mul(a, a), c), Want<float>(0x0p+0f)));
  volatile double x = 0x1.0000000000001p+0;
  volatile double z = -0x1.0000000000002p+0;
  EXPECT_TRUE(FloatMatches(F64Add(F64Mul(x, x), z), Want<double>(0x0p+0)));
}

}  // namespace
}  // namespace wasmscope::internal::num
