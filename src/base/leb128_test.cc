#include "base/leb128.h"

#include <gtest/gtest.h>

#include <vector>

namespace wasmscope::internal {
namespace {

struct ULebCase {
  std::vector<uint8_t> bytes;
  unsigned bits;
  LebStatus status;
  uint64_t value;
  size_t length;
};

TEST(Leb128, UnsignedCases) {
  const ULebCase cases[] = {
      {{0x00}, 32, LebStatus::kOk, 0, 1},
      {{0x7f}, 32, LebStatus::kOk, 127, 1},
      {{0x80, 0x01}, 32, LebStatus::kOk, 128, 2},
      {{0xe5, 0x8e, 0x26}, 32, LebStatus::kOk, 624485, 3},
      // Zero padded to the maximum length is allowed.
      {{0x80, 0x80, 0x80, 0x80, 0x00}, 32, LebStatus::kOk, 0, 5},
      {{0xff, 0xff, 0xff, 0xff, 0x0f}, 32, LebStatus::kOk, 0xffffffffu, 5},
      // The fifth byte of a u32 may only carry four bits.
      {{0xff, 0xff, 0xff, 0xff, 0x1f}, 32, LebStatus::kTooLarge, 0, 0},
      {{0x80, 0x80, 0x80, 0x80, 0x70}, 32, LebStatus::kTooLarge, 0, 0},
      // A sixth byte is too long, whatever it holds.
      {{0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, 32, LebStatus::kTooLong, 0, 0},
      {{0x80, 0x80}, 32, LebStatus::kUnexpectedEnd, 0, 0},
      {{}, 32, LebStatus::kUnexpectedEnd, 0, 0},
      {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, 64, LebStatus::kOk,
       0xffffffffffffffffull, 10},
      {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02}, 64, LebStatus::kTooLarge, 0,
       0},
      {{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, 64,
       LebStatus::kTooLong, 0, 0},
  };
  for (const ULebCase& c : cases) {
    uint64_t value = 12345;
    size_t length = 99;
    const LebStatus s = read_uleb(c.bytes.data(), c.bytes.data() + c.bytes.size(), c.bits,
                                  &value, &length);
    EXPECT_EQ(s, c.status) << "case with " << c.bytes.size() << " bytes";
    if (s == LebStatus::kOk) {
      EXPECT_EQ(value, c.value);
      EXPECT_EQ(length, c.length);
    }
  }
}

struct SLebCase {
  std::vector<uint8_t> bytes;
  unsigned bits;
  LebStatus status;
  int64_t value;
};

TEST(Leb128, SignedCases) {
  const SLebCase cases[] = {
      {{0x00}, 32, LebStatus::kOk, 0},
      {{0x7f}, 32, LebStatus::kOk, -1},
      {{0x3f}, 32, LebStatus::kOk, 63},
      {{0x40}, 32, LebStatus::kOk, -64},
      {{0xc0, 0xbb, 0x78}, 32, LebStatus::kOk, -123456},
      {{0xff, 0xff, 0xff, 0xff, 0x07}, 32, LebStatus::kOk, INT32_MAX},
      {{0x80, 0x80, 0x80, 0x80, 0x78}, 32, LebStatus::kOk, INT32_MIN},
      {{0xff, 0xff, 0xff, 0xff, 0x7f}, 32, LebStatus::kOk, -1},
      // Unused bits of the last byte must repeat the sign bit.
      {{0xff, 0xff, 0xff, 0xff, 0x0f}, 32, LebStatus::kTooLarge, 0},
      {{0x80, 0x80, 0x80, 0x80, 0x70}, 32, LebStatus::kTooLarge, 0},
      {{0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}, 32, LebStatus::kTooLong, 0},
      // s33 block types: a fifth byte may carry five bits.
      {{0xff, 0xff, 0xff, 0xff, 0x0f}, 33, LebStatus::kOk, 0xffffffffll},
      {{0xff, 0xff, 0xff, 0xff, 0x1f}, 33, LebStatus::kTooLarge, 0},
      {{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f}, 64, LebStatus::kOk,
       INT64_MIN},
      {{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}, 64, LebStatus::kTooLarge, 0},
      {{0x80}, 64, LebStatus::kUnexpectedEnd, 0},
  };
  for (const SLebCase& c : cases) {
    int64_t value = 12345;
    size_t length = 0;
    const LebStatus s = read_sleb(c.bytes.data(), c.bytes.data() + c.bytes.size(), c.bits,
                                  &value, &length);
    EXPECT_EQ(s, c.status) << "case with " << c.bytes.size() << " bytes, value " << c.value;
    if (s == LebStatus::kOk) {
      EXPECT_EQ(value, c.value);
      EXPECT_EQ(length, c.bytes.size());
    }
  }
}

TEST(Leb128, WriteThenReadRoundTrips) {
  const int64_t values[] = {0, 1, -1, 63, 64, -64, -65, 127, 128, INT32_MAX, INT32_MIN,
                            INT64_MAX, INT64_MIN, 624485, -123456};
  for (int64_t v : values) {
    uint8_t buf[10];
    const size_t n = write_sleb(v, buf);
    int64_t back;
    size_t length;
    ASSERT_EQ(read_sleb(buf, buf + n, 64, &back, &length), LebStatus::kOk);
    EXPECT_EQ(back, v);
    EXPECT_EQ(length, n);
    const uint64_t u = static_cast<uint64_t>(v);
    const size_t un = write_uleb(u, buf);
    uint64_t uback;
    ASSERT_EQ(read_uleb(buf, buf + un, 64, &uback, &length), LebStatus::kOk);
    EXPECT_EQ(uback, u);
  }
  uint8_t buf[10];
  EXPECT_EQ(write_uleb(624485, buf), 3u);
  EXPECT_EQ(buf[0], 0xe5);
  EXPECT_EQ(buf[1], 0x8e);
  EXPECT_EQ(buf[2], 0x26);
}

}  // namespace
}  // namespace wasmscope::internal
