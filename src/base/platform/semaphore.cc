#include "base/platform/semaphore.h"

#include <cerrno>

#include "base/platform/futex.h"

namespace wasmscope::internal {

// async-signal-safe
void Semaphore::post() {
  count_.fetch_add(1, std::memory_order_release);
  futex_wake_all(&count_);
}

// async-signal-safe
bool Semaphore::try_wait() {
  uint32_t seen = count_.load(std::memory_order_relaxed);
  while (seen != 0) {
    if (count_.compare_exchange_weak(seen, seen - 1, std::memory_order_acquire,
                                     std::memory_order_relaxed)) {
      return true;
    }
  }
  return false;
}

bool Semaphore::wait_for(std::chrono::nanoseconds timeout) {
  const timespec deadline = monotonic_deadline(timeout);
  for (;;) {
    if (try_wait()) return true;
    // EAGAIN: the count changed before we slept; EINTR: a signal; 0: woken. All retry.
    if (futex_wait(&count_, 0, &deadline) == ETIMEDOUT) return try_wait();
  }
}

void Semaphore::wait() {
  while (!try_wait())
    futex_wait(&count_, 0, nullptr);
}

}  // namespace wasmscope::internal
