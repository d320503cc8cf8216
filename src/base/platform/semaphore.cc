#include "base/platform/semaphore.h"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>

namespace wasmscope::internal {

namespace {

// The futex word is the atomic's storage (same size, lock-free, no padding).
uint32_t* futex_word(std::atomic<uint32_t>* count) {
  return reinterpret_cast<uint32_t*>(count);
}

// Sleeps while {*word == expected}, until the absolute monotonic {deadline} (null: forever).
// Returns the errno of the wait (0 when woken).
int futex_wait(uint32_t* word, uint32_t expected, const timespec* deadline) {
  // FUTEX_WAIT_BITSET takes an absolute CLOCK_MONOTONIC deadline, so retries after EINTR
  // need no arithmetic.
  long rc = syscall(SYS_futex, word, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, expected, deadline,
                    nullptr, FUTEX_BITSET_MATCH_ANY);
  return rc == 0 ? 0 : errno;
}

timespec deadline_after(std::chrono::nanoseconds timeout) {
  timespec now = {};
  clock_gettime(CLOCK_MONOTONIC, &now);
  int64_t nanos = timeout.count() < 0 ? 0 : timeout.count();
  int64_t total = now.tv_nsec + nanos % 1000000000;
  timespec deadline = {};
  deadline.tv_sec = now.tv_sec + static_cast<time_t>(nanos / 1000000000 + total / 1000000000);
  deadline.tv_nsec = static_cast<long>(total % 1000000000);
  return deadline;
}

}  // namespace

// async-signal-safe
void Semaphore::post() {
  count_.fetch_add(1, std::memory_order_release);
  int saved_errno = errno;
  syscall(SYS_futex, futex_word(&count_), FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, nullptr, nullptr, 0);
  errno = saved_errno;
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
  timespec deadline = deadline_after(timeout);
  for (;;) {
    if (try_wait()) return true;
    // EAGAIN: the count changed before we slept; EINTR: a signal; 0: woken. All retry.
    if (futex_wait(futex_word(&count_), 0, &deadline) == ETIMEDOUT) return try_wait();
  }
}

void Semaphore::wait() {
  while (!try_wait())
    futex_wait(futex_word(&count_), 0, nullptr);
}

}  // namespace wasmscope::internal
