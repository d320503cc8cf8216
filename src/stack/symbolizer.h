// Turning frame records into names: runs outside any signal handler.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/compiled.h"
#include "engine/context.h"

namespace wasmscope::internal {

/// One frame, symbolized.
struct SymbolizedFrame {
  std::string module;       ///< Name section module name, else the name the host gave, else "".
  std::string function;     ///< Name section, then export name, then "func[N]".
  uint32_t func_index = 0;
  uint32_t code_offset = 0; ///< Byte offset of the instruction from the function body's start.
  uint32_t module_offset = 0;  ///< Byte offset of the instruction in the module.
  bool host = false;        ///< A host function (no code offsets).

  /// "module!function+0x1a" (or "function+0x1a" without a module name).
  std::string to_string() const;
};

/// The name of function {index} of {module}: name section, then export, then "func[N]".
std::string function_name(const CompiledModule& module, uint32_t index);

/// Symbolizes {record}; {module_name} is used when the module has no name of its own.
SymbolizedFrame symbolize(const FrameRecord& record, const std::string& module_name = "");

/// The DWARF line table of {module}, parsed once on first use (thread-safe); null when the
/// module has no usable .debug_line. Not for signal handlers.
const LineTable* source_lines(const CompiledModule& module);

/// The DWARF data symbols of {module}, parsed once on first use (thread-safe); null when the
/// module has no usable .debug_info. Not for signal handlers.
const DataSymbols* data_symbols(const CompiledModule& module);

/// "lock_a" or "lock_a+8": the variable of {frame}'s module whose bytes hold linear-memory
/// address {address}, from its DWARF; nullopt without debug info or when no variable does.
std::optional<std::string> data_symbol(const FrameRecord& frame, uint64_t address);

/// "file.c:42" for {frame}, from its module's DWARF line table; nullopt for host frames,
/// modules without debug info and positions no line row covers.
std::optional<std::string> source_location(const FrameRecord& record,
                                           const SymbolizedFrame& frame);

/// A caller's record holds its return position (the instruction after the call); this is a
/// position inside the call instruction itself, which is what a stack trace names.
const uint64_t* call_position(const FrameRecord& caller);

/// Symbolizes {frames} (outermost first, as a context holds them) innermost first, the order
/// stack traces are printed in; callers are named at their call instruction.
std::vector<SymbolizedFrame> symbolize_stack(const std::vector<FrameRecord>& frames,
                                             const std::string& module_name = "");

}  // namespace wasmscope::internal
