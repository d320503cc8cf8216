#include "tools/format.h"

#include <string_view>

#include "binary/disassembler.h"

namespace wasmscope::internal::tools {
namespace {

std::string format_valtypes(const std::vector<ValType>& types) {
  std::string out;
  for (size_t i = 0; i < types.size(); ++i) {
    if (i != 0) out += ", ";
    out += internal::valtype_text(types[i]);
  }
  return out;
}

}  // namespace

std::string format_functype(const FuncType& type) {
  return cat("(", format_valtypes(type.params), ") -> (", format_valtypes(type.results), ")");
}

std::string format_limits(const Limits& limits) {
  std::string out = cat(limits.is64 ? "i64 min " : "min ", std::to_string(limits.min));
  if (limits.max) out += cat(" max ", std::to_string(*limits.max));
  if (limits.shared) out += " shared";
  return out;
}

std::string format_table_type(const TableType& type) {
  return internal::valtype_text(type.elem) + " " + format_limits(type.limits);
}

std::string format_global_type(const GlobalType& type) {
  return std::string(type.mut ? "mut " : "") + internal::valtype_text(type.type);
}

const char* segment_mode_name(SegmentMode mode) {
  switch (mode) {
    case SegmentMode::kActive:
      return "active";
    case SegmentMode::kPassive:
      return "passive";
    case SegmentMode::kDeclarative:
      return "declarative";
  }
  return "?";
}

std::string format_const_expr(const Module& module, const ConstExpr& expr) {
  std::string listing;
  if (!disassemble(module, expr.range, &listing).ok()) return "<undecodable>";
  // The listing has one "offset: instruction" line per instruction; keep the instructions but
  // the final {end}.
  std::string out;
  size_t pos = 0;
  while (pos < listing.size()) {
    size_t eol = listing.find('\n', pos);
    if (eol == std::string::npos) eol = listing.size();
    std::string_view line(listing.data() + pos, eol - pos);
    pos = eol + 1;
    const size_t colon = line.find(':');
    if (colon != std::string_view::npos) line.remove_prefix(colon + 1);
    while (!line.empty() && line.front() == ' ')
      line.remove_prefix(1);
    if (line == "end" && pos >= listing.size()) break;
    if (!out.empty()) out += "; ";
    out += line;
  }
  return out;
}

namespace {
constexpr Feature kAllFeatures[] = {Feature::kSignExt,    Feature::kSatConv,  Feature::kMultiValue,
                                    Feature::kBulkMemory, Feature::kRefTypes, Feature::kSimd,
                                    Feature::kThreads,    Feature::kTailCall, Feature::kExtendedConst,
                                    Feature::kRelaxedSimd, Feature::kMultiMemory, Feature::kMemory64,
                                    Feature::kExceptions};
}  // namespace

std::optional<Feature> feature_by_name(std::string_view name) {
  for (Feature feature : kAllFeatures) {
    if (name == feature_name(feature)) return feature;
  }
  return std::nullopt;
}

std::string feature_names() {
  std::string out;
  for (Feature feature : kAllFeatures)
    out += cat(out.empty() ? "" : ", ", feature_name(feature));
  return out;
}

std::string function_name(const Module& module, uint32_t index) {
  auto it = module.names.functions.find(index);
  return it == module.names.functions.end() ? std::string() : it->second;
}

std::optional<uint32_t> function_type_index(const Module& module, uint32_t index) {
  if (index < module.imported_funcs) {
    uint32_t seen = 0;
    for (const Import& import : module.imports) {
      if (import.kind != ExternKind::kFunc) continue;
      if (seen++ == index) return import.func_type;
    }
    return std::nullopt;
  }
  const uint64_t defined = uint64_t{index} - module.imported_funcs;
  if (defined >= module.functions.size()) return std::nullopt;
  return module.functions[defined].type;
}

}  // namespace wasmscope::internal::tools
