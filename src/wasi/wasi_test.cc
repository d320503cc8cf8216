// The WASI layer's contracts that guest programs cannot check themselves: linking, exit
// status, and blocking calls that survive runtime signals and yield to terminate requests.
// (Guest programs in tests/wasi/ cover each preview1 function's behaviour.)
#include "wasi/wasi.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "base/platform/thread_signals.h"
#include "text/wat.h"

namespace wasmscope::internal::wasi {
namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kGuest = R"((module
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (import "wasi_unstable" "args_sizes_get" (func $args_sizes (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  ;; One clock subscription at 0 (48 bytes), its event at 64 (32 bytes), the count at 96.
  (func (export "sleep") (param $ns i64) (result i32)
    (i64.store (i32.const 0) (i64.const 42))
    (i32.store8 (i32.const 8) (i32.const 0))
    (i32.store (i32.const 16) (i32.const 1))
    (i64.store (i32.const 24) (local.get $ns))
    (i64.store (i32.const 32) (i64.const 0))
    (i32.store16 (i32.const 40) (i32.const 0))
    (call $poll (i32.const 0) (i32.const 64) (i32.const 1) (i32.const 96)))
  (func (export "event_userdata") (result i64) (i64.load (i32.const 64)))
  (func (export "event_error") (result i32) (i32.load16_u (i32.const 72)))
  (func (export "nevents") (result i32) (i32.load (i32.const 96)))
  ;; fd_read of up to 16 bytes from fd 0 into 256; the count at 144.
  (func (export "read_stdin") (result i32)
    (i32.store (i32.const 128) (i32.const 256))
    (i32.store (i32.const 132) (i32.const 16))
    (call $fd_read (i32.const 0) (i32.const 128) (i32.const 1) (i32.const 144)))
  (func (export "nread") (result i32) (i32.load (i32.const 144)))
  (func (export "argc") (result i32)
    (drop (call $args_sizes (i32.const 200) (i32.const 204)))
    (i32.load (i32.const 200)))
  (func (export "exit") (param i32) (call $exit (local.get 0)))
  (func (export "answer") (result i32) (i32.const 42)))
)";

/// A store with the guest instantiated against a WASI context.
struct Guest {
  Store store;
  std::unique_ptr<WasiContext> wasi;
  Instance* instance = nullptr;

  explicit Guest(WasiOptions options = {}) {
    auto context = WasiContext::create(std::move(options));
    EXPECT_TRUE(context.ok());
    wasi = std::move(*context);
    auto bytes = wat_to_binary(kGuest);
    EXPECT_TRUE(bytes.ok()) << bytes.error().to_string();
    auto compiled = compile_module(std::move(*bytes), store.config());
    EXPECT_TRUE(compiled.ok()) << compiled.error().to_string();
    auto imports = wasi->resolve_imports(store, (*compiled)->module);
    EXPECT_TRUE(imports.ok()) << imports.error().to_string();
    auto inst = store.instantiate(*compiled, *imports);
    EXPECT_TRUE(inst.ok()) << inst.error().to_string();
    instance = *inst;
  }

  /// Calls export {name}; {args}[0] holds the first result afterwards.
  InvokeOutcome call(const std::string& name, std::vector<Slot>* args) {
    const Func* f = instance->find_export(name).as_func();
    EXPECT_NE(f, nullptr) << name;
    args->resize(std::max<size_t>(args->size(), f->arg_slots) + 1);
    return store.call(f, args->data());
  }

  uint64_t call_ok(const std::string& name, std::vector<Slot> args = {}) {
    const InvokeOutcome outcome = call(name, &args);
    EXPECT_EQ(outcome.trap, Trap::kNone) << outcome.message;
    return args[0];
  }

  /// Waits (up to 10 s) until the guest thread is inside a host call.
  bool wait_in_host() {
    const auto give_up = Clock::now() + std::chrono::seconds(10);
    while (store.context().state() != ThreadState::kInHost) {
      if (Clock::now() > give_up) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return true;
  }
};

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

TEST(Wasi, ProvidesEveryPreview1Function) {
  const std::vector<std::string> names = WasiContext::function_names();
  EXPECT_EQ(names.size(), 46u);
  // Every name links with its witx signature: a module importing all of them instantiates.
  // (Signatures written out here independently of the implementation's table.)
  const std::vector<std::pair<std::string, std::string>> signatures = {
      {"args_get", "i32 i32"}, {"args_sizes_get", "i32 i32"}, {"environ_get", "i32 i32"},
      {"environ_sizes_get", "i32 i32"}, {"clock_res_get", "i32 i32"},
      {"clock_time_get", "i32 i64 i32"}, {"fd_advise", "i32 i64 i64 i32"},
      {"fd_allocate", "i32 i64 i64"}, {"fd_close", "i32"}, {"fd_datasync", "i32"},
      {"fd_fdstat_get", "i32 i32"}, {"fd_fdstat_set_flags", "i32 i32"},
      {"fd_fdstat_set_rights", "i32 i64 i64"}, {"fd_filestat_get", "i32 i32"},
      {"fd_filestat_set_size", "i32 i64"}, {"fd_filestat_set_times", "i32 i64 i64 i32"},
      {"fd_pread", "i32 i32 i32 i64 i32"}, {"fd_prestat_get", "i32 i32"},
      {"fd_prestat_dir_name", "i32 i32 i32"}, {"fd_pwrite", "i32 i32 i32 i64 i32"},
      {"fd_read", "i32 i32 i32 i32"}, {"fd_readdir", "i32 i32 i32 i64 i32"},
      {"fd_renumber", "i32 i32"}, {"fd_seek", "i32 i64 i32 i32"}, {"fd_sync", "i32"},
      {"fd_tell", "i32 i32"}, {"fd_write", "i32 i32 i32 i32"},
      {"path_create_directory", "i32 i32 i32"}, {"path_filestat_get", "i32 i32 i32 i32 i32"},
      {"path_filestat_set_times", "i32 i32 i32 i32 i64 i64 i32"},
      {"path_link", "i32 i32 i32 i32 i32 i32 i32"},
      {"path_open", "i32 i32 i32 i32 i32 i64 i64 i32 i32"},
      {"path_readlink", "i32 i32 i32 i32 i32 i32"}, {"path_remove_directory", "i32 i32 i32"},
      {"path_rename", "i32 i32 i32 i32 i32 i32"}, {"path_symlink", "i32 i32 i32 i32 i32"},
      {"path_unlink_file", "i32 i32 i32"}, {"poll_oneoff", "i32 i32 i32 i32"},
      {"proc_raise", "i32"}, {"sched_yield", ""}, {"random_get", "i32 i32"},
      {"sock_accept", "i32 i32 i32"}, {"sock_recv", "i32 i32 i32 i32 i32 i32"},
      {"sock_send", "i32 i32 i32 i32 i32"}, {"sock_shutdown", "i32 i32"}};
  std::string wat = "(module\n";
  for (const auto& [name, params] : signatures) {
    wat += "(import \"wasi_snapshot_preview1\" \"" + name + "\" (func (param " + params +
           ") (result i32)))\n";
  }
  wat += "(import \"wasi_snapshot_preview1\" \"proc_exit\" (func (param i32)))\n(memory 1))";
  EXPECT_EQ(signatures.size() + 1, names.size());
  Store store;
  auto wasi = WasiContext::create({});
  ASSERT_TRUE(wasi.ok());
  auto bytes = wat_to_binary(wat);
  ASSERT_TRUE(bytes.ok()) << bytes.error().to_string();
  auto compiled = compile_module(std::move(*bytes), store.config());
  ASSERT_TRUE(compiled.ok()) << compiled.error().to_string();
  auto imports = (*wasi)->resolve_imports(store, (*compiled)->module);
  ASSERT_TRUE(imports.ok()) << imports.error().to_string();
  EXPECT_TRUE(store.instantiate(*compiled, *imports).ok());
}

TEST(Wasi, UnknownImportsAndWrongSignaturesDoNotLink) {
  Store store;
  auto wasi = WasiContext::create({});
  ASSERT_TRUE(wasi.ok());
  for (const char* wat : {
           R"((module (import "wasi_snapshot_preview1" "fd_frobnicate" (func))))",
           R"((module (import "env" "print" (func (param i32)))))",
           R"((module (import "wasi_snapshot_preview1" "memory" (memory 1))))"}) {
    auto compiled = compile_module(*wat_to_binary(wat), store.config());
    ASSERT_TRUE(compiled.ok());
    auto imports = (*wasi)->resolve_imports(store, (*compiled)->module);
    ASSERT_FALSE(imports.ok()) << wat;
    EXPECT_EQ(imports.error().kind, ErrorKind::kUnlinkable);
    EXPECT_NE(imports.error().message.find("unknown import"), std::string::npos);
  }
  auto compiled = compile_module(
      *wat_to_binary(R"((module (import "wasi_snapshot_preview1" "fd_close" (func (param i64) (result i32)))))"),
      store.config());
  ASSERT_TRUE(compiled.ok());
  auto imports = (*wasi)->resolve_imports(store, (*compiled)->module);
  ASSERT_TRUE(imports.ok());
  auto instance = store.instantiate(*compiled, *imports);
  ASSERT_FALSE(instance.ok());
  EXPECT_EQ(instance.error().kind, ErrorKind::kUnlinkable);
}

TEST(Wasi, MissingPreopenIsAnError) {
  WasiOptions options;
  options.preopens.push_back({"/nonexistent/wasmscope-test-dir", "/sandbox"});
  auto wasi = WasiContext::create(options);
  ASSERT_FALSE(wasi.ok());
  EXPECT_NE(wasi.error().message.find("/nonexistent/wasmscope-test-dir"), std::string::npos);
}

TEST(Wasi, ProcExitUnwindsWithTheStatus) {
  WasiOptions options;
  options.args = {"prog", "a", "b"};
  Guest guest(options);
  EXPECT_EQ(guest.call_ok("argc"), 3u);
  std::vector<Slot> args = {7};
  const InvokeOutcome outcome = guest.call("exit", &args);
  EXPECT_EQ(outcome.trap, Trap::kHostTrap);
  EXPECT_EQ(outcome.message, "exit status 7");
  ASSERT_TRUE(guest.wasi->exit_status().has_value());
  EXPECT_EQ(*guest.wasi->exit_status(), 7u);
  EXPECT_EQ(guest.call_ok("answer"), 42u);
}

TEST(Wasi, SleepIsInHostAndReportsTheClockEvent) {
  Guest guest;
  std::atomic<bool> saw_in_host{false};
  std::thread sleeper([&] { EXPECT_EQ(guest.call_ok("sleep", {200'000'000}), 0u); });
  saw_in_host = guest.wait_in_host();
  sleeper.join();
  EXPECT_TRUE(saw_in_host);
  EXPECT_EQ(guest.call_ok("nevents"), 1u);
  EXPECT_EQ(guest.call_ok("event_userdata"), 42u);
  EXPECT_EQ(guest.call_ok("event_error"), 0u);
}

// Signals the runtime sends (captures, samples) must not shorten a sleep: the wait resumes with
// the time left. A correctness check with a wide margin, not a speed test.
TEST(Wasi, SleepResumesAfterRuntimeSignals) {
  install_runtime_signal_handler();
  Guest guest;
  std::atomic<bool> done{false};
  uint64_t result = 1;
  const auto start = Clock::now();
  std::thread sleeper([&] {
    result = guest.call_ok("sleep", {1'000'000'000});
    done = true;
  });
  EXPECT_TRUE(guest.wait_in_host());
  const pthread_t target = sleeper.native_handle();
  int sent = 0;
  while (!done) {
    if (send_signal(target, capture_signal()).ok()) ++sent;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  sleeper.join();
  const double elapsed = seconds_since(start);
  EXPECT_EQ(result, 0u);
  EXPECT_GE(elapsed, 1.0);
  EXPECT_LT(elapsed, 30.0);
  EXPECT_GT(sent, 100);  // the sleep really was interrupted many times
  EXPECT_EQ(guest.call_ok("nevents"), 1u);
}

TEST(Wasi, TerminateWakesALongSleep) {
  Guest guest;
  InvokeOutcome outcome;
  const auto start = Clock::now();
  std::thread sleeper([&] {
    std::vector<Slot> args = {100'000'000'000ull};  // 100 s
    outcome = guest.call("sleep", &args);
  });
  EXPECT_TRUE(guest.wait_in_host());  // on failure, go on: the thread must still be joined
  request_terminate(&guest.store.context());
  sleeper.join();
  EXPECT_LT(seconds_since(start), 50.0);
  EXPECT_EQ(outcome.trap, Trap::kInterrupted);
  EXPECT_EQ(outcome.message, "interrupted");
  ASSERT_EQ(outcome.frames.size(), 1u);  // the guest's "sleep", blocked in poll_oneoff
  EXPECT_EQ(guest.call_ok("answer"), 42u);  // the store goes on
}

TEST(Wasi, TerminateWakesAReadOfAnEmptyPipe) {
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  WasiOptions options;
  options.stdin_fd = pipe_fds[0];
  Guest guest(options);
  InvokeOutcome outcome;
  std::thread reader([&] {
    std::vector<Slot> args;
    outcome = guest.call("read_stdin", &args);
  });
  EXPECT_TRUE(guest.wait_in_host());
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // let it block in the wait
  request_terminate(&guest.store.context());
  reader.join();
  EXPECT_EQ(outcome.trap, Trap::kInterrupted);
  // Data written afterwards is read by the next call: nothing was consumed or lost.
  ASSERT_EQ(::write(pipe_fds[1], "hello", 5), 5);
  EXPECT_EQ(guest.call_ok("read_stdin"), 0u);
  EXPECT_EQ(guest.call_ok("nread"), 5u);
  ::close(pipe_fds[0]);
  ::close(pipe_fds[1]);
}

TEST(Wasi, PipeReadResumesAfterRuntimeSignals) {
  install_runtime_signal_handler();
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  WasiOptions options;
  options.stdin_fd = pipe_fds[0];
  Guest guest(options);
  uint64_t result = 1;
  std::thread reader([&] { result = guest.call_ok("read_stdin"); });
  EXPECT_TRUE(guest.wait_in_host());
  for (int i = 0; i < 200; ++i) {
    EXPECT_TRUE(send_signal(reader.native_handle(), capture_signal()).ok());
    std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
  EXPECT_EQ(::write(pipe_fds[1], "abc", 3), 3);
  reader.join();
  EXPECT_EQ(result, 0u);
  EXPECT_EQ(guest.call_ok("nread"), 3u);
  ::close(pipe_fds[0]);
  ::close(pipe_fds[1]);
}

}  // namespace
}  // namespace wasmscope::internal::wasi
