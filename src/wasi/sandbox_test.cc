// The sandboxed path resolver and the path_* functions on top of it, in both resolution
// modes (openat2 and the manual walk): paths resolve beneath their directory and no "..",
// absolute path or symlink (even one swapped in concurrently) reaches outside it.
#include "wasi/sandbox.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <ostream>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "wasi/internal.h"

namespace wasmscope::internal::wasi {

/// Prints an {Errno} as its number in test failures.
void PrintTo(Errno e, std::ostream* os) {
  *os << "errno " << static_cast<int>(e);
}

namespace {

// ---- Fixture: a sandbox directory with a secret file next to it ----

/// Writes {text} to the new file {path}.
void write_file(const std::string& path, const std::string& text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0) << path;
  ASSERT_EQ(::write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  ::close(fd);
}

/// The whole content of the open file {fd}.
std::string read_fd(int fd) {
  std::string text;
  char buf[256];
  ssize_t n;
  while ((n = ::pread(fd, buf, sizeof buf, static_cast<off_t>(text.size()))) > 0) {
    text.append(buf, static_cast<size_t>(n));
  }
  return text;
}

/// (st_dev, st_ino) of {path} (not following a final symlink when {nofollow}).
std::pair<dev_t, ino_t> identity(const std::string& path, bool nofollow = false) {
  struct stat st = {};
  EXPECT_EQ(nofollow ? ::lstat(path.c_str(), &st) : ::stat(path.c_str(), &st), 0) << path;
  return {st.st_dev, st.st_ino};
}

/// (st_dev, st_ino) of the open {fd}.
std::pair<dev_t, ino_t> identity(int fd) {
  struct stat st = {};
  EXPECT_EQ(::fstat(fd, &st), 0);
  return {st.st_dev, st.st_ino};
}

/// Test name suffix for a mode parameter.
std::string mode_name(const ::testing::TestParamInfo<bool>& param) {
  return param.param ? "ManualWalk" : "Openat2";
}

/// Parameter: true runs the test with the manual walk forced.
class SandboxTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    force_manual_resolution_for_testing(GetParam());
    char templ[] = "/tmp/wasmscope-sandbox-XXXXXX";
    ASSERT_NE(::mkdtemp(templ), nullptr);
    root_ = templ;
    box_ = root_ + "/box";
    ASSERT_EQ(::mkdir(box_.c_str(), 0755), 0);
    write_file(root_ + "/secret.txt", "SECRET");
    write_file(box_ + "/file.txt", "inside");
    mkdir_in_box("a");
    mkdir_in_box("a/b");
    mkdir_in_box("a/b/c");
    write_file(box_ + "/a/inner.txt", "inner");
    write_file(box_ + "/a/passwd", "not the host's");
    link_in_box("file.txt", "link_file");
    link_in_box("a", "link_dir");
    link_in_box("../file.txt", "a/up");  // climbs, but stays inside
    link_in_box("..", "a/dotdot");       // the box itself: one more ".." escapes
    link_in_box("/etc", "etc_link");
    link_in_box("../secret.txt", "escape_rel");
    link_in_box("a/../../secret.txt", "escape_deep");
    link_in_box("chain2", "chain1");
    link_in_box("a/chain3", "chain2");
    link_in_box("../../secret.txt", "a/chain3");  // the chain's end is outside
    link_in_box("loop2", "loop1");
    link_in_box("loop1", "loop2");
    link_in_box("self", "self");
    link_in_box("made_by_link.txt", "dangling");
    link_in_box("../created_outside.txt", "dangling_out");
    box_fd_ = ::open(box_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ASSERT_GE(box_fd_, 0);
  }

  void TearDown() override {
    force_manual_resolution_for_testing(false);
    if (box_fd_ >= 0) ::close(box_fd_);
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }

  void mkdir_in_box(const std::string& name) {
    ASSERT_EQ(::mkdir((box_ + "/" + name).c_str(), 0755), 0) << name;
  }
  void link_in_box(const std::string& target, const std::string& name) {
    ASSERT_EQ(::symlink(target.c_str(), (box_ + "/" + name).c_str()), 0) << name;
  }

  /// open_beneath on the box; the fd is closed by the returned holder.
  Errno open(std::string_view path, int flags = O_RDONLY, bool follow = true,
             UniqueFd* out = nullptr) {
    int fd = -1;
    const Errno e = open_beneath(box_fd_, path, flags, 0644, follow, &fd);
    if (e == Errno::kSuccess) {
      EXPECT_GE(fd, 0);
    } else {
      EXPECT_EQ(fd, -1);
    }
    UniqueFd holder(fd);
    if (out != nullptr) *out = std::move(holder);
    return e;
  }

  /// The content of {path} opened beneath the box, or "" on failure.
  std::string read(std::string_view path) {
    UniqueFd fd;
    if (open(path, O_RDONLY, true, &fd) != Errno::kSuccess) return "";
    return read_fd(fd.get());
  }

  std::string root_;
  std::string box_;
  int box_fd_ = -1;
};

INSTANTIATE_TEST_SUITE_P(Modes, SandboxTest, ::testing::Values(false, true), mode_name);

TEST_P(SandboxTest, ModeIsTheOneAskedFor) {
  if (GetParam()) {
    EXPECT_FALSE(uses_openat2());
  } else if (!uses_openat2()) {
    GTEST_SKIP() << "openat2 unavailable: both instances test the manual walk";
  }
}

TEST_P(SandboxTest, OpensFilesAndDirectories) {
  EXPECT_EQ(read("file.txt"), "inside");
  EXPECT_EQ(read("a/inner.txt"), "inner");
  EXPECT_EQ(read("./a//inner.txt"), "inner");
  EXPECT_EQ(open("a", O_RDONLY | O_DIRECTORY), Errno::kSuccess);
  EXPECT_EQ(open("."), Errno::kSuccess);
  EXPECT_EQ(open("missing"), Errno::kNoEnt);
  EXPECT_EQ(open("file.txt/x"), Errno::kNotDir);
  EXPECT_EQ(open("file.txt", O_RDONLY | O_DIRECTORY), Errno::kNotDir);
}

TEST_P(SandboxTest, DotDotInsideWorks) {
  EXPECT_EQ(read("a/../file.txt"), "inside");
  EXPECT_EQ(read("a/b/c/../../inner.txt"), "inner");
  EXPECT_EQ(read("a/b/../../a/./inner.txt"), "inner");
  UniqueFd fd;
  ASSERT_EQ(open("a/b/..", O_RDONLY | O_DIRECTORY, true, &fd), Errno::kSuccess);
  EXPECT_EQ(identity(fd.get()), identity(box_ + "/a"));
}

TEST_P(SandboxTest, DotDotEscapeIsNotCapable) {
  EXPECT_EQ(open("../secret.txt"), Errno::kNotCapable);
  EXPECT_EQ(open(".."), Errno::kNotCapable);
  EXPECT_EQ(open("a/../../secret.txt"), Errno::kNotCapable);
  EXPECT_EQ(open("a/b/../../../box/file.txt"), Errno::kNotCapable);
  EXPECT_EQ(open("../box/file.txt"), Errno::kNotCapable);
}

TEST_P(SandboxTest, BadPathText) {
  EXPECT_EQ(open("/etc/passwd"), Errno::kNotCapable);
  EXPECT_EQ(open("/"), Errno::kNotCapable);
  EXPECT_EQ(open(""), Errno::kNoEnt);
  EXPECT_EQ(open(std::string_view("file.txt\0/../x", 14)), Errno::kInval);
  EXPECT_EQ(open(std::string(PATH_MAX, 'a')), Errno::kNameTooLong);
}

TEST_P(SandboxTest, AbsoluteSymlinkIsNotCapable) {
  EXPECT_EQ(open("etc_link/passwd"), Errno::kNotCapable);
  EXPECT_EQ(open("etc_link"), Errno::kNotCapable);
  EXPECT_EQ(open("etc_link", O_RDONLY | O_DIRECTORY), Errno::kNotCapable);
  EXPECT_EQ(open("etc_link/"), Errno::kNotCapable);
  EXPECT_EQ(open("etc_link", O_PATH, true), Errno::kNotCapable);
  // Not following: the link itself opens (O_PATH), or kLoop as with O_NOFOLLOW.
  UniqueFd fd;
  ASSERT_EQ(open("etc_link", O_PATH, false, &fd), Errno::kSuccess);
  EXPECT_EQ(identity(fd.get()), identity(box_ + "/etc_link", true));
  EXPECT_EQ(open("etc_link", O_RDONLY, false), Errno::kLoop);
}

TEST_P(SandboxTest, RelativeEscapingSymlinkIsNotCapable) {
  EXPECT_EQ(open("escape_rel"), Errno::kNotCapable);
  EXPECT_EQ(open("escape_deep"), Errno::kNotCapable);
  EXPECT_EQ(open("chain1"), Errno::kNotCapable);
  EXPECT_EQ(open("a/dotdot/.."), Errno::kNotCapable);
  EXPECT_EQ(open("a/dotdot/../secret.txt"), Errno::kNotCapable);
  EXPECT_EQ(open("link_dir/../../secret.txt"), Errno::kNotCapable);
}

TEST_P(SandboxTest, InnerSymlinksWork) {
  EXPECT_EQ(read("link_file"), "inside");
  EXPECT_EQ(read("link_dir/inner.txt"), "inner");
  EXPECT_EQ(read("a/up"), "inside");
  EXPECT_EQ(read("a/dotdot/file.txt"), "inside");
  EXPECT_EQ(read("link_dir/../file.txt"), "inside");  // ".." of the link's target
  EXPECT_EQ(open("link_file", O_RDONLY, false), Errno::kLoop);
  EXPECT_EQ(open("link_dir", O_RDONLY | O_DIRECTORY, false), Errno::kNotDir);
  UniqueFd fd;
  ASSERT_EQ(open("link_dir/", O_RDONLY, false, &fd), Errno::kSuccess);  // '/' follows
  EXPECT_EQ(identity(fd.get()), identity(box_ + "/a"));
  ASSERT_EQ(open("link_file", O_PATH, true, &fd), Errno::kSuccess);
  EXPECT_EQ(identity(fd.get()), identity(box_ + "/file.txt"));
  ASSERT_EQ(open("link_file", O_PATH, false, &fd), Errno::kSuccess);
  EXPECT_EQ(identity(fd.get()), identity(box_ + "/link_file", true));
}

TEST_P(SandboxTest, SymlinkLoopsAreLoop) {
  EXPECT_EQ(open("loop1"), Errno::kLoop);
  EXPECT_EQ(open("loop1/x"), Errno::kLoop);
  EXPECT_EQ(open("self"), Errno::kLoop);
  EXPECT_EQ(open("self", O_PATH), Errno::kLoop);
}

TEST_P(SandboxTest, TrailingSlash) {
  EXPECT_EQ(open("a/", O_RDONLY), Errno::kSuccess);
  EXPECT_EQ(open("a/b/", O_RDONLY | O_DIRECTORY), Errno::kSuccess);
  EXPECT_EQ(open("file.txt/"), Errno::kNotDir);
  EXPECT_EQ(open("link_file/"), Errno::kNotDir);
  EXPECT_EQ(open("new/", O_RDWR | O_CREAT), Errno::kIsDir);
}

TEST_P(SandboxTest, CreateStaysInside) {
  UniqueFd fd;
  ASSERT_EQ(open("new.txt", O_WRONLY | O_CREAT | O_EXCL, true, &fd), Errno::kSuccess);
  EXPECT_EQ(::faccessat(box_fd_, "new.txt", F_OK, 0), 0);
  EXPECT_EQ(open("new.txt", O_WRONLY | O_CREAT | O_EXCL), Errno::kExist);
  // A dangling link is created through when followed, but only beneath the box.
  ASSERT_EQ(open("dangling", O_WRONLY | O_CREAT, true, &fd), Errno::kSuccess);
  EXPECT_EQ(::faccessat(box_fd_, "made_by_link.txt", F_OK, 0), 0);
  EXPECT_EQ(open("dangling_out", O_WRONLY | O_CREAT, true), Errno::kNotCapable);
  EXPECT_NE(::access((root_ + "/created_outside.txt").c_str(), F_OK), 0);
  EXPECT_EQ(open("dangling_out", O_WRONLY | O_CREAT, false), Errno::kLoop);
  EXPECT_EQ(open("dangling_out", O_WRONLY | O_CREAT | O_EXCL, true), Errno::kExist);
  EXPECT_EQ(open("../created_outside.txt", O_WRONLY | O_CREAT), Errno::kNotCapable);
  EXPECT_NE(::access((root_ + "/created_outside.txt").c_str(), F_OK), 0);
}

/// How many fds this process has open.
size_t open_fd_count() {
  size_t count = 0;
  std::error_code ignored;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ignored);
       it != std::filesystem::directory_iterator(); it.increment(ignored)) {
    ++count;
  }
  return count;
}

TEST_P(SandboxTest, NoFdLeaks) {
  const size_t before = open_fd_count();
  for (int i = 0; i < 100; ++i) {
    for (const char* path : {"a/b/c/../../inner.txt", "chain1", "loop1", "a/dotdot/..",
                             "etc_link/passwd", "link_dir/inner.txt", "a/b/c/missing/x"}) {
      UniqueFd fd;
      (void)open(path, O_RDONLY, true, &fd);
      PathParent parent;
      (void)open_parent(box_fd_, path, true, &parent);
    }
  }
  EXPECT_EQ(open_fd_count(), before);
}

// ---- open_parent ----

/// open_parent on the box.
Errno parent_of(int box, std::string_view path, bool follow, PathParent* out) {
  return open_parent(box, path, follow, out);
}

TEST_P(SandboxTest, OpenParentSplitsThePath) {
  PathParent p;
  ASSERT_EQ(parent_of(box_fd_, "a/inner.txt", false, &p), Errno::kSuccess);
  EXPECT_EQ(p.name, "inner.txt");
  EXPECT_FALSE(p.trailing_slash);
  EXPECT_EQ(identity(p.dir.get()), identity(box_ + "/a"));
  ASSERT_EQ(parent_of(box_fd_, "new", false, &p), Errno::kSuccess);
  EXPECT_EQ(p.name, "new");
  EXPECT_EQ(identity(p.dir.get()), identity(box_));
  ASSERT_EQ(parent_of(box_fd_, "a/b//", false, &p), Errno::kSuccess);
  EXPECT_EQ(p.name, "b");
  EXPECT_TRUE(p.trailing_slash);
  EXPECT_EQ(identity(p.dir.get()), identity(box_ + "/a"));
  ASSERT_EQ(parent_of(box_fd_, "a/b/..", false, &p), Errno::kSuccess);
  EXPECT_EQ(p.name, ".");
  EXPECT_EQ(identity(p.dir.get()), identity(box_ + "/a"));
  ASSERT_EQ(parent_of(box_fd_, ".", false, &p), Errno::kSuccess);
  EXPECT_EQ(p.name, ".");
  EXPECT_EQ(identity(p.dir.get()), identity(box_));
  ASSERT_EQ(parent_of(box_fd_, "link_dir/inner.txt", false, &p), Errno::kSuccess);
  EXPECT_EQ(identity(p.dir.get()), identity(box_ + "/a"));
}

TEST_P(SandboxTest, OpenParentRefusesEscapes) {
  PathParent p;
  EXPECT_EQ(parent_of(box_fd_, "..", false, &p), Errno::kNotCapable);
  EXPECT_EQ(parent_of(box_fd_, "../x", false, &p), Errno::kNotCapable);
  EXPECT_EQ(parent_of(box_fd_, "a/../..", false, &p), Errno::kNotCapable);
  EXPECT_EQ(parent_of(box_fd_, "/etc/passwd", false, &p), Errno::kNotCapable);
  EXPECT_EQ(parent_of(box_fd_, "etc_link/passwd", false, &p), Errno::kNotCapable);
  EXPECT_EQ(parent_of(box_fd_, "a/dotdot/../x", false, &p), Errno::kNotCapable);
  EXPECT_EQ(parent_of(box_fd_, "", false, &p), Errno::kNoEnt);
  // Following the last component: its target must stay inside too.
  EXPECT_EQ(parent_of(box_fd_, "escape_rel", true, &p), Errno::kNotCapable);
  EXPECT_EQ(parent_of(box_fd_, "etc_link", true, &p), Errno::kNotCapable);
  EXPECT_EQ(parent_of(box_fd_, "chain1", true, &p), Errno::kNotCapable);
  EXPECT_EQ(parent_of(box_fd_, "dangling_out", true, &p), Errno::kNotCapable);
  EXPECT_EQ(parent_of(box_fd_, "loop1", true, &p), Errno::kLoop);
  // Not following: the link itself is the name acted on, which is inside.
  ASSERT_EQ(parent_of(box_fd_, "escape_rel", false, &p), Errno::kSuccess);
  EXPECT_EQ(p.name, "escape_rel");
}

TEST_P(SandboxTest, OpenParentFollowsInnerLinks) {
  PathParent p;
  ASSERT_EQ(parent_of(box_fd_, "link_file", true, &p), Errno::kSuccess);
  EXPECT_EQ(p.name, "file.txt");
  EXPECT_EQ(identity(p.dir.get()), identity(box_));
  ASSERT_EQ(parent_of(box_fd_, "a/up", true, &p), Errno::kSuccess);
  EXPECT_EQ(p.name, "file.txt");
  EXPECT_EQ(identity(p.dir.get()), identity(box_));
  ASSERT_EQ(parent_of(box_fd_, "dangling", true, &p), Errno::kSuccess);
  EXPECT_EQ(p.name, "made_by_link.txt");
  ASSERT_EQ(parent_of(box_fd_, "a/dotdot", true, &p), Errno::kSuccess);
  EXPECT_EQ(p.name, ".");
  EXPECT_EQ(identity(p.dir.get()), identity(box_));
}

// ---- Concurrent swaps (TOCTOU) ----

/// Atomically replaces the symlink {name} in {dir} by one to {target} (rename over it).
void swap_link(int dir, const char* tmp, const char* name, const char* target) {
  ::unlinkat(dir, tmp, 0);
  if (::symlinkat(target, dir, tmp) == 0) ::renameat(dir, tmp, dir, name);
}

/// Runs {swap} on a thread as fast as it can while {probe} runs at least {min_runs} times
/// on this one (and on, up to a time limit, until {done} says both outcomes were seen).
template <typename Swap, typename Probe, typename Done>
void race(Swap swap, Probe probe, Done done, int min_runs) {
  std::atomic<bool> stop{false};  // relaxed: only ends the loop
  std::thread swapper([&] {
    for (unsigned i = 0; !stop.load(std::memory_order_relaxed); ++i)
      swap(i);
  });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  for (int i = 0; i < min_runs || (!done() && std::chrono::steady_clock::now() < deadline); ++i) {
    probe();
  }
  stop.store(true, std::memory_order_relaxed);
  swapper.join();
}

/// What the opens of a symlink-swap race came to. Every race expects no escape, nothing
/// unexpected, and both outcomes the swap allows: the inside target reached, and refusals.
struct SwapTally {
  int inside = 0;   ///< Opens that reached the inside target.
  int refused = 0;  ///< Opens refused as escapes (ENOTCAPABLE).
  int escapes = 0;  ///< Opens that reached outside the box.
  int other = 0;    ///< Any other outcome.

  /// A successful open: whether it reached the inside target, escaped, or was unexpected.
  void opened(bool reached_inside, bool escaped, bool unexpected = false) {
    inside += reached_inside;
    escapes += escaped;
    other += unexpected;
  }
  /// A failed open: refused if ENOTCAPABLE, else unexpected.
  void failed(Errno e) { ++(e == Errno::kNotCapable ? refused : other); }
  bool saw_both() const { return inside > 0 && refused > 0; }
  void expect_no_escape(const char* verb) const {
    std::printf("%s inside %d, refused %d\n", verb, inside, refused);
    EXPECT_EQ(escapes, 0);
    EXPECT_EQ(other, 0);
    EXPECT_GT(inside, 0);
    EXPECT_GT(refused, 0);
  }
};

TEST_P(SandboxTest, SwappedFileSymlinkNeverReachesOutside) {
  // {swap} alternates between the inside file and the secret, by ".." and by absolute path.
  // rename() replaces it atomically, so the name always exists: every open either reaches
  // file.txt or is refused as an escape (never kNoEnt).
  link_in_box("file.txt", "swap");
  const std::string secret_abs = root_ + "/secret.txt";
  const auto secret = identity(secret_abs);
  const auto inside = identity(box_ + "/file.txt");
  SwapTally tally;
  race(
      [&](unsigned i) {
        const char* targets[] = {"file.txt", "../secret.txt", "file.txt", secret_abs.c_str()};
        swap_link(box_fd_, "swap.tmp", "swap", targets[i % 4]);
      },
      [&] {
        UniqueFd fd;
        const Errno e = open("swap", O_RDONLY, true, &fd);
        if (e != Errno::kSuccess) return tally.failed(e);
        const auto id = identity(fd.get());
        tally.opened(id == inside, id == secret);
      },
      [&] { return tally.saw_both(); }, 20000);
  tally.expect_no_escape("opened");
  EXPECT_GE(tally.inside + tally.refused, 20000);
}

TEST_P(SandboxTest, SwappedDirectorySymlinkNeverReachesOutside) {
  // {swapdir} alternates between "a" (holding its own "passwd") and "/etc".
  link_in_box("a", "swapdir");
  const auto host_passwd = identity("/etc/passwd");
  const auto inside = identity(box_ + "/a/passwd");
  SwapTally tally;
  race([&](unsigned i) { swap_link(box_fd_, "swapdir.tmp", "swapdir", i % 2 ? "/etc" : "a"); },
       [&] {
         UniqueFd fd;
         const Errno e = open("swapdir/passwd", O_RDONLY, false, &fd);
         if (e != Errno::kSuccess) return tally.failed(e);
         const auto id = identity(fd.get());
         tally.opened(id == inside, id == host_passwd);
       },
       [&] { return tally.saw_both(); }, 20000);
  tally.expect_no_escape("opened");
}

TEST_P(SandboxTest, SwappedSymlinkNeverEscapesOpenParent) {
  // The *at operations: with follow, the resolved (dir, name) must stay inside even when
  // {swap} flips between an inside file and the secret.
  link_in_box("file.txt", "swap");
  const auto box = identity(box_);
  SwapTally tally;
  race(
      [&](unsigned i) {
        swap_link(box_fd_, "swap.tmp", "swap", i % 2 ? "a/../../secret.txt" : "file.txt");
      },
      [&] {
        PathParent p;
        const Errno e = open_parent(box_fd_, "swap", true, &p);
        if (e != Errno::kSuccess) return tally.failed(e);
        // Resolved to anything but (box, "file.txt") is unexpected: counted as "other".
        tally.opened(p.name == "file.txt", identity(p.dir.get()) != box, p.name != "file.txt");
      },
      [&] { return tally.saw_both(); }, 20000);
  tally.expect_no_escape("resolved");
}

TEST_P(SandboxTest, MovedDirectoryCannotCarryDotDotOut) {
  // A directory moved up while a walk is inside it must not let the walk's ".." climb above
  // the box: "a/b/c/../../../secret.txt" names box/secret.txt, which does not exist.
  int found = 0;
  int other = 0;
  race(
      [&](unsigned i) {
        if (i % 2) {
          ::renameat(box_fd_, "a/b/c", box_fd_, "c");
        } else {
          ::renameat(box_fd_, "c", box_fd_, "a/b/c");
        }
      },
      [&] {
        const Errno e = open("a/b/c/../../../secret.txt");
        found += e == Errno::kSuccess;
        other += e != Errno::kSuccess && e != Errno::kNoEnt && e != Errno::kNotCapable;
      },
      [] { return true; }, 20000);
  std::printf("found %d, other errors %d\n", found, other);
  EXPECT_EQ(found, 0);
  EXPECT_EQ(other, 0);
}

// ---- Both modes agree ----

TEST(SandboxModes, ManualWalkMatchesOpenat2) {
  force_manual_resolution_for_testing(false);
  if (!uses_openat2()) GTEST_SKIP() << "openat2 unavailable";
  char templ[] = "/tmp/wasmscope-sandbox-XXXXXX";
  ASSERT_NE(::mkdtemp(templ), nullptr);
  const std::string box = templ;
  write_file(box + "/f", "f");
  ASSERT_EQ(::mkdir((box + "/d").c_str(), 0755), 0);
  ASSERT_EQ(::symlink("f", (box + "/lf").c_str()), 0);
  ASSERT_EQ(::symlink("d", (box + "/ld").c_str()), 0);
  ASSERT_EQ(::symlink("d/", (box + "/lds").c_str()), 0);
  ASSERT_EQ(::symlink("missing", (box + "/lm").c_str()), 0);
  ASSERT_EQ(::symlink("..", (box + "/d/up").c_str()), 0);
  const int dir = ::open(box.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  ASSERT_GE(dir, 0);
  const char* paths[] = {"f",    "f/",     "f/.",     "d",       "d/",       "d/.",    "d/..", "lf",
                         "lf/",  "ld",     "ld/",     "lds",     "lm",       "lm/",    ".",    "./",
                         "d/up", "d/up/f", "d/up/..", "missing", "missing/", "d/up/lf"};
  const int flag_sets[] = {O_RDONLY,
                           O_PATH,
                           O_RDONLY | O_DIRECTORY,
                           O_WRONLY,
                           O_RDWR | O_CREAT,
                           O_WRONLY | O_CREAT | O_EXCL,
                           O_PATH | O_DIRECTORY};
  for (const char* path : paths) {
    for (int flags : flag_sets) {
      for (bool follow : {false, true}) {
        Errno results[2];
        for (int manual = 0; manual < 2; ++manual) {
          force_manual_resolution_for_testing(manual != 0);
          int fd = -1;
          results[manual] = open_beneath(dir, path, flags, 0644, follow, &fd);
          if (fd >= 0) ::close(fd);
          // Undo creations so both modes see the same tree.
          if (results[manual] == Errno::kSuccess && (flags & O_CREAT)) {
            ::unlinkat(dir, "missing", 0);
          }
        }
        EXPECT_EQ(results[0], results[1])
            << "path " << path << " flags " << std::hex << flags << " follow " << follow;
      }
    }
  }
  force_manual_resolution_for_testing(false);
  ::close(dir);
  std::error_code ignored;
  std::filesystem::remove_all(box, ignored);
}

// ---- The path_* functions ----

/// A WASI context whose fd 3 is the box, and a guest memory to pass arguments in.
class PathOpsTest : public SandboxTest {
 protected:
  void SetUp() override {
    SandboxTest::SetUp();
    WasiOptions options;
    options.preopens.push_back({box_, "/sandbox"});
    auto created = WasiContext::create(options);
    ASSERT_TRUE(created.ok());
    wasi_ = std::move(*created);
    memory_.assign(4096, 0);
  }

  /// Calls {fn} with {args} (wasm parameter order).
  Errno call(WasiFn fn, std::initializer_list<uint64_t> args) {
    std::vector<Slot> slots(args);
    WasiCall c(*wasi_, nullptr, GuestMemory(memory_.data(), memory_.size()), slots.data());
    return fn(c);
  }

  /// Places {text} in guest memory; returns its address.
  uint32_t put(std::string_view text) {
    const uint32_t at = next_;
    std::memcpy(memory_.data() + at, text.data(), text.size());
    next_ += static_cast<uint32_t>(text.size() + 8) & ~7u;
    return at;
  }

  /// path_open on the box; {*fd} receives the guest fd.
  Errno open_at(std::string_view path, uint64_t rights, uint16_t oflags = 0,
                uint32_t lookup = kLookupSymlinkFollow, uint32_t* fd = nullptr) {
    const uint32_t p = put(path);
    const Errno e = call(path_open, {kBox, lookup, p, path.size(), oflags, rights, 0, 0, kOut});
    if (fd != nullptr) std::memcpy(fd, memory_.data() + kOut, 4);
    return e;
  }

  /// path_filestat_get's filetype for {path}, or 255 on failure.
  uint8_t filetype_of(std::string_view path, uint32_t lookup) {
    const uint32_t p = put(path);
    if (call(path_filestat_get, {kBox, lookup, p, path.size(), kOut}) != Errno::kSuccess) {
      return 255;
    }
    return memory_[kOut + layout::Filestat::kFiletype];
  }

  /// Calls a path function taking (fd, path, len).
  Errno on_name(WasiFn fn, std::string_view path) {
    const uint32_t p = put(path);
    return call(fn, {kBox, p, path.size()});
  }

  static constexpr uint32_t kBox = 3;
  static constexpr uint32_t kOut = 3000;
  std::unique_ptr<WasiContext> wasi_;
  std::vector<uint8_t> memory_;
  uint32_t next_ = 16;
};

INSTANTIATE_TEST_SUITE_P(Modes, PathOpsTest, ::testing::Values(false, true), mode_name);

TEST_P(PathOpsTest, PathOpenGivesAnFdWithinTheRights) {
  uint32_t fd = 0;
  const uint64_t asked = rights::kFdRead | rights::kFdSeek | rights::kPathOpen;
  ASSERT_EQ(open_at("a/inner.txt", asked, 0, kLookupSymlinkFollow, &fd), Errno::kSuccess);
  FdEntry* entry = wasi_->fds().get(fd);
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->type, Filetype::kRegularFile);
  EXPECT_EQ(entry->rights_base, rights::kFdRead | rights::kFdSeek);
  EXPECT_EQ(read_fd(entry->host_fd), "inner");
  EXPECT_EQ(open_at("a", rights::kFdReaddir, kOflagDirectory, 0, &fd), Errno::kSuccess);
  EXPECT_EQ(wasi_->fds().get(fd)->type, Filetype::kDirectory);
  // Beyond the directory's inheriting rights.
  EXPECT_EQ(open_at("file.txt", 1ull << 40), Errno::kNotCapable);
  // Writing a directory.
  EXPECT_EQ(open_at("a", rights::kFdWrite), Errno::kIsDir);
}

TEST_P(PathOpsTest, PathOpenRefusesEscapes) {
  const size_t before = wasi_->fds().size();
  EXPECT_EQ(open_at("../secret.txt", rights::kFdRead), Errno::kNotCapable);
  EXPECT_EQ(open_at("/etc/passwd", rights::kFdRead), Errno::kNotCapable);
  EXPECT_EQ(open_at("etc_link/passwd", rights::kFdRead), Errno::kNotCapable);
  EXPECT_EQ(open_at("escape_rel", rights::kFdRead), Errno::kNotCapable);
  EXPECT_EQ(open_at("link_file", rights::kFdRead, 0, 0), Errno::kLoop);
  EXPECT_EQ(open_at("", rights::kFdRead), Errno::kNoEnt);
  EXPECT_EQ(wasi_->fds().size(), before);
}

TEST_P(PathOpsTest, PathOpenChecksFdsRightsAndMemory) {
  EXPECT_EQ(call(path_open, {99, 0, put("f"), 1, 0, 0, 0, 0, kOut}), Errno::kBadf);
  uint32_t file = 0;
  ASSERT_EQ(open_at("file.txt", rights::kFdRead, 0, 0, &file), Errno::kSuccess);
  EXPECT_EQ(call(path_open, {file, 0, put("x"), 1, 0, 0, 0, 0, kOut}), Errno::kNotDir);
  // Out-of-bounds fd pointer: nothing is created or leaked.
  const size_t before = wasi_->fds().size();
  EXPECT_EQ(call(path_open, {kBox, 0, put("made.txt"), 8, kOflagCreat, rights::kFdWrite, 0, 0,
                             memory_.size() - 2}),
            Errno::kFault);
  EXPECT_NE(::faccessat(box_fd_, "made.txt", F_OK, 0), 0);
  EXPECT_EQ(wasi_->fds().size(), before);
  EXPECT_EQ(call(path_open, {kBox, 0, 5000, 8, 0, 0, 0, 0, kOut}), Errno::kFault);
  // Creating needs path_create_file.
  wasi_->fds().get(kBox)->rights_base &= ~rights::kPathCreateFile;
  EXPECT_EQ(open_at("made.txt", rights::kFdWrite, kOflagCreat), Errno::kNotCapable);
  EXPECT_EQ(open_at("file.txt", rights::kFdRead), Errno::kSuccess);
}

TEST_P(PathOpsTest, FilestatFollowsOnlyWhenAsked) {
  constexpr auto kLink = static_cast<uint8_t>(Filetype::kSymbolicLink);
  constexpr auto kFile = static_cast<uint8_t>(Filetype::kRegularFile);
  constexpr auto kDir = static_cast<uint8_t>(Filetype::kDirectory);
  EXPECT_EQ(filetype_of("link_file", 0), kLink);
  EXPECT_EQ(filetype_of("link_file", kLookupSymlinkFollow), kFile);
  EXPECT_EQ(filetype_of("etc_link", 0), kLink);
  EXPECT_EQ(filetype_of("etc_link", kLookupSymlinkFollow), 255);
  EXPECT_EQ(filetype_of("link_dir/", 0), kDir);
  EXPECT_EQ(filetype_of("a/b/..", 0), kDir);
  const uint32_t p = put("etc_link");
  EXPECT_EQ(call(path_filestat_get, {kBox, kLookupSymlinkFollow, p, 8, kOut}), Errno::kNotCapable);
  EXPECT_EQ(call(path_filestat_get, {kBox, 0, p, 8, memory_.size() - 8}), Errno::kFault);
}

TEST_P(PathOpsTest, SetTimesStaysInside) {
  const uint32_t p = put("link_file");
  ASSERT_EQ(call(path_filestat_set_times,
                 {kBox, kLookupSymlinkFollow, p, 9, 0, 5'000'000'000ull, kFstMtim}),
            Errno::kSuccess);
  struct stat st;
  ASSERT_EQ(::stat((box_ + "/file.txt").c_str(), &st), 0);
  EXPECT_EQ(st.st_mtim.tv_sec, 5);
  const uint32_t e = put("escape_rel");
  const std::string secret = root_ + "/secret.txt";
  struct stat before;
  ASSERT_EQ(::stat(secret.c_str(), &before), 0);
  EXPECT_EQ(call(path_filestat_set_times,
                 {kBox, kLookupSymlinkFollow, e, 10, 0, 7'000'000'000ull, kFstMtim}),
            Errno::kNotCapable);
  // Without follow the link itself is touched, not the secret.
  EXPECT_EQ(call(path_filestat_set_times, {kBox, 0, e, 10, 0, 7'000'000'000ull, kFstMtim}),
            Errno::kSuccess);
  ASSERT_EQ(::stat(secret.c_str(), &st), 0);
  EXPECT_EQ(st.st_mtim.tv_sec, before.st_mtim.tv_sec);
  ASSERT_EQ(::lstat((box_ + "/escape_rel").c_str(), &st), 0);
  EXPECT_EQ(st.st_mtim.tv_sec, 7);
}

TEST_P(PathOpsTest, DirectoriesAndUnlink) {
  EXPECT_EQ(on_name(path_create_directory, "newdir/"), Errno::kSuccess);
  EXPECT_EQ(on_name(path_create_directory, "newdir"), Errno::kExist);
  EXPECT_EQ(on_name(path_create_directory, "."), Errno::kExist);
  EXPECT_EQ(on_name(path_create_directory, "../outside_dir"), Errno::kNotCapable);
  EXPECT_EQ(on_name(path_create_directory, "etc_link/x"), Errno::kNotCapable);
  EXPECT_EQ(on_name(path_remove_directory, "newdir/"), Errno::kSuccess);
  EXPECT_EQ(on_name(path_remove_directory, "link_dir/"), Errno::kNotDir);  // not followed
  EXPECT_EQ(on_name(path_remove_directory, "file.txt"), Errno::kNotDir);
  EXPECT_EQ(on_name(path_remove_directory, ".."), Errno::kNotCapable);
  EXPECT_EQ(on_name(path_unlink_file, "a"), Errno::kIsDir);
  EXPECT_EQ(on_name(path_unlink_file, "file.txt/"), Errno::kNotDir);
  EXPECT_EQ(on_name(path_unlink_file, "../secret.txt"), Errno::kNotCapable);
  EXPECT_EQ(on_name(path_unlink_file, "etc_link"), Errno::kSuccess);  // the link itself
  EXPECT_EQ(::access("/etc/passwd", F_OK), 0);
  EXPECT_EQ(on_name(path_unlink_file, "a/inner.txt"), Errno::kSuccess);
  EXPECT_NE(::faccessat(box_fd_, "a/inner.txt", F_OK, 0), 0);
  EXPECT_EQ(::access((root_ + "/secret.txt").c_str(), F_OK), 0);
}

TEST_P(PathOpsTest, SymlinkReadlinkRenameLink) {
  const uint32_t target = put("/etc");
  const uint32_t name = put("new_link");
  ASSERT_EQ(call(path_symlink, {target, 4, kBox, name, 8}), Errno::kSuccess);
  EXPECT_EQ(open_at("new_link/passwd", rights::kFdRead), Errno::kNotCapable);
  ASSERT_EQ(call(path_readlink, {kBox, name, 8, kOut, 64, kOut + 64}), Errno::kSuccess);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(&memory_[kOut]), memory_[kOut + 64]), "/etc");
  ASSERT_EQ(call(path_readlink, {kBox, name, 8, kOut, 2, kOut + 64}), Errno::kSuccess);
  EXPECT_EQ(memory_[kOut + 64], 2);  // truncated
  EXPECT_EQ(call(path_readlink, {kBox, put("file.txt"), 8, kOut, 64, kOut + 64}), Errno::kInval);
  const uint32_t outside = put("../x");
  EXPECT_EQ(call(path_symlink, {target, 4, kBox, outside, 4}), Errno::kNotCapable);

  const uint32_t from = put("file.txt");
  const uint32_t to = put("a/moved.txt");
  ASSERT_EQ(call(path_rename, {kBox, from, 8, kBox, to, 11}), Errno::kSuccess);
  EXPECT_EQ(read("a/moved.txt"), "inside");
  EXPECT_EQ(call(path_rename, {kBox, to, 11, kBox, outside, 4}), Errno::kNotCapable);
  EXPECT_EQ(call(path_rename, {kBox, put("../secret.txt"), 13, kBox, put("s"), 1}),
            Errno::kNotCapable);

  // link with follow: the source link's target must stay inside.
  const uint32_t up = put("a/up");  // -> ../file.txt, now missing: retarget it
  ASSERT_EQ(::unlinkat(box_fd_, "a/up", 0), 0);
  ASSERT_EQ(::symlinkat("moved.txt", box_fd_, "a/up"), 0);
  ASSERT_EQ(call(path_link, {kBox, kLookupSymlinkFollow, up, 4, kBox, put("hard"), 4}),
            Errno::kSuccess);
  EXPECT_EQ(identity(box_ + "/hard", true), identity(box_ + "/a/moved.txt"));
  ASSERT_EQ(call(path_link, {kBox, 0, up, 4, kBox, put("hard_link"), 9}), Errno::kSuccess);
  EXPECT_EQ(identity(box_ + "/hard_link", true), identity(box_ + "/a/up", true));
  EXPECT_EQ(
      call(path_link, {kBox, kLookupSymlinkFollow, put("escape_rel"), 10, kBox, put("stolen"), 6}),
      Errno::kNotCapable);
  EXPECT_EQ(call(path_link, {kBox, 0, put("a/inner.txt"), 11, kBox, put("../stolen"), 9}),
            Errno::kNotCapable);
  EXPECT_NE(::access((root_ + "/stolen").c_str(), F_OK), 0);
}

TEST_P(PathOpsTest, MissingRightsAreNotCapable) {
  FdEntry* box = wasi_->fds().get(kBox);
  box->rights_base = rights::kPathOpen;
  EXPECT_EQ(on_name(path_create_directory, "d"), Errno::kNotCapable);
  EXPECT_EQ(on_name(path_remove_directory, "a"), Errno::kNotCapable);
  EXPECT_EQ(on_name(path_unlink_file, "file.txt"), Errno::kNotCapable);
  EXPECT_EQ(filetype_of("file.txt", 0), 255);
  EXPECT_EQ(call(path_symlink, {put("x"), 1, kBox, put("y"), 1}), Errno::kNotCapable);
  EXPECT_EQ(call(path_readlink, {kBox, put("link_file"), 9, kOut, 8, kOut + 8}),
            Errno::kNotCapable);
  EXPECT_EQ(call(path_rename, {kBox, put("file.txt"), 8, kBox, put("z"), 1}), Errno::kNotCapable);
  EXPECT_EQ(call(path_link, {kBox, 0, put("file.txt"), 8, kBox, put("z"), 1}), Errno::kNotCapable);
  EXPECT_EQ(::faccessat(box_fd_, "file.txt", F_OK, 0), 0);
}

}  // namespace
}  // namespace wasmscope::internal::wasi
