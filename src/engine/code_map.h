// Where compiled code is, and which wasm instruction each native address came from: the code
// maps of the compiled tier (DESIGN.md, "The compiled tier"), and the frame-pointer walk that
// turns a run of compiled frames into frame records.
//
// Compiled frames are not recorded as they run. An entry into compiled code pushes one
// *activation record* instead: a {FrameRecord} with {pc} null whose {fp} points to a
// {NativeActivation}. A capture expands it ({expand_records}) by walking the native
// frame-pointer chain: from the signal context when the thread runs compiled code, or from
// the activation's exit record when it left compiled code for a host call. Expanded frames are
// {FrameRecord}s with {fp} null and {pc} the native address (the return address, for callers).
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include "engine/context.h"
#include "engine/instance_data.h"

namespace wasmscope::internal {

struct CompiledModule;
struct TrapLandingPad;

/// One entry of compiled code into the frames of a thread: where it left for the host, if it
/// did (the frame pointer and return address of the compiled caller; 0 while compiled code
/// runs). Written by the owner before it changes state, read by captures under the state
/// protocol or in the owner's own signal handler.
/// Aligned like a {Slot}: a frame record holds its address in its {Slot*} field (32-bit hosts).
struct alignas(sizeof(uint64_t)) NativeActivation {
  std::atomic<uintptr_t> exit_fp{0};
  std::atomic<uintptr_t> exit_pc{0};
  /// Set when the exit record is an interrupted instruction (parked in the signal handler), not
  /// a call: the function may be in its prologue or epilogue, so the walk needs {exit_sp}.
  std::atomic<uintptr_t> exit_sp{0};
  /// With {exit_exact}, the link register (AArch64, ARM): the return address while the
  /// function is in its prologue or epilogue.
  std::atomic<uintptr_t> exit_lr{0};
  std::atomic<bool> exit_exact{false};
  NativeActivation* previous = nullptr;
  uint32_t record_index = 0;  ///< Where its activation record is in the thread's records.
};

/// True for an activation record (see above).
inline bool is_activation(const FrameRecord& r) { return r.pc == nullptr && r.fp != nullptr; }
/// True for an expanded compiled frame: its {pc} is a native address. (A function with native
/// code always runs it, even called from the interpreter, so its frames are always native;
/// records rebuilt from public frames carry no {fp}, so that cannot be the mark.)
/// (A function of a compiled instance that the interpreter runs, exception handling's, has
/// only interpreted frames in stacks: its native body is left out, code_map.cc {walk}.)
inline bool is_native_frame(const FrameRecord& r) {
  return r.pc != nullptr && r.func != nullptr && r.func->native_entry != nullptr &&
         !r.func->native_interprets;
}

/// A compiled module's code: one range per defined function and the wasm code offset of each
/// native instruction (from the line table LLVM wrote). Immutable once registered.
struct CodeMap {
  struct Range {
    uintptr_t begin;
    uintptr_t end;
    uint32_t defined_index;  ///< Index among the module's defined functions.
  };
  /// 8 bytes, not 16: SQLite's map has 200,000 lines. The code of one map spans under
  /// 2 GiB (engine/object_loader.cc), so an offset from {base} fits 32 bits.
  struct Line {
    uint32_t offset;  ///< Of the native instruction, from {base}.
    uint32_t wasm_offset;
  };
  /// Where a function's frame is not set up (x86-64): the canonical frame address is the
  /// stack pointer plus {cfa_offset}, the return address just below it, the caller's frame
  /// pointer at {fp_offset} from it or, if that is 0, still in its register. {cfa_offset} 0:
  /// the walk cannot go on from there. (compiler/native_code.h, CodeLayout::SpFrame.)
  struct SpFrame {
    uintptr_t begin;
    uintptr_t end;
    uint32_t cfa_offset;
    int32_t fp_offset;
  };
  const CompiledModule* module = nullptr;
  std::vector<Range> ranges;       ///< Sorted by {begin}, disjoint.
  uintptr_t base = 0;              ///< The lowest address of the code: where {lines} count from.
  std::vector<Line> lines;         ///< Sorted by {offset}.
  /// Sorted by {begin}, disjoint; x86-64 only, where they cover every address at which a
  /// frame is not set up.
  std::vector<SpFrame> sp_frames;

  /// The wasm code offset for native address {pc} (the closest preceding line), or 0.
  uint32_t wasm_offset(uintptr_t pc) const;
};

/// Makes {map} visible to captures / removes it (before its code is freed). Not for signal
/// handlers; removal waits until no capture can still be reading it.
void register_code_map(const CodeMap* map);
void unregister_code_map(const CodeMap* map);

/// The code map holding {pc} in one of its functions and that function's range, or null.
/// For use outside signal handlers (symbolizing).
const CodeMap* find_code_map(uintptr_t pc, const CodeMap::Range** range);

/// Registers of an interrupted thread (from its signal context).
struct NativeRegs {
  uintptr_t pc = 0;
  uintptr_t fp = 0;
  uintptr_t sp = 0;
  /// The link register where there is one (AArch64 x30, ARM lr): the return address while the
  /// function is in its prologue or epilogue, whose frame record is not (or no longer) set up.
  uintptr_t lr = 0;
  /// {pc} is an interrupted instruction (a signal context), not a return address: the function
  /// may be in its prologue or epilogue.
  bool exact = true;
};

/// Reads {NativeRegs} from a signal handler's {ucontext}.
// async-signal-safe
NativeRegs regs_from_ucontext(const void* ucontext);

/// Copies {records}[0, depth) into {out} (room for {max}) with each activation record
/// replaced by the compiled frames it stands for, outermost first; keeps the innermost {max}
/// when there are more. {top} (may be null) are the registers of the owner interrupted in
/// compiled code, for the innermost activation. Returns the number copied and sets {*total}
/// to the full expanded depth.
// async-signal-safe
uint32_t expand_records(const FrameRecord* records, uint32_t depth, const NativeRegs* top,
                        FrameRecord* out, uint32_t max, uint32_t* total);

/// In the runtime signal's handler on a thread with compiled code on its stack: when it was
/// interrupted in compiled code, parks there for a suspend request (its frames published in
/// the activation's exit record meanwhile) and, for a terminate request, walks its frames
/// and jumps to the landing pad with trap "interrupted".
// async-signal-safe
void service_native_requests(ExecContext* ctx, const void* ucontext);

/// The fault handler's hook ({set_fault_trap_hook}, set by {register_code_map}): a guard-page
/// fault in compiled code is an out-of-bounds trap whose frames must be walked before the
/// jump unwinds them, from the faulting instruction itself (exact). A fault in the
/// interpreter leaves its records in place.
// async-signal-safe
void on_guarded_fault(TrapLandingPad* pad, const void* ucontext);

/// {expand_records} of a thread whose frames are frozen (held in a host call, parked,
/// waiting), into a vector. Not for signal handlers.
std::vector<FrameRecord> expand_frozen(const FrameRecord* records, uint32_t depth);

/// The wasm code offset of expanded compiled frame {r} ({is_native_frame}), or 0.
uint32_t native_wasm_offset(const FrameRecord& r);

/// True when some record of [0, depth) is an activation record.
inline bool has_activation(const FrameRecord* records, uint32_t depth) {
  for (uint32_t i = 0; i < depth; ++i) {
    if (is_activation(records[i])) return true;
  }
  return false;
}

}  // namespace wasmscope::internal
