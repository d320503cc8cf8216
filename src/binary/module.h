// The decoded form of a module: what the binary says, before validation.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "wasmscope/types.h"

namespace wasmscope::internal {

/// A half-open byte range [{begin}, {end}) inside {Module::bytes}. Offsets, not pointers, so a
/// Module can be moved freely.
struct ByteRange {
  uint32_t begin = 0;
  uint32_t end = 0;
  uint32_t size() const { return end - begin; }
};

/// A constant expression, kept as its bytes (instructions and the final {end}); the validator
/// types it and the runtime evaluates it.
struct ConstExpr {
  ByteRange range;
};

struct Import {
  std::string module;
  std::string name;
  ExternKind kind = ExternKind::kFunc;
  uint32_t func_type = 0;  ///< kFunc: type index.
  TableType table;         ///< kTable.
  MemoryType memory;       ///< kMemory.
  GlobalType global;       ///< kGlobal.
  uint32_t tag_type = 0;   ///< kTag: type index (a function type with no results).
  uint32_t offset = 0;     ///< Byte offset of the import entry.
};

struct Export {
  std::string name;
  ExternKind kind = ExternKind::kFunc;
  uint32_t index = 0;
  uint32_t offset = 0;
};

struct Global {
  GlobalType type;
  ConstExpr init;
};

enum class SegmentMode : uint8_t { kActive, kPassive, kDeclarative };

struct ElemSegment {
  SegmentMode mode = SegmentMode::kActive;
  uint32_t table = 0;
  ConstExpr offset;           ///< kActive only.
  ValType type = ValType::kFuncRef;
  /// The encoding used: either function indices or constant expressions.
  bool uses_exprs = false;
  std::vector<uint32_t> funcs;       ///< When !{uses_exprs}.
  std::vector<ConstExpr> exprs;      ///< When {uses_exprs}.
  uint32_t offset_in_module = 0;     ///< Byte offset of the segment.
  uint32_t size() const {
    return static_cast<uint32_t>(uses_exprs ? exprs.size() : funcs.size());
  }
};

struct DataSegment {
  SegmentMode mode = SegmentMode::kActive;
  uint32_t memory = 0;
  ConstExpr offset;    ///< kActive only.
  ByteRange init;
  uint32_t offset_in_module = 0;
};

/// A run of locals of one type, as declared in a function body.
struct LocalRun {
  uint32_t count = 0;
  ValType type = ValType::kI32;
};

/// A defined function: its type and its body.
struct Function {
  uint32_t type = 0;
  std::vector<LocalRun> locals;
  uint32_t local_count = 0;   ///< Sum of {locals} counts (parameters not included).
  ByteRange code;             ///< Instructions, from after the local declarations to and
                              ///< including the final {end}.
  ByteRange body;             ///< The whole body entry after its size: locals and code.
};

struct CustomSection {
  std::string name;
  ByteRange data;             ///< The payload after the name.
  uint32_t offset = 0;        ///< Byte offset of the section id.
};

/// The {name} custom section's content.
struct NameSection {
  std::optional<std::string> module;
  std::map<uint32_t, std::string> functions;
  std::map<uint32_t, std::map<uint32_t, std::string>> locals;
};

/// A decoded module. Owns its bytes; every {ByteRange} indexes into {bytes}.
struct Module {
  std::vector<uint8_t> bytes;

  std::vector<FuncType> types;
  std::vector<Import> imports;
  std::vector<Function> functions;   ///< Defined functions only (imports come first in the
                                     ///< index space).
  std::vector<TableType> tables;     ///< Defined tables only.
  /// Per defined table: its initial value's expression (typed function references), or an
  /// empty range for the default, null.
  std::vector<ConstExpr> table_inits;
  std::vector<MemoryType> memories;  ///< Defined memories only.
  std::vector<Global> globals;       ///< Defined globals only.
  std::vector<uint32_t> tags;        ///< Defined tags only (exception handling): type indices.
  std::vector<Export> exports;
  std::optional<uint32_t> start;
  std::vector<ElemSegment> elems;
  std::vector<DataSegment> datas;
  std::optional<uint32_t> data_count;
  std::vector<CustomSection> customs;
  NameSection names;

  // Counts of imports per kind, so index spaces can be resolved without scanning.
  uint32_t imported_funcs = 0;
  uint32_t imported_tables = 0;
  uint32_t imported_memories = 0;
  uint32_t imported_globals = 0;
  uint32_t imported_tags = 0;

  uint32_t func_count() const { return imported_funcs + static_cast<uint32_t>(functions.size()); }
  uint32_t table_count() const { return imported_tables + static_cast<uint32_t>(tables.size()); }
  uint32_t memory_count() const {
    return imported_memories + static_cast<uint32_t>(memories.size());
  }
  uint32_t global_count() const {
    return imported_globals + static_cast<uint32_t>(globals.size());
  }

  /// The initializer of defined table {defined}, or null for the default (null references).
  const ConstExpr* table_init(uint32_t defined) const {
    if (defined >= table_inits.size() || table_inits[defined].range.size() == 0) return nullptr;
    return &table_inits[defined];
  }

  uint32_t tag_count() const { return imported_tags + static_cast<uint32_t>(tags.size()); }
  /// The type index of tag {index} (imports first); {index} < {tag_count()}.
  uint32_t tag_type(uint32_t index) const {
    if (index >= imported_tags) return tags[index - imported_tags];
    for (const Import& import : imports) {
      if (import.kind == ExternKind::kTag && index-- == 0) return import.tag_type;
    }
    return 0;
  }
  const uint8_t* at(uint32_t offset) const { return bytes.data() + offset; }
};

}  // namespace wasmscope::internal
