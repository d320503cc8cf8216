// The public API with several host threads in one store: a call made while another thread
// is inside the main context runs on a context of its own, listed by Store::threads().
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "wasmscope/wasmscope.hh"

namespace wasmscope {
namespace {

constexpr const char* kModule = R"((module
  (import "host" "block" (func $block))
  (func (export "blocking") (call $block))
  (func (export "answer") (result i32) (i32.const 42)))
)";

TEST(StoreThreads, ConcurrentCallsGetTheirOwnContexts) {
  Store store;
  std::atomic<bool> inside{false};
  std::atomic<bool> release{false};
  Func block = store.define_func(FuncType{{}, {}}, [&](std::span<const Value>, std::span<Value>) {
    inside = true;
    while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return std::optional<std::string>();
  });
  auto module = Module::compile_text(kModule);
  ASSERT_TRUE(module.ok()) << module.error().to_string();
  auto instance = store.instantiate(*module, {block});
  ASSERT_TRUE(instance.ok()) << instance.error().to_string();

  std::thread blocked([&] { EXPECT_TRUE(instance->func("blocking").call({}).ok()); });
  while (!inside) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_EQ(store.thread().state(), ThreadState::kInHost);

  // Another host thread calls in meanwhile: it gets a context of its own and is listed.
  CallResult answer = instance->func("answer").call({});
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(answer.values()[0].i32(), 42);
  const std::vector<Thread> threads = store.threads();
  ASSERT_EQ(threads.size(), 2u);
  EXPECT_EQ(threads[0].id(), store.thread().id());
  EXPECT_EQ(store.thread_name(threads[0]), "main");
  EXPECT_EQ(store.thread_name(threads[1]), "host " + std::to_string(threads[1].id()));
  EXPECT_EQ(threads[1].state(), ThreadState::kIdle);
  // The main context's capture still sees the blocked call.
  auto capture = threads[0].capture();
  ASSERT_TRUE(capture.ok());
  EXPECT_EQ(capture->method, CaptureMethod::kInHost);
  EXPECT_EQ(capture->depth, 1u);

  release = true;
  blocked.join();
  // With the main context free again, a call from this thread runs on it.
  EXPECT_TRUE(instance->func("blocking").call({}).ok());
  EXPECT_EQ(store.threads().size(), 2u);  // the host context stays until the store ends
}

}  // namespace
}  // namespace wasmscope
