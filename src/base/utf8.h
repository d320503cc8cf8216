// UTF-8 well-formedness, as the binary format requires of names.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace wasmscope::internal {

/// The length of the well-formed UTF-8 sequence at the start of [{p}, {p}+{n}), or 0 when none
/// starts there (an overlong form, a surrogate, a value past U+10FFFF, or too few bytes).
size_t utf8_sequence_length(const uint8_t* p, size_t n);

/// True when [{p}, {p}+{n}) is well-formed UTF-8 (no overlongs, surrogates or values past
/// U+10FFFF).
bool is_valid_utf8(const uint8_t* p, size_t n);

/// {s} with each byte that starts no well-formed sequence replaced by U+FFFD, for text formats
/// (JSON, XML) that must stay parseable whatever bytes a name held.
std::string replace_invalid_utf8(std::string_view s);

}  // namespace wasmscope::internal
