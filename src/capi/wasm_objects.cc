// include/wasm.h: configuration, engines, stores, the handle machinery every reference shares
// (copy, same, host info, conversions to and from wasm_ref_t), foreign objects, frames, traps
// and modules. Every entry point is noexcept and accepts null inputs.
#include <cstring>
#include <new>
#include <span>

#include "capi/wasm_impl.h"
#include "compiler/compiler.h"
#include "runtime/public_frame.h"
#include "stack/symbolizer.h"

namespace wasmscope::internal::capi {

// --- Handles ---------------------------------------------------------------------------------

namespace {

template <class T>
wasm_ref_t* allocate() {
  return new (std::nothrow) T{};
}

}  // namespace

wasm_ref_t* make_handle(RefKind kind, wasm_store_t* store, void* object) {
  if (object == nullptr) return nullptr;
  wasm_ref_t* ref = nullptr;
  switch (kind) {
    case RefKind::kFunc:
      ref = allocate<wasm_func_t>();
      break;
    case RefKind::kGlobal:
      ref = allocate<wasm_global_t>();
      break;
    case RefKind::kTable:
      ref = allocate<wasm_table_t>();
      break;
    case RefKind::kMemory:
      ref = allocate<wasm_memory_t>();
      break;
    case RefKind::kInstance:
      ref = allocate<wasm_instance_t>();
      break;
    case RefKind::kForeign:
      ref = allocate<wasm_foreign_t>();
      break;
    case RefKind::kTrap:
      ref = allocate<wasm_trap_t>();
      break;
    case RefKind::kModule:
      ref = allocate<wasm_module_t>();
      break;
    case RefKind::kTag:  // an exported tag: an extern of its own kind (WASMSCOPE_EXTERN_TAG)
      ref = allocate<wasm_extern_t>();
      break;
  }
  if (ref == nullptr) return nullptr;
  ref->kind = kind;
  ref->store = store;
  ref->object = object;
  retain(store);
  if (kind == RefKind::kTrap) retain(static_cast<TrapData*>(object));
  if (kind == RefKind::kModule) retain(static_cast<ModuleData*>(object));
  return ref;
}

void destroy_handle(wasm_ref_t* ref) {
  if (ref == nullptr) return;
  wasm_store_t* store = ref->store;
  if (ref->kind == RefKind::kTrap) release(static_cast<TrapData*>(ref->object));
  if (ref->kind == RefKind::kModule) release(static_cast<ModuleData*>(ref->object));
  // Deleted as the type it was allocated as (make_handle).
  switch (ref->kind) {
    case RefKind::kFunc:
      delete static_cast<wasm_func_t*>(ref);
      break;
    case RefKind::kGlobal:
      delete static_cast<wasm_global_t*>(ref);
      break;
    case RefKind::kTable:
      delete static_cast<wasm_table_t*>(ref);
      break;
    case RefKind::kMemory:
      delete static_cast<wasm_memory_t*>(ref);
      break;
    case RefKind::kInstance:
      delete static_cast<wasm_instance_t*>(ref);
      break;
    case RefKind::kForeign:
      delete static_cast<wasm_foreign_t*>(ref);
      break;
    case RefKind::kTrap:
      delete static_cast<wasm_trap_t*>(ref);
      break;
    case RefKind::kModule:
      delete static_cast<wasm_module_t*>(ref);
      break;
    case RefKind::kTag:
      delete static_cast<wasm_extern_t*>(ref);
      break;
  }
  release(store);  // last: may destroy the store, and with it the object
}

wasm_ref_t* copy_handle(const wasm_ref_t* ref) {
  return ref == nullptr ? nullptr : make_handle(ref->kind, ref->store, ref->object);
}

RefKind kind_of_extern(ExternKind kind) {
  switch (kind) {
    case ExternKind::kFunc:
      return RefKind::kFunc;
    case ExternKind::kGlobal:
      return RefKind::kGlobal;
    case ExternKind::kTable:
      return RefKind::kTable;
    case ExternKind::kMemory:
      return RefKind::kMemory;
    case ExternKind::kTag:
      return RefKind::kTag;
  }
  return RefKind::kFunc;
}

ExternKind extern_kind_of(RefKind kind) {
  switch (kind) {
    case RefKind::kGlobal:
      return ExternKind::kGlobal;
    case RefKind::kTable:
      return ExternKind::kTable;
    case RefKind::kMemory:
      return ExternKind::kMemory;
    case RefKind::kTag:
      return ExternKind::kTag;
    default:
      return ExternKind::kFunc;
  }
}

ObjectInfo* intern_locked(wasm_store_t* store, RefKind kind, void* object) {
  std::unique_ptr<ObjectInfo>& info = store->objects[object];
  if (!info) {
    info = std::make_unique<ObjectInfo>();
    info->kind = kind;
    info->object = object;
  }
  return info.get();
}

namespace {

bool same(const wasm_ref_t* a, const wasm_ref_t* b) {
  return a != nullptr && b != nullptr && a->kind == b->kind && a->object == b->object;
}

void* get_host_info(const wasm_ref_t* ref) {
  if (ref == nullptr) return nullptr;
  switch (ref->kind) {
    case RefKind::kTrap:
      return static_cast<const TrapData*>(ref->object)->host.get();
    case RefKind::kModule:
      return static_cast<const ModuleData*>(ref->object)->host.get();
    default:
      break;
  }
  std::lock_guard<std::mutex> lock(ref->store->mutex);
  const auto it = ref->store->objects.find(ref->object);
  return it == ref->store->objects.end() ? nullptr : it->second->host.get();
}

void set_host_info(wasm_ref_t* ref, void* info, void (*finalizer)(void*)) {
  if (ref == nullptr) return;
  switch (ref->kind) {
    case RefKind::kTrap:
      static_cast<TrapData*>(ref->object)->host.set(info, finalizer);
      return;
    case RefKind::kModule:
      static_cast<ModuleData*>(ref->object)->host.set(info, finalizer);
      return;
    default:
      break;
  }
  HostInfo incoming;
  incoming.set(info, finalizer);
  {
    std::lock_guard<std::mutex> lock(ref->store->mutex);
    intern_locked(ref->store, ref->kind, ref->object)->host.swap(incoming);
  }
  // {incoming} now holds the previous info: its finalizer runs here, outside the lock.
}

bool is_extern(RefKind kind) {
  return kind == RefKind::kFunc || kind == RefKind::kGlobal || kind == RefKind::kTable ||
         kind == RefKind::kMemory;
}

}  // namespace
}  // namespace wasmscope::internal::capi

using namespace wasmscope::internal::capi;  // NOLINT(google-build-using-namespace)
namespace internal = wasmscope::internal;
using wasmscope::ExternKind;
using wasmscope::FuncType;
using wasmscope::GlobalType;
using wasmscope::MemoryType;
using wasmscope::TableType;

/// Defines delete, copy, same and the host info functions of wasm_NAME_t.
#define WASMSCOPE_DEFINE_REF_BASE(name)                                                           \
  extern "C" void wasm_##name##_delete(wasm_##name##_t* ref) noexcept {                           \
    destroy_handle(ref);                                                                          \
  }                                                                                               \
  extern "C" wasm_##name##_t* wasm_##name##_copy(const wasm_##name##_t* ref) noexcept {           \
    return static_cast<wasm_##name##_t*>(copy_handle(ref));                                       \
  }                                                                                               \
  extern "C" bool wasm_##name##_same(const wasm_##name##_t* a,                                    \
                                     const wasm_##name##_t* b) noexcept {                         \
    return same(a, b);                                                                            \
  }                                                                                               \
  extern "C" void* wasm_##name##_get_host_info(const wasm_##name##_t* ref) noexcept {             \
    return get_host_info(ref);                                                                    \
  }                                                                                               \
  extern "C" void wasm_##name##_set_host_info(wasm_##name##_t* ref, void* info) noexcept {        \
    set_host_info(ref, info, nullptr);                                                            \
  }                                                                                               \
  extern "C" void wasm_##name##_set_host_info_with_finalizer(wasm_##name##_t* ref, void* info,    \
                                                             void (*finalizer)(void*)) noexcept { \
    set_host_info(ref, info, finalizer);                                                          \
  }

/// Defines the conversions between wasm_NAME_t and wasm_ref_t; {is_kind(RefKind)} tells
/// whether a reference is a NAME.
#define WASMSCOPE_DEFINE_REF(name, is_kind)                                                      \
  WASMSCOPE_DEFINE_REF_BASE(name)                                                                \
  extern "C" wasm_ref_t* wasm_##name##_as_ref(wasm_##name##_t* ref) noexcept {                   \
    return ref;                                                                                  \
  }                                                                                              \
  extern "C" const wasm_ref_t* wasm_##name##_as_ref_const(const wasm_##name##_t* ref) noexcept { \
    return ref;                                                                                  \
  }                                                                                              \
  extern "C" wasm_##name##_t* wasm_ref_as_##name(wasm_ref_t* ref) noexcept {                     \
    return ref != nullptr && is_kind(ref->kind) ? static_cast<wasm_##name##_t*>(ref) : nullptr;  \
  }                                                                                              \
  extern "C" const wasm_##name##_t* wasm_ref_as_##name##_const(const wasm_ref_t* ref) noexcept { \
    return ref != nullptr && is_kind(ref->kind) ? static_cast<const wasm_##name##_t*>(ref)       \
                                                : nullptr;                                       \
  }

#define WASMSCOPE_IS(kind_name) [](RefKind k) { return k == RefKind::kind_name; }

WASMSCOPE_DEFINE_REF_BASE(ref)
WASMSCOPE_DEFINE_REF(extern, is_extern)
WASMSCOPE_DEFINE_REF(func, WASMSCOPE_IS(kFunc))
WASMSCOPE_DEFINE_REF(global, WASMSCOPE_IS(kGlobal))
WASMSCOPE_DEFINE_REF(table, WASMSCOPE_IS(kTable))
WASMSCOPE_DEFINE_REF(memory, WASMSCOPE_IS(kMemory))
WASMSCOPE_DEFINE_REF(instance, WASMSCOPE_IS(kInstance))
WASMSCOPE_DEFINE_REF(foreign, WASMSCOPE_IS(kForeign))
WASMSCOPE_DEFINE_REF(trap, WASMSCOPE_IS(kTrap))
WASMSCOPE_DEFINE_REF(module, WASMSCOPE_IS(kModule))

// --- Configuration, engine, store ------------------------------------------------------------

extern "C" wasm_config_t* wasm_config_new() noexcept {
  return new (std::nothrow) wasm_config_t{};
}
extern "C" void wasm_config_delete(wasm_config_t* config) noexcept {
  delete config;
}

extern "C" wasm_engine_t* wasm_engine_new() noexcept {
  return new (std::nothrow) wasm_engine_t{};
}
extern "C" wasm_engine_t* wasm_engine_new_with_config(wasm_config_t* config) noexcept {
  auto* engine = new (std::nothrow) wasm_engine_t{};
  if (engine != nullptr && config != nullptr) {
    engine->config = config->config;
    engine->limits = config->limits;
  }
  delete config;
  return engine;
}
extern "C" void wasm_engine_delete(wasm_engine_t* engine) noexcept {
  delete engine;
}

wasm_store_t::wasm_store_t(const wasm_engine_t& engine)
    : store(std::make_unique<internal::Store>(internal::to_internal(engine.config, engine.limits))) {}

wasm_store_t::~wasm_store_t() {
  // The WASI programs first (each stops the guest threads it started and waits for them),
  // then the objects (nothing can call a host function any more), then the finalizers of what
  // the host attached to them.
  wasi.clear();
  store.reset();
  for (HostFuncEnv& f : host_funcs) {
    if (f.finalizer != nullptr) f.finalizer(f.env);
  }
  objects.clear();
}

extern "C" wasm_store_t* wasm_store_new(wasm_engine_t* engine) noexcept {
  return engine == nullptr ? nullptr : new (std::nothrow) wasm_store_t(*engine);
}
extern "C" void wasm_store_delete(wasm_store_t* store) noexcept {
  release(store);
}

// --- Foreign objects -------------------------------------------------------------------------

extern "C" wasm_foreign_t* wasm_foreign_new(wasm_store_t* store) noexcept {
  if (store == nullptr) return nullptr;
  auto info = std::unique_ptr<ObjectInfo>(new (std::nothrow) ObjectInfo);
  if (!info) return nullptr;
  ObjectInfo* object = info.get();
  object->kind = RefKind::kForeign;
  object->object = object;
  {
    std::lock_guard<std::mutex> lock(store->mutex);
    store->objects.emplace(object, std::move(info));
  }
  return static_cast<wasm_foreign_t*>(make_handle(RefKind::kForeign, store, object));
}

// --- Traps and frames ------------------------------------------------------------------------

namespace wasmscope::internal::capi {
namespace {

/// The thread's trap from a host callback on its way out through the engine (see
/// {take_host_trap}); released if the thread ends before anyone takes it.
struct PendingTrap {
  TrapData* data = nullptr;
  ~PendingTrap() { release(data); }
};
thread_local PendingTrap pending_trap;

wasm_frame_t* make_frame(const TrapData& trap, const TrapFrame& frame) {
  auto* out = new (std::nothrow) wasm_frame_t{};
  if (out == nullptr) return nullptr;
  out->func_index = frame.func_index;
  out->func_offset = frame.func_offset;
  out->module_offset = frame.module_offset;
  out->instance = static_cast<wasm_instance_t*>(make_handle(
      RefKind::kInstance, trap.store, trap.store == nullptr ? nullptr : frame.instance));
  return out;
}

}  // namespace

TrapData::~TrapData() {
  release(store);
}

TrapData* take_host_trap() {
  return std::exchange(pending_trap.data, nullptr);
}
void set_host_trap(TrapData* data) {
  release(std::exchange(pending_trap.data, data));
}

wasm_trap_t* adopt_trap(TrapData* data) {
  wasm_ref_t* handle = make_handle(RefKind::kTrap, nullptr, data);
  release(data);
  return static_cast<wasm_trap_t*>(handle);
}

wasm_trap_t* make_trap(std::string message) {
  auto* data = new (std::nothrow) TrapData;
  if (data == nullptr) return nullptr;
  data->message = std::move(message);
  return adopt_trap(data);
}

void attach_frames(TrapData* data, wasm_store_t* store, const std::vector<FrameRecord>& records) {
  if (!data->frames.empty() || records.empty()) return;
  if (data->store != nullptr && data->store != store) return;
  data->records = records;
  const std::vector<SymbolizedFrame> named = symbolize_stack(records);
  for (size_t i = 0; i < named.size(); ++i) {
    const FrameRecord& record = records[records.size() - 1 - i];  // innermost first
    if (named[i].host || record.func == nullptr || record.func->instance == nullptr) continue;
    data->frames.push_back({named[i].func_index, named[i].code_offset, named[i].module_offset,
                            store->store->instance_of(record.func->instance)});
  }
  if (!data->frames.empty() && data->store == nullptr) {
    data->store = store;
    retain(store);
  }
}

}  // namespace wasmscope::internal::capi

extern "C" wasm_trap_t* wasm_trap_new(wasm_store_t* /*store*/,
                                      const wasm_message_t* message) noexcept {
  std::string text;
  if (message != nullptr && message->data != nullptr) text.assign(message->data, message->size);
  if (!text.empty() && text.back() == '\0') text.pop_back();
  return make_trap(std::move(text));
}

extern "C" void wasm_trap_message(const wasm_trap_t* trap, wasm_message_t* out) noexcept {
  if (out == nullptr) return;
  if (trap == nullptr) {
    wasm_byte_vec_new_empty(out);
    return;
  }
  const std::string& message = static_cast<const TrapData*>(trap->object)->message;
  wasm_byte_vec_new(out, message.size() + 1, message.c_str());  // with its NUL
}

extern "C" wasm_frame_t* wasm_trap_origin(const wasm_trap_t* trap) noexcept {
  if (trap == nullptr) return nullptr;
  const auto* data = static_cast<const TrapData*>(trap->object);
  return data->frames.empty() ? nullptr : make_frame(*data, data->frames.front());
}

extern "C" void wasm_trap_trace(const wasm_trap_t* trap, wasm_frame_vec_t* out) noexcept {
  if (out == nullptr) return;
  if (trap == nullptr) {
    wasm_frame_vec_new_empty(out);
    return;
  }
  const auto* data = static_cast<const TrapData*>(trap->object);
  wasm_frame_vec_new_uninitialized(out, data->frames.size());
  for (size_t i = 0; i < out->size; ++i)
    out->data[i] = make_frame(*data, data->frames[i]);
}

extern "C" void wasm_frame_delete(wasm_frame_t* frame) noexcept {
  if (frame == nullptr) return;
  destroy_handle(frame->instance);
  delete frame;
}
extern "C" wasm_frame_t* wasm_frame_copy(const wasm_frame_t* frame) noexcept {
  if (frame == nullptr) return nullptr;
  auto* out = new (std::nothrow) wasm_frame_t(*frame);
  if (out != nullptr) out->instance = static_cast<wasm_instance_t*>(copy_handle(frame->instance));
  return out;
}
extern "C" wasm_instance_t* wasm_frame_instance(const wasm_frame_t* frame) noexcept {
  return frame == nullptr ? nullptr : frame->instance;
}
extern "C" uint32_t wasm_frame_func_index(const wasm_frame_t* frame) noexcept {
  return frame == nullptr ? 0 : frame->func_index;
}
extern "C" size_t wasm_frame_func_offset(const wasm_frame_t* frame) noexcept {
  return frame == nullptr ? 0 : frame->func_offset;
}
extern "C" size_t wasm_frame_module_offset(const wasm_frame_t* frame) noexcept {
  return frame == nullptr ? 0 : frame->module_offset;
}

// --- Modules ---------------------------------------------------------------------------------

namespace {

/// wasm_module_serialize's format for interpreted modules: this magic, a format version and
/// the module's size (both u32 little-endian), then the module's binary. The binary is
/// compiled again on the way in, which costs little with an interpreter and keeps the format
/// independent of its internals. Compiled modules serialize as .cwasm files instead.
constexpr char kSerialMagic[4] = {'w', 's', 'c', 'm'};
constexpr uint32_t kSerialVersion = 1;
constexpr size_t kSerialHeader = 12;

void put_u32(uint8_t* at, uint32_t v) {
  for (int i = 0; i < 4; ++i)
    at[i] = static_cast<uint8_t>(v >> (8 * i));
}
uint32_t get_u32(const uint8_t* at) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i)
    v |= uint32_t{at[i]} << (8 * i);
  return v;
}

/// A module handle for {compiled}.
wasm_module_t* make_module(std::shared_ptr<const internal::CompiledModule> compiled) {
  auto* data = new (std::nothrow) ModuleData;
  if (data == nullptr) return nullptr;
  data->compiled = std::move(compiled);
  wasm_ref_t* handle = make_handle(RefKind::kModule, nullptr, data);
  release(data);
  return static_cast<wasm_module_t*>(handle);
}

wasm_module_t* compile(wasm_store_t* store, const uint8_t* bytes, size_t size) {
  auto compiled =
      internal::compile_module(std::vector<uint8_t>(bytes, bytes + size), store->store->config());
  return compiled.ok() ? make_module(std::move(*compiled)) : nullptr;
}

const internal::CompiledModule& compiled_of(const wasm_module_t* module) {
  return *static_cast<const ModuleData*>(module->object)->compiled;
}

/// The types of one kind's index space: imports first, then definitions.
struct IndexSpaces {
  std::vector<const FuncType*> funcs;
  std::vector<TableType> tables;
  std::vector<MemoryType> memories;
  std::vector<GlobalType> globals;
  std::vector<const FuncType*> tags;  ///< A tag's payload, as a function type.

  explicit IndexSpaces(const internal::Module& m) {
    for (const internal::Import& i : m.imports) {
      switch (i.kind) {
        case ExternKind::kFunc:
          funcs.push_back(&m.types[i.func_type]);
          break;
        case ExternKind::kTable:
          tables.push_back(i.table);
          break;
        case ExternKind::kMemory:
          memories.push_back(i.memory);
          break;
        case ExternKind::kGlobal:
          globals.push_back(i.global);
          break;
        case ExternKind::kTag:
          tags.push_back(&m.types[i.tag_type]);
          break;
      }
    }
    for (uint32_t type : m.tags)
      tags.push_back(&m.types[type]);
    for (const internal::Function& f : m.functions)
      funcs.push_back(&m.types[f.type]);
    tables.insert(tables.end(), m.tables.begin(), m.tables.end());
    memories.insert(memories.end(), m.memories.begin(), m.memories.end());
    for (const internal::Global& g : m.globals)
      globals.push_back(g.type);
  }

  wasm_externtype_t* type_of(ExternKind kind, uint32_t index) const {
    switch (kind) {
      case ExternKind::kFunc:
        return make_functype(*funcs[index]);
      case ExternKind::kTable:
        return make_tabletype(tables[index]);
      case ExternKind::kMemory:
        return make_memorytype(memories[index]);
      case ExternKind::kGlobal:
        return make_globaltype(globals[index]);
      case ExternKind::kTag:
        return make_functype(*tags[index]);
    }
    return nullptr;
  }
};

wasm_externtype_t* import_type(const internal::Module& m, const internal::Import& i) {
  switch (i.kind) {
    case ExternKind::kFunc:
      return make_functype(m.types[i.func_type]);
    case ExternKind::kTable:
      return make_tabletype(i.table);
    case ExternKind::kMemory:
      return make_memorytype(i.memory);
    case ExternKind::kGlobal:
      return make_globaltype(i.global);
    case ExternKind::kTag:
      return make_functype(m.types[i.tag_type]);
  }
  return nullptr;
}

void name_of(const std::string& s, wasm_name_t* out) {
  wasm_byte_vec_new(out, s.size(), s.data());
}

}  // namespace

extern "C" wasm_module_t* wasm_module_new(wasm_store_t* store,
                                          const wasm_byte_vec_t* binary) noexcept {
  if (store == nullptr || binary == nullptr || (binary->data == nullptr && binary->size != 0)) {
    return nullptr;
  }
  return compile(store, reinterpret_cast<const uint8_t*>(binary->data), binary->size);
}

extern "C" bool wasm_module_validate(wasm_store_t* store, const wasm_byte_vec_t* binary) noexcept {
  if (store == nullptr || binary == nullptr || (binary->data == nullptr && binary->size != 0)) {
    return false;
  }
  const auto* bytes = reinterpret_cast<const uint8_t*>(binary->data);
  return wasmscope::Module::validate(std::span<const uint8_t>(bytes, binary->size),
                                     store->store->config().features)
      .ok();
}

extern "C" void wasm_module_imports(const wasm_module_t* module,
                                    wasm_importtype_vec_t* out) noexcept {
  if (out == nullptr) return;
  if (module == nullptr) {
    wasm_importtype_vec_new_empty(out);
    return;
  }
  const internal::Module& m = compiled_of(module).module;
  wasm_importtype_vec_new_uninitialized(out, m.imports.size());
  for (size_t i = 0; i < out->size; ++i) {
    wasm_name_t module_name, name;
    name_of(m.imports[i].module, &module_name);
    name_of(m.imports[i].name, &name);
    out->data[i] = wasm_importtype_new(&module_name, &name, import_type(m, m.imports[i]));
  }
}

extern "C" void wasm_module_exports(const wasm_module_t* module,
                                    wasm_exporttype_vec_t* out) noexcept {
  if (out == nullptr) return;
  if (module == nullptr) {
    wasm_exporttype_vec_new_empty(out);
    return;
  }
  const internal::Module& m = compiled_of(module).module;
  const IndexSpaces spaces(m);
  wasm_exporttype_vec_new_uninitialized(out, m.exports.size());
  for (size_t i = 0; i < out->size; ++i) {
    wasm_name_t name;
    name_of(m.exports[i].name, &name);
    out->data[i] =
        wasm_exporttype_new(&name, spaces.type_of(m.exports[i].kind, m.exports[i].index));
  }
}

extern "C" void wasm_module_serialize(const wasm_module_t* module, wasm_byte_vec_t* out) noexcept {
  if (out == nullptr) return;
  wasm_byte_vec_new_empty(out);
  if (module == nullptr) return;
  const internal::CompiledModule& compiled = compiled_of(module);
  if (compiled.native != nullptr) {
    // A compiled module: a .cwasm file, its native code with it (no compiling on the way in).
    // (The libraries are built without exceptions: nothing can be thrown across this.)
    auto file = internal::serialize_native(compiled);
    if (!file.ok()) {
      set_last_error(file.error().message);
      return;
    }
    wasm_byte_vec_new(out, file->size(), reinterpret_cast<const wasm_byte_t*>(file->data()));
    return;
  }
  const std::vector<uint8_t>& bytes = compiled.module.bytes;
  if (bytes.size() > UINT32_MAX) return;
  wasm_byte_vec_new_uninitialized(out, kSerialHeader + bytes.size());
  if (out->data == nullptr) return;
  auto* at = reinterpret_cast<uint8_t*>(out->data);
  std::memcpy(at, kSerialMagic, 4);
  put_u32(at + 4, kSerialVersion);
  put_u32(at + 8, static_cast<uint32_t>(bytes.size()));
  if (!bytes.empty()) std::memcpy(at + kSerialHeader, bytes.data(), bytes.size());
}

namespace {

/// wasm_module_deserialize of a .cwasm file: checked whole, then its code linked, for a
/// store of the file's bounds mode. A store of either tier takes it: the module runs compiled
/// and links to interpreted instances freely.
wasm_module_t* load_cwasm(wasm_store_t* store, std::span<const uint8_t> bytes) {
  const internal::StoreConfig& wanted = store->store->config();
  internal::StoreConfig settings = wanted;
  auto loaded = internal::load_compiled_module(bytes, &settings);
  if (!loaded.ok()) {
    set_last_error(loaded.error().to_string());
    return nullptr;
  }
  if (settings.bounds != wanted.bounds) {
    set_last_error("the serialized module was compiled for another bounds mode than the store's");
    return nullptr;
  }
  return make_module(std::move(*loaded));
}

}  // namespace

extern "C" wasm_module_t* wasm_module_deserialize(wasm_store_t* store,
                                                  const wasm_byte_vec_t* serialized) noexcept {
  if (store == nullptr || serialized == nullptr || serialized->data == nullptr) return nullptr;
  const auto* at = reinterpret_cast<const uint8_t*>(serialized->data);
  if (internal::is_cwasm(std::span<const uint8_t>(at, serialized->size))) {
    return load_cwasm(store, std::span<const uint8_t>(at, serialized->size));
  }
  if (serialized->size < kSerialHeader || std::memcmp(at, kSerialMagic, 4) != 0 ||
      get_u32(at + 4) != kSerialVersion || get_u32(at + 8) != serialized->size - kSerialHeader) {
    return nullptr;
  }
  return compile(store, at + kSerialHeader, serialized->size - kSerialHeader);
}

extern "C" wasm_shared_module_t* wasm_module_share(const wasm_module_t* module) noexcept {
  if (module == nullptr) return nullptr;
  auto* shared = new (std::nothrow) wasm_shared_module_t;
  if (shared != nullptr)
    shared->compiled = static_cast<const ModuleData*>(module->object)->compiled;
  return shared;
}

extern "C" void wasm_shared_module_delete(wasm_shared_module_t* shared) noexcept {
  delete shared;
}

extern "C" wasm_module_t* wasm_module_obtain(wasm_store_t* store,
                                             const wasm_shared_module_t* shared) noexcept {
  if (store == nullptr || shared == nullptr || !shared->compiled) return nullptr;
  // A store whose engine checks bounds another way needs the module translated for it.
  if (shared->compiled->bounds != store->store->config().bounds) {
    const std::vector<uint8_t>& bytes = shared->compiled->module.bytes;
    return compile(store, bytes.data(), bytes.size());
  }
  return make_module(shared->compiled);
}
