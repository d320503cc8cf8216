#include "binary/instr_reader.h"

#include <gtest/gtest.h>

#include <vector>

namespace wasmscope::internal {
namespace {

using Bytes = std::vector<uint8_t>;

Result<void> read_one(const Bytes& code, Instr* out, Features features = Features()) {
  InstrReader r(code.data(), 0, static_cast<uint32_t>(code.size()), features);
  return r.next(out);
}

TEST(InstrReader, PlainAndPrefixedOpcodes) {
  Instr in;
  ASSERT_TRUE(read_one({0x6a}, &in).ok());
  EXPECT_EQ(in.op, Op::I32Add);
  ASSERT_TRUE(read_one({0xfc, 0x00}, &in).ok());
  EXPECT_EQ(in.op, Op::I32TruncSatF32S);
  // The prefixed code is a u32 LEB: a padded encoding is still the same opcode.
  ASSERT_TRUE(read_one({0xfc, 0x80, 0x00}, &in).ok());
  EXPECT_EQ(in.op, Op::I32TruncSatF32S);
  ASSERT_TRUE(read_one({0xfd, 0xae, 0x01}, &in).ok());  // i32x4.add = 0xae
  EXPECT_EQ(in.op, Op::I32x4Add);
  ASSERT_TRUE(read_one({0xfe, 0x00, 0x02, 0x00}, &in).ok());
  EXPECT_EQ(in.op, Op::MemoryAtomicNotify);
  EXPECT_EQ(in.mem.align_log2, 2u);
}

TEST(InstrReader, UnknownOrDisabledOpcodesAreIllegal) {
  Instr in;
  // 0x16 and 0xd3: unassigned one-byte opcodes (0x14 is call_ref now).
  for (const Bytes& code : {Bytes{0xff}, Bytes{0x16}, Bytes{0xd3}, Bytes{0xfc, 0x7f},
                            Bytes{0xfd, 0xff, 0x7f}}) {
    auto r = read_one(code, &in);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message, "illegal opcode");
  }
  Features no_simd;
  no_simd.disable(Feature::kSimd);
  EXPECT_FALSE(read_one({0xfd, 0xae, 0x01}, &in, no_simd).ok());
  Features no_funcrefs;
  no_funcrefs.disable(Feature::kFuncRefs);
  EXPECT_FALSE(read_one({0x14, 0x00}, &in, no_funcrefs).ok());  // call_ref 0
  EXPECT_TRUE(read_one({0x14, 0x00}, &in).ok());
  EXPECT_EQ(in.op, Op::CallRef);
}

TEST(InstrReader, TypedReferenceImmediates) {
  Instr in;
  // block (result (ref null 2)): 0x63 then the heap type as an s33.
  ASSERT_TRUE(read_one({0x02, 0x63, 0x02}, &in).ok());
  EXPECT_EQ(in.block.kind, BlockType::Kind::kValType);
  EXPECT_EQ(in.block.type, ValType::ref(ValType::kFuncRef, true, 2));
  // block (result (ref func)).
  ASSERT_TRUE(read_one({0x02, 0x64, 0x70}, &in).ok());
  EXPECT_EQ(in.block.type, ValType::ref(ValType::kFuncRef, false));
  // ref.null 64: an s33 of two bytes (bit 6 of one byte would be the sign).
  ASSERT_TRUE(read_one({0xd0, 0xc0, 0x00}, &in).ok());
  EXPECT_EQ(in.type, ValType::ref(ValType::kFuncRef, true, 64));
  // ref.null noexn is a null exnref.
  ASSERT_TRUE(read_one({0xd0, 0x74}, &in).ok());
  EXPECT_EQ(in.type, ValType(ValType::kExnRef));
  // select (result (ref 5)).
  ASSERT_TRUE(read_one({0x1c, 0x01, 0x64, 0x05}, &in).ok());
  ASSERT_EQ(in.types.size(), 1u);
  EXPECT_EQ(in.types[0], ValType::ref(ValType::kFuncRef, false, 5));
  // call_ref 3, br_on_non_null 1.
  ASSERT_TRUE(read_one({0x14, 0x03}, &in).ok());
  EXPECT_EQ(in.index, 3u);
  ASSERT_TRUE(read_one({0xd6, 0x01}, &in).ok());
  EXPECT_EQ(in.op, Op::BrOnNonNull);
  EXPECT_EQ(in.index, 1u);
  // Garbage collection's heap types (any = 0x6e) are not read; nor is a heap type cut short.
  EXPECT_FALSE(read_one({0x02, 0x64, 0x6e}, &in).ok());
  EXPECT_FALSE(read_one({0x02, 0x63}, &in).ok());
  EXPECT_FALSE(read_one({0x02, 0x63, 0x80}, &in).ok());
}

TEST(InstrReader, Immediates) {
  Instr in;
  ASSERT_TRUE(read_one({0x41, 0x7f}, &in).ok());  // i32.const -1
  EXPECT_EQ(in.i32, -1);
  ASSERT_TRUE(read_one({0x42, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f}, &in)
                  .ok());
  EXPECT_EQ(in.i64, INT64_MIN);
  ASSERT_TRUE(read_one({0x43, 0x00, 0x00, 0x80, 0x3f}, &in).ok());  // f32.const 1.0
  EXPECT_EQ(in.f32_bits, 0x3f800000u);
  ASSERT_TRUE(read_one({0x0e, 0x02, 0x00, 0x01, 0x02}, &in).ok());  // br_table 0 1 (default 2)
  ASSERT_EQ(in.targets.size(), 2u);
  EXPECT_EQ(in.targets[1], 1u);
  EXPECT_EQ(in.index, 2u);
  ASSERT_TRUE(read_one({0x11, 0x03, 0x01}, &in).ok());  // call_indirect type 3 table 1
  EXPECT_EQ(in.index, 3u);
  EXPECT_EQ(in.index2, 1u);
  ASSERT_TRUE(read_one({0x02, 0x7e}, &in).ok());  // block (result i64)
  EXPECT_EQ(in.block.kind, BlockType::Kind::kValType);
  EXPECT_EQ(in.block.type, ValType::kI64);
  ASSERT_TRUE(read_one({0x02, 0x05}, &in).ok());  // block (type 5)
  EXPECT_EQ(in.block.kind, BlockType::Kind::kTypeIndex);
  EXPECT_EQ(in.block.index, 5u);
  ASSERT_TRUE(read_one({0x1c, 0x01, 0x7d}, &in).ok());  // select (result f32)
  ASSERT_EQ(in.types.size(), 1u);
  EXPECT_EQ(in.types[0], ValType::kF32);
  ASSERT_TRUE(read_one({0xd0, 0x6f}, &in).ok());  // ref.null extern
  EXPECT_EQ(in.type, ValType::kExternRef);
  ASSERT_TRUE(read_one({0xfd, 0x15, 0x03}, &in).ok());  // i8x16.extract_lane_s 3
  EXPECT_EQ(in.lane, 3);
  ASSERT_TRUE(read_one({0xfd, 0x54, 0x00, 0x10, 0x07}, &in).ok());  // v128.load8_lane
  EXPECT_EQ(in.mem.offset, 16u);
  EXPECT_EQ(in.lane, 7);
}

TEST(InstrReader, MalformedImmediates) {
  Instr in;
  EXPECT_FALSE(read_one({0x41}, &in).ok());                         // i32.const, no value
  EXPECT_FALSE(read_one({0x41, 0x80, 0x80, 0x80, 0x80, 0x70}, &in).ok());  // s32 too large
  EXPECT_FALSE(read_one({0x43, 0x00, 0x00}, &in).ok());             // short f32
  EXPECT_FALSE(read_one({0xd0, 0x7f}, &in).ok());                   // ref.null i32
  EXPECT_FALSE(read_one({0x02, 0x50}, &in).ok());                   // bad block type
  EXPECT_FALSE(read_one({0x0e, 0xff, 0xff, 0xff, 0xff, 0x0f}, &in).ok());  // huge br_table
  Features v2;
  v2.disable(Feature::kMultiMemory);
  EXPECT_FALSE(read_one({0xfc, 0x0b, 0x01}, &in, v2).ok());  // memory.fill 1 in 2.0
  EXPECT_FALSE(read_one({0x28, 0x80, 0x01, 0x00}, &in).ok());       // memop flags 0x80
  EXPECT_FALSE(read_one({0x28, 0x40}, &in).ok());                   // memory index missing
}

TEST(InstrReader, MemoryIndices) {
  Instr in;
  ASSERT_TRUE(read_one({0xfc, 0x0b, 0x01}, &in).ok());  // memory.fill 1
  EXPECT_EQ(in.mem.memory, 1u);
  ASSERT_TRUE(read_one({0x28, 0x42, 0x83, 0x01, 0x04}, &in).ok());  // i32.load memory 131
  EXPECT_EQ(in.mem.align_log2, 2u);
  EXPECT_EQ(in.mem.memory, 131u);
  EXPECT_EQ(in.mem.offset, 4u);
  ASSERT_TRUE(read_one({0x28, 0x02, 0x04}, &in).ok());  // memory 0 again
  EXPECT_EQ(in.mem.memory, 0u);
  ASSERT_TRUE(read_one({0xfc, 0x0a, 0x02, 0x03}, &in).ok());  // memory.copy 2 3
  EXPECT_EQ(in.mem.memory, 2u);
  EXPECT_EQ(in.index2, 3u);
  ASSERT_TRUE(read_one({0xfc, 0x08, 0x05, 0x01}, &in).ok());  // memory.init data 5, memory 1
  EXPECT_EQ(in.index, 5u);
  EXPECT_EQ(in.mem.memory, 1u);
  // 2.0: bit 6 is part of the alignment (the validator rejects it), no index follows.
  Features v2;
  v2.disable(Feature::kMultiMemory);
  ASSERT_TRUE(read_one({0x28, 0x42, 0x04}, &in, v2).ok());
  EXPECT_EQ(in.mem.align_log2, 0x42u);
  EXPECT_EQ(in.mem.memory, 0u);
}

}  // namespace
}  // namespace wasmscope::internal
