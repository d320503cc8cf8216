// The runtime signal is configurable (its own process: the choice is process-wide and must
// come before the first capture): captures of a running guest then use the chosen signal and
// never the default one, and a late change is refused.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "guest_call.h"
#include "wasmscope/wasmscope.hh"

namespace wasmscope {
namespace {

std::atomic<int> g_default_signal_hits{0};

void count_default_signal(int) { g_default_signal_hits.fetch_add(1); }

TEST(CaptureSignal, ChosenSignalIsUsedAndTheDefaultIsLeftToTheHost) {
  const int chosen = SIGRTMIN + 6;
  const int default_signal = SIGRTMIN + 4;
  // The host owns the default signal here: its handler must never see a capture.
  struct sigaction action = {};
  action.sa_handler = count_default_signal;
  sigemptyset(&action.sa_mask);
  ASSERT_EQ(sigaction(default_signal, &action, nullptr), 0);

  EXPECT_FALSE(set_capture_signal(SIGUSR1).ok());  // not a real-time signal
  ASSERT_TRUE(set_capture_signal(chosen).ok());

  Store store;
  auto module = Module::compile_text(R"((module $spinner
    (func $spin (export "spin") (loop $l (br $l)))
    (func $main (export "main") (call $spin))))");
  ASSERT_TRUE(module.ok());
  auto instance = store.instantiate(*module);
  ASSERT_TRUE(instance.ok());
  Thread thread = store.thread();
  std::thread runner([&] { (void)instance->func("main").call({}); });
  // Running is not enough: the state changes before main's frame is published, and a
  // capture in between rightly finds no frames. Wait until spin is on top.
  ASSERT_TRUE(wait_until_innermost(thread, 0));

  int by_signal = 0;
  for (int i = 0; i < 200; ++i) {
    auto capture = thread.capture(16, std::chrono::seconds(5));
    ASSERT_TRUE(capture.ok()) << capture.error().to_string();
    ASSERT_EQ(capture->frames.size(), 2u);
    EXPECT_EQ(thread.symbolize(*capture)[0].function, "spin");
    by_signal += capture->method == CaptureMethod::kSignal;
  }
  EXPECT_GT(by_signal, 0);
  // In use now: another choice is refused, the same one accepted.
  EXPECT_FALSE(set_capture_signal(SIGRTMIN + 7).ok());
  EXPECT_TRUE(set_capture_signal(chosen).ok());

  thread.terminate();
  runner.join();
  EXPECT_EQ(g_default_signal_hits.load(), 0);
  // The host's own use of its signal still reaches its handler.
  raise(default_signal);
  EXPECT_EQ(g_default_signal_hits.load(), 1);
}

}  // namespace
}  // namespace wasmscope
