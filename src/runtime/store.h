// Store, instances and linking: the run-time objects of WebAssembly, their lifetimes, and
// instantiation in the spec's order of effects.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "base/platform/guarded_memory.h"
#include "wasmscope/result.h"
#include "engine/compiled.h"
#include "engine/context.h"
#include "engine/instance_data.h"
#include "engine/interpreter.h"
#include "threads/registry.h"
#include "wasmscope/features.h"

namespace wasmscope::internal {

/// Which engine runs a store's modules: the interpreter (engine/) or the compiled tier
/// (compiler/, native code through LLVM).
enum class Tier : uint8_t { kInterp, kCompiled };

/// Options fixed for a store's lifetime.
/// What a store lets its guests take (0: no limit of the store's own; the spec's and the
/// runtime's limits always apply). A declared minimum above a limit fails instantiation, and
/// growth past one fails as if at the declared maximum (memory.grow and table.grow give -1).
struct StoreLimits {
  uint64_t max_memory_bytes = 0;    ///< Per memory the store creates, rounded down to pages.
  uint64_t max_table_elements = 0;  ///< Per table the store creates.
  uint32_t max_instances = 0;       ///< Instances in the store (wasi-threads' included).
};

struct StoreConfig {
  Features features;
  BoundsChecks bounds = BoundsChecks::kGuardPages;
  ContextLimits limits;
  StoreLimits store_limits;
  Tier tier = Tier::kInterp;
  unsigned opt_level = 2;  ///< The compiled tier's optimization level, 0..3 (docs/compiled-tier.md).
};

/// The bounds-check mode a store asking for {wanted} runs with: guard pages become explicit
/// checks where this process cannot reserve them (32-bit hosts such as ARMv7, `ulimit -v`),
/// decided at run time. Stores and {compile_module} both apply it, so they agree.
BoundsChecks usable_bounds(BoundsChecks wanted);

/// Decodes, validates and translates {bytes} (for {usable_bounds(config.bounds)}).
Result<std::shared_ptr<CompiledModule>> compile_module(std::vector<uint8_t> bytes,
                                                       const StoreConfig& config);

/// Loads a .cwasm file (compiler/compiler.h): checks it whole before mapping any code, then
/// decodes and translates its module (which `compile` validated) and links its native code.
/// The file's own settings (compiled tier, bounds mode, features, opt level) replace those of
/// {*config}, for the store the module is to run in. Copies {file}.
Result<std::shared_ptr<CompiledModule>> load_compiled_module(std::span<const uint8_t> file,
                                                             StoreConfig* config);
/// The same, keeping {file} (the module holds on to it instead of copies of its objects).
Result<std::shared_ptr<CompiledModule>> load_compiled_module(std::vector<uint8_t>&& file,
                                                             StoreConfig* config);
/// The same, without a copy: {file} stays valid and unchanged as long as {owner} lives, which
/// the module keeps (the CLI's read-only mapping of the file, tools/file_io.h {map_file}).
Result<std::shared_ptr<CompiledModule>> load_compiled_module(std::span<const uint8_t> file,
                                                             std::shared_ptr<const void> owner,
                                                             StoreConfig* config);

/// An external value: what an import takes or an export gives.
struct Extern {
  ExternKind kind = ExternKind::kFunc;
  void* object = nullptr;  ///< Func*, TableData*, MemoryData*, GlobalData* or TagData*.

  static Extern func(Func* f) { return {ExternKind::kFunc, f}; }
  static Extern table(TableData* t) { return {ExternKind::kTable, t}; }
  static Extern memory(MemoryData* m) { return {ExternKind::kMemory, m}; }
  static Extern global(GlobalData* g) { return {ExternKind::kGlobal, g}; }
  static Extern tag(TagData* t) { return {ExternKind::kTag, t}; }
  Func* as_func() const { return kind == ExternKind::kFunc ? static_cast<Func*>(object) : nullptr; }
  TableData* as_table() const {
    return kind == ExternKind::kTable ? static_cast<TableData*>(object) : nullptr;
  }
  MemoryData* as_memory() const {
    return kind == ExternKind::kMemory ? static_cast<MemoryData*>(object) : nullptr;
  }
  GlobalData* as_global() const {
    return kind == ExternKind::kGlobal ? static_cast<GlobalData*>(object) : nullptr;
  }
  TagData* as_tag() const { return kind == ExternKind::kTag ? static_cast<TagData*>(object) : nullptr; }
};

/// A linear memory and the mapping behind it.
struct MemoryObject : MemoryData {
  GuardedRegion region;
  /// The store's limit in pages (StoreLimits::max_memory_bytes): memory.grow past it fails.
  uint64_t limit_pages = kMaxMemoryPages;
  /// Serializes growers of a shared memory (any thread may run memory.grow on it).
  std::mutex grow_mutex;
};

/// An instantiated module.
struct Instance {
  InstanceData data;
  std::shared_ptr<const CompiledModule> module;
  std::vector<std::pair<std::string, Extern>> exports;

  /// The export named {name}; {object} is null when there is none.
  Extern find_export(const std::string& name) const;
};

/// What a failed instantiation or call left behind when it was a trap.
struct TrapInfo {
  std::string message;
  std::vector<FrameRecord> frames;
};

/// How {Store::instantiate} runs, beyond the imports.
struct InstantiateOptions {
  /// The context the start function runs on; null: the calling thread's ({Store::call}).
  ExecContext* context = nullptr;
  /// For a new instance of a module that defines a shared memory (wasi-threads' layout
  /// without an imported memory): the memory its first defined memory is, instead of a new
  /// one, so every thread's instance shares it. Ignored unless both are shared.
  MemoryData* shared_memory = nullptr;
  /// The instance takes a place held by {Store::reserve_instance} (which instantiation gives
  /// back whether it succeeds or not).
  bool reserved = false;
};

/// Starts {body} on a new native thread; false if no thread could be started.
using ThreadStarter = std::function<bool(std::function<void()> body)>;

/// Owns every run-time object it creates; they live as long as the store.
///
/// Thread safety: creating objects and instantiating are thread-safe (one mutex guards the
/// object lists; objects never move). {call} from several threads at once runs each on its
/// own context (see {ThreadRegistry::enter}); the objects a call touches (a shared memory,
/// globals, tables) are the guest's to synchronize. Guest threads started with
/// {start_thread} must have ended before the store is destroyed: the destructor asks them
/// to terminate and waits.
class Store {
 public:
  explicit Store(StoreConfig config = {});
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const StoreConfig& config() const { return config_; }
  /// The main context: what a single-threaded embedder's calls run on.
  ExecContext& context() { return *threads_.main_context(); }
  ThreadRegistry& threads() { return threads_; }

  Func* create_host_func(const FuncType& type, HostCallback callback, void* user,
                         std::string name);
  Result<MemoryData*> create_memory(const MemoryType& type);
  /// Holds a place for one more instance under StoreLimits::max_instances, for an
  /// instantiation to come on another thread (wasi-threads: the spawning thread learns at once
  /// that the new thread's instance would pass the limit). False when there is none left.
  /// Give it back with {release_instance}, or use it with {InstantiateOptions::reserved}.
  bool reserve_instance();
  void release_instance();
  TableData* create_table(const TableType& type, Slot init);
  GlobalData* create_global(const GlobalType& type, Slot lo, Slot hi = 0);
  /// A new tag whose exceptions carry {type}'s params ({type} must have no results).
  TagData* create_tag(const FuncType& type);

  /// Links {imports} (one per module import, in order) and instantiates. A link failure is
  /// {ErrorKind::kUnlinkable}; a trap while initializing segments or in the start function is
  /// {ErrorKind::kTrap} with details in {trap} (earlier segment writes stay, per the spec).
  Result<Instance*> instantiate(std::shared_ptr<const CompiledModule> module,
                                const std::vector<Extern>& imports, TrapInfo* trap = nullptr,
                                const InstantiateOptions& options = {});

  /// The instance whose data is {data}, or null if it is not one of this store's.
  Instance* instance_of(const InstanceData* data);

  /// Calls {func}; {args} as for {invoke}. Runs on the calling thread's context in this
  /// store: the one it is already in (a host function calling back), else the main context,
  /// else (another thread is in the main context) one of its own.
  InvokeOutcome call(const Func* func, Slot* args);

  /// Replaces how guest threads get a native thread (default: a detached pthread with an
  /// 8 MiB stack). Set it before any guest thread starts.
  void set_thread_starter(ThreadStarter starter);
  /// Runs {body} on a new native thread through the starter; false if none could start.
  bool start_thread(std::function<void()> body);

 private:
  /// Checks {imports} against {m}'s; {type_ids} are {m}'s canonical type ids
  /// ({intern_module_types}), which the instance keeps.
  Result<void> link(const Module& m, const std::vector<Extern>& imports,
                    const std::vector<uint32_t>& type_ids) const;
  Result<void> initialize(Instance* instance, TrapInfo* trap, ExecContext* ctx);
  Result<Instance*> allocate(std::shared_ptr<const CompiledModule> module,
                             const std::vector<Extern>& imports, MemoryData* shared_memory,
                             bool reserved, std::vector<uint32_t> type_ids);
  Result<MemoryData*> create_memory_locked(const MemoryType& type);
  /// StoreLimits::max_memory_bytes in pages (kMaxMemoryPages when unlimited).
  uint64_t memory_limit_pages(bool is64 = false) const;
  Result<void> check_limits(const Module& m, bool reserved) const;
  /// Whether instances and held places fill StoreLimits::max_instances (object lock held).
  bool instances_full_locked() const;
  TableData* create_table_locked(const TableType& type, Slot init);
  GlobalData* create_global_locked(const GlobalType& type, Slot lo, Slot hi);
  /// {type} must outlive the store (a module's type, or one in {host_types_}).
  TagData* create_tag_locked(const FuncType& type);

  StoreConfig config_;
  ThreadRegistry threads_;
  ThreadStarter starter_;
  mutable std::mutex objects_mutex_;  // guards the lists below (their elements never move)
  uint32_t reserved_instances_ = 0;   // places held by reserve_instance()
  std::deque<FuncType> host_types_;
  std::deque<Func> funcs_;
  std::deque<MemoryObject> memories_;
  std::deque<TableData> tables_;
  std::deque<GlobalData> globals_;
  std::deque<TagData> tags_;
  std::deque<Instance> instances_;
};

/// The value of constant expression {expr} of {instance} (its globals and functions must be
/// in place); two slots for a v128.
void eval_const_expr(const InstanceData& instance, const ConstExpr& expr, Slot out[2]);

}  // namespace wasmscope::internal
