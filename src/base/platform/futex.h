// Raw futex waits and wakes on a 32-bit atomic: the blocking primitive under the semaphore and
// the thread-state protocol (parking, waiting for a controller to finish).
#pragma once

#include <time.h>

#include <atomic>
#include <chrono>
#include <cstdint>

namespace wasmscope::internal {

/// Sleeps while {*word == expected}, until woken, interrupted by a signal, or the absolute
/// CLOCK_MONOTONIC {deadline} (null: no deadline). Returns 0 when woken, else the errno
/// (EAGAIN: the value differed; EINTR; ETIMEDOUT). Callers re-check their condition.
int futex_wait(std::atomic<uint32_t>* word, uint32_t expected, const timespec* deadline);

/// Wakes every thread sleeping on {word}.
// async-signal-safe
void futex_wake_all(std::atomic<uint32_t>* word);

/// The absolute CLOCK_MONOTONIC time {timeout} from now (negative counts as zero).
timespec monotonic_deadline(std::chrono::nanoseconds timeout);

/// True once CLOCK_MONOTONIC has reached {deadline}.
bool deadline_passed(const timespec& deadline);

static_assert(sizeof(std::atomic<uint32_t>) == sizeof(uint32_t));
static_assert(std::atomic<uint32_t>::is_always_lock_free);

}  // namespace wasmscope::internal
