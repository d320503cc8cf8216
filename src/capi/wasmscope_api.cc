// include/wasmscope.h beyond capture (capture.cc): store configuration, WASI, thread handles,
// program-wide suspension, thread dumps, the watchdog and coredumps, over the internals the
// CLI uses for the same things (src/wasi, src/threads, src/diag). Every entry point is
// noexcept and reports failure as a value with its reason in wasmscope_last_error().
#include "wasmscope.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <vector>

#include "capi/wasm_impl.h"
#include "compiler/compiler.h"
#include "diag/coredump.h"
#include "diag/profile.h"
#include "diag/profiler.h"
#include "diag/thread_dump.h"
#include "diag/watchdog.h"
#include "engine/context.h"
#include "threads/registry.h"
#include "wasi/wasi.h"

namespace wasmscope::internal::capi {

namespace {
thread_local std::string t_last_error;
}  // namespace

void set_last_error(std::string message) { t_last_error = std::move(message); }
const char* last_error() { return t_last_error.c_str(); }

}  // namespace wasmscope::internal::capi

using namespace wasmscope::internal::capi;  // NOLINT(google-build-using-namespace)
namespace internal = wasmscope::internal;
namespace wasi = wasmscope::internal::wasi;
namespace diag = wasmscope::internal::diag;

struct wasmscope_wasi_config {
  wasi::WasiOptions options;
};

struct wasmscope_profiler {
  wasm_store_t* store = nullptr;  ///< Retained until the profiler is deleted.
  diag::ProfilerOptions options;
  std::unique_ptr<diag::Profiler> running;
  std::unique_ptr<diag::Profile> last;
};

struct wasmscope_watchdog {
  wasm_store_t* store = nullptr;  ///< Retained until the watchdog is deleted.
  std::unique_ptr<diag::Watchdog> watchdog;
};

namespace {

/// Fails with {message}: records it for wasmscope_last_error() and returns {result}.
template <class T>
T fail(T result, std::string message) {
  set_last_error(std::move(message));
  return result;
}

internal::ExecContext* context_of(wasmscope_thread_t* thread) {
  return reinterpret_cast<internal::ExecContext*>(thread);
}
wasmscope_thread_t* handle_of(internal::ExecContext* ctx) {
  return reinterpret_cast<wasmscope_thread_t*>(ctx);
}

/// The integer a C caller passed for an enum: C allows any int there, while C++ may assume
/// only the enumerators' range, so the value is read as bytes, never loaded as the enum.
template <class E>
int raw_enum(const E& value) {
  static_assert(sizeof(E) == sizeof(int));
  int raw;
  std::memcpy(&raw, &value, sizeof raw);
  return raw;
}

uint64_t ms_to_ns(uint32_t ms) { return uint64_t{ms} * 1'000'000; }

/// Copies {text} into {buffer} (NUL-terminated, truncated to {size}); returns its full length.
size_t copy_out(const std::string& text, char* buffer, size_t size) {
  if (buffer != nullptr && size > 0) {
    const size_t n = std::min(text.size(), size - 1);
    std::memcpy(buffer, text.data(), n);
    buffer[n] = '\0';
  }
  return text.size();
}

/// Writes {bytes} to {path}; false (with the reason recorded) if it cannot.
bool write_file(const char* path, const std::vector<uint8_t>& bytes) {
  FILE* file = std::fopen(path, "wb");
  if (file == nullptr) {
    return fail(false, std::string("cannot open '") + path + "': " + std::strerror(errno));
  }
  const bool written = std::fwrite(bytes.data(), 1, bytes.size(), file) == bytes.size();
  const int saved = errno;
  if (std::fclose(file) != 0 || !written) {
    return fail(false, std::string("cannot write '") + path + "': " +
                           std::strerror(written ? errno : saved));
  }
  return true;
}


static_assert(static_cast<int>(internal::ThreadState::kIdle) == WASMSCOPE_THREAD_IDLE);
static_assert(static_cast<int>(internal::ThreadState::kRunningWasm) == WASMSCOPE_THREAD_RUNNING_WASM);
static_assert(static_cast<int>(internal::ThreadState::kInHost) == WASMSCOPE_THREAD_IN_HOST);
static_assert(static_cast<int>(internal::ThreadState::kParked) == WASMSCOPE_THREAD_PARKED);
static_assert(static_cast<int>(internal::ThreadState::kExited) == WASMSCOPE_THREAD_EXITED);
static_assert(static_cast<int>(internal::ThreadState::kWaiting) == WASMSCOPE_THREAD_WAITING);
// The public C++ enums, whose names the C functions reuse, are in the same order.
static_assert(static_cast<int>(wasmscope::ThreadState::kWaiting) == WASMSCOPE_THREAD_WAITING);
static_assert(static_cast<int>(wasmscope::ThreadState::kParked) == WASMSCOPE_THREAD_PARKED);
static_assert(static_cast<int>(wasmscope::CaptureMethod::kSignal) == WASMSCOPE_CAPTURE_SIGNAL);
static_assert(static_cast<int>(wasmscope::CaptureMethod::kSafepoint) ==
              WASMSCOPE_CAPTURE_SAFEPOINT);

/// The smallest value stack a thread may have: room for a few frames of any function.
constexpr uint32_t kMinValueStackBytes = 64u << 10;

/// How long the other threads of an ended WASI program get to stop (as `wasmscope run`).
constexpr uint64_t kThreadStopGraceNs = 2'000'000'000;

}  // namespace

extern "C" const char* wasmscope_last_error(void) noexcept {
  return last_error();
}

// --- Store configuration ---------------------------------------------------------------------

extern "C" bool wasmscope_config_set_bounds(wasm_config_t* config,
                                            wasmscope_bounds_t bounds) noexcept {
  if (config == nullptr) return fail(false, "null config");
  switch (raw_enum(bounds)) {
    case WASMSCOPE_BOUNDS_GUARD_PAGES:
      config->config.bounds = wasmscope::BoundsChecks::kGuardPages;
      return true;
    case WASMSCOPE_BOUNDS_EXPLICIT:
      config->config.bounds = wasmscope::BoundsChecks::kExplicit;
      return true;
    default:
      return fail(false, "unknown bounds mode " + std::to_string(raw_enum(bounds)));
  }
}

extern "C" bool wasmscope_config_set_features(wasm_config_t* config, uint32_t features) noexcept {
  if (config == nullptr) return fail(false, "null config");
  if ((features & ~WASMSCOPE_FEATURES_ALL) != 0) {
    return fail(false, "unknown feature bits " + std::to_string(features & ~WASMSCOPE_FEATURES_ALL));
  }
  config->config.features = wasmscope::Features(features);
  return true;
}

extern "C" bool wasmscope_config_set_max_call_depth(wasm_config_t* config,
                                                    uint32_t frames) noexcept {
  if (config == nullptr) return fail(false, "null config");
  if (frames == 0) return fail(false, "the call depth must be at least 1");
  config->config.max_call_depth = frames;
  return true;
}

extern "C" bool wasmscope_config_set_value_stack_bytes(wasm_config_t* config,
                                                       uint32_t bytes) noexcept {
  if (config == nullptr) return fail(false, "null config");
  if (bytes < kMinValueStackBytes) return fail(false, "the value stack must be at least 64 KiB");
  config->config.value_stack_bytes = bytes;
  return true;
}

extern "C" bool wasmscope_config_set_max_memory_bytes(wasm_config_t* config,
                                                      uint64_t bytes) noexcept {
  if (config == nullptr) return fail(false, "null config");
  config->limits.max_memory_bytes = bytes;
  return true;
}

extern "C" bool wasmscope_config_set_max_table_elements(wasm_config_t* config,
                                                        uint64_t elements) noexcept {
  if (config == nullptr) return fail(false, "null config");
  config->limits.max_table_elements = elements;
  return true;
}

extern "C" bool wasmscope_config_set_max_instances(wasm_config_t* config,
                                                   uint32_t instances) noexcept {
  if (config == nullptr) return fail(false, "null config");
  config->limits.max_instances = instances;
  return true;
}

extern "C" bool wasmscope_config_set_tier(wasm_config_t* config, wasmscope_tier_t tier) noexcept {
  if (config == nullptr) return fail(false, "null config");
  switch (raw_enum(tier)) {
    case WASMSCOPE_TIER_INTERPRETER:
      config->config.tier = wasmscope::Tier::kInterpreter;
      return true;
    case WASMSCOPE_TIER_COMPILED:
      if (!wasmscope::internal::compiler_available()) {
        return fail(false, "this build of wasmscope has no compiled tier");
      }
      config->config.tier = wasmscope::Tier::kCompiled;
      return true;
    default:
      return fail(false, "unknown tier " + std::to_string(raw_enum(tier)));
  }
}

extern "C" bool wasmscope_config_set_opt_level(wasm_config_t* config, uint32_t level) noexcept {
  if (config == nullptr) return fail(false, "null config");
  if (level > 3) return fail(false, "the optimization level must be 0 to 3");
  config->config.opt_level = level;
  return true;
}

extern "C" int wasmscope_set_capture_signal(int signo) noexcept {
  const wasmscope::Result<void> result = wasmscope::set_capture_signal(signo);
  return result.ok() ? 0 : fail(-1, result.error().message);
}

// --- WASI ------------------------------------------------------------------------------------

extern "C" wasmscope_wasi_config_t* wasmscope_wasi_config_new(void) noexcept {
  return new (std::nothrow) wasmscope_wasi_config;
}

extern "C" void wasmscope_wasi_config_delete(wasmscope_wasi_config_t* config) noexcept {
  delete config;
}

extern "C" bool wasmscope_wasi_config_set_args(wasmscope_wasi_config_t* config, size_t argc,
                                               const char* const argv[]) noexcept {
  if (config == nullptr) return fail(false, "null WASI config");
  if (argc > 0 && argv == nullptr) return fail(false, "null argv");
  std::vector<std::string> args;
  for (size_t i = 0; i < argc; ++i) {
    if (argv[i] == nullptr) return fail(false, "argv[" + std::to_string(i) + "] is null");
    args.emplace_back(argv[i]);
  }
  config->options.args = std::move(args);
  return true;
}

extern "C" bool wasmscope_wasi_config_add_env(wasmscope_wasi_config_t* config, const char* name,
                                              const char* value) noexcept {
  if (config == nullptr) return fail(false, "null WASI config");
  if (name == nullptr || *name == '\0' || std::strchr(name, '=') != nullptr) {
    return fail(false, "an environment variable needs a name without '='");
  }
  config->options.env.push_back(std::string(name) + "=" + (value != nullptr ? value : ""));
  return true;
}

extern "C" bool wasmscope_wasi_config_preopen_dir(wasmscope_wasi_config_t* config,
                                                  const char* host_path,
                                                  const char* guest_path) noexcept {
  if (config == nullptr) return fail(false, "null WASI config");
  if (host_path == nullptr || *host_path == '\0' || guest_path == nullptr || *guest_path == '\0') {
    return fail(false, "a preopened directory needs a host path and a guest path");
  }
  config->options.preopens.push_back({host_path, guest_path});
  return true;
}

extern "C" bool wasmscope_wasi_config_preopen(wasmscope_wasi_config_t* config,
                                              const char* spec) noexcept {
  if (config == nullptr) return fail(false, "null WASI config");
  std::optional<wasi::Preopen> preopen =
      spec != nullptr ? wasi::parse_preopen(spec) : std::nullopt;
  if (!preopen) {
    return fail(false, std::string("a preopen needs HOST or HOST::GUEST, got '") +
                           (spec != nullptr ? spec : "(null)") + "'");
  }
  config->options.preopens.push_back(std::move(*preopen));
  return true;
}

extern "C" bool wasmscope_wasi_config_set_stdio(wasmscope_wasi_config_t* config, int stdin_fd,
                                                int stdout_fd, int stderr_fd) noexcept {
  if (config == nullptr) return fail(false, "null WASI config");
  if (stdin_fd >= 0) config->options.stdin_fd = stdin_fd;
  if (stdout_fd >= 0) config->options.stdout_fd = stdout_fd;
  if (stderr_fd >= 0) config->options.stderr_fd = stderr_fd;
  return true;
}

extern "C" bool wasmscope_wasi_config_inherit_stdio(wasmscope_wasi_config_t* config) noexcept {
  return wasmscope_wasi_config_set_stdio(config, 0, 1, 2);
}

extern "C" bool wasmscope_wasi_config_set_max_threads(wasmscope_wasi_config_t* config,
                                                      uint32_t max_threads) noexcept {
  if (config == nullptr) return fail(false, "null WASI config");
  config->options.max_threads = max_threads;
  return true;
}

extern "C" wasmscope_wasi_t* wasmscope_wasi_new(wasm_store_t* store,
                                                const wasmscope_wasi_config_t* config) noexcept {
  if (store == nullptr || config == nullptr) return fail(nullptr, "null store or WASI config");
  auto context = wasi::WasiContext::create(config->options);
  if (!context.ok()) return fail(nullptr, context.error().message);
  auto program = std::unique_ptr<wasmscope_wasi>(new (std::nothrow) wasmscope_wasi);
  if (!program) return fail(nullptr, "out of memory");
  program->context = std::move(*context);
  program->store = store;
  wasmscope_wasi* result = program.get();
  std::lock_guard<std::mutex> lock(store->mutex);
  store->wasi.push_back(std::move(program));
  return result;
}

extern "C" wasm_instance_t* wasmscope_wasi_instantiate(wasmscope_wasi_t* wasi,
                                                       const wasm_module_t* module,
                                                       const wasm_extern_vec_t* imports,
                                                       wasm_trap_t** trap) noexcept {
  if (trap != nullptr) *trap = nullptr;
  const auto failed = [&](std::string message) -> wasm_instance_t* {
    set_last_error(message);
    if (trap != nullptr) *trap = make_trap(std::move(message));
    return nullptr;
  };
  if (wasi == nullptr || module == nullptr) return failed("null WASI program or module");
  wasm_store_t* store = wasi->store;
  const auto& compiled = static_cast<const ModuleData*>(module->object)->compiled;
  const std::vector<internal::Import>& module_imports = compiled->module.imports;
  const size_t given = imports == nullptr || imports->data == nullptr ? 0 : imports->size;
  if (given > module_imports.size()) {
    return failed("wasmscope_wasi_instantiate: " + std::to_string(given) +
                  " imports given, the module has " + std::to_string(module_imports.size()));
  }
  // The host's own imports by name: they take precedence over what WASI provides.
  std::vector<std::tuple<std::string, std::string, internal::Extern>> named;
  for (size_t i = 0; i < given; ++i) {
    const wasm_extern_t* e = imports->data[i];
    if (e == nullptr) continue;
    if (e->store != store) {
      return failed("wasmscope_wasi_instantiate: import " + std::to_string(i) +
                    " belongs to another store");
    }
    const internal::Import& import = module_imports[i];
    named.emplace_back(import.module, import.name,
                       internal::Extern{extern_kind_of(e->kind), e->object});
  }
  auto resolved = wasi->context->resolve_imports(*store->store, compiled->module, named);
  if (!resolved.ok()) return failed(resolved.error().to_string());
  wasm_extern_vec_t all;
  wasm_extern_vec_new_uninitialized(&all, resolved->size());
  for (size_t i = 0; i < resolved->size(); ++i) {
    const internal::Extern& e = (*resolved)[i];
    all.data[i] = static_cast<wasm_extern_t*>(make_handle(kind_of_extern(e.kind), store, e.object));
  }
  wasm_instance_t* instance = wasm_instance_new(store, module, &all, trap);
  wasm_extern_vec_delete(&all);
  if (instance == nullptr) set_last_error("wasmscope_wasi_instantiate: instantiation failed");
  return instance;
}

extern "C" int wasmscope_wasi_run(wasmscope_wasi_t* wasi, const wasm_instance_t* instance,
                                  wasm_trap_t** trap) noexcept {
  if (trap != nullptr) *trap = nullptr;
  const auto failed = [&](std::string message) {
    set_last_error(message);
    if (trap != nullptr) *trap = make_trap(std::move(message));
    return -1;
  };
  if (wasi == nullptr || instance == nullptr) return failed("null WASI program or instance");
  wasm_store_t* store = wasi->store;
  if (instance->store != store) return failed("the instance belongs to another store");
  const auto* i = static_cast<const internal::Instance*>(instance->object);
  const internal::Func* start = i->find_export("_start").as_func();
  if (start == nullptr) return failed("the instance exports no function '_start'");
  if (!start->type->params.empty() || !start->type->results.empty()) {
    return failed("'_start' must take and return nothing");
  }
  std::vector<internal::Slot> slots(start->arg_slots + 2, 0);
  internal::InvokeOutcome outcome = store->store->call(start, slots.data());
  // How the program ended: the first end recorded stands (a proc_exit or a trap on another
  // thread before _start came back), else _start's own.
  wasi::ProgramEnd end;
  end.trapped = outcome.trap != internal::Trap::kNone;
  end.message = outcome.message;
  end.frames = outcome.frames;
  end.thread_name = "main";
  const bool main_ended = !wasi->context->program_end().has_value();
  end = wasi->context->end_program(std::move(end), &store->store->context());
  (void)store->store->threads().wait_spawned_ended(kThreadStopGraceNs);
  if (!end.trapped) {
    release(take_host_trap());
    return static_cast<int>(end.status);
  }
  set_last_error(end.message);
  wasm_trap_t* t;
  if (main_ended) {
    t = trap_of(store, outcome.trap, outcome.message, outcome.frames,  // a callback's own trap
                outcome.exception);
  } else {
    release(take_host_trap());
    TrapData* data = new (std::nothrow) TrapData;
    if (data != nullptr) {
      data->message = end.thread_name + ": " + end.message;
      attach_frames(data, store, end.frames);
    }
    t = data != nullptr ? adopt_trap(data) : nullptr;
  }
  if (trap != nullptr) {
    *trap = t;
  } else {
    wasm_trap_delete(t);
  }
  return -1;
}

extern "C" bool wasmscope_wasi_exit_status(const wasmscope_wasi_t* wasi,
                                           uint32_t* status) noexcept {
  if (wasi == nullptr) return false;
  const std::optional<uint32_t> exit = wasi->context->exit_status();
  if (!exit) return false;
  if (status != nullptr) *status = *exit;
  return true;
}

// --- Instances -------------------------------------------------------------------------------

extern "C" wasm_extern_t* wasmscope_instance_export(const wasm_instance_t* instance,
                                                    const char* name) noexcept {
  if (instance == nullptr || name == nullptr) return fail(nullptr, "null instance or name");
  const auto* i = static_cast<const internal::Instance*>(instance->object);
  const internal::Extern e = i->find_export(name);
  if (e.object == nullptr) return fail(nullptr, std::string("no export named '") + name + "'");
  return static_cast<wasm_extern_t*>(make_handle(kind_of_extern(e.kind), instance->store, e.object));
}

// --- Threads ---------------------------------------------------------------------------------

extern "C" wasmscope_thread_t* wasmscope_store_main_thread(wasm_store_t* store) noexcept {
  return store == nullptr ? nullptr : handle_of(&store->store->context());
}

extern "C" wasmscope_thread_t* wasmscope_current_thread(void) noexcept {
  return handle_of(internal::current_context());
}

extern "C" size_t wasmscope_store_threads(wasm_store_t* store, wasmscope_thread_t** threads,
                                          size_t max) noexcept {
  if (store == nullptr) return 0;
  const std::vector<internal::ThreadInfo> live = store->store->threads().live();
  for (size_t i = 0; i < live.size() && i < max && threads != nullptr; ++i) {
    threads[i] = handle_of(live[i].context);
  }
  return live.size();
}

extern "C" size_t wasmscope_thread_name(wasm_store_t* store, wasmscope_thread_t* thread,
                                        char* buffer, size_t size) noexcept {
  std::string name;
  if (store != nullptr && thread != nullptr &&
      store->store->threads().contains(context_of(thread))) {
    name = store->store->threads().find(context_of(thread)).name;
  }
  return copy_out(name, buffer, size);
}

extern "C" uint32_t wasmscope_thread_id(wasmscope_thread_t* thread) noexcept {
  return thread == nullptr ? 0 : context_of(thread)->id();
}

extern "C" wasmscope_thread_state_t wasmscope_thread_state(wasmscope_thread_t* thread) noexcept {
  if (thread == nullptr) return WASMSCOPE_THREAD_IDLE;
  return static_cast<wasmscope_thread_state_t>(context_of(thread)->state());
}

extern "C" const char* wasmscope_thread_state_name(wasmscope_thread_state_t state) noexcept {
  const int raw = raw_enum(state);
  if (raw < WASMSCOPE_THREAD_IDLE || raw > WASMSCOPE_THREAD_WAITING) return "unknown";
  return wasmscope::thread_state_name(static_cast<wasmscope::ThreadState>(raw));
}

extern "C" const char* wasmscope_capture_method_name(wasmscope_capture_method_t method) noexcept {
  const int raw = raw_enum(method);
  if (raw < WASMSCOPE_CAPTURE_IDLE || raw > WASMSCOPE_CAPTURE_SAFEPOINT) return "unknown";
  return wasmscope::capture_method_name(static_cast<wasmscope::CaptureMethod>(raw));
}

extern "C" int wasmscope_store_suspend_all(wasm_store_t* store, uint32_t timeout_ms) noexcept {
  if (store == nullptr) return fail(-1, "null store");
  const wasmscope::Result<void> result = store->store->threads().suspend_all(ms_to_ns(timeout_ms));
  return result.ok() ? 0 : fail(-1, result.error().message);
}

extern "C" void wasmscope_store_resume_all(wasm_store_t* store) noexcept {
  if (store != nullptr) store->store->threads().resume_all();
}

// --- Thread dumps ----------------------------------------------------------------------------

extern "C" size_t wasmscope_store_thread_dump(wasm_store_t* store, int json, uint32_t timeout_ms,
                                              char* buffer, size_t size) noexcept {
  if (store == nullptr) return copy_out("", buffer, size);
  std::vector<diag::ThreadReport> reports;
  for (const diag::WatchedThread& t : diag::store_thread_lister(*store->store)()) {
    reports.push_back(diag::report_thread(t.ctx, t.name, "", ms_to_ns(timeout_ms)));
  }
  const std::string title = "wasmscope thread dump";
  return copy_out(json != 0 ? diag::format_json("thread_dump", title, reports)
                            : diag::format_text(title, reports),
                  buffer, size);
}

// --- The watchdog ----------------------------------------------------------------------------

extern "C" wasmscope_watchdog_t* wasmscope_watchdog_new(
    wasm_store_t* store, const wasmscope_watchdog_options_t* options) noexcept {
  if (store == nullptr || options == nullptr) return fail(nullptr, "null store or options");
  diag::WatchdogOptions w;
  switch (raw_enum(options->policy)) {
    case WASMSCOPE_HANG_REPORT: w.policy = diag::HangPolicy::kReport; break;
    case WASMSCOPE_HANG_INTERRUPT: w.policy = diag::HangPolicy::kInterrupt; break;
    case WASMSCOPE_HANG_ABORT: w.policy = diag::HangPolicy::kAbort; break;
    default:
      return fail(nullptr, "unknown hang policy " + std::to_string(raw_enum(options->policy)));
  }
  if (options->deadline_ms == 0 && options->deadlock_grace_ms == 0) {
    return fail(nullptr, "a watchdog needs a deadline or a deadlock grace period");
  }
  w.deadline_ns = ms_to_ns(options->deadline_ms);
  w.deadlock_grace_ns = ms_to_ns(options->deadlock_grace_ms);
  w.json = options->json != 0;
  if (options->on_report != nullptr) {
    w.sink = [callback = options->on_report, env = options->env](const std::string& report) {
      callback(env, report.c_str(), report.size());
    };
  }
  auto watchdog = std::unique_ptr<wasmscope_watchdog>(new (std::nothrow) wasmscope_watchdog);
  if (!watchdog) return fail(nullptr, "out of memory");
  retain(store);
  watchdog->store = store;
  internal::Store* s = store->store.get();
  watchdog->watchdog = std::make_unique<diag::Watchdog>(diag::store_thread_lister(*s),
                                                        std::move(w));
  return watchdog.release();
}

extern "C" void wasmscope_watchdog_delete(wasmscope_watchdog_t* watchdog) noexcept {
  if (watchdog == nullptr) return;
  watchdog->watchdog.reset();  // joins its thread before the store may go
  release(watchdog->store);
  delete watchdog;
}

extern "C" uint32_t wasmscope_watchdog_reports(const wasmscope_watchdog_t* watchdog) noexcept {
  return watchdog == nullptr ? 0 : watchdog->watchdog->reports();
}

extern "C" uint32_t wasmscope_watchdog_deadlock_reports(
    const wasmscope_watchdog_t* watchdog) noexcept {
  return watchdog == nullptr ? 0 : watchdog->watchdog->deadlock_reports();
}

// --- The sampling profiler -------------------------------------------------------------------

extern "C" wasmscope_profiler_t* wasmscope_profiler_new(wasm_store_t* store, uint32_t hz,
                                                        wasmscope_profile_clock_t clock) noexcept {
  if (store == nullptr) return fail(nullptr, "null store");
  if (hz == 0 || hz > diag::kMaxProfileHz) {
    return fail(nullptr, "the rate must be between 1 and " + std::to_string(diag::kMaxProfileHz) +
                             " Hz, not " + std::to_string(hz));
  }
  const int raw = raw_enum(clock);
  if (raw != WASMSCOPE_PROFILE_CPU && raw != WASMSCOPE_PROFILE_WALL) {
    return fail(nullptr, "unknown profile clock " + std::to_string(raw));
  }
  auto profiler = std::unique_ptr<wasmscope_profiler>(new (std::nothrow) wasmscope_profiler);
  if (!profiler) return fail(nullptr, "out of memory");
  profiler->options.hz = hz;
  profiler->options.clock =
      raw == WASMSCOPE_PROFILE_WALL ? diag::ProfileClock::kWall : diag::ProfileClock::kCpu;
  retain(store);
  profiler->store = store;
  return profiler.release();
}

extern "C" int wasmscope_profiler_stop(wasmscope_profiler_t* profiler) noexcept {
  if (profiler == nullptr) return fail(-1, "null profiler");
  if (!profiler->running) return fail(-1, "the profiler is not running");
  profiler->last = std::make_unique<diag::Profile>(profiler->running->stop());
  profiler->running.reset();
  return 0;
}

extern "C" void wasmscope_profiler_delete(wasmscope_profiler_t* profiler) noexcept {
  if (profiler == nullptr) return;
  if (profiler->running) (void)wasmscope_profiler_stop(profiler);
  release(profiler->store);
  delete profiler;
}

extern "C" int wasmscope_profiler_start(wasmscope_profiler_t* profiler) noexcept {
  if (profiler == nullptr) return fail(-1, "null profiler");
  if (profiler->running) (void)wasmscope_profiler_stop(profiler);
  internal::Store* s = profiler->store->store.get();
  profiler->running =
      std::make_unique<diag::Profiler>(diag::store_thread_lister(*s), profiler->options);
  const wasmscope::Result<void> started = profiler->running->start();
  if (!started.ok()) {
    profiler->running.reset();
    return fail(-1, started.error().message);
  }
  return 0;
}

extern "C" int wasmscope_profiler_write(const wasmscope_profiler_t* profiler,
                                        const char* path) noexcept {
  if (profiler == nullptr || path == nullptr) return fail(-1, "null profiler or path");
  if (!profiler->last) return fail(-1, "no profile yet: start and stop the profiler first");
  const wasmscope::Result<void> written = diag::write_profile(*profiler->last, path);
  return written.ok() ? 0 : fail(-1, written.error().message);
}

extern "C" uint64_t wasmscope_profiler_samples(const wasmscope_profiler_t* profiler) noexcept {
  return profiler == nullptr || !profiler->last ? 0 : profiler->last->total_samples();
}

extern "C" uint64_t wasmscope_profiler_lost(const wasmscope_profiler_t* profiler) noexcept {
  return profiler == nullptr || !profiler->last ? 0 : profiler->last->total_lost();
}

// --- Coredumps -------------------------------------------------------------------------------

extern "C" int wasmscope_store_coredump(wasm_store_t* store, const wasm_instance_t* instance,
                                        const char* path, uint32_t timeout_ms) noexcept {
  if (store == nullptr || path == nullptr) return fail(-1, "null store or path");
  if (instance != nullptr && instance->store != store) {
    return fail(-1, "the instance belongs to another store");
  }
  internal::CoredumpInput input;
  input.executable = "wasmscope-embedded";
  if (instance != nullptr) {
    const auto* i = static_cast<const internal::Instance*>(instance->object);
    input.instances.push_back({&i->data, i->module->module.names.module.value_or("")});
  }
  input.record_locals = true;  // the frames are read while the threads are suspended
  std::vector<internal::LiveThread> threads;
  for (const diag::WatchedThread& t : diag::store_thread_lister(*store->store)()) {
    threads.push_back({t.ctx, t.name});
  }
  const auto bytes =
      internal::write_live_program_coredump(threads, std::move(input), ms_to_ns(timeout_ms));
  if (!bytes.ok()) return fail(-1, bytes.error().message);
  return write_file(path, *bytes) ? 0 : -1;
}

// --- Exceptions across the host boundary -----------------------------------------------------

extern "C" wasm_trap_t* wasmscope_trap_new_exception(wasm_store_t* store,
                                                     const wasm_extern_t* tag,
                                                     const wasm_val_vec_t* payload) noexcept {
  const wasm_ref_t* ref = tag;
  if (store == nullptr || ref == nullptr || ref->kind != RefKind::kTag) {
    return make_trap("wasmscope_trap_new_exception: not a tag");
  }
  const auto* t = static_cast<const internal::TagData*>(ref->object);
  const std::vector<wasmscope::ValType>& types = t->type->params;
  const size_t count = payload == nullptr || payload->data == nullptr ? 0 : payload->size;
  if (count != types.size()) {
    return make_trap("wasmscope_trap_new_exception: the tag's payload has " +
                     std::to_string(types.size()) + " values, got " + std::to_string(count));
  }
  std::vector<internal::Slot> slots;
  for (size_t i = 0; i < count; ++i) {
    internal::Slot two[2] = {0, 0};
    static const std::vector<uint32_t> kUnresolved;  // a tag's types: only null checks
    if (ConvertError error = to_slots(store, types[i], payload->data[i], two, &kUnresolved)) {
      return make_trap("wasmscope_trap_new_exception: payload value " + std::to_string(i) +
                       ": " + *error);
    }
    slots.push_back(two[0]);
    if (types[i] == wasmscope::ValType::kV128) slots.push_back(two[1]);
  }
  wasm_trap_t* trap = make_trap("uncaught exception");
  if (trap == nullptr) return nullptr;
  internal::ExceptionObject* e = internal::new_exception(t, slots.data());
  internal::keep_exception(e);  // a trap handle may outlive any guest frame
  auto* data = static_cast<TrapData*>(static_cast<wasm_ref_t*>(trap)->object);
  data->exception = e;
  data->store = store;
  retain(store);
  return trap;
}

extern "C" bool wasmscope_trap_exception(const wasm_trap_t* trap, wasm_extern_t** tag_out,
                                         wasm_val_vec_t* payload_out) noexcept {
  if (tag_out != nullptr) *tag_out = nullptr;
  if (payload_out != nullptr) *payload_out = wasm_val_vec_t{0, nullptr};
  if (trap == nullptr) return false;
  const auto* data = static_cast<const TrapData*>(trap->object);
  if (data->exception == nullptr || data->store == nullptr) return false;
  const internal::ExceptionObject* e = data->exception;
  if (tag_out != nullptr) {
    *tag_out = static_cast<wasm_extern_t*>(
        make_handle(RefKind::kTag, data->store, const_cast<internal::TagData*>(e->tag)));
  }
  if (payload_out != nullptr) {
    const std::vector<wasmscope::ValType>& types = e->tag->type->params;
    std::vector<wasm_val_t> values(types.size());
    size_t slot = 0;
    for (size_t i = 0; i < types.size(); ++i) {
      const internal::Slot two[2] = {e->payload[slot], types[i] == wasmscope::ValType::kV128 ? e->payload[slot + 1] : 0};
      // A v128 value has no C form (wasm.h): the payload is left empty then.
      if (from_slots(data->store, types[i], two, &values[i])) {
        for (size_t j = 0; j < i; ++j) wasm_val_delete(&values[j]);
        return true;
      }
      slot += types[i] == wasmscope::ValType::kV128 ? 2 : 1;
    }
    wasm_val_vec_new(payload_out, values.size(), values.data());
  }
  return true;
}

extern "C" int wasmscope_trap_coredump(const wasm_trap_t* trap, const char* path) noexcept {
  if (trap == nullptr || path == nullptr) return fail(-1, "null trap or path");
  const auto* data = static_cast<const TrapData*>(trap->object);
  if (data->records.empty()) return fail(-1, "the trap has no guest frames to dump");
  internal::CoredumpInput input;
  input.executable = "wasmscope-embedded";
  input.frames = data->records;
  input.thread_name = "main";
  input.record_locals = false;  // the trapped call's value stack has been reused since
  const auto bytes = internal::write_coredump(input);
  if (!bytes.ok()) return fail(-1, bytes.error().message);
  return write_file(path, *bytes) ? 0 : -1;
}
