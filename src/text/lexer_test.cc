#include "text/lexer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace wasmscope::internal {
namespace {

std::vector<TokenKind> kinds(std::string_view text) {
  auto tokens = tokenize(text);
  EXPECT_TRUE(tokens.ok()) << tokens.error().to_string();
  std::vector<TokenKind> out;
  if (!tokens.ok()) return out;
  for (const Token& t : *tokens)
    out.push_back(t.kind);
  return out;
}

std::string string_value(std::string_view text) {
  auto tokens = tokenize(text);
  EXPECT_TRUE(tokens.ok()) << tokens.error().to_string();
  if (!tokens.ok() || tokens->size() != 2 || (*tokens)[0].kind != TokenKind::kString) {
    ADD_FAILURE() << "not one string: " << text;
    return "";
  }
  return (*tokens)[0].value;
}

bool fails(std::string_view text) {
  return !tokenize(text).ok();
}

using K = TokenKind;

TEST(Lexer, SplitsOnParensAndSpace) {
  EXPECT_EQ(kinds("(func $f (param i32))"),
            (std::vector<K>{K::kLParen, K::kKeyword, K::kId, K::kLParen, K::kKeyword, K::kKeyword,
                            K::kRParen, K::kRParen, K::kEof}));
  auto tokens = tokenize("  (nop)\n");
  ASSERT_TRUE(tokens.ok());
  EXPECT_EQ((*tokens)[1].text, "nop");
  EXPECT_EQ((*tokens)[1].offset, 3u);
}

TEST(Lexer, ClassifiesRuns) {
  EXPECT_EQ(kinds("12 -0x1p3 +inf inf nan:0x1 offset=4 $x $"),
            (std::vector<K>{K::kNumber, K::kNumber, K::kNumber, K::kKeyword, K::kKeyword,
                            K::kKeyword, K::kId, K::kReserved, K::kEof}));
  // Tokens must be separated: a number glued to a keyword is one (number) token.
  EXPECT_EQ(kinds("0drop"), (std::vector<K>{K::kNumber, K::kEof}));
  // Strings glued to other characters make one reserved token.
  EXPECT_EQ(kinds("\"a\"\"b\" $l\"a\" \"a\"x"),
            (std::vector<K>{K::kReserved, K::kReserved, K::kReserved, K::kEof}));
  EXPECT_EQ(kinds("a,b [x]"), (std::vector<K>{K::kReserved, K::kReserved, K::kEof}));
}

TEST(Lexer, Comments) {
  EXPECT_EQ(kinds(";; line\nnop;;x\n(;a(;nested;)b;)nop"),
            (std::vector<K>{K::kKeyword, K::kKeyword, K::kEof}));
  EXPECT_EQ(kinds("(;;)"), (std::vector<K>{K::kEof}));
  EXPECT_TRUE(fails("(; (; ;)"));
  EXPECT_TRUE(fails("(;"));
  EXPECT_EQ(kinds("nop;;"), (std::vector<K>{K::kKeyword, K::kEof}));
}

TEST(Lexer, StringEscapes) {
  EXPECT_EQ(string_value(R"("a\tb\nc\rd\"e\'f\\g")"), "a\tb\nc\rd\"e'f\\g");
  EXPECT_EQ(string_value(R"("\00\ff\7F")"), std::string("\x00\xff\x7f", 3));
  EXPECT_EQ(string_value(R"("\u{41}\u{e9}\u{20AC}\u{1F600}")"),
            "A\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
  EXPECT_EQ(string_value(R"("\u{1_F600}")"), "\xf0\x9f\x98\x80");
  EXPECT_EQ(string_value("\"\xc3\xa9\""), "\xc3\xa9");
  EXPECT_EQ(string_value(R"("")"), "");
}

TEST(Lexer, BadStrings) {
  EXPECT_TRUE(fails(R"("abc)"));
  EXPECT_TRUE(fails(R"("\x")"));
  EXPECT_TRUE(fails(R"("\0")"));
  EXPECT_TRUE(fails(R"("\u{D800}")"));
  EXPECT_TRUE(fails(R"("\u{110000}")"));
  EXPECT_TRUE(fails(R"("\u{}")"));
  EXPECT_TRUE(fails(R"("\u41")"));
  EXPECT_TRUE(fails("\"a\nb\""));
  EXPECT_TRUE(fails("\"\x7f\""));
  EXPECT_TRUE(fails("\"\xff\""));  // Not UTF-8.
  EXPECT_TRUE(fails("\"\\"));
}

/// The message {text} is refused with, or "" if it is accepted.
std::string refusal(std::string_view text) {
  auto tokens = tokenize(text);
  return tokens.ok() ? "" : tokens.error().message;
}

TEST(Lexer, AnnotationsAreSkippedLikeSpace) {
  EXPECT_EQ(kinds("(@a) nop (@name \"f\" (x (y)) ;; c\n) (@\"str id\" 1 $x \")\") drop"),
            (std::vector<K>{K::kKeyword, K::kKeyword, K::kEof}));
  EXPECT_EQ(kinds("(func (@a (; ) ;) z) (nop))"),
            (std::vector<K>{K::kLParen, K::kKeyword, K::kLParen, K::kKeyword, K::kRParen,
                            K::kRParen, K::kEof}));
  // "( @a)" is a parenthesis and a run (rejected by the parser), not an annotation.
  EXPECT_EQ(kinds("( @a)"), (std::vector<K>{K::kLParen, K::kNumber, K::kRParen, K::kEof}));
  EXPECT_EQ(refusal("(@)"), "empty annotation id");
  EXPECT_EQ(refusal("(@ x)"), "empty annotation id");
  EXPECT_EQ(refusal("(@\"\")"), "empty annotation id");
  EXPECT_EQ(refusal("(@\"\\ef\")"), "malformed UTF-8 encoding");
  EXPECT_EQ(refusal("(@x ()"), "unclosed annotation");
  EXPECT_EQ(refusal("(@x \x01)"), "illegal character");
  EXPECT_EQ(refusal("(@x H\xc3\xa9)"), "illegal character");
  EXPECT_EQ(refusal("(@x \"abc)"), "unclosed string");
}

}  // namespace
}  // namespace wasmscope::internal
