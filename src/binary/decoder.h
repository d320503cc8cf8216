// Decoding the binary format into a {Module}.
#pragma once

#include <cstdint>
#include <vector>

#include "wasmscope/result.h"
#include "binary/module.h"
#include "wasmscope/features.h"

namespace wasmscope::internal {

/// Decodes {bytes} (taken over by the Module) per the binary format: every section, their
/// order and sizes, LEB128 and UTF-8 rules, the data-count rule, and the syntax of every
/// function body and constant expression. Custom sections are kept; the {name} section is
/// parsed into {Module::names} (a malformed name section is ignored, as the spec allows).
/// Errors are {ErrorKind::kMalformed} with the byte offset.
Result<Module> decode_module(std::vector<uint8_t> bytes, Features features = Features());

}  // namespace wasmscope::internal
