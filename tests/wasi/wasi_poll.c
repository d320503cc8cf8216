// poll_oneoff: relative and absolute clock subscriptions (through nanosleep, clock_nanosleep,
// usleep and raw), fd_write on stdout, fd_read on stdin and on a file, poll(), errors. Run with
// "ping\n" piped into stdin and /sandbox/poll.txt holding "0123456789".
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static uint64_t mono_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void check_elapsed(uint64_t start, uint64_t want_ns, const char *what) {
  uint64_t got = mono_ns() - start;
  // At least what was asked for; at most 5 s more (a loaded machine is slow, not stuck).
  if (got >= want_ns && got < want_ns + 5000000000ull) ok(what);
  else fail(what, "slept %llu ns, asked for %llu", (unsigned long long)got,
            (unsigned long long)want_ns);
}

static __wasi_subscription_t clock_sub(uint64_t userdata, __wasi_clockid_t id, uint64_t timeout,
                                       __wasi_subclockflags_t flags) {
  __wasi_subscription_t s;
  memset(&s, 0, sizeof s);
  s.userdata = userdata;
  s.u.tag = __WASI_EVENTTYPE_CLOCK;
  s.u.u.clock.id = id;
  s.u.u.clock.timeout = timeout;
  s.u.u.clock.precision = 0;
  s.u.u.clock.flags = flags;
  return s;
}

static __wasi_subscription_t fd_sub(uint64_t userdata, __wasi_eventtype_t type, __wasi_fd_t fd) {
  __wasi_subscription_t s;
  memset(&s, 0, sizeof s);
  s.userdata = userdata;
  s.u.tag = type;
  if (type == __WASI_EVENTTYPE_FD_READ) s.u.u.fd_read.file_descriptor = fd;
  else s.u.u.fd_write.file_descriptor = fd;
  return s;
}

static void test_sleeps(void) {
  uint64_t t0 = mono_ns();
  struct timespec req = {0, 150000000}, rem = {9, 9};
  CHECK_OK(nanosleep(&req, &rem), "nanosleep 150 ms");
  check_elapsed(t0, 150000000, "nanosleep took at least 150 ms");

  t0 = mono_ns();
  CHECK_OK(usleep(50000), "usleep 50 ms");
  check_elapsed(t0, 50000000, "usleep took at least 50 ms");

  // Absolute deadline on the monotonic clock.
  t0 = mono_ns();
  uint64_t deadline = t0 + 120000000;
  struct timespec abs = {(time_t)(deadline / 1000000000u), (long)(deadline % 1000000000u)};
  CHECK(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL) == 0,
        "clock_nanosleep monotonic abstime");
  check_elapsed(t0, 120000000, "abstime sleep lasted until the deadline");

  // Relative on the realtime clock.
  t0 = mono_ns();
  struct timespec rel = {0, 80000000};
  CHECK(clock_nanosleep(CLOCK_REALTIME, 0, &rel, NULL) == 0, "clock_nanosleep realtime relative");
  check_elapsed(t0, 80000000, "realtime relative sleep");

  // Absolute realtime deadline, raw.
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  uint64_t rt_deadline = (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec + 100000000u;
  __wasi_subscription_t sub = clock_sub(77, __WASI_CLOCKID_REALTIME, rt_deadline,
                                        __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME);
  __wasi_event_t ev[4];
  __wasi_size_t n = 0;
  t0 = mono_ns();
  CHECK_WASI(__wasi_poll_oneoff(&sub, ev, 1, &n), 0, "poll_oneoff realtime abstime");
  check_elapsed(t0, 90000000, "realtime abstime waited");  // 10 ms slack: two clocks
  CHECK(n == 1 && ev[0].userdata == 77 && ev[0].type == __WASI_EVENTTYPE_CLOCK &&
            ev[0].error == 0,
        "realtime abstime event");

  // A deadline already past fires at once.
  sub = clock_sub(5, __WASI_CLOCKID_MONOTONIC, 1, __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME);
  t0 = mono_ns();
  CHECK_WASI(__wasi_poll_oneoff(&sub, ev, 1, &n), 0, "poll_oneoff past deadline");
  CHECK(n == 1 && ev[0].userdata == 5 && mono_ns() - t0 < 1000000000u, "past deadline at once");
  sub = clock_sub(6, __WASI_CLOCKID_MONOTONIC, 0, 0);
  CHECK_WASI(__wasi_poll_oneoff(&sub, ev, 1, &n), 0, "poll_oneoff zero timeout");
  CHECK(n == 1 && ev[0].userdata == 6 && ev[0].error == 0, "zero timeout fires");

  // Two clocks: only the earlier fires.
  __wasi_subscription_t two[2] = {
      clock_sub(1, __WASI_CLOCKID_MONOTONIC, 60000000, 0),
      clock_sub(2, __WASI_CLOCKID_MONOTONIC, 30000000000ull, 0),
  };
  t0 = mono_ns();
  CHECK_WASI(__wasi_poll_oneoff(two, ev, 2, &n), 0, "poll_oneoff two clocks");
  CHECK(n == 1 && ev[0].userdata == 1 && ev[0].type == __WASI_EVENTTYPE_CLOCK,
        "only the earlier clock fires");
  check_elapsed(t0, 60000000, "two clocks waited for the earlier");
}

static void test_fds(void) {
  __wasi_event_t ev[4];
  __wasi_size_t n = 0;
  uint64_t t0;

  // stdout is writable (a pipe or a file or a terminal).
  __wasi_subscription_t w[2] = {fd_sub(11, __WASI_EVENTTYPE_FD_WRITE, 1),
                                clock_sub(12, __WASI_CLOCKID_MONOTONIC, 10000000000ull, 0)};
  t0 = mono_ns();
  CHECK_WASI(__wasi_poll_oneoff(w, ev, 2, &n), 0, "poll_oneoff fd_write stdout");
  CHECK(n == 1 && ev[0].userdata == 11 && ev[0].type == __WASI_EVENTTYPE_FD_WRITE &&
            ev[0].error == 0 && mono_ns() - t0 < 5000000000ull,
        "stdout writable before the timeout");

  // A regular file is always ready; fd_read reports the bytes left to read.
  int fd = open("/sandbox/poll.txt", O_RDWR);
  CHECK_OK(fd, "open poll.txt");
  __wasi_subscription_t f[3] = {fd_sub(21, __WASI_EVENTTYPE_FD_READ, fd),
                                fd_sub(22, __WASI_EVENTTYPE_FD_WRITE, fd),
                                clock_sub(23, __WASI_CLOCKID_MONOTONIC, 10000000000ull, 0)};
  CHECK_WASI(__wasi_poll_oneoff(f, ev, 3, &n), 0, "poll_oneoff file fd_read and fd_write");
  int got_read = 0, got_write = 0, got_clock = 0;
  for (__wasi_size_t i = 0; i < n; ++i) {
    if (ev[i].userdata == 21 && ev[i].type == __WASI_EVENTTYPE_FD_READ && ev[i].error == 0)
      got_read = 1;
    if (ev[i].userdata == 22 && ev[i].type == __WASI_EVENTTYPE_FD_WRITE && ev[i].error == 0)
      got_write = 1;
    if (ev[i].userdata == 23) got_clock = 1;
  }
  CHECK(got_read && got_write && !got_clock, "file ready for reading and writing");

  // Unused fd: the event carries EBADF.
  __wasi_subscription_t bad[2] = {fd_sub(31, __WASI_EVENTTYPE_FD_READ, 1000),
                                  clock_sub(32, __WASI_CLOCKID_MONOTONIC, 10000000000ull, 0)};
  CHECK_WASI(__wasi_poll_oneoff(bad, ev, 2, &n), 0, "poll_oneoff bad fd");
  CHECK(n == 1 && ev[0].userdata == 31 && ev[0].error == __WASI_ERRNO_BADF,
        "bad fd event has EBADF");

  // stdin has "ping\n" coming.
  __wasi_subscription_t in[2] = {fd_sub(41, __WASI_EVENTTYPE_FD_READ, 0),
                                 clock_sub(42, __WASI_CLOCKID_MONOTONIC, 10000000000ull, 0)};
  CHECK_WASI(__wasi_poll_oneoff(in, ev, 2, &n), 0, "poll_oneoff fd_read stdin");
  CHECK(n == 1 && ev[0].userdata == 41 && ev[0].type == __WASI_EVENTTYPE_FD_READ &&
            ev[0].error == 0,
        "stdin readable");
  char buf[16] = {0};
  size_t got = 0;
  while (got < 5) {
    ssize_t r = read(0, buf + got, sizeof buf - 1 - got);
    if (r <= 0) break;
    got += (size_t)r;
  }
  CHECK(got == 5 && strcmp(buf, "ping\n") == 0, "read stdin after poll");

  // libc poll(): stdout writable, the file readable.
  struct pollfd p[2] = {{1, POLLOUT, 0}, {fd, POLLIN, 0}};
  int r = poll(p, 2, 5000);
  CHECK(r == 2 && (p[0].revents & POLLOUT) && (p[1].revents & POLLIN), "poll()");
  close(fd);

  CHECK_WASI(__wasi_poll_oneoff(w, ev, 0, &n), __WASI_ERRNO_INVAL, "poll_oneoff no subscriptions");
}

int main(void) {
  test_sleeps();
  test_fds();
  return finish();
}
