// Shared by the WASI guest test programs: each check prints "ok WHAT" or "FAIL WHAT: DETAIL",
// and the program's exit status is 0 only if every check passed (see {finish}).
#pragma once

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

static int check_failures;
static int check_passes;

static void ok(const char *what) {
  ++check_passes;
  printf("ok %s\n", what);
}

static void fail(const char *what, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(const char *what, const char *fmt, ...) {
  ++check_failures;
  printf("FAIL %s: ", what);
  va_list ap;
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  printf("\n");
}

// CHECK(cond, what): a plain condition.
#define CHECK(cond, what)                            \
  do {                                               \
    if (cond) ok(what);                              \
    else fail(what, "%s is false", #cond);           \
  } while (0)

// CHECK_OK(expr, what): a libc call that must succeed (return value >= 0).
#define CHECK_OK(expr, what)                                                       \
  do {                                                                             \
    errno = 0;                                                                     \
    long long check_r_ = (long long)(expr);                                        \
    if (check_r_ >= 0) ok(what);                                                   \
    else fail(what, "%s returned %lld, errno %d (%s)", #expr, check_r_, errno,     \
              strerror(errno));                                                    \
  } while (0)

// CHECK_ERRNO(expr, err, what): a libc call that must fail (return -1 or NULL) with errno err.
#define CHECK_ERRNO(expr, err, what)                                                   \
  do {                                                                                 \
    errno = 0;                                                                         \
    long long check_r_ = (long long)(expr);                                            \
    int check_e_ = errno;                                                              \
    if (check_r_ == -1 && check_e_ == (err)) ok(what);                                 \
    else fail(what, "%s returned %lld, errno %d (%s); expected -1 with errno %d (%s)", \
              #expr, check_r_, check_e_, strerror(check_e_), (int)(err),              \
              strerror(err));                                                          \
  } while (0)

// CHECK_WASI(expr, err, what): a raw __wasi_* call that must return errno err (0: success).
#define CHECK_WASI(expr, err, what)                                                     \
  do {                                                                                  \
    __wasi_errno_t check_w_ = (expr);                                                   \
    if (check_w_ == (err)) ok(what);                                                    \
    else fail(what, "%s returned %d (%s), expected %d (%s)", #expr, (int)check_w_,      \
              strerror(check_w_), (int)(err), strerror(err));                           \
  } while (0)

// The guest fd of the preopened directory named {name}: found with fd_prestat_get and
// fd_prestat_dir_name over fds 3, 4, ... until EBADF. -1 if there is none.
__attribute__((unused)) static int find_preopen(const char *name) {
  for (__wasi_fd_t fd = 3; fd < 64; ++fd) {
    __wasi_prestat_t prestat;
    __wasi_errno_t e = __wasi_fd_prestat_get(fd, &prestat);
    if (e == __WASI_ERRNO_BADF) return -1;
    if (e != 0 || prestat.tag != __WASI_PREOPENTYPE_DIR) continue;
    char buf[256];
    size_t len = prestat.u.dir.pr_name_len;
    if (len >= sizeof buf) continue;
    if (__wasi_fd_prestat_dir_name(fd, (uint8_t *)buf, len) != 0) continue;
    buf[len] = '\0';
    if (strcmp(buf, name) == 0) return (int)fd;
  }
  return -1;
}

// Writes {len} bytes of {data} to the file at {path}, replacing it. 0 on success.
__attribute__((unused)) static int write_file(const char *path, const void *data, size_t len) {
  FILE *f = fopen(path, "wb");
  if (f == NULL) return -1;
  size_t n = fwrite(data, 1, len, f);
  return fclose(f) == 0 && n == len ? 0 : -1;
}

// Reads up to {cap} - 1 bytes of the file at {path} into {buf}, NUL-terminated. The byte
// count, or -1.
__attribute__((unused)) static long read_file(const char *path, char *buf, size_t cap) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) return -1;
  size_t n = fread(buf, 1, cap - 1, f);
  buf[n] = '\0';
  fclose(f);
  return (long)n;
}

// Ends the program: a summary line, then exit status 0 only if nothing failed.
__attribute__((unused)) static int finish(void) {
  printf("%d passed, %d failed\n", check_passes, check_failures);
  return check_failures == 0 ? 0 : 1;
}

// Line-buffered stdout, so that a program that hangs or traps has printed what it checked.
__attribute__((constructor)) static void check_line_buffered(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
}
