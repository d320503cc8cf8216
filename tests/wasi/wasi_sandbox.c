// Escape attempts from the preopened /sandbox: every one must fail, the runtime's answer being
// ENOTCAPABLE (WASI errno 76). The script gives the sandbox
//   inside.txt ("inside\n"), sub/file.txt ("sub file\n"),
//   etc-link -> /etc, up-link -> .., out-link -> ../outside.txt,
//   inside-link -> sub/../inside.txt,
//   loop-a -> loop-b, loop-b -> loop-a,
// and puts outside.txt ("outside\n") beside the sandbox, in its parent directory; it checks
// afterwards that nothing outside the sandbox changed.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

#define S "/sandbox/"

static const __wasi_rights_t kFileRights =
    __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK |
    __WASI_RIGHTS_FD_FILESTAT_GET;

// A raw path_open of {path} under {dir} for reading, following symlinks.
static __wasi_errno_t raw_open(int dir, const char *path, __wasi_lookupflags_t lookup) {
  __wasi_fd_t fd;
  __wasi_errno_t e = __wasi_path_open(dir, lookup, path, 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd);
  if (e == 0) (void)__wasi_fd_close(fd);
  return e;
}

static void test_paths(int dir) {
  // libc maps absolute paths to a preopen itself: /etc matches none, so libc fails before the
  // runtime sees anything.
  CHECK_ERRNO(open("/etc/passwd", O_RDONLY), ENOTCAPABLE, "libc open /etc/passwd");
  // "/sandbox/../outside.txt" goes to the runtime as "../outside.txt" relative to the preopen.
  CHECK_ERRNO(open(S "../outside.txt", O_RDONLY), ENOTCAPABLE, "libc open /sandbox/../outside.txt");
  CHECK_ERRNO(open(S "sub/../../outside.txt", O_RDONLY), ENOTCAPABLE,
              "libc open sub/../../outside.txt");

  CHECK_WASI(raw_open(dir, "/etc/passwd", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW),
             __WASI_ERRNO_NOTCAPABLE, "path_open absolute /etc/passwd");
  CHECK_WASI(raw_open(dir, "../etc/passwd", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW),
             __WASI_ERRNO_NOTCAPABLE, "path_open ../etc/passwd");
  CHECK_WASI(raw_open(dir, "..", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW), __WASI_ERRNO_NOTCAPABLE,
             "path_open ..");
  CHECK_WASI(raw_open(dir, "sub/../../x", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW),
             __WASI_ERRNO_NOTCAPABLE, "path_open sub/../../x");
  CHECK_WASI(raw_open(dir, "sub/../inside.txt", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW), 0,
             "path_open sub/../inside.txt stays inside");
  CHECK_WASI(raw_open(dir, "./sub/./file.txt", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW), 0,
             "path_open ./sub/./file.txt");
  CHECK_WASI(raw_open(dir, "", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW), __WASI_ERRNO_NOENT,
             "path_open empty path");
  // A directory fd is a capability of its own: ".." out of it is an escape even when the
  // parent is another preopen's.
  __wasi_fd_t sub;
  CHECK_WASI(__wasi_path_open(dir, 0, "sub", __WASI_OFLAGS_DIRECTORY,
                              __WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_FD_READDIR,
                              __WASI_RIGHTS_FD_READ, 0, &sub),
             0, "path_open sub with narrow rights");
  CHECK_WASI(raw_open(sub, "../inside.txt", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW),
             __WASI_ERRNO_NOTCAPABLE, "path_open ../inside.txt from sub's fd");
  CHECK_WASI(raw_open(sub, "file.txt", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW), 0,
             "path_open file.txt from sub's fd");
  // Asking for more than sub's inheriting rights (fd_read only).
  __wasi_fd_t fd;
  CHECK_WASI(__wasi_path_open(sub, 0, "file.txt", 0, __WASI_RIGHTS_FD_WRITE, 0, 0, &fd),
             __WASI_ERRNO_NOTCAPABLE, "path_open for more than the inheriting rights");
  // sub lacks path_create_file.
  CHECK_WASI(__wasi_path_open(sub, 0, "new.txt", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_READ, 0,
                              0, &fd),
             __WASI_ERRNO_NOTCAPABLE, "path_open O_CREAT without path_create_file");
  CHECK_WASI(__wasi_path_create_directory(sub, "newdir"), __WASI_ERRNO_NOTCAPABLE,
             "path_create_directory without the right");
  CHECK_WASI(__wasi_fd_close(sub), 0, "close sub");
}

static void test_symlinks(int dir) {
  char buf[64];
  CHECK_ERRNO(open(S "etc-link/passwd", O_RDONLY), ENOTCAPABLE, "open through a link to /etc");
  CHECK_ERRNO(open(S "up-link/outside.txt", O_RDONLY), ENOTCAPABLE,
              "open through a link to ..");
  struct stat st;
  CHECK_ERRNO(stat(S "etc-link", &st), ENOTCAPABLE, "stat following a link to /etc");
  CHECK(lstat(S "etc-link", &st) == 0 && S_ISLNK(st.st_mode), "lstat a link to /etc");
  ssize_t n = readlink(S "etc-link", buf, sizeof buf);
  CHECK(n == 4 && memcmp(buf, "/etc", 4) == 0, "readlink a link to /etc");
  CHECK(opendir(S "up-link") == NULL && errno == ENOTCAPABLE, "opendir through a link to ..");
  CHECK(read_file(S "inside-link", buf, sizeof buf) == 7 && strcmp(buf, "inside\n") == 0,
        "a relative link that stays inside works");
  CHECK_ERRNO(open(S "loop-a", O_RDONLY), ELOOP, "symlink loop");
  CHECK_WASI(raw_open(dir, "inside-link", 0), __WASI_ERRNO_LOOP,
             "path_open a symlink without follow");
  CHECK_WASI(raw_open(dir, "inside-link", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW), 0,
             "path_open the same symlink with follow");

  // A link to /etc made by the guest: making it may be refused, using it must be.
  errno = 0;
  int made = symlink("/etc", S "etc-link2");
  if (made == 0 || errno == ENOTCAPABLE || errno == EPERM) ok("symlink to /etc made or refused");
  else fail("symlink to /etc made or refused", "errno %d", errno);
  CHECK_ERRNO(open(S "etc-link2/passwd", O_RDONLY), made == 0 ? ENOTCAPABLE : ENOENT,
              "open through the guest's link to /etc");
  // The same with a relative target that climbs out.
  errno = 0;
  made = symlink("../outside.txt", S "climb");
  if (made == 0 || errno == ENOTCAPABLE || errno == EPERM) ok("climbing symlink made or refused");
  else fail("climbing symlink made or refused", "errno %d", errno);
  CHECK_ERRNO(open(S "climb", O_RDONLY), made == 0 ? ENOTCAPABLE : ENOENT,
              "open through the guest's climbing link");
  // The host's link to ../outside.txt: no way through it.
  CHECK_ERRNO(open(S "out-link", O_RDONLY), ENOTCAPABLE, "open through out-link");
  CHECK_ERRNO(open(S "out-link", O_WRONLY | O_CREAT | O_TRUNC, 0644), ENOTCAPABLE,
              "create/truncate through out-link");
  CHECK_ERRNO(open(S "out-link", O_WRONLY | O_APPEND), ENOTCAPABLE, "append through out-link");
  __wasi_filestat_t fs;
  CHECK_WASI(__wasi_path_filestat_get(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "out-link", &fs),
             __WASI_ERRNO_NOTCAPABLE, "path_filestat_get through out-link");
  CHECK_WASI(__wasi_path_filestat_get(dir, 0, "out-link", &fs), 0,
             "path_filestat_get out-link itself");
  CHECK_WASI(__wasi_path_filestat_set_times(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "out-link", 0,
                                            0, __WASI_FSTFLAGS_MTIM),
             __WASI_ERRNO_NOTCAPABLE, "path_filestat_set_times through out-link");
  CHECK_WASI(__wasi_path_link(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "out-link", dir, "hard"),
             __WASI_ERRNO_NOTCAPABLE, "path_link following out-link");
  CHECK_WASI(__wasi_path_link(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "up-link/outside.txt", dir,
                              "hard2"),
             __WASI_ERRNO_NOTCAPABLE, "path_link through up-link");
}

static void test_other_calls(int dir) {
  uint8_t buf[64];
  __wasi_size_t used;
  CHECK_WASI(__wasi_path_create_directory(dir, "../newdir"), __WASI_ERRNO_NOTCAPABLE,
             "mkdir ../newdir");
  CHECK_WASI(__wasi_path_unlink_file(dir, "../outside.txt"), __WASI_ERRNO_NOTCAPABLE,
             "unlink ../outside.txt");
  CHECK_WASI(__wasi_path_remove_directory(dir, "../"), __WASI_ERRNO_NOTCAPABLE, "rmdir ..");
  CHECK_WASI(__wasi_path_rename(dir, "inside.txt", dir, "../moved.txt"),
             __WASI_ERRNO_NOTCAPABLE, "rename out of the sandbox");
  CHECK_WASI(__wasi_path_rename(dir, "../outside.txt", dir, "stolen.txt"),
             __WASI_ERRNO_NOTCAPABLE, "rename into the sandbox");
  CHECK_WASI(__wasi_path_link(dir, 0, "inside.txt", dir, "../linked.txt"),
             __WASI_ERRNO_NOTCAPABLE, "link out of the sandbox");
  CHECK_WASI(__wasi_path_link(dir, 0, "../outside.txt", dir, "linked.txt"),
             __WASI_ERRNO_NOTCAPABLE, "link to a file outside");
  CHECK_WASI(__wasi_path_symlink("inside.txt", dir, "../evil-link"), __WASI_ERRNO_NOTCAPABLE,
             "symlink named outside the sandbox");
  CHECK_WASI(__wasi_path_readlink(dir, "../x", buf, sizeof buf, &used), __WASI_ERRNO_NOTCAPABLE,
             "readlink ../x");
  __wasi_filestat_t fs;
  CHECK_WASI(__wasi_path_filestat_get(dir, 0, "../outside.txt", &fs), __WASI_ERRNO_NOTCAPABLE,
             "path_filestat_get ../outside.txt");
  CHECK_WASI(__wasi_path_filestat_get(dir, 0, "/etc", &fs), __WASI_ERRNO_NOTCAPABLE,
             "path_filestat_get /etc");
  CHECK_WASI(__wasi_path_filestat_set_times(dir, 0, "../outside.txt", 0, 0,
                                            __WASI_FSTFLAGS_MTIM),
             __WASI_ERRNO_NOTCAPABLE, "path_filestat_set_times ../outside.txt");
  __wasi_fd_t fd;
  CHECK_WASI(__wasi_path_open(dir, 0, "../created.txt", __WASI_OFLAGS_CREAT, kFileRights, 0, 0,
                              &fd),
             __WASI_ERRNO_NOTCAPABLE, "create ../created.txt");
  __wasi_prestat_t pre;
  CHECK_WASI(__wasi_fd_prestat_get(1000, &pre), __WASI_ERRNO_BADF, "fd_prestat_get unused fd");
  CHECK_WASI(__wasi_fd_prestat_get(dir, &pre), 0, "fd_prestat_get the preopen");
  CHECK(pre.tag == __WASI_PREOPENTYPE_DIR && pre.u.dir.pr_name_len == 8, "prestat name length");
  memset(buf, 0, sizeof buf);
  CHECK_WASI(__wasi_fd_prestat_dir_name(dir, buf, 8), 0, "fd_prestat_dir_name");
  CHECK(memcmp(buf, "/sandbox", 8) == 0, "prestat dir name");
}

static void test_rights(int dir) {
  // A file opened read-only cannot be written: libc reports EBADF (wasi-libc turns
  // ENOTCAPABLE from fd_write into it), the raw call shows the runtime's ENOTCAPABLE.
  int fd = open(S "inside.txt", O_RDONLY);
  CHECK_OK(fd, "open read-only");
  CHECK_ERRNO(write(fd, "x", 1), EBADF, "libc write to a read-only fd");
  __wasi_ciovec_t iov = {(const uint8_t *)"x", 1};
  __wasi_size_t n;
  CHECK_WASI(__wasi_fd_write(fd, &iov, 1, &n), __WASI_ERRNO_NOTCAPABLE,
             "fd_write to a read-only fd");
  CHECK_WASI(__wasi_fd_pwrite(fd, &iov, 1, 0, &n), __WASI_ERRNO_NOTCAPABLE,
             "fd_pwrite to a read-only fd");
  CHECK_WASI(__wasi_fd_allocate(fd, 0, 100), __WASI_ERRNO_NOTCAPABLE,
             "fd_allocate on a read-only fd");
  CHECK_WASI(__wasi_fd_filestat_set_size(fd, 0), __WASI_ERRNO_NOTCAPABLE,
             "fd_filestat_set_size on a read-only fd");
  close(fd);
  // The preopen itself reduced: without path_open nothing opens through it.
  __wasi_fd_t d;
  CHECK_WASI(__wasi_path_open(dir, 0, ".", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READDIR, 0, 0,
                              &d),
             0, "path_open . with readdir only");
  CHECK_WASI(raw_open(d, "inside.txt", 0), __WASI_ERRNO_NOTCAPABLE,
             "path_open through a dir fd without path_open");
  CHECK_WASI(__wasi_fd_close(d), 0, "close it");
  char buf[64];
  CHECK(read_file(S "inside.txt", buf, sizeof buf) == 7 && strcmp(buf, "inside\n") == 0,
        "inside.txt unchanged");
}

int main(void) {
  int dir = find_preopen("/sandbox");
  CHECK(dir >= 3, "found the /sandbox preopen");
  test_paths(dir);
  test_symlinks(dir);
  test_other_calls(dir);
  test_rights(dir);
  return finish();
}
