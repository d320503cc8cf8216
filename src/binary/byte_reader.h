// A bounded cursor over module bytes that reports malformed input as {Error}s with offsets.
#pragma once

#include <cstdint>
#include <string>

#include "wasmscope/result.h"
#include "wasmscope/types.h"

namespace wasmscope::internal {

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
  Result<void> read_valtype(ValType* out);
  Result<void> read_reftype(ValType* out);
  /// After a value-type byte: if it is 0x63 (`ref null`), reads the heap type that follows into
  /// {byte}; only the abstract ones (func, extern, exn) are supported.
  Result<void> read_heap_type_after_prefix(uint8_t* byte);
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
