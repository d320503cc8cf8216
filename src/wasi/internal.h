// Shared by the files that implement the preview1 functions: the view of one call (arguments,
// the caller's memory, the WASI context), the fd table, and blocking waits that stay
// interruptible by the runtime.
#pragma once

#include <dirent.h>
#include <poll.h>
#include <sys/types.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "engine/context.h"
#include "engine/instance_data.h"
#include "wasi/abi.h"
#include "wasi/wasi.h"

namespace wasmscope::internal::wasi {

/// The caller's linear memory. Every access is bounds-checked: a guest pointer range outside
/// it makes the function return {Errno::kFault}.
class GuestMemory {
 public:
  GuestMemory(uint8_t* base, uint64_t size) : base_(base), size_(size) {}
  bool valid(uint64_t ptr, uint64_t len) const { return ptr <= size_ && len <= size_ - ptr; }
  /// {len} bytes at {ptr}, or null when out of bounds.
  uint8_t* span(uint64_t ptr, uint64_t len) const { return valid(ptr, len) ? base_ + ptr : nullptr; }
  template <typename T>
  bool load(uint64_t ptr, T* out) const {
    if (!valid(ptr, sizeof(T))) return false;
    std::memcpy(out, base_ + ptr, sizeof(T));
    return true;
  }
  template <typename T>
  bool store(uint64_t ptr, T value) const {
    if (!valid(ptr, sizeof(T))) return false;
    std::memcpy(base_ + ptr, &value, sizeof(T));
    return true;
  }
  /// The guest string at [ptr, ptr + len), or false when out of bounds.
  bool string(uint64_t ptr, uint64_t len, std::string* out) const {
    const uint8_t* p = span(ptr, len);
    if (p == nullptr) return false;
    out->assign(reinterpret_cast<const char*>(p), len);
    return true;
  }
  uint64_t size() const { return size_; }

 private:
  uint8_t* base_;
  uint64_t size_;
};

/// One call of a preview1 function.
struct WasiCall {
  WasiCall(WasiContext& w, ExecContext* e, GuestMemory m, const Slot* a)
      : wasi(w), exec(e), memory(m), args(a) {}
  WasiContext& wasi;
  ExecContext* exec;     ///< The calling thread's context (requests, state).
  GuestMemory memory;
  const Slot* args;      ///< Parameters in declaration order, one slot each.
  /// Set by functions that end the guest (proc_exit) or were interrupted: the trap to raise
  /// instead of returning an errno. {trap_message} is the host trap's text.
  Trap trap = Trap::kNone;
  std::string trap_message;

  uint32_t u32(size_t i) const { return static_cast<uint32_t>(args[i]); }
  uint64_t u64(size_t i) const { return args[i]; }
};

using WasiFn = Errno (*)(WasiCall& call);

/// One open guest fd.
struct FdEntry {
  int host_fd = -1;
  Filetype type = Filetype::kUnknown;
  uint64_t rights_base = 0;
  uint64_t rights_inheriting = 0;
  bool owned = true;              ///< Close {host_fd} when the guest closes the fd.
  bool is_preopen = false;
  std::string preopen_name;       ///< The guest path of a preopened directory.
  DIR* dir = nullptr;             ///< fd_readdir's stream, opened on first use (on a dup).
  uint64_t dir_cookie = 0;        ///< Where {dir} is: the d_off of the entry last read, or 0.
  bool has(uint64_t rights) const { return (rights_base & rights) == rights; }
};

/// The guest's fd numbers. Lowest free number first, as POSIX does.
///
/// Thread safety: all guest threads share one table. Each WASI call holds {mutex} from start
/// to end ({FdTable::CallLock}), except while it blocks in {wait_until}, which lets it go, so
/// one thread's read of an empty pipe does not stall the others. An entry a call looked up
/// stays alive until that call ends even if another thread closes its fd meanwhile (the host
/// fd is closed when the last such call lets go), so a host fd number is never reused under
/// a call still using it.
class FdTable {
 public:
  FdTable() = default;
  ~FdTable();
  FdTable(const FdTable&) = delete;
  FdTable& operator=(const FdTable&) = delete;

  /// Holds the table for one WASI call on the calling thread (see above).
  class CallLock {
   public:
    explicit CallLock(FdTable& table);
    ~CallLock();
    CallLock(const CallLock&) = delete;
    CallLock& operator=(const CallLock&) = delete;

   private:
    std::unique_lock<std::mutex> lock_;
  };

  /// The entry for {fd}, or null if it is not open.
  FdEntry* get(uint32_t fd);
  /// The entry for {fd} if open and holding {rights}: else null with {*error} set to kBadf or
  /// kNotCapable.
  FdEntry* get(uint32_t fd, uint64_t rights, Errno* error);
  /// Adds {entry} under the lowest free number; returns it, or kNfile-sized failure as -1.
  int64_t insert(FdEntry entry);
  /// Puts {entry} at {fd} (closing what was there).
  void insert_at(uint32_t fd, FdEntry entry);
  /// Closes {fd}: its host fd if owned, its directory stream. False if not open.
  bool close(uint32_t fd);
  /// Moves {from} to {to}, closing what {to} held. kBadf if either is not open.
  Errno renumber(uint32_t from, uint32_t to);
  size_t size() const { return entries_.size(); }

 private:
  std::mutex mutex_;
  std::vector<std::shared_ptr<FdEntry>> entries_;  ///< null: free. Guarded by {mutex_}
                                                   ///< during calls.
};

/// Lets the calling thread's {FdTable::CallLock}, if any, go for the life of this object:
/// for waits that may block.
class FdTableUnlocked {
 public:
  FdTableUnlocked();
  ~FdTableUnlocked();
  FdTableUnlocked(const FdTableUnlocked&) = delete;
  FdTableUnlocked& operator=(const FdTableUnlocked&) = delete;

 private:
  std::unique_lock<std::mutex>* lock_;
};

/// Filetype of a host stat mode.
Filetype filetype_from_mode(mode_t mode);
/// Rights a new fd of {type} gets at most.
uint64_t rights_for(Filetype type);
/// A nanosecond timestamp of a struct timespec.
uint64_t timespec_to_ns(const struct timespec& ts);

/// Why a blocking wait returned.
enum class WaitStatus { kReady, kTimedOut, kTerminated, kError };

/// Waits for {fds} (may be empty) to become ready or for CLOCK_MONOTONIC to reach
/// {deadline_ns} (UINT64_MAX: no deadline). Signals the runtime sends (captures, samples) do
/// not cut the wait short: it resumes with the remaining time. A terminate request on {exec}
/// ends it with kTerminated (the request's signal wakes the thread; see
/// {request_terminate}). kError leaves errno set.
WaitStatus wait_until(ExecContext* exec, pollfd* fds, nfds_t count, uint64_t deadline_ns);

/// CLOCK_MONOTONIC now, in nanoseconds.
uint64_t monotonic_now_ns();

/// Ends a WASI call with the "interrupted" trap: for blocking calls that saw kTerminated.
Errno interrupted(WasiCall& call);

// The preview1 functions, by file. Each reads its parameters from {call.args} in the witx
// order and returns the errno (proc_exit sets {call.trap} instead).
// wasi.cc
Errno args_get(WasiCall& call);
Errno args_sizes_get(WasiCall& call);
Errno environ_get(WasiCall& call);
Errno environ_sizes_get(WasiCall& call);
Errno clock_res_get(WasiCall& call);
Errno clock_time_get(WasiCall& call);
Errno random_get(WasiCall& call);
Errno proc_exit(WasiCall& call);
Errno proc_raise(WasiCall& call);
Errno sched_yield(WasiCall& call);
// fd_ops.cc
Errno fd_advise(WasiCall& call);
Errno fd_allocate(WasiCall& call);
Errno fd_close(WasiCall& call);
Errno fd_datasync(WasiCall& call);
Errno fd_fdstat_get(WasiCall& call);
Errno fd_fdstat_set_flags(WasiCall& call);
Errno fd_fdstat_set_rights(WasiCall& call);
Errno fd_filestat_get(WasiCall& call);
Errno fd_filestat_set_size(WasiCall& call);
Errno fd_filestat_set_times(WasiCall& call);
Errno fd_pread(WasiCall& call);
Errno fd_prestat_get(WasiCall& call);
Errno fd_prestat_dir_name(WasiCall& call);
Errno fd_pwrite(WasiCall& call);
Errno fd_read(WasiCall& call);
Errno fd_readdir(WasiCall& call);
Errno fd_renumber(WasiCall& call);
Errno fd_seek(WasiCall& call);
Errno fd_sync(WasiCall& call);
Errno fd_tell(WasiCall& call);
Errno fd_write(WasiCall& call);
// path_ops.cc
Errno path_create_directory(WasiCall& call);
Errno path_filestat_get(WasiCall& call);
Errno path_filestat_set_times(WasiCall& call);
Errno path_link(WasiCall& call);
Errno path_open(WasiCall& call);
Errno path_readlink(WasiCall& call);
Errno path_remove_directory(WasiCall& call);
Errno path_rename(WasiCall& call);
Errno path_symlink(WasiCall& call);
Errno path_unlink_file(WasiCall& call);
// poll.cc
Errno poll_oneoff(WasiCall& call);
// sock.cc
Errno sock_accept(WasiCall& call);
Errno sock_recv(WasiCall& call);
Errno sock_send(WasiCall& call);
Errno sock_shutdown(WasiCall& call);

/// Writes a filestat for {st} at {ptr}; false when out of bounds.
bool store_filestat(const GuestMemory& memory, uint64_t ptr, const struct stat& st);

/// Reads an iovec array ({count} entries at {ptr}) as host spans into guest memory. kFault if
/// the array or any buffer is out of bounds; kInval for more than IOV_MAX entries.
Errno load_iovecs(const GuestMemory& memory, uint32_t ptr, uint32_t count,
                  std::vector<struct iovec>* out);

/// Sets both timestamps of the file at ({dirfd}, {path}, {at_flags}) or of {fd} when {path}
/// is null, from the preview1 {atim}, {mtim} and {fstflags}. kInval for contradictory flags.
Errno set_times(int fd, const char* path, int at_flags, uint64_t atim, uint64_t mtim,
                uint16_t fstflags);

}  // namespace wasmscope::internal::wasi
