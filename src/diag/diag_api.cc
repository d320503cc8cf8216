// The public diagnostics API (include/wasmscope/diag.hh) over diag/thread_dump.h and
// diag/watchdog.h.
#include <algorithm>
#include <chrono>

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
  internal::diag::WatchdogOptions w;
  // Below 1 ms a deadline would only measure the watchdog's own polling.
  w.deadline_ns = std::max<uint64_t>(to_ns(options.deadline), 1'000'000);
  w.policy = to_internal(options.policy);
  w.json = options.format == ReportFormat::kJson;
  w.thread_name = std::move(options.thread_name);
  w.sink = std::move(options.on_report);
  impl_ = std::make_unique<internal::diag::Watchdog>(ctx, std::move(w));
}

Watchdog::~Watchdog() = default;

uint32_t Watchdog::reports() const { return impl_ ? impl_->reports() : 0; }

}  // namespace wasmscope
