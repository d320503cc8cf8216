// Helpers shared by the DWARF reader tests: reading the inputs built from tests/dwarf and
// building small modules by hand.
#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

namespace wasmscope::internal::dwarf_test {

using Bytes = std::vector<uint8_t>;

/// The whole file at {path}, or nullopt when it cannot be read.
inline std::optional<std::string> read_file(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return std::nullopt;
  std::string text;
  char buffer[4096];
  while (size_t n = std::fread(buffer, 1, sizeof buffer, file)) text.append(buffer, n);
  std::fclose(file);
  return text;
}

/// {value} as unsigned LEB128.
inline Bytes leb(uint64_t value) {
  Bytes out;
  do {
    uint8_t byte = value & 0x7f;
    value >>= 7;
    out.push_back(value != 0 ? byte | 0x80 : byte);
  } while (value != 0);
  return out;
}

// Byte by byte: g++ 12 at -O3 warns falsely (-Wstringop-overread) on vector::insert here.
inline void append(Bytes& out, const Bytes& more) {
  for (const uint8_t b : more) out.push_back(b);
}

inline void append_u32(Bytes& out, uint32_t value) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(value >> (8 * i)));
}

/// Appends a custom section {name} holding {content} to module bytes {module}.
inline void append_custom_section(Bytes& module, const std::string& name, const Bytes& content) {
  Bytes payload = leb(name.size());
  for (const char c : name) payload.push_back(static_cast<uint8_t>(c));
  append(payload, content);
  module.push_back(0x00);
  append(module, leb(payload.size()));
  append(module, payload);
}

}  // namespace wasmscope::internal::dwarf_test
