// The diagnostics `wasmscope run` attaches to the guest thread: the hang watchdog
// (--watchdog) and thread dumps on SIGQUIT.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>

#include <sys/types.h>

#include "diag/watchdog.h"

namespace wasmscope::internal::tools {

struct RunDiagOptions {
  uint64_t watchdog_ns = 0;  ///< 0: no watchdog.
  diag::HangPolicy policy = diag::HangPolicy::kReport;
  std::string report_path = "-";  ///< "-": stderr.
  bool json = false;
};

/// Lives while the guest runs (destroy it before the store). Construct it before any other
/// thread exists: it blocks SIGQUIT in the calling thread so that only its dump thread takes
/// the signal; each SIGQUIT prints a thread dump to stderr and the program goes on. It also
/// serves the same dump to `wasmscope stack PID` over a Unix socket only its user can reach
/// ({dump_socket_path}).
class RunDiagnostics {
 public:
  RunDiagnostics(ExecContext* ctx, const RunDiagOptions& options, const std::string& module_name,
                 diag::SourceLocator locate);
  ~RunDiagnostics();
  RunDiagnostics(const RunDiagnostics&) = delete;
  RunDiagnostics& operator=(const RunDiagnostics&) = delete;

  /// False (with a message printed) if the report file could not be opened.
  bool ok() const { return ok_; }

 private:
  void dump_on_sigquit();
  void serve_dumps();
  std::string dump_text() const;

  ExecContext* ctx_;
  std::string module_name_;
  diag::SourceLocator locate_;
  FILE* report_file_ = nullptr;  ///< Owned when not stderr.
  bool ok_ = true;
  std::unique_ptr<diag::Watchdog> watchdog_;
  std::atomic<bool> stopping_{false};
  std::thread dumper_;
  int listen_fd_ = -1;
  std::string socket_path_;
  std::thread server_;
};

/// Where process {pid} (run by user {uid}) serves thread dumps: a socket in a directory only
/// that user can enter, /tmp/wasmscope-UID/PID.sock.
std::string dump_socket_path(uid_t uid, pid_t pid);

}  // namespace wasmscope::internal::tools
