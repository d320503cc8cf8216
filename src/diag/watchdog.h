// The hang watchdog: a runtime thread that watches one guest thread and, once a call into the
// guest has run past a deadline, captures its stack and writes a hang report — then keeps
// reporting at growing intervals (saying whether the stack moved), or interrupts the call,
// or aborts, by policy.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "diag/thread_dump.h"

namespace wasmscope::internal::diag {

/// What the watchdog does about a hang.
enum class HangPolicy {
  kReport,     ///< Report, let the guest run on; report again at 2x, 4x, ... the deadline.
  kInterrupt,  ///< Report, then terminate the call (it traps with "interrupted").
  kAbort,      ///< Report, then abort the process.
};

struct WatchdogOptions {
  uint64_t deadline_ns = 5'000'000'000;
  HangPolicy policy = HangPolicy::kReport;
  FILE* out = stderr;          ///< Where reports go (not closed by the watchdog)...
  /// ...unless this is set: then it receives each report, on the watchdog's thread.
  std::function<void(const std::string& report)> sink;
  bool json = false;           ///< JSON lines instead of text.
  std::string thread_name = "main";
  std::string module_name;     ///< For frames of modules without a name section.
};

/// Watches the thread running on {ctx} from a thread of its own, from construction until
/// destruction. {ctx} must outlive it.
class Watchdog {
 public:
  Watchdog(ExecContext* ctx, WatchdogOptions options);
  ~Watchdog();
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

  /// Reports written so far.
  uint32_t reports() const;

 private:
  void run();
  /// Checks once; returns when to check next (monotonic ns).
  uint64_t check(uint64_t now);
  void report(uint64_t now);

  ExecContext* ctx_;
  WatchdogOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;        // guarded by mutex_
  uint32_t reports_ = 0;         // guarded by mutex_
  uint64_t watched_call_ = 0;    // call_start_ns of the call being watched (0: none)
  uint64_t next_report_ns_ = 0;  // when the watched call is next reported
  uint32_t call_reports_ = 0;    // reports for the watched call
  ThreadReport last_;            // its last report, to say whether the stack moved
  std::thread thread_;
};

/// Parses "5s", "500ms", "2.5s", "100us", "1m" into nanoseconds; false if not a duration.
bool parse_duration(const std::string& text, uint64_t* out_ns);

}  // namespace wasmscope::internal::diag
