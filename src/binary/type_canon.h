// Type equivalence for typed function references (3.0 without GC): every function type is its
// own recursion group, so two types are the same when their structure is, with the types they
// refer to compared by identity in turn. A type's canonical key replaces each concrete heap type
// by the canonical id of the type it names (a reference to the type itself by a marker), so
// equal keys mean equivalent types, within a module and across modules.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "wasmscope/types.h"

namespace wasmscope::internal {

/// One value type of a key: kind, nullability and (concrete) the canonical id it refers to.
using TypeKeyElem = uint64_t;
using TypeKey = std::pair<std::vector<TypeKeyElem>, std::vector<TypeKeyElem>>;

/// The key of {type}, defined at index {self} of a module whose earlier types have canonical
/// ids {ids} (ids[j] for j < self). A concrete index not below {self} (the type itself, or
/// one the validator refuses) keys by its distance from {self}; with {ids} null (a host's type,
/// which has no module) concrete indices key as they are.
inline TypeKeyElem type_key_elem(ValType t, uint32_t self, const std::vector<uint32_t>* ids) {
  TypeKeyElem key = static_cast<uint8_t>(t.kind()) | (t.nullable() ? 0x100u : 0u);
  if (!t.has_type_index()) return key;
  const uint32_t index = t.type_index();
  if (ids == nullptr) return key | 0x200u | (TypeKeyElem{index} << 32);
  if (index < self && index < ids->size()) return key | 0x400u | (TypeKeyElem{(*ids)[index]} << 32);
  return key | 0x800u | (TypeKeyElem{index - self} << 32);
}

inline TypeKey type_key(const FuncType& type, uint32_t self, const std::vector<uint32_t>* ids) {
  TypeKey key;
  key.first.reserve(type.params.size());
  key.second.reserve(type.results.size());
  for (ValType t : type.params) key.first.push_back(type_key_elem(t, self, ids));
  for (ValType t : type.results) key.second.push_back(type_key_elem(t, self, ids));
  return key;
}

}  // namespace wasmscope::internal
