// Deadlock detection over a program's guest threads (DESIGN.md, "Threads"): a program is
// deadlocked when every live guest thread is blocked with no way out — in memory.atomic.wait
// with no deadline, which is where pthread mutexes, condition variables and joins all end up —
// and nothing has changed for a grace period. A thread that waits with a deadline, runs, is in
// a host call (another thread or the outside world may complete it) or has not started yet
// keeps the program out of that verdict.
#pragma once

#include <cstdint>
#include <vector>

namespace wasmscope::internal::diag {

/// What the detector needs to know of one guest thread at one moment.
struct BlockedThread {
  uint32_t id = 0;
  bool exited = false;          ///< Gone: does not count either way.
  bool waits_forever = false;   ///< In memory.atomic.wait with no deadline.
  uint64_t since_ns = 0;        ///< When it entered its current state (CLOCK_MONOTONIC).
};

/// Decides, from successive observations of a program's threads, whether it is deadlocked.
/// Not thread-safe: one observer (the watchdog's thread) feeds it.
class DeadlockDetector {
 public:
  explicit DeadlockDetector(uint64_t grace_ns) : grace_ns_(grace_ns) {}

  /// Feeds the threads as seen at {now_ns}. True when every live thread waits forever, no
  /// thread has changed state since the previous observation, and the most recent of those
  /// waits began at least the grace period ago. The snapshot is taken thread by thread, not
  /// atomically; requiring two observations that agree on every thread's state and since-time
  /// means a thread that ran in between (and so changed its since-time) cannot be missed.
  bool observe(const std::vector<BlockedThread>& threads, uint64_t now_ns);

  /// How long the program has been deadlocked at the last positive {observe}: from the start
  /// of the most recent wait.
  uint64_t blocked_for_ns() const { return blocked_for_ns_; }

  /// Forgets earlier observations (after a report, so the next one needs a fresh grace).
  void reset() { previous_.clear(); }

 private:
  uint64_t grace_ns_;
  uint64_t blocked_for_ns_ = 0;
  std::vector<BlockedThread> previous_;
};

}  // namespace wasmscope::internal::diag
