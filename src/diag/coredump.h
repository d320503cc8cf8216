// Writing WebAssembly coredumps (tool-conventions "Coredump.md"): a wasm module whose custom
// sections `core`, `coremodules`, `coreinstances` and `corestack` describe the process, its
// modules and instances and the crashing thread's frames, and whose memory, data and global
// sections hold the process image.
//
// Encoding choices where the document leaves them open:
// - A frame's {codeoffset} ("the instruction's offset relative to the function's start") is
//   counted from the first byte of the function's body entry after its size field, i.e. from
//   its local declarations, as {SymbolizedFrame::code_offset}. Callers are named at their call
//   instruction, the innermost frame at the trapping instruction.
// - Frames are listed youngest first, as the document requires.
// - Values: i32/i64 in signed LEB128 (the binary format's encoding of {i32}/{i64}), f32/f64 as
//   their IEEE bits, little-endian (the format's {f32}/{f64}). v128 and reference locals have
//   no encoding in the document and are written as missing (0x01).
// - Memories: one memory-section entry per distinct memory, minimum = current pages, the
//   declared maximum kept; data as active segments at i32.const offsets, one per run of
//   64 KiB pages that are not all zero (pages not covered are zero).
// - Globals: immutable globals whose init expression is the value's constant; references are
//   written as ref.null of their type (a host address means nothing in a dump).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/context.h"
#include "engine/instance_data.h"
#include "wasmscope/result.h"

namespace wasmscope::internal::coredump {

inline constexpr uint8_t kMagicAndVersion[8] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};

enum SectionId : uint8_t {
  kCustomSection = 0,
  kMemorySection = 5,
  kGlobalSection = 6,
  kDataSection = 11,
};

enum ValueTag : uint8_t {
  kMissing = 0x01,
  kI32 = 0x7f,
  kI64 = 0x7e,
  kF32 = 0x7d,
  kF64 = 0x7c,
};

enum ConstOpcode : uint8_t {
  kI32Const = 0x41,
  kI64Const = 0x42,
  kF32Const = 0x43,
  kF64Const = 0x44,
  kRefNull = 0xd0,
  kSimdPrefix = 0xfd,
  kV128ConstOp = 0x0c,
  kEnd = 0x0b,
};

inline constexpr uint64_t kPageBytes = 65536;

}  // namespace wasmscope::internal::coredump

namespace wasmscope::internal {

/// An instance to include in a dump and the name its module is known by.
struct CoredumpInstanceInput {
  const InstanceData* instance = nullptr;
  std::string module_name;  ///< A path, URL or other identifier for the instance's module.
};

/// What {write_coredump} records.
struct CoredumpInput {
  std::string executable;  ///< The `core` section's executable name.
  /// Instances in the dump's instance order. Instances that frames run in but that are not
  /// listed are appended, named by their module's name section (else "").
  std::vector<CoredumpInstanceInput> instances;
  /// The crashing thread's frames, outermost first (as {InvokeOutcome::frames} holds them).
  /// Their {fp}s must still point at live value-stack slots when {record_locals} is set:
  /// write the dump before the context runs guest code again.
  std::vector<FrameRecord> frames;
  std::string thread_name;
  /// More threads, each written as a `corestack` section of its own after the first
  /// ({frames}, {thread_name}); their frames as {frames}.
  struct Thread {
    std::string name;
    std::vector<FrameRecord> frames;
  };
  std::vector<Thread> other_threads;
  bool record_locals = true;  ///< Else every frame's locals are left out (an empty vector).
};

/// Encodes {input} as a coredump. Host frames are left out (the format has no way to name
/// them). Fails ({ErrorKind::kUnsupported}) only when the image does not fit the binary
/// format's 32-bit sizes.
Result<std::vector<uint8_t>> write_coredump(const CoredumpInput& input);

/// Encodes a coredump of the thread running on {ctx} while the program runs (on demand, as
/// `wasmscope stack --coredump` asks): suspends it for at most {suspend_timeout_ns}, takes its
/// frames straight from its records (parked at a safepoint or held in a host call, they and
/// the slots their {fp}s point at stay put), encodes {input} with them in place of
/// {input.frames}, and resumes the thread on every path. An idle or exited thread gives a dump
/// with no frames (the instances, memories and globals are still there). Fails with
/// {ErrorKind::kTimeout} when the thread reached no safepoint in time (nothing was changed),
/// else only as {write_coredump}. Takes {ctx->control} meanwhile, so other controllers
/// (captures, a terminate) wait for it. Call it from a thread other than {ctx}'s owner.
///
/// Memories are read while the thread is stopped; a host call it is held in (a blocking read
/// into guest memory) may still write them, so such bytes may be torn.
Result<std::vector<uint8_t>> write_live_coredump(ExecContext* ctx, CoredumpInput input,
                                                 uint64_t suspend_timeout_ns);

/// A thread of a program for {write_live_program_coredump}.
struct LiveThread {
  ExecContext* ctx = nullptr;
  std::string name;
};

/// {write_live_coredump} for a whole program: suspends every thread of {threads} together
/// ({suspend_together}: all within {suspend_timeout_ns}; if one does not stop, the others are
/// resumed and it fails with {ErrorKind::kTimeout}), so the memories and every stack are one
/// consistent snapshot, then writes one `corestack` per thread (the first thread's in
/// {input.frames}/{input.thread_name}) and resumes the threads it suspended (one suspended
/// before, e.g. by {ThreadRegistry::suspend_all}, stays so). Exited threads are left out.
/// Takes each thread's {control}, in context-id order ({ControlLocks}).
Result<std::vector<uint8_t>> write_live_program_coredump(const std::vector<LiveThread>& threads,
                                                         CoredumpInput input,
                                                         uint64_t suspend_timeout_ns);

}  // namespace wasmscope::internal
