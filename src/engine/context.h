// The per-thread execution context ("exec env"): value stack, frame records, state and request
// words. Private to the implementation: embedders only ever see opaque handles, so fields can
// be added without breaking the public ABI.
#pragma once

#include <pthread.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "engine/trap.h"

namespace wasmscope::internal {

struct Func;
struct InstanceData;

/// One executing guest function. Records [0, depth) of a context describe its guest call stack,
/// outermost first. {pc} is the internal code position: for callers, the instruction after the
/// call; for the innermost frame, its entry or last safepoint or call (a later issue's capture
/// maps it to a wasm code offset through the function's side table).
struct FrameRecord {
  const Func* func;
  const uint64_t* pc;
  uint64_t* fp;
};

/// Thread states, per DESIGN.md ("States and safepoints").
enum class ThreadState : uint32_t { kIdle, kRunningWasm, kInHost, kParked, kExited };

/// Request bits polled at safepoints (function entry, loop back-edges).
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

  /// Number of published frame records. Raised only after the new record is fully written
  /// (release order plus a signal fence), so a reader that acquires it, on this thread in a
  /// signal handler or elsewhere through the state protocol, sees a valid prefix.
  std::atomic<uint32_t> depth{0};
  static_assert(std::atomic<uint32_t>::is_always_lock_free);

  std::atomic<ThreadState> state{ThreadState::kIdle};
  static_assert(std::atomic<ThreadState>::is_always_lock_free);

  /// {RequestBits} set by other threads; polled with a relaxed load at safepoints.
  std::atomic<uint32_t> requests{0};

  /// The thread running guest code on this context, recorded at each outermost entry; meaningful
  /// while {state} is not kIdle.
  std::atomic<pthread_t> owner{};

  /// First free value-stack slot above the frames in use: where a nested (host -> guest)
  /// entry places its frame. Maintained by the interpreter around host calls.
  uint64_t* stack_top = nullptr;

  /// Details of the last trap: where it happened (frames [trap_depth_base, trap_depth) were the
  /// guest stack at the time).
  uint32_t trap_depth = 0;
  /// A host function's trap message ({Trap::kHostTrap}).
  std::string trap_message;

 private:
  ContextLimits limits_;
  std::unique_ptr<uint64_t[]> stack_;
  std::unique_ptr<FrameRecord[]> frames_;
};

/// Asks the thread running on {ctx} to stop: it traps with "interrupted" at its next safepoint,
/// and a blocking host call it is in (WASI waits) returns at once to raise that trap. The
/// request's signal wakes such calls; the thread must be alive while {ctx} is not kIdle.
void request_terminate(ExecContext* ctx);

/// Installs the handler for {capture_signal()} once, so that signals the runtime sends to its
/// guest threads only interrupt blocking calls. Idempotent and thread-safe.
void install_runtime_signal_handler();

}  // namespace wasmscope::internal
