// The run-time objects as the interpreter sees them. runtime/ owns and links them; the engine
// only reads and writes their contents.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/trap.h"
#include "wasmscope/types.h"

namespace wasmscope::internal {

class ExecContext;
struct CompiledFunc;
struct CompiledModule;
struct InstanceData;

/// Values live in 8-byte slots: i32 in the low half, f32/f64 as their bits, references as
/// {Func*} (funcref) or an opaque host word (externref); 0 is the null reference. A v128 takes
/// two consecutive slots.
using Slot = uint64_t;

struct Func;
struct NativeActivation;
struct MemoryData;
struct TableData;
struct GlobalData;

/// Compiled code's part of a thread's {ExecContext} (engine/native_abi.h).
struct NativeThreadState {
  /// Compiled code traps with "call stack exhausted" when its stack pointer (x86-64) or frame
  /// address (AArch64) drops below this (the thread's stack bottom plus a reserve for host
  /// calls and signal handlers).
  uintptr_t stack_limit = 0;
  /// The innermost entry into compiled code on this thread (engine/code_map.h), or null.
  /// Written by the owner only; others read it to know the thread has no safepoints.
  std::atomic<NativeActivation*> activation{nullptr};
};

/// An instance as compiled code sees it (engine/native_abi.h): raw arrays of its index spaces,
/// filled once linking is done (the vectors of {InstanceData} never change size afterwards).
struct NativeView {
  MemoryData* memory0 = nullptr;
  MemoryData* const* memories = nullptr;
  GlobalData* const* globals = nullptr;
  TableData* const* tables = nullptr;
  Func* const* funcs = nullptr;
  InstanceData* instance = nullptr;
};

/// A compiled function's entry: arguments in {args} (one slot each), results written back.
using NativeEntry = void (*)(NativeThreadState* ts, NativeView* vm, Slot* args);

/// A host function's view of one call: arguments in {args}[0, params), results to be written
/// to {results}[0, results) (the two may overlap: results are written after args are read).
struct HostCall {
  ExecContext* context;
  const Slot* args;
  Slot* results;
  void* user;
  std::string* trap_message;  ///< Set together with returning {Trap::kHostTrap}.
};
using HostCallback = Trap (*)(HostCall& call);

/// A function: defined in an instance ({code} set) or provided by the host ({host} set).
struct Func {
  uint32_t type_id = 0;              ///< Canonical signature id ({intern_func_type}).
  const FuncType* type = nullptr;
  uint32_t arg_slots = 0;            ///< {call_slots(*type)}: room for arguments or results.
  InstanceData* instance = nullptr;  ///< Defining instance; null for host functions.
  uint32_t index = 0;                ///< Index in the defining instance's function space.
  const CompiledFunc* code = nullptr;
  /// What the interpreter runs when it calls this function: {code} for interpreted functions
  /// (and compiled ones it runs anyway, {native_interprets}), null for host and compiled ones,
  /// which it calls out to (one test on its call path).
  const CompiledFunc* interp_code = nullptr;
  HostCallback host = nullptr;
  void* host_user = nullptr;
  std::string host_name;             ///< For host functions: "module.name" for stack traces.
  /// Compiled functions (engine/native_abi.h): the native body, its entry, and the view of
  /// the defining instance it expects; null for interpreted and host functions.
  void* native_body = nullptr;
  NativeEntry native_entry = nullptr;
  NativeView* native_vm = nullptr;
  /// A compiled instance's function whose native body runs it in the interpreter (exception
  /// handling, typed function references: {CompiledFunc::runs_interpreted}): its frames in
  /// stacks are interpreted ones.
  bool native_interprets = false;
};

struct MemoryData {
  uint8_t* base = nullptr;
  uint64_t size = 0;                 ///< Accessible bytes (pages * 64 KiB).
  uint64_t max_pages = kMaxMemoryPages;  ///< The declared maximum, or the 4 GiB limit.
  bool has_max = false;                  ///< Whether a maximum was declared.
  bool shared = false;
  /// Grows by {delta_pages}; returns the old size in pages or -1. Set by runtime/.
  int64_t (*grow)(MemoryData* memory, uint64_t delta_pages) = nullptr;
  bool is64 = false;  ///< memory64: i64 addresses (at most {kMaxMemory64Pages} pages used).
};

struct TableData {
  ValType elem_type = ValType::kFuncRef;
  std::vector<Slot> elems;
  std::optional<uint64_t> max;
  /// The store's limit on elements (StoreLimits), below the declared maximum or none.
  uint64_t limit = UINT64_MAX;
  bool is64 = false;  ///< memory64's table64: i64 indices.
};

/// Largest table {grow_table} makes: ample for real programs, small enough that a guest (or an
/// embedder) cannot exhaust memory with one request.
inline constexpr uint64_t kMaxTableElements = 10'000'000;

/// Grows {table} by {n} elements set to {init}: {table.grow}'s rule, for the interpreter and
/// the embedding APIs alike. Returns the old size, or -1 when the table would pass its maximum,
/// the store's limit or {kMaxTableElements}.
inline int64_t grow_table(TableData* table, uint64_t n, Slot init) {
  const uint64_t old = table->elems.size();
  uint64_t limit = table->max.value_or(UINT32_MAX);
  if (limit > kMaxTableElements) limit = kMaxTableElements;
  if (limit > table->limit) limit = table->limit;
  if (n > limit || old > limit - n) return -1;
  table->elems.resize(old + n, init);
  return static_cast<int64_t>(old);
}

struct GlobalData {
  Slot value[2] = {0, 0};            ///< v128 uses both slots.
  GlobalType type;
};

/// A tag (exception handling): its identity is the object's address; {type} describes the
/// payload an exception of it carries.
struct TagData {
  const FuncType* type = nullptr;
  uint32_t type_id = 0;     ///< Canonical id of {type} (import matching).
  uint32_t payload_slots = 0;  ///< Slots of the payload (v128 takes two).
};

/// A thrown exception: the tag and the payload, slot by slot. An exnref is a pointer to one;
/// the store owns them (see {ExceptionArena}).
struct ExceptionObject {
  const TagData* tag = nullptr;
  std::vector<Slot> payload;
  /// Kept for good: an exnref to it may exist (see {keep_exception}).
  bool kept = false;
};

/// A new exception of {tag} with the payload at {payload}, owned by whoever throws it.
ExceptionObject* new_exception(const TagData* tag, const Slot* payload);
/// Makes {e} live as long as the process: an exnref to it may now be stored anywhere (a
/// catch_ref, a legacy catch, or an exception that left the guest). Idempotent.
void keep_exception(ExceptionObject* e);
/// Frees {e} after a catch that exposed no reference to it, unless it was kept.
void release_exception(ExceptionObject* e);

/// An instance's index spaces, resolved to objects.
struct InstanceData {
  uint32_t id = 0;
  const CompiledModule* module = nullptr;
  std::vector<Func*> funcs;
  std::vector<TableData*> tables;
  std::vector<MemoryData*> memories;
  std::vector<GlobalData*> globals;
  std::vector<TagData*> tags;
  std::vector<uint32_t> type_ids;            ///< Module type index -> canonical id.
  std::vector<std::vector<Slot>> elem_segments;  ///< Evaluated; emptied by elem.drop.
  std::vector<uint8_t> data_dropped;         ///< 1 once data.drop ran (or active & applied).
  NativeView view;                           ///< For compiled code; filled after linking.
};

/// Canonical id of {type}, the same for equivalent signatures across the process: {type} is
/// type {self} of a module whose earlier types have the ids {ids} (binary/type_canon.h); a
/// host's type has no module ({ids} null).
uint32_t intern_func_type(const FuncType& type, uint32_t self = 0,
                          const std::vector<uint32_t>* ids = nullptr);
/// The canonical ids of all of {types}, in order.
std::vector<uint32_t> intern_module_types(const std::vector<FuncType>& types);
/// {t} with a concrete heap type's module type index replaced by its canonical id ({ids}):
/// how runtime objects (globals, tables) record their types, so that types from different
/// modules compare.
inline ValType canonical_valtype(ValType t, const std::vector<uint32_t>& ids) {
  if (!t.has_type_index() || t.type_index() >= ids.size()) return t;
  return ValType::ref(t.kind(), t.nullable(), ids[t.type_index()]);
}

}  // namespace wasmscope::internal
