#include "binary/disassembler.h"

#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "binary/instr_reader.h"

namespace wasmscope::internal {
namespace {

void append(std::string* out, const char* format, auto... args) {
  char buf[96];
  std::snprintf(buf, sizeof buf, format, args...);
  *out += buf;
}

/// Appends the heap type of reference type {t}: "func", "extern", "exn" or its type index.
void append_heap_type(ValType t, std::string* out) {
  if (t.has_type_index()) {
    append(out, "%u", t.type_index());
  } else {
    *out += t == ValType::kFuncRef ? "func" : t == ValType::kExnRef ? "exn" : "extern";
  }
}

/// Appends value type {t} as the text format spells it: "i32", "funcref", "(ref null 3)".
void append_valtype(ValType t, std::string* out) {
  if (t.is_short()) {
    *out += valtype_name(t);
    return;
  }
  *out += t.nullable() ? "(ref null " : "(ref ";
  append_heap_type(t, out);
  *out += ')';
}

}  // namespace

std::string valtype_text(ValType t) {
  std::string out;
  append_valtype(t, &out);
  return out;
}

namespace {

void append_block_type(const BlockType& block, std::string* out) {
  switch (block.kind) {
    case BlockType::Kind::kEmpty: return;
    case BlockType::Kind::kValType:
      *out += " (result ";
      append_valtype(block.type, out);
      *out += ')';
      return;
    case BlockType::Kind::kTypeIndex: append(out, " (type %u)", block.index); return;
  }
}

void append_memarg(const Instr& in, std::string* out) {
  if (in.mem.memory != 0) append(out, " %u", in.mem.memory);
  if (in.mem.offset != 0) append(out, " offset=%u", in.mem.offset);
  const uint32_t natural = op_info(in.op).arg;
  if (in.mem.align_log2 >= 32 || (1u << in.mem.align_log2) != natural) {
    append(out, " align=%" PRIu64, in.mem.align_log2 >= 32 ? 0 : uint64_t{1} << in.mem.align_log2);
  }
}

/// Appends {in}'s immediates; each {ImmKind} is spelled in one place.
void append_immediates(const Instr& in, std::string* out) {
  switch (op_info(in.op).imm) {
    case ImmKind::kNone:
    case ImmKind::kMemory:
    case ImmKind::kMemoryFill:
      if (in.mem.memory != 0) append(out, " %u", in.mem.memory);
      return;
    case ImmKind::kMemoryCopy:
      if (in.mem.memory != 0 || in.index2 != 0) append(out, " %u %u", in.mem.memory, in.index2);
      return;
    case ImmKind::kAtomicFence:
      return;
    case ImmKind::kBlockType: append_block_type(in.block, out); return;
    case ImmKind::kLabel:
    case ImmKind::kFunc:
    case ImmKind::kLocal:
    case ImmKind::kGlobal:
    case ImmKind::kTable:
    case ImmKind::kElem:
    case ImmKind::kData:
    case ImmKind::kType:
      append(out, " %u", in.index);
      return;
    case ImmKind::kBrTable:
      for (uint32_t t : in.targets) append(out, " %u", t);
      append(out, " %u", in.index);
      return;
    case ImmKind::kCallIndirect: append(out, " %u (type %u)", in.index2, in.index); return;
    case ImmKind::kTableInit: append(out, " %u %u", in.index2, in.index); return;
    case ImmKind::kTableCopy: append(out, " %u %u", in.index, in.index2); return;
    case ImmKind::kMemoryInit:
      if (in.mem.memory != 0) append(out, " %u", in.mem.memory);
      append(out, " %u", in.index);
      return;
    case ImmKind::kMemArg: append_memarg(in, out); return;
    case ImmKind::kMemArgLane:
      append_memarg(in, out);
      append(out, " %u", in.lane);
      return;
    case ImmKind::kLane: append(out, " %u", in.lane); return;
    case ImmKind::kI32: append(out, " %" PRId32, in.i32); return;
    case ImmKind::kI64: append(out, " %" PRId64, in.i64); return;
    case ImmKind::kF32: {
      float f;
      std::memcpy(&f, &in.f32_bits, 4);
      append(out, " %a (;=%g;)", static_cast<double>(f), static_cast<double>(f));
      return;
    }
    case ImmKind::kF64: {
      double d;
      std::memcpy(&d, &in.f64_bits, 8);
      append(out, " %a (;=%g;)", d, d);
      return;
    }
    case ImmKind::kV128:
      *out += " i8x16";
      for (uint8_t b : in.v128) append(out, " 0x%02x", b);
      return;
    case ImmKind::kShuffle:
      for (uint8_t b : in.v128) append(out, " %u", b);
      return;
    case ImmKind::kSelectT:
      *out += " (result";
      for (ValType t : in.types) {
        *out += ' ';
        append_valtype(t, out);
      }
      *out += ")";
      return;
    case ImmKind::kRefNull:
      *out += ' ';
      append_heap_type(in.type, out);
      return;
    case ImmKind::kTag: append(out, " %u", in.index); return;
    case ImmKind::kTryTable: {
      append_block_type(in.block, out);
      static constexpr const char* kClause[] = {"catch", "catch_ref", "catch_all", "catch_all_ref"};
      for (const CatchClause& c : in.catches) {
        append(out, " (%s", kClause[static_cast<unsigned>(c.kind)]);
        if (c.has_tag()) append(out, " %u", c.tag);
        append(out, " %u)", c.label);
      }
      return;
    }
  }
}

}  // namespace

Result<void> disassemble(const Module& module, ByteRange range, std::string* out,
                         Features features) {
  InstrReader reader(module.bytes.data(), range.begin, range.end, features);
  Instr in;
  int depth = 1;
  while (!reader.at_end()) {
    WS_TRY(reader.next(&in));
    const bool clause = in.op == Op::Else || in.op == Op::Catch || in.op == Op::CatchAll;
    if (closes_block(in.op) || clause) --depth;
    append(out, "%08x: %*s", in.offset, 2 * (depth > 0 ? depth : 0), "");
    // The typed select's table text is "select_t"; in the text format it is "select".
    *out += in.op == Op::SelectT ? std::string_view("select") : op_info(in.op).text;
    append_immediates(in, out);
    *out += '\n';
    if (opens_block(in.op) || clause) ++depth;
  }
  return {};
}

}  // namespace wasmscope::internal
