// poll_oneoff: clock and fd-readiness subscriptions, waited for together in one ppoll.
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>

#include "wasi/internal.h"

namespace wasmscope::internal::wasi {
namespace {

using Sub = layout::Subscription;
using Ev = layout::Event;

struct Subscription {
  uint64_t userdata = 0;
  uint8_t type = 0;
  uint64_t deadline_ns = UINT64_MAX;  ///< Clocks: CLOCK_MONOTONIC time it fires.
  int poll_index = -1;                ///< Fds: the entry in the pollfd array.
  Errno error = Errno::kSuccess;      ///< Reported at once (bad fd, unknown clock).
};

/// When a clock subscription fires, as a CLOCK_MONOTONIC time. Absolute deadlines on other
/// clocks are converted by their current distance from now.
Errno clock_deadline(uint32_t clock_id, uint64_t timeout, uint16_t flags, uint64_t* out) {
  clockid_t clock;
  switch (clock_id) {
    case kClockRealtime: clock = CLOCK_REALTIME; break;
    case kClockMonotonic: clock = CLOCK_MONOTONIC; break;
    case kClockProcessCputime: clock = CLOCK_PROCESS_CPUTIME_ID; break;
    case kClockThreadCputime: clock = CLOCK_THREAD_CPUTIME_ID; break;
    default: return Errno::kInval;
  }
  if (flags & ~kSubclockAbstime) return Errno::kInval;
  const uint64_t mono_now = monotonic_now_ns();
  uint64_t relative = timeout;
  if (flags & kSubclockAbstime) {
    struct timespec now;
    ::clock_gettime(clock, &now);
    const uint64_t clock_now = timespec_to_ns(now);
    relative = timeout > clock_now ? timeout - clock_now : 0;
  }
  *out = relative > UINT64_MAX - mono_now ? UINT64_MAX - 1 : mono_now + relative;
  return Errno::kSuccess;
}

/// Bytes available to read on {fd}, for fd_read events: what is left of a regular file, or
/// what the pipe or socket holds.
uint64_t readable_bytes(int fd) {
  struct stat st;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    const off_t pos = ::lseek(fd, 0, SEEK_CUR);
    return pos >= 0 && st.st_size > pos ? static_cast<uint64_t>(st.st_size - pos) : 0;
  }
  int available = 0;
  return ::ioctl(fd, FIONREAD, &available) == 0 && available > 0
             ? static_cast<uint64_t>(available)
             : 0;
}

}  // namespace

Errno poll_oneoff(WasiCall& call) {
  const uint32_t in = call.u32(0);
  const uint32_t out = call.u32(1);
  const uint32_t count = call.u32(2);
  const uint32_t nevents_ptr = call.u32(3);
  if (count == 0) return Errno::kInval;
  const GuestMemory& mem = call.memory;
  if (!mem.valid(in, uint64_t{count} * Sub::kSize) ||
      !mem.valid(out, uint64_t{count} * Ev::kSize) || !mem.valid(nevents_ptr, 4)) {
    return Errno::kFault;
  }
  std::vector<Subscription> subs(count);
  std::vector<pollfd> fds;
  bool immediate = false;
  uint64_t earliest = UINT64_MAX;
  for (uint32_t i = 0; i < count; ++i) {
    const uint64_t base = in + uint64_t{i} * Sub::kSize;
    Subscription& sub = subs[i];
    mem.load(base + Sub::kUserdata, &sub.userdata);
    mem.load(base + Sub::kTag, &sub.type);
    if (sub.type == kEventClock) {
      uint32_t clock_id = 0;
      uint64_t timeout = 0;
      uint16_t flags = 0;
      mem.load(base + Sub::kClockId, &clock_id);
      mem.load(base + Sub::kClockTimeout, &timeout);
      mem.load(base + Sub::kClockFlags, &flags);
      sub.error = clock_deadline(clock_id, timeout, flags, &sub.deadline_ns);
      if (sub.error == Errno::kSuccess && sub.deadline_ns < earliest) earliest = sub.deadline_ns;
    } else if (sub.type == kEventFdRead || sub.type == kEventFdWrite) {
      uint32_t fd = 0;
      mem.load(base + Sub::kFd, &fd);
      const FdEntry* entry = call.wasi.fds().get(fd, rights::kPollFdReadwrite, &sub.error);
      if (entry != nullptr) {
        sub.poll_index = static_cast<int>(fds.size());
        fds.push_back({entry->host_fd,
                       static_cast<short>(sub.type == kEventFdRead ? POLLIN : POLLOUT), 0});
      }
    } else {
      sub.error = Errno::kInval;
    }
    if (sub.error != Errno::kSuccess) immediate = true;
  }
  // With an event already decided, only collect what is ready now; else wait.
  const uint64_t deadline = immediate ? 0 : earliest;
  if (deadline == UINT64_MAX && fds.empty()) return Errno::kInval;  // nothing could ever fire
  const WaitStatus status = wait_until(call.exec, fds.data(), fds.size(), deadline);
  if (status == WaitStatus::kTerminated) return interrupted(call);
  if (status == WaitStatus::kError) return errno_from_host(errno);
  const uint64_t now = monotonic_now_ns();
  uint32_t events = 0;
  for (const Subscription& sub : subs) {
    uint64_t nbytes = 0;
    uint16_t flags = 0;
    Errno error = sub.error;
    if (error == Errno::kSuccess) {
      if (sub.type == kEventClock) {
        if (sub.deadline_ns > now) continue;
      } else {
        const pollfd& p = fds[static_cast<size_t>(sub.poll_index)];
        if (p.revents == 0) continue;
        if (p.revents & POLLNVAL) {
          error = Errno::kBadf;
        } else {
          if (p.revents & POLLHUP) flags |= kEventFdReadwriteHangup;
          if (p.revents & POLLERR) error = Errno::kIo;
          if (sub.type == kEventFdRead) nbytes = readable_bytes(p.fd);
        }
      }
    }
    const uint64_t base = out + uint64_t{events} * Ev::kSize;
    std::memset(mem.span(base, Ev::kSize), 0, Ev::kSize);  // padding included
    mem.store<uint64_t>(base + Ev::kUserdata, sub.userdata);
    mem.store<uint16_t>(base + Ev::kError, static_cast<uint16_t>(error));
    mem.store<uint8_t>(base + Ev::kType, sub.type);
    mem.store<uint64_t>(base + Ev::kNbytes, nbytes);
    mem.store<uint16_t>(base + Ev::kFlags, flags);
    ++events;
  }
  mem.store<uint32_t>(nevents_ptr, events);
  return Errno::kSuccess;
}

}  // namespace wasmscope::internal::wasi
