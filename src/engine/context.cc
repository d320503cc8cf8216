#include "engine/context.h"

#include <sched.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>

#include "base/platform/futex.h"
#include "base/platform/thread_signals.h"
#include "engine/code_map.h"
#include "engine/compiled.h"
#include "engine/instance_data.h"

namespace wasmscope::internal {

namespace {

std::atomic<uint32_t> g_next_context_id{1};

__attribute__((tls_model("initial-exec"))) constinit thread_local ExecContext* t_current = nullptr;

/// How often suspend and terminate signal again a thread running wasm that has not answered
/// (the signal found it in a runtime helper, or about to enter compiled code).
constexpr uint64_t kResignalNs = 1'000'000;

constexpr uint32_t word_of(ThreadState state) { return static_cast<uint32_t>(state); }

uint64_t monotonic_ns() {
  timespec now = {};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<uint64_t>(now.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(now.tv_nsec);
}

/// Sleeps while the owner is parked: until the suspend request is withdrawn or a terminate
/// arrives. Captures of a parked thread read its records directly, so nothing to answer here.
void park_until_resumed(ExecContext* ctx) {
  for (;;) {
    const uint32_t r = ctx->requests.load(std::memory_order_acquire);
    if ((r & kRequestSuspend) == 0 || (r & kRequestTerminate) != 0) return;
    futex_wait(&ctx->requests, r, nullptr);  // EINTR, EAGAIN, wake: all re-check
  }
}

/// Waits until a controller unlocks the state word (which held {word}), answering a pending
/// capture request first (the records are stable: the owner is between states).
void wait_for_unlock(ExecContext* ctx, uint32_t word) {
  answer_capture(ctx);  // copies only if a request is pending (announced before the lock)
  // Bounded: a request announced after the check above is answered within a millisecond
  // even if its signal's handler is deferred (as sanitizers do).
  const timespec deadline = monotonic_deadline(std::chrono::milliseconds(1));
  futex_wait(&ctx->state_word, word, &deadline);
}

/// The runtime signal's handler: answers a capture request sent with {sigqueue} (its value is
/// the context to capture) and otherwise only interrupts the system call the thread is in.
// async-signal-safe
bool on_runtime_signal(int, siginfo_t* info, void* ucontext) {
  if (!sent_by_this_process(info)) return false;
  if (info->si_code == SI_QUEUE && info->si_value.sival_ptr != nullptr) {
    auto* target = static_cast<ExecContext*>(info->si_value.sival_ptr);
    // The controller holds the target's state, so this thread still runs on it; a stale
    // signal (of a capture that timed out) finds nothing pending and does nothing.
    if (target == t_current) answer_capture(target, true, ucontext);
  }
  // Compiled code has no safepoints: it answers suspend and terminate here (code_map.h).
  if (t_current != nullptr && t_current->native.activation.load(std::memory_order_relaxed) != nullptr) {
    service_native_requests(t_current, ucontext);
  }
  return true;
}

}  // namespace

ExecContext::ExecContext(ContextLimits limits)
    : limits_(limits),
      id_(g_next_context_id.fetch_add(1, std::memory_order_relaxed)),
      stack_(new uint64_t[limits.value_stack_slots]),
      frames_(new FrameRecord[limits.max_frames]),
      capture_buffer_(new FrameRecord[limits.max_frames]) {}

void ExecContext::release_storage() {
  std::lock_guard<std::mutex> lock(control);
  // Captures of an exited thread read no records (capture.cc treats kExited like kIdle), and
  // its signal handler no longer runs on this context: nothing reads the regions afterwards.
  stack_.reset();
  frames_.reset();
  capture_buffer_.reset();
}

// async-signal-safe
ExecContext* current_context() { return t_current; }

ExecContext* set_current_context(ExecContext* ctx) {
  ExecContext* previous = t_current;
  t_current = ctx;
  return previous;
}

void transition(ExecContext* ctx, ThreadState from, ThreadState to) {
  (void)from;  // the word holds where the owner is; {from} documents the call site
  for (;;) {
    uint32_t word = ctx->state_word.load(std::memory_order_acquire);
    if ((word & kStateLocked) != 0) {
      wait_for_unlock(ctx, word);
      continue;
    }
    const bool held = (word & kStateHeld) != 0;
    const bool terminating =
        (ctx->requests.load(std::memory_order_acquire) & kRequestTerminate) != 0;
    if (held && to == ThreadState::kRunningWasm && !terminating) {
      // Suspended while in a host call or idle: park before touching guest state.
      if (ctx->state_word.compare_exchange_weak(word, word_of(ThreadState::kParked),
                                                std::memory_order_acq_rel)) {
        park_until_resumed(ctx);
      }
      continue;
    }
    // A hold survives moves between non-running states (in_host -> idle keeps it).
    const uint32_t keep = held && to != ThreadState::kRunningWasm ? static_cast<uint32_t>(kStateHeld) : 0u;
    if (ctx->state_word.compare_exchange_weak(word, word_of(to) | keep,
                                              std::memory_order_acq_rel)) {
      const uint64_t now = monotonic_ns();
      ctx->state_since_ns.store(now, std::memory_order_relaxed);
      if ((word & kStateMask) == word_of(ThreadState::kIdle)) {
        ctx->call_start_ns.store(now, std::memory_order_relaxed);
      }
      return;
    }
  }
}

// async-signal-safe
uint32_t copy_own_records(const ExecContext* ctx, FrameRecord* to, uint32_t max,
                          uint32_t* depth_out, const void* ucontext) {
  const uint32_t depth = ctx->depth.load(std::memory_order_acquire);
  if (has_activation(ctx->frames(), depth)) {
    const NativeRegs regs = regs_from_ucontext(ucontext);
    return expand_records(ctx->frames(), depth, &regs, to, max, depth_out);
  }
  const uint32_t n = depth < max ? depth : max;
  const FrameRecord* from = ctx->frames() + (depth - n);
  for (uint32_t i = 0; i < n; ++i) to[i] = from[i];  // no memcpy: plain stores in a handler
  // The innermost frame's newer position, if the owner is between safepoints of a loop. It is
  // cleared before {depth} changes, so it belongs to the innermost record; the range check
  // only guards against a bug ever pairing it with another function.
  const uint64_t* position = ctx->position.load(std::memory_order_relaxed);
  if (position != nullptr && n > 0) {
    const CompiledFunc* code = to[n - 1].func != nullptr ? to[n - 1].func->code : nullptr;
    if (code != nullptr && position >= code->code.data() &&
        position < code->code.data() + code->code.size()) {
      to[n - 1].pc = position;
    }
  }
  *depth_out = depth;
  return n;
}

pid_t current_tid() {
  static thread_local pid_t tid = 0;
  if (tid == 0) tid = static_cast<pid_t>(syscall(SYS_gettid));
  return tid;
}

// async-signal-safe
void answer_capture(ExecContext* ctx, bool in_handler, const void* ucontext) {
  // Claim the open request: only one copy per request (the handler may interrupt a copy made
  // while waiting for the lock, and then finds nothing open), and none after the controller
  // closed it, so the buffer never changes while a controller reads it.
  uint32_t seq = ctx->capture_open.load(std::memory_order_acquire);
  if (seq == 0 ||
      !ctx->capture_open.compare_exchange_strong(seq, 0, std::memory_order_acq_rel)) {
    return;
  }
  uint32_t depth = 0;
  (void)copy_own_records(ctx, ctx->capture_buffer(), ctx->max_frames(), &depth, ucontext);
  ctx->captured_depth.store(depth, std::memory_order_relaxed);
  ctx->captured_in_handler.store(in_handler, std::memory_order_relaxed);
  ctx->requests.fetch_and(~static_cast<uint32_t>(kRequestCapture), std::memory_order_relaxed);
  ctx->captured_seq.store(seq, std::memory_order_release);
  ctx->capture_done.post();
}

Trap service_requests(ExecContext* ctx) {
  uint32_t requests = ctx->requests.load(std::memory_order_acquire);
  if (requests & kRequestCapture) answer_capture(ctx);
  if ((requests & kRequestSuspend) && !(requests & kRequestTerminate)) {
    transition(ctx, ThreadState::kRunningWasm, ThreadState::kParked);
    park_until_resumed(ctx);
    transition(ctx, ThreadState::kParked, ThreadState::kRunningWasm);
    requests = ctx->requests.load(std::memory_order_acquire);
  }
  if (requests & kRequestTerminate) {
    ctx->requests.fetch_and(~static_cast<uint32_t>(kRequestTerminate), std::memory_order_acq_rel);
    return Trap::kInterrupted;
  }
  return Trap::kNone;
}

WaitOutcome wait_as_guest(ExecContext* ctx, const void* memory, uint64_t address,
                          const void* cell, uint64_t expected, uint32_t width,
                          int64_t timeout_ns) {
  timespec deadline = {};
  uint64_t deadline_ns = 0;
  if (timeout_ns >= 0) {
    // Saturates: a timeout of centuries is as good as none, but stays a timeout.
    const uint64_t now = monotonic_ns();
    deadline_ns = now + std::min<uint64_t>(static_cast<uint64_t>(timeout_ns), UINT64_MAX / 2 - now);
    deadline.tv_sec = static_cast<time_t>(deadline_ns / 1'000'000'000ull);
    deadline.tv_nsec = static_cast<long>(deadline_ns % 1'000'000'000ull);
  }
  Waiter waiter;
  ctx->wait_memory.store(memory, std::memory_order_relaxed);
  ctx->wait_address.store(address, std::memory_order_relaxed);
  ctx->wait_deadline_ns.store(deadline_ns, std::memory_order_relaxed);
  ctx->waiter.store(&waiter, std::memory_order_relaxed);
  transition(ctx, ThreadState::kRunningWasm, ThreadState::kWaiting);
  // A terminate that found us still running did not cancel {waiter}: check for it here (the
  // request bit was set before the controller took the state lock we transitioned through).
  const WaitOutcome outcome =
      (ctx->requests.load(std::memory_order_acquire) & kRequestTerminate) != 0
          ? WaitOutcome::kCancelled
          : wait_for_notify(&waiter, memory, address, cell, expected, width,
                            timeout_ns >= 0 ? &deadline : nullptr);
  transition(ctx, ThreadState::kWaiting, ThreadState::kRunningWasm);
  ctx->waiter.store(nullptr, std::memory_order_relaxed);
  return outcome;
}

ThreadState lock_state(ExecContext* ctx) {
  uint32_t word = ctx->state_word.load(std::memory_order_acquire);
  while (!ctx->state_word.compare_exchange_weak(word, word | kStateLocked,
                                                std::memory_order_acq_rel)) {
  }
  return static_cast<ThreadState>(word & kStateMask);
}

void unlock_state(ExecContext* ctx) {
  ctx->state_word.fetch_and(~static_cast<uint32_t>(kStateLocked), std::memory_order_acq_rel);
  futex_wake_all(&ctx->state_word);
}

/// Sends the runtime signal to the owner if it runs wasm, with the state locked so it cannot
/// finish its call (or its thread exit) meanwhile. False if it was not running wasm.
static bool signal_if_running(ExecContext* ctx) {
  const bool running = lock_state(ctx) == ThreadState::kRunningWasm;
  if (running) (void)send_signal(ctx->owner.load(std::memory_order_relaxed), capture_signal());
  unlock_state(ctx);
  return running;
}

SuspendOutcome suspend(ExecContext* ctx, uint64_t timeout_ns) {
  ctx->requests.fetch_or(kRequestSuspend, std::memory_order_seq_cst);
  const timespec deadline = monotonic_deadline(std::chrono::nanoseconds(timeout_ns));
  bool signalled = false;
  uint64_t signalled_ns = 0;
  for (;;) {
    uint32_t word = ctx->state_word.load(std::memory_order_acquire);
    const auto state = static_cast<ThreadState>(word & kStateMask);
    const auto held_outcome =
        state == ThreadState::kParked ? SuspendOutcome::kParked : SuspendOutcome::kInHost;
    if ((word & kStateHeld) != 0) return held_outcome;
    // Not running guest code: hold it where it is. A parked owner is held too, since one just
    // resumed may have read the request bits before this suspend set its own and be about to
    // leave kParked; the hold makes that compare-and-swap fail, and it parks again.
    if (state == ThreadState::kParked || state == ThreadState::kInHost ||
        state == ThreadState::kWaiting || state == ThreadState::kIdle ||
        state == ThreadState::kExited) {
      if (ctx->state_word.compare_exchange_weak(word, word | kStateHeld,
                                                std::memory_order_acq_rel)) {
        return held_outcome;
      }
      continue;
    }
    if (deadline_passed(deadline)) {
      resume(ctx);  // withdraw: the owner may have parked meanwhile
      return SuspendOutcome::kTimedOut;
    }
    // Running guest code: it parks at its next safepoint (function entry or loop back-edge);
    // compiled code has none, and parks in the runtime signal's handler instead.
    // A signal that lands in a runtime helper (outside compiled code) is not answered there,
    // so it is sent again every millisecond until the thread parks.
    if (state == ThreadState::kRunningWasm &&
        (!signalled || monotonic_ns() - signalled_ns >= kResignalNs)) {
      install_runtime_signal_handler();
      (void)signal_if_running(ctx);
      signalled = true;
      signalled_ns = monotonic_ns();
      continue;
    }
    const timespec pause = {0, 20'000};
    nanosleep(&pause, nullptr);
  }
}

void resume(ExecContext* ctx) {
  ctx->requests.fetch_and(~static_cast<uint32_t>(kRequestSuspend), std::memory_order_seq_cst);
  ctx->state_word.fetch_and(~static_cast<uint32_t>(kStateHeld), std::memory_order_acq_rel);
  futex_wake_all(&ctx->requests);
}

namespace {
std::mutex g_runtime_signal_mutex;
bool g_runtime_signal_installed = false;  // guarded by g_runtime_signal_mutex
}  // namespace

Result<void> choose_runtime_signal(int sig) {
  std::lock_guard<std::mutex> lock(g_runtime_signal_mutex);
  if (g_runtime_signal_installed) {
    if (sig == capture_signal()) return {};
    return Error{ErrorKind::kInvalid, 0,
                 "the runtime signal must be chosen before the first capture or terminate"};
  }
  return set_capture_signal(sig);
}

void install_runtime_signal_handler() {
  std::lock_guard<std::mutex> lock(g_runtime_signal_mutex);
  if (g_runtime_signal_installed) return;
  g_runtime_signal_installed = install_signal_handler(capture_signal(), on_runtime_signal).ok();
}

void request_terminate(ExecContext* ctx) {
  install_runtime_signal_handler();
  std::lock_guard<std::mutex> control(ctx->control);
  // The bit is set before the state is read and the signal sent: a thread that blocks after
  // the signal arrived checks the bit with the signal masked (see wasi's {wait_until}).
  ctx->requests.fetch_or(kRequestTerminate, std::memory_order_seq_cst);
  // A suspended thread must be able to unwind: drop the suspension.
  resume(ctx);
  // Locked, the owner cannot finish its call (and its thread cannot exit) while we signal it,
  // nor leave a wait (so its waiter is alive while we cancel it).
  const ThreadState state = lock_state(ctx);
  if (state == ThreadState::kWaiting) {
    if (Waiter* waiter = ctx->waiter.load(std::memory_order_acquire)) cancel_wait(waiter);
  } else if (state != ThreadState::kIdle && state != ThreadState::kExited) {
    (void)send_signal(ctx->owner.load(std::memory_order_relaxed), capture_signal());
  }
  unlock_state(ctx);
  if (state != ThreadState::kRunningWasm) return;
  // Compiled code answers in the signal's handler, which acts only when the signal finds the
  // thread in compiled code: one landing in a runtime helper (an indirect call's lookup, a
  // memory.fill) is not answered, and the code it returns to has no safepoint to see the
  // request later. So, while the thread runs compiled code and the request is pending, send
  // the signal again each millisecond (also while the thread is about to enter compiled code,
  // its activation not yet published, when the handler cannot act either); the interpreter
  // consumes the request at its next safepoint, and any other state ends the wait (a host
  // call or wait sees it on return).
  // Bounded (5 s; a thread in compiled code answers within a signal or two), so a controller
  // is never stuck: a request still pending then is seen when the thread leaves a helper.
  const uint64_t start_ns = monotonic_ns();
  uint64_t signalled_ns = start_ns;
  for (;;) {
    const timespec pause = {0, 50'000};  // checks often, signals again each kResignalNs
    nanosleep(&pause, nullptr);
    if ((ctx->requests.load(std::memory_order_acquire) & kRequestTerminate) == 0) return;
    const uint64_t now = monotonic_ns();
    if (now - start_ns > 5'000'000'000ull) return;
    if (now - signalled_ns < kResignalNs) continue;
    if (!signal_if_running(ctx)) return;
    signalled_ns = monotonic_ns();
  }
}

}  // namespace wasmscope::internal
