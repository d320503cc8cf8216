// Decodes one instruction at a time from a code range: opcode and immediates, with the binary
// format's malformedness checks. The decoder, validator and disassembler all read code through
// this one class.
#pragma once

#include <cstdint>
#include <vector>

#include "wasmscope/result.h"
#include "wasmscope/features.h"
#include "spec/opcodes.h"
#include "wasmscope/types.h"

namespace wasmscope::internal {

/// A block type: empty, one value type, or a type index.
struct BlockType {
  enum class Kind : uint8_t { kEmpty, kValType, kTypeIndex };
  Kind kind = Kind::kEmpty;
  ValType type = ValType::kI32;  ///< kValType.
  uint32_t index = 0;            ///< kTypeIndex.
};

struct MemArg {
  uint32_t align_log2 = 0;
  uint32_t offset = 0;
  /// The memory (multi-memory): of the access, of memory.size/grow/fill/init, memory.copy's
  /// destination (its source is {Instr::index2}). Always 0 without multi-memory.
  uint32_t memory = 0;
};

/// One decoded instruction. Which fields are meaningful follows {op_info(op).imm}.
struct Instr {
  Op op = Op::kCount;
  uint32_t offset = 0;  ///< Byte offset of the opcode (its prefix byte, if any) in the module.

  uint32_t index = 0;   ///< Label depth, function, type, local, global, table, elem or data index.
  uint32_t index2 = 0;  ///< Second index: call_indirect table, table.init/copy table, memory.init.
  BlockType block;
  MemArg mem;
  uint8_t lane = 0;
  int32_t i32 = 0;
  int64_t i64 = 0;
  uint32_t f32_bits = 0;
  uint64_t f64_bits = 0;
  uint8_t v128[16] = {};           ///< v128.const bytes or i8x16.shuffle lanes.
  ValType type = ValType::kI32;    ///< ref.null type.
  std::vector<uint32_t> targets;   ///< br_table labels; the default is {index}.
  std::vector<ValType> types;      ///< select t: the type vector as written.
};

/// The memory {in} uses (multi-memory): {MemArg::memory} for loads, stores and the memory
/// instructions (memory.copy's destination), 0 for every other instruction, whose {mem} is
/// left over from an earlier one.
inline uint32_t memory_of(const Instr& in) {
  switch (op_info(in.op).imm) {
    case ImmKind::kMemArg:
    case ImmKind::kMemArgLane:
    case ImmKind::kMemory:
    case ImmKind::kMemoryFill:
    case ImmKind::kMemoryInit:
    case ImmKind::kMemoryCopy:
      return in.mem.memory;
    default:
      return 0;
  }
}

/// Reads instructions from [{begin}, {end}) of {module_bytes}. Unknown opcodes and opcodes of
/// features not in {features} are reported as malformed ("illegal opcode").
class InstrReader {
 public:
  InstrReader(const uint8_t* module_bytes, uint32_t begin, uint32_t end, Features features)
      : base_(module_bytes), pos_(begin), end_(end), features_(features) {}

  bool at_end() const { return pos_ >= end_; }
  uint32_t pos() const { return pos_; }

  /// Decodes the next instruction into {out} (reusing its vectors' storage).
  Result<void> next(Instr* out);

 private:
  Result<void> read_u32(uint32_t* out);
  Result<void> read_byte(uint8_t* out);
  Result<void> read_zero_byte();
  Result<void> read_immediates(Instr* out);
  /// Alignment flags (bit 6: a memory index follows, with multi-memory), index, offset.
  Result<void> read_memarg(MemArg* out);
  /// A memory index with multi-memory; without it, the 0x00 byte of WebAssembly 2.0.
  Result<void> read_memory_index(uint32_t* out);

  const uint8_t* base_;
  uint32_t pos_;
  uint32_t end_;
  Features features_;
};

}  // namespace wasmscope::internal
