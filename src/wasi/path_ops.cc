// The preview1 path_* functions. Every guest path is resolved beneath its directory fd by the
// sandbox resolver; operations on a name act on (parent fd, last component) with calls that
// do not follow a final symlink, so a link swapped in after resolution is never followed.
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "wasi/internal.h"
#include "wasi/sandbox.h"

namespace wasmscope::internal::wasi {
namespace {

/// Mode of files and directories the guest creates (the umask applies).
constexpr mode_t kCreateFileMode = 0666;
constexpr mode_t kCreateDirMode = 0777;

/// The directory fd {fd} for an operation needing {rights}: kBadf if not open, kNotDir if
/// not a directory, kNotCapable without the rights.
Errno get_dir(WasiCall& call, uint32_t fd, uint64_t rights, FdEntry** out) {
  FdEntry* entry = call.wasi.fds().get(fd);
  if (entry == nullptr) return Errno::kBadf;
  if (entry->type != Filetype::kDirectory) return Errno::kNotDir;
  if (!entry->has(rights)) return Errno::kNotCapable;
  *out = entry;
  return Errno::kSuccess;
}

/// The guest path at [{ptr}, {ptr} + {len}); kFault when out of bounds.
Errno read_path(const WasiCall& call, uint32_t ptr, uint32_t len, std::string* out) {
  return call.memory.string(ptr, len, out) ? Errno::kSuccess : Errno::kFault;
}

/// The errno of a host call's return value {rc}.
Errno host_result(int rc) {
  return rc == 0 ? Errno::kSuccess : errno_from_host(errno);
}

/// {parent}'s name with the guest's trailing '/' restored: for the calls that never follow
/// a final symlink (mkdir, unlink, rmdir, rename, symlink, link's new name), so that the
/// kernel applies its own trailing-slash rules.
std::string name_as_given(const PathParent& parent) {
  return parent.trailing_slash ? parent.name + "/" : parent.name;
}

/// For a resolved name the guest wrote with a trailing '/': kNotDir unless a directory
/// (or absent, left to the operation to report).
Errno require_directory(const PathParent& parent) {
  if (!parent.trailing_slash) return Errno::kSuccess;
  struct stat st;
  if (::fstatat(parent.dir.get(), parent.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    return Errno::kSuccess;
  }
  return S_ISDIR(st.st_mode) ? Errno::kSuccess : Errno::kNotDir;
}

/// What resolving a name does when its last component is a symlink.
enum class LastLink {
  kKeep,           ///< Act on the link itself (calls that never follow: unlink, rename...).
  kFollowOnSlash,  ///< Follow only if the guest wrote a trailing '/', as the kernel would.
  kFollow,         ///< Follow (lookupflags symlink_follow).
};

/// The {LastLink} of a stat-like call given its lookupflags.
LastLink last_link_for(uint32_t lookup_flags) {
  return (lookup_flags & kLookupSymlinkFollow) != 0 ? LastLink::kFollow : LastLink::kFollowOnSlash;
}

/// Reads the path at ({ptr}, {len}) and resolves its parent beneath the directory fd {fd},
/// which must hold {rights} (see {get_dir}).
Errno resolve_parent(WasiCall& call, uint32_t fd, uint64_t rights, uint32_t ptr, uint32_t len,
                     LastLink last_link, PathParent* out) {
  FdEntry* dir = nullptr;
  if (Errno e = get_dir(call, fd, rights, &dir); e != Errno::kSuccess) return e;
  std::string path;
  if (Errno e = read_path(call, ptr, len, &path); e != Errno::kSuccess) return e;
  const bool follow = last_link == LastLink::kFollow ||
                      (last_link == LastLink::kFollowOnSlash && has_trailing_slash(path));
  return open_parent(dir->host_fd, path, follow, out);
}

// ---- path_open ----

/// The parameters of one path_open call.
struct OpenRequest {
  uint32_t lookup_flags;
  uint16_t oflags;
  uint64_t rights_base;
  uint64_t rights_inheriting;
  uint16_t fdflags;
};

/// Rights the directory needs for {request}.
uint64_t rights_needed_for_open(const OpenRequest& request) {
  uint64_t needed = rights::kPathOpen;
  if (request.oflags & kOflagCreat) needed |= rights::kPathCreateFile;
  if (request.oflags & kOflagTrunc) needed |= rights::kPathFilestatSetSize;
  return needed;
}

/// open(2) flags for {request}: access mode from the requested rights, then oflags and
/// fdflags.
int host_open_flags(const OpenRequest& request) {
  const bool read = (request.rights_base & (rights::kFdRead | rights::kFdReaddir)) != 0;
  const bool write = (request.rights_base &
                      (rights::kFdWrite | rights::kFdAllocate | rights::kFdFilestatSetSize)) != 0;
  int flags = write ? (read ? O_RDWR : O_WRONLY) : O_RDONLY;
  if (request.oflags & kOflagCreat) flags |= O_CREAT;
  if (request.oflags & kOflagDirectory) flags |= O_DIRECTORY;
  if (request.oflags & kOflagExcl) flags |= O_EXCL;
  if (request.oflags & kOflagTrunc) flags |= O_TRUNC;
  if (request.fdflags & kFdflagAppend) flags |= O_APPEND;
  if (request.fdflags & kFdflagDsync) flags |= O_DSYNC;
  if (request.fdflags & kFdflagRsync) flags |= O_RSYNC;
  if (request.fdflags & kFdflagSync) flags |= O_SYNC;
  if (request.fdflags & kFdflagNonblock) flags |= O_NONBLOCK;
  return flags;
}

/// Opens {path} beneath {dirfd} for {request}. Without any access rights a file the guest
/// may not read is still opened, as O_PATH (enough for filestat).
Errno open_for_request(int dirfd, const std::string& path, const OpenRequest& request,
                       int* out_fd) {
  const int flags = host_open_flags(request);
  const bool follow = (request.lookup_flags & kLookupSymlinkFollow) != 0;
  const Errno e = open_beneath(dirfd, path, flags, kCreateFileMode, follow, out_fd);
  const bool no_access =
      (request.rights_base & (rights::kFdRead | rights::kFdReaddir | rights::kFdWrite |
                              rights::kFdAllocate | rights::kFdFilestatSetSize)) == 0;
  if (e != Errno::kAcces || !no_access || (flags & (O_CREAT | O_TRUNC)) != 0) return e;
  return open_beneath(dirfd, path, O_PATH | (flags & O_DIRECTORY), 0, follow, out_fd);
}

}  // namespace

Errno path_open(WasiCall& call) {
  const OpenRequest request{call.u32(1), static_cast<uint16_t>(call.u32(4)), call.u64(5),
                            call.u64(6), static_cast<uint16_t>(call.u32(7))};
  const uint32_t fd_ptr = call.u32(8);
  if (call.u32(4) > 0xF || call.u32(7) > 0x1F) return Errno::kInval;
  FdEntry* dir = nullptr;
  if (Errno e = get_dir(call, call.u32(0), rights_needed_for_open(request), &dir);
      e != Errno::kSuccess) {
    return e;
  }
  if ((request.rights_base | request.rights_inheriting) & ~dir->rights_inheriting) {
    return Errno::kNotCapable;
  }
  std::string path;
  if (Errno e = read_path(call, call.u32(2), call.u32(3), &path); e != Errno::kSuccess) return e;
  if (!call.memory.valid(fd_ptr, sizeof(uint32_t))) return Errno::kFault;
  const uint64_t dir_inheriting = dir->rights_inheriting;  // {dir} dies with insert()
  int host_fd = -1;
  if (Errno e = open_for_request(dir->host_fd, path, request, &host_fd); e != Errno::kSuccess) {
    return e;
  }
  UniqueFd opened(host_fd);
  struct stat st;
  if (::fstat(opened.get(), &st) != 0) return errno_from_host(errno);
  FdEntry entry;
  entry.host_fd = opened.get();
  entry.type = filetype_from_mode(st.st_mode);
  entry.rights_base = request.rights_base & rights_for(entry.type);
  entry.rights_inheriting = request.rights_inheriting & dir_inheriting;
  const int64_t guest_fd = call.wasi.fds().insert(std::move(entry));
  if (guest_fd < 0) return Errno::kNfile;
  opened.release();  // the table owns it now
  call.memory.store<uint32_t>(fd_ptr, static_cast<uint32_t>(guest_fd));
  return Errno::kSuccess;
}

// ---- Operations on one name ----

Errno path_create_directory(WasiCall& call) {
  PathParent parent;
  if (Errno e = resolve_parent(call, call.u32(0), rights::kPathCreateDirectory, call.u32(1),
                               call.u32(2), LastLink::kKeep, &parent);
      e != Errno::kSuccess) {
    return e;
  }
  return host_result(::mkdirat(parent.dir.get(), parent.name.c_str(), kCreateDirMode));
}

Errno path_filestat_get(WasiCall& call) {
  FdEntry* dir = nullptr;
  if (Errno e = get_dir(call, call.u32(0), rights::kPathFilestatGet, &dir); e != Errno::kSuccess) {
    return e;
  }
  std::string path;
  if (Errno e = read_path(call, call.u32(2), call.u32(3), &path); e != Errno::kSuccess) return e;
  const uint32_t buf = call.u32(4);
  if (!call.memory.valid(buf, layout::Filestat::kSize)) return Errno::kFault;
  // O_PATH | O_NOFOLLOW opens a final symlink itself, so fstat sees the link: lstat's view.
  int fd = -1;
  const bool follow = (call.u32(1) & kLookupSymlinkFollow) != 0;
  if (Errno e = open_beneath(dir->host_fd, path, O_PATH, 0, follow, &fd); e != Errno::kSuccess) {
    return e;
  }
  UniqueFd target(fd);
  struct stat st;
  if (::fstat(target.get(), &st) != 0) return errno_from_host(errno);
  store_filestat(call.memory, buf, st);
  return Errno::kSuccess;
}

Errno path_filestat_set_times(WasiCall& call) {
  PathParent parent;
  if (Errno e = resolve_parent(call, call.u32(0), rights::kPathFilestatSetTimes, call.u32(2),
                               call.u32(3), last_link_for(call.u32(1)), &parent);
      e != Errno::kSuccess) {
    return e;
  }
  if (Errno e = require_directory(parent); e != Errno::kSuccess) return e;
  // The resolver already replaced a followed final symlink by its target; NOFOLLOW keeps a
  // link swapped in since from being followed out of the sandbox.
  return set_times(parent.dir.get(), parent.name.c_str(), AT_SYMLINK_NOFOLLOW, call.u64(4),
                   call.u64(5), static_cast<uint16_t>(call.u32(6)));
}

Errno path_link(WasiCall& call) {
  // With symlink_follow the resolver follows the source's final symlinks beneath its
  // directory; linkat itself never follows (flags 0), so a link swapped in meanwhile is
  // linked itself rather than its target. That avoids AT_EMPTY_PATH (which would need
  // CAP_DAC_READ_SEARCH).
  PathParent source;
  if (Errno e = resolve_parent(call, call.u32(0), rights::kPathLinkSource, call.u32(2),
                               call.u32(3), last_link_for(call.u32(1)), &source);
      e != Errno::kSuccess) {
    return e;
  }
  if (Errno e = require_directory(source); e != Errno::kSuccess) return e;
  PathParent target;
  if (Errno e = resolve_parent(call, call.u32(4), rights::kPathLinkTarget, call.u32(5),
                               call.u32(6), LastLink::kKeep, &target);
      e != Errno::kSuccess) {
    return e;
  }
  return host_result(::linkat(source.dir.get(), source.name.c_str(), target.dir.get(),
                              name_as_given(target).c_str(), 0));
}

Errno path_readlink(WasiCall& call) {
  const uint32_t buf = call.u32(3);
  const uint32_t buf_len = call.u32(4);
  const uint32_t bufused_ptr = call.u32(5);
  uint8_t* out = call.memory.span(buf, buf_len);
  if (out == nullptr || !call.memory.valid(bufused_ptr, sizeof(uint32_t))) return Errno::kFault;
  PathParent parent;  // a trailing '/' follows the link, so readlink then reports kInval
  if (Errno e = resolve_parent(call, call.u32(0), rights::kPathReadlink, call.u32(1),
                               call.u32(2), LastLink::kFollowOnSlash, &parent);
      e != Errno::kSuccess) {
    return e;
  }
  char target[PATH_MAX];
  const ssize_t n = ::readlinkat(parent.dir.get(), parent.name.c_str(), target, sizeof target);
  if (n < 0) return errno_from_host(errno);
  const uint32_t used = std::min(static_cast<uint32_t>(n), buf_len);
  std::memcpy(out, target, used);
  call.memory.store<uint32_t>(bufused_ptr, used);
  return Errno::kSuccess;
}

/// Resolves the name at ({ptr}, {len}) beneath directory fd {fd} (which must hold {rights})
/// and applies {op} to (parent fd, name as the guest wrote it).
template <typename Op>
Errno on_name(WasiCall& call, uint32_t fd, uint64_t rights, uint32_t ptr, uint32_t len, Op op) {
  PathParent parent;
  if (Errno e = resolve_parent(call, fd, rights, ptr, len, LastLink::kKeep, &parent);
      e != Errno::kSuccess) {
    return e;
  }
  return host_result(op(parent.dir.get(), name_as_given(parent).c_str()));
}

Errno path_remove_directory(WasiCall& call) {
  return on_name(call, call.u32(0), rights::kPathRemoveDirectory, call.u32(1), call.u32(2),
                 [](int dir, const char* name) { return ::unlinkat(dir, name, AT_REMOVEDIR); });
}

Errno path_unlink_file(WasiCall& call) {
  return on_name(call, call.u32(0), rights::kPathUnlinkFile, call.u32(1), call.u32(2),
                 [](int dir, const char* name) { return ::unlinkat(dir, name, 0); });
}

Errno path_rename(WasiCall& call) {
  PathParent source;
  if (Errno e = resolve_parent(call, call.u32(0), rights::kPathRenameSource, call.u32(1),
                               call.u32(2), LastLink::kKeep, &source);
      e != Errno::kSuccess) {
    return e;
  }
  const std::string source_name = name_as_given(source);
  return on_name(call, call.u32(3), rights::kPathRenameTarget, call.u32(4), call.u32(5),
                 [&](int dir, const char* name) {
                   return ::renameat(source.dir.get(), source_name.c_str(), dir, name);
                 });
}

Errno path_symlink(WasiCall& call) {
  // The target is stored as given: following it later is where the sandbox applies.
  std::string link_text;
  if (Errno e = read_path(call, call.u32(0), call.u32(1), &link_text); e != Errno::kSuccess) {
    return e;
  }
  if (link_text.find('\0') != std::string::npos) return Errno::kInval;
  return on_name(call, call.u32(2), rights::kPathSymlink, call.u32(3), call.u32(4),
                 [&](int dir, const char* name) { return ::symlinkat(link_text.c_str(), dir, name); });
}

}  // namespace wasmscope::internal::wasi
