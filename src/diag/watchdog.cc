#include "diag/watchdog.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>

namespace wasmscope::internal::diag {

Watchdog::Watchdog(ExecContext* ctx, WatchdogOptions options)
    : ctx_(ctx), options_(std::move(options)), thread_([this] { run(); }) {}

Watchdog::~Watchdog() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

uint32_t Watchdog::reports() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return reports_;
}

void Watchdog::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    const uint64_t now = now_ns();
    const uint64_t next = check(now);
    lock.lock();
    // Sleep until the next report is due, but look again often enough to notice new calls.
    const uint64_t poll = std::clamp<uint64_t>(options_.deadline_ns / 10, 1'000'000, 100'000'000);
    const uint64_t wait = std::min(next > now ? next - now : 0, poll);
    wake_.wait_for(lock, std::chrono::nanoseconds(wait), [this] { return stopping_; });
  }
}

uint64_t Watchdog::check(uint64_t now) {
  const ThreadState state = ctx_->state();
  const uint64_t call = ctx_->call_start_ns.load(std::memory_order_relaxed);
  if (state == ThreadState::kIdle || state == ThreadState::kExited || call == 0) {
    watched_call_ = 0;
    return now + options_.deadline_ns;
  }
  if (call != watched_call_) {  // a new call into the guest: its deadline starts with it
    watched_call_ = call;
    next_report_ns_ = call + options_.deadline_ns;
    call_reports_ = 0;
  }
  if (now < next_report_ns_) return next_report_ns_;
  report(now);
  // Growing intervals: reported at 1x the deadline, then 2x, 4x, 8x... after the call began.
  next_report_ns_ = watched_call_ + (options_.deadline_ns << std::min<uint32_t>(call_reports_, 20));
  return next_report_ns_;
}

void Watchdog::report(uint64_t now) {
  (void)now;
  ThreadReport thread = report_thread(ctx_, options_.thread_name, options_.module_name);
  if (thread.state == ThreadState::kIdle) return;  // the call ended meanwhile
  ++call_reports_;
  const bool repeated = call_reports_ > 1;
  const bool moved = repeated && !same_stack(thread, last_);
  char title[200];
  std::snprintf(title, sizeof title,
                "wasmscope hang report #%u: thread \"%s\" has been in one call for %.3fs "
                "(deadline %.3fs)%s",
                call_reports_, thread.name.c_str(), thread.seconds_in_call,
                static_cast<double>(options_.deadline_ns) / 1e9,
                !repeated ? "" : moved ? "; the stack moved since the last report"
                                       : "; the stack has not moved since the last report");
  const std::string text = options_.json ? format_json("hang_report", title, {thread})
                                         : format_text(title, {thread}) + "\n";
  if (options_.sink) {
    options_.sink(text);
  } else {
    std::fwrite(text.data(), 1, text.size(), options_.out);
    std::fflush(options_.out);
  }
  last_ = std::move(thread);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++reports_;
  }
  if (options_.policy == HangPolicy::kInterrupt) {
    request_terminate(ctx_);
  } else if (options_.policy == HangPolicy::kAbort) {
    std::fputs("wasmscope: aborting on hang (--on-hang abort)\n", stderr);
    std::abort();
  }
}

bool parse_duration(const std::string& text, uint64_t* out_ns) {
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || !(value > 0)) return false;
  const std::string unit(end);
  double scale;
  if (unit == "s" || unit.empty()) {
    scale = 1e9;
  } else if (unit == "ms") {
    scale = 1e6;
  } else if (unit == "us") {
    scale = 1e3;
  } else if (unit == "m") {
    scale = 60e9;
  } else {
    return false;
  }
  const double ns = value * scale;
  if (ns < 1e6 || ns > 1e15) return false;  // 1 ms .. ~11 days
  *out_ns = static_cast<uint64_t>(ns);
  return true;
}

}  // namespace wasmscope::internal::diag
