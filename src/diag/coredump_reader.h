// Reading a coredump (see coredump.h) back into its parts. The bytes are untrusted: every
// count, index and offset is checked, and malformed input is an {Error}, never a crash.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "engine/instance_data.h"
#include "wasmscope/result.h"
#include "wasmscope/types.h"

namespace wasmscope::internal {

/// A local or stack value of a frame.
struct CoredumpValue {
  bool missing = true;            ///< Optimized out or not recorded (tag 0x01).
  ValType type = ValType::kI32;   ///< One of i32, i64, f32, f64 when not {missing}.
  uint64_t bits = 0;              ///< i32/f32 in the low 32 bits (zero-extended).
};

/// One stack frame.
struct CoredumpFrame {
  uint32_t instance = 0;     ///< Index into {Coredump::instances}.
  uint32_t func_index = 0;   ///< In the instance's module's function index space.
  uint32_t code_offset = 0;  ///< From the function body's local declarations (coredump.h).
  std::vector<CoredumpValue> locals;
  std::vector<CoredumpValue> stack;
};

/// One `corestack` section: a thread and its frames, youngest first.
struct CoredumpThread {
  std::string name;
  std::vector<CoredumpFrame> frames;
};

/// One `coreinstances` entry.
struct CoredumpInstance {
  uint32_t module = 0;             ///< Index into {Coredump::modules}.
  std::vector<uint32_t> memories;  ///< Indices into {Coredump::memories}, in instance order.
  std::vector<uint32_t> globals;   ///< Indices into {Coredump::globals}, in instance order.
};

/// A memory of the image. Bytes past {bytes} (up to {size}) were not recorded: they are zero.
struct CoredumpMemory {
  Limits limits;
  uint64_t size = 0;           ///< {limits.min} pages, in bytes.
  std::vector<uint8_t> bytes;  ///< Reassembled from the data segments, up to the last one's end.
  uint32_t segments = 0;       ///< How many data segments filled it.

  /// The byte at {offset} (zero where nothing was recorded or beyond {size}).
  uint8_t at(uint64_t offset) const { return offset < bytes.size() ? bytes[offset] : 0; }
};

/// A global of the image; references read back as null.
struct CoredumpGlobal {
  ValType type = ValType::kI32;
  Slot value[2] = {0, 0};  ///< As {GlobalData::value}: v128 in both, i32/f32 zero-extended.
};

/// A parsed coredump.
struct Coredump {
  std::string executable;
  std::vector<std::string> modules;
  std::vector<CoredumpInstance> instances;
  std::vector<CoredumpThread> threads;
  std::vector<CoredumpMemory> memories;
  std::vector<CoredumpGlobal> globals;
};

/// Bounds on what {read_coredump} allocates for untrusted input.
struct CoredumpReadLimits {
  uint64_t max_memory_bytes = uint64_t{1} << 30;  ///< Total reassembled memory bytes.
};

/// Parses {bytes}. Requires the `core` section; `coremodules`, `coreinstances` and the memory,
/// global and data sections may be absent (empty) but appear at most once. Other sections are
/// skipped. Indices between the parts are checked. Errors are {ErrorKind::kMalformed} with the
/// byte offset, or {ErrorKind::kUnsupported} when a memory image exceeds {limits}.
Result<Coredump> read_coredump(std::span<const uint8_t> bytes, const CoredumpReadLimits& limits = {});

}  // namespace wasmscope::internal
