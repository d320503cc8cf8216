// Modules whose expected encodings were written out by hand from the binary format spec.
#include "text/wat.h"
#include "text/wat_test_util.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace wasmscope::internal {
namespace {

using namespace wat_test;

TEST(Wat, EmptyModule) {
  EXPECT_EQ(compile("(module)"), kHeader);
  EXPECT_EQ(compile("(module $m)"), kHeader);
  EXPECT_EQ(compile(""), kHeader);
  EXPECT_EQ(compile(";; nothing\n"), kHeader);
}

TEST(Wat, AddFunctionFlatForm) {
  EXPECT_EQ(compile(R"((module
      (func (export "add") (param i32 i32) (result i32)
        local.get 0 local.get 1 i32.add)))"),
            module_bytes({
                {0x01, 0x07, 0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f},              // type
                {0x03, 0x02, 0x01, 0x00},                                            // function
                {0x07, 0x07, 0x01, 0x03, 'a', 'd', 'd', 0x00, 0x00},                 // export
                {0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b},  // code
            }));
}

TEST(Wat, FoldedWithLabelsAndLocalNames) {
  const Bytes expected = module_bytes({
      {0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f},
      {0x03, 0x02, 0x01, 0x00},
      {0x0a, 0x0d, 0x01, 0x0b, 0x00,  // no locals
       0x02, 0x7f,                    // block (result i32)
       0x41, 0x01,                    // i32.const 1
       0x20, 0x00,                    // local.get 0
       0x0d, 0x00,                    // br_if 0
       0x0b, 0x0b},
  });
  EXPECT_EQ(compile("(func (param $x i32) (result i32)"
                    "  (block $b (result i32) (br_if $b (i32.const 1) (local.get $x))))"),
            expected);
  // The same in flat form, with the label repeated after "end".
  EXPECT_EQ(compile("(func (param $x i32) (result i32)"
                    "  block $b (result i32) i32.const 1 local.get $x br_if $b end $b)"),
            expected);
}

TEST(Wat, MemoryDataAndMemarg) {
  EXPECT_EQ(compile(R"((module (memory 1 2) (data (i32.const 8) "hi\n")
                         (func (result i32) (i32.load offset=4 align=2 (i32.const 0)))))"),
            module_bytes({
                {0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f},
                {0x03, 0x02, 0x01, 0x00},
                {0x05, 0x04, 0x01, 0x01, 0x01, 0x02},  // memory: limits min 1 max 2
                {0x0a, 0x09, 0x01, 0x07, 0x00, 0x41, 0x00, 0x28, 0x01, 0x04, 0x0b},
                {0x0b, 0x09, 0x01, 0x00, 0x41, 0x08, 0x0b, 0x03, 'h', 'i', '\n'},
            }));
  // Default alignment is the access size: i64.load8_u -> 0, i64.load -> 3.
  EXPECT_EQ(compile("(memory 1)(func (drop (i64.load8_u (i32.const 0))) "
                    "(drop (i64.load (i32.const 0))))"),
            module_bytes({
                {0x01, 0x04, 0x01, 0x60, 0x00, 0x00},
                {0x03, 0x02, 0x01, 0x00},
                {0x05, 0x03, 0x01, 0x00, 0x01},
                {0x0a, 0x10, 0x01, 0x0e, 0x00, 0x41, 0x00, 0x31, 0x00, 0x00, 0x1a, 0x41, 0x00, 0x29,
                 0x03, 0x00, 0x1a, 0x0b},
            }));
}

TEST(Wat, MultiMemoryIndices) {
  // A memarg naming memory 1: flags 0x42 (alignment 4, bit 6: an index follows), index, offset.
  EXPECT_EQ(compile("(module (memory 1) (memory $b 1) "
                    "(func (result i32) (i32.load $b offset=4 (i32.const 0))))"),
            module_bytes({
                {0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f},
                {0x03, 0x02, 0x01, 0x00},
                {0x05, 0x05, 0x02, 0x00, 0x01, 0x00, 0x01},
                {0x0a, 0x0a, 0x01, 0x08, 0x00, 0x41, 0x00, 0x28, 0x42, 0x01, 0x04, 0x0b},
            }));
  // memory.size 1; memory.copy from memory 0 to memory 1.
  EXPECT_EQ(compile("(memory 1)(memory 1)(func (drop (memory.size 1)) "
                    "(memory.copy 1 0 (i32.const 0) (i32.const 0) (i32.const 0)))"),
            module_bytes({
                {0x01, 0x04, 0x01, 0x60, 0x00, 0x00},
                {0x03, 0x02, 0x01, 0x00},
                {0x05, 0x05, 0x02, 0x00, 0x01, 0x00, 0x01},
                {0x0a, 0x11, 0x01, 0x0f, 0x00, 0x3f, 0x01, 0x1a, 0x41, 0x00, 0x41, 0x00, 0x41, 0x00,
                 0xfc, 0x0a, 0x01, 0x00, 0x0b},
            }));
  // A lone number after a lane instruction is its lane; two are a memory and a lane.
  EXPECT_EQ(compile("(memory 1)(memory 1)(func (param v128) "
                    "(drop (v128.load8_lane 1 (i32.const 0) (local.get 0))) "
                    "(drop (v128.load8_lane 1 2 (i32.const 0) (local.get 0))))"),
            module_bytes({
                {0x01, 0x05, 0x01, 0x60, 0x01, 0x7b, 0x00},
                {0x03, 0x02, 0x01, 0x00},
                {0x05, 0x05, 0x02, 0x00, 0x01, 0x00, 0x01},
                {0x0a, 0x19, 0x01, 0x17, 0x00, 0x41, 0x00, 0x20, 0x00, 0xfd, 0x54, 0x00, 0x00, 0x01,
                 0x1a, 0x41, 0x00, 0x20, 0x00, 0xfd, 0x54, 0x40, 0x01, 0x00, 0x02, 0x1a, 0x0b},
            }));
}

TEST(Wat, ImplicitTypesFollowExplicitOnes) {
  EXPECT_EQ(compile(R"((module
      (import "m" "f" (func $f (param i32)))
      (type $t (func (result i64)))
      (func (type $t) (i64.const -1))
      (func (call $f (i32.const 2)))))"),
            module_bytes({
                {0x01, 0x0c, 0x03, 0x60, 0x00, 0x01, 0x7e,  // 0: explicit $t
                 0x60, 0x01, 0x7f, 0x00,                    // 1: the import's
                 0x60, 0x00, 0x00},                         // 2: the last func's
                {0x02, 0x07, 0x01, 0x01, 'm', 0x01, 'f', 0x00, 0x01},
                {0x03, 0x03, 0x02, 0x00, 0x02},
                {0x0a, 0x0d, 0x02, 0x04, 0x00, 0x42, 0x7f, 0x0b, 0x06, 0x00, 0x41, 0x02, 0x10, 0x00,
                 0x0b},
            }));
}

TEST(Wat, TableAndElementSegments) {
  EXPECT_EQ(compile("(table 2 funcref) (func $a) (elem (i32.const 0) $a $a)"),
            module_bytes({
                {0x01, 0x04, 0x01, 0x60, 0x00, 0x00},
                {0x03, 0x02, 0x01, 0x00},
                {0x04, 0x04, 0x01, 0x70, 0x00, 0x02},
                {0x09, 0x08, 0x01, 0x00, 0x41, 0x00, 0x0b, 0x02, 0x00, 0x00},
                {0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b},
            }));
  // Inline elements size the table; passive and declarative segments with expressions.
  EXPECT_EQ(
      compile("(func $a) (table funcref (elem $a)) (elem funcref (ref.null func)) "
              "(elem declare func $a)"),
      module_bytes({
          {0x01, 0x04, 0x01, 0x60, 0x00, 0x00},
          {0x03, 0x02, 0x01, 0x00},
          {0x04, 0x05, 0x01, 0x70, 0x01, 0x01, 0x01},             // min 1 max 1
          {0x09, 0x11, 0x03, 0x00, 0x41, 0x00, 0x0b, 0x01, 0x00,  // active, table 0, func indices
           0x05, 0x70, 0x01, 0xd0, 0x70, 0x0b,                    // passive, expressions
           0x03, 0x00, 0x01, 0x00},                               // declarative, func indices
          {0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b},
      }));
}

TEST(Wat, SimdAndFloatConstants) {
  EXPECT_EQ(compile("(func (result v128) (v128.const i32x4 1 2 3 0xffffffff))"),
            module_bytes({
                {0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b},
                {0x03, 0x02, 0x01, 0x00},
                {0x0a, 0x16, 0x01, 0x14, 0x00, 0xfd, 0x0c, 1,    0,    0,    0,    2,
                 0,    0,    0,    3,    0,    0,    0,    0xff, 0xff, 0xff, 0xff, 0x0b},
            }));
  EXPECT_EQ(compile("(func (result f32) (f32.const -1.5))"),
            module_bytes({
                {0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7d},
                {0x03, 0x02, 0x01, 0x00},
                {0x0a, 0x09, 0x01, 0x07, 0x00, 0x43, 0x00, 0x00, 0xc0, 0xbf, 0x0b},
            }));
}

TEST(Wat, GlobalsStartAndSharedMemory) {
  EXPECT_EQ(compile("(memory 1 2 shared) (global $g (mut i32) (i32.const 7)) "
                    "(func $s (global.set $g (i32.const 0))) (start $s)"),
            module_bytes({
                {0x01, 0x04, 0x01, 0x60, 0x00, 0x00},
                {0x03, 0x02, 0x01, 0x00},
                {0x05, 0x04, 0x01, 0x03, 0x01, 0x02},
                {0x06, 0x06, 0x01, 0x7f, 0x01, 0x41, 0x07, 0x0b},
                {0x08, 0x01, 0x00},
                {0x0a, 0x08, 0x01, 0x06, 0x00, 0x41, 0x00, 0x24, 0x00, 0x0b},
            }));
}

TEST(Wat, DataCountForBulkMemory) {
  EXPECT_EQ(compile("(memory 1) (data $d \"x\") (func (data.drop $d))"),
            module_bytes({
                {0x01, 0x04, 0x01, 0x60, 0x00, 0x00},
                {0x03, 0x02, 0x01, 0x00},
                {0x05, 0x03, 0x01, 0x00, 0x01},
                {0x0c, 0x01, 0x01},  // data count
                {0x0a, 0x07, 0x01, 0x05, 0x00, 0xfc, 0x09, 0x00, 0x0b},
                {0x0b, 0x04, 0x01, 0x01, 0x01, 'x'},
            }));
}

TEST(Wat, MalformedText) {
  EXPECT_EQ(error_of("(func (block $l (br $m)))").rfind("unknown label", 0), 0u);
  EXPECT_EQ(error_of("(func $f) (func $f)").rfind("duplicate func", 0), 0u);
  EXPECT_EQ(error_of("(func (param $x i32) (local $x i32))").rfind("duplicate local", 0), 0u);
  EXPECT_EQ(error_of("(func) (import \"a\" \"b\" (func))"), "import after function");
  EXPECT_EQ(error_of("(memory 0) (global (import \"a\" \"b\") i32)"), "import after memory");
  EXPECT_EQ(error_of("(type $t (func)) (func (type $t) (param i32))"), "inline function type");
  EXPECT_EQ(error_of("(func (drop (i32.const 4294967296)))"), "constant out of range");
  EXPECT_EQ(error_of("(func block $a end $b)"), "mismatching label");
  EXPECT_EQ(error_of("(func (i32.fancy))").rfind("unknown operator", 0), 0u);
  EXPECT_EQ(error_of("(memory 1) (func (drop (i32.load align=3 (i32.const 0))))"),
            "alignment must be a power of two");
  EXPECT_EQ(error_of("(func (export \"\\ff\"))"), "malformed UTF-8 encoding");
  EXPECT_EQ(error_of("(func $a) (start $a) (start $a)"), "multiple start sections");
  EXPECT_EQ(error_of("(func (drop (i8x16.extract_lane_s 256 (v128.const i64x2 0 0))))"),
            "malformed lane index");
  EXPECT_EQ(error_of("(func (drop (v128.const i32x4 0 0 0)))"), "wrong number of lane literals");
  EXPECT_FALSE(error_of("(func").empty());
  EXPECT_FALSE(error_of("(module) (module)").empty());
  EXPECT_FALSE(error_of("(func (if (i32.const 0) (else)))").empty());
  EXPECT_FALSE(error_of("(func block)").empty());
  EXPECT_FALSE(error_of("(func else)").empty());
  EXPECT_EQ(error_of("(func (drop (v128.const i32x4 0 0 0 0)))", Features::none())
                .rfind("unknown operator", 0),
            0u);
}

TEST(Wat, DeepNestingIsAnErrorNotACrash) {
  const int n = 200000;
  std::string folded = "(func ";
  for (int i = 0; i < n; ++i)
    folded += "(block ";
  folded.append(n, ')');
  folded += ")";
  EXPECT_EQ(error_of(folded), "nesting too deep");
  std::string flat = "(func ";
  for (int i = 0; i < n; ++i)
    flat += "block ";
  for (int i = 0; i < n; ++i)
    flat += "end ";
  flat += ")";
  EXPECT_EQ(error_of(flat), "nesting too deep");
  EXPECT_FALSE(error_of(std::string(n, '(')).empty());
  // Up to the limit nesting is fine.
  std::string deep = "(func ";
  for (int i = 0; i < 5000; ++i)
    deep += "(block ";
  deep.append(5000, ')');
  deep += ")";
  EXPECT_TRUE(wat_to_binary(deep).ok());
}

TEST(Wat, NameSectionRecordsModuleAndFunctionIdentifiers) {
  auto result = wat_to_binary("(module $m (func $f) (func) (func $g))");
  ASSERT_TRUE(result.ok()) << result.error().to_string();
  const Bytes expected_tail = {
      0x00, 0x12,                                  // custom section, 18 bytes: 5 + 4 + 9
      0x04, 'n', 'a', 'm', 'e',                    // "name"
      0x00, 0x02, 0x01, 'm',                       // module name "m"
      0x01, 0x07, 0x02, 0x00, 0x01, 'f', 0x02, 0x01, 'g',  // functions 0 "f" and 2 "g"
  };
  ASSERT_GE(result->size(), expected_tail.size());
  EXPECT_EQ(Bytes(result->end() - static_cast<ptrdiff_t>(expected_tail.size()), result->end()),
            expected_tail);
}

}  // namespace
}  // namespace wasmscope::internal
