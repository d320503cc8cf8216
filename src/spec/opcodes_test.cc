#include "spec/opcodes.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <utility>

namespace wasmscope::internal {
namespace {

/// Each row as the preprocessor sees it, independent of {opcodes.cc}: the stringized enumerator
/// name next to the {Op} it produced.
struct RawRow {
  std::string_view name;
  Op op;
};
constexpr RawRow kRawRows[] = {
#define WASM_OP(prefix, code, name, text, imm, params, results, feature, arg) {#name, Op::name},
#include "spec/opcodes.def"
#undef WASM_OP
};
static_assert(std::size(kRawRows) == kOpCount);

Op op_at(unsigned i) { return static_cast<Op>(i); }

Op by_text(std::string_view text) {
  Op op = Op::kCount;
  EXPECT_TRUE(find_op_by_text(text, &op)) << text;
  return op;
}

unsigned count_prefix(uint8_t prefix) {
  unsigned n = 0;
  for (unsigned i = 0; i < kOpCount; ++i) n += op_info(op_at(i)).prefix == prefix;
  return n;
}

TEST(OpcodesTest, EnumeratorsFollowTableOrder) {
  for (unsigned i = 0; i < kOpCount; ++i) EXPECT_EQ(static_cast<unsigned>(kRawRows[i].op), i);
}

TEST(OpcodesTest, NoDuplicateCodesTextsOrNames) {
  std::set<std::pair<uint8_t, uint32_t>> codes;
  std::set<std::string_view> texts;
  std::set<std::string_view> names;
  for (unsigned i = 0; i < kOpCount; ++i) {
    const OpInfo& info = op_info(op_at(i));
    EXPECT_TRUE(codes.insert({info.prefix, info.code}).second)
        << "duplicate code " << int{info.prefix} << " " << info.code;
    EXPECT_TRUE(texts.insert(info.text).second) << "duplicate text " << info.text;
    EXPECT_TRUE(names.insert(kRawRows[i].name).second) << "duplicate name " << kRawRows[i].name;
  }
}

TEST(OpcodesTest, PrefixesAndCodeRanges) {
  for (unsigned i = 0; i < kOpCount; ++i) {
    const OpInfo& info = op_info(op_at(i));
    EXPECT_TRUE(info.prefix == 0 || info.prefix == 0xfc || info.prefix == 0xfd ||
                info.prefix == 0xfe)
        << info.text;
    if (info.prefix == 0) {
      EXPECT_LT(info.code, 0xfcu) << info.text;  // Codes 0xFC..0xFF are prefixes.
    } else {
      EXPECT_LT(info.code, 0x200u) << info.text;
    }
  }
}

TEST(OpcodesTest, RowsAreInOpcodeOrderWithinEachPrefix) {
  for (unsigned i = 1; i < kOpCount; ++i) {
    const OpInfo& prev = op_info(op_at(i - 1));
    const OpInfo& cur = op_info(op_at(i));
    if (prev.prefix == cur.prefix) {
      EXPECT_LT(prev.code, cur.code) << cur.text;
    }
  }
}

TEST(OpcodesTest, LookupsRoundTripForEveryRow) {
  for (unsigned i = 0; i < kOpCount; ++i) {
    const OpInfo& info = op_info(op_at(i));
    Op by_code = Op::kCount;
    ASSERT_TRUE(find_op(info.prefix, info.code, &by_code)) << info.text;
    EXPECT_EQ(by_code, op_at(i)) << info.text;
    Op by_name = Op::kCount;
    ASSERT_TRUE(find_op_by_text(info.text, &by_name)) << info.text;
    EXPECT_EQ(by_name, op_at(i)) << info.text;
  }
}

TEST(OpcodesTest, LookupsRejectUnassignedCodes) {
  Op op = Op::kCount;
  EXPECT_FALSE(find_op(0x00, 0x16, &op));   // Never assigned (0x14, 0x15: call_ref, return_call_ref).
  EXPECT_FALSE(find_op(0x00, 0xd3, &op));   // GC's ref.eq: not implemented.
  EXPECT_FALSE(find_op(0x00, 0x27, &op));   // Never assigned.
  EXPECT_FALSE(find_op(0x00, 0xc5, &op));
  EXPECT_FALSE(find_op(0x00, 0x1000, &op));
  EXPECT_FALSE(find_op(0xfc, 18, &op));
  EXPECT_FALSE(find_op(0xfd, 0x9a, &op));   // Gap in the SIMD opcode space.
  EXPECT_FALSE(find_op(0xfd, 0x114, &op));  // After relaxed SIMD's last.
  EXPECT_FALSE(find_op(0xfd, 0x1ff, &op));
  EXPECT_FALSE(find_op(0xfe, 0x04, &op));
  EXPECT_FALSE(find_op(0xfe, 0x4f, &op));
  EXPECT_FALSE(find_op(0xfb, 0x00, &op));   // GC prefix; not implemented.
  EXPECT_FALSE(find_op(0x01, 0x00, &op));
  EXPECT_FALSE(find_op_by_text("i32.bogus", &op));
  EXPECT_FALSE(find_op_by_text("", &op));
  EXPECT_FALSE(find_op_by_text("i8x16.add_saturate_s", &op));  // Pre-standard SIMD name.
}

/// A row written out from the specification text (not from opcodes.def).
struct Expected {
  std::string_view text;
  uint8_t prefix;
  uint32_t code;
  ImmKind imm;
  std::string_view params;
  std::string_view results;
  Feature feature;
  uint8_t arg;
};

// Sources: WebAssembly 2.0, document/core/binary/instructions.rst (one-byte, 0xFC and 0xFD
// codes, which that document gives in decimal for the prefixed forms); threads proposal
// Overview.md "Binary format" (0xFE); tail-call proposal (0x12, 0x13). Types from the
// corresponding validation rules.
constexpr Expected kSpotChecks[] = {
    {"i32.add", 0x00, 0x6a, ImmKind::kNone, "ii", "i", Feature::kMvp, 0},
    {"i64.load8_s", 0x00, 0x30, ImmKind::kMemArg, "i", "l", Feature::kMvp, 1},
    {"i64.store", 0x00, 0x37, ImmKind::kMemArg, "il", "", Feature::kMvp, 8},
    {"memory.grow", 0x00, 0x40, ImmKind::kMemory, "i", "i", Feature::kMvp, 0},
    {"f64.const", 0x00, 0x44, ImmKind::kF64, "", "d", Feature::kMvp, 0},
    {"f64.promote_f32", 0x00, 0xbb, ImmKind::kNone, "f", "d", Feature::kMvp, 0},
    {"i64.extend32_s", 0x00, 0xc4, ImmKind::kNone, "l", "l", Feature::kSignExt, 0},
    {"select_t", 0x00, 0x1c, ImmKind::kSelectT, "*", "*", Feature::kRefTypes, 0},
    {"ref.func", 0x00, 0xd2, ImmKind::kFunc, "*", "*", Feature::kRefTypes, 0},
    {"return_call_indirect", 0x00, 0x13, ImmKind::kCallIndirect, "*", "*", Feature::kTailCall, 0},
    {"i64.trunc_sat_f64_u", 0xfc, 7, ImmKind::kNone, "d", "l", Feature::kSatConv, 0},
    {"memory.init", 0xfc, 8, ImmKind::kMemoryInit, "iii", "", Feature::kBulkMemory, 0},
    {"memory.copy", 0xfc, 10, ImmKind::kMemoryCopy, "iii", "", Feature::kBulkMemory, 0},
    {"table.fill", 0xfc, 17, ImmKind::kTable, "*", "*", Feature::kRefTypes, 0},
    {"v128.load8x8_s", 0xfd, 1, ImmKind::kMemArg, "i", "v", Feature::kSimd, 8},
    {"v128.store", 0xfd, 11, ImmKind::kMemArg, "iv", "", Feature::kSimd, 16},
    {"v128.const", 0xfd, 12, ImmKind::kV128, "", "v", Feature::kSimd, 0},
    {"i8x16.shuffle", 0xfd, 13, ImmKind::kShuffle, "vv", "v", Feature::kSimd, 0},
    {"i16x8.extract_lane_u", 0xfd, 25, ImmKind::kLane, "v", "i", Feature::kSimd, 8},
    {"f64x2.replace_lane", 0xfd, 34, ImmKind::kLane, "vd", "v", Feature::kSimd, 2},
    {"v128.bitselect", 0xfd, 82, ImmKind::kNone, "vvv", "v", Feature::kSimd, 0},
    {"v128.any_true", 0xfd, 83, ImmKind::kNone, "v", "i", Feature::kSimd, 0},
    {"v128.load8_lane", 0xfd, 84, ImmKind::kMemArgLane, "iv", "v", Feature::kSimd, 1},
    {"v128.store64_lane", 0xfd, 91, ImmKind::kMemArgLane, "iv", "", Feature::kSimd, 8},
    {"v128.load32_zero", 0xfd, 92, ImmKind::kMemArg, "i", "v", Feature::kSimd, 4},
    {"f32x4.demote_f64x2_zero", 0xfd, 94, ImmKind::kNone, "v", "v", Feature::kSimd, 0},
    {"i8x16.popcnt", 0xfd, 98, ImmKind::kNone, "v", "v", Feature::kSimd, 0},
    {"i8x16.shr_u", 0xfd, 109, ImmKind::kNone, "vi", "v", Feature::kSimd, 0},
    {"f64x2.trunc", 0xfd, 122, ImmKind::kNone, "v", "v", Feature::kSimd, 0},
    {"f64x2.nearest", 0xfd, 148, ImmKind::kNone, "v", "v", Feature::kSimd, 0},
    {"i32x4.dot_i16x8_s", 0xfd, 186, ImmKind::kNone, "vv", "v", Feature::kSimd, 0},
    {"i64x2.bitmask", 0xfd, 196, ImmKind::kNone, "v", "i", Feature::kSimd, 0},
    {"i64x2.eq", 0xfd, 214, ImmKind::kNone, "vv", "v", Feature::kSimd, 0},
    {"f64x2.pmax", 0xfd, 247, ImmKind::kNone, "vv", "v", Feature::kSimd, 0},
    {"f64x2.convert_low_i32x4_u", 0xfd, 255, ImmKind::kNone, "v", "v", Feature::kSimd, 0},
    {"memory.atomic.notify", 0xfe, 0x00, ImmKind::kMemArg, "ii", "i", Feature::kThreads, 4},
    {"memory.atomic.wait64", 0xfe, 0x02, ImmKind::kMemArg, "ill", "i", Feature::kThreads, 8},
    {"atomic.fence", 0xfe, 0x03, ImmKind::kAtomicFence, "", "", Feature::kThreads, 0},
    {"i64.atomic.load32_u", 0xfe, 0x16, ImmKind::kMemArg, "i", "l", Feature::kThreads, 4},
    {"i32.atomic.store16", 0xfe, 0x1a, ImmKind::kMemArg, "ii", "", Feature::kThreads, 2},
    {"i64.atomic.rmw8.add_u", 0xfe, 0x22, ImmKind::kMemArg, "il", "l", Feature::kThreads, 1},
    {"i32.atomic.rmw.xchg", 0xfe, 0x41, ImmKind::kMemArg, "ii", "i", Feature::kThreads, 4},
    {"i64.atomic.rmw.cmpxchg", 0xfe, 0x49, ImmKind::kMemArg, "ill", "l", Feature::kThreads, 8},
    {"i64.atomic.rmw32.cmpxchg_u", 0xfe, 0x4e, ImmKind::kMemArg, "ill", "l", Feature::kThreads, 4},
};

TEST(OpcodesTest, SpotChecksAgainstTheSpecification) {
  for (const Expected& e : kSpotChecks) {
    SCOPED_TRACE(std::string(e.text));
    Op op = by_text(e.text);
    ASSERT_NE(op, Op::kCount);
    const OpInfo& info = op_info(op);
    EXPECT_EQ(info.prefix, e.prefix);
    EXPECT_EQ(info.code, e.code);
    EXPECT_EQ(info.imm, e.imm);
    EXPECT_EQ(info.params, e.params);
    EXPECT_EQ(info.results, e.results);
    EXPECT_EQ(info.feature, e.feature);
    EXPECT_EQ(info.arg, e.arg);
    Op by_code = Op::kCount;
    ASSERT_TRUE(find_op(e.prefix, e.code, &by_code));
    EXPECT_EQ(by_code, op);
  }
}

TEST(OpcodesTest, EnumeratorNamesMatchTheirRows) {
  EXPECT_EQ(op_info(Op::I32Add).text, "i32.add");
  EXPECT_EQ(op_info(Op::I32x4Add).text, "i32x4.add");
  EXPECT_EQ(op_info(Op::MemoryAtomicNotify).text, "memory.atomic.notify");
  EXPECT_EQ(op_info(Op::I64AtomicRmw8AddU).text, "i64.atomic.rmw8.add_u");
  EXPECT_EQ(op_info(Op::V128Load8x8S).text, "v128.load8x8_s");
  EXPECT_EQ(op_info(Op::CallIndirect).text, "call_indirect");
  EXPECT_EQ(op_info(Op::RefIsNull).text, "ref.is_null");
  EXPECT_EQ(op_info(Op::Select).code, 0x1bu);
  EXPECT_EQ(op_info(Op::SelectT).code, 0x1cu);
  EXPECT_EQ(op_info(Op::I32TruncSatF32S).text, "i32.trunc_sat_f32_s");
}

// WebAssembly 2.0, document/core/binary/instructions.rst (tag wg-2.0 of WebAssembly/spec) has
// 236 productions of the form `0xFD n:u32 ...`, one per SIMD instruction; the final SIMD
// proposal's opcode list agrees. WebAssembly 3.0 adds relaxed SIMD's 20, 0xFD 0x100-0x113.
TEST(OpcodesTest, InstructionCountsPerPrefix) {
  EXPECT_EQ(count_prefix(0xfd), 236u + 20u);
  // 0xFC 0-17: 8 saturating truncations, 4 bulk memory, 3 table bulk, table.grow/size/fill.
  EXPECT_EQ(count_prefix(0xfc), 18u);
  // 0xFE: notify, wait32, wait64, fence; 7 loads, 7 stores; 7 widths x 7 read-modify-writes.
  EXPECT_EQ(count_prefix(0xfe), 4u + 7u + 7u + 7u * 7u);
  // One-byte: control 0x00-0x05 and 0x0B-0x11 (13), tail calls 0x12-0x13 (2), parametric
  // 0x1A-0x1C (3), variables and tables 0x20-0x26 (7), memory 0x28-0x40 (25), numeric
  // 0x41-0xC4 (132), references 0xD0-0xD2 (3), exception handling 0x06-0x0A, 0x18, 0x19 and
  // 0x1F (8: try, catch, throw, rethrow, throw_ref, delegate, catch_all, try_table), typed
  // function references 0x14, 0x15 and 0xD4-0xD6 (5).
  EXPECT_EQ(count_prefix(0x00), 13u + 2u + 3u + 7u + 25u + 132u + 3u + 8u + 5u);
}

TEST(OpcodesTest, FeaturesFollowPrefixes) {
  for (unsigned i = 0; i < kOpCount; ++i) {
    const OpInfo& info = op_info(op_at(i));
    EXPECT_EQ(info.prefix == 0xfd && info.code < 0x100, info.feature == Feature::kSimd) << info.text;
    EXPECT_EQ(info.prefix == 0xfd && info.code >= 0x100, info.feature == Feature::kRelaxedSimd)
        << info.text;
    if (info.feature == Feature::kRelaxedSimd) {
      EXPECT_NE(info.text.find(".relaxed_"), std::string_view::npos) << info.text;
    }
    EXPECT_EQ(info.prefix == 0xfe, info.feature == Feature::kThreads) << info.text;
    if (info.feature == Feature::kSatConv) {
      EXPECT_NE(info.text.find(".trunc_sat_"), std::string_view::npos) << info.text;
    }
  }
}

TEST(OpcodesTest, SignatureColumnsAreWellFormed) {
  for (unsigned i = 0; i < kOpCount; ++i) {
    const OpInfo& info = op_info(op_at(i));
    SCOPED_TRACE(std::string(info.text));
    EXPECT_EQ(info.params == "*", info.results == "*");
    EXPECT_EQ(has_fixed_signature(info), info.params != "*");
    if (!has_fixed_signature(info)) continue;
    for (char c : info.params) EXPECT_NE(std::string_view("ilfdv").find(c), std::string_view::npos);
    for (char c : info.results) EXPECT_NE(std::string_view("ilfdv").find(c), std::string_view::npos);
    EXPECT_LE(info.results.size(), 1u);
    // Every SIMD instruction takes or produces a v128.
    if (info.prefix == 0xfd) {
      EXPECT_TRUE(info.params.find('v') != std::string_view::npos || info.results == "v");
    }
  }
}

bool is_memory_imm(ImmKind k) { return k == ImmKind::kMemArg || k == ImmKind::kMemArgLane; }

TEST(OpcodesTest, ArgColumn) {
  for (unsigned i = 0; i < kOpCount; ++i) {
    const OpInfo& info = op_info(op_at(i));
    SCOPED_TRACE(std::string(info.text));
    const unsigned arg = info.arg;
    if (is_memory_imm(info.imm)) {
      EXPECT_TRUE(arg == 1 || arg == 2 || arg == 4 || arg == 8 || arg == 16) << arg;
      EXPECT_EQ(info.params.substr(0, 1), "i");  // The address operand comes first.
    } else if (info.imm == ImmKind::kLane) {
      EXPECT_TRUE(arg == 2 || arg == 4 || arg == 8 || arg == 16) << arg;
      // The lane count is the number after the 'x' in the shape ("i16x8" -> 8).
      const std::string_view shape = info.text.substr(0, info.text.find('.'));
      EXPECT_EQ(std::to_string(arg), shape.substr(shape.find('x') + 1));
    } else {
      EXPECT_EQ(arg, 0u);
    }
  }
}

TEST(OpcodesTest, AccessSizesOfLoadAndStoreFamilies) {
  // Sizes read off the mnemonic: "load8", "store16", "rmw32", ... give bits; the plain forms
  // access the whole value type.
  const std::pair<std::string_view, unsigned> cases[] = {
      {"i32.load", 4},           {"i64.load", 8},           {"f32.store", 4},
      {"f64.load", 8},           {"i32.load16_u", 2},       {"i64.store32", 4},
      {"v128.load", 16},         {"v128.load16x4_u", 8},    {"v128.load8_splat", 1},
      {"v128.load64_splat", 8},  {"v128.load64_zero", 8},   {"v128.store16_lane", 2},
      {"v128.load32_lane", 4},   {"i32.atomic.load8_u", 1}, {"i64.atomic.store", 8},
      {"i32.atomic.rmw16.sub_u", 2}, {"i64.atomic.rmw32.add_u", 4},
      {"memory.atomic.wait32", 4},
  };
  for (const auto& [text, size] : cases) {
    EXPECT_EQ(op_info(by_text(text)).arg, size) << text;
  }
}

}  // namespace
}  // namespace wasmscope::internal
