// The per-thread execution context ("exec env"): value stack, frame records, the state word and
// request bits, and the capture buffer. Private to the implementation: embedders only ever see
// opaque handles, so fields can be added without breaking the public ABI.
//
// The state protocol (DESIGN.md, "States and safepoints"; docs/stack-capture.md):
// - The owner (the thread running guest code on the context) moves the state with
//   {transition}: a compare-and-swap from the exact state it is in. It fails while a
//   controller holds the word ({kStateLocked}); the owner then waits (answering capture
//   requests meanwhile), so a controller that locked the state sees it, and the frame records,
//   stay put.
// - A controller (capture, suspend, resume, terminate) serializes on {control} and changes
//   the word only by compare-and-swap too.
#pragma once

#include <pthread.h>
#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/platform/semaphore.h"
#include "wasmscope/result.h"
#include "engine/instance_data.h"
#include "engine/trap.h"
#include "engine/waiter_table.h"

// The compile-time switch of DESIGN.md: 0 removes the bookkeeping only capture needs (position
// stores at safepoints, release ordering and signal fences on {depth}), so its cost can be
// measured. The default build has capture on.
#ifndef WASMSCOPE_CAPTURE
#define WASMSCOPE_CAPTURE 1
#endif

namespace wasmscope::internal {

struct Func;
struct InstanceData;

/// One executing guest function. Records [0, depth) of a context describe its guest call stack,
/// outermost first. {pc} is the internal code position: for callers, the instruction after the
/// call; for the innermost frame, its entry or last call or stop (host call, wait, trap,
/// answered request), unless {ExecContext::position} holds a newer safepoint (captures map it
/// to a wasm code offset through the function's side table, outside any signal handler).
struct FrameRecord {
  const Func* func;
  const uint64_t* pc;
  uint64_t* fp;
};

/// Thread states, per DESIGN.md ("States and safepoints"). {kWaiting}: blocked in
/// memory.atomic.wait; like {kInHost} its frames are frozen (captures read them directly,
/// suspend holds it), and a terminate request wakes it.
enum class ThreadState : uint32_t { kIdle, kRunningWasm, kInHost, kParked, kExited, kWaiting };

/// Bits of the state word above the {ThreadState} in its low byte.
enum StateFlags : uint32_t {
  kStateMask = 0xffu,
  kStateLocked = 1u << 8,  ///< A controller holds the owner in its state (a capture reading).
  kStateHeld = 1u << 9,    ///< Suspended while not running guest code: parks before running.
};

/// {RequestBits} polled at safepoints (function entry, loop back-edges, bulk-memory chunks).
enum RequestBits : uint32_t {
  kRequestTerminate = 1u << 0,
  kRequestSuspend = 1u << 1,
  kRequestCapture = 1u << 2,
  kRequestSample = 1u << 3,
};

/// Sizes of a context's fixed regions.
struct ContextLimits {
  uint32_t value_stack_slots = 1u << 20;  ///< 8 MiB of 8-byte slots.
  uint32_t max_frames = 1u << 16;         ///< Call depth before "call stack exhausted".
};

class ExecContext {
 public:
  explicit ExecContext(ContextLimits limits = {});
  ExecContext(const ExecContext&) = delete;
  ExecContext& operator=(const ExecContext&) = delete;

  uint64_t* stack_begin() const { return stack_.get(); }
  uint64_t* stack_end() const { return stack_.get() + limits_.value_stack_slots; }
  FrameRecord* frames() const { return frames_.get(); }
  uint32_t max_frames() const { return limits_.max_frames; }
  /// Process-unique, never reused: names the thread in dumps.
  uint32_t id() const { return id_; }

  /// Frees the value stack, frame records and capture buffer of a context whose thread has
  /// exited (state kExited, no frames), keeping the object: handles to it stay valid while a
  /// program starts and ends many threads. Takes {control}, so no controller is reading.
  void release_storage();

  /// Number of published frame records, set by {publish_depth} only after the records below
  /// it are fully written: a reader on this thread (a signal handler) sees a valid prefix
  /// through the compiler fence, one on another thread through the state protocol.
  std::atomic<uint32_t> depth{0};
  static_assert(std::atomic<uint32_t>::is_always_lock_free);

  /// {ThreadState} in the low byte plus {StateFlags}; see the protocol above.
  std::atomic<uint32_t> state_word{static_cast<uint32_t>(ThreadState::kIdle)};
  ThreadState state() const {
    return static_cast<ThreadState>(state_word.load(std::memory_order_acquire) & kStateMask);
  }

  /// {RequestBits} set by other threads; polled with a relaxed load at safepoints. Also the
  /// futex a parked owner sleeps on.
  std::atomic<uint32_t> requests{0};

  /// The innermost frame's position when it is newer than that record's {FrameRecord::pc}:
  /// the interpreter stores a loop's back-edge here at each iteration (next to {requests},
  /// which the same safepoint loads, so the store costs one instruction), and clears it (null)
  /// before publishing any change of {depth}, and at every stop (host call, wait, trap),
  /// where it writes the record's {pc} instead. Null: the record's {pc} is current. Only the
  /// owner writes it and only {answer_capture} (run by the owner, possibly in its signal
  /// handler) reads it, so relaxed order suffices. With WASMSCOPE_CAPTURE=0 it stays null.
  std::atomic<const uint64_t*> position{nullptr};

  /// The thread running guest code on this context, recorded at each outermost entry;
  /// meaningful while {state} is not kIdle.
  std::atomic<pthread_t> owner{};
  /// The same thread's kernel id (gettid), for per-thread timers (diag/profiler.h).
  std::atomic<pid_t> owner_tid{0};
  /// The host function the owner is calling while in kInHost (written before it enters that
  /// state, so a reader that sees kInHost sees it); stale in other states. What a profile
  /// attributes time in the host to.
  std::atomic<const Func*> host_func{nullptr};

  /// CLOCK_MONOTONIC nanoseconds of the last state change, and of the start of the current
  /// outermost call (entry from idle): what a watchdog measures hangs against.
  std::atomic<uint64_t> state_since_ns{0};
  std::atomic<uint64_t> call_start_ns{0};

  /// What the owner waits on while in {ThreadState::kWaiting}: the memory (its {MemoryData}),
  /// the byte address in it, and the absolute CLOCK_MONOTONIC deadline in nanoseconds (0: no
  /// deadline). Written before the owner enters that state (the state word's release orders
  /// them), so a reader that sees kWaiting sees them; stale in other states.
  std::atomic<const void*> wait_memory{nullptr};
  std::atomic<uint64_t> wait_address{0};
  std::atomic<uint64_t> wait_deadline_ns{0};
  /// The owner's waiter while in kWaiting. It stays alive while a controller holds the state
  /// lock (the owner cannot leave kWaiting meanwhile), which is how terminate cancels it.
  std::atomic<Waiter*> waiter{nullptr};

  /// Serializes controllers (capture, suspend, resume) of this context.
  std::mutex control;

  // The capture buffer. A controller opens request {seq} by storing it in {capture_open};
  // the owner (signal handler, safepoint, or while waiting for the state lock) claims it by
  // swapping {capture_open} from {seq} to 0 — at most one copy per request, and none once the
  // controller has closed it — copies its records here, sets {captured_depth}, then
  // {captured_seq} = {seq}, and posts.
  FrameRecord* capture_buffer() const { return capture_buffer_.get(); }
  std::atomic<uint32_t> capture_seq{0};     ///< The last request number handed out.
  std::atomic<uint32_t> capture_open{0};    ///< The request open for answering, 0: none.
  std::atomic<uint32_t> captured_seq{0};    ///< The request answered last.
  std::atomic<uint32_t> captured_depth{0};  ///< Full depth at the copy (more than copied if
                                            ///< it exceeded the buffer).
  std::atomic<bool> captured_in_handler{false};  ///< The copy was made in the signal handler.
  Semaphore capture_done;

  /// First free value-stack slot above the frames in use: where a nested (host -> guest)
  /// entry places its frame. Maintained by the interpreter around host calls.
  uint64_t* stack_top = nullptr;

  /// What compiled code reads of its thread (engine/native_abi.h).
  NativeThreadState native;

  /// Details of the last trap: where it happened (frames [trap_depth_base, trap_depth) were the
  /// guest stack at the time).
  uint32_t trap_depth = 0;
  /// A host function's trap message ({Trap::kHostTrap}).
  std::string trap_message;
  /// The exception of the last {Trap::kException} (uncaught by the guest frames it crossed):
  /// a host function that returns that trap throws it on into its guest caller.
  ExceptionObject* exception = nullptr;
  /// A trap in compiled code: the guest stack from the record at {native_trap_depth} up,
  /// walked before the jump to the landing pad unwound it (outermost first).
  std::vector<FrameRecord> native_trap_frames;
  uint32_t native_trap_depth = 0;
  /// An interpreted callee of compiled code trapped (ws_call_func): its frames, outermost
  /// first, which the trap raised in the compiled caller appends to {native_trap_frames}.
  std::vector<FrameRecord> nested_trap_frames;

 private:
  ContextLimits limits_;
  uint32_t id_;
  std::unique_ptr<uint64_t[]> stack_;
  std::unique_ptr<FrameRecord[]> frames_;
  std::unique_ptr<FrameRecord[]> capture_buffer_;
};

/// The context the calling thread runs guest code on, or null. Initial-exec TLS: safe to read
/// in a signal handler.
// async-signal-safe
ExecContext* current_context();

/// Makes {ctx} the calling thread's current context; returns the previous one (restore it
/// with another call when the outermost call on {ctx} returns).
ExecContext* set_current_context(ExecContext* ctx);

// ---- The owner's side ----

/// Publishes {depth} records on the owner's thread, the records below it already written: on
/// every guest call and return of the interpreter, and on every entry to and exit from
/// compiled code. Readers on this thread (the capture and profiling signal handlers) need only
/// the compiler fence; readers on other threads never read the records of a thread running
/// guest code, and see them through the state word's release and acquire once it has left
/// (transition()), so the store itself is relaxed: a release store is a barrier on ARM
/// (`stlr`; `dmb` then `str`) on every call and return (docs/stack-capture.md, "Barriers").
/// WASMSCOPE_BARRIER_AUDIT_FENCE puts a full fence in, only to show that
/// scripts/audit-barriers.sh catches one; without capture there is no reader to order for.
// async-signal-safe
inline void publish_depth(ExecContext* ctx, uint32_t depth) {
#if WASMSCOPE_CAPTURE && defined(WASMSCOPE_BARRIER_AUDIT_FENCE)
  std::atomic_thread_fence(std::memory_order_seq_cst);
#elif WASMSCOPE_CAPTURE
  std::atomic_signal_fence(std::memory_order_release);
#endif
  ctx->depth.store(depth, std::memory_order_relaxed);
}

/// Moves {ctx} from state {from} to {to}. Waits while a controller holds the state
/// (answering a capture request meanwhile); entering kRunningWasm while suspended parks first
/// (unless terminate is requested). Called only by the owner.
void transition(ExecContext* ctx, ThreadState from, ThreadState to);

/// Answers the requests seen at a safepoint: copies the records for a capture, parks for a
/// suspend, and returns kInterrupted for a terminate (clearing it). Called only by the owner,
/// with records [0, depth) describing where it is.
Trap service_requests(ExecContext* ctx);

/// Copies the owner's records into its capture buffer and posts {capture_done}, if a capture
/// request is pending. Called by the owner (at a safepoint, while waiting for a controller, or
/// in the signal handler: {in_handler}).
// async-signal-safe
void answer_capture(ExecContext* ctx, bool in_handler = false, const void* ucontext = nullptr);

/// Copies the records of the calling thread's own context {ctx} into {to} (room for {max}),
/// outermost first: all of them, or the innermost {max} when there are more. The innermost
/// record gets the owner's newest position (a loop's back-edge), as captures see it. Returns
/// the number copied and sets {*depth} to the full depth. For a signal handler interrupting
/// the owner (a sampling profiler): reads only what the owner publishes for such readers.
/// Compiled frames are expanded from their activation records (engine/code_map.h), from
/// the handler's {ucontext} when the owner was interrupted in compiled code.
// async-signal-safe
uint32_t copy_own_records(const ExecContext* ctx, FrameRecord* to, uint32_t max, uint32_t* depth,
                          const void* ucontext = nullptr);

/// The calling thread's kernel thread id, cached per thread.
// async-signal-safe (after the first call on a thread)
pid_t current_tid();

/// Runs memory.atomic.wait for the guest on {ctx}: moves it to kWaiting (the caller has
/// recorded the innermost frame's position), waits on ({memory}, {address}) while the
/// {width}-byte value at {cell} equals {expected}, for at most {timeout_ns} (negative: no
/// limit), and returns to kRunningWasm (parking first if suspended meanwhile). Returns the
/// spec's outcome, or kCancelled when a terminate request ended or prevented the wait (the
/// request stays set: the caller's next safepoint traps with "interrupted").
WaitOutcome wait_as_guest(ExecContext* ctx, const void* memory, uint64_t address,
                          const void* cell, uint64_t expected, uint32_t width,
                          int64_t timeout_ns);

// ---- Controllers (any other thread) ----

/// Asks the thread running on {ctx} to stop: it traps with "interrupted" at its next safepoint,
/// and a blocking host call it is in (WASI waits) or a memory.atomic.wait returns at once to
/// raise that trap. A pending
/// suspend is dropped so the thread can unwind. Takes {ctx->control}; the state is locked
/// while the signal is sent, so the owner cannot finish its call and exit meanwhile.
void request_terminate(ExecContext* ctx);

/// How a suspend ended.
enum class SuspendOutcome {
  kParked,     ///< Stopped at a safepoint.
  kInHost,     ///< Inside a host call, a memory.atomic.wait, or idle: its guest frames are
               ///< frozen; it parks if it tries to run guest code before {resume}.
  kTimedOut,   ///< Still running guest code at the deadline; the request was withdrawn.
};

/// Suspends the thread running on {ctx}: returns once it is parked or held in a host call,
/// or after {timeout_ns} (then nothing changed). The caller holds {ctx->control}.
SuspendOutcome suspend(ExecContext* ctx, uint64_t timeout_ns);

/// Undoes {suspend}: a parked thread continues, a held one may leave its host call. The
/// caller holds {ctx->control}.
void resume(ExecContext* ctx);

/// Locks the state word for a controller (sets {kStateLocked}): the owner cannot change state
/// until {unlock_state}. Returns the state at the time. The caller holds {ctx->control}.
ThreadState lock_state(ExecContext* ctx);
void unlock_state(ExecContext* ctx);

/// Chooses the runtime signal (default SIGRTMIN + 4), for hosts that use that one themselves.
/// Only before the runtime first needs it (its handler is installed by the first capture or
/// terminate); fails afterwards, or for a signal outside [SIGRTMIN, SIGRTMAX].
Result<void> choose_runtime_signal(int sig);

/// Installs the handler for {capture_signal()} once: it answers capture requests and otherwise
/// only interrupts the system call the thread is in. Idempotent and thread-safe.
void install_runtime_signal_handler();

}  // namespace wasmscope::internal
