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
/// {zero_takes_next}: code of line 0 (no wasm instruction's) counts as the next row's
/// instruction, for unoptimized code generation (levels 0 and 1); otherwise as the previous.
Result<CodeLayout> read_layout(const std::vector<std::vector<uint8_t>>& objects, size_t functions,
                               bool zero_takes_next);

}  // namespace wasmscope::internal::compiler
