#include "diag/coredump_reader.h"

#include <cstring>

#include "base/leb128.h"
#include "binary/byte_reader.h"
#include "diag/coredump.h"

namespace wasmscope::internal {
namespace {

using namespace coredump;

/// A data segment as read, applied to its memory once every section is in.
struct RawSegment {
  uint32_t memory = 0;
  uint32_t offset = 0;
  uint32_t begin = 0;  ///< Byte offset of the segment's bytes in the dump.
  uint32_t length = 0;
  uint32_t at = 0;     ///< Byte offset of the segment, for errors.
};

/// Parsing state: the dump being built and which once-only sections were seen.
class Parser {
 public:
  explicit Parser(std::span<const uint8_t> bytes) : bytes_(bytes) {}

  Result<void> read_sections();
  Result<void> finish(const CoredumpReadLimits& limits);
  Coredump& dump() { return dump_; }

 private:
  ByteReader reader(uint32_t begin, uint32_t end) const {
    return ByteReader(bytes_.data(), begin, end);
  }
  Result<void> read_section(uint8_t id, ByteReader& r);
  Result<void> read_custom(ByteReader& r);
  Result<void> once(bool* seen, const ByteReader& r, const char* what);
  Result<void> read_process(ByteReader& r);
  Result<void> read_modules(ByteReader& r);
  Result<void> read_instances(ByteReader& r);
  Result<void> read_indices(ByteReader& r, std::vector<uint32_t>* out);
  Result<void> read_thread(ByteReader& r);
  Result<void> read_frame(ByteReader& r, CoredumpFrame* frame);
  Result<void> read_values(ByteReader& r, std::vector<CoredumpValue>* out);
  Result<void> read_value(ByteReader& r, CoredumpValue* out);
  Result<void> read_memories(ByteReader& r);
  Result<void> read_globals(ByteReader& r);
  Result<void> read_global_value(ByteReader& r, CoredumpGlobal* global);
  Result<void> read_datas(ByteReader& r);
  Result<void> read_segment(ByteReader& r);
  Result<void> read_sleb(ByteReader& r, unsigned bits, int64_t* out) const;
  Result<void> read_le(ByteReader& r, unsigned count, uint64_t* out) const;
  Result<void> check_indices() const;
  Result<void> check_index(uint32_t index, size_t count, const char* what) const;
  Result<void> apply_segments(const CoredumpReadLimits& limits);

  std::span<const uint8_t> bytes_;
  Coredump dump_;
  std::vector<RawSegment> segments_;
  bool seen_core_ = false, seen_modules_ = false, seen_instances_ = false;
  bool seen_memory_ = false, seen_global_ = false, seen_data_ = false;
};

/// Reads the 0x00 that starts each coredump record.
Result<void> expect_zero(ByteReader& r) {
  uint8_t byte;
  WS_TRY(r.read_byte(&byte));
  if (byte != 0) return malformed(r.pos() - 1, "coredump record does not start with 0x00");
  return {};
}

Result<void> Parser::read_sections() {
  ByteReader r = reader(sizeof kMagicAndVersion, static_cast<uint32_t>(bytes_.size()));
  while (!r.at_end()) {
    uint8_t id;
    uint32_t size, begin;
    WS_TRY(r.read_byte(&id));
    WS_TRY(r.read_u32(&size));
    WS_TRY(r.read_bytes(size, &begin));
    ByteReader section = reader(begin, begin + size);
    WS_TRY(read_section(id, section));
    if (!section.at_end()) return section.error("section size mismatch");
  }
  return {};
}

Result<void> Parser::read_section(uint8_t id, ByteReader& r) {
  switch (id) {
    case kCustomSection: return read_custom(r);
    case kMemorySection: WS_TRY(once(&seen_memory_, r, "memory")); return read_memories(r);
    case kGlobalSection: WS_TRY(once(&seen_global_, r, "global")); return read_globals(r);
    case kDataSection: WS_TRY(once(&seen_data_, r, "data")); return read_datas(r);
    default: r.skip_to(r.end()); return {};
  }
}

Result<void> Parser::once(bool* seen, const ByteReader& r, const char* what) {
  if (*seen) return r.error(std::string("more than one ") + what + " section");
  *seen = true;
  return {};
}

Result<void> Parser::read_custom(ByteReader& r) {
  std::string name;
  WS_TRY(r.read_name(&name));
  if (name == "core") {
    WS_TRY(once(&seen_core_, r, "core"));
    return read_process(r);
  }
  if (name == "coremodules") {
    WS_TRY(once(&seen_modules_, r, "coremodules"));
    return read_modules(r);
  }
  if (name == "coreinstances") {
    WS_TRY(once(&seen_instances_, r, "coreinstances"));
    return read_instances(r);
  }
  if (name == "corestack") return read_thread(r);
  r.skip_to(r.end());
  return {};
}

Result<void> Parser::read_process(ByteReader& r) {
  WS_TRY(expect_zero(r));
  return r.read_name(&dump_.executable);
}

Result<void> Parser::read_modules(ByteReader& r) {
  uint32_t count;
  WS_TRY(r.read_count(&count, 2));
  dump_.modules.resize(count);
  for (std::string& name : dump_.modules) {
    WS_TRY(expect_zero(r));
    WS_TRY(r.read_name(&name));
  }
  return {};
}

Result<void> Parser::read_indices(ByteReader& r, std::vector<uint32_t>* out) {
  uint32_t count;
  WS_TRY(r.read_count(&count, 1));
  out->resize(count);
  for (uint32_t& index : *out) WS_TRY(r.read_u32(&index));
  return {};
}

Result<void> Parser::read_instances(ByteReader& r) {
  uint32_t count;
  WS_TRY(r.read_count(&count, 4));
  dump_.instances.resize(count);
  for (CoredumpInstance& instance : dump_.instances) {
    WS_TRY(expect_zero(r));
    WS_TRY(r.read_u32(&instance.module));
    WS_TRY(read_indices(r, &instance.memories));
    WS_TRY(read_indices(r, &instance.globals));
  }
  return {};
}

Result<void> Parser::read_thread(ByteReader& r) {
  CoredumpThread thread;
  WS_TRY(expect_zero(r));
  WS_TRY(r.read_name(&thread.name));
  uint32_t count;
  WS_TRY(r.read_count(&count, 6));
  thread.frames.resize(count);
  for (CoredumpFrame& frame : thread.frames) WS_TRY(read_frame(r, &frame));
  dump_.threads.push_back(std::move(thread));
  return {};
}

Result<void> Parser::read_frame(ByteReader& r, CoredumpFrame* frame) {
  WS_TRY(expect_zero(r));
  WS_TRY(r.read_u32(&frame->instance));
  WS_TRY(r.read_u32(&frame->func_index));
  WS_TRY(r.read_u32(&frame->code_offset));
  WS_TRY(read_values(r, &frame->locals));
  return read_values(r, &frame->stack);
}

Result<void> Parser::read_values(ByteReader& r, std::vector<CoredumpValue>* out) {
  uint32_t count;
  WS_TRY(r.read_count(&count, 1));
  out->resize(count);
  for (CoredumpValue& value : *out) WS_TRY(read_value(r, &value));
  return {};
}

Result<void> Parser::read_sleb(ByteReader& r, unsigned bits, int64_t* out) const {
  size_t length;
  const uint8_t* p = bytes_.data() + r.pos();
  const LebStatus status = internal::read_sleb(p, bytes_.data() + r.end(), bits, out, &length);
  if (status == LebStatus::kUnexpectedEnd) return r.unexpected_end();
  if (status != LebStatus::kOk) return r.error(leb_status_message(status));
  r.skip_to(r.pos() + static_cast<uint32_t>(length));
  return {};
}

Result<void> Parser::read_le(ByteReader& r, unsigned count, uint64_t* out) const {
  uint32_t begin;
  WS_TRY(r.read_bytes(count, &begin));
  *out = 0;
  for (unsigned i = 0; i < count; ++i) *out |= uint64_t{bytes_[begin + i]} << (8 * i);
  return {};
}

Result<void> Parser::read_value(ByteReader& r, CoredumpValue* out) {
  uint8_t tag;
  WS_TRY(r.read_byte(&tag));
  int64_t integer = 0;
  out->missing = false;
  switch (tag) {
    case kMissing: out->missing = true; return {};
    case kI32:
      WS_TRY(read_sleb(r, 32, &integer));
      out->bits = static_cast<uint32_t>(integer);
      break;
    case kI64:
      WS_TRY(read_sleb(r, 64, &integer));
      out->bits = static_cast<uint64_t>(integer);
      break;
    case kF32: WS_TRY(read_le(r, 4, &out->bits)); break;
    case kF64: WS_TRY(read_le(r, 8, &out->bits)); break;
    default: return malformed(r.pos() - 1, "unknown coredump value type");
  }
  out->type = static_cast<ValType>(tag);
  return {};
}

Result<void> Parser::read_memories(ByteReader& r) {
  uint32_t count;
  WS_TRY(r.read_count(&count, 2));
  dump_.memories.resize(count);
  for (CoredumpMemory& memory : dump_.memories) {
    WS_TRY(r.read_limits(&memory.limits, true, false));
    if (memory.limits.min > kMaxMemoryPages) return r.error("memory size must be at most 65536 pages");
    memory.size = memory.limits.min * kPageBytes;
  }
  return {};
}

Result<void> Parser::read_globals(ByteReader& r) {
  uint32_t count;
  WS_TRY(r.read_count(&count, 4));
  dump_.globals.resize(count);
  for (CoredumpGlobal& global : dump_.globals) {
    WS_TRY(r.read_valtype(&global.type));
    uint8_t mut;
    WS_TRY(r.read_byte(&mut));
    if (mut > 1) return malformed(r.pos() - 1, "malformed mutability");
    WS_TRY(read_global_value(r, &global));
  }
  return {};
}

/// The opcode of the constant instruction that gives a value of {type}.
uint8_t const_opcode(ValType type) {
  switch (type) {
    case ValType::kI32: return kI32Const;
    case ValType::kI64: return kI64Const;
    case ValType::kF32: return kF32Const;
    case ValType::kF64: return kF64Const;
    case ValType::kV128: return kSimdPrefix;
    default: return kRefNull;
  }
}

Result<void> Parser::read_global_value(ByteReader& r, CoredumpGlobal* global) {
  uint8_t op;
  WS_TRY(r.read_byte(&op));
  if (op != const_opcode(global->type)) return malformed(r.pos() - 1, "global value is not a constant of its type");
  int64_t integer = 0;
  uint32_t sub = 0;
  ValType ref;
  switch (op) {
    case kI32Const:
      WS_TRY(read_sleb(r, 32, &integer));
      global->value[0] = static_cast<uint32_t>(integer);
      break;
    case kI64Const:
      WS_TRY(read_sleb(r, 64, &integer));
      global->value[0] = static_cast<uint64_t>(integer);
      break;
    case kF32Const: WS_TRY(read_le(r, 4, &global->value[0])); break;
    case kF64Const: WS_TRY(read_le(r, 8, &global->value[0])); break;
    case kSimdPrefix:
      WS_TRY(r.read_u32(&sub));
      if (sub != kV128ConstOp) return r.error("global value is not a constant of its type");
      WS_TRY(read_le(r, 8, &global->value[0]));
      WS_TRY(read_le(r, 8, &global->value[1]));
      break;
    default:
      WS_TRY(r.read_reftype(&ref));
      if (ref != global->type) return malformed(r.pos() - 1, "ref.null of another type");
      break;
  }
  uint8_t end;
  WS_TRY(r.read_byte(&end));
  if (end != kEnd) return malformed(r.pos() - 1, "constant expression does not end");
  return {};
}

Result<void> Parser::read_datas(ByteReader& r) {
  uint32_t count;
  WS_TRY(r.read_count(&count, 5));
  for (uint32_t i = 0; i < count; ++i) WS_TRY(read_segment(r));
  return {};
}

Result<void> Parser::read_segment(ByteReader& r) {
  RawSegment segment;
  segment.at = r.pos();
  uint8_t flags, op, end;
  WS_TRY(r.read_byte(&flags));
  if (flags != 0x00 && flags != 0x02) return malformed(segment.at, "coredump data segments must be active");
  if (flags == 0x02) WS_TRY(r.read_u32(&segment.memory));
  WS_TRY(r.read_byte(&op));
  if (op != kI32Const) return malformed(r.pos() - 1, "data offset is not an i32.const");
  int64_t offset;
  WS_TRY(read_sleb(r, 32, &offset));
  segment.offset = static_cast<uint32_t>(offset);
  WS_TRY(r.read_byte(&end));
  if (end != kEnd) return malformed(r.pos() - 1, "constant expression does not end");
  WS_TRY(r.read_u32(&segment.length));
  WS_TRY(r.read_bytes(segment.length, &segment.begin));
  segments_.push_back(segment);
  return {};
}

Result<void> Parser::check_index(uint32_t index, size_t count, const char* what) const {
  if (index < count) return {};
  return malformed(0, std::string(what) + " index out of range: " + std::to_string(index));
}

Result<void> Parser::check_indices() const {
  for (const CoredumpInstance& instance : dump_.instances) {
    WS_TRY(check_index(instance.module, dump_.modules.size(), "module"));
    for (uint32_t m : instance.memories) WS_TRY(check_index(m, dump_.memories.size(), "memory"));
    for (uint32_t g : instance.globals) WS_TRY(check_index(g, dump_.globals.size(), "global"));
  }
  if (!seen_instances_) return {};
  for (const CoredumpThread& thread : dump_.threads) {
    for (const CoredumpFrame& frame : thread.frames) {
      WS_TRY(check_index(frame.instance, dump_.instances.size(), "instance"));
    }
  }
  return {};
}

Result<void> Parser::apply_segments(const CoredumpReadLimits& limits) {
  uint64_t total = 0;
  for (const RawSegment& s : segments_) {
    if (s.memory >= dump_.memories.size()) return malformed(s.at, "unknown memory in data segment");
    CoredumpMemory& memory = dump_.memories[s.memory];
    const uint64_t end = uint64_t{s.offset} + s.length;
    if (end > memory.size) return malformed(s.at, "data segment outside its memory");
    if (end > memory.bytes.size()) {
      total += end - memory.bytes.size();
      if (total > limits.max_memory_bytes) {
        return Error{ErrorKind::kUnsupported, s.at, "memory image exceeds the reader's limit"};
      }
      memory.bytes.resize(end);
    }
    if (s.length != 0) std::memcpy(memory.bytes.data() + s.offset, bytes_.data() + s.begin, s.length);
    ++memory.segments;
  }
  return {};
}

Result<void> Parser::finish(const CoredumpReadLimits& limits) {
  if (!seen_core_) return malformed(0, "not a coredump: no core section");
  WS_TRY(check_indices());
  return apply_segments(limits);
}

}  // namespace

Result<Coredump> read_coredump(std::span<const uint8_t> bytes, const CoredumpReadLimits& limits) {
  if (bytes.size() > UINT32_MAX) return Error{ErrorKind::kUnsupported, 0, "coredump larger than 4 GiB"};
  if (bytes.size() < sizeof kMagicAndVersion ||
      std::memcmp(bytes.data(), kMagicAndVersion, sizeof kMagicAndVersion) != 0) {
    return malformed(0, "not a wasm module: bad magic number or version");
  }
  Parser parser(bytes);
  WS_TRY(parser.read_sections());
  WS_TRY(parser.finish(limits));
  return std::move(parser.dump());
}

}  // namespace wasmscope::internal
