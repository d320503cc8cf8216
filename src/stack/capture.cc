#include "stack/capture.h"

#include <algorithm>
#include <chrono>
#include <mutex>

#include "base/platform/futex.h"
#include "base/platform/thread_signals.h"

namespace wasmscope::internal {

namespace {

/// Asks the running owner of {ctx} for a copy of its records and waits for the answer until
/// {deadline}. True when the capture buffer holds the answer.
bool request_copy(ExecContext* ctx, bool use_signal, const timespec& deadline,
                  CaptureMethod* method) {
  while (ctx->capture_done.try_wait()) {
  }  // posts of earlier, timed-out requests
  const uint32_t seq = ctx->capture_seq.fetch_add(1, std::memory_order_acq_rel) + 1;
  bool signalled = false;
  if (use_signal) {
    install_runtime_signal_handler();
    signalled = send_signal_with_value(ctx->owner.load(std::memory_order_relaxed),
                                       capture_signal(), ctx)
                    .ok();
  }
  *method = signalled ? CaptureMethod::kSignal : CaptureMethod::kSafepoint;
  if (!signalled) ctx->requests.fetch_or(kRequestCapture, std::memory_order_acq_rel);
  for (;;) {
    if (ctx->captured_seq.load(std::memory_order_acquire) == seq) return true;
    timespec now = {};
    clock_gettime(CLOCK_MONOTONIC, &now);
    const int64_t left = (deadline.tv_sec - now.tv_sec) * 1'000'000'000ll +
                         (deadline.tv_nsec - now.tv_nsec);
    if (left <= 0 || !ctx->capture_done.wait_for(std::chrono::nanoseconds(left))) {
      if (ctx->captured_seq.load(std::memory_order_acquire) == seq) return true;
      // Withdraw: a late answer finds the request answered-or-gone and copies nothing.
      ctx->requests.fetch_and(~static_cast<uint32_t>(kRequestCapture), std::memory_order_acq_rel);
      ctx->captured_seq.store(seq, std::memory_order_release);
      return false;
    }
  }
}

}  // namespace

CaptureInfo capture_stack(ExecContext* ctx, FrameRecord* out, uint32_t max, uint32_t skip,
                          const CaptureOptions& options) {
  CaptureInfo info;
  const timespec deadline = monotonic_deadline(std::chrono::nanoseconds(options.timeout_ns));
  std::lock_guard<std::mutex> control(ctx->control);
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
      if (!request_copy(ctx, options.use_signal, deadline, &info.method)) {
        info.timed_out = true;
        break;
      }
      info.depth = ctx->captured_depth.load(std::memory_order_acquire);
      records = ctx->capture_buffer();
      available = std::min(info.depth, ctx->max_frames());
      break;
  }
  // Innermost first.
  for (uint32_t i = skip; i < available && info.copied < max; ++i) {
    out[info.copied++] = records[available - 1 - i];
  }
  info.truncated = info.depth > skip && info.copied < info.depth - skip;
  unlock_state(ctx);
  return info;
}

}  // namespace wasmscope::internal
