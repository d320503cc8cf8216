// Typed function references (WebAssembly 3.0) in the text format: the full reference types
// "(ref null? heaptype)", the instructions call_ref, return_call_ref, ref.as_non_null,
// br_on_null and br_on_non_null, tables with an initial value and element segments of typed
// references. Expected encodings were written out by hand from the binary format spec: a
// value type that is not a short form is 0x63 (ref null) or 0x64 (ref) and the heap type, an
// s33 (func 0x70, extern 0x6f, exn 0x69, a type index as a signed LEB128).
#include <gtest/gtest.h>

#include "text/wat_test_util.h"

namespace wasmscope::internal {
namespace {

using namespace wat_test;

const Bytes kEmptyFuncType = {0x01, 0x04, 0x01, 0x60, 0x00, 0x00};  // (type $t (func))

TEST(WatFuncRefs, Instructions) {
  EXPECT_EQ(compile(R"((module
      (type $t (func))
      (func (param $r (ref null $t))
        (call_ref $t (local.get $r))
        (block $l (br_on_null $l (local.get $r)) (drop))
        (drop (block $m (result (ref $t)) (br_on_non_null $m (local.get $r)) (unreachable)))
        (drop (ref.as_non_null (local.get $r)))
        (return_call_ref $t (local.get $r)))))"),
            module_bytes({
                {0x01, 0x09, 0x02, 0x60, 0x00, 0x00, 0x60, 0x01, 0x63, 0x00, 0x00},
                {0x03, 0x02, 0x01, 0x01},
                {0x0a, 0x22, 0x01, 0x20, 0x00,
                 0x20, 0x00, 0x14, 0x00,                          // call_ref 0
                 0x02, 0x40, 0x20, 0x00, 0xd5, 0x00, 0x1a, 0x0b,  // block, br_on_null 0
                 0x02, 0x64, 0x00,                                // block (result (ref 0))
                 0x20, 0x00, 0xd6, 0x00, 0x00, 0x0b, 0x1a,        //   br_on_non_null 0
                 0x20, 0x00, 0xd4, 0x1a,                          // ref.as_non_null
                 0x20, 0x00, 0x15, 0x00,                          // return_call_ref 0
                 0x0b},
            }));
  // Flat forms; type indices as numbers, 200 being two bytes of LEB128.
  EXPECT_EQ(compile("(func local.get 0 call_ref 200 br_on_null 0 br_on_non_null 0 "
                    "ref.as_non_null return_call_ref 1)"),
            module_bytes({
                kEmptyFuncType,
                {0x03, 0x02, 0x01, 0x00},
                {0x0a, 0x10, 0x01, 0x0e, 0x00, 0x20, 0x00, 0x14, 0xc8, 0x01, 0xd5, 0x00, 0xd6,
                 0x00, 0xd4, 0x15, 0x01, 0x0b},
            }));
}

TEST(WatFuncRefs, ValueTypesInParamsResultsLocalsAndGlobals) {
  EXPECT_EQ(compile(R"((module
      (type $t (func))
      (global (ref null $t) (ref.null $t))
      (global (ref func) (ref.func $f))
      (global (mut (ref null extern)) (ref.null extern))
      (func $f (param (ref $t) (ref null $t)) (result (ref func) (ref extern))
        (local (ref extern) (ref null func) funcref)
        unreachable)))"),
            module_bytes({
                {0x01, 0x0f, 0x02, 0x60, 0x00, 0x00,
                 0x60, 0x02, 0x64, 0x00, 0x63, 0x00, 0x02, 0x64, 0x70, 0x64, 0x6f},
                {0x03, 0x02, 0x01, 0x01},
                {0x06, 0x12, 0x03,
                 0x63, 0x00, 0x00, 0xd0, 0x00, 0x0b,  // (ref null $t), ref.null $t
                 0x64, 0x70, 0x00, 0xd2, 0x00, 0x0b,  // (ref func), ref.func $f
                 0x6f, 0x01, 0xd0, 0x6f, 0x0b},       // (ref null extern) is externref
                // Locals: one (ref extern), then two funcref ((ref null func) is funcref).
                {0x0a, 0x0a, 0x01, 0x08, 0x02, 0x01, 0x64, 0x6f, 0x02, 0x70, 0x00, 0x0b},
            }));
  // A type index of 64 or more takes two bytes of signed LEB128 (bit 6 is the sign).
  EXPECT_EQ(compile("(func (param (ref null 64)))"),
            module_bytes({
                {0x01, 0x07, 0x01, 0x60, 0x01, 0x63, 0xc0, 0x00, 0x00},
                {0x03, 0x02, 0x01, 0x00},
                {0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b},
            }));
  // Imports take them too.
  EXPECT_EQ(compile(R"((type $t (func)) (import "m" "t" (table 1 (ref null $t)))
                       (import "m" "g" (global (ref $t))))"),
            module_bytes({
                kEmptyFuncType,
                {0x02, 0x12, 0x02,
                 0x01, 'm', 0x01, 't', 0x01, 0x63, 0x00, 0x00, 0x01,
                 0x01, 'm', 0x01, 'g', 0x03, 0x64, 0x00, 0x00},
            }));
}

TEST(WatFuncRefs, TypesReferToLaterTypesAndThemselves) {
  EXPECT_EQ(compile(R"((module
      (type $f1 (func (param (ref $f2))))
      (type $f2 (func (result (ref null $f2))))
      (func (param (ref $f2)))
      (func (param (ref null $f2)))))"),
            module_bytes({
                {0x01, 0x10, 0x03,
                 0x60, 0x01, 0x64, 0x01, 0x00,   // $f1
                 0x60, 0x00, 0x01, 0x63, 0x01,   // $f2
                 0x60, 0x01, 0x63, 0x01, 0x00},  // implicit: (ref null $f2) is not (ref $f2)
                {0x03, 0x03, 0x02, 0x00, 0x02},
                {0x0a, 0x07, 0x02, 0x02, 0x00, 0x0b, 0x02, 0x00, 0x0b},
            }));
  // A table may name a type defined after it.
  EXPECT_EQ(compile("(table 1 (ref null $t)) (type $t (func))"),
            module_bytes({kEmptyFuncType, {0x04, 0x05, 0x01, 0x63, 0x00, 0x00, 0x01}}));
}

TEST(WatFuncRefs, TableWithInitialValue) {
  EXPECT_EQ(compile(R"((module
      (type $t (func))
      (func $f (type $t))
      (table 10 (ref $t) (ref.func $f))
      (table 1 funcref (ref.null func))
      (table 2 3 funcref)))"),
            module_bytes({
                kEmptyFuncType,
                {0x03, 0x02, 0x01, 0x00},
                {0x04, 0x16, 0x03,
                 0x40, 0x00, 0x64, 0x00, 0x00, 0x0a, 0xd2, 0x00, 0x0b,
                 0x40, 0x00, 0x70, 0x00, 0x01, 0xd0, 0x70, 0x0b,
                 0x70, 0x01, 0x02, 0x03},  // no initial value: the 1.0 encoding
                {0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b},
            }));
}

TEST(WatFuncRefs, InlineElemOfTypedTable) {
  // The segment has the table's element type; not funcref, it needs flag 6 (table index,
  // expressions, reference type).
  const Bytes expected = module_bytes({
      kEmptyFuncType,
      {0x03, 0x02, 0x01, 0x00},
      {0x04, 0x06, 0x01, 0x63, 0x00, 0x01, 0x02, 0x02},
      {0x09, 0x0f, 0x01, 0x06, 0x00, 0x41, 0x00, 0x0b, 0x63, 0x00, 0x02,
       0xd2, 0x00, 0x0b, 0xd2, 0x00, 0x0b},
      {0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b},
  });
  EXPECT_EQ(compile("(type $t (func)) (func $f (type $t)) (table $tab (ref null $t) (elem $f $f))"),
            expected);
  EXPECT_EQ(compile("(type $t (func)) (func $f (type $t)) "
                    "(table (ref null $t) (elem (ref.func $f) (item ref.func $f)))"),
            expected);
}

TEST(WatFuncRefs, ElemSegmentsOfTypedReferences) {
  EXPECT_EQ(compile(R"((module
      (type $t (func))
      (func $f (type $t))
      (table 1 (ref null $t))
      (elem (table 0) (offset (i32.const 0)) (ref $t) (item ref.func $f))
      (elem (ref null $t) (ref.func $f))
      (elem declare (ref $t) (ref.func $f))
      (elem declare funcref (ref.func $f))))"),
            module_bytes({
                kEmptyFuncType,
                {0x03, 0x02, 0x01, 0x00},
                {0x04, 0x05, 0x01, 0x63, 0x00, 0x00, 0x01},
                {0x09, 0x20, 0x04,
                 0x06, 0x00, 0x41, 0x00, 0x0b, 0x64, 0x00, 0x01, 0xd2, 0x00, 0x0b,  // active
                 0x05, 0x63, 0x00, 0x01, 0xd2, 0x00, 0x0b,                          // passive
                 0x07, 0x64, 0x00, 0x01, 0xd2, 0x00, 0x0b,                          // declare
                 // funcref stays nullable: expressions, not function indices ((ref func))
                 0x07, 0x70, 0x01, 0xd2, 0x00, 0x0b},
                {0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b},
            }));
}

TEST(WatFuncRefs, RefNullOfEveryHeapType) {
  EXPECT_EQ(compile(R"((type $t (func))
      (func (drop (ref.null $t)) (drop (ref.null 0)) (drop (ref.null func))
            (drop (ref.null extern)) (drop (ref.null exn))))"),
            module_bytes({
                kEmptyFuncType,
                {0x03, 0x02, 0x01, 0x00},
                {0x0a, 0x13, 0x01, 0x11, 0x00,
                 0xd0, 0x00, 0x1a, 0xd0, 0x00, 0x1a, 0xd0, 0x70, 0x1a, 0xd0, 0x6f, 0x1a,
                 0xd0, 0x69, 0x1a, 0x0b},
            }));
}

TEST(WatFuncRefs, BlockTypeAndTypedSelect) {
  EXPECT_EQ(compile(R"((type $t (func))
      (func (param (ref null $t)) (result (ref null $t))
        (drop (block (result (ref $t)) (unreachable)))
        (select (result (ref null $t)) (local.get 0) (local.get 0) (i32.const 1))))"),
            module_bytes({
                {0x01, 0x0b, 0x02, 0x60, 0x00, 0x00, 0x60, 0x01, 0x63, 0x00, 0x01, 0x63, 0x00},
                {0x03, 0x02, 0x01, 0x01},
                {0x0a, 0x14, 0x01, 0x12, 0x00,
                 0x02, 0x64, 0x00, 0x00, 0x0b, 0x1a,  // a value type, not a type index
                 0x20, 0x00, 0x20, 0x00, 0x41, 0x01, 0x1c, 0x01, 0x63, 0x00,
                 0x0b},
            }));
}

TEST(WatFuncRefs, MalformedText) {
  EXPECT_EQ(error_of("(func (param (ref $nope)))"), "unknown type $nope");
  EXPECT_EQ(error_of("(func (drop (ref.null $nope)))"), "unknown type $nope");
  EXPECT_EQ(error_of("(func (call_ref $nope))"), "unknown type $nope");
  EXPECT_EQ(error_of("(func (call_ref))"), "unexpected token \")\"");
  EXPECT_EQ(error_of("(func (param (ref any)))"),
            "unsupported: heap type any (garbage collection)");
  EXPECT_EQ(error_of("(func (drop (ref.null nofunc)))"),
            "unsupported: heap type nofunc (garbage collection)");
  EXPECT_EQ(error_of("(type $t (func)) (type $t (func))"), "duplicate type $t");
}

TEST(WatFuncRefs, RejectedWithoutTheFeature) {
  const Features without = Features().disable(Feature::kFuncRefs);
  EXPECT_EQ(error_of("(func (param (ref func)))", without), "unexpected token \"func\"");
  EXPECT_EQ(error_of("(func (param (ref extern)))", without), "unexpected token \"extern\"");
  EXPECT_EQ(error_of("(type $t (func)) (func (param (ref null $t)))", without),
            "unexpected token \"$t\"");
  EXPECT_EQ(error_of("(type $t (func)) (func (drop (ref.null $t)))", without),
            "unexpected token \"$t\"");
  EXPECT_EQ(error_of("(type $t (func)) (table 1 funcref (ref.null func))", without),
            "unexpected token \"(\"");
  EXPECT_EQ(error_of("(func (call_ref 0))", without), "unknown operator call_ref");
  EXPECT_EQ(error_of("(func (return_call_ref 0))", without), "unknown operator return_call_ref");
  EXPECT_EQ(error_of("(func ref.as_non_null)", without), "unknown operator ref.as_non_null");
  EXPECT_EQ(error_of("(func (br_on_null 0))", without), "unknown operator br_on_null");
  EXPECT_EQ(error_of("(func br_on_non_null 0)", without), "unknown operator br_on_non_null");
  // Reference types' own spelling of funcref stays.
  auto result = wat_to_binary("(func (param (ref null func)))", without, false);
  ASSERT_TRUE(result.ok()) << result.error().to_string();
  EXPECT_EQ(*result, module_bytes({{0x01, 0x05, 0x01, 0x60, 0x01, 0x70, 0x00},
                                   {0x03, 0x02, 0x01, 0x00},
                                   {0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b}}));
}

}  // namespace
}  // namespace wasmscope::internal
