// A counting semaphore that a signal handler may post and another thread may wait on with a
// timeout: how a capture handler tells the requesting thread that its buffer is ready.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace wasmscope::internal {

/// Counting semaphore on a raw futex (process-private). {post} is one atomic add and at most
/// one futex wake: no lock, no allocation, no stdio.
class Semaphore {
 public:
  explicit Semaphore(uint32_t initial = 0) : count_(initial) {}
  Semaphore(const Semaphore&) = delete;
  Semaphore& operator=(const Semaphore&) = delete;

  /// Adds one and wakes a waiter. Thread-safe.
  // async-signal-safe
  void post();

  /// Takes one if available without blocking. Thread-safe.
  // async-signal-safe
  bool try_wait();

  /// Takes one, waiting at most {timeout} (measured on the monotonic clock, so wall-clock
  /// changes do not stretch it; interrupted waits resume with the remaining time). Returns
  /// false on timeout. Thread-safe.
  bool wait_for(std::chrono::nanoseconds timeout);

  /// Takes one, waiting as long as it takes. Thread-safe.
  void wait();

 private:
  // The futex word. Release on post / acquire on take: whatever the poster wrote before
  // posting (a captured stack) is visible to the thread that takes the count.
  std::atomic<uint32_t> count_;
};

static_assert(sizeof(std::atomic<uint32_t>) == sizeof(uint32_t));
static_assert(std::atomic<uint32_t>::is_always_lock_free);

}  // namespace wasmscope::internal
