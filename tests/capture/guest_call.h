// Shared by the capture tests: compiling a test module, running one guest call on a thread of
// its own, and waiting until a thread is where a test wants it.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "wasmscope/wasmscope.hh"

namespace wasmscope {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

/// Compiles {wat}; on failure the test fails and the module is empty.
inline std::optional<Module> compile(const char* wat) {
  auto module = Module::compile_text(wat);
  EXPECT_TRUE(module.ok()) << module.error().to_string();
  if (!module.ok()) return std::nullopt;
  return std::move(*module);
}

/// Runs one call on its own thread. The destructor terminates the guest (if it still runs)
/// and joins, so a failing test never leaves a spinning thread behind.
class GuestCall {
 public:
  GuestCall(Store& store, Func func, std::vector<Value> args = {})
      : thread_(store.thread()), worker_([this, func, args] {
          CallResult r = func.call(args);
          std::lock_guard<std::mutex> lock(mu_);
          result_.emplace(std::move(r));
          ended_ = Clock::now();
          cv_.notify_all();
        }) {}
  ~GuestCall() {
    if (!wait_for(0s)) thread_.terminate();
    worker_.join();
  }
  /// True once the call returned (within {timeout}).
  bool wait_for(Clock::duration timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return result_.has_value(); });
  }
  /// The call's result; waits up to 30 s for it.
  const CallResult& result() {
    EXPECT_TRUE(wait_for(30s)) << "the guest call did not end";
    std::lock_guard<std::mutex> lock(mu_);
    if (!result_) {
      static const CallResult none(Trap{"<no result>", {}});
      return none;
    }
    return *result_;
  }
  Clock::time_point ended() {
    std::lock_guard<std::mutex> lock(mu_);
    return ended_;
  }

 private:
  Thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<CallResult> result_;
  Clock::time_point ended_;
  std::thread worker_;
};

/// Captures (by safepoint, which needs no signal) until the innermost frame is function
/// {func_index}, for up to 10 s. True when it got there.
inline bool wait_until_innermost(const Thread& thread, uint32_t func_index) {
  const auto give_up = Clock::now() + 10s;
  while (Clock::now() < give_up) {
    auto c = thread.capture(4, 1s, false);
    if (c.ok() && !c->frames.empty() && c->frames[0].func_index == func_index) return true;
    std::this_thread::sleep_for(1ms);
  }
  return false;
}

}  // namespace wasmscope
