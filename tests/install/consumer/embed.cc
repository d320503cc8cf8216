// An embedder of the installed C++ API (wasmscope/wasmscope.hh): compiles a text module, calls
// an export and checks its result, then captures the stack of a thread running guest code, with
// the C++ API and with the C API (c_capture.c), and stops it. Prints one line per step; exits
// nonzero on the first failure.
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <thread>

#include "wasmscope/capture.h"
#include "wasmscope/wasmscope.hh"

extern "C" int c_capture(wasmscope_thread_t* thread, char* out, size_t size);

namespace {

using namespace std::chrono_literals;

// run -> inner -> spin; spin loops without calls until terminated.
constexpr const char* kModule = R"((module $consumer
  (memory 1)
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func $run (export "run") (call $inner))
  (func $inner (call $spin))
  (func $spin
    (loop $l
      (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (i32.const 1)))
      (br $l))))
)";

int fail(const std::string& message) {
  std::fprintf(stderr, "embed: FAILED: %s\n", message.c_str());
  return 1;
}

/// Captures {thread} until its innermost frame is {spin} (index 3), for up to 10 s.
std::optional<wasmscope::StackCapture> capture_in_spin(const wasmscope::Thread& thread) {
  const auto give_up = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < give_up) {
    auto c = thread.capture();
    if (c.ok() && !c->frames.empty() && c->frames[0].func_index == 3) return std::move(*c);
    std::this_thread::sleep_for(1ms);
  }
  return std::nullopt;
}

}  // namespace

int main() {
  auto module = wasmscope::Module::compile_text(kModule);
  if (!module.ok()) return fail("compile: " + module.error().to_string());
  wasmscope::Store store;
  auto instance = store.instantiate(*module);
  if (!instance.ok()) return fail("instantiate: " + instance.error().to_string());

  const wasmscope::CallResult sum =
      instance->func("add").call({wasmscope::Value::i32(40), wasmscope::Value::i32(2)});
  if (!sum.ok()) return fail("add trapped: " + sum.trap().to_string());
  if (sum.values().size() != 1 || sum.values()[0].i32() != 42) return fail("add(40, 2) != 42");
  std::printf("embed: add(40, 2) = %d\n", sum.values()[0].i32());

  const wasmscope::Thread thread = store.thread();
  std::optional<wasmscope::CallResult> run_result;
  std::thread worker([&] { run_result.emplace(instance->func("run").call({})); });
  int status = 0;
  if (auto c = capture_in_spin(thread)) {
    std::string names;
    for (const wasmscope::Frame& f : thread.symbolize(*c)) names += " " + f.function;
    std::printf("embed: stack:%s\n", names.c_str());
    char c_names[512];
    if (c_capture(thread.c_handle(), c_names, sizeof c_names) < 0) {
      status = fail(std::string("C capture: ") + c_names);
    } else {
      std::printf("embed: C stack: %s\n", c_names);
    }
  } else {
    status = fail("the guest thread never showed up in spin");
  }
  thread.terminate();
  worker.join();
  if (status != 0) return status;
  if (run_result->ok()) return fail("run returned instead of trapping");
  std::printf("embed: run: %s\n", run_result->trap().message.c_str());
  std::printf("embed: ok\n");
  return 0;
}
