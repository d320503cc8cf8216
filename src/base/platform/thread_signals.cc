#include "base/platform/thread_signals.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <mutex>

#include "base/platform/platform_error.h"
#include "base/platform/signal_chain.h"

namespace wasmscope::internal {

using platform_internal::system_error;

namespace {

// 0 until {set_capture_signal}: the default is computed on use because SIGRTMIN is a
// function call in glibc (it reserves the first few for its own use).
std::atomic<int> g_capture_signal{0};

// The handler per signal; read by {dispatch} in signal context, written under the mutex.
std::atomic<SignalHandlerFn> g_handlers[NSIG];
std::mutex g_install_mutex;

static_assert(std::atomic<SignalHandlerFn>::is_always_lock_free);

// On the alternate stack, so that a thread whose own stack is nearly exhausted can still be
// captured, suspended or terminated; but not under AddressSanitizer: after a longjmp (every
// trap and every caught exception jumps) its fake stack frees the frames below the stack
// pointer at the next allocation, and from a handler on the alternate stack it cannot tell
// live frames from dead ones, so it frees and reuses the interrupted thread's live locals
// (google/sanitizers#1561): false reports, and a capture reading its own handler's frames.
// On the thread's stack every frame it frees is one the jump really unwound.
#if defined(__SANITIZE_ADDRESS__)
constexpr int kStackFlag = 0;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr int kStackFlag = 0;
#else
constexpr int kStackFlag = SA_ONSTACK;
#endif
#else
constexpr int kStackFlag = SA_ONSTACK;
#endif

// async-signal-safe
void dispatch(int sig, siginfo_t* info, void* context) {
  int saved_errno = errno;
  // Acquire: pairs with the release store in {install_signal_handler}.
  SignalHandlerFn fn = g_handlers[sig].load(std::memory_order_acquire);
  if (fn == nullptr || !fn(sig, info, context)) {
    platform_internal::chain_to_previous(sig, info, context);
  }
  errno = saved_errno;
}

Error bad_signal(int sig, const char* why) {
  return Error{ErrorKind::kIo, 0,
               "cannot use signal " + std::to_string(sig) + " for wasmscope: " + why};
}

}  // namespace

int capture_signal() {
  int chosen = g_capture_signal.load(std::memory_order_relaxed);
  return chosen != 0 ? chosen : SIGRTMIN + 4;
}

Result<void> set_capture_signal(int sig) {
  if (sig < SIGRTMIN || sig > SIGRTMAX) return bad_signal(sig, "not a real-time signal");
  g_capture_signal.store(sig, std::memory_order_relaxed);
  return {};
}

Result<void> install_signal_handler(int sig, SignalHandlerFn fn) {
  if (sig <= 0 || sig >= NSIG) return bad_signal(sig, "no such signal");
  if (sig == SIGSEGV || sig == SIGBUS) return bad_signal(sig, "owned by the fault handler");
  if (sig == SIGKILL || sig == SIGSTOP) return bad_signal(sig, "cannot be caught");
  if (fn == nullptr) return bad_signal(sig, "no handler given");
  std::lock_guard<std::mutex> lock(g_install_mutex);
  // Release: the handler's own setup is visible to {dispatch} before it can be called.
  g_handlers[sig].store(fn, std::memory_order_release);
  return platform_internal::install_chained(sig, dispatch, SA_RESTART | kStackFlag);
}

Result<void> send_signal(pthread_t thread, int sig) {
  int err = pthread_kill(thread, sig);
  if (err != 0) return system_error("cannot send signal " + std::to_string(sig), err);
  return {};
}

Result<void> send_signal_with_value(pthread_t thread, int sig, void* value) {
  union sigval payload = {};
  payload.sival_ptr = value;
  int err = pthread_sigqueue(thread, sig, payload);
  if (err != 0) return system_error("cannot send signal " + std::to_string(sig), err);
  return {};
}

// async-signal-safe
bool sent_by_this_process(const siginfo_t* info) {
  bool from_user =
      info->si_code == SI_TKILL || info->si_code == SI_QUEUE || info->si_code == SI_USER;
  return from_user && info->si_pid == getpid();
}

}  // namespace wasmscope::internal
