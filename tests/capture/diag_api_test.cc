// The embedder's diagnostics API (include/wasmscope/diag.hh): thread dumps of running, deep,
// blocked and idle guests in text and JSON, with file:line from a -g guest's DWARF, and the
// watchdog with each policy, reporting through the host's callback.
//
// dump_guest.c is compiled with -g in the build; the line numbers expected here are read from
// its source (the calls on lines 10 and 13, the loop on line 7), not from wasmscope.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <mutex>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "guest_call.h"
#include "wasmscope/diag.hh"
#include "wasmscope/wasmscope.hh"

namespace wasmscope {
namespace {

// Function indices of dump_guest.wasm (wasm-objdump -x): run 0, middle 1, spin_here 2.
constexpr uint32_t kGuestSpinIndex = 2;

std::optional<Module> load_dump_guest() {
  std::ifstream in(WASMSCOPE_DUMP_GUEST, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << WASMSCOPE_DUMP_GUEST;
  const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                   std::istreambuf_iterator<char>());
  auto module = Module::compile(bytes);
  EXPECT_TRUE(module.ok()) << module.error().to_string();
  if (!module.ok()) return std::nullopt;
  return std::move(*module);
}

/// Lines of {text} that are frames ("    at ...").
std::vector<std::string> frame_lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("    at ", 0) == 0) out.push_back(line);
  }
  return out;
}

bool has_line(const std::string& text, const std::string& pattern) {
  return std::regex_search(text, std::regex(pattern, std::regex::multiline));
}

/// The dump guest spinning on a thread of its own, three frames deep.
struct SpinningDumpGuest {
  Store store;
  Instance instance;
  std::optional<GuestCall> call;
  bool ok = false;
  SpinningDumpGuest() {
    std::optional<Module> module = load_dump_guest();
    if (!module) return;
    auto inst = store.instantiate(*module);
    EXPECT_TRUE(inst.ok()) << inst.error().to_string();
    if (!inst.ok()) return;
    instance = *inst;
    call.emplace(store, instance.func("run"));
    ok = wait_until_innermost(store.thread(), kGuestSpinIndex);
    EXPECT_TRUE(ok) << "the guest never reached spin_here";
  }
};

TEST(ThreadDump, TextNamesFramesWithSourceLines) {
  SpinningDumpGuest g;
  ASSERT_TRUE(g.ok);
  const NamedThread threads[] = {{g.store.thread(), "worker"}};
  const std::string text = thread_dump(threads);
  EXPECT_TRUE(has_line(text, "^wasmscope thread dump$")) << text;
  EXPECT_TRUE(has_line(text, "^\"worker\" #" + std::to_string(g.store.thread().id()) +
                                 " running for [0-9.]+s, in call for [0-9.]+s \\(stack by "
                                 "(signal|safepoint)\\)$"))
      << text;
  const std::vector<std::string> frames = frame_lines(text);
  ASSERT_EQ(frames.size(), 3u) << text;
  EXPECT_TRUE(std::regex_match(frames[0], std::regex("    at spin_here\\+0x[0-9a-f]+ \\(.*dump_guest\\.c:7\\)")))
      << frames[0];
  EXPECT_TRUE(std::regex_match(frames[1], std::regex("    at middle\\+0x[0-9a-f]+ \\(.*dump_guest\\.c:10\\)")))
      << frames[1];
  EXPECT_TRUE(std::regex_match(frames[2], std::regex("    at run\\+0x[0-9a-f]+ \\(.*dump_guest\\.c:13\\)")))
      << frames[2];
}

TEST(ThreadDump, JsonHasTheSameContent) {
  SpinningDumpGuest g;
  ASSERT_TRUE(g.ok);
  DumpOptions options;
  options.format = ReportFormat::kJson;
  options.title = "on request";
  const NamedThread threads[] = {{g.store.thread(), "worker"}};
  const std::string json = thread_dump(threads, options);
  const auto doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  ASSERT_FALSE(doc.is_discarded()) << json;
  EXPECT_EQ(doc["kind"], "thread_dump");
  EXPECT_EQ(doc["title"], "on request");
  ASSERT_EQ(doc["threads"].size(), 1u);
  const auto& t = doc["threads"][0];
  EXPECT_EQ(t["name"], "worker");
  EXPECT_EQ(t["id"], g.store.thread().id());
  EXPECT_EQ(t["state"], "running");
  EXPECT_EQ(t["depth"], 3);
  ASSERT_EQ(t["frames"].size(), 3u) << json;
  const char* names[] = {"spin_here", "middle", "run"};
  const int lines[] = {7, 10, 13};
  for (size_t i = 0; i < 3; ++i) {
    const auto& f = t["frames"][i];
    EXPECT_EQ(f["function"], names[i]);
    EXPECT_EQ(f["func_index"], 2 - i);
    ASSERT_TRUE(f.contains("file")) << json;
    EXPECT_TRUE(f["file"].get<std::string>().ends_with("dump_guest.c")) << f["file"];
    EXPECT_EQ(f["line"], lines[i]);
  }
}

// deep -> rec(1000) -> ... -> rec(0) -> spin: 1,003 frames.
constexpr const char* kDeepSpinner = R"((module $deep
  (memory 1)
  (func $deep (export "deep") (call $rec (i32.const 1000)))
  (func $rec (param $n i32)
    (if (i32.eqz (local.get $n))
      (then (call $spin))
      (else (call $rec (i32.sub (local.get $n) (i32.const 1))))))
  (func $spin
    (loop $l
      (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (i32.const 1)))
      (br $l))))
)";

/// kDeepSpinner's "deep" in {store}; an invalid handle (and a failed test) if that fails.
Func deep_spinner(Store& store) {
  std::optional<Module> module = compile(kDeepSpinner);
  if (!module) return {};
  auto instance = store.instantiate(*module);
  EXPECT_TRUE(instance.ok());
  return instance.ok() ? instance->func("deep") : Func();
}

TEST(ThreadDump, DeepStackTextShowsBothEndsJsonHasEveryFrame) {
  Store store;
  const Func deep = deep_spinner(store);
  ASSERT_TRUE(deep.valid());
  GuestCall call(store, deep);
  ASSERT_TRUE(wait_until_innermost(store.thread(), 2));
  const NamedThread threads[] = {{store.thread(), "main"}};
  const std::string text = thread_dump(threads);
  const std::vector<std::string> frames = frame_lines(text);
  ASSERT_EQ(frames.size(), 48u + 16u) << text.substr(0, 2000);
  EXPECT_TRUE(has_line(text, "^    \\.\\.\\. 939 frames omitted \\.\\.\\.$"));  // 1003 - 64
  EXPECT_EQ(frames[0].rfind("    at deep!spin+0x", 0), 0u) << frames[0];
  for (size_t i = 1; i < frames.size() - 1; ++i) {
    EXPECT_EQ(frames[i].rfind("    at deep!rec+0x", 0), 0u) << i << ": " << frames[i];
  }
  EXPECT_EQ(frames.back().rfind("    at deep!deep+0x", 0), 0u) << frames.back();
  // The omission line sits between the innermost 48 and the outermost 16.
  const size_t omitted = text.find("frames omitted");
  EXPECT_LT(text.find(frames[47]), omitted);
  EXPECT_GT(text.rfind(frames[48]), omitted);

  DumpOptions options;
  options.format = ReportFormat::kJson;
  const auto doc = nlohmann::json::parse(thread_dump(threads, options), nullptr, false);
  ASSERT_FALSE(doc.is_discarded());
  const auto& t = doc["threads"][0];
  EXPECT_EQ(t["depth"], 1003);
  EXPECT_EQ(t["truncated"], false);
  ASSERT_EQ(t["frames"].size(), 1003u);
  EXPECT_EQ(t["frames"][0]["function"], "spin");
  EXPECT_EQ(t["frames"][500]["function"], "rec");
  EXPECT_EQ(t["frames"][1002]["function"], "deep");
}

TEST(ThreadDump, IdleThreadAndInvalidHandle) {
  Store store;
  const NamedThread threads[] = {{store.thread(), "idle one"}, {Thread(), "nobody"}};
  const std::string text = thread_dump(threads);
  EXPECT_TRUE(has_line(text, "^\"idle one\" #[0-9]+ idle for [0-9.]+s \\(stack by idle\\)$"))
      << text;
  EXPECT_EQ(text.find("nobody"), std::string::npos) << text;
  EXPECT_TRUE(frame_lines(text).empty());
}

/// Collects a watchdog's reports.
struct Reports {
  std::mutex mu;
  std::vector<std::string> texts;
  std::function<void(const std::string&)> sink() {
    return [this](const std::string& r) {
      std::lock_guard<std::mutex> lock(mu);
      texts.push_back(r);
    };
  }
  std::vector<std::string> get() {
    std::lock_guard<std::mutex> lock(mu);
    return texts;
  }
};

TEST(WatchdogApi, InterruptsAHungCallAfterReportingIt) {
  std::optional<Module> module = load_dump_guest();
  ASSERT_TRUE(module);
  Store store;
  auto instance = store.instantiate(*module);
  ASSERT_TRUE(instance.ok());
  Reports reports;
  WatchdogOptions options;
  options.deadline = 200ms;
  options.policy = HangPolicy::kInterrupt;
  options.thread_name = "guest";
  options.on_report = reports.sink();
  Watchdog watchdog(store.thread(), options);
  const CallResult r = instance->func("run").call({});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.trap().message, "interrupted");
  EXPECT_EQ(watchdog.reports(), 1u);
  const std::vector<std::string> texts = reports.get();
  ASSERT_EQ(texts.size(), 1u);
  EXPECT_TRUE(has_line(texts[0], "^wasmscope hang report #1: thread \"guest\" has been in one "
                                 "call for [0-9.]+s \\(deadline 0\\.200s\\)$"))
      << texts[0];
  EXPECT_TRUE(has_line(texts[0], "^    at middle\\+0x[0-9a-f]+ \\(.*dump_guest\\.c:10\\)$"))
      << texts[0];
  // The store goes on: the next call is watched afresh and interrupted again.
  const CallResult again = instance->func("run").call({});
  EXPECT_FALSE(again.ok());
  EXPECT_EQ(watchdog.reports(), 2u);
}

TEST(WatchdogApi, ReportsAgainInJsonAndSaysTheStackHasNotMoved) {
  Store store;
  const Func deep = deep_spinner(store);
  ASSERT_TRUE(deep.valid());
  Reports reports;
  WatchdogOptions options;
  options.deadline = 100ms;
  options.format = ReportFormat::kJson;
  options.on_report = reports.sink();
  Watchdog watchdog(store.thread(), options);
  GuestCall call(store, deep);
  const auto give_up = Clock::now() + 30s;
  while (watchdog.reports() < 2 && Clock::now() < give_up) std::this_thread::sleep_for(10ms);
  ASSERT_GE(watchdog.reports(), 2u);
  EXPECT_FALSE(call.wait_for(0s)) << "the report policy must let the call run on";
  const std::vector<std::string> texts = reports.get();
  ASSERT_GE(texts.size(), 2u);
  const auto first = nlohmann::json::parse(texts[0], nullptr, false);
  const auto second = nlohmann::json::parse(texts[1], nullptr, false);
  ASSERT_FALSE(first.is_discarded()) << texts[0];
  ASSERT_FALSE(second.is_discarded()) << texts[1];
  EXPECT_EQ(first["kind"], "hang_report");
  EXPECT_EQ(first["threads"][0]["depth"], 1003);
  EXPECT_EQ(first["threads"][0]["frames"][0]["function"], "spin");
  EXPECT_NE(first["title"].get<std::string>().find("report #1"), std::string::npos);
  // The same loop, caught at a loop-header safepoint or at any instruction by the signal:
  // the innermost offset may differ, so "moved" is decided on function and offset.
  const std::string title2 = second["title"].get<std::string>();
  EXPECT_NE(title2.find("report #2"), std::string::npos) << title2;
  EXPECT_TRUE(title2.find("the stack has not moved") != std::string::npos ||
              title2.find("the stack moved") != std::string::npos)
      << title2;
  // Reported at 1x and 2x the deadline after the call began, not before.
  EXPECT_GE(second["threads"][0]["seconds_in_call"].get<double>(), 0.2);
}

TEST(WatchdogApi, ABlockingHostCallIsReportedAndTheCallCompletes) {
  Store store;
  Func block = store.define_func(
      FuncType{{}, {}},
      [](std::span<const Value>, std::span<Value>) {
        std::this_thread::sleep_for(700ms);
        return std::optional<std::string>();
      },
      "env.block");
  std::optional<Module> module = compile(R"((module
    (import "env" "block" (func $block))
    (func $waits (export "waits") (call $block))))");
  ASSERT_TRUE(module);
  auto instance = store.instantiate(*module, {Extern(block)});
  ASSERT_TRUE(instance.ok()) << instance.error().to_string();
  Reports reports;
  WatchdogOptions options;
  options.deadline = 150ms;
  options.on_report = reports.sink();
  Watchdog watchdog(store.thread(), options);
  const CallResult r = instance->func("waits").call({});
  EXPECT_TRUE(r.ok());
  const std::vector<std::string> texts = reports.get();
  ASSERT_GE(texts.size(), 1u);
  EXPECT_TRUE(has_line(texts[0], "^\"main\" #[0-9]+ in_host for ")) << texts[0];
  EXPECT_TRUE(has_line(texts[0], "^    - in a host call$")) << texts[0];
  EXPECT_TRUE(has_line(texts[0], "^    at waits\\+0x[0-9a-f]+$")) << texts[0];
}

TEST(WatchdogApi, InvalidHandleWatchesNothing) {
  WatchdogOptions options;
  options.deadline = 1ms;
  Watchdog watchdog(Thread(), options);
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(watchdog.reports(), 0u);
}

// Two host threads each wait on a shared-memory word nobody will notify: a deadlock of the
// store's program. The store watchdog reports it once, naming both waits, and interrupts both.
constexpr const char* kWaiters = R"((module
  (memory (export "mem") 1 1 shared)
  (func $park (param $addr i32) (param $timeout i64) (result i32)
    (memory.atomic.wait32 (local.get $addr) (i32.const 0) (local.get $timeout)))
  (func (export "wait_forever") (param $addr i32) (result i32)
    (call $park (local.get $addr) (i64.const -1)))
  (func (export "wait_a_while") (param $addr i32) (result i32)
    (call $park (local.get $addr) (i64.const 300000000))))
)";

/// A store watchdog's options for the deadlock tests: no hang report within a test's time
/// (an hour's deadline), interrupt, reports to {reports}.
WatchdogOptions deadlock_watch_options(Reports& reports) {
  WatchdogOptions options;
  options.deadline = std::chrono::hours(1);
  options.policy = HangPolicy::kInterrupt;
  options.on_report = reports.sink();
  return options;
}

TEST(WatchdogApi, StoreWatchdogReportsADeadlockOfEveryThreadAndInterruptsThem) {
  auto module = Module::compile_text(kWaiters);
  ASSERT_TRUE(module.ok()) << module.error().to_string();
  Store store;
  auto instance = store.instantiate(*module);
  ASSERT_TRUE(instance.ok());
  Reports reports;
  WatchdogOptions options = deadlock_watch_options(reports);
  options.format = ReportFormat::kJson;
  Watchdog watchdog(store, options, 200ms);
  CallResult first(std::vector<Value>{}), second(std::vector<Value>{});
  std::thread a([&] { first = instance->func("wait_forever").call({Value::i32(64)}); });
  std::thread b([&] { second = instance->func("wait_forever").call({Value::i32(128)}); });
  a.join();
  b.join();
  ASSERT_FALSE(first.ok());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(first.trap().message, "interrupted");
  EXPECT_EQ(second.trap().message, "interrupted");
  EXPECT_EQ(watchdog.deadlock_reports(), 1u);
  EXPECT_EQ(watchdog.reports(), 0u);
  const std::vector<std::string> texts = reports.get();
  ASSERT_EQ(texts.size(), 1u);
  const nlohmann::json report = nlohmann::json::parse(texts[0]);
  EXPECT_EQ(report["kind"], "deadlock");
  ASSERT_EQ(report["threads"].size(), 2u) << texts[0];
  std::vector<uint64_t> addresses;
  for (const auto& t : report["threads"]) {
    EXPECT_EQ(t["state"], "waiting");
    EXPECT_TRUE(t["wait"]["timeout_s"].is_null());
    addresses.push_back(t["wait"]["address"].get<uint64_t>());
  }
  std::sort(addresses.begin(), addresses.end());
  EXPECT_EQ(addresses, (std::vector<uint64_t>{64, 128}));
}

TEST(WatchdogApi, StoreWatchdogCallsNoWaitWithATimeoutADeadlock) {
  auto module = Module::compile_text(kWaiters);
  ASSERT_TRUE(module.ok()) << module.error().to_string();
  Store store;
  auto instance = store.instantiate(*module);
  ASSERT_TRUE(instance.ok());
  Reports reports;
  // A grace far shorter than the timed waits.
  Watchdog watchdog(store, deadlock_watch_options(reports), 20ms);
  // Two threads each wait 300 ms with a timeout, three times in a row: never a deadlock.
  auto waits = [&] {
    for (int i = 0; i < 3; ++i) {
      const CallResult r = instance->func("wait_a_while").call({Value::i32(64)});
      EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.trap().message);
      if (r.ok()) {
        EXPECT_EQ(r.values()[0].i32(), 2);  // timed out
      }
    }
  };
  std::thread a(waits), b(waits);
  a.join();
  b.join();
  EXPECT_EQ(watchdog.deadlock_reports(), 0u);
  EXPECT_TRUE(reports.get().empty());
}

/// The whole of the file at {path}.
std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(ProfilerApi, SamplesASpinningGuestAndWritesEachFormat) {
  SpinningDumpGuest g;
  ASSERT_TRUE(g.ok);
  Profiler profiler(g.store, ProfilerOptions{500, ProfileClock::kCpu});
  EXPECT_FALSE(profiler.write(::testing::TempDir() + "early.folded").ok());  // nothing yet
  ASSERT_TRUE(profiler.start().ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  profiler.stop();
  EXPECT_GT(profiler.samples(), 20u);  // ~200 at 500 Hz for 0.4 s of a spinning thread
  EXPECT_EQ(profiler.lost(), 0u);

  const std::string folded = ::testing::TempDir() + "profiler_api.folded";
  ASSERT_TRUE(profiler.write(folded).ok());
  const std::string text = read_text(folded);
  // Every sample is in spin_here, called by middle, called by run: one stack, on "main".
  EXPECT_TRUE(has_line(text, "^main;run;middle;spin_here [0-9]+$")) << text;

  // The speedscope file names spin_here's source line: the loop on line 7 of dump_guest.c.
  const std::string speedscope = ::testing::TempDir() + "profiler_api.speedscope.json";
  ASSERT_TRUE(profiler.write(speedscope).ok());
  const nlohmann::json json = nlohmann::json::parse(read_text(speedscope), nullptr, false);
  ASSERT_FALSE(json.is_discarded());
  bool found = false;
  for (const auto& frame : json["shared"]["frames"]) {
    if (frame.value("name", "") == "spin_here") {
      found = true;
      EXPECT_NE(frame.value("file", "").find("dump_guest.c"), std::string::npos) << frame;
      EXPECT_EQ(frame.value("line", 0), 7) << frame;
    }
  }
  EXPECT_TRUE(found) << json.dump();

  EXPECT_FALSE(profiler.write(::testing::TempDir() + "profile.txt").ok());  // unknown format
  EXPECT_FALSE(Profiler(g.store, ProfilerOptions{0, ProfileClock::kWall}).start().ok());
}

}  // namespace
}  // namespace wasmscope
