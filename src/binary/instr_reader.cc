#include "binary/instr_reader.h"

#include <cstring>

#include "base/leb128.h"
#include "binary/byte_reader.h"
#include "binary/module.h"

namespace wasmscope::internal {

AddressTypes address_types(const Module& module) {
  AddressTypes out;
  for (const Import& imp : module.imports) {
    if (imp.kind == ExternKind::kMemory) out.memory64.push_back(imp.memory.limits.is64);
    if (imp.kind == ExternKind::kTable) out.table64.push_back(imp.table.limits.is64);
  }
  for (const MemoryType& m : module.memories) out.memory64.push_back(m.limits.is64);
  for (const TableType& t : module.tables) out.table64.push_back(t.limits.is64);
  for (uint8_t b : out.memory64) out.any |= b != 0;
  for (uint8_t b : out.table64) out.any |= b != 0;
  return out;
}

Narrow64 narrow64_of(const Instr& in, const AddressTypes& types) {
  Narrow64 out;
  if (!types.any) return out;
  auto mem64 = [&](uint32_t i) { return i < types.memory64.size() && types.memory64[i] != 0; };
  auto tab64 = [&](uint32_t i) { return i < types.table64.size() && types.table64[i] != 0; };
  const OpInfo& info = op_info(in.op);
  using W = Narrow64::Widen;
  switch (info.imm) {
    case ImmKind::kMemArg:
    case ImmKind::kMemArgLane:
      if (mem64(in.mem.memory) && !info.params.empty()) {
        out.operands = static_cast<uint8_t>(1u << (info.params.size() - 1));
        out.fold_offset = true;
      }
      return out;
    case ImmKind::kMemory:
      if (!mem64(in.mem.memory)) return out;
      if (in.op == Op::MemoryGrow) {
        out.operands = 1;
        out.widen = W::kSignExtend;
      } else {
        out.widen = W::kZeroExtend;
      }
      return out;
    case ImmKind::kMemoryFill:
      if (mem64(in.mem.memory)) out.operands = 0b101;
      return out;
    case ImmKind::kMemoryInit:
      if (mem64(in.mem.memory)) out.operands = 0b100;
      return out;
    case ImmKind::kMemoryCopy: {  // d (destination), s (source), n (64-bit if both are)
      const bool d = mem64(in.mem.memory), s = mem64(in.index2);
      out.operands = static_cast<uint8_t>((d ? 0b100 : 0) | (s ? 0b010 : 0) | (d && s ? 1 : 0));
      return out;
    }
    default:
      break;
  }
  switch (in.op) {
    case Op::CallIndirect:
    case Op::ReturnCallIndirect:
      if (tab64(in.index2)) out.operands = 1;
      return out;
    case Op::TableGet:
      if (tab64(in.index)) out.operands = 1;
      return out;
    case Op::TableSet:
      if (tab64(in.index)) out.operands = 0b10;
      return out;
    case Op::TableSize:
      if (tab64(in.index)) out.widen = W::kZeroExtend;
      return out;
    case Op::TableGrow:
      if (tab64(in.index)) {
        out.operands = 1;
        out.widen = W::kSignExtend;
      }
      return out;
    case Op::TableFill:
      if (tab64(in.index)) out.operands = 0b101;
      return out;
    case Op::TableInit:  // {index2} is the table
      if (tab64(in.index2)) out.operands = 0b100;
      return out;
    case Op::TableCopy: {  // {index} the destination, {index2} the source
      const bool d = tab64(in.index), s = tab64(in.index2);
      out.operands = static_cast<uint8_t>((d ? 0b100 : 0) | (s ? 0b010 : 0) | (d && s ? 1 : 0));
      return out;
    }
    default:
      return out;
  }
}
namespace {

/// Encoding of the empty block type.
constexpr uint8_t kEmptyBlockType = 0x40;

}  // namespace

Result<void> InstrReader::read_byte(uint8_t* out) {
  if (pos_ >= end_) return malformed(pos_, "unexpected end of section or function");
  *out = base_[pos_++];
  return {};
}

Result<void> InstrReader::read_memarg(MemArg* out) {
  const uint32_t at = pos_;
  WS_TRY(read_u32(&out->align_log2));
  out->memory = 0;
  // WebAssembly 3.0: flags below 2^6 are the alignment, bit 6 adds a memory index, and
  // anything from 2^7 up is malformed (2.0 left large flags to the validator).
  if (features_.has(Feature::kMultiMemory) && out->align_log2 >= 0x80) {
    return malformed(at, "malformed memop flags");
  }
  if (features_.has(Feature::kMultiMemory) && (out->align_log2 & 0x40) != 0) {
    out->align_log2 &= ~uint32_t{0x40};
    WS_TRY(read_u32(&out->memory));
  }
  if (features_.has(Feature::kMemory64)) return read_u64(&out->offset);
  uint32_t offset;
  WS_TRY(read_u32(&offset));
  out->offset = offset;
  return {};
}

Result<void> InstrReader::read_memory_index(uint32_t* out) {
  *out = 0;
  if (features_.has(Feature::kMultiMemory)) return read_u32(out);
  return read_zero_byte();
}

Result<void> InstrReader::read_zero_byte() {
  uint8_t byte;
  WS_TRY(read_byte(&byte));
  if (byte != 0) return malformed(pos_ - 1, "zero byte expected");
  return {};
}

Result<void> InstrReader::read_u64(uint64_t* out) {
  size_t length;
  const LebStatus status = read_uleb(base_ + pos_, base_ + end_, 64, out, &length);
  if (status != LebStatus::kOk) return malformed(pos_, leb_status_message(status));
  pos_ += static_cast<uint32_t>(length);
  return {};
}

Result<void> InstrReader::read_u32(uint32_t* out) {
  uint64_t value;
  size_t length;
  const LebStatus status = read_uleb(base_ + pos_, base_ + end_, 32, &value, &length);
  if (status != LebStatus::kOk) return malformed(pos_, leb_status_message(status));
  pos_ += static_cast<uint32_t>(length);
  *out = static_cast<uint32_t>(value);
  return {};
}

Result<void> InstrReader::next(Instr* out) {
  out->offset = pos_;
  uint8_t byte;
  WS_TRY(read_byte(&byte));
  uint8_t prefix = 0;
  uint32_t code = byte;
  if (byte == 0xfc || byte == 0xfd || byte == 0xfe) {
    prefix = byte;
    WS_TRY(read_u32(&code));
  }
  Op op;
  if (!find_op(prefix, code, &op) || !features_.has(op_info(op).feature)) {
    return malformed(out->offset, "illegal opcode");
  }
  out->op = op;
  return read_immediates(out);
}

namespace {
constexpr uint8_t kNoExnHeapType = 0x74;
/// Value-type prefixes of `(ref null ht)` and `(ref ht)` (typed function references).
constexpr uint8_t kRefNullPrefix = 0x63;
constexpr uint8_t kRefPrefix = 0x64;
}  // namespace

Result<void> InstrReader::read_valtype(ValType* out) {
  uint8_t byte;
  WS_TRY(read_byte(&byte));
  return read_valtype_after(byte, base_, end_, features_.has(Feature::kFuncRefs), &pos_, out);
}

Result<void> InstrReader::read_block_type(BlockType* out) {
  if (pos_ >= end_) return malformed(pos_, "unexpected end of section or function");
  const uint8_t byte = base_[pos_];
  if (byte == kEmptyBlockType) {
    ++pos_;
    *out = {BlockType::Kind::kEmpty, ValType::kI32, 0};
    return {};
  }
  if (is_valtype_byte(byte)) {
    ++pos_;
    *out = {BlockType::Kind::kValType, static_cast<ValType>(byte), 0};
    return {};
  }
  if (byte == kRefNullPrefix || byte == kRefPrefix) {
    if (!features_.has(Feature::kFuncRefs)) return malformed(pos_, "malformed value type");
    ++pos_;
    ValType type;
    size_t length;
    WS_TRY(read_heap_type(base_ + pos_, base_ + end_, pos_, byte == kRefNullPrefix, &type,
                          &length));
    pos_ += static_cast<uint32_t>(length);
    *out = {BlockType::Kind::kValType, type, 0};
    return {};
  }
  int64_t value;
  size_t length;
  const LebStatus status = read_sleb(base_ + pos_, base_ + end_, 33, &value, &length);
  if (status != LebStatus::kOk) return malformed(pos_, leb_status_message(status));
  if (value < 0) return malformed(pos_, "malformed value type");
  pos_ += static_cast<uint32_t>(length);
  *out = {BlockType::Kind::kTypeIndex, ValType::kI32, static_cast<uint32_t>(value)};
  return {};
}

Result<void> InstrReader::read_immediates(Instr* out) {
  const ImmKind kind = op_info(out->op).imm;
  switch (kind) {
    case ImmKind::kNone:
      return {};
    case ImmKind::kBlockType:
      return read_block_type(&out->block);
    case ImmKind::kTryTable: {
      WS_TRY(read_block_type(&out->block));
      uint32_t count;
      WS_TRY(read_u32(&count));
      // Each clause takes at least two bytes.
      if (count > end_ - pos_) return malformed(pos_, "unexpected end of section or function");
      out->catches.resize(count);
      for (CatchClause& c : out->catches) {
        uint8_t clause;
        WS_TRY(read_byte(&clause));
        if (clause > 3) return malformed(pos_ - 1, "malformed catch clause");
        c.kind = static_cast<CatchClause::Kind>(clause);
        if (c.has_tag()) WS_TRY(read_u32(&c.tag));
        WS_TRY(read_u32(&c.label));
      }
      return {};
    }
    case ImmKind::kTag:
    case ImmKind::kType:
    case ImmKind::kLabel:
    case ImmKind::kFunc:
    case ImmKind::kLocal:
    case ImmKind::kGlobal:
    case ImmKind::kTable:
    case ImmKind::kElem:
    case ImmKind::kData:
      return read_u32(&out->index);
    case ImmKind::kBrTable: {
      uint32_t count;
      WS_TRY(read_u32(&count));
      // Every label takes at least one byte: a count past the end is malformed, and checking
      // it first keeps a hostile count from reserving gigabytes.
      if (count > end_ - pos_) return malformed(pos_, "unexpected end of section or function");
      out->targets.resize(count);
      for (uint32_t i = 0; i < count; ++i) WS_TRY(read_u32(&out->targets[i]));
      return read_u32(&out->index);
    }
    case ImmKind::kCallIndirect:
    case ImmKind::kTableInit:
    case ImmKind::kTableCopy:
      WS_TRY(read_u32(&out->index));
      return read_u32(&out->index2);
    case ImmKind::kMemArg:
      return read_memarg(&out->mem);
    case ImmKind::kMemory:
    case ImmKind::kMemoryFill:
      return read_memory_index(&out->mem.memory);
    case ImmKind::kAtomicFence:
      return read_zero_byte();
    case ImmKind::kI32: {
      int64_t value;
      size_t length;
      const LebStatus status = read_sleb(base_ + pos_, base_ + end_, 32, &value, &length);
      if (status != LebStatus::kOk) return malformed(pos_, leb_status_message(status));
      pos_ += static_cast<uint32_t>(length);
      out->i32 = static_cast<int32_t>(value);
      return {};
    }
    case ImmKind::kI64: {
      size_t length;
      const LebStatus status = read_sleb(base_ + pos_, base_ + end_, 64, &out->i64, &length);
      if (status != LebStatus::kOk) return malformed(pos_, leb_status_message(status));
      pos_ += static_cast<uint32_t>(length);
      return {};
    }
    case ImmKind::kF32:
      if (end_ - pos_ < 4) return malformed(pos_, "unexpected end of section or function");
      std::memcpy(&out->f32_bits, base_ + pos_, 4);  // little-endian hosts only
      pos_ += 4;
      return {};
    case ImmKind::kF64:
      if (end_ - pos_ < 8) return malformed(pos_, "unexpected end of section or function");
      std::memcpy(&out->f64_bits, base_ + pos_, 8);
      pos_ += 8;
      return {};
    case ImmKind::kV128:
    case ImmKind::kShuffle:
      if (end_ - pos_ < 16) return malformed(pos_, "unexpected end of section or function");
      std::memcpy(out->v128, base_ + pos_, 16);
      pos_ += 16;
      return {};
    case ImmKind::kSelectT: {
      uint32_t count;
      WS_TRY(read_u32(&count));
      if (count > end_ - pos_) return malformed(pos_, "unexpected end of section or function");
      out->types.clear();
      for (uint32_t i = 0; i < count; ++i) {
        ValType type;
        WS_TRY(read_valtype(&type));
        out->types.push_back(type);
      }
      return {};
    }
    case ImmKind::kRefNull: {
      // The bottom of the exception hierarchy, noexn, reads as exn: a null of it is a null
      // exnref.
      if (pos_ < end_ && base_[pos_] < 0x80 && base_[pos_] >= 0x40 &&
          !is_ref(static_cast<ValType>(base_[pos_])) && base_[pos_] != kNoExnHeapType) {
        return malformed(pos_, "malformed reference type");
      }
      size_t length;
      WS_TRY(read_heap_type(base_ + pos_, base_ + end_, pos_, true, &out->type, &length));
      if (out->type.has_type_index() && !features_.has(Feature::kFuncRefs)) {
        return malformed(pos_, "malformed reference type");
      }
      pos_ += static_cast<uint32_t>(length);
      return {};
    }
    case ImmKind::kMemoryInit:
      WS_TRY(read_u32(&out->index));
      return read_memory_index(&out->mem.memory);
    case ImmKind::kMemoryCopy:
      WS_TRY(read_memory_index(&out->mem.memory));
      return read_memory_index(&out->index2);
    case ImmKind::kLane:
      return read_byte(&out->lane);
    case ImmKind::kMemArgLane:
      WS_TRY(read_memarg(&out->mem));
      return read_byte(&out->lane);
  }
  return malformed(out->offset, "illegal opcode");
}

}  // namespace wasmscope::internal
