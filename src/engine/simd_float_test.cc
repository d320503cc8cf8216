// Tests for {engine/simd_float.h}. Inputs and expected lanes are individual values from the
// WebAssembly spec suite (core/simd_f32x4*.wast, simd_f64x2*.wast, simd_conversions.wast,
// simd_splat.wast, simd_lane.wast, simd_i32x4_trunc_sat_*.wast), often combined so that
// different lanes of one vector exercise different cases. Lanes are compared bit for bit, so
// -0 differs from +0 and NaN payloads are checked; where the suite expects
// {nan:canonical} or {nan:arithmetic} the lane is checked against that class instead.
#include "engine/simd_float.h"

#include <bit>
#include <cstdint>
#include <limits>

#include <gtest/gtest.h>

namespace wasmscope::internal::simd {
namespace {

constexpr float kInfF = std::numeric_limits<float>::infinity();
constexpr double kInf = std::numeric_limits<double>::infinity();

// f32 NaNs by bits: {nan} (canonical), {-nan}, and {nan:0x200000} (signalling).
constexpr uint32_t kNanF = 0x7fc0'0000u;
constexpr uint32_t kNegNanF = 0xffc0'0000u;
constexpr uint32_t kSNanF = 0x7fa0'0000u;
constexpr uint32_t kNegSNanF = 0xffa0'0000u;
// f64 NaNs by bits: {nan}, {-nan}, {nan:0x4000000000000} (signalling).
constexpr uint64_t kNan = 0x7ff8'0000'0000'0000u;
constexpr uint64_t kNegNan = 0xfff8'0000'0000'0000u;
constexpr uint64_t kSNan = 0x7ff4'0000'0000'0000u;

uint32_t Bits(float x) { return std::bit_cast<uint32_t>(x); }
uint64_t Bits(double x) { return std::bit_cast<uint64_t>(x); }
float F(uint32_t bits) { return std::bit_cast<float>(bits); }
double D(uint64_t bits) { return std::bit_cast<double>(bits); }

V128 F32s(float a, float b, float c, float d) { return std::bit_cast<V128>(F32x4{a, b, c, d}); }
V128 F32s(float a) { return F32s(a, a, a, a); }
V128 F64s(double a, double b) { return std::bit_cast<V128>(F64x2{a, b}); }
V128 F64s(double a) { return F64s(a, a); }
V128 I32s(uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
  return std::bit_cast<V128>(U32x4{a, b, c, d});
}
V128 I32s(uint32_t a) { return I32s(a, a, a, a); }

uint32_t Lane32(V128 v, int i) { return std::bit_cast<U32x4>(v)[i]; }
uint64_t Lane64(V128 v, int i) { return std::bit_cast<U64x2>(v)[i]; }

bool IsCanonicalNan32(uint32_t bits) { return (bits & 0x7fff'ffffu) == 0x7fc0'0000u; }
bool IsArithmeticNan32(uint32_t bits) {
  return (bits & 0x7fc0'0000u) == 0x7fc0'0000u;
}
bool IsCanonicalNan64(uint64_t bits) {
  return (bits & 0x7fff'ffff'ffff'ffffu) == 0x7ff8'0000'0000'0000u;
}
bool IsArithmeticNan64(uint64_t bits) {
  return (bits & 0x7ff8'0000'0000'0000u) == 0x7ff8'0000'0000'0000u;
}

/// Expects the four f32 lanes of {v} to have exactly the bits of {a..d}.
void ExpectF32s(V128 v, float a, float b, float c, float d) {
  EXPECT_EQ(Lane32(v, 0), Bits(a)) << "lane 0";
  EXPECT_EQ(Lane32(v, 1), Bits(b)) << "lane 1";
  EXPECT_EQ(Lane32(v, 2), Bits(c)) << "lane 2";
  EXPECT_EQ(Lane32(v, 3), Bits(d)) << "lane 3";
}
void ExpectF32s(V128 v, float a) { ExpectF32s(v, a, a, a, a); }

void ExpectF64s(V128 v, double a, double b) {
  EXPECT_EQ(Lane64(v, 0), Bits(a)) << "lane 0";
  EXPECT_EQ(Lane64(v, 1), Bits(b)) << "lane 1";
}
void ExpectF64s(V128 v, double a) { ExpectF64s(v, a, a); }

void ExpectI32s(V128 v, uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
  EXPECT_EQ(Lane32(v, 0), a) << "lane 0";
  EXPECT_EQ(Lane32(v, 1), b) << "lane 1";
  EXPECT_EQ(Lane32(v, 2), c) << "lane 2";
  EXPECT_EQ(Lane32(v, 3), d) << "lane 3";
}
void ExpectI32s(V128 v, uint32_t a) { ExpectI32s(v, a, a, a, a); }

void ExpectCanonicalF32s(V128 v) {
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(IsCanonicalNan32(Lane32(v, i))) << "lane " << i;
}
void ExpectArithmeticF32s(V128 v) {
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(IsArithmeticNan32(Lane32(v, i))) << "lane " << i;
}
void ExpectCanonicalF64s(V128 v) {
  for (int i = 0; i < 2; ++i) EXPECT_TRUE(IsCanonicalNan64(Lane64(v, i))) << "lane " << i;
}
void ExpectArithmeticF64s(V128 v) {
  for (int i = 0; i < 2; ++i) EXPECT_TRUE(IsArithmeticNan64(Lane64(v, i))) << "lane " << i;
}

constexpr uint32_t kTrue32 = 0xffff'ffffu;
constexpr uint64_t kTrue64 = 0xffff'ffff'ffff'ffffu;

// ================================================================================================
// Splat and lanes
// ================================================================================================

TEST(SimdFloatTest, Splat) {
  ExpectF32s(F32x4Splat(0.0f), 0.0f);
  ExpectF32s(F32x4Splat(-1.1f), -1.1f);
  ExpectF32s(F32x4Splat(0x1.fffffep127f), 0x1.fffffep127f);
  ExpectF32s(F32x4Splat(-kInfF), -kInfF);
  ExpectF32s(F32x4Splat(F(0x7f80'0001u)), F(0x7f80'0001u));  // nan:0x1 kept, not quieted.
  ExpectF32s(F32x4Splat(F(0x7fff'ffffu)), F(0x7fff'ffffu));  // nan:0x7f_ffff.
  ExpectF64s(F64x2Splat(-0.0), -0.0);
  ExpectF64s(F64x2Splat(1.1), 1.1);
  ExpectF64s(F64x2Splat(0x0.0000000000001p-1022), 0x0.0000000000001p-1022);
  ExpectF64s(F64x2Splat(D(kSNan)), D(kSNan));
}

TEST(SimdFloatTest, ExtractLane) {
  EXPECT_EQ(Bits(F32x4ExtractLane(F32s(-5.0f, 0, 0, 0), 0)), Bits(-5.0f));
  EXPECT_EQ(Bits(F32x4ExtractLane(F32s(0x1p127f, 0, 0, 0), 0)), Bits(0x1p127f));
  EXPECT_EQ(Bits(F32x4ExtractLane(F32s(F(kNanF), kInfF, 0, 0), 0)), kNanF);
  EXPECT_EQ(Bits(F32x4ExtractLane(F32s(0, 0, 0, -0x1.fffffep127f), 3)), Bits(-0x1.fffffep127f));
  EXPECT_EQ(Bits(F32x4ExtractLane(F32s(0, 0, -kInfF, F(kNanF)), 3)), kNanF);
  EXPECT_EQ(Bits(F32x4ExtractLane(F32s(0, F(kSNanF), 0, 0), 1)), kSNanF);  // Payload kept.
  EXPECT_EQ(Bits(F64x2ExtractLane(F64s(-1.5, 0.0), 0)), Bits(-1.5));
  EXPECT_EQ(Bits(F64x2ExtractLane(F64s(-0x1.fffffffffffffp-1023, 0.0), 0)),
            Bits(-0x1.fffffffffffffp-1023));
  EXPECT_EQ(Bits(F64x2ExtractLane(F64s(D(kNegNan), -0.0), 0)), kNegNan);
  EXPECT_EQ(Bits(F64x2ExtractLane(F64s(0.0, -kInf), 1)), Bits(-kInf));
}

TEST(SimdFloatTest, ReplaceLane) {
  ExpectF32s(F32x4ReplaceLane(F32s(0.0f), 53.0f, 0), 53.0f, 0.0f, 0.0f, 0.0f);
  ExpectF32s(F32x4ReplaceLane(F32s(F(kNanF), 0, 0, 0), 3.14f, 0), 3.14f, 0.0f, 0.0f, 0.0f);
  ExpectF32s(F32x4ReplaceLane(F32s(0.0f), F(kSNanF), 3), 0.0f, 0.0f, 0.0f, F(kSNanF));
  ExpectF32s(F32x4ReplaceLane(I32s(0), 123456789.0f, 2), 0.0f, 0.0f, 123456789.0f, 0.0f);
  ExpectF64s(F64x2ReplaceLane(F64s(0.0), 1.5, 0), 1.5, 0.0);
  ExpectF64s(F64x2ReplaceLane(F64s(1.0, 2.0), -0x1.fffffffffffffp1023, 1), 1.0,
             -0x1.fffffffffffffp1023);
  ExpectF64s(F64x2ReplaceLane(F64s(0.0), D(kNan), 1), 0.0, D(kNan));
}

// ================================================================================================
// Comparisons
// ================================================================================================

TEST(SimdFloatTest, F32x4Comparisons) {
  const V128 nan = F32s(F(kNanF));
  // NaN is unordered: every comparison is false except {Ne}, even NaN with itself.
  ExpectI32s(F32x4Eq(nan, nan), 0);
  ExpectI32s(F32x4Ne(nan, nan), kTrue32);
  ExpectI32s(F32x4Lt(nan, F32s(1.0f)), 0);
  ExpectI32s(F32x4Le(nan, F32s(-0.0f)), 0);
  ExpectI32s(F32x4Gt(nan, F32s(1.0f)), 0);
  ExpectI32s(F32x4Ge(F32s(1.0f), nan), 0);
  ExpectI32s(F32x4Ne(nan, F32s(-0.0f)), kTrue32);
  ExpectI32s(F32x4Eq(F32s(F(kNanF)), F32s(F(kNegSNanF))), 0);
  // Per lane: -0 == +0, ordering, infinities, the smallest subnormal.
  const V128 a = F32s(-0.0f, 1.0f, -kInfF, 0x1p-149f);
  const V128 b = F32s(0.0f, 2.0f, -kInfF, 0.0f);
  ExpectI32s(F32x4Eq(a, b), kTrue32, 0, kTrue32, 0);
  ExpectI32s(F32x4Ne(a, b), 0, kTrue32, 0, kTrue32);
  ExpectI32s(F32x4Lt(a, b), 0, kTrue32, 0, 0);
  ExpectI32s(F32x4Le(a, b), kTrue32, kTrue32, kTrue32, 0);
  ExpectI32s(F32x4Gt(a, b), 0, 0, 0, kTrue32);
  ExpectI32s(F32x4Ge(a, b), kTrue32, 0, kTrue32, kTrue32);
}

TEST(SimdFloatTest, F64x2Comparisons) {
  const V128 nan = F64s(D(kNan));
  EXPECT_EQ(Lane64(F64x2Eq(nan, nan), 0), 0u);
  EXPECT_EQ(Lane64(F64x2Ne(nan, F64s(1.0)), 1), kTrue64);
  EXPECT_EQ(Lane64(F64x2Lt(nan, F64s(kInf)), 0), 0u);
  EXPECT_EQ(Lane64(F64x2Ge(F64s(-kInf), nan), 1), 0u);
  const V128 a = F64s(0x1p-1074, -0.0);
  const V128 b = F64s(-0x1p-1074, 0.0);
  EXPECT_EQ(Lane64(F64x2Eq(a, b), 0), 0u);
  EXPECT_EQ(Lane64(F64x2Eq(a, b), 1), kTrue64);
  EXPECT_EQ(Lane64(F64x2Ne(a, b), 0), kTrue64);
  EXPECT_EQ(Lane64(F64x2Ne(a, b), 1), 0u);
  EXPECT_EQ(Lane64(F64x2Lt(a, b), 0), 0u);
  EXPECT_EQ(Lane64(F64x2Lt(b, a), 0), kTrue64);
  EXPECT_EQ(Lane64(F64x2Le(a, b), 1), kTrue64);
  EXPECT_EQ(Lane64(F64x2Gt(a, b), 0), kTrue64);
  EXPECT_EQ(Lane64(F64x2Gt(a, b), 1), 0u);
  EXPECT_EQ(Lane64(F64x2Ge(a, b), 1), kTrue64);
}

// ================================================================================================
// Sign operations
// ================================================================================================

TEST(SimdFloatTest, AbsNeg) {
  ExpectF32s(F32x4Abs(F32s(-0.0f, -0x1p-149f, -kInfF, 1.0f)), 0.0f, 0x1p-149f, kInfF, 1.0f);
  ExpectF32s(F32x4Neg(F32s(0.0f, -0.0f, kInfF, -0x1p-149f)), -0.0f, 0.0f, -kInfF, 0x1p-149f);
  // Bit operations: NaN payloads pass unchanged, signalling ones are not quieted.
  ExpectI32s(F32x4Abs(F32s(F(kNegNanF), F(kNegSNanF), F(kSNanF), F(kNanF))), kNanF, kSNanF,
             kSNanF, kNanF);
  ExpectI32s(F32x4Neg(F32s(F(kNanF), F(kNegNanF), F(kSNanF), F(kNegSNanF))), kNegNanF, kNanF,
             kNegSNanF, kSNanF);
  ExpectF64s(F64x2Abs(F64s(-0.0, -0x0.0000000000001p-1022)), 0.0, 0x0.0000000000001p-1022);
  ExpectF64s(F64x2Neg(F64s(-kInf, 0.0)), kInf, -0.0);
  EXPECT_EQ(Lane64(F64x2Abs(F64s(D(kNegNan), 0.0)), 0), kNan);
  EXPECT_EQ(Lane64(F64x2Neg(F64s(D(kSNan), 0.0)), 0), kSNan | 0x8000'0000'0000'0000u);
}

// ================================================================================================
// Arithmetic
// ================================================================================================

TEST(SimdFloatTest, F32x4AddSub) {
  ExpectF32s(F32x4Add(F32s(0x1p-149f, -0.0f, 0x1.fffffep127f, 1.0f),
                      F32s(0x1p-149f, -0.0f, 0x1.fffffep127f, 0x1p-149f)),
             0x1p-148f, -0.0f, kInfF, 1.0f);
  ExpectF32s(F32x4Add(F32s(0.0f), F32s(-kInfF)), -kInfF);
  ExpectCanonicalF32s(F32x4Add(F32s(kInfF), F32s(-kInfF)));
  ExpectCanonicalF32s(F32x4Add(F32s(F(kNegNanF)), F32s(1.0f)));
  ExpectArithmeticF32s(F32x4Add(F32s(F(kSNanF)), F32s(1.0f)));
  ExpectArithmeticF32s(F32x4Add(F32s(F(kNanF)), F32s(F(kNegSNanF))));
  ExpectF32s(F32x4Sub(F32s(-0.0f, 0.0f, 0x1p-1f, kInfF), F32s(0.0f, 0.0f, 1.0f, 0.0f)), -0.0f,
             0.0f, -0x1p-1f, kInfF);
  ExpectCanonicalF32s(F32x4Sub(F32s(kInfF), F32s(kInfF)));
  ExpectArithmeticF32s(F32x4Sub(F32s(1.0f), F32s(F(kSNanF))));
}

TEST(SimdFloatTest, F32x4MulDiv) {
  // 0x1p-149 * 0.5 is exactly halfway between 0 and 0x1p-149: ties to the even 0.
  ExpectF32s(F32x4Mul(F32s(-0.0f, 0x1.fffffep127f, 0x1p-149f, 0x1.921fb6p+2f),
                      F32s(1.0f, 0x1.fffffep127f, 0x1p-1f, 0x1.921fb6p+2f)),
             -0.0f, kInfF, 0.0f, 0x1.3bd3cdc2cab20p+5f);
  ExpectCanonicalF32s(F32x4Mul(F32s(0.0f), F32s(kInfF)));
  ExpectArithmeticF32s(F32x4Mul(F32s(F(kNegSNanF)), F32s(2.0f)));
  ExpectF32s(F32x4Div(F32s(1.0f, 1.0f, 1.0f, -0x1p-149f), F32s(0.0f, -0.0f, 0x1.921fb6p+2f, 1.0f)),
             kInfF, -kInfF, 0x1.45f306446f9b4p-3f, -0x1p-149f);
  ExpectCanonicalF32s(F32x4Div(F32s(0.0f), F32s(0.0f)));
  ExpectCanonicalF32s(F32x4Div(F32s(kInfF), F32s(kInfF)));
  ExpectArithmeticF32s(F32x4Div(F32s(F(kSNanF)), F32s(1.0f)));
}

TEST(SimdFloatTest, F32x4Sqrt) {
  ExpectF32s(F32x4Sqrt(F32s(0.0f, -0.0f, 0x1p-126f, kInfF)), 0.0f, -0.0f, 0x1p-63f, kInfF);
  ExpectF32s(F32x4Sqrt(F32s(0x1p-149f, 0x1p-1f, 0x1.921fb6p+2f, 0x1.fffffep+127f)),
             0x1.6a09e667f3bcdp-75f, 0x1.6a09e667f3bcdp-1f, 0x1.40d9324a48138p+1f,
             0x1.fffffeffffffcp+63f);
  ExpectCanonicalF32s(F32x4Sqrt(F32s(-0x1p-149f, -1.0f, -kInfF, F(kNegNanF))));
  ExpectArithmeticF32s(F32x4Sqrt(F32s(F(kSNanF), F(kNegSNanF), F(kSNanF), F(kNegSNanF))));
}

TEST(SimdFloatTest, F64x2Arithmetic) {
  ExpectF64s(F64x2Add(F64s(-0.0, 0x0.0000000000001p-1022), F64s(-0.0, 0x0.0000000000001p-1022)),
             -0.0, 0x0.0000000000002p-1022);
  ExpectCanonicalF64s(F64x2Add(F64s(kInf), F64s(-kInf)));
  ExpectArithmeticF64s(F64x2Add(F64s(D(kSNan)), F64s(1.0)));
  ExpectCanonicalF64s(F64x2Sub(F64s(kInf), F64s(kInf)));
  ExpectF64s(F64x2Sub(F64s(-0.0, 0.5), F64s(0.0, 1.0)), -0.0, -0.5);
  ExpectCanonicalF64s(F64x2Mul(F64s(0.0), F64s(kInf)));
  ExpectF64s(F64x2Mul(F64s(-0.0, 0x1.fffffffffffffp+1023), F64s(1.0, 2.0)), -0.0, kInf);
  ExpectCanonicalF64s(F64x2Div(F64s(0.0), F64s(0.0)));
  ExpectF64s(F64x2Div(F64s(1.0, 1.0), F64s(-0.0, 0x1.921fb54442d18p+2)), -kInf,
             0x1.45f306dc9c883p-3);
  ExpectF64s(F64x2Sqrt(F64s(0x1p-1, 0x1.921fb54442d18p+2)), 0x1.6a09e667f3bcdp-1,
             0x1.40d931ff62705p+1);
  ExpectF64s(F64x2Sqrt(F64s(-0.0, kInf)), -0.0, kInf);
  ExpectCanonicalF64s(F64x2Sqrt(F64s(-1.0, D(kNegNan))));
  ExpectArithmeticF64s(F64x2Sqrt(F64s(D(kSNan))));
}

// ================================================================================================
// min, max (NaN-propagating, -0 < +0) and pmin, pmax (plain selects)
// ================================================================================================

TEST(SimdFloatTest, F32x4MinMax) {
  // Different lanes through different cases, from simd_f32x4.wast.
  const V128 a = F32s(F(kNanF), 0.0f, 0.0f, 1.0f);
  const V128 b = F32s(0.0f, F(kNegNanF), 1.0f, 0.0f);
  const V128 min = F32x4Min(a, b);
  EXPECT_TRUE(IsCanonicalNan32(Lane32(min, 0)));
  EXPECT_TRUE(IsCanonicalNan32(Lane32(min, 1)));
  EXPECT_EQ(Lane32(min, 2), Bits(0.0f));
  EXPECT_EQ(Lane32(min, 3), Bits(0.0f));
  const V128 max = F32x4Max(a, b);
  EXPECT_TRUE(IsCanonicalNan32(Lane32(max, 0)));
  EXPECT_TRUE(IsCanonicalNan32(Lane32(max, 1)));
  EXPECT_EQ(Lane32(max, 2), Bits(1.0f));
  EXPECT_EQ(Lane32(max, 3), Bits(1.0f));
  // Signed zeros in both orders, subnormals and infinities.
  const V128 c = F32s(0.0f, -0.0f, 0.0f, -kInfF);
  const V128 d = F32s(-0.0f, 0.0f, 0x1p-149f, kInfF);
  ExpectF32s(F32x4Min(c, d), -0.0f, -0.0f, 0.0f, -kInfF);
  ExpectF32s(F32x4Max(c, d), 0.0f, 0.0f, 0x1p-149f, kInfF);
  // A signalling NaN on either side gives an arithmetic NaN, never the number.
  ExpectArithmeticF32s(F32x4Min(F32s(F(kNanF)), F32s(F(kSNanF))));
  ExpectArithmeticF32s(F32x4Min(F32s(F(kSNanF)), F32s(-0.0f)));
  ExpectArithmeticF32s(F32x4Max(F32s(0.0f), F32s(F(kNegSNanF))));
}

TEST(SimdFloatTest, F64x2MinMax) {
  ExpectF64s(F64x2Min(F64s(0.0, -0.0), F64s(-0.0, 0.0)), -0.0, -0.0);
  ExpectF64s(F64x2Max(F64s(0.0, -0.0), F64s(-0.0, 0.0)), 0.0, 0.0);
  ExpectF64s(F64x2Min(F64s(-kInf, 1.0), F64s(kInf, 0x0.0000000000001p-1022)), -kInf,
             0x0.0000000000001p-1022);
  ExpectF64s(F64x2Max(F64s(-kInf, 1.0), F64s(kInf, 0x0.0000000000001p-1022)), kInf, 1.0);
  ExpectCanonicalF64s(F64x2Min(F64s(D(kNan), 0.0), F64s(0.0, D(kNegNan))));
  ExpectCanonicalF64s(F64x2Max(F64s(D(kNan), 0.0), F64s(0.0, D(kNegNan))));
  ExpectArithmeticF64s(F64x2Max(F64s(D(kSNan)), F64s(0.0)));
  ExpectArithmeticF64s(F64x2Min(F64s(1.0), F64s(D(kSNan))));
}

TEST(SimdFloatTest, F32x4PminPmax) {
  // A NaN in {a} is returned as is (not quieted); a NaN in {b} is never chosen.
  ExpectI32s(F32x4Pmin(F32s(F(kNanF), 1.0f, F(kNegNanF), F(kSNanF)),
                       F32s(1.0f, F(kNanF), F(kSNanF), 0.0f)),
             kNanF, Bits(1.0f), kNegNanF, kSNanF);
  ExpectI32s(F32x4Pmax(F32s(F(kNanF), 1.0f, F(kNegNanF), F(kSNanF)),
                       F32s(1.0f, F(kNanF), F(kSNanF), 0.0f)),
             kNanF, Bits(1.0f), kNegNanF, kSNanF);
  // Zeros compare equal, so {a} is returned; otherwise the smaller or larger.
  ExpectF32s(F32x4Pmin(F32s(0.0f, -0.0f, -kInfF, 1.0f), F32s(-0.0f, 0.0f, kInfF, -1.0f)), 0.0f,
             -0.0f, -kInfF, -1.0f);
  ExpectF32s(F32x4Pmax(F32s(0.0f, -0.0f, -kInfF, 1.0f), F32s(-0.0f, 0.0f, kInfF, -1.0f)), 0.0f,
             -0.0f, kInfF, 1.0f);
}

TEST(SimdFloatTest, F64x2PminPmax) {
  EXPECT_EQ(Lane64(F64x2Pmin(F64s(D(kNan), 1.0), F64s(1.0, D(kNegNan))), 0), kNan);
  EXPECT_EQ(Lane64(F64x2Pmin(F64s(D(kNan), 1.0), F64s(1.0, D(kNegNan))), 1), Bits(1.0));
  EXPECT_EQ(Lane64(F64x2Pmax(F64s(D(kNan), 1.0), F64s(1.0, D(kNegNan))), 0), kNan);
  EXPECT_EQ(Lane64(F64x2Pmax(F64s(D(kNan), 1.0), F64s(1.0, D(kNegNan))), 1), Bits(1.0));
  ExpectF64s(F64x2Pmin(F64s(0.0, -1.0), F64s(-0.0, -kInf)), 0.0, -kInf);
  ExpectF64s(F64x2Pmax(F64s(0.0, -1.0), F64s(-0.0, -kInf)), 0.0, -1.0);
  EXPECT_EQ(Lane64(F64x2Pmax(F64s(D(kSNan), 0.0), F64s(1.0, 0.0)), 0), kSNan);
}

// ================================================================================================
// Rounding
// ================================================================================================

TEST(SimdFloatTest, F32x4Rounding) {
  const V128 x = F32s(-0x1p-1f, 0x1p-1f, 0x1p-149f, -0x1p-149f);
  ExpectF32s(F32x4Ceil(x), -0.0f, 1.0f, 1.0f, -0.0f);
  ExpectF32s(F32x4Floor(x), -1.0f, 0.0f, 0.0f, -1.0f);
  ExpectF32s(F32x4Trunc(x), -0.0f, 0.0f, 0.0f, -0.0f);
  ExpectF32s(F32x4Nearest(x), -0.0f, 0.0f, 0.0f, -0.0f);  // +-0.5 ties to the even zero.
  const V128 y = F32s(0x1.921fb6p+2f, -0x1.921fb6p+2f, 0x1.fffffep+127f, -kInfF);
  ExpectF32s(F32x4Ceil(y), 7.0f, -6.0f, 0x1.fffffep+127f, -kInfF);
  ExpectF32s(F32x4Floor(y), 6.0f, -7.0f, 0x1.fffffep+127f, -kInfF);
  ExpectF32s(F32x4Trunc(y), 6.0f, -6.0f, 0x1.fffffep+127f, -kInfF);
  ExpectF32s(F32x4Nearest(y), 6.0f, -6.0f, 0x1.fffffep+127f, -kInfF);
  // Ties to even away from zero (spec definition of {nearest}), and the largest non-integer.
  ExpectF32s(F32x4Nearest(F32s(1.5f, 2.5f, -2.5f, 0x1.fffffep+22f)), 2.0f, 2.0f, -2.0f,
             0x1p+23f);
  ExpectCanonicalF32s(F32x4Ceil(F32s(F(kNegNanF))));
  ExpectCanonicalF32s(F32x4Nearest(F32s(F(kNanF))));
  ExpectArithmeticF32s(F32x4Floor(F32s(F(kSNanF))));
  ExpectArithmeticF32s(F32x4Trunc(F32s(F(kNegSNanF))));
}

TEST(SimdFloatTest, F64x2Rounding) {
  const V128 x = F64s(-0x1p-1, 0x1p-1);
  ExpectF64s(F64x2Ceil(x), -0.0, 1.0);
  ExpectF64s(F64x2Floor(x), -1.0, 0.0);
  ExpectF64s(F64x2Trunc(x), -0.0, 0.0);
  ExpectF64s(F64x2Nearest(x), -0.0, 0.0);
  const V128 y = F64s(0x1.921fb54442d18p+2, -0x1.921fb54442d18p+2);
  ExpectF64s(F64x2Ceil(y), 7.0, -6.0);
  ExpectF64s(F64x2Floor(y), 6.0, -7.0);
  ExpectF64s(F64x2Trunc(y), 6.0, -6.0);
  ExpectF64s(F64x2Nearest(y), 6.0, -6.0);
  ExpectF64s(F64x2Ceil(F64s(0x1.fffffffffffffp+1023, -0x0.0000000000001p-1022)),
             0x1.fffffffffffffp+1023, -0.0);
  ExpectF64s(F64x2Nearest(F64s(4.5, 0x1.fffffffffffffp+51)), 4.0, 0x1p+52);
  ExpectArithmeticF64s(F64x2Nearest(F64s(D(kSNan))));
  ExpectArithmeticF64s(F64x2Floor(F64s(D(kSNan))));
  ExpectCanonicalF64s(F64x2Trunc(F64s(D(kNegNan))));
}

// ================================================================================================
// Conversions
// ================================================================================================

TEST(SimdFloatTest, F32x4ConvertI32x4) {
  ExpectF32s(F32x4ConvertI32x4S(I32s(0, 0xffff'ffffu, 0x7fff'ffffu, 0x8000'0000u)), 0.0f, -1.0f,
             2147483647.0f, -2147483648.0f);
  // 16777217 and 16777219 are ties between floats: to even.
  ExpectF32s(F32x4ConvertI32x4S(I32s(16777217u, static_cast<uint32_t>(-16777217), 16777219u,
                                     1234567890u)),
             16777216.0f, -16777216.0f, 16777220.0f, 0x1.26580cp+30f);
  ExpectF32s(F32x4ConvertI32x4U(I32s(0, 0xffff'ffffu, 0x7fff'ffffu, 0x8000'0000u)), 0.0f,
             4294967295.0f, 2147483647.0f, 2147483648.0f);
  ExpectF32s(F32x4ConvertI32x4U(I32s(0x8000'0080u, 0x8000'0081u, 0xffff'fe80u, 0xffff'fe81u)),
             0x1p+31f, 0x1.000002p+31f, 0x1.fffffcp+31f, 0x1.fffffep+31f);
  ExpectF32s(F32x4ConvertI32x4U(I32s(0x90ab'cdefu)), 2427178496.0f);
}

TEST(SimdFloatTest, F64x2ConvertLowI32x4) {
  // Only the low two lanes are read.
  ExpectF64s(F64x2ConvertLowI32x4S(I32s(0xffff'ffffu, 0x8000'0000u, 5, 6)), -1.0,
             -2147483648.0);
  ExpectF64s(F64x2ConvertLowI32x4S(I32s(2147483647u, 987654321u, 0, 0)), 2147483647.0,
             987654321.0);
  ExpectF64s(F64x2ConvertLowI32x4U(I32s(0xffff'ffffu, 0x8000'0000u, 5, 6)), 4294967295.0,
             2147483648.0);
  ExpectF64s(F64x2ConvertLowI32x4U(I32s(1, 0, 0xffff'ffffu, 0xffff'ffffu)), 1.0, 0.0);
}

TEST(SimdFloatTest, I32x4TruncSatF32x4) {
  ExpectI32s(I32x4TruncSatF32x4S(F32s(-1.5f, -1.9f, -0x1.921fb6p+2f, 0x1.19999ap+0f)),
             static_cast<uint32_t>(-1), static_cast<uint32_t>(-1), static_cast<uint32_t>(-6), 1);
  ExpectI32s(I32x4TruncSatF32x4S(F32s(4294967294.0f, -2147483647.0f, -kInfF, F(0x7fc4'4444u))),
             0x7fff'ffffu, 0x8000'0000u, 0x8000'0000u, 0);  // nan:0x444444 gives 0.
  ExpectI32s(I32x4TruncSatF32x4S(F32s(-2147483520.0f, -0x1p-1f, 0x1.fffffep+127f, -42.0f)),
             static_cast<uint32_t>(-2147483520), 0, 0x7fff'ffffu, static_cast<uint32_t>(-42));
  ExpectI32s(I32x4TruncSatF32x4U(F32s(-1.5f, 4294967294.0f, 4294967296.0f, 0x1.19999ap+0f)), 0,
             0xffff'ffffu, 0xffff'ffffu, 1);
  ExpectI32s(I32x4TruncSatF32x4U(F32s(-0x1.fffffep-1f, -kInfF, F(kNanF), 0x1.ccccccp-1f)), 0);
}

TEST(SimdFloatTest, I32x4TruncSatF64x2Zero) {
  // Two lanes converted, the upper two zero.
  ExpectI32s(I32x4TruncSatF64x2SZero(F64s(-1.9, -2147483647.0)), static_cast<uint32_t>(-1),
             static_cast<uint32_t>(-2147483647), 0, 0);
  ExpectI32s(I32x4TruncSatF64x2SZero(F64s(4294967296.0, -kInf)), 0x7fff'ffffu, 0x8000'0000u, 0,
             0);
  ExpectI32s(I32x4TruncSatF64x2SZero(F64s(D(0x7ff0'0000'0044'4444u), -0x1.921fb6p+2)), 0,
             static_cast<uint32_t>(-6), 0, 0);
  ExpectI32s(I32x4TruncSatF64x2UZero(F64s(4294967294.0, 4294967296.0)), 4294967294u,
             0xffff'ffffu, 0, 0);
  ExpectI32s(I32x4TruncSatF64x2UZero(F64s(-1.5, 0x1.19999ap+0)), 0, 1, 0, 0);
  ExpectI32s(I32x4TruncSatF64x2UZero(F64s(D(kNan), 0x1.fffffep+127)), 0, 0xffff'ffffu, 0, 0);
}

TEST(SimdFloatTest, F32x4DemoteF64x2Zero) {
  ExpectF32s(F32x4DemoteF64x2Zero(F64s(-0.0, -0x0.0000000000001p-1022)), -0.0f, -0.0f, 0.0f,
             0.0f);
  // Round to nearest even at the float boundary, overflow only from halfway past FLT_MAX.
  ExpectF32s(F32x4DemoteF64x2Zero(F64s(0x1.fffffd0000000p+127, 0x1.fffffd0000001p+127)),
             0x1.fffffcp+127f, 0x1.fffffep+127f, 0.0f, 0.0f);
  ExpectF32s(F32x4DemoteF64x2Zero(F64s(0x1.fffffefffffffp+127, -0x1.ffffffp+127)),
             0x1.fffffep+127f, -kInfF, 0.0f, 0.0f);
  ExpectF32s(F32x4DemoteF64x2Zero(F64s(0x1.0000010000000p+0, 0x1.0000030000000p+0)), 1.0f,
             0x1.000004p+0f, 0.0f, 0.0f);
  ExpectF32s(F32x4DemoteF64x2Zero(F64s(0x1.fffffe0000000p-127, 0x1.0000000000001p-150)),
             0x1p-126f, 0x1p-149f, 0.0f, 0.0f);
  ExpectF32s(F32x4DemoteF64x2Zero(F64s(-0x1.0p-150, -0x1.6972b30cfb562p+1)), -0.0f,
             -0x1.6972b4p+1f, 0.0f, 0.0f);
  const V128 nans = F32x4DemoteF64x2Zero(F64s(D(kNegNan), D(kSNan)));
  EXPECT_TRUE(IsCanonicalNan32(Lane32(nans, 0)));
  EXPECT_TRUE(IsArithmeticNan32(Lane32(nans, 1)));
  EXPECT_EQ(Lane32(nans, 2), 0u);
  EXPECT_EQ(Lane32(nans, 3), 0u);
}

TEST(SimdFloatTest, F64x2PromoteLowF32x4) {
  // Only the low two lanes are read; exact for numbers.
  ExpectF64s(F64x2PromoteLowF32x4(F32s(-0.0f, 0x1p-149f, 7.0f, 8.0f)), -0.0, 0x1p-149);
  ExpectF64s(F64x2PromoteLowF32x4(F32s(0x1.fffffep+127f, -kInfF, 0.0f, 0.0f)),
             0x1.fffffep+127, -kInf);
  ExpectF64s(F64x2PromoteLowF32x4(F32s(0x1.8f867ep+125f, 0x1p-119f, 0.0f, 0.0f)),
             6.6382536710104395e+37, 0x1p-119);
  const V128 nans = F64x2PromoteLowF32x4(F32s(F(kNegNanF), F(kNegSNanF), 0.0f, 0.0f));
  EXPECT_TRUE(IsCanonicalNan64(Lane64(nans, 0)));
  EXPECT_TRUE(IsArithmeticNan64(Lane64(nans, 1)));
  EXPECT_FALSE(IsCanonicalNan64(Lane64(nans, 1)));
}

}  // namespace
}  // namespace wasmscope::internal::simd
