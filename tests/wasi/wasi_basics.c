// Arguments, environment, clocks, randomness, sched_yield: the preview1 functions that need no
// files. Run as
//   wasi_basics.wasm alpha "two words" "" "ünï" --flag
// with exactly the environment FOO=bar EMPTY= WITH_EQ=a=b UNI=ü (nothing inherited).
#include <sched.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static const char *const kArgs[] = {"alpha", "two words", "", "\xc3\xbcn\xc3\xaf", "--flag"};
static const char *const kEnv[] = {"FOO=bar", "EMPTY=", "WITH_EQ=a=b", "UNI=\xc3\xbc"};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static uint64_t now_ns(__wasi_clockid_t clock) {
  __wasi_timestamp_t t = 0;
  if (__wasi_clock_time_get(clock, 1, &t) != 0) return 0;
  return t;
}

static void test_args(int argc, char **argv) {
  // What libc's startup made of args_sizes_get and args_get.
  if (argc == (int)COUNT(kArgs) + 1) ok("argc");
  else fail("argc", "%d, expected %d", argc, (int)COUNT(kArgs) + 1);
  for (int i = 1; i < argc && i <= (int)COUNT(kArgs); ++i) {
    char what[32];
    snprintf(what, sizeof what, "argv[%d]", i);
    if (strcmp(argv[i], kArgs[i - 1]) == 0) ok(what);
    else fail(what, "\"%s\", expected \"%s\"", argv[i], kArgs[i - 1]);
  }
  size_t len0 = strlen(argv[0]);
  CHECK(len0 >= 16 && strcmp(argv[0] + len0 - 16, "wasi_basics.wasm") == 0,
        "argv[0] is the module's file name");

  // The raw calls: counts and sizes agree with the strings, NUL terminators included.
  __wasi_size_t count = 0, size = 0;
  CHECK_WASI(__wasi_args_sizes_get(&count, &size), 0, "args_sizes_get");
  size_t want = 0;
  for (int i = 0; i < argc; ++i) want += strlen(argv[i]) + 1;
  CHECK(count == (__wasi_size_t)argc, "args_sizes_get count");
  CHECK(size == want, "args_sizes_get buffer size");
  uint8_t **ptrs = calloc(count + 1, sizeof *ptrs);
  uint8_t *buf = malloc(size + 1);
  CHECK_WASI(__wasi_args_get(ptrs, buf), 0, "args_get");
  int same = 1;
  for (__wasi_size_t i = 0; i < count && i < (__wasi_size_t)argc; ++i) {
    if (strcmp((char *)ptrs[i], argv[i]) != 0) same = 0;
    if (ptrs[i] < buf || ptrs[i] >= buf + size) same = 0;
  }
  CHECK(same, "args_get strings inside the buffer and equal to argv");
  CHECK(buf[size - 1] == '\0', "args_get last string NUL-terminated");
  free(ptrs);
  free(buf);
}

static void test_env(void) {
  __wasi_size_t count = 0, size = 0;
  CHECK_WASI(__wasi_environ_sizes_get(&count, &size), 0, "environ_sizes_get");
  size_t want = 0;
  for (size_t i = 0; i < COUNT(kEnv); ++i) want += strlen(kEnv[i]) + 1;
  if (count == COUNT(kEnv)) ok("environ count (nothing inherited)");
  else fail("environ count (nothing inherited)", "%u, expected %u", (unsigned)count,
            (unsigned)COUNT(kEnv));
  if (size == want) ok("environ buffer size");
  else fail("environ buffer size", "%u, expected %u", (unsigned)size, (unsigned)want);
  uint8_t **ptrs = calloc(count + 1, sizeof *ptrs);
  uint8_t *buf = malloc(size + 1);
  CHECK_WASI(__wasi_environ_get(ptrs, buf), 0, "environ_get");
  // Every expected entry is there exactly once (order is not part of the contract).
  for (size_t j = 0; j < COUNT(kEnv); ++j) {
    int seen = 0;
    for (__wasi_size_t i = 0; i < count; ++i) seen += strcmp((char *)ptrs[i], kEnv[j]) == 0;
    char what[64];
    snprintf(what, sizeof what, "environ_get has %s", kEnv[j]);
    if (seen == 1) ok(what);
    else fail(what, "seen %d times", seen);
  }
  free(ptrs);
  free(buf);
  // libc's view, built from the same calls.
  const char *foo = getenv("FOO");
  CHECK(foo != NULL && strcmp(foo, "bar") == 0, "getenv FOO");
  const char *empty = getenv("EMPTY");
  CHECK(empty != NULL && empty[0] == '\0', "getenv EMPTY is set and empty");
  const char *eq = getenv("WITH_EQ");
  CHECK(eq != NULL && strcmp(eq, "a=b") == 0, "getenv WITH_EQ keeps the second '='");
  CHECK(getenv("NOT_SET_ANYWHERE") == NULL, "getenv of an unset name");
}

static void spin_ms(int ms) {
  uint64_t end = now_ns(__WASI_CLOCKID_MONOTONIC) + (uint64_t)ms * 1000000u;
  volatile uint64_t sink = 0;
  while (now_ns(__WASI_CLOCKID_MONOTONIC) < end) {
    for (int i = 0; i < 10000; ++i) sink += (uint64_t)i * i;
  }
}

static void test_clocks(void) {
  static const struct {
    clockid_t libc;
    __wasi_clockid_t wasi;
    const char *name;
  } kClocks[] = {
      {CLOCK_REALTIME, __WASI_CLOCKID_REALTIME, "realtime"},
      {CLOCK_MONOTONIC, __WASI_CLOCKID_MONOTONIC, "monotonic"},
      {CLOCK_PROCESS_CPUTIME_ID, __WASI_CLOCKID_PROCESS_CPUTIME_ID, "process cputime"},
      {CLOCK_THREAD_CPUTIME_ID, __WASI_CLOCKID_THREAD_CPUTIME_ID, "thread cputime"},
  };
  for (size_t i = 0; i < COUNT(kClocks); ++i) {
    char what[64];
    struct timespec res = {0, 0};
    snprintf(what, sizeof what, "clock_getres %s", kClocks[i].name);
    CHECK_OK(clock_getres(kClocks[i].libc, &res), what);
    uint64_t res_ns = (uint64_t)res.tv_sec * 1000000000u + (uint64_t)res.tv_nsec;
    snprintf(what, sizeof what, "clock_res_get %s in (0, 1s]", kClocks[i].name);
    __wasi_timestamp_t raw_res = 0;
    __wasi_errno_t e = __wasi_clock_res_get(kClocks[i].wasi, &raw_res);
    if (e == 0 && raw_res > 0 && raw_res <= 1000000000u && raw_res == res_ns) ok(what);
    else fail(what, "errno %d, raw %llu ns, libc %llu ns", e, (unsigned long long)raw_res,
              (unsigned long long)res_ns);
    struct timespec t = {0, 0};
    snprintf(what, sizeof what, "clock_gettime %s", kClocks[i].name);
    CHECK_OK(clock_gettime(kClocks[i].libc, &t), what);
  }

  struct timespec rt;
  clock_gettime(CLOCK_REALTIME, &rt);
  // 2020-01-01 and 2200-01-01 in seconds since the epoch.
  CHECK(rt.tv_sec > 1577836800 && rt.tv_sec < 7258118400LL, "realtime between 2020 and 2200");
  CHECK(rt.tv_nsec >= 0 && rt.tv_nsec < 1000000000, "realtime nanoseconds in range");
  time_t t = time(NULL);
  CHECK(t >= rt.tv_sec && t - rt.tv_sec < 60, "time() agrees with clock_gettime");

  // Monotonic never goes back, and moves.
  uint64_t m0 = now_ns(__WASI_CLOCKID_MONOTONIC), m1 = m0;
  int backwards = 0;
  for (int i = 0; i < 100000 && m1 == m0; ++i) {
    uint64_t m = now_ns(__WASI_CLOCKID_MONOTONIC);
    if (m < m1) backwards = 1;
    m1 = m;
  }
  CHECK(!backwards && m1 > m0, "monotonic clock advances and never goes back");

  // Busy for 30 ms: both CPU clocks advance (by at least a little: the runtime may count
  // only part of it if the guest is descheduled, so do not ask for the whole 30 ms).
  uint64_t p0 = now_ns(__WASI_CLOCKID_PROCESS_CPUTIME_ID);
  uint64_t t0 = now_ns(__WASI_CLOCKID_THREAD_CPUTIME_ID);
  spin_ms(30);
  uint64_t p1 = now_ns(__WASI_CLOCKID_PROCESS_CPUTIME_ID);
  uint64_t t1 = now_ns(__WASI_CLOCKID_THREAD_CPUTIME_ID);
  CHECK(p1 > p0, "process cputime advances while busy");
  CHECK(t1 > t0, "thread cputime advances while busy");

  __wasi_timestamp_t dummy;
  CHECK_WASI(__wasi_clock_time_get(99, 0, &dummy), __WASI_ERRNO_INVAL, "clock_time_get bad clock");
  CHECK_WASI(__wasi_clock_res_get(99, &dummy), __WASI_ERRNO_INVAL, "clock_res_get bad clock");
}

static void test_random(void) {
  uint8_t a[64], b[64];
  memset(a, 0, sizeof a);
  memset(b, 0, sizeof b);
  CHECK_WASI(__wasi_random_get(a, sizeof a), 0, "random_get");
  CHECK_WASI(__wasi_random_get(b, sizeof b), 0, "random_get again");
  // 2^-512 chance of a false failure.
  CHECK(memcmp(a, b, sizeof a) != 0, "random_get gives different bytes each time");
  int nonzero = 0;
  for (size_t i = 0; i < sizeof a; ++i) nonzero |= a[i];
  CHECK(nonzero, "random_get bytes not all zero");
  CHECK_WASI(__wasi_random_get(a, 0), 0, "random_get of 0 bytes");
  uint8_t c[256];
  CHECK_OK(getentropy(c, sizeof c), "getentropy 256 bytes");
  // A large request is filled completely: count bytes in the second half still zero.
  static uint8_t big[1 << 16];
  CHECK_WASI(__wasi_random_get(big, sizeof big), 0, "random_get 64 KiB");
  int zeros = 0;
  for (size_t i = sizeof big - 4096; i < sizeof big; ++i) zeros += big[i] == 0;
  CHECK(zeros < 100, "random_get fills the end of a 64 KiB buffer");
}

static void test_misc(void) {
  CHECK_OK(sched_yield(), "sched_yield");
  CHECK_WASI(__wasi_sched_yield(), 0, "sched_yield raw");
  __wasi_fdstat_t st;
  CHECK_WASI(__wasi_fd_fdstat_get(0, &st), 0, "fd_fdstat_get stdin");
  CHECK_WASI(__wasi_fd_fdstat_get(1, &st), 0, "fd_fdstat_get stdout");
  CHECK(st.fs_rights_base & __WASI_RIGHTS_FD_WRITE, "stdout has the fd_write right");
  CHECK_WASI(__wasi_fd_fdstat_get(2, &st), 0, "fd_fdstat_get stderr");
  CHECK_WASI(__wasi_fd_fdstat_get(1000, &st), __WASI_ERRNO_BADF, "fd_fdstat_get unused fd");
  const char msg[] = "wasi_basics: a line on stderr\n";
  CHECK(write(2, msg, sizeof msg - 1) == (ssize_t)(sizeof msg - 1), "write to stderr");
  // A write of several iovecs to stdout, some empty: goes out in order.
  fflush(stdout);
  __wasi_ciovec_t iov[4] = {{(const uint8_t *)"ok ", 3}, {(const uint8_t *)"", 0},
                            {(const uint8_t *)"fd_write ", 9}, {(const uint8_t *)"gather\n", 7}};
  __wasi_size_t written = 0;
  __wasi_errno_t e = __wasi_fd_write(1, iov, 4, &written);
  if (e != 0 || written != 19) fail("fd_write gather", "errno %d, %u bytes", e, (unsigned)written);
  else ++check_passes;
}

int main(int argc, char **argv) {
  test_args(argc, argv);
  test_env();
  test_clocks();
  test_random();
  test_misc();
  return finish();
}
