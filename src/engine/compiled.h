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
/// Where an exception thrown inside [{begin}, {end}) (code word indices) of a function goes:
/// one per try_table or legacy try, innermost first (the order the interpreter searches).
struct ExceptionHandler {
  /// One catch clause (try_table) or handler body (legacy catch / catch_all).
  struct Clause {
    static constexpr uint32_t kAnyTag = UINT32_MAX;
    uint32_t tag = kAnyTag;    ///< Tag index in the module, or {kAnyTag} (catch_all).
    bool with_ref = false;     ///< Pushes the exnref after the payload (catch_ref, ...).
    uint32_t target = 0;       ///< Code word to continue at.
    uint32_t dst = 0;          ///< First slot of the payload (then the exnref).
  };
  uint32_t begin = 0;
  uint32_t end = 0;
  /// The try's nesting depth in the function (the body is 0): a delegate's target depth is
  /// compared against it.
  uint32_t depth = 0;
  /// Legacy delegate: no clauses; the search goes on with handlers at depth <= {delegate_to}
  /// (nothing nested between the try and the delegate's label).
  bool delegate = false;
  uint32_t delegate_to = 0;
  /// Legacy try: the slot that keeps the caught exception for rethrow ({UINT32_MAX}: none).
  uint32_t exn_slot = UINT32_MAX;
  std::vector<Clause> clauses;
};

struct CompiledFunc {
  std::vector<uint64_t> code;
  std::vector<ExceptionHandler> handlers;  ///< Exception handling; empty in most functions.
  /// The body has an exception-handling or typed-function-reference instruction (dead code
  /// included): the compiled tier runs it in the interpreter behind a native body that is left
  /// out of stacks, so the function appears once, as its interpreted frame (code_map.cc,
  /// {walk}).
  bool runs_interpreted = false;
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
  /// Some function throws or catches: compiled code it calls is entered with a landing pad
  /// of its own (interpreter.cc, {call_out}).
  bool uses_exceptions = false;
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
