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
  std::string value;      ///< kString, and a kId written as a string ($"..."): its bytes.
};

/// The name an identifier token stands for, without its "$": `$fh` and `$"fh"` are one name.
inline std::string_view id_name(const Token& t) {
  return t.value.empty() ? t.text.substr(1) : std::string_view(t.value);
}

/// An annotation the text parser gives a meaning to ({@custom}, {@name},
/// {@metadata.code.branch_hint}; see {is_known_annotation}), lifted out of the token list.
struct Annotation {
  std::string id;            ///< Without "(@": "custom", "name", ...
  uint32_t offset = 0;       ///< Byte offset of its "(@".
  size_t token_index = 0;    ///< Index in the token list of the token that follows it.
  std::vector<Token> items;  ///< Its contents (parentheses included), without the final ")".
};

/// True for the annotation ids {tokenize} hands to the parser instead of skipping.
bool is_known_annotation(std::string_view id);

/// Splits {text} into tokens, dropping white space, comments and annotations ("(@id ...)",
/// which may stand wherever white space may); the list ends with a kEof token. With
/// {annotations}, the known annotations are appended there (in text order) instead of being
/// dropped; nested annotations inside them are dropped. Fails on unterminated strings,
/// comments or annotations, bad escapes, control characters in strings, and malformed UTF-8.
Result<std::vector<Token>> tokenize(std::string_view text,
                                    std::vector<Annotation>* annotations = nullptr);

/// True for the characters identifiers, keywords and numbers are made of (spec {idchar}).
bool is_idchar(char c);

}  // namespace wasmscope::internal
