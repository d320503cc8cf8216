// include/wasm.h: values, and the run-time objects of a store: functions (host functions and
// calls), globals, tables, memories, externals and instances. Every entry point is noexcept and
// accepts null inputs.
#include <algorithm>
#include <cstring>
#include <new>

#include "capi/wasm_impl.h"
#include "engine/interpreter.h"

namespace internal = wasmscope::internal;
using internal::Slot;
using wasmscope::ValType;

// --- Values ----------------------------------------------------------------------------------

extern "C" void wasm_val_delete(wasm_val_t* v) noexcept {
  if (v == nullptr || !wasm_valkind_is_ref(v->kind)) return;
  internal::capi::destroy_handle(v->of.ref);
  v->of.ref = nullptr;
}

extern "C" void wasm_val_copy(wasm_val_t* out, const wasm_val_t* source) noexcept {
  if (out == nullptr) return;
  if (source == nullptr) {
    *out = wasm_val_t{};
    return;
  }
  *out = *source;
  if (wasm_valkind_is_ref(source->kind)) out->of.ref = internal::capi::copy_handle(source->of.ref);
}

namespace wasmscope::internal::capi {
namespace {

const char* kind_name(wasm_valkind_t kind) {
  const std::optional<ValType> type = from_c(kind);
  return type ? valtype_name(*type) : "an unknown kind";
}

std::string mismatch(ValType want, wasm_valkind_t got) {
  return std::string("expected a value of type ") + valtype_name(want) + ", got " + kind_name(got);
}

constexpr const char* kNoV128 =
    "v128 values cannot pass through the C API (wasm_val_t has no room)";
constexpr const char* kNoExnRef = "exnref values cannot pass through the C API";

}  // namespace

ConvertError ref_to_slot(wasm_store_t* store, ValType type, const wasm_ref_t* ref, Slot* out) {
  *out = 0;
  if (ref == nullptr) return std::nullopt;
  if (type == ValType::kFuncRef) {
    if (ref->kind != RefKind::kFunc) return "a funcref value must be a function";
    if (ref->store != store) return "the function belongs to another store";
    *out = reinterpret_cast<uintptr_t>(ref->object);
    return std::nullopt;
  }
  // An externref is the address of the object's {ObjectInfo} in this store.
  if (ref->kind == RefKind::kTrap) return "a trap cannot be an externref value";
  if (ref->kind != RefKind::kModule && ref->store != store) {
    return "the reference belongs to another store";
  }
  std::lock_guard<std::mutex> lock(store->mutex);
  ObjectInfo* info = intern_locked(store, ref->kind, ref->object);
  if (ref->kind == RefKind::kModule && info->module == nullptr) {
    info->module = static_cast<ModuleData*>(ref->object);
    retain(info->module);
  }
  *out = reinterpret_cast<uintptr_t>(info);
  return std::nullopt;
}

wasm_ref_t* slot_to_ref(wasm_store_t* store, ValType type, Slot slot) {
  if (slot == 0) return nullptr;
  if (type == ValType::kFuncRef) {
    return make_handle(RefKind::kFunc, store, reinterpret_cast<Func*>(slot));
  }
  const auto* info = reinterpret_cast<const ObjectInfo*>(slot);
  return make_handle(info->kind, info->kind == RefKind::kModule ? nullptr : store, info->object);
}

/// A typed reference's constraints beyond its kind: not null where non-null, and a function of
/// the named type (guest code trusts both: call_ref does not check).
ConvertError check_typed_ref(ValType type, Slot slot, const std::vector<uint32_t>* type_ids) {
  if (slot == 0) {
    if (type.nullable()) return std::nullopt;
    return "a null reference where a non-null one is expected";
  }
  if (!type.has_type_index()) return std::nullopt;
  uint32_t want = type.type_index();
  if (type_ids != nullptr) {
    if (want >= type_ids->size()) return "a function reference of a type that cannot be checked";
    want = (*type_ids)[want];
  }
  if (reinterpret_cast<const internal::Func*>(slot)->type_id != want) {
    return "the function's type is not the reference's type";
  }
  return std::nullopt;
}

ConvertError to_slots(wasm_store_t* store, ValType type, const wasm_val_t& value, Slot out[2],
                      const std::vector<uint32_t>* type_ids) {
  out[0] = 0;
  out[1] = 0;
  const bool matches = value.kind == to_c(type) ||
                       // WASM_REF_VAL and WASM_INIT_VAL make externref-kind values only.
                       (type == ValType::kFuncRef && value.kind == WASM_EXTERNREF);
  if (type == ValType::kV128) return kNoV128;
  if (type == ValType::kExnRef) return kNoExnRef;
  if (!matches) return mismatch(type, value.kind);
  switch (type) {
    case ValType::kI32:
      out[0] = static_cast<uint32_t>(value.of.i32);
      break;
    case ValType::kI64:
      out[0] = static_cast<uint64_t>(value.of.i64);
      break;
    case ValType::kF32: {
      uint32_t bits;
      std::memcpy(&bits, &value.of.f32, 4);
      out[0] = bits;
      break;
    }
    case ValType::kF64:
      std::memcpy(&out[0], &value.of.f64, 8);
      break;
    case ValType::kFuncRef:
    case ValType::kExternRef: {
      if (ConvertError error = ref_to_slot(store, type, value.of.ref, &out[0])) return error;
      if (type.is_short()) return std::nullopt;
      return check_typed_ref(type, out[0], type_ids);
    }
    case ValType::kV128:
    case ValType::kExnRef:
      break;
  }
  return std::nullopt;
}

ConvertError from_slots(wasm_store_t* store, ValType type, const Slot in[2], wasm_val_t* out) {
  *out = wasm_val_t{};
  out->kind = to_c(type);
  switch (type) {
    case ValType::kI32:
      out->of.i32 = static_cast<int32_t>(static_cast<uint32_t>(in[0]));
      break;
    case ValType::kI64:
      out->of.i64 = static_cast<int64_t>(in[0]);
      break;
    case ValType::kF32: {
      const auto bits = static_cast<uint32_t>(in[0]);
      std::memcpy(&out->of.f32, &bits, 4);
      break;
    }
    case ValType::kF64:
      std::memcpy(&out->of.f64, &in[0], 8);
      break;
    case ValType::kFuncRef:
    case ValType::kExternRef:
      out->of.ref = slot_to_ref(store, type, in[0]);
      break;
    case ValType::kV128:
      return kNoV128;
    case ValType::kExnRef:
      return kNoExnRef;
  }
  return std::nullopt;
}

namespace {

bool has_v128(const FuncType& type) {
  for (ValType t : type.params) {
    if (t == ValType::kV128) return true;
  }
  for (ValType t : type.results) {
    if (t == ValType::kV128) return true;
  }
  return false;
}

/// Converts slots to C values around a host function's callback, and the callback's trap into
/// the engine's host trap.
Trap host_trampoline(HostCall& call) {
  const auto& env = *static_cast<const HostFuncEnv*>(call.user);
  const FuncType& type = env.type;
  if (has_v128(type)) {
    *call.trap_message = kNoV128;
    return Trap::kHostTrap;
  }
  std::vector<wasm_val_t> args(type.params.size());
  std::vector<wasm_val_t> results(type.results.size());
  for (size_t i = 0; i < args.size(); ++i) {
    (void)from_slots(env.store, type.params[i], &call.args[i], &args[i]);  // no v128: cannot fail
  }
  for (size_t i = 0; i < results.size(); ++i)
    results[i].kind = to_c(type.results[i]);
  const wasm_val_vec_t arg_vec{args.size(), args.data()};
  wasm_val_vec_t result_vec{results.size(), results.data()};
  wasm_trap_t* trap = env.callback != nullptr
                          ? env.callback(&arg_vec, &result_vec)
                          : env.callback_with_env(env.env, &arg_vec, &result_vec);
  for (wasm_val_t& v : args)
    wasm_val_delete(&v);

  ConvertError error;
  if (trap == nullptr) {
    // Written after every argument was read: the two may share slots.
    for (size_t i = 0; i < results.size() && !error; ++i) {
      Slot slots[2];
      error = to_slots(env.store, type.results[i], results[i], slots);
      if (error) error = "host function result " + std::to_string(i) + ": " + *error;
      call.results[i] = slots[0];
    }
  }
  for (wasm_val_t& v : results)
    wasm_val_delete(&v);
  if (trap != nullptr && static_cast<TrapData*>(trap->object)->exception != nullptr) {
    // A guest exception (wasmscope_trap_new_exception, or the trap of a call no guest frame
    // caught): thrown from the guest's call of this function, where its handlers may catch it.
    call.context->exception = static_cast<TrapData*>(trap->object)->exception;
    destroy_handle(trap);
    return Trap::kException;
  }
  if (trap != nullptr) {
    auto* data = static_cast<TrapData*>(trap->object);
    *call.trap_message = data->message;
    retain(data);
    set_host_trap(data);  // wasm_func_call or wasm_instance_new returns it
    destroy_handle(trap);
    return Trap::kHostTrap;
  }
  if (error) {
    *call.trap_message = *error;
    return Trap::kHostTrap;
  }
  return Trap::kNone;
}

wasm_func_t* new_host_func(wasm_store_t* store, const wasm_functype_t* type,
                           wasm_func_callback_t callback,
                           wasm_func_callback_with_env_t callback_with_env, void* env,
                           void (*finalizer)(void*)) {
  if (store == nullptr || (callback == nullptr && callback_with_env == nullptr)) return nullptr;
  std::optional<FuncType> func_type = from_c(type);
  if (!func_type) return nullptr;
  HostFuncEnv* host;
  {
    std::lock_guard<std::mutex> lock(store->mutex);
    host = &store->host_funcs.emplace_back();
  }
  host->store = store;
  host->callback = callback;
  host->callback_with_env = callback_with_env;
  host->env = env;
  host->finalizer = finalizer;
  host->type = *func_type;
  Func* func = store->store->create_host_func(*func_type, &host_trampoline, host, "host");
  return static_cast<wasm_func_t*>(make_handle(RefKind::kFunc, store, func));
}

}  // namespace

wasm_trap_t* trap_of(wasm_store_t* store, Trap kind, const std::string& message,
                     const std::vector<FrameRecord>& records, ExceptionObject* exception) {
  TrapData* data = take_host_trap();
  if (kind != Trap::kHostTrap) {
    release(data);
    data = nullptr;
  }
  if (data == nullptr) {
    data = new (std::nothrow) TrapData;
    if (data == nullptr) return nullptr;
    data->message = message;
  }
  attach_frames(data, store, records);
  if (kind == Trap::kException && exception != nullptr) {
    data->exception = exception;
    if (data->store == nullptr) {
      data->store = store;  // for the tag's handle (wasmscope_trap_exception)
      retain(store);
    }
  }
  return adopt_trap(data);
}

}  // namespace wasmscope::internal::capi

using namespace wasmscope::internal::capi;  // NOLINT(google-build-using-namespace)

namespace {

internal::Func* func_of(const wasm_func_t* f) {
  return static_cast<internal::Func*>(f->object);
}
internal::GlobalData* global_of(const wasm_global_t* g) {
  return static_cast<internal::GlobalData*>(g->object);
}
internal::TableData* table_of(const wasm_table_t* t) {
  return static_cast<internal::TableData*>(t->object);
}
internal::MemoryData* memory_of(const wasm_memory_t* m) {
  return static_cast<internal::MemoryData*>(m->object);
}

}  // namespace

// --- Functions -------------------------------------------------------------------------------

extern "C" wasm_func_t* wasm_func_new(wasm_store_t* store, const wasm_functype_t* type,
                                      wasm_func_callback_t callback) noexcept {
  return new_host_func(store, type, callback, nullptr, nullptr, nullptr);
}

extern "C" wasm_func_t* wasm_func_new_with_env(wasm_store_t* store, const wasm_functype_t* type,
                                               wasm_func_callback_with_env_t callback, void* env,
                                               void (*finalizer)(void*)) noexcept {
  return new_host_func(store, type, nullptr, callback, env, finalizer);
}

extern "C" wasm_functype_t* wasm_func_type(const wasm_func_t* func) noexcept {
  return func == nullptr ? nullptr : make_functype(*func_of(func)->type);
}
extern "C" size_t wasm_func_param_arity(const wasm_func_t* func) noexcept {
  return func == nullptr ? 0 : func_of(func)->type->params.size();
}
extern "C" size_t wasm_func_result_arity(const wasm_func_t* func) noexcept {
  return func == nullptr ? 0 : func_of(func)->type->results.size();
}

extern "C" wasm_trap_t* wasm_func_call(const wasm_func_t* func, const wasm_val_vec_t* args,
                                       wasm_val_vec_t* results) noexcept {
  if (func == nullptr) return make_trap("wasm_func_call: null function");
  const internal::Func* f = func_of(func);
  const wasmscope::FuncType& type = *f->type;
  const size_t arg_count = args == nullptr || args->data == nullptr ? 0 : args->size;
  const size_t result_room = results == nullptr || results->data == nullptr ? 0 : results->size;
  if (arg_count != type.params.size()) {
    return make_trap("wasm_func_call: expected " + std::to_string(type.params.size()) +
                     " arguments, got " + std::to_string(arg_count));
  }
  if (has_v128(type)) return make_trap(kNoV128);
  std::vector<Slot> slots(std::max<size_t>(f->arg_slots, 1) + 1, 0);
  for (size_t i = 0; i < arg_count; ++i) {
    if (ConvertError error = to_slots(func->store, type.params[i], args->data[i], &slots[i],
                                      f->instance != nullptr ? &f->instance->type_ids : nullptr)) {
      return make_trap("wasm_func_call: argument " + std::to_string(i) + ": " + *error);
    }
  }
  internal::InvokeOutcome outcome = func->store->store->call(f, slots.data());
  if (outcome.trap != internal::Trap::kNone) {
    return trap_of(func->store, outcome.trap, outcome.message, outcome.frames,
                   outcome.exception);
  }
  // Checked only now: callers that expect a trap pass no room for results (as the standard's
  // own examples do), and a call that traps never needs it.
  if (result_room < type.results.size()) {
    return make_trap("wasm_func_call: the call returned " + std::to_string(type.results.size()) +
                     " results, but there was room for " + std::to_string(result_room));
  }
  for (size_t i = 0; i < type.results.size(); ++i) {
    (void)from_slots(func->store, type.results[i], &slots[i], &results->data[i]);
  }
  return nullptr;
}

// --- Globals ---------------------------------------------------------------------------------

extern "C" wasm_global_t* wasm_global_new(wasm_store_t* store, const wasm_globaltype_t* type,
                                          const wasm_val_t* value) noexcept {
  if (store == nullptr || type == nullptr || value == nullptr) return nullptr;
  const std::optional<ValType> content = from_c(wasm_valtype_kind(type->content));
  if (!content) return nullptr;
  Slot slots[2];
  if (to_slots(store, *content, *value, slots)) return nullptr;
  internal::GlobalData* global =
      store->store->create_global({*content, type->mutability == WASM_VAR}, slots[0], slots[1]);
  return static_cast<wasm_global_t*>(make_handle(RefKind::kGlobal, store, global));
}

extern "C" wasm_globaltype_t* wasm_global_type(const wasm_global_t* global) noexcept {
  return global == nullptr ? nullptr : make_globaltype(global_of(global)->type);
}

extern "C" void wasm_global_get(const wasm_global_t* global, wasm_val_t* out) noexcept {
  if (out == nullptr) return;
  if (global == nullptr) {
    *out = wasm_val_t{};
    return;
  }
  const internal::GlobalData* g = global_of(global);
  (void)from_slots(global->store, g->type.type, g->value, out);  // a v128 reads as its kind only
}

extern "C" void wasm_global_set(wasm_global_t* global, const wasm_val_t* value) noexcept {
  if (global == nullptr || value == nullptr) return;
  internal::GlobalData* g = global_of(global);
  Slot slots[2];
  if (!g->type.mut || to_slots(global->store, g->type.type, *value, slots)) return;
  g->value[0] = slots[0];
  g->value[1] = slots[1];
}

// --- Tables ----------------------------------------------------------------------------------

extern "C" wasm_table_t* wasm_table_new(wasm_store_t* store, const wasm_tabletype_t* type,
                                        wasm_ref_t* init) noexcept {
  if (store == nullptr || type == nullptr) return nullptr;
  const std::optional<ValType> element = from_c(wasm_valtype_kind(type->element));
  const std::optional<wasmscope::Limits> limits = from_c(type->limits, UINT32_MAX);
  if (!element || !wasmscope::is_ref(*element) || !limits ||
      limits->min > internal::kMaxTableElements) {
    return nullptr;
  }
  Slot slot;
  if (ref_to_slot(store, *element, init, &slot)) return nullptr;
  internal::TableData* table = store->store->create_table({*element, *limits}, slot);
  return static_cast<wasm_table_t*>(make_handle(RefKind::kTable, store, table));
}

extern "C" wasm_tabletype_t* wasm_table_type(const wasm_table_t* table) noexcept {
  if (table == nullptr) return nullptr;
  const internal::TableData* t = table_of(table);
  return make_tabletype({t->elem_type, {t->elems.size(), t->max, false}});
}

extern "C" wasm_ref_t* wasm_table_get(const wasm_table_t* table, wasm_table_size_t index) noexcept {
  if (table == nullptr) return nullptr;
  const internal::TableData* t = table_of(table);
  if (index >= t->elems.size()) return nullptr;
  return slot_to_ref(table->store, t->elem_type, t->elems[index]);
}

extern "C" bool wasm_table_set(wasm_table_t* table, wasm_table_size_t index,
                               wasm_ref_t* ref) noexcept {
  if (table == nullptr) return false;
  internal::TableData* t = table_of(table);
  Slot slot;
  if (index >= t->elems.size() || ref_to_slot(table->store, t->elem_type, ref, &slot)) return false;
  t->elems[index] = slot;
  return true;
}

extern "C" wasm_table_size_t wasm_table_size(const wasm_table_t* table) noexcept {
  return table == nullptr ? 0 : static_cast<wasm_table_size_t>(table_of(table)->elems.size());
}

extern "C" bool wasm_table_grow(wasm_table_t* table, wasm_table_size_t delta,
                                wasm_ref_t* init) noexcept {
  if (table == nullptr) return false;
  internal::TableData* t = table_of(table);
  Slot slot;
  if (ref_to_slot(table->store, t->elem_type, init, &slot)) return false;
  return internal::grow_table(t, delta, slot) >= 0;
}

// --- Memories --------------------------------------------------------------------------------

extern "C" wasm_memory_t* wasm_memory_new(wasm_store_t* store,
                                          const wasm_memorytype_t* type) noexcept {
  if (store == nullptr || type == nullptr) return nullptr;
  const std::optional<wasmscope::Limits> limits = from_c(type->limits, wasmscope::kMaxMemoryPages);
  if (!limits) return nullptr;
  auto memory = store->store->create_memory({*limits});
  if (!memory.ok()) {
    set_last_error("wasm_memory_new: " + memory.error().message);  // a store limit, say
    return nullptr;
  }
  return static_cast<wasm_memory_t*>(make_handle(RefKind::kMemory, store, *memory));
}

extern "C" wasm_memorytype_t* wasm_memory_type(const wasm_memory_t* memory) noexcept {
  if (memory == nullptr) return nullptr;
  const internal::MemoryData* m = memory_of(memory);
  wasmscope::Limits limits{m->size / wasmscope::kPageSize, std::nullopt, m->shared};
  if (m->has_max) limits.max = m->max_pages;
  return make_memorytype({limits});
}

extern "C" byte_t* wasm_memory_data(wasm_memory_t* memory) noexcept {
  return memory == nullptr ? nullptr : reinterpret_cast<byte_t*>(memory_of(memory)->base);
}
extern "C" size_t wasm_memory_data_size(const wasm_memory_t* memory) noexcept {
  return memory == nullptr ? 0 : memory_of(memory)->size;
}
extern "C" wasm_memory_pages_t wasm_memory_size(const wasm_memory_t* memory) noexcept {
  return memory == nullptr
             ? 0
             : static_cast<wasm_memory_pages_t>(memory_of(memory)->size / wasmscope::kPageSize);
}
extern "C" bool wasm_memory_grow(wasm_memory_t* memory, wasm_memory_pages_t delta) noexcept {
  if (memory == nullptr) return false;
  internal::MemoryData* m = memory_of(memory);
  return m->grow(m, delta) >= 0;
}

// --- Externals -------------------------------------------------------------------------------

extern "C" wasm_externkind_t wasm_extern_kind(const wasm_extern_t* external) noexcept {
  if (external == nullptr) return 0;
  switch (external->kind) {
    case RefKind::kGlobal:
      return WASM_EXTERN_GLOBAL;
    case RefKind::kTable:
      return WASM_EXTERN_TABLE;
    case RefKind::kMemory:
      return WASM_EXTERN_MEMORY;
    case RefKind::kTag:
      return WASMSCOPE_EXTERN_TAG;
    default:
      return WASM_EXTERN_FUNC;
  }
}

extern "C" wasm_externtype_t* wasm_extern_type(const wasm_extern_t* external) noexcept {
  if (external == nullptr) return nullptr;
  switch (external->kind) {
    case RefKind::kFunc:
      return wasm_func_type(static_cast<const wasm_func_t*>(external));
    case RefKind::kGlobal:
      return wasm_global_type(static_cast<const wasm_global_t*>(external));
    case RefKind::kTable:
      return wasm_table_type(static_cast<const wasm_table_t*>(external));
    case RefKind::kMemory:
      return wasm_memory_type(static_cast<const wasm_memory_t*>(external));
    default:
      return nullptr;
  }
}

/// Defines the four conversions between wasm_NAME_t and wasm_extern_t.
#define WASMSCOPE_DEFINE_EXTERN_CASTS(name, ref_kind)                                          \
  extern "C" wasm_extern_t* wasm_##name##_as_extern(wasm_##name##_t* v) noexcept {             \
    return v;                                                                                  \
  }                                                                                            \
  extern "C" const wasm_extern_t* wasm_##name##_as_extern_const(                               \
      const wasm_##name##_t* v) noexcept {                                                     \
    return v;                                                                                  \
  }                                                                                            \
  extern "C" wasm_##name##_t* wasm_extern_as_##name(wasm_extern_t* e) noexcept {               \
    return e != nullptr && e->kind == (ref_kind) ? static_cast<wasm_##name##_t*>(e) : nullptr; \
  }                                                                                            \
  extern "C" const wasm_##name##_t* wasm_extern_as_##name##_const(                             \
      const wasm_extern_t* e) noexcept {                                                       \
    return e != nullptr && e->kind == (ref_kind) ? static_cast<const wasm_##name##_t*>(e)      \
                                                 : nullptr;                                    \
  }

WASMSCOPE_DEFINE_EXTERN_CASTS(func, RefKind::kFunc)
WASMSCOPE_DEFINE_EXTERN_CASTS(global, RefKind::kGlobal)
WASMSCOPE_DEFINE_EXTERN_CASTS(table, RefKind::kTable)
WASMSCOPE_DEFINE_EXTERN_CASTS(memory, RefKind::kMemory)

// --- Instances -------------------------------------------------------------------------------

extern "C" wasm_instance_t* wasm_instance_new(wasm_store_t* store, const wasm_module_t* module,
                                              const wasm_extern_vec_t* imports,
                                              wasm_trap_t** trap) noexcept {
  if (trap != nullptr) *trap = nullptr;
  if (store == nullptr || module == nullptr) return nullptr;
  const auto fail = [&](std::string message) -> wasm_instance_t* {
    if (trap != nullptr) *trap = make_trap(std::move(message));
    return nullptr;
  };
  const size_t count = imports == nullptr || imports->data == nullptr ? 0 : imports->size;
  std::vector<internal::Extern> externs;
  for (size_t i = 0; i < count; ++i) {
    const wasm_extern_t* e = imports->data[i];
    if (e == nullptr || e->store != store) {
      return fail("wasm_instance_new: import " + std::to_string(i) +
                  (e == nullptr ? " is null" : " belongs to another store"));
    }
    externs.push_back({extern_kind_of(e->kind), e->object});
  }
  const auto& compiled = static_cast<const ModuleData*>(module->object)->compiled;
  if (compiled->bounds != store->store->config().bounds) {
    return fail("wasm_instance_new: the module was compiled for another engine configuration");
  }
  internal::TrapInfo info;
  auto instance = store->store->instantiate(compiled, externs, &info);
  if (!instance.ok()) {
    const wasmscope::Error& error = instance.error();
    if (error.kind != wasmscope::ErrorKind::kTrap) {
      release(take_host_trap());
      return fail(error.to_string());
    }
    wasm_trap_t* t = trap_of(store, internal::Trap::kHostTrap, info.message, info.frames);
    if (trap != nullptr) {
      *trap = t;
    } else {
      wasm_trap_delete(t);
    }
    return nullptr;
  }
  release(take_host_trap());
  return static_cast<wasm_instance_t*>(make_handle(RefKind::kInstance, store, *instance));
}

extern "C" void wasm_instance_exports(const wasm_instance_t* instance,
                                      wasm_extern_vec_t* out) noexcept {
  if (out == nullptr) return;
  if (instance == nullptr) {
    wasm_extern_vec_new_empty(out);
    return;
  }
  const auto* i = static_cast<const internal::Instance*>(instance->object);
  wasm_extern_vec_new_uninitialized(out, i->exports.size());
  for (size_t k = 0; k < out->size; ++k) {
    const internal::Extern& e = i->exports[k].second;
    out->data[k] =
        static_cast<wasm_extern_t*>(make_handle(kind_of_extern(e.kind), instance->store, e.object));
  }
}
