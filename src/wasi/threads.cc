// wasi-threads: the "wasi" "thread-spawn" import, the shared memory a module imports as
// env.memory, and how a program ends when any of its threads exits or traps.
//
// A spawned thread runs in a new instance of the calling module, linked to the same imports
// as the caller's instance (so the same shared memory and host functions). A module that
// defines its shared memory instead of importing it gets, in every new instance, the
// caller's memory in place of the definition: wasi-libc's default threads layout, which a
// plain re-instantiation could not share.
#include <optional>

#include "wasi/internal.h"

namespace wasmscope::internal::wasi {
namespace {

constexpr const char* kThreadStartExport = "wasi_thread_start";

int32_t negative(Errno e) { return -static_cast<int32_t>(e); }

/// What a new guest thread needs; owned by the thread's body.
struct SpawnedThread {
  WasiContext* wasi;
  Store* store;
  std::shared_ptr<const CompiledModule> module;
  std::vector<Extern> imports;
  MemoryData* defined_memory;  ///< The caller's own shared memory, for the defining layout.
  ExecContext* context;
  uint32_t tid;
  uint32_t start_arg;
};

/// The externs {instance} was linked with, in its module's import order.
std::vector<Extern> imports_of(const Instance& instance) {
  const InstanceData& data = instance.data;
  std::vector<Extern> out;
  uint32_t funcs = 0, tables = 0, memories = 0, globals = 0, tags = 0;
  for (const Import& import : instance.module->module.imports) {
    switch (import.kind) {
      case ExternKind::kFunc: out.push_back(Extern::func(data.funcs[funcs++])); break;
      case ExternKind::kTable: out.push_back(Extern::table(data.tables[tables++])); break;
      case ExternKind::kMemory: out.push_back(Extern::memory(data.memories[memories++])); break;
      case ExternKind::kGlobal: out.push_back(Extern::global(data.globals[globals++])); break;
      case ExternKind::kTag: out.push_back(Extern::tag(data.tags[tags++])); break;
    }
  }
  return out;
}

/// The module's {wasi_thread_start} export if it has the type (i32, i32) -> ().
const Func* thread_start_of(const Instance& instance) {
  const Func* start = instance.find_export(kThreadStartExport).as_func();
  if (start == nullptr) return nullptr;
  const FuncType& type = *start->type;
  const bool ok = type.params.size() == 2 && type.params[0] == ValType::kI32 &&
                  type.params[1] == ValType::kI32 && type.results.empty();
  return ok ? start : nullptr;
}

/// Instantiates the thread's instance on its own context and runs {wasi_thread_start}.
InvokeOutcome run_thread_start(const SpawnedThread& t) {
  TrapInfo trap;
  InstantiateOptions options;
  options.context = t.context;
  options.shared_memory = t.defined_memory;
  options.reserved = true;  // by spawn_thread
  Result<Instance*> instance = t.store->instantiate(t.module, t.imports, &trap, options);
  InvokeOutcome outcome;
  if (!instance.ok()) {
    outcome.trap = Trap::kHostTrap;
    outcome.message = instance.error().kind == ErrorKind::kTrap
                          ? trap.message
                          : "thread " + std::to_string(t.tid) +
                                " could not be instantiated: " + instance.error().message;
    outcome.frames = std::move(trap.frames);
    return outcome;
  }
  const Func* start = thread_start_of(**instance);  // checked on the caller's module
  Slot args[2] = {t.tid, t.start_arg};
  return invoke(t.context, start, args);
}

/// A guest thread's whole life: its trap (an exit too unwinds with one) ends the program,
/// unless something ended it before; then the thread leaves the registry, its last touch of
/// the store.
void run_spawned_thread(const SpawnedThread& t) {
  InvokeOutcome outcome;
  if (!t.wasi->program_end()) {
    outcome = run_thread_start(t);
  } else {
    t.store->release_instance();  // the place spawn_thread held for its instance
  }
  if (outcome.trap != Trap::kNone) {
    ProgramEnd end;
    end.trapped = true;
    end.message = std::move(outcome.message);
    end.frames = std::move(outcome.frames);
    end.thread_name = "thread " + std::to_string(t.tid);
    t.wasi->end_program(std::move(end), t.context);
  }
  t.store->threads().retire(t.context);
}

Trap call_thread_spawn(HostCall& host) {
  auto* wasi = static_cast<WasiContext*>(host.user);
  const int32_t tid = wasi->spawn_thread(host.context, static_cast<uint32_t>(host.args[0]));
  host.results[0] = static_cast<uint32_t>(tid);
  return Trap::kNone;
}

}  // namespace

std::optional<uint32_t> WasiContext::exit_status() const {
  std::lock_guard<std::mutex> lock(end_mutex_);
  if (!end_ || end_->trapped) return std::nullopt;
  return end_->status;
}

std::optional<ProgramEnd> WasiContext::program_end() const {
  std::lock_guard<std::mutex> lock(end_mutex_);
  return end_;
}

void WasiContext::exit_program(uint32_t status, ExecContext* by) {
  ProgramEnd end;
  end.status = status;
  end_program(std::move(end), by);
}

ProgramEnd WasiContext::end_program(ProgramEnd end, ExecContext* by) {
  bool first = false;
  ProgramEnd standing;
  {
    std::lock_guard<std::mutex> lock(end_mutex_);
    if (!end_) {
      end_ = std::move(end);
      first = true;
    }
    standing = *end_;
  }
  if (!first) return standing;
  if (store_ != nullptr) store_->threads().terminate_program(by);
  if (end_hook_) end_hook_(standing, by);
  return standing;
}

Result<Extern> WasiContext::resolve_threads_import(Store& store, const Import& import) {
  if (import.module == "wasi" && import.name == "thread-spawn" &&
      import.kind == ExternKind::kFunc) {
    store_ = &store;
    const FuncType type{{ValType::kI32}, {ValType::kI32}};
    return Extern::func(store.create_host_func(type, call_thread_spawn, this, "wasi.thread-spawn"));
  }
  if (import.module == "env" && import.name == "memory" && import.kind == ExternKind::kMemory &&
      import.memory.limits.shared) {
    store_ = &store;
    if (shared_memory_ == nullptr) {
      WS_ASSIGN(shared_memory_, store.create_memory(import.memory));
    }
    return Extern::memory(shared_memory_);
  }
  return Extern{};
}

int32_t WasiContext::spawn_thread(ExecContext* parent, uint32_t start_arg) {
  const uint32_t depth = parent->depth.load(std::memory_order_relaxed);
  const InstanceData* caller = depth > 0 ? parent->frames()[depth - 1].func->instance : nullptr;
  Instance* instance = caller != nullptr && store_ != nullptr ? store_->instance_of(caller) : nullptr;
  if (instance == nullptr || caller->memories.empty() || !caller->memories[0]->shared ||
      thread_start_of(*instance) == nullptr) {
    return negative(Errno::kInval);
  }
  const Module& m = instance->module->module;
  SpawnedThread t{this, store_, instance->module, imports_of(*instance), nullptr, nullptr, 0,
                  start_arg};
  if (m.imported_memories == 0) t.defined_memory = caller->memories[0];
  // The thread's instance would pass the store's instance limit: an error the guest can
  // handle, as past --max-threads, rather than the thread's trap when it instantiates.
  if (!store_->reserve_instance()) return negative(Errno::kAgain);
  t.context = store_->threads().add_spawned(options_.max_threads, &t.tid);
  if (t.context == nullptr) {
    store_->release_instance();
    return negative(Errno::kAgain);
  }
  const uint32_t tid = t.tid;
  ExecContext* context = t.context;
  if (!store_->start_thread([t = std::move(t)] { run_spawned_thread(t); })) {
    store_->release_instance();
    store_->threads().retire(context);
    return negative(Errno::kAgain);
  }
  return static_cast<int32_t>(tid);
}

}  // namespace wasmscope::internal::wasi
