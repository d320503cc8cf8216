// The guest's variables with static addresses, from DWARF {.debug_info}, so that a report can
// say what a guest thread waits on ("lock_a", "pool+16") instead of a bare linear-memory address.
//
// Written from the DWARF 5 specification (sections 2.5, 2.6, 3.1, 4.1, 5, 7.5). Reads DWARF
// versions 2-5 in the 32-bit format, as clang emits them for wasm32 and wasm64. In WebAssembly
// DWARF a variable's DW_OP_addr is a linear-memory address: the linker has already placed the
// data, so no relocation applies. The data segment names of the {name} section (subsection 9)
// name segments ({.data}, {.bss}), not variables, so they are not used.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "binary/module.h"
#include "wasmscope/result.h"

namespace wasmscope::internal {

/// Every named variable with a static address in a module's DWARF, ready for lookups by
/// linear-memory address. Immutable after {parse}, so concurrent lookups are safe.
class DataSymbols {
 public:
  /// Collects each DW_TAG_variable whose DW_AT_location is a single DW_OP_addr or DW_OP_addrx,
  /// with its size from its type (0 when unknown). Locals on the stack, thread-locals and
  /// location lists are skipped, as are variables the linker removed (tombstone addresses).
  /// A module without {.debug_info} gives an empty table; malformed DWARF gives
  /// {ErrorKind::kMalformed} with the byte offset in the module.
  static Result<DataSymbols> parse(const Module& module);

  /// The variable whose [address, address + size) holds {address} (a variable of unknown size
  /// matches only its own address): "lock_a" at its start, "lock_a+8" (decimal byte offset)
  /// inside it, nullopt in no variable.
  std::optional<std::string> describe(uint64_t address) const;

  /// The number of variables kept (where variables overlap, only the first by address, then
  /// the larger, is kept, so every address has at most one name).
  size_t size() const { return variables_.size(); }

 private:
  friend class DebugInfoParser;

  struct Variable {
    uint64_t address = 0;
    uint64_t size = 0;
    std::string name;
  };

  /// Sorts {variables_} by address and drops the ones that overlap a kept one.
  void finish();

  std::vector<Variable> variables_;  ///< Sorted by {address}, disjoint.
};

}  // namespace wasmscope::internal
