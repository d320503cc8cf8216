// Soak: 10,000 stores, each instantiating a module, calling into it and being destroyed, must
// leave the process as they found it. The resident set is measured: after 1,000 rounds to warm
// up (allocator arenas, the interned types), the next 9,000 may not grow it by more than 4 MiB
// (a leak of 512 bytes a round would be 4.4 MiB). The sanitizer builds, whose quarantine and
// shadow memory grow the resident set by design, run 1,000 rounds and leave leaks to
// LeakSanitizer at exit, which reports a lost byte of any one round: the other 9,000 rounds
// took ASan 112 s of CI's time (128.6 s against 16.6 s) and checked nothing more.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <string>

#include "wasmscope/wasmscope.hh"

namespace {

using namespace wasmscope;

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

/// Resident bytes of this process (/proc/self/statm).
long resident_bytes() {
  FILE* f = std::fopen("/proc/self/statm", "r");
  long pages = 0, resident = 0;
  if (f == nullptr) return -1;
  if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = -1;
  std::fclose(f);
  return resident < 0 ? -1 : resident * sysconf(_SC_PAGESIZE);
}

TEST(Soak, TenThousandStoresInstantiateCallAndGoLeavingNothing) {
  auto module = Module::compile_text(R"((module
    (import "env" "note" (func $note (param i32)))
    (memory (export "mem") 1 4)
    (table 4 funcref)
    (global $n (mut i32) (i32.const 0))
    (func (export "run") (param i32) (result i32)
      (global.set $n (i32.add (global.get $n) (local.get 0)))
      (drop (memory.grow (i32.const 1)))
      (memory.fill (i32.const 0) (i32.const 7) (i32.const 131072))  ;; touch both pages
      (i32.store (i32.const 64) (global.get $n))
      (call $note (global.get $n))
      (i32.load (i32.const 64)))))");
  ASSERT_TRUE(module.ok()) << module.error().to_string();
  long warm = 0;
  int noted = 0;
  const int rounds = kSanitized ? 1'000 : 10'000;
  for (int round = 0; round < rounds; ++round) {
    if (round == 1'000) warm = resident_bytes();
    Store store;
    Func note = store.define_func(
        FuncType{{ValType::kI32}, {}},
        [&](std::span<const Value> args, std::span<Value>) -> std::optional<std::string> {
          noted = args[0].i32();
          return std::nullopt;
        },
        "env.note");
    auto instance = store.instantiate(*module, {note});
    ASSERT_TRUE(instance.ok()) << instance.error().to_string();
    CallResult r = instance->func("run").call({Value::i32(round)});
    ASSERT_TRUE(r.ok()) << r.trap().to_string();
    ASSERT_EQ(r.values()[0].i32(), round);
    ASSERT_EQ(noted, round);
  }
  if (kSanitized) {
    std::printf("%d rounds; leaks are LeakSanitizer's to report at exit\n", rounds);
    return;
  }
  const long grown = resident_bytes() - warm;
  std::printf("resident set after round 1,000: %ld KiB; grown by round 10,000: %ld KiB\n",
              warm / 1024, grown / 1024);
  ASSERT_GT(warm, 0);
  EXPECT_LT(grown, 4l << 20);
}

}  // namespace
