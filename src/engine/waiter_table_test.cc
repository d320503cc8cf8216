// The waiter table (engine/waiter_table.h) with plain native threads, no guest: wakes, notify
// counts, FIFO order, timeouts, value mismatches and cancellation. Nothing here asserts on
// timing: a test waits for a waiter to be queued ({waiter_count}) before it notifies.
#include "engine/waiter_table.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "base/platform/futex.h"

namespace wasmscope::internal {
namespace {

using namespace std::chrono_literals;

/// A stand-in for a shared memory: its identity is the key's first half.
struct FakeMemory {
  alignas(8) uint8_t bytes[64] = {};
  const void* key() const { return this; }
  void* cell(uint64_t address) { return bytes + address; }
};

/// Waits (without a time limit: a hang fails the test by its CTest timeout) until {n} waiters
/// are queued on the key.
void await_waiters(const FakeMemory& memory, uint64_t address, uint32_t n) {
  while (waiter_count(memory.key(), address) != n) std::this_thread::yield();
}

/// One thread waiting on ({memory}, {address}) for value 0, recording its outcome.
struct WaitingThread {
  WaitingThread(FakeMemory& memory, uint64_t address, const timespec* deadline = nullptr)
      : thread([this, &memory, address, deadline] {
          outcome = wait_for_notify(&waiter, memory.key(), address, memory.cell(address), 0, 4,
                                    deadline);
          done.store(true, std::memory_order_release);
        }) {}
  ~WaitingThread() {
    if (thread.joinable()) thread.join();
  }
  Waiter waiter;
  WaitOutcome outcome = WaitOutcome::kCancelled;
  std::atomic<bool> done{false};
  std::thread thread;
};

TEST(WaiterTable, NotifyWakesAWaitingThread) {
  FakeMemory memory;
  WaitingThread t(memory, 8);
  await_waiters(memory, 8, 1);
  EXPECT_EQ(notify_waiters(memory.key(), 8, 1), 1u);
  t.thread.join();
  EXPECT_EQ(t.outcome, WaitOutcome::kWoken);
  EXPECT_EQ(waiter_count(memory.key(), 8), 0u);
}

TEST(WaiterTable, NotifyWakesAtMostCountWaitersAndReportsHowMany) {
  FakeMemory memory;
  WaitingThread a(memory, 0), b(memory, 0), c(memory, 0);
  await_waiters(memory, 0, 3);
  EXPECT_EQ(notify_waiters(memory.key(), 0, 0), 0u);  // a count of 0 wakes nobody
  EXPECT_EQ(notify_waiters(memory.key(), 0, 2), 2u);
  EXPECT_EQ(waiter_count(memory.key(), 0), 1u);
  EXPECT_EQ(notify_waiters(memory.key(), 0, 5), 1u);  // only one was left
  EXPECT_EQ(notify_waiters(memory.key(), 0, 5), 0u);
  for (WaitingThread* t : {&a, &b, &c}) {
    t->thread.join();
    EXPECT_EQ(t->outcome, WaitOutcome::kWoken);
  }
}

TEST(WaiterTable, NotifyWakesTheOldestWaiterFirst) {
  FakeMemory memory;
  WaitingThread first(memory, 4);
  await_waiters(memory, 4, 1);
  WaitingThread second(memory, 4);
  await_waiters(memory, 4, 2);
  EXPECT_EQ(notify_waiters(memory.key(), 4, 1), 1u);
  first.thread.join();
  EXPECT_EQ(first.outcome, WaitOutcome::kWoken);
  EXPECT_FALSE(second.done.load(std::memory_order_acquire));  // still queued, not woken
  EXPECT_EQ(waiter_count(memory.key(), 4), 1u);
  EXPECT_EQ(notify_waiters(memory.key(), 4, 1), 1u);
}

TEST(WaiterTable, NotifyOfAnotherKeyWakesNobody) {
  FakeMemory memory, other;
  WaitingThread t(memory, 16);
  await_waiters(memory, 16, 1);
  EXPECT_EQ(notify_waiters(memory.key(), 20, 1), 0u);  // same memory, other address
  EXPECT_EQ(notify_waiters(other.key(), 16, 1), 0u);   // same address, other memory
  EXPECT_EQ(waiter_count(memory.key(), 16), 1u);
  EXPECT_EQ(notify_waiters(memory.key(), 16, 1), 1u);
}

TEST(WaiterTable, ValueMismatchReturnsNotEqualWithoutWaiting) {
  FakeMemory memory;
  memory.bytes[8] = 1;
  Waiter waiter;
  EXPECT_EQ(wait_for_notify(&waiter, memory.key(), 8, memory.cell(8), 0, 4, nullptr),
            WaitOutcome::kNotEqual);
  // 64-bit: every byte of the expected value counts.
  Waiter wide;
  EXPECT_EQ(wait_for_notify(&wide, memory.key(), 8, memory.cell(8), uint64_t{1} << 32 | 1, 8,
                            nullptr),
            WaitOutcome::kNotEqual);
  EXPECT_EQ(waiter_count(memory.key(), 8), 0u);
}

TEST(WaiterTable, DeadlineEndsTheWaitWithTimedOut) {
  FakeMemory memory;
  const timespec deadline = monotonic_deadline(1ms);
  Waiter waiter;
  EXPECT_EQ(wait_for_notify(&waiter, memory.key(), 0, memory.cell(0), 0, 4, &deadline),
            WaitOutcome::kTimedOut);
  EXPECT_EQ(waiter_count(memory.key(), 0), 0u);
  // A deadline already past times out at once.
  const timespec past = monotonic_deadline(0ns);
  Waiter late;
  EXPECT_EQ(wait_for_notify(&late, memory.key(), 0, memory.cell(0), 0, 8, &past),
            WaitOutcome::kTimedOut);
}

TEST(WaiterTable, CancelEndsTheWaitAndIsNotCountedByNotify) {
  FakeMemory memory;
  WaitingThread t(memory, 12);
  await_waiters(memory, 12, 1);
  cancel_wait(&t.waiter);
  t.thread.join();
  EXPECT_EQ(t.outcome, WaitOutcome::kCancelled);
  EXPECT_EQ(notify_waiters(memory.key(), 12, 1), 0u);
}

TEST(WaiterTable, CancelBeforeTheWaitMakesItReturnAtOnce) {
  FakeMemory memory;
  Waiter waiter;
  cancel_wait(&waiter);
  EXPECT_EQ(wait_for_notify(&waiter, memory.key(), 0, memory.cell(0), 0, 4, nullptr),
            WaitOutcome::kCancelled);
  EXPECT_EQ(waiter_count(memory.key(), 0), 0u);
}

TEST(WaiterTable, ManyWaitersOnManyKeysAllWake) {
  FakeMemory memory;
  constexpr int kThreads = 16;
  std::vector<std::unique_ptr<WaitingThread>> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.push_back(std::make_unique<WaitingThread>(memory, 4 * (i % 4)));
  }
  for (uint64_t a = 0; a < 16; a += 4) await_waiters(memory, a, kThreads / 4);
  uint32_t woken = 0;
  for (uint64_t a = 0; a < 16; a += 4) woken += notify_waiters(memory.key(), a, UINT32_MAX);
  EXPECT_EQ(woken, static_cast<uint32_t>(kThreads));
  for (auto& t : threads) {
    t->thread.join();
    EXPECT_EQ(t->outcome, WaitOutcome::kWoken);
  }
}

}  // namespace
}  // namespace wasmscope::internal
