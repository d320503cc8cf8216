#include "tools/run_diag.h"

#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace wasmscope::internal::tools {

namespace {
int open_dump_socket(std::string* path);
}  // namespace

RunDiagnostics::RunDiagnostics(ExecContext* ctx, const RunDiagOptions& options,
                               const std::string& module_name, diag::SourceLocator locate)
    : ctx_(ctx), module_name_(module_name), locate_(std::move(locate)) {
  // Threads created from here on inherit the mask: SIGQUIT reaches only {sigwait} below.
  sigset_t quit;
  sigemptyset(&quit);
  sigaddset(&quit, SIGQUIT);
  pthread_sigmask(SIG_BLOCK, &quit, nullptr);
  dumper_ = std::thread([this] { dump_on_sigquit(); });
  listen_fd_ = open_dump_socket(&socket_path_);
  if (listen_fd_ >= 0) server_ = std::thread([this] { serve_dumps(); });
  if (options.watchdog_ns == 0) return;
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
  diag::WatchdogOptions w;
  w.deadline_ns = options.watchdog_ns;
  w.policy = options.policy;
  w.out = report_file_;
  w.json = options.json;
  w.module_name = module_name_;
  w.locate = locate_;
  watchdog_ = std::make_unique<diag::Watchdog>(ctx_, std::move(w));
}

RunDiagnostics::~RunDiagnostics() {
  watchdog_.reset();
  stopping_ = true;
  pthread_kill(dumper_.native_handle(), SIGQUIT);  // ends its sigwait
  dumper_.join();
  if (server_.joinable()) {
    ::shutdown(listen_fd_, SHUT_RDWR);  // ends its accept
    server_.join();
  }
  if (listen_fd_ >= 0) {
    ::close(listen_fd_);
    ::unlink(socket_path_.c_str());
  }
  if (report_file_ != nullptr && report_file_ != stderr) std::fclose(report_file_);
}

std::string dump_socket_path(uid_t uid, pid_t pid) {
  return "/tmp/wasmscope-" + std::to_string(uid) + "/" + std::to_string(pid) + ".sock";
}

std::string RunDiagnostics::dump_text() const {
  const diag::ThreadReport thread = diag::report_thread(ctx_, "main", module_name_, locate_);
  return diag::format_text("wasmscope thread dump (pid " + std::to_string(getpid()) + ")",
                           {thread});
}

namespace {

// The socket lives in /tmp/wasmscope-UID (mode 0700, owned by this user: other users cannot
// even reach it) and is itself 0600; a peer whose credentials are another user's is refused
// anyway. Without a usable directory the process simply serves no dumps (returns -1).
int open_dump_socket(std::string* path) {
  const std::string dir = "/tmp/wasmscope-" + std::to_string(getuid());
  ::mkdir(dir.c_str(), 0700);
  struct stat st;
  if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != getuid() ||
      (st.st_mode & 077) != 0) {
    return -1;
  }
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

}  // namespace

void RunDiagnostics::serve_dumps() {
  while (!stopping_) {
    const int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) {
      if (errno == EINTR) continue;
      return;  // shut down (or broken): stop serving
    }
    ucred peer = {};
    socklen_t len = sizeof peer;
    if (::getsockopt(client, SOL_SOCKET, SO_PEERCRED, &peer, &len) == 0 &&
        peer.uid == getuid()) {
      const std::string text = dump_text();
      for (size_t done = 0; done < text.size();) {
        const ssize_t n = ::send(client, text.data() + done, text.size() - done, MSG_NOSIGNAL);
        if (n <= 0) break;
        done += static_cast<size_t>(n);
      }
    }
    ::close(client);
  }
}

void RunDiagnostics::dump_on_sigquit() {
  sigset_t quit;
  sigemptyset(&quit);
  sigaddset(&quit, SIGQUIT);
  for (;;) {
    int sig = 0;
    if (sigwait(&quit, &sig) != 0) continue;
    if (stopping_) return;
    const diag::ThreadReport thread = diag::report_thread(ctx_, "main", module_name_, locate_);
    const std::string text =
        diag::format_text("wasmscope thread dump (SIGQUIT); the program continues", {thread}) +
        "\n";
    std::fwrite(text.data(), 1, text.size(), stderr);
    std::fflush(stderr);
  }
}

}  // namespace wasmscope::internal::tools
