// Blocking waits that the runtime can still reach: signals it sends for captures and samples
// resume them transparently, a terminate request ends them.
#include <pthread.h>
#include <signal.h>
#include <time.h>

#include <atomic>
#include <cerrno>

#include "base/platform/thread_signals.h"
#include "wasi/internal.h"

namespace wasmscope::internal::wasi {

uint64_t monotonic_now_ns() {
  struct timespec now;
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  return timespec_to_ns(now);
}

Errno interrupted(WasiCall& call) {
  call.trap = Trap::kInterrupted;
  return Errno::kIntr;
}

namespace {

bool terminate_requested(const ExecContext* exec) {
  return exec != nullptr &&
         (exec->requests.load(std::memory_order_seq_cst) & kRequestTerminate) != 0;
}

/// Clears the terminate bit once a blocking call has turned it into the "interrupted" trap,
/// as a safepoint does.
void consume_terminate(ExecContext* exec) {
  exec->requests.fetch_and(~static_cast<uint32_t>(kRequestTerminate), std::memory_order_acq_rel);
}

}  // namespace

// The runtime signal is blocked while the terminate bit is checked, and ppoll unblocks it
// atomically for the wait: a request whose signal arrives after the check is pending and cuts
// the wait short at once, so no request is lost between check and sleep. Every EINTR (ours or
// another signal's) just recomputes the remaining time and waits again.
WaitStatus wait_until(ExecContext* exec, pollfd* fds, nfds_t count, uint64_t deadline_ns) {
  FdTableUnlocked unlocked;  // other threads' WASI calls go on while this one waits
  install_runtime_signal_handler();
  sigset_t runtime_signal;
  sigemptyset(&runtime_signal);
  sigaddset(&runtime_signal, capture_signal());
  sigset_t original;
  pthread_sigmask(SIG_BLOCK, &runtime_signal, &original);
  sigset_t during_wait = original;
  sigdelset(&during_wait, capture_signal());
  WaitStatus status;
  for (;;) {
    if (terminate_requested(exec)) {
      consume_terminate(exec);
      status = WaitStatus::kTerminated;
      break;
    }
    struct timespec timeout;
    struct timespec* timeout_ptr = nullptr;
    if (deadline_ns != UINT64_MAX) {
      const uint64_t now = monotonic_now_ns();
      const uint64_t left = deadline_ns > now ? deadline_ns - now : 0;
      timeout = {static_cast<time_t>(left / 1'000'000'000ull),
                 static_cast<long>(left % 1'000'000'000ull)};
      timeout_ptr = &timeout;
    }
    const int n = ::ppoll(fds, count, timeout_ptr, &during_wait);
    if (n > 0) {
      status = WaitStatus::kReady;
      break;
    }
    if (n == 0) {
      // ppoll may wake a little early on coarse timers: only a passed deadline counts.
      if (deadline_ns != UINT64_MAX && monotonic_now_ns() < deadline_ns) continue;
      status = WaitStatus::kTimedOut;
      break;
    }
    if (errno != EINTR) {
      status = WaitStatus::kError;
      break;
    }
  }
  const int saved_errno = errno;
  pthread_sigmask(SIG_SETMASK, &original, nullptr);
  errno = saved_errno;
  return status;
}

}  // namespace wasmscope::internal::wasi
