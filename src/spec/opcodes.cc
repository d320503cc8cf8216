#include "spec/opcodes.h"

#include <algorithm>
#include <array>

namespace wasmscope::internal {
namespace {

constexpr OpInfo kOpTable[] = {
#define WASM_OP(prefix, code, name, text, imm, params, results, feature, arg) \
  {prefix, code, text, ImmKind::k##imm, params, results, Feature::k##feature, arg},
#include "spec/opcodes.def"
#undef WASM_OP
};
static_assert(std::size(kOpTable) == kOpCount);

constexpr uint16_t kNoOp = 0xffff;

/// Dense lookup tables per prefix: code -> Op (kNoOp where unassigned).
struct Lookup {
  std::array<uint16_t, 256> single{};
  std::array<uint16_t, 512> fc{};
  std::array<uint16_t, 512> fd{};
  std::array<uint16_t, 512> fe{};
  std::array<uint16_t, kOpCount> by_text{};  // Op indices sorted by mnemonic.

  Lookup() {
    single.fill(kNoOp);
    fc.fill(kNoOp);
    fd.fill(kNoOp);
    fe.fill(kNoOp);
    for (unsigned i = 0; i < kOpCount; ++i) {
      const OpInfo& info = kOpTable[i];
      if (info.prefix == 0) {
        if (info.code < single.size()) single[info.code] = static_cast<uint16_t>(i);
      } else if (auto* table = prefix_table(info.prefix); table && info.code < table->size()) {
        (*table)[info.code] = static_cast<uint16_t>(i);
      }
      by_text[i] = static_cast<uint16_t>(i);
    }
    std::sort(by_text.begin(), by_text.end(),
              [](uint16_t a, uint16_t b) { return kOpTable[a].text < kOpTable[b].text; });
  }

  std::array<uint16_t, 512>* prefix_table(uint8_t prefix) {
    switch (prefix) {
      case 0xfc: return &fc;
      case 0xfd: return &fd;
      case 0xfe: return &fe;
      default: return nullptr;
    }
  }
};

const Lookup& lookup() {
  static const Lookup instance;
  return instance;
}

}  // namespace

const OpInfo& op_info(Op op) { return kOpTable[static_cast<unsigned>(op)]; }

bool find_op(uint8_t prefix, uint32_t code, Op* out) {
  const Lookup& l = lookup();
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
  const auto& sorted = lookup().by_text;
  auto it = std::lower_bound(sorted.begin(), sorted.end(), text,
                             [](uint16_t a, std::string_view t) { return kOpTable[a].text < t; });
  if (it == sorted.end() || kOpTable[*it].text != text) return false;
  *out = static_cast<Op>(*it);
  return true;
}

}  // namespace wasmscope::internal
