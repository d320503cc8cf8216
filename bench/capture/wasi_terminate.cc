// Terminate latency of a guest blocked in a WASI wait (poll_oneoff on a clock).
//
// The public C++ API has no WASI yet, and a host function of the embedder's that sleeps with
// std::this_thread::sleep_for cannot be woken by terminate (only the WASI layer's waits are
// interruptible). So this part uses the runtime's internal API, as src/wasi/wasi_test.cc does:
// an internal store, a WasiContext, and request_terminate, which is what Thread::terminate
// calls.
#include <atomic>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "engine/context.h"
#include "runtime/store.h"
#include "stats.h"
#include "text/wat.h"
#include "wasi/wasi.h"

namespace wasmscope_bench {

namespace wi = wasmscope::internal;

namespace {

// "rec" recurses until {n} frames of it are on the stack, then the innermost calls $sleep, which
// blocks in poll_oneoff: one clock subscription at 0 (48 bytes), its event at 64, the count at 96.
constexpr const char* kWasiGuest = R"((module $bench_wasi
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
  (memory 1)
  (func $sleep (param $ns i64) (result i32)
    (i64.store (i32.const 0) (i64.const 7))
    (i32.store8 (i32.const 8) (i32.const 0))
    (i32.store (i32.const 16) (i32.const 1))
    (i64.store (i32.const 24) (local.get $ns))
    (i64.store (i32.const 32) (i64.const 0))
    (i32.store16 (i32.const 40) (i32.const 0))
    (call $poll (i32.const 0) (i32.const 64) (i32.const 1) (i32.const 96)))
  (func $rec (export "rec") (param $n i32) (param $ns i64) (result i32)
    (if (i32.gt_u (local.get $n) (i32.const 1))
      (then (return (call $rec (i32.sub (local.get $n) (i32.const 1)) (local.get $ns)))))
    (call $sleep (local.get $ns))))
)";

}  // namespace

/// Runs {runs} times: a guest thread {depth} guest frames deep (counting the sleeping
/// function) blocks in a 100 s poll_oneoff; once it is in the host call and has had 2 ms to
/// block, the time from request_terminate to the call returning is one sample.
Series measure_wasi_terminate(int runs, int depth, bool compiled_tier) {
  Series series;
  series.name = "terminate, blocked in WASI poll_oneoff (100 s)";
  series.goal = "";
  series.note = "time from request_terminate (= Thread::terminate) until the guest call returned "
                "on its own thread with the \"interrupted\" trap; the guest was " +
                std::to_string(depth) + " frames deep in a 100 s WASI poll_oneoff clock wait";

  wi::StoreConfig config;
  if (compiled_tier) config.tier = wi::Tier::kCompiled;
  wi::Store store(config);
  auto wasi = wi::wasi::WasiContext::create({});
  if (!wasi.ok()) {
    std::fprintf(stderr, "wasi context: %s\n", wasi.error().to_string().c_str());
    series.failures = runs;
    return series;
  }
  auto bytes = wi::wat_to_binary(kWasiGuest);
  if (!bytes.ok()) {
    std::fprintf(stderr, "wat: %s\n", bytes.error().to_string().c_str());
    series.failures = runs;
    return series;
  }
  auto compiled = wi::compile_module(std::move(*bytes), store.config());
  if (!compiled.ok()) {
    std::fprintf(stderr, "compile: %s\n", compiled.error().to_string().c_str());
    series.failures = runs;
    return series;
  }
  auto imports = (*wasi)->resolve_imports(store, (*compiled)->module);
  if (!imports.ok()) {
    std::fprintf(stderr, "imports: %s\n", imports.error().to_string().c_str());
    series.failures = runs;
    return series;
  }
  auto instance = store.instantiate(*compiled, *imports);
  if (!instance.ok()) {
    std::fprintf(stderr, "instantiate: %s\n", instance.error().to_string().c_str());
    series.failures = runs;
    return series;
  }
  const wi::Func* rec = (*instance)->find_export("rec").as_func();
  wi::ExecContext& ctx = store.context();

  for (int i = 0; i < runs; ++i) {
    Clock::time_point returned;
    wi::InvokeOutcome outcome;
    std::thread guest([&] {
      std::vector<wi::Slot> args(rec->arg_slots + 2, 0);
      args[0] = static_cast<wi::Slot>(depth - 1);  // rec frames; $sleep is the last
      args[1] = 100'000'000'000ull;  // 100 s
      outcome = store.call(rec, args.data());
      returned = Clock::now();
    });
    const auto give_up = Clock::now() + std::chrono::seconds(10);
    while (ctx.state() != wi::ThreadState::kInHost && Clock::now() < give_up) {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));  // let it block in the wait
    const Clock::time_point start = Clock::now();
    wi::request_terminate(&ctx);
    guest.join();
    const bool valid = outcome.trap == wi::Trap::kInterrupted &&
                       outcome.frames.size() == static_cast<size_t>(depth);
    if (valid) {
      series.samples.push_back(micros(start, returned));
    } else {
      ++series.failures;
      std::fprintf(stderr, "wasi terminate run %d: trap '%s', %zu frames (expected %d)\n", i,
                   outcome.message.c_str(), outcome.frames.size(), depth);
    }
  }
  return series;
}

}  // namespace wasmscope_bench
