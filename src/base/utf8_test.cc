#include "base/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace wasmscope::internal {
namespace {

bool valid(const std::string& s) {
  return is_valid_utf8(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

TEST(Utf8, AcceptsWellFormed) {
  EXPECT_TRUE(valid(""));
  EXPECT_TRUE(valid("hello"));
  EXPECT_TRUE(valid("\xc3\xa9"));              // U+00E9
  EXPECT_TRUE(valid("\xe2\x82\xac"));          // U+20AC
  EXPECT_TRUE(valid("\xf0\x9f\x98\x80"));      // U+1F600
  EXPECT_TRUE(valid("\xf4\x8f\xbf\xbf"));      // U+10FFFF
  EXPECT_TRUE(valid(std::string("\0", 1)));    // NUL is a character
}

TEST(Utf8, RejectsIllFormed) {
  EXPECT_FALSE(valid("\x80"));                 // lone continuation
  EXPECT_FALSE(valid("\xc3"));                 // truncated
  EXPECT_FALSE(valid("\xc0\x80"));             // overlong NUL
  EXPECT_FALSE(valid("\xe0\x80\xaf"));         // overlong
  EXPECT_FALSE(valid("\xed\xa0\x80"));         // surrogate U+D800
  EXPECT_FALSE(valid("\xf4\x90\x80\x80"));     // U+110000
  EXPECT_FALSE(valid("\xf8\x88\x80\x80\x80")); // five-byte form
  EXPECT_FALSE(valid("\xe2\x28\xa1"));         // bad continuation
  EXPECT_FALSE(valid("\xff"));
}

TEST(Utf8, ReplacesIllFormedBytes) {
  EXPECT_EQ(replace_invalid_utf8(""), "");
  EXPECT_EQ(replace_invalid_utf8("h\xc3\xa9llo"), "h\xc3\xa9llo");  // kept as it is
  EXPECT_EQ(replace_invalid_utf8("a\xff" "b"), "a\xef\xbf\xbd" "b");
  // Each byte that starts no sequence is replaced on its own.
  EXPECT_EQ(replace_invalid_utf8("\xc0\x80"), "\xef\xbf\xbd\xef\xbf\xbd");
  EXPECT_EQ(replace_invalid_utf8("x\xe2\x82"), "x\xef\xbf\xbd\xef\xbf\xbd");  // truncated
  EXPECT_EQ(replace_invalid_utf8("\xed\xa0\x80"),
            "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");  // surrogate
}

}  // namespace
}  // namespace wasmscope::internal
