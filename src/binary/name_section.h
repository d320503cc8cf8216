// The {name} custom section (module, function and local names).
#pragma once

#include <cstdint>

#include "binary/module.h"

namespace wasmscope::internal {

/// Parses the payload {data} of a name section; false (leaving {out} unspecified) when it is
/// malformed. Unknown subsections are skipped.
bool parse_name_section(const uint8_t* module_bytes, ByteRange data, NameSection* out);

}  // namespace wasmscope::internal
