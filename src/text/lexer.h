// Tokens of the WebAssembly text format (spec 6.3): parentheses, keywords, identifiers,
// strings, and everything else made of identifier characters (numbers among them).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "wasmscope/result.h"

namespace wasmscope::internal {

enum class TokenKind : uint8_t {
  kLParen,
  kRParen,
  kKeyword,   ///< Starts with a lower-case letter: "func", "i32.add", "offset=4", "nan:0x1".
  kId,        ///< "$" followed by identifier characters; {text} includes the "$".
  kString,    ///< A string literal; {value} holds its decoded bytes.
  kNumber,    ///< Any other run of identifier characters: "12", "-0x1p3", "+inf". Checked on use.
  kReserved,  ///< A run that is none of the above ("a\"b\"", "1,2"): never valid where a token
              ///< is expected.
  kEof,
};

struct Token {
  TokenKind kind = TokenKind::kEof;
  uint32_t offset = 0;    ///< Byte offset of the first character in the source text.
  std::string_view text;  ///< The source characters, quotes and escapes included.
  std::string value;      ///< kString only: the bytes the literal denotes.
};

/// Splits {text} into tokens, dropping white space and comments; the list ends with a kEof
/// token. Fails on unterminated strings or block comments, bad escapes, control characters
/// in strings, and malformed UTF-8.
Result<std::vector<Token>> tokenize(std::string_view text);

/// True for the characters identifiers, keywords and numbers are made of (spec {idchar}).
bool is_idchar(char c);

}  // namespace wasmscope::internal
