// Numeric literals of the text format (spec 6.3.2): integers with signs, hexadecimal and
// underscores; floats in decimal or hexadecimal notation, inf, nan and nan:0x payloads.
#pragma once

#include <cstdint>
#include <string_view>

namespace wasmscope::internal {

enum class NumStatus : uint8_t {
  kOk,
  kSyntax,      ///< Not a literal of the requested kind.
  kOutOfRange,  ///< A literal, but its value does not fit ("constant out of range").
};

/// An unsigned literal without sign ({uN}), at most {max}.
NumStatus parse_unsigned(std::string_view text, uint64_t max, uint64_t* out);

/// An integer literal for an {iN} constant: unsigned up to 2^{bits}-1 or signed down to
/// -2^({bits}-1). {out} receives the two's-complement bit pattern ({bits} <= 64).
NumStatus parse_int(std::string_view text, unsigned bits, uint64_t* out);

/// A float literal rounded to the nearest f32 / f64 (ties to even); {out} gets the bits.
NumStatus parse_f32(std::string_view text, uint32_t* out);
NumStatus parse_f64(std::string_view text, uint64_t* out);

}  // namespace wasmscope::internal
