// Annotations of the text format: custom sections, names and branch hints, with the expected
// bytes written out by hand from the binary format, the name section and the branch-hinting
// proposal ({metadata.code.branch_hint}: offsets from the start of the locals vector).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "text/lexer.h"
#include "text/wat.h"
#include "text/wat_test_util.h"

namespace wasmscope::internal {
namespace {

using wat_test::Bytes;
using wat_test::compile;
using wat_test::kHeader;
using wat_test::module_bytes;

const Bytes kEmptyFuncType = {0x01, 0x04, 0x01, 0x60, 0x00, 0x00};
const Bytes kOneFunction = {0x03, 0x02, 0x01, 0x00};
const Bytes kEmptyBody = {0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b};

/// The message of the {kind} error {text} gives, or "" (and a failure).
std::string error_of(std::string_view text, ErrorKind kind = ErrorKind::kMalformed) {
  auto result = wat_to_binary(text, Features(), /*emit_names=*/false);
  EXPECT_FALSE(result.ok()) << text;
  if (result.ok()) return "";
  EXPECT_EQ(result.error().kind, kind) << text << ": " << result.error().to_string();
  return result.error().message;
}

TEST(Annotations, LexerKeepsKnownOnesWithTheirPlace) {
  std::vector<Annotation> annotations;
  auto tokens =
      tokenize(R"((module (@custom "a" (after func)) (@foo x) (@name "n")))", &annotations);
  ASSERT_TRUE(tokens.ok());
  ASSERT_EQ(tokens->size(), 4u);  // ( module ) eof
  ASSERT_EQ(annotations.size(), 2u);
  EXPECT_EQ(annotations[0].id, "custom");
  EXPECT_EQ(annotations[0].token_index, 2u);
  EXPECT_EQ(annotations[0].offset, 8u);
  ASSERT_EQ(annotations[0].items.size(), 5u);  // "a" ( after func )
  EXPECT_EQ(annotations[0].items[0].value, "a");
  EXPECT_EQ(annotations[1].id, "name");
  EXPECT_EQ(annotations[1].token_index, 2u);
  // Without a list to keep them in, every annotation is white space.
  auto plain = tokenize(R"((module (@custom "a")))");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->size(), 4u);
}

TEST(Annotations, CustomSectionsBeforeAndAfterSections) {
  EXPECT_EQ(compile(R"((module (type (func))
                  (@custom "b" (before type) "x")
                  (@custom "a" (after type) "y" "z")
                  (@custom "e" "!")))"),
            module_bytes({
                {0x00, 0x03, 0x01, 'b', 'x'},
                kEmptyFuncType,
                {0x00, 0x04, 0x01, 'a', 'y', 'z'},
                {0x00, 0x03, 0x01, 'e', '!'},
            }));
}

TEST(Annotations, CustomSectionsKeepTheirOrderAndDefaultToTheEnd) {
  EXPECT_EQ(compile(R"((module (@custom "c1" "1") (func) (@custom "c2" (after func) "2")
                         (@custom "c4" (after func)) (@custom "c3" "3")))"),
            module_bytes({
                kEmptyFuncType,
                kOneFunction,
                {0x00, 0x04, 0x02, 'c', '2', '2'},
                {0x00, 0x03, 0x02, 'c', '4'},
                kEmptyBody,
                {0x00, 0x04, 0x02, 'c', '1', '1'},
                {0x00, 0x04, 0x02, 'c', '3', '3'},
            }));
  // "first" and "last" are the type and data sections.
  EXPECT_EQ(compile(R"((@custom "z" (after last)) (type (func)) (@custom "f" (before first)))"),
            module_bytes({
                {0x00, 0x02, 0x01, 'f'},
                kEmptyFuncType,
                {0x00, 0x02, 0x01, 'z'},
            }));
}

TEST(Annotations, CustomSectionInAModuleWithoutWrapper) {
  EXPECT_EQ(compile(R"((@custom "bla"))"), module_bytes({{0x00, 0x04, 0x03, 'b', 'l', 'a'}}));
  EXPECT_EQ(compile(R"((module (@custom "bla")))"),
            module_bytes({{0x00, 0x04, 0x03, 'b', 'l', 'a'}}));
}

TEST(Annotations, MalformedCustom) {
  EXPECT_EQ(error_of("(@custom)"), "@custom annotation: missing section name");
  EXPECT_EQ(error_of("(@custom bla)"), "@custom annotation: missing section name");
  EXPECT_EQ(error_of(R"((@custom "\df"))"), "@custom annotation: malformed UTF-8 encoding");
  EXPECT_EQ(error_of(R"((@custom "bla" here))"), "@custom annotation: unexpected token \"here\"");
  EXPECT_EQ(error_of(R"((@custom "bla" (after)))"), "@custom annotation: malformed section kind");
  EXPECT_EQ(error_of(R"((@custom "bla" (type)))"), "@custom annotation: malformed placement");
  EXPECT_EQ(error_of(R"((@custom "bla" (before types)))"),
            "@custom annotation: malformed section kind");
  EXPECT_EQ(error_of(R"((@custom "bla" (before type x)))"),
            "@custom annotation: unexpected token \"x\"");
  EXPECT_EQ(error_of(R"((func (block (@custom "bla"))))"), "misplaced @custom annotation");
  EXPECT_EQ(error_of(R"((type (@custom "bla") (func)))"), "misplaced @custom annotation");
  EXPECT_EQ(error_of(R"(((@custom "bla") module))"), "misplaced @custom annotation");
}

TEST(Annotations, NamesOfModuleFunctionsAndLocals) {
  const Bytes names = {
      0x00, 0x1a, 0x04, 'n',  'a',  'm',  'e',                         // custom section "name"
      0x00, 0x02, 0x01, 'M',                                           // module
      0x01, 0x04, 0x01, 0x00, 0x01, 'F',                               // functions
      0x02, 0x09, 0x01, 0x00, 0x02, 0x00, 0x01, 'P', 0x01, 0x01, 'L',  // locals of function 0
  };
  EXPECT_EQ(compile(R"((module $m (@name "M")
                  (func $f (@name "F") (param $p (@name "P") i32) (local (@name "L") i64))))"),
            module_bytes({
                {0x01, 0x05, 0x01, 0x60, 0x01, 0x7f, 0x00},
                kOneFunction,
                {0x0a, 0x06, 0x01, 0x04, 0x01, 0x01, 0x7e, 0x0b},
                names,
            }));
}

TEST(Annotations, NameOverridesTheIdentifierAndCountsImports) {
  auto named = wat_to_binary(R"((module $m (@name "N")))", Features(), /*emit_names=*/true);
  ASSERT_TRUE(named.ok());
  EXPECT_EQ(*named, module_bytes({{0x00, 0x09, 0x04, 'n', 'a', 'm', 'e', 0x00, 0x02, 0x01, 'N'}}));
  EXPECT_EQ(compile(R"((module (import "a" "b" (func)) (func $g (@name "G"))))"),
            module_bytes({
                kEmptyFuncType,
                {0x02, 0x07, 0x01, 0x01, 'a', 0x01, 'b', 0x00, 0x00},
                kOneFunction,
                kEmptyBody,
                {0x00, 0x0b, 0x04, 'n', 'a', 'm', 'e', 0x01, 0x04, 0x01, 0x01, 0x01, 'G'},
            }));
}

TEST(Annotations, MalformedNames) {
  EXPECT_EQ(error_of(R"((module (@name "M1") (@name "M2")))"),
            "@name annotation: multiple module names");
  EXPECT_EQ(error_of(R"((module (func) (@name "M")))"), "misplaced @name annotation");
  EXPECT_EQ(error_of(R"((module (start $f (@name "M")) (func $f)))"), "misplaced @name annotation");
  EXPECT_EQ(error_of(R"((module (func (@name 1))))"), "@name annotation: string expected");
}

TEST(Annotations, BranchHintsOnFlatAndFoldedInstructions) {
  const std::string name = "metadata.code.branch_hint";
  Bytes hints = {0x00, 0x23, 0x19};
  hints.insert(hints.end(), name.begin(), name.end());
  // Function 0: two hints, "if" at 5 and "br_if" at 10 (the locals vector takes 0..2).
  hints.insert(hints.end(), {0x01, 0x00, 0x02, 0x05, 0x01, 0x01, 0x0a, 0x01, 0x00});
  EXPECT_EQ(compile(R"((module (func (param i32) (local i64)
                  local.get 0
                  (@metadata.code.branch_hint "\01") if end
                  (@metadata.code.branch_hint "\00") (br_if 0 (local.get 0)))))"),
            module_bytes({
                {0x01, 0x05, 0x01, 0x60, 0x01, 0x7f, 0x00},
                kOneFunction,
                hints,
                {0x0a, 0x0f, 0x01, 0x0d, 0x01, 0x01, 0x7e,  // locals
                 0x20, 0x00, 0x04, 0x40, 0x0b, 0x20, 0x00, 0x0d, 0x00, 0x0b},
            }));
}

TEST(Annotations, BranchHintOnFoldedIfAfterItsCondition) {
  const std::string name = "metadata.code.branch_hint";
  Bytes hints = {0x00, 0x20, 0x19};
  hints.insert(hints.end(), name.begin(), name.end());
  // Function 1 (after an import): "if" at 3, after the locals (0) and its condition (1..2).
  hints.insert(hints.end(), {0x01, 0x01, 0x01, 0x03, 0x01, 0x01});
  EXPECT_EQ(compile(R"((module (import "a" "b" (func (param i32)))
                  (func (param i32)
                    (@metadata.code.branch_hint "\01") (if (local.get 0) (then)))))"),
            module_bytes({
                {0x01, 0x05, 0x01, 0x60, 0x01, 0x7f, 0x00},
                {0x02, 0x07, 0x01, 0x01, 'a', 0x01, 'b', 0x00, 0x00},
                kOneFunction,
                hints,
                {0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x04, 0x40, 0x0b, 0x0b},
            }));
}

TEST(Annotations, BadBranchHints) {
  EXPECT_EQ(error_of(R"((func (@metadata.code.branch_hint "\01") (@metadata.code.branch_hint
                 "\01") (if (i32.const 0) (then))))"),
            "@metadata.code.branch_hint annotation: duplicate annotation");
  EXPECT_EQ(error_of(R"((module (@metadata.code.branch_hint "\01") (func)))"),
            "@metadata.code.branch_hint annotation: not in a function");
  EXPECT_EQ(error_of(R"((global i32 (@metadata.code.branch_hint "\01") (i32.const 0)))"),
            "@metadata.code.branch_hint annotation: not in a function");
  EXPECT_EQ(error_of(R"((func i32.const 0 (@metadata.code.branch_hint "\02") if end))"),
            "@metadata.code.branch_hint annotation: invalid hint value");
  EXPECT_EQ(error_of(R"((func (@metadata.code.branch_hint "\01") nop))", ErrorKind::kInvalid),
            "@metadata.code.branch_hint annotation: invalid target");
}

TEST(Annotations, OthersAreSkippedAnywhere) {
  EXPECT_EQ(compile(R"(((@a) module (@b x (y)) (func (@c) nop (@d "s"))))"),
            compile("(module (func nop))"));
}

}  // namespace
}  // namespace wasmscope::internal
