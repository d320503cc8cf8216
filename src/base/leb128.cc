#include "base/leb128.h"

namespace wasmscope::internal {

LebStatus read_uleb(const uint8_t* p, const uint8_t* end, unsigned bits, uint64_t* value,
                    size_t* length) {
  const unsigned max_bytes = (bits + 6) / 7;
  uint64_t result = 0;
  for (unsigned i = 0;; ++i) {
    if (p + i >= end) return LebStatus::kUnexpectedEnd;
    if (i >= max_bytes) return LebStatus::kTooLong;
    const uint8_t byte = p[i];
    const unsigned shift = 7 * i;
    if (i == max_bytes - 1) {
      // The last permitted byte: its continuation bit must be clear and it may only carry the
      // bits that remain of the {bits}-bit value.
      if (byte & 0x80) return LebStatus::kTooLong;
      const unsigned remaining = bits - shift;
      if (remaining < 7 && (byte >> remaining) != 0) return LebStatus::kTooLarge;
    }
    result |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) {
      *value = result;
      *length = i + 1;
      return LebStatus::kOk;
    }
  }
}

LebStatus read_sleb(const uint8_t* p, const uint8_t* end, unsigned bits, int64_t* value,
                    size_t* length) {
  const unsigned max_bytes = (bits + 6) / 7;
  uint64_t result = 0;
  for (unsigned i = 0;; ++i) {
    if (p + i >= end) return LebStatus::kUnexpectedEnd;
    if (i >= max_bytes) return LebStatus::kTooLong;
    const uint8_t byte = p[i];
    const unsigned shift = 7 * i;
    if (i == max_bytes - 1) {
      if (byte & 0x80) return LebStatus::kTooLong;
      // Bits of the last byte above the value's sign bit must all equal the sign bit.
      const unsigned remaining = bits - shift;  // value bits in this byte, sign bit included
      if (remaining < 7) {
        const int sign_and_above = static_cast<int8_t>(static_cast<uint8_t>(byte << 1)) >>
                                   static_cast<int>(remaining);
        if (sign_and_above != 0 && sign_and_above != -1) return LebStatus::kTooLarge;
      }
    }
    result |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) {
      const unsigned used = shift + 7;
      if (used < 64 && (byte & 0x40)) result |= ~uint64_t{0} << used;
      *value = static_cast<int64_t>(result);
      *length = i + 1;
      return LebStatus::kOk;
    }
  }
}

const char* leb_status_message(LebStatus status) {
  switch (status) {
    case LebStatus::kOk: return "ok";
    case LebStatus::kUnexpectedEnd: return "unexpected end";
    case LebStatus::kTooLong: return "integer representation too long";
    case LebStatus::kTooLarge: return "integer too large";
  }
  return "bad integer";
}

size_t write_uleb(uint64_t value, uint8_t* out) {
  size_t n = 0;
  do {
    uint8_t byte = value & 0x7f;
    value >>= 7;
    if (value != 0) byte |= 0x80;
    out[n++] = byte;
  } while (value != 0);
  return n;
}

size_t write_sleb(int64_t value, uint8_t* out) {
  size_t n = 0;
  for (;;) {
    const uint8_t byte = value & 0x7f;
    value >>= 7;  // arithmetic shift
    const bool done = (value == 0 && !(byte & 0x40)) || (value == -1 && (byte & 0x40));
    out[n++] = done ? byte : (byte | 0x80);
    if (done) return n;
  }
}

}  // namespace wasmscope::internal
