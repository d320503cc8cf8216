#include "diag/deadlock.h"

#include <gtest/gtest.h>

namespace wasmscope::internal::diag {
namespace {

constexpr uint64_t kSecond = 1'000'000'000;

BlockedThread waiting(uint32_t id, uint64_t since) { return {id, false, true, since}; }
BlockedThread busy(uint32_t id, uint64_t since) { return {id, false, false, since}; }
BlockedThread gone(uint32_t id) { return {id, true, false, 0}; }

TEST(DeadlockDetector, AllWaitingForeverPastTheGraceIsADeadlock) {
  DeadlockDetector d(2 * kSecond);
  const std::vector<BlockedThread> threads = {waiting(1, 10 * kSecond), waiting(2, 11 * kSecond)};
  EXPECT_FALSE(d.observe(threads, 12 * kSecond));  // first look: nothing to compare with
  EXPECT_FALSE(d.observe(threads, 12 * kSecond + kSecond / 2));  // 1.5 s since the last wait
  EXPECT_TRUE(d.observe(threads, 13 * kSecond));
  EXPECT_EQ(d.blocked_for_ns(), 2 * kSecond);  // measured from the most recent wait
}

TEST(DeadlockDetector, OneThreadThatCanRunIsNoDeadlock) {
  DeadlockDetector d(kSecond);
  const std::vector<BlockedThread> threads = {waiting(1, 0), busy(2, 0), waiting(3, 0)};
  for (uint64_t t = 0; t < 10; ++t) EXPECT_FALSE(d.observe(threads, t * kSecond));
}

TEST(DeadlockDetector, AThreadThatMovedBetweenLooksRestartsTheWait) {
  DeadlockDetector d(kSecond);
  EXPECT_FALSE(d.observe({waiting(1, 0), waiting(2, 0)}, 5 * kSecond));
  // Thread 2 woke and waited again in between: its since-time moved; the grace starts anew.
  const uint64_t rewait = 5 * kSecond + kSecond / 2;
  EXPECT_FALSE(d.observe({waiting(1, 0), waiting(2, rewait)}, 6 * kSecond));
  EXPECT_FALSE(d.observe({waiting(1, 0), waiting(2, rewait)}, rewait + kSecond - 1));
  EXPECT_TRUE(d.observe({waiting(1, 0), waiting(2, rewait)}, rewait + kSecond));
}

TEST(DeadlockDetector, ExitedThreadsDoNotCountButSomeoneMustBeLive) {
  DeadlockDetector d(kSecond);
  EXPECT_FALSE(d.observe({gone(1), gone(2)}, 5 * kSecond));
  EXPECT_FALSE(d.observe({gone(1), gone(2)}, 9 * kSecond));  // nobody left: no deadlock
  DeadlockDetector e(kSecond);
  EXPECT_FALSE(e.observe({gone(1), waiting(2, 0)}, 5 * kSecond));
  EXPECT_TRUE(e.observe({waiting(2, 0), gone(1)}, 6 * kSecond));  // order does not matter
}

TEST(DeadlockDetector, AThreadAppearingOrVanishingIsAChange) {
  DeadlockDetector d(kSecond);
  EXPECT_FALSE(d.observe({waiting(1, 0)}, 5 * kSecond));
  EXPECT_FALSE(d.observe({waiting(1, 0), waiting(2, 0)}, 6 * kSecond));
  EXPECT_TRUE(d.observe({waiting(1, 0), waiting(2, 0)}, 7 * kSecond));
}

TEST(DeadlockDetector, ResetNeedsTwoFreshObservations) {
  DeadlockDetector d(kSecond);
  const std::vector<BlockedThread> threads = {waiting(1, 0)};
  EXPECT_FALSE(d.observe(threads, 5 * kSecond));
  EXPECT_TRUE(d.observe(threads, 6 * kSecond));
  d.reset();
  EXPECT_FALSE(d.observe(threads, 7 * kSecond));
  EXPECT_TRUE(d.observe(threads, 8 * kSecond));
}

TEST(DeadlockDetector, AClockBehindTheWaitIsNotADeadlock) {
  DeadlockDetector d(kSecond);
  EXPECT_FALSE(d.observe({waiting(1, 10 * kSecond)}, 5 * kSecond));
  EXPECT_FALSE(d.observe({waiting(1, 10 * kSecond)}, 5 * kSecond));
}

}  // namespace
}  // namespace wasmscope::internal::diag
