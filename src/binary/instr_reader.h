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

struct Module;

/// A block type: empty, one value type, or a type index.
struct BlockType {
  enum class Kind : uint8_t { kEmpty, kValType, kTypeIndex };
  Kind kind = Kind::kEmpty;
  ValType type = ValType::kI32;  ///< kValType.
  uint32_t index = 0;            ///< kTypeIndex.
};

struct MemArg {
  uint32_t align_log2 = 0;
  /// A u64 with memory64 (then the validator bounds it for 32-bit memories), else a u32.
  uint64_t offset = 0;
  /// The memory (multi-memory): of the access, of memory.size/grow/fill/init, memory.copy's
  /// destination (its source is {Instr::index2}). Always 0 without multi-memory.
  uint32_t memory = 0;
};

/// One catch clause of a try_table (exception handling); the kinds are the binary encodings.
struct CatchClause {
  enum class Kind : uint8_t { kCatch = 0, kCatchRef = 1, kCatchAll = 2, kCatchAllRef = 3 };
  Kind kind = Kind::kCatch;
  uint32_t tag = 0;    ///< kCatch and kCatchRef.
  uint32_t label = 0;  ///< Depth, counted from outside the try_table.
  bool has_tag() const { return kind == Kind::kCatch || kind == Kind::kCatchRef; }
  bool with_ref() const { return kind == Kind::kCatchRef || kind == Kind::kCatchAllRef; }
};

/// One decoded instruction. Which fields are meaningful follows {op_info(op).imm}.
struct Instr {
  Op op = Op::kCount;
  uint32_t offset = 0;  ///< Byte offset of the opcode (its prefix byte, if any) in the module.

  uint32_t index = 0;   ///< Label depth, function, type, local, global, table, elem, data or tag
                        ///< index.
  uint32_t index2 = 0;  ///< Second index: call_indirect table, table.init/copy table, memory.init.
  BlockType block;
  MemArg mem;
  uint8_t lane = 0;
  int32_t i32 = 0;
  int64_t i64 = 0;
  uint32_t f32_bits = 0;
  uint64_t f64_bits = 0;
  uint8_t v128[16] = {};           ///< v128.const bytes or i8x16.shuffle lanes.
  ValType type = ValType::kI32;    ///< ref.null: the nullable reference type it makes.
  std::vector<uint32_t> targets;   ///< br_table labels; the default is {index}.
  std::vector<ValType> types;      ///< select t: the type vector as written.
  std::vector<CatchClause> catches;  ///< try_table's clauses, in order.
};

/// True for the instructions that open a block: block, loop, if, try, try_table.
inline bool opens_block(Op op) {
  return op == Op::Block || op == Op::Loop || op == Op::If || op == Op::Try || op == Op::TryTable;
}
/// True for the instructions that close one: end, and legacy exception handling's delegate.
inline bool closes_block(Op op) { return op == Op::End || op == Op::Delegate; }

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

/// memory64: which memories and tables of a module (imports first) are indexed by i64.
struct AddressTypes {
  std::vector<uint8_t> memory64;
  std::vector<uint8_t> table64;
  bool any = false;  ///< Some memory or table is: only then do engines look at instructions.
};
AddressTypes address_types(const Module& module);

/// How an engine runs {in} on i64 addresses with its 32-bit machinery (docs/architecture.md,
/// "Memory64"). Every i64 address, index or size operand is first narrowed: clamped to
/// {kNarrowed64Limit}, which is above any memory or table size wasmscope allows for a 64-bit
/// one, so a value that does not fit still fails its bounds check, and for accesses the
/// memarg offset is added first (saturating) and the access then runs with offset 0. An i32
/// result that the instruction returns as i64 (size, grow) is widened after it.
struct Narrow64 {
  uint8_t operands = 0;  ///< Bit k: the k-th operand from the top of the stack is narrowed.
  bool fold_offset = false;  ///< The narrowed operand (an access's address) takes the offset.
  enum class Widen : uint8_t { kNone, kZeroExtend, kSignExtend } widen = Widen::kNone;
  bool empty() const { return operands == 0 && widen == Widen::kNone; }
};
inline constexpr uint64_t kNarrowed64Limit = 0xfffffff0;
/// At most this many pages in a 64-bit memory: below {kNarrowed64Limit}.
inline constexpr uint64_t kMaxMemory64Pages = 65535;
Narrow64 narrow64_of(const Instr& in, const AddressTypes& types);
/// The narrowing itself, for engines that compute it at run time.
inline uint64_t narrow64(uint64_t value, uint64_t offset) {
  uint64_t ea = value + offset;
  if (ea < value) ea = UINT64_MAX;
  return ea > kNarrowed64Limit ? kNarrowed64Limit : ea;
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
  Result<void> read_valtype(ValType* out);
  Result<void> read_u32(uint32_t* out);
  Result<void> read_u64(uint64_t* out);
  Result<void> read_byte(uint8_t* out);
  Result<void> read_zero_byte();
  Result<void> read_immediates(Instr* out);
  Result<void> read_block_type(BlockType* out);
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
