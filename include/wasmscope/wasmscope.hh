// wasmscope's C++ embedding API, version 0.
//
// Load and validate modules, instantiate them with imports (host functions, memories, tables,
// globals), look up exports, call functions with typed values, read and write memory, and
// inspect traps with their guest stacks.
//
// Ownership: a {Store} owns every run-time object created in it; {Func}, {Memory}, {Table},
// {Global} and {Instance} are small handles, valid while their store lives. A {Module} is
// immutable and may be instantiated in any number of stores.
//
// Thread safety: {Module} is immutable and thread-safe. A {Store} may be used from several
// threads at once: creating objects and instantiating are serialized inside it, and calls
// ({Func::call}) from different threads each run on a context of their own (a thread calling
// while another is inside the store's main context gets one, kept until the store ends), so
// guest threads of a program that shares a memory may be driven by several host threads.
// What the guest shares (memories, tables, globals) is the guest's to synchronize, and
// handles to non-shared objects ({Memory::grow} of a non-shared memory, {Table::set},
// {Global::set}) need the embedder's own synchronization. {Thread}'s methods are for other
// threads. No API function throws; failures are {Result} values or {Trap}s.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "wasmscope/export.h"
#include "wasmscope/features.h"
#include "wasmscope/result.h"
#include "wasmscope/types.h"

/// The C API's thread handle (include/wasmscope/capture.h); {Thread::c_handle} makes one.
struct wasmscope_thread;

namespace wasmscope {

namespace internal {
class ExecContext;
struct CompiledModule;
struct ThreadAccess;
class Store;
struct Func;
struct MemoryData;
struct TableData;
struct GlobalData;
struct TagData;
struct ExceptionObject;
struct Instance;
}  // namespace internal

class Func;

/// Which engine runs a module: the interpreter, or native code compiled through LLVM when the
/// module is compiled (docs/compiled-tier.md). Instances of either tier link to each other
/// freely in one store.
enum class Tier : uint8_t { kInterpreter, kCompiled };

/// Options of a store (and of the modules compiled for it).
struct Config {
  Features features;                         ///< Proposals enabled; all by default.
  BoundsChecks bounds = BoundsChecks::kGuardPages;
  uint32_t max_call_depth = 1u << 16;        ///< Guest frames before "call stack exhausted"
                                             ///< (the interpreter's; compiled code is bounded
                                             ///< by the thread's native stack).
  uint32_t value_stack_bytes = 8u << 20;     ///< Operand and local storage per thread.
  Tier tier = Tier::kInterpreter;
  uint32_t opt_level = 2;                    ///< The compiled tier's optimization level, 0..3.
};

/// What a store's guests may take ({Store(const Config&, const StoreLimits&)}); 0 is no limit
/// beyond the spec's. A module whose declared minimum passes a limit fails to instantiate
/// (kUnlinkable, naming the limit); memory.grow and table.grow past one return -1 (and
/// {Memory::grow} fails), as at a declared maximum. (Apart from {Config}, whose layout
/// embedders compiled against earlier versions rely on.)
struct StoreLimits {
  uint64_t max_memory_bytes = 0;    ///< Per memory, rounded down to 64 KiB pages.
  uint64_t max_table_elements = 0;  ///< Per table.
  uint32_t max_instances = 0;       ///< Instances in the store (wasi-threads' count too).
};

/// A WebAssembly value of any type. A plain value: copy it freely; not synchronized.
class WASMSCOPE_API Value {
 public:
  Value() = default;
  static Value i32(int32_t v);
  static Value i64(int64_t v);
  static Value f32(float v);
  static Value f64(double v);
  static Value v128(const uint8_t bytes[16]);
  static Value funcref(const Func& f);   ///< Null when {f} is an invalid handle.
  static Value externref(void* host);    ///< Null when {host} is null.

  ValType type() const { return type_; }
  int32_t i32() const { return static_cast<int32_t>(static_cast<uint32_t>(bits_[0])); }
  int64_t i64() const { return static_cast<int64_t>(bits_[0]); }
  float f32() const;
  double f64() const;
  void v128_bytes(uint8_t out[16]) const;  ///< The 16 bytes of a v128, lane 0 first.
  bool is_null() const { return bits_[0] == 0; }
  void* externref() const { return reinterpret_cast<void*>(bits_[0]); }
  /// "i32:42", "f64:1.5", "funcref:null", ...
  std::string to_string() const;

  /// The raw slot representation (used by the implementation).
  const uint64_t* bits() const { return bits_; }
  static Value from_bits(ValType type, const uint64_t bits[2]);

 private:
  ValType type_ = ValType::kI32;
  uint64_t bits_[2] = {0, 0};
};

/// One guest frame of a trap's stack. A plain value, like {Trap} and {CallResult}.
struct WASMSCOPE_API Frame {
  std::string module;         ///< The module's name (name section), may be empty.
  std::string function;       ///< Name section, export name, or "func[N]".
  uint32_t func_index = 0;
  uint32_t code_offset = 0;   ///< From the start of the function's body.
  uint32_t module_offset = 0; ///< From the start of the module.
  bool host = false;
  /// "module!function+0x1a".
  std::string to_string() const;
};

/// Why a call failed: the spec's message and the guest stack, innermost frame first.
struct WASMSCOPE_API Trap {
  std::string message;
  std::vector<Frame> frames;
  /// The message followed by one "    at frame" line per frame.
  std::string to_string() const;
};

/// What a call returned: its results, or the trap.
class CallResult {
 public:
  CallResult(std::vector<Value> values) : values_(std::move(values)) {}  // NOLINT
  CallResult(Trap trap) : trap_(std::move(trap)) {}                      // NOLINT
  bool ok() const { return !trap_.has_value(); }
  const std::vector<Value>& values() const { return values_; }
  const Trap& trap() const { return *trap_; }

 private:
  std::vector<Value> values_;
  std::optional<Trap> trap_;
};

/// A compiled (decoded, validated, translated) module. Immutable and thread-safe: one module may
/// be instantiated by any number of threads and stores at once.
class WASMSCOPE_API Module {
 public:
  /// Compiles a binary module. Errors are {kMalformed} or {kInvalid} with a byte offset.
  static Result<Module> compile(std::span<const uint8_t> bytes, const Config& config = {});
  /// Compiles a text-format module.
  static Result<Module> compile_text(std::string_view wat, const Config& config = {});
  /// Decodes and validates without translating.
  static Result<void> validate(std::span<const uint8_t> bytes, Features features = {});
  /// The module with its native code as a .cwasm file's bytes (docs/compiled-tier.md), for
  /// {deserialize} in a later process. Fails with {kUnsupported} unless the module was
  /// compiled with {Tier::kCompiled}.
  Result<std::vector<uint8_t>> serialize() const;
  /// A module from {serialize}'s bytes (or a `wasmscope compile` file), its native code
  /// linked without compiling. Everything is checked before any code is mapped: bytes made by
  /// another build of wasmscope or for another CPU are refused ({kUnsupported}), damaged or
  /// truncated ones too ({kMalformed}). Mapping native code is running it: deserialize only
  /// bytes you trust like an executable. It runs in a store of either tier with the bounds
  /// mode it was compiled with: when {config} is given, its tier, bounds, features and opt
  /// level are set to the module's.
  static Result<Module> deserialize(std::span<const uint8_t> bytes, Config* config = nullptr);

  struct ImportDesc {
    std::string module;
    std::string name;
    ExternKind kind;
  };
  struct ExportDesc {
    std::string name;
    ExternKind kind;
  };
  std::vector<ImportDesc> imports() const;
  std::vector<ExportDesc> exports() const;
  /// The name section's module name, if any.
  std::optional<std::string> name() const;

 private:
  friend class Store;
  std::shared_ptr<const internal::CompiledModule> impl_;
};

class Store;

/// A function handle: defined by an instance or by the host. {call} may be made from any thread,
/// several at once: each runs on the calling thread's context in the store (see {Store}).
class WASMSCOPE_API Func {
 public:
  Func() = default;
  bool valid() const { return f_ != nullptr; }
  FuncType type() const;
  /// Calls the function. Arguments must match its parameter types.
  CallResult call(std::span<const Value> args) const;
  CallResult call(std::initializer_list<Value> args) const {
    return call(std::span<const Value>(args.begin(), args.size()));
  }

 private:
  friend class Store;
  friend class Instance;
  friend class Value;
  Func(Store* store, internal::Func* f) : store_(store), f_(f) {}
  Store* store_ = nullptr;
  internal::Func* f_ = nullptr;
};

/// A linear memory handle. Its methods do not synchronize with guest threads: bytes of a shared
/// memory that guest threads write are the embedder's to order (as the guest's own atomics
/// would). A shared memory never moves, so {data} stays valid for the store's life; another
/// memory's {data} is valid until it grows, and growing it races with any call using it.
class WASMSCOPE_API Memory {
 public:
  Memory() = default;
  bool valid() const { return m_ != nullptr; }
  /// The memory's bytes; valid until the memory grows.
  uint8_t* data() const;
  uint64_t size_bytes() const;
  uint64_t size_pages() const;
  /// Grows by {delta_pages}; returns the old size in pages, or an error.
  Result<uint64_t> grow(uint64_t delta_pages) const;
  /// Copies {out.size()} bytes from {offset}; fails when out of bounds.
  Result<void> read(uint64_t offset, std::span<uint8_t> out) const;
  /// Copies {bytes} to {offset}; fails when out of bounds.
  Result<void> write(uint64_t offset, std::span<const uint8_t> bytes) const;

 private:
  friend class Store;
  friend class Instance;
  explicit Memory(internal::MemoryData* m) : m_(m) {}
  internal::MemoryData* m_ = nullptr;
};

/// A global handle. {get} and {set} are plain accesses: a global that a running guest thread
/// writes needs the embedder's own synchronization.
class WASMSCOPE_API Global {
 public:
  Global() = default;
  bool valid() const { return g_ != nullptr; }
  GlobalType type() const;
  Value get() const;
  /// Fails for immutable globals and values of another type.
  Result<void> set(const Value& value) const;

 private:
  friend class Store;
  friend class Instance;
  explicit Global(internal::GlobalData* g) : g_(g) {}
  internal::GlobalData* g_ = nullptr;
};

/// A table handle. Not synchronized: no {set} while a call on another thread uses the table.
class WASMSCOPE_API Table {
 public:
  Table() = default;
  bool valid() const { return t_ != nullptr; }
  ValType element_type() const;
  uint32_t size() const;
  Result<Value> get(uint32_t index) const;
  Result<void> set(uint32_t index, const Value& value) const;

 private:
  friend class Store;
  friend class Instance;
  explicit Table(internal::TableData* t) : t_(t) {}
  internal::TableData* t_ = nullptr;
};

class Tag;
class Exception;

/// For a host function's body: throws a new exception of {tag} with {payload} into the guest
/// that called it, where a `catch` of {tag} (or a catch_all) may catch it. Use it as the body's
/// return value: `return throw_exception(tag, payload);`. With payload values that do not
/// match the tag's types, the call traps instead, saying so.
WASMSCOPE_API std::optional<std::string> throw_exception(const Tag& tag,
                                                         std::span<const Value> payload);
/// The same for an existing exception ({Exception::last_uncaught}): throws it on.
WASMSCOPE_API std::optional<std::string> throw_exception(const Exception& exception);

/// An exception tag (exception handling): what a guest's `throw` names and its `catch`
/// matches, by identity. From {Instance::tag} (an exported tag) or {Store::create_tag}.
class WASMSCOPE_API Tag {
 public:
  Tag() = default;
  bool valid() const { return t_ != nullptr; }
  /// The payload's types as a function type's params (no results).
  FuncType type() const;
  bool operator==(const Tag& other) const { return t_ == other.t_; }

 private:
  friend class Store;
  friend class Instance;
  friend class Exception;
  friend std::optional<std::string> throw_exception(const Tag&, std::span<const Value>);
  explicit Tag(internal::TagData* t) : t_(t) {}
  internal::TagData* t_ = nullptr;
};

/// A guest exception: its tag and payload. A plain handle; the exception lives as long as the
/// process (an exnref to it may exist anywhere).
class WASMSCOPE_API Exception {
 public:
  Exception() = default;
  bool valid() const { return e_ != nullptr; }
  Tag tag() const;
  std::vector<Value> payload() const;
  /// The exception that ended the calling thread's last {Func::call} with the trap "uncaught
  /// exception" (no guest frame caught it); invalid if that call ended otherwise.
  static Exception last_uncaught();

 private:
  friend std::optional<std::string> throw_exception(const Exception&);
  explicit Exception(internal::ExceptionObject* e) : e_(e) {}
  internal::ExceptionObject* e_ = nullptr;
};

/// An import or export: one of the five kinds of external value. A plain value.
class Extern {
 public:
  Extern() = default;
  Extern(Func f) : kind_(ExternKind::kFunc), func_(f) {}        // NOLINT
  Extern(Memory m) : kind_(ExternKind::kMemory), memory_(m) {}  // NOLINT
  Extern(Table t) : kind_(ExternKind::kTable), table_(t) {}     // NOLINT
  Extern(Global g) : kind_(ExternKind::kGlobal), global_(g) {}  // NOLINT
  Extern(Tag t) : kind_(ExternKind::kTag), tag_(t) {}           // NOLINT
  ExternKind kind() const { return kind_; }
  Func func() const { return func_; }
  Memory memory() const { return memory_; }
  Table table() const { return table_; }
  Global global() const { return global_; }
  Tag tag() const { return tag_; }

 private:
  ExternKind kind_ = ExternKind::kFunc;
  Func func_;
  Memory memory_;
  Table table_;
  Global global_;
  Tag tag_;
};

/// An instantiated module. Immutable once instantiated: export lookups are thread-safe.
class WASMSCOPE_API Instance {
 public:
  Instance() = default;
  bool valid() const { return i_ != nullptr; }
  /// The export named {name}, if any.
  std::optional<Extern> get_export(std::string_view name) const;
  Func func(std::string_view name) const;      ///< Invalid handle if not a function export.
  Memory memory(std::string_view name) const;
  Global global(std::string_view name) const;
  Table table(std::string_view name) const;
  Tag tag(std::string_view name) const;        ///< Invalid handle if not a tag export.

 private:
  friend class Store;
  Instance(Store* store, internal::Instance* i) : store_(store), i_(i) {}
  Store* store_ = nullptr;
  internal::Instance* i_ = nullptr;
};

/// What a guest thread is doing (DESIGN.md "States and safepoints").
enum class ThreadState : uint8_t {
  kIdle,         ///< Not in a call.
  kRunningWasm,  ///< Running guest code.
  kInHost,       ///< Inside a host function (e.g. a blocking WASI call).
  kParked,       ///< Stopped at a safepoint by {Thread::suspend}.
  kExited,
  kWaiting,      ///< Blocked in memory.atomic.wait (threads proposal): frames frozen, as
                 ///< {kInHost}; {Thread::terminate} wakes it.
};

/// How a capture obtained the frames.
enum class CaptureMethod : uint8_t {
  kIdle,       ///< The thread was not in a call: no frames.
  kInHost,     ///< Read directly while the thread was inside a host call or an atomic wait
               ///< (its {StackCapture::state} tells which).
  kParked,     ///< Read directly while the thread was parked by a suspend.
  kSignal,     ///< The thread copied its own frames in the capture signal's handler.
  kSafepoint,  ///< The thread copied its frames at its next safepoint.
};

/// "idle", "running", "in_host", "parked", "exited", "waiting" / "idle", "in_host", "parked",
/// "signal",
/// "safepoint".
WASMSCOPE_API const char* thread_state_name(ThreadState state);
WASMSCOPE_API const char* capture_method_name(CaptureMethod method);

/// Chooses the real-time signal the runtime sends its guest threads (captures of running
/// threads, waking blocked calls on terminate); the default is SIGRTMIN + 4. Signals of this
/// number sent from within the process belong to the runtime; those from other processes go
/// on to any handler the host had installed for it. Call it before the first capture or
/// terminate; later it fails (unless {signal} is already the one in use), as it does for a
/// signal outside [SIGRTMIN, SIGRTMAX].
WASMSCOPE_API Result<void> set_capture_signal(int signal);

/// One frame of a capture: positions only. {Thread::symbolize} names it.
struct CapturedFrame {
  uint32_t instance_id = 0;  ///< Unique per instance in the process; 0 for host functions.
  uint32_t func_index = 0;   ///< In the instance's function index space.
  uint32_t code_offset = 0;  ///< Of the current instruction, from the function body's start.
  const void* function = nullptr;  ///< Opaque, for {Thread::symbolize}.
  const void* position = nullptr;  ///< Opaque, for {Thread::symbolize}.
};

/// A captured guest stack, innermost frame first.
struct StackCapture {
  std::vector<CapturedFrame> frames;
  CaptureMethod method = CaptureMethod::kIdle;
  ThreadState state = ThreadState::kIdle;  ///< The thread's state when captured.
  uint32_t depth = 0;                      ///< Guest frames the thread had.
  bool truncated = false;                  ///< {frames} holds fewer than {depth}.
};

/// A guest thread: the context calls into one store run on. A handle, valid while its store
/// lives. Unlike the store, its methods are meant for other threads: they are thread-safe and
/// never block longer than their timeout.
class WASMSCOPE_API Thread {
 public:
  Thread() = default;
  bool valid() const { return ctx_ != nullptr; }
  /// Process-unique id, never reused.
  uint32_t id() const;
  ThreadState state() const;

  /// The thread's guest stack now, whatever it is doing, without stopping it: read directly
  /// when it is in a host call or parked; else it copies its own frame records when signalled
  /// (or, with {use_signal} false, at its next safepoint). At most {max_frames} frames,
  /// innermost first. Fails with kTimeout if the thread did not answer in time.
  Result<StackCapture> capture(uint32_t max_frames = 4096,
                               std::chrono::nanoseconds timeout = std::chrono::seconds(1),
                               bool use_signal = true) const;
  /// Names the frames of {capture}: "module!function+0xoffset" (name section, export name,
  /// func[N]). Not for signal handlers; the store must still live.
  std::vector<Frame> symbolize(const StackCapture& capture) const;

  /// Returns once the thread is parked at a safepoint or inside a host call (a thread coming
  /// back from a host call while suspended parks before touching guest state), or fails with
  /// kTimeout (then nothing changed). An idle thread parks when it next enters the guest.
  Result<void> suspend(std::chrono::nanoseconds timeout = std::chrono::seconds(1)) const;
  /// Lets a suspended thread continue.
  void resume() const;
  /// Makes the thread trap with "interrupted" at its next safepoint; a blocking host call
  /// (WASI sleep, read) returns at once to raise it. Other threads and the store go on.
  void terminate() const;

  /// The handle for the C API.
  ::wasmscope_thread* c_handle() const;

 private:
  friend class Store;
  friend struct internal::ThreadAccess;
  explicit Thread(internal::ExecContext* ctx) : ctx_(ctx) {}
  internal::ExecContext* ctx_ = nullptr;
};

/// Starts {body} on a new native thread and returns true, or returns false if it cannot.
/// Used for guest threads (wasi-threads); {body} runs the guest thread to its end.
using ThreadStarter = std::function<bool(std::function<void()> body)>;

/// A host function's body: reads {args}, writes {results} (already sized and typed), and
/// returns nothing, or a message to trap with.
using HostFunction =
    std::function<std::optional<std::string>(std::span<const Value> args, std::span<Value> results)>;

/// Owns run-time objects and the thread contexts calls run on. The destructor stops the
/// store's guest threads (a terminate request each) and waits for them to end; no call may
/// be running on it from another thread.
class WASMSCOPE_API Store {
 public:
  explicit Store(const Config& config = {});
  Store(const Config& config, const StoreLimits& limits);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  /// A host function of {type}; {name} ("env.log") appears in stack traces.
  Func define_func(const FuncType& type, HostFunction body, std::string name = "host");
  Result<Memory> create_memory(const MemoryType& type);
  Table create_table(const TableType& type);
  Global create_global(const GlobalType& type, const Value& value);
  /// A new tag whose exceptions carry {type}'s params; fails unless {type} has no results.
  Result<Tag> create_tag(const FuncType& type);
  /// The function that {funcref}, a function reference of this store (from a call's results, a
  /// global or a table), refers to: callable like any export. An invalid handle for null or a
  /// value of another kind.
  Func func_of(const Value& funcref);

  /// Instantiates {module} with {imports}, one per module import, in order. Link failures are
  /// {kUnlinkable}; a trap during initialization is {kTrap} (then {last_trap()} has its stack).
  Result<Instance> instantiate(const Module& module, const std::vector<Extern>& imports = {});

  /// Resolves imports by name from {named}, a list of (module, name, value), then instantiates.
  Result<Instance> instantiate(
      const Module& module,
      const std::vector<std::tuple<std::string, std::string, Extern>>& named);

  /// The trap that made the last {instantiate} fail with {kTrap}. Read it on the thread that
  /// instantiated, before another thread's instantiation can fail.
  const Trap& last_trap() const { return last_trap_; }

  /// The store's main thread context: what calls run on when no other thread is inside the
  /// store (a single-threaded embedder's calls always do).
  Thread thread();
  /// Every live thread of the store, main first: the main context, each running guest thread
  /// started by wasi-threads, and each context made for a host thread that called in while
  /// another was inside. Thread-safe; the handles stay valid while the store lives (a thread
  /// that ended reports {ThreadState::kExited}).
  std::vector<Thread> threads();
  /// "main", "thread N" (a wasi-threads thread, N its thread id) or "host N"; empty for a
  /// thread that has ended or is not this store's. Thread-safe.
  std::string thread_name(const Thread& thread) const;
  /// Replaces how guest threads get native threads (default: a detached pthread with an
  /// 8 MiB stack), for embedders that manage their own threads. Call it before any guest
  /// thread starts; {starter} may be called from any thread running guest code.
  void set_thread_starter(ThreadStarter starter);
  /// Stops the whole program for a consistent snapshot: returns once every live thread of the
  /// store is suspended (parked at a safepoint, or held in a host call, a memory.atomic.wait or
  /// idle: see {Thread::suspend}), all within {timeout}. Until {resume_all}, a thread that
  /// starts meanwhile (a wasi-threads spawn, a host thread calling in) is suspended from its
  /// start and runs no guest code. If a thread does not stop in time, every thread this call
  /// suspended is resumed and it fails with {ErrorKind::kTimeout} naming the thread (threads
  /// suspended on their own before stay suspended). While suspended, each thread can be
  /// captured ({Thread::capture}) and the memories read without racing the guest (a host call
  /// a thread is held in may still write them).
  /// Thread safety: call it from any thread; {suspend_all} and {resume_all} are serialized
  /// with each other. Called from a host function, its own thread is held too and parks when
  /// the host function returns, until another thread calls {resume_all}. Not counted: a second {suspend_all} while suspended succeeds
  /// at once, and one {resume_all} undoes both.
  Result<void> suspend_all(std::chrono::nanoseconds timeout = std::chrono::seconds(1));
  /// Lets every live thread continue, including one suspended on its own ({Thread::suspend}),
  /// and lets threads that start from now on run. Thread-safe.
  void resume_all();

 private:
  friend class Func;
  friend class Table;
  internal::Store& impl() { return *impl_; }
  std::unique_ptr<internal::Store> impl_;
  Config config_;
  Trap last_trap_;
  struct HostFuncs;
  std::unique_ptr<HostFuncs> host_funcs_;
};

}  // namespace wasmscope
