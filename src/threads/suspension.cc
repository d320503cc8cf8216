#include "threads/suspension.h"

#include <algorithm>
#include <chrono>

namespace wasmscope::internal {

ControlLocks::ControlLocks(std::vector<ExecContext*> contexts) : contexts_(std::move(contexts)) {
  std::sort(contexts_.begin(), contexts_.end(),
            [](const ExecContext* a, const ExecContext* b) { return a->id() < b->id(); });
  contexts_.erase(std::unique(contexts_.begin(), contexts_.end()), contexts_.end());
  for (ExecContext* ctx : contexts_) ctx->control.lock();
}

ControlLocks::~ControlLocks() {
  for (auto it = contexts_.rbegin(); it != contexts_.rend(); ++it) (*it)->control.unlock();
}

GroupSuspension suspend_together(std::span<ExecContext* const> contexts, uint64_t timeout_ns) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::nanoseconds(
                                           std::min<uint64_t>(timeout_ns, INT64_MAX / 2));
  // Whose suspension it is: a bit already set is another controller's finished suspend (we
  // hold every control, so none is in progress), which this call must neither count as its
  // own nor undo.
  std::vector<bool> ours(contexts.size());
  for (size_t i = 0; i < contexts.size(); ++i) {
    const uint32_t before =
        contexts[i]->requests.fetch_or(kRequestSuspend, std::memory_order_seq_cst);
    ours[i] = (before & kRequestSuspend) == 0;
  }
  GroupSuspension out;
  for (size_t i = 0; i < contexts.size(); ++i) {
    const auto left = std::max(deadline - Clock::now(), Clock::duration::zero());
    const auto left_ns = static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(left).count());
    if (suspend(contexts[i], left_ns) != SuspendOutcome::kTimedOut) continue;
    // {suspend} withdrew its own request; withdraw ours from every other context (those after
    // {i} may have parked already on the request set above).
    for (size_t j = 0; j < contexts.size(); ++j) {
      if (j != i && ours[j]) resume(contexts[j]);
    }
    out.timed_out = contexts[i];
    return out;
  }
  for (size_t i = 0; i < contexts.size(); ++i) {
    if (ours[i]) out.suspended.push_back(contexts[i]);
  }
  return out;
}

}  // namespace wasmscope::internal
