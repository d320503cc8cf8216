// The file I/O family on regular files in the preopened directory /sandbox: path_open with
// every oflag and append, read/write (scatter/gather), seek/tell, pread/pwrite, fdstat (flags,
// rights), filestat (size, times), allocate, advise, sync, renumber, close.
// The sandbox holds existing.txt ("hello, wasi\n") and truncate-me.txt ("to be truncated\n").
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

#define S "/sandbox/"

// Reads the whole file at {path} and compares it with {want} ({len} bytes).
static void check_content(const char *path, const char *want, size_t len, const char *what) {
  char buf[512];
  long n = read_file(path, buf, sizeof buf);
  if (n == (long)len && memcmp(buf, want, len) == 0) ok(what);
  else fail(what, "%ld bytes \"%.*s\", expected %zu bytes \"%.*s\"", n, n < 0 ? 0 : (int)n, buf,
            len, (int)len, want);
}

static void test_create_read_write(void) {
  int fd = open(S "f.txt", O_CREAT | O_EXCL | O_RDWR, 0644);
  CHECK_OK(fd, "open O_CREAT|O_EXCL new file");
  CHECK_ERRNO(open(S "f.txt", O_CREAT | O_EXCL | O_RDWR, 0644), EEXIST,
              "open O_CREAT|O_EXCL existing file");
  CHECK_ERRNO(open(S "no-such-file", O_RDONLY), ENOENT, "open missing file without O_CREAT");

  struct iovec out[3] = {{"Hello", 5}, {"", 0}, {", World!", 8}};
  CHECK(writev(fd, out, 3) == 13, "writev 3 iovecs");
  __wasi_filesize_t pos = 99;
  CHECK_WASI(__wasi_fd_tell(fd, &pos), 0, "fd_tell");
  CHECK(pos == 13, "fd_tell after writing 13 bytes");
  CHECK(lseek(fd, 0, SEEK_CUR) == 13, "lseek SEEK_CUR 0");
  CHECK(lseek(fd, 0, SEEK_SET) == 0, "lseek SEEK_SET 0");

  char a[5], b[16];
  memset(b, 0, sizeof b);
  struct iovec in[2] = {{a, sizeof a}, {b, sizeof b}};
  CHECK(readv(fd, in, 2) == 13, "readv 2 iovecs");
  CHECK(memcmp(a, "Hello", 5) == 0 && memcmp(b, ", World!", 8) == 0, "readv bytes");
  CHECK(read(fd, b, sizeof b) == 0, "read at end of file gives 0");

  CHECK(lseek(fd, -6, SEEK_END) == 7, "lseek SEEK_END -6");
  memset(b, 0, sizeof b);
  CHECK(read(fd, b, 6) == 6 && memcmp(b, "World!", 6) == 0, "read after SEEK_END");
  CHECK(lseek(fd, -3, SEEK_CUR) == 10, "lseek SEEK_CUR -3");
  CHECK_ERRNO(lseek(fd, -100, SEEK_SET), EINVAL, "lseek to a negative offset");
  CHECK_WASI(__wasi_fd_seek(fd, 0, 7, &pos), __WASI_ERRNO_INVAL, "fd_seek bad whence");

  // pread and pwrite leave the position alone.
  CHECK(lseek(fd, 2, SEEK_SET) == 2, "lseek to 2");
  memset(b, 0, sizeof b);
  CHECK(pread(fd, b, 5, 7) == 5 && memcmp(b, "World", 5) == 0, "pread at 7");
  CHECK(pwrite(fd, "w", 1, 7) == 1, "pwrite at 7");
  memset(b, 0, sizeof b);
  CHECK(pread(fd, b, 100, 0) == 13 && memcmp(b, "Hello, world!", 13) == 0,
        "pread after pwrite");
  CHECK(pread(fd, b, 10, 1000) == 0, "pread beyond the end gives 0");
  __wasi_ciovec_t pw[2] = {{(const uint8_t *)"<", 1}, {(const uint8_t *)">", 1}};
  __wasi_size_t n = 0;
  CHECK_WASI(__wasi_fd_pwrite(fd, pw, 2, 20, &n), 0, "fd_pwrite 2 iovecs past the end");
  CHECK(n == 2, "fd_pwrite count");
  CHECK(lseek(fd, 0, SEEK_CUR) == 2, "position unchanged by pread/pwrite");
  struct stat st;
  CHECK_OK(fstat(fd, &st), "fstat");
  CHECK(S_ISREG(st.st_mode), "fstat: regular file");
  CHECK(st.st_size == 22, "fstat: size 22 after pwrite past the end");
  CHECK(st.st_nlink == 1, "fstat: one link");
  CHECK(pread(fd, b, 22, 0) == 22 && memcmp(b, "Hello, world!\0\0\0\0\0\0\0<>", 22) == 0,
        "the gap reads as zeros");
  CHECK_OK(close(fd), "close");
  CHECK_ERRNO(close(fd), EBADF, "close again");
  CHECK_ERRNO(read(fd, b, 1), EBADF, "read a closed fd");
}

static void test_sizes_and_sync(void) {
  int fd = open(S "sized.bin", O_CREAT | O_RDWR, 0644);
  CHECK_OK(fd, "open sized.bin");
  CHECK(write(fd, "0123456789", 10) == 10, "write 10 bytes");
  struct stat st;
  CHECK_OK(ftruncate(fd, 4), "ftruncate to 4");
  CHECK(fstat(fd, &st) == 0 && st.st_size == 4, "size 4 after shrinking");
  CHECK_OK(ftruncate(fd, 100), "ftruncate to 100");
  CHECK(fstat(fd, &st) == 0 && st.st_size == 100, "size 100 after growing");
  char buf[100];
  memset(buf, 'x', sizeof buf);
  int zeros = 1;
  if (pread(fd, buf, sizeof buf, 0) != 100) zeros = 0;
  for (int i = 4; i < 100; ++i) zeros &= buf[i] == 0;
  CHECK(zeros && memcmp(buf, "0123", 4) == 0, "grown part reads as zeros");

  CHECK(posix_fallocate(fd, 50, 150) == 0, "posix_fallocate 50+150");
  CHECK(fstat(fd, &st) == 0 && st.st_size == 200, "size 200 after fallocate");
  CHECK(posix_fallocate(fd, 0, 10) == 0, "posix_fallocate inside the file");
  CHECK(fstat(fd, &st) == 0 && st.st_size == 200, "fallocate inside does not shrink");

  CHECK(posix_fadvise(fd, 0, 100, POSIX_FADV_SEQUENTIAL) == 0, "posix_fadvise sequential");
  CHECK(posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) == 0, "posix_fadvise dontneed");
  CHECK_WASI(__wasi_fd_advise(fd, 0, 10, 99), __WASI_ERRNO_INVAL, "fd_advise bad advice");
  CHECK_OK(fsync(fd), "fsync");
  CHECK_OK(fdatasync(fd), "fdatasync");
  CHECK_OK(close(fd), "close sized.bin");
  CHECK_ERRNO(fsync(fd), EBADF, "fsync closed fd");
}

static void test_times(void) {
  int fd = open(S "times.txt", O_CREAT | O_WRONLY, 0644);
  CHECK_OK(fd, "open times.txt");
  // Half seconds: exactly representable in any timestamp format a host may use.
  struct timespec ts[2] = {{1600000000, 500000000}, {1500000000, 0}};
  CHECK_OK(futimens(fd, ts), "futimens both");
  struct stat st;
  CHECK_OK(fstat(fd, &st), "fstat after futimens");
  if (st.st_atim.tv_sec == 1600000000 && st.st_atim.tv_nsec == 500000000) ok("atime set");
  else fail("atime set", "%lld.%09ld", (long long)st.st_atim.tv_sec, st.st_atim.tv_nsec);
  if (st.st_mtim.tv_sec == 1500000000 && st.st_mtim.tv_nsec == 0) ok("mtime set");
  else fail("mtime set", "%lld.%09ld", (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
  struct timespec omit[2] = {{0, UTIME_OMIT}, {1400000000, 0}};
  CHECK_OK(futimens(fd, omit), "futimens atime omitted");
  CHECK(fstat(fd, &st) == 0 && st.st_atim.tv_sec == 1600000000 && st.st_mtim.tv_sec == 1400000000,
        "omitted atime kept, mtime set");
  // (Debian's wasi-libc rejects UTIME_NOW in futimens with EINVAL, so set "now" raw.)
  CHECK_WASI(__wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_MTIM_NOW), 0,
             "fd_filestat_set_times mtime now");
  time_t t = time(NULL);
  CHECK(fstat(fd, &st) == 0 && st.st_atim.tv_sec == 1600000000 &&
            st.st_mtim.tv_sec > t - 60 && st.st_mtim.tv_sec <= t + 1,
        "mtime now");
  // (Nor does it take futimens(fd, NULL): it reads the times from address 0.)
  CHECK_WASI(__wasi_fd_filestat_set_times(fd, 0, 0,
                                          __WASI_FSTFLAGS_ATIM_NOW | __WASI_FSTFLAGS_MTIM_NOW),
             0, "fd_filestat_set_times both now");
  fstat(fd, &st);
  if (st.st_atim.tv_sec > t - 60 && st.st_atim.tv_sec <= t + 1) ok("atime now");
  else fail("atime now", "atime %lld, time() %lld", (long long)st.st_atim.tv_sec, (long long)t);
  CHECK_WASI(__wasi_fd_filestat_set_times(fd, 1600000000500000000ull, 0, __WASI_FSTFLAGS_ATIM),
             0, "fd_filestat_set_times atime only");
  CHECK_WASI(__wasi_fd_filestat_set_times(fd, 1, 2,
                                          __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW),
             __WASI_ERRNO_INVAL, "fd_filestat_set_times atim with atim_now");
  __wasi_filestat_t fs;
  CHECK_WASI(__wasi_fd_filestat_get(fd, &fs), 0, "fd_filestat_get");
  CHECK(fs.filetype == __WASI_FILETYPE_REGULAR_FILE && fs.size == 0 && fs.nlink == 1 &&
            fs.atim == 1600000000500000000ull,
        "fd_filestat_get fields");
  close(fd);
}

static void test_oflags(void) {
  // O_TRUNC empties an existing file.
  int fd = open(S "truncate-me.txt", O_WRONLY | O_TRUNC);
  CHECK_OK(fd, "open O_TRUNC");
  struct stat st;
  CHECK(fstat(fd, &st) == 0 && st.st_size == 0, "O_TRUNC empties the file");
  close(fd);

  // O_APPEND: writes go to the end whatever the position; fdstat shows the flag.
  fd = open(S "existing.txt", O_WRONLY | O_APPEND);
  CHECK_OK(fd, "open O_APPEND");
  CHECK((fcntl(fd, F_GETFL) & O_APPEND) != 0, "F_GETFL shows O_APPEND");
  CHECK((fcntl(fd, F_GETFL) & O_ACCMODE) == O_WRONLY, "F_GETFL shows O_WRONLY");
  CHECK(write(fd, "more\n", 5) == 5, "append write");
  close(fd);
  check_content(S "existing.txt", "hello, wasi\nmore\n", 17, "appended content");

  // fd_fdstat_set_flags: turn append on for an fd opened without it.
  fd = open(S "existing.txt", O_RDWR);
  CHECK_OK(fd, "open O_RDWR");
  CHECK((fcntl(fd, F_GETFL) & O_APPEND) == 0, "no O_APPEND before F_SETFL");
  CHECK_OK(fcntl(fd, F_SETFL, O_APPEND), "F_SETFL O_APPEND");
  CHECK((fcntl(fd, F_GETFL) & O_APPEND) != 0, "F_GETFL shows O_APPEND after F_SETFL");
  CHECK(lseek(fd, 0, SEEK_SET) == 0 && write(fd, "end\n", 4) == 4, "write at 0 with append");
  CHECK_OK(fcntl(fd, F_SETFL, 0), "F_SETFL 0");
  CHECK((fcntl(fd, F_GETFL) & O_APPEND) == 0, "O_APPEND cleared");
  CHECK(lseek(fd, 0, SEEK_SET) == 0 && write(fd, "H", 1) == 1, "write at 0 without append");
  close(fd);
  check_content(S "existing.txt", "Hello, wasi\nmore\nend\n", 21, "append via F_SETFL content");

  // O_DIRECTORY.
  CHECK_ERRNO(open(S "existing.txt", O_RDONLY | O_DIRECTORY), ENOTDIR, "O_DIRECTORY on a file");
  fd = open(S, O_RDONLY | O_DIRECTORY);
  CHECK_OK(fd, "O_DIRECTORY on the sandbox");
  __wasi_fdstat_t fst;
  CHECK(__wasi_fd_fdstat_get(fd, &fst) == 0 && fst.fs_filetype == __WASI_FILETYPE_DIRECTORY,
        "fdstat filetype directory");
  // Linux says EISDIR; a runtime that gives directories no fd_read right says ENOTCAPABLE,
  // which wasi-libc's read() reports as EBADF.
  errno = 0;
  if (read(fd, &fst, 1) == -1 && (errno == EISDIR || errno == EBADF)) ok("read a directory fails");
  else fail("read a directory fails", "errno %d", errno);
  close(fd);
  CHECK_ERRNO(open(S "existing.txt/x", O_RDONLY), ENOTDIR, "open through a file");
  CHECK_ERRNO(open(S, O_WRONLY), EISDIR, "open a directory for writing");
}

static void test_rights(void) {
  int dir = find_preopen("/sandbox");
  CHECK(dir >= 3, "found the /sandbox preopen");

  // A raw path_open asking only for read rights: the fd can read but not write.
  const __wasi_rights_t want = __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK |
                               __WASI_RIGHTS_FD_TELL | __WASI_RIGHTS_FD_FILESTAT_GET;
  __wasi_fd_t fd = 0;
  CHECK_WASI(__wasi_path_open(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "existing.txt", 0, want, 0,
                              0, &fd),
             0, "path_open with reduced rights");
  __wasi_fdstat_t st;
  CHECK_WASI(__wasi_fd_fdstat_get(fd, &st), 0, "fdstat of the reduced fd");
  CHECK((st.fs_rights_base & ~want) == 0 && (st.fs_rights_base & __WASI_RIGHTS_FD_READ),
        "rights no more than asked for");
  CHECK(st.fs_filetype == __WASI_FILETYPE_REGULAR_FILE, "fdstat filetype regular file");
  uint8_t byte = 0;
  __wasi_iovec_t iov = {&byte, 1};
  __wasi_ciovec_t ciov = {(const uint8_t *)"x", 1};
  __wasi_size_t n = 0;
  CHECK_WASI(__wasi_fd_read(fd, &iov, 1, &n), 0, "fd_read with the read right");
  CHECK(n == 1 && byte == 'H', "fd_read byte");
  CHECK_WASI(__wasi_fd_write(fd, &ciov, 1, &n), __WASI_ERRNO_NOTCAPABLE,
             "fd_write without the right");
  CHECK_WASI(__wasi_fd_filestat_set_size(fd, 0), __WASI_ERRNO_NOTCAPABLE,
             "fd_filestat_set_size without the right");

  // fd_fdstat_set_rights: drop the read right, then reading fails; rights cannot come back.
  CHECK_WASI(__wasi_fd_fdstat_set_rights(fd, st.fs_rights_base & ~__WASI_RIGHTS_FD_READ, 0), 0,
             "fd_fdstat_set_rights drop fd_read");
  CHECK_WASI(__wasi_fd_read(fd, &iov, 1, &n), __WASI_ERRNO_NOTCAPABLE,
             "fd_read after dropping the right");
  // wasi-libc's read() turns ENOTCAPABLE into EBADF, as POSIX has it for a file not open for
  // reading.
  CHECK_ERRNO(read(fd, &byte, 1), EBADF, "libc read after dropping the right");
  CHECK_WASI(__wasi_fd_fdstat_set_rights(fd, st.fs_rights_base, 0), __WASI_ERRNO_NOTCAPABLE,
             "fd_fdstat_set_rights cannot add rights back");
  __wasi_fdstat_t st2;
  CHECK(__wasi_fd_fdstat_get(fd, &st2) == 0 &&
            st2.fs_rights_base == (st.fs_rights_base & ~__WASI_RIGHTS_FD_READ),
        "fdstat shows the reduced rights");
  CHECK_WASI(__wasi_fd_close(fd), 0, "fd_close");

  // fd_renumber: b's number now refers to a's file; a's number is free.
  int a = open(S "existing.txt", O_RDONLY);
  int b = open(S "f.txt", O_RDONLY);
  CHECK(a >= 0 && b >= 0, "open two files");
  CHECK_WASI(__wasi_fd_renumber(a, b), 0, "fd_renumber");
  char buf[6] = {0};
  CHECK(read(b, buf, 5) == 5 && memcmp(buf, "Hello", 5) == 0, "renumbered fd reads a's file");
  CHECK_WASI(__wasi_fd_fdstat_get(a, &st), __WASI_ERRNO_BADF, "old number closed");
  CHECK_WASI(__wasi_fd_renumber(a, b), __WASI_ERRNO_BADF, "fd_renumber from a closed fd");
  CHECK_WASI(__wasi_fd_renumber(b, 1000), __WASI_ERRNO_BADF, "fd_renumber to an unused fd");
  close(b);
}

int main(void) {
  test_create_read_write();
  test_sizes_and_sync();
  test_times();
  test_oflags();
  test_rights();
  return finish();
}
