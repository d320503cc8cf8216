// The fd_* functions: reads and writes (which wait interruptibly when the host fd may block),
// seeking, fd flags and rights, file metadata, preopens and directory listing.
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <vector>

#include "wasi/internal.h"

namespace wasmscope::internal::wasi {

// ---- Waiting for a host fd (shared with sock.cc, which declares them) ----

/// True if I/O of {bytes} bytes on {entry} may block: the fd is not a regular file or
/// directory (a pipe, terminal, socket or device), is in blocking mode, and {bytes} > 0 (an
/// empty transfer returns at once).
bool io_may_block(const FdEntry& entry, uint64_t bytes) {
  if (bytes == 0 || entry.type == Filetype::kRegularFile || entry.type == Filetype::kDirectory) {
    return false;
  }
  const int flags = ::fcntl(entry.host_fd, F_GETFL);
  return flags >= 0 && (flags & O_NONBLOCK) == 0;
}

/// Waits until {host_fd} is ready for {events}: kSuccess, or the interrupted trap's errno on a
/// terminate request, or the host error.
Errno wait_ready(WasiCall& call, int host_fd, short events) {
  pollfd pfd{host_fd, events, 0};
  switch (wait_until(call.exec, &pfd, 1, UINT64_MAX)) {
    case WaitStatus::kTerminated:
      return interrupted(call);
    case WaitStatus::kError:
      return errno_from_host(errno);
    default:
      return Errno::kSuccess;
  }
}

/// Total bytes of {iovs}.
uint64_t iovec_bytes(const std::vector<struct iovec>& iovs) {
  uint64_t total = 0;
  for (const struct iovec& iov : iovs)
    total += iov.iov_len;
  return total;
}

namespace {

// ---- Reads and writes ----

/// Runs {io} (one read or write syscall: a count or -1 with errno) until it succeeds or fails
/// for good. With {wait_first}, waits for {events} before each try, so a blocking fd is only
/// touched when ready and a terminate request can end the wait; EAGAIN (another reader or
/// writer got there first) and EINTR try again.
template <typename Io>
Errno retry_io(WasiCall& call, int host_fd, short events, bool wait_first, Io io, size_t* done) {
  for (;;) {
    if (wait_first) {
      const Errno ready = wait_ready(call, host_fd, events);
      if (ready != Errno::kSuccess) return ready;
    }
    const ssize_t n = io();
    if (n >= 0) {
      *done = static_cast<size_t>(n);
      return Errno::kSuccess;
    }
    if (errno == EINTR) continue;
    if (wait_first && (errno == EAGAIN || errno == EWOULDBLOCK)) continue;
    return errno_from_host(errno);
  }
}

/// Runs {write} with SIGPIPE blocked for this thread, so writing to a pipe or socket whose
/// reader is gone fails with EPIPE (kPipe for the guest) instead of ending the host process.
/// The SIGPIPE such a write raises is taken off the pending set before unblocking.
template <typename Write>
ssize_t write_without_sigpipe(Write write) {
  sigset_t pipe_only;
  sigemptyset(&pipe_only);
  sigaddset(&pipe_only, SIGPIPE);
  sigset_t original;
  pthread_sigmask(SIG_BLOCK, &pipe_only, &original);
  sigset_t pending;
  sigpending(&pending);
  const bool was_pending = sigismember(&pending, SIGPIPE) == 1;
  const ssize_t n = write();
  const int saved_errno = errno;
  if (n < 0 && saved_errno == EPIPE && !was_pending) {
    const struct timespec no_wait = {0, 0};
    while (::sigtimedwait(&pipe_only, nullptr, &no_wait) < 0 && errno == EINTR) {
    }
  }
  pthread_sigmask(SIG_SETMASK, &original, nullptr);
  errno = saved_errno;
  return n;
}

enum class Direction { kRead, kWrite };

/// fd_read, fd_write, fd_pread and fd_pwrite: (fd, iovs, iovs_len[, offset], result_ptr).
Errno vectored_io(WasiCall& call, Direction direction, bool positional) {
  const bool reading = direction == Direction::kRead;
  uint64_t needed = reading ? rights::kFdRead : rights::kFdWrite;
  if (positional) needed |= rights::kFdSeek;
  Errno error = Errno::kSuccess;
  const FdEntry* entry = call.wasi.fds().get(call.u32(0), needed, &error);
  if (entry == nullptr) return error;
  std::vector<struct iovec> iovs;
  error = load_iovecs(call.memory, call.u32(1), call.u32(2), &iovs);
  if (error != Errno::kSuccess) return error;
  const uint64_t offset = positional ? call.u64(3) : 0;
  const uint32_t result_ptr = call.u32(positional ? 4 : 3);
  // Checked before the transfer: data taken from a pipe must not be lost to a bad pointer.
  if (!call.memory.valid(result_ptr, 4)) return Errno::kFault;
  if (offset > static_cast<uint64_t>(INT64_MAX)) return Errno::kInval;
  const int fd = entry->host_fd;
  const bool plain_file = entry->type == Filetype::kRegularFile;
  // Only pipes and sockets raise SIGPIPE: FIFOs are kUnknown, as {filetype_from_mode} says.
  const bool pipe_like = entry->type == Filetype::kUnknown ||
                         entry->type == Filetype::kSocketStream ||
                         entry->type == Filetype::kSocketDgram;
  // Positional I/O on a pipe or socket fails at once; do not wait for readiness first.
  if (positional && !plain_file && ::lseek(fd, 0, SEEK_CUR) < 0 && errno == ESPIPE) {
    return Errno::kSpipe;
  }
  const bool wait_first = io_may_block(*entry, iovec_bytes(iovs));
  const auto off = static_cast<off_t>(offset);
  const int count = static_cast<int>(iovs.size());
  const auto io = [&]() -> ssize_t {
    if (reading) {
      return positional ? ::preadv(fd, iovs.data(), count, off) : ::readv(fd, iovs.data(), count);
    }
    const auto write = [&] {
      return positional ? ::pwritev(fd, iovs.data(), count, off) : ::writev(fd, iovs.data(), count);
    };
    return pipe_like ? write_without_sigpipe(write) : write();
  };
  size_t done = 0;
  error = retry_io(call, fd, reading ? POLLIN : POLLOUT, wait_first, io, &done);
  if (error != Errno::kSuccess) return error;
  call.memory.store<uint32_t>(result_ptr, static_cast<uint32_t>(done));
  return Errno::kSuccess;
}

// ---- Flags ----

/// The preview1 fdflags of host open flags {host}. O_SYNC includes the O_DSYNC bit on Linux,
/// so a file in O_SYNC mode reports dsync and sync (it does complete both ways); O_RSYNC is
/// only reported where it differs from O_SYNC (on glibc it is O_SYNC).
uint16_t fdflags_from_host(int host) {
  uint16_t flags = 0;
  if (host & O_APPEND) flags |= kFdflagAppend;
  if (host & O_NONBLOCK) flags |= kFdflagNonblock;
  if (host & O_DSYNC) flags |= kFdflagDsync;
  if ((host & O_SYNC) == O_SYNC) flags |= kFdflagSync;
#if O_RSYNC != O_SYNC
  if ((host & O_RSYNC) == O_RSYNC) flags |= kFdflagRsync;
#endif
  return flags;
}

/// The host synchronization bits that the preview1 {flags} ask for.
int host_sync_bits(uint32_t flags) {
  int host = 0;
  if (flags & kFdflagDsync) host |= O_DSYNC;
  if (flags & kFdflagRsync) host |= O_RSYNC;
  if (flags & kFdflagSync) host |= O_SYNC;
  return host;
}

// ---- Directory listing ----

/// The directory stream of {entry}, opened on first use on a new open file description of
/// the directory (its own offset; "." also works on an O_PATH fd), or on a dup if reopening
/// is refused. Null with errno set on failure.
DIR* directory_stream(FdEntry* entry) {
  if (entry->dir != nullptr) return entry->dir;
  int fd = ::openat(entry->host_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) fd = ::fcntl(entry->host_fd, F_DUPFD_CLOEXEC, 0);
  if (fd < 0) return nullptr;
  entry->dir = ::fdopendir(fd);
  if (entry->dir == nullptr) {
    const int saved_errno = errno;
    ::close(fd);
    errno = saved_errno;
  }
  return entry->dir;
}

/// Positions {entry}'s stream {dir} at {cookie}: 0 rewinds (rereading the directory, so new
/// entries show), any other value is the d_off of an entry read earlier (nothing to do if the
/// stream is there already, which is where the next call of a sequential listing usually is
/// not: the last entry returned is often cut short and asked for again).
void seek_stream(FdEntry* entry, DIR* dir, uint64_t cookie) {
  if (cookie == 0) {
    ::rewinddir(dir);
  } else if (entry->dir_cookie != cookie) {
    if constexpr (sizeof(long) >= sizeof(uint64_t)) {
      ::seekdir(dir, static_cast<long>(cookie));
    } else {
      // seekdir takes a long, too narrow for a 64-bit d_off (ext4's hashes, or any d_off
      // under qemu-user, whose syscalls are 64-bit). A rewound stream has nothing buffered
      // and reads on from its descriptor's offset: put that at the cookie.
      ::rewinddir(dir);
      ::lseek(::dirfd(dir), static_cast<off_t>(cookie), SEEK_SET);
    }
  }
  entry->dir_cookie = cookie;
}

/// The preview1 filetype of directory entry {d} of {dir}: from {d_type}, or from an lstat
/// when the file system does not fill it in.
Filetype dirent_filetype(DIR* dir, const struct dirent& d) {
  switch (d.d_type) {
    case DT_REG:
      return Filetype::kRegularFile;
    case DT_DIR:
      return Filetype::kDirectory;
    case DT_LNK:
      return Filetype::kSymbolicLink;
    case DT_CHR:
      return Filetype::kCharacterDevice;
    case DT_BLK:
      return Filetype::kBlockDevice;
    case DT_SOCK:
      return Filetype::kSocketStream;
    case DT_UNKNOWN:
      break;
    default:
      return Filetype::kUnknown;  // FIFOs, as {filetype_from_mode} reports them
  }
  struct stat st;
  if (::fstatat(::dirfd(dir), d.d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) return Filetype::kUnknown;
  return filetype_from_mode(st.st_mode);
}

/// Writes the dirent header and name of {d} at {out}, at most {room} bytes of them (the last
/// entry of a full buffer is cut short); returns the bytes written.
uint32_t put_dirent(uint8_t* out, uint32_t room, DIR* dir, const struct dirent& d,
                    uint64_t next_cookie) {
  using L = layout::Dirent;
  const auto name_len = static_cast<uint32_t>(std::strlen(d.d_name));
  uint8_t header[L::kSize] = {};
  const uint64_t ino = d.d_ino;
  const auto type = static_cast<uint8_t>(dirent_filetype(dir, d));
  std::memcpy(header + L::kNext, &next_cookie, 8);
  std::memcpy(header + L::kIno, &ino, 8);
  std::memcpy(header + L::kNamlen, &name_len, 4);
  std::memcpy(header + L::kType, &type, 1);
  const uint32_t header_part = room < L::kSize ? room : L::kSize;
  std::memcpy(out, header, header_part);
  const uint32_t name_part = room - header_part < name_len ? room - header_part : name_len;
  std::memcpy(out + header_part, d.d_name, name_part);
  return header_part + name_part;
}

}  // namespace

// ---- Reads and writes ----

Errno fd_read(WasiCall& call) {
  return vectored_io(call, Direction::kRead, false);
}

Errno fd_write(WasiCall& call) {
  return vectored_io(call, Direction::kWrite, false);
}

Errno fd_pread(WasiCall& call) {
  return vectored_io(call, Direction::kRead, true);
}

Errno fd_pwrite(WasiCall& call) {
  return vectored_io(call, Direction::kWrite, true);
}

// ---- Offsets ----

// Asking for the current offset (cur + 0) is what fd_tell does, so it needs only kFdTell.
Errno fd_seek(WasiCall& call) {
  const auto offset = static_cast<int64_t>(call.u64(1));
  const uint32_t whence = call.u32(2);
  const uint32_t result_ptr = call.u32(3);
  const uint64_t needed = whence == kWhenceCur && offset == 0 ? rights::kFdTell : rights::kFdSeek;
  Errno error = Errno::kSuccess;
  const FdEntry* entry = call.wasi.fds().get(call.u32(0), needed, &error);
  if (entry == nullptr) return error;
  int host_whence;
  switch (whence) {
    case kWhenceSet:
      host_whence = SEEK_SET;
      break;
    case kWhenceCur:
      host_whence = SEEK_CUR;
      break;
    case kWhenceEnd:
      host_whence = SEEK_END;
      break;
    default:
      return Errno::kInval;
  }
  if (!call.memory.valid(result_ptr, 8)) return Errno::kFault;
  const off_t result = ::lseek(entry->host_fd, static_cast<off_t>(offset), host_whence);
  if (result < 0) return errno_from_host(errno);
  call.memory.store<uint64_t>(result_ptr, static_cast<uint64_t>(result));
  return Errno::kSuccess;
}

Errno fd_tell(WasiCall& call) {
  Errno error = Errno::kSuccess;
  const FdEntry* entry = call.wasi.fds().get(call.u32(0), rights::kFdTell, &error);
  if (entry == nullptr) return error;
  if (!call.memory.valid(call.u32(1), 8)) return Errno::kFault;
  const off_t result = ::lseek(entry->host_fd, 0, SEEK_CUR);
  if (result < 0) return errno_from_host(errno);
  call.memory.store<uint64_t>(call.u32(1), static_cast<uint64_t>(result));
  return Errno::kSuccess;
}

// ---- Data and space ----

Errno fd_sync(WasiCall& call) {
  Errno error = Errno::kSuccess;
  const FdEntry* entry = call.wasi.fds().get(call.u32(0), rights::kFdSync, &error);
  if (entry == nullptr) return error;
  return ::fsync(entry->host_fd) == 0 ? Errno::kSuccess : errno_from_host(errno);
}

Errno fd_datasync(WasiCall& call) {
  Errno error = Errno::kSuccess;
  const FdEntry* entry = call.wasi.fds().get(call.u32(0), rights::kFdDatasync, &error);
  if (entry == nullptr) return error;
  return ::fdatasync(entry->host_fd) == 0 ? Errno::kSuccess : errno_from_host(errno);
}

// posix_fadvise returns its error instead of setting errno; a pipe gives ESPIPE.
Errno fd_advise(WasiCall& call) {
  Errno error = Errno::kSuccess;
  const FdEntry* entry = call.wasi.fds().get(call.u32(0), rights::kFdAdvise, &error);
  if (entry == nullptr) return error;
  const uint64_t offset = call.u64(1);
  const uint64_t len = call.u64(2);
  int advice;
  switch (call.u32(3)) {
    case kAdviceNormal:
      advice = POSIX_FADV_NORMAL;
      break;
    case kAdviceSequential:
      advice = POSIX_FADV_SEQUENTIAL;
      break;
    case kAdviceRandom:
      advice = POSIX_FADV_RANDOM;
      break;
    case kAdviceWillNeed:
      advice = POSIX_FADV_WILLNEED;
      break;
    case kAdviceDontNeed:
      advice = POSIX_FADV_DONTNEED;
      break;
    case kAdviceNoReuse:
      advice = POSIX_FADV_NOREUSE;
      break;
    default:
      return Errno::kInval;
  }
  if (offset > static_cast<uint64_t>(INT64_MAX) || len > static_cast<uint64_t>(INT64_MAX)) {
    return Errno::kInval;
  }
  return errno_from_host(
      ::posix_fadvise(entry->host_fd, static_cast<off_t>(offset), static_cast<off_t>(len), advice));
}

// posix_fallocate returns its error instead of setting errno.
Errno fd_allocate(WasiCall& call) {
  Errno error = Errno::kSuccess;
  const FdEntry* entry = call.wasi.fds().get(call.u32(0), rights::kFdAllocate, &error);
  if (entry == nullptr) return error;
  const uint64_t offset = call.u64(1);
  const uint64_t len = call.u64(2);
  if (offset > static_cast<uint64_t>(INT64_MAX) || len > static_cast<uint64_t>(INT64_MAX)) {
    return Errno::kInval;
  }
  return errno_from_host(
      ::posix_fallocate(entry->host_fd, static_cast<off_t>(offset), static_cast<off_t>(len)));
}

// ---- Fd state ----

Errno fd_close(WasiCall& call) {
  return call.wasi.fds().close(call.u32(0)) ? Errno::kSuccess : Errno::kBadf;
}

Errno fd_renumber(WasiCall& call) {
  return call.wasi.fds().renumber(call.u32(0), call.u32(1));
}

Errno fd_fdstat_get(WasiCall& call) {
  using L = layout::Fdstat;
  const FdEntry* entry = call.wasi.fds().get(call.u32(0));
  if (entry == nullptr) return Errno::kBadf;
  uint8_t* out = call.memory.span(call.u32(1), L::kSize);
  if (out == nullptr) return Errno::kFault;
  const int host_flags = ::fcntl(entry->host_fd, F_GETFL);
  if (host_flags < 0) return errno_from_host(errno);
  const uint16_t flags = fdflags_from_host(host_flags);
  std::memset(out, 0, L::kSize);
  out[L::kFiletype] = static_cast<uint8_t>(entry->type);
  std::memcpy(out + L::kFlags, &flags, 2);
  std::memcpy(out + L::kRightsBase, &entry->rights_base, 8);
  std::memcpy(out + L::kRightsInheriting, &entry->rights_inheriting, 8);
  return Errno::kSuccess;
}

// Append and nonblock are host file status flags that F_SETFL changes. Linux has no way to
// change the synchronization mode after open, so asking for a different one is kNotSup;
// repeating the current one (as F_GETFL | O_NONBLOCK round trips do) is fine.
Errno fd_fdstat_set_flags(WasiCall& call) {
  Errno error = Errno::kSuccess;
  const FdEntry* entry = call.wasi.fds().get(call.u32(0), rights::kFdFdstatSetFlags, &error);
  if (entry == nullptr) return error;
  const uint32_t flags = call.u32(1);
  constexpr uint32_t kKnown =
      kFdflagAppend | kFdflagDsync | kFdflagNonblock | kFdflagRsync | kFdflagSync;
  if (flags & ~kKnown) return Errno::kInval;
  const int current = ::fcntl(entry->host_fd, F_GETFL);
  if (current < 0) return errno_from_host(errno);
  constexpr int kSyncBits = O_DSYNC | O_RSYNC | O_SYNC;
  if ((current & kSyncBits) != host_sync_bits(flags)) return Errno::kNotSup;
  int wanted = current & ~(O_APPEND | O_NONBLOCK);
  if (flags & kFdflagAppend) wanted |= O_APPEND;
  if (flags & kFdflagNonblock) wanted |= O_NONBLOCK;
  if (wanted == current) return Errno::kSuccess;
  return ::fcntl(entry->host_fd, F_SETFL, wanted) == 0 ? Errno::kSuccess : errno_from_host(errno);
}

// Rights can only be dropped, never gained back.
Errno fd_fdstat_set_rights(WasiCall& call) {
  FdEntry* entry = call.wasi.fds().get(call.u32(0));
  if (entry == nullptr) return Errno::kBadf;
  const uint64_t base = call.u64(1);
  const uint64_t inheriting = call.u64(2);
  if ((base & ~entry->rights_base) != 0 || (inheriting & ~entry->rights_inheriting) != 0) {
    return Errno::kNotCapable;
  }
  entry->rights_base = base;
  entry->rights_inheriting = inheriting;
  return Errno::kSuccess;
}

// ---- File metadata ----

Errno fd_filestat_get(WasiCall& call) {
  Errno error = Errno::kSuccess;
  const FdEntry* entry = call.wasi.fds().get(call.u32(0), rights::kFdFilestatGet, &error);
  if (entry == nullptr) return error;
  if (!call.memory.valid(call.u32(1), layout::Filestat::kSize)) return Errno::kFault;
  struct stat st;
  if (::fstat(entry->host_fd, &st) != 0) return errno_from_host(errno);
  store_filestat(call.memory, call.u32(1), st);
  return Errno::kSuccess;
}

Errno fd_filestat_set_size(WasiCall& call) {
  Errno error = Errno::kSuccess;
  const FdEntry* entry = call.wasi.fds().get(call.u32(0), rights::kFdFilestatSetSize, &error);
  if (entry == nullptr) return error;
  const uint64_t size = call.u64(1);
  if (size > static_cast<uint64_t>(INT64_MAX)) return Errno::kInval;
  return ::ftruncate(entry->host_fd, static_cast<off_t>(size)) == 0 ? Errno::kSuccess
                                                                    : errno_from_host(errno);
}

Errno fd_filestat_set_times(WasiCall& call) {
  Errno error = Errno::kSuccess;
  const FdEntry* entry = call.wasi.fds().get(call.u32(0), rights::kFdFilestatSetTimes, &error);
  if (entry == nullptr) return error;
  const uint32_t fstflags = call.u32(3);
  if (fstflags > UINT16_MAX) return Errno::kInval;
  return set_times(entry->host_fd, nullptr, 0, call.u64(1), call.u64(2),
                   static_cast<uint16_t>(fstflags));
}

// ---- Preopened directories ----

Errno fd_prestat_get(WasiCall& call) {
  using L = layout::Prestat;
  const FdEntry* entry = call.wasi.fds().get(call.u32(0));
  if (entry == nullptr || !entry->is_preopen) return Errno::kBadf;
  uint8_t* out = call.memory.span(call.u32(1), L::kSize);
  if (out == nullptr) return Errno::kFault;
  const auto name_len = static_cast<uint32_t>(entry->preopen_name.size());
  std::memset(out, 0, L::kSize);
  out[L::kTag] = kPreopenDir;
  std::memcpy(out + L::kNameLen, &name_len, 4);
  return Errno::kSuccess;
}

// The name is copied without a NUL; a longer buffer keeps its remaining bytes.
Errno fd_prestat_dir_name(WasiCall& call) {
  const FdEntry* entry = call.wasi.fds().get(call.u32(0));
  if (entry == nullptr || !entry->is_preopen) return Errno::kBadf;
  const std::string& name = entry->preopen_name;
  uint8_t* out = call.memory.span(call.u32(1), call.u32(2));
  if (out == nullptr) return Errno::kFault;
  if (call.u32(2) < name.size()) return Errno::kNameTooLong;
  std::memcpy(out, name.data(), name.size());
  return Errno::kSuccess;
}

// ---- Directory listing ----

// Cookies are the entries' d_off (on Linux an opaque 63-bit position the file system keeps
// stable while the directory is open: what telldir reports after reading the entry, where
// long has 64 bits), and 0 is the start. So a listing that resumes at the cookie of its last
// complete entry costs one seek, not a rescan from the start. "." and ".." are listed like any
// other entry.
Errno fd_readdir(WasiCall& call) {
  Errno error = Errno::kSuccess;
  FdEntry* entry = call.wasi.fds().get(call.u32(0), rights::kFdReaddir, &error);
  if (entry == nullptr) return error;
  if (entry->type != Filetype::kDirectory) return Errno::kNotDir;
  const uint32_t buf_len = call.u32(2);
  uint8_t* out = call.memory.span(call.u32(1), buf_len);
  const uint32_t used_ptr = call.u32(4);
  if (out == nullptr || !call.memory.valid(used_ptr, 4)) return Errno::kFault;
  DIR* dir = directory_stream(entry);
  if (dir == nullptr) return errno_from_host(errno);
  seek_stream(entry, dir, call.u64(3));
  uint32_t used = 0;
  while (used < buf_len) {
    errno = 0;
    const struct dirent* d = ::readdir(dir);
    if (d == nullptr) {
      if (errno != 0) return errno_from_host(errno);
      break;
    }
    const auto next = static_cast<uint64_t>(d->d_off);
    entry->dir_cookie = next;
    used += put_dirent(out + used, buf_len - used, dir, *d, next);
  }
  call.memory.store<uint32_t>(used_ptr, used);
  return Errno::kSuccess;
}

}  // namespace wasmscope::internal::wasi
