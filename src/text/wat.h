// The WebAssembly text format: parsing a module written as text into the binary format.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "wasmscope/result.h"
#include "wasmscope/features.h"

namespace wasmscope::internal {

/// Parses one text-format module ({(module ...)}, or its fields without the wrapper, as in a
/// wast {module quote}) and encodes it in the binary format. Malformed text is an
/// {ErrorKind::kMalformed} error whose offset is the byte offset in {text}. The output is not
/// validated: pass it to {decode_module} and {validate_module}.
Result<std::vector<uint8_t>> wat_to_binary(std::string_view text, Features features = Features());

}  // namespace wasmscope::internal
