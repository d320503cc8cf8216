#include "base/platform/signal_chain.h"

#include <pthread.h>

#include <atomic>
#include <cerrno>

#include "base/platform/platform_error.h"

namespace wasmscope::internal::platform_internal {

namespace {

// The action each signal had before ours. Written by {install_chained} before our handler
// is installed (the sigaction call orders it before any delivery) and only read afterwards.
struct sigaction g_previous[NSIG];

bool is_fault_signal(int sig) {
  return sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE || sig == SIGTRAP;
}

bool default_is_ignore(int sig) {
  return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT;
}

bool same_handler(const struct sigaction& action, SigactionFn handler) {
  return (action.sa_flags & SA_SIGINFO) != 0 && action.sa_sigaction == handler;
}

// What the kernel does for SIG_DFL (or SIG_IGN of a fault, which the kernel also treats as
// fatal), reproduced from inside our handler.
// async-signal-safe
void take_default_action(int sig, const siginfo_t* info, bool ignored) {
  bool hardware_fault = is_fault_signal(sig) && info != nullptr && info->si_code > 0;
  if (!hardware_fault && (ignored || default_is_ignore(sig))) return;
  struct sigaction fallback = {};
  fallback.sa_handler = SIG_DFL;
  sigemptyset(&fallback.sa_mask);
  sigaction(sig, &fallback, nullptr);
  // Returning re-executes the faulting instruction, which now meets SIG_DFL.
  if (hardware_fault) return;
  sigset_t just_sig;
  sigemptyset(&just_sig);
  sigaddset(&just_sig, sig);
  pthread_sigmask(SIG_UNBLOCK, &just_sig, nullptr);
  raise(sig);
}

}  // namespace

Result<void> install_chained(int sig, SigactionFn handler, int flags) {
  if (sig <= 0 || sig >= NSIG) {
    return Error{ErrorKind::kIo, 0, "cannot install a handler for signal " + std::to_string(sig)};
  }
  // Read the previous action before installing ours, so it is in place when ours first runs.
  struct sigaction previous = {};
  if (sigaction(sig, nullptr, &previous) != 0) {
    return system_error("cannot read the action of signal " + std::to_string(sig), errno);
  }
  if (same_handler(previous, handler)) return {};
  g_previous[sig] = previous;
  struct sigaction ours = {};
  ours.sa_sigaction = handler;
  ours.sa_flags = flags | SA_SIGINFO;
  sigemptyset(&ours.sa_mask);
  struct sigaction replaced = {};
  if (sigaction(sig, &ours, &replaced) != 0) {
    return system_error("cannot install a handler for signal " + std::to_string(sig), errno);
  }
  // Someone changed the action between our two calls: chain to what we really replaced.
  if (!same_handler(replaced, handler)) g_previous[sig] = replaced;
  return {};
}

bool is_installed(int sig, SigactionFn handler) {
  struct sigaction current = {};
  return sigaction(sig, nullptr, &current) == 0 && same_handler(current, handler);
}

// async-signal-safe
void chain_to_previous(int sig, siginfo_t* info, void* context) {
  const struct sigaction& previous = g_previous[sig];
  bool has_info = (previous.sa_flags & SA_SIGINFO) != 0;
  // {sa_handler} and {sa_sigaction} share storage; SIG_DFL and SIG_IGN are spelled in the
  // {sa_handler} form whichever flag is set.
  if (previous.sa_handler == SIG_DFL || previous.sa_handler == SIG_IGN) {
    take_default_action(sig, info, previous.sa_handler == SIG_IGN);
    return;
  }
  // Block what the kernel would have blocked while running the previous handler.
  sigset_t mask = previous.sa_mask;
  if ((previous.sa_flags & SA_NODEFER) == 0) sigaddset(&mask, sig);
  sigset_t saved;
  pthread_sigmask(SIG_BLOCK, &mask, &saved);
  if (has_info) {
    previous.sa_sigaction(sig, info, context);
  } else {
    previous.sa_handler(sig);
  }
  pthread_sigmask(SIG_SETMASK, &saved, nullptr);
}

}  // namespace wasmscope::internal::platform_internal
