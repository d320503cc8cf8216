// The public diagnostics API (include/wasmscope/diag.hh) over diag/thread_dump.h and
// diag/watchdog.h.
#include <algorithm>
#include <chrono>

#include "diag/profile.h"
#include "diag/profiler.h"
#include "diag/thread_dump.h"
#include "diag/watchdog.h"
#include "wasmscope/diag.hh"

namespace wasmscope {

namespace internal {

/// Reaches a public {Thread}'s context (a friend of {Thread}).
struct ThreadAccess {
  static ExecContext* context(const wasmscope::Thread& thread) { return thread.ctx_; }
};

}  // namespace internal

namespace {

uint64_t to_ns(std::chrono::nanoseconds d) {
  return d.count() > 0 ? static_cast<uint64_t>(d.count()) : 0;
}

internal::diag::HangPolicy to_internal(HangPolicy policy) {
  switch (policy) {
    case HangPolicy::kReport: return internal::diag::HangPolicy::kReport;
    case HangPolicy::kInterrupt: return internal::diag::HangPolicy::kInterrupt;
    case HangPolicy::kAbort: return internal::diag::HangPolicy::kAbort;
  }
  return internal::diag::HangPolicy::kReport;
}

/// The internal options {options} stands for; the thread name is left to the caller.
internal::diag::WatchdogOptions internal_options(WatchdogOptions& options) {
  internal::diag::WatchdogOptions w;
  // Below 1 ms a deadline would only measure the watchdog's own polling.
  w.deadline_ns = std::max<uint64_t>(to_ns(options.deadline), 1'000'000);
  w.policy = to_internal(options.policy);
  w.json = options.format == ReportFormat::kJson;
  w.sink = std::move(options.on_report);
  return w;
}

}  // namespace

std::string thread_dump(std::span<const NamedThread> threads, const DumpOptions& options) {
  std::vector<internal::diag::ThreadReport> reports;
  for (const NamedThread& t : threads) {
    internal::ExecContext* ctx = internal::ThreadAccess::context(t.thread);
    if (ctx == nullptr) continue;
    reports.push_back(internal::diag::report_thread(ctx, t.name, "", to_ns(options.timeout)));
  }
  return options.format == ReportFormat::kJson
             ? internal::diag::format_json("thread_dump", options.title, reports)
             : internal::diag::format_text(options.title, reports);
}

Watchdog::Watchdog(const Thread& thread, WatchdogOptions options) {
  internal::ExecContext* ctx = internal::ThreadAccess::context(thread);
  if (ctx == nullptr) return;  // an invalid handle: nothing to watch
  internal::diag::WatchdogOptions w = internal_options(options);
  w.thread_name = std::move(options.thread_name);
  impl_ = std::make_unique<internal::diag::Watchdog>(ctx, std::move(w));
}

namespace {

/// Every live thread of {store} as the diagnostics list them; {store} must outlive the lister.
internal::diag::ThreadLister store_threads(Store& store) {
  return [&store] {
    std::vector<internal::diag::WatchedThread> threads;
    for (const Thread& t : store.threads()) {
      internal::ExecContext* ctx = internal::ThreadAccess::context(t);
      if (ctx != nullptr) threads.push_back({ctx, t.id(), store.thread_name(t)});
    }
    return threads;
  };
}

}  // namespace

Watchdog::Watchdog(Store& store, WatchdogOptions options,
                   std::chrono::nanoseconds deadlock_grace) {
  internal::diag::WatchdogOptions w = internal_options(options);
  const uint64_t grace = to_ns(deadlock_grace);
  w.deadlock_grace_ns = grace == 0 ? 0 : std::max<uint64_t>(grace, 1'000'000);
  // The store outlives the watchdog (the contract above), and so do its threads' contexts.
  impl_ = std::make_unique<internal::diag::Watchdog>(store_threads(store), std::move(w));
}

Watchdog::~Watchdog() = default;

uint32_t Watchdog::reports() const { return impl_ ? impl_->reports() : 0; }

uint32_t Watchdog::deadlock_reports() const { return impl_ ? impl_->deadlock_reports() : 0; }

Profiler::Profiler(Store& store, ProfilerOptions options) : store_(store), options_(options) {}

Profiler::~Profiler() { stop(); }

Result<void> Profiler::start() {
  stop();
  internal::diag::ProfilerOptions o;
  o.hz = options_.hz;
  o.clock = options_.clock == ProfileClock::kWall ? internal::diag::ProfileClock::kWall
                                                  : internal::diag::ProfileClock::kCpu;
  impl_ = std::make_unique<internal::diag::Profiler>(store_threads(store_), o);
  Result<void> started = impl_->start();
  if (!started.ok()) impl_.reset();
  return started;
}

void Profiler::stop() {
  if (!impl_) return;
  profile_ = std::make_unique<internal::diag::Profile>(impl_->stop());
  impl_.reset();
}

Result<void> Profiler::write(const std::string& path) const {
  if (!profile_) return Error{ErrorKind::kUnsupported, 0, "no profile yet: start and stop first"};
  return internal::diag::write_profile(*profile_, path);
}

uint64_t Profiler::samples() const { return profile_ ? profile_->total_samples() : 0; }

uint64_t Profiler::lost() const { return profile_ ? profile_->total_lost() : 0; }

}  // namespace wasmscope
