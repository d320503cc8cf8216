// Latency of live stack capture, suspend and terminate (bench/capture.sh; bench/README.md).
//
// A guest thread recurses until it is --depth guest frames deep, then either spins in a loop
// (running guest code, reaching a safepoint at every back-edge) or calls a host function that
// sleeps (state in_host). The main thread acts on it through the public Thread API and times
// each call with the steady clock. Prints a markdown table of median, p99 and max in
// microseconds. These are measurements, not tests: nothing here fails on a slow figure.
//
//   latency [--tier interp|compiled] [--depth 100] [--captures 10000] [--cycles 200]
//           [--terminates 100]
//
// With --tier compiled the guest runs as LLVM-compiled code, which has no safepoints: captures
// always take the signal path (the safepoint row is left out) and suspend parks in the
// signal's handler.
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "stats.h"
#include "wasmscope/wasmscope.hh"

namespace wasmscope_bench {

Series measure_wasi_terminate(int runs, int depth, bool compiled);  // wasi_terminate.cc

namespace {

using namespace wasmscope;  // NOLINT
using namespace std::chrono_literals;

// rec(n, leaf): n frames of $rec, then the innermost calls the leaf, which is one more frame:
// $spin (leaf 0; a counter in memory, incremented forever) or $block (leaf 1; calls the host's
// env.sleep, which sleeps 1 s, forever).
constexpr const char* kGuest = R"((module $bench
  (import "env" "sleep" (func $sleep))
  (memory (export "mem") 1)
  (func $spin
    (loop $l
      (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (i32.const 1)))
      (br $l)))
  (func $block (loop $l (call $sleep) (br $l)))
  (func $rec (export "rec") (param $n i32) (param $leaf i32)
    (if (i32.gt_u (local.get $n) (i32.const 1))
      (then (call $rec (i32.sub (local.get $n) (i32.const 1)) (local.get $leaf)) (return)))
    (if (local.get $leaf) (then (call $block)) (else (call $spin)))))
)";

struct Options {
  int depth = 100;
  int captures = 10000;
  int cycles = 200;
  int terminates = 100;
  bool compiled = false;
};

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "latency: %s\n", what.c_str());
  std::exit(1);
}

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  if (!(in >> a >> b >> c)) return "?";
  return a + " " + b + " " + c;
}

/// The guest instance and a thread running it. {start} calls rec(depth - 1, leaf) on a new
/// thread; {stop} terminates it and joins.
class Guest {
 public:
  Guest(int depth, const Config& config) : depth_(depth), store_(config) {
    auto module = Module::compile_text(kGuest, config);
    if (!module.ok()) die("compile: " + module.error().to_string());
    Func sleep = store_.define_func(
        FuncType{{}, {}},
        [](std::span<const Value>, std::span<Value>) -> std::optional<std::string> {
          std::this_thread::sleep_for(1s);
          return std::nullopt;
        },
        "env.sleep");
    auto instance = store_.instantiate(*module, {{"env", "sleep", Extern(sleep)}});
    if (!instance.ok()) die("instantiate: " + instance.error().to_string());
    instance_ = *instance;
    rec_ = instance_.func("rec");
    thread_ = store_.thread();
  }

  Thread thread() const { return thread_; }
  int depth() const { return depth_; }

  /// Starts the guest with leaf 0 (spin) or 1 (host sleep) and waits until it is there: for a
  /// spin, until a capture sees all frames; for a sleep, until the state is in_host.
  void start(int leaf) {
    returned_ = {};
    trap_.clear();
    runner_ = std::thread([this, leaf] {
      CallResult r = rec_.call({Value::i32(depth_ - 1), Value::i32(leaf)});
      returned_ = Clock::now();
      trap_ = r.ok() ? "(returned)" : r.trap().message;
    });
    const auto give_up = Clock::now() + 10s;
    for (;;) {
      if (Clock::now() > give_up) die("the guest did not reach its leaf in 10 s");
      if (leaf == 1) {
        if (thread_.state() == ThreadState::kInHost) return;
      } else if (thread_.state() == ThreadState::kRunningWasm) {
        auto c = thread_.capture(4096, 1s, false);
        if (c.ok() && c->depth == static_cast<uint32_t>(depth_)) return;
      }
      std::this_thread::sleep_for(200us);
    }
  }

  /// Terminates the running guest; returns the time from the request to the call's return
  /// on the guest thread, in microseconds, or nullopt when the trap was not "interrupted".
  std::optional<double> stop() {
    const Clock::time_point t0 = Clock::now();
    thread_.terminate();
    runner_.join();
    if (trap_ != "interrupted") {
      std::fprintf(stderr, "terminate: the call ended with '%s'\n", trap_.c_str());
      return std::nullopt;
    }
    return micros(t0, returned_);
  }

 private:
  int depth_;
  Store store_;
  Instance instance_;
  Func rec_;
  Thread thread_;
  std::thread runner_;
  Clock::time_point returned_;
  std::string trap_;
};

/// Back-to-back captures of the spinning guest; each checks it got every frame by the
/// expected method.
Series measure_captures(Guest& g, bool use_signal, int count) {
  Series s;
  s.name = std::string("capture, running, ") + (use_signal ? "signal" : "safepoint") + " path";
  s.goal = "p99 <= 100 us";
  s.note = std::string("Thread::capture(4096, 1 s, use_signal=") +
           (use_signal ? "true" : "false") + ") of the spinning guest, back to back, " +
           "including its copy, per-frame code offsets and the result vector; a failure is a "
           "timeout, a wrong method or not all " + std::to_string(g.depth()) + " frames";
  const Thread t = g.thread();
  const CaptureMethod want = use_signal ? CaptureMethod::kSignal : CaptureMethod::kSafepoint;
  for (int i = 0; i < count / 100 + 10; ++i) (void)t.capture(4096, 1s, use_signal);  // warm up
  s.samples.reserve(count);
  for (int i = 0; i < count; ++i) {
    const Clock::time_point t0 = Clock::now();
    const Result<StackCapture> c = t.capture(4096, 1s, use_signal);
    const Clock::time_point t1 = Clock::now();
    if (c.ok() && c->method == want && c->depth == static_cast<uint32_t>(g.depth()) &&
        c->frames.size() == c->depth) {
      s.samples.push_back(micros(t0, t1));
    } else {
      ++s.failures;
    }
  }
  return s;
}

/// Captures of the guest while it is in the host sleep: read directly, no signal.
Series measure_in_host_captures(Guest& g, int count) {
  Series s;
  s.name = "capture, in host call (direct read)";
  s.note = "Thread::capture of the guest blocked in env.sleep: frames read without signalling";
  const Thread t = g.thread();
  for (int i = 0; i < count; ++i) {
    const Clock::time_point t0 = Clock::now();
    const Result<StackCapture> c = t.capture(4096, 1s, true);
    const Clock::time_point t1 = Clock::now();
    // Between two 1 s host sleeps the guest briefly runs; such a capture is not in_host.
    if (c.ok() && c->method == CaptureMethod::kInHost) {
      s.samples.push_back(micros(t0, t1));
    } else {
      ++s.failures;
    }
  }
  return s;
}

/// Suspend/resume cycles: the time suspend() takes to return; 1 ms of running between cycles.
Series measure_suspends(Guest& g, bool spinning, int cycles) {
  Series s;
  s.name = spinning ? "suspend, running (spinning)" : "suspend, in host call (sleeping)";
  s.goal = "<= 10 ms";
  s.note = spinning ? "Thread::suspend until it returned, the guest then parked at a safepoint; "
                      "resume and 1 ms of running between cycles"
                    : "Thread::suspend until it returned, the guest then held inside env.sleep "
                      "(std::this_thread::sleep_for(1 s)); resume and 1 ms between cycles";
  const Thread t = g.thread();
  for (int i = 0; i < cycles; ++i) {
    const Clock::time_point t0 = Clock::now();
    const Result<void> r = t.suspend(1s);
    const Clock::time_point t1 = Clock::now();
    const ThreadState state = t.state();
    const bool valid = r.ok() && (spinning ? state == ThreadState::kParked
                                           : state == ThreadState::kInHost ||
                                                 state == ThreadState::kParked);
    if (valid) {
      s.samples.push_back(micros(t0, t1));
    } else {
      ++s.failures;
    }
    if (r.ok()) t.resume();
    std::this_thread::sleep_for(1ms);
  }
  return s;
}

/// The floor under any signal-path capture on this machine: a spinning thread signalled with
/// pthread_kill, whose handler posts a semaphore the sender waits on. Nothing of wasmscope's.
sem_t g_round_trip_done;
std::atomic<bool> g_round_trip_stop{false};
void round_trip_handler(int) { sem_post(&g_round_trip_done); }

Series measure_signal_round_trip(int count) {
  Series s;
  s.name = "baseline: bare signal round trip";
  s.note = "pthread_kill of a spinning thread whose handler (SIGUSR2) posts a semaphore the "
           "sender waits on: what any signal-path capture pays on this machine before it "
           "reads a frame";
  sem_init(&g_round_trip_done, 0, 0);
  struct sigaction sa = {};
  sa.sa_handler = round_trip_handler;
  sigemptyset(&sa.sa_mask);
  struct sigaction old = {};
  sigaction(SIGUSR2, &sa, &old);
  g_round_trip_stop = false;
  std::thread spinner([] {
    while (!g_round_trip_stop.load(std::memory_order_relaxed)) {
    }
  });
  std::this_thread::sleep_for(10ms);
  const pthread_t target = spinner.native_handle();
  for (int i = 0; i < count; ++i) {
    const Clock::time_point t0 = Clock::now();
    pthread_kill(target, SIGUSR2);
    while (sem_wait(&g_round_trip_done) != 0) {
    }
    s.samples.push_back(micros(t0, Clock::now()));
  }
  g_round_trip_stop = true;
  spinner.join();
  sigaction(SIGUSR2, &old, nullptr);
  sem_destroy(&g_round_trip_done);
  return s;
}

std::string fmt_us(double v) {
  if (std::isnan(v)) return "n/a";
  char buf[32];
  if (v < 100) std::snprintf(buf, sizeof buf, "%.1f", v);
  else std::snprintf(buf, sizeof buf, "%.0f", v);
  return buf;
}

void print_table(const std::vector<Series>& rows) {
  std::vector<std::vector<std::string>> cells;
  cells.push_back({"measurement", "n", "median us", "p99 us", "max us", "failed", "goal"});
  for (const Series& s : rows) {
    const Summary sum = summarize(s.samples);
    cells.push_back({s.name, std::to_string(sum.n), fmt_us(sum.median), fmt_us(sum.p99),
                     fmt_us(sum.max), std::to_string(s.failures), s.goal});
  }
  std::vector<size_t> width(cells[0].size(), 0);
  for (const auto& row : cells) {
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  for (size_t r = 0; r < cells.size(); ++r) {
    std::string line = "|";
    for (size_t i = 0; i < cells[r].size(); ++i) {
      const std::string& c = cells[r][i];
      const std::string pad(width[i] - c.size(), ' ');
      line += " " + (i == 0 || i == cells[r].size() - 1 ? c + pad : pad + c) + " |";
    }
    std::printf("%s\n", line.c_str());
    if (r == 0) {
      line = "|";
      for (size_t i = 0; i < width.size(); ++i) {
        const bool left = i == 0 || i == width.size() - 1;
        line += " " + (left ? std::string(width[i], '-') : std::string(width[i] - 1, '-') + ":") +
                " |";
      }
      std::printf("%s\n", line.c_str());
    }
  }
  std::printf("\n");
  for (const Series& s : rows) std::printf("- %s: %s.\n", s.name.c_str(), s.note.c_str());
}

int positive(const char* flag, const char* value) {
  if (value == nullptr) die(std::string(flag) + " needs a value");
  const int v = std::atoi(value);
  if (v <= 0) die(std::string(flag) + " needs a positive integer");
  return v;
}

}  // namespace
}  // namespace wasmscope_bench

int main(int argc, char** argv) {
  using namespace wasmscope_bench;  // NOLINT
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const char* v = i + 1 < argc ? argv[i + 1] : nullptr;
    if (a == "--depth") o.depth = positive("--depth", v), ++i;
    else if (a == "--captures") o.captures = positive("--captures", v), ++i;
    else if (a == "--cycles") o.cycles = positive("--cycles", v), ++i;
    else if (a == "--terminates") o.terminates = positive("--terminates", v), ++i;
    else if (a == "--tier" && v != nullptr && (std::strcmp(v, "interp") == 0 ||
                                               std::strcmp(v, "compiled") == 0)) {
      o.compiled = std::strcmp(v, "compiled") == 0;
      ++i;
    } else {
      die("unknown argument '" + a +
          "' (--tier interp|compiled, --depth, --captures, --cycles, --terminates)");
    }
  }
  if (o.depth < 2) die("--depth must be at least 2");

  const std::string load_before = load_average();
  std::vector<Series> rows;
  Config config;
  config.tier = o.compiled ? Tier::kCompiled : Tier::kInterpreter;
  Guest g(o.depth, config);

  std::fprintf(stderr, "bare signal round trips ...\n");
  rows.push_back(measure_signal_round_trip(o.captures));
  std::fprintf(stderr, "captures of a running guest %d frames deep ...\n", o.depth);
  g.start(0);
  rows.push_back(measure_captures(g, true, o.captures));
  if (!o.compiled) rows.push_back(measure_captures(g, false, o.captures));
  std::fprintf(stderr, "suspend/resume of the running guest ...\n");
  rows.push_back(measure_suspends(g, true, o.cycles));
  if (!g.stop()) die("the spinning guest did not stop with 'interrupted'");

  std::fprintf(stderr, "the guest in a host sleep ...\n");
  g.start(1);
  rows.push_back(measure_suspends(g, false, o.cycles));
  rows.push_back(measure_in_host_captures(g, o.cycles));
  // Terminate cannot wake sleep_for: this returns once the current 1 s sleep is over.
  if (!g.stop()) die("the sleeping guest did not stop with 'interrupted'");

  std::fprintf(stderr, "terminate of a running guest, %d times ...\n", o.terminates);
  Series term;
  term.name = "terminate, running (spinning)";
  term.note = "time from Thread::terminate until the guest call returned on its own thread with "
              "the \"interrupted\" trap (a new call each time, started and checked " +
              std::to_string(o.depth) + " frames deep first)";
  for (int i = 0; i < o.terminates; ++i) {
    g.start(0);
    if (auto us = g.stop()) term.samples.push_back(*us);
    else ++term.failures;
  }
  rows.push_back(term);

  std::fprintf(stderr, "terminate of a guest blocked in WASI poll_oneoff, %d times ...\n",
               o.terminates);
  rows.push_back(measure_wasi_terminate(o.terminates, o.depth, o.compiled));

  std::printf("%s tier. Guest %d frames deep; %d captures per path, %d suspend cycles, %d terminates "
              "per case. Load average before: %s, after: %s (%u CPUs).\n\n",
              o.compiled ? "Compiled" : "Interpreter", o.depth, o.captures, o.cycles, o.terminates, load_before.c_str(),
              load_average().c_str(), std::thread::hardware_concurrency());
  print_table(rows);
  return 0;
}
