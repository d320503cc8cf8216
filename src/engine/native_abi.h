// The calling convention between compiled code (compiler/, the LLVM tier) and the engine.
//
// Every defined function of a compiled module exists twice in native code:
// - its body, with the native signature {R f(NativeThreadState* ts, NativeView* vm, P...)}
//   (i32 -> i32, i64 -> i64, f32 -> float, f64 -> double, references -> i64 holding the slot;
//   one or two results come back in registers (two as a struct), more through a pointer
//   after {vm} to one slot each; LLVM's tailcc convention, so that return_call reuses the
//   frame; trailing unused arguments give every body of a module the same stack-argument
//   bytes (compiler/func_gen.h explains why), called directly by other compiled code;
// - an entry, {NativeEntry}, that reads the arguments from slots and writes the results back
//   to the same slots: how the engine (invoke) and untyped callers enter it.
// {ts} is the running thread's part of its {ExecContext}; {vm} the callee's instance's view.
// Both are plain structs whose layout the compiler reads with offsetof.
//
// Compiled code calls the engine only through the {ws_*} helpers below (their addresses are
// given to the JIT by name). A trap never returns: {ws_trap} jumps to the thread's landing pad
// (base/platform/fault_handler.h), as a fault in guarded memory does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>

#include "engine/instance_data.h"
#include "engine/trap.h"

namespace wasmscope::internal {

/// Runs compiled function {func} on {ctx}'s thread with arguments (and results) in {args},
/// under an activation record (engine/code_map.h). Traps jump to the landing pad; returns
/// kCallStackExhausted when no frame record is left.
Trap call_native_entry(ExecContext* ctx, const Func* func, Slot* args);

/// Fills {view} from {instance} (after linking).
void fill_native_view(InstanceData* instance, NativeView* view);

/// The stack limit for compiled code on the calling thread (computed once per thread).
uintptr_t native_stack_limit();

extern "C" {
/// Raises {trap} (a {Trap} value) at wasm code offset {offset} on the calling thread: jumps to
/// its landing pad.
[[noreturn]] void ws_trap(uint32_t trap, uint32_t offset);
/// Calls {callee} with arguments in {args} (one slot each), results written back there. For
/// callees with no native code of the caller's kind: host functions (the thread is in_host
/// meanwhile), compiled functions of other instances through their entries, and interpreted
/// functions (a nested invoke). Traps propagate, with the callee's frames.
void ws_call_func(NativeThreadState* ts, const Func* callee, Slot* args);
/// The native body of a function the compiled tier leaves to the interpreter (one that
/// handles exceptions, docs/compiled-tier.md): runs function {func_index} of {vm}'s instance
/// in the interpreter, arguments and results in {args} as for {ws_call_func}.
void ws_interpret(NativeThreadState* ts, NativeView* vm, uint32_t func_index, Slot* args);
/// call_indirect: the function at {index} of table {table_index} of {vm}, checked against
/// the signature of the module's type {type_index} (traps otherwise). Returns its native body
/// when it has one (and sets {*callee_vm}), else null: then call {*callee} through
/// {ws_call_func}. (A type index, not the canonical id: ids are per process, and the code may
/// come from a .cwasm file compiled in another.)
void* ws_indirect_target(NativeView* vm, uint32_t table_index, uint32_t index,
                         uint32_t type_index, NativeView** callee_vm, const Func** callee);
/// An imported function: as {ws_indirect_target}, without checks.
void* ws_import_target(NativeView* vm, uint32_t func_index, NativeView** callee_vm,
                       const Func** callee);
uint32_t ws_memory_grow(NativeView* vm, uint32_t memory, uint32_t delta_pages);
uint32_t ws_memory_size(NativeView* vm, uint32_t memory);
void ws_memory_fill(NativeView* vm, uint32_t memory, uint32_t d, uint32_t value, uint32_t n);
void ws_memory_copy(NativeView* vm, uint32_t dst_memory, uint32_t src_memory, uint32_t d,
                    uint32_t s, uint32_t n);
void ws_memory_init(NativeView* vm, uint32_t memory, uint32_t segment, uint32_t d, uint32_t s,
                    uint32_t n);
void ws_data_drop(NativeView* vm, uint32_t segment);
uint64_t ws_table_get(NativeView* vm, uint32_t table, uint32_t index);
void ws_table_set(NativeView* vm, uint32_t table, uint32_t index, uint64_t value);
uint32_t ws_table_size(NativeView* vm, uint32_t table);
uint32_t ws_table_grow(NativeView* vm, uint32_t table, uint64_t init, uint32_t n);
void ws_table_fill(NativeView* vm, uint32_t table, uint32_t i, uint64_t value, uint32_t n);
void ws_table_copy(NativeView* vm, uint32_t dst_table, uint32_t src_table, uint32_t d,
                   uint32_t s, uint32_t n);
void ws_table_init(NativeView* vm, uint32_t table, uint32_t segment, uint32_t d, uint32_t s,
                   uint32_t n);
void ws_elem_drop(NativeView* vm, uint32_t segment);
uint64_t ws_ref_func(NativeView* vm, uint32_t func_index);
/// memory.atomic.notify on memory {index} at effective address {address} (checked by the
/// caller): wakes up to {count} waiters; 0 on an unshared memory.
uint32_t ws_memory_atomic_notify(NativeView* vm, uint32_t index, uint64_t address,
                                 uint32_t count);
/// memory.atomic.wait32/64 ({width} 4 or 8) on memory {index}, which is shared, at effective address
/// {address} (checked by the caller): the interpreter's wait ({wait_as_guest}), the thread
/// {waiting} meanwhile with its exit record naming the calling compiled code. Returns the
/// {WaitOutcome}: kCancelled when a terminate request ended it (the request is consumed; the
/// caller traps "interrupted").
uint32_t ws_memory_atomic_wait(NativeThreadState* ts, NativeView* vm, uint32_t index,
                               uint64_t address, uint64_t expected, int64_t timeout_ns,
                               uint32_t width);
}

/// One helper's name and address, for the JIT's symbol table.
struct NativeHelper {
  const char* name;
  void* address;
};
/// Every {ws_*} helper above.
const NativeHelper* native_helpers(size_t* count);

/// What compiled code assumes of the runtime's data layout: the size of a pointer and of a
/// slot, and every offset compiler/ reads with offsetof, as text ("p8 s8 v0,8,16,32 m0,8 t0
/// g0"). A .cwasm file records its compiler's (cwasm.cc) and runs only where it is the same,
/// so that code compiled on one machine for another (`compile --target`) never reads the
/// runtime's structures at the wrong offsets.
inline std::string native_layout_key() {
  // Appended piece by piece: g++ 12 reports a false -Wrestrict in "literal" + string.
  std::string key;
  auto put = [&key](const char* label, std::initializer_list<size_t> values) {
    if (!key.empty()) key += ' ';
    key += label;
    bool first = true;
    for (size_t v : values) {
      if (!first) key += ',';
      key += std::to_string(v);
      first = false;
    }
  };
  put("p", {sizeof(void*)});
  put("s", {sizeof(Slot)});
  put("v", {offsetof(NativeView, memory0), offsetof(NativeView, memories),
            offsetof(NativeView, globals), offsetof(NativeView, funcs)});
  put("m", {offsetof(MemoryData, base), offsetof(MemoryData, size)});
  put("t", {offsetof(NativeThreadState, stack_limit)});
  put("g", {offsetof(GlobalData, value)});
  return key;
}

}  // namespace wasmscope::internal
