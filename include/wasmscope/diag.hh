// wasmscope's diagnostics API for embedders: thread dumps and the hang watchdog, the same ones
// `wasmscope run` offers on SIGQUIT, `wasmscope stack PID` and `--watchdog`
// (docs/reports.md describes both formats).
//
// Both are meant to run on a thread of the host's own (a monitor, a signal-waiting thread, an
// admin endpoint) while the guest threads run: they never stop a guest for longer than the
// capture of its stack, and never block longer than their timeouts.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include "wasmscope/export.h"
#include "wasmscope/wasmscope.hh"

namespace wasmscope {

namespace internal::diag {
class Watchdog;
class Profiler;
struct Profile;
}  // namespace internal::diag

/// Text modelled on JVM thread dumps, or one JSON object on one line.
enum class ReportFormat : uint8_t { kText, kJson };

/// A thread and the name a dump shows for it.
struct NamedThread {
  Thread thread;
  std::string name;
};

/// What a thread dump contains and how long it may take.
struct DumpOptions {
  ReportFormat format = ReportFormat::kText;
  std::string title = "wasmscope thread dump";  ///< The text's first line; JSON "title".
  /// Per thread; a running thread that has not answered by then is shown without frames.
  std::chrono::nanoseconds timeout = std::chrono::seconds(1);
};

/// A dump of {threads}: per thread its name, id, state, time in that state, time in its
/// current call, how its stack was captured, and its frames innermost first as
/// "module!function+0xoffset (file:line)", with file:line from the module's DWARF line table
/// when it was compiled with -g. The text prints at most the 48 innermost and 16 outermost
/// frames of a thread and counts the rest; JSON has them all. Thread-safe: call it from any
/// thread while the guests run (not from a signal handler). The stores must live.
WASMSCOPE_API std::string thread_dump(std::span<const NamedThread> threads,
                                      const DumpOptions& options = {});

/// What a watchdog does when a call overruns its deadline.
enum class HangPolicy : uint8_t {
  kReport,     ///< Report; report again at 2x, 4x, 8x... the deadline, saying if the stack moved.
  kInterrupt,  ///< Report, then make the call trap with "interrupted" (see {Thread::terminate}).
  kAbort,      ///< Report, then abort the process.
};

struct WatchdogOptions {
  /// How long one call into the guest (from its entry until it returns, blocking host calls
  /// included) may run before it is reported.
  std::chrono::nanoseconds deadline = std::chrono::seconds(5);
  HangPolicy policy = HangPolicy::kReport;
  ReportFormat format = ReportFormat::kText;
  std::string thread_name = "main";
  /// Receives each report, on the watchdog's thread; when empty, reports go to stderr.
  std::function<void(const std::string& report)> on_report;
};

/// Watches one guest thread, or every thread of a store, from a thread of its own, from
/// construction to destruction. Construct it before or while the threads run calls; destroy it
/// before their store. Thread-safe: {reports} and {deadlock_reports} may be called from any
/// thread.
class WASMSCOPE_API Watchdog {
 public:
  /// Watches {thread}'s calls ({options.thread_name} names it; no deadlock detection).
  Watchdog(const Thread& thread, WatchdogOptions options);
  /// Watches every thread of {store} as {Store::threads} lists it at each check (threads
  /// started later included; names from {Store::thread_name}). With a {deadlock_grace} (zero:
  /// off) it also detects a deadlock: when every live thread of the store has waited in
  /// memory.atomic.wait with no timeout for that long, so that none can wake another, one
  /// deadlock report with every thread's stack and what it waits on (docs/reports.md), then
  /// {options.policy}: kInterrupt terminates every thread, kAbort aborts.
  Watchdog(Store& store, WatchdogOptions options,
           std::chrono::nanoseconds deadlock_grace = std::chrono::nanoseconds(0));
  ~Watchdog();
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

  /// Hang reports written so far.
  uint32_t reports() const;
  /// Deadlock reports written so far.
  uint32_t deadlock_reports() const;

 private:
  std::unique_ptr<internal::diag::Watchdog> impl_;
};

/// What a sampling profiler's rate is measured against.
enum class ProfileClock : uint8_t {
  kCpu,   ///< Each thread's CPU time: where the program computes (blocked threads: no samples).
  kWall,  ///< Elapsed time: blocked threads too, attributed to their host call or wait.
};

struct ProfilerOptions {
  uint32_t hz = 1000;  ///< Samples per second of each thread's clock, 1 to 10000.
  ProfileClock clock = ProfileClock::kCpu;
};

/// The sampling profiler `wasmscope profile` uses, for embedders that profile their own
/// guests in production: every live thread of a store (threads started later included),
/// sampled from a signal handler wherever it is (docs/profiling.md). The store must outlive
/// the profiler. Thread-safety: one thread at a time may use a profiler.
class WASMSCOPE_API Profiler {
 public:
  explicit Profiler(Store& store, ProfilerOptions options = {});
  ~Profiler();  ///< Stops sampling if it runs.
  Profiler(const Profiler&) = delete;
  Profiler& operator=(const Profiler&) = delete;

  /// Starts sampling (again, after a {stop}: a new profile). Fails for a rate out of range or
  /// when the profiler's signal handler or thread cannot be set up.
  Result<void> start();
  /// Stops sampling and keeps the profile for {write}.
  void stop();
  /// Writes the last profile {stop} kept to {path}, in the format its name asks for:
  /// ".folded", ".speedscope.json", ".pb.gz" (pprof) or ".svg" (a flame graph). The file is
  /// replaced only once it is complete.
  Result<void> write(const std::string& path) const;
  /// Samples in the last profile, and samples lost (a full buffer, a thread that did not
  /// answer): reported in every format too.
  uint64_t samples() const;
  uint64_t lost() const;

 private:
  Store& store_;
  ProfilerOptions options_;
  std::unique_ptr<internal::diag::Profiler> impl_;
  std::unique_ptr<internal::diag::Profile> profile_;
};

}  // namespace wasmscope
