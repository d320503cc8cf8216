#include "binary/disassembler.h"

#include <gtest/gtest.h>

#include "binary/decoder.h"

namespace wasmscope::internal {
namespace {

TEST(Disassembler, ListsInstructionsWithOffsetsAndDepth) {
  const std::vector<uint8_t> bytes = {
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
      0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f,        // type (i32) -> i32
      0x03, 0x02, 0x01, 0x00,                                // func 0: type 0
      0x05, 0x03, 0x01, 0x00, 0x01,                          // memory 1
      0x0a, 0x0f, 0x01, 0x0d, 0x00,                          // code: 1 body, 13 bytes, 0 locals
      0x02, 0x7f, 0x20, 0x00, 0x41, 0x7e, 0x6a, 0x0b,        // block/local.get/i32.const/add/end
      0x28, 0x00, 0x08,                                      // i32.load offset=8 align=1
      0x0b,                                                  // end
  };
  auto module = decode_module(bytes);
  ASSERT_TRUE(module.ok()) << module.error().to_string();
  std::string text;
  ASSERT_TRUE(disassemble(*module, module->functions[0].code, &text).ok());
  EXPECT_EQ(text,
            "0000001e:   block (result i32)\n"
            "00000020:     local.get 0\n"
            "00000022:     i32.const -2\n"
            "00000024:     i32.add\n"
            "00000025:   end\n"
            "00000026:   i32.load offset=8 align=1\n"
            "00000029: end\n");
}

}  // namespace
}  // namespace wasmscope::internal
