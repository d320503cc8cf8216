// UTF-8 well-formedness, as the binary format requires of names.
#pragma once

#include <cstddef>
#include <cstdint>

namespace wasmscope::internal {

/// True when [{p}, {p}+{n}) is well-formed UTF-8 (no overlongs, surrogates or values past
/// U+10FFFF).
bool is_valid_utf8(const uint8_t* p, size_t n);

}  // namespace wasmscope::internal
