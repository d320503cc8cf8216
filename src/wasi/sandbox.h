// The sandboxed path resolver: guest paths are resolved beneath a directory fd and may never
// leave it, whether through "..", absolute paths or symlinks (including symlinks swapped in
// while a path is being resolved).
//
// Linux openat2(2) with RESOLVE_BENEATH does the walk atomically in the kernel. Where it is
// missing (old kernels, seccomp filters) a component-by-component walk takes over: every
// step opens one name with O_NOFOLLOW relative to an fd already known to be beneath the
// base, ".." returns to the fd the walk came from, and symlink targets are spliced into the
// remaining path by the walk itself, so the kernel never follows a link on our behalf.
//
// Thread safety: every function may be called from any thread.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "wasi/abi.h"

namespace wasmscope::internal::wasi {

/// Owns one host fd and closes it when destroyed.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { reset(); }
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) reset(other.release());
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  /// Gives up ownership: the caller closes the returned fd.
  int release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }
  /// Closes the held fd (if any) and holds {fd} instead.
  void reset(int fd = -1);

 private:
  int fd_ = -1;
};

/// Opens {path} (relative, as the guest gave it) beneath {dirfd} with open(2) {open_flags}
/// and {mode}; O_CLOEXEC is always added. Intermediate symlinks are followed as long as they
/// stay beneath {dirfd}; the final one only when {follow_final_symlink} (else, as with
/// O_NOFOLLOW, kLoop; with O_PATH the link itself is opened). A trailing '/' makes the final
/// component a directory that is followed, as the kernel does. Errors: kNoEnt for an empty
/// path, kInval for one holding NUL, kNotCapable for an absolute path or any escape, kLoop
/// after 40 symlinks, else the host's errno. On success {*out_fd} is a new fd the caller owns.
[[nodiscard]] Errno open_beneath(int dirfd, std::string_view path, int open_flags, mode_t mode,
                                 bool follow_final_symlink, int* out_fd);

/// Where a path's last component lives: for the *at(2) calls that act on a name.
struct PathParent {
  UniqueFd dir;                 ///< O_PATH directory fd beneath the base.
  std::string name;             ///< The last component: no '/', never empty or "..".
  bool trailing_slash = false;  ///< The guest path ended in '/' (stripped from {name}).
};

/// Resolves all of {path} but its last component beneath {dirfd} into {*out}. A last
/// component "." or ".." resolves to that directory itself with {name} ".". With
/// {follow_final_symlink}, a last component that is a symlink is replaced by its target
/// (which must resolve beneath {dirfd} too) until it is not; callers should still pass
/// AT_SYMLINK_NOFOLLOW (or use calls that never follow) so that a symlink swapped in
/// afterwards is acted on itself, not followed. Errors as {open_beneath}.
[[nodiscard]] Errno open_parent(int dirfd, std::string_view path, bool follow_final_symlink,
                                PathParent* out);

/// True if {path} ends in '/': a name the kernel follows and requires to be a directory.
bool has_trailing_slash(std::string_view path);

/// Tests only: makes every resolution use the manual walk even where openat2 works.
void force_manual_resolution_for_testing(bool force);

/// Whether resolutions currently use openat2 (false: the manual walk).
bool uses_openat2();

}  // namespace wasmscope::internal::wasi
