// Live stack capture: the guest call stack of any thread, whatever it is doing, without
// stopping the program (DESIGN.md "States and safepoints"; docs/stack-capture.md).
#pragma once

#include <cstdint>

#include "engine/context.h"

namespace wasmscope::internal {

/// How a capture obtained the frames.
enum class CaptureMethod : uint8_t {
  kIdle,       ///< The thread was not running guest code: no frames.
  kInHost,     ///< Read directly: the thread was inside a host call or a memory.atomic.wait
               ///< (frames frozen; {CaptureInfo::state} tells which).
  kParked,     ///< Read directly: the thread was parked by a suspend.
  kSignal,     ///< The thread copied its own records in the capture signal's handler.
  kSafepoint,  ///< The thread copied its records at its next safepoint.
};

/// What {capture_stack} did.
struct CaptureInfo {
  CaptureMethod method = CaptureMethod::kIdle;
  ThreadState state = ThreadState::kIdle;  ///< The thread's state during the capture.
  uint32_t depth = 0;       ///< Guest frames the thread had.
  uint32_t copied = 0;      ///< Frames written to the output.
  bool truncated = false;   ///< {copied} < {depth} - {skip}.
  bool timed_out = false;   ///< No answer before the deadline: nothing was copied.
  /// For {state} kWaiting: what the thread waits on (the {MemoryData}, the byte address in
  /// it, the absolute CLOCK_MONOTONIC deadline in ns, 0 for none), read under the state lock.
  const void* wait_memory = nullptr;
  uint64_t wait_address = 0;
  uint64_t wait_deadline_ns = 0;
};

/// Options of one capture.
struct CaptureOptions {
  uint64_t timeout_ns = 1'000'000'000;  ///< The longest it may take. Never waits forever.
  bool use_signal = true;  ///< For a running thread: signal it (else wait for a safepoint).
};

/// Copies the guest stack of the thread running on {ctx} into {out} (room for {max} records),
/// innermost frame first, leaving out the {skip} innermost. Callers' positions are already
/// moved into their call instruction ({call_position}), so each record symbolizes as is. Safe from any thread other than
/// the owner, concurrently with anything the owner does; captures of one context are
/// serialized. Records stay valid as long as the store that owns their functions.
CaptureInfo capture_stack(ExecContext* ctx, FrameRecord* out, uint32_t max, uint32_t skip,
                          const CaptureOptions& options = {});

}  // namespace wasmscope::internal
