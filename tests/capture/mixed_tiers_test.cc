// Interpreted and compiled instances linked in one store (docs/compiled-tier.md, "Mixing
// tiers"): three modules in a chain, top -> mid -> leaf, where top and leaf run in one tier and
// mid in the other, so every call crosses tiers twice (interpreter -> compiled -> interpreter,
// or the reverse). Results, traps with the whole stack, captures by signal and at safepoints,
// suspend, resume and terminate must all be as if one tier ran the three: the same
// expectations for both arrangements. Nothing asserts on timing.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "guest_call.h"
#include "sanitizers.h"
#include "wasmscope/wasmscope.hh"

namespace wasmscope {

/// How gtest names a test's arrangement: the tier of top and leaf ("interp_outside": an
/// interpreted top and leaf around compiled mid).
static void PrintTo(Tier tier, std::ostream* os) {
  *os << (tier == Tier::kCompiled ? "compiled_outside" : "interp_outside");
}

namespace {

using namespace std::chrono_literals;

// leaf: function indices add 0, div 1, spin 2, count 3. spin counts at address 0 forever.
constexpr const char* kLeaf = R"((module $leaf
  (memory (export "mem") 1)
  (func $add (export "add") (param i32) (result i32) (i32.add (local.get 0) (i32.const 3)))
  (func $div (export "div") (param i32) (result i32) (i32.div_u (i32.const 100) (local.get 0)))
  (func $spin (export "spin")
    (loop $l
      (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (i32.const 1)))
      (br $l)))
  (func (export "count") (result i32) (i32.load (i32.const 0))))
)";

// mid: imports 0..2, then mid_add 3, mid_div 4 (through a table: call_indirect of an imported
// function of the other tier), mid_spin 5, mid_tail 6 (return_call of the other tier).
constexpr const char* kMid = R"((module $mid
  (type $t (func (param i32) (result i32)))
  (import "leaf" "add" (func $add (type $t)))
  (import "leaf" "div" (func $div (type $t)))
  (import "leaf" "spin" (func $spin))
  (table 1 funcref)
  (elem (i32.const 0) $div)
  (func $mid_add (export "add") (param i32) (result i32) (i32.mul (call $add (local.get 0)) (i32.const 2)))
  (func $mid_div (export "div") (param i32) (result i32)
    (call_indirect (type $t) (local.get 0) (i32.const 0)))
  (func $mid_spin (export "spin") (call $spin))
  (func $mid_tail (export "tail") (param i32) (result i32) (return_call $add (local.get 0))))
)";

// top: imports 0..3, then top_add 4, top_div 5, top_spin 6, top_tail 7.
constexpr const char* kTop = R"((module $top
  (type $t (func (param i32) (result i32)))
  (import "mid" "add" (func $add (type $t)))
  (import "mid" "div" (func $div (type $t)))
  (import "mid" "spin" (func $spin))
  (import "mid" "tail" (func $tail (type $t)))
  (func $top_add (export "add") (param i32) (result i32) (i32.add (call $add (local.get 0)) (i32.const 1)))
  (func $top_div (export "div") (param i32) (result i32) (call $div (local.get 0)))
  (func $top_spin (export "spin") (call $spin))
  (func $top_tail (export "tail") (param i32) (result i32) (call $tail (local.get 0))))
)";
constexpr uint32_t kLeafSpin = 2, kMidSpin = 5, kTopSpin = 6;

std::vector<std::string> names(const std::vector<Frame>& frames) {
  std::vector<std::string> out;
  for (const Frame& f : frames) out.push_back(f.module + "!" + f.function);
  return out;
}

class MixedTiers : public ::testing::TestWithParam<Tier> {
 protected:
  void SetUp() override {
    const Tier outside = GetParam();
    const Tier inside = outside == Tier::kCompiled ? Tier::kInterpreter : Tier::kCompiled;
    auto leaf = compile_in(kLeaf, outside);
    auto mid = compile_in(kMid, inside);
    auto top = compile_in(kTop, outside);
    if (!leaf || !mid || !top) return;
    auto l = store_.instantiate(*leaf);
    ASSERT_TRUE(l.ok()) << l.error().to_string();
    leaf_ = *l;
    auto m = store_.instantiate(*mid, {leaf_.func("add"), leaf_.func("div"), leaf_.func("spin")});
    ASSERT_TRUE(m.ok()) << m.error().to_string();
    mid_ = *m;
    auto t = store_.instantiate(
        *top, {mid_.func("add"), mid_.func("div"), mid_.func("spin"), mid_.func("tail")});
    ASSERT_TRUE(t.ok()) << t.error().to_string();
    top_ = *t;
  }

  std::optional<Module> compile_in(const char* wat, Tier tier) {
    Config config;
    config.tier = tier;
    auto m = Module::compile_text(wat, config);
    EXPECT_TRUE(m.ok()) << m.error().to_string();
    if (!m.ok()) return std::nullopt;
    return *m;
  }

  /// The spinning chain's stack, innermost first, each frame in its own module.
  void expect_spin_stack(const Thread& thread, const StackCapture& c) {
    ASSERT_EQ(c.frames.size(), 3u);
    EXPECT_EQ(c.depth, 3u);
    EXPECT_EQ(c.frames[0].func_index, kLeafSpin);
    EXPECT_EQ(c.frames[1].func_index, kMidSpin);
    EXPECT_EQ(c.frames[2].func_index, kTopSpin);
    EXPECT_NE(c.frames[0].instance_id, c.frames[1].instance_id);
    EXPECT_NE(c.frames[1].instance_id, c.frames[2].instance_id);
    EXPECT_EQ(names(thread.symbolize(c)),
              (std::vector<std::string>{"leaf!spin", "mid!mid_spin", "top!top_spin"}));
  }

  Store store_;
  Instance leaf_, mid_, top_;
};

TEST_P(MixedTiers, CallsCrossTiersBothWays) {
  ASSERT_TRUE(top_.func("add").valid());
  CallResult r = top_.func("add").call({Value::i32(4)});
  ASSERT_TRUE(r.ok()) << r.trap().to_string();
  EXPECT_EQ(r.values()[0].i32(), (4 + 3) * 2 + 1);
  r = top_.func("div").call({Value::i32(7)});  // through mid's table
  ASSERT_TRUE(r.ok()) << r.trap().to_string();
  EXPECT_EQ(r.values()[0].i32(), 100 / 7);
  r = top_.func("tail").call({Value::i32(39)});  // mid's return_call into leaf
  ASSERT_TRUE(r.ok()) << r.trap().to_string();
  EXPECT_EQ(r.values()[0].i32(), 42);
  // Called directly, each instance still runs.
  r = mid_.func("add").call({Value::i32(1)});
  ASSERT_TRUE(r.ok()) << r.trap().to_string();
  EXPECT_EQ(r.values()[0].i32(), 8);
}

TEST_P(MixedTiers, ATrapCarriesTheFramesOfEveryTier) {
  for (int round = 0; round < 2; ++round) {  // the store stays usable after a trap
    CallResult r = top_.func("div").call({Value::i32(0)});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.trap().message, "integer divide by zero");
    EXPECT_EQ(names(r.trap().frames),
              (std::vector<std::string>{"leaf!div", "mid!mid_div", "top!top_div"}));
    r = top_.func("add").call({Value::i32(0)});
    ASSERT_TRUE(r.ok()) << r.trap().to_string();
    EXPECT_EQ(r.values()[0].i32(), 7);
  }
}

TEST_P(MixedTiers, CapturesOfASpinningChainBySignalAndAtSafepoints) {
  if (WASMSCOPE_TEST_TSAN && GetParam() == Tier::kCompiled) {
    // The spinning leaf is compiled code, where ThreadSanitizer defers every signal.
    GTEST_SKIP() << "ThreadSanitizer defers signals while uninstrumented (JIT) code runs";
  }
  GuestCall call(store_, top_.func("spin"));
  Thread thread = store_.thread();
  ASSERT_TRUE(wait_until_innermost(thread, kLeafSpin));
  for (int i = 0; i < 200; ++i) {
    const bool use_signal = i % 2 == 0;
    auto c = thread.capture(64, 5s, use_signal);
    ASSERT_TRUE(c.ok()) << c.error().to_string();
    // A thread with compiled frames has no safepoints to wait for: it is signalled either way.
    EXPECT_EQ(c->method, CaptureMethod::kSignal);
    expect_spin_stack(thread, *c);
  }
  thread.terminate();
  ASSERT_TRUE(call.wait_for(10s));
  const CallResult& r = call.result();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.trap().message, "interrupted");
  EXPECT_EQ(names(r.trap().frames),
            (std::vector<std::string>{"leaf!spin", "mid!mid_spin", "top!top_spin"}));
}

TEST_P(MixedTiers, SuspendParksTheChainAndResumeLetsItGo) {
  if (WASMSCOPE_TEST_TSAN && GetParam() == Tier::kCompiled) {
    // The spinning leaf is compiled code, where ThreadSanitizer defers every signal.
    GTEST_SKIP() << "ThreadSanitizer defers signals while uninstrumented (JIT) code runs";
  }
  GuestCall call(store_, top_.func("spin"));
  Thread thread = store_.thread();
  ASSERT_TRUE(wait_until_innermost(thread, kLeafSpin));
  ASSERT_TRUE(thread.suspend(5s).ok());
  auto c = thread.capture(64, 5s);
  ASSERT_TRUE(c.ok()) << c.error().to_string();
  EXPECT_EQ(c->method, CaptureMethod::kParked);
  expect_spin_stack(thread, *c);
  thread.resume();
  // Running again (compiled code may keep the counter in a register, so the stack shows it).
  const auto give_up = Clock::now() + 10s;
  while (thread.state() != ThreadState::kRunningWasm && Clock::now() < give_up) {
    std::this_thread::sleep_for(1ms);
  }
  EXPECT_EQ(thread.state(), ThreadState::kRunningWasm);
  c = thread.capture(64, 5s);
  ASSERT_TRUE(c.ok()) << c.error().to_string();
  EXPECT_EQ(c->method, CaptureMethod::kSignal);
  expect_spin_stack(thread, *c);
  thread.terminate();
  ASSERT_TRUE(call.wait_for(10s));
  EXPECT_EQ(call.result().trap().message, "interrupted");
  // And the store goes on.
  CallResult r = top_.func("add").call({Value::i32(4)});
  ASSERT_TRUE(r.ok()) << r.trap().to_string();
  EXPECT_EQ(r.values()[0].i32(), 15);
}

// Recursion that alternates tiers on every call, through a table: a deep one returns, an
// unbounded one ends in "call stack exhausted" (the interpreter's frame limit or the native
// stack's, whichever comes first), never in a crash, and the store goes on.
constexpr const char* kPing = R"((module $ping
  (type $t (func (param i32) (result i32)))
  (table (export "t") 1 funcref)
  (func (export "rec") (param $n i32) (result i32)
    (call_indirect (type $t) (local.get $n) (i32.const 0))))
)";
constexpr const char* kPong = R"((module $pong
  (type $t (func (param i32) (result i32)))
  (import "ping" "rec" (func $ping (type $t)))
  (import "ping" "t" (table 1 funcref))
  (elem (i32.const 0) $rec)
  (func $rec (export "rec") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (i32.add (call $ping (i32.sub (local.get $n) (i32.const 1))) (i32.const 1))))))
)";

TEST_P(MixedTiers, RecursionAcrossTiersIsBounded) {
  const Tier outside = GetParam();
  const Tier inside = outside == Tier::kCompiled ? Tier::kInterpreter : Tier::kCompiled;
  Store store;
  auto ping_module = compile_in(kPing, inside);
  auto pong_module = compile_in(kPong, outside);
  ASSERT_TRUE(ping_module && pong_module);
  auto ping = store.instantiate(*ping_module);
  ASSERT_TRUE(ping.ok()) << ping.error().to_string();
  auto pong = store.instantiate(*pong_module, {ping->func("rec"), *ping->get_export("t")});
  ASSERT_TRUE(pong.ok()) << pong.error().to_string();
  CallResult r = pong->func("rec").call({Value::i32(2000)});
  ASSERT_TRUE(r.ok()) << r.trap().to_string();
  EXPECT_EQ(r.values()[0].i32(), 2000);
  r = pong->func("rec").call({Value::i32(100000000)});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.trap().message, "call stack exhausted");
  ASSERT_GE(r.trap().frames.size(), 2u);
  r = pong->func("rec").call({Value::i32(10)});
  ASSERT_TRUE(r.ok()) << r.trap().to_string();
  EXPECT_EQ(r.values()[0].i32(), 10);
}

INSTANTIATE_TEST_SUITE_P(Arrangements, MixedTiers,
                         ::testing::Values(Tier::kInterpreter, Tier::kCompiled));

}  // namespace
}  // namespace wasmscope
