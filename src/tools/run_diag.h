// The diagnostics `wasmscope run` attaches to the program's guest threads: the hang watchdog
// (--watchdog) and deadlock detection, thread dumps on SIGQUIT, and thread dumps and coredumps
// on request over a Unix socket (`wasmscope stack`).
//
// The socket protocol, one request per connection: the client sends one line, {kDumpRequest}
// or {kCoredumpRequest} followed by '\n' (at most {kMaxRequestBytes} bytes, within 2 s); the
// server replies and closes the connection.
//   dump      -> the text thread dump, as SIGQUIT prints it, up to the end of the stream.
//   coredump  -> "coredump N\n" then N bytes: a WebAssembly coredump (diag/coredump.h) of the
//                program, one stack per guest thread, taken while every thread is suspended;
//                the program then goes on.
//   profile HZ cpu|wall MS FORMAT
//             -> after MS milliseconds of sampling every guest thread at HZ (diag/profiler.h),
//                "profile N\n" then N bytes: the profile in FORMAT (folded, speedscope, pprof,
//                svg); the program is not stopped. The server answers nothing else meanwhile.
//   anything else, no request in time, or a coredump that cannot be made
//             -> "error: MESSAGE\n".
// A peer whose credentials are another user's is closed on at once, without a reply.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <pthread.h>
#include <sys/types.h>

#include "diag/watchdog.h"
#include "engine/instance_data.h"

namespace wasmscope::internal::tools {

struct RunDiagOptions {
  uint64_t watchdog_ns = 0;  ///< 0: no hang watchdog.
  /// How long every guest thread must have waited with no way out before a deadlock report
  /// (0: no deadlock detection).
  uint64_t deadlock_grace_ns = 0;
  diag::HangPolicy policy = diag::HangPolicy::kReport;
  std::string report_path = "-";  ///< "-": stderr.
  bool json = false;
  /// How long after the start the socket server and the watchdog threads start (see
  /// {RunDiagnostics}); `wasmscope run` takes it from WASMSCOPE_SERVICE_START_MS.
  uint64_t service_start_ns = 20'000'000;
};

/// Lives while the guest runs (destroy it before the store). Construct it before any other
/// thread exists: it blocks SIGQUIT in the calling thread so that only its dump thread takes
/// the signal; each SIGQUIT prints a thread dump to stderr and the program goes on. It also
/// serves the same dump, or a coredump, to `wasmscope stack PID` over a Unix socket only its
/// user can reach ({dump_socket_path}; the protocol is described above), one client at a
/// time, each bounded in time.
///
/// Only the dump thread exists from the constructor on. The socket, the server and the
/// watchdog threads come once the program has run for {RunDiagOptions::service_start_ns}
/// (20 ms): a program that ends sooner does not pay for them (docs/performance.md, "Start-up:
/// services that wait for the program to need them"). Nothing is lost meanwhile: a SIGQUIT
/// stays pending and is served at most that much later; `wasmscope stack` waits for the
/// socket of a process that is that young ({kSocketWaitSlackNs}); and the watchdog measures
/// hangs and deadlocks from when the calls began.
class RunDiagnostics {
 public:
  /// Watches and dumps the threads {threads} lists (asked afresh each time).
  RunDiagnostics(diag::ThreadLister threads, const RunDiagOptions& options,
                 const std::string& module_name);
  ~RunDiagnostics();
  RunDiagnostics(const RunDiagnostics&) = delete;
  RunDiagnostics& operator=(const RunDiagnostics&) = delete;

  /// False (with a message printed) if the report file could not be opened.
  bool ok() const { return ok_; }

  /// For a program that has ended: true if the services never started (it ended within
  /// {RunDiagOptions::service_start_ns}), so that nothing but the idle dump thread exists and
  /// there is no socket to remove; the dump thread will then start nothing. The caller may
  /// end the process at once (`wasmscope run` then skips the teardown: docs/performance.md).
  /// False once they have started: destroy this object as usual.
  bool end_early();

  /// Names the instance `coredump` requests dump (memories and globals) and the module file
  /// it came from; until it is set they are refused. {instance} must outlive this object.
  /// Thread-safe.
  void set_instance(const InstanceData* instance, const std::string& module_path);

  /// A thread dump of the program (every live guest thread's stack and state) under {title}.
  /// Thread-safe.
  std::string dump_text(const std::string& title) const;

 private:
  /// On the dump thread: after {RunDiagOptions::service_start_ns}, starts the server and the
  /// watchdog; false if the program ended first.
  bool start_the_rest();
  static void* dumper_main(void* self);
  void dump_on_sigquit();
  void serve_dumps();
  void serve_request(int client);
  void serve_coredump(int client);
  void serve_profile(int client, const std::string& request);

  diag::ThreadLister threads_;
  RunDiagOptions options_;
  std::string module_name_;
  FILE* report_file_ = nullptr;  ///< Owned when not stderr.
  bool ok_ = true;
  std::unique_ptr<diag::Watchdog> watchdog_;
  std::atomic<bool> stopping_{false};  ///< Set under {start_mutex_}.
  std::mutex start_mutex_;
  std::condition_variable start_wake_;
  bool rest_started_ = false;  ///< Guarded by {start_mutex_}.
  pthread_t dumper_ = {};
  bool dumper_started_ = false;
  int listen_fd_ = -1;
  std::string socket_path_;
  std::thread server_;
  /// The connection being served (-1: none), so that the destructor can cut short a client
  /// that never sends its request. Guarded by {client_mutex_}.
  int client_fd_ = -1;
  std::mutex client_mutex_;
  const InstanceData* instance_ = nullptr;  ///< Guarded by {instance_mutex_}.
  std::string module_path_;                 ///< Guarded by {instance_mutex_}.
  std::mutex instance_mutex_;
};

/// The requests of the socket protocol (above), without their '\n'.
inline constexpr const char* kDumpRequest = "dump";
inline constexpr const char* kCoredumpRequest = "coredump";
inline constexpr const char* kProfileRequest = "profile";
/// The longest profile a client may ask for.
inline constexpr uint64_t kMaxProfileMs = 24ull * 3600 * 1000;
/// The longest request line the server reads, '\n' included.
inline constexpr size_t kMaxRequestBytes = 64;

/// Where process {pid} (run by user {uid}) serves thread dumps: a socket in a directory only
/// that user can enter, /tmp/wasmscope-UID/PID.sock. A process opening its socket there
/// removes the sockets of processes that ended without removing theirs (killed).
std::string dump_socket_path(uid_t uid, pid_t pid);

/// The socket of a `wasmscope run` appears {RunDiagOptions::service_start_ns} after its
/// diagnostics start (WASMSCOPE_SERVICE_START_MS in its environment, else 20 ms): a client
/// waits for it until the process is that old plus this much (a start-up slowed by load,
/// qemu or a JIT compile before the run begins).
inline constexpr uint64_t kSocketWaitSlackNs = 2'000'000'000;

/// WASMSCOPE_SERVICE_START_MS's value {text} in nanoseconds; nullopt unless it is a decimal
/// number of milliseconds from 0 to 3600000.
std::optional<uint64_t> parse_service_start_ms(const char* text);

}  // namespace wasmscope::internal::tools
