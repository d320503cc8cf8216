#include "stack/capture.h"

#include <algorithm>
#include <chrono>
#include <mutex>

#include "base/platform/futex.h"
#include "base/platform/thread_signals.h"
#include "stack/symbolizer.h"

namespace wasmscope::internal {

namespace {

/// Waits until the running owner of {ctx} has answered request {seq}: in the capture signal's
/// handler if {use_signal}, else at its next safepoint (the capture request bit), until
/// {deadline}. True when the
/// capture buffer holds the answer.
bool await_copy(ExecContext* ctx, uint32_t seq, bool use_signal, const timespec& deadline) {
  bool signalled = false;
  if (use_signal) {
    install_runtime_signal_handler();
    signalled = send_signal_with_value(ctx->owner.load(std::memory_order_relaxed),
                                       capture_signal(), ctx)
                    .ok();
  }
  if (!signalled) ctx->requests.fetch_or(kRequestCapture, std::memory_order_seq_cst);
  for (;;) {
    if (ctx->captured_seq.load(std::memory_order_acquire) == seq) return true;
    timespec now = {};
    clock_gettime(CLOCK_MONOTONIC, &now);
    const int64_t left = (deadline.tv_sec - now.tv_sec) * 1'000'000'000ll +
                         (deadline.tv_nsec - now.tv_nsec);
    if (left <= 0 || !ctx->capture_done.wait_for(std::chrono::nanoseconds(left))) {
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
  const uint32_t seq = ctx->capture_seq.fetch_add(1, std::memory_order_seq_cst) + 1;
  info.state = lock_state(ctx);
  const FrameRecord* records = nullptr;
  uint32_t available = 0;
  switch (info.state) {
    case ThreadState::kIdle:
    case ThreadState::kExited:
      info.method = CaptureMethod::kIdle;
      break;
    case ThreadState::kInHost:
    case ThreadState::kParked:
      // The lock keeps the owner in this state, so its records cannot change under us.
      info.method = info.state == ThreadState::kInHost ? CaptureMethod::kInHost
                                                       : CaptureMethod::kParked;
      info.depth = ctx->depth.load(std::memory_order_acquire);
      records = ctx->frames();
      available = info.depth;
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
  // Withdraw the request whatever happened: a late answer then finds it answered and copies
  // nothing, so it cannot rewrite the buffer under a later capture.
  ctx->requests.fetch_and(~static_cast<uint32_t>(kRequestCapture), std::memory_order_acq_rel);
  ctx->captured_seq.store(seq, std::memory_order_release);
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
