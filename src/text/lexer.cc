#include "text/lexer.h"

#include <limits>

#include "base/utf8.h"

namespace wasmscope::internal {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int hex_digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// Appends the UTF-8 encoding of the scalar value {cp} to {out}.
void append_utf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xc0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xe0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else {
    out->push_back(static_cast<char>(0xf0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
}

class Lexer {
 public:
  Lexer(std::string_view text, std::vector<Annotation>* annotations)
      : text_(text), annotations_(annotations) {}

  Result<std::vector<Token>> run() {
    std::vector<Token> tokens;
    WS_TRY(read_tokens(&tokens, nullptr));
    Token eof;
    eof.offset = static_cast<uint32_t>(text_.size());
    tokens.push_back(std::move(eof));
    return tokens;
  }

 private:
  /// Reads tokens into {out}: to the end of the text, or, inside the known annotation {open}
  /// (then non-null), to the ")" that closes it, which is consumed but not stored.
  Result<void> read_tokens(std::vector<Token>* out, const Annotation* open) {
    size_t depth = 0;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      WS_ASSIGN(const bool skipped, skip_space_or_comment());
      if (skipped) {
        continue;
      } else if (c == '(' && peek(1) == '@') {
        WS_TRY(read_annotation(out->size(), open != nullptr));
      } else if (c == ')' && open != nullptr && depth == 0) {
        ++pos_;
        return {};
      } else if (c == '(' || c == ')') {
        if (c == '(') ++depth;
        if (c == ')' && depth > 0) --depth;
        Token t;
        t.kind = c == '(' ? TokenKind::kLParen : TokenKind::kRParen;
        t.offset = static_cast<uint32_t>(pos_);
        t.text = text_.substr(pos_, 1);
        out->push_back(std::move(t));
        ++pos_;
      } else {
        WS_ASSIGN(Token t, read_run());
        out->push_back(std::move(t));
      }
    }
    if (open != nullptr) return malformed(open->offset, "unclosed annotation");
    return {};
  }

  /// The annotation at {pos_}: a known one is tokenized into {annotations_} (when the caller
  /// wants them and it is not {nested} in another); any other is skipped like white space.
  /// {token_index}: how many tokens precede it.
  Result<void> read_annotation(size_t token_index, bool nested) {
    Annotation annotation;
    annotation.offset = offset();
    annotation.token_index = token_index;
    pos_ += 2;
    WS_ASSIGN(annotation.id, read_annotation_id(annotation.offset));
    if (annotations_ == nullptr || nested || !is_known_annotation(annotation.id)) {
      return skip_annotation_body(annotation.offset);
    }
    WS_TRY(read_tokens(&annotation.items, &annotation));
    annotations_->push_back(std::move(annotation));
    return {};
  }

  char peek(size_t ahead) const { return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0'; }
  uint32_t offset() const { return static_cast<uint32_t>(pos_); }

  /// Skips one white-space character or one comment at {pos_}; false if there is neither.
  Result<bool> skip_space_or_comment() {
    const char c = text_[pos_];
    if (is_space(c)) {
      ++pos_;
    } else if (c == ';' && peek(1) == ';') {
      skip_line_comment();
    } else if (c == '(' && peek(1) == ';') {
      WS_TRY(skip_block_comment());
    } else {
      return false;
    }
    return true;
  }

  void skip_line_comment() {
    while (pos_ < text_.size() && text_[pos_] != '\n' && text_[pos_] != '\r')
      ++pos_;
  }

  /// Skips a block comment at {pos_}, which nests: "(; (; ;) ;)".
  Result<void> skip_block_comment() {
    const uint32_t start = offset();
    size_t depth = 0;
    while (pos_ < text_.size()) {
      if (text_[pos_] == '(' && peek(1) == ';') {
        ++depth;
        pos_ += 2;
      } else if (text_[pos_] == ';' && peek(1) == ')') {
        pos_ += 2;
        if (--depth == 0) return {};
      } else {
        ++pos_;
      }
    }
    return malformed(start, "unclosed comment");
  }

  /// The id after "(@" ({pos_} on it): identifier characters or a non-empty string, which
  /// must be UTF-8. {start}: the offset of "(@".
  Result<std::string> read_annotation_id(uint32_t start) {
    std::string id;
    if (peek(0) == '"') {
      WS_TRY(read_string(&id));
      if (id.empty()) return malformed(start, "empty annotation id");
      if (!is_valid_utf8(reinterpret_cast<const uint8_t*>(id.data()), id.size())) {
        return malformed(start, "malformed UTF-8 encoding");
      }
      return id;
    }
    const size_t begin = pos_;
    while (pos_ < text_.size() && is_idchar(text_[pos_]))
      ++pos_;
    if (pos_ == begin) return malformed(start, "empty annotation id");
    return std::string(text_.substr(begin, pos_ - begin));
  }

  /// Skips the rest of an annotation nothing gives a meaning to, like white space: its
  /// contents are well-formed tokens with balanced parentheses. {start}: the offset of "(@".
  Result<void> skip_annotation_body(uint32_t start) {
    size_t depth = 1;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      const auto uc = static_cast<unsigned char>(c);
      WS_ASSIGN(const bool skipped, skip_space_or_comment());
      if (skipped) {
        continue;
      } else if (c == '(') {
        ++depth;
        ++pos_;
      } else if (c == ')') {
        ++pos_;
        if (--depth == 0) return {};
      } else if (c == '"') {
        std::string ignored;
        WS_TRY(read_string(&ignored));
      } else if (uc < 0x20 || uc >= 0x7f) {
        return malformed(offset(), "illegal character");
      } else {
        ++pos_;
      }
    }
    return malformed(start, "unclosed annotation");
  }

  /// Reads a maximal run of identifier characters and strings: one token.
  Result<Token> read_run() {
    Token t;
    t.offset = offset();
    const size_t start = pos_;
    int strings = 0;
    bool other = false;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '"') {
        WS_TRY(read_string(&t.value));
        ++strings;
      } else if (is_idchar(c)) {
        ++pos_;
      } else if (is_space(c) || c == '(' || c == ')' || (c == ';' && peek(1) == ';')) {
        break;
      } else {
        other = true;
        ++pos_;
      }
    }
    t.text = text_.substr(start, pos_ - start);
    if (!other && strings == 1 && text_[start] == '$' && pos_ - start >= 3 &&
        text_[start + 1] == '"' && text_[pos_ - 1] == '"') {
      // An identifier written as a string (3.0): $"..." names what $... would.
      if (t.value.empty()) return malformed(t.offset, "empty identifier");
      if (!is_valid_utf8(reinterpret_cast<const uint8_t*>(t.value.data()), t.value.size())) {
        return malformed(t.offset, "malformed UTF-8 encoding");
      }
      t.kind = TokenKind::kId;
      return t;
    }
    if (other || strings > 1 || (strings == 1 && text_[start] != '"')) {
      t.kind = TokenKind::kReserved;
    } else if (strings == 1) {
      t.kind =
          text_[pos_ - 1] == '"' && pos_ - start >= 2 ? TokenKind::kString : TokenKind::kReserved;
    } else if (text_[start] == '$') {
      t.kind = t.text.size() > 1 ? TokenKind::kId : TokenKind::kReserved;
    } else if (text_[start] >= 'a' && text_[start] <= 'z') {
      t.kind = TokenKind::kKeyword;
    } else {
      t.kind = TokenKind::kNumber;
    }
    if (t.kind != TokenKind::kString) t.value.clear();
    return t;
  }

  /// Reads the string literal at {pos_} (on its opening quote), appending its bytes to {out}.
  Result<void> read_string(std::string* out) {
    const uint32_t start = offset();
    ++pos_;
    while (true) {
      if (pos_ >= text_.size()) return malformed(start, "unclosed string");
      const char c = text_[pos_];
      const auto uc = static_cast<unsigned char>(c);
      if (c == '"') {
        ++pos_;
        return {};
      }
      if (uc < 0x20 || uc == 0x7f) return malformed(offset(), "illegal character in string");
      if (c != '\\') {
        out->push_back(c);
        ++pos_;
        continue;
      }
      WS_TRY(read_escape(out));
    }
  }

  Result<void> read_escape(std::string* out) {
    const uint32_t at = offset();
    const char e = peek(1);
    pos_ += 2;
    switch (e) {
      case 't':
        out->push_back('\t');
        return {};
      case 'n':
        out->push_back('\n');
        return {};
      case 'r':
        out->push_back('\r');
        return {};
      case '"':
        out->push_back('"');
        return {};
      case '\'':
        out->push_back('\'');
        return {};
      case '\\':
        out->push_back('\\');
        return {};
      case 'u':
        return read_unicode_escape(at, out);
      default:
        break;
    }
    const int hi = hex_digit_value(e);
    const int lo = hex_digit_value(peek(0));
    if (hi < 0 || lo < 0) return malformed(at, "illegal escape");
    ++pos_;
    out->push_back(static_cast<char>(hi * 16 + lo));
    return {};
  }

  /// "\u{hexnum}" with {pos_} after the "u".
  Result<void> read_unicode_escape(uint32_t at, std::string* out) {
    if (peek(0) != '{' || hex_digit_value(peek(1)) < 0) return malformed(at, "illegal escape");
    ++pos_;
    uint32_t cp = 0;
    bool overflow = false;
    bool digit_before = false;
    while (true) {
      const char c = peek(0);
      const int v = hex_digit_value(c);
      if (v >= 0) {
        if (cp > 0x10ffff) overflow = true;
        cp = (cp << 4) | static_cast<uint32_t>(v);
        digit_before = true;
      } else if (c == '_' && digit_before && hex_digit_value(peek(1)) >= 0) {
        digit_before = false;
      } else if (c == '}') {
        break;
      } else {
        return malformed(at, "illegal escape");
      }
      ++pos_;
    }
    ++pos_;
    if (overflow || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) {
      return malformed(at, "illegal escape");
    }
    append_utf8(cp, out);
    return {};
  }

  std::string_view text_;
  size_t pos_ = 0;
  std::vector<Annotation>* annotations_;  ///< Null: every annotation is skipped.
};

}  // namespace

bool is_idchar(char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  constexpr std::string_view kPunctuation = "!#$%&'*+-./:<=>?@\\^_`|~";
  return kPunctuation.find(c) != std::string_view::npos;
}

bool is_known_annotation(std::string_view id) {
  return id == "custom" || id == "name" || id == "metadata.code.branch_hint";
}

Result<std::vector<Token>> tokenize(std::string_view text, std::vector<Annotation>* annotations) {
  if (text.size() >= std::numeric_limits<uint32_t>::max()) {
    return malformed(0, "text too large");
  }
  if (!is_valid_utf8(reinterpret_cast<const uint8_t*>(text.data()), text.size())) {
    return malformed(0, "malformed UTF-8 encoding");
  }
  return Lexer(text, annotations).run();
}

}  // namespace wasmscope::internal
