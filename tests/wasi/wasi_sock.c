// sock_accept, sock_recv, sock_send, sock_shutdown. preview1 has no call that creates a socket,
// and the runtime hands the guest none (no --listen option), so the best a guest can check is
// that these refuse fds that are not sockets: a file fd gets ENOTSOCK (or ENOTCAPABLE where
// the file fd lacks the right the call needs: sock_accept and sock_shutdown have their own
// rights, which files never get), and an fd that is not open gets EBADF.
#include <fcntl.h>
#include <unistd.h>

#include "check.h"

static void check_not_socket(__wasi_errno_t e, int rights_may_fail, const char *what) {
  if (e == __WASI_ERRNO_NOTSOCK || (rights_may_fail && e == __WASI_ERRNO_NOTCAPABLE)) ok(what);
  else fail(what, "errno %d (%s)", e, strerror(e));
}

int main(void) {
  int fd = open("/sandbox/sock.txt", O_RDWR | O_CREAT, 0644);
  CHECK_OK(fd, "open a file");
  uint8_t data[8] = "payload";
  __wasi_iovec_t iov = {data, sizeof data};
  __wasi_ciovec_t ciov = {data, sizeof data};
  __wasi_size_t n = 0;
  __wasi_roflags_t roflags = 0;
  __wasi_fd_t accepted = 0;

  check_not_socket(__wasi_sock_accept(fd, 0, &accepted), 1, "sock_accept on a file");
  check_not_socket(__wasi_sock_recv(fd, &iov, 1, 0, &n, &roflags), 0, "sock_recv on a file");
  check_not_socket(__wasi_sock_send(fd, &ciov, 1, 0, &n), 0, "sock_send on a file");
  check_not_socket(__wasi_sock_shutdown(fd, __WASI_SDFLAGS_RD | __WASI_SDFLAGS_WR), 1,
                   "sock_shutdown on a file");
  check_not_socket(__wasi_sock_send(1, &ciov, 1, 0, &n), 0, "sock_send on stdout");
  check_not_socket(__wasi_sock_recv(0, &iov, 1, 0, &n, &roflags), 0, "sock_recv on stdin");

  CHECK_WASI(__wasi_sock_accept(1000, 0, &accepted), __WASI_ERRNO_BADF, "sock_accept unused fd");
  CHECK_WASI(__wasi_sock_recv(1000, &iov, 1, 0, &n, &roflags), __WASI_ERRNO_BADF,
             "sock_recv unused fd");
  CHECK_WASI(__wasi_sock_send(1000, &ciov, 1, 0, &n), __WASI_ERRNO_BADF, "sock_send unused fd");
  CHECK_WASI(__wasi_sock_shutdown(1000, __WASI_SDFLAGS_WR), __WASI_ERRNO_BADF,
             "sock_shutdown unused fd");

  // Nothing was sent into the file or read from it.
  struct stat;
  off_t size = lseek(fd, 0, SEEK_END);
  CHECK(size == 0, "the file is still empty");
  close(fd);
  return finish();
}
