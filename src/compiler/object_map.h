// Reads a compiled module's code map (engine/code_map.h) from the object file LLVM emitted.
#pragma once

#include <llvm/Support/MemoryBuffer.h>

#include <vector>

#include "engine/code_map.h"
#include "wasmscope/result.h"

namespace wasmscope::internal::compiler {

/// Fills {map}'s ranges and lines for the function bodies "f<i>" defined in relocatable
/// {objects} (each body in exactly one of them: the partitions of one module), which the JIT
/// placed at {bodies}[i].
Result<void> build_code_map(const std::vector<llvm::MemoryBufferRef>& objects,
                            const std::vector<void*>& bodies, CodeMap* map);

}  // namespace wasmscope::internal::compiler
