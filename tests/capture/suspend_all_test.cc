// Whole-program suspension ({Store::suspend_all}, {Store::resume_all}) over several threads
// running guest code in one store — host threads calling in, each on a context of its own —
// and the acceptance stress: eight threads calling, calling the host and waiting, each captured
// at 1 kHz, every capture a path of the known call graph.
//
// Nothing asserts on timing: tests wait for states and progress with bounded polls. The
// stress runs for CAPTURE_STRESS_SECONDS (environment) seconds, else
// CAPTURE_STRESS_DEFAULT_SECONDS: CI runs 10 s in the g++ and clang builds and 2 s in the
// ASan and TSan builds (see CMakeLists.txt).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "threads/registry.h"
#include "wasmscope/wasmscope.hh"

#ifndef CAPTURE_STRESS_DEFAULT_SECONDS
#define CAPTURE_STRESS_DEFAULT_SECONDS 10
#endif
#ifndef CAPTURE_SLACK
#define CAPTURE_SLACK 1
#endif

namespace wasmscope {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// The program. Shared memory: 0 the stop flag; 64 + 4 * id thread {id}'s counter; 128 + 4 * id
// the cell thread {id} waits on (always 0: it waits until notified or timed out).
// Call graph: worker -> a, wait, poke; a -> b (then the host's env.tick, not a guest frame);
// b -> c. Function indices: tick 0 (import), worker 1, a 2, b 3, c 4, wait 5, poke 6.
constexpr const char* kProgram = R"((module $prog
  (import "env" "tick" (func $tick))
  (memory (export "mem") 1 1 shared)
  (func $worker (export "worker") (param $id i32) (param $n i32) (param $wait_ns i64)
    (loop $l
      (call $a (local.get $id))
      (if (i64.ge_s (local.get $wait_ns) (i64.const 0))
        (then
          (call $wait (local.get $id) (local.get $wait_ns))
          (call $poke (i32.rem_u (i32.add (local.get $id) (i32.const 1)) (local.get $n)))))
      (br_if $l (i32.eqz (i32.atomic.load (i32.const 0))))))
  (func $a (param $id i32) (call $b (local.get $id)) (call $tick))
  (func $b (param $id i32) (local $k i32)
    (drop (i32.atomic.rmw.add
      (i32.add (i32.const 64) (i32.shl (local.get $id) (i32.const 2))) (i32.const 1)))
    (loop $l
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $k) (i32.const 8))))
    (call $c))
  (func $c (local $k i32)
    (loop $l
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $k) (i32.const 4)))))
  (func $wait (param $id i32) (param $ns i64)
    (drop (memory.atomic.wait32
      (i32.add (i32.const 128) (i32.shl (local.get $id) (i32.const 2))) (i32.const 0)
      (local.get $ns))))
  (func $poke (param $to i32)
    (drop (memory.atomic.notify
      (i32.add (i32.const 128) (i32.shl (local.get $to) (i32.const 2))) (i32.const 1))))
  (func (export "bump") (param $id i32)
    (drop (i32.atomic.rmw.add
      (i32.add (i32.const 64) (i32.shl (local.get $id) (i32.const 2))) (i32.const 1))))
  (func (export "sleep_forever") (param $id i32)
    (call $wait (local.get $id) (i64.const -1)))
  (func (export "wake") (param $id i32) (call $poke (local.get $id))))
)";
constexpr uint32_t kWorker = 1, kA = 2, kB = 3, kC = 4, kWait = 5, kPoke = 6;
const std::set<std::pair<uint32_t, uint32_t>> kEdges = {
    {kWorker, kA}, {kWorker, kWait}, {kWorker, kPoke}, {kA, kB}, {kB, kC}};

/// Why {c} is not a path of the graph from worker, or "" when it is. The state must agree
/// with the innermost frame: a waiting thread is in $wait, one in a host call in $a (env.tick).
std::string invalid_path(const StackCapture& c) {
  if (c.frames.empty()) return "no frames";
  if (c.truncated || c.depth != c.frames.size()) {
    return "depth " + std::to_string(c.depth) + " but " + std::to_string(c.frames.size()) +
           " frames";
  }
  if (c.frames.back().func_index != kWorker) {
    return "outermost is func " + std::to_string(c.frames.back().func_index);
  }
  for (size_t i = c.frames.size() - 1; i > 0; --i) {
    const uint32_t caller = c.frames[i].func_index, callee = c.frames[i - 1].func_index;
    if (!kEdges.contains({caller, callee})) {
      return "no edge " + std::to_string(caller) + " -> " + std::to_string(callee);
    }
  }
  const uint32_t innermost = c.frames.front().func_index;
  if (c.state == ThreadState::kWaiting && innermost != kWait) {
    return "waiting in func " + std::to_string(innermost);
  }
  if (c.state == ThreadState::kInHost && innermost != kA) {
    return "in a host call from func " + std::to_string(innermost);
  }
  return "";
}

/// Runs {f} when the scope ends, also when a failed ASSERT returns early: a test must let its
/// threads go and join them, or a failure would end in std::terminate instead of a report.
template <class F>
struct AtExit {
  F f;
  ~AtExit() { f(); }
};
template <class F>
AtExit(F) -> AtExit<F>;

/// The program in one store, with {env.tick} counting its calls.
struct Program {
  Store store;
  std::atomic<uint64_t> ticks{0};
  Instance instance;
  Memory mem;

  Program() {
    auto module = Module::compile_text(kProgram);
    EXPECT_TRUE(module.ok()) << module.error().to_string();
    if (!module.ok()) return;
    Func tick = store.define_func(
        FuncType{{}, {}},
        [this](std::span<const Value>, std::span<Value>) -> std::optional<std::string> {
          ticks.fetch_add(1, std::memory_order_relaxed);
          return std::nullopt;
        },
        "env.tick");
    auto made = store.instantiate(*module, {Extern(tick)});
    EXPECT_TRUE(made.ok()) << made.error().to_string();
    if (!made.ok()) return;
    instance = *made;
    mem = instance.memory("mem");
  }

  /// The 32-bit cell at {address} (a multiple of 4) of the shared memory. Through void*: a
  /// uint8_t* cast straight to uint32_t* fails -Wcast-align on ARMv7 (-Werror).
  uint32_t* cell(uint32_t address) const {
    return static_cast<uint32_t*>(static_cast<void*>(mem.data() + address));
  }
  /// A 32-bit cell of the shared memory, read as the guest's atomics write it.
  uint32_t load(uint32_t address) const {
    return std::atomic_ref<uint32_t>(*cell(address))
        .load(std::memory_order_seq_cst);
  }
  uint32_t counter(uint32_t id) const { return load(64 + 4 * id); }
  void stop() {
    std::atomic_ref<uint32_t>(*cell(0))
        .store(1, std::memory_order_seq_cst);
  }

  /// Starts {n} host threads, each calling worker(id, n, wait_ns), and returns once every
  /// counter has moved (so each is inside the store).
  std::vector<std::thread> start_workers(uint32_t n, int64_t wait_ns) {
    std::vector<std::thread> workers;
    for (uint32_t id = 0; id < n; ++id) {
      workers.emplace_back([this, id, n, wait_ns] {
        CallResult r = instance.func("worker").call(
            {Value::i32(static_cast<int32_t>(id)), Value::i32(static_cast<int32_t>(n)),
             Value::i64(wait_ns)});
        EXPECT_TRUE(r.ok()) << r.trap().to_string();
      });
    }
    for (uint32_t id = 0; id < n; ++id) {
      EXPECT_TRUE(await([&] { return counter(id) > 0; })) << "worker " << id << " never ran";
    }
    return workers;
  }

  /// Polls {done} every millisecond for at most 10 s (times the sanitizer slack).
  template <class F>
  static bool await(F done) {
    const auto give_up = Clock::now() + 10s * CAPTURE_SLACK;
    while (!done()) {
      if (Clock::now() > give_up) return false;
      std::this_thread::sleep_for(1ms);
    }
    return true;
  }
};

TEST(SuspendAll, StopsEveryThreadAndNewOnesUntilResumeAll) {
  constexpr uint32_t kSpinners = 4;
  constexpr uint32_t kSleeper = 4, kLate = 5;  // counter / cell ids of the other two threads
  Program p;
  ASSERT_TRUE(p.mem.valid());
  std::vector<std::thread> workers = p.start_workers(kSpinners, -1);  // no waits: spin
  // A fifth thread sleeps in memory.atomic.wait with no timeout: stopped already.
  std::thread sleeper([&] {
    EXPECT_TRUE(p.instance.func("sleep_forever").call({Value::i32(kSleeper)}).ok());
  });
  std::thread late;
  AtExit cleanup{[&] {
    p.store.resume_all();
    p.stop();
    for (std::thread& w : workers) w.join();
    if (late.joinable()) late.join();
    EXPECT_TRUE(p.instance.func("wake").call({Value::i32(kSleeper)}).ok());
    sleeper.join();
  }};
  ASSERT_TRUE(Program::await([&] {
    const std::vector<Thread> threads = p.store.threads();
    return std::any_of(threads.begin(), threads.end(),
                       [](const Thread& t) { return t.state() == ThreadState::kWaiting; });
  }));
  const std::vector<Thread> before = p.store.threads();
  ASSERT_EQ(before.size(), kSpinners + 1);

  ASSERT_TRUE(p.store.suspend_all(5s * CAPTURE_SLACK).ok());
  for (const Thread& t : before) {
    // Parked at a safepoint, or held where it is: in memory.atomic.wait, or in the {tick}
    // host call the workers make (it parks on its way back into guest code).
    EXPECT_TRUE(t.state() == ThreadState::kParked || t.state() == ThreadState::kWaiting ||
                t.state() == ThreadState::kInHost)
        << p.store.thread_name(t) << " is " << thread_state_name(t.state());
  }
  // A host thread calling in now gets a new context, which starts suspended: its call parks
  // before running any guest code.
  late = std::thread([&] { EXPECT_TRUE(p.instance.func("bump").call({Value::i32(kLate)}).ok()); });
  ASSERT_TRUE(Program::await([&] {
    const std::vector<Thread> threads = p.store.threads();
    return threads.size() == before.size() + 1 && threads.back().state() == ThreadState::kParked;
  })) << "the late thread did not park on entry";

  // Read while suspended, so nothing races: no counter moves across 50 ms.
  std::vector<uint32_t> first;
  for (uint32_t id = 0; id <= kLate; ++id) first.push_back(p.counter(id));
  std::this_thread::sleep_for(50ms);
  for (uint32_t id = 0; id <= kLate; ++id) {
    EXPECT_EQ(p.counter(id), first[id]) << "counter " << id << " moved while suspended";
  }
  EXPECT_EQ(first[kLate], 0u) << "the late thread ran guest code while suspended";
  // Every stopped thread can be captured meanwhile: the spinners parked, the sleeper waiting.
  for (const Thread& t : before) {
    auto c = t.capture(16, 1s * CAPTURE_SLACK);
    ASSERT_TRUE(c.ok()) << c.error().to_string();
    EXPECT_TRUE(c->method == CaptureMethod::kParked || c->state == ThreadState::kWaiting)
        << capture_method_name(c->method);
  }

  p.store.resume_all();
  for (uint32_t id = 0; id < kSpinners; ++id) {
    EXPECT_TRUE(Program::await([&] { return p.counter(id) > first[id]; }))
        << "counter " << id << " did not move after resume_all";
  }
  EXPECT_TRUE(Program::await([&] { return p.counter(kLate) == 1; }));
}

// A zero (or tiny) timeout with threads running guest code: suspend_all either succeeds or
// fails with kTimeout; on failure nobody stays suspended, so every counter moves on.
TEST(SuspendAll, ShortTimeoutSucceedsOrFailsWithEveryoneResumed) {
  constexpr uint32_t kSpinners = 4;
  Program p;
  ASSERT_TRUE(p.mem.valid());
  std::vector<std::thread> workers = p.start_workers(kSpinners, -1);
  AtExit cleanup{[&] {
    p.store.resume_all();
    p.stop();
    for (std::thread& w : workers) w.join();
  }};
  uint32_t failures = 0;
  for (std::chrono::nanoseconds timeout : {0ns, 1ns, 1000ns, 20000ns}) {
    Result<void> r = p.store.suspend_all(timeout);
    if (r.ok()) {
      p.store.resume_all();
    } else {
      ++failures;
      EXPECT_EQ(r.error().kind, ErrorKind::kTimeout);
      EXPECT_NE(r.error().message.find("reached no safepoint"), std::string::npos)
          << r.error().message;
    }
    std::vector<uint32_t> seen;
    for (uint32_t id = 0; id < kSpinners; ++id) seen.push_back(p.counter(id));
    for (uint32_t id = 0; id < kSpinners; ++id) {
      EXPECT_TRUE(Program::await([&] { return p.counter(id) > seen[id]; }))
          << "thread " << id << " stayed stopped after a suspend_all of " << timeout.count()
          << " ns (" << (r.ok() ? "ok" : r.error().message) << ")";
    }
  }
  std::printf("short suspend_all timeouts: %u of 4 failed\n", failures);
}

// The registry marks contexts made during a program-wide suspension (a wasi-threads spawn, a
// host thread's first call) suspended from the start, and resume_all lets them go.
TEST(SuspendAll, RegistryHoldsContextsMadeWhileSuspended) {
  internal::ThreadRegistry registry(internal::ContextLimits{1024, 64});
  uint32_t tid = 0;
  internal::ExecContext* before = registry.add_spawned(8, &tid);
  ASSERT_NE(before, nullptr);
  ASSERT_TRUE(registry.suspend_all(1'000'000'000).ok());
  EXPECT_TRUE(registry.program_suspended());
  internal::ExecContext* during = registry.add_spawned(8, &tid);
  ASSERT_NE(during, nullptr);
  for (internal::ExecContext* ctx : {before, during}) {
    EXPECT_NE(ctx->state_word.load() & internal::kStateHeld, 0u);
    EXPECT_NE(ctx->requests.load() & internal::kRequestSuspend, 0u);
  }
  registry.resume_all();
  EXPECT_FALSE(registry.program_suspended());
  internal::ExecContext* after = registry.add_spawned(8, &tid);
  for (internal::ExecContext* ctx : {before, during, after}) {
    EXPECT_EQ(ctx->state_word.load() & internal::kStateHeld, 0u);
    EXPECT_EQ(ctx->requests.load() & internal::kRequestSuspend, 0u);
  }
  for (internal::ExecContext* ctx : {before, during, after}) registry.retire(ctx);
}

uint32_t stress_seconds() {
  if (const char* env = std::getenv("CAPTURE_STRESS_SECONDS"); env != nullptr && *env != '\0') {
    return static_cast<uint32_t>(std::strtoul(env, nullptr, 10));
  }
  return CAPTURE_STRESS_DEFAULT_SECONDS;
}

// The acceptance stress: 8 threads call (nested guest calls and a host call), wait (short
// timed waits) and notify each other, while one controller captures each of them 1000 times
// a second, round-robin, and stops the whole program every 100 ms for a snapshot. Every
// capture must be a valid path, none may time out.
TEST(SuspendAll, EightThreadsCapturedAtOneKilohertz) {
  constexpr uint32_t kThreads = 8;
  constexpr int64_t kWaitNs = 50'000;  // 50 µs waits, cut short by the neighbour's notify
  const uint32_t seconds = stress_seconds();
  ASSERT_GT(seconds, 0u);
  Program p;
  ASSERT_TRUE(p.mem.valid());
  std::vector<std::thread> workers = p.start_workers(kThreads, kWaitNs);
  AtExit cleanup{[&] {
    p.stop();
    for (std::thread& w : workers) {
      if (w.joinable()) w.join();
    }
  }};
  const std::vector<Thread> threads = p.store.threads();
  ASSERT_EQ(threads.size(), kThreads);

  struct PerThread {
    uint32_t captures = 0, signal = 0, safepoint = 0, in_host = 0, waiting = 0, parked = 0;
  };
  std::vector<PerThread> per(kThreads);
  uint32_t timeouts = 0, errors = 0, invalid = 0, snapshots = 0, snapshot_failures = 0;
  std::string first_problem;
  auto check = [&](size_t i, const Result<StackCapture>& c) {
    if (!c.ok()) {
      (c.error().kind == ErrorKind::kTimeout ? timeouts : errors) += 1;
      if (first_problem.empty()) first_problem = c.error().to_string();
      return;
    }
    PerThread& t = per[i];
    ++t.captures;
    switch (c->method) {
      case CaptureMethod::kSignal: ++t.signal; break;
      case CaptureMethod::kSafepoint: ++t.safepoint; break;
      case CaptureMethod::kInHost: ++(c->state == ThreadState::kWaiting ? t.waiting : t.in_host); break;
      case CaptureMethod::kParked: ++t.parked; break;
      case CaptureMethod::kIdle: break;
    }
    if (const std::string why = invalid_path(*c); !why.empty()) {
      if (invalid++ == 0 && first_problem.empty()) first_problem = why;
    }
  };

  const auto start = Clock::now();
  const auto end = start + std::chrono::seconds(seconds);
  auto next_round = start;
  auto next_snapshot = start + 100ms;
  while (Clock::now() < end && timeouts + errors < 5) {
    for (size_t i = 0; i < kThreads; ++i) check(i, threads[i].capture(64, 1s * CAPTURE_SLACK));
    if (Clock::now() >= next_snapshot) {
      next_snapshot += 100ms;
      // A consistent snapshot: every thread stopped, each captured (parked or read in its
      // host call or wait), then all let go.
      if (Result<void> r = p.store.suspend_all(1s * CAPTURE_SLACK); r.ok()) {
        ++snapshots;
        for (size_t i = 0; i < kThreads; ++i) check(i, threads[i].capture(64, 1s * CAPTURE_SLACK));
        p.store.resume_all();
      } else {
        ++snapshot_failures;
        if (first_problem.empty()) first_problem = r.error().to_string();
      }
    }
    // 1 kHz per thread: one round a millisecond; a late round starts at once (no catching up).
    next_round = std::max(next_round + 1ms, Clock::now() - 1ms);
    std::this_thread::sleep_until(next_round);
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  p.stop();
  for (std::thread& w : workers) w.join();  // the counters below are final

  PerThread total;
  for (size_t i = 0; i < kThreads; ++i) {
    const PerThread& t = per[i];
    std::printf("thread %zu: %u captures: %u signal, %u safepoint, %u in_host, %u waiting, "
                "%u parked; counter %u\n",
                i, t.captures, t.signal, t.safepoint, t.in_host, t.waiting, t.parked,
                p.counter(static_cast<uint32_t>(i)));
    total.captures += t.captures;
    total.signal += t.signal;
    total.safepoint += t.safepoint;
    total.in_host += t.in_host;
    total.waiting += t.waiting;
    total.parked += t.parked;
  }
  std::printf("%u captures of %u threads in %.2f s (%.0f per thread per second): %u signal, "
              "%u safepoint, %u in_host, %u waiting, %u parked; %u snapshots (%u failed); "
              "%llu host ticks\n",
              total.captures, kThreads, elapsed, total.captures / elapsed / kThreads, total.signal,
              total.safepoint, total.in_host, total.waiting, total.parked, snapshots,
              snapshot_failures, static_cast<unsigned long long>(p.ticks.load()));
  EXPECT_EQ(timeouts, 0u) << first_problem;
  EXPECT_EQ(errors, 0u) << first_problem;
  EXPECT_EQ(invalid, 0u) << "first: " << first_problem;
  EXPECT_EQ(snapshot_failures, 0u) << first_problem;
  for (size_t i = 0; i < kThreads; ++i) EXPECT_GT(per[i].captures, 0u) << "thread " << i;
  // The threads really called, waited and were stopped (no timing: the counts only).
  EXPECT_GT(total.in_host + total.waiting, 0u);
  EXPECT_GT(total.parked, 0u);
  EXPECT_GT(p.ticks.load(), 0u);
}

}  // namespace
}  // namespace wasmscope
