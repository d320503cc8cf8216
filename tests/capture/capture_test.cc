// Acceptance tests for live stack capture and thread control through the public C++ API
// (include/wasmscope/wasmscope.hh): a guest spinning without calls, one 10,000 frames deep,
// one blocked in a host function, one parked by a suspend, an idle thread; suspend keeps
// memory still, resume lets it go on, terminate unwinds with "interrupted" and leaves the store
// usable. The C API is driven from C (c_api_test.c) against the same kind of guest.
//
// Expected code offsets are worked out by hand from the binary encoding of the WAT below
// (offsets count from the start of the function body after its size: the local declarations
// are byte 0), and were cross-checked with wabt's wasm-objdump, not with wasmscope.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "guest_call.h"
#include "wasmscope/capture.h"
#include "wasmscope/wasmscope.hh"

extern "C" int run_c_capture(wasmscope_thread_t* thread);

namespace wasmscope {
namespace {

using namespace std::chrono_literals;

// main -> a -> spin; spin counts at address 0 in a loop without calls.
// Function indices: main 0, a 1, spin 2, answer 3, count 4.
// Bodies (offset: bytes):
//   main/a: 0: 00 (no locals) | 1: call (10 xx) | 3: end
//   spin:   0: 00 | 1: i32.const 4 | 3: i32.const 1 | 5: i32.store | 8: loop | 10: i32.const 0
//           12: i32.const 0 | 14: i32.load | 17: i32.const 1 | 19: i32.add | 20: i32.store
//           23: br 0 | 25: end (loop) | 26: end
constexpr const char* kSpinner = R"((module $spinner
  (memory (export "mem") 1)
  (func $main (export "main") (call $a))
  (func $a (call $spin))
  (func $spin
    (i32.store (i32.const 4) (i32.const 1))
    (loop $l
      (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (i32.const 1)))
      (br $l)))
  (func (export "answer") (result i32) (i32.const 42))
  (func (export "count") (result i32) (i32.load (i32.const 0))))
)";
constexpr uint32_t kMainIndex = 0, kAIndex = 1, kSpinIndex = 2;
constexpr uint32_t kCallOffset = 1, kAfterCallOffset = 3;  // in main and a
constexpr uint32_t kLoopBegin = 8, kLoopEnd = 25;           // in spin: loop .. its end

// deep -> rec(10000) -> rec(9999) ... -> rec(1) -> spin (or -> env.block, a host function).
// Function indices: block 0 (import), deep 1, rec 2, spin 3, rec_host 4, deep_host 5.
constexpr const char* kDeep = R"((module $deep
  (import "env" "block" (func $block))
  (memory (export "mem") 1)
  (func $deep (export "deep") (call $rec (i32.const 10000)))
  (func $rec (param $n i32)
    (if (i32.eq (local.get $n) (i32.const 1))
      (then (call $spin))
      (else (call $rec (i32.sub (local.get $n) (i32.const 1))))))
  (func $spin
    (loop $l
      (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (i32.const 1)))
      (br $l)))
  (func $rec_host (param $n i32)
    (if (i32.eq (local.get $n) (i32.const 1))
      (then (call $block))
      (else (call $rec_host (i32.sub (local.get $n) (i32.const 1))))))
  (func $deep_host (export "deep_host") (call $rec_host (i32.const 10000))))
)";
constexpr uint32_t kRecursion = 10000;
constexpr uint32_t kRecIndex = 2, kDeepSpinIndex = 3, kRecHostIndex = 4;

/// The function names of {frames}, innermost first.
std::vector<std::string> names(const std::vector<Frame>& frames) {
  std::vector<std::string> out;
  for (const Frame& f : frames) out.push_back(f.function);
  return out;
}

/// A caller's position is its call instruction ({call}); the instruction after it ({after})
/// is accepted here too (CallerFramesPointAtTheCallInstruction pins the convention).
void expect_caller_at(const Frame& frame, uint32_t call, uint32_t after) {
  EXPECT_TRUE(frame.code_offset == call || frame.code_offset == after)
      << frame.to_string() << ": expected the call at +0x" << std::hex << call;
}

/// Checks a capture of the spinner in spin: exactly spin, a, main, named and placed.
void expect_spinner_stack(const Thread& thread, const StackCapture& c) {
  EXPECT_EQ(c.depth, 3u);
  EXPECT_FALSE(c.truncated);
  ASSERT_EQ(c.frames.size(), 3u);
  EXPECT_EQ(c.frames[0].func_index, kSpinIndex);
  EXPECT_EQ(c.frames[1].func_index, kAIndex);
  EXPECT_EQ(c.frames[2].func_index, kMainIndex);
  EXPECT_NE(c.frames[0].instance_id, 0u);
  EXPECT_EQ(c.frames[1].instance_id, c.frames[0].instance_id);
  EXPECT_EQ(c.frames[2].instance_id, c.frames[0].instance_id);
  // Inside the loop: past the marker store before it, not beyond its end.
  EXPECT_GE(c.frames[0].code_offset, kLoopBegin);
  EXPECT_LE(c.frames[0].code_offset, kLoopEnd);
  const std::vector<Frame> frames = thread.symbolize(c);
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(names(frames), (std::vector<std::string>{"spin", "a", "main"}));
  for (const Frame& f : frames) {
    EXPECT_EQ(f.module, "spinner");
    EXPECT_FALSE(f.host);
  }
  EXPECT_EQ(frames[0].code_offset, c.frames[0].code_offset);
  char expected[64];
  std::snprintf(expected, sizeof expected, "spinner!spin+0x%x", c.frames[0].code_offset);
  EXPECT_EQ(frames[0].to_string(), expected);
  expect_caller_at(frames[1], kCallOffset, kAfterCallOffset);
  expect_caller_at(frames[2], kCallOffset, kAfterCallOffset);
}

/// Reads the counter at address 0; only while the guest is parked (the read then
/// synchronizes with the guest's writes through the suspend).
uint32_t counter(const Memory& mem) {
  uint32_t value = 0;
  EXPECT_TRUE(mem.read(0, {reinterpret_cast<uint8_t*>(&value), 4}).ok());
  return value;
}

struct Spinner {
  Store store;
  Instance instance;
  Thread thread;
  Spinner() {
    auto module = compile(kSpinner);
    if (!module) return;
    auto inst = store.instantiate(*module);
    EXPECT_TRUE(inst.ok()) << inst.error().to_string();
    if (inst.ok()) instance = *inst;
    thread = store.thread();
  }
};

TEST(Capture, IdleThreadHasNoFrames) {
  Spinner s;
  ASSERT_TRUE(s.instance.valid());
  for (bool use_signal : {true, false}) {
    auto c = s.thread.capture(16, 1s, use_signal);
    ASSERT_TRUE(c.ok()) << c.error().to_string();
    EXPECT_EQ(c->method, CaptureMethod::kIdle);
    EXPECT_EQ(c->state, ThreadState::kIdle);
    EXPECT_EQ(c->depth, 0u);
    EXPECT_TRUE(c->frames.empty());
    EXPECT_FALSE(c->truncated);
  }
  EXPECT_EQ(s.thread.state(), ThreadState::kIdle);
  // Still idle after a call came and went.
  auto r = s.instance.func("answer").call({});
  ASSERT_TRUE(r.ok());
  auto c = s.thread.capture();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->method, CaptureMethod::kIdle);
  EXPECT_TRUE(c->frames.empty());
}

TEST(Capture, SpinningGuestBySignal) {
  Spinner s;
  ASSERT_TRUE(s.instance.valid());
  GuestCall call(s.store, s.instance.func("main"));
  ASSERT_TRUE(wait_until_innermost(s.thread, kSpinIndex));
  for (int i = 0; i < 20; ++i) {
    auto c = s.thread.capture(16, 2s, true);
    ASSERT_TRUE(c.ok()) << c.error().to_string();
    EXPECT_EQ(c->method, CaptureMethod::kSignal);
    EXPECT_EQ(c->state, ThreadState::kRunningWasm);
    expect_spinner_stack(s.thread, *c);
  }
  EXPECT_EQ(s.thread.state(), ThreadState::kRunningWasm);
}

TEST(Capture, SpinningGuestAtSafepoint) {
  Spinner s;
  ASSERT_TRUE(s.instance.valid());
  GuestCall call(s.store, s.instance.func("main"));
  ASSERT_TRUE(wait_until_innermost(s.thread, kSpinIndex));
  for (int i = 0; i < 20; ++i) {
    auto c = s.thread.capture(16, 2s, false);
    ASSERT_TRUE(c.ok()) << c.error().to_string();
    EXPECT_EQ(c->method, CaptureMethod::kSafepoint);
    EXPECT_EQ(c->state, ThreadState::kRunningWasm);
    expect_spinner_stack(s.thread, *c);
  }
}

// main calls rec(20) forever; rec(n) runs loop A (odd n) or loop B (even n) twice, then calls
// rec(n - 1) unless n is 0. Function indices: main 0, rec 1. rec's body (offset: bytes; 0 is
// the local declaration "01 7f"): 2: local.get 0 | 4: i32.const 1 | 6: i32.and | 7: if
// | 9: loop (A) ... 23: br_if 0 | 25: end | 26: else | 27: loop (B) ... 41: br_if 0 | 43: end
// | 44: end | 45: local.get 0 | 47: if | 49: local.get 0 | 51: i32.const 1 | 53: i32.sub
// | 54: call 1 | 56: end | 57..: eight local.set of an i32.mul | end.
constexpr const char* kRecLoops = R"((module $recloops
  (func $main (export "main")
    (loop $forever (call $rec (i32.const 20)) (br $forever)))
  (func $rec (param $n i32) (local $i i32)
    (if (i32.and (local.get $n) (i32.const 1))
      (then
        (loop $a
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $a (i32.lt_u (local.get $i) (i32.const 2)))))
      (else
        (loop $b
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $b (i32.lt_u (local.get $i) (i32.const 2))))))
    (if (local.get $n)
      (then (call $rec (i32.sub (local.get $n) (i32.const 1)))))
    ;; Straight-line work after the return (no safepoint), so that a capture often lands
    ;; in a caller that a callee has just returned to.
    (local.set $i (i32.mul (local.get $i) (i32.const 3)))
    (local.set $i (i32.mul (local.get $i) (i32.const 3)))
    (local.set $i (i32.mul (local.get $i) (i32.const 3)))
    (local.set $i (i32.mul (local.get $i) (i32.const 3)))
    (local.set $i (i32.mul (local.get $i) (i32.const 3)))
    (local.set $i (i32.mul (local.get $i) (i32.const 3)))
    (local.set $i (i32.mul (local.get $i) (i32.const 3)))
    (local.set $i (i32.mul (local.get $i) (i32.const 3)))))
)";
constexpr uint32_t kRecLoopsRec = 1, kLoopABegin = 9, kLoopAEnd = 25, kLoopBBegin = 27,
                   kLoopBEnd = 43;

// Between safepoints the innermost position is kept apart from the frame records (one store
// per loop iteration, context.h); it must never be shown for a frame other than the one that
// stored it. Here every call and return changes the innermost frame between two recursions
// of one function whose loops alternate: a position left over from the caller (loop A) shown
// for its callee (about to run loop B), or from a returned callee shown for its caller, puts
// a frame of one parity in the other parity's loop. Thousands of signal captures land in
// those windows often enough to see it.
TEST(Capture, InnermostPositionNeverComesFromAnotherFrame) {
  Store store;
  auto module = compile(kRecLoops);
  ASSERT_TRUE(module);
  auto inst = store.instantiate(*module);
  ASSERT_TRUE(inst.ok()) << inst.error().to_string();
  Thread thread = store.thread();
  GuestCall call(store, inst->func("main"));
  ASSERT_TRUE(wait_until_innermost(thread, kRecLoopsRec));
  int in_a = 0, in_b = 0, elsewhere = 0;
  // At least 4,000 captures, and on until both loops have been seen (at most 200,000). On a
  // loaded machine back-to-back captures can fall into step with the guest's period and land
  // in one parity only for thousands of captures; a random pause of 0-63 us between them
  // breaks that step, and capturing on until both loops appear keeps the check below from
  // depending on timing.
  std::minstd_rand jitter(12345);
  for (int i = 0; i < 200000 && (i < 4000 || in_a == 0 || in_b == 0); ++i) {
    if (i >= 1000) std::this_thread::sleep_for(std::chrono::microseconds(jitter() % 64));
    auto c = thread.capture(32, 2s, true);
    ASSERT_TRUE(c.ok()) << c.error().to_string();
    ASSERT_FALSE(c->frames.empty());
    ASSERT_EQ(c->frames.size(), c->depth);
    if (c->frames[0].func_index != kRecLoopsRec) continue;  // main, between two rec(20)
    const uint32_t n = 21 - (c->depth - 1);  // rec(20) is the outermost rec
    const uint32_t at = c->frames[0].code_offset;
    const bool a = at >= kLoopABegin && at <= kLoopAEnd;
    const bool b = at >= kLoopBBegin && at <= kLoopBEnd;
    in_a += a;
    in_b += b;
    elsewhere += !a && !b;
    if (n % 2 == 1) {
      ASSERT_FALSE(b) << "rec(" << n << ") (odd) shown in loop B at +" << at << ", capture " << i;
    } else {
      ASSERT_FALSE(a) << "rec(" << n << ") (even) shown in loop A at +" << at << ", capture " << i;
    }
  }
  // The captures did see the loops (the check above is not vacuous).
  EXPECT_GT(in_a, 0);
  EXPECT_GT(in_b, 0);
  std::printf("innermost rec: %d in loop A, %d in loop B, %d elsewhere\n", in_a, in_b, elsewhere);
}

// The innermost frame's position is where it is; a caller's is its call instruction (DESIGN.md:
// "the internal pc of the call for callers"), as in every trap stack.
TEST(Capture, CallerFramesPointAtTheCallInstruction) {
  Spinner s;
  ASSERT_TRUE(s.instance.valid());
  GuestCall call(s.store, s.instance.func("main"));
  ASSERT_TRUE(wait_until_innermost(s.thread, kSpinIndex));
  for (bool use_signal : {true, false}) {
    auto c = s.thread.capture(16, 2s, use_signal);
    ASSERT_TRUE(c.ok()) << c.error().to_string();
    ASSERT_EQ(c->frames.size(), 3u);
    EXPECT_EQ(c->frames[1].code_offset, kCallOffset) << "a's call of spin";
    EXPECT_EQ(c->frames[2].code_offset, kCallOffset) << "main's call of a";
  }
}

TEST(Capture, TruncatesToMaxFrames) {
  Spinner s;
  ASSERT_TRUE(s.instance.valid());
  GuestCall call(s.store, s.instance.func("main"));
  ASSERT_TRUE(wait_until_innermost(s.thread, kSpinIndex));
  for (bool use_signal : {true, false}) {
    auto c = s.thread.capture(2, 2s, use_signal);
    ASSERT_TRUE(c.ok()) << c.error().to_string();
    EXPECT_EQ(c->depth, 3u);
    EXPECT_TRUE(c->truncated);
    ASSERT_EQ(c->frames.size(), 2u);
    EXPECT_EQ(c->frames[0].func_index, kSpinIndex);  // the innermost frames are kept
    EXPECT_EQ(c->frames[1].func_index, kAIndex);
  }
}

/// A store with the deep module; env.block waits until {release} is set.
struct DeepGuest {
  Store store{[] {
    Config config;
    config.max_call_depth = 20000;
    return config;
  }()};
  Instance instance;
  Thread thread;
  std::mutex mu;
  std::condition_variable cv;
  bool in_block = false;
  bool release = false;

  DeepGuest() {
    auto module = compile(kDeep);
    if (!module) return;
    Func block = store.define_func(
        FuncType{{}, {}},
        [this](std::span<const Value>, std::span<Value>) -> std::optional<std::string> {
          std::unique_lock<std::mutex> lock(mu);
          in_block = true;
          cv.notify_all();
          cv.wait(lock, [&] { return release; });
          return std::nullopt;
        },
        "env.block");
    auto inst = store.instantiate(*module, {Extern(block)});
    EXPECT_TRUE(inst.ok()) << inst.error().to_string();
    if (inst.ok()) instance = *inst;
    thread = store.thread();
  }
  bool wait_in_block() {
    std::unique_lock<std::mutex> lock(mu);
    return cv.wait_for(lock, 10s, [&] { return in_block; });
  }
  void unblock() {
    std::lock_guard<std::mutex> lock(mu);
    release = true;
    cv.notify_all();
  }
};

/// Checks a full capture of the deep guest: {innermost} (if any), then rec x 10000, then the
/// entry {entry}, by index and by name.
void expect_deep_stack(const Thread& thread, const StackCapture& c,
                       std::optional<uint32_t> innermost, uint32_t rec, const char* rec_name,
                       const char* entry_name) {
  const uint32_t expected = kRecursion + 1 + (innermost ? 1 : 0);
  EXPECT_EQ(c.depth, expected);
  EXPECT_FALSE(c.truncated);
  ASSERT_EQ(c.frames.size(), expected);
  size_t i = 0;
  if (innermost) {
    EXPECT_EQ(c.frames[i++].func_index, *innermost);
  }
  size_t bad = 0;
  for (uint32_t k = 0; k < kRecursion; ++k, ++i) bad += c.frames[i].func_index != rec;
  EXPECT_EQ(bad, 0u) << "frames that are not " << rec_name;
  const std::vector<Frame> frames = thread.symbolize(c);
  ASSERT_EQ(frames.size(), expected);
  EXPECT_EQ(frames.back().function, entry_name);
  EXPECT_EQ(frames.back().module, "deep");
  EXPECT_EQ(frames[innermost ? 1 : 0].function, rec_name);
  EXPECT_EQ(frames[expected - 2].function, rec_name);
  if (innermost) {
    EXPECT_EQ(frames[0].function, "spin");
  }
}

TEST(Capture, TenThousandFramesDeepWhileSpinning) {
  DeepGuest g;
  ASSERT_TRUE(g.instance.valid());
  GuestCall call(g.store, g.instance.func("deep"));
  ASSERT_TRUE(wait_until_innermost(g.thread, kDeepSpinIndex));
  for (bool use_signal : {true, false}) {
    SCOPED_TRACE(use_signal ? "signal" : "safepoint");
    auto full = g.thread.capture(kRecursion + 100, 5s, use_signal);
    ASSERT_TRUE(full.ok()) << full.error().to_string();
    EXPECT_EQ(full->method, use_signal ? CaptureMethod::kSignal : CaptureMethod::kSafepoint);
    expect_deep_stack(g.thread, *full, kDeepSpinIndex, kRecIndex, "rec", "deep");

    // Exactly enough room: nothing cut.
    auto exact = g.thread.capture(kRecursion + 2, 5s, use_signal);
    ASSERT_TRUE(exact.ok());
    EXPECT_EQ(exact->frames.size(), kRecursion + 2);
    EXPECT_FALSE(exact->truncated);

    // One frame short: the outermost (deep) is the one left out.
    auto short_by_one = g.thread.capture(kRecursion + 1, 5s, use_signal);
    ASSERT_TRUE(short_by_one.ok());
    EXPECT_EQ(short_by_one->depth, kRecursion + 2);
    EXPECT_TRUE(short_by_one->truncated);
    ASSERT_EQ(short_by_one->frames.size(), kRecursion + 1);
    EXPECT_EQ(short_by_one->frames.back().func_index, kRecIndex);

    auto small = g.thread.capture(100, 5s, use_signal);
    ASSERT_TRUE(small.ok());
    EXPECT_EQ(small->depth, kRecursion + 2);
    EXPECT_TRUE(small->truncated);
    ASSERT_EQ(small->frames.size(), 100u);
    EXPECT_EQ(small->frames[0].func_index, kDeepSpinIndex);
    for (size_t i = 1; i < 100; ++i) EXPECT_EQ(small->frames[i].func_index, kRecIndex) << i;
  }
}

TEST(Capture, TenThousandFramesDeepInAHostFunction) {
  DeepGuest g;
  ASSERT_TRUE(g.instance.valid());
  GuestCall call(g.store, g.instance.func("deep_host"));
  ASSERT_TRUE(g.wait_in_block());
  // Host functions have no frame records: the guest frames end with the caller of env.block.
  for (bool use_signal : {true, false}) {
    auto c = g.thread.capture(kRecursion + 100, 5s, use_signal);
    ASSERT_TRUE(c.ok()) << c.error().to_string();
    EXPECT_EQ(c->method, CaptureMethod::kInHost);
    EXPECT_EQ(c->state, ThreadState::kInHost);
    expect_deep_stack(g.thread, *c, std::nullopt, kRecHostIndex, "rec_host", "deep_host");
    auto small = g.thread.capture(10, 5s, use_signal);
    ASSERT_TRUE(small.ok());
    EXPECT_EQ(small->depth, kRecursion + 1);
    EXPECT_TRUE(small->truncated);
    EXPECT_EQ(small->frames.size(), 10u);
  }
  g.unblock();
  ASSERT_TRUE(call.wait_for(30s));
  EXPECT_TRUE(call.result().ok()) << call.result().trap().to_string();
}

// rec_host(1) is blocked at its call of env.block: 0: 00 | 1: local.get 0 | 3: i32.const 1
// | 5: i32.eq | 6: if | 8: call 0 | 10: else ...
TEST(Capture, InHostFrameIsAtTheHostCall) {
  DeepGuest g;
  ASSERT_TRUE(g.instance.valid());
  GuestCall call(g.store, g.instance.func("deep_host"));
  ASSERT_TRUE(g.wait_in_block());
  auto c = g.thread.capture(4, 5s, true);
  ASSERT_TRUE(c.ok());
  ASSERT_FALSE(c->frames.empty());
  EXPECT_EQ(c->frames[0].func_index, kRecHostIndex);
  EXPECT_EQ(c->frames[0].code_offset, 8u);
  g.unblock();
}

TEST(Capture, ParkedGuestIsReadDirectly) {
  Spinner s;
  ASSERT_TRUE(s.instance.valid());
  GuestCall call(s.store, s.instance.func("main"));
  ASSERT_TRUE(wait_until_innermost(s.thread, kSpinIndex));
  ASSERT_TRUE(s.thread.suspend(5s).ok());
  EXPECT_EQ(s.thread.state(), ThreadState::kParked);
  for (bool use_signal : {true, false}) {
    auto c = s.thread.capture(16, 2s, use_signal);
    ASSERT_TRUE(c.ok()) << c.error().to_string();
    EXPECT_EQ(c->method, CaptureMethod::kParked);
    EXPECT_EQ(c->state, ThreadState::kParked);
    expect_spinner_stack(s.thread, *c);
  }
  s.thread.resume();
  // Running again: a capture now has to ask the thread.
  const auto give_up = Clock::now() + 10s;
  while (s.thread.state() != ThreadState::kRunningWasm && Clock::now() < give_up) {
    std::this_thread::sleep_for(1ms);
  }
  auto c = s.thread.capture(16, 2s, true);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->method, CaptureMethod::kSignal);
}

TEST(Capture, SuspendFreezesMemoryAndResumeContinues) {
  Spinner s;
  ASSERT_TRUE(s.instance.valid());
  Memory mem = s.instance.memory("mem");
  GuestCall call(s.store, s.instance.func("main"));
  ASSERT_TRUE(wait_until_innermost(s.thread, kSpinIndex));
  ASSERT_TRUE(s.thread.suspend(5s).ok());
  const uint32_t before = counter(mem);
  EXPECT_GT(before, 0u);
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(counter(mem), before) << "the counter moved while suspended";
  EXPECT_EQ(s.thread.state(), ThreadState::kParked);
  s.thread.resume();
  std::this_thread::sleep_for(50ms);
  ASSERT_TRUE(s.thread.suspend(5s).ok());
  const uint32_t after = counter(mem);
  EXPECT_GT(after, before) << "the counter did not advance after resume";
  s.thread.resume();
  // Several rounds, to catch a resume that only works once.
  uint32_t last = after;
  for (int round = 0; round < 20; ++round) {
    ASSERT_TRUE(s.thread.suspend(5s).ok());
    const uint32_t now = counter(mem);
    EXPECT_GE(now, last);
    last = now;
    s.thread.resume();
    std::this_thread::sleep_for(2ms);
  }
  EXPECT_GT(last, after);
  EXPECT_FALSE(call.wait_for(0s)) << "the guest stopped spinning";
}

TEST(Capture, SuspendAllAndResumeAll) {
  Spinner s;
  ASSERT_TRUE(s.instance.valid());
  Memory mem = s.instance.memory("mem");
  EXPECT_EQ(s.store.threads().size(), 1u);
  GuestCall call(s.store, s.instance.func("main"));
  ASSERT_TRUE(wait_until_innermost(s.thread, kSpinIndex));
  ASSERT_TRUE(s.store.suspend_all(5s).ok());
  for (const Thread& t : s.store.threads()) EXPECT_EQ(t.state(), ThreadState::kParked);
  const uint32_t before = counter(mem);
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(counter(mem), before);
  s.store.resume_all();
  std::this_thread::sleep_for(50ms);
  ASSERT_TRUE(s.store.suspend_all(5s).ok());
  EXPECT_GT(counter(mem), before);
  s.store.resume_all();
}

TEST(Capture, SuspendOfAnIdleThreadHoldsItsNextCall) {
  Spinner s;
  ASSERT_TRUE(s.instance.valid());
  ASSERT_TRUE(s.thread.suspend(1s).ok());
  GuestCall call(s.store, s.instance.func("answer"));
  // The call parks before running guest code.
  EXPECT_FALSE(call.wait_for(200ms)) << "a suspended thread ran a call";
  s.thread.resume();
  ASSERT_TRUE(call.wait_for(10s));
  ASSERT_TRUE(call.result().ok());
  EXPECT_EQ(call.result().values().at(0).i32(), 42);
}

TEST(Capture, TerminateStopsASpinningGuest) {
  Spinner s;
  ASSERT_TRUE(s.instance.valid());
  const auto start = Clock::now();
  GuestCall call(s.store, s.instance.func("main"));
  ASSERT_TRUE(wait_until_innermost(s.thread, kSpinIndex));
  s.thread.terminate();
  ASSERT_TRUE(call.wait_for(10s)) << "terminate did not stop the guest";
  EXPECT_LT(call.ended() - start, 10s);
  const CallResult& r = call.result();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.trap().message, "interrupted");
  ASSERT_EQ(r.trap().frames.size(), 3u) << r.trap().to_string();
  EXPECT_EQ(names(r.trap().frames), (std::vector<std::string>{"spin", "a", "main"}));
  EXPECT_EQ(r.trap().frames[0].module, "spinner");
  EXPECT_GE(r.trap().frames[0].code_offset, kLoopBegin);
  EXPECT_LE(r.trap().frames[0].code_offset, kLoopEnd);
  // The store goes on: another export, then the same one again.
  EXPECT_EQ(s.thread.state(), ThreadState::kIdle);
  auto answer = s.instance.func("answer").call({});
  ASSERT_TRUE(answer.ok()) << answer.trap().to_string();
  EXPECT_EQ(answer.values().at(0).i32(), 42);
  auto count = s.instance.func("count").call({});
  ASSERT_TRUE(count.ok());
  EXPECT_GT(count.values().at(0).i32(), 0);
}

// A guest in memory.atomic.wait through the public API: state waiting, read directly,
// woken by terminate into "interrupted" (tests/capture/atomic_wait_test.cc has the rest).
TEST(Capture, WaitingGuestIsReadDirectlyAndTerminateWakesIt) {
  auto module = compile(R"((module $waiter
    (memory 1 1 shared)
    (func $main (export "main") (result i32) (call $wait_here))
    (func $wait_here (result i32)
      (memory.atomic.wait32 (i32.const 16) (i32.const 0) (i64.const -1)))))");
  ASSERT_TRUE(module);
  Store store;
  auto inst = store.instantiate(*module);
  ASSERT_TRUE(inst.ok()) << inst.error().to_string();
  Thread thread = store.thread();
  GuestCall call(store, inst->func("main"));
  const auto give_up = Clock::now() + 10s;
  while (thread.state() != ThreadState::kWaiting && Clock::now() < give_up) {
    std::this_thread::sleep_for(1ms);
  }
  ASSERT_EQ(thread.state(), ThreadState::kWaiting);
  EXPECT_STREQ(thread_state_name(thread.state()), "waiting");
  auto c = thread.capture(16, 1s, true);
  ASSERT_TRUE(c.ok()) << c.error().to_string();
  EXPECT_EQ(c->state, ThreadState::kWaiting);
  EXPECT_EQ(c->method, CaptureMethod::kInHost);
  EXPECT_EQ(names(thread.symbolize(*c)), (std::vector<std::string>{"wait_here", "main"}));
  thread.terminate();
  ASSERT_TRUE(call.wait_for(10s)) << "terminate did not wake the waiting guest";
  const CallResult& r = call.result();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.trap().message, "interrupted");
  EXPECT_EQ(names(r.trap().frames), (std::vector<std::string>{"wait_here", "main"}));
  EXPECT_EQ(thread.state(), ThreadState::kIdle);
}

TEST(Capture, TerminateOfASuspendedGuest) {
  Spinner s;
  ASSERT_TRUE(s.instance.valid());
  GuestCall call(s.store, s.instance.func("main"));
  ASSERT_TRUE(wait_until_innermost(s.thread, kSpinIndex));
  ASSERT_TRUE(s.thread.suspend(5s).ok());
  s.thread.terminate();
  ASSERT_TRUE(call.wait_for(10s));
  ASSERT_FALSE(call.result().ok());
  EXPECT_EQ(call.result().trap().message, "interrupted");
  auto answer = s.instance.func("answer").call({});
  ASSERT_TRUE(answer.ok()) << answer.trap().to_string();
}

// The terminate request is consumed by the call it stopped: the next call runs normally.
TEST(Capture, TerminateDoesNotLeakIntoTheNextCall) {
  Spinner s;
  ASSERT_TRUE(s.instance.valid());
  {
    GuestCall call(s.store, s.instance.func("main"));
    ASSERT_TRUE(wait_until_innermost(s.thread, kSpinIndex));
    s.thread.terminate();
    ASSERT_TRUE(call.wait_for(10s));
  }
  GuestCall again(s.store, s.instance.func("main"));
  ASSERT_TRUE(wait_until_innermost(s.thread, kSpinIndex));
  EXPECT_FALSE(again.wait_for(100ms)) << again.result().trap().to_string();
  auto c = s.thread.capture(16, 2s, true);
  ASSERT_TRUE(c.ok());
  expect_spinner_stack(s.thread, *c);
}

// Captures that give up at once (timeout 0) either answer or fail with kTimeout; their late
// answers must not spoil the captures after them.
TEST(Capture, TimedOutCapturesLeaveNoDebris) {
  Spinner s;
  ASSERT_TRUE(s.instance.valid());
  GuestCall call(s.store, s.instance.func("main"));
  ASSERT_TRUE(wait_until_innermost(s.thread, kSpinIndex));
  int timed_out = 0;
  for (int i = 0; i < 200; ++i) {
    const bool use_signal = i % 2 == 0;
    auto quick = s.thread.capture(16, 0ns, use_signal);
    if (!quick.ok()) {
      EXPECT_EQ(quick.error().kind, ErrorKind::kTimeout);
      ++timed_out;
    } else {
      expect_spinner_stack(s.thread, *quick);
    }
    auto c = s.thread.capture(16, 2s, !use_signal);
    ASSERT_TRUE(c.ok()) << c.error().to_string();
    expect_spinner_stack(s.thread, *c);
  }
  RecordProperty("timed_out", timed_out);
}

TEST(Capture, InvalidHandle) {
  Thread none;
  EXPECT_FALSE(none.valid());
  EXPECT_FALSE(none.capture().ok());
  EXPECT_FALSE(none.suspend().ok());
}

// The C translation unit (c_api_test.c) captures, names, suspends, resumes and terminates the
// spinner through include/wasmscope/capture.h alone; it returns the line of the first failed
// check, or 0.
TEST(CaptureCApi, FromC) {
  Spinner s;
  ASSERT_TRUE(s.instance.valid());
  GuestCall call(s.store, s.instance.func("main"));
  ASSERT_TRUE(wait_until_innermost(s.thread, kSpinIndex));
  const int failed_line = run_c_capture(s.thread.c_handle());
  EXPECT_EQ(failed_line, 0) << "c_api_test.c failed at line " << failed_line;
  // run_c_capture ends with wasmscope_thread_terminate.
  ASSERT_TRUE(call.wait_for(10s));
  ASSERT_FALSE(call.result().ok());
  EXPECT_EQ(call.result().trap().message, "interrupted");
  EXPECT_EQ(names(call.result().trap().frames), (std::vector<std::string>{"spin", "a", "main"}));
}

TEST(CaptureCApi, IdleThreadFromC) {
  Spinner s;
  ASSERT_TRUE(s.instance.valid());
  wasmscope_frame_t frames[4];
  wasmscope_capture_info_t info;
  std::memset(&info, 0xff, sizeof info);
  char error[128] = "";
  EXPECT_EQ(wasmscope_copy_callstack(s.thread.c_handle(), frames, 4, 0, 100, &info, error,
                                     sizeof error),
            0)
      << error;
  EXPECT_EQ(info.method, WASMSCOPE_CAPTURE_IDLE);
  EXPECT_EQ(info.depth, 0u);
  EXPECT_EQ(info.truncated, 0);
}

}  // namespace
}  // namespace wasmscope
