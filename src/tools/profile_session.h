// `wasmscope profile ... FILE`: the profiler around a program run by `wasmscope run`'s code,
// from just before the program's first call until it ends or the duration is up, and the file
// it writes.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "diag/profiler.h"
#include "diag/watchdog.h"

namespace wasmscope::internal::tools {

/// What `wasmscope profile` asked for.
struct ProfileRequest {
  diag::ProfilerOptions options;
  uint64_t duration_ns = 0;  ///< 0: until the program ends.
  std::string path;          ///< The output file; its name chooses the format.
  bool* written = nullptr;   ///< If set, receives whether the file was written.
};

/// Profiles a program's threads from {start} until {finish} (or the duration), then writes
/// the profile, saying on stderr where and how many samples (lost ones included).
class ProfileSession {
 public:
  ProfileSession(const ProfileRequest& request, diag::ThreadLister threads);
  ~ProfileSession();  ///< {finish}.
  ProfileSession(const ProfileSession&) = delete;
  ProfileSession& operator=(const ProfileSession&) = delete;

  /// Starts sampling; false (with the reason printed) if it cannot.
  bool start();
  /// Stops sampling and writes the file, once (later calls do nothing). Thread-safe. False if
  /// the file could not be written.
  bool finish();

 private:
  ProfileRequest request_;
  diag::Profiler profiler_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool finished_ = false;  // guarded by mutex_
  bool written_ = true;    // guarded by mutex_
  std::thread timer_;      ///< Ends the session after {duration_ns}.
};

/// Checks up front that {path} names a known format and a directory that can be written, so
/// that a long run does not end in a refusal. Throws {UsageError} for an unknown extension;
/// false (with the reason printed) for an unwritable place.
bool check_profile_output(const std::string& path);

}  // namespace wasmscope::internal::tools
