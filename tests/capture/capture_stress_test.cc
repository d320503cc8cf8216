// Stress: a host thread captures as fast as it can while the guest calls and returns rapidly
// through a known call graph. Every capture must be a path of that graph from the entry (the
// outermost frame is main, every caller -> callee pair an edge), none may crash, and none may
// time out. Signal and safepoint captures alternate. A second run has the guest pass through a
// host function too, so captures meet it in every state it goes through.
//
// The capture count is CAPTURE_STRESS_DEFAULT_COUNT (100,000; fewer in sanitizer builds, see
// CMakeLists.txt), or the CAPTURE_STRESS_COUNT environment variable.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "call_graph.h"
#include "sanitizers.h"
#include "wasmscope/wasmscope.hh"

#ifndef CAPTURE_STRESS_DEFAULT_COUNT
#define CAPTURE_STRESS_DEFAULT_COUNT 100000
#endif

namespace wasmscope {
// The Compiled* tests need the compiled tier: a build without it (-DWASMSCOPE_COMPILER=OFF, as
// the ARM cross builds are) skips them rather than failing them at Module::compile_text.
#if WASMSCOPE_TEST_COMPILED
#define SKIP_WITHOUT_COMPILED_TIER() static_cast<void>(0)
#else
#define SKIP_WITHOUT_COMPILED_TIER() \
  GTEST_SKIP() << "this build has no compiled tier (WASMSCOPE_COMPILER=OFF)"
#endif

namespace {

using namespace test_graph;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

uint32_t capture_count() {
  if (const char* env = std::getenv("CAPTURE_STRESS_COUNT"); env != nullptr && *env != '\0') {
    return static_cast<uint32_t>(std::strtoul(env, nullptr, 10));
  }
  return CAPTURE_STRESS_DEFAULT_COUNT;
}

/// Runs the graph guest and captures it {capture_count()} times. With {host_calls} false, d's
/// call of env.tick is replaced by a nop: the guest then never changes state, and only the
/// signal and safepoint paths are exercised.
void run_graph_stress(bool host_calls, Tier tier = Tier::kInterpreter,
                      const Graph& graph = kCalls) {
  const uint32_t total = capture_count();
  ASSERT_GT(total, 0u);
  Config config;
  config.tier = tier;
  Store store(config);
  std::string wat = graph.wat;
  if (!host_calls) wat.replace(wat.find("(call $tick)"), 12, "(nop)");
  auto module = Module::compile_text(wat, config);
  ASSERT_TRUE(module.ok()) << module.error().to_string();
  std::atomic<uint64_t> ticks{0};
  Func tick = store.define_func(
      FuncType{{}, {}},
      [&](std::span<const Value>, std::span<Value>) -> std::optional<std::string> {
        ticks.fetch_add(1, std::memory_order_relaxed);
        return std::nullopt;
      },
      "env.tick");
  auto instance = store.instantiate(*module, {Extern(tick)});
  ASSERT_TRUE(instance.ok()) << instance.error().to_string();
  Thread thread = store.thread();

  CallResult outcome(std::vector<Value>{});
  std::thread guest([&] { outcome = instance->func("main").call({}); });
  // Wait until main runs (a safepoint capture needs no signal).
  const auto give_up = Clock::now() + 10s;
  while (Clock::now() < give_up) {
    auto c = thread.capture(8, 1s, false);
    if (c.ok() && !c->frames.empty()) break;
    std::this_thread::sleep_for(1ms);
  }

  uint32_t timeouts = 0, signal_timeouts = 0, errors = 0, invalid = 0, idle = 0;
  uint32_t by_method[5] = {};
  std::set<std::vector<uint32_t>> paths_seen;
  std::string first_invalid;
  uint32_t answered = 0;
  const uint64_t ticks_before = ticks.load();
  const auto start = Clock::now();
  for (uint32_t i = 0; i < total; ++i) {
    const bool use_signal = (i % 2) == 0;
    auto c = thread.capture(64, 1s, use_signal);
    if (!c.ok()) {
      (c.error().kind == ErrorKind::kTimeout ? timeouts : errors) += 1;
      if (c.error().kind == ErrorKind::kTimeout && use_signal) ++signal_timeouts;
      if (timeouts + errors >= 5) break;  // failed already; spare the time of more timeouts
      continue;
    }
    ++answered;
    by_method[static_cast<int>(c->method)] += 1;
    if (c->method == CaptureMethod::kIdle) {
      ++idle;
      continue;
    }
    const std::string why = invalid_path(*c, graph);
    if (!why.empty()) {
      if (invalid++ == 0) first_invalid = why;
      continue;
    }
    if (paths_seen.size() < 64) {
      std::vector<uint32_t> path;
      for (const CapturedFrame& f : c->frames) path.push_back(f.func_index);
      paths_seen.insert(path);
    }
    // Names from the symbolizer agree with the indices (checked now and then: it allocates).
    if (i % 4096 == 0) {
      const std::vector<Frame> frames = thread.symbolize(*c);
      for (size_t k = 0; k < frames.size(); ++k) {
        EXPECT_EQ(frames[k].function, graph.names.at(c->frames[k].func_index));
        EXPECT_EQ(frames[k].module, "graph");
      }
    }
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  const uint64_t ticks_during = ticks.load() - ticks_before;

  thread.terminate();
  guest.join();
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.trap().message, "interrupted");
  const std::string why_trap = [&] {
    StackCapture c;
    for (const Frame& f : outcome.trap().frames) {
      c.frames.push_back(CapturedFrame{0, f.func_index, f.code_offset, nullptr, nullptr});
    }
    c.depth = static_cast<uint32_t>(c.frames.size());
    return invalid_path(c, graph);
  }();
  EXPECT_EQ(why_trap, "") << "the trap's stack: " << outcome.trap().to_string();

  std::printf(
      "%u captures (of %u) in %.2f s: %u signal, %u safepoint, %u in host, %u parked, %u idle; "
      "%zu distinct paths; %llu host ticks\n",
      answered, total, elapsed, by_method[static_cast<int>(CaptureMethod::kSignal)],
      by_method[static_cast<int>(CaptureMethod::kSafepoint)],
      by_method[static_cast<int>(CaptureMethod::kInHost)],
      by_method[static_cast<int>(CaptureMethod::kParked)], idle, paths_seen.size(),
      static_cast<unsigned long long>(ticks.load()));
  EXPECT_EQ(timeouts, 0u) << signal_timeouts << " of them by signal, the others at a safepoint";
  EXPECT_EQ(errors, 0u);
  EXPECT_EQ(answered, total);
  EXPECT_EQ(invalid, 0u) << "first: " << first_invalid;
  EXPECT_EQ(idle, 0u) << "the guest never left main";
  EXPECT_GT(by_method[static_cast<int>(CaptureMethod::kSignal)], 0u);
  // Compiled code has no safepoints: every capture of it running is by signal.
  if (tier == Tier::kInterpreter) {
    EXPECT_GT(by_method[static_cast<int>(CaptureMethod::kSafepoint)], 0u);
  }
  // The guest really moved through the graph while being captured: several distinct paths
  // were seen (of the 7 there are, 9 with tail calls) and it made progress.
  // Compiled code runs the graph so fast that with host calls nearly every capture finds it in
  // env.tick, and a signal sent as it leaves lands a few instructions later, still in d: on a
  // fast CPU (AMD EPYC, 3 December) one run in three saw all of its ~9,000 signal captures
  // there. So that case needs only the signal captures (above) and the progress (below);
  // without host calls compiled code must show the variety too.
  if (!(tier == Tier::kCompiled && host_calls)) {
    EXPECT_GE(paths_seen.size(), 4u);
  }
  // Nothing here parks the guest: a capture that left it parked would stop it for good.
  EXPECT_EQ(by_method[static_cast<int>(CaptureMethod::kParked)], 0u);
  // And it went on running while captured. Progress is judged by what happened during the
  // captures, never by how much: how far a guest gets in a few seconds is the machine's speed
  // (under ThreadSanitizer on a 2-core CI machine the interpreter made only 381 rounds in 4 s).
  // The distinct paths above show movement; with host calls, so do ticks counted during the
  // captures (one per even round, through b -> d).
  auto rounds = instance->func("rounds").call({});
  ASSERT_TRUE(rounds.ok());
  // (Compiled, the 32-bit counter may have wrapped.)
  EXPECT_NE(rounds.values().at(0).i32(), 0);
  if (host_calls) {
    EXPECT_GT(ticks_during, 0u) << "the guest made no host call while being captured";
  } else {
    EXPECT_EQ(ticks.load(), 0u);
  }
}

// The checker itself: it must reject what is not a path from main.
TEST(CaptureStress, PathCheckerRejectsNonPaths) {
  auto capture_of = [](std::vector<uint32_t> innermost_first) {
    StackCapture c;
    for (uint32_t f : innermost_first) c.frames.push_back(CapturedFrame{1, f, 0, nullptr, nullptr});
    c.depth = static_cast<uint32_t>(c.frames.size());
    return c;
  };
  EXPECT_EQ(invalid_path(capture_of({kC, kD, kB, kMain})), "");
  EXPECT_EQ(invalid_path(capture_of({kMain})), "");
  EXPECT_NE(invalid_path(capture_of({})), "");
  EXPECT_NE(invalid_path(capture_of({kC, kA})), "");              // outermost not main
  EXPECT_NE(invalid_path(capture_of({kD, kA, kMain})), "");       // a does not call d
  EXPECT_NE(invalid_path(capture_of({kC, kMain})), "");           // main does not call c
  EXPECT_NE(invalid_path(capture_of({kMain, kA, kMain})), "");    // innermost first, not last
  StackCapture cut = capture_of({kC, kA, kMain});
  cut.depth = 4;
  EXPECT_NE(invalid_path(cut), "");
}

TEST(CaptureStress, EveryCaptureIsAPathOfTheCallGraph) { run_graph_stress(false); }

// The same with the guest entering and leaving a host function all the time: captures meet it
// running, in the host call, and in between (the state protocol's transitions).
TEST(CaptureStress, EveryCaptureIsAPathThroughHostCalls) { run_graph_stress(true); }

// The same on compiled code, whose frames a capture finds by walking frame pointers (from the
// signal context, or from where a host call left it), and which parks or stops in the
// runtime signal's handler rather than at safepoints.
TEST(CaptureStress, CompiledEveryCaptureIsAPathOfTheCallGraph) {
  SKIP_WITHOUT_COMPILED_TIER();
#if WASMSCOPE_TEST_TSAN
  // ThreadSanitizer holds back asynchronous signals until the thread runs instrumented code,
  // which compiled code never is: a guest that never leaves it is never captured.
  GTEST_SKIP() << "ThreadSanitizer defers signals while uninstrumented (JIT) code runs";
#endif
  run_graph_stress(false, Tier::kCompiled);
}
TEST(CaptureStress, CompiledEveryCaptureIsAPathThroughHostCalls) {
  SKIP_WITHOUT_COMPILED_TIER();
#if WASMSCOPE_TEST_TSAN
  // Under ThreadSanitizer (signals deferred to instrumented code) 3 of 50,000 captures came
  // out cut short (outermost frame c): not understood yet, so not claimed here.
  GTEST_SKIP() << "unexplained short captures under ThreadSanitizer (issue 15 note)";
#endif
  run_graph_stress(true, Tier::kCompiled);
}

// Tail calls: the callee replaces the caller in every stack, whenever the signal lands
// (at the jump of a tail call the caller's frame is already gone).
TEST(CaptureStress, CompiledEveryCaptureIsAPathOfTailCalls) {
  SKIP_WITHOUT_COMPILED_TIER();
#if WASMSCOPE_TEST_TSAN
  GTEST_SKIP() << "ThreadSanitizer defers signals while uninstrumented (JIT) code runs";
#endif
  run_graph_stress(false, Tier::kCompiled, kTailCalls);
}
TEST(CaptureStress, CompiledEveryCaptureIsAPathOfTailCallsThroughHostCalls) {
  SKIP_WITHOUT_COMPILED_TIER();
#if WASMSCOPE_TEST_TSAN
  GTEST_SKIP() << "unexplained short captures under ThreadSanitizer (issue 15 note)";
#endif
  run_graph_stress(true, Tier::kCompiled, kTailCalls);
}
// Exceptions unwinding two frames at a time (kThrows): every capture, at whatever instant of
// a throw it lands, is still a path of the graph. Compiled, main and d (which catch and
// throw) run in the interpreter behind native bodies, which must not show as extra frames.
TEST(CaptureStress, EveryCaptureIsAPathWhileThrowing) {
  run_graph_stress(true, Tier::kInterpreter, kThrows);
}
TEST(CaptureStress, CompiledEveryCaptureIsAPathWhileThrowing) {
  SKIP_WITHOUT_COMPILED_TIER();
  run_graph_stress(true, Tier::kCompiled, kThrows);
}

// The interpreter's stacks of the same guest, which the compiled ones must equal.
TEST(CaptureStress, EveryCaptureIsAPathOfTailCalls) {
  run_graph_stress(false, Tier::kInterpreter, kTailCalls);
}

// Suspend/resume cycles interleaved with captures while the guest runs the same graph: every
// suspend succeeds, every capture of the parked guest reads a valid path, and the guest goes
// on after each resume.
void run_suspend_resume_cycles(Tier tier) {
  const uint32_t cycles = std::max<uint32_t>(capture_count() / 50, 200);
  Config config;
  config.tier = tier;
  Store store(config);
  auto module = Module::compile_text(kGraph, config);
  ASSERT_TRUE(module.ok()) << module.error().to_string();
  Func tick = store.define_func(
      FuncType{{}, {}}, [](std::span<const Value>, std::span<Value>) -> std::optional<std::string> {
        return std::nullopt;
      },
      "env.tick");
  auto instance = store.instantiate(*module, {Extern(tick)});
  ASSERT_TRUE(instance.ok());
  Thread thread = store.thread();
  Memory mem = instance->memory("mem");
  CallResult outcome(std::vector<Value>{});
  std::thread guest([&] { outcome = instance->func("main").call({}); });
  // Start once the guest runs: a suspend before its call begins holds it at the entry, parked
  // before its first frame, where a capture rightly has no frames to show.
  for (auto until = std::chrono::steady_clock::now() + 10s;
       thread.state() != ThreadState::kRunningWasm && std::chrono::steady_clock::now() < until;) {
    std::this_thread::sleep_for(1ms);
  }

  // The guest's round counter, read while it is suspended (so the read races with nothing).
  auto read_rounds = [&] {
    int32_t rounds = 0;
    EXPECT_TRUE(mem.read(0, {reinterpret_cast<uint8_t*>(&rounds), 4}).ok());
    return rounds;
  };
  uint32_t failed_suspends = 0, invalid = 0, stuck = 0;
  std::string first_invalid;
  for (uint32_t i = 0; i < cycles; ++i) {
    if (!thread.suspend(2s).ok()) {
      ++failed_suspends;
      continue;
    }
    auto c = thread.capture(64, 2s, i % 2 == 0);
    if (c.ok() && c->method != CaptureMethod::kIdle) {
      const std::string why = invalid_path(*c);
      if (!why.empty() && invalid++ == 0) first_invalid = why;
    }
    const int32_t rounds = read_rounds();
    thread.resume();
    // Every 20th cycle, check the guest goes on after a resume: it must move past {rounds}.
    // Progress is awaited, not assumed after a fixed sleep, so a loaded machine that is slow
    // to schedule the guest is no failure; one that never moves within 10 s is.
    if (i % 20 != 19) continue;
    bool moved = false;
    for (auto until = std::chrono::steady_clock::now() + 10s;
         !moved && std::chrono::steady_clock::now() < until;) {
      std::this_thread::sleep_for(1ms);
      if (!thread.suspend(2s).ok()) continue;
      moved = read_rounds() != rounds;
      thread.resume();
    }
    if (!moved) ++stuck;
  }
  thread.terminate();
  guest.join();
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.trap().message, "interrupted");
  EXPECT_EQ(failed_suspends, 0u);
  EXPECT_EQ(invalid, 0u) << "first: " << first_invalid;
  EXPECT_EQ(stuck, 0u) << "the guest did not go on after resumes";
}

TEST(CaptureStress, SuspendResumeCyclesWhileRunning) { run_suspend_resume_cycles(Tier::kInterpreter); }
TEST(CaptureStress, CompiledSuspendResumeCyclesWhileRunning) {
  SKIP_WITHOUT_COMPILED_TIER();
  run_suspend_resume_cycles(Tier::kCompiled);
}

// Compiled code answers suspend and terminate in the runtime signal's handler, which can act
// only when the signal finds the thread in compiled code. These guests spend most of their
// time in runtime helpers instead (an indirect call's table lookup; a memory.fill of 1 MiB),
// where a single signal would be lost and the request with it: every terminate must still end
// the call and every suspend park the thread (the controller signals again each millisecond,
// and long helpers answer on their way out).
constexpr const char* kHelperLoops = R"((module $helpers
  (type $v (func))
  (table 1 funcref)
  (elem (i32.const 0) $leaf)
  (memory 16)
  (func $leaf)
  (func (export "indirect")
    (loop $l (call_indirect (type $v) (i32.const 0)) (br $l)))
  (func (export "fill")
    (loop $l (memory.fill (i32.const 0) (i32.const 0) (i32.const 1048576)) (br $l))))
)";

void terminate_and_suspend_in_helpers(const char* export_name, uint32_t rounds) {
  Config config;
  config.tier = Tier::kCompiled;
  Store store(config);
  auto module = Module::compile_text(kHelperLoops, config);
  ASSERT_TRUE(module.ok()) << module.error().to_string();
  auto instance = store.instantiate(*module, std::vector<Extern>{});
  ASSERT_TRUE(instance.ok()) << instance.error().to_string();
  Thread thread = store.thread();
  uint32_t failed_suspends = 0, not_interrupted = 0;
  for (uint32_t i = 0; i < rounds; ++i) {
    CallResult outcome(std::vector<Value>{});
    std::atomic<bool> done{false};
    std::thread guest([&] {
      outcome = instance->func(export_name).call({});
      done = true;
    });
    for (auto until = Clock::now() + 10s;
         thread.state() != ThreadState::kRunningWasm && Clock::now() < until;) {
      std::this_thread::sleep_for(100us);
    }
    if (i % 2 == 1) {
      if (thread.suspend(5s).ok()) {
        EXPECT_EQ(thread.state(), ThreadState::kParked);
        auto c = thread.capture(8, 1s, false);
        // The loop's frame, and $leaf's when parked in it.
        EXPECT_TRUE(c.ok() && !c->frames.empty() && c->frames.size() <= 2)
            << "a parked guest shows its frames";
        thread.resume();
      } else {
        ++failed_suspends;
      }
    }
    thread.terminate();
    // A lost request leaves the guest looping forever: give up after 20 s rather than hang.
    for (auto until = Clock::now() + 20s; !done && Clock::now() < until;) {
      std::this_thread::sleep_for(1ms);
    }
    if (!done) {
      ADD_FAILURE() << "round " << i << ": terminate did not end the call within 20 s";
      std::_Exit(1);  // the guest thread cannot be joined
    }
    guest.join();
    if (outcome.ok() || outcome.trap().message != "interrupted") ++not_interrupted;
  }
  EXPECT_EQ(failed_suspends, 0u);
  EXPECT_EQ(not_interrupted, 0u);
}

TEST(CaptureStress, CompiledTerminateAndSuspendReachAThreadInALongHelper) {
  SKIP_WITHOUT_COMPILED_TIER();
  terminate_and_suspend_in_helpers("fill", 40);
}
TEST(CaptureStress, CompiledTerminateAndSuspendReachAThreadInShortHelpers) {
  SKIP_WITHOUT_COMPILED_TIER();
#if WASMSCOPE_TEST_TSAN
  GTEST_SKIP() << "ThreadSanitizer defers signals while uninstrumented (JIT) code runs";
#endif
  terminate_and_suspend_in_helpers("indirect", 200);
}


}  // namespace
}  // namespace wasmscope
