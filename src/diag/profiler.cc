#include "diag/profiler.h"

#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <optional>

#include "base/platform/thread_signals.h"
#include "engine/compiled.h"
#include "engine/instance_data.h"
#include "stack/capture.h"
#include "stack/symbolizer.h"

namespace wasmscope::internal::diag {

namespace {

/// Frames a sample keeps: the innermost ones of deeper stacks.
constexpr uint32_t kSampleFrames = 128;
/// Samples a thread's ring holds between two drains (every 10 ms: room for 12.8 kHz).
constexpr uint32_t kRingSamples = 128;
/// How often the collector drains the rings and looks for new threads.
constexpr uint64_t kCollectIntervalNs = 10'000'000;

/// Slots the timers' signals can name; a signal carries {kSignalTag | index}.
constexpr uint32_t kMaxSlots = 4096;
constexpr int kSignalTag = 0x5a000000;
constexpr int kSignalTagMask = static_cast<int>(0xff000000u);
constexpr int kProfileSignal = SIGPROF;

uint64_t now_ns(clockid_t clock) {
  timespec t = {};
  clock_gettime(clock, &t);
  return static_cast<uint64_t>(t.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(t.tv_nsec);
}

/// The CPU-time clock of kernel thread {tid} (what pthread_getcpuclockid computes, without
/// needing the thread's pthread_t to be alive).
clockid_t thread_cpu_clock(pid_t tid) {
  return static_cast<clockid_t>((~static_cast<unsigned>(tid) << 3) | 6u);
}

}  // namespace

/// One sampled thread: its ring, written by its own signal handler (CPU mode) and read by the
/// collector.
struct Profiler::Slot {
  struct Sample {
    uint32_t depth = 0;  ///< The thread's full depth.
    uint32_t count = 0;  ///< Records copied (the innermost {count} of {depth}).
    ThreadState state = ThreadState::kIdle;
    const Func* host = nullptr;  ///< The host function called, in kInHost.
    /// Periods the sample stands for: 1 plus the timer's overruns. CPU-time timers fire on
    /// the scheduler's tick (every 4 ms at HZ=250), so at higher rates one signal arrives
    /// for several periods; weighting keeps the counts per CPU time, the rate's promise.
    uint32_t weight = 1;
    FrameRecord frames[kSampleFrames];
  };

  ExecContext* ctx = nullptr;
  uint32_t index = kMaxSlots;  ///< In the signal table; kMaxSlots: none (wall mode).
  size_t thread = 0;           ///< Index in {Profile::threads}.
  pid_t tid = 0;               ///< The thread its timer runs on; 0: no timer.
  timer_t timer{};
  uint64_t cpu_start_ns = 0;
  bool seen = true;  ///< Listed at the last refresh.
  std::atomic<uint64_t> head{0};  ///< Written by the handler.
  std::atomic<uint64_t> tail{0};  ///< Written by the collector.
  std::atomic<uint64_t> lost{0};
  std::unique_ptr<Sample[]> ring;
};

namespace {

// The signal table: slots by index, and per index the number of handlers running on it, so
// that a slot is freed only once no handler can still be reading it. Static storage: the
// counters outlive every profiler.
std::atomic<Profiler::Slot*> g_slots[kMaxSlots];
std::atomic<uint32_t> g_busy[kMaxSlots];
std::mutex g_slots_mutex;  // allocation of indices

/// Runs on the sampled thread, interrupting it wherever it is.
// async-signal-safe
void take_sample(Profiler::Slot* slot, uint32_t weight, const void* ucontext) {
  ExecContext* ctx = slot->ctx;
  if (current_context() != ctx) return;  // the thread is outside the program's calls
  const uint64_t head = slot->head.load(std::memory_order_relaxed);
  const uint64_t tail = slot->tail.load(std::memory_order_acquire);
  if (head - tail >= kRingSamples) {
    slot->lost.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  Profiler::Slot::Sample& s = slot->ring[head % kRingSamples];
  s.state = static_cast<ThreadState>(ctx->state_word.load(std::memory_order_relaxed) & kStateMask);
  s.host = s.state == ThreadState::kInHost ? ctx->host_func.load(std::memory_order_relaxed)
                                           : nullptr;
  s.count = copy_own_records(ctx, s.frames, kSampleFrames, &s.depth, ucontext);
  s.weight = weight;
  slot->head.store(head + 1, std::memory_order_release);
}

// async-signal-safe
bool on_profile_signal(int, siginfo_t* info, void* ucontext) {
  if (info->si_code != SI_TIMER) return false;
  const int value = info->si_value.sival_int;
  if ((value & kSignalTagMask) != kSignalTag) return false;
  const uint32_t index = static_cast<uint32_t>(value & ~kSignalTagMask);
  if (index >= kMaxSlots) return false;
  const int saved_errno = errno;
  g_busy[index].fetch_add(1, std::memory_order_seq_cst);
  Profiler::Slot* slot = g_slots[index].load(std::memory_order_seq_cst);
  if (slot != nullptr) {
    const int overrun = info->si_overrun;
    take_sample(slot, overrun > 0 ? 1u + static_cast<uint32_t>(overrun) : 1u, ucontext);
  }
  g_busy[index].fetch_sub(1, std::memory_order_release);
  errno = saved_errno;
  return true;  // ours, even when its slot is gone (a timer's last signal)
}

/// A free index of the signal table for {slot}, or kMaxSlots when all are taken.
uint32_t claim_index(Profiler::Slot* slot) {
  std::lock_guard<std::mutex> lock(g_slots_mutex);
  for (uint32_t i = 0; i < kMaxSlots; ++i) {
    Profiler::Slot* expected = nullptr;
    if (g_slots[i].compare_exchange_strong(expected, slot, std::memory_order_seq_cst)) return i;
  }
  return kMaxSlots;
}

/// Empties index {i} of the signal table and waits until no handler is reading its slot.
void release_index(uint32_t i) {
  if (i >= kMaxSlots) return;
  g_slots[i].store(nullptr, std::memory_order_seq_cst);
  while (g_busy[i].load(std::memory_order_seq_cst) != 0) sched_yield();
}

}  // namespace

Profiler::Profiler(ThreadLister lister, ProfilerOptions options)
    : lister_(std::move(lister)), options_(std::move(options)) {}

Profiler::~Profiler() {
  if (started_ && !stopped_) (void)stop();
}

Result<void> Profiler::start() {
  if (started_) return Error{ErrorKind::kUnsupported, 0, "the profiler was started already"};
  if (options_.hz == 0 || options_.hz > kMaxProfileHz) {
    return Error{ErrorKind::kUnsupported, 0,
                 "the sampling rate must be between 1 and " + std::to_string(kMaxProfileHz) +
                     " Hz, not " + std::to_string(options_.hz)};
  }
  if (options_.clock == ProfileClock::kCpu) {
    WS_TRY(install_signal_handler(kProfileSignal, on_profile_signal));
  }
  profile_.mode = options_.clock == ProfileClock::kCpu ? "cpu" : "wall";
  profile_.hz = options_.hz;
  profile_.program = options_.program;
  profile_.start_unix_ns = now_ns(CLOCK_REALTIME);
  start_ns_ = now_ns(CLOCK_MONOTONIC);
  started_ = true;
  refresh_threads(false);  // sampling starts now, not at the collector's first turn
  collector_ = std::thread([this] { run(); });
  return {};
}

Profile Profiler::stop() {
  if (!started_ || stopped_) return Profile{};
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (collector_.joinable()) collector_.join();
  stopped_ = true;
  for (auto& slot : slots_) {
    disarm(*slot);
    drain(*slot);
    profile_.threads[slot->thread].lost += slot->lost.load(std::memory_order_relaxed);
  }
  slots_.clear();
  by_context_.clear();
  profile_.duration_ns = now_ns(CLOCK_MONOTONIC) - start_ns_;
  for (const auto& [key, samples] : counts_) {
    ProfileThread& thread = profile_.threads[key.first];
    thread.stacks.push_back(ProfileStack{key.second, samples});
    thread.samples += samples;
  }
  counts_.clear();
  return std::move(profile_);
}

void Profiler::run() {
  const uint64_t tick_ns = options_.clock == ProfileClock::kWall
                               ? 1'000'000'000ull / options_.hz
                               : kCollectIntervalNs;
  uint64_t next_tick = now_ns(CLOCK_MONOTONIC) + tick_ns;
  uint64_t next_refresh = now_ns(CLOCK_MONOTONIC) + kCollectIntervalNs;
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, std::chrono::nanoseconds(next_tick - std::min(next_tick, now_ns(CLOCK_MONOTONIC))),
                   [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    const uint64_t now = now_ns(CLOCK_MONOTONIC);
    if (now >= next_refresh) {
      refresh_threads(false);
      next_refresh = now + kCollectIntervalNs;
    }
    for (auto& slot : slots_) {
      if (options_.clock == ProfileClock::kWall) {
        sample_wall(*slot);
      } else {
        drain(*slot);
      }
    }
    // Ticks that fell behind (slow captures: the collector itself waits for a CPU when
    // guest threads occupy them all) are skipped, not made up for, and in wall mode counted
    // as lost samples of every thread that was in a call.
    next_tick += tick_ns;
    const uint64_t after = now_ns(CLOCK_MONOTONIC);
    if (next_tick < after) {
      const uint64_t skipped = (after - next_tick + tick_ns - 1) / tick_ns;
      next_tick += skipped * tick_ns;
      if (options_.clock == ProfileClock::kWall) {
        for (auto& slot : slots_) {
          const ThreadState state = slot->ctx->state();
          if (state != ThreadState::kIdle && state != ThreadState::kExited) {
            slot->lost.fetch_add(skipped, std::memory_order_relaxed);
          }
        }
      }
    }
    lock.lock();
  }
}

void Profiler::refresh_threads(bool final_pass) {
  (void)final_pass;
  for (auto& slot : slots_) slot->seen = false;
  for (const WatchedThread& t : lister_()) {
    auto it = by_context_.find(t.ctx);
    Slot* slot;
    if (it == by_context_.end()) {
      auto fresh = std::make_unique<Slot>();
      fresh->ctx = t.ctx;
      fresh->thread = profile_.threads.size();
      profile_.threads.push_back(ProfileThread{t.id, t.name, {}, 0, 0, 0});
      slot = fresh.get();
      by_context_[t.ctx] = slot;
      slots_.push_back(std::move(fresh));
      if (options_.clock == ProfileClock::kCpu) {
        slot->ring = std::make_unique<Slot::Sample[]>(kRingSamples);
        slot->index = claim_index(slot);
        if (slot->index == kMaxSlots) {
          profile_.threads[slot->thread].name += " (not sampled: too many threads)";
        }
      }
    } else {
      slot = it->second;
    }
    slot->seen = true;
    if (options_.clock != ProfileClock::kCpu || slot->index == kMaxSlots) continue;
    // A timer on the CPU clock of the thread that runs the context now; a context run by
    // another host thread since (the store's main context) gets a new one.
    const ThreadState state = t.ctx->state();
    const pid_t tid = t.ctx->owner_tid.load(std::memory_order_relaxed);
    if (state == ThreadState::kExited) {
      if (slot->tid != 0) disarm(*slot);
    } else if (state != ThreadState::kIdle && tid != 0 && tid != slot->tid) {
      if (slot->tid != 0) disarm(*slot);
      slot->tid = tid;
      if (!arm_timer(*slot)) slot->tid = 0;
    }
  }
  for (auto& slot : slots_) {
    if (!slot->seen && slot->tid != 0) disarm(*slot);  // the thread has ended
  }
}

bool Profiler::arm_timer(Slot& slot) {
  sigevent event = {};
  event.sigev_notify = SIGEV_THREAD_ID;
  event.sigev_signo = kProfileSignal;
  event.sigev_value.sival_int = kSignalTag | static_cast<int>(slot.index);
  event._sigev_un._tid = slot.tid;
  const clockid_t clock = thread_cpu_clock(slot.tid);
  if (timer_create(clock, &event, &slot.timer) != 0) return false;  // the thread has ended
  slot.cpu_start_ns = now_ns(clock);
  const uint64_t period = 1'000'000'000ull / options_.hz;
  itimerspec spec = {};
  spec.it_interval.tv_sec = static_cast<time_t>(period / 1'000'000'000ull);
  spec.it_interval.tv_nsec = static_cast<long>(period % 1'000'000'000ull);
  spec.it_value = spec.it_interval;
  if (timer_settime(slot.timer, 0, &spec, nullptr) != 0) {
    timer_delete(slot.timer);
    return false;
  }
  return true;
}

void Profiler::disarm(Slot& slot) {
  if (slot.tid != 0) {
    const uint64_t cpu_end = now_ns(thread_cpu_clock(slot.tid));
    if (cpu_end > slot.cpu_start_ns) profile_.threads[slot.thread].cpu_ns += cpu_end - slot.cpu_start_ns;
    timer_delete(slot.timer);  // a signal already queued is discarded with it
    slot.tid = 0;
  }
  if (stopped_) {
    release_index(slot.index);
    slot.index = kMaxSlots;
  }
}

void Profiler::drain(Slot& slot) {
  if (!slot.ring) return;
  const uint64_t head = slot.head.load(std::memory_order_acquire);
  uint64_t tail = slot.tail.load(std::memory_order_relaxed);
  for (; tail != head; ++tail) {
    const Slot::Sample& s = slot.ring[tail % kRingSamples];
    if (s.state == ThreadState::kInHost && s.host != nullptr) {
      // The host call is the innermost frame.
      FrameRecord records[kSampleFrames + 1];
      for (uint32_t i = 0; i < s.count; ++i) records[i] = s.frames[i];
      records[s.count] = FrameRecord{s.host, nullptr, nullptr};
      add_sample(slot, records, s.count + 1, s.state, false, s.weight);
    } else {
      add_sample(slot, s.frames, s.count, s.state, false, s.weight);
    }
  }
  slot.tail.store(tail, std::memory_order_release);
}

void Profiler::sample_wall(Slot& slot) {
  FrameRecord captured[kSampleFrames];
  CaptureOptions options;
  options.timeout_ns = 50'000'000;
  const CaptureInfo info = capture_stack(slot.ctx, captured, kSampleFrames, 0, options);
  if (info.timed_out) {
    slot.lost.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  if (info.method == CaptureMethod::kIdle) return;  // not in a call: not part of the program now
  // capture_stack gives the innermost first, callers at their call instructions.
  FrameRecord records[kSampleFrames + 1];
  uint32_t n = 0;
  for (uint32_t i = info.copied; i-- > 0;) records[n++] = captured[i];
  if (info.state == ThreadState::kWaiting) {
    records[n++] = FrameRecord{nullptr, nullptr, nullptr};  // "[host] wait"
  } else if (info.state == ThreadState::kInHost) {
    const Func* host = slot.ctx->host_func.load(std::memory_order_relaxed);
    if (host != nullptr) records[n++] = FrameRecord{host, nullptr, nullptr};
  }
  add_sample(slot, records, n, info.state, true, 1);
}

void Profiler::add_sample(Slot& slot, const FrameRecord* records, uint32_t count,
                          ThreadState state, bool callers_adjusted, uint32_t weight) {
  std::vector<uint32_t> stack;
  stack.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    const FrameRecord& r = records[i];
    if (r.func == nullptr) {
      stack.push_back(host_frame_index(state == ThreadState::kWaiting ? "wait" : "host"));
      continue;
    }
    if (r.func->code == nullptr) {
      stack.push_back(frame_index(r, true));
      continue;
    }
    // A caller's record holds its return address; name it at its call instruction.
    FrameRecord at = r;
    const bool innermost_guest =
        i + 1 == count || records[i + 1].func == nullptr || records[i + 1].func->code == nullptr;
    if (!callers_adjusted && !innermost_guest && r.pc != nullptr) at.pc = call_position(r);
    stack.push_back(frame_index(at, innermost_guest));
  }
  counts_[{static_cast<uint32_t>(slot.thread), std::move(stack)}] += weight;
}

uint32_t Profiler::frame_index(const FrameRecord& record, bool /*innermost*/) {
  auto it = func_frames_.find(record.func);
  if (it != func_frames_.end()) return it->second;
  const SymbolizedFrame named = symbolize(record, options_.module_name);
  ProfileFrame frame;
  frame.module = named.module;
  frame.function = named.function;
  frame.func_index = named.func_index;
  frame.host = named.host;
  if (!named.host && record.pc != nullptr) {
    if (std::optional<std::string> where = source_location(record, named)) {
      const size_t colon = where->rfind(':');
      if (colon != std::string::npos) {
        frame.file = where->substr(0, colon);
        frame.line = static_cast<uint32_t>(std::strtoul(where->c_str() + colon + 1, nullptr, 10));
      } else {
        frame.file = *where;
      }
    }
  }
  const uint32_t index = static_cast<uint32_t>(profile_.frames.size());
  profile_.frames.push_back(std::move(frame));
  func_frames_.emplace(record.func, index);
  return index;
}

uint32_t Profiler::host_frame_index(const std::string& name) {
  auto it = host_frames_.find(name);
  if (it != host_frames_.end()) return it->second;
  ProfileFrame frame;
  frame.function = name;
  frame.host = true;
  const uint32_t index = static_cast<uint32_t>(profile_.frames.size());
  profile_.frames.push_back(std::move(frame));
  host_frames_.emplace(name, index);
  return index;
}

Result<std::vector<uint8_t>> encode_profile(const Profile& profile, ProfileFormat format) {
  auto bytes_of = [](const std::string& text) {
    return std::vector<uint8_t>(text.begin(), text.end());
  };
  switch (format) {
    case ProfileFormat::kFolded: return bytes_of(write_folded(profile));
    case ProfileFormat::kSpeedscope: return bytes_of(write_speedscope(profile));
    case ProfileFormat::kPprof: return write_pprof(profile);
    case ProfileFormat::kSvg: return bytes_of(write_svg(profile));
  }
  return Error{ErrorKind::kUnsupported, 0, "unknown profile format"};
}

const char* profile_format_name(ProfileFormat format) {
  switch (format) {
    case ProfileFormat::kFolded: return "folded";
    case ProfileFormat::kSpeedscope: return "speedscope";
    case ProfileFormat::kPprof: return "pprof";
    case ProfileFormat::kSvg: return "svg";
  }
  return "unknown";
}

std::optional<ProfileFormat> profile_format_named(std::string_view name) {
  for (ProfileFormat f : {ProfileFormat::kFolded, ProfileFormat::kSpeedscope, ProfileFormat::kPprof,
                          ProfileFormat::kSvg}) {
    if (name == profile_format_name(f)) return f;
  }
  return std::nullopt;
}

}  // namespace wasmscope::internal::diag
