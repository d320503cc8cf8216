#include "tools/run_diag.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cstring>
#include <optional>
#include <vector>

#include "diag/coredump.h"
#include "diag/profiler.h"

namespace wasmscope::internal::tools {

namespace {
int open_dump_socket(std::string* path);

/// How long a client may take to send its request, and to make room for more of the reply.
constexpr int kRequestTimeoutMs = 2000;
constexpr int kReplyIdleTimeoutMs = 10000;
/// How long a coredump request waits for the guest thread to reach a safepoint.
constexpr uint64_t kCoredumpSuspendTimeoutNs = 1'500'000'000;
}  // namespace

RunDiagnostics::RunDiagnostics(diag::ThreadLister threads, const RunDiagOptions& options,
                               const std::string& module_name)
    : threads_(std::move(threads)), options_(options), module_name_(module_name) {
  // Threads created from here on inherit the mask: SIGQUIT reaches only {sigwait} below.
  sigset_t quit;
  sigemptyset(&quit);
  sigaddset(&quit, SIGQUIT);
  pthread_sigmask(SIG_BLOCK, &quit, nullptr);
  // What can fail is done here, so that a run that cannot have its diagnostics does not start.
  if (options.watchdog_ns != 0 || options.deadlock_grace_ns != 0) {
    report_file_ = stderr;
    if (options.report_path != "-") {
      report_file_ = std::fopen(options.report_path.c_str(), "w");
      if (report_file_ == nullptr) {
        std::fprintf(stderr, "wasmscope: cannot write hang reports to '%s': %s\n",
                     options.report_path.c_str(), std::strerror(errno));
        ok_ = false;
        return;
      }
    }
  }
  // One thread now; the socket and the rest once the program has run for a while (see the
  // header): a socket is a file to create in /tmp, and to remove at the end.
  // A bare pthread: a std::thread's state is freed on the new thread, and glibc gives a thread
  // that frees its first block an arena of its own (an mmap and the page faults of its first
  // pages), which a program that ends at once would pay for nothing.
  dumper_started_ = pthread_create(&dumper_, nullptr, &RunDiagnostics::dumper_main, this) == 0;
  if (!dumper_started_) {
    std::fprintf(stderr, "wasmscope: cannot start the diagnostics thread: %s\n",
                 std::strerror(errno));
    ok_ = false;
  }
}

void* RunDiagnostics::dumper_main(void* self) {
  auto* diagnostics = static_cast<RunDiagnostics*>(self);
  // Named, so that `top -H` and /proc/PID/task/*/comm tell them from the guest's threads
  // (bench/pigz.sh reads the dumper's CPU time there).
  pthread_setname_np(pthread_self(), "wasmscope-dump");
  if (diagnostics->start_the_rest()) diagnostics->dump_on_sigquit();
  return nullptr;
}

bool RunDiagnostics::start_the_rest() {
  {
    std::unique_lock<std::mutex> lock(start_mutex_);
    if (start_wake_.wait_for(lock, std::chrono::nanoseconds(options_.service_start_ns),
                             [this] { return stopping_.load(); })) {
      return false;
    }
    rest_started_ = true;  // from here on the destructor must signal this thread to end it
    // Under the lock: {end_early} sees either no socket or one it need not remove (it then
    // returns false). The destructor reads these after joining this thread.
    listen_fd_ = open_dump_socket(&socket_path_);
  }
  if (listen_fd_ >= 0) {
    server_ = std::thread([this] {
      pthread_setname_np(pthread_self(), "wasmscope-stack");
      serve_dumps();
    });
  }
  if (report_file_ == nullptr) return true;
  diag::WatchdogOptions w;
  w.deadline_ns = options_.watchdog_ns;
  w.policy = options_.policy;
  w.out = report_file_;
  w.json = options_.json;
  w.module_name = module_name_;
  w.deadlock_grace_ns = options_.deadlock_grace_ns;
  watchdog_ = std::make_unique<diag::Watchdog>(threads_, std::move(w));
  return true;
}

RunDiagnostics::~RunDiagnostics() {
  bool rest_started = false;
  {
    std::lock_guard<std::mutex> lock(start_mutex_);
    stopping_ = true;
    rest_started = rest_started_;
  }
  if (dumper_started_) {
    if (rest_started) {
      pthread_kill(dumper_, SIGQUIT);  // ends its sigwait
    } else {
      start_wake_.notify_all();  // ends its wait: it starts nothing and returns
    }
    pthread_join(dumper_, nullptr);
  }
  // The dump thread has ended: it starts nothing more, and what it started is ours to stop.
  watchdog_.reset();
  if (server_.joinable()) {
    ::shutdown(listen_fd_, SHUT_RDWR);  // ends its accept
    {
      // The program is over: the client being served is cut short rather than the exit
      // delayed (a coredump client then sees the reply end early and writes no file).
      std::lock_guard<std::mutex> lock(client_mutex_);
      if (client_fd_ >= 0) ::shutdown(client_fd_, SHUT_RDWR);
    }
    server_.join();
  }
  if (listen_fd_ >= 0) {
    ::close(listen_fd_);
    ::unlink(socket_path_.c_str());
  }
  if (report_file_ != nullptr && report_file_ != stderr) std::fclose(report_file_);
}

bool RunDiagnostics::end_early() {
  std::lock_guard<std::mutex> lock(start_mutex_);
  if (rest_started_) return false;
  stopping_ = true;  // the dump thread, if it ever wakes, starts nothing
  return true;
}

void RunDiagnostics::set_instance(const InstanceData* instance, const std::string& module_path) {
  std::lock_guard<std::mutex> lock(instance_mutex_);
  instance_ = instance;
  module_path_ = module_path;
}

namespace {
/// The directory of the dump sockets: /tmp/wasmscope-UID.
std::string socket_dir(uid_t uid) { return "/tmp/wasmscope-" + std::to_string(uid); }
}  // namespace

std::string dump_socket_path(uid_t uid, pid_t pid) {
  return socket_dir(uid) + "/" + std::to_string(pid) + ".sock";
}

std::optional<uint64_t> parse_service_start_ms(const char* text) {
  constexpr uint64_t kMaxMs = 3'600'000;
  uint64_t ms = 0;
  size_t i = 0;
  for (; std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
    ms = ms * 10 + static_cast<uint64_t>(text[i] - '0');
    if (ms > kMaxMs) return std::nullopt;
  }
  if (i == 0 || text[i] != '\0') return std::nullopt;
  return ms * 1'000'000;
}

std::string RunDiagnostics::dump_text(const std::string& title) const {
  std::vector<diag::ThreadReport> reports;
  for (const diag::WatchedThread& t : threads_()) {
    if (t.ctx->state() == ThreadState::kExited) continue;
    diag::ThreadReport report = diag::report_thread(t.ctx, t.name, module_name_);
    report.id = t.id;
    reports.push_back(std::move(report));
  }
  return diag::format_text(title, reports);
}

namespace {

/// The pid a socket name "DIGITS.sock" (as {dump_socket_path} writes them: no sign, no leading
/// zero) stands for, if {name} is one.
std::optional<pid_t> socket_pid(const char* name) {
  if (name[0] < '1' || name[0] > '9') return std::nullopt;
  long long pid = 0;
  size_t i = 0;
  for (; std::isdigit(static_cast<unsigned char>(name[i])); ++i) {
    pid = pid * 10 + (name[i] - '0');
    if (pid > INT_MAX) return std::nullopt;
  }
  if (std::strcmp(name + i, ".sock") != 0) return std::nullopt;
  return static_cast<pid_t>(pid);
}

/// Removes the sockets in {dir} of processes that ended without removing theirs (killed):
/// entries named DIGITS.sock that are sockets and whose pid no longer exists. (A process of
/// another pid namespace sharing /tmp would look dead; the directory is per user.)
void remove_stale_sockets(const std::string& dir) {
  DIR* entries = ::opendir(dir.c_str());
  if (entries == nullptr) return;
  const int dir_fd = ::dirfd(entries);
  while (const dirent* entry = ::readdir(entries)) {
    const std::optional<pid_t> pid = socket_pid(entry->d_name);
    if (!pid || *pid == getpid()) continue;
    struct stat st;
    if (::fstatat(dir_fd, entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISSOCK(st.st_mode)) {
      continue;
    }
    if (::kill(*pid, 0) == -1 && errno == ESRCH) ::unlinkat(dir_fd, entry->d_name, 0);
  }
  ::closedir(entries);
}

// The socket lives in /tmp/wasmscope-UID (mode 0700, owned by this user: other users cannot
// even reach it) and is itself 0600; a peer whose credentials are another user's is refused
// anyway. Without a usable directory the process simply serves no dumps (returns -1).
int open_dump_socket(std::string* path) {
  const std::string dir = socket_dir(getuid());
  ::mkdir(dir.c_str(), 0700);
  struct stat st;
  if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != getuid() ||
      (st.st_mode & 077) != 0) {
    return -1;
  }
  remove_stale_sockets(dir);
  *path = dump_socket_path(getuid(), getpid());
  sockaddr_un addr = {};
  addr.sun_family = AF_UNIX;
  if (path->size() >= sizeof addr.sun_path) return -1;
  std::memcpy(addr.sun_path, path->c_str(), path->size() + 1);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  ::unlink(path->c_str());  // a stale socket of an earlier process with this pid
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::chmod(path->c_str(), 0600) != 0 || ::listen(fd, 4) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

/// Milliseconds left until {deadline} (CLOCK_MONOTONIC), 0 once it has passed.
int ms_until(const timespec& deadline) {
  timespec now = {};
  clock_gettime(CLOCK_MONOTONIC, &now);
  const long long ms =
      (deadline.tv_sec - now.tv_sec) * 1000LL + (deadline.tv_nsec - now.tv_nsec) / 1'000'000;
  return ms <= 0 ? 0 : static_cast<int>(ms);
}

timespec deadline_in_ms(int ms) {
  timespec t = {};
  clock_gettime(CLOCK_MONOTONIC, &t);
  t.tv_sec += ms / 1000;
  t.tv_nsec += static_cast<long>(ms % 1000) * 1'000'000;
  if (t.tv_nsec >= 1'000'000'000) {
    t.tv_sec += 1;
    t.tv_nsec -= 1'000'000'000;
  }
  return t;
}

/// Waits until {fd} is ready for {events} or {deadline} passes; false on timeout or error.
bool wait_ready(int fd, short events, const timespec& deadline) {
  for (;;) {
    pollfd p = {fd, events, 0};
    const int n = ::poll(&p, 1, ms_until(deadline));
    if (n > 0) return true;
    if (n == 0 || errno != EINTR) return false;
  }
}

/// Reads the request line (without its '\n') into {line}: false with {why} set when none
/// arrives before {deadline} or it is longer than {kMaxRequestBytes}.
bool read_request(int fd, const timespec& deadline, std::string* line, std::string* why) {
  char buf[kMaxRequestBytes];
  size_t have = 0;
  while (have < sizeof buf) {
    if (!wait_ready(fd, POLLIN, deadline)) {
      *why = "no request received within " + std::to_string(kRequestTimeoutMs) + " ms";
      return false;
    }
    const ssize_t n = ::recv(fd, buf + have, sizeof buf - have, MSG_DONTWAIT);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) {
      *why = "the connection ended before the request's end of line";
      return false;
    }
    const char* end =
        static_cast<const char*>(std::memchr(buf + have, '\n', static_cast<size_t>(n)));
    have += static_cast<size_t>(n);
    if (end != nullptr) {
      line->assign(buf, static_cast<size_t>(end - buf));
      return true;
    }
  }
  *why = "request longer than " + std::to_string(kMaxRequestBytes) + " bytes";
  return false;
}

/// Sends {size} bytes; false if they did not all go (an error, or the client took nothing
/// for {kReplyIdleTimeoutMs}).
bool send_all(int fd, const void* data, size_t size) {
  const char* p = static_cast<const char*>(data);
  for (size_t done = 0; done < size;) {
    const ssize_t n = ::send(fd, p + done, size - done, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      done += static_cast<size_t>(n);
    } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (!wait_ready(fd, POLLOUT, deadline_in_ms(kReplyIdleTimeoutMs))) return false;
    } else {
      return false;
    }
  }
  return true;
}

bool send_text(int fd, const std::string& text) { return send_all(fd, text.data(), text.size()); }

}  // namespace

void RunDiagnostics::serve_dumps() {
  while (!stopping_) {
    const int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;  // shut down (or broken): stop serving
    }
    ucred peer = {};
    socklen_t len = sizeof peer;
    if (::getsockopt(client, SOL_SOCKET, SO_PEERCRED, &peer, &len) == 0 &&
        peer.uid == getuid()) {
      {
        std::lock_guard<std::mutex> lock(client_mutex_);
        client_fd_ = client;
      }
      // Checked after publishing {client_fd_}: a destructor that missed it has set the flag.
      if (!stopping_) serve_request(client);
      std::lock_guard<std::mutex> lock(client_mutex_);
      client_fd_ = -1;
    }
    ::close(client);
  }
}

/// Reads the client's request and answers it (see the protocol in run_diag.h).
void RunDiagnostics::serve_request(int client) {
  std::string request;
  std::string why;
  if (!read_request(client, deadline_in_ms(kRequestTimeoutMs), &request, &why)) {
    (void)send_text(client, "error: " + why + " (expected 'dump', 'coredump' or 'profile')\n");
    return;
  }
  if (request == kDumpRequest) {
    (void)send_text(client,
                    dump_text("wasmscope thread dump (pid " + std::to_string(getpid()) + ")"));
  } else if (request == kCoredumpRequest) {
    serve_coredump(client);
  } else if (request.rfind(std::string(kProfileRequest) + " ", 0) == 0) {
    serve_profile(client, request);
  } else {
    (void)send_text(client, "error: unknown request (expected 'dump', 'coredump' or 'profile')\n");
  }
}

/// Suspends every guest thread, encodes their coredump and resumes them
/// (write_live_program_coredump), then sends it: the program is stopped only while the dump
/// is made, not while it is sent.
void RunDiagnostics::serve_coredump(int client) {
  CoredumpInput input;
  {
    std::lock_guard<std::mutex> lock(instance_mutex_);
    if (instance_ != nullptr) {
      input.executable = module_path_;
      input.instances.push_back({instance_, module_path_});
    }
  }
  if (input.instances.empty()) {
    (void)send_text(client, "error: the module is not instantiated yet\n");
    return;
  }
  input.record_locals = true;  // safe: the frames are read while the threads are suspended
  std::vector<LiveThread> threads;
  for (const diag::WatchedThread& t : threads_()) threads.push_back({t.ctx, t.name});
  const Result<std::vector<uint8_t>> dump =
      write_live_program_coredump(threads, std::move(input), kCoredumpSuspendTimeoutNs);
  if (!dump.ok()) {
    (void)send_text(client, "error: no coredump: " + dump.error().message + "\n");
    return;
  }
  const std::string header = "coredump " + std::to_string(dump->size()) + "\n";
  if (send_text(client, header)) (void)send_all(client, dump->data(), dump->size());
}

/// Profiles every guest thread for the time asked, then sends the profile. The client's
/// connection is watched meanwhile: a client that goes away ends the sampling early.
void RunDiagnostics::serve_profile(int client, const std::string& request) {
  char clock[8] = {};
  char format_name[16] = {};
  unsigned hz = 0;
  unsigned long long ms = 0;
  int consumed = 0;
  if (std::sscanf(request.c_str(), "profile %u %7s %llu %15s%n", &hz, clock, &ms, format_name,
                  &consumed) != 4 ||
      static_cast<size_t>(consumed) != request.size()) {
    (void)send_text(client, "error: expected 'profile HZ cpu|wall MS FORMAT'\n");
    return;
  }
  const std::optional<diag::ProfileFormat> format = diag::profile_format_named(format_name);
  const std::string mode = clock;
  if (!format || (mode != "cpu" && mode != "wall") || hz == 0 || hz > diag::kMaxProfileHz ||
      ms == 0 || ms > kMaxProfileMs) {
    (void)send_text(client, "error: bad profile request '" + request + "'\n");
    return;
  }
  diag::ProfilerOptions options;
  options.hz = hz;
  options.clock = mode == "wall" ? diag::ProfileClock::kWall : diag::ProfileClock::kCpu;
  options.module_name = module_name_;
  {
    std::lock_guard<std::mutex> lock(instance_mutex_);
    options.program = module_path_;
  }
  diag::Profiler profiler(threads_, options);
  if (const Result<void> started = profiler.start(); !started.ok()) {
    (void)send_text(client, "error: cannot profile: " + started.error().message + "\n");
    return;
  }
  const timespec until = deadline_in_ms(static_cast<int>(ms));
  while (!stopping_ && ms_until(until) > 0) {
    // A readable client here has hung up (it sends nothing more): stop early.
    pollfd p = {client, POLLIN, 0};
    const int n = ::poll(&p, 1, std::min(ms_until(until), 100));
    if (n > 0) break;
  }
  const diag::Profile profile = profiler.stop();
  const Result<std::vector<uint8_t>> bytes = diag::encode_profile(profile, *format);
  if (!bytes.ok()) {
    (void)send_text(client, "error: no profile: " + bytes.error().message + "\n");
    return;
  }
  const std::string header = std::string(kProfileRequest) + " " + std::to_string(bytes->size()) + "\n";
  if (send_text(client, header)) (void)send_all(client, bytes->data(), bytes->size());
}

void RunDiagnostics::dump_on_sigquit() {
  sigset_t quit;
  sigemptyset(&quit);
  sigaddset(&quit, SIGQUIT);
  for (;;) {
    int sig = 0;
    if (sigwait(&quit, &sig) != 0) continue;
    if (stopping_) return;
    const std::string text =
        dump_text("wasmscope thread dump (SIGQUIT); the program continues") + "\n";
    std::fwrite(text.data(), 1, text.size(), stderr);
    std::fflush(stderr);
  }
}

}  // namespace wasmscope::internal::tools
