// wasmscope stack [--coredump FILE] PID: asks a running `wasmscope run` for a thread dump, which
// it prints, or for a WebAssembly coredump, which it writes to FILE, over its Unix socket (see
// tools/run_diag.h for the protocol).
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>

#include "diag/profiler.h"
#include "tools/commands.h"
#include "tools/file_io.h"
#include "tools/profile_session.h"
#include "tools/run_diag.h"

namespace wasmscope::internal::tools {
namespace {

/// The command messages are printed for: "wasmscope stack" or "wasmscope profile".
const char* g_tool = "wasmscope stack";

constexpr const char* kStackUsage =
    "usage: wasmscope stack [--coredump FILE] PID\n"
    "\n"
    "Prints a thread dump of the running 'wasmscope run' process PID: every guest thread's\n"
    "state, time in that state and stack, as SIGQUIT would print it there. Only the user who\n"
    "runs PID can ask (the socket is in /tmp/wasmscope-UID, mode 0700).\n"
    "\n"
    "options:\n"
    "  --coredump FILE  instead, write a WebAssembly coredump of PID to FILE (tool-conventions\n"
    "                   format, as --coredump-on-trap writes; read it with 'wasmscope\n"
    "                   coredump FILE'): the guest thread's frames with their locals, its\n"
    "                   memories and globals. The thread is suspended while the dump is taken\n"
    "                   (it must reach a safepoint or be in a host call within 1.5 s), then\n"
    "                   goes on. FILE is replaced only once the whole dump has arrived.\n"
    "\n"
    "exit status: 0, 1 if PID serves no dumps to this user or the dump cannot be had or\n"
    "written, 2 on usage errors.\n";

/// How long to wait for the server to send anything more before giving up. The server bounds
/// its own work (see run_diag.cc); this only keeps a wedged peer from hanging the client.
constexpr time_t kReplyIdleSeconds = 60;

/// What the command line asked for.
struct StackOptions {
  long pid = 0;
  std::string coredump_path;  ///< Empty: print a thread dump.
};

/// Parses {args}; false on a usage error.
bool parse_stack_args(const Args& args, StackOptions* o) {
  bool have_pid = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--coredump") {
      if (i + 1 >= args.size() || args[i + 1].empty()) return false;
      o->coredump_path = args[++i];
    } else if (!a.empty() && a[0] == '-') {
      return false;
    } else {
      char* end = nullptr;
      o->pid = std::strtol(a.c_str(), &end, 10);
      if (have_pid || end == a.c_str() || *end != '\0' || o->pid <= 0) return false;
      have_pid = true;
    }
  }
  return have_pid;
}

/// How long process {pid} has run (from its start time in /proc, in clock ticks); nullopt if
/// that cannot be read (the process is gone).
std::optional<uint64_t> process_age_ns(long pid) {
  const std::string stat_path = "/proc/" + std::to_string(pid) + "/stat";
  FILE* f = std::fopen(stat_path.c_str(), "r");
  if (f == nullptr) return std::nullopt;
  char buf[1024];
  const size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  buf[n] = '\0';
  // "PID (COMM) STATE ..." where COMM may hold anything: the fields follow the last ')'.
  const char* p = std::strrchr(buf, ')');
  if (p == nullptr) return std::nullopt;
  // The start time is field 22; field 3 (the state) is the first after ')'.
  for (int field = 2; field < 22 && p != nullptr; ++field) p = std::strchr(p + 1, ' ');
  if (p == nullptr) return std::nullopt;
  const unsigned long long start_ticks = std::strtoull(p + 1, nullptr, 10);
  const long ticks_per_second = ::sysconf(_SC_CLK_TCK);
  timespec now = {};
  if (ticks_per_second <= 0 || clock_gettime(CLOCK_BOOTTIME, &now) != 0) return std::nullopt;
  const uint64_t now_ns = static_cast<uint64_t>(now.tv_sec) * 1'000'000'000 +
                          static_cast<uint64_t>(now.tv_nsec);
  const uint64_t start_ns = start_ticks * (1'000'000'000 / static_cast<uint64_t>(ticks_per_second));
  return now_ns > start_ns ? now_ns - start_ns : 0;
}

/// When, in process {pid}'s life, a `wasmscope run` opens its socket: its
/// WASMSCOPE_SERVICE_START_MS (read from its environment, which only its user and root may
/// read) or else the default.
uint64_t service_start_of(long pid) {
  uint64_t ns = RunDiagOptions().service_start_ns;
  const std::string environ_path = "/proc/" + std::to_string(pid) + "/environ";
  FILE* f = std::fopen(environ_path.c_str(), "r");
  if (f == nullptr) return ns;
  static constexpr char kName[] = "WASMSCOPE_SERVICE_START_MS=";
  std::string entry;
  for (int c; (c = std::fgetc(f)) != EOF;) {
    if (c != '\0') {
      if (entry.size() < 64) entry.push_back(static_cast<char>(c));
      continue;
    }
    if (entry.starts_with(kName)) {
      if (auto parsed = parse_service_start_ms(entry.c_str() + sizeof kName - 1)) ns = *parsed;
    }
    entry.clear();
  }
  std::fclose(f);
  return ns;
}

/// Connects to process {pid}'s dump socket; -1 (with the reason printed) if it cannot. A
/// `wasmscope run` opens its socket only once it has run for a while (tools/run_diag.h): while
/// {pid} is younger than that (plus {kSocketWaitSlackNs}), a missing socket is waited for.
int connect_to(long pid, time_t idle_seconds = kReplyIdleSeconds) {
  // The socket is under the directory of the user running PID.
  struct stat proc;
  const std::string proc_dir = "/proc/" + std::to_string(pid);
  if (::stat(proc_dir.c_str(), &proc) != 0) {
    std::fprintf(stderr, "%s: no process %ld\n", g_tool, pid);
    return -1;
  }
  const std::string path = dump_socket_path(proc.st_uid, static_cast<pid_t>(pid));
  sockaddr_un addr = {};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
  const uint64_t wait_until_age = service_start_of(pid) + kSocketWaitSlackNs;
  int fd = -1;
  int error = 0;
  for (;;) {
    fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
      const timeval idle = {idle_seconds, 0};
      (void)::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &idle, sizeof idle);
      return fd;
    }
    error = errno;
    if (fd < 0 || (error != ENOENT && error != ECONNREFUSED)) break;
    const std::optional<uint64_t> age = process_age_ns(pid);
    if (!age || *age >= wait_until_age) break;
    ::close(fd);
    fd = -1;
    const timespec pause = {0, 10'000'000};
    nanosleep(&pause, nullptr);
  }
  if (error == ENOENT || error == ECONNREFUSED) {
    // A process, but nobody listening at its socket's path.
    std::fprintf(stderr,
                 "%s: cannot reach process %ld: it is not serving dumps (it is not "
                 "a 'wasmscope run', or it is still starting): %s: %s\n", g_tool,
                 pid, path.c_str(), std::strerror(error));
  } else {
    std::fprintf(stderr, "%s: cannot reach process %ld at %s: %s\n", g_tool, pid, path.c_str(),
                 std::strerror(error));
  }
  if (fd >= 0) ::close(fd);
  return -1;
}

/// Sends request {request} (a line); false (with the reason printed) if it could not.
bool send_request(int fd, long pid, const char* request) {
  const std::string line = std::string(request) + "\n";
  for (size_t done = 0; done < line.size();) {
    const ssize_t n = ::send(fd, line.data() + done, line.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      std::fprintf(stderr, "%s: cannot send the request to process %ld: %s\n", g_tool, pid,
                   std::strerror(errno));
      return false;
    }
    done += static_cast<size_t>(n);
  }
  return true;
}

/// Receives up to {size} bytes; 0 at the end of the reply, -1 (errno set) on an error or when
/// the server went quiet for {kReplyIdleSeconds}.
ssize_t receive(int fd, char* buf, size_t size) {
  for (;;) {
    const ssize_t n = ::recv(fd, buf, size, 0);
    if (n >= 0 || errno != EINTR) return n;
  }
}

/// The reason a reply could not be read, for the messages below.
std::string receive_error() {
  return errno == EAGAIN || errno == EWOULDBLOCK
             ? "no answer for " + std::to_string(kReplyIdleSeconds) + " s"
             : std::string(std::strerror(errno));
}

/// Prints an "error: MESSAGE" reply of process {pid}.
void report_refusal(long pid, const std::string& reply) {
  std::string message = reply.substr(std::strlen("error: "));
  while (!message.empty() && message.back() == '\n')
    message.pop_back();
  std::fprintf(stderr, "%s: process %ld: %s\n", g_tool, pid, message.c_str());
}

bool is_refusal(const std::string& reply) {
  return reply.rfind("error: ", 0) == 0;
}

/// `wasmscope stack PID`: prints the thread dump.
int print_dump(int fd, long pid) {
  if (!send_request(fd, pid, kDumpRequest)) return 1;
  std::string text;
  char buf[4096];
  ssize_t n;
  while ((n = receive(fd, buf, sizeof buf)) > 0)
    text.append(buf, static_cast<size_t>(n));
  if (n < 0) {
    std::fprintf(stderr, "%s: reading the dump of process %ld failed: %s\n", g_tool, pid,
                 receive_error().c_str());
    return 1;
  }
  if (text.empty()) {
    std::fprintf(stderr, "%s: process %ld sent no dump (not its user?)\n", g_tool, pid);
    return 1;
  }
  if (is_refusal(text)) {
    report_refusal(pid, text);
    return 1;
  }
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}

/// Reads the reply's first line, '\n' included, or as much of it as arrives (at most
/// {kMaxHeaderBytes}): empty when the server closed at once. False on a receive error.
bool read_header(int fd, std::string* line) {
  constexpr size_t kMaxHeaderBytes = 4096;  // "coredump N\n", or an error message
  char c = 0;
  while (line->size() < kMaxHeaderBytes) {
    const ssize_t n = receive(fd, &c, 1);
    if (n < 0) return false;
    if (n == 0) return true;
    line->push_back(c);
    if (c == '\n') return true;
  }
  return true;
}

/// The N of a header "WORD N\n" ({word}: "coredump", "profile"), if {header} is one.
bool parse_sized_header(const std::string& header, const char* word, uint64_t* size) {
  const std::string prefix = std::string(word) + " ";
  if (header.rfind(prefix, 0) != 0 || header.back() != '\n') return false;
  const std::string digits = header.substr(prefix.size(), header.size() - prefix.size() - 1);
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) return false;
  errno = 0;
  *size = std::strtoull(digits.c_str(), nullptr, 10);
  return errno == 0;
}

bool write_all(int fd, const char* data, size_t size) {
  for (size_t done = 0; done < size;) {
    const ssize_t n = ::write(fd, data + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

/// Copies the {size} bytes of the {what} ("coredump", "profile") from {socket} to the new file
/// {out}; false (with the reason printed) if they do not all arrive or cannot be written.
bool receive_file(int socket, int out, uint64_t size, long pid, const std::string& tmp,
                  const char* what) {
  uint64_t got = 0;
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = receive(socket, buf, sizeof buf);
    if (n < 0) {
      std::fprintf(stderr,
                   "%s: reading the %s of process %ld failed after "
                   "%llu of %llu bytes: %s\n", g_tool, what,
                   pid, static_cast<unsigned long long>(got), static_cast<unsigned long long>(size),
                   receive_error().c_str());
      return false;
    }
    if (n == 0) break;
    got += static_cast<uint64_t>(n);
    if (got > size) break;
    if (!write_all(out, buf, static_cast<size_t>(n))) {
      std::fprintf(stderr, "%s: cannot write '%s': %s\n", g_tool, tmp.c_str(),
                   std::strerror(errno));
      return false;
    }
  }
  if (got != size) {
    std::fprintf(stderr,
                 "%s: process %ld sent %s%llu bytes of a %llu-byte "
                 "%s; nothing written\n", g_tool,
                 pid, got > size ? "more than " : "only ",
                 static_cast<unsigned long long>(got > size ? size : got),
                 static_cast<unsigned long long>(size), what);
    return false;
  }
  return true;
}

/// Sends {request}, then writes the "WORD N" reply's N bytes ({what}: "coredump",
/// "profile") to {path}, through {path}.tmp so that {path} is never left half written.
int save_reply(int fd, long pid, const std::string& path, const std::string& request,
               const char* word, const char* what) {
  if (!send_request(fd, pid, request.c_str())) return 1;
  std::string header;
  if (!read_header(fd, &header)) {
    std::fprintf(stderr, "%s: reading the reply of process %ld failed: %s\n", g_tool, pid,
                 receive_error().c_str());
    return 1;
  }
  if (is_refusal(header)) {
    report_refusal(pid, header);
    return 1;
  }
  uint64_t size = 0;
  if (!parse_sized_header(header, word, &size)) {
    std::fprintf(stderr, "%s: process %ld sent %s\n", g_tool, pid,
                 header.empty() ? "no reply (not its user?)" : "an unexpected reply");
    return 1;
  }
  const std::string tmp = path + ".tmp";
  ::unlink(tmp.c_str());  // a leftover; O_EXCL below also refuses a planted symlink
  // 0600: the dump holds the program's memory, which only its user could reach so far.
  const int out = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (out < 0) {
    std::fprintf(stderr, "%s: cannot create '%s': %s\n", g_tool, tmp.c_str(),
                 std::strerror(errno));
    return 1;
  }
  bool ok = receive_file(fd, out, size, pid, tmp, what);
  if (::close(out) != 0 && ok) {
    std::fprintf(stderr, "%s: cannot write '%s': %s\n", g_tool, tmp.c_str(),
                 std::strerror(errno));
    ok = false;
  }
  if (ok && ::rename(tmp.c_str(), path.c_str()) != 0) {
    std::fprintf(stderr, "%s: cannot rename '%s' to '%s': %s\n", g_tool, tmp.c_str(),
                 path.c_str(), std::strerror(errno));
    ok = false;
  }
  if (!ok) {
    ::unlink(tmp.c_str());
    return 1;
  }
  std::fprintf(stderr, "%s: %s of process %ld written to %s (%llu bytes)\n", g_tool, what, pid,
               path.c_str(), static_cast<unsigned long long>(size));
  return 0;
}

}  // namespace

int cmd_stack(const Args& args) {
  if (wants_help(args)) {
    std::fputs(kStackUsage, stdout);
    return 0;
  }
  StackOptions o;
  if (!parse_stack_args(args, &o)) {
    std::fputs(kStackUsage, stderr);
    return 2;
  }
  const int fd = connect_to(o.pid);
  if (fd < 0) return 1;
  const int status =
      o.coredump_path.empty()
          ? print_dump(fd, o.pid)
          : save_reply(fd, o.pid, o.coredump_path, kCoredumpRequest, kCoredumpRequest, "coredump");
  ::close(fd);
  return status;
}

int profile_attached(long pid, const ProfileRequest& request) {
  g_tool = "wasmscope profile";
  const std::optional<diag::ProfileFormat> format = diag::profile_format_for(request.path);
  if (!format) return 2;  // checked by the caller
  // The server says nothing until the profile is done.
  const time_t idle = static_cast<time_t>(request.duration_ns / 1'000'000'000ull) + kReplyIdleSeconds;
  const int fd = connect_to(pid, idle);
  if (fd < 0) return 1;
  const uint64_t ms = std::max<uint64_t>(request.duration_ns / 1'000'000, 1);
  if (ms > kMaxProfileMs) {
    ::close(fd);
    throw UsageError("--duration may be at most 24 hours when attaching");
  }
  const std::string line = std::string(kProfileRequest) + " " + std::to_string(request.options.hz) +
                           (request.options.clock == diag::ProfileClock::kWall ? " wall " : " cpu ") +
                           std::to_string(ms) + " " + diag::profile_format_name(*format);
  const int status = save_reply(fd, pid, request.path, line, kProfileRequest, "profile");
  ::close(fd);
  return status;
}

}  // namespace wasmscope::internal::tools
