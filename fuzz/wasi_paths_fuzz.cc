// libFuzzer target: the WASI path sandbox (wasi/sandbox.h) and the path_* functions on top of
// it (wasi/path_ops.cc), against a scratch tree made once under a mkdtemp directory in $TMPDIR
// (default /tmp; scripts/fuzz.sh uses /dev/shm, where rebuilding the tree is ten times faster):
//
//   BASE/jail/root/     the preopened directory: files, directories, symlinks that stay
//                       inside, that climb out with "..", that are absolute (into outside/),
//                       loops, dangling links (no link leads further: the fuzzer may run as
//                       root, and an escape must not reach the host's files)
//   BASE/jail/outside/  what no guest path may reach: a file "secret", a directory, a symlink
//
// Each input is a short sequence of operations (sandbox resolutions, open_parent, path_open,
// filestat, mkdir, unlink, rmdir, rename, symlink, readlink, link, set_times, fd_close) on
// guest paths built from the input's bytes (existing names, "..", ".", raw bytes with '/' and
// NUL, long names, absolute paths, trailing slashes), relative to the preopen or to directory
// fds opened earlier in the sequence. The first byte picks openat2 or the manual walk; an
// operation may switch between them. Errors are fine. The oracle:
//   - every fd the resolver returns, and every fd path_open puts in the table, is (by
//     /proc/self/fd) beneath the directory it was resolved from, and is no inode of outside/;
//   - open_parent's name is one component (no '/', not empty, not "..");
//   - a resolution that changes nothing ends the same way (same errno) in both modes;
//   - filestat and readlink reveal no inode or link of outside/;
//   - after the input, everything outside root/ (BASE, jail/, outside/: names, types, sizes,
//     contents, link targets, mtimes, ctimes, link counts) is as it was;
//   - no fd is left open (/proc/self/fd counted before and after).
// root/ is rebuilt after any input that may have changed it, so inputs stay independent.
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <initializer_list>
#include <iterator>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "fuzz_input.h"
#include "wasi/internal.h"
#include "wasi/sandbox.h"
#include "wasi/wasi.h"

namespace {

using namespace wasmscope::internal;
using namespace wasmscope::internal::wasi;
using wasmscope::fuzz::FuzzInput;

constexpr int kMaxOps = 24;
/// The guest fd of the preopened root/.
constexpr uint32_t kRootFd = 3;
/// A symlink in outside/ with this text: a readlink that returns it has read outside.
constexpr const char* kOutsideLinkText = "outside-link-target";
/// The mtime path_filestat_set_times sets: outside/ never has it.
constexpr uint64_t kFuzzMtimeNs = 1'234'567'890'123'456'789ull;

/// WASI_PATHS_FUZZ_TRACE=1 prints each resolution and its result (to read what an input does).
bool trace() {
  static const bool on = std::getenv("WASI_PATHS_FUZZ_TRACE") != nullptr;
  return on;
}

[[noreturn]] void violation(const std::string& what) {
  std::fprintf(stderr, "wasi_paths_fuzz: %s\n", what.c_str());
  std::abort();
}

/// {text} with non-printable bytes as \xNN, for messages.
std::string printable(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    }
  }
  return out.size() > 300 ? out.substr(0, 300) + "..." : out;
}

// ---- Snapshots of what lies outside root/ ----

/// What one entry looks like: everything a write, create, link, rename or set_times changes
/// (access times are left out: reading changes them).
struct EntryState {
  mode_t mode = 0;
  nlink_t nlink = 0;
  off_t size = 0;
  int64_t mtime_s = 0, mtime_ns = 0, ctime_s = 0, ctime_ns = 0;
  dev_t dev = 0;
  ino_t ino = 0;
  std::string content;  ///< A file's bytes, a symlink's target, a directory's entry names.
  bool operator==(const EntryState&) const = default;
};
using Snapshot = std::map<std::string, EntryState>;

std::string read_file(const std::string& path) {
  std::string text;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return "<unreadable>";
  char buf[512];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0)
    text.append(buf, static_cast<size_t>(n));
  ::close(fd);
  return text;
}

std::vector<std::string> list_dir(const std::string& path) {
  std::vector<std::string> names;
  DIR* dir = ::opendir(path.c_str());
  if (dir == nullptr) return names;
  while (const dirent* e = ::readdir(dir)) {
    if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) {
      names.emplace_back(e->d_name);
    }
  }
  ::closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

/// Records {path} and, for a directory, everything beneath it except {skip}.
void snapshot(const std::string& path, const std::string& skip, Snapshot* out) {
  struct stat st;
  EntryState& e = (*out)[path];
  if (::lstat(path.c_str(), &st) != 0) {
    e.content = "<missing>";
    return;
  }
  e = {st.st_mode,        st.st_nlink,        st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
       st.st_ctim.tv_sec, st.st_ctim.tv_nsec, st.st_dev,  st.st_ino,         {}};
  if (S_ISREG(st.st_mode)) {
    e.content = read_file(path);
  } else if (S_ISLNK(st.st_mode)) {
    char target[PATH_MAX];
    const ssize_t n = ::readlink(path.c_str(), target, sizeof target);
    e.content.assign(target, n > 0 ? static_cast<size_t>(n) : 0);
  } else if (S_ISDIR(st.st_mode)) {
    for (const std::string& name : list_dir(path)) {
      e.content += name + "/";
      const std::string child = path + "/" + name;
      if (child != skip) snapshot(child, skip, out);
    }
  }
}

// ---- The scratch tree ----

struct Scratch {
  std::string base, jail, root, outside;
  int root_fd = -1;
  Snapshot outside_state;                            ///< BASE without root/'s contents.
  std::set<std::pair<dev_t, ino_t>> outside_inodes;  ///< Every inode of {outside_state}.
};

void make_dir(const std::string& path) {
  if (::mkdir(path.c_str(), 0755) != 0) violation("setup: cannot create " + path);
}
void make_file(const std::string& path, const std::string& text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0 || ::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    violation("setup: cannot write " + path);
  }
  ::close(fd);
}
void make_link(const std::string& target, const std::string& path) {
  if (::symlink(target.c_str(), path.c_str()) != 0) violation("setup: cannot link " + path);
}

/// The initial contents of root/ ({s.root} exists and is empty).
void populate_root(const Scratch& s) {
  const std::string& r = s.root;
  make_file(r + "/file", "file");
  make_dir(r + "/dir");
  make_file(r + "/dir/inner", "inner");
  make_dir(r + "/dir/sub");
  make_file(r + "/dir/sub/deep", "deep");
  make_dir(r + "/empty");
  make_link("file", r + "/rel");         // inside
  make_link("dir", r + "/dir_link");     // inside, a directory
  make_link("dir/", r + "/slash_link");  // inside, with a trailing '/'
  make_link("../file", r + "/dir/up");   // climbs, stays inside
  make_link("..", r + "/dir/dotdot");    // root/ itself: one more ".." escapes
  make_link("sub/../../dir/sub/deep", r + "/dir/zigzag");
  make_link("dir/up", r + "/chain");  // a chain ending inside
  make_link(".", r + "/dot");
  make_link("..", r + "/dotdot");  // escapes
  make_link("../outside/secret", r + "/esc_rel");
  make_link("../outside", r + "/esc_dir");
  make_link("../../outside/secret", r + "/dir/esc_deep");
  make_link("dir/dotdot/../outside", r + "/esc_via_link");
  make_link(s.outside + "/secret", r + "/abs");
  make_link(s.outside, r + "/abs_dir");
  make_link(s.outside + "/created", r + "/abs_dangling");
  make_link(s.outside + "/dir/", r + "/abs_dir_slash");
  make_link("loop2", r + "/loop1");
  make_link("loop1", r + "/loop2");
  make_link("self", r + "/self");
  make_link("missing", r + "/dangling");
  make_link("missing/", r + "/dangling_dir");
  make_link("../outside/created", r + "/dangling_out");
  make_link("../created_in_jail", r + "/dangling_jail");
}

/// Removes everything in root/ (root/ itself stays: the context's preopen is open on it).
void clear_root(const Scratch& s) {
  for (const std::string& name : list_dir(s.root)) {
    std::error_code ignored;
    std::filesystem::remove_all(s.root + "/" + name, ignored);
  }
  if (!list_dir(s.root).empty()) violation("cannot empty " + s.root);
}

void remove_scratch();

Scratch* make_scratch() {
  auto* s = new Scratch;
  const char* tmpdir = std::getenv("TMPDIR");
  std::string templ = std::string(tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp") +
                      "/wasmscope-wasi-paths-XXXXXX";
  if (::mkdtemp(templ.data()) == nullptr) violation("setup: mkdtemp failed in " + templ);
  char real[PATH_MAX];
  if (::realpath(templ.c_str(), real) == nullptr) violation("setup: realpath failed");
  s->base = real;
  s->jail = s->base + "/jail";
  s->root = s->jail + "/root";
  s->outside = s->jail + "/outside";
  make_dir(s->jail);
  make_dir(s->root);
  make_dir(s->outside);
  make_file(s->outside + "/secret", "SECRET");
  make_dir(s->outside + "/dir");
  make_file(s->outside + "/dir/also_secret", "ALSO SECRET");
  make_link(kOutsideLinkText, s->outside + "/link");
  populate_root(*s);
  s->root_fd = ::open(s->root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (s->root_fd < 0) violation("setup: cannot open root");
  snapshot(s->base, s->root, &s->outside_state);
  for (const auto& [path, e] : s->outside_state)
    s->outside_inodes.insert({e.dev, e.ino});
  std::atexit(remove_scratch);
  std::fprintf(stderr, "wasi_paths_fuzz: scratch tree %s; openat2 %s\n", s->base.c_str(),
               uses_openat2() ? "available" : "unavailable (both modes walk)");
  return s;
}

Scratch& scratch() {
  static Scratch* s = make_scratch();
  return *s;
}

void remove_scratch() {
  std::error_code ignored;
  std::filesystem::remove_all(scratch().base, ignored);
}

// ---- Checks ----

/// The path the kernel reports for {fd}, without a " (deleted)" suffix.
std::string fd_path(int fd) {
  char link[64];
  std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  char target[PATH_MAX + 32];
  const ssize_t n = ::readlink(link, target, sizeof target - 1);
  if (n < 0) violation("fd " + std::to_string(fd) + " is not open");
  std::string path(target, static_cast<size_t>(n));
  const std::string deleted = " (deleted)";
  if (path.size() > deleted.size() &&
      path.compare(path.size() - deleted.size(), deleted.size(), deleted) == 0) {
    path.resize(path.size() - deleted.size());
  }
  return path;
}

bool beneath(const std::string& path, const std::string& dir) {
  return path == dir || (path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 &&
                         path[dir.size()] == '/');
}

bool is_outside_inode(dev_t dev, ino_t ino) {
  return scratch().outside_inodes.count({dev, ino}) != 0;
}

/// {fd}, produced by {what} from a resolution beneath {base_path}, must lie beneath it.
void check_fd(int fd, const std::string& base_path, const std::string& what) {
  const std::string path = fd_path(fd);
  if (!beneath(path, base_path) || !beneath(path, scratch().root)) {
    violation(what + " gave fd " + std::to_string(fd) + " on " + path + ", outside " + base_path);
  }
  struct stat st;
  if (::fstat(fd, &st) == 0 && is_outside_inode(st.st_dev, st.st_ino)) {
    violation(what + " gave an fd on an inode outside root (" + path + ")");
  }
}

int count_open_fds() {
  return static_cast<int>(list_dir("/proc/self/fd").size());
}

// ---- Guest paths from the input ----

/// Names that exist somewhere in the tree (or that operations may create).
constexpr const char* kNames[] = {
    "file",         "dir",           "inner",        "sub",           "deep",
    "empty",        "rel",           "dir_link",     "slash_link",    "up",
    "dotdot",       "zigzag",        "chain",        "dot",           "esc_rel",
    "esc_dir",      "esc_deep",      "esc_via_link", "abs",           "abs_dir",
    "abs_dangling", "abs_dir_slash", "loop1",        "loop2",         "self",
    "dangling",     "dangling_dir",  "dangling_out", "dangling_jail", "missing",
    "new",          "new2",          "outside",      "secret",        "jail",
    "root",         "created",       "link",         "also_secret",
};

/// One path component.
std::string read_component(FuzzInput& in) {
  const uint8_t b = in.byte();
  switch (b >> 5) {
    case 0:
    case 1:
    case 2:
      return kNames[b % std::size(kNames)];
    case 3:
      return "..";
    case 4:
      return ".";
    case 5:
      return in.bytes(b & 31);  // raw: may hold '/', NUL, anything
    case 6:
      return std::string((b & 1) ? NAME_MAX + 1 : NAME_MAX, 'n');
    default:
      switch (b & 3) {
        case 0:
          return "";
        case 1:
          return std::string("fi\0le", 5);
        case 2:
          return std::string(PATH_MAX, 'p');
        default:
          return std::string(kNames[(b >> 2) % std::size(kNames)]) + "/..";
      }
  }
}

/// A guest path: a head byte (component count, leading '/', separators, tail), then the
/// components.
std::string read_path(FuzzInput& in) {
  const uint8_t head = in.byte();
  const int count = head & 7;
  std::string path = (head & 0x08) ? "/" : "";
  for (int i = 0; i < count; ++i) {
    if (i > 0) path += (head & 0x40) ? "//" : "/";
    path += read_component(in);
  }
  if (head & 0x10) path += "/";
  if (head & 0x20) path += "/.";
  if ((head & 0x80) && count == 0) path += kNames[in.pick(std::size(kNames))];
  return path;
}

// ---- One input's session ----

/// Where the path_* arguments live in guest memory.
constexpr uint32_t kMemorySize = 64 << 10;
constexpr uint32_t kPathRoom = 12 << 10;
constexpr uint32_t kPathA = 0x1000, kPathB = kPathA + kPathRoom, kPathC = kPathB + kPathRoom;
constexpr uint32_t kOut = 0x100;      // filestat (64 bytes) or the opened fd
constexpr uint32_t kOutUsed = 0x180;  // readlink's bufused
constexpr uint32_t kReadBuf = kPathC + kPathRoom;
constexpr uint32_t kReadRoom = 4096;
static_assert(kReadBuf + kReadRoom <= kMemorySize);

enum class Op : uint8_t {
  kResolve,
  kOpen,
  kOpenParent,
  kPathOpen,
  kFilestat,
  kMkdir,
  kUnlink,
  kRmdir,
  kRename,
  kSymlink,
  kReadlink,
  kLink,
  kSetTimes,
  kClose,
  kSwitchMode,
  kCount
};

class Session {
 public:
  explicit Session(Scratch& s) : s_(s), memory_(kMemorySize, 0) {
    WasiOptions options;
    options.preopens.push_back({s.root, "/root"});
    auto created = WasiContext::create(options);
    if (!created.ok()) violation("cannot create the WASI context: " + created.error().message);
    wasi_ = std::move(*created);
  }

  bool mutated() const { return mutated_; }

  void step(FuzzInput& in) {
    const auto op = static_cast<Op>(in.pick(static_cast<size_t>(Op::kCount)));
    switch (op) {
      case Op::kResolve:
        return resolve(in, /*open_flags=*/-1);
      case Op::kOpen:
        return resolve(in, open_flags(in.byte()));
      case Op::kOpenParent:
        return open_parent_of(in);
      case Op::kPathOpen:
        return path_open_of(in);
      case Op::kFilestat:
        return filestat(in);
      case Op::kMkdir:
        return on_name(in, path_create_directory);
      case Op::kUnlink:
        return on_name(in, path_unlink_file);
      case Op::kRmdir:
        return on_name(in, path_remove_directory);
      case Op::kRename:
        return rename(in);
      case Op::kSymlink:
        return symlink(in);
      case Op::kReadlink:
        return readlink(in);
      case Op::kLink:
        return link(in);
      case Op::kSetTimes:
        return set_times(in);
      case Op::kClose:
        return close_one(in);
      case Op::kSwitchMode:
        return force_manual_resolution_for_testing(uses_openat2());
      case Op::kCount:
        break;
    }
  }

 private:
  /// A guest directory fd: the preopen, or one opened earlier in this input.
  uint32_t pick_dir(FuzzInput& in) {
    const uint8_t b = in.byte();
    if ((b & 0x80) == 0 || opened_.empty()) return kRootFd;
    return opened_[b % opened_.size()];
  }
  /// The host fd behind guest fd {fd} and its path.
  std::pair<int, std::string> host_dir(uint32_t fd) {
    const FdEntry* entry = wasi_->fds().get(fd);
    return {entry->host_fd, fd_path(entry->host_fd)};
  }

  uint32_t put(uint32_t at, const std::string& text) {
    const size_t n = std::min<size_t>(text.size(), kPathRoom);
    std::memcpy(memory_.data() + at, text.data(), n);
    return static_cast<uint32_t>(n);
  }

  Errno call(WasiFn fn, std::initializer_list<uint64_t> args) {
    std::vector<Slot> slots(args);
    WasiCall c(*wasi_, nullptr, GuestMemory(memory_.data(), memory_.size()), slots.data());
    const Errno e = fn(c);
    if (trace()) std::fprintf(stderr, "wasi_paths_fuzz:   path call = %d\n", static_cast<int>(e));
    check_table();
    return e;
  }

  /// Every fd the guest holds (bar stdio and the preopen) lies beneath root/.
  void check_table() {
    for (uint32_t fd = kRootFd + 1; fd < wasi_->fds().size(); ++fd) {
      const FdEntry* entry = wasi_->fds().get(fd);
      if (entry != nullptr) check_fd(entry->host_fd, s_.root, "path_open");
    }
  }

  /// open(2) flags from one byte.
  int open_flags(uint8_t b) {
    static constexpr int kAccess[] = {O_RDONLY, O_WRONLY, O_RDWR, O_PATH};
    int flags = kAccess[b & 3];
    if (b & 0x04) flags |= O_CREAT;
    if (b & 0x08) flags |= O_EXCL;
    if (b & 0x10) flags |= O_TRUNC;
    if (b & 0x20) flags |= O_DIRECTORY;
    if (b & 0x40) flags |= O_APPEND;
    if (b & 0x80) flags |= O_TMPFILE;
    if ((flags & (O_CREAT | O_TRUNC)) != 0 || (flags & O_TMPFILE) == O_TMPFILE) mutated_ = true;
    return flags;
  }

  /// open_beneath with {open_flags} (-1: a plain O_PATH resolution, maybe of a directory).
  void resolve(FuzzInput& in, int open_flags) {
    const uint8_t b = in.byte();
    const bool follow = b & 1;
    if (open_flags < 0) open_flags = O_PATH | ((b & 2) ? O_DIRECTORY : 0);
    const auto [base, base_path] = host_dir(pick_dir(in));
    const std::string path = read_path(in);
    int fd = -1;
    const Errno e = open_beneath(base, path, open_flags, 0644, follow, &fd);
    if ((e == Errno::kSuccess) != (fd >= 0)) {
      violation("open_beneath returned " + std::to_string(static_cast<int>(e)) + " with fd " +
                std::to_string(fd) + " for '" + printable(path) + "'");
    }
    if (trace()) {
      std::fprintf(stderr, "wasi_paths_fuzz: open_beneath(%s, '%s', %#x, follow %d) = %d (%s)\n",
                   base_path.c_str(), printable(path).c_str(), open_flags, follow,
                   static_cast<int>(e), uses_openat2() ? "openat2" : "walk");
    }
    if (fd >= 0) {
      UniqueFd owned(fd);
      check_fd(fd, base_path, "open_beneath('" + printable(path) + "')");
    }
    // (A base that is no directory is refused at different steps: the walk refuses a ".." at
    // the base before looking at it, the kernel a non-directory first. The path_* functions
    // never pass one: they answer kNotDir.)
    struct stat st;
    const bool base_is_dir = ::fstat(base, &st) == 0 && S_ISDIR(st.st_mode);
    if (base_is_dir && changes_nothing(open_flags))
      compare_modes(base, path, open_flags, follow, e);
  }

  /// Whether opening with {flags} leaves the tree as it was (so both modes see one tree),
  /// with flags the callers use: openat2 refuses O_PATH with anything but O_DIRECTORY (and
  /// O_NOFOLLOW, O_CLOEXEC) where openat ignores the rest, and no caller asks for that.
  static bool changes_nothing(int flags) {
    if ((flags & O_PATH) != 0) return (flags & ~(O_PATH | O_DIRECTORY)) == 0;
    return (flags & (O_CREAT | O_TRUNC)) == 0 && (flags & O_TMPFILE) != O_TMPFILE &&
           (flags & O_ACCMODE) == O_RDONLY;
  }

  /// The other resolution mode must end the same way ({got} in this one), as
  /// SandboxModes.ManualWalkMatchesOpenat2 requires for its fixed cases.
  static void compare_modes(int base, const std::string& path, int flags, bool follow, Errno got) {
    const bool walking = !uses_openat2();
    force_manual_resolution_for_testing(!walking);
    if (uses_openat2() == walking) {  // openat2 exists: there is another mode to ask
      int fd = -1;
      const Errno other = open_beneath(base, path, flags, 0644, follow, &fd);
      UniqueFd owned(fd);
      if (other != got) {
        violation("open_beneath('" + printable(path) + "', flags " + std::to_string(flags) +
                  ", follow " + std::to_string(follow) +
                  "): " + (walking ? "the walk" : "openat2") + " says " +
                  std::to_string(static_cast<int>(got)) + ", " +
                  (walking ? "openat2 " : "the walk ") + std::to_string(static_cast<int>(other)));
      }
    }
    force_manual_resolution_for_testing(walking);
  }

  void open_parent_of(FuzzInput& in) {
    const bool follow = in.bit();
    const auto [base, base_path] = host_dir(pick_dir(in));
    const std::string path = read_path(in);
    PathParent parent;
    if (open_parent(base, path, follow, &parent) != Errno::kSuccess) return;
    const std::string what = "open_parent('" + printable(path) + "')";
    check_fd(parent.dir.get(), base_path, what);
    const std::string& name = parent.name;
    if (name.empty() || name == ".." || name.find('/') != std::string::npos) {
      violation(what + " gave the name '" + printable(name) + "'");
    }
    struct stat st;
    if (::fstatat(parent.dir.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
        is_outside_inode(st.st_dev, st.st_ino)) {
      violation(what + " named an inode outside root");
    }
  }

  void path_open_of(FuzzInput& in) {
    const uint8_t b = in.byte();
    const uint32_t lookup = b & 1;
    const uint16_t oflags = (b >> 1) & 0xF;
    if (oflags & (kOflagCreat | kOflagTrunc)) mutated_ = true;
    static constexpr uint64_t kRightChoices[] = {0,
                                                 rights::kFdRead,
                                                 rights::kFdWrite,
                                                 rights::kFdRead | rights::kFdWrite,
                                                 rights::kFdReaddir | rights::kPathOpen,
                                                 rights::kDirectory,
                                                 rights::kFile,
                                                 rights::kDirectory | rights::kFile};
    const uint64_t base_rights = kRightChoices[(b >> 5) & 7];
    const uint8_t r = in.byte();
    const uint64_t inheriting = kRightChoices[r & 7];
    const uint16_t fdflags = (r >> 3) & 0x1F;
    if (base_rights & rights::kFdWrite) mutated_ = true;  // O_TRUNC-free, but say so anyway
    const uint32_t dir = pick_dir(in);
    const uint32_t len = put(kPathA, read_path(in));
    const Errno e =
        call(path_open, {dir, lookup, kPathA, len, oflags, base_rights, inheriting, fdflags, kOut});
    if (trace()) {
      std::fprintf(
          stderr, "wasi_paths_fuzz: path_open(%u, '%s', oflags %#x) = %d\n", dir,
          printable(std::string(reinterpret_cast<const char*>(memory_.data() + kPathA), len))
              .c_str(),
          oflags, static_cast<int>(e));
    }
    if (e != Errno::kSuccess) return;
    uint32_t fd;
    std::memcpy(&fd, memory_.data() + kOut, 4);
    opened_.push_back(fd);
  }

  void filestat(FuzzInput& in) {
    const uint32_t lookup = in.bit() ? kLookupSymlinkFollow : 0;
    const uint32_t dir = pick_dir(in);
    const uint32_t len = put(kPathA, read_path(in));
    if (call(path_filestat_get, {dir, lookup, kPathA, len, kOut}) != Errno::kSuccess) return;
    uint64_t dev, ino;
    std::memcpy(&dev, memory_.data() + kOut + layout::Filestat::kDev, 8);
    std::memcpy(&ino, memory_.data() + kOut + layout::Filestat::kIno, 8);
    if (is_outside_inode(static_cast<dev_t>(dev), static_cast<ino_t>(ino))) {
      violation("path_filestat_get revealed an inode outside root");
    }
  }

  /// A path function taking (fd, path, len): mkdir, unlink, rmdir.
  void on_name(FuzzInput& in, WasiFn fn) {
    mutated_ = true;
    const uint32_t dir = pick_dir(in);
    const uint32_t len = put(kPathA, read_path(in));
    (void)call(fn, {dir, kPathA, len});
  }

  void rename(FuzzInput& in) {
    mutated_ = true;
    const uint32_t from_dir = pick_dir(in);
    const uint32_t from_len = put(kPathA, read_path(in));
    const uint32_t to_dir = pick_dir(in);
    const uint32_t to_len = put(kPathB, read_path(in));
    (void)call(path_rename, {from_dir, kPathA, from_len, to_dir, kPathB, to_len});
  }

  void symlink(FuzzInput& in) {
    mutated_ = true;
    std::string target = read_path(in);
    // That text marks outside/'s link: the guest may not write it (or a long prefix of it).
    if (target.size() > 8 && std::string_view(kOutsideLinkText).starts_with(target)) target += "!";
    const uint32_t target_len = put(kPathC, target);
    const uint32_t dir = pick_dir(in);
    const uint32_t len = put(kPathA, read_path(in));
    (void)call(path_symlink, {kPathC, target_len, dir, kPathA, len});
  }

  void readlink(FuzzInput& in) {
    const uint32_t room = std::min<uint32_t>(in.byte() * 32u, kReadRoom);
    const uint32_t dir = pick_dir(in);
    const uint32_t len = put(kPathA, read_path(in));
    if (call(path_readlink, {dir, kPathA, len, kReadBuf, room, kOutUsed}) != Errno::kSuccess) {
      return;
    }
    uint32_t used;
    std::memcpy(&used, memory_.data() + kOutUsed, 4);
    if (used > room) violation("path_readlink wrote past its buffer");
    const std::string text(reinterpret_cast<const char*>(memory_.data() + kReadBuf), used);
    if (text.size() > 8 && std::string_view(kOutsideLinkText).starts_with(text)) {
      violation("path_readlink read the link in outside/");
    }
  }

  void link(FuzzInput& in) {
    mutated_ = true;
    const uint32_t lookup = in.bit() ? kLookupSymlinkFollow : 0;
    const uint32_t from_dir = pick_dir(in);
    const uint32_t from_len = put(kPathA, read_path(in));
    const uint32_t to_dir = pick_dir(in);
    const uint32_t to_len = put(kPathB, read_path(in));
    (void)call(path_link, {from_dir, lookup, kPathA, from_len, to_dir, kPathB, to_len});
  }

  void set_times(FuzzInput& in) {
    mutated_ = true;
    const uint8_t b = in.byte();
    const uint32_t lookup = b & 1;
    const uint16_t fstflags = (b >> 1) & 0xF;
    const uint32_t dir = pick_dir(in);
    const uint32_t len = put(kPathA, read_path(in));
    (void)call(path_filestat_set_times,
               {dir, lookup, kPathA, len, kFuzzMtimeNs, kFuzzMtimeNs, fstflags});
  }

  void close_one(FuzzInput& in) {
    if (opened_.empty()) return;
    const size_t i = in.pick(opened_.size());
    (void)call(fd_close, {opened_[i]});
    opened_.erase(opened_.begin() + static_cast<ptrdiff_t>(i));
  }

  Scratch& s_;
  std::unique_ptr<WasiContext> wasi_;
  std::vector<uint8_t> memory_;
  std::vector<uint32_t> opened_;  ///< Guest fds path_open gave in this input.
  bool mutated_ = false;
};

/// Names the first difference between two snapshots.
std::string first_difference(const Snapshot& before, const Snapshot& after) {
  for (const auto& [path, e] : after) {
    const auto it = before.find(path);
    if (it == before.end()) return "created " + path;
    if (!(it->second == e)) return "changed " + path;
  }
  for (const auto& [path, e] : before) {
    if (after.count(path) == 0) return "removed " + path;
  }
  return "";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Scratch& s = scratch();
  const int fds_before = count_open_fds();
  FuzzInput in(data, size);
  force_manual_resolution_for_testing(in.bit());
  bool mutated = false;
  {
    Session session(s);
    for (int i = 0; i < kMaxOps && !in.done(); ++i)
      session.step(in);
    mutated = session.mutated();
  }
  force_manual_resolution_for_testing(false);
  Snapshot now;
  snapshot(s.base, s.root, &now);
  if (const std::string d = first_difference(s.outside_state, now); !d.empty()) {
    violation("outside root: " + d);
  }
  if (mutated) {
    clear_root(s);
    populate_root(s);
  }
  const int fds_after = count_open_fds();
  if (fds_after != fds_before) {
    violation("fd leak: " + std::to_string(fds_before) + " fds open before the input, " +
              std::to_string(fds_after) + " after");
  }
  return 0;
}
