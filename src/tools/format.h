// Text renderings of module parts for the CLI: signatures, limits, segment modes, names.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "binary/module.h"
#include "wasmscope/features.h"
#include "wasmscope/types.h"

namespace wasmscope::internal::tools {

/// Concatenates strings and string literals. (Used instead of {"literal" + std::string&&},
/// which GCC 12 misreports under -Wrestrict at -O2, GCC bug 105651.)
template <class... Parts>
std::string cat(const Parts&... parts) {
  std::string out;
  (out.append(parts), ...);
  return out;
}

/// "(i32, i64) -> (f32)".
std::string format_functype(const FuncType& type);
/// "min 1 max 2 shared", "min 0".
std::string format_limits(const Limits& limits);
/// "funcref min 1 max 10".
std::string format_table_type(const TableType& type);
/// "mut i32", "i64".
std::string format_global_type(const GlobalType& type);
/// "passive", "active", "declarative".
const char* segment_mode_name(SegmentMode mode);

/// The instructions of {expr} without the final {end}, "i32.const 16" (through the binary
/// library's {disassemble}); "<undecodable>" when the bytes do not decode.
std::string format_const_expr(const Module& module, const ConstExpr& expr);

/// The feature called {name} ("threads", "reference-types", ... as {feature_name} spells it).
std::optional<Feature> feature_by_name(std::string_view name);
/// The names of all features, comma-separated, for help texts and errors.
std::string feature_names();

/// The name of function {index} from the name section, or "" when it has none.
std::string function_name(const Module& module, uint32_t index);

/// Type index of function {index} (imports first), or nullopt when out of range.
std::optional<uint32_t> function_type_index(const Module& module, uint32_t index);

}  // namespace wasmscope::internal::tools
