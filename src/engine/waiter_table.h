// The process-wide waiter table behind memory.atomic.wait and memory.atomic.notify (threads
// proposal): threads wait on a (memory, address) key until another thread notifies that key,
// their deadline passes, or a controller cancels the wait (terminate).
//
// The table is a fixed array of buckets chosen by hashing the key; each bucket is a mutex and
// an intrusive FIFO list of {Waiter}s. A waiter lives on its thread's stack and sleeps on its
// own futex word, so a notify wakes exactly the threads it chose, oldest first, and a
// cancellation needs no lock at all. It knows nothing of contexts: the engine's glue
// ({wait_as_guest} in engine/atomic_wait.h) adds the thread-state protocol.
#pragma once

#include <time.h>

#include <atomic>
#include <cstdint>

namespace wasmscope::internal {

/// How a wait ended. The first three are memory.atomic.wait's results (0 ok, 1 not-equal,
/// 2 timed-out); {kCancelled} is a controller's {cancel_wait} (the guest traps instead).
enum class WaitOutcome : uint32_t { kWoken = 0, kNotEqual = 1, kTimedOut = 2, kCancelled = 3 };

/// One waiting thread. Owned by it (usually on its stack) from before {wait_for_notify} until
/// after it returns; {cancel_wait} may be called by another thread as long as the owner
/// guarantees the object is alive (the engine uses the state lock for that).
class Waiter {
 public:
  Waiter() = default;
  Waiter(const Waiter&) = delete;
  Waiter& operator=(const Waiter&) = delete;

 private:
  friend struct WaiterTableAccess;  // the table's implementation (waiter_table.cc)

  /// The futex word: a {WaitOutcome} value once decided, {kPending} while waiting. Set from
  /// pending exactly once (compare-and-swap), by a notifier, the deadline or a canceller.
  static constexpr uint32_t kPending = 0xffffffffu;
  std::atomic<uint32_t> word_{kPending};
  // Guarded by the bucket's mutex.
  const void* memory_ = nullptr;
  uint64_t address_ = 0;
  Waiter* prev_ = nullptr;
  Waiter* next_ = nullptr;
  bool linked_ = false;
};

/// Waits on key ({memory}, {address}) if the {width}-byte (4 or 8) value at host address
/// {cell} equals {expected}: returns kNotEqual at once otherwise. Then sleeps until a
/// {notify_waiters} of the key picks it (kWoken), until the absolute CLOCK_MONOTONIC
/// {deadline} (null: none; kTimedOut), or until {cancel_wait} (kCancelled; also at once if
/// it was cancelled before). The value check and the enqueue are atomic with respect to
/// notifies of the key, so a store followed by a notify cannot slip between them. Signals
/// that interrupt the sleep (captures, samples) do not end it.
WaitOutcome wait_for_notify(Waiter* waiter, const void* memory, uint64_t address,
                            const void* cell, uint64_t expected, uint32_t width,
                            const timespec* deadline);

/// Wakes up to {count} waiters of key ({memory}, {address}), oldest first; returns how many.
uint32_t notify_waiters(const void* memory, uint64_t address, uint32_t count);

/// Ends {waiter}'s wait with kCancelled (if it has not ended otherwise). Lock-free; the
/// caller guarantees {waiter} is alive.
void cancel_wait(Waiter* waiter);

/// Waiters currently queued on key ({memory}, {address}) (for tests and diagnostics).
uint32_t waiter_count(const void* memory, uint64_t address);

}  // namespace wasmscope::internal
