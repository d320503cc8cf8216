#include "binary/instr_reader.h"

#include <cstring>

#include "base/leb128.h"

namespace wasmscope::internal {
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
  return read_u32(&out->offset);
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

Result<void> InstrReader::read_immediates(Instr* out) {
  const ImmKind kind = op_info(out->op).imm;
  switch (kind) {
    case ImmKind::kNone:
      return {};
    case ImmKind::kBlockType: {
      if (pos_ >= end_) return malformed(pos_, "unexpected end of section or function");
      const uint8_t byte = base_[pos_];
      if (byte == kEmptyBlockType) {
        ++pos_;
        out->block = {BlockType::Kind::kEmpty, ValType::kI32, 0};
        return {};
      }
      if (is_valtype_byte(byte)) {
        ++pos_;
        out->block = {BlockType::Kind::kValType, static_cast<ValType>(byte), 0};
        return {};
      }
      int64_t value;
      size_t length;
      const LebStatus status = read_sleb(base_ + pos_, base_ + end_, 33, &value, &length);
      if (status != LebStatus::kOk) return malformed(pos_, leb_status_message(status));
      if (value < 0) return malformed(pos_, "malformed value type");
      pos_ += static_cast<uint32_t>(length);
      out->block = {BlockType::Kind::kTypeIndex, ValType::kI32, static_cast<uint32_t>(value)};
      return {};
    }
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
        uint8_t byte;
        WS_TRY(read_byte(&byte));
        if (!is_valtype_byte(byte)) return malformed(pos_ - 1, "malformed value type");
        out->types.push_back(static_cast<ValType>(byte));
      }
      return {};
    }
    case ImmKind::kRefNull: {
      uint8_t byte;
      WS_TRY(read_byte(&byte));
      if (!is_ref(static_cast<ValType>(byte))) {
        return malformed(pos_ - 1, "malformed reference type");
      }
      out->type = static_cast<ValType>(byte);
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
