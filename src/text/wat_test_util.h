// Helpers the text format's unit tests share: a module's bytes from its sections, and the
// parser's output or error for a text.
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "text/wat.h"

namespace wasmscope::internal::wat_test {

using Bytes = std::vector<uint8_t>;

inline const Bytes kHeader = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};

/// The header followed by {sections}, each already encoded (id, size, contents).
inline Bytes module_bytes(std::initializer_list<Bytes> sections) {
  Bytes out = kHeader;
  for (const Bytes& s : sections)
    out.insert(out.end(), s.begin(), s.end());
  return out;
}

/// Compiles without the identifiers' name section, so expected bytes stay minimal (only
/// annotations name things then).
inline Bytes compile(std::string_view text) {
  auto result = wat_to_binary(text, Features(), /*emit_names=*/false);
  EXPECT_TRUE(result.ok()) << text << "\n" << result.error().to_string();
  return result.ok() ? *result : Bytes{};
}

/// The malformedness message for {text}, or "" (and a failure) if it compiles.
inline std::string error_of(std::string_view text, Features features = Features()) {
  auto result = wat_to_binary(text, features, /*emit_names=*/false);
  EXPECT_FALSE(result.ok()) << text;
  if (result.ok()) return "";
  EXPECT_EQ(result.error().kind, ErrorKind::kMalformed);
  return result.error().message;
}

}  // namespace wasmscope::internal::wat_test
