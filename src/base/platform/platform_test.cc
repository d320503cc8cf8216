#include <gtest/gtest.h>
#include <pthread.h>
#include <sched.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <climits>
#include <csetjmp>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "base/platform/fault_handler.h"
#include "base/platform/guard_registry.h"
#include "base/platform/thread_stack.h"
#include "base/platform/guarded_memory.h"
#include "base/platform/semaphore.h"
#include "base/platform/thread_signals.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define WS_UNDER_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define WS_UNDER_SANITIZER 1
#endif
#endif
#ifndef WS_UNDER_SANITIZER
#define WS_UNDER_SANITIZER 0
#endif
#if defined(__SANITIZE_THREAD__)
#define WS_UNDER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define WS_UNDER_TSAN 1
#endif
#endif
#ifndef WS_UNDER_TSAN
#define WS_UNDER_TSAN 0
#endif

namespace wasmscope::internal {
namespace {

using namespace std::chrono_literals;

constexpr uint64_t kWasmPage = 64 << 10;

// What one guarded access did: where it faulted (null: it did not) and with which signal.
struct FaultOutcome {
  const void* address = nullptr;
  int signal = 0;
};

// Writes {value} to {target} the way the interpreter runs guest code: under its own pad.
FaultOutcome write_under_pad(volatile uint8_t* target, uint8_t value) {
  TrapLandingPad pad;
  LandingPadScope scope(&pad);
  if (sigsetjmp(pad.jump, 0) == 0) {
    pad.arm();
    *target = value;
    pad.disarm();
    return {};
  }
  return {pad.fault_address, pad.signal};
}

// Reads {target} under a pad; {*read} gets the byte when it did not fault.
FaultOutcome read_under_pad(const volatile uint8_t* target, uint8_t* read) {
  TrapLandingPad pad;
  LandingPadScope scope(&pad);
  if (sigsetjmp(pad.jump, 0) == 0) {
    pad.arm();
    *read = *target;
    pad.disarm();
    return {};
  }
  return {pad.fault_address, pad.signal};
}

// g++ 12 cannot tell that {ok()} rules out the variant's other alternative, so inlined
// {value()} / {error()} of a {Result<T>} draw -Wnull-dereference; these two helpers are the
// only places the tests reach into one, and say so.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
template <class T>
[[gnu::noinline]] Error error_of(Result<T>& result) {
  return result.ok() ? Error{} : result.error();
}
template <class T>
[[gnu::noinline]] T value_of(Result<T>& result) {
  return result.ok() ? std::move(result.value()) : T();
}
#pragma GCC diagnostic pop

// A guarded region of {initial_bytes} in the guard-mode reservation (empty on failure).
GuardedRegion reserve_wasm32(uint64_t initial_bytes) {
  auto region = GuardedRegion::reserve(kWasm32GuardedReservation, initial_bytes);
  EXPECT_TRUE(region.ok()) << error_of(region).message;
  return value_of(region);
}

void install_or_fail() {
  auto installed = install_fault_handler();
  ASSERT_TRUE(installed.ok()) << installed.error().message;
}

size_t count_mappings() {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  size_t lines = 0;
  while (std::getline(maps, line))
    ++lines;
  return lines;
}

std::string current_mask_string() {
  sigset_t mask;
  pthread_sigmask(SIG_SETMASK, nullptr, &mask);
  std::string bits;
  for (int sig = 1; sig < NSIG; ++sig)
    bits += sigismember(&mask, sig) ? '1' : '0';
  return bits;
}

// --- GuardedRegion -------------------------------------------------------------------------

TEST(GuardedRegion, ReservesGuardModeSpaceAndGrows) {
  GuardedRegion region = reserve_wasm32(kWasmPage);
  ASSERT_NE(region.base(), nullptr);
  EXPECT_TRUE(region.guarded());
  EXPECT_EQ(region.reserved(), kWasm32GuardedReservation);
  EXPECT_EQ(region.accessible(), kWasmPage);
  region.base()[0] = 1;
  region.base()[kWasmPage - 1] = 2;
  EXPECT_EQ(region.base()[kWasmPage - 1], 2);
  EXPECT_TRUE(in_guarded_range(region.base() + kWasm32GuardedReservation - 1));
  EXPECT_FALSE(in_guarded_range(region.base() + kWasm32GuardedReservation));

  auto grown = region.grow(3 * kWasmPage);
  ASSERT_TRUE(grown.ok()) << grown.error().message;
  EXPECT_EQ(region.accessible(), 3 * kWasmPage);
  region.base()[3 * kWasmPage - 1] = 3;
  EXPECT_EQ(region.base()[3 * kWasmPage - 1], 3);
  EXPECT_EQ(region.base()[2 * kWasmPage], 0);  // New pages are zero.
  EXPECT_EQ(region.base()[0], 1);              // Old contents stay.

  EXPECT_TRUE(region.contains(region.base()));
  EXPECT_TRUE(region.contains(region.base() + (uint64_t{8} << 30)));
  EXPECT_FALSE(region.contains(region.base() + kWasm32GuardedReservation));
  EXPECT_FALSE(region.contains(region.base() - 1));
}

TEST(GuardedRegion, ReportsAddressSpaceExhaustion) {
  auto region = GuardedRegion::reserve(uint64_t{1} << 62, 0);
  ASSERT_FALSE(region.ok());
  Error error = error_of(region);
  EXPECT_EQ(error.kind, ErrorKind::kIo);
  EXPECT_NE(error.message.find("cannot reserve 4194304 TiB of address space: "), std::string::npos)
      << error.message;
}

TEST(GuardedRegion, GrowStopsAtTheReservation) {
  auto reserved = GuardedRegion::reserve(4 * kWasmPage, kWasmPage);
  ASSERT_TRUE(reserved.ok());
  GuardedRegion region = value_of(reserved);
  EXPECT_TRUE(region.grow(4 * kWasmPage).ok());
  auto too_far = region.grow(5 * kWasmPage);
  ASSERT_FALSE(too_far.ok());
  EXPECT_NE(too_far.error().message.find("beyond its reservation"), std::string::npos);
  // Guarded regions never move, even when asked to.
  EXPECT_FALSE(region.grow_moving(5 * kWasmPage).ok());
  EXPECT_EQ(region.accessible(), 4 * kWasmPage);
}

TEST(GuardedRegion, MoveTransfersOwnershipAndRegistration) {
  size_t before = guarded_range_count();
  {
    GuardedRegion first = reserve_wasm32(kWasmPage);
    uint8_t* base = first.base();
    EXPECT_EQ(guarded_range_count(), before + 1);
    GuardedRegion second(std::move(first));
    EXPECT_EQ(first.base(), nullptr);  // NOLINT(bugprone-use-after-move)
    EXPECT_EQ(second.base(), base);
    EXPECT_EQ(guarded_range_count(), before + 1);
    GuardedRegion third;
    third = std::move(second);
    EXPECT_EQ(third.base(), base);
    EXPECT_TRUE(in_guarded_range(base));
  }
  EXPECT_EQ(guarded_range_count(), before);
}

TEST(GuardedRegion, UnregistersOnDestruction) {
  const uint8_t* base = nullptr;
  {
    GuardedRegion region = reserve_wasm32(0);
    base = region.base();
    EXPECT_TRUE(in_guarded_range(base));
  }
  EXPECT_FALSE(in_guarded_range(base));
}

TEST(GuardedRegion, GrowMovingKeepsContents) {
  auto exact = GuardedRegion::allocate_exact(kWasmPage);
  ASSERT_TRUE(exact.ok()) << error_of(exact).message;
  GuardedRegion region = value_of(exact);
  EXPECT_FALSE(region.guarded());
  EXPECT_FALSE(in_guarded_range(region.base()));
  for (uint64_t i = 0; i < kWasmPage; ++i)
    region.base()[i] = static_cast<uint8_t>(i * 7);

  // Occupy the address space right after the mapping so growing in place is impossible.
  void* blocker = mmap(region.base() + region.reserved(), kWasmPage, PROT_NONE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  auto grown = region.grow_moving(256 * kWasmPage);
  ASSERT_TRUE(grown.ok()) << grown.error().message;
  EXPECT_EQ(region.accessible(), 256 * kWasmPage);
  for (uint64_t i = 0; i < kWasmPage; ++i) {
    ASSERT_EQ(region.base()[i], static_cast<uint8_t>(i * 7)) << "at " << i;
  }
  EXPECT_EQ(region.base()[256 * kWasmPage - 1], 0);
  region.base()[256 * kWasmPage - 1] = 9;
  if (blocker != MAP_FAILED) {
    EXPECT_NE(static_cast<void*>(region.base() + kWasmPage), blocker);
    munmap(blocker, kWasmPage);
  }
}

TEST(GuardedRegion, ExactRegionOfZeroBytesHasABase) {
  auto exact = GuardedRegion::allocate_exact(0);
  ASSERT_TRUE(exact.ok());
  GuardedRegion region = value_of(exact);
  EXPECT_NE(region.base(), nullptr);
  EXPECT_EQ(region.accessible(), 0u);
  ASSERT_TRUE(region.grow_moving(2 * kWasmPage).ok());
  region.base()[2 * kWasmPage - 1] = 1;
}

TEST(GuardRegistry, ReportsWhenFull) {
  std::vector<int> slots;
  for (;;) {
    int slot = register_guarded_range(0x1000, 0x2000);
    if (slot < 0) break;
    slots.push_back(slot);
    ASSERT_LE(slots.size(), kGuardRegistryCapacity);
  }
  EXPECT_GT(slots.size(), kGuardRegistryCapacity - 16);  // Other tests hold a few at most.
  auto region = GuardedRegion::reserve(kWasmPage, 0);
  EXPECT_FALSE(region.ok());
  EXPECT_NE(error_of(region).message.find("guarded regions are in use"), std::string::npos);
  for (int slot : slots)
    unregister_guarded_range(slot);
  EXPECT_FALSE(in_guarded_range(reinterpret_cast<const void*>(0x1800)));
}

// --- Fault handler -------------------------------------------------------------------------

TEST(FaultHandler, WriteAccessibleThenTrapPastIt) {
  install_or_fail();
  EXPECT_TRUE(fault_handler_active());
  GuardedRegion region = reserve_wasm32(kWasmPage);
  uint8_t* past = region.base() + kWasmPage + 100;

  FaultOutcome inside = write_under_pad(region.base() + 5, 42);
  EXPECT_EQ(inside.address, nullptr);
  EXPECT_EQ(region.base()[5], 42);

  FaultOutcome outside = write_under_pad(past, 1);
  EXPECT_EQ(outside.address, past);
  EXPECT_TRUE(outside.signal == SIGSEGV || outside.signal == SIGBUS) << outside.signal;
  EXPECT_EQ(current_landing_pad(), nullptr);

  // The far end of a u32 address plus a u32 offset is inside the reservation too.
  const uint8_t* far_end = region.base() + 0xffffffffull + 0xffffffffull;
  uint8_t byte = 0;
  FaultOutcome far = read_under_pad(far_end, &byte);
  EXPECT_EQ(far.address, far_end);

  // After growing, the same address is ordinary memory.
  ASSERT_TRUE(region.grow(2 * kWasmPage).ok());
  EXPECT_EQ(write_under_pad(past, 7).address, nullptr);
  EXPECT_EQ(*past, 7);
}

TEST(FaultHandler, TrapsOnOtherThreads) {
  install_or_fail();
  GuardedRegion region = reserve_wasm32(kWasmPage);
  constexpr int kThreads = 4;
  constexpr int kFaultsPerThread = 100;
  std::atomic<int> correct{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&region, &correct, t] {
      if (!ensure_alt_stack().ok()) return;
      for (int i = 0; i < kFaultsPerThread; ++i) {
        uint8_t* target = region.base() + kWasmPage * (t + 2) + static_cast<uint64_t>(i);
        FaultOutcome outcome = write_under_pad(target, 1);
        if (outcome.address == target && current_landing_pad() == nullptr) ++correct;
      }
    });
  }
  for (auto& thread : threads)
    thread.join();
  EXPECT_EQ(correct.load(), kThreads * kFaultsPerThread);
}

TEST(FaultHandler, NestedPadsRestoreTheOuterOne) {
  install_or_fail();
  GuardedRegion region = reserve_wasm32(kWasmPage);
  uint8_t* inner_target = region.base() + 2 * kWasmPage;
  uint8_t* outer_target = region.base() + 3 * kWasmPage + 8;
  volatile int outer_traps = 0;
  volatile bool inner_ok = false;

  TrapLandingPad outer;
  {
    LandingPadScope outer_scope(&outer);
    if (sigsetjmp(outer.jump, 0) == 0) {
      outer.arm();
      // The guest calls the host: disarmed; the host calls back into the guest, which traps.
      outer.disarm();
      FaultOutcome inner = write_under_pad(inner_target, 1);
      inner_ok =
          inner.address == inner_target && current_landing_pad() == &outer && !outer.armed.load();
      // Back in the outer guest call, which traps too.
      outer.arm();
      *reinterpret_cast<volatile uint8_t*>(outer_target) = 1;
      outer.disarm();
    } else {
      outer_traps = outer_traps + 1;
    }
    EXPECT_EQ(current_landing_pad(), &outer);
  }
  EXPECT_TRUE(inner_ok);
  EXPECT_EQ(outer_traps, 1);
  EXPECT_EQ(outer.fault_address, outer_target);
  EXPECT_EQ(current_landing_pad(), nullptr);
}

// 1000 traps at distinct addresses; returns how many landed with the right address.
int thousand_traps(const GuardedRegion& region) {
  int correct = 0;
  for (int i = 0; i < 1000; ++i) {
    uint8_t* target = region.base() + kWasmPage + static_cast<uint64_t>(i) * 4096;
    if (write_under_pad(target, static_cast<uint8_t>(i)).address == target) ++correct;
  }
  return correct;
}

TEST(FaultHandler, ThousandFaultsLeaveNoTrace) {
  install_or_fail();
  GuardedRegion region = reserve_wasm32(kWasmPage);
  // A first round warms up whatever is created lazily (a sanitizer's allocator regions, also
  // for the buffers of {count_mappings} itself).
  EXPECT_EQ(thousand_traps(region), 1000);
  (void)count_mappings();
  std::string mask_before = current_mask_string();
  size_t mappings_before = count_mappings();
  size_t ranges_before = guarded_range_count();
  EXPECT_EQ(thousand_traps(region), 1000);
  EXPECT_EQ(current_mask_string(), mask_before);  // SIGSEGV is not left blocked.
  EXPECT_EQ(count_mappings(), mappings_before);
  EXPECT_EQ(guarded_range_count(), ranges_before);
  EXPECT_EQ(current_landing_pad(), nullptr);
  EXPECT_TRUE(fault_handler_active());
}

TEST(FaultHandler, SignalsSentWithKillAreNotTraps) {
  // A SIGSEGV from kill() carries no fault: even with an armed pad it goes to the previous
  // handler. Here that is a test handler, installed in a child process.
  EXPECT_EXIT(
      {
        static volatile sig_atomic_t host_saw = 0;
        struct sigaction host = {};
        host.sa_handler = [](int) { host_saw = 1; };
        sigaction(SIGSEGV, &host, nullptr);
        if (!install_fault_handler().ok()) std::_Exit(2);
        GuardedRegion region = reserve_wasm32(kWasmPage);
        TrapLandingPad pad;
        LandingPadScope scope(&pad);
        if (sigsetjmp(pad.jump, 0) != 0) std::_Exit(3);
        pad.arm();
        raise(SIGSEGV);
        pad.disarm();
        std::_Exit(host_saw ? 0 : 4);
      },
      testing::ExitedWithCode(0), "");
}

// --- Chaining to the host's handler (each in a fresh child process) -------------------------

sigjmp_buf g_host_jump;
volatile sig_atomic_t g_host_handler_ran = 0;
const void* volatile g_host_fault_address = nullptr;

void host_fault_handler(int, siginfo_t* info, void*) {
  g_host_handler_ran = 1;
  g_host_fault_address = info->si_addr;
  siglongjmp(g_host_jump, 1);
}

void install_host_handler(void (*handler)(int, siginfo_t*, void*)) {
  struct sigaction host = {};
  host.sa_sigaction = handler;
  host.sa_flags = SA_SIGINFO;
  sigemptyset(&host.sa_mask);
  sigaction(SIGSEGV, &host, nullptr);
  sigaction(SIGBUS, &host, nullptr);
}

uint8_t* map_unregistered_page() {
  void* page = mmap(nullptr, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (page == MAP_FAILED) std::_Exit(10);
  return static_cast<uint8_t*>(page);
}

// Exit code 0 when the host's handler saw a fault at an unregistered address, although this
// thread had an armed pad and a guarded region existed.
[[noreturn]] void chain_foreign_fault() {
  install_host_handler(host_fault_handler);
  if (!install_fault_handler().ok()) std::_Exit(2);
  GuardedRegion region = reserve_wasm32(kWasmPage);
  volatile uint8_t* foreign = map_unregistered_page() + 16;
  TrapLandingPad pad;
  LandingPadScope scope(&pad);
  if (sigsetjmp(pad.jump, 0) != 0) std::_Exit(3);  // Wrongly taken as a trap.
  pad.arm();
  if (sigsetjmp(g_host_jump, 1) == 0) {
    *foreign = 1;
    std::_Exit(4);  // Did not fault at all.
  }
  pad.disarm();
  bool right_address = g_host_fault_address == foreign;
  // Our handler still serves traps after chaining once.
  FaultOutcome trap = write_under_pad(region.base() + kWasmPage, 1);
  if (trap.address != region.base() + kWasmPage) std::_Exit(5);
  std::_Exit(g_host_handler_ran && right_address ? 0 : 6);
}

TEST(FaultHandlerChaining, ForeignFaultReachesHostHandler) {
  EXPECT_EXIT(chain_foreign_fault(), testing::ExitedWithCode(0), "");
}

// A genuine crash, with SIG_DFL (or a sanitizer's handler) before ours, still kills.
bool died_of_fault(int status) {
  if (WIFSIGNALED(status)) return WTERMSIG(status) == SIGSEGV || WTERMSIG(status) == SIGBUS;
  return WS_UNDER_SANITIZER && WIFEXITED(status) && WEXITSTATUS(status) != 0;
}

TEST(FaultHandlerChaining, GenuineCrashStillCrashes) {
  EXPECT_EXIT(
      {
        if (!install_fault_handler().ok()) std::_Exit(2);
        *reinterpret_cast<volatile uint8_t*>(map_unregistered_page()) = 1;
        std::_Exit(0);
      },
      died_of_fault, "");
}

TEST(FaultHandlerChaining, FaultWithDisarmedPadCrashes) {
  // Host code (pad disarmed) touching a guard page has a bug: it must not become a trap.
  EXPECT_EXIT(
      {
        if (!install_fault_handler().ok()) std::_Exit(2);
        GuardedRegion region = reserve_wasm32(kWasmPage);
        TrapLandingPad pad;
        LandingPadScope scope(&pad);
        if (sigsetjmp(pad.jump, 0) != 0) std::_Exit(3);
        *reinterpret_cast<volatile uint8_t*>(region.base() + kWasmPage) = 1;
        std::_Exit(0);
      },
      died_of_fault, "");
}

volatile int g_recursion_limit = INT_MAX;

int recurse_forever(int depth) {
  volatile char frame[512];
  frame[0] = static_cast<char>(depth);
  if (depth >= g_recursion_limit) return 0;
  return recurse_forever(depth + 1) + frame[0];
}

TEST(FaultHandlerChaining, StackOverflowReachesHostHandlerOnAltStack) {
  if (WS_UNDER_TSAN) {
    // ThreadSanitizer's own signal wrapper dies on a native stack overflow about half the
    // time, whether or not our handler is installed (seen with clang 16's runtime).
    GTEST_SKIP() << "native stack overflow is not reliably catchable under ThreadSanitizer";
  }
  // Without an alternate stack the kernel could not run any handler and would kill the
  // process with SIGSEGV; exit code 42 shows ours ran and chained to the host's.
  EXPECT_EXIT(
      {
        install_host_handler([](int, siginfo_t*, void*) { std::_Exit(42); });
        if (!install_fault_handler().ok()) std::_Exit(2);
        if (!ensure_alt_stack().ok()) std::_Exit(3);
        std::_Exit(recurse_forever(0) == 0 ? 4 : 5);
      },
      testing::ExitedWithCode(42), "");
}

// --- Alternate stacks ----------------------------------------------------------------------

TEST(AltStack, InstalledOncePerThreadAndFreedAtExit) {
  std::thread worker([] {
    stack_t before = {};
    sigaltstack(nullptr, &before);
    ASSERT_TRUE(ensure_alt_stack().ok());
    stack_t after = {};
    sigaltstack(nullptr, &after);
    EXPECT_EQ(after.ss_flags & SS_DISABLE, 0);
    if (before.ss_flags & SS_DISABLE) {
      EXPECT_GE(after.ss_size, alt_stack_size());
    }
    ASSERT_TRUE(ensure_alt_stack().ok());
    stack_t again = {};
    sigaltstack(nullptr, &again);
    EXPECT_EQ(again.ss_sp, after.ss_sp);
  });
  worker.join();
  EXPECT_GE(alt_stack_size(), size_t{64} << 10);
}

// --- Thread signals ------------------------------------------------------------------------

Semaphore g_capture_done;
std::atomic<pthread_t> g_capture_thread{};
std::atomic<void*> g_capture_value{nullptr};

// async-signal-safe
bool on_capture(int, siginfo_t* info, void*) {
  if (!sent_by_this_process(info)) return false;
  g_capture_thread.store(pthread_self(), std::memory_order_relaxed);
  g_capture_value.store(info->si_code == SI_QUEUE ? info->si_value.sival_ptr : nullptr,
                        std::memory_order_relaxed);
  g_capture_done.post();  // Release: the stores above are visible to the waiter.
  return true;
}

// Waits for {on_capture} to post. Under ThreadSanitizer (whose runtime defers asynchronous
// signals to its own safe points) the request is sent again after a second: g++ 12's runtime
// loses one now and then in the full suite, never when this test runs alone, and never
// without the sanitizer. A capture requester retries the same way.
bool await_capture(pthread_t target, int sig) {
  for (int attempt = 0; attempt < (WS_UNDER_TSAN ? 5 : 1); ++attempt) {
    if (attempt > 0 && !send_signal(target, sig).ok()) return false;
    if (g_capture_done.wait_for(WS_UNDER_TSAN ? 1s : 5s)) return true;
  }
  return false;
}

// A thread that naps until told to stop, for signals to be sent to.
class NappingThread {
 public:
  NappingThread() : thread_([this] { run(); }) { ready_.wait(); }
  ~NappingThread() {
    stop_.store(true);
    thread_.join();
  }
  pthread_t id() const { return id_.load(); }

 private:
  void run() {
    id_.store(pthread_self());
    ready_.post();
    while (!stop_.load()) {
      timespec nap = {0, 1000000};
      nanosleep(&nap, nullptr);
    }
  }

  std::atomic<bool> stop_{false};
  std::atomic<pthread_t> id_{};
  Semaphore ready_;
  std::thread thread_;
};

TEST(ThreadSignals, CaptureSignalRunsOnTheTargetThreadAndPosts) {
  int sig = capture_signal();
  EXPECT_EQ(sig, SIGRTMIN + 4);
  auto installed = install_signal_handler(sig, on_capture);
  ASSERT_TRUE(installed.ok()) << installed.error().message;

  NappingThread target;
  ASSERT_TRUE(send_signal(target.id(), sig).ok());
  ASSERT_TRUE(await_capture(target.id(), sig));
  EXPECT_TRUE(pthread_equal(g_capture_thread.load(), target.id()));
  EXPECT_EQ(g_capture_value.load(), nullptr);

  int token = 0;
  ASSERT_TRUE(send_signal_with_value(target.id(), sig, &token).ok());
  // Under ThreadSanitizer a late first request may post once more before this one.
  bool saw_token = false;
  for (int post = 0; post < (WS_UNDER_TSAN ? 3 : 1) && !saw_token; ++post) {
    ASSERT_TRUE(g_capture_done.wait_for(5s));
    saw_token = g_capture_value.load() == &token;
  }
  EXPECT_TRUE(saw_token);
  EXPECT_TRUE(pthread_equal(g_capture_thread.load(), target.id()));
  while (g_capture_done.try_wait()) {
  }
}

volatile sig_atomic_t g_host_rt_handler_ran = 0;
volatile sig_atomic_t g_declining_handler_ran = 0;

TEST(ThreadSignals, DeclinedSignalsGoToTheHostsHandler) {
  int sig = SIGRTMIN + 6;
  struct sigaction host = {};
  host.sa_handler = [](int) { g_host_rt_handler_ran = 1; };
  sigemptyset(&host.sa_mask);
  ASSERT_EQ(sigaction(sig, &host, nullptr), 0);
  auto installed = install_signal_handler(sig, [](int, siginfo_t*, void*) {
    g_declining_handler_ran = 1;
    return false;
  });
  ASSERT_TRUE(installed.ok());
  raise(sig);
  EXPECT_EQ(g_declining_handler_ran, 1);
  EXPECT_EQ(g_host_rt_handler_ran, 1);
}

TEST(ThreadSignals, RefusesSignalsItMustNotTake) {
  auto handler = [](int, siginfo_t*, void*) { return true; };
  EXPECT_FALSE(install_signal_handler(SIGSEGV, handler).ok());
  EXPECT_FALSE(install_signal_handler(SIGBUS, handler).ok());
  EXPECT_FALSE(install_signal_handler(SIGKILL, handler).ok());
  EXPECT_FALSE(install_signal_handler(0, handler).ok());
  EXPECT_FALSE(set_capture_signal(SIGUSR1).ok());
  EXPECT_FALSE(send_signal(pthread_self(), NSIG + 5).ok());
}

// --- Semaphore -----------------------------------------------------------------------------

TEST(Semaphore, WaitTimesOut) {
  Semaphore semaphore;
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(semaphore.wait_for(50ms));
  auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_GE(waited, 50ms);
  EXPECT_LT(waited, 2s);
  EXPECT_FALSE(semaphore.wait_for(0ns));
  EXPECT_FALSE(semaphore.try_wait());
}

TEST(Semaphore, CountsPosts) {
  Semaphore semaphore(1);
  semaphore.post();
  EXPECT_TRUE(semaphore.try_wait());
  EXPECT_TRUE(semaphore.wait_for(0ns));
  EXPECT_FALSE(semaphore.try_wait());
}

TEST(Semaphore, WakesAWaiterOnAnotherThread) {
  Semaphore semaphore;
  std::atomic<bool> woke{false};
  std::thread waiter([&] {
    semaphore.wait();
    woke.store(true);
  });
  std::this_thread::sleep_for(20ms);
  EXPECT_FALSE(woke.load());
  semaphore.post();
  waiter.join();
  EXPECT_TRUE(woke.load());
}

volatile sig_atomic_t g_interruptions = 0;

TEST(Semaphore, KeepsItsDeadlineWhenInterrupted) {
  int sig = SIGRTMIN + 7;
  ASSERT_TRUE(install_signal_handler(sig, [](int, siginfo_t*, void*) {
                g_interruptions = g_interruptions + 1;
                return true;
              }).ok());
  Semaphore semaphore;
  std::atomic<pthread_t> waiter_id{};
  Semaphore started;
  std::chrono::steady_clock::duration waited{};
  bool result = true;
  std::thread waiter([&] {
    waiter_id.store(pthread_self());
    started.post();
    auto start = std::chrono::steady_clock::now();
    result = semaphore.wait_for(200ms);
    waited = std::chrono::steady_clock::now() - start;
  });
  ASSERT_TRUE(started.wait_for(5s));
  for (int i = 0; i < 5; ++i) {
    std::this_thread::sleep_for(10ms);
    (void)send_signal(waiter_id.load(), sig);
  }
  waiter.join();
  EXPECT_FALSE(result);
  EXPECT_GE(waited, 200ms);
  EXPECT_GE(g_interruptions, 1);
}


// The main thread's stack bottom computed from exec's layout is glibc's (which reads
// /proc/self/maps for it); other threads get glibc's answer. gtest runs tests on the main
// thread.
uintptr_t glibc_stack_low() {
  pthread_attr_t attr;
  void* low = nullptr;
  size_t size = 0;
  EXPECT_EQ(pthread_getattr_np(pthread_self(), &attr), 0);
  pthread_attr_getstack(&attr, &low, &size);
  pthread_attr_destroy(&attr);
  return reinterpret_cast<uintptr_t>(low);
}

// The end of the [stack] mapping, from /proc/self/maps.
uintptr_t stack_mapping_top() {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    if (line.find("[stack]") == std::string::npos) continue;
    return static_cast<uintptr_t>(std::stoull(line.substr(line.find('-') + 1), nullptr, 16));
  }
  return 0;
}

TEST(ThreadStack, MainThreadBottomWithoutProcMapsIsGlibcs) {
  ASSERT_EQ(gettid(), getpid()) << "not on the main thread";
  rlimit limit{};
  ASSERT_EQ(getrlimit(RLIMIT_STACK, &limit), 0);
  // Whether the stack is as exec made it: the program's name just under the top. Not so under
  // valgrind, or with the program run through ld.so by hand (which points AT_EXECFN at
  // argv[0]).
  const char* name = reinterpret_cast<const char*>(getauxval(AT_EXECFN));
  ASSERT_NE(name, nullptr);
  const uintptr_t top = stack_mapping_top();
  ASSERT_NE(top, 0u);
  const bool exec_layout =
      reinterpret_cast<uintptr_t>(name) + std::strlen(name) + 1 + sizeof(void*) == top;
  const uintptr_t computed = main_thread_stack_low_from_exec();
  if (exec_layout && limit.rlim_cur != RLIM_INFINITY) {
    EXPECT_EQ(computed, glibc_stack_low());
    EXPECT_NE(computed, 0u);
  } else {
    EXPECT_EQ(computed, 0u) << "computed where only glibc can tell";
  }
  EXPECT_EQ(thread_stack_low(), glibc_stack_low());
  // (This frame's address, not a local's: under AddressSanitizer locals may live on a fake
  // stack in the heap.)
  EXPECT_LT(thread_stack_low(), reinterpret_cast<uintptr_t>(__builtin_frame_address(0)));
}

TEST(ThreadStack, OtherThreadsGetGlibcsAnswer) {
  uintptr_t computed = 1, ours = 0, glibcs = 0, here = 0;
  std::thread t([&] {
    computed = main_thread_stack_low_from_exec();
    ours = thread_stack_low();
    glibcs = glibc_stack_low();
    here = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  });
  t.join();
  EXPECT_EQ(computed, 0u);
  EXPECT_EQ(ours, glibcs);
  EXPECT_NE(ours, 0u);
  EXPECT_LT(ours, here);
}

}  // namespace
}  // namespace wasmscope::internal

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  // Death tests re-execute the binary for just that test: a fresh process with no handler
  // installed yet, and no threads forked from a multi-threaded parent.
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  return RUN_ALL_TESTS();
}
