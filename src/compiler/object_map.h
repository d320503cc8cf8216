// Reads a compiled module's code layout (native_code.h) from the object files LLVM emitted:
// each body's extent from its symbol, each instruction's wasm offset from the DWARF line table
// (whose "line" is the wasm code offset, see FuncGen::generate). Part of the plugin.
#pragma once

#include <cstdint>
#include <vector>

#include "compiler/native_code.h"
#include "wasmscope/result.h"

namespace wasmscope::internal::compiler {

/// The layout of the function bodies "f<i>", i < {functions}, defined in relocatable
/// {objects} (each body in exactly one of them: the partitions of one module).
Result<CodeLayout> read_layout(const std::vector<std::vector<uint8_t>>& objects, size_t functions);

}  // namespace wasmscope::internal::compiler
