#include "diag/watchdog.h"

#include <pthread.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>

#include "runtime/store.h"

namespace wasmscope::internal::diag {

ThreadLister store_thread_lister(Store& store) {
  return [&store] {
    std::vector<WatchedThread> threads;
    for (const ThreadInfo& t : store.threads().live()) {
      threads.push_back({t.context, t.context->id(), t.name});
    }
    return threads;
  };
}

Watchdog::Watchdog(ExecContext* ctx, WatchdogOptions options)
    : Watchdog(ThreadLister([ctx, name = options.thread_name] {
                 return std::vector<WatchedThread>{{ctx, ctx->id(), name}};
               }),
               options) {}  // a copy, not a move: the lister may capture the name after it

Watchdog::Watchdog(ThreadLister lister, WatchdogOptions options)
    : lister_(std::move(lister)),
      options_(std::move(options)),
      deadlock_(options_.deadlock_grace_ns),
      thread_([this] { run(); }) {}

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

uint32_t Watchdog::deadlock_reports() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return deadlock_reports_;
}

void Watchdog::run() {
  // Named, so that `top -H` and /proc/PID/task/*/comm tell it from the guest's threads.
  pthread_setname_np(pthread_self(), "wasmscope-watch");
  // Look again often enough to notice new calls and to tell a deadlock within its grace.
  uint64_t period = UINT64_MAX;
  if (options_.deadline_ns != 0) period = options_.deadline_ns / 10;
  if (options_.deadlock_grace_ns != 0) period = std::min(period, options_.deadlock_grace_ns / 10);
  const uint64_t poll = std::clamp<uint64_t>(period, 1'000'000, 100'000'000);
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    const uint64_t now = now_ns();
    const uint64_t next = check(now);
    lock.lock();
    const uint64_t wait = std::min(next > now ? next - now : 0, poll);
    wake_.wait_for(lock, std::chrono::nanoseconds(wait), [this] { return stopping_; });
  }
}

namespace {
bool all_wait_forever(const std::vector<WatchedThread>& threads);
}  // namespace

uint64_t Watchdog::check(uint64_t now) {
  const std::vector<WatchedThread> threads = lister_();
  uint64_t next = UINT64_MAX;
  // While every thread waits with no way out, the deadlock report (due within its grace) says
  // more than a hang report of one of them would: hang reports wait for its verdict.
  if (options_.deadline_ns != 0 && !(options_.deadlock_grace_ns != 0 && all_wait_forever(threads))) {
    std::map<const ExecContext*, CallWatch> seen;
    for (const WatchedThread& t : threads) {
      CallWatch& watch = seen[t.ctx];
      auto old = watches_.find(t.ctx);
      if (old != watches_.end()) watch = std::move(old->second);
      next = std::min(next, check_thread(t, watch, now));
    }
    watches_ = std::move(seen);  // threads no longer listed are forgotten
  }
  if (options_.deadlock_grace_ns != 0) check_deadlock(threads, now);
  return next;
}

uint64_t Watchdog::check_thread(const WatchedThread& thread, CallWatch& watch, uint64_t now) {
  const ThreadState state = thread.ctx->state();
  const uint64_t call = thread.ctx->call_start_ns.load(std::memory_order_relaxed);
  if (state == ThreadState::kIdle || state == ThreadState::kExited || call == 0) {
    watch.call = 0;
    return now + options_.deadline_ns;
  }
  if (call != watch.call) {  // a new call into the guest: its deadline starts with it
    watch.call = call;
    watch.next_report_ns = call + options_.deadline_ns;
    watch.reports = 0;
  }
  if (now < watch.next_report_ns) return watch.next_report_ns;
  report(thread, watch);
  // Growing intervals: reported at 1x the deadline, then 2x, 4x, 8x... after the call began.
  watch.next_report_ns = watch.call + (options_.deadline_ns << std::min<uint32_t>(watch.reports, 20));
  return watch.next_report_ns;
}

void Watchdog::emit(const std::string& text) {
  if (options_.sink) {
    options_.sink(text);
  } else {
    std::fwrite(text.data(), 1, text.size(), options_.out);
    std::fflush(options_.out);
  }
}

void Watchdog::report(const WatchedThread& watched, CallWatch& watch) {
  ThreadReport thread = report_thread(watched.ctx, watched.name, options_.module_name);
  if (thread.state == ThreadState::kIdle) return;  // the call ended meanwhile
  thread.id = watched.id;
  ++watch.reports;
  const bool repeated = watch.reports > 1;
  const bool moved = repeated && !same_stack(thread, watch.last);
  char title[300];
  std::snprintf(title, sizeof title,
                "wasmscope hang report #%u: thread \"%s\" has been in one call for %.3fs "
                "(deadline %.3fs)%s",
                watch.reports, thread.name.c_str(), thread.seconds_in_call,
                static_cast<double>(options_.deadline_ns) / 1e9,
                !repeated ? "" : moved ? "; the stack moved since the last report"
                                       : "; the stack has not moved since the last report");
  emit(options_.json ? format_json("hang_report", title, {thread})
                     : format_text(title, {thread}) + "\n");
  watch.last = std::move(thread);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++reports_;
  }
  if (options_.policy == HangPolicy::kInterrupt) {
    request_terminate(watched.ctx);
  } else if (options_.policy == HangPolicy::kAbort) {
    std::fputs("wasmscope: aborting on hang (--on-hang abort)\n", stderr);
    std::abort();
  }
}

namespace {

/// Whether the thread on {ctx} waits in memory.atomic.wait with no deadline.
bool waits_forever(const ExecContext* ctx) {
  return ctx->state() == ThreadState::kWaiting &&
         ctx->wait_deadline_ns.load(std::memory_order_relaxed) == 0;
}

/// Whether some thread of {threads} is live and every live one waits forever.
bool all_wait_forever(const std::vector<WatchedThread>& threads) {
  bool any = false;
  for (const WatchedThread& t : threads) {
    if (t.ctx->state() == ThreadState::kExited) continue;
    if (!waits_forever(t.ctx)) return false;
    any = true;
  }
  return any;
}

}  // namespace

void Watchdog::check_deadlock(const std::vector<WatchedThread>& threads, uint64_t now) {
  std::vector<BlockedThread> seen;
  for (const WatchedThread& t : threads) {
    const ThreadState state = t.ctx->state();
    seen.push_back({t.id, state == ThreadState::kExited, waits_forever(t.ctx),
                    t.ctx->state_since_ns.load(std::memory_order_relaxed)});
  }
  if (!deadlock_.observe(seen, now)) {
    deadlock_reported_ = false;
    return;
  }
  if (deadlock_reported_) return;  // one report per deadlock
  // The stacks are read one by one; any thread found out of its wait means it was not one.
  std::vector<ThreadReport> reports;
  for (const WatchedThread& t : threads) {
    if (t.ctx->state() == ThreadState::kExited) continue;
    ThreadReport r = report_thread(t.ctx, t.name, options_.module_name);
    r.id = t.id;
    if (r.state != ThreadState::kWaiting || r.capture.wait_deadline_ns != 0) {
      deadlock_.reset();
      return;
    }
    reports.push_back(std::move(r));
  }
  deadlock_reported_ = true;
  char title[300];
  std::snprintf(title, sizeof title,
                "wasmscope deadlock report: all %zu guest threads have been waiting with no "
                "timeout for %.3fs (grace %.3fs); none of them can wake another",
                reports.size(), static_cast<double>(deadlock_.blocked_for_ns()) / 1e9,
                static_cast<double>(options_.deadlock_grace_ns) / 1e9);
  emit(options_.json ? format_json("deadlock", title, reports)
                     : format_text(title, reports) + "\n");
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++deadlock_reports_;
  }
  apply_policy(threads);
}

void Watchdog::apply_policy(const std::vector<WatchedThread>& threads) {
  if (options_.policy == HangPolicy::kInterrupt) {
    // Said where the reports go (an embedder's sink has the report itself).
    if (!options_.sink) {
      std::fputs("wasmscope: interrupting every thread of the deadlocked program\n", options_.out);
      std::fflush(options_.out);
    }
    for (const WatchedThread& t : threads) {
      if (t.ctx->state() != ThreadState::kExited) request_terminate(t.ctx);
    }
  } else if (options_.policy == HangPolicy::kAbort) {
    std::fputs("wasmscope: aborting on deadlock (--on-hang abort)\n", stderr);
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
