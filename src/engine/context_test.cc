// The state protocol of engine/context.h between an owner and a controller, driven by plain
// native threads without a guest, at the instants a guest run only meets by chance.
#include "engine/context.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

namespace wasmscope::internal {
namespace {

using namespace std::chrono_literals;
constexpr uint64_t kSecond = 1'000'000'000ull;

SuspendOutcome suspend_now(ExecContext& ctx) {
  std::lock_guard<std::mutex> lock(ctx.control);
  return suspend(&ctx, kSecond);
}

void resume_now(ExecContext& ctx) {
  std::lock_guard<std::mutex> lock(ctx.control);
  resume(&ctx);
}

// An owner just resumed is still in kParked on its way out of park_until_resumed (it has read
// the request bits, which were clear). A suspend arriving then answers "parked"; so the owner
// must not go back to running until that suspend is resumed. It did (a data race between the
// guest's stores and a controller reading memory "while suspended", seen by TSan in
// CaptureStress.SuspendResumeCyclesWhileRunning).
TEST(SuspendProtocol, OwnerLeavingParkStaysForASuspendThatSawItParked) {
  ExecContext ctx;
  transition(&ctx, ThreadState::kIdle, ThreadState::kRunningWasm);
  transition(&ctx, ThreadState::kRunningWasm, ThreadState::kParked);
  ASSERT_EQ(suspend_now(ctx), SuspendOutcome::kParked);

  std::atomic<bool> running{false};
  std::thread owner([&] {
    transition(&ctx, ThreadState::kParked, ThreadState::kRunningWasm);
    running.store(true, std::memory_order_release);
  });
  // Nothing may move it before the resume: it parks, however long we wait here (a wrong
  // protocol lets it run at once; the wait only gives it the time to do so).
  std::this_thread::sleep_for(200ms);
  EXPECT_FALSE(running.load(std::memory_order_acquire));
  EXPECT_EQ(ctx.state(), ThreadState::kParked);
  resume_now(ctx);
  owner.join();
  EXPECT_TRUE(running.load(std::memory_order_acquire));
  EXPECT_EQ(ctx.state(), ThreadState::kRunningWasm);
}

// The same for an owner in a host call: the suspend holds it there, and its return to guest
// code parks until the resume.
TEST(SuspendProtocol, OwnerReturningFromAHostCallParksWhileSuspended) {
  ExecContext ctx;
  transition(&ctx, ThreadState::kIdle, ThreadState::kRunningWasm);
  transition(&ctx, ThreadState::kRunningWasm, ThreadState::kInHost);
  ASSERT_EQ(suspend_now(ctx), SuspendOutcome::kInHost);

  std::atomic<bool> running{false};
  std::thread owner([&] {
    transition(&ctx, ThreadState::kInHost, ThreadState::kRunningWasm);
    running.store(true, std::memory_order_release);
  });
  while (ctx.state() != ThreadState::kParked) std::this_thread::yield();
  std::this_thread::sleep_for(50ms);
  EXPECT_FALSE(running.load(std::memory_order_acquire));
  resume_now(ctx);
  owner.join();
  EXPECT_TRUE(running.load(std::memory_order_acquire));
}

// Resumed and suspended again in a tight loop while the owner parks and leaves at a
// safepoint over and over: after every suspend that succeeded, the owner's counter stays
// still until the resume.
TEST(SuspendProtocol, RapidCyclesNeverLetTheOwnerRunWhileSuspended) {
  ExecContext ctx;
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> steps{0};
  std::atomic<bool> started{false};
  transition(&ctx, ThreadState::kIdle, ThreadState::kRunningWasm);
  std::thread owner([&] {
    ctx.owner.store(pthread_self());  // a suspend of a running owner signals it
    started.store(true);
    while (!stop.load(std::memory_order_relaxed)) {
      steps.fetch_add(1, std::memory_order_relaxed);
      (void)service_requests(&ctx);  // a safepoint
    }
  });
  while (!started.load()) std::this_thread::yield();
  uint32_t moved = 0, timed_out = 0;
  for (int i = 0; i < 20000; ++i) {
    const SuspendOutcome outcome = suspend_now(ctx);
    if (outcome == SuspendOutcome::kTimedOut) {
      ++timed_out;
      continue;
    }
    const uint64_t before = steps.load(std::memory_order_relaxed);
    for (int spin = 0; spin < 200; ++spin) std::atomic_signal_fence(std::memory_order_seq_cst);
    if (steps.load(std::memory_order_relaxed) != before) ++moved;
    resume_now(ctx);
  }
  stop.store(true);
  owner.join();
  EXPECT_EQ(moved, 0u);
  EXPECT_EQ(timed_out, 0u);
}

}  // namespace
}  // namespace wasmscope::internal
