// LEB128 decoding with the binary format's range and over-long checks.
#pragma once

#include <cstddef>
#include <cstdint>

namespace wasmscope::internal {

/// Why a LEB128 read failed.
enum class LebStatus : uint8_t {
  kOk,
  kUnexpectedEnd,  ///< The bytes ended before the last (high-bit-clear) byte.
  kTooLong,        ///< More bytes than ceil(N/7) for an N-bit integer.
  kTooLarge,       ///< The last byte sets bits beyond N (or not a sign extension of them).
};

/// Decodes an unsigned LEB128 integer of {bits} (<= 64) bits from [{p}, {end}).
/// On success stores the value and the bytes used.
LebStatus read_uleb(const uint8_t* p, const uint8_t* end, unsigned bits, uint64_t* value,
                    size_t* length);

/// Decodes a signed LEB128 integer of {bits} (<= 64) bits; the value is sign-extended to 64.
LebStatus read_sleb(const uint8_t* p, const uint8_t* end, unsigned bits, int64_t* value,
                    size_t* length);

/// The spec interpreter's message for {status} ("integer representation too long", ...).
const char* leb_status_message(LebStatus status);

/// Appends the unsigned LEB128 encoding of {value} to {out} (at most 10 bytes); returns length.
size_t write_uleb(uint64_t value, uint8_t* out);
/// Appends the signed LEB128 encoding of {value} to {out} (at most 10 bytes); returns length.
size_t write_sleb(int64_t value, uint8_t* out);

}  // namespace wasmscope::internal
