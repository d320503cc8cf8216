#include "base/platform/futex.h"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

namespace wasmscope::internal {

namespace {

// The futex word is the atomic's storage (same size, lock-free, no padding).
uint32_t* raw(std::atomic<uint32_t>* word) { return reinterpret_cast<uint32_t*>(word); }

}  // namespace

int futex_wait(std::atomic<uint32_t>* word, uint32_t expected, const timespec* deadline) {
  // FUTEX_WAIT_BITSET takes an absolute CLOCK_MONOTONIC deadline, so retries after EINTR
  // need no arithmetic.
  const long rc = syscall(SYS_futex, raw(word), FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, expected,
                          deadline, nullptr, FUTEX_BITSET_MATCH_ANY);
  return rc == 0 ? 0 : errno;
}

// async-signal-safe
void futex_wake_all(std::atomic<uint32_t>* word) {
  const int saved_errno = errno;
  syscall(SYS_futex, raw(word), FUTEX_WAKE | FUTEX_PRIVATE_FLAG, INT32_MAX, nullptr, nullptr, 0);
  errno = saved_errno;
}

timespec monotonic_deadline(std::chrono::nanoseconds timeout) {
  timespec now = {};
  clock_gettime(CLOCK_MONOTONIC, &now);
  const int64_t nanos = timeout.count() < 0 ? 0 : timeout.count();
  const int64_t total = now.tv_nsec + nanos % 1000000000;
  timespec deadline = {};
  deadline.tv_sec = now.tv_sec + static_cast<time_t>(nanos / 1000000000 + total / 1000000000);
  deadline.tv_nsec = static_cast<long>(total % 1000000000);
  return deadline;
}

bool deadline_passed(const timespec& deadline) {
  timespec now = {};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return now.tv_sec > deadline.tv_sec ||
         (now.tv_sec == deadline.tv_sec && now.tv_nsec >= deadline.tv_nsec);
}

}  // namespace wasmscope::internal
