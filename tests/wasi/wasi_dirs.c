// Directories and links in the preopened /sandbox (empty at start): mkdir, readdir (libc and
// raw, with cookies), rename, hard links, symlinks and readlink, unlink, rmdir, stat with and
// without following symlinks, timestamps set through paths.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

#define S "/sandbox/"

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

// The names in directory {path} except "." and "..", sorted and joined by spaces into {out}.
// The number of names, or -1.
static int list_dir(const char *path, char *out, size_t cap) {
  DIR *d = opendir(path);
  if (d == NULL) return -1;
  char *names[512];
  int count = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL && count < 512) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    names[count++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(names, (size_t)count, sizeof names[0], cmp_str);
  out[0] = '\0';
  for (int i = 0; i < count; ++i) {
    if (i > 0) strncat(out, " ", cap - strlen(out) - 1);
    strncat(out, names[i], cap - strlen(out) - 1);
    free(names[i]);
  }
  return count;
}

static void check_list(const char *path, const char *want, const char *what) {
  char got[4096];
  int n = list_dir(path, got, sizeof got);
  if (n >= 0 && strcmp(got, want) == 0) ok(what);
  else fail(what, "got [%s] (%d), expected [%s]", got, n, want);
}

static void touch(const char *path, const char *content) {
  if (write_file(path, content, strlen(content)) != 0) fail("create file", "%s", path);
}

static void test_mkdir_readdir(void) {
  CHECK_OK(mkdir(S "d", 0755), "mkdir");
  CHECK_ERRNO(mkdir(S "d", 0755), EEXIST, "mkdir existing");
  CHECK_ERRNO(mkdir(S "no/such/parent", 0755), ENOENT, "mkdir under a missing parent");
  touch(S "d/b.txt", "bee\n");
  touch(S "d/a.txt", "ay\n");
  touch(S "d/c.txt", "sea\n");
  CHECK_OK(mkdir(S "d/sub", 0755), "mkdir nested");
  check_list(S "d", "a.txt b.txt c.txt sub", "readdir sorted");
  check_list(S "d/sub", "", "readdir empty directory");

  // d_type from fd_readdir.
  DIR *dir = opendir(S "d");
  int types_ok = dir != NULL, seen = 0;
  struct dirent *e;
  while (dir && (e = readdir(dir)) != NULL) {
    if (strcmp(e->d_name, "sub") == 0) types_ok &= e->d_type == DT_DIR, ++seen;
    if (strcmp(e->d_name, "a.txt") == 0) types_ok &= e->d_type == DT_REG, ++seen;
  }
  CHECK(types_ok && seen == 2, "readdir d_type");
  // rewinddir starts over (cookie 0 again).
  if (dir) {
    rewinddir(dir);
    int again = 0;
    while ((e = readdir(dir)) != NULL) again += e->d_name[0] != '.';
    CHECK(again == 4, "rewinddir lists everything again");
    closedir(dir);
  }
  CHECK(opendir(S "d/a.txt") == NULL && errno == ENOTDIR, "opendir a file");

  // Many entries: more than one fd_readdir buffer's worth, resumed with cookies.
  CHECK_OK(mkdir(S "many", 0755), "mkdir many");
  for (int i = 0; i < 300; ++i) {
    char path[64];
    snprintf(path, sizeof path, S "many/entry-with-a-long-name-%03d", i);
    int fd = open(path, O_CREAT | O_WRONLY, 0644);
    if (fd < 0) { fail("create many", "%s: %s", path, strerror(errno)); break; }
    close(fd);
  }
  char *list = malloc(300 * 40);
  int n = list_dir(S "many", list, 300 * 40);
  int in_order = n == 300;
  for (int i = 0; in_order && i < 300; ++i) {
    char name[48];
    snprintf(name, sizeof name, "entry-with-a-long-name-%03d", i);
    in_order = strncmp(list + (size_t)i * 27, name, 26) == 0;
  }
  if (in_order) ok("readdir 300 entries, each once");
  else fail("readdir 300 entries, each once", "%d entries", n);
  free(list);
}

// fd_readdir directly: a full read from cookie 0, then a read resuming after the first two
// entries gives exactly the rest.
static void test_raw_readdir(int sandbox) {
  __wasi_fd_t fd;
  CHECK_WASI(__wasi_path_open(sandbox, 0, "d", __WASI_OFLAGS_DIRECTORY,
                              __WASI_RIGHTS_FD_READDIR, 0, 0, &fd),
             0, "path_open directory for fd_readdir");
  static uint8_t buf[8192], buf2[8192];
  __wasi_size_t used = 0, used2 = 0;
  CHECK_WASI(__wasi_fd_readdir(fd, buf, sizeof buf, 0, &used), 0, "fd_readdir");
  char names[16][64];
  __wasi_dircookie_t next[16];
  int count = 0;
  for (size_t off = 0; off + sizeof(__wasi_dirent_t) <= used && count < 16;) {
    __wasi_dirent_t ent;
    memcpy(&ent, buf + off, sizeof ent);
    off += sizeof ent;
    size_t len = ent.d_namlen < 63 ? ent.d_namlen : 63;
    memcpy(names[count], buf + off, len);
    names[count][len] = '\0';
    next[count++] = ent.d_next;
    off += ent.d_namlen;
  }
  // "." and ".." may or may not be listed; a.txt b.txt c.txt sub must be.
  int real = 0;
  for (int i = 0; i < count; ++i) real += names[i][0] != '.';
  CHECK(real == 4 && used < sizeof buf, "fd_readdir lists 4 names in one buffer");
  if (count >= 3) {
    CHECK_WASI(__wasi_fd_readdir(fd, buf2, sizeof buf2, next[1], &used2), 0,
               "fd_readdir from a cookie");
    size_t first_two = 2 * sizeof(__wasi_dirent_t) + strlen(names[0]) + strlen(names[1]);
    CHECK(used2 == used - first_two && memcmp(buf2, buf + first_two, used2) == 0,
          "fd_readdir from a cookie gives the rest");
  }
  // A buffer too small for everything comes back full (the caller then knows to go on).
  CHECK_WASI(__wasi_fd_readdir(fd, buf2, 30, 0, &used2), 0, "fd_readdir small buffer");
  CHECK(used2 == 30, "fd_readdir small buffer is filled");
  CHECK_WASI(__wasi_fd_close(fd), 0, "fd_close directory");
}

static void test_rename(void) {
  CHECK_OK(rename(S "d/a.txt", S "d/a2.txt"), "rename file");
  struct stat st;
  CHECK_ERRNO(stat(S "d/a.txt", &st), ENOENT, "old name gone");
  char buf[16];
  CHECK(read_file(S "d/a2.txt", buf, sizeof buf) == 3 && strcmp(buf, "ay\n") == 0,
        "new name has the content");
  CHECK_OK(rename(S "d/a2.txt", S "d/c.txt"), "rename over an existing file");
  CHECK(read_file(S "d/c.txt", buf, sizeof buf) == 3 && strcmp(buf, "ay\n") == 0,
        "replaced file has the moved content");
  CHECK_OK(rename(S "d/sub", S "d/sub2"), "rename directory");
  CHECK(stat(S "d/sub2", &st) == 0 && S_ISDIR(st.st_mode), "renamed directory");
  CHECK_ERRNO(rename(S "d/missing", S "d/x"), ENOENT, "rename missing");
  CHECK_ERRNO(rename(S "d/c.txt", S "d/sub2"), EISDIR, "rename file over a directory");
  CHECK_OK(rename(S "d/c.txt", S "d/sub2/moved.txt"), "rename into a subdirectory");
  check_list(S "d", "b.txt sub2", "listing after renames");
  check_list(S "d/sub2", "moved.txt", "subdirectory listing after renames");
}

static void test_links(void) {
  CHECK_OK(link(S "d/b.txt", S "d/b-link.txt"), "link");
  struct stat a, b;
  CHECK(stat(S "d/b.txt", &a) == 0 && stat(S "d/b-link.txt", &b) == 0, "stat both names");
  CHECK(a.st_nlink == 2 && b.st_nlink == 2, "two links");
  CHECK(a.st_ino == b.st_ino && a.st_dev == b.st_dev, "same inode");
  touch(S "d/b-link.txt", "buzz\n");
  char buf[64];
  CHECK(read_file(S "d/b.txt", buf, sizeof buf) == 5 && strcmp(buf, "buzz\n") == 0,
        "write through one link, read through the other");
  CHECK_ERRNO(link(S "d/b.txt", S "d/b-link.txt"), EEXIST, "link onto an existing name");
  CHECK_ERRNO(link(S "d/missing", S "d/x"), ENOENT, "link missing");

  CHECK_OK(symlink("b.txt", S "d/sym"), "symlink");
  ssize_t n = readlink(S "d/sym", buf, sizeof buf);
  CHECK(n == 5 && memcmp(buf, "b.txt", 5) == 0, "readlink");
  memset(buf, 0, sizeof buf);
  n = readlink(S "d/sym", buf, 3);
  if (n == 3 && memcmp(buf, "b.t", 3) == 0) ok("readlink truncates to the buffer");
  else fail("readlink truncates to the buffer", "%zd \"%.8s\"", n, buf);
  CHECK_ERRNO(readlink(S "d/b.txt", buf, sizeof buf), EINVAL, "readlink a regular file");
  CHECK_ERRNO(readlink(S "d/none", buf, sizeof buf), ENOENT, "readlink missing");
  CHECK_ERRNO(symlink("b.txt", S "d/sym"), EEXIST, "symlink onto an existing name");

  struct stat st;
  CHECK(stat(S "d/sym", &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 5,
        "stat follows the symlink");
  CHECK(lstat(S "d/sym", &st) == 0 && S_ISLNK(st.st_mode) && st.st_size == 5,
        "lstat sees the symlink");
  CHECK(read_file(S "d/sym", buf, sizeof buf) == 5 && strcmp(buf, "buzz\n") == 0,
        "open through a symlink");
  CHECK_OK(symlink("nowhere", S "d/dangling"), "dangling symlink");
  CHECK_ERRNO(stat(S "d/dangling", &st), ENOENT, "stat dangling");
  CHECK(lstat(S "d/dangling", &st) == 0 && S_ISLNK(st.st_mode), "lstat dangling");
  CHECK_OK(symlink("sub2", S "d/dirlink"), "symlink to a directory");
  CHECK(read_file(S "d/dirlink/moved.txt", buf, sizeof buf) == 3, "path through a dir symlink");
  // ".." inside the sandbox is fine.
  CHECK(read_file(S "d/sub2/../b.txt", buf, sizeof buf) == 5, "path with .. inside the sandbox");

  int sandbox = find_preopen("/sandbox");
  __wasi_filestat_t fs;
  CHECK_WASI(__wasi_path_filestat_get(sandbox, 0, "d/sym", &fs), 0, "path_filestat_get nofollow");
  CHECK(fs.filetype == __WASI_FILETYPE_SYMBOLIC_LINK, "path_filestat_get nofollow: symlink");
  CHECK_WASI(__wasi_path_filestat_get(sandbox, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "d/sym", &fs),
             0, "path_filestat_get follow");
  CHECK(fs.filetype == __WASI_FILETYPE_REGULAR_FILE && fs.size == 5 && fs.nlink == 2,
        "path_filestat_get follow: the file");
  CHECK_WASI(__wasi_path_filestat_get(sandbox, 0, "d", &fs), 0, "path_filestat_get dir");
  CHECK(fs.filetype == __WASI_FILETYPE_DIRECTORY, "path_filestat_get dir: directory");
  uint8_t rl[8];
  __wasi_size_t used = 0;
  CHECK_WASI(__wasi_path_readlink(sandbox, "d/dangling", rl, sizeof rl, &used), 0,
             "path_readlink");
  CHECK(used == 7 && memcmp(rl, "nowhere", 7) == 0, "path_readlink content");
  CHECK_WASI(__wasi_path_link(sandbox, 0, "d/b.txt", sandbox, "third-link.txt"), 0,
             "path_link raw");
  CHECK(stat(S "d/b.txt", &st) == 0 && st.st_nlink == 3, "three links");
  CHECK_WASI(__wasi_path_symlink("d/b.txt", sandbox, "sym-raw"), 0, "path_symlink raw");
  CHECK(read_file(S "sym-raw", buf, sizeof buf) == 5, "read through path_symlink link");
}

static void test_times(void) {
  struct timespec ts[2] = {{1300000000, 0}, {1200000000, 500000000}};
  CHECK_OK(utimensat(AT_FDCWD, S "d/b.txt", ts, 0), "utimensat file");
  struct stat st;
  CHECK(stat(S "d/b.txt", &st) == 0 && st.st_atim.tv_sec == 1300000000 &&
            st.st_mtim.tv_sec == 1200000000 && st.st_mtim.tv_nsec == 500000000,
        "times set through the path");
  struct timespec ts2[2] = {{1100000000, 0}, {1000000000, 0}};
  CHECK_OK(utimensat(AT_FDCWD, S "d/sym", ts2, AT_SYMLINK_NOFOLLOW), "utimensat symlink nofollow");
  CHECK(lstat(S "d/sym", &st) == 0 && st.st_mtim.tv_sec == 1000000000, "symlink's own mtime");
  CHECK(stat(S "d/b.txt", &st) == 0 && st.st_mtim.tv_sec == 1200000000,
        "target untouched by nofollow");
  CHECK_OK(utimensat(AT_FDCWD, S "d/sym", ts2, 0), "utimensat through the symlink");
  CHECK(stat(S "d/b.txt", &st) == 0 && st.st_mtim.tv_sec == 1000000000 &&
            st.st_atim.tv_sec == 1100000000,
        "target's times set through the symlink");
  CHECK_OK(utimensat(AT_FDCWD, S "d", ts, 0), "utimensat directory");
  CHECK(stat(S "d", &st) == 0 && st.st_atim.tv_sec == 1300000000, "directory times");
  CHECK_ERRNO(utimensat(AT_FDCWD, S "d/missing", ts, 0), ENOENT, "utimensat missing");
}

static void test_remove(void) {
  CHECK_OK(unlink(S "d/sym"), "unlink symlink");
  CHECK_ERRNO(unlink(S "d/sym"), ENOENT, "unlink again");
  struct stat st;
  CHECK(stat(S "d/b.txt", &st) == 0, "target survives unlinking its symlink");
  CHECK_OK(unlink(S "d/dirlink"), "unlink a symlink to a directory");
  CHECK(stat(S "d/sub2", &st) == 0 && S_ISDIR(st.st_mode), "directory survives");
  // POSIX says EPERM, Linux EISDIR.
  errno = 0;
  if (unlink(S "d/sub2") == -1 && (errno == EISDIR || errno == EPERM)) ok("unlink a directory");
  else fail("unlink a directory", "errno %d", errno);
  // POSIX allows EEXIST or ENOTEMPTY.
  errno = 0;
  if (rmdir(S "d/sub2") == -1 && (errno == ENOTEMPTY || errno == EEXIST))
    ok("rmdir non-empty directory");
  else fail("rmdir non-empty directory", "errno %d", errno);
  CHECK_ERRNO(rmdir(S "d/b.txt"), ENOTDIR, "rmdir a file");
  CHECK_OK(unlink(S "d/sub2/moved.txt"), "unlink file");
  CHECK_OK(rmdir(S "d/sub2"), "rmdir empty directory");
  CHECK_ERRNO(rmdir(S "d/sub2"), ENOENT, "rmdir again");
  CHECK_OK(unlink(S "d/b-link.txt"), "unlink one hard link");
  CHECK(stat(S "d/b.txt", &st) == 0 && st.st_nlink == 2, "link count drops");
  int sandbox = find_preopen("/sandbox");
  CHECK_WASI(__wasi_path_unlink_file(sandbox, "third-link.txt"), 0, "path_unlink_file raw");
  CHECK_WASI(__wasi_path_create_directory(sandbox, "raw-dir"), 0, "path_create_directory raw");
  CHECK_WASI(__wasi_path_rename(sandbox, "raw-dir", sandbox, "raw-dir2"), 0, "path_rename raw");
  CHECK_WASI(__wasi_path_remove_directory(sandbox, "raw-dir2"), 0,
             "path_remove_directory raw");
  CHECK_WASI(__wasi_path_remove_directory(sandbox, "raw-dir2"), __WASI_ERRNO_NOENT,
             "path_remove_directory missing");
  check_list(S "d", "b.txt dangling", "final listing of d");
  check_list(S, "d many sym-raw", "final listing of the sandbox");
}

int main(void) {
  test_mkdir_readdir();
  test_raw_readdir(find_preopen("/sandbox"));
  test_rename();
  test_links();
  test_times();
  test_remove();
  return finish();
}
