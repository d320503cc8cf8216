#include "text/encoder.h"

#include "base/leb128.h"

namespace wasmscope::internal {
namespace {

enum SectionId : uint8_t {
  kTypeSection = 1,
  kImportSection = 2,
  kFunctionSection = 3,
  kTableSection = 4,
  kMemorySection = 5,
  kGlobalSection = 6,
  kExportSection = 7,
  kStartSection = 8,
  kElementSection = 9,
  kCodeSection = 10,
  kDataSection = 11,
  kDataCountSection = 12,
  kTagSection = 13,
};

void put_bytes(Bytes* out, const Bytes& bytes) {
  out->insert(out->end(), bytes.begin(), bytes.end());
}

void put_name(Bytes* out, const std::string& name) {
  put_uleb(out, name.size());
  out->insert(out->end(), name.begin(), name.end());
}

void put_limits(Bytes* out, const Limits& limits) {
  uint8_t flags = limits.max ? 0x01 : 0x00;
  if (limits.shared) flags |= 0x02;
  if (limits.is64) flags |= 0x04;
  out->push_back(flags);
  put_uleb(out, limits.min);
  if (limits.max) put_uleb(out, *limits.max);
}

void put_table_type(Bytes* out, const TableType& t) {
  put_valtype(out, t.elem);
  put_limits(out, t.limits);
}

/// A table: its type alone, or (typed function references) 0x40 0x00, the type and the
/// expression its entries start as.
void put_table(Bytes* out, const TextTable& t) {
  if (t.init.empty()) return put_table_type(out, t.type);
  out->push_back(0x40);
  out->push_back(0x00);
  put_table_type(out, t.type);
  put_bytes(out, t.init);
}

void put_global_type(Bytes* out, const GlobalType& t) {
  put_valtype(out, t.type);
  out->push_back(t.mut ? 1 : 0);
}

/// Appends section {id} holding {count} entries written by {write_entry}.
template <class Vec, class Fn>
void put_vector_section(Bytes* out, uint8_t id, const Vec& entries, Fn write_entry) {
  if (entries.empty()) return;
  Bytes payload;
  put_uleb(&payload, entries.size());
  for (const auto& entry : entries)
    write_entry(&payload, entry);
  out->push_back(id);
  put_uleb(out, payload.size());
  put_bytes(out, payload);
}

void put_func_type(Bytes* out, const FuncType& type) {
  out->push_back(0x60);
  put_uleb(out, type.params.size());
  for (ValType t : type.params)
    put_valtype(out, t);
  put_uleb(out, type.results.size());
  for (ValType t : type.results)
    put_valtype(out, t);
}

void put_import(Bytes* out, const TextImport& import) {
  put_name(out, import.module);
  put_name(out, import.field);
  out->push_back(static_cast<uint8_t>(import.kind));
  switch (import.kind) {
    case ExternKind::kFunc:
      put_uleb(out, import.type_index);
      break;
    case ExternKind::kTable:
      put_table_type(out, import.table);
      break;
    case ExternKind::kMemory:
      put_limits(out, import.memory.limits);
      break;
    case ExternKind::kGlobal:
      put_global_type(out, import.global);
      break;
    case ExternKind::kTag:
      out->push_back(0x00);  // an exception
      put_uleb(out, import.type_index);
      break;
  }
}

/// The element segment in the smallest of the eight encodings that holds it. Function indices
/// are of type {(ref func)}; only an expression encoding names an element type, and the active
/// one without a table index implies {funcref} (a nullable abstract one).
void put_elem(Bytes* out, const TextElem& elem) {
  const bool funcref = elem.type == ValType(ValType::kFuncRef);  // the whole type, not its kind
  const bool exprs = !(elem.all_ref_func && elem.type == ValType::ref(ValType::kFuncRef, false));
  uint8_t flags = exprs ? 0x04 : 0x00;
  if (elem.mode == SegmentMode::kPassive) flags |= 0x01;
  if (elem.mode == SegmentMode::kDeclarative) flags |= 0x03;
  const bool explicit_table =
      elem.mode == SegmentMode::kActive && (elem.table != 0 || (exprs && !funcref));
  if (explicit_table) flags |= 0x02;
  out->push_back(flags);
  if (explicit_table) put_uleb(out, elem.table);
  if (elem.mode == SegmentMode::kActive) put_bytes(out, elem.offset);
  if (elem.mode != SegmentMode::kActive || explicit_table) {
    if (exprs) {
      put_valtype(out, elem.type);
    } else {
      out->push_back(0x00);  // elemkind funcref
    }
  }
  if (exprs) {
    put_uleb(out, elem.items.size());
    for (const Bytes& item : elem.items)
      put_bytes(out, item);
  } else {
    put_uleb(out, elem.func_indices.size());
    for (uint32_t index : elem.func_indices)
      put_uleb(out, index);
  }
}

void put_data(Bytes* out, const TextData& data) {
  if (data.mode == SegmentMode::kPassive) {
    out->push_back(0x01);
  } else if (data.memory != 0) {
    out->push_back(0x02);
    put_uleb(out, data.memory);
    put_bytes(out, data.offset);
  } else {
    out->push_back(0x00);
    put_bytes(out, data.offset);
  }
  put_uleb(out, data.bytes.size());
  out->insert(out->end(), data.bytes.begin(), data.bytes.end());
}

/// The locals vector of a code entry: runs of one type.
void put_locals(Bytes* out, const std::vector<ValType>& locals) {
  std::vector<std::pair<uint32_t, ValType>> runs;
  for (ValType t : locals) {
    if (!runs.empty() && runs.back().second == t) {
      ++runs.back().first;
    } else {
      runs.emplace_back(1, t);
    }
  }
  put_uleb(out, runs.size());
  for (const auto& [count, type] : runs) {
    put_uleb(out, count);
    put_valtype(out, type);
  }
}

void put_code(Bytes* out, const TextFunc& func) {
  Bytes body;
  put_locals(&body, func.locals);
  put_bytes(&body, func.body);
  put_uleb(out, body.size());
  put_bytes(out, body);
}

/// Appends a custom section whose {payload} starts with its name.
void put_custom_section(Bytes* out, const Bytes& payload) {
  out->push_back(0);
  put_uleb(out, payload.size());
  put_bytes(out, payload);
}

/// The size of the locals vector that precedes {func}'s instructions in its code entry.
uint32_t locals_size(const TextFunc& func) {
  Bytes locals;
  put_locals(&locals, func.locals);
  return static_cast<uint32_t>(locals.size());
}

/// The {metadata.code.branch_hint} section (branch hinting): for each function with hints,
/// its index and its hints, each the offset of the instruction from the start of the body
/// (its locals vector), the size 1 and the hint byte.
void put_branch_hint_section(Bytes* out, const TextModule& m, uint32_t imported_funcs) {
  Bytes funcs;
  uint32_t count = 0;
  for (size_t i = 0; i < m.funcs.size(); ++i) {
    const TextFunc& func = m.funcs[i];
    if (func.branch_hints.empty()) continue;
    ++count;
    put_uleb(&funcs, imported_funcs + i);
    put_uleb(&funcs, func.branch_hints.size());
    const uint32_t base = locals_size(func);
    for (const TextBranchHint& hint : func.branch_hints) {
      put_uleb(&funcs, base + hint.body_offset);
      put_uleb(&funcs, 1);
      funcs.push_back(hint.value);
    }
  }
  if (count == 0) return;
  Bytes payload;
  put_name(&payload, "metadata.code.branch_hint");
  put_uleb(&payload, count);
  put_bytes(&payload, funcs);
  put_custom_section(out, payload);
}

/// The {name} custom section: module name (subsection 0), function names (1) and local
/// names (2), written only when the text named something.
void put_name_section(Bytes* out, const TextModule& m) {
  if (!m.module_name && m.func_names.empty() && m.local_names.empty()) return;
  Bytes payload;
  put_name(&payload, "name");
  auto put_subsection = [&payload](uint8_t id, const Bytes& content) {
    payload.push_back(id);
    put_uleb(&payload, content.size());
    put_bytes(&payload, content);
  };
  if (m.module_name) {
    Bytes content;
    put_name(&content, *m.module_name);
    put_subsection(0, content);
  }
  if (!m.func_names.empty()) {
    Bytes content;
    put_uleb(&content, m.func_names.size());
    for (const auto& [index, name] : m.func_names) {  // std::map: ascending indices
      put_uleb(&content, index);
      put_name(&content, name);
    }
    put_subsection(1, content);
  }
  if (!m.local_names.empty()) {
    Bytes content;
    put_uleb(&content, m.local_names.size());
    for (const auto& [func, locals] : m.local_names) {
      put_uleb(&content, func);
      put_uleb(&content, locals.size());
      for (const auto& [index, name] : locals) {
        put_uleb(&content, index);
        put_name(&content, name);
      }
    }
    put_subsection(2, content);
  }
  put_custom_section(out, payload);
}

/// The custom sections written at one side of {anchor}, in text order.
void put_customs(Bytes* out, const TextModule& m, SectionKind anchor, bool after) {
  for (const TextCustom& custom : m.customs) {
    if (custom.anchor != anchor || custom.after != after) continue;
    Bytes payload;
    put_name(&payload, custom.name);
    payload.insert(payload.end(), custom.bytes.begin(), custom.bytes.end());
    put_custom_section(out, payload);
  }
}

/// Appends the standard section {kind} of {m}, if it has one.
void put_standard_section(Bytes* out, const TextModule& m, SectionKind kind) {
  switch (kind) {
    case SectionKind::kType:
      return put_vector_section(out, kTypeSection, m.types, put_func_type);
    case SectionKind::kImport:
      return put_vector_section(out, kImportSection, m.imports, put_import);
    case SectionKind::kFunction:
      return put_vector_section(out, kFunctionSection, m.funcs,
                                [](Bytes* o, const TextFunc& f) { put_uleb(o, f.type_index); });
    case SectionKind::kTable:
      return put_vector_section(out, kTableSection, m.tables, put_table);
    case SectionKind::kMemory:
      return put_vector_section(out, kMemorySection, m.memories,
                                [](Bytes* o, const MemoryType& t) { put_limits(o, t.limits); });
    case SectionKind::kTag:
      return put_vector_section(out, kTagSection, m.tags, [](Bytes* o, uint32_t type_index) {
        o->push_back(0x00);  // attribute: an exception
        put_uleb(o, type_index);
      });
    case SectionKind::kCount:
      return;
    case SectionKind::kGlobal:
      return put_vector_section(out, kGlobalSection, m.globals, [](Bytes* o, const TextGlobal& g) {
        put_global_type(o, g.type);
        put_bytes(o, g.init);
      });
    case SectionKind::kExport:
      return put_vector_section(out, kExportSection, m.exports, [](Bytes* o, const TextExport& e) {
        put_name(o, e.name);
        o->push_back(static_cast<uint8_t>(e.kind));
        put_uleb(o, e.index);
      });
    case SectionKind::kStart:
      if (m.start) {
        Bytes payload;
        put_uleb(&payload, *m.start);
        out->push_back(kStartSection);
        put_uleb(out, payload.size());
        put_bytes(out, payload);
      }
      return;
    case SectionKind::kElem:
      return put_vector_section(out, kElementSection, m.elems, put_elem);
    case SectionKind::kDataCount:
      if (m.uses_data_count) {
        Bytes payload;
        put_uleb(&payload, m.datas.size());
        out->push_back(kDataCountSection);
        put_uleb(out, payload.size());
        put_bytes(out, payload);
      }
      return;
    case SectionKind::kCode: {
      uint32_t imported_funcs = 0;
      for (const TextImport& import : m.imports) {
        if (import.kind == ExternKind::kFunc) ++imported_funcs;
      }
      put_branch_hint_section(out, m, imported_funcs);
      return put_vector_section(out, kCodeSection, m.funcs, put_code);
    }
    case SectionKind::kData:
      return put_vector_section(out, kDataSection, m.datas, put_data);
  }
}

}  // namespace

void put_uleb(Bytes* out, uint64_t value) {
  uint8_t buffer[10];
  const size_t n = write_uleb(value, buffer);
  out->insert(out->end(), buffer, buffer + n);
}

void put_sleb(Bytes* out, int64_t value) {
  uint8_t buffer[10];
  const size_t n = write_sleb(value, buffer);
  out->insert(out->end(), buffer, buffer + n);
}

void put_heap_type(Bytes* out, ValType t) {
  if (t.has_type_index()) {
    put_sleb(out, t.type_index());  // an s33: non-negative, so 64 and up take two bytes
  } else {
    out->push_back(static_cast<uint8_t>(t.kind()));
  }
}

void put_valtype(Bytes* out, ValType t) {
  if (t.is_short()) {
    out->push_back(static_cast<uint8_t>(t.kind()));
    return;
  }
  out->push_back(t.nullable() ? 0x63 : 0x64);
  put_heap_type(out, t);
}

Bytes encode_module(const TextModule& m) {
  Bytes out = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  for (int k = 0; k < static_cast<int>(SectionKind::kCount); ++k) {
    const auto kind = static_cast<SectionKind>(k);
    put_customs(&out, m, kind, false);
    put_standard_section(&out, m, kind);
    put_customs(&out, m, kind, true);
  }
  put_name_section(&out, m);
  return out;
}

}  // namespace wasmscope::internal
