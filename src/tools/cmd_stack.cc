// wasmscope stack PID: asks a running `wasmscope run` for a thread dump over its Unix socket
// (see tools/run_diag.h) and prints it.
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "tools/commands.h"
#include "tools/run_diag.h"

namespace wasmscope::internal::tools {
namespace {

constexpr const char* kStackUsage =
    "usage: wasmscope stack PID\n"
    "\n"
    "Prints a thread dump of the running 'wasmscope run' process PID: every guest thread's\n"
    "state, time in that state and stack, as SIGQUIT would print it there. Only the user who\n"
    "runs PID can ask (the socket is in /tmp/wasmscope-UID, mode 0700).\n"
    "exit status: 0, 1 if PID serves no dumps to this user, 2 on usage errors.\n";

}  // namespace

int cmd_stack(const Args& args) {
  if (wants_help(args)) {
    std::fputs(kStackUsage, stdout);
    return 0;
  }
  char* end = nullptr;
  const long pid = args.size() == 1 ? std::strtol(args[0].c_str(), &end, 10) : 0;
  if (args.size() != 1 || end == args[0].c_str() || *end != '\0' || pid <= 0) {
    std::fputs(kStackUsage, stderr);
    return 2;
  }
  // The socket is under the directory of the user running PID.
  struct stat proc;
  const std::string proc_dir = "/proc/" + std::to_string(pid);
  if (::stat(proc_dir.c_str(), &proc) != 0) {
    std::fprintf(stderr, "wasmscope stack: no process %ld\n", pid);
    return 1;
  }
  const std::string path = dump_socket_path(proc.st_uid, static_cast<pid_t>(pid));
  sockaddr_un addr = {};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    std::fprintf(stderr, "wasmscope stack: cannot reach process %ld at %s: %s\n", pid,
                 path.c_str(), std::strerror(errno));
    if (fd >= 0) ::close(fd);
    return 1;
  }
  std::string text;
  char buf[4096];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) text.append(buf, static_cast<size_t>(n));
  ::close(fd);
  if (text.empty()) {
    std::fprintf(stderr, "wasmscope stack: process %ld sent no dump (not its user?)\n", pid);
    return 1;
  }
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}

}  // namespace wasmscope::internal::tools
