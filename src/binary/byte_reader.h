// A bounded cursor over module bytes that reports malformed input as {Error}s with offsets.
#pragma once

#include <cstdint>
#include <string>

#include "wasmscope/result.h"
#include "wasmscope/types.h"

namespace wasmscope::internal {

/// Reads a heap type (an s33: an abstract type's byte, or a type index) at [{p}, {end}) into
/// {out}, a reference that is {nullable}; {length} gets the bytes read. The abstract types are
/// func, extern, exn and noexn (as exn); garbage collection's are refused as unsupported.
/// Errors carry offsets relative to {p}'s position {pos}.
Result<void> read_heap_type(const uint8_t* p, const uint8_t* end, uint32_t pos, bool nullable,
                            ValType* out, size_t* length);

/// The rest of a value type whose first byte {byte} was read, with {*pos} just after it: a
/// short form, or with {typed} (typed function references) `0x63 ht` / `0x64 ht`.
Result<void> read_valtype_after(uint8_t byte, const uint8_t* base, uint32_t end, bool typed,
                                uint32_t* pos, ValType* out);

class ByteReader {
 public:
  ByteReader(const uint8_t* base, uint32_t begin, uint32_t end)
      : base_(base), pos_(begin), end_(end) {}

  uint32_t pos() const { return pos_; }
  uint32_t end() const { return end_; }
  uint32_t remaining() const { return end_ - pos_; }
  bool at_end() const { return pos_ >= end_; }
  void skip_to(uint32_t pos) { pos_ = pos; }

  Result<void> read_byte(uint8_t* out);
  Result<void> read_u32(uint32_t* out);
  Result<void> read_u64(uint64_t* out);
  Result<void> read_bytes(uint32_t count, uint32_t* begin);
  /// A vector's element count; fails when fewer than {count} * {min_element_size} bytes remain.
  Result<void> read_count(uint32_t* out, uint32_t min_element_size = 1);
  /// A name: u32 length then that many bytes of well-formed UTF-8.
  Result<void> read_name(std::string* out);
  /// A value type: a short form, or `0x63 ht` (ref null) / `0x64 ht` (ref) with a heap type.
  Result<void> read_valtype(ValType* out);
  Result<void> read_reftype(ValType* out);
  /// Limits; with {memory64} (the feature) the i64 flag is allowed and every limit is a u64.
  Result<void> read_limits(Limits* out, bool allow_shared, bool memory64);

  Error error(std::string message) const { return malformed(pos_, std::move(message)); }
  Error unexpected_end() const;

 private:
  const uint8_t* base_;
  uint32_t pos_;
  uint32_t end_;
};

}  // namespace wasmscope::internal
