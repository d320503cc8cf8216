// Pieces every group of preview1 functions uses: errno mapping, the fd table, stat and iovec
// conversions.
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>

#include "wasi/internal.h"

namespace wasmscope::internal::wasi {

Errno errno_from_host(int e) {
  switch (e) {
    case 0: return Errno::kSuccess;
    case E2BIG: return Errno::k2Big;
    case EACCES: return Errno::kAcces;
    case EADDRINUSE: return Errno::kAddrInUse;
    case EADDRNOTAVAIL: return Errno::kAddrNotAvail;
    case EAFNOSUPPORT: return Errno::kAfNoSupport;
    case EAGAIN: return Errno::kAgain;
    case EALREADY: return Errno::kAlready;
    case EBADF: return Errno::kBadf;
    case EBADMSG: return Errno::kBadMsg;
    case EBUSY: return Errno::kBusy;
    case ECANCELED: return Errno::kCanceled;
    case ECHILD: return Errno::kChild;
    case ECONNABORTED: return Errno::kConnAborted;
    case ECONNREFUSED: return Errno::kConnRefused;
    case ECONNRESET: return Errno::kConnReset;
    case EDEADLK: return Errno::kDeadlk;
    case EDESTADDRREQ: return Errno::kDestAddrReq;
    case EDOM: return Errno::kDom;
    case EDQUOT: return Errno::kDquot;
    case EEXIST: return Errno::kExist;
    case EFAULT: return Errno::kFault;
    case EFBIG: return Errno::kFbig;
    case EHOSTUNREACH: return Errno::kHostUnreach;
    case EIDRM: return Errno::kIdrm;
    case EILSEQ: return Errno::kIlseq;
    case EINPROGRESS: return Errno::kInProgress;
    case EINTR: return Errno::kIntr;
    case EINVAL: return Errno::kInval;
    case EIO: return Errno::kIo;
    case EISCONN: return Errno::kIsConn;
    case EISDIR: return Errno::kIsDir;
    case ELOOP: return Errno::kLoop;
    case EMFILE: return Errno::kMfile;
    case EMLINK: return Errno::kMlink;
    case EMSGSIZE: return Errno::kMsgSize;
    case EMULTIHOP: return Errno::kMultihop;
    case ENAMETOOLONG: return Errno::kNameTooLong;
    case ENETDOWN: return Errno::kNetDown;
    case ENETRESET: return Errno::kNetReset;
    case ENETUNREACH: return Errno::kNetUnreach;
    case ENFILE: return Errno::kNfile;
    case ENOBUFS: return Errno::kNoBufs;
    case ENODEV: return Errno::kNoDev;
    case ENOENT: return Errno::kNoEnt;
    case ENOEXEC: return Errno::kNoExec;
    case ENOLCK: return Errno::kNoLck;
    case ENOLINK: return Errno::kNoLink;
    case ENOMEM: return Errno::kNoMem;
    case ENOMSG: return Errno::kNoMsg;
    case ENOPROTOOPT: return Errno::kNoProtoOpt;
    case ENOSPC: return Errno::kNoSpc;
    case ENOSYS: return Errno::kNoSys;
    case ENOTCONN: return Errno::kNotConn;
    case ENOTDIR: return Errno::kNotDir;
    case ENOTEMPTY: return Errno::kNotEmpty;
    case ENOTRECOVERABLE: return Errno::kNotRecoverable;
    case ENOTSOCK: return Errno::kNotSock;
    case ENOTSUP: return Errno::kNotSup;  // == EOPNOTSUPP on Linux
    case ENOTTY: return Errno::kNotTy;
    case ENXIO: return Errno::kNxio;
    case EOVERFLOW: return Errno::kOverflow;
    case EOWNERDEAD: return Errno::kOwnerDead;
    case EPERM: return Errno::kPerm;
    case EPIPE: return Errno::kPipe;
    case EPROTO: return Errno::kProto;
    case EPROTONOSUPPORT: return Errno::kProtoNoSupport;
    case EPROTOTYPE: return Errno::kProtoType;
    case ERANGE: return Errno::kRange;
    case EROFS: return Errno::kRofs;
    case ESPIPE: return Errno::kSpipe;
    case ESRCH: return Errno::kSrch;
    case ESTALE: return Errno::kStale;
    case ETIMEDOUT: return Errno::kTimedOut;
    case ETXTBSY: return Errno::kTxtBsy;
    case EXDEV: return Errno::kXdev;
    default: return Errno::kIo;
  }
}

Filetype filetype_from_mode(mode_t mode) {
  switch (mode & S_IFMT) {
    case S_IFREG: return Filetype::kRegularFile;
    case S_IFDIR: return Filetype::kDirectory;
    case S_IFCHR: return Filetype::kCharacterDevice;
    case S_IFBLK: return Filetype::kBlockDevice;
    case S_IFLNK: return Filetype::kSymbolicLink;
    case S_IFSOCK: return Filetype::kSocketStream;
    default: return Filetype::kUnknown;  // FIFOs included, as other runtimes report them
  }
}

uint64_t rights_for(Filetype type) {
  switch (type) {
    case Filetype::kDirectory: return rights::kDirectory;
    case Filetype::kSocketStream:
    case Filetype::kSocketDgram: return rights::kSocket;
    default: return rights::kFile;
  }
}

uint64_t timespec_to_ns(const struct timespec& ts) {
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(ts.tv_nsec);
}

bool store_filestat(const GuestMemory& memory, uint64_t ptr, const struct stat& st) {
  using L = layout::Filestat;
  if (!memory.valid(ptr, L::kSize)) return false;
  memory.store<uint64_t>(ptr + L::kDev, st.st_dev);
  memory.store<uint64_t>(ptr + L::kIno, st.st_ino);
  memory.store<uint8_t>(ptr + L::kFiletype, static_cast<uint8_t>(filetype_from_mode(st.st_mode)));
  memory.store<uint64_t>(ptr + L::kNlink, st.st_nlink);
  memory.store<uint64_t>(ptr + L::kFileSize, static_cast<uint64_t>(st.st_size));
  memory.store<uint64_t>(ptr + L::kAtim, timespec_to_ns(st.st_atim));
  memory.store<uint64_t>(ptr + L::kMtim, timespec_to_ns(st.st_mtim));
  memory.store<uint64_t>(ptr + L::kCtim, timespec_to_ns(st.st_ctim));
  return true;
}

Errno load_iovecs(const GuestMemory& memory, uint32_t ptr, uint32_t count,
                  std::vector<struct iovec>* out) {
  using L = layout::Iovec;
  if (count > IOV_MAX) return Errno::kInval;
  if (!memory.valid(ptr, uint64_t{count} * L::kSize)) return Errno::kFault;
  out->clear();
  out->reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t buf = 0;
    uint32_t len = 0;
    memory.load(ptr + uint64_t{i} * L::kSize + L::kBuf, &buf);
    memory.load(ptr + uint64_t{i} * L::kSize + L::kBufLen, &len);
    uint8_t* p = memory.span(buf, len);
    if (p == nullptr) return Errno::kFault;
    out->push_back({p, len});
  }
  return Errno::kSuccess;
}

namespace {

/// One timestamp of utimensat/futimens from the preview1 value and flags.
bool to_timespec(uint64_t value, bool set, bool now, struct timespec* out) {
  if (set && now) return false;
  if (now) {
    *out = {0, UTIME_NOW};
  } else if (set) {
    *out = {static_cast<time_t>(value / 1'000'000'000ull),
            static_cast<long>(value % 1'000'000'000ull)};
  } else {
    *out = {0, UTIME_OMIT};
  }
  return true;
}

}  // namespace

Errno set_times(int fd, const char* path, int at_flags, uint64_t atim, uint64_t mtim,
                uint16_t fstflags) {
  if (fstflags & ~(kFstAtim | kFstAtimNow | kFstMtim | kFstMtimNow)) return Errno::kInval;
  struct timespec times[2];
  if (!to_timespec(atim, fstflags & kFstAtim, fstflags & kFstAtimNow, &times[0]) ||
      !to_timespec(mtim, fstflags & kFstMtim, fstflags & kFstMtimNow, &times[1])) {
    return Errno::kInval;
  }
  const int rc = path == nullptr ? ::futimens(fd, times) : ::utimensat(fd, path, times, at_flags);
  return rc == 0 ? Errno::kSuccess : errno_from_host(errno);
}

// ---- FdTable ----

namespace {

/// The lock of the WASI call running on this thread, and the entries it looked up (kept
/// alive until the call ends; see {FdTable}).
thread_local std::unique_lock<std::mutex>* t_call_lock = nullptr;
thread_local std::vector<std::shared_ptr<FdEntry>> t_call_pins;

/// Closes what an entry owns once nothing refers to it any more.
void destroy_entry(FdEntry* entry) {
  if (entry->dir != nullptr) ::closedir(entry->dir);  // closes its own dup of the fd
  if (entry->owned && entry->host_fd >= 0) ::close(entry->host_fd);
  delete entry;
}

}  // namespace

FdTable::CallLock::CallLock(FdTable& table) : lock_(table.mutex_) { t_call_lock = &lock_; }

FdTable::CallLock::~CallLock() {
  t_call_lock = nullptr;
  // Dropping the pins may close host fds: still under the lock, so no other call can be
  // handed the same host fd number meanwhile.
  t_call_pins.clear();
}

FdTableUnlocked::FdTableUnlocked() : lock_(t_call_lock) {
  if (lock_ != nullptr) lock_->unlock();
}

FdTableUnlocked::~FdTableUnlocked() {
  if (lock_ != nullptr) lock_->lock();
}

FdTable::~FdTable() { entries_.clear(); }

FdEntry* FdTable::get(uint32_t fd) {
  if (fd >= entries_.size() || entries_[fd] == nullptr) return nullptr;
  if (t_call_lock != nullptr) t_call_pins.push_back(entries_[fd]);
  return entries_[fd].get();
}

FdEntry* FdTable::get(uint32_t fd, uint64_t rights, Errno* error) {
  FdEntry* entry = get(fd);
  if (entry == nullptr) {
    *error = Errno::kBadf;
    return nullptr;
  }
  if (!entry->has(rights)) {
    *error = Errno::kNotCapable;
    return nullptr;
  }
  return entry;
}

int64_t FdTable::insert(FdEntry entry) {
  auto owned = std::shared_ptr<FdEntry>(new FdEntry(std::move(entry)), destroy_entry);
  for (uint32_t fd = 0; fd < entries_.size(); ++fd) {
    if (entries_[fd] == nullptr) {
      entries_[fd] = std::move(owned);
      return fd;
    }
  }
  if (entries_.size() >= (1u << 20)) {
    owned->owned = false;  // the caller still owns the host fd on failure
    return -1;
  }
  entries_.push_back(std::move(owned));
  return static_cast<int64_t>(entries_.size() - 1);
}

void FdTable::insert_at(uint32_t fd, FdEntry entry) {
  if (fd >= entries_.size()) entries_.resize(fd + 1);
  entries_[fd] = std::shared_ptr<FdEntry>(new FdEntry(std::move(entry)), destroy_entry);
}

bool FdTable::close(uint32_t fd) {
  if (fd >= entries_.size() || entries_[fd] == nullptr) return false;
  entries_[fd].reset();
  return true;
}

Errno FdTable::renumber(uint32_t from, uint32_t to) {
  if (get(from) == nullptr || get(to) == nullptr) return Errno::kBadf;
  if (from == to) return Errno::kSuccess;
  entries_[to] = std::move(entries_[from]);
  return Errno::kSuccess;
}

}  // namespace wasmscope::internal::wasi
