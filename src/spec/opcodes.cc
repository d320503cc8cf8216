#include "spec/opcodes.h"

#include <algorithm>
#include <array>

namespace wasmscope::internal {

namespace opcodes_internal {

// Every row's mnemonic, params and results, one after the other: one string literal.
constexpr char kText[] =
#define WASM_OP(prefix, code, name, text, imm, params, results, feature, arg) text params results
#include "spec/opcodes.def"
#undef WASM_OP
    ;

namespace {
/// The table as written in opcodes.def, with the strings' lengths in place of the strings.
struct Source {
  uint8_t prefix;
  uint32_t code;
  ImmKind imm;
  Feature feature;
  uint8_t arg;
  size_t text_size, params_size, results_size;
};
constexpr Source kSource[] = {
#define WASM_OP(prefix, code, name, text, imm, params, results, feature, arg)                 \
  {prefix, code, ImmKind::k##imm, Feature::k##feature, arg, sizeof(text) - 1, sizeof(params) - 1, \
   sizeof(results) - 1},
#include "spec/opcodes.def"
#undef WASM_OP
};
static_assert(std::size(kSource) == kOpCount);

constexpr std::array<Row, kOpCount> build_rows() {
  std::array<Row, kOpCount> rows{};
  size_t offset = 0;
  for (size_t i = 0; i < kOpCount; ++i) {
    const Source& s = kSource[i];
    rows[i] = Row{s.code,
                  static_cast<uint16_t>(offset),
                  static_cast<uint8_t>(s.text_size),
                  s.prefix,
                  s.imm,
                  static_cast<uint8_t>(s.params_size),
                  static_cast<uint8_t>(s.results_size),
                  s.arg,
                  s.feature};
    offset += s.text_size + s.params_size + s.results_size;
  }
  return rows;
}

/// The offsets fit their fields and add up to the literal the preprocessor joined.
constexpr bool rows_match_text() {
  size_t offset = 0;
  for (const Source& s : kSource) {
    if (offset > UINT16_MAX || s.text_size > UINT8_MAX || s.params_size > UINT8_MAX ||
        s.results_size > UINT8_MAX) {
      return false;
    }
    offset += s.text_size + s.params_size + s.results_size;
  }
  return offset == sizeof(kText) - 1;
}
static_assert(rows_match_text());
}  // namespace

constexpr std::array<Row, kOpCount> kRows = build_rows();

}  // namespace opcodes_internal

namespace {

using opcodes_internal::kRows;
using opcodes_internal::kText;

constexpr uint16_t kNoOp = 0xffff;

constexpr std::string_view text_of(unsigned op) { return {kText + kRows[op].text, kRows[op].text_size}; }

/// Dense lookup tables per prefix (code -> Op, kNoOp where unassigned) and the ops sorted by
/// mnemonic, computed by the compiler: read-only data, nothing to build at run time.
struct Lookup {
  std::array<uint16_t, 256> single{};
  std::array<uint16_t, 512> fc{};
  std::array<uint16_t, 512> fd{};
  std::array<uint16_t, 512> fe{};
  std::array<uint16_t, kOpCount> by_text{};
};

constexpr Lookup build_lookup() {
  Lookup l;
  l.single.fill(kNoOp);
  l.fc.fill(kNoOp);
  l.fd.fill(kNoOp);
  l.fe.fill(kNoOp);
  for (unsigned i = 0; i < kOpCount; ++i) {
    const opcodes_internal::Row& row = kRows[i];
    std::array<uint16_t, 512>* table = row.prefix == 0xfc   ? &l.fc
                                       : row.prefix == 0xfd ? &l.fd
                                       : row.prefix == 0xfe ? &l.fe
                                                            : nullptr;
    if (row.prefix == 0) {
      if (row.code < l.single.size()) l.single[row.code] = static_cast<uint16_t>(i);
    } else if (table != nullptr && row.code < table->size()) {
      (*table)[row.code] = static_cast<uint16_t>(i);
    }
    l.by_text[i] = static_cast<uint16_t>(i);
  }
  std::sort(l.by_text.begin(), l.by_text.end(),
            [](uint16_t a, uint16_t b) { return text_of(a) < text_of(b); });
  return l;
}

constexpr Lookup kLookup = build_lookup();

}  // namespace

bool find_op(uint8_t prefix, uint32_t code, Op* out) {
  const Lookup& l = kLookup;
  uint16_t index = kNoOp;
  if (prefix == 0) {
    if (code < 256) index = l.single[code];
  } else {
    const std::array<uint16_t, 512>* table = prefix == 0xfc   ? &l.fc
                                             : prefix == 0xfd ? &l.fd
                                             : prefix == 0xfe ? &l.fe
                                                              : nullptr;
    if (table && code < table->size()) index = (*table)[code];
  }
  if (index == kNoOp) return false;
  *out = static_cast<Op>(index);
  return true;
}

bool find_op_by_text(std::string_view text, Op* out) {
  const auto& sorted = kLookup.by_text;
  auto it = std::lower_bound(sorted.begin(), sorted.end(), text,
                             [](uint16_t a, std::string_view t) { return text_of(a) < t; });
  if (it == sorted.end() || text_of(*it) != text) return false;
  *out = static_cast<Op>(*it);
  return true;
}

}  // namespace wasmscope::internal
