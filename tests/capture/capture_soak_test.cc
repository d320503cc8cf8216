// Soak: many guests, many capturers and many stores at once (tests/capture/CMakeLists.txt runs
// it alone: its 20 threads would crowd the tests beside it on a 2-core machine).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "call_graph.h"
#include "sanitizers.h"
#include "wasmscope/wasmscope.hh"

#ifndef CAPTURE_SOAK_DEFAULT_COUNT
#define CAPTURE_SOAK_DEFAULT_COUNT 1000000
#endif

namespace wasmscope {
namespace {

using namespace test_graph;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// Soak: many guests, many capturers, many stores at once. 8 guest threads, each in a store of
// its own on a host thread of its own (every other one compiled, except under ThreadSanitizer
// where signals do not reach compiled code), run the call graph with host calls: guests 0 and 1
// never stop running, 2 to 7 sleep in a host call now and then. 8 host threads capture them
// in turn, each going round all 8 guests, until SOAK_CAPTURE_COUNT captures in all (default
// CAPTURE_SOAK_DEFAULT_COUNT: 1,000,000, or 100,000 in sanitizer builds) have been taken,
// every one a path of the graph. Meanwhile 4 more host threads create a store, instantiate,
// call and destroy it, over and over: stores come and go beside the captured ones.
TEST(CaptureSoak, EightGuestsEightCapturersAndStoresComingAndGoing) {
  constexpr uint32_t kGuests = 8, kCapturers = 8, kChurners = 4;
  uint64_t total = CAPTURE_SOAK_DEFAULT_COUNT;
  if (const char* env = std::getenv("SOAK_CAPTURE_COUNT"); env != nullptr && *env != '\0') {
    total = std::strtoull(env, nullptr, 10);
  }
  ASSERT_GT(total, 0u);

  struct Guest {
    std::unique_ptr<Store> store;
    std::optional<Instance> instance;
    std::optional<Thread> thread;
    std::thread host;
    CallResult outcome{std::vector<Value>{}};
    std::atomic<uint64_t> ticks{0};
    Tier tier = Tier::kInterpreter;
    bool sleeps = false;
  };
  std::vector<std::unique_ptr<Guest>> guests;
  for (uint32_t g = 0; g < kGuests; ++g) {
    auto guest = std::make_unique<Guest>();
#if !WASMSCOPE_TEST_TSAN && WASMSCOPE_TEST_COMPILED
    // (Under ThreadSanitizer signals wait for instrumented code: compiled guests stay out. So
    // do they in a build without the compiled tier, -DWASMSCOPE_COMPILER=OFF, as on ARM.)
    if (g % 2 == 1) guest->tier = Tier::kCompiled;
#endif
    guest->sleeps = g >= 2;
    Config config;
    config.tier = guest->tier;
    guest->store = std::make_unique<Store>(config);
    auto module = Module::compile_text(kGraph, config);
    ASSERT_TRUE(module.ok()) << module.error().to_string();
    Guest* raw = guest.get();
    Func tick = guest->store->define_func(
        FuncType{{}, {}},
        [raw](std::span<const Value>, std::span<Value>) -> std::optional<std::string> {
          // Guests 2 to 7 sleep in the host call now and then, as guests waiting on I/O do;
          // 0 and 1 never do. (8 guests spinning on 2 cores would make every capture wait
          // for its guest's time slice.)
          const uint64_t n = raw->ticks.fetch_add(1, std::memory_order_relaxed);
          if (raw->sleeps && n % 1024 == 0) std::this_thread::sleep_for(200us);
          return std::nullopt;
        },
        "env.tick");
    auto instance = guest->store->instantiate(*module, {Extern(tick)});
    ASSERT_TRUE(instance.ok()) << instance.error().to_string();
    guest->instance.emplace(std::move(*instance));
    guest->thread.emplace(guest->store->thread());
    guest->host = std::thread([raw] { raw->outcome = raw->instance->func("main").call({}); });
    guests.push_back(std::move(guest));
  }
  // Every guest runs main before the captures start.
  for (auto& guest : guests) {
    const auto give_up = Clock::now() + 20s;
    while (Clock::now() < give_up) {
      auto c = guest->thread->capture(8, 1s, false);
      if (c.ok() && !c->frames.empty()) break;
      std::this_thread::sleep_for(1ms);
    }
  }

  std::atomic<bool> stop_churn{false};
  std::atomic<uint64_t> churn_cycles{0}, churn_failures{0};
  std::vector<std::thread> churners;
  for (uint32_t k = 0; k < kChurners; ++k) {
    churners.emplace_back([&, k] {
      const std::string wat = "(module (memory 1) (func (export \"f\") (param i32) (result i32) "
                              "(i32.store (i32.const 8) (local.get 0)) "
                              "(i32.add (i32.load (i32.const 8)) (i32.const 1))))";
      for (uint32_t i = 0; !stop_churn.load(std::memory_order_relaxed); ++i) {
        Config config;
        Store store(config);
        auto module = Module::compile_text(wat, config);
        if (!module.ok()) {
          churn_failures.fetch_add(1);
          continue;
        }
        auto instance = store.instantiate(*module);
        if (!instance.ok()) {
          churn_failures.fetch_add(1);
          continue;
        }
        const int32_t arg = static_cast<int32_t>(k * 1000000 + i);
        auto r = instance->func("f").call({Value::i32(arg)});
        if (!r.ok() || r.values().at(0).i32() != arg + 1) churn_failures.fetch_add(1);
        churn_cycles.fetch_add(1, std::memory_order_relaxed);
      }
    });
  }

  std::atomic<uint64_t> next{0}, answered{0}, timeouts{0}, errors{0}, invalid{0}, idle{0};
  std::atomic<uint64_t> by_signal{0}, at_safepoint{0}, in_host{0}, compiled_captures{0};
  std::mutex first_mutex;
  std::string first_invalid;
  const auto start = Clock::now();
  std::vector<std::thread> capturers;
  for (uint32_t c = 0; c < kCapturers; ++c) {
    capturers.emplace_back([&, c] {
      for (uint32_t round = 0;; ++round) {
        const uint64_t i = next.fetch_add(1, std::memory_order_relaxed);
        if (i >= total) return;
        if (timeouts.load() + errors.load() >= 5) return;  // failed already
        Guest& guest = *guests[(c + round) % kGuests];
        auto capture = guest.thread->capture(64, 10s, (i % 2) == 0);
        if (!capture.ok()) {
          (capture.error().kind == ErrorKind::kTimeout ? timeouts : errors).fetch_add(1);
          continue;
        }
        answered.fetch_add(1, std::memory_order_relaxed);
        if (capture->method == CaptureMethod::kSignal) by_signal.fetch_add(1);
        if (capture->method == CaptureMethod::kSafepoint) at_safepoint.fetch_add(1);
        if (capture->method == CaptureMethod::kInHost) in_host.fetch_add(1);
        if (guest.tier == Tier::kCompiled) compiled_captures.fetch_add(1);
        if (capture->method == CaptureMethod::kIdle) {
          idle.fetch_add(1);
          continue;
        }
        const std::string why = invalid_path(*capture);
        if (!why.empty() && invalid.fetch_add(1) == 0) {
          std::lock_guard<std::mutex> lock(first_mutex);
          first_invalid = why;
        }
      }
    });
  }
  for (std::thread& t : capturers) t.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  stop_churn = true;
  for (std::thread& t : churners) t.join();
  for (auto& guest : guests) {
    guest->thread->terminate();
    guest->host.join();
  }

  std::printf("%llu captures (of %llu) of %u guests by %u threads in %.1f s (%llu by signal, "
              "%llu at a safepoint, %llu in a host call; %llu of compiled guests); %llu stores "
              "created, used and destroyed meanwhile\n",
              static_cast<unsigned long long>(answered.load()),
              static_cast<unsigned long long>(total), kGuests, kCapturers, elapsed,
              static_cast<unsigned long long>(by_signal.load()),
              static_cast<unsigned long long>(at_safepoint.load()),
              static_cast<unsigned long long>(in_host.load()),
              static_cast<unsigned long long>(compiled_captures.load()),
              static_cast<unsigned long long>(churn_cycles.load()));
  EXPECT_EQ(timeouts.load(), 0u);
  EXPECT_EQ(errors.load(), 0u);
  EXPECT_EQ(answered.load(), total);
  EXPECT_EQ(invalid.load(), 0u) << "first: " << first_invalid;
  EXPECT_EQ(idle.load(), 0u) << "a guest left main";
  EXPECT_GT(by_signal.load(), 0u);
  EXPECT_GT(churn_cycles.load(), 0u);
  EXPECT_EQ(churn_failures.load(), 0u);
  for (auto& guest : guests) {
    ASSERT_FALSE(guest->outcome.ok());
    EXPECT_EQ(guest->outcome.trap().message, "interrupted");
    EXPECT_GT(guest->ticks.load(), 0u) << "a guest made no progress";
  }
}

}  // namespace
}  // namespace wasmscope
