#include "base/utf8.h"

namespace wasmscope::internal {

size_t utf8_sequence_length(const uint8_t* p, size_t n) {
  if (n == 0) return 0;
  const uint8_t b = p[0];
  if (b < 0x80) return 1;
  size_t len;
  uint32_t cp;
  if ((b & 0xe0) == 0xc0) {
    len = 2;
    cp = b & 0x1f;
  } else if ((b & 0xf0) == 0xe0) {
    len = 3;
    cp = b & 0x0f;
  } else if ((b & 0xf8) == 0xf0) {
    len = 4;
    cp = b & 0x07;
  } else {
    return 0;
  }
  if (n < len) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((p[k] & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (p[k] & 0x3f);
  }
  static constexpr uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMinForLength[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return len;
}

bool is_valid_utf8(const uint8_t* p, size_t n) {
  for (size_t i = 0; i < n;) {
    const size_t len = utf8_sequence_length(p + i, n - i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

std::string replace_invalid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const size_t len = utf8_sequence_length(p + i, s.size() - i);
    if (len == 0) {
      out += "\xef\xbf\xbd";  // U+FFFD REPLACEMENT CHARACTER
      ++i;
    } else {
      out.append(s.substr(i, len));
      i += len;
    }
  }
  return out;
}

}  // namespace wasmscope::internal
