// The hang watchdog: a runtime thread that watches a program's guest threads and, once a call
// into the guest has run past a deadline, captures its stack and writes a hang report — then
// keeps reporting at growing intervals (saying whether the stack moved), or interrupts the
// call, or aborts, by policy. It also tells a deadlock (diag/deadlock.h) and reports every
// thread's stack and what it waits on.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "diag/deadlock.h"
#include "diag/thread_dump.h"

namespace wasmscope::internal {
class Store;
}  // namespace wasmscope::internal

namespace wasmscope::internal::diag {

/// What the watchdog does about a hang or a deadlock.
enum class HangPolicy {
  kReport,     ///< Report, let the guest run on; report again at 2x, 4x, ... the deadline.
  kInterrupt,  ///< Report, then terminate the call (it traps with "interrupted"); for a
               ///< deadlock, every thread of the program.
  kAbort,      ///< Report, then abort the process.
};

/// A guest thread the watchdog watches: its context (which must outlive the watchdog) and the
/// id and name reports show.
struct WatchedThread {
  ExecContext* ctx = nullptr;
  uint32_t id = 0;
  std::string name;
};

/// The program's guest threads right now (threads come and go; exited ones may be listed).
using ThreadLister = std::function<std::vector<WatchedThread>()>;

/// Lists every live thread of {store}'s program (main, wasi-threads threads, contexts of other
/// host threads) with the registry's names, as the CLI and the C API watch, dump and profile
/// them. {store} must outlive the lister.
ThreadLister store_thread_lister(Store& store);

struct WatchdogOptions {
  uint64_t deadline_ns = 5'000'000'000;  ///< 0: no hang reports (deadlock detection only).
  HangPolicy policy = HangPolicy::kReport;
  FILE* out = stderr;          ///< Where reports go (not closed by the watchdog)...
  /// ...unless this is set: then it receives each report, on the watchdog's thread.
  std::function<void(const std::string& report)> sink;
  bool json = false;           ///< JSON lines instead of text.
  std::string thread_name = "main";  ///< For the single-thread constructor.
  std::string module_name;     ///< For frames of modules without a name section.
  /// Deadlock detection: when every live thread has waited with no deadline for this long,
  /// a deadlock report (0: no detection). Applies {policy} too.
  uint64_t deadlock_grace_ns = 0;
};

/// Watches guest threads from a thread of its own, from construction until destruction: each
/// thread's calls against the deadline, and all of them together for a deadlock.
class Watchdog {
 public:
  /// Watches the one thread running on {ctx}, which must outlive the watchdog.
  Watchdog(ExecContext* ctx, WatchdogOptions options);
  /// Watches the threads {lister} returns, asked afresh at every check.
  Watchdog(ThreadLister lister, WatchdogOptions options);
  ~Watchdog();
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

  /// Hang reports written so far.
  uint32_t reports() const;
  /// Deadlock reports written so far.
  uint32_t deadlock_reports() const;

 private:
  /// What the watchdog remembers of one thread's current call.
  struct CallWatch {
    uint64_t call = 0;            // call_start_ns of the call being watched (0: none)
    uint64_t next_report_ns = 0;  // when it is next reported
    uint32_t reports = 0;         // reports for this call
    ThreadReport last;            // its last report, to say whether the stack moved
  };

  void run();
  /// Checks once; returns when to check next (monotonic ns).
  uint64_t check(uint64_t now);
  uint64_t check_thread(const WatchedThread& thread, CallWatch& watch, uint64_t now);
  void report(const WatchedThread& thread, CallWatch& watch);
  void check_deadlock(const std::vector<WatchedThread>& threads, uint64_t now);
  void emit(const std::string& text);
  void apply_policy(const std::vector<WatchedThread>& threads);

  ThreadLister lister_;
  WatchdogOptions options_;
  DeadlockDetector deadlock_;
  bool deadlock_reported_ = false;  // the current deadlock was reported (watchdog thread only)
  std::map<const ExecContext*, CallWatch> watches_;  // watchdog thread only
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;         // guarded by mutex_
  uint32_t reports_ = 0;          // guarded by mutex_
  uint32_t deadlock_reports_ = 0; // guarded by mutex_
  std::thread thread_;
};

/// Parses "5s", "500ms", "2.5s", "100us", "1m" into nanoseconds; false if not a duration.
bool parse_duration(const std::string& text, uint64_t* out_ns);

}  // namespace wasmscope::internal::diag
