// libFuzzer target: any bytes that decode and validate are instantiated and every exported
// function is called with zero arguments, in the interpreter, once with guard pages and once with
// explicit bounds checks, in stores with small limits. Imports are satisfied with stand-ins of
// the declared types (functions return zeros). The oracle: both bounds modes must end every
// call the same way (the same results, or the same trap), and nothing may crash, report to a
// sanitizer or run away: each call is terminated after 50 ms and counts as "interrupted", after
// which that input's comparison stops (timing is not deterministic).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/context.h"
#include "runtime/store.h"

namespace {

using namespace wasmscope;
using namespace wasmscope::internal;

constexpr size_t kMaxExports = 16;
constexpr auto kCallBudget = std::chrono::milliseconds(50);

/// What one call did: its trap (with message) or its result slots.
struct Ending {
  Trap trap = Trap::kNone;
  std::string message;
  std::vector<Slot> results;
  bool operator==(const Ending&) const = default;
};

Trap return_zeros(HostCall& call) {
  (void)call;  // results arrive zeroed: the stand-in has nothing to say
  return Trap::kNone;
}

/// Requests termination of the call running on {ctx} if it outlasts the budget.
class CallTimer {
 public:
  explicit CallTimer(ExecContext* ctx)
      : thread_([this, ctx] {
          std::unique_lock<std::mutex> lock(mutex_);
          if (!wake_.wait_for(lock, kCallBudget, [this] { return done_; })) request_terminate(ctx);
        }) {}
  ~CallTimer() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      done_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  bool done_ = false;
  std::thread thread_;
};

/// Runs every exported function of {bytes} in a fresh store of {bounds}; empty when the module
/// does not compile (not an error: most inputs do not).
std::vector<Ending> run_all(const std::vector<uint8_t>& bytes, BoundsChecks bounds, bool* ok) {
  std::vector<Ending> endings;
  StoreConfig config;
  config.bounds = bounds;
  config.store_limits.max_memory_bytes = 16u << 20;
  config.store_limits.max_table_elements = 100'000;
  config.store_limits.max_instances = 2;
  config.limits.max_frames = 2000;
  auto compiled = compile_module(bytes, config);
  *ok = compiled.ok();
  if (!compiled.ok()) return endings;
  Store store(config);
  const Module& m = (*compiled)->module;
  std::vector<Extern> imports;
  for (const Import& im : m.imports) {
    switch (im.kind) {
      case ExternKind::kFunc:
        imports.push_back(Extern::func(
            store.create_host_func(m.types[im.func_type], return_zeros, nullptr, "stand-in")));
        break;
      case ExternKind::kTable:
        imports.push_back(Extern::table(store.create_table(im.table, 0)));
        break;
      case ExternKind::kMemory: {
        auto memory = store.create_memory(im.memory);
        if (!memory.ok()) return endings;  // above the limit: nothing to run
        imports.push_back(Extern::memory(*memory));
        break;
      }
      case ExternKind::kGlobal:
        imports.push_back(Extern::global(store.create_global(im.global, 0, 0)));
        break;
      case ExternKind::kTag:
        imports.push_back(Extern::tag(store.create_tag(m.types[im.tag_type])));
        break;
    }
  }
  TrapInfo trap;
  auto instance = store.instantiate(*compiled, imports, &trap);
  if (!instance.ok()) {
    endings.push_back({Trap::kHostTrap, instance.error().message, {}});
    return endings;
  }
  size_t calls = 0;
  for (const auto& [name, value] : (*instance)->exports) {
    const Func* f = value.as_func();
    if (f == nullptr) continue;
    if (++calls > kMaxExports) break;
    std::vector<Slot> slots(f->arg_slots + 2, 0);
    InvokeOutcome outcome;
    {
      CallTimer timer(&store.context());
      outcome = store.call(f, slots.data());
    }
    Ending e{outcome.trap, outcome.message, {}};
    if (outcome.trap == Trap::kNone) {
      slots.resize(call_slots(*f->type));
      e.results = std::move(slots);
    }
    endings.push_back(std::move(e));
    if (outcome.trap == Trap::kInterrupted) break;  // a timed-out call ends the comparison
  }
  return endings;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::vector<uint8_t> bytes(data, data + size);
  bool guard_ok = false, explicit_ok = false;
  std::vector<Ending> guard = run_all(bytes, BoundsChecks::kGuardPages, &guard_ok);
  std::vector<Ending> checked = run_all(bytes, BoundsChecks::kExplicit, &explicit_ok);
  if (guard_ok != explicit_ok) {
    std::fprintf(stderr, "exec_fuzz: the module compiles in one bounds mode only\n");
    std::abort();
  }
  // Compare up to the first interrupted call in either mode.
  const size_t n = std::min(guard.size(), checked.size());
  for (size_t i = 0; i < n; ++i) {
    if (guard[i].trap == Trap::kInterrupted || checked[i].trap == Trap::kInterrupted) return 0;
    if (!(guard[i] == checked[i])) {
      std::fprintf(stderr, "exec_fuzz: call %zu differs: guard pages '%s', explicit '%s'\n", i,
                   guard[i].message.c_str(), checked[i].message.c_str());
      std::abort();
    }
  }
  if (guard.size() != checked.size()) {
    std::fprintf(stderr, "exec_fuzz: %zu calls with guard pages, %zu with explicit checks\n",
                 guard.size(), checked.size());
    std::abort();
  }
  return 0;
}
