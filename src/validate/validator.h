// Validation of a decoded module, producing the per-function facts the engine needs.
#pragma once

#include <cstdint>
#include <vector>

#include "wasmscope/result.h"
#include "binary/module.h"
#include "wasmscope/features.h"

namespace wasmscope::internal {

/// Where a structured instruction's parts are, as byte offsets in the module.
struct ControlSpan {
  uint32_t start = 0;    ///< Offset of the block / loop / if opcode.
  uint32_t else_ = 0;    ///< Offset of the else opcode; 0 when there is none.
  uint32_t end = 0;      ///< Offset of the matching end opcode.
};

/// What validation learned about one defined function.
struct FunctionFacts {
  uint32_t local_count = 0;          ///< Parameters plus declared locals.
  uint32_t max_operand_height = 0;   ///< Most operands ever on the stack at once.
  uint32_t max_control_depth = 0;    ///< Deepest nesting of blocks, the function body included.
  std::vector<ControlSpan> blocks;   ///< Every block/loop/if, in order of their opcodes.
};

/// What validation learned about a module.
struct ModuleFacts {
  std::vector<FunctionFacts> functions;  ///< One per defined function, in order.
};

/// Validates {module} per WebAssembly 2.0 plus the proposals enabled in {features}.
/// Errors are {ErrorKind::kInvalid} (or {kMalformed} for syntax the decoder leaves to it)
/// with the byte offset of the offending instruction or entry.
Result<ModuleFacts> validate_module(const Module& module, Features features = Features());

}  // namespace wasmscope::internal
