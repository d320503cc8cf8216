#include "diag/deadlock.h"

#include <algorithm>

namespace wasmscope::internal::diag {

namespace {

bool same_observation(const std::vector<BlockedThread>& a, const std::vector<BlockedThread>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](const BlockedThread& x, const BlockedThread& y) {
                      return x.id == y.id && x.exited == y.exited &&
                             x.waits_forever == y.waits_forever && x.since_ns == y.since_ns;
                    });
}

}  // namespace

bool DeadlockDetector::observe(const std::vector<BlockedThread>& threads, uint64_t now_ns) {
  std::vector<BlockedThread> current = threads;
  std::sort(current.begin(), current.end(),
            [](const BlockedThread& x, const BlockedThread& y) { return x.id < y.id; });
  const bool unchanged = same_observation(current, previous_);
  previous_ = std::move(current);

  uint64_t latest_wait = 0;
  size_t live = 0;
  for (const BlockedThread& t : previous_) {
    if (t.exited) continue;
    if (!t.waits_forever) return false;
    ++live;
    latest_wait = std::max(latest_wait, t.since_ns);
  }
  if (live == 0 || !unchanged || now_ns < latest_wait || now_ns - latest_wait < grace_ns_) {
    return false;
  }
  blocked_for_ns_ = now_ns - latest_wait;
  return true;
}

}  // namespace wasmscope::internal::diag
