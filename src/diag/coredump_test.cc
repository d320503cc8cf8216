#include "diag/coredump.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "binary/decoder.h"
#include "diag/coredump_reader.h"
#include "runtime/store.h"
#include "text/wat.h"
#include "validate/validator.h"

namespace wasmscope::internal {
namespace {

// main -> a -> b -> unreachable. Code offsets, counted from each body's local declarations
// (wasm-objdump -d of wat2wasm's output prints the same starts):
//   main: locals "00" @0; i32.const 16 @1; i32.const 0x44332211 @3 (5-byte LEB);
//         i32.store @9; i32.const 0x20008 @12; i32.const 42 @16; i32.store8 @18;
//         i32.const 7 @21; global.set @23; local.get @25; call $a @27.
//   a:    locals "01 01 7e" @0; i64.const -3 @3; local.set @5; local.get @7; call $b @9.
//   b:    locals "00" @0; unreachable @1.
constexpr const char* kWat = R"(
(module $crashy
  (memory (export "mem") 3 10)
  (global $g (mut i32) (i32.const 0))
  (global $pi f64 (f64.const 3.5))
  (global $big (mut i64) (i64.const -9000000000))
  (func $main (export "main") (param $p i32)
    i32.const 16
    i32.const 0x44332211
    i32.store
    i32.const 0x20008
    i32.const 0x2a
    i32.store8
    i32.const 7
    global.set $g
    local.get $p
    call $a)
  (func $a (param $x i32) (local $y i64)
    i64.const -3
    local.set $y
    local.get $x
    call $b)
  (func $b (param $x i32)
    unreachable))
)";

constexpr uint32_t kMainCall = 27, kACall = 9, kBUnreachable = 1;

/// {wat} assembled, compiled and instantiated in {store} without imports; null (and a failed
/// test) if any step fails.
Instance* instantiate_wat(Store& store, const char* wat) {
  auto bytes = wat_to_binary(wat);
  EXPECT_TRUE(bytes.ok()) << bytes.error().to_string();
  if (!bytes.ok()) return nullptr;
  auto compiled = compile_module(std::move(*bytes), store.config());
  EXPECT_TRUE(compiled.ok()) << compiled.error().to_string();
  if (!compiled.ok()) return nullptr;
  auto instance = store.instantiate(*compiled, {});
  EXPECT_TRUE(instance.ok()) << instance.error().to_string();
  return instance.ok() ? *instance : nullptr;
}

/// Runs {kWat}'s main(5) to its trap and dumps it.
class CoredumpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    instance_ = instantiate_wat(store_, kWat);
    ASSERT_NE(instance_, nullptr);
    const Func* main = instance_->find_export("main").as_func();
    ASSERT_NE(main, nullptr);
    std::vector<Slot> args(main->arg_slots + 1, 0);
    args[0] = 5;
    outcome_ = store_.call(main, args.data());
    ASSERT_EQ(outcome_.trap, Trap::kUnreachable);
    ASSERT_EQ(outcome_.frames.size(), 3u);
  }

  CoredumpInput input(bool record_locals = true) const {
    CoredumpInput in;
    in.executable = "crashy-runner";
    in.instances.push_back({&instance_->data, "crashy.wasm"});
    in.frames = outcome_.frames;
    in.thread_name = "main";
    in.record_locals = record_locals;
    return in;
  }

  std::vector<uint8_t> dump(bool record_locals = true) const {
    auto bytes = write_coredump(input(record_locals));
    EXPECT_TRUE(bytes.ok()) << bytes.error().to_string();
    return bytes.ok() ? *bytes : std::vector<uint8_t>{};
  }

  Store store_;
  Instance* instance_ = nullptr;
  InvokeOutcome outcome_;
};

CoredumpValue i32(uint32_t v) { return {false, ValType::kI32, v}; }
CoredumpValue i64(int64_t v) { return {false, ValType::kI64, static_cast<uint64_t>(v)}; }

void expect_values(const std::vector<CoredumpValue>& got, const std::vector<CoredumpValue>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].missing, want[i].missing) << i;
    EXPECT_EQ(got[i].type, want[i].type) << i;
    EXPECT_EQ(got[i].bits, want[i].bits) << i;
  }
}

TEST_F(CoredumpTest, FramesReadBackYoungestFirstWithOffsetsAndLocals) {
  const std::vector<uint8_t> bytes = dump();
  auto core = read_coredump(bytes);
  ASSERT_TRUE(core.ok()) << core.error().to_string();
  EXPECT_EQ(core->executable, "crashy-runner");
  ASSERT_EQ(core->modules, std::vector<std::string>{"crashy.wasm"});
  ASSERT_EQ(core->threads.size(), 1u);
  const CoredumpThread& thread = core->threads[0];
  EXPECT_EQ(thread.name, "main");
  ASSERT_EQ(thread.frames.size(), 3u);
  const uint32_t funcs[] = {2, 1, 0};
  const uint32_t offsets[] = {kBUnreachable, kACall, kMainCall};
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(thread.frames[i].instance, 0u) << i;
    EXPECT_EQ(thread.frames[i].func_index, funcs[i]) << i;
    EXPECT_EQ(thread.frames[i].code_offset, offsets[i]) << i;
    EXPECT_TRUE(thread.frames[i].stack.empty()) << i;
  }
  expect_values(thread.frames[0].locals, {i32(5)});
  expect_values(thread.frames[1].locals, {i32(5), i64(-3)});
  expect_values(thread.frames[2].locals, {i32(5)});
}

TEST_F(CoredumpTest, MemoryAndGlobalsReadBack) {
  const std::vector<uint8_t> bytes = dump();
  auto core = read_coredump(bytes);
  ASSERT_TRUE(core.ok()) << core.error().to_string();
  ASSERT_EQ(core->instances.size(), 1u);
  EXPECT_EQ(core->instances[0].module, 0u);
  EXPECT_EQ(core->instances[0].memories, std::vector<uint32_t>{0});
  EXPECT_EQ(core->instances[0].globals, (std::vector<uint32_t>{0, 1, 2}));

  ASSERT_EQ(core->memories.size(), 1u);
  const CoredumpMemory& memory = core->memories[0];
  EXPECT_EQ(memory.limits.min, 3u);
  EXPECT_EQ(memory.limits.max, std::optional<uint64_t>(10));
  EXPECT_EQ(memory.size, 3 * kPageSize);
  EXPECT_EQ(memory.segments, 2u);  // Pages 0 and 2; page 1 is all zero.
  const uint8_t stored[] = {0x11, 0x22, 0x33, 0x44};
  for (uint64_t i = 0; i < memory.size; ++i) {
    uint8_t want = 0;
    if (i >= 0x10 && i < 0x14) want = stored[i - 0x10];
    if (i == 0x20008) want = 0x2a;
    ASSERT_EQ(memory.at(i), want) << "byte " << i;
  }
  EXPECT_LT(bytes.size(), 2 * kPageSize + 1024);

  ASSERT_EQ(core->globals.size(), 3u);
  EXPECT_EQ(core->globals[0].type, ValType::kI32);
  EXPECT_EQ(core->globals[0].value[0], 7u);
  EXPECT_EQ(core->globals[1].type, ValType::kF64);
  double pi;
  std::memcpy(&pi, &core->globals[1].value[0], sizeof pi);
  EXPECT_EQ(pi, 3.5);
  EXPECT_EQ(core->globals[2].type, ValType::kI64);
  EXPECT_EQ(static_cast<int64_t>(core->globals[2].value[0]), -9000000000);
}

/// The payload of custom section {name} of {module} (after the name).
std::vector<uint8_t> custom_payload(const Module& module, const std::string& name) {
  for (const CustomSection& c : module.customs) {
    if (c.name == name) return {module.at(c.data.begin), module.at(c.data.end)};
  }
  ADD_FAILURE() << "no custom section " << name;
  return {};
}

TEST_F(CoredumpTest, SectionsMatchTheDocumentByteForByte) {
  auto module = decode_module(dump());
  ASSERT_TRUE(module.ok()) << module.error().to_string();
  const std::vector<uint8_t> core = {0x00, 13, 'c', 'r', 'a', 's', 'h', 'y', '-',
                                     'r', 'u', 'n', 'n', 'e', 'r'};
  EXPECT_EQ(custom_payload(*module, "core"), core);
  const std::vector<uint8_t> modules = {1, 0x00, 11, 'c', 'r', 'a', 's', 'h', 'y',
                                        '.', 'w', 'a', 's', 'm'};
  EXPECT_EQ(custom_payload(*module, "coremodules"), modules);
  EXPECT_EQ(custom_payload(*module, "coreinstances"),
            (std::vector<uint8_t>{1, 0x00, 0, 1, 0, 3, 0, 1, 2}));
  const std::vector<uint8_t> stack = {
      0x00, 4, 'm', 'a', 'i', 'n', 3,
      0x00, 0, 2, kBUnreachable, 1, 0x7f, 5, 0,       // b: x = 5
      0x00, 0, 1, kACall, 2, 0x7f, 5, 0x7e, 0x7d, 0,  // a: x = 5, y = -3
      0x00, 0, 0, kMainCall, 1, 0x7f, 5, 0};          // main: p = 5
  EXPECT_EQ(custom_payload(*module, "corestack"), stack);
}

TEST_F(CoredumpTest, DumpIsAValidModule) {
  auto module = decode_module(dump());
  ASSERT_TRUE(module.ok()) << module.error().to_string();
  EXPECT_EQ(module->memories.size(), 1u);
  EXPECT_EQ(module->globals.size(), 3u);
  EXPECT_EQ(module->datas.size(), 2u);
  for (const Global& g : module->globals) EXPECT_FALSE(g.type.mut);
  auto facts = validate_module(*module);
  EXPECT_TRUE(facts.ok()) << facts.error().to_string();
}

TEST_F(CoredumpTest, LocalsCanBeLeftOut) {
  auto core = read_coredump(dump(false));
  ASSERT_TRUE(core.ok()) << core.error().to_string();
  ASSERT_EQ(core->threads.size(), 1u);
  ASSERT_EQ(core->threads[0].frames.size(), 3u);
  for (const CoredumpFrame& frame : core->threads[0].frames) EXPECT_TRUE(frame.locals.empty());
  EXPECT_EQ(core->threads[0].frames[2].code_offset, kMainCall);
}

TEST_F(CoredumpTest, WabtListsTheCustomSections) {
#ifndef WASMSCOPE_WASM_OBJDUMP
  FAIL() << "wasm-objdump (wabt, installed by scripts/install-deps.sh) was not found at configure time";
#else
  const std::vector<uint8_t> bytes = dump();
  char path[] = "/tmp/wasmscope_coredump_XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  FILE* file = fdopen(fd, "wb");
  ASSERT_NE(file, nullptr);
  ASSERT_EQ(std::fwrite(bytes.data(), 1, bytes.size(), file), bytes.size());
  std::fclose(file);
  const std::string command = std::string(WASMSCOPE_WASM_OBJDUMP) + " -h " + path + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buf[512];
  while (size_t n = std::fread(buf, 1, sizeof buf, pipe)) output.append(buf, n);
  const int status = pclose(pipe);
  std::remove(path);
  EXPECT_EQ(status, 0) << output;
  for (const char* name : {"\"core\"", "\"coremodules\"", "\"coreinstances\"", "\"corestack\""}) {
    EXPECT_NE(output.find(name), std::string::npos) << name << " missing in:\n" << output;
  }
  EXPECT_NE(output.find("Memory"), std::string::npos) << output;
  EXPECT_NE(output.find("Data"), std::string::npos) << output;
#endif
}

TEST_F(CoredumpTest, TruncationsAndBitFlipsNeverCrash) {
  const std::vector<uint8_t> bytes = dump();
  ASSERT_TRUE(read_coredump(bytes).ok());
  size_t errors = 0;
  for (size_t length = 0; length < bytes.size(); ++length) {
    auto core = read_coredump(std::span<const uint8_t>(bytes.data(), length));
    if (!core.ok()) ++errors;
  }
  // Only cuts at a section boundary after `core` can still parse.
  EXPECT_GE(errors, bytes.size() - 8);
  // Flips in the metadata before the memory image (the image's bytes are opaque).
  const size_t metadata = std::min<size_t>(bytes.size(), 200);
  for (size_t i = 0; i < metadata; ++i) {
    for (uint8_t bit : {0x01, 0x40, 0x80}) {
      std::vector<uint8_t> flipped = bytes;
      flipped[i] ^= bit;
      auto core = read_coredump(flipped);
      if (core.ok()) {
        EXPECT_LE(core->threads.size(), 1u);
      }
    }
  }
}

// main(p) -> spin(p + 1), which counts in $n for ever (until terminated). Functions: main 0,
// spin 1, answer 2.
constexpr const char* kSpinWat = R"(
(module $spinner
  (memory (export "mem") 1)
  (data (i32.const 64) "spinning")
  (global $g (mut i32) (i32.const 17))
  (func $main (export "main") (param $p i32) (result i32)
    (call $spin (i32.add (local.get $p) (i32.const 1))))
  (func $spin (param $x i32) (result i32) (local $n i64)
    (loop $again
      (local.set $n (i64.add (local.get $n) (i64.const 1)))
      (br $again))
    (local.get $x))
  (func (export "answer") (result i32) (i32.const 42)))
)";

/// {kSpinWat} instantiated; {start_spinning} runs main(41) on a thread of its own.
class LiveCoredumpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    instance_ = instantiate_wat(store_, kSpinWat);
    ASSERT_NE(instance_, nullptr);
  }

  void TearDown() override {
    if (!runner_.joinable()) return;
    request_terminate(&store_.context());
    runner_.join();
    EXPECT_EQ(outcome_.trap, Trap::kInterrupted);
  }

  /// Starts main(41) and waits (at most 5 s) until spin runs.
  bool start_spinning() {
    const Func* main = instance_->find_export("main").as_func();
    if (main == nullptr) return false;
    runner_ = std::thread([this, main] {
      std::vector<Slot> args(main->arg_slots + 2, 0);
      args[0] = 41;
      outcome_ = store_.call(main, args.data());
    });
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (store_.context().depth.load(std::memory_order_acquire) < 2) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return true;
  }

  /// A live coredump of the store's context, read back.
  Coredump live_dump() {
    CoredumpInput in;
    in.executable = "spinner-runner";
    in.instances.push_back({&instance_->data, "spinner.wasm"});
    in.thread_name = "main";
    auto bytes = write_live_coredump(&store_.context(), in, 1'000'000'000);
    EXPECT_TRUE(bytes.ok()) << bytes.error().to_string();
    if (!bytes.ok()) return {};
    auto core = read_coredump(*bytes);
    EXPECT_TRUE(core.ok()) << core.error().to_string();
    return core.ok() ? *core : Coredump{};
  }

  Store store_;
  Instance* instance_ = nullptr;
  std::thread runner_;
  InvokeOutcome outcome_;
};

/// The count spin's frame holds in $n, after checking the dump shows spin (x = 42) called by
/// main (p = 41).
int64_t expect_spinning(const Coredump& core) {
  EXPECT_EQ(core.modules, std::vector<std::string>{"spinner.wasm"});
  if (core.threads.size() != 1 || core.threads[0].frames.size() != 2) {
    ADD_FAILURE() << "expected one thread with frames spin and main";
    return -1;
  }
  const std::vector<CoredumpFrame>& frames = core.threads[0].frames;
  EXPECT_EQ(frames[0].func_index, 1u);
  EXPECT_EQ(frames[1].func_index, 0u);
  EXPECT_EQ(frames[1].code_offset, 6u);  // main's call: locals "00", local.get, i32.const, add
  expect_values(frames[1].locals, {i32(41)});
  if (frames[0].locals.size() != 2) {
    ADD_FAILURE() << "spin has " << frames[0].locals.size() << " locals";
    return -1;
  }
  expect_values({frames[0].locals[0]}, {i32(42)});
  EXPECT_EQ(frames[0].locals[1].type, ValType::kI64);
  return static_cast<int64_t>(frames[0].locals[1].bits);
}

TEST_F(LiveCoredumpTest, RunningThreadIsDumpedWithLiveLocalsAndGoesOn) {
  ASSERT_TRUE(start_spinning());
  const Coredump first = live_dump();
  const int64_t n1 = expect_spinning(first);
  EXPECT_GT(n1, 0);
  ASSERT_EQ(first.memories.size(), 1u);
  EXPECT_EQ(first.memories[0].at(64), 's');
  ASSERT_EQ(first.globals.size(), 1u);
  EXPECT_EQ(first.globals[0].value[0], 17u);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  // Resumed: it counted on between the dumps.
  const int64_t n2 = expect_spinning(live_dump());
  EXPECT_GT(n2, n1);
}

TEST_F(LiveCoredumpTest, IdleThreadGivesNoFramesAndCanCallAfterwards) {
  const Coredump core = live_dump();
  ASSERT_EQ(core.threads.size(), 1u);
  EXPECT_TRUE(core.threads[0].frames.empty());
  ASSERT_EQ(core.memories.size(), 1u);
  EXPECT_EQ(core.memories[0].at(64), 's');
  // The hold on the idle thread was released: a call does not park (bounded wait).
  const Func* answer = instance_->find_export("answer").as_func();
  ASSERT_NE(answer, nullptr);
  std::promise<uint64_t> result;
  std::future<uint64_t> done = result.get_future();
  std::thread caller([&] {
    std::vector<Slot> slots(2, 0);
    (void)store_.call(answer, slots.data());
    result.set_value(slots[0]);
  });
  const bool returned = done.wait_for(std::chrono::seconds(5)) == std::future_status::ready;
  if (!returned) {
    std::lock_guard<std::mutex> control(store_.context().control);
    resume(&store_.context());  // unblock it, so that the test can end
  }
  caller.join();
  EXPECT_TRUE(returned) << "the call parked: the thread was left suspended";
  EXPECT_EQ(done.get(), 42u);
}

TEST(CoredumpReader, RejectsBrokenReferencesAndSegments) {
  // A `core` section, then one instance naming module 0 of an empty module list.
  std::vector<uint8_t> bytes = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
                                0x00, 0x07, 0x04, 'c', 'o', 'r', 'e', 0x00, 0x00};
  ASSERT_TRUE(read_coredump(bytes).ok());
  std::vector<uint8_t> instances = bytes;
  const uint8_t section[] = {0x00, 0x13, 0x0d, 'c', 'o', 'r', 'e', 'i', 'n', 's', 't', 'a', 'n',
                             'c', 'e', 's', 0x01, 0x00, 0x00, 0x00, 0x00};
  instances.insert(instances.end(), std::begin(section), std::end(section));
  auto missing_module = read_coredump(instances);
  ASSERT_FALSE(missing_module.ok());
  EXPECT_NE(missing_module.error().message.find("module index"), std::string::npos);
  // A data segment without a memory section.
  std::vector<uint8_t> data = bytes;
  const uint8_t segment[] = {0x0b, 0x07, 0x01, 0x00, 0x41, 0x00, 0x0b, 0x01, 0xff};
  data.insert(data.end(), std::begin(segment), std::end(segment));
  EXPECT_FALSE(read_coredump(data).ok());
  // No `core` section: an ordinary module is not a coredump.
  EXPECT_FALSE(read_coredump(std::span<const uint8_t>(bytes.data(), 8)).ok());
}

}  // namespace
}  // namespace wasmscope::internal
