#include "runtime/store.h"

#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <cstring>

#include "base/platform/fault_handler.h"
#include "base/platform/platform_error.h"
#include "binary/decoder.h"
#include "compiler/compiler.h"
#include "binary/instr_reader.h"
#include "engine/atomics.h"
#include "engine/native_abi.h"
#include "engine/translate.h"
#include "validate/validator.h"

namespace wasmscope::internal {
namespace {

using platform_internal::describe_bytes;

/// A memory of {min_pages} asked for in a store whose limit is {limit_pages} per memory.
Error memory_over_limit(uint64_t min_pages, uint64_t limit_pages) {
  // A 64-bit memory may declare up to 2^48 pages, whose byte count is 2^64.
  const uint64_t bytes = std::min(min_pages, UINT64_MAX / kPageSize) * kPageSize;
  const bool own = limit_pages == kMaxMemory64Pages || limit_pages == kMaxMemoryPages;
  return Error{ErrorKind::kUnlinkable, 0,
               "memory of " + std::to_string(min_pages) + " pages (" + describe_bytes(bytes) +
                   ") exceeds " + (own ? "wasmscope's" : "the store's") + " limit of " +
                   describe_bytes(limit_pages * kPageSize) + " per memory"};
}

Error unlinkable(uint32_t offset, std::string message) {
  return Error{ErrorKind::kUnlinkable, offset, std::move(message)};
}

/// Limits {actual} satisfy declared {wanted} (spec 4.5.2, "Limits" import matching).
bool limits_match(const Limits& actual, const Limits& wanted) {
  if (actual.min < wanted.min) return false;
  if (wanted.max) {
    if (!actual.max || *actual.max > *wanted.max) return false;
  }
  return true;
}

int64_t grow_memory(MemoryData* data, uint64_t delta_pages) {
  auto* memory = static_cast<MemoryObject*>(data);
  // Any thread may grow a shared memory: growers take turns; readers never lock (below).
  std::unique_lock<std::mutex> lock(memory->grow_mutex, std::defer_lock);
  if (memory->shared) lock.lock();
  const uint64_t old_pages = atomic::current_size(memory) / kPageSize;
  const uint64_t new_pages = old_pages + delta_pages;
  if (new_pages > memory->max_pages || new_pages > memory->limit_pages) return -1;
  if (delta_pages == 0) return static_cast<int64_t>(old_pages);
  // A shared memory must never move (other threads hold its base); others may, in the
  // explicit-bounds mode, and only their own thread reads {base}.
  if (memory->shared) {
    if (!memory->region.grow(new_pages * kPageSize).ok()) return -1;
  } else {
    if (!memory->region.grow_moving(new_pages * kPageSize).ok()) return -1;
    memory->base = memory->region.base();
  }
  // Release: a reader that acquires the new size finds its pages accessible.
  __atomic_store_n(&memory->size, new_pages * kPageSize, __ATOMIC_RELEASE);
  return static_cast<int64_t>(old_pages);
}

}  // namespace

BoundsChecks usable_bounds(BoundsChecks wanted) {
  // Only where guard pages can never work (32-bit hosts) is the mode changed silently. Where
  // they could but the address space is short now (`ulimit -v`), modules compiled before and
  // .cwasm files were made for guard pages: instantiation fails with the reason instead, and
  // `wasmscope run` falls back for a .wasm itself, saying so.
  if (wanted == BoundsChecks::kGuardPages && !guard_pages_addressable()) {
    return BoundsChecks::kExplicit;
  }
  return wanted;
}

Result<std::shared_ptr<CompiledModule>> compile_module(std::vector<uint8_t> bytes,
                                                       const StoreConfig& config) {
  auto compiled = std::make_shared<CompiledModule>();
  WS_ASSIGN(compiled->module, decode_module(std::move(bytes), config.features));
  WS_ASSIGN(compiled->facts, validate_module(compiled->module, config.features));
  compiled->bounds = usable_bounds(config.bounds);
  WS_TRY(translate_module(compiled.get(), config.features));
  if (config.tier == Tier::kCompiled) {
    NativeOptions options;
    options.opt_level = config.opt_level;
    WS_TRY(compile_native(compiled.get(), config.features, options));
  }
  return compiled;
}

Result<std::shared_ptr<CompiledModule>> load_compiled_module(std::span<const uint8_t> file,
                                                             StoreConfig* config) {
  return load_compiled_module(std::vector<uint8_t>(file.begin(), file.end()), config);
}

Result<std::shared_ptr<CompiledModule>> load_compiled_module(std::vector<uint8_t>&& file,
                                                             StoreConfig* config) {
  auto bytes = std::make_shared<const std::vector<uint8_t>>(std::move(file));
  const std::span<const uint8_t> view(*bytes);
  return load_compiled_module(view, std::move(bytes), config);
}

Result<std::shared_ptr<CompiledModule>> load_compiled_module(std::span<const uint8_t> bytes,
                                                             std::shared_ptr<const void> owner,
                                                             StoreConfig* config) {
  WS_ASSIGN(CwasmFile cwasm, read_cwasm(bytes));
  config->tier = Tier::kCompiled;
  config->bounds = cwasm.settings.bounds;
  config->features = cwasm.settings.features;
  config->opt_level = cwasm.settings.opt_level;
  auto compiled = std::make_shared<CompiledModule>();
  WS_ASSIGN(compiled->module,
            decode_module(std::vector<uint8_t>(cwasm.wasm.begin(), cwasm.wasm.end()),
                          config->features));
  // Not validated again: `wasmscope compile` validated these very bytes (read_cwasm checked
  // their SHA-256) with this very validator (the build fingerprint), and a file that lies
  // about either could as well carry any native code (docs/compiled-tier.md: loading a
  // .cwasm is trusting it). Validation was 5 % of loading SQLite's .cwasm.
  compiled->bounds = config->bounds;
  WS_TRY(translate_interpreted_functions(compiled.get(), config->features));
  WS_TRY(load_native(compiled.get(), cwasm, bytes, std::move(owner)));
  return compiled;
}

Extern Instance::find_export(const std::string& name) const {
  for (const auto& [export_name, value] : exports) {
    if (export_name == name) return value;
  }
  return {};
}

void eval_const_expr(const InstanceData& instance, const ConstExpr& expr, Slot out[2]) {
  const Module& m = instance.module->module;
  InstrReader reader(m.bytes.data(), expr.range.begin, expr.range.end, Features());
  Instr in;
  out[0] = 0;
  out[1] = 0;
  // Validation guarantees a well-typed sequence leaving one value: pushes of one value and
  // (extended constants) i32/i64 add, sub and mul of the top two. Integer arithmetic wraps.
  std::vector<Slot> stack;  // Scalars; a v128 is always the expression's only value.
  auto binary = [&stack](auto op) {
    if (stack.size() < 2) return;
    const Slot rhs = stack.back();
    stack.pop_back();
    stack.back() = op(stack.back(), rhs);
  };
  auto i32 = [](Slot v) { return static_cast<uint32_t>(v); };
  while (!reader.at_end()) {
    if (!reader.next(&in).ok()) return;
    switch (in.op) {
      case Op::I32Const: stack.push_back(static_cast<uint32_t>(in.i32)); break;
      case Op::I64Const: stack.push_back(static_cast<uint64_t>(in.i64)); break;
      case Op::F32Const: stack.push_back(in.f32_bits); break;
      case Op::F64Const: stack.push_back(in.f64_bits); break;
      case Op::V128Const:
        std::memcpy(out, in.v128, 16);
        return;
      case Op::RefNull: stack.push_back(0); break;
      case Op::RefFunc: stack.push_back(reinterpret_cast<uintptr_t>(instance.funcs[in.index])); break;
      case Op::GlobalGet: {
        const GlobalData* g = instance.globals[in.index];
        if (g->type.type == ValType::kV128) {
          out[0] = g->value[0];
          out[1] = g->value[1];
          return;
        }
        stack.push_back(g->value[0]);
        break;
      }
      case Op::I32Add: binary([&](Slot a, Slot b) -> Slot { return i32(i32(a) + i32(b)); }); break;
      case Op::I32Sub: binary([&](Slot a, Slot b) -> Slot { return i32(i32(a) - i32(b)); }); break;
      case Op::I32Mul: binary([&](Slot a, Slot b) -> Slot { return i32(i32(a) * i32(b)); }); break;
      case Op::I64Add: binary([](Slot a, Slot b) -> Slot { return a + b; }); break;
      case Op::I64Sub: binary([](Slot a, Slot b) -> Slot { return a - b; }); break;
      case Op::I64Mul: binary([](Slot a, Slot b) -> Slot { return a * b; }); break;
      default: break;
    }
  }
  if (!stack.empty()) out[0] = stack.back();
}

namespace {

/// The default {ThreadStarter}: a detached pthread. The interpreter keeps guest frames in the
/// context, not on the native stack, but host calls and signal handlers run there: 8 MiB, as
/// a process's main thread usually has.
bool start_native_thread(std::function<void()> body) {
  constexpr size_t kNativeStackBytes = 8u << 20;
  auto* heap_body = new std::function<void()>(std::move(body));
  pthread_attr_t attr;
  if (pthread_attr_init(&attr) != 0) {
    delete heap_body;
    return false;
  }
  pthread_attr_setstacksize(&attr, kNativeStackBytes);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_t thread;
  const int rc = pthread_create(
      &thread, &attr,
      [](void* arg) -> void* {
        std::unique_ptr<std::function<void()>> f(static_cast<std::function<void()>*>(arg));
        (*f)();
        return nullptr;
      },
      heap_body);
  pthread_attr_destroy(&attr);
  if (rc != 0) delete heap_body;
  return rc == 0;
}

}  // namespace

Store::Store(StoreConfig config)
    : config_(config), threads_(config.limits), starter_(&start_native_thread) {
  // Where guard pages cannot be reserved (32-bit hosts, `ulimit -v`), every memory would fail
  // to instantiate: check bounds explicitly instead, as modules compiled for this store do.
  config_.bounds = usable_bounds(config_.bounds);
  if (config_.bounds == BoundsChecks::kGuardPages) {
    // Without our fault handler, guard pages would crash the process instead of trapping.
    if (!install_fault_handler().ok()) config_.bounds = BoundsChecks::kExplicit;
  }
}

Store::~Store() {
  // Guest threads run in this store's instances: they must be gone before the objects are.
  if (threads_.spawned_count() != 0) {
    threads_.terminate_spawned();
    threads_.wait_spawned_ended(UINT64_MAX);
  }
}

void Store::set_thread_starter(ThreadStarter starter) { starter_ = std::move(starter); }

bool Store::start_thread(std::function<void()> body) { return starter_(std::move(body)); }

InvokeOutcome Store::call(const Func* func, Slot* args) {
  ExecContext* current = current_context();
  if (current != nullptr && threads_.contains(current)) return invoke(current, func, args);
  bool claimed_main = false;
  ExecContext* ctx = threads_.enter(&claimed_main);
  InvokeOutcome outcome = invoke(ctx, func, args);
  if (claimed_main) threads_.release_main();
  return outcome;
}

Func* Store::create_host_func(const FuncType& type, HostCallback callback, void* user,
                              std::string name) {
  std::lock_guard<std::mutex> lock(objects_mutex_);
  host_types_.push_back(type);
  Func& f = funcs_.emplace_back();
  f.type = &host_types_.back();
  f.type_id = intern_func_type(type);
  f.arg_slots = call_slots(type);
  f.host = callback;
  f.host_user = user;
  f.host_name = std::move(name);
  return &f;
}

Result<MemoryData*> Store::create_memory(const MemoryType& type) {
  std::lock_guard<std::mutex> lock(objects_mutex_);
  return create_memory_locked(type);
}

Result<MemoryData*> Store::create_memory_locked(const MemoryType& type) {
  const uint64_t limit_pages = memory_limit_pages(type.limits.is64);
  if (type.limits.min > limit_pages) {
    return memory_over_limit(type.limits.min, limit_pages);
  }
  const uint64_t initial = type.limits.min * kPageSize;
  MemoryObject& memory = memories_.emplace_back();
  memory.limit_pages = limit_pages;
  if (config_.bounds == BoundsChecks::kGuardPages) {
    WS_ASSIGN(memory.region, GuardedRegion::reserve(kWasm32GuardedReservation, initial));
  } else if (type.limits.shared) {
    // Never moves: its maximum (validation requires one) is reserved up front, pages are
    // committed as it grows.
    const uint64_t max_bytes =
        std::min(type.limits.max.value_or(kMaxMemoryPages), limit_pages) * kPageSize;
    WS_ASSIGN(memory.region,
              GuardedRegion::reserve_unguarded(std::max(max_bytes, kPageSize), initial));
  } else {
    WS_ASSIGN(memory.region, GuardedRegion::allocate_exact(initial));
  }
  memory.base = memory.region.base();
  memory.size = initial;
  memory.max_pages = type.limits.max.value_or(kMaxMemoryPages);
  memory.has_max = type.limits.max.has_value();
  memory.shared = type.limits.shared;
  memory.is64 = type.limits.is64;
  memory.grow = &grow_memory;
  return static_cast<MemoryData*>(&memory);
}

TableData* Store::create_table(const TableType& type, Slot init) {
  std::lock_guard<std::mutex> lock(objects_mutex_);
  return create_table_locked(type, init);
}

TableData* Store::create_table_locked(const TableType& type, Slot init) {
  TableData& table = tables_.emplace_back();
  table.elem_type = type.elem;
  table.elems.assign(type.limits.min, init);
  table.max = type.limits.max;
  table.is64 = type.limits.is64;
  if (config_.store_limits.max_table_elements != 0) {
    table.limit = config_.store_limits.max_table_elements;
  }
  return &table;
}

GlobalData* Store::create_global(const GlobalType& type, Slot lo, Slot hi) {
  std::lock_guard<std::mutex> lock(objects_mutex_);
  return create_global_locked(type, lo, hi);
}

GlobalData* Store::create_global_locked(const GlobalType& type, Slot lo, Slot hi) {
  GlobalData& global = globals_.emplace_back();
  global.type = type;
  global.value[0] = lo;
  global.value[1] = hi;
  return &global;
}

TagData* Store::create_tag(const FuncType& type) {
  std::lock_guard<std::mutex> lock(objects_mutex_);
  host_types_.push_back(type);
  return create_tag_locked(host_types_.back());
}

TagData* Store::create_tag_locked(const FuncType& type) {
  TagData& tag = tags_.emplace_back();
  tag.type = &type;
  tag.type_id = intern_func_type(type);
  for (ValType t : type.params) tag.payload_slots += t == ValType::kV128 ? 2 : 1;
  return &tag;
}

bool Store::instances_full_locked() const {
  const uint32_t max = config_.store_limits.max_instances;
  return max != 0 && instances_.size() + reserved_instances_ >= max;
}

bool Store::reserve_instance() {
  std::lock_guard<std::mutex> lock(objects_mutex_);
  if (instances_full_locked()) return false;
  ++reserved_instances_;
  return true;
}

void Store::release_instance() {
  std::lock_guard<std::mutex> lock(objects_mutex_);
  if (reserved_instances_ > 0) --reserved_instances_;
}

uint64_t Store::memory_limit_pages(bool is64) const {
  // A 64-bit memory stays below 4 GiB (docs/architecture.md, "Memory64"): the engines run its
  // accesses on the 32-bit machinery after narrowing the address.
  const uint64_t most = is64 ? kMaxMemory64Pages : kMaxMemoryPages;
  const uint64_t bytes = config_.store_limits.max_memory_bytes;
  return bytes == 0 ? most : std::min(bytes / kPageSize, most);
}

/// What instantiating {m} would take beyond the store's limits, checked before anything of
/// the instance is made (under the object lock).
Result<void> Store::check_limits(const Module& m, bool reserved) const {
  const StoreLimits& limits = config_.store_limits;
  if (!reserved && instances_full_locked()) {
    return Error{ErrorKind::kUnlinkable, 0,
                 "the store's limit of " + std::to_string(limits.max_instances) +
                     " instances is reached"};
  }
  if (limits.max_table_elements != 0) {
    for (const TableType& t : m.tables) {
      if (t.limits.min > limits.max_table_elements) {
        return Error{ErrorKind::kUnlinkable, 0,
                     "table of " + std::to_string(t.limits.min) +
                         " elements exceeds the store's limit of " +
                         std::to_string(limits.max_table_elements) + " per table"};
      }
    }
  }
  for (const TableType& t : m.tables) {
    if (t.limits.min > kMaxTableElements) {
      return Error{ErrorKind::kUnlinkable, 0,
                   "table of " + std::to_string(t.limits.min) +
                       " elements exceeds wasmscope's limit of " +
                       std::to_string(kMaxTableElements) + " per table"};
    }
  }
  for (const MemoryType& t : m.memories) {
    const uint64_t limit_pages = memory_limit_pages(t.limits.is64);
    if (t.limits.min > limit_pages) {
      return memory_over_limit(t.limits.min, limit_pages);
    }
  }
  return {};
}

Instance* Store::instance_of(const InstanceData* data) {
  std::lock_guard<std::mutex> lock(objects_mutex_);
  for (Instance& instance : instances_) {
    if (&instance.data == data) return &instance;
  }
  return nullptr;
}

Result<void> Store::link(const Module& m, const std::vector<Extern>& imports,
                         const std::vector<uint32_t>& ids) const {
  if (imports.size() != m.imports.size()) {
    return unlinkable(0, "expected " + std::to_string(m.imports.size()) + " imports, got " +
                             std::to_string(imports.size()));
  }
  // Types compare by canonical id across modules (typed function references).
  for (size_t i = 0; i < imports.size(); ++i) {
    const Import& want = m.imports[i];
    const Extern& have = imports[i];
    const std::string what = "\"" + want.module + "\" \"" + want.name + "\"";
    if (have.object == nullptr || have.kind != want.kind) {
      return unlinkable(want.offset, "incompatible import type for " + what);
    }
    bool ok = true;
    switch (want.kind) {
      case ExternKind::kFunc:
        ok = static_cast<const Func*>(have.object)->type_id == ids[want.func_type];
        break;
      case ExternKind::kTable: {
        const auto* t = static_cast<const TableData*>(have.object);
        ok = t->elem_type == canonical_valtype(want.table.elem, ids) && t->is64 == want.table.limits.is64 &&
             limits_match({t->elems.size(), t->max, false}, want.table.limits);
        break;
      }
      case ExternKind::kMemory: {
        const auto* mem = static_cast<const MemoryData*>(have.object);
        const Limits actual{atomic::current_size(mem) / kPageSize,
                            mem->has_max ? std::optional<uint64_t>(mem->max_pages)
                                         : std::optional<uint64_t>(),
                            mem->shared};
        ok = limits_match(actual, want.memory.limits) &&
             mem->shared == want.memory.limits.shared && mem->is64 == want.memory.limits.is64;
        break;
      }
      case ExternKind::kGlobal:
      {
        // An immutable global may be of a subtype: a non-null reference where a nullable one
        // is imported, or a typed one where funcref is; a mutable one must be equal.
        const GlobalType& actual = static_cast<const GlobalData*>(have.object)->type;
        const ValType expected = canonical_valtype(want.global.type, ids);
        ok = actual.mut == want.global.mut &&
             (actual.type == expected ||
              (!actual.mut && actual.type.kind() == expected.kind() && is_ref(expected) &&
               (expected.nullable() || !actual.type.nullable()) &&
               (!expected.has_type_index() ||
                actual.type.type_index() == expected.type_index())));
      }
        break;
      case ExternKind::kTag:
        ok = static_cast<const TagData*>(have.object)->type_id == ids[want.tag_type];
        break;
    }
    if (!ok) return unlinkable(want.offset, "incompatible import type for " + what);
  }
  return {};
}

Result<Instance*> Store::instantiate(std::shared_ptr<const CompiledModule> module,
                                     const std::vector<Extern>& imports, TrapInfo* trap,
                                     const InstantiateOptions& options) {
  std::vector<uint32_t> type_ids = intern_module_types(module->module.types);
  if (Result<void> linked = link(module->module, imports, type_ids); !linked.ok()) {
    if (options.reserved) release_instance();
    return linked.error();
  }
  WS_ASSIGN(Instance * instance,
            allocate(std::move(module), imports, options.shared_memory, options.reserved,
                     std::move(type_ids)));
  // Outside the object lock: the start function may call host functions that create objects.
  if (options.context != nullptr) {
    WS_TRY(initialize(instance, trap, options.context));
    return instance;
  }
  ExecContext* current = current_context();
  if (current != nullptr && threads_.contains(current)) {
    WS_TRY(initialize(instance, trap, current));
    return instance;
  }
  bool claimed_main = false;
  ExecContext* ctx = threads_.enter(&claimed_main);
  Result<void> initialized = initialize(instance, trap, ctx);
  if (claimed_main) threads_.release_main();
  WS_TRY(std::move(initialized));
  return instance;
}

/// Creates the instance's objects and evaluates globals and segments (spec 4.5.4, up to
/// step 13), under the object lock.
Result<Instance*> Store::allocate(std::shared_ptr<const CompiledModule> module,
                                  const std::vector<Extern>& imports, MemoryData* shared_memory,
                                  bool reserved, std::vector<uint32_t> type_ids) {
  std::lock_guard<std::mutex> lock(objects_mutex_);
  const Module& m = module->module;
  // A reserved place turns into the instance (or is given back if it fails) under this lock.
  if (reserved && reserved_instances_ > 0) --reserved_instances_;
  // Code made for guard pages checks no bounds: its memories must have them.
  if (module->bounds != config_.bounds) {
    return unlinkable(0, std::string("the module was compiled for ") +
                             (module->bounds == BoundsChecks::kGuardPages ? "guard-page"
                                                                          : "explicit") +
                             " bounds checks, and this store uses the other mode");
  }
  WS_TRY(check_limits(m, reserved));
  Instance& instance = instances_.emplace_back();
  instance.module = module;
  InstanceData& data = instance.data;
  // Process-unique (captures name frames by it across stores); 0 is left for host functions.
  static std::atomic<uint32_t> next_instance_id{1};
  data.id = next_instance_id.fetch_add(1, std::memory_order_relaxed);
  data.module = module.get();
  data.type_ids = std::move(type_ids);

  for (const Extern& e : imports) {
    switch (e.kind) {
      case ExternKind::kFunc: data.funcs.push_back(e.as_func()); break;
      case ExternKind::kTable: data.tables.push_back(e.as_table()); break;
      case ExternKind::kMemory: data.memories.push_back(e.as_memory()); break;
      case ExternKind::kGlobal: data.globals.push_back(e.as_global()); break;
      case ExternKind::kTag: data.tags.push_back(e.as_tag()); break;
    }
  }
  for (uint32_t type : m.tags) {
    TagData* tag = create_tag_locked(m.types[type]);
    tag->type_id = data.type_ids[type];
    data.tags.push_back(tag);
  }
  for (uint32_t i = 0; i < m.functions.size(); ++i) {
    Func& f = funcs_.emplace_back();
    f.type = &m.types[m.functions[i].type];
    f.type_id = data.type_ids[m.functions[i].type];
    f.arg_slots = call_slots(*f.type);
    f.instance = &data;
    f.index = m.imported_funcs + i;
    f.code = &module->funcs[i];
    if (!module->native_entries.empty()) {
      f.native_body = module->native_bodies[i];
      f.native_entry = module->native_entries[i];
      f.native_vm = &data.view;
      f.native_interprets = module->funcs[i].runs_interpreted;
      // The interpreter calls such a function as its own, not through the native body: a
      // return_call_ref or return_call in it then reuses the frame, as tail calls must.
      if (f.native_interprets) f.interp_code = f.code;
    } else {
      f.interp_code = f.code;
    }
    data.funcs.push_back(&f);
  }
  // A table's initial value (typed function references) may read imported globals and name
  // functions, which exist by now. Runtime objects record canonical type ids.
  for (uint32_t i = 0; i < m.tables.size(); ++i) {
    Slot init[2] = {0, 0};
    if (const ConstExpr* expr = m.table_init(i)) eval_const_expr(data, *expr, init);
    TableType type = m.tables[i];
    type.elem = canonical_valtype(type.elem, data.type_ids);
    data.tables.push_back(create_table_locked(type, init[0]));
  }
  for (size_t i = 0; i < m.memories.size(); ++i) {
    const MemoryType& t = m.memories[i];
    if (i == 0 && shared_memory != nullptr && shared_memory->shared && t.limits.shared) {
      data.memories.push_back(shared_memory);
      continue;
    }
    WS_ASSIGN(MemoryData* memory, create_memory_locked(t));
    data.memories.push_back(memory);
  }
  // Globals see imported globals and every function (spec: the auxiliary frame).
  for (const Global& g : m.globals) {
    Slot value[2];
    eval_const_expr(data, g.init, value);
    GlobalType type = g.type;
    type.type = canonical_valtype(type.type, data.type_ids);
    data.globals.push_back(create_global_locked(type, value[0], value[1]));
  }
  for (const ElemSegment& seg : m.elems) {
    std::vector<Slot> refs;
    refs.reserve(seg.size());
    if (seg.uses_exprs) {
      for (const ConstExpr& e : seg.exprs) {
        Slot value[2];
        eval_const_expr(data, e, value);
        refs.push_back(value[0]);
      }
    } else {
      for (uint32_t f : seg.funcs) refs.push_back(reinterpret_cast<uintptr_t>(data.funcs[f]));
    }
    data.elem_segments.push_back(std::move(refs));
  }
  data.data_dropped.assign(m.datas.size(), 0);
  fill_native_view(&data, &data.view);
  for (const Export& e : m.exports) {
    Extern value;
    value.kind = e.kind;
    switch (e.kind) {
      case ExternKind::kFunc: value.object = data.funcs[e.index]; break;
      case ExternKind::kTable: value.object = data.tables[e.index]; break;
      case ExternKind::kMemory: value.object = data.memories[e.index]; break;
      case ExternKind::kGlobal: value.object = data.globals[e.index]; break;
      case ExternKind::kTag: value.object = data.tags[e.index]; break;
    }
    instance.exports.emplace_back(e.name, value);
  }
  return &instance;
}

/// Active segments in order, then the start function (spec 4.5.4, steps 14-16).
Result<void> Store::initialize(Instance* instance, TrapInfo* trap, ExecContext* ctx) {
  InstanceData& data = instance->data;
  const Module& m = instance->module->module;
  auto fail = [&](const char* message, uint32_t offset) -> Error {
    if (trap != nullptr) trap->message = message;
    return Error{ErrorKind::kTrap, offset, message};
  };
  for (uint32_t i = 0; i < m.elems.size(); ++i) {
    const ElemSegment& seg = m.elems[i];
    if (seg.mode == SegmentMode::kActive) {
      Slot offset[2];
      eval_const_expr(data, seg.offset, offset);
      TableData* table = data.tables[seg.table];
      const uint64_t d = table->is64 ? offset[0] : static_cast<uint32_t>(offset[0]);
      const std::vector<Slot>& refs = data.elem_segments[i];
      if (d > table->elems.size() || refs.size() > table->elems.size() - d) {
        return fail(trap_message(Trap::kOutOfBoundsTable), seg.offset_in_module);
      }
      std::copy(refs.begin(), refs.end(), table->elems.begin() + static_cast<ptrdiff_t>(d));
    }
    if (seg.mode != SegmentMode::kPassive) data.elem_segments[i].clear();
  }
  for (uint32_t i = 0; i < m.datas.size(); ++i) {
    const DataSegment& seg = m.datas[i];
    if (seg.mode != SegmentMode::kActive) continue;
    Slot offset[2];
    eval_const_expr(data, seg.offset, offset);
    MemoryData* memory = data.memories[seg.memory];
    const uint64_t d = memory->is64 ? offset[0] : static_cast<uint32_t>(offset[0]);
    const uint64_t size = atomic::current_size(memory);
    if (d > size || seg.init.size() > size - d) {
      return fail(trap_message(Trap::kOutOfBoundsMemory), seg.offset_in_module);
    }
    if (seg.init.size() != 0) std::memcpy(memory->base + d, m.at(seg.init.begin), seg.init.size());
    data.data_dropped[i] = 1;
  }
  if (m.start) {
    const Func* start = data.funcs[*m.start];
    Slot args[1] = {0};
    InvokeOutcome outcome = invoke(ctx, start, args);
    if (outcome.trap != Trap::kNone) {
      if (trap != nullptr) {
        trap->message = outcome.message;
        trap->frames = std::move(outcome.frames);
      }
      return Error{ErrorKind::kTrap, 0, outcome.message};
    }
  }
  return {};
}

}  // namespace wasmscope::internal
