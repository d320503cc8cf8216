#include "engine/waiter_table.h"

#include <cerrno>
#include <functional>
#include <mutex>

#include "base/platform/futex.h"

namespace wasmscope::internal {

namespace {

/// One list of waiters: every key that hashes here shares it (a notify skips other keys).
struct Bucket {
  std::mutex mutex;
  Waiter* head = nullptr;  // guarded by {mutex}
  Waiter* tail = nullptr;  // guarded by {mutex}
};

/// Enough buckets that unrelated keys rarely share a lock; a power of two.
constexpr size_t kBucketCount = 256;
Bucket g_buckets[kBucketCount];

Bucket& bucket_of(const void* memory, uint64_t address) {
  const uint64_t h = std::hash<const void*>()(memory) * 0x9e3779b97f4a7c15ull ^ (address >> 2);
  return g_buckets[(h ^ (h >> 29)) & (kBucketCount - 1)];
}

uint64_t load_cell(const void* cell, uint32_t width) {
  // Sequentially consistent, as the spec's wait reads the cell.
  if (width == 4) return __atomic_load_n(static_cast<const uint32_t*>(cell), __ATOMIC_SEQ_CST);
  return __atomic_load_n(static_cast<const uint64_t*>(cell), __ATOMIC_SEQ_CST);
}

}  // namespace

/// The table's side of {Waiter}: list operations, run with the bucket's mutex held.
struct WaiterTableAccess {
  static bool is_pending(const Waiter* w) {
    return w->word_.load(std::memory_order_acquire) == Waiter::kPending;
  }
  /// Decides {w}'s outcome if nobody did yet; true if this call did.
  static bool decide(Waiter* w, WaitOutcome outcome) {
    uint32_t pending = Waiter::kPending;
    return w->word_.compare_exchange_strong(pending, static_cast<uint32_t>(outcome),
                                            std::memory_order_acq_rel);
  }
  static bool has_key(const Waiter* w, const void* memory, uint64_t address) {
    return w->memory_ == memory && w->address_ == address;
  }
  static void append(Bucket& b, Waiter* w, const void* memory, uint64_t address) {
    w->memory_ = memory;
    w->address_ = address;
    w->prev_ = b.tail;
    w->next_ = nullptr;
    (b.tail != nullptr ? b.tail->next_ : b.head) = w;
    b.tail = w;
    w->linked_ = true;
  }
  static void unlink(Bucket& b, Waiter* w) {
    if (!w->linked_) return;
    (w->prev_ != nullptr ? w->prev_->next_ : b.head) = w->next_;
    (w->next_ != nullptr ? w->next_->prev_ : b.tail) = w->prev_;
    w->linked_ = false;
  }
  static Waiter* next(const Waiter* w) { return w->next_; }
  static std::atomic<uint32_t>* word(Waiter* w) { return &w->word_; }
  static constexpr uint32_t kPending = Waiter::kPending;
};

namespace {
using Access = WaiterTableAccess;
}  // namespace

WaitOutcome wait_for_notify(Waiter* waiter, const void* memory, uint64_t address,
                            const void* cell, uint64_t expected, uint32_t width,
                            const timespec* deadline) {
  Bucket& bucket = bucket_of(memory, address);
  {
    std::lock_guard<std::mutex> lock(bucket.mutex);
    if (load_cell(cell, width) != expected) return WaitOutcome::kNotEqual;
    if (!Access::is_pending(waiter)) return WaitOutcome::kCancelled;  // before it began
    Access::append(bucket, waiter, memory, address);
  }
  for (;;) {
    const int error = futex_wait(Access::word(waiter), Access::kPending, deadline);
    if (!Access::is_pending(waiter)) break;
    if (error == ETIMEDOUT || (deadline != nullptr && deadline_passed(*deadline))) {
      Access::decide(waiter, WaitOutcome::kTimedOut);  // a notify or cancel may have won
      break;
    }
    // Woken by a signal (EINTR: a capture, a sample), or spuriously: sleep again.
  }
  // Unlink if no notifier did; taking the lock also means a notifier that picked us has
  // finished with the object before it goes away.
  {
    std::lock_guard<std::mutex> lock(bucket.mutex);
    Access::unlink(bucket, waiter);
  }
  return static_cast<WaitOutcome>(Access::word(waiter)->load(std::memory_order_acquire));
}

uint32_t notify_waiters(const void* memory, uint64_t address, uint32_t count) {
  Bucket& bucket = bucket_of(memory, address);
  std::lock_guard<std::mutex> lock(bucket.mutex);
  uint32_t woken = 0;
  for (Waiter* w = bucket.head; w != nullptr && woken < count;) {
    Waiter* const next = Access::next(w);
    // A cancelled or timed-out waiter unlinks itself and does not count.
    if (Access::has_key(w, memory, address) && Access::decide(w, WaitOutcome::kWoken)) {
      Access::unlink(bucket, w);
      futex_wake_all(Access::word(w));  // under the lock: {w} cannot be gone yet
      ++woken;
    }
    w = next;
  }
  return woken;
}

void cancel_wait(Waiter* waiter) {
  if (Access::decide(waiter, WaitOutcome::kCancelled)) futex_wake_all(Access::word(waiter));
}

uint32_t waiter_count(const void* memory, uint64_t address) {
  Bucket& bucket = bucket_of(memory, address);
  std::lock_guard<std::mutex> lock(bucket.mutex);
  uint32_t n = 0;
  for (const Waiter* w = bucket.head; w != nullptr; w = Access::next(w)) {
    if (Access::has_key(w, memory, address)) ++n;
  }
  return n;
}

}  // namespace wasmscope::internal
