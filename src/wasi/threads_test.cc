// wasi-threads inside the library: spawned threads appear in the store's thread registry
// with their names, their stacks can be captured live, and a terminate ends them; a program
// ended by one thread stops the others; the WASI context waits for its threads.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "stack/capture.h"
#include "stack/symbolizer.h"
#include "text/wat.h"
#include "wasi/abi.h"
#include "wasi/wasi.h"

namespace wasmscope::internal::wasi {
namespace {

constexpr const char* kSpinners = R"((module
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (import "env" "memory" (memory 1 1 shared))
  (func $spin_in_thread (loop $forever (br $forever)))
  (func (export "spawn") (result i32) (call $spawn (i32.const 0)))
  (func (export "exit") (param i32) (call $exit (local.get 0)))
  (func (export "wasi_thread_start") (param i32 i32) (call $spin_in_thread)))
)";

struct ThreadsGuest {
  Store store;
  std::unique_ptr<WasiContext> wasi;
  Instance* instance = nullptr;

  explicit ThreadsGuest(WasiOptions options = {}) {
    wasi = std::move(*WasiContext::create(std::move(options)));
    auto bytes = wat_to_binary(kSpinners);
    EXPECT_TRUE(bytes.ok()) << bytes.error().to_string();
    auto compiled = compile_module(std::move(*bytes), store.config());
    EXPECT_TRUE(compiled.ok()) << compiled.error().to_string();
    auto imports = wasi->resolve_imports(store, (*compiled)->module);
    EXPECT_TRUE(imports.ok()) << imports.error().to_string();
    auto inst = store.instantiate(*compiled, *imports);
    EXPECT_TRUE(inst.ok()) << inst.error().to_string();
    instance = *inst;
  }

  int32_t spawn() {
    Slot args[2] = {0, 0};
    EXPECT_EQ(store.call(instance->find_export("spawn").as_func(), args).trap, Trap::kNone);
    return static_cast<int32_t>(static_cast<uint32_t>(args[0]));
  }

  /// Waits until {n} spawned threads are running guest code.
  bool wait_running(size_t n) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      size_t running = 0;
      for (const ThreadInfo& t : store.threads().live()) {
        running += t.kind == ThreadKind::kSpawned && t.context->state() == ThreadState::kRunningWasm;
      }
      if (running == n) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
  }
};

TEST(WasiThreads, SpawnedThreadsAreListedNamedAndCapturable) {
  ThreadsGuest guest;
  const int32_t first = guest.spawn();
  const int32_t second = guest.spawn();
  ASSERT_GT(first, 0);
  ASSERT_GT(second, 0);
  EXPECT_NE(first, second);
  ASSERT_TRUE(guest.wait_running(2));

  std::vector<ThreadInfo> live = guest.store.threads().live();
  ASSERT_EQ(live.size(), 3u);
  EXPECT_EQ(live[0].name, "main");
  EXPECT_EQ(live[0].context, &guest.store.context());
  EXPECT_EQ(live[1].name, "thread " + std::to_string(first));
  EXPECT_EQ(live[2].name, "thread " + std::to_string(second));
  for (size_t i = 1; i < live.size(); ++i) {
    FrameRecord frames[8];
    const CaptureInfo info = capture_stack(live[i].context, frames, 8, 0);
    ASSERT_FALSE(info.timed_out);
    ASSERT_EQ(info.copied, 2u);  // wasi_thread_start -> spin_in_thread
    EXPECT_EQ(symbolize(frames[0]).function, "spin_in_thread");
    EXPECT_EQ(symbolize(frames[1]).function, "wasi_thread_start");
  }

  // A terminate ends one thread; its "interrupted" trap ends the program, which stops the
  // other (main is idle, so it is left alone).
  request_terminate(live[1].context);
  ASSERT_TRUE(guest.store.threads().wait_spawned_ended(20'000'000'000));
  EXPECT_EQ(guest.store.threads().live().size(), 1u);
  EXPECT_EQ(live[1].context->state(), ThreadState::kExited);
  const std::optional<ProgramEnd> end = guest.wasi->program_end();
  ASSERT_TRUE(end.has_value());
  EXPECT_TRUE(end->trapped);
  EXPECT_EQ(end->message, "interrupted");
  EXPECT_EQ(end->thread_name, "thread " + std::to_string(first));
  // The main context was not asked to stop: it still runs calls.
  EXPECT_GT(guest.spawn(), 0);
}

TEST(WasiThreads, ExitOnMainStopsSpawnedThreads) {
  ThreadsGuest guest;
  ASSERT_GT(guest.spawn(), 0);
  ASSERT_TRUE(guest.wait_running(1));
  Slot args[2] = {5, 0};
  const InvokeOutcome outcome = guest.store.call(guest.instance->find_export("exit").as_func(), args);
  EXPECT_EQ(outcome.trap, Trap::kHostTrap);
  EXPECT_EQ(guest.wasi->exit_status(), std::optional<uint32_t>(5));
  EXPECT_TRUE(guest.store.threads().wait_spawned_ended(20'000'000'000));
}

TEST(WasiThreads, MaxThreadsBoundsLiveThreads) {
  WasiOptions options;
  options.max_threads = 2;
  ThreadsGuest guest(std::move(options));
  EXPECT_GT(guest.spawn(), 0);
  EXPECT_GT(guest.spawn(), 0);
  EXPECT_EQ(guest.spawn(), -static_cast<int32_t>(Errno::kAgain));
  EXPECT_EQ(guest.store.threads().spawned_count(), 2u);
  // The destructors stop both threads and wait for them.
}

TEST(WasiThreads, CustomThreadStarterIsUsedAndMayRefuse) {
  ThreadsGuest guest;
  int started = 0;
  guest.store.set_thread_starter([&started](std::function<void()> body) {
    if (++started > 1) return false;
    std::thread(std::move(body)).detach();
    return true;
  });
  EXPECT_GT(guest.spawn(), 0);
  EXPECT_EQ(guest.spawn(), -static_cast<int32_t>(Errno::kAgain));
  EXPECT_EQ(started, 2);
  EXPECT_TRUE(guest.wait_running(1));
}

}  // namespace
}  // namespace wasmscope::internal::wasi
