// Exception handling in the text format: tags, throw, throw_ref, try_table and the legacy
// try/catch/delegate/rethrow. Expected encodings were written out by hand from the binary
// format spec (the tag section is id 13, between memory and global; a tag is the attribute
// byte 0 and a type index; a catch clause is its kind byte, the tag for catch and catch_ref,
// and the label).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "text/wat.h"
#include "text/wat_test_util.h"

namespace wasmscope::internal {
namespace {

using namespace wat_test;

TEST(WatExceptions, TagsImportsAndExports) {
  EXPECT_EQ(compile(R"((module
      (type $v (func))
      (import "m" "t" (tag $a (param i32)))
      (tag $b (export "b") (type $v))
      (tag $c (param i32))
      (export "a" (tag $a))))"),
            module_bytes({
                // The explicit type, then (param i32), which both $a and $c use.
                {0x01, 0x08, 0x02, 0x60, 0x00, 0x00, 0x60, 0x01, 0x7f, 0x00},
                {0x02, 0x08, 0x01, 0x01, 'm', 0x01, 't', 0x04, 0x00, 0x01},  // tag import
                {0x0d, 0x05, 0x02, 0x00, 0x00, 0x00, 0x01},                   // tags 1 and 2
                {0x07, 0x09, 0x02, 0x01, 'b', 0x04, 0x01, 0x01, 'a', 0x04, 0x00},
            }));
  // The inline import form numbers the tag like the import field does.
  EXPECT_EQ(compile(R"((tag $t (import "m" "t")) (func (throw $t)))"),
            module_bytes({
                {0x01, 0x04, 0x01, 0x60, 0x00, 0x00},
                {0x02, 0x08, 0x01, 0x01, 'm', 0x01, 't', 0x04, 0x00, 0x00},
                {0x03, 0x02, 0x01, 0x00},
                {0x0a, 0x06, 0x01, 0x04, 0x00, 0x08, 0x00, 0x0b},
            }));
  // A tag result is syntax the validator rejects ("non-empty tag result type").
  EXPECT_EQ(compile("(tag (result i32))"),
            module_bytes({{0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f},
                          {0x0d, 0x03, 0x01, 0x00, 0x00}}));
}

TEST(WatExceptions, TryTableCatchLabelsAreResolvedOutsideIt) {
  const Bytes expected = module_bytes({
      {0x01, 0x09, 0x02, 0x60, 0x01, 0x7f, 0x00, 0x60, 0x00, 0x01, 0x7f},
      {0x03, 0x02, 0x01, 0x01},
      {0x0d, 0x03, 0x01, 0x00, 0x00},
      {0x0a, 0x19, 0x01, 0x17, 0x00,
       0x02, 0x69,                                // block $outer (result exnref)
       0x02, 0x7f,                                // block $h (result i32)
       0x1f, 0x7f, 0x02,                          // try_table (result i32), 2 clauses:
       0x00, 0x00, 0x00, 0x03, 0x01,              // catch $e $h, catch_all_ref $outer
       0x41, 0x01, 0x0c, 0x01,                    // i32.const 1, br $h (the try_table is 0)
       0x0b, 0x0b, 0x0f, 0x0b,                    // end end return end
       0x0a, 0x0b},                               // throw_ref end
  });
  EXPECT_EQ(compile(R"((module (tag $e (param i32))
      (func (result i32)
        (block $outer (result exnref)
          (block $h (result i32)
            (try_table $t (result i32) (catch $e $h) (catch_all_ref $outer)
              (br $h (i32.const 1))))
          (return))
        (throw_ref))))"),
            expected);
  EXPECT_EQ(compile(R"((module (tag $e (param i32))
      (func (result i32)
        block $outer (result exnref)
          block $h (result i32)
            try_table $t (result i32) (catch $e $h) (catch_all_ref $outer)
              i32.const 1 br $h
            end $t
          end
          return
        end
        throw_ref)))"),
            expected);
}

TEST(WatExceptions, ThrowAndEveryCatchClauseKind) {
  EXPECT_EQ(compile(R"((tag $e (param i32))
      (func try_table (catch $e 0) (catch_ref $e 0) (catch_all 0) (catch_all_ref 0)
              i32.const 7 throw $e end))"),
            module_bytes({
                {0x01, 0x08, 0x02, 0x60, 0x01, 0x7f, 0x00, 0x60, 0x00, 0x00},
                {0x03, 0x02, 0x01, 0x01},
                {0x0d, 0x03, 0x01, 0x00, 0x00},
                {0x0a, 0x16, 0x01, 0x14, 0x00,
                 0x1f, 0x40, 0x04, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x02, 0x00, 0x03, 0x00,
                 0x41, 0x07, 0x08, 0x00, 0x0b, 0x0b},
            }));
}

TEST(WatExceptions, LegacyTryCatchFlat) {
  EXPECT_EQ(compile(R"((tag $e0) (tag $e1 (param i32))
      (func
        try $l
          throw $e0
        catch $e0
          rethrow $l
        catch $e1
          drop
        catch_all
        end
        try
          nop
        delegate 0))"),
            module_bytes({
                {0x01, 0x08, 0x02, 0x60, 0x00, 0x00, 0x60, 0x01, 0x7f, 0x00},
                {0x03, 0x02, 0x01, 0x00},
                {0x0d, 0x05, 0x02, 0x00, 0x00, 0x00, 0x01},
                {0x0a, 0x16, 0x01, 0x14, 0x00,
                 0x06, 0x40, 0x08, 0x00,  // try, throw $e0
                 0x07, 0x00, 0x09, 0x00,  // catch $e0, rethrow $l
                 0x07, 0x01, 0x1a,        // catch $e1, drop
                 0x19, 0x0b,              // catch_all, end
                 0x06, 0x40, 0x01,        // try, nop
                 0x18, 0x00,              // delegate 0: the function's label
                 0x0b},
            }));
}

TEST(WatExceptions, LegacyDelegateLabelCountsFromOutsideTheTry) {
  const Bytes expected = module_bytes({
      {0x01, 0x04, 0x01, 0x60, 0x00, 0x00},
      {0x03, 0x02, 0x01, 0x00},
      {0x0d, 0x03, 0x01, 0x00, 0x00},
      {0x0a, 0x12, 0x01, 0x10, 0x00,
       0x06, 0x40,              // try $t
       0x06, 0x40, 0x08, 0x00,  // try, throw $e
       0x18, 0x00,              // delegate $t: 0 once the inner try's label is gone
       0x07, 0x00,              // catch $e
       0x19, 0x09, 0x00,        // catch_all, rethrow $t
       0x0b, 0x0b},
  });
  EXPECT_EQ(compile(R"((tag $e)
      (func
        (try $t
          (do (try (do (throw $e)) (delegate $t)))
          (catch $e)
          (catch_all (rethrow $t)))))"),
            expected);
  EXPECT_EQ(compile("(tag $e) (func try $t try throw $e delegate $t catch $e catch_all "
                    "rethrow $t end)"),
            expected);
}

TEST(WatExceptions, LegacyFoldedTryWithResult) {
  EXPECT_EQ(compile(R"((tag $e (param i32))
      (func (result i32)
        (try (result i32) (do (throw $e (i32.const 1))) (catch $e))))"),
            module_bytes({
                {0x01, 0x09, 0x02, 0x60, 0x01, 0x7f, 0x00, 0x60, 0x00, 0x01, 0x7f},
                {0x03, 0x02, 0x01, 0x01},
                {0x0d, 0x03, 0x01, 0x00, 0x00},
                {0x0a, 0x0d, 0x01, 0x0b, 0x00,
                 0x06, 0x7f, 0x41, 0x01, 0x08, 0x00, 0x07, 0x00, 0x0b, 0x0b},
            }));
}

TEST(WatExceptions, ExnrefTypesAndNulls) {
  EXPECT_EQ(compile("(func (param exnref) (result exnref) (local nullexnref) "
                    "(local (ref null exn)) (drop (ref.null noexn)) (ref.null exn))"),
            module_bytes({
                {0x01, 0x06, 0x01, 0x60, 0x01, 0x69, 0x01, 0x69},
                {0x03, 0x02, 0x01, 0x00},
                {0x0a, 0x0b, 0x01, 0x09, 0x01, 0x02, 0x69,  // two exnref locals
                 0xd0, 0x74, 0x1a, 0xd0, 0x69, 0x0b},       // noexn's heap type is 0x74
            }));
}

TEST(WatExceptions, MalformedText) {
  EXPECT_EQ(error_of("(func (catch_all))"), "unexpected token \"catch_all\"");
  EXPECT_EQ(error_of("(tag $e) (func (catch $e))"), "unexpected token \"catch\"");
  EXPECT_EQ(error_of("(func (delegate 0))"), "unexpected token \"delegate\"");
  EXPECT_EQ(error_of("(func catch_all)"), "unexpected token \"catch_all\"");
  EXPECT_EQ(error_of("(func block catch_all end)"), "unexpected token \"catch_all\"");
  EXPECT_EQ(error_of("(func try catch_all catch_all end)"), "unexpected token \"catch_all\"");
  EXPECT_EQ(error_of("(tag $e) (func try catch_all catch $e end)"), "unexpected token \"catch\"");
  EXPECT_EQ(error_of("(func try catch_all delegate 0)"), "unexpected token \"delegate\"");
  EXPECT_EQ(error_of("(func (try (do) (catch_all) (catch_all)))"), "unexpected token \"(\"");
  EXPECT_EQ(error_of("(func (try (do) (catch_all) (delegate 0)))"), "unexpected token \"(\"");
  EXPECT_EQ(error_of("(func (try (do) (delegate) (delegate 0)))"), "unexpected token \")\"");
  EXPECT_EQ(error_of("(func (try (nop)))"), "unexpected token \"(\"");
  EXPECT_EQ(error_of("(func (throw $x))"), "unknown tag $x");
  EXPECT_EQ(error_of("(func (try_table (catch $x 0)))"), "unknown tag $x");
  EXPECT_EQ(error_of("(export \"e\" (tag $x))"), "unknown tag $x");
  // A try_table's own label is not in scope in its catch clauses.
  EXPECT_EQ(error_of("(func (try_table $t (catch_all $t)))"), "unknown label $t");
  EXPECT_EQ(error_of("(func (try_table (catch_all)))"), "unexpected token \")\"");
  EXPECT_EQ(error_of("(tag $e) (tag $e)"), "duplicate tag $e");
  EXPECT_EQ(error_of("(tag) (import \"a\" \"b\" (func))"), "import after tag");
  // A non-null exnref is typed function references' syntax: 0x64 (ref) and the heap type exn.
  EXPECT_EQ(compile("(func (result (ref exn)) unreachable)"),
            module_bytes({{0x01, 0x06, 0x01, 0x60, 0x00, 0x01, 0x64, 0x69},
                          {0x03, 0x02, 0x01, 0x00},
                          {0x0a, 0x05, 0x01, 0x03, 0x00, 0x00, 0x0b}}));
  EXPECT_EQ(error_of("(func (result (ref exn)) unreachable)",
                     Features().disable(Feature::kFuncRefs)),
            "unexpected token \"exn\"");
  // Without the feature the words mean nothing.
  const Features without = Features().disable(Feature::kExceptions);
  EXPECT_EQ(error_of("(tag)", without), "unexpected token \"tag\"");
  EXPECT_EQ(error_of("(func try end)", without), "unknown operator try");
  EXPECT_EQ(error_of("(func (try_table))", without), "unknown operator try_table");
  EXPECT_EQ(error_of("(func (throw 0))", without), "unknown operator throw");
  EXPECT_EQ(error_of("(func (param exnref))", without), "unexpected token \"exnref\"");
}

}  // namespace
}  // namespace wasmscope::internal
