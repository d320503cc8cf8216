#include "stack/capture.h"

#include <sched.h>

#include <algorithm>
#include <chrono>
#include <mutex>

#include "base/platform/futex.h"
#include "base/platform/thread_signals.h"
#include "engine/code_map.h"
#include "stack/symbolizer.h"

namespace wasmscope::internal {

namespace {

/// Waits until the running owner of {ctx} has answered request {seq}: in the capture signal's
/// handler if {use_signal} (falling back to its next safepoint if the handler is silent for
/// 10 ms), else at its next safepoint (the capture request bit), until {deadline}. True when the
/// capture buffer holds the answer.
bool await_copy(ExecContext* ctx, uint32_t seq, bool use_signal, const timespec& deadline) {
  bool signalled = false;
  // Compiled code has no safepoints: only its signal handler can answer.
  if (ctx->native.activation.load(std::memory_order_relaxed) != nullptr) use_signal = true;
  if (use_signal) {
    install_runtime_signal_handler();
    signalled = send_signal_with_value(ctx->owner.load(std::memory_order_relaxed),
                                       capture_signal(), ctx)
                    .ok();
  }
  if (!signalled) ctx->requests.fetch_or(kRequestCapture, std::memory_order_seq_cst);
  // If the handler has not answered within this grace period (the signal is blocked, or a
  // sanitizer defers it), the next safepoint answers instead.
  const timespec grace = monotonic_deadline(std::chrono::milliseconds(10));
  bool fallback_armed = !signalled;
  for (;;) {
    if (ctx->captured_seq.load(std::memory_order_acquire) == seq) return true;
    timespec now = {};
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (!fallback_armed && deadline_passed(grace)) {
      ctx->requests.fetch_or(kRequestCapture, std::memory_order_seq_cst);
      fallback_armed = true;
    }
    const timespec& until = fallback_armed ? deadline : grace;
    const int64_t left = (until.tv_sec - now.tv_sec) * 1'000'000'000ll +
                         (until.tv_nsec - now.tv_nsec);
    const bool posted =
        left > 0 && ctx->capture_done.wait_for(std::chrono::nanoseconds(left));
    if (!posted && fallback_armed && deadline_passed(deadline)) {
      return ctx->captured_seq.load(std::memory_order_acquire) == seq;
    }
  }
}

}  // namespace

CaptureInfo capture_stack(ExecContext* ctx, FrameRecord* out, uint32_t max, uint32_t skip,
                          const CaptureOptions& options) {
  CaptureInfo info;
  const timespec deadline = monotonic_deadline(std::chrono::nanoseconds(options.timeout_ns));
  std::lock_guard<std::mutex> control(ctx->control);
  while (ctx->capture_done.try_wait()) {
  }  // posts of earlier, timed-out requests
  // Announce the request before locking the state: an owner that then finds the word locked
  // (it was changing state) answers it while it waits, so it cannot sleep through it.
  const uint32_t seq = ctx->capture_seq.fetch_add(1, std::memory_order_relaxed) + 1;
  ctx->capture_open.store(seq, std::memory_order_seq_cst);
  info.state = lock_state(ctx);
  const FrameRecord* records = nullptr;
  uint32_t available = 0;
  std::vector<FrameRecord> expanded;
  switch (info.state) {
    case ThreadState::kIdle:
    case ThreadState::kExited:
      info.method = CaptureMethod::kIdle;
      break;
    case ThreadState::kWaiting:
      // In memory.atomic.wait: blocked like a host call, and locked in that state.
      info.wait_memory = ctx->wait_memory.load(std::memory_order_relaxed);
      info.wait_address = ctx->wait_address.load(std::memory_order_relaxed);
      info.wait_deadline_ns = ctx->wait_deadline_ns.load(std::memory_order_relaxed);
      [[fallthrough]];
    case ThreadState::kInHost:
    case ThreadState::kParked:
      // The lock keeps the owner in this state, so its records cannot change under us.
      info.method = info.state == ThreadState::kParked ? CaptureMethod::kParked
                                                       : CaptureMethod::kInHost;
      info.depth = ctx->depth.load(std::memory_order_acquire);
      records = ctx->frames();
      available = info.depth;
      if (has_activation(records, available)) {
        // Compiled frames: walked from where they left for the host (code_map.h).
        expanded = expand_frozen(records, available);
        records = expanded.data();
        available = info.depth = static_cast<uint32_t>(expanded.size());
      }
      break;
    case ThreadState::kRunningWasm:
      if (!await_copy(ctx, seq, options.use_signal, deadline)) {
        info.timed_out = true;
        break;
      }
      info.method = ctx->captured_in_handler.load(std::memory_order_relaxed)
                        ? CaptureMethod::kSignal
                        : CaptureMethod::kSafepoint;
      info.depth = ctx->captured_depth.load(std::memory_order_acquire);
      records = ctx->capture_buffer();
      available = std::min(info.depth, ctx->max_frames());
      break;
  }
  // Close the request whatever happened, so no late answer can start. If the owner claimed
  // it but has not finished copying (a timeout at the wrong moment), wait for the copy: it
  // is a bounded loop of plain stores on a thread that is running.
  ctx->requests.fetch_and(~static_cast<uint32_t>(kRequestCapture), std::memory_order_acq_rel);
  if (ctx->capture_open.exchange(0, std::memory_order_acq_rel) != seq) {
    while (ctx->captured_seq.load(std::memory_order_acquire) != seq) sched_yield();
  }
  // Innermost first; every frame but the innermost is a caller.
  for (uint32_t i = skip; i < available && info.copied < max; ++i) {
    FrameRecord record = records[available - 1 - i];
    if (i > 0) record.pc = call_position(record);
    out[info.copied++] = record;
  }
  info.truncated = info.depth > skip && info.copied < info.depth - skip;
  unlock_state(ctx);
  return info;
}

}  // namespace wasmscope::internal
