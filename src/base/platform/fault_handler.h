// The one owner of SIGSEGV and SIGBUS: turns faults in guarded linear memories into traps by
// jumping to the executing thread's landing pad, and hands every other fault to whatever
// handler the host had installed, so a genuine crash still crashes.
//
// A fault is a trap when (1) the faulting thread's current {TrapLandingPad} is armed and
// (2) the faulting address lies in a registered guarded region ({GuardedRegion::reserve}).
//
// How the interpreter enters guest code:
//
//   TrapLandingPad pad;
//   LandingPadScope scope(&pad);          // pad becomes current; the previous one is saved
//   if (sigsetjmp(pad.jump, 0) == 0) {    // 0: no signal mask saved, so no syscall here
//     pad.arm();
//     run_guest();                        // may fault in guarded memory
//     pad.disarm();
//   } else {
//     // Trap "out of bounds memory access" at {pad.fault_address}; the pad is disarmed.
//   }
//   // ~LandingPadScope restores the previous pad (nesting host -> guest -> host -> guest).
//
// Rules that come with {siglongjmp}:
// - Saving no mask with {sigsetjmp(jump, 0)} keeps the entry free of syscalls. The handler is
//   installed with SA_NODEFER and an empty mask, so the kernel blocks nothing while it runs;
//   and before jumping the handler restores the mask of the interrupted code from its
//   {ucontext_t} (one syscall per trap), because a layer between the kernel and us may block
//   signals around our handler (ThreadSanitizer blocks all of them).
// - Between {arm()} and the faulting access no stack object may need its destructor run: the
//   jump skips destructors. The interpreter's dispatch loop holds only trivially destructible
//   locals; locals of the {sigsetjmp} caller changed after it and read after a trap must be
//   {volatile}.
// - Disarm the pad (or install a disarmed one) around calls into host code: a host function
//   that faults in guarded memory has a bug, and it must crash rather than trap the guest.
// - Never jump across the C API: the pad and the guest call live in the same C++ frame.
#pragma once

#include <atomic>
#include <csetjmp>
#include <csignal>
#include <cstdint>

#include "wasmscope/result.h"

namespace wasmscope::internal {

/// Where a thread running guest code resumes after a fault in guarded memory.
struct TrapLandingPad {
  sigjmp_buf jump;
  /// The faulting address ({si_addr}); written by the handler before it jumps.
  const void* volatile fault_address = nullptr;
  /// SIGSEGV or SIGBUS; written by the handler before it jumps.
  volatile int signal = 0;
  /// A trap raised by compiled code (engine/native_abi.h's {ws_trap}), which jumps here too;
  /// 0 when the jump came from a fault.
  volatile uint32_t trap = 0;
  /// The depth of the thread's frame records when the pad's guest call began (the engine's
  /// business: compiled code's traps walk the frames above it before jumping).
  uint32_t entry_depth = 0;
  /// Whether a fault now is a trap. Only this thread and its own signal handler touch it,
  /// so relaxed accesses plus signal fences (compiler-only barriers) order it.
  std::atomic<bool> armed{false};
  /// The pad that was current before this one ({LandingPadScope} restores it).
  TrapLandingPad* previous = nullptr;

  /// Faults from here on are traps. Call after {sigsetjmp} returned 0.
  void arm() {
    armed.store(true, std::memory_order_relaxed);
    std::atomic_signal_fence(std::memory_order_seq_cst);  // Not after the guest's accesses.
  }
  /// Faults from here on are crashes again.
  void disarm() {
    std::atomic_signal_fence(std::memory_order_seq_cst);  // Not before the guest's accesses.
    armed.store(false, std::memory_order_relaxed);
  }
};

static_assert(std::atomic<bool>::is_always_lock_free);

/// Installs the SIGSEGV/SIGBUS handler (SA_SIGINFO | SA_ONSTACK | SA_NODEFER), remembering
/// the host's handlers to chain to. Idempotent and thread-safe; call it before the first
/// guarded memory is used. Handlers the host installs later must chain to ours themselves.
Result<void> install_fault_handler();

/// True when our handler is still the installed action for both SIGSEGV and SIGBUS. When a
/// host replaced it without chaining, guarded memories would crash the process: use the
/// explicit-bounds-check mode then.
bool fault_handler_active();

/// Called by the fault handler for a fault that becomes a trap, on the faulting thread, before
/// it jumps to {pad}: the engine walks compiled frames there (the jump unwinds them), and may
/// set {pad->trap}. {ucontext} is the fault's signal context.
using FaultTrapHook = void (*)(TrapLandingPad* pad, const void* ucontext);

/// Sets the one hook (null: none). Set it before the first guest call that may fault.
void set_fault_trap_hook(FaultTrapHook hook);

/// The calling thread's current landing pad, or null.
// async-signal-safe
TrapLandingPad* current_landing_pad();

/// Makes {pad} (may be null) the calling thread's current landing pad.
// async-signal-safe
void set_current_landing_pad(TrapLandingPad* pad);

/// Makes a pad current for a scope and restores the previous one (disarming this one) on exit.
class LandingPadScope {
 public:
  explicit LandingPadScope(TrapLandingPad* pad) : pad_(pad) {
    pad_->previous = current_landing_pad();
    set_current_landing_pad(pad_);
  }
  ~LandingPadScope() {
    pad_->disarm();
    set_current_landing_pad(pad_->previous);
  }
  LandingPadScope(const LandingPadScope&) = delete;
  LandingPadScope& operator=(const LandingPadScope&) = delete;

 private:
  TrapLandingPad* pad_;
};

/// The size of the alternate signal stacks {ensure_alt_stack} creates (64 KiB, or more when
/// the CPU's signal frame needs it).
size_t alt_stack_size();

/// Gives the calling thread an alternate signal stack if it has none, so that our handlers
/// (installed with SA_ONSTACK) still run when the thread's own stack is exhausted; freed when
/// the thread exits. An existing alternate stack (the host's, or a sanitizer's) is kept.
/// Call it on each thread before it enters guest code; cheap after the first call.
Result<void> ensure_alt_stack();

}  // namespace wasmscope::internal
