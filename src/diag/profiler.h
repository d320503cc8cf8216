// The sampling profiler: every guest thread of a program sampled on its own clock, from a
// signal handler, wherever it is (never only at safepoints), aggregated into a {Profile}
// (diag/profile.h) by a collector thread. docs/profiling.md describes it.
//
// CPU mode: a POSIX timer on each thread's CPU-time clock, delivered to that thread (SIGPROF,
// SIGEV_THREAD_ID). The handler copies the thread's own frame records into a per-thread ring
// (no allocation, no locks); the collector drains the rings, symbolizes and counts. A thread
// blocked in a host call uses no CPU and gets no samples.
// Wall mode: the collector itself samples every live thread at the rate, through the capture
// path (diag's thread dumps use the same): a running thread copies its records in the capture
// signal's handler, a thread in a host call or a wait is read directly and attributed to that
// call ("[host] wasi_snapshot_preview1.fd_read", "[host] wait").
//
// Samples that cannot be kept (a full ring, a thread that did not answer) are counted as lost,
// per thread, and every output format reports them.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "diag/profile.h"
#include "diag/watchdog.h"
#include "engine/context.h"
#include "wasmscope/result.h"

namespace wasmscope::internal::diag {

enum class ProfileClock : uint8_t { kCpu, kWall };

/// The highest rate the profiler samples at; higher requests are capped to it.
inline constexpr uint32_t kMaxProfileHz = 10000;

struct ProfilerOptions {
  uint32_t hz = 1000;                     ///< Samples per second of each thread's clock.
  ProfileClock clock = ProfileClock::kCpu;
  std::string module_name;  ///< Names frames of modules without a name section.
  std::string program;      ///< {Profile::program}.
};

class Profiler {
 public:
  /// Profiles the threads {lister} returns (asked afresh every 10 ms: threads that start later
  /// are profiled from then on). {hz} must be in [1, kMaxProfileHz]. The threads' store must
  /// outlive the profiler.
  Profiler(ThreadLister lister, ProfilerOptions options);
  ~Profiler();  ///< Stops sampling if {stop} was not called.
  Profiler(const Profiler&) = delete;
  Profiler& operator=(const Profiler&) = delete;

  /// Starts sampling. Fails when the rate is out of range, the signal handler cannot be
  /// installed or the collector thread cannot start.
  Result<void> start();
  /// Stops sampling (waiting for handlers still running), drains what was sampled and returns
  /// the profile. A second call returns an empty profile.
  Profile stop();

  /// One sampled thread (profiler.cc; public for its signal handler).
  struct Slot;

 private:

  void run();
  void refresh_threads(bool final_pass);
  bool arm_timer(Slot& slot);
  void disarm(Slot& slot);
  void drain(Slot& slot);
  void sample_wall(Slot& slot);
  /// Counts one sample ({weight} periods) of {slot}'s thread: {records} outermost first (callers' positions as
  /// stored: at their return address), {state} the thread's state then.
  void add_sample(Slot& slot, const FrameRecord* records, uint32_t count, ThreadState state,
                  bool callers_adjusted, uint32_t weight);
  uint32_t frame_index(const FrameRecord& record, bool innermost);
  uint32_t host_frame_index(const std::string& name);

  ThreadLister lister_;
  ProfilerOptions options_;
  std::vector<std::unique_ptr<Slot>> slots_;           // collector thread (and stop) only
  std::map<const ExecContext*, Slot*> by_context_;     // collector thread only
  Profile profile_;                                    // collector thread (and stop) only
  std::unordered_map<const void*, uint32_t> func_frames_;
  std::unordered_map<std::string, uint32_t> host_frames_;
  std::map<std::pair<uint32_t, std::vector<uint32_t>>, uint64_t> counts_;  // (thread, stack)
  uint64_t start_ns_ = 0;
  bool started_ = false;
  bool stopped_ = false;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mutex_
  std::thread collector_;
};

/// {profile} as the bytes of {format} (what {write_profile} writes to a file).
Result<std::vector<uint8_t>> encode_profile(const Profile& profile, ProfileFormat format);

/// "folded", "speedscope", "pprof", "svg" (the names `wasmscope profile PID` sends), and back.
const char* profile_format_name(ProfileFormat format);
std::optional<ProfileFormat> profile_format_named(std::string_view name);

}  // namespace wasmscope::internal::diag
