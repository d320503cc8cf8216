// The opcode table: one row per instruction, generated from {opcodes.def}.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "wasmscope/features.h"

namespace wasmscope::internal {

/// How an instruction's immediates are encoded after its opcode.
enum class ImmKind : uint8_t {
  kNone,
  kBlockType,     ///< block, loop, if: 0x40 | valtype | s33 type index.
  kLabel,         ///< br, br_if: u32 label depth.
  kBrTable,       ///< vec(u32 label) then u32 default label.
  kFunc,          ///< call, return_call, ref.func: u32 function index.
  kCallIndirect,  ///< u32 type index then u32 table index.
  kLocal,         ///< u32 local index.
  kGlobal,        ///< u32 global index.
  kTable,         ///< u32 table index.
  kElem,          ///< elem.drop: u32 element segment index.
  kData,          ///< data.drop: u32 data segment index.
  kMemArg,        ///< u32 alignment (log2) then u32 offset.
  kMemory,        ///< memory.size, memory.grow: one 0x00 byte.
  kI32,           ///< s32.
  kI64,           ///< s64.
  kF32,           ///< 4 bytes little-endian.
  kF64,           ///< 8 bytes little-endian.
  kV128,          ///< 16 bytes.
  kSelectT,       ///< vec(valtype).
  kRefNull,       ///< reference type byte.
  kMemoryInit,    ///< u32 data index then a 0x00 byte.
  kMemoryCopy,    ///< two 0x00 bytes.
  kMemoryFill,    ///< one 0x00 byte.
  kTableInit,     ///< u32 element index then u32 table index.
  kTableCopy,     ///< u32 destination table then u32 source table.
  kLane,          ///< one byte lane index.
  kMemArgLane,    ///< memarg then one byte lane index.
  kShuffle,       ///< 16 lane-index bytes.
  kAtomicFence,   ///< one 0x00 byte.
  kTag,           ///< throw, catch: u32 tag index.
  kTryTable,      ///< try_table: block type, then vec(catch clause).
  kType,          ///< call_ref, return_call_ref: u32 type index.
};

/// Instruction names as C++ enumerators, in table order.
enum class Op : uint16_t {
#define WASM_OP(prefix, code, name, text, imm, params, results, feature, arg) name,
#include "spec/opcodes.def"
#undef WASM_OP
  kCount,
};
inline constexpr unsigned kOpCount = static_cast<unsigned>(Op::kCount);

/// One row of the table.
struct OpInfo {
  uint8_t prefix;           ///< 0 for one-byte opcodes, else 0xfc / 0xfd / 0xfe.
  uint32_t code;            ///< The opcode byte, or the u32 after the prefix.
  std::string_view text;    ///< The text-format mnemonic, "i32.add".
  ImmKind imm;
  /// Operand and result types, one letter each: i=i32 l=i64 f=f32 d=f64 v=v128; "*" means the
  /// validator types the instruction by hand (control, locals, calls, select, references...).
  std::string_view params;
  std::string_view results;
  Feature feature;
  /// Memory ops: access size in bytes. Lane ops ({kLane}): lane count. Otherwise 0.
  uint8_t arg;
};

namespace opcodes_internal {
/// A row as stored: the strings are offsets into {kText}. The table holds no pointer, so the
/// dynamic loader has nothing to relocate in it: it stays read-only data that the kernel maps
/// when it is first read, instead of ten pages written (and so copied) before `main` in every
/// process, which cost a tenth of a millisecond of a hello world's start-up on a host where a
/// page fault costs 10-15 us.
struct Row {
  uint32_t code;
  uint16_t text;  ///< Offset of the mnemonic in {kText}; its params and results follow it.
  uint8_t text_size;
  uint8_t prefix;
  ImmKind imm;
  uint8_t params_size;
  uint8_t results_size;
  uint8_t arg;
  Feature feature;
};
extern const std::array<Row, kOpCount> kRows;
extern const char kText[];
}  // namespace opcodes_internal

/// The row for {op}.
inline OpInfo op_info(Op op) {
  const opcodes_internal::Row& row = opcodes_internal::kRows[static_cast<unsigned>(op)];
  const char* text = opcodes_internal::kText + row.text;
  const char* params = text + row.text_size;
  const char* results = params + row.params_size;
  return OpInfo{row.prefix,
                row.code,
                {text, row.text_size},
                row.imm,
                {params, row.params_size},
                {results, row.results_size},
                row.feature,
                row.arg};
}
/// True when the signature columns of {op} fully describe its typing.
inline bool has_fixed_signature(const OpInfo& info) { return info.params != "*"; }

/// Looks up an opcode by prefix byte (0 for none) and code; false if no such instruction.
bool find_op(uint8_t prefix, uint32_t code, Op* out);
/// Looks up an opcode by its text-format mnemonic; false if unknown.
bool find_op_by_text(std::string_view text, Op* out);

}  // namespace wasmscope::internal
