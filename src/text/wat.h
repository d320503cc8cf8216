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
/// validated: pass it to {decode_module} and {validate_module}. With {emit_names}, a {name}
/// section records the module's and functions' identifiers (without "$"), so traps and stack
/// captures show the names the author wrote. Annotations (text/annotations.cc) are honoured
/// either way: {(@custom ...)} custom sections, {(@name ...)} names (overriding identifiers),
/// {(@metadata.code.branch_hint ...)} branch hints. A misplaced one is malformed; a branch hint
/// on no {if} or {br_if} is an {ErrorKind::kInvalid} error ("invalid target").
Result<std::vector<uint8_t>> wat_to_binary(std::string_view text, Features features = Features(),
                                           bool emit_names = true);

}  // namespace wasmscope::internal
