#include "tools/file_io.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string_view>
#include <thread>

#include "text/wat.h"
#include "tools/format.h"

extern char** environ;

namespace wasmscope::internal::tools {
namespace {

Error io_error(const std::string& what) {
  return Error{ErrorKind::kIo, 0, what};
}

std::string errno_text(int err) {
  return std::strerror(err);
}

/// Closes a file descriptor when it goes out of scope.
class FdCloser {
 public:
  explicit FdCloser(int fd) : fd_(fd) {}
  ~FdCloser() { ::close(fd_); }
  FdCloser(const FdCloser&) = delete;
  FdCloser& operator=(const FdCloser&) = delete;

 private:
  int fd_;
};

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

/// What the tools refuse to read: anything but a regular file of at most {kMaxInputBytes}.
Result<void> check_input(const struct stat& st) {
  if (S_ISDIR(st.st_mode)) return io_error("cannot read file: is a directory");
  if (!S_ISREG(st.st_mode)) return io_error("cannot read file: not a regular file");
  if (static_cast<uint64_t>(st.st_size) > kMaxInputBytes) {
    return io_error("cannot read file: larger than 1 GiB");
  }
  return {};
}

}  // namespace

Result<std::vector<uint8_t>> read_file(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return io_error(cat("cannot read file: ", errno_text(errno)));
  WS_TRY(check_input(st));
  // O_NONBLOCK: should the path have been swapped for a FIFO since stat(), open() must not hang.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return io_error(cat("cannot read file: ", errno_text(errno)));
  FdCloser closer(fd);
  // Straight into the vector, sized by stat() (plus a byte, to see the end of the file without
  // growing it); a file that grew meanwhile grows it, up to the limit.
  std::vector<uint8_t> bytes(static_cast<size_t>(st.st_size) + 1);
  size_t have = 0;
  for (;;) {
    if (have == bytes.size()) {
      if (bytes.size() > kMaxInputBytes) return io_error("cannot read file: larger than 1 GiB");
      bytes.resize(std::min<size_t>(bytes.size() * 2, kMaxInputBytes + 1));
    }
    const ssize_t n = ::read(fd, bytes.data() + have, bytes.size() - have);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error(cat("cannot read file: ", errno_text(errno)));
    }
    have += static_cast<size_t>(n);
  }
  if (have > kMaxInputBytes) return io_error("cannot read file: larger than 1 GiB");
  bytes.resize(have);
  return bytes;
}

Result<FileBytes> map_file(const std::string& path) {
  // O_NONBLOCK: should {path} name a FIFO, open() must not hang; it is refused below.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return io_error(cat("cannot read file: ", errno_text(errno)));
  FdCloser closer(fd);
  struct stat st;
  if (::fstat(fd, &st) != 0) return io_error(cat("cannot read file: ", errno_text(errno)));
  WS_TRY(check_input(st));
  struct Mapping {
    Mapping(void* a, size_t n) : address(a), size(n) {}
    ~Mapping() { ::munmap(address, size); }
    Mapping(const Mapping&) = delete;
    Mapping& operator=(const Mapping&) = delete;
    void* address;
    size_t size;
  };
  const size_t size = static_cast<size_t>(st.st_size);
  // An empty file cannot be mapped, and some file systems map nothing: read those.
  void* address =
      size == 0 ? MAP_FAILED : ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (address == MAP_FAILED) {
    WS_ASSIGN(std::vector<uint8_t> bytes, read_file(path));
    auto owner = std::make_shared<const std::vector<uint8_t>>(std::move(bytes));
    return FileBytes{owner, std::span<const uint8_t>(*owner)};
  }
  auto owner = std::make_shared<const Mapping>(address, size);
  return FileBytes{owner, std::span<const uint8_t>(static_cast<const uint8_t*>(address), size)};
}

bool file_starts_with(const std::string& path, std::span<const uint8_t> prefix) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return false;
  FdCloser closer(fd);
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return false;
  std::vector<uint8_t> head(prefix.size());
  size_t have = 0;
  while (have < head.size()) {
    const ssize_t n = ::pread(fd, head.data() + have, head.size() - have, static_cast<off_t>(have));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    have += static_cast<size_t>(n);
  }
  return std::equal(head.begin(), head.end(), prefix.begin());
}

bool is_text_path(const std::string& path) {
  return ends_with(path, ".wat") || ends_with(path, ".wast");
}

Result<std::vector<uint8_t>> load_module_bytes(const std::string& path, Features features) {
  WS_ASSIGN(std::vector<uint8_t> bytes, read_file(path));
  if (!is_text_path(path)) return bytes;
  std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  return wat_to_binary(text, features);
}

TextPosition text_position(const std::vector<uint8_t>& text, uint32_t offset) {
  TextPosition pos;
  for (size_t i = 0; i < text.size() && i < offset; ++i) {
    if (text[i] == '\n') {
      ++pos.line;
      pos.column = 1;
    } else {
      ++pos.column;
    }
  }
  return pos;
}

TempDir::TempDir(const std::string& prefix) {
  const char* tmp = std::getenv("TMPDIR");
  std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/" + prefix + ".XXXXXX";
  std::vector<char> buffer(templ.begin(), templ.end());
  buffer.push_back('\0');
  if (::mkdtemp(buffer.data()) == nullptr) {
    throw std::runtime_error(
        cat("cannot create a temporary directory from ", templ, ": ", errno_text(errno)));
  }
  path_ = buffer.data();
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::optional<std::string> find_program(const std::string& name) {
  if (name.find('/') != std::string::npos) {
    if (::access(name.c_str(), X_OK) == 0) return name;
    return std::nullopt;
  }
  const char* path = std::getenv("PATH");
  std::string_view dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  while (!dirs.empty()) {
    size_t colon = dirs.find(':');
    std::string dir(dirs.substr(0, colon));
    dirs = colon == std::string_view::npos ? std::string_view() : dirs.substr(colon + 1);
    std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + name;
    struct stat st;
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return std::nullopt;
}

std::string ProcessStatus::describe(unsigned timeout_seconds) const {
  if (timed_out) return cat("timed out after ", std::to_string(timeout_seconds), " s");
  if (signal != 0) return cat("killed by signal ", std::to_string(signal));
  return cat("exit code ", std::to_string(exit_code));
}

ProcessStatus wait_child(int pid, unsigned timeout_seconds) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::seconds(timeout_seconds);
  ProcessStatus status;
  auto pause = std::chrono::milliseconds(1);
  for (;;) {
    int wstatus = 0;
    pid_t done = ::waitpid(pid, &wstatus, WNOHANG);
    if (done == pid) {
      if (WIFSIGNALED(wstatus)) status.signal = WTERMSIG(wstatus);
      if (WIFEXITED(wstatus)) status.exit_code = WEXITSTATUS(wstatus);
      return status;
    }
    if (done < 0 && errno != EINTR) {
      status.exit_code = -1;
      return status;
    }
    if (Clock::now() >= deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &wstatus, 0);
      status.timed_out = true;
      return status;
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(50));
  }
}

ProcessStatus run_program(const std::vector<std::string>& argv, const std::string& log_path,
                          unsigned timeout_seconds) {
  std::vector<char*> args;
  for (const std::string& arg : argv)
    args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  pid_t pid = 0;
  int err = ::posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (err != 0) throw std::runtime_error(cat("cannot run ", argv[0], ": ", errno_text(err)));
  return wait_child(pid, timeout_seconds);
}

std::string read_text_prefix(const std::string& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  std::string text(max_bytes, '\0');
  in.read(text.data(), static_cast<std::streamsize>(max_bytes));
  text.resize(static_cast<size_t>(in.gcount()));
  return text;
}

}  // namespace wasmscope::internal::tools
