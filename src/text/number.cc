#include "text/number.h"

#include <bit>
#include <charconv>
#include <cstring>
#include <string>

namespace wasmscope::internal {
namespace {

int digit_value(char c, bool hex) {
  if (c >= '0' && c <= '9') return c - '0';
  if (!hex) return -1;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// Scans {num} or {hexnum} at {*pos}: digits with single underscores between them. Appends the
/// digits (without underscores) to {digits}; false if there is not at least one digit.
bool scan_digits(std::string_view s, size_t* pos, bool hex, std::string* digits) {
  size_t i = *pos;
  if (i >= s.size() || digit_value(s[i], hex) < 0) return false;
  while (i < s.size()) {
    if (digit_value(s[i], hex) >= 0) {
      digits->push_back(s[i]);
      ++i;
    } else if (s[i] == '_' && i + 1 < s.size() && digit_value(s[i + 1], hex) >= 0) {
      ++i;
    } else {
      break;
    }
  }
  *pos = i;
  return true;
}

/// The value of the digit string {digits}; false on overflow of 64 bits.
bool digits_to_u64(std::string_view digits, bool hex, uint64_t* out) {
  const uint64_t base = hex ? 16 : 10;
  uint64_t v = 0;
  for (char c : digits) {
    const auto d = static_cast<uint64_t>(digit_value(c, hex));
    if (v > (UINT64_MAX - d) / base) return false;
    v = v * base + d;
  }
  *out = v;
  return true;
}

/// A whole {uN} literal without sign: "123", "0x1_F". {*value} is meaningful when not
/// {*overflow}.
bool scan_unsigned(std::string_view s, uint64_t* value, bool* overflow) {
  const bool hex = s.size() > 2 && s[0] == '0' && s[1] == 'x';
  size_t pos = hex ? 2 : 0;
  std::string digits;
  if (!scan_digits(s, &pos, hex, &digits) || pos != s.size()) return false;
  *overflow = !digits_to_u64(digits, hex, value);
  return true;
}

/// The IEEE 754 binary format with {kMantBits} stored fraction bits and {kExpBits} exponent
/// bits, as an unsigned integer of the same width.
struct FloatFormat {
  int mant_bits;
  int exp_bits;

  uint64_t sign_bit() const { return uint64_t{1} << (mant_bits + exp_bits); }
  uint64_t exp_mask() const { return ((uint64_t{1} << exp_bits) - 1) << mant_bits; }
  int bias() const { return (1 << (exp_bits - 1)) - 1; }
};

/// Rounds {mant} * 2^{exp2} (plus a nonzero tail below it when {sticky}) to the nearest value
/// of {fmt}, ties to even. False if it rounds to infinity.
bool round_binary(uint64_t mant, int64_t exp2, bool sticky, FloatFormat fmt, uint64_t* out) {
  if (mant == 0) {
    *out = 0;
    return true;
  }
  const int msb = 63 - std::countl_zero(mant);
  const int64_t e = msb + exp2;  // The value lies in [2^e, 2^(e+1)).
  const int64_t emin = 1 - fmt.bias();
  if (e > fmt.bias() + 1) return false;
  const int64_t q = (e > emin ? e : emin) - fmt.mant_bits;  // Exponent of the last kept bit.
  const int64_t shift = q - exp2;
  uint64_t m = 0;
  if (shift <= 0) {
    m = mant << -shift;
  } else {
    uint64_t rem = 0;
    uint64_t half = 0;
    if (shift < 64) {
      m = mant >> shift;
      rem = mant & ((uint64_t{1} << shift) - 1);
      half = uint64_t{1} << (shift - 1);
    } else if (shift == 64) {
      rem = mant;
      half = uint64_t{1} << 63;
    } else {
      rem = 0;  // Below half of the smallest subnormal: rounds to zero.
      half = 1;
      sticky = false;
    }
    if (rem > half || (rem == half && (sticky || (m & 1) != 0))) ++m;
  }
  const uint64_t biased = static_cast<uint64_t>(q + fmt.mant_bits + fmt.bias() - 1);
  const uint64_t bits = (biased << fmt.mant_bits) + m;
  if (bits >= fmt.exp_mask()) return false;
  *out = bits;
  return true;
}

/// {hexfloat} after the "0x": hexnum ('.' hexfrac?)? ([pP] sign? num)?.
NumStatus parse_hex_float(std::string_view s, FloatFormat fmt, uint64_t* out) {
  size_t pos = 0;
  std::string int_digits;
  std::string frac_digits;
  if (!scan_digits(s, &pos, true, &int_digits)) return NumStatus::kSyntax;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    if (pos < s.size() && digit_value(s[pos], true) >= 0) {
      scan_digits(s, &pos, true, &frac_digits);
    }
  }
  int64_t exp2 = 0;
  if (pos < s.size() && (s[pos] == 'p' || s[pos] == 'P')) {
    ++pos;
    bool neg_exp = false;
    if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) neg_exp = s[pos++] == '-';
    std::string exp_digits;
    if (!scan_digits(s, &pos, false, &exp_digits)) return NumStatus::kSyntax;
    for (char c : exp_digits) {
      if (exp2 < 100000000) exp2 = exp2 * 10 + (c - '0');
    }
    if (neg_exp) exp2 = -exp2;
  }
  if (pos != s.size()) return NumStatus::kSyntax;

  uint64_t mant = 0;
  bool sticky = false;
  auto add_digit = [&](char c, bool fraction) {
    const auto d = static_cast<uint64_t>(digit_value(c, true));
    if (mant >> 60 == 0) {
      mant = (mant << 4) | d;
      if (fraction) exp2 -= 4;
    } else {
      sticky |= d != 0;
      if (!fraction) exp2 += 4;
    }
  };
  for (char c : int_digits)
    add_digit(c, false);
  for (char c : frac_digits)
    add_digit(c, true);
  return round_binary(mant, exp2, sticky, fmt, out) ? NumStatus::kOk : NumStatus::kOutOfRange;
}

/// {float}: num ('.' frac?)? ([eE] sign? num)?. Rounds with {std::from_chars}, which is
/// correctly rounded and locale-independent.
template <class F>
NumStatus parse_decimal_float(std::string_view s, bool negative, F* out) {
  size_t pos = 0;
  std::string clean = negative ? "-" : "";
  std::string int_digits;
  if (!scan_digits(s, &pos, false, &int_digits)) return NumStatus::kSyntax;
  clean += int_digits;
  bool nonzero = int_digits.find_first_not_of('0') != std::string::npos;
  // Decimal exponent of the leading significant digit, for telling overflow from underflow.
  int64_t magnitude =
      nonzero ? static_cast<int64_t>(int_digits.size() - int_digits.find_first_not_of('0')) : 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    std::string frac;
    if (pos < s.size() && digit_value(s[pos], false) >= 0) scan_digits(s, &pos, false, &frac);
    if (!nonzero) {
      const size_t first = frac.find_first_not_of('0');
      if (first != std::string::npos) {
        nonzero = true;
        magnitude = -static_cast<int64_t>(first);
      }
    }
    clean += '.';
    clean += frac;
  }
  if (pos < s.size() && (s[pos] == 'e' || s[pos] == 'E')) {
    ++pos;
    clean += 'e';
    bool neg_exp = false;
    if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
      neg_exp = s[pos] == '-';
      clean += s[pos++];
    }
    std::string exp_digits;
    if (!scan_digits(s, &pos, false, &exp_digits)) return NumStatus::kSyntax;
    clean += exp_digits;
    int64_t e = 0;
    for (char c : exp_digits) {
      if (e < 100000000) e = e * 10 + (c - '0');
    }
    magnitude += neg_exp ? -e : e;
  }
  if (pos != s.size()) return NumStatus::kSyntax;
  F value{};
  const char* first = clean.data();
  const char* last = clean.data() + clean.size();
  auto [ptr, ec] = std::from_chars(first, last, value, std::chars_format::general);
  if (ec == std::errc::result_out_of_range) {
    if (nonzero && magnitude > 0) return NumStatus::kOutOfRange;
    value = negative ? -F{0} : F{0};
  } else if (ec != std::errc() || ptr != last) {
    return NumStatus::kSyntax;
  }
  if (value - value != value - value) return NumStatus::kOutOfRange;  // Rounded to infinity.
  *out = value;
  return NumStatus::kOk;
}

/// Any {fN} literal for the format {fmt}; {F} is the matching C++ type.
template <class F>
NumStatus parse_float(std::string_view s, FloatFormat fmt, uint64_t* out) {
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  const uint64_t sign = negative ? fmt.sign_bit() : 0;
  const uint64_t mant_mask = (uint64_t{1} << fmt.mant_bits) - 1;
  if (s == "inf") {
    *out = sign | fmt.exp_mask();
    return NumStatus::kOk;
  }
  if (s == "nan") {
    *out = sign | fmt.exp_mask() | (uint64_t{1} << (fmt.mant_bits - 1));
    return NumStatus::kOk;
  }
  if (s.substr(0, 6) == "nan:0x") {
    uint64_t payload = 0;
    bool overflow = false;
    size_t pos = 6;
    std::string digits;
    if (!scan_digits(s, &pos, true, &digits) || pos != s.size()) return NumStatus::kSyntax;
    overflow = !digits_to_u64(digits, true, &payload);
    if (overflow || payload == 0 || payload > mant_mask) return NumStatus::kOutOfRange;
    *out = sign | fmt.exp_mask() | payload;
    return NumStatus::kOk;
  }
  if (s.size() > 2 && s[0] == '0' && s[1] == 'x') {
    uint64_t bits = 0;
    const NumStatus status = parse_hex_float(s.substr(2), fmt, &bits);
    if (status == NumStatus::kOk) *out = sign | bits;
    return status;
  }
  F value{};
  const NumStatus status = parse_decimal_float(s, negative, &value);
  if (status != NumStatus::kOk) return status;
  if constexpr (sizeof(F) == 4) {
    uint32_t bits = 0;
    std::memcpy(&bits, &value, 4);
    *out = bits;
  } else {
    std::memcpy(out, &value, 8);
  }
  return NumStatus::kOk;
}

}  // namespace

NumStatus parse_unsigned(std::string_view text, uint64_t max, uint64_t* out) {
  uint64_t value = 0;
  bool overflow = false;
  if (!scan_unsigned(text, &value, &overflow)) return NumStatus::kSyntax;
  if (overflow || value > max) return NumStatus::kOutOfRange;
  *out = value;
  return NumStatus::kOk;
}

NumStatus parse_int(std::string_view text, unsigned bits, uint64_t* out) {
  bool negative = false;
  bool has_sign = false;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    negative = text[0] == '-';
    has_sign = true;
    text.remove_prefix(1);
  }
  if (has_sign && (text.empty() || text[0] == '+' || text[0] == '-')) return NumStatus::kSyntax;
  uint64_t magnitude = 0;
  bool overflow = false;
  if (!scan_unsigned(text, &magnitude, &overflow)) return NumStatus::kSyntax;
  const uint64_t mask = bits >= 64 ? UINT64_MAX : (uint64_t{1} << bits) - 1;
  const uint64_t neg_limit = uint64_t{1} << (bits - 1);
  if (overflow || (negative ? magnitude > neg_limit : magnitude > mask)) {
    return NumStatus::kOutOfRange;
  }
  *out = (negative ? 0 - magnitude : magnitude) & mask;
  return NumStatus::kOk;
}

NumStatus parse_f32(std::string_view text, uint32_t* out) {
  uint64_t bits = 0;
  const NumStatus status = parse_float<float>(text, FloatFormat{23, 8}, &bits);
  if (status == NumStatus::kOk) *out = static_cast<uint32_t>(bits);
  return status;
}

NumStatus parse_f64(std::string_view text, uint64_t* out) {
  return parse_float<double>(text, FloatFormat{52, 11}, out);
}

}  // namespace wasmscope::internal
