// The objects behind include/wasm.h's opaque types, shared by the files that implement it
// (wasm_types.cc, wasm_objects.cc, wasm_runtime.cc). Private to src/capi.
//
// Handles. Every run-time object reaches C as a handle: a small heap object naming the object
// ({wasm_ref_t}: a kind, the store, the object). The C types form a hierarchy of empty
// subclasses (wasm_func_t is a wasm_extern_t is a wasm_ref_t), so the as_* conversions are
// static casts of one pointer and a handle is always allocated as its most derived type
// ({make_handle}). Handles of functions, globals, tables, memories, instances and foreign
// objects keep their store alive; the objects themselves belong to the internal store and die
// with it. Modules and traps are reference-counted data of their own.
//
// Host info lives with the object, not the handle: in the store's {ObjectInfo} table for store
// objects, in {ModuleData} and {TrapData} for the others.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/instance_data.h"
#include "runtime/store.h"
#include "wasi/wasi.h"
#include "wasm.h"
#include "wasmscope/wasmscope.hh"

namespace wasmscope::internal::capi {

/// What a handle refers to.
enum class RefKind : uint8_t {
  kFunc,
  kGlobal,
  kTable,
  kMemory,
  kInstance,
  kForeign,
  kTrap,
  kModule,
  kTag
};

/// Host info attached to an object: the pointer and the finalizer that receives it once, when
/// the object dies or when new host info replaces it.
class HostInfo {
 public:
  HostInfo() = default;
  HostInfo(const HostInfo&) = delete;
  HostInfo& operator=(const HostInfo&) = delete;
  ~HostInfo() { set(nullptr, nullptr); }

  void* get() const { return info_; }
  /// Sets new info; the previous info's finalizer runs (after the change is made).
  void set(void* info, void (*finalizer)(void*)) {
    void* old_info = info_;
    void (*old_finalizer)(void*) = finalizer_;
    info_ = info;
    finalizer_ = finalizer;
    if (old_finalizer != nullptr) old_finalizer(old_info);
  }
  /// Exchanges the info of two objects, finalizers with it (to run one outside a lock).
  void swap(HostInfo& other) {
    std::swap(info_, other.info_);
    std::swap(finalizer_, other.finalizer_);
  }

 private:
  void* info_ = nullptr;
  void (*finalizer_)(void*) = nullptr;
};

/// Reference-counted data (modules, traps): starts with one reference.
struct Counted {
  std::atomic<uint32_t> refs{1};
};
template <class T>
void retain(T* p) {
  if (p != nullptr) p->refs.fetch_add(1, std::memory_order_relaxed);
}
/// Drops one reference; the last one deletes {p}. Acquire-release so the deleting thread sees
/// every write made through the other references.
template <class T>
void release(T* p) {
  if (p != nullptr && p->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete p;
}

/// A compiled module and the host info of this module object.
struct ModuleData : Counted {
  std::shared_ptr<const CompiledModule> compiled;
  HostInfo host;
};

/// One guest frame of a trap.
struct TrapFrame {
  uint32_t func_index = 0;
  uint32_t func_offset = 0;
  uint32_t module_offset = 0;
  Instance* instance = nullptr;
};

/// A trap: its message (without the terminating NUL) and guest frames, innermost first.
struct TrapData : Counted {
  TrapData() = default;
  TrapData(const TrapData&) = delete;
  TrapData& operator=(const TrapData&) = delete;
  ~TrapData();
  std::string message;
  std::vector<TrapFrame> frames;
  std::vector<FrameRecord> records;  ///< The same frames, outermost first (for coredumps).
  wasm_store_t* store = nullptr;  ///< Retained while {frames} name its instances, or for
                                  ///< {exception}'s tag handle.
  HostInfo host;
  /// A guest exception the trap carries (include/wasmscope.h, wasmscope_trap_exception): the
  /// one no guest frame caught, or one a host callback throws. Kept until the process exits.
  ExceptionObject* exception = nullptr;
};

/// What the store knows about one of its objects beyond the internal runtime's view: its host
/// info, and (for values of type externref) its kind. The address of an {ObjectInfo} is the
/// object's externref value, and a foreign object is an {ObjectInfo} and nothing else.
struct ObjectInfo {
  RefKind kind = RefKind::kForeign;
  void* object = nullptr;
  HostInfo host;
  ModuleData* module = nullptr;  ///< Retained: a module kept alive as an externref value.
  ~ObjectInfo() { release(module); }
};

/// A host function created through the C API: the callback and its environment.
struct HostFuncEnv {
  wasm_store_t* store = nullptr;  ///< Not retained: the store owns this.
  wasm_func_callback_t callback = nullptr;
  wasm_func_callback_with_env_t callback_with_env = nullptr;
  void* env = nullptr;
  void (*finalizer)(void*) = nullptr;
  FuncType type;
};

/// Records why a wasmscope.h function failed on this thread (wasmscope_last_error()).
void set_last_error(std::string message);
const char* last_error();

/// Result of converting between C values and slots: empty, or why it failed.
using ConvertError = std::optional<std::string>;

RefKind kind_of_extern(ExternKind kind);
/// The inverse: an extern handle's kind (a function for anything that is no other extern).
ExternKind extern_kind_of(RefKind kind);
wasm_externkind_t to_c(ExternKind kind);
/// The C value kind of {type} (WASMSCOPE_V128 for v128).
wasm_valkind_t to_c(ValType type);
/// The value type of C kind {kind}; nullopt for an unknown kind.
std::optional<ValType> from_c(wasm_valkind_t kind);

/// A new handle of the most derived C type for {kind} (store retained); null if out of memory.
wasm_ref_t* make_handle(RefKind kind, wasm_store_t* store, void* object);
/// Deletes any handle (null is fine).
void destroy_handle(wasm_ref_t* ref);
wasm_ref_t* copy_handle(const wasm_ref_t* ref);

/// A trap handle for new trap data with {message}; null if out of memory.
wasm_trap_t* make_trap(std::string message);
/// A trap handle for {data}, taking over the caller's reference.
wasm_trap_t* adopt_trap(TrapData* data);
/// Fills {data}'s frames from {records} (outermost first, as the engine reports them) of a
/// call in {store}, unless it has frames already.
void attach_frames(TrapData* data, wasm_store_t* store, const std::vector<FrameRecord>& records);

/// A trap handle for {kind}/{message} of a failed call or instantiation in {store}: a host
/// callback's own trap when the engine unwound with it, else a new one; with the guest frames
/// of {records}. Null if out of memory.
wasm_trap_t* trap_of(wasm_store_t* store, Trap kind, const std::string& message,
                     const std::vector<FrameRecord>& records,
                     ExceptionObject* exception = nullptr);

/// The trap data a host function's callback returned on this thread, if any (then the engine
/// unwound with {Trap::kHostTrap}); taking it clears it.
TrapData* take_host_trap();
void set_host_trap(TrapData* data);

/// The object info of {object} in {store}, created with {kind} if missing. The store's lock
/// must be held.
ObjectInfo* intern_locked(wasm_store_t* store, RefKind kind, void* object);

/// A C value of {type} to the slots {out} (two for v128) for {store}. Borrowed references.
/// {type_ids}: for a typed function reference, the canonical ids of the module {type}'s index
/// belongs to (null: the index is a canonical id already, as in live globals and tables; an
/// empty vector: unresolvable, so only null passes).
ConvertError to_slots(wasm_store_t* store, ValType type, const wasm_val_t& value, Slot out[2],
                      const std::vector<uint32_t>* type_ids = nullptr);
/// Slots of {type} to a C value; references become new handles the value owns.
ConvertError from_slots(wasm_store_t* store, ValType type, const Slot in[2], wasm_val_t* out);
/// A reference (or null) as a slot of reference type {type}.
ConvertError ref_to_slot(wasm_store_t* store, ValType type, const wasm_ref_t* ref, Slot* out);
/// A slot of reference type {type} as a new handle (null for the null reference).
wasm_ref_t* slot_to_ref(wasm_store_t* store, ValType type, Slot slot);

/// Type descriptions from the runtime's.
wasm_functype_t* make_functype(const FuncType& type);
wasm_globaltype_t* make_globaltype(const GlobalType& type);
wasm_tabletype_t* make_tabletype(const TableType& type);
wasm_memorytype_t* make_memorytype(const MemoryType& type);
/// The runtime's function type for {type}; nullopt when a value type is unknown.
std::optional<FuncType> from_c(const wasm_functype_t* type);
/// {limits} as runtime limits; {max_allowed} bounds both ends. nullopt when out of range.
std::optional<Limits> from_c(const wasm_limits_t& limits, uint64_t max_allowed);

}  // namespace wasmscope::internal::capi

// The C types. Empty subclasses give the hierarchy of conversions; see the top of this file.
struct wasm_ref_t {
  wasmscope::internal::capi::RefKind kind;
  wasm_store_t* store;  ///< Retained; null for modules and traps.
  void* object;         ///< Func*, GlobalData*, TableData*, MemoryData*, Instance*, ObjectInfo*
                        ///< (foreign), TrapData* or ModuleData*, per {kind}.
};
struct wasm_extern_t : wasm_ref_t {};
struct wasm_func_t : wasm_extern_t {};
struct wasm_global_t : wasm_extern_t {};
struct wasm_table_t : wasm_extern_t {};
struct wasm_memory_t : wasm_extern_t {};
struct wasm_instance_t : wasm_ref_t {};
struct wasm_foreign_t : wasm_ref_t {};
struct wasm_trap_t : wasm_ref_t {};
struct wasm_module_t : wasm_ref_t {};

struct wasm_shared_module_t {
  std::shared_ptr<const wasmscope::internal::CompiledModule> compiled;
};

/// One WASI program of a store (include/wasmscope.h): the store owns it.
struct wasmscope_wasi {
  std::unique_ptr<wasmscope::internal::wasi::WasiContext> context;
  wasm_store_t* store = nullptr;  ///< Not retained: the store owns this.
};

struct wasm_config_t {
  wasmscope::Config config;
  wasmscope::StoreLimits limits;
};
struct wasm_engine_t {
  wasmscope::Config config;
  wasmscope::StoreLimits limits;
};

/// Reference-counted: wasm_store_delete drops the embedder's reference, each handle of an
/// object in it holds one more. When the last goes, the internal store (and every object in
/// it) is destroyed, then the finalizers run.
struct wasm_store_t {
  explicit wasm_store_t(const wasm_engine_t& engine);
  ~wasm_store_t();
  wasm_store_t(const wasm_store_t&) = delete;
  wasm_store_t& operator=(const wasm_store_t&) = delete;

  std::atomic<uint32_t> refs{1};
  std::unique_ptr<wasmscope::internal::Store> store;
  std::mutex mutex;  ///< Guards {objects} and {host_funcs}.
  std::unordered_map<const void*, std::unique_ptr<wasmscope::internal::capi::ObjectInfo>> objects;
  std::deque<wasmscope::internal::capi::HostFuncEnv> host_funcs;
  /// WASI programs (wasmscope_wasi_new); destroyed before {store}, whose threads use them.
  std::vector<std::unique_ptr<wasmscope_wasi>> wasi;  // guarded by {mutex}
};

struct wasm_valtype_t {
  wasm_valkind_t kind;
};
struct wasm_externtype_t {
  wasm_externkind_t kind;
};
struct wasm_functype_t : wasm_externtype_t {
  wasm_valtype_vec_t params;
  wasm_valtype_vec_t results;
};
struct wasm_globaltype_t : wasm_externtype_t {
  wasm_valtype_t* content;
  wasm_mutability_t mutability;
};
struct wasm_tabletype_t : wasm_externtype_t {
  wasm_valtype_t* element;
  wasm_limits_t limits;
};
struct wasm_memorytype_t : wasm_externtype_t {
  wasm_limits_t limits;
};
struct wasm_importtype_t {
  wasm_name_t module;
  wasm_name_t name;
  wasm_externtype_t* type;
};
struct wasm_exporttype_t {
  wasm_name_t name;
  wasm_externtype_t* type;
};

struct wasm_frame_t {
  uint32_t func_index;
  size_t func_offset;
  size_t module_offset;
  wasm_instance_t* instance;  ///< Owned by the frame; may be null.
};
