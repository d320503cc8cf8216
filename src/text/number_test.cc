#include "text/number.h"

#include <gtest/gtest.h>

namespace wasmscope::internal {
namespace {

uint64_t int_ok(std::string_view text, unsigned bits) {
  uint64_t v = 0;
  EXPECT_EQ(parse_int(text, bits, &v), NumStatus::kOk) << text;
  return v;
}

NumStatus int_status(std::string_view text, unsigned bits) {
  uint64_t v = 0;
  return parse_int(text, bits, &v);
}

uint32_t f32_ok(std::string_view text) {
  uint32_t v = 0;
  EXPECT_EQ(parse_f32(text, &v), NumStatus::kOk) << text;
  return v;
}

uint64_t f64_ok(std::string_view text) {
  uint64_t v = 0;
  EXPECT_EQ(parse_f64(text, &v), NumStatus::kOk) << text;
  return v;
}

NumStatus f32_status(std::string_view text) {
  uint32_t v = 0;
  return parse_f32(text, &v);
}

NumStatus f64_status(std::string_view text) {
  uint64_t v = 0;
  return parse_f64(text, &v);
}

TEST(Number, IntegerBoundaries) {
  EXPECT_EQ(int_ok("4294967295", 32), 0xffffffffu);
  EXPECT_EQ(int_ok("-2147483648", 32), 0x80000000u);
  EXPECT_EQ(int_ok("-1", 32), 0xffffffffu);
  EXPECT_EQ(int_ok("+0x7fff_ffff", 32), 0x7fffffffu);
  EXPECT_EQ(int_status("4294967296", 32), NumStatus::kOutOfRange);
  EXPECT_EQ(int_status("-2147483649", 32), NumStatus::kOutOfRange);
  EXPECT_EQ(int_status("0x1_0000_0000", 32), NumStatus::kOutOfRange);
  EXPECT_EQ(int_ok("18446744073709551615", 64), UINT64_MAX);
  EXPECT_EQ(int_ok("-9223372036854775808", 64), 0x8000000000000000u);
  EXPECT_EQ(int_ok("0xFFFF_ffff_FFFF_ffff", 64), UINT64_MAX);
  EXPECT_EQ(int_status("18446744073709551616", 64), NumStatus::kOutOfRange);
  EXPECT_EQ(int_status("-9223372036854775809", 64), NumStatus::kOutOfRange);
  EXPECT_EQ(int_status("0x1_0000_0000_0000_0000", 64), NumStatus::kOutOfRange);
  EXPECT_EQ(int_ok("255", 8), 0xffu);
  EXPECT_EQ(int_ok("-128", 8), 0x80u);
  EXPECT_EQ(int_status("256", 8), NumStatus::kOutOfRange);
  EXPECT_EQ(int_status("-129", 8), NumStatus::kOutOfRange);
}

TEST(Number, IntegerSyntax) {
  EXPECT_EQ(int_ok("1_000_000", 32), 1000000u);
  for (const char* bad : {"", "-", "+", "_1", "1_", "1__0", "0x", "0x_1", "0xg", "1x", "--1", "+-1",
                          "1.0", "0X10", "١"}) {
    EXPECT_EQ(int_status(bad, 32), NumStatus::kSyntax) << bad;
  }
  uint64_t v = 0;
  EXPECT_EQ(parse_unsigned("+1", UINT32_MAX, &v), NumStatus::kSyntax);
  EXPECT_EQ(parse_unsigned("-0", UINT32_MAX, &v), NumStatus::kSyntax);
  EXPECT_EQ(parse_unsigned("0x1_0000_0000", UINT32_MAX, &v), NumStatus::kOutOfRange);
  EXPECT_EQ(parse_unsigned("99999999999999999999999", UINT64_MAX, &v), NumStatus::kOutOfRange);
  EXPECT_EQ(parse_unsigned("0xffffffff", UINT32_MAX, &v), NumStatus::kOk);
  EXPECT_EQ(v, 0xffffffffu);
}

TEST(Number, F32Decimal) {
  EXPECT_EQ(f32_ok("1.5"), 0x3fc00000u);
  EXPECT_EQ(f32_ok("-0"), 0x80000000u);
  EXPECT_EQ(f32_ok("1"), 0x3f800000u);
  EXPECT_EQ(f32_ok("1."), 0x3f800000u);
  EXPECT_EQ(f32_ok("1.e1"), 0x41200000u);
  EXPECT_EQ(f32_ok("1_0.0_0E+0_1"), 0x42c80000u);  // 100
  EXPECT_EQ(f32_ok("3.4028235e38"), 0x7f7fffffu);
  EXPECT_EQ(f32_ok("1e-50"), 0u);
  EXPECT_EQ(f32_ok("-1e-50"), 0x80000000u);
  EXPECT_EQ(f32_ok("1.4e-45"), 1u);  // The smallest subnormal.
  EXPECT_EQ(f32_status("3.5e38"), NumStatus::kOutOfRange);
  EXPECT_EQ(f32_status("1e1000000000000"), NumStatus::kOutOfRange);
  EXPECT_EQ(f32_ok("1e-1000000000000"), 0u);
  // 1 + 2^-24 + 1e-20: above the midpoint between 1 and the next f32, so it rounds up. Rounding
  // through double first would land exactly on the midpoint and then round to even (1.0).
  EXPECT_EQ(f32_ok("1.00000005960464477539062500001"), 0x3f800001u);
  EXPECT_EQ(f32_ok("1.000000059604644775390625"), 0x3f800000u);  // The midpoint: to even.
}

TEST(Number, F32Hex) {
  EXPECT_EQ(f32_ok("0x1p-149"), 1u);
  EXPECT_EQ(f32_ok("0x1p-150"), 0u);         // Half the smallest subnormal: to even (0).
  EXPECT_EQ(f32_ok("0x1.000002p-150"), 1u);  // Just above half.
  EXPECT_EQ(f32_ok("0x1.8p-149"), 2u);       // 1.5 ulp: to even (2).
  EXPECT_EQ(f32_ok("0x1.fffffep127"), 0x7f7fffffu);
  EXPECT_EQ(f32_ok("0x1.fffffefffffffffffp127"), 0x7f7fffffu);
  EXPECT_EQ(f32_status("0x1.ffffffp127"), NumStatus::kOutOfRange);
  EXPECT_EQ(f32_status("0x1p128"), NumStatus::kOutOfRange);
  EXPECT_EQ(f32_ok("0x1.00000100000000001p0"), 0x3f800001u);  // Sticky bits round up.
  EXPECT_EQ(f32_ok("0x1.000001p0"), 0x3f800000u);             // Exact tie: to even.
  EXPECT_EQ(f32_ok("0x1.000003p0"), 0x3f800002u);             // Exact tie: to even (up).
  EXPECT_EQ(f32_ok("0xA.8P+0"), 0x41280000u);                 // 10.5
  EXPECT_EQ(f32_status("-0x.8p1"), NumStatus::kSyntax);
  EXPECT_EQ(f32_ok("0x1_0.8"), 0x41840000u);  // 16.5
  EXPECT_EQ(f32_ok("0x0p0"), 0u);
  EXPECT_EQ(f32_ok("0x0.0000000000000000000000000001p130"), 0x48800000u);  // 2^-112 * 2^130
}

TEST(Number, SpecialValues) {
  EXPECT_EQ(f32_ok("inf"), 0x7f800000u);
  EXPECT_EQ(f32_ok("-inf"), 0xff800000u);
  EXPECT_EQ(f32_ok("nan"), 0x7fc00000u);
  EXPECT_EQ(f32_ok("-nan"), 0xffc00000u);
  EXPECT_EQ(f32_ok("+nan:0x1"), 0x7f800001u);
  EXPECT_EQ(f32_ok("nan:0x7f_ffff"), 0x7fffffffu);
  EXPECT_EQ(f32_status("nan:0x0"), NumStatus::kOutOfRange);
  EXPECT_EQ(f32_status("nan:0x80_0000"), NumStatus::kOutOfRange);
  EXPECT_EQ(f32_status("nan:1"), NumStatus::kSyntax);
  EXPECT_EQ(f32_status("nan:0x"), NumStatus::kSyntax);
  EXPECT_EQ(f32_status("infinity"), NumStatus::kSyntax);
  EXPECT_EQ(f64_ok("nan"), 0x7ff8000000000000u);
  EXPECT_EQ(f64_ok("-nan:0xf_ffff_ffff_ffff"), 0xffffffffffffffffu);
  EXPECT_EQ(f64_status("nan:0x10_0000_0000_0000"), NumStatus::kOutOfRange);
  EXPECT_EQ(f64_ok("inf"), 0x7ff0000000000000u);
}

TEST(Number, F64) {
  EXPECT_EQ(f64_ok("0x1p-1074"), 1u);
  EXPECT_EQ(f64_ok("0x1p-1075"), 0u);
  EXPECT_EQ(f64_ok("0x1.8p-1074"), 2u);
  EXPECT_EQ(f64_ok("0x1.fffffffffffffp1023"), 0x7fefffffffffffffu);
  EXPECT_EQ(f64_status("0x1.fffffffffffff8p1023"), NumStatus::kOutOfRange);
  EXPECT_EQ(f64_ok("1.7976931348623157e308"), 0x7fefffffffffffffu);
  EXPECT_EQ(f64_status("1.8e308"), NumStatus::kOutOfRange);
  EXPECT_EQ(f64_ok("0.1"), 0x3fb999999999999au);
  EXPECT_EQ(f64_ok("-1_000.5"), 0xc08f440000000000u);
  EXPECT_EQ(f64_ok("4.9406564584124654e-324"), 1u);
  EXPECT_EQ(f64_status("1e"), NumStatus::kSyntax);
  EXPECT_EQ(f64_status("1e+"), NumStatus::kSyntax);
  EXPECT_EQ(f64_status(".5"), NumStatus::kSyntax);
  EXPECT_EQ(f64_status("1.5_"), NumStatus::kSyntax);
  EXPECT_EQ(f64_status("1._5"), NumStatus::kSyntax);
  EXPECT_EQ(f64_status("0x1p"), NumStatus::kSyntax);
  EXPECT_EQ(f64_status("0x1.p-_1"), NumStatus::kSyntax);
  EXPECT_EQ(f64_status("1.0x"), NumStatus::kSyntax);
}

}  // namespace
}  // namespace wasmscope::internal
