#include "binary/byte_reader.h"

#include "base/leb128.h"
#include "base/utf8.h"

namespace wasmscope::internal {

Error ByteReader::unexpected_end() const {
  return malformed(pos_, "unexpected end of section or function");
}

Result<void> ByteReader::read_byte(uint8_t* out) {
  if (pos_ >= end_) return unexpected_end();
  *out = base_[pos_++];
  return {};
}

Result<void> ByteReader::read_u32(uint32_t* out) {
  uint64_t value;
  size_t length;
  const LebStatus status = read_uleb(base_ + pos_, base_ + end_, 32, &value, &length);
  if (status == LebStatus::kUnexpectedEnd) return unexpected_end();
  if (status != LebStatus::kOk) return error(leb_status_message(status));
  pos_ += static_cast<uint32_t>(length);
  *out = static_cast<uint32_t>(value);
  return {};
}

Result<void> ByteReader::read_u64(uint64_t* out) {
  size_t length;
  const LebStatus status = read_uleb(base_ + pos_, base_ + end_, 64, out, &length);
  if (status == LebStatus::kUnexpectedEnd) return unexpected_end();
  if (status != LebStatus::kOk) return error(leb_status_message(status));
  pos_ += static_cast<uint32_t>(length);
  return {};
}

Result<void> ByteReader::read_bytes(uint32_t count, uint32_t* begin) {
  if (count > remaining()) return error("length out of bounds");
  *begin = pos_;
  pos_ += count;
  return {};
}

Result<void> ByteReader::read_count(uint32_t* out, uint32_t min_element_size) {
  WS_TRY(read_u32(out));
  if (static_cast<uint64_t>(*out) * min_element_size > remaining()) return unexpected_end();
  return {};
}

Result<void> ByteReader::read_name(std::string* out) {
  uint32_t length;
  WS_TRY(read_u32(&length));
  uint32_t begin;
  WS_TRY(read_bytes(length, &begin));
  if (!is_valid_utf8(base_ + begin, length)) {
    return malformed(begin, "malformed UTF-8 encoding");
  }
  out->assign(reinterpret_cast<const char*>(base_ + begin), length);
  return {};
}

namespace {
/// Value-type prefixes of the long forms: `(ref null ht)` and `(ref ht)`.
constexpr uint8_t kRefNullPrefix = 0x63;
constexpr uint8_t kRefPrefix = 0x64;
/// The exception hierarchy's bottom heap type: its only value is null, which wasmscope's exnref
/// already is.
constexpr uint8_t kNoExnHeapType = 0x74;
/// Garbage collection's abstract heap types (any ... nofunc), one byte each.
constexpr uint8_t kFirstGcHeapType = 0x6a;
constexpr uint8_t kLastGcHeapType = 0x73;
}  // namespace

Result<void> read_heap_type(const uint8_t* p, const uint8_t* end, uint32_t pos, bool nullable,
                            ValType* out, size_t* length) {
  int64_t value;
  const LebStatus status = read_sleb(p, end, 33, &value, length);
  if (status != LebStatus::kOk) return malformed(pos, leb_status_message(status));
  if (value >= 0) {
    if (value > UINT32_MAX - 1) return malformed(pos, "malformed heap type");
    *out = ValType::ref(ValType::kFuncRef, nullable, static_cast<uint32_t>(value));
    return {};
  }
  // A negative s33 of one byte is that byte's low 7 bits.
  const uint8_t byte = static_cast<uint8_t>(value & 0x7f);
  if (*length != 1) return malformed(pos, "malformed heap type");
  if (byte == ValType::kFuncRef || byte == ValType::kExternRef || byte == ValType::kExnRef) {
    *out = ValType::ref(static_cast<ValType::Kind>(byte), nullable);
    return {};
  }
  if (byte == kNoExnHeapType) {
    *out = ValType::ref(ValType::kExnRef, nullable);
    return {};
  }
  if (byte >= kFirstGcHeapType && byte <= kLastGcHeapType && byte != ValType::kExternRef &&
      byte != ValType::kFuncRef) {
    return malformed(pos, "unsupported: garbage collection heap type");
  }
  return malformed(pos, "malformed heap type");
}

Result<void> read_valtype_after(uint8_t byte, const uint8_t* base, uint32_t end, bool typed,
                                uint32_t* pos, ValType* out) {
  if (typed && (byte == kRefNullPrefix || byte == kRefPrefix)) {
    size_t length;
    WS_TRY(read_heap_type(base + *pos, base + end, *pos, byte == kRefNullPrefix, out, &length));
    *pos += static_cast<uint32_t>(length);
    return {};
  }
  if (!is_valtype_byte(byte)) return malformed(*pos - 1, "malformed value type");
  *out = static_cast<ValType>(byte);
  return {};
}

Result<void> ByteReader::read_valtype(ValType* out) {
  uint8_t byte;
  WS_TRY(read_byte(&byte));
  // Module-level types: the validator refuses the long forms when the feature is off.
  return read_valtype_after(byte, base_, end_, true, &pos_, out);
}

Result<void> ByteReader::read_reftype(ValType* out) {
  const uint32_t at = pos_;
  if (pos_ < end_ && base_[pos_] != kRefNullPrefix && base_[pos_] != kRefPrefix &&
      !is_ref(static_cast<ValType>(base_[pos_]))) {
    return malformed(at, "malformed reference type");
  }
  WS_TRY(read_valtype(out));
  if (!is_ref(*out)) return malformed(at, "malformed reference type");
  return {};
}

Result<void> ByteReader::read_limits(Limits* out, bool allow_shared, bool memory64) {
  uint8_t flags;
  WS_TRY(read_byte(&flags));
  // Flag bits: 0x01 a maximum follows, 0x02 shared (threads), 0x04 i64 addresses (memory64).
  const uint8_t allowed = (allow_shared ? 0x03 : 0x01) | (memory64 ? 0x04 : 0x00);
  if (flags & ~allowed) return malformed(pos_ - 1, "integer too large");
  out->shared = (flags & 0x02) != 0;
  out->is64 = (flags & 0x04) != 0;
  out->max.reset();
  // With memory64 every limit is a u64 in the binary (WebAssembly 3.0); the validator bounds
  // those of 32-bit memories and tables.
  auto read_limit = [&](uint64_t* value) -> Result<void> {
    if (memory64) return read_u64(value);
    uint32_t narrow;
    WS_TRY(read_u32(&narrow));
    *value = narrow;
    return {};
  };
  WS_TRY(read_limit(&out->min));
  if (flags & 0x01) {
    uint64_t max;
    WS_TRY(read_limit(&max));
    out->max = max;
  }
  return {};
}

}  // namespace wasmscope::internal
