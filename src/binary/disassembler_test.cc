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

TEST(Disassembler, PrintsTypedFunctionReferences) {
  const std::vector<uint8_t> bytes = {
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
      0x01, 0x09, 0x02, 0x60, 0x00, 0x00,              // type 0: func
      0x60, 0x01, 0x63, 0x00, 0x00,                    // type 1: (param (ref null 0))
      0x03, 0x02, 0x01, 0x01,                          // func 0: type 1
      0x0a, 0x30, 0x01, 0x2e, 0x00,                    // code: 1 body, 46 bytes, 0 locals
      0x20, 0x00, 0x14, 0x00,                          // local.get 0, call_ref 0
      0x02, 0x64, 0x00,                                // block (result (ref 0))
      0x20, 0x00, 0xd6, 0x00, 0x00, 0x0b, 0x1a,        //   br_on_non_null 0, unreachable
      0x02, 0x40, 0x20, 0x00, 0xd5, 0x00, 0x1a, 0x0b,  // block, br_on_null 0, drop, end
      0xd0, 0x00, 0xd0, 0x00, 0x41, 0x01,              // ref.null 0 twice, i32.const 1
      0x1c, 0x01, 0x63, 0x00, 0x1a,                    // select (result (ref null 0)), drop
      0x20, 0x00, 0xd4, 0x1a,                          // ref.as_non_null
      0xd0, 0x70, 0x1a,                                // ref.null func
      0x20, 0x00, 0x15, 0x00,                          // return_call_ref 0
      0x0b,
  };
  auto module = decode_module(bytes);
  ASSERT_TRUE(module.ok()) << module.error().to_string();
  std::string text;
  ASSERT_TRUE(disassemble(*module, module->functions[0].code, &text).ok());
  EXPECT_EQ(text,
            "0000001c:   local.get 0\n"
            "0000001e:   call_ref 0\n"
            "00000020:   block (result (ref 0))\n"
            "00000023:     local.get 0\n"
            "00000025:     br_on_non_null 0\n"
            "00000027:     unreachable\n"
            "00000028:   end\n"
            "00000029:   drop\n"
            "0000002a:   block\n"
            "0000002c:     local.get 0\n"
            "0000002e:     br_on_null 0\n"
            "00000030:     drop\n"
            "00000031:   end\n"
            "00000032:   ref.null 0\n"
            "00000034:   ref.null 0\n"
            "00000036:   i32.const 1\n"
            "00000038:   select (result (ref null 0))\n"
            "0000003c:   drop\n"
            "0000003d:   local.get 0\n"
            "0000003f:   ref.as_non_null\n"
            "00000040:   drop\n"
            "00000041:   ref.null func\n"
            "00000043:   drop\n"
            "00000044:   local.get 0\n"
            "00000046:   return_call_ref 0\n"
            "00000048: end\n");
}

}  // namespace
}  // namespace wasmscope::internal
