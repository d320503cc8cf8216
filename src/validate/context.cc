// The module context and the small helpers every part of the validator shares.
#include <map>
#include <string>

#include "binary/type_canon.h"

#include "validate/internal.h"

namespace wasmscope::internal::validate_internal {

bool TypeList::operator==(const TypeList& other) const {
  if (size != other.size) return false;
  for (uint32_t i = 0; i < size; ++i) {
    if (data[i] != other.data[i]) return false;
  }
  return true;
}

TypeList single_type(ValType type) {
  // Typed references are not here: their block types keep their own storage.
  static constexpr ValType kTypes[] = {ValType::kI32,      ValType::kI64,  ValType::kF32,
                                       ValType::kF64,      ValType::kV128, ValType::kFuncRef,
                                       ValType::kExternRef, ValType::kExnRef};
  for (const ValType& t : kTypes) {
    if (t == type) return {&t, 1};
  }
  return {};  // Not a value type: the decoder never produces one.
}

ValType type_of_letter(char letter) {
  switch (letter) {
    case 'i':
      return ValType::kI32;
    case 'l':
      return ValType::kI64;
    case 'f':
      return ValType::kF32;
    case 'd':
      return ValType::kF64;
    case 'v':
      return ValType::kV128;
    default:
      return kUnknownType;
  }
}

Error unknown(uint32_t offset, const char* what, uint32_t index) {
  return invalid(offset, std::string("unknown ") + what + " " + std::to_string(index));
}

Error feature_disabled(uint32_t offset, const OpInfo& info) {
  return invalid(
      offset, std::string(info.text) + " requires the " + feature_name(info.feature) + " feature");
}

Error type_mismatch(uint32_t offset) {
  return invalid(offset, "type mismatch");
}

Result<void> check_valtype(const ModuleContext& ctx, uint32_t offset, ValType type,
                           uint32_t type_limit) {
  if (type == ValType::kV128 && !ctx.features.has(Feature::kSimd)) {
    return invalid(offset, "v128 requires the simd feature");
  }
  if (is_ref(type) && !ctx.features.has(Feature::kRefTypes)) {
    return invalid(offset, "reference types require the reference-types feature");
  }
  if (type == ValType::kExnRef && !ctx.features.has(Feature::kExceptions)) {
    return invalid(offset, "exnref requires the exceptions feature");
  }
  if (!type.is_short() && is_ref(type) && !ctx.features.has(Feature::kFuncRefs)) {
    return invalid(offset, "typed references require the function-references feature");
  }
  if (type.has_type_index() &&
      (type.type_index() >= ctx.type_count() || type.type_index() >= type_limit)) {
    return unknown(offset, "type", type.type_index());
  }
  return {};
}

bool ModuleContext::matches(ValType sub, ValType super) const {
  if (sub == kUnknownType || super == kUnknownType) return true;
  if (sub.kind() != super.kind()) return false;
  if (!is_ref(sub)) return true;
  if (sub.nullable() && !super.nullable()) return false;
  if (!super.has_type_index()) return true;
  if (!sub.has_type_index()) return false;
  const uint32_t a = sub.type_index();
  const uint32_t b = super.type_index();
  if (a == b) return true;
  return a < type_canon.size() && b < type_canon.size() && type_canon[a] == type_canon[b];
}

ModuleContext::ModuleContext(const Module& m, Features f) : module(m), features(f) {
  func_types.reserve(m.func_count());
  tables.reserve(m.table_count());
  globals.reserve(m.global_count());
  for (const Import& import : m.imports) {
    switch (import.kind) {
      case ExternKind::kFunc:
        func_types.push_back(import.func_type);
        break;
      case ExternKind::kTable:
        tables.push_back(import.table);
        break;
      case ExternKind::kMemory:
        ++memory_count;
        break;
      case ExternKind::kGlobal:
        globals.push_back(import.global);
        break;
      case ExternKind::kTag:
        tag_types.push_back(import.tag_type);
        break;
    }
  }
  for (const Function& func : m.functions)
    func_types.push_back(func.type);
  for (const TableType& table : m.tables)
    tables.push_back(table);
  for (const Global& global : m.globals)
    globals.push_back(global.type);
  tag_types.insert(tag_types.end(), m.tags.begin(), m.tags.end());
  memory_count += static_cast<uint32_t>(m.memories.size());
  declared_funcs.assign(func_types.size(), 0);
  data_count = m.data_count.value_or(0);
  addr = address_types(m);
  // Equivalent types get one id: keyed by structure, earlier types by their ids.
  std::map<TypeKey, uint32_t> ids;
  type_canon.reserve(m.types.size());
  for (uint32_t i = 0; i < m.types.size(); ++i) {
    auto [it, inserted] = ids.try_emplace(type_key(m.types[i], i, &type_canon),
                                          static_cast<uint32_t>(ids.size()));
    type_canon.push_back(it->second);
  }
}

}  // namespace wasmscope::internal::validate_internal
