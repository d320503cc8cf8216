#include "tools/profile_session.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>

#include "tools/file_io.h"

namespace wasmscope::internal::tools {

ProfileSession::ProfileSession(const ProfileRequest& request, diag::ThreadLister threads)
    : request_(request), profiler_(std::move(threads), request.options) {}

ProfileSession::~ProfileSession() {
  (void)finish();
  if (timer_.joinable()) timer_.join();  // it returns at once now: {finished_} is set
}

bool ProfileSession::start() {
  const Result<void> started = profiler_.start();
  if (!started.ok()) {
    std::fprintf(stderr, "wasmscope profile: cannot start: %s\n", started.error().message.c_str());
    return false;
  }
  if (request_.duration_ns > 0) {
    timer_ = std::thread([this] {
      {
        std::unique_lock<std::mutex> lock(mutex_);
        const bool ended = wake_.wait_for(lock, std::chrono::nanoseconds(request_.duration_ns),
                                          [this] { return finished_; });
        if (ended) return;  // the program ended first
      }
      (void)finish();
    });
  }
  return true;
}

bool ProfileSession::finish() {
  std::unique_lock<std::mutex> lock(mutex_);
  if (finished_) return written_;
  finished_ = true;
  const diag::Profile profile = profiler_.stop();
  const Result<void> written = diag::write_profile(profile, request_.path);
  written_ = written.ok();
  if (request_.written != nullptr) *request_.written = written_;
  if (!written.ok()) {
    std::fprintf(stderr, "wasmscope profile: %s\n", written.error().message.c_str());
  } else {
    std::fprintf(stderr,
                 "wasmscope profile: %llu samples of %zu threads (%s, %u Hz, %.3f s) written "
                 "to %s; %llu lost\n",
                 static_cast<unsigned long long>(profile.total_samples()), profile.threads.size(),
                 profile.mode.c_str(), profile.hz, static_cast<double>(profile.duration_ns) / 1e9,
                 request_.path.c_str(), static_cast<unsigned long long>(profile.total_lost()));
  }
  wake_.notify_all();
  return written_;
}

bool check_profile_output(const std::string& path) {
  if (!diag::profile_format_for(path)) {
    throw UsageError("the output file's name must end in .folded, .speedscope.json, .pb.gz or "
                     ".svg (it chooses the format), got '" + path + "'");
  }
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    std::fprintf(stderr, "wasmscope profile: cannot write '%s': %s: %s\n", path.c_str(),
                 dir.c_str(), std::strerror(errno));
    return false;
  }
  return true;
}

}  // namespace wasmscope::internal::tools
