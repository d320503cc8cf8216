// Translated code: what the interpreter runs.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "binary/dwarf_info.h"
#include "binary/dwarf_line.h"
#include "binary/module.h"
#include "engine/instance_data.h"
#include "validate/validator.h"

namespace wasmscope::internal {

/// Maps an internal code position to the wasm code offset of the instruction it came from.
struct PcMapEntry {
  uint32_t code_index;   ///< Word index in {CompiledFunc::code}.
  uint32_t wasm_offset;  ///< Byte offset in the module.
};

/// One defined function in internal code. An instruction is a handler address word followed
/// by operand words (two 32-bit operands per word); operands are slot indices relative to the
/// frame pointer, immediates, or branch distances in words.
struct CompiledFunc {
  std::vector<uint64_t> code;
  uint32_t param_slots = 0;
  uint32_t local_slots = 0;   ///< Declared locals (zeroed on entry), after the parameters.
  uint32_t frame_slots = 0;   ///< Parameters, locals and the deepest operand stack.
  uint32_t result_slots = 0;
  uint32_t func_index = 0;    ///< In the module's function index space.
  std::vector<PcMapEntry> pc_map;  ///< Sorted by {code_index}.

  /// The wasm code offset for an internal position (the closest preceding mapped one).
  uint32_t wasm_offset(const uint64_t* pc) const;
};

/// A module's DWARF line table, parsed on first use (by {source_lines}, stack/symbolizer.h):
/// only diagnostics need it, and most modules never produce one.
struct LazyLineTable {
  std::once_flag once;
  std::optional<LineTable> table;  ///< Empty when the module has no usable .debug_line.
};

/// A module's DWARF data symbols ({.debug_info} variables), parsed on first use (by
/// {data_symbols}, stack/symbolizer.h), as {LazyLineTable}.
struct LazyDataSymbols {
  std::once_flag once;
  std::optional<DataSymbols> symbols;  ///< Empty when the module has no usable .debug_info.
};

/// A decoded, validated and translated module.
struct CompiledModule {
  Module module;
  ModuleFacts facts;
  std::vector<CompiledFunc> funcs;  ///< One per defined function.
  BoundsChecks bounds = BoundsChecks::kGuardPages;
  std::unique_ptr<LazyLineTable> lines = std::make_unique<LazyLineTable>();
  std::unique_ptr<LazyDataSymbols> data = std::make_unique<LazyDataSymbols>();
  /// The compiled tier's code (compiler/compiler.h), when the module was compiled: what owns
  /// it (the JIT session), and per defined function its native body and entry
  /// (engine/native_abi.h). Empty for interpreted modules.
  std::shared_ptr<void> native;
  std::vector<void*> native_bodies;
  std::vector<NativeEntry> native_entries;
};

}  // namespace wasmscope::internal
