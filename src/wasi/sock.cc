// The sock_* functions on sockets the guest was given (preview1 has no socket creation):
// accepting, receiving, sending and shutting down, waiting interruptibly like fd_read.
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <utility>
#include <vector>

#include "wasi/internal.h"

namespace wasmscope::internal::wasi {

// Defined in fd_ops.cc, shared with the fd_* reads and writes.
bool io_may_block(const FdEntry& entry, uint64_t bytes);
Errno wait_ready(WasiCall& call, int host_fd, short events);
uint64_t iovec_bytes(const std::vector<struct iovec>& iovs);

namespace {

/// The entry of guest socket {fd} holding {rights}: kBadf if not open, kNotSock if not a
/// socket (checked before rights: no other fd ever holds the socket-only ones), else
/// kNotCapable without {rights}.
FdEntry* socket_entry(WasiCall& call, uint32_t fd, uint64_t rights, Errno* error) {
  FdEntry* entry = call.wasi.fds().get(fd);
  if (entry == nullptr) {
    *error = Errno::kBadf;
  } else if (entry->type != Filetype::kSocketStream && entry->type != Filetype::kSocketDgram) {
    *error = Errno::kNotSock;
  } else if (!entry->has(rights)) {
    *error = Errno::kNotCapable;
  } else {
    return entry;
  }
  return nullptr;
}

/// Drops the first {n} bytes of {iovs} (after a partial receive).
void advance_iovecs(std::vector<struct iovec>* iovs, size_t n) {
  size_t drop = 0;
  while (drop < iovs->size() && n >= (*iovs)[drop].iov_len)
    n -= (*iovs)[drop++].iov_len;
  iovs->erase(iovs->begin(), iovs->begin() + static_cast<std::ptrdiff_t>(drop));
  if (!iovs->empty()) {
    (*iovs)[0].iov_base = static_cast<uint8_t*>((*iovs)[0].iov_base) + n;
    (*iovs)[0].iov_len -= n;
  }
}

/// True if {host_fd} is a stream socket, where MSG_WAITALL means "fill the whole buffer".
bool is_stream_socket(int host_fd) {
  int type = 0;
  socklen_t len = sizeof(type);
  return ::getsockopt(host_fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 && type == SOCK_STREAM;
}

/// One recvmsg into {iovs}, retried on EINTR and, when {wait_first}, waiting for data before
/// each try (EAGAIN waits again). {*msg_flags} gets the message's flags.
Errno receive_once(WasiCall& call, int fd, std::vector<struct iovec>* iovs, int flags,
                   bool wait_first, size_t* received, int* msg_flags) {
  for (;;) {
    if (wait_first) {
      const Errno ready = wait_ready(call, fd, POLLIN);
      if (ready != Errno::kSuccess) return ready;
    }
    struct msghdr msg = {};
    msg.msg_iov = iovs->data();
    msg.msg_iovlen = iovs->size();
    const ssize_t n = ::recvmsg(fd, &msg, flags);
    if (n >= 0) {
      *received = static_cast<size_t>(n);
      *msg_flags = msg.msg_flags;
      return Errno::kSuccess;
    }
    if (errno == EINTR) continue;
    if (wait_first && (errno == EAGAIN || errno == EWOULDBLOCK)) continue;
    return errno_from_host(errno);
  }
}

/// MSG_WAITALL on a blocking stream socket, done here so the wait stays interruptible:
/// receives without blocking in the kernel until {iovs} is full, the peer ends the stream,
/// or an error (which only counts if nothing arrived yet).
Errno receive_all(WasiCall& call, int fd, std::vector<struct iovec> iovs, int flags,
                  size_t* received, int* msg_flags) {
  const uint64_t wanted = iovec_bytes(iovs);
  size_t total = 0;
  while (total < wanted) {
    size_t n = 0;
    const Errno error = receive_once(call, fd, &iovs, flags | MSG_DONTWAIT, true, &n, msg_flags);
    if (error != Errno::kSuccess) {
      if (total == 0 || call.trap != Trap::kNone) return error;
      break;
    }
    if (n == 0) break;
    total += n;
    advance_iovecs(&iovs, n);
  }
  *received = total;
  return Errno::kSuccess;
}

}  // namespace

// On a blocking socket every recvmsg follows a wait for data and passes MSG_DONTWAIT, so the
// kernel never blocks the thread where a terminate request could not reach it. Peeking with
// MSG_WAITALL is left to the kernel (a peek cannot be assembled from pieces).
Errno sock_recv(WasiCall& call) {
  Errno error = Errno::kSuccess;
  const FdEntry* entry = socket_entry(call, call.u32(0), rights::kFdRead, &error);
  if (entry == nullptr) return error;
  const uint32_t ri_flags = call.u32(3);
  const uint32_t datalen_ptr = call.u32(4);
  const uint32_t flags_ptr = call.u32(5);
  if (ri_flags & ~uint32_t{kRecvPeek | kRecvWaitall}) return Errno::kInval;
  std::vector<struct iovec> iovs;
  error = load_iovecs(call.memory, call.u32(1), call.u32(2), &iovs);
  if (error != Errno::kSuccess) return error;
  if (!call.memory.valid(datalen_ptr, 4) || !call.memory.valid(flags_ptr, 2)) return Errno::kFault;
  const int fd = entry->host_fd;
  const bool peek = ri_flags & kRecvPeek;
  const bool wait_all = ri_flags & kRecvWaitall;
  const bool wait_first = io_may_block(*entry, iovec_bytes(iovs));
  size_t received = 0;
  int msg_flags = 0;
  if (wait_first && wait_all && !peek && is_stream_socket(fd)) {
    error = receive_all(call, fd, std::move(iovs), 0, &received, &msg_flags);
  } else {
    int flags = (peek ? MSG_PEEK : 0) | (wait_all ? MSG_WAITALL : 0);
    if (wait_first && !wait_all) flags |= MSG_DONTWAIT;
    error = receive_once(call, fd, &iovs, flags, wait_first, &received, &msg_flags);
  }
  if (error != Errno::kSuccess) return error;
  const uint16_t ro_flags = (msg_flags & MSG_TRUNC) ? kRecvDataTruncated : 0;
  call.memory.store<uint32_t>(datalen_ptr, static_cast<uint32_t>(received));
  call.memory.store<uint16_t>(flags_ptr, ro_flags);
  return Errno::kSuccess;
}

// MSG_NOSIGNAL: a peer that has gone away is kPipe for the guest, not SIGPIPE for the host.
Errno sock_send(WasiCall& call) {
  Errno error = Errno::kSuccess;
  const FdEntry* entry = socket_entry(call, call.u32(0), rights::kFdWrite, &error);
  if (entry == nullptr) return error;
  if (call.u32(3) != 0) return Errno::kInval;  // preview1 defines no siflags
  std::vector<struct iovec> iovs;
  error = load_iovecs(call.memory, call.u32(1), call.u32(2), &iovs);
  if (error != Errno::kSuccess) return error;
  const uint32_t datalen_ptr = call.u32(4);
  if (!call.memory.valid(datalen_ptr, 4)) return Errno::kFault;
  const int fd = entry->host_fd;
  const bool wait_first = io_may_block(*entry, iovec_bytes(iovs));
  for (;;) {
    if (wait_first) {
      error = wait_ready(call, fd, POLLOUT);
      if (error != Errno::kSuccess) return error;
    }
    struct msghdr msg = {};
    msg.msg_iov = iovs.data();
    msg.msg_iovlen = iovs.size();
    const ssize_t n = ::sendmsg(fd, &msg, MSG_NOSIGNAL);
    if (n >= 0) {
      call.memory.store<uint32_t>(datalen_ptr, static_cast<uint32_t>(n));
      return Errno::kSuccess;
    }
    if (errno == EINTR) continue;
    if (wait_first && (errno == EAGAIN || errno == EWOULDBLOCK)) continue;
    return errno_from_host(errno);
  }
}

Errno sock_shutdown(WasiCall& call) {
  Errno error = Errno::kSuccess;
  const FdEntry* entry = socket_entry(call, call.u32(0), rights::kSockShutdown, &error);
  if (entry == nullptr) return error;
  int how;
  switch (call.u32(1)) {
    case kShutRd:
      how = SHUT_RD;
      break;
    case kShutWr:
      how = SHUT_WR;
      break;
    case kShutRd | kShutWr:
      how = SHUT_RDWR;
      break;
    default:
      return Errno::kInval;
  }
  return ::shutdown(entry->host_fd, how) == 0 ? Errno::kSuccess : errno_from_host(errno);
}

// The new connection's fd gets the rights of a socket. Only the nonblock fdflag may be given.
Errno sock_accept(WasiCall& call) {
  Errno error = Errno::kSuccess;
  const FdEntry* entry = socket_entry(call, call.u32(0), rights::kSockAccept, &error);
  if (entry == nullptr) return error;
  const uint32_t flags = call.u32(1);
  const uint32_t fd_ptr = call.u32(2);
  if (flags & ~uint32_t{kFdflagNonblock}) return Errno::kInval;
  // Checked before accepting: a connection taken off the queue must not be dropped.
  if (!call.memory.valid(fd_ptr, 4)) return Errno::kFault;
  const int listener = entry->host_fd;
  const int accept_flags = SOCK_CLOEXEC | ((flags & kFdflagNonblock) ? SOCK_NONBLOCK : 0);
  const bool wait_first = io_may_block(*entry, 1);
  int host_fd;
  for (;;) {
    if (wait_first) {
      error = wait_ready(call, listener, POLLIN);
      if (error != Errno::kSuccess) return error;
    }
    host_fd = ::accept4(listener, nullptr, nullptr, accept_flags);
    if (host_fd >= 0) break;
    if (errno == EINTR) continue;
    if (wait_first && (errno == EAGAIN || errno == EWOULDBLOCK)) continue;
    return errno_from_host(errno);
  }
  FdEntry accepted;
  accepted.host_fd = host_fd;
  accepted.type = Filetype::kSocketStream;
  accepted.rights_base = rights::kSocket;
  accepted.rights_inheriting = rights::kSocket;
  const int64_t fd = call.wasi.fds().insert(std::move(accepted));
  if (fd < 0) {
    ::close(host_fd);
    return Errno::kNfile;
  }
  call.memory.store<uint32_t>(fd_ptr, static_cast<uint32_t>(fd));
  return Errno::kSuccess;
}

}  // namespace wasmscope::internal::wasi
