// Guest threads in memory.atomic.wait and guest threads sharing one memory, through the
// internals (engine/context.h, stack/capture.h, runtime/store.h): the waiting state is seen by
// capture (frames read directly, with the wait's address and deadline), by suspend (held, and
// parked when woken) and by terminate (which wakes it into an "interrupted" trap); several
// stores whose instances import one shared memory run on their own threads at once, as
// wasi-threads will. Every test runs on both tiers: compiled code waits through a runtime
// helper that leaves an exit record as a host call does, so the expectations are the same.
// Nothing asserts on timing: tests wait for states, not for durations.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "compiler/compiler.h"
#include "diag/thread_dump.h"
#include "engine/waiter_table.h"
#include "runtime/store.h"
#include "stack/capture.h"
#include "stack/symbolizer.h"
#include "text/wat.h"

namespace wasmscope::internal {

/// How gtest names a test's tier (found by argument-dependent lookup, so not in the unnamed
/// namespace).
static void PrintTo(Tier tier, std::ostream* os) {
  *os << (tier == Tier::kCompiled ? "compiled" : "interpreter");
}

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

/// Notifies up to {count} waiters on {address} until one is woken (at most 10 s): a thread is
/// "waiting" just before it joins the waiter table, so one notify right after the state
/// changed can find nobody yet. Returns how many the successful notify woke (0: none came).
uint32_t notify_once_waiting(const void* memory, uint64_t address, uint32_t count) {
  const auto give_up = Clock::now() + 10s;
  for (;;) {
    const uint32_t woken = notify_waiters(memory, address, count);
    if (woken != 0 || Clock::now() >= give_up) return woken;
    std::this_thread::sleep_for(1ms);
  }
}

// main -> wait_here -> memory.atomic.wait32 on address 16 (expects 0) with timeout {ns}.
// Function indices: main 0, wait_here 1, add 2, notify 3, load 4.
// wait_here's body: 0: 00 (no locals) | 1: i32.const 16 | 3: i32.const 0 | 5: local.get 0
// | 7: memory.atomic.wait32 (fe 01 02 00) | 11: end.
constexpr const char* kHome = R"((module $home
  (memory (export "mem") 1 1 shared)
  (func $main (export "main") (param $ns i64) (result i32) (call $wait_here (local.get $ns)))
  (func $wait_here (param $ns i64) (result i32)
    (memory.atomic.wait32 (i32.const 16) (i32.const 0) (local.get $ns)))
  (func (export "add") (param $k i32) (local $i i32)
    (loop $l
      (drop (i32.atomic.rmw.add (i32.const 0) (i32.const 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $k)))))
  (func (export "notify") (param $n i32) (result i32)
    (memory.atomic.notify (i32.const 16) (local.get $n)))
  (func (export "load") (result i32) (i32.atomic.load (i32.const 0))))
)";
constexpr uint32_t kMainIndex = 0, kWaitHereIndex = 1;
constexpr uint32_t kWaitOffset = 7;

// A module of another store, on the same shared memory.
constexpr const char* kWorker = R"((module $worker
  (import "env" "mem" (memory 1 1 shared))
  (func (export "add") (param $k i32) (local $i i32)
    (loop $l
      (drop (i32.atomic.rmw.add (i32.const 0) (i32.const 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $k)))))
  (func (export "notify") (param $n i32) (result i32)
    (memory.atomic.notify (i32.const 16) (local.get $n))))
)";

StoreConfig config_for(Tier tier, BoundsChecks bounds = BoundsChecks::kGuardPages) {
  StoreConfig config;
  config.tier = tier;
  config.bounds = bounds;
  return config;
}

/// One store running one module; {memory} is the shared memory it defines or imports.
struct Guest {
  Store store;
  Instance* instance = nullptr;
  MemoryData* memory = nullptr;

  explicit Guest(const char* wat, Tier tier, MemoryData* import = nullptr,
                 BoundsChecks bounds = BoundsChecks::kGuardPages)
      : store(config_for(tier, bounds)) {
    auto bytes = wat_to_binary(wat);
    EXPECT_TRUE(bytes.ok()) << bytes.error().to_string();
    if (!bytes.ok()) return;
    auto compiled = compile_module(std::move(*bytes), store.config());
    EXPECT_TRUE(compiled.ok()) << compiled.error().to_string();
    if (!compiled.ok()) return;
    std::vector<Extern> imports;
    if (import != nullptr) imports.push_back(Extern::memory(import));
    auto inst = store.instantiate(*compiled, imports);
    EXPECT_TRUE(inst.ok()) << inst.error().to_string();
    if (!inst.ok()) return;
    instance = *inst;
    memory = import != nullptr ? import : instance->find_export("mem").as_memory();
  }

  ExecContext* ctx() { return &store.context(); }

  /// Calls export {name} with {arg}; the first result lands in {*result}.
  InvokeOutcome call(const std::string& name, uint64_t arg, uint64_t* result = nullptr) {
    const Func* f = instance == nullptr ? nullptr : instance->find_export(name).as_func();
    EXPECT_NE(f, nullptr) << name;
    if (f == nullptr) return {Trap::kHostTrap, "no export " + name, {}};
    Slot slots[2] = {arg, 0};
    InvokeOutcome outcome = store.call(f, slots);
    if (result != nullptr) *result = slots[0];
    return outcome;
  }

  /// Waits up to 10 s for the guest thread to be in state {state}.
  bool wait_for_state(ThreadState state) {
    const auto give_up = Clock::now() + 10s;
    while (ctx()->state() != state) {
      if (Clock::now() > give_up) return false;
      std::this_thread::sleep_for(1ms);
    }
    return true;
  }
};

/// main({ns}) of {guest} on a thread of its own; joins in the destructor (terminating the
/// guest first if the test left it waiting).
struct WaitCall {
  WaitCall(Guest& guest, int64_t ns)
      : guest_(guest), thread_([this, ns] {
          outcome = guest_.call("main", static_cast<uint64_t>(ns), &result);
          done.store(true, std::memory_order_release);
        }) {}
  ~WaitCall() {
    if (!done.load(std::memory_order_acquire)) request_terminate(guest_.ctx());
    join();
  }
  void join() {
    if (thread_.joinable()) thread_.join();
  }

  Guest& guest_;
  InvokeOutcome outcome;
  uint64_t result = ~0ull;
  std::atomic<bool> done{false};
  std::thread thread_;
};

/// The tiers this build has: the interpreter, and the compiled tier when LLVM is built in.
std::vector<Tier> tiers() {
  std::vector<Tier> out{Tier::kInterp};
  if (compiler_available()) out.push_back(Tier::kCompiled);
  return out;
}

class AtomicWait : public ::testing::TestWithParam<Tier> {};

INSTANTIATE_TEST_SUITE_P(Tiers, AtomicWait, ::testing::ValuesIn(tiers()),
                         [](const ::testing::TestParamInfo<Tier>& tier) {
                           return tier.param == Tier::kCompiled ? "Compiled" : "Interpreted";
                         });

TEST_P(AtomicWait, CaptureReadsTheFramesOfAWaitingThreadWithWhatItWaitsOn) {
  Guest guest(kHome, GetParam());
  ASSERT_NE(guest.memory, nullptr);
  WaitCall call(guest, -1);
  ASSERT_TRUE(guest.wait_for_state(ThreadState::kWaiting));
  FrameRecord frames[8];
  const CaptureInfo info = capture_stack(guest.ctx(), frames, 8, 0);
  EXPECT_EQ(info.state, ThreadState::kWaiting);
  EXPECT_EQ(info.method, CaptureMethod::kInHost);  // read directly, no signal
  EXPECT_FALSE(info.timed_out);
  EXPECT_EQ(info.wait_memory, guest.memory);
  EXPECT_EQ(info.wait_address, 16u);
  EXPECT_EQ(info.wait_deadline_ns, 0u);  // no timeout
  ASSERT_EQ(info.copied, 2u);
  EXPECT_EQ(frames[0].func->index, kWaitHereIndex);
  EXPECT_EQ(frames[1].func->index, kMainIndex);
  const SymbolizedFrame innermost = symbolize(frames[0]);
  EXPECT_EQ(innermost.to_string(), "home!wait_here+0x7");  // the wait instruction itself
  EXPECT_EQ(innermost.code_offset, kWaitOffset);
  // The thread dump names the state and what it waits on, in text and JSON.
  const diag::ThreadReport report = diag::report_thread(guest.ctx(), "waiter", "home");
  const std::string text = diag::format_text("dump", {report});
  EXPECT_NE(text.find(" waiting for "), std::string::npos) << text;
  EXPECT_NE(text.find("waiting in memory.atomic.wait on address 0x10 (no timeout)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("home!wait_here"), std::string::npos) << text;
  const std::string json = diag::format_json("dump", "dump", {report});
  EXPECT_NE(json.find("\"state\":\"waiting\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"wait\":{\"address\":16,\"symbol\":null,\"timeout_s\":null}"),
            std::string::npos)
      << json;  // a WAT module has no DWARF to name the address

  EXPECT_EQ(notify_once_waiting(guest.memory, 16, 1), 1u);
  call.join();
  EXPECT_EQ(call.outcome.trap, Trap::kNone) << call.outcome.message;
  EXPECT_EQ(static_cast<uint32_t>(call.result), 0u);  // "ok": woken by a notify
  EXPECT_EQ(guest.ctx()->state(), ThreadState::kIdle);
}

TEST_P(AtomicWait, AWaitWithATimeoutRecordsItsDeadline) {
  Guest guest(kHome, GetParam());
  ASSERT_NE(guest.memory, nullptr);
  WaitCall call(guest, 600'000'000'000);  // ten minutes: ended by the notify below
  ASSERT_TRUE(guest.wait_for_state(ThreadState::kWaiting));
  FrameRecord frames[4];
  const CaptureInfo info = capture_stack(guest.ctx(), frames, 4, 0);
  EXPECT_EQ(info.state, ThreadState::kWaiting);
  EXPECT_GT(info.wait_deadline_ns, diag::now_ns());
  EXPECT_EQ(notify_once_waiting(guest.memory, 16, UINT32_MAX), 1u);
  call.join();
  EXPECT_EQ(static_cast<uint32_t>(call.result), 0u);
}

TEST_P(AtomicWait, TimeoutAndValueMismatchReturnTheSpecsCodes) {
  Guest guest(kHome, GetParam());
  uint64_t result = ~0ull;
  EXPECT_EQ(guest.call("main", 1'000'000, &result).trap, Trap::kNone);  // 1 ms
  EXPECT_EQ(static_cast<uint32_t>(result), 2u);                           // "timed-out"
  EXPECT_EQ(guest.ctx()->state(), ThreadState::kIdle);
  guest.memory->base[16] = 1;
  EXPECT_EQ(guest.call("main", static_cast<uint64_t>(-1), &result).trap, Trap::kNone);
  EXPECT_EQ(static_cast<uint32_t>(result), 1u);  // "not-equal": did not wait at all
}

TEST_P(AtomicWait, TerminateWakesAWaitingGuestWhichTrapsInterrupted) {
  Guest guest(kHome, GetParam());
  ASSERT_NE(guest.memory, nullptr);
  WaitCall call(guest, -1);
  ASSERT_TRUE(guest.wait_for_state(ThreadState::kWaiting));
  request_terminate(guest.ctx());
  call.join();
  EXPECT_EQ(call.outcome.trap, Trap::kInterrupted);
  EXPECT_EQ(call.outcome.message, "interrupted");
  ASSERT_EQ(call.outcome.frames.size(), 2u);  // outermost first
  EXPECT_EQ(call.outcome.frames[0].func->index, kMainIndex);
  EXPECT_EQ(call.outcome.frames[1].func->index, kWaitHereIndex);
  EXPECT_EQ(waiter_count(guest.memory, 16), 0u);
  // The store is usable afterwards, and nothing is left to wake.
  uint64_t woken = ~0ull;
  EXPECT_EQ(guest.call("notify", 1, &woken).trap, Trap::kNone);
  EXPECT_EQ(static_cast<uint32_t>(woken), 0u);
}

TEST_P(AtomicWait, SuspendHoldsAWaitingThreadThatParksWhenWoken) {
  Guest guest(kHome, GetParam());
  ASSERT_NE(guest.memory, nullptr);
  WaitCall call(guest, -1);
  ASSERT_TRUE(guest.wait_for_state(ThreadState::kWaiting));
  {
    std::lock_guard<std::mutex> control(guest.ctx()->control);
    EXPECT_EQ(suspend(guest.ctx(), 1'000'000'000), SuspendOutcome::kInHost);
  }
  EXPECT_EQ(notify_once_waiting(guest.memory, 16, 1), 1u);
  // Woken while suspended: it parks before running guest code again.
  EXPECT_TRUE(guest.wait_for_state(ThreadState::kParked));
  EXPECT_FALSE(call.done.load(std::memory_order_acquire));
  {
    std::lock_guard<std::mutex> control(guest.ctx()->control);
    resume(guest.ctx());
  }
  call.join();
  EXPECT_EQ(call.outcome.trap, Trap::kNone) << call.outcome.message;
  EXPECT_EQ(static_cast<uint32_t>(call.result), 0u);
}

TEST_P(AtomicWait, WaitOnAnUnsharedMemoryTraps) {
  Guest guest(R"((module
    (memory 1)
    (func (export "main") (param i64) (result i32)
      (memory.atomic.wait32 (i32.const 0) (i32.const 0) (local.get 0)))))",
              GetParam());
  uint64_t result = 0;
  const InvokeOutcome outcome = guest.call("main", 0, &result);
  EXPECT_EQ(outcome.trap, Trap::kExpectedSharedMemory);
  EXPECT_EQ(outcome.message, "expected shared memory");
}

TEST_P(AtomicWait, AGuestNotifyWakesAGuestWaitingInAnotherStore) {
  Guest home(kHome, GetParam());
  ASSERT_NE(home.memory, nullptr);
  Guest worker(kWorker, GetParam(), home.memory);
  ASSERT_NE(worker.instance, nullptr);
  WaitCall call(home, -1);
  ASSERT_TRUE(home.wait_for_state(ThreadState::kWaiting));
  // The waiter shows "waiting" just before it joins the waiter table (see
  // notify_once_waiting): the worker's guest notify retries until it wakes someone.
  uint64_t woken = 0;
  const auto give_up = Clock::now() + 10s;
  do {
    ASSERT_EQ(worker.call("notify", 1, &woken).trap, Trap::kNone);
    if (woken == 0) std::this_thread::sleep_for(1ms);
  } while (woken == 0 && Clock::now() < give_up);
  ASSERT_EQ(static_cast<uint32_t>(woken), 1u);  // otherwise join() would wait forever
  call.join();
  EXPECT_EQ(static_cast<uint32_t>(call.result), 0u);
}

// N stores, each on its own thread, each instance importing one shared memory, each adding 1
// K times with i32.atomic.rmw.add to the same counter: no increment may be lost.
TEST_P(AtomicWait, ConcurrentAtomicAddsOnOneSharedMemoryLoseNothing) {
  constexpr uint32_t kThreads = 4;
  constexpr uint32_t kAdds = 100'000;
  Guest home(kHome, GetParam());
  ASSERT_NE(home.memory, nullptr);
  std::vector<std::unique_ptr<Guest>> workers;
  for (uint32_t i = 0; i < kThreads; ++i) {
    workers.push_back(std::make_unique<Guest>(kWorker, GetParam(), home.memory));
    ASSERT_NE(workers.back()->instance, nullptr);
  }
  std::atomic<uint32_t> traps{0};
  std::vector<std::thread> threads;
  for (auto& w : workers) {
    threads.emplace_back([&w, &traps] {
      if (w->call("add", kAdds).trap != Trap::kNone) traps.fetch_add(1);
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(traps.load(), 0u);
  uint64_t total = 0;
  EXPECT_EQ(home.call("load", 0, &total).trap, Trap::kNone);
  EXPECT_EQ(static_cast<uint32_t>(total), kThreads * kAdds);
}

// A shared memory grown through one store is seen at once by the code of another store that
// imports it, in both bounds modes: explicit bounds read the size on every access (compiled
// code must not keep its own copy), guard pages are opened in place (the base never moves).
constexpr const char* kGrower = R"((module
  (memory (export "mem") 1 3 shared)
  (func (export "grow") (param i64) (result i32) (memory.grow (i32.const 1))))
)";
constexpr const char* kToucher = R"((module
  (import "env" "mem" (memory 1 3 shared))
  (func (export "touch") (param $at i64) (result i32)
    (i32.atomic.store (i32.wrap_i64 (local.get $at)) (i32.const 42))
    (i32.atomic.rmw.add (i32.wrap_i64 (local.get $at)) (i32.const 1))))
)";

TEST_P(AtomicWait, AnotherStoresGrowOfASharedMemoryIsSeenByItsImporters) {
  for (BoundsChecks bounds : {BoundsChecks::kGuardPages, BoundsChecks::kExplicit}) {
    SCOPED_TRACE(bounds == BoundsChecks::kExplicit ? "explicit bounds" : "guard pages");
    Guest grower(kGrower, GetParam(), nullptr, bounds);
    ASSERT_NE(grower.memory, nullptr);
    Guest toucher(kToucher, GetParam(), grower.memory, bounds);
    ASSERT_NE(toucher.instance, nullptr);
    const uint64_t second_page = 65536 + 8;
    uint64_t result = 0;
    EXPECT_EQ(toucher.call("touch", second_page, &result).trap, Trap::kOutOfBoundsMemory);
    // Grown on another thread, as a wasi-threads sibling would.
    std::thread([&] {
      uint64_t old_pages = 0;
      EXPECT_EQ(grower.call("grow", 0, &old_pages).trap, Trap::kNone);
      EXPECT_EQ(static_cast<uint32_t>(old_pages), 1u);
    }).join();
    EXPECT_EQ(toucher.call("touch", second_page, &result).trap, Trap::kNone);
    EXPECT_EQ(static_cast<uint32_t>(result), 42u);
    EXPECT_EQ(grower.memory->base[second_page], 43);
    EXPECT_EQ(toucher.call("touch", 2 * 65536, &result).trap, Trap::kOutOfBoundsMemory);
  }
}

}  // namespace
}  // namespace wasmscope::internal
