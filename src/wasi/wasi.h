// WASI preview1 for the runtime: a {WasiContext} holds what one WASI program sees (arguments,
// environment, preopened directories, the fd table, its exit status) and provides the
// "wasi_snapshot_preview1" functions as host functions of a store.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/store.h"
#include "wasmscope/result.h"

namespace wasmscope::internal::wasi {

/// A host directory the guest may use, and the name the guest knows it by.
struct Preopen {
  std::string host_path;
  std::string guest_path;
};

/// "HOST::GUEST" (or "DIR", under its own name) as a preopen; nullopt when either side is
/// empty.
std::optional<Preopen> parse_preopen(std::string_view spec);

/// What a WASI program is started with.
struct WasiOptions {
  std::vector<std::string> args;     ///< argv, program name first.
  std::vector<std::string> env;      ///< "KEY=VALUE" strings.
  std::vector<Preopen> preopens;     ///< Become fds 3, 4, ... in this order.
  int stdin_fd = 0;                  ///< Host fds behind guest fds 0, 1 and 2 (not closed by
  int stdout_fd = 1;                 ///< the context: the caller owns them).
  int stderr_fd = 2;
  uint32_t max_threads = 1024;       ///< Live wasi-threads threads at most; past it,
                                     ///< thread-spawn returns an error to the guest.
};

/// How a program ended when something other than its main function's return ended it:
/// proc_exit (or a terminating proc_raise) on any thread, or a trap on any thread.
struct ProgramEnd {
  bool trapped = false;
  uint32_t status = 0;             ///< The exit status, unless {trapped}.
  std::string message;             ///< The trap's message, if {trapped}.
  std::vector<FrameRecord> frames; ///< The trapping thread's guest stack, outermost first.
  std::string thread_name;         ///< "main", "thread 3", ...
};

class FdTable;

/// One WASI program's state. Host functions made by {resolve_imports} refer to it, so it must
/// outlive the store's use of them.
///
/// Thread safety: every WASI function may run on many guest threads at once (wasi-threads):
/// the fd table locks itself, arguments and environment are read-only, and the program's end
/// is recorded once, by the first thread to end it. The destructor stops the store's
/// wasi-threads threads and waits for them, so it may not run on one of them.
class WasiContext {
 public:
  /// Opens the preopened directories. Fails with kIo naming the directory that cannot be
  /// opened.
  static Result<std::unique_ptr<WasiContext>> create(WasiOptions options);
  ~WasiContext();
  WasiContext(const WasiContext&) = delete;
  WasiContext& operator=(const WasiContext&) = delete;

  /// The import list for {module}: its "wasi_snapshot_preview1" (and legacy
  /// "wasi_unstable") function imports are WASI functions defined in {store}. Fails with
  /// kUnlinkable naming the first import that is neither WASI nor found in {others}
  /// ((module, name) -> extern, for embedders that add their own imports).
  Result<std::vector<Extern>> resolve_imports(
      Store& store, const Module& module,
      const std::vector<std::tuple<std::string, std::string, Extern>>& others = {});

  /// The status the guest passed to proc_exit, once it has called it. proc_exit unwinds the
  /// guest with a host trap whose message is "exit status N".
  std::optional<uint32_t> exit_status() const;

  /// Records how the program ended, if nothing ended it before (the first end wins: a later
  /// exit or trap, such as the "interrupted" traps of the threads it stops, is ignored), and
  /// asks every other thread of the program to stop. Returns the end that stands.
  ProgramEnd end_program(ProgramEnd end, ExecContext* by);
  /// The recorded end, if any.
  std::optional<ProgramEnd> program_end() const;
  /// Called on the thread that ended the program (running on context {by}), after the others
  /// were asked to stop. Set it before the program starts.
  using EndHook = std::function<void(const ProgramEnd& end, ExecContext* by)>;
  void set_end_hook(EndHook hook) { end_hook_ = std::move(hook); }

  /// Starts a wasi-threads thread for the guest running on {parent} (the "thread-spawn"
  /// import): a new instance of the caller's module sharing its memory runs
  /// {wasi_thread_start(tid, start_arg)} on a thread of its own. Returns the new thread's id
  /// (in [1, 2^29)) or a negative preview1 errno: -EINVAL when the caller has no shared memory
  /// or its module no {wasi_thread_start(i32, i32)} export, -EAGAIN past {max_threads} or when
  /// no native thread can start.
  int32_t spawn_thread(ExecContext* parent, uint32_t start_arg);

  /// Names of every preview1 function this context provides.
  static std::vector<std::string> function_names();

  // For the implementation (wasi/*.cc).
  const WasiOptions& options() const { return options_; }
  FdTable& fds() { return *fds_; }
  /// Ends the program with exit status {status} (proc_exit, proc_raise), called on {by}.
  void exit_program(uint32_t status, ExecContext* by);
  struct Binding;  ///< What one imported function's host function refers to.

 private:
  explicit WasiContext(WasiOptions options);
  /// The extern for a non-preview1 import this context provides (wasi-threads' thread-spawn,
  /// a shared env.memory), or one with a null object.
  Result<Extern> resolve_threads_import(Store& store, const Import& import);

  WasiOptions options_;
  std::unique_ptr<FdTable> fds_;
  mutable std::mutex end_mutex_;
  std::optional<ProgramEnd> end_;  // guarded by end_mutex_
  EndHook end_hook_;
  std::vector<std::unique_ptr<Binding>> bindings_;
  Store* store_ = nullptr;              ///< Where thread-spawn starts threads, once bound.
  MemoryData* shared_memory_ = nullptr; ///< The env.memory this context created, if any.
};

}  // namespace wasmscope::internal::wasi
