#include "engine/simd_int.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <ostream>

// Inputs and expected lanes are taken from the WebAssembly spec test suite: simd_bitwise.wast,
// simd_boolean.wast, simd_bit_shift.wast, simd_lane.wast, simd_splat.wast, simd_load_extend.wast,
// simd_load_splat.wast, simd_load_zero.wast, simd_load*_lane.wast, simd_store*_lane.wast,
// simd_i{8x16,16x8,32x4,64x2}_{arith,arith2,cmp}.wast, simd_i{8x16,16x8}_sat_arith.wast,
// simd_i16x8_q15mulr_sat_s.wast, simd_i32x4_dot_i16x8.wast, simd_int_to_int_extend.wast,
// simd_*_extadd_pairwise_*.wast, simd_*_extmul_*.wast and simd_conversions.wast (narrow).
// Most spec rows splat one value into every lane; a row of a table here is "a, b -> expected" in
// that form and is one check. Rows marked "by definition" are not in the suite: they pin lane
// order or pairing where every spec input is uniform.

namespace wasmscope::internal::simd {
namespace {

// ------------------------------------------------------------------------------------------------
// Helpers
// ------------------------------------------------------------------------------------------------

/// The 16 bytes of a v128, comparable and printed as hex bytes (lane 0 first).
struct Bytes {
  std::array<uint8_t, 16> b;
  bool operator==(const Bytes&) const = default;
};

void PrintTo(const Bytes& v, std::ostream* os) {
  char buf[4];
  for (int i = 0; i < 16; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", v.b[i]);
    *os << (i == 0 ? "" : " ") << buf;
  }
}

Bytes Raw(V128 v) {
  Bytes out;
  std::memcpy(out.b.data(), &v, 16);
  return out;
}

/// A v128 from lane values of type {Lane}: either one value (splat) or one per lane, each
/// truncated to the lane width the way the text format reads them.
template <typename Lane, typename... T>
V128 LanesOf(T... values) {
  constexpr size_t kCount = 16 / sizeof(Lane);
  static_assert(sizeof...(T) == 1 || sizeof...(T) == kCount);
  std::array<Lane, kCount> lanes{};
  if constexpr (sizeof...(T) == 1) {
    (lanes.fill(static_cast<Lane>(values)), ...);
  } else {
    lanes = {static_cast<Lane>(values)...};
  }
  V128 v;
  std::memcpy(&v, lanes.data(), 16);
  return v;
}

V128 I8(auto... v) {
  return LanesOf<uint8_t>(v...);
}
V128 I16(auto... v) {
  return LanesOf<uint16_t>(v...);
}
V128 I32(auto... v) {
  return LanesOf<uint32_t>(v...);
}
V128 I64(auto... v) {
  return LanesOf<uint64_t>(v...);
}

constexpr int64_t kMin64 = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax64 = std::numeric_limits<int64_t>::max();

using Binop = V128 (*)(V128, V128);
using Unop = V128 (*)(V128);

/// Rows {a, b, expected} of splatted lane values of type {Lane}.
template <typename Lane>
void CheckSplatBinop(Binop op, std::initializer_list<std::array<int64_t, 3>> rows) {
  for (const auto& [a, b, expected] : rows) {
    SCOPED_TRACE(testing::Message() << "a=" << a << " b=" << b);
    EXPECT_EQ(Raw(op(LanesOf<Lane>(a), LanesOf<Lane>(b))), Raw(LanesOf<Lane>(expected)));
  }
}

/// Rows {a, expected} of splatted lane values: input lanes {In}, result lanes {Out}.
template <typename In, typename Out = In>
void CheckSplatUnop(Unop op, std::initializer_list<std::array<int64_t, 2>> rows) {
  for (const auto& [a, expected] : rows) {
    SCOPED_TRACE(testing::Message() << "a=" << a);
    EXPECT_EQ(Raw(op(LanesOf<In>(a))), Raw(LanesOf<Out>(expected)));
  }
}

/// Rows {a, b, expected}: splatted inputs with lanes {In}, splatted result with lanes {Out}.
template <typename In, typename Out>
void CheckSplatWidening(Binop op, std::initializer_list<std::array<int64_t, 3>> rows) {
  for (const auto& [a, b, expected] : rows) {
    SCOPED_TRACE(testing::Message() << "a=" << a << " b=" << b);
    EXPECT_EQ(Raw(op(LanesOf<In>(a), LanesOf<In>(b))), Raw(LanesOf<Out>(expected)));
  }
}

// ------------------------------------------------------------------------------------------------
// v128 bitwise and any_true (simd_bitwise.wast, simd_boolean.wast)
// ------------------------------------------------------------------------------------------------

TEST(SimdInt, V128Bitwise) {
  EXPECT_EQ(Raw(V128Not(I32(0))), Raw(I32(-1)));
  EXPECT_EQ(Raw(V128Not(I32(-1, 0, -1, 0))), Raw(I32(0, -1, 0, -1)));
  EXPECT_EQ(Raw(V128Not(I32(0x55555555))), Raw(I32(0xAAAAAAAA)));
  EXPECT_EQ(Raw(V128Not(I32(3435973836u))), Raw(I32(858993459)));

  EXPECT_EQ(Raw(V128And(I32(0, 0, -1, -1), I32(0, -1, 0, -1))), Raw(I32(0, 0, 0, -1)));
  EXPECT_EQ(Raw(V128And(I32(255), I32(85))), Raw(I32(85)));
  EXPECT_EQ(Raw(V128Or(I32(0, 0, -1, -1), I32(0, -1, 0, -1))), Raw(I32(0, -1, -1, -1)));
  EXPECT_EQ(Raw(V128Or(I32(255), I32(85))), Raw(I32(255)));
  EXPECT_EQ(Raw(V128Xor(I32(0, 0, -1, -1), I32(0, -1, 0, -1))), Raw(I32(0, -1, -1, 0)));
  EXPECT_EQ(Raw(V128Xor(I32(255), I32(85))), Raw(I32(170)));
  EXPECT_EQ(Raw(V128Andnot(I32(0, 0, -1, -1), I32(0, -1, 0, -1))), Raw(I32(0, 0, -1, 0)));
  EXPECT_EQ(Raw(V128Andnot(I32(255), I32(85))), Raw(I32(170)));
  EXPECT_EQ(Raw(V128Andnot(I32(1), I32(1))), Raw(I32(0)));
}

TEST(SimdInt, V128Bitselect) {
  EXPECT_EQ(Raw(V128Bitselect(I32(0xAAAAAAAA), I32(0xBBBBBBBB),
                              I32(0x00112345, 0xF00FFFFF, 0x10112021, 0xBBAABBAA))),
            Raw(I32(0xBBAABABA, 0xABBAAAAA, 0xABAABBBA, 0xAABBAABB)));
  EXPECT_EQ(Raw(V128Bitselect(I32(0xAAAAAAAA), I32(0xBBBBBBBB), I32(0))), Raw(I32(0xBBBBBBBB)));
  EXPECT_EQ(Raw(V128Bitselect(I32(0xAAAAAAAA), I32(0xBBBBBBBB), I32(0x11111111))),
            Raw(I32(0xAAAAAAAA)));
  EXPECT_EQ(Raw(V128Bitselect(I32(0xAAAAAAAA), I32(0x55555555),
                              I32(0x01234567, 0x89ABCDEF, 0xFEDCBA98, 0x76543210))),
            Raw(I32(0x54761032, 0xDCFE98BA, 0xAB89EFCD, 0x23016745)));
  EXPECT_EQ(Raw(V128Bitselect(I32(0xAAAAAAAA), I32(0x55555555),
                              I32(0x55555555, 0xAAAAAAAA, 0x00000000, 0xFFFFFFFF))),
            Raw(I32(0x00000000, 0xFFFFFFFF, 0x55555555, 0xAAAAAAAA)));
}

TEST(SimdInt, AnyTrue) {
  EXPECT_EQ(V128AnyTrue(I8(0)), 0u);
  EXPECT_EQ(V128AnyTrue(I8(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0)), 1u);
  EXPECT_EQ(V128AnyTrue(I8(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1)), 1u);
  EXPECT_EQ(V128AnyTrue(I8(0xAB)), 1u);
  EXPECT_EQ(V128AnyTrue(I32(0, 0, 1, 0)), 1u);
}

// ------------------------------------------------------------------------------------------------
// all_true and bitmask (simd_boolean.wast)
// ------------------------------------------------------------------------------------------------

TEST(SimdInt, AllTrue) {
  EXPECT_EQ(I8x16AllTrue(I8(0)), 0u);
  EXPECT_EQ(I8x16AllTrue(I8(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1)), 0u);
  EXPECT_EQ(I8x16AllTrue(I8(-1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0xA, 0xB, 0xC, 0xD, 0xF)), 0u);
  EXPECT_EQ(I8x16AllTrue(I8(1)), 1u);
  EXPECT_EQ(I8x16AllTrue(I8(0xFF)), 1u);
  EXPECT_EQ(I16x8AllTrue(I16(1, 1, 1, 1, 1, 1, 0, 1)), 0u);
  EXPECT_EQ(I16x8AllTrue(I16(-1, 0, 1, 2, 0xB, 0xC, 0xD, 0xF)), 0u);
  EXPECT_EQ(I16x8AllTrue(I16(0xFF)), 1u);  // the high byte of each lane is zero
  EXPECT_EQ(I16x8AllTrue(I16(12345)), 1u);
  EXPECT_EQ(I32x4AllTrue(I32(1, 1, 0, 1)), 0u);
  EXPECT_EQ(I32x4AllTrue(I32(-1, 0, 1, 0xF)), 0u);
  EXPECT_EQ(I32x4AllTrue(I32(0xAB)), 1u);
  EXPECT_EQ(I32x4AllTrue(I32(0x12345678)), 1u);
  EXPECT_EQ(I64x2AllTrue(I64(0, 1)), 0u);
  EXPECT_EQ(I64x2AllTrue(I64(1, 0)), 0u);
  EXPECT_EQ(I64x2AllTrue(I64(-1, 0)), 0u);
  EXPECT_EQ(I64x2AllTrue(I64(0x55)), 1u);
}

TEST(SimdInt, Bitmask) {
  EXPECT_EQ(I8x16Bitmask(I8(0xFF)), 0x0000FFFFu);
  EXPECT_EQ(I8x16Bitmask(I8(-1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0xA, 0xB, 0xC, 0xD, 0xF)), 1u);
  EXPECT_EQ(I16x8Bitmask(I16(0xFFFF)), 0x000000FFu);
  EXPECT_EQ(I16x8Bitmask(I16(-1, 0, 1, 2, 0xB, 0xC, 0xD, 0xF)), 1u);
  EXPECT_EQ(I32x4Bitmask(I32(0xFFFFFFFF)), 0x0000000Fu);
  EXPECT_EQ(I32x4Bitmask(I32(-1, 0, 1, 0xF)), 1u);
  EXPECT_EQ(I64x2Bitmask(I64(-1)), 3u);
  EXPECT_EQ(I64x2Bitmask(I64(-1, 0xF)), 1u);
  // By definition: the last lane maps to the top bit.
  EXPECT_EQ(I8x16Bitmask(I8(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80)), 0x8000u);
  EXPECT_EQ(I64x2Bitmask(I64(0, kMin64)), 2u);
}

// ------------------------------------------------------------------------------------------------
// Comparisons (simd_i8x16_cmp.wast ... simd_i64x2_cmp.wast)
// ------------------------------------------------------------------------------------------------

TEST(SimdInt, CompareI8x16) {
  const V128 lo_hi = I8(0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF);
  const V128 hi_lo = I8(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0);
  const V128 first = I8(0, 0, 0, 0, 0, 0, 0, 0, -1, -1, -1, -1, -1, -1, -1, -1);
  const V128 second = I8(-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0);
  const V128 mixed = I8(0x00, 0x01, 0x02, 0x03, 0x04, 0x09, 0x10, 0x11, 0x12, 0x0A, 0x0B, 0x1A,
                        0x1B, 0xAA, 0xAB, 0xFF);
  EXPECT_EQ(Raw(I8x16Eq(mixed, mixed)), Raw(I8(-1)));
  EXPECT_EQ(Raw(I8x16Eq(lo_hi, hi_lo)), Raw(I8(0)));
  EXPECT_EQ(Raw(I8x16Ne(mixed, mixed)), Raw(I8(0)));
  EXPECT_EQ(Raw(I8x16Ne(lo_hi, hi_lo)), Raw(I8(-1)));
  EXPECT_EQ(Raw(I8x16LtS(lo_hi, hi_lo)), Raw(first));
  EXPECT_EQ(Raw(I8x16LtU(lo_hi, hi_lo)), Raw(second));
  EXPECT_EQ(Raw(I8x16LeS(lo_hi, hi_lo)), Raw(first));
  EXPECT_EQ(Raw(I8x16LeU(lo_hi, hi_lo)), Raw(second));
  EXPECT_EQ(Raw(I8x16GtS(lo_hi, hi_lo)), Raw(second));
  EXPECT_EQ(Raw(I8x16GtU(lo_hi, hi_lo)), Raw(first));
  EXPECT_EQ(Raw(I8x16GeS(lo_hi, hi_lo)), Raw(second));
  EXPECT_EQ(Raw(I8x16GeU(lo_hi, hi_lo)), Raw(first));
  EXPECT_EQ(Raw(I8x16LtS(mixed, mixed)), Raw(I8(0)));
  EXPECT_EQ(Raw(I8x16LeU(mixed, mixed)), Raw(I8(-1)));
  EXPECT_EQ(Raw(I8x16GtU(I8(0), I8(0))), Raw(I8(0)));
  EXPECT_EQ(Raw(I8x16GeS(I8(0), I8(0))), Raw(I8(-1)));
}

TEST(SimdInt, CompareI16x8) {
  const V128 lo_hi = I16(0, 0, 0, 0, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF);
  const V128 hi_lo = I16(0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0, 0, 0, 0);
  const V128 first = I16(0, 0, 0, 0, -1, -1, -1, -1);
  const V128 second = I16(-1, -1, -1, -1, 0, 0, 0, 0);
  const V128 mixed = I16(0x0100, 0x0302, 0x0904, 0x1110, 0x0A12, 0x1A0B, 0xAA1B, 0xFFAB);
  EXPECT_EQ(Raw(I16x8Eq(mixed, mixed)), Raw(I16(-1)));
  EXPECT_EQ(Raw(I16x8Eq(lo_hi, hi_lo)), Raw(I16(0)));
  EXPECT_EQ(Raw(I16x8Ne(lo_hi, hi_lo)), Raw(I16(-1)));
  EXPECT_EQ(Raw(I16x8LtS(lo_hi, hi_lo)), Raw(first));
  EXPECT_EQ(Raw(I16x8LtU(lo_hi, hi_lo)), Raw(second));
  EXPECT_EQ(Raw(I16x8LeS(lo_hi, hi_lo)), Raw(first));
  EXPECT_EQ(Raw(I16x8LeU(lo_hi, hi_lo)), Raw(second));
  EXPECT_EQ(Raw(I16x8GtS(lo_hi, hi_lo)), Raw(second));
  EXPECT_EQ(Raw(I16x8GtU(lo_hi, hi_lo)), Raw(first));
  EXPECT_EQ(Raw(I16x8GeS(lo_hi, hi_lo)), Raw(second));
  EXPECT_EQ(Raw(I16x8GeU(lo_hi, hi_lo)), Raw(first));
  EXPECT_EQ(Raw(I16x8GeU(mixed, mixed)), Raw(I16(-1)));
}

TEST(SimdInt, CompareI32x4) {
  const V128 lo_hi = I32(0, 0, 0xFFFFFFFF, 0xFFFFFFFF);
  const V128 hi_lo = I32(0xFFFFFFFF, 0xFFFFFFFF, 0, 0);
  const V128 first = I32(0, 0, -1, -1);
  const V128 second = I32(-1, -1, 0, 0);
  const V128 mixed = I32(0x03020100, 0x11100904, 0x1A0B0A12, 0xFFABAA1B);
  EXPECT_EQ(Raw(I32x4Eq(mixed, mixed)), Raw(I32(-1)));
  EXPECT_EQ(Raw(I32x4Eq(lo_hi, hi_lo)), Raw(I32(0)));
  EXPECT_EQ(Raw(I32x4Ne(lo_hi, hi_lo)), Raw(I32(-1)));
  EXPECT_EQ(Raw(I32x4LtS(lo_hi, hi_lo)), Raw(first));
  EXPECT_EQ(Raw(I32x4LtU(lo_hi, hi_lo)), Raw(second));
  EXPECT_EQ(Raw(I32x4LeS(lo_hi, hi_lo)), Raw(first));
  EXPECT_EQ(Raw(I32x4LeU(lo_hi, hi_lo)), Raw(second));
  EXPECT_EQ(Raw(I32x4GtS(lo_hi, hi_lo)), Raw(second));
  EXPECT_EQ(Raw(I32x4GtU(lo_hi, hi_lo)), Raw(first));
  EXPECT_EQ(Raw(I32x4GeS(lo_hi, hi_lo)), Raw(second));
  EXPECT_EQ(Raw(I32x4GeU(lo_hi, hi_lo)), Raw(first));
  EXPECT_EQ(Raw(I32x4Ne(mixed, mixed)), Raw(I32(0)));
}

TEST(SimdInt, CompareI64x2) {
  const V128 mixed = I64(0x0302010011100904, 0x1A0B0A12FFABAA1B);
  EXPECT_EQ(Raw(I64x2Eq(I64(0x03020100, 0x11100904), I64(0x03020100, 0x11100904))), Raw(I64(-1)));
  EXPECT_EQ(Raw(I64x2Ne(I64(0x03020100, 0x11100904), I64(0x03020100, 0x11100904))), Raw(I64(0)));
  EXPECT_EQ(Raw(I64x2LtS(mixed, mixed)), Raw(I64(0)));
  EXPECT_EQ(Raw(I64x2LeS(mixed, mixed)), Raw(I64(-1)));
  EXPECT_EQ(Raw(I64x2GtS(I64(0), I64(0))), Raw(I64(0)));
  EXPECT_EQ(Raw(I64x2GeS(mixed, mixed)), Raw(I64(-1)));
  EXPECT_EQ(Raw(I64x2LeS(I64(0), I64(0, -1))), Raw(I64(-1, 0)));
  EXPECT_EQ(Raw(I64x2GeS(I64(-1), I64(0, -1))), Raw(I64(0, -1)));
  // By definition: the signed order puts INT64_MIN below INT64_MAX.
  EXPECT_EQ(Raw(I64x2LtS(I64(kMin64, kMax64), I64(kMax64, kMin64))), Raw(I64(-1, 0)));
  EXPECT_EQ(Raw(I64x2GtS(I64(kMin64, kMax64), I64(kMax64, kMin64))), Raw(I64(0, -1)));
}

// ------------------------------------------------------------------------------------------------
// add / sub / mul / neg (simd_i*_arith.wast)
// ------------------------------------------------------------------------------------------------

TEST(SimdInt, AddSubI8x16) {
  CheckSplatBinop<uint8_t>(I8x16Add, {{{1, 1, 2}},
                                      {{-63, -64, -127}},
                                      {{127, 127, -2}},
                                      {{255, 127, 126}},
                                      {{0x7f, 0x01, -128}},
                                      {{0x80, 0x80, 0}}});
  CheckSplatBinop<uint8_t>(I8x16Sub, {{{-63, -64, 1}},
                                      {{-126, -1, -125}},
                                      {{255, 127, -128}},
                                      {{0x3f, 0x40, -1}},
                                      {{0x7f, 0x01, 126}}});
  EXPECT_EQ(Raw(I8x16Add(I8(0x7f), I16(0x8080))), Raw(I8(-1)));
}

TEST(SimdInt, AddSubMulI16x8) {
  CheckSplatBinop<uint16_t>(I16x8Add, {{{-16383, -16384, -32767}},
                                       {{32767, 32767, -2}},
                                       {{0x7fff, 0x01, -32768}},
                                       {{0x8000, 0x8000, 0}}});
  CheckSplatBinop<uint16_t>(
      I16x8Sub, {{{-32766, -1, -32765}}, {{65535, 32767, -32768}}, {{0x7fff, 0x01, 32766}}});
  CheckSplatBinop<uint16_t>(I16x8Mul, {{{-1, -1, 1}},
                                       {{-16383, -16384, -16384}},
                                       {{32767, 32767, 1}},
                                       {{65535, 32767, -32767}},
                                       {{0x8000, 0x8000, 0}}});
  EXPECT_EQ(Raw(I16x8Mul(I16(0x1000), I8(0x10))), Raw(I16(0)));
}

TEST(SimdInt, AddSubMulI32x4) {
  CheckSplatBinop<uint32_t>(I32x4Add, {{{-1073741823, -1073741824, -2147483647}},
                                       {{2147483647, 2147483647, -2}},
                                       {{0x7fffffff, 0x01, -2147483648LL}}});
  CheckSplatBinop<uint32_t>(
      I32x4Sub, {{{4294967295LL, 2147483647, -2147483648LL}}, {{0x3fffffff, 0x40000000, -1}}});
  CheckSplatBinop<uint32_t>(I32x4Mul, {{{-1073741823, -1073741824, -1073741824}},
                                       {{2147483647, 2147483647, 1}},
                                       {{4294967295LL, 2147483647, -2147483647}},
                                       {{0x80000000LL, 0x80000000LL, 0}}});
}

TEST(SimdInt, AddSubMulI64x2) {
  CheckSplatBinop<uint64_t>(I64x2Add,
                            {{{kMax64, kMax64, -2}},
                             {{-1, kMax64, kMax64 - 1}},
                             {{-0x4000000000000000, -0x400000000000000, -4899916394579099648}},
                             {{kMax64, 1, kMin64}},
                             {{kMin64, kMin64, 0}}});
  CheckSplatBinop<uint64_t>(I64x2Sub,
                            {{{-1, kMax64, kMin64}},
                             {{-0x4000000000000000, -0x400000000000000, -4323455642275676160}},
                             {{kMax64, 1, kMax64 - 1}}});
  CheckSplatBinop<uint64_t>(I64x2Mul,
                            {{{-4611686018427387903, -4611686018427387904, -4611686018427387904}},
                             {{kMax64, kMax64, 1}},
                             {{-1, kMax64, -kMax64}},
                             {{0x3fffffffffffffff, 0x4000000000000000, -4611686018427387904}},
                             {{kMin64, kMin64, 0}}});
}

TEST(SimdInt, Neg) {
  CheckSplatUnop<uint8_t>(I8x16Neg, {{{-1, 1}}, {{-128, -128}}, {{-0x7f, 127}}, {{0xff, 1}}});
  CheckSplatUnop<uint16_t>(I16x8Neg, {{{-32768, -32768}}, {{0x01, -1}}, {{0xffff, 1}}});
  CheckSplatUnop<uint32_t>(I32x4Neg,
                           {{{-2147483648LL, -2147483648LL}}, {{-0x7fffffff, 2147483647}}});
  CheckSplatUnop<uint64_t>(I64x2Neg, {{{kMin64, kMin64}}, {{-kMax64, kMax64}}, {{-1, 1}}});
}

// ------------------------------------------------------------------------------------------------
// Saturating add / sub (simd_i8x16_sat_arith.wast, simd_i16x8_sat_arith.wast)
// ------------------------------------------------------------------------------------------------

TEST(SimdInt, SaturatingI8x16) {
  CheckSplatBinop<uint8_t>(I8x16AddSatS, {{{63, 64, 127}},
                                          {{64, 64, 127}},
                                          {{-64, -64, -128}},
                                          {{-65, -64, -128}},
                                          {{126, 1, 127}},
                                          {{-128, -1, -128}},
                                          {{127, 127, 127}},
                                          {{255, 127, 126}},
                                          {{0x7f, 0x80, -1}}});
  CheckSplatBinop<uint8_t>(
      I8x16AddSatU,
      {{{0, -1, 255}}, {{64, 64, 128}}, {{128, 1, 129}}, {{127, 127, 254}}, {{-128, -128, 255}}});
  CheckSplatBinop<uint8_t>(I8x16SubSatS, {{{0, -1, 1}},
                                          {{-127, -1, -126}},
                                          {{-128, -127, -1}},
                                          {{255, 127, -128}},
                                          {{0x80, 0x80, 0}}});
  CheckSplatBinop<uint8_t>(
      I8x16SubSatU, {{{63, 64, 0}}, {{-65, -64, 0}}, {{-0x40, -0x41, 1}}, {{0x7f, 0x80, 0}}});
  EXPECT_EQ(Raw(I8x16AddSatS(I8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                             I8(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30))),
            Raw(I8(0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30, 33, 36, 39, 42, 45)));
  EXPECT_EQ(Raw(I8x16SubSatS(I8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                             I8(0, 0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0xfa, 0xf9, 0xf8, 0xf7, 0xf6, 0xf5,
                                0xf4, 0xf3, 0xf2, 0xf1))),
            Raw(I8(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30)));
}

TEST(SimdInt, SaturatingI16x8) {
  CheckSplatBinop<uint16_t>(I16x8AddSatS, {{{32767, 32767, 32767}},
                                           {{65535, 32767, 32766}},
                                           {{-0x4000, -0x4000, -32768}},
                                           {{0x7fff, 0x01, 32767}},
                                           {{0x8000, 0x8000, -32768}}});
  CheckSplatBinop<uint16_t>(I16x8AddSatU, {{{-1, -1, 65535}},
                                           {{32767, 32767, 65534}},
                                           {{0x7fff, 0x01, 32768}},
                                           {{0x8000, 0x8000, 65535}}});
  CheckSplatBinop<uint16_t>(
      I16x8SubSatS, {{{-32766, -1, -32765}}, {{65535, 32767, -32768}}, {{0x8000, 0x8000, 0}}});
  CheckSplatBinop<uint16_t>(
      I16x8SubSatU,
      {{{-32766, -1, 0}}, {{65535, 32767, 32768}}, {{0x3fff, 0x4000, 0}}, {{0x7fff, 0x01, 32766}}});
  const V128 up = I16(0, 1, 2, 3, 4, 5, 6, 7);
  const V128 down = I16(0, 0xffff, 0xfffe, 0xfffd, 0xfffc, 0xfffb, 0xfffa, 0xfff9);
  EXPECT_EQ(Raw(I16x8AddSatS(up, down)), Raw(I16(0)));
  EXPECT_EQ(Raw(I16x8AddSatU(up, down)),
            Raw(I16(0, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff)));
  EXPECT_EQ(Raw(I16x8SubSatS(up, down)), Raw(I16(0, 2, 4, 6, 8, 10, 12, 14)));
  EXPECT_EQ(Raw(I16x8SubSatU(up, down)), Raw(I16(0)));
}

// ------------------------------------------------------------------------------------------------
// min / max / avgr_u / abs / popcnt (simd_i*_arith2.wast)
// ------------------------------------------------------------------------------------------------

TEST(SimdInt, MinMaxAvgrI8x16) {
  CheckSplatBinop<uint8_t>(I8x16MinS, {{{0, -1, -1}}, {{255, 1, 255}}, {{255, 128, 128}}});
  CheckSplatBinop<uint8_t>(I8x16MinU, {{{0, -1, 0}}, {{255, 1, 1}}, {{255, 128, 128}}});
  CheckSplatBinop<uint8_t>(I8x16MaxS, {{{0, -1, 0}}, {{255, 1, 1}}, {{255, 128, 255}}});
  CheckSplatBinop<uint8_t>(I8x16MaxU, {{{0, -1, -1}}, {{255, 1, 255}}, {{128, -128, 128}}});
  CheckSplatBinop<uint8_t>(I8x16AvgrU,
                           {{{0, -1, 128}}, {{1, 1, 1}}, {{255, 1, 128}}, {{255, 128, 192}}});
  const V128 a = I8(0, 0, 0, 0, 0, 0, 0, 0, -1, -1, -1, -1, -1, -1, -1, -1);
  const V128 b = I8(0, 0, 0, 0, -1, -1, -1, -1, 0, 0, 0, 0, -1, -1, -1, -1);
  EXPECT_EQ(Raw(I8x16MinS(a, b)),
            Raw(I8(0, 0, 0, 0, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1)));
  EXPECT_EQ(Raw(I8x16MinU(a, b)), Raw(I8(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, -1, -1)));
  EXPECT_EQ(Raw(I8x16AvgrU(a, b)),
            Raw(I8(0, 0, 0, 0, 128, 128, 128, 128, 128, 128, 128, 128, 255, 255, 255, 255)));
}

TEST(SimdInt, MinMaxAvgrI16x8) {
  CheckSplatBinop<uint16_t>(I16x8MinS, {{{0, -1, -1}}, {{65535, 128, 65535}}});
  CheckSplatBinop<uint16_t>(I16x8MinU, {{{0, -1, 0}}, {{65535, 128, 128}}});
  CheckSplatBinop<uint16_t>(I16x8MaxS, {{{0, -1, 0}}, {{65535, 128, 128}}});
  CheckSplatBinop<uint16_t>(I16x8MaxU, {{{0, -1, -1}}, {{65535, 128, 65535}}});
  CheckSplatBinop<uint16_t>(I16x8AvgrU,
                            {{{0, -1, 32768}}, {{65535, 1, 32768}}, {{65535, 128, 32832}}});
  EXPECT_EQ(Raw(I16x8AvgrU(I16(0, 0, 0, 0, -1, -1, -1, -1), I16(0, 0, -1, -1, 0, 0, -1, -1))),
            Raw(I16(0, 0, 32768, 32768, 32768, 32768, 65535, 65535)));
}

TEST(SimdInt, MinMaxI32x4) {
  CheckSplatBinop<uint32_t>(I32x4MinS, {{{0, -1, -1}}, {{4294967295LL, 128, 4294967295LL}}});
  CheckSplatBinop<uint32_t>(I32x4MinU, {{{0, -1, 0}}, {{4294967295LL, 128, 128}}});
  CheckSplatBinop<uint32_t>(I32x4MaxS, {{{0, -1, 0}}, {{4294967295LL, 128, 128}}});
  CheckSplatBinop<uint32_t>(I32x4MaxU, {{{0, -1, -1}}, {{4294967295LL, 128, 4294967295LL}}});
  EXPECT_EQ(Raw(I32x4MinS(I32(0, 0, -1, -1), I32(0, -1, 0, -1))), Raw(I32(0, -1, -1, -1)));
  EXPECT_EQ(Raw(I32x4MaxU(I32(0, 0, -1, -1), I32(0, -1, 0, -1))), Raw(I32(0, -1, -1, -1)));
}

TEST(SimdInt, Abs) {
  CheckSplatUnop<uint8_t>(I8x16Abs, {{{1, 1}}, {{-1, 1}}, {{255, 1}}, {{-128, 128}}});
  CheckSplatUnop<uint16_t>(I16x8Abs, {{{-1, 1}}, {{0x8000, 0x8000}}, {{-32768, 32768}}});
  CheckSplatUnop<uint32_t>(I32x4Abs, {{{-1, 1}}, {{0x80000000LL, 0x80000000LL}}});
  CheckSplatUnop<uint64_t>(I64x2Abs, {{{-1, 1}}, {{kMin64, kMin64}}, {{1, 1}}});
}

TEST(SimdInt, Popcnt) {
  CheckSplatUnop<uint8_t>(I8x16Popcnt,
                          {{{0, 0}}, {{1, 1}}, {{-1, 8}}, {{0x80, 1}}, {{0x55, 4}}, {{0x7f, 7}}});
}

// ------------------------------------------------------------------------------------------------
// Shifts (simd_bit_shift.wast)
// ------------------------------------------------------------------------------------------------

TEST(SimdInt, ShiftI8x16) {
  const V128 a = I8(-128, -64, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0x0A, 0x0B, 0x0C, 0x0D);
  const V128 shl1 = I8(0, -128, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 0x14, 0x16, 0x18, 0x1A);
  EXPECT_EQ(Raw(I8x16Shl(a, 1)), Raw(shl1));
  EXPECT_EQ(Raw(I8x16Shl(a, 9)), Raw(shl1));
  EXPECT_EQ(Raw(I8x16ShrU(a, 1)),
            Raw(I8(64, 96, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 0x05, 0x05, 0x06, 0x06)));
  EXPECT_EQ(Raw(I8x16ShrS(a, 9)),
            Raw(I8(192, 224, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 0x05, 0x05, 0x06, 0x06)));
  const V128 b = I8(0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF, 0xA0, 0xB0, 0xC0, 0xD0, 0xE0, 0xF0, 0x0A,
                    0x0B, 0x0C, 0x0D);
  EXPECT_EQ(Raw(I8x16Shl(b, 4)),
            Raw(I8(0xA0, 0xB0, 0xC0, 0xD0, 0xE0, 0xF0, 0, 0, 0, 0, 0, 0, 0xA0, 0xB0, 0xC0, 0xD0)));
  EXPECT_EQ(Raw(I8x16ShrU(b, 4)), Raw(I8(0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x0A, 0x0B, 0x0C, 0x0D,
                                         0x0E, 0x0F, 0, 0, 0, 0)));
  EXPECT_EQ(Raw(I8x16ShrS(b, 4)), Raw(I8(0xFA, 0xFB, 0xFC, 0xFD, 0xFE, 0xFF, 0xFA, 0xFB, 0xFC, 0xFD,
                                         0xFE, 0xFF, 0, 0, 0, 0)));
  const V128 c = I8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F);
  for (uint32_t count : {8u, 32u, 128u, 256u}) {
    SCOPED_TRACE(count);
    EXPECT_EQ(Raw(I8x16Shl(c, count)), Raw(c));
    EXPECT_EQ(Raw(I8x16ShrU(c, count)), Raw(c));
    EXPECT_EQ(Raw(I8x16ShrS(c, count)), Raw(c));
  }
  EXPECT_EQ(Raw(I8x16ShrU(c, 257)), Raw(I8(0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7)));
}

TEST(SimdInt, ShiftI16x8) {
  const V128 a = I16(-128, -64, 0, 1, 2, 3, 4, 5);
  EXPECT_EQ(Raw(I16x8Shl(a, 1)), Raw(I16(65280, 65408, 0, 2, 4, 6, 8, 10)));
  EXPECT_EQ(Raw(I16x8Shl(a, 17)), Raw(I16(65280, 65408, 0, 2, 4, 6, 8, 10)));
  EXPECT_EQ(Raw(I16x8ShrU(a, 1)), Raw(I16(32704, 32736, 0, 0, 1, 1, 2, 2)));
  EXPECT_EQ(Raw(I16x8ShrS(a, 17)), Raw(I16(65472, 65504, 0, 0, 1, 1, 2, 2)));
  EXPECT_EQ(Raw(I16x8Shl(I16(0x1234), 2)), Raw(I16(0x48d0)));
  EXPECT_EQ(Raw(I16x8ShrU(I16(0x90AB), 2)), Raw(I16(0x242a)));
  EXPECT_EQ(Raw(I16x8ShrS(I16(0x90AB), 2)), Raw(I16(0xe42a)));
  const V128 c = I16(0, 1, 2, 3, 4, 5, 6, 7);
  EXPECT_EQ(Raw(I16x8Shl(c, 8)), Raw(I16(0, 256, 512, 768, 1024, 1280, 1536, 1792)));
  EXPECT_EQ(Raw(I16x8ShrS(c, 8)), Raw(I16(0)));
  EXPECT_EQ(Raw(I16x8ShrU(c, 32)), Raw(c));
  EXPECT_EQ(Raw(I16x8ShrS(c, 129)), Raw(I16(0, 0, 1, 1, 2, 2, 3, 3)));
}

TEST(SimdInt, ShiftI32x4) {
  EXPECT_EQ(Raw(I32x4Shl(I32(-2147483648LL, -32768, 0, 0x0A0B0C0D), 33)),
            Raw(I32(0, 4294901760u, 0, 0x1416181A)));
  EXPECT_EQ(Raw(I32x4ShrU(I32(-2147483648LL, -32768, 0x0C, 0x0D), 1)),
            Raw(I32(1073741824, 2147467264, 6, 6)));
  EXPECT_EQ(Raw(I32x4ShrS(I32(-2147483648LL, -32768, 0x0C, 0x0D), 33)),
            Raw(I32(3221225472u, 4294950912u, 6, 6)));
  EXPECT_EQ(Raw(I32x4Shl(I32(0xAABBCCDD, 0xEEFFA0B0, 0xC0D0E0F0, 0x0A0B0C0D), 4)),
            Raw(I32(0xABBCCDD0, 0xEFFA0B00, 0x0D0E0F00, 0xA0B0C0D0)));
  EXPECT_EQ(Raw(I32x4ShrS(I32(0xAABBCCDD, 0xEEFFA0B0, 0xC0D0E0F0, 0x0A0B0C0D), 4)),
            Raw(I32(0xFAABBCCD, 0xFEEFFA0B, 0xFC0D0E0F, 0x00A0B0C0)));
  EXPECT_EQ(Raw(I32x4ShrU(I32(0x90ABCDEF), 2)), Raw(I32(0x242af37b)));
  EXPECT_EQ(Raw(I32x4Shl(I32(0, 1, 0x0E, 0x0F), 32)), Raw(I32(0, 1, 0x0E, 0x0F)));
  EXPECT_EQ(Raw(I32x4ShrU(I32(0, 1, 0x0E, 0x0F), 65)), Raw(I32(0, 0, 7, 7)));
}

TEST(SimdInt, ShiftI64x2) {
  EXPECT_EQ(Raw(I64x2Shl(I64(kMin64, -2147483648LL), 1)), Raw(I64(0, 18446744069414584320u)));
  EXPECT_EQ(Raw(I64x2ShrU(I64(kMin64, -2147483648LL), 1)),
            Raw(I64(4611686018427387904u, 9223372035781033984u)));
  EXPECT_EQ(Raw(I64x2ShrS(I64(kMin64, -2147483648LL), 65)),
            Raw(I64(13835058055282163712u, 18446744072635809792u)));
  EXPECT_EQ(Raw(I64x2Shl(I64(0x1234567890ABCDEFu), 2)), Raw(I64(0x48d159e242af37bcu)));
  EXPECT_EQ(Raw(I64x2ShrS(I64(0xFFAABBCCDDEEFFA0u, 0xC0D0E0F00A0B0C0Du), 8)),
            Raw(I64(0xFFFFAABBCCDDEEFFu, 0xFFC0D0E0F00A0B0Cu)));
  EXPECT_EQ(Raw(I64x2ShrU(I64(0x90ABCDEF87654321u), 2)), Raw(I64(0x242af37be1d950c8u)));
  EXPECT_EQ(Raw(I64x2Shl(I64(1, 0x0F), 32)), Raw(I64(4294967296u, 0xF00000000u)));
  EXPECT_EQ(Raw(I64x2Shl(I64(1, 0x0F), 128)), Raw(I64(1, 0x0F)));
  EXPECT_EQ(Raw(I64x2Shl(I64(1, 0x0F), 257)), Raw(I64(2, 0x1E)));
  EXPECT_EQ(Raw(I64x2ShrU(I64(1, 0x0F), 129)), Raw(I64(0, 7)));
}

// ------------------------------------------------------------------------------------------------
// Narrow, extend, extadd_pairwise, extmul, dot, q15mulr
// ------------------------------------------------------------------------------------------------

TEST(SimdInt, Narrow) {
  EXPECT_EQ(Raw(I8x16NarrowI16x8S(I16(-1), I16(0))),
            Raw(I8(-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0)));
  EXPECT_EQ(Raw(I8x16NarrowI16x8S(I16(0x80), I16(0x7f))), Raw(I8(0x7f)));
  EXPECT_EQ(Raw(I8x16NarrowI16x8S(I16(-0x80), I16(-0x81))), Raw(I8(0x80)));
  EXPECT_EQ(Raw(I8x16NarrowI16x8S(I16(-0x80), I16(0xff))),
            Raw(I8(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f,
                   0x7f, 0x7f, 0x7f)));
  EXPECT_EQ(Raw(I8x16NarrowI16x8U(I16(-1), I16(0))), Raw(I8(0)));
  EXPECT_EQ(Raw(I8x16NarrowI16x8U(I16(0x100), I16(0x100))), Raw(I8(0xff)));
  EXPECT_EQ(Raw(I8x16NarrowI16x8U(I16(0x80), I16(0x7f))),
            Raw(I8(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f,
                   0x7f, 0x7f, 0x7f)));
  EXPECT_EQ(Raw(I8x16NarrowI16x8U(I16(56789), I16(12345))),
            Raw(I8(0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)));
  EXPECT_EQ(Raw(I16x8NarrowI32x4S(I32(0x8000), I32(0x7fff))), Raw(I16(0x7fff)));
  EXPECT_EQ(Raw(I16x8NarrowI32x4S(I32(-0x8000), I32(-0x8001))), Raw(I16(0x8000)));
  EXPECT_EQ(Raw(I16x8NarrowI32x4S(I32(0x90ABCDEF), I32(0x12345678))),
            Raw(I16(0x8000, 0x8000, 0x8000, 0x8000, 0x7fff, 0x7fff, 0x7fff, 0x7fff)));
  EXPECT_EQ(Raw(I16x8NarrowI32x4U(I32(0x10000), I32(0xffff))), Raw(I16(0xffff)));
  EXPECT_EQ(Raw(I16x8NarrowI32x4U(I32(-1), I32(0x10000))),
            Raw(I16(0, 0, 0, 0, 0xffff, 0xffff, 0xffff, 0xffff)));
  EXPECT_EQ(Raw(I16x8NarrowI32x4U(I32(0xffff), I32(0xfffe))),
            Raw(I16(0xffff, 0xffff, 0xffff, 0xffff, 0xfffe, 0xfffe, 0xfffe, 0xfffe)));
}

TEST(SimdInt, Extend) {
  const V128 i8 =
      I8(-1, -1, -1, -1, -1, -1, -1, -1, -128, -128, -128, -128, -128, -128, -128, -128);
  EXPECT_EQ(Raw(I16x8ExtendLowI8x16S(i8)), Raw(I16(-1)));
  EXPECT_EQ(Raw(I16x8ExtendHighI8x16S(i8)), Raw(I16(-128)));
  EXPECT_EQ(Raw(I16x8ExtendLowI8x16U(i8)), Raw(I16(255)));
  EXPECT_EQ(Raw(I16x8ExtendHighI8x16U(i8)), Raw(I16(128)));
  const V128 i16 = I16(32767, 32767, 32767, 32767, -1, -1, -1, -1);
  EXPECT_EQ(Raw(I32x4ExtendLowI16x8S(i16)), Raw(I32(32767)));
  EXPECT_EQ(Raw(I32x4ExtendHighI16x8S(i16)), Raw(I32(-1)));
  EXPECT_EQ(Raw(I32x4ExtendLowI16x8U(I16(-1, -1, -1, -1, -32768, -32768, -32768, -32768))),
            Raw(I32(65535)));
  EXPECT_EQ(Raw(I32x4ExtendHighI16x8U(i16)), Raw(I32(65535)));
  const V128 i32 = I32(-1, -1, -2147483648LL, -2147483648LL);
  EXPECT_EQ(Raw(I64x2ExtendLowI32x4S(i32)), Raw(I64(-1)));
  EXPECT_EQ(Raw(I64x2ExtendHighI32x4S(i32)), Raw(I64(-2147483648LL)));
  EXPECT_EQ(Raw(I64x2ExtendLowI32x4U(i32)), Raw(I64(4294967295u)));
  EXPECT_EQ(Raw(I64x2ExtendHighI32x4U(i32)), Raw(I64(2147483648u)));
}

TEST(SimdInt, ExtaddPairwise) {
  CheckSplatUnop<uint8_t, uint16_t>(I16x8ExtaddPairwiseI8x16S,
                                    {{{1, 2}}, {{-128, -256}}, {{127, 254}}, {{255, -2}}});
  CheckSplatUnop<uint8_t, uint16_t>(I16x8ExtaddPairwiseI8x16U,
                                    {{{-1, 510}}, {{-127, 258}}, {{-128, 256}}});
  CheckSplatUnop<uint16_t, uint32_t>(I32x4ExtaddPairwiseI16x8S,
                                     {{{-32768, -65536}}, {{32767, 65534}}, {{65535, -2}}});
  CheckSplatUnop<uint16_t, uint32_t>(I32x4ExtaddPairwiseI16x8U,
                                     {{{-1, 131070}}, {{-32767, 65538}}, {{32766, 65532}}});
  // By definition: lane i sums input lanes 2i and 2i + 1.
  EXPECT_EQ(Raw(I16x8ExtaddPairwiseI8x16S(
                I8(1, 2, 3, 4, 5, 6, 7, 8, -1, -2, -3, -4, -128, -128, 127, 127))),
            Raw(I16(3, 7, 11, 15, -3, -7, -256, 254)));
  EXPECT_EQ(Raw(I32x4ExtaddPairwiseI16x8U(I16(1, 2, 0xffff, 1, 3, 4, 0x8000, 0x8000))),
            Raw(I32(3, 0x10000, 7, 0x10000)));
}

TEST(SimdInt, Extmul) {
  CheckSplatWidening<uint8_t, uint16_t>(I16x8ExtmulLowI8x16S,
                                        {{{-63, -64, 4032}}, {{128, 1, -128}}, {{255, 127, -127}}});
  CheckSplatWidening<uint8_t, uint16_t>(I16x8ExtmulHighI8x16S, {{{-128, -128, 16384}}});
  CheckSplatWidening<uint8_t, uint16_t>(I16x8ExtmulLowI8x16U,
                                        {{{-63, -64, -28480}}, {{255, 127, 32385}}});
  CheckSplatWidening<uint8_t, uint16_t>(I16x8ExtmulHighI8x16U, {{{128, 1, 128}}});
  CheckSplatWidening<uint16_t, uint32_t>(I32x4ExtmulLowI16x8S,
                                         {{{-16383, -16384, 268419072}}, {{65535, 32767, -32767}}});
  CheckSplatWidening<uint16_t, uint32_t>(I32x4ExtmulHighI16x8S, {{{-32768, -32768, 1073741824}}});
  CheckSplatWidening<uint16_t, uint32_t>(
      I32x4ExtmulLowI16x8U, {{{-16383, -16384, -1878999040}}, {{65535, 32767, 2147385345}}});
  CheckSplatWidening<uint16_t, uint32_t>(I32x4ExtmulHighI16x8U, {{{32768, 1, 32768}}});
  CheckSplatWidening<uint32_t, uint64_t>(I64x2ExtmulLowI32x4S,
                                         {{{-1073741823, -1073741824, 1152921503533105152}},
                                          {{-2147483648LL, -2147483648LL, 4611686018427387904}}});
  CheckSplatWidening<uint32_t, uint64_t>(I64x2ExtmulHighI32x4S,
                                         {{{4294967295LL, 2147483647, -2147483647}}});
  CheckSplatWidening<uint32_t, uint64_t>(I64x2ExtmulLowI32x4U,
                                         {{{-1073741823, -1073741824, -8070450529026703360}},
                                          {{4294967295LL, 2147483647, 9223372030412324865}}});
  CheckSplatWidening<uint32_t, uint64_t>(I64x2ExtmulHighI32x4U,
                                         {{{2147483648LL, 1, 2147483648LL}}});
  // By definition: low takes input lanes [0, n/2), high takes [n/2, n).
  const V128 halves = I32(2, 3, -5, 7);
  EXPECT_EQ(Raw(I64x2ExtmulLowI32x4S(halves, halves)), Raw(I64(4, 9)));
  EXPECT_EQ(Raw(I64x2ExtmulHighI32x4S(halves, halves)), Raw(I64(25, 49)));
}

TEST(SimdInt, Dot) {
  CheckSplatWidening<uint16_t, uint32_t>(I32x4DotI16x8S, {{{1, -1, -2}},
                                                          {{16383, 16384, 536838144}},
                                                          {{-16385, -16384, 536903680}},
                                                          {{32768, 1, -65536}},
                                                          {{32767, 32767, 2147352578}},
                                                          {{-32768, -32768, 2147483648LL}},
                                                          {{-32768, -32767, 2147418112}},
                                                          {{65535, -32768, 65536}}});
}

TEST(SimdInt, Q15mulrSat) {
  CheckSplatBinop<uint16_t>(I16x8Q15mulrSatS, {{{1, 1, 0}},
                                               {{16383, 16384, 8192}},
                                               {{-16385, -16384, 8193}},
                                               {{32768, 1, -1}},
                                               {{-32768, -1, 1}},
                                               {{32767, 32767, 32766}},
                                               {{-32768, -32768, 32767}},
                                               {{-32768, -32767, 32767}},
                                               {{65535, 32767, -1}}});
}

// ------------------------------------------------------------------------------------------------
// Lanes: splat, extract, replace, swizzle, shuffle (simd_splat.wast, simd_lane.wast)
// ------------------------------------------------------------------------------------------------

TEST(SimdInt, Splat) {
  EXPECT_EQ(Raw(I8x16Splat(5)), Raw(I8(5)));
  EXPECT_EQ(Raw(I8x16Splat(static_cast<uint32_t>(-5))), Raw(I8(-5)));
  EXPECT_EQ(Raw(I8x16Splat(257)), Raw(I8(1)));
  EXPECT_EQ(Raw(I8x16Splat(0xff)), Raw(I8(-1)));
  EXPECT_EQ(Raw(I16x8Splat(static_cast<uint32_t>(-5))), Raw(I16(-5)));
  EXPECT_EQ(Raw(I16x8Splat(65537)), Raw(I16(1)));
  EXPECT_EQ(Raw(I16x8Splat(256)), Raw(I16(0x100)));
  EXPECT_EQ(Raw(I32x4Splat(static_cast<uint32_t>(-5))), Raw(I32(-5)));
  EXPECT_EQ(Raw(I32x4Splat(0xffffffff)), Raw(I32(-1)));
  EXPECT_EQ(Raw(I64x2Splat(1)), Raw(I64(1)));
  EXPECT_EQ(Raw(I64x2Splat(static_cast<uint64_t>(kMin64))), Raw(I64(kMin64)));
}

TEST(SimdInt, ExtractLane) {
  EXPECT_EQ(I8x16ExtractLaneS(I8(127, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), 0), 127u);
  EXPECT_EQ(I8x16ExtractLaneS(I8(255, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), 0),
            0xFFFFFFFFu);
  EXPECT_EQ(I8x16ExtractLaneU(I8(255, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), 0), 255u);
  EXPECT_EQ(I8x16ExtractLaneS(I8(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -128), 15),
            static_cast<uint32_t>(-128));
  EXPECT_EQ(I8x16ExtractLaneU(I8(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -128), 15), 128u);
  EXPECT_EQ(I16x8ExtractLaneS(I16(65535, 0, 0, 0, 0, 0, 0, 0), 0), 0xFFFFFFFFu);
  EXPECT_EQ(I16x8ExtractLaneU(I16(-0x1234, 0, 0, 0, 0, 0, 0, 0), 0), 60876u);
  EXPECT_EQ(I16x8ExtractLaneS(I16(0, 0, 0, 0, 0, 0, 0, 0x8000), 7), static_cast<uint32_t>(-32768));
  EXPECT_EQ(I16x8ExtractLaneS(I16(0, 0, 0, 0, 0, 0, 0, -0x6789), 7),
            static_cast<uint32_t>(-0x6789));
  EXPECT_EQ(I16x8ExtractLaneU(I16(0, 0, 0, 0, 0, 0, 0, -0x6789), 7), 39031u);
  EXPECT_EQ(I32x4ExtractLane(I32(2147483647, 0, 0, 0), 0), 2147483647u);
  EXPECT_EQ(I32x4ExtractLane(I32(0, 0, 0, -0x12345678), 3), static_cast<uint32_t>(-0x12345678));
  EXPECT_EQ(I64x2ExtractLane(I64(0x1234567890ABCDEFu, 0), 0), 0x1234567890abcdefu);
  EXPECT_EQ(I64x2ExtractLane(
                I8(0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f), 1),
            static_cast<uint64_t>(kMax64));
  EXPECT_EQ(I64x2ExtractLane(I16(0, 0, 0, 0, 0, 0, 0, 0x8000), 1), static_cast<uint64_t>(kMin64));
}

TEST(SimdInt, ReplaceLane) {
  const V128 zero = I8(0);
  EXPECT_EQ(Raw(I8x16ReplaceLane(zero, 128, 0)),
            Raw(I8(-128, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)));
  EXPECT_EQ(Raw(I8x16ReplaceLane(zero, 256, 0)), Raw(zero));
  EXPECT_EQ(Raw(I8x16ReplaceLane(zero, static_cast<uint32_t>(-129), 15)),
            Raw(I8(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 127)));
  EXPECT_EQ(Raw(I8x16ReplaceLane(zero, 32767, 15)),
            Raw(I8(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff)));
  EXPECT_EQ(Raw(I16x8ReplaceLane(zero, 65536, 0)), Raw(zero));
  EXPECT_EQ(Raw(I16x8ReplaceLane(zero, 32768, 0)), Raw(I16(-32768, 0, 0, 0, 0, 0, 0, 0)));
  EXPECT_EQ(Raw(I16x8ReplaceLane(zero, static_cast<uint32_t>(-32769), 7)),
            Raw(I16(0, 0, 0, 0, 0, 0, 0, 32767)));
  EXPECT_EQ(Raw(I16x8ReplaceLane(zero, 0x7fffffff, 7)), Raw(I16(0, 0, 0, 0, 0, 0, 0, 0xffff)));
  EXPECT_EQ(Raw(I32x4ReplaceLane(zero, 4294967295u, 0)), Raw(I32(-1, 0, 0, 0)));
  EXPECT_EQ(Raw(I32x4ReplaceLane(zero, 2147483648u, 3)), Raw(I32(0, 0, 0, 2147483648u)));
  EXPECT_EQ(Raw(I64x2ReplaceLane(zero, static_cast<uint64_t>(kMax64), 0)), Raw(I64(kMax64, 0)));
  EXPECT_EQ(Raw(I64x2ReplaceLane(zero, 0x1234567890ABCDEFu, 1)), Raw(I64(0, 0x1234567890ABCDEFu)));
}

TEST(SimdInt, Swizzle) {
  const V128 a = I8(100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115);
  EXPECT_EQ(
      Raw(I8x16Swizzle(a, I8(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0))),
      Raw(I8(115, 114, 113, 112, 111, 110, 109, 108, 107, 106, 105, 104, 103, 102, 101, 100)));
  EXPECT_EQ(Raw(I8x16Swizzle(a, I8(-1, 1, -2, 2, -3, 3, -4, 4, -5, 5, -6, 6, -7, 7, -8, 8))),
            Raw(I8(0, 101, 0, 102, 0, 103, 0, 104, 0, 105, 0, 106, 0, 107, 0, 108)));
  EXPECT_EQ(Raw(I8x16Swizzle(a, I8(9, 16, 10, 17, 11, 18, 12, 19, 13, 20, 14, 21, 15, 22, 16, 23))),
            Raw(I8(109, 0, 110, 0, 111, 0, 112, 0, 113, 0, 114, 0, 115, 0, 0, 0)));
  EXPECT_EQ(
      Raw(I8x16Swizzle(I8(-16, -15, -14, -13, -12, -11, -10, -9, -8, -7, -6, -5, -4, -3, -2, -1),
                       I8(-8, -7, -6, -5, -4, -3, -2, -1, 16, 17, 18, 19, 20, 21, 22, 23))),
      Raw(I8(0)));
  EXPECT_EQ(Raw(I8x16Swizzle(I32(0x64656667, 0x68696a6b, 0x6c6d6e6f, 0x70717273),
                             I8(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0))),
            Raw(I32(0x73727170, 0x6f6e6d6c, 0x6b6a6968, 0x67666564)));
}

TEST(SimdInt, Shuffle) {
  const V128 a = I8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  const V128 b = I8(-16, -15, -14, -13, -12, -11, -10, -9, -8, -7, -6, -5, -4, -3, -2, -1);
  EXPECT_EQ(
      Raw(I8x16Shuffle(a, b, I8(16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31))),
      Raw(b));
  EXPECT_EQ(
      Raw(I8x16Shuffle(a, b, I8(31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16))),
      Raw(I8(-1, -2, -3, -4, -5, -6, -7, -8, -9, -10, -11, -12, -13, -14, -15, -16)));
  EXPECT_EQ(Raw(I8x16Shuffle(a, b, I8(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0))),
            Raw(I8(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0)));
  EXPECT_EQ(Raw(I8x16Shuffle(a, b, I8(0))), Raw(I8(0)));
  EXPECT_EQ(Raw(I8x16Shuffle(a, b, I8(16))), Raw(I8(-16)));
  EXPECT_EQ(Raw(I8x16Shuffle(a, b, I8(0, 0, 0, 0, 0, 0, 0, 0, 16, 16, 16, 16, 16, 16, 16, 16))),
            Raw(I8(0, 0, 0, 0, 0, 0, 0, 0, -16, -16, -16, -16, -16, -16, -16, -16)));
  EXPECT_EQ(Raw(I8x16Shuffle(a, b, a)), Raw(a));
}

// ------------------------------------------------------------------------------------------------
// Loads and stores (simd_load_extend.wast, simd_load_splat.wast, simd_load_zero.wast,
// simd_load*_lane.wast, simd_store*_lane.wast). The spec memory holds bytes 0x00..0x0F at 0,
// then 0x80 0x81 ... at 16; the 8 bytes at offset 10 read as 0x81800F0E0D0C0B0A, those at 20
// as 0x0000898887868584.
// ------------------------------------------------------------------------------------------------

TEST(SimdInt, LoadExtend) {
  constexpr uint64_t kAt0 = 0x0706050403020100;
  constexpr uint64_t kAt10 = 0x81800F0E0D0C0B0A;
  constexpr uint64_t kAt20 = 0x0000898887868584;
  EXPECT_EQ(Raw(V128Load8x8S(kAt0)), Raw(I16(0, 1, 2, 3, 4, 5, 6, 7)));
  EXPECT_EQ(Raw(V128Load8x8S(kAt10)),
            Raw(I16(0x000A, 0x000B, 0x000C, 0x000D, 0x000E, 0x000F, 0xFF80, 0xFF81)));
  EXPECT_EQ(Raw(V128Load8x8U(kAt10)),
            Raw(I16(0x000A, 0x000B, 0x000C, 0x000D, 0x000E, 0x000F, 0x0080, 0x0081)));
  EXPECT_EQ(Raw(V128Load8x8S(kAt20)),
            Raw(I16(0xff84, 0xff85, 0xff86, 0xff87, 0xff88, 0xff89, 0, 0)));
  EXPECT_EQ(Raw(V128Load16x4S(kAt0)), Raw(I32(0x00000100, 0x00000302, 0x00000504, 0x00000706)));
  EXPECT_EQ(Raw(V128Load16x4S(kAt10)), Raw(I32(0x00000B0A, 0x00000D0C, 0x00000F0E, 0xFFFF8180)));
  EXPECT_EQ(Raw(V128Load16x4U(kAt10)), Raw(I32(0x00000B0A, 0x00000D0C, 0x00000F0E, 0x00008180)));
  EXPECT_EQ(Raw(V128Load16x4U(kAt20)), Raw(I32(0x00008584, 0x00008786, 0x00008988, 0)));
  EXPECT_EQ(Raw(V128Load32x2S(kAt10)), Raw(I64(0x000000000D0C0B0Au, 0xFFFFFFFF81800F0Eu)));
  EXPECT_EQ(Raw(V128Load32x2U(kAt10)), Raw(I64(0x000000000D0C0B0Au, 0x0000000081800F0Eu)));
  EXPECT_EQ(Raw(V128Load32x2S(kAt20)), Raw(I64(0xFFFFFFFF87868584u, 0x0000000000008988u)));
  EXPECT_EQ(Raw(V128Load32x2U(kAt20)), Raw(I64(0x0000000087868584u, 0x0000000000008988u)));
}

TEST(SimdInt, LoadSplatAndZero) {
  EXPECT_EQ(Raw(V128Load8Splat(3)), Raw(I8(3)));
  EXPECT_EQ(Raw(V128Load8Splat(0x80)), Raw(I8(0x80)));  // by definition: no sign spill
  EXPECT_EQ(Raw(V128Load16Splat(0x0504)), Raw(I16(0x0504)));
  EXPECT_EQ(Raw(V128Load16Splat(0x1F1E)), Raw(I16(0x1F1E)));
  EXPECT_EQ(Raw(V128Load32Splat(0x0B0A0908)), Raw(I32(0x0B0A0908)));
  EXPECT_EQ(Raw(V128Load32Splat(0x1F1E1D1C)), Raw(I32(0x1F1E1D1C)));
  EXPECT_EQ(Raw(V128Load64Splat(0x000000000F0E0D0C)), Raw(I64(0x000000000F0E0D0Cu)));
  EXPECT_EQ(Raw(V128Load64Splat(0x1F1E1D1C1B1A1918)), Raw(I64(0x1F1E1D1C1B1A1918u)));
  EXPECT_EQ(Raw(V128Load32Zero(0x03020100)), Raw(I32(0x03020100, 0, 0, 0)));
  EXPECT_EQ(Raw(V128Load32Zero(0x87868584)), Raw(I32(0x87868584, 0, 0, 0)));
  EXPECT_EQ(Raw(V128Load64Zero(0x81800F0E0D0C0B0A)), Raw(I64(0x81800F0E0D0C0B0Au, 0)));
  EXPECT_EQ(Raw(V128Load64Zero(0x0000898887868584)), Raw(I64(0x0000898887868584u, 0)));
}

TEST(SimdInt, LoadLane) {
  EXPECT_EQ(Raw(V128Load8Lane(I8(0), 0, 0)), Raw(I8(0)));
  EXPECT_EQ(Raw(V128Load8Lane(I8(0), 1, 1)),
            Raw(I8(0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)));
  EXPECT_EQ(Raw(V128Load8Lane(I8(0), 15, 15)),
            Raw(I8(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 15)));
  EXPECT_EQ(Raw(V128Load16Lane(I16(0), 256, 0)), Raw(I16(256, 0, 0, 0, 0, 0, 0, 0)));
  EXPECT_EQ(Raw(V128Load16Lane(I16(0), 2055, 7)), Raw(I16(0, 0, 0, 0, 0, 0, 0, 2055)));
  EXPECT_EQ(Raw(V128Load32Lane(I32(0), 50462976, 0)), Raw(I32(50462976, 0, 0, 0)));
  EXPECT_EQ(Raw(V128Load32Lane(I32(0), 100992003, 3)), Raw(I32(0, 0, 0, 100992003)));
  EXPECT_EQ(Raw(V128Load64Lane(I64(0), 506097522914230528u, 0)), Raw(I64(506097522914230528u, 0)));
  EXPECT_EQ(Raw(V128Load64Lane(I64(0), 578437695752307201u, 1)), Raw(I64(0, 578437695752307201u)));
  // By definition: the other lanes are kept.
  EXPECT_EQ(Raw(V128Load16Lane(I16(-1), 0, 3)), Raw(I16(-1, -1, -1, 0, -1, -1, -1, -1)));
}

TEST(SimdInt, StoreLane) {
  EXPECT_EQ(V128Store8Lane(I8(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 15), 15), 15);
  EXPECT_EQ(V128Store8Lane(I8(0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), 1), 1);
  EXPECT_EQ(V128Store16Lane(I16(256, 0, 0, 0, 0, 0, 0, 0), 0), 256);
  EXPECT_EQ(V128Store16Lane(I16(0, 0, 0, 0, 0, 0, 0, 2055), 7), 2055);
  EXPECT_EQ(V128Store32Lane(I32(0, 0, 0, 100992003), 3), 100992003u);
  EXPECT_EQ(V128Store32Lane(I32(50462976, 0, 0, 0), 0), 50462976u);
  EXPECT_EQ(V128Store64Lane(I64(506097522914230528u, 0), 0), 506097522914230528u);
  EXPECT_EQ(V128Store64Lane(I64(0, 578437695752307201u), 1), 578437695752307201u);
}

}  // namespace
}  // namespace wasmscope::internal::simd
