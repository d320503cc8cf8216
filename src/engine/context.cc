#include "engine/context.h"

#include <mutex>

#include "base/platform/thread_signals.h"

namespace wasmscope::internal {

ExecContext::ExecContext(ContextLimits limits)
    : limits_(limits),
      stack_(new uint64_t[limits.value_stack_slots]),
      frames_(new FrameRecord[limits.max_frames]) {}

namespace {

/// The runtime's own signal: its only effect so far is to interrupt a blocking system call,
/// which the caller then resumes or abandons after checking its requests.
// async-signal-safe
bool on_runtime_signal(int, siginfo_t* info, void*) { return sent_by_this_process(info); }

}  // namespace

void install_runtime_signal_handler() {
  static std::once_flag once;
  std::call_once(once, [] { (void)install_signal_handler(capture_signal(), on_runtime_signal); });
}

void request_terminate(ExecContext* ctx) {
  install_runtime_signal_handler();
  // The bit is set before the state is read and the signal sent: a thread that blocks after
  // the signal arrived checks the bit with the signal masked (see wasi's {wait_until}).
  ctx->requests.fetch_or(kRequestTerminate, std::memory_order_seq_cst);
  const ThreadState state = ctx->state.load(std::memory_order_seq_cst);
  if (state == ThreadState::kIdle || state == ThreadState::kExited) return;
  (void)send_signal(ctx->owner.load(std::memory_order_relaxed), capture_signal());
}

}  // namespace wasmscope::internal
