#include "base/platform/fault_handler.h"

#include <pthread.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <mutex>

#include "base/platform/guard_registry.h"
#include "base/platform/platform_error.h"
#include "base/platform/signal_chain.h"

namespace wasmscope::internal {

using platform_internal::chain_to_previous;
using platform_internal::install_chained;
using platform_internal::system_error;

namespace {

// The current pad. Initial-exec TLS: the handler reads it with a plain thread-pointer-relative
// load and never calls {__tls_get_addr}, which may allocate. Only this thread and its signal
// handlers touch it, hence relaxed order plus signal fences.
__attribute__((tls_model("initial-exec"))) constinit thread_local std::atomic<TrapLandingPad*>
    t_current_pad{nullptr};

std::atomic<FaultTrapHook> g_fault_trap_hook{nullptr};
static_assert(std::atomic<FaultTrapHook>::is_always_lock_free);

std::mutex g_install_mutex;
bool g_installed = false;  // Guarded by {g_install_mutex}.

// async-signal-safe
void handle_fault(int sig, siginfo_t* info, void* context) {
  TrapLandingPad* pad = t_current_pad.load(std::memory_order_relaxed);
  // si_code > 0: raised by the kernel for this instruction, not sent with kill or sigqueue.
  if (pad != nullptr && pad->armed.load(std::memory_order_relaxed) && info->si_code > 0 &&
      in_guarded_range(info->si_addr)) {
    pad->armed.store(false, std::memory_order_relaxed);
    pad->fault_address = info->si_addr;
    pad->signal = sig;
    if (FaultTrapHook hook = g_fault_trap_hook.load(std::memory_order_acquire)) {
      hook(pad, context);
    }
    // The pad saved no mask, so put back the one the thread had when it faulted. With our
    // SA_NODEFER and empty mask the kernel changed nothing, but whoever stands between the
    // kernel and us may have: ThreadSanitizer runs user handlers with every signal blocked,
    // and a host handler that chains to ours may block some. One syscall, on the trap path
    // only; entering guest code stays syscall-free.
    if (context != nullptr) {
      pthread_sigmask(SIG_SETMASK, &static_cast<ucontext_t*>(context)->uc_sigmask, nullptr);
    }
    siglongjmp(pad->jump, 1);
  }
  int saved_errno = errno;
  chain_to_previous(sig, info, context);
  errno = saved_errno;
}

}  // namespace

void set_fault_trap_hook(FaultTrapHook hook) {
  g_fault_trap_hook.store(hook, std::memory_order_release);
}

namespace {

// Owns the alternate signal stack {ensure_alt_stack} made for this thread.
struct AltStack {
  uint8_t* mapping = nullptr;  // Guard page, then the stack.
  size_t mapping_size = 0;

  ~AltStack() {
    if (mapping == nullptr) return;
    stack_t current = {};
    // Switch it off only if it is still ours; someone may have installed another since.
    if (sigaltstack(nullptr, &current) == 0 && current.ss_sp == mapping + host_page()) {
      stack_t off = {};
      off.ss_flags = SS_DISABLE;
      sigaltstack(&off, nullptr);
    }
    munmap(mapping, mapping_size);
  }

  static size_t host_page() { return static_cast<size_t>(sysconf(_SC_PAGESIZE)); }
};

thread_local AltStack t_alt_stack;

}  // namespace

Result<void> install_fault_handler() {
  std::lock_guard<std::mutex> lock(g_install_mutex);
  if (g_installed) return {};
  const int flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
  WS_TRY(install_chained(SIGSEGV, handle_fault, flags));
  WS_TRY(install_chained(SIGBUS, handle_fault, flags));
  g_installed = true;
  return {};
}

bool fault_handler_active() {
  return platform_internal::is_installed(SIGSEGV, handle_fault) &&
         platform_internal::is_installed(SIGBUS, handle_fault);
}

// async-signal-safe
TrapLandingPad* current_landing_pad() {
  return t_current_pad.load(std::memory_order_relaxed);
}

// async-signal-safe
void set_current_landing_pad(TrapLandingPad* pad) {
  std::atomic_signal_fence(std::memory_order_seq_cst);
  t_current_pad.store(pad, std::memory_order_relaxed);
  std::atomic_signal_fence(std::memory_order_seq_cst);
}

size_t alt_stack_size() {
  size_t size = size_t{64} << 10;
#ifdef _SC_SIGSTKSZ
  long suggested = sysconf(_SC_SIGSTKSZ);  // Grows with the CPU's register state (AVX-512, SME).
  if (suggested > 0) size = std::max(size, 4 * static_cast<size_t>(suggested));
#endif
  size_t page = AltStack::host_page();
  return (size + page - 1) & ~(page - 1);
}

Result<void> ensure_alt_stack() {
  if (t_alt_stack.mapping != nullptr) return {};
  stack_t current = {};
  if (sigaltstack(nullptr, &current) != 0) {
    return system_error("cannot query the alternate signal stack", errno);
  }
  if ((current.ss_flags & SS_DISABLE) == 0) return {};  // The thread has one already.
  size_t page = AltStack::host_page();
  size_t size = alt_stack_size();
  void* mapping = mmap(nullptr, size + page, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (mapping == MAP_FAILED) {
    return system_error("cannot allocate an alternate signal stack", errno);
  }
  uint8_t* bytes = static_cast<uint8_t*>(mapping);
  // A guard page below the stack: overflowing it faults instead of corrupting memory.
  mprotect(bytes, page, PROT_NONE);
  stack_t stack = {};
  stack.ss_sp = bytes + page;
  stack.ss_size = size;
  if (sigaltstack(&stack, nullptr) != 0) {
    int err = errno;
    munmap(mapping, size + page);
    return system_error("cannot install an alternate signal stack", err);
  }
  t_alt_stack.mapping = bytes;
  t_alt_stack.mapping_size = size + page;
  return {};
}

}  // namespace wasmscope::internal
