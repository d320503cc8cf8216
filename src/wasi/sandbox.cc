// The sandboxed path resolver: openat2(RESOLVE_BENEATH) where the kernel has it, else a walk
// that opens one component at a time with O_NOFOLLOW and expands symlinks itself.
#include "wasi/sandbox.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <vector>

namespace wasmscope::internal::wasi {

void UniqueFd::reset(int fd) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

namespace {

/// Symlinks one resolution may expand before failing with kLoop, as Linux allows.
constexpr int kMaxSymlinkExpansions = 40;
/// openat2 retries when a concurrent rename makes the kernel give up (EAGAIN) before the
/// resolution falls back to the manual walk.
constexpr int kOpenat2Retries = 16;

/// Set by {force_manual_resolution_for_testing}. Relaxed: a test flag, no data depends on it.
std::atomic<bool> g_force_manual{false};

/// Whether the kernel lets us call openat2: 0 not probed yet, 1 yes, 2 no. Relaxed: the
/// probe is idempotent, racing threads just probe twice.
std::atomic<int> g_openat2_state{0};

/// Checks the guest's path text: empty, NUL-bearing, absolute and over-long paths fail.
Errno check_path_text(std::string_view path) {
  if (path.empty()) return Errno::kNoEnt;
  if (path.find('\0') != std::string_view::npos) return Errno::kInval;
  if (path.front() == '/') return Errno::kNotCapable;
  if (path.size() >= PATH_MAX) return Errno::kNameTooLong;
  return Errno::kSuccess;
}

/// openat2 with {resolve}; the mode is passed only where the kernel accepts one.
int call_openat2(int dirfd, const char* path, int flags, mode_t mode, uint64_t resolve) {
  struct open_how how = {};
  how.flags = static_cast<uint64_t>(static_cast<unsigned>(flags));
  const bool takes_mode = (flags & O_CREAT) != 0 || (flags & O_TMPFILE) == O_TMPFILE;
  how.mode = takes_mode ? mode : 0;
  how.resolve = resolve;
  return static_cast<int>(::syscall(SYS_openat2, dirfd, path, &how, sizeof how));
}

/// Probes whether openat2 works here (it may be missing or filtered by seccomp).
bool probe_openat2() {
  const int fd =
      call_openat2(AT_FDCWD, "/", O_PATH | O_DIRECTORY | O_CLOEXEC, 0, RESOLVE_NO_MAGICLINKS);
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

/// Whether openat2 is available, probing on first use.
bool openat2_available() {
  int state = g_openat2_state.load(std::memory_order_relaxed);
  if (state == 0) {
    state = probe_openat2() ? 1 : 2;
    g_openat2_state.store(state, std::memory_order_relaxed);
  }
  return state == 1;
}

// ---- openat2 ----

/// Outcome of the kernel resolution: done (success or a final errno) or "use the walk".
enum class KernelResult { kDone, kFallBack };

/// Resolves with openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS): EXDEV is an escape.
KernelResult open_with_openat2(int dirfd, const std::string& path, int flags, mode_t mode,
                               Errno* error, int* out_fd) {
  for (int attempt = 0; attempt < kOpenat2Retries; ++attempt) {
    const int fd =
        call_openat2(dirfd, path.c_str(), flags, mode, RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS);
    if (fd >= 0) {
      *out_fd = fd;
      *error = Errno::kSuccess;
      return KernelResult::kDone;
    }
    if (errno == EAGAIN) continue;  // a concurrent rename raced a ".": try again
    if (errno == ENOSYS) {
      g_openat2_state.store(2, std::memory_order_relaxed);
      return KernelResult::kFallBack;
    }
    *error = errno == EXDEV ? Errno::kNotCapable : errno_from_host(errno);
    return KernelResult::kDone;
  }
  return KernelResult::kFallBack;
}

// ---- The manual walk ----

/// Pushes the components of {text} onto {reversed} so that the first is at the back.
void push_components(std::string_view text, std::vector<std::string>* reversed) {
  size_t end = text.size();
  while (end > 0) {
    const size_t slash = text.rfind('/', end - 1);
    const size_t begin = slash == std::string_view::npos ? 0 : slash + 1;
    if (end > begin) reversed->emplace_back(text.substr(begin, end - begin));
    if (slash == std::string_view::npos) break;
    end = slash;
  }
}

/// A walk beneath a base directory: the directories entered so far, so that ".." returns
/// to exactly the directory the walk came from and never above the base (a directory moved
/// elsewhere meanwhile cannot take the walk with it).
class Walk {
 public:
  explicit Walk(int base) : base_(base) {}

  /// The directory the next component is looked up in.
  int current() const { return entered_.empty() ? base_ : entered_.back().get(); }
  /// Steps into {dir}.
  void enter(UniqueFd dir) { entered_.push_back(std::move(dir)); }
  /// Steps back out for "..": kNotCapable above the base.
  Errno leave() {
    if (entered_.empty()) return Errno::kNotCapable;
    entered_.pop_back();
    return Errno::kSuccess;
  }

 private:
  int base_;
  std::vector<UniqueFd> entered_;
};

/// The state of one manual resolution: the components still to resolve (next at the back).
struct Remaining {
  std::vector<std::string> components;
  bool must_be_dir = false;  ///< The path (or the final link's target) ended in '/'.
  int expansions = 0;
};

/// Splices the target of the symlink {name} in {dir} ({name} "" with an O_PATH fd of the
/// link itself) in front of {rest}. kInval (with errno EINVAL) if it is not a symlink.
Errno splice_symlink(int dir, const char* name, bool is_last, Remaining* rest) {
  char target[PATH_MAX];
  const ssize_t n = ::readlinkat(dir, name, target, sizeof target);
  if (n < 0) return errno_from_host(errno);
  if (static_cast<size_t>(n) >= sizeof target) return Errno::kNameTooLong;
  if (++rest->expansions > kMaxSymlinkExpansions) return Errno::kLoop;
  const std::string_view text(target, static_cast<size_t>(n));
  if (text.empty()) return Errno::kNoEnt;
  if (text.front() == '/') return Errno::kNotCapable;
  if (is_last && text.back() == '/') rest->must_be_dir = true;
  push_components(text, &rest->components);
  return Errno::kSuccess;
}

/// After opening {name} failed with {error}: expands it if it is a symlink, else the
/// original error stands.
Errno expand_after_failure(int dir, const std::string& name, int error, bool is_last,
                           Remaining* rest) {
  if (error != ELOOP && error != ENOTDIR) return errno_from_host(error);
  const Errno spliced = splice_symlink(dir, name.c_str(), is_last, rest);
  if (spliced == Errno::kInval) return errno_from_host(error);  // not a symlink after all
  return spliced;
}

/// Steps the walk into the intermediate directory {name}, or expands it if a symlink.
Errno step_into(Walk* walk, const std::string& name, Remaining* rest) {
  const int fd =
      ::openat(walk->current(), name.c_str(), O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    walk->enter(UniqueFd(fd));
    return Errno::kSuccess;
  }
  return expand_after_failure(walk->current(), name, errno, false, rest);
}

/// Whether {fd} (an O_PATH open made with O_NOFOLLOW) is a symlink.
bool is_symlink_fd(int fd) {
  struct stat st;
  return ::fstat(fd, &st) == 0 && S_ISLNK(st.st_mode);
}

/// Opens the final component {name}; sets {*out_fd}, or leaves it -1 when {rest} received
/// a symlink's target to resolve further.
Errno open_final(const Walk& walk, const std::string& name, int flags, mode_t mode, bool follow,
                 Remaining* rest, int* out_fd) {
  *out_fd = -1;
  // A trailing '/' after a name (not after "." or "..", which are directories anyway) makes
  // the kernel follow it, require a directory, and refuse to create it.
  const bool dir_required = rest->must_be_dir && name != ".";
  if (dir_required && (flags & O_CREAT) != 0) return Errno::kIsDir;
  const bool follow_link = follow || dir_required;
  const int final_flags = flags | O_NOFOLLOW | O_CLOEXEC | (dir_required ? O_DIRECTORY : 0);
  UniqueFd fd(::openat(walk.current(), name.c_str(), final_flags, mode));
  if (!fd.valid()) {
    const int error = errno;
    if (!follow_link) return errno_from_host(error);
    return expand_after_failure(walk.current(), name, error, true, rest);
  }
  // O_PATH | O_NOFOLLOW opens a symlink itself: expand it from that very fd if following.
  if (follow_link && (flags & O_PATH) != 0 && is_symlink_fd(fd.get())) {
    return splice_symlink(fd.get(), "", true, rest);
  }
  *out_fd = fd.release();
  return Errno::kSuccess;
}

/// Resolves {path} beneath {base} one component at a time.
Errno open_with_walk(int base, std::string_view path, int flags, mode_t mode, bool follow,
                     int* out_fd) {
  Remaining rest;
  push_components(path, &rest.components);
  rest.must_be_dir = has_trailing_slash(path);
  Walk walk(base);
  while (!rest.components.empty()) {
    std::string name = std::move(rest.components.back());
    rest.components.pop_back();
    const bool is_last = rest.components.empty();
    if (name == "..") {
      if (Errno e = walk.leave(); e != Errno::kSuccess) return e;
      if (!is_last) continue;
      name.assign(1, '.');  // (not = ".": g++ 12 -O3 warns falsely, -Wrestrict)
    } else if (name == "." && !is_last) {
      continue;
    }
    Errno e = is_last ? open_final(walk, name, flags, mode, follow, &rest, out_fd)
                      : step_into(&walk, name, &rest);
    if (e != Errno::kSuccess) return e;
    if (is_last && *out_fd >= 0) return Errno::kSuccess;
  }
  // Only reachable when a symlink's target had no components (e.g. "."): open the directory
  // the walk is in.
  return open_final(walk, ".", flags, mode, follow, &rest, out_fd);
}

}  // namespace

bool has_trailing_slash(std::string_view path) {
  return !path.empty() && path.back() == '/';
}

void force_manual_resolution_for_testing(bool force) {
  g_force_manual.store(force, std::memory_order_relaxed);
}

bool uses_openat2() {
  return !g_force_manual.load(std::memory_order_relaxed) && openat2_available();
}

Errno open_beneath(int dirfd, std::string_view path, int open_flags, mode_t mode,
                   bool follow_final_symlink, int* out_fd) {
  *out_fd = -1;
  if (Errno e = check_path_text(path); e != Errno::kSuccess) return e;
  const int flags = open_flags | O_CLOEXEC | (follow_final_symlink ? 0 : O_NOFOLLOW);
  if (uses_openat2()) {
    Errno error = Errno::kSuccess;
    const std::string text(path);
    if (open_with_openat2(dirfd, text, flags, mode, &error, out_fd) == KernelResult::kDone) {
      return error;
    }
  }
  return open_with_walk(dirfd, path, flags, mode, follow_final_symlink, out_fd);
}

Errno open_parent(int dirfd, std::string_view path, bool follow_final_symlink, PathParent* out) {
  if (Errno e = check_path_text(path); e != Errno::kSuccess) return e;
  std::string current(path);
  for (int expansions = 0;; ++expansions) {
    const size_t end = current.find_last_not_of('/') + 1;  // not all '/': not absolute
    const bool trailing_slash = end < current.size();
    const std::string_view stripped(current.data(), end);
    const size_t slash = stripped.rfind('/');
    const std::string_view prefix =
        slash == std::string_view::npos ? std::string_view() : stripped.substr(0, slash + 1);
    std::string name(stripped.substr(prefix.size()));
    std::string_view dir_path = prefix.empty() ? std::string_view(".") : prefix;
    if (name == "." || name == "..") {
      dir_path = stripped;
      name = ".";
    }
    int dir = -1;
    if (Errno e = open_beneath(dirfd, dir_path, O_PATH | O_DIRECTORY, 0, true, &dir);
        e != Errno::kSuccess) {
      return e;
    }
    out->dir.reset(dir);
    out->trailing_slash = trailing_slash;
    out->name = std::move(name);
    if (!follow_final_symlink || out->name == ".") return Errno::kSuccess;
    char target[PATH_MAX];
    const ssize_t n = ::readlinkat(dir, out->name.c_str(), target, sizeof target);
    if (n < 0) return Errno::kSuccess;  // not a symlink (or absent): the name is final
    if (static_cast<size_t>(n) >= sizeof target) return Errno::kNameTooLong;
    if (expansions >= kMaxSymlinkExpansions) return Errno::kLoop;
    const std::string_view text(target, static_cast<size_t>(n));
    if (text.empty()) return Errno::kNoEnt;
    if (text.front() == '/') return Errno::kNotCapable;
    current = std::string(prefix).append(text).append(trailing_slash ? "/" : "");
  }
}

}  // namespace wasmscope::internal::wasi
