// The module a text parse produces, with every index resolved and every expression already
// in binary form, and the writer that lays it out as the binary format's sections.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "wasmscope/types.h"

namespace wasmscope::internal {

using Bytes = std::vector<uint8_t>;

struct TextImport {
  std::string module;
  std::string field;
  ExternKind kind = ExternKind::kFunc;
  uint32_t type_index = 0;  ///< kFunc, kTag.
  TableType table;          ///< kTable.
  MemoryType memory;        ///< kMemory.
  GlobalType global;        ///< kGlobal.
};

/// A defined table; with typed function references its entries may start as {init}.
struct TextTable {
  TableType type;
  Bytes init;  ///< A constant expression ({end} included), or empty: null entries.
};

struct TextGlobal {
  GlobalType type;
  Bytes init;  ///< A constant expression, its {end} included.
};

struct TextExport {
  std::string name;
  ExternKind kind = ExternKind::kFunc;
  uint32_t index = 0;
};

enum class SegmentMode : uint8_t { kActive, kPassive, kDeclarative };

struct TextElem {
  SegmentMode mode = SegmentMode::kActive;
  uint32_t table = 0;
  Bytes offset;  ///< kActive: the offset expression, {end} included.
  ValType type = ValType::kFuncRef;
  /// Each item as an expression ({end} included). When every item is a plain {ref.func}
  /// and {type} is funcref, {func_indices} holds the indices and the compact form is written.
  std::vector<Bytes> items;
  std::vector<uint32_t> func_indices;
  bool all_ref_func = true;
};

struct TextData {
  SegmentMode mode = SegmentMode::kActive;
  uint32_t memory = 0;
  Bytes offset;  ///< kActive: the offset expression, {end} included.
  std::string bytes;
};

/// A branch hint ({@metadata.code.branch_hint}) on an {if} or {br_if} of a function.
struct TextBranchHint {
  uint32_t body_offset = 0;  ///< Of the instruction's opcode in {TextFunc::body}.
  uint8_t value = 0;         ///< 0 unlikely, 1 likely.
};

struct TextFunc {
  uint32_t type_index = 0;
  std::vector<ValType> locals;               ///< Declared locals, parameters excluded.
  Bytes body;                                ///< Instructions with the final {end}.
  std::vector<TextBranchHint> branch_hints;  ///< In ascending {body_offset}.
};

/// The module's sections in binary order ({kTag}: exception handling's, between memory and
/// global): the anchors a custom section is placed before or after.
enum class SectionKind : uint8_t {
  kType,
  kImport,
  kFunction,
  kTable,
  kMemory,
  kTag,
  kGlobal,
  kExport,
  kStart,
  kElem,
  kDataCount,
  kCode,
  kData,
  kCount,
};

/// A custom section written as an {(@custom ...)} annotation.
struct TextCustom {
  std::string name;
  std::string bytes;
  SectionKind anchor = SectionKind::kData;
  bool after = true;  ///< After {anchor} (else before it).
};

struct TextModule {
  std::vector<FuncType> types;
  std::vector<TextImport> imports;
  std::vector<TextFunc> funcs;
  std::vector<TextTable> tables;
  std::vector<MemoryType> memories;
  std::vector<TextGlobal> globals;
  std::vector<uint32_t> tags;  ///< Exception handling: each defined tag's type index.
  std::vector<TextExport> exports;
  std::optional<uint32_t> start;
  std::vector<TextElem> elems;
  std::vector<TextData> datas;
  bool uses_data_count = false;  ///< Some code uses memory.init or data.drop.
  /// For the {name} section: the module's identifier and the functions' (without "$"), so
  /// traps and stack captures of text modules show the names their authors wrote.
  std::optional<std::string> module_name;
  std::map<uint32_t, std::string> func_names;
  /// Function index to local index to name: only from {@name} annotations.
  std::map<uint32_t, std::map<uint32_t, std::string>> local_names;
  /// In text order; those at the same place keep it.
  std::vector<TextCustom> customs;
};

/// Lays {module} out in the binary format (magic, version, sections in their required order),
/// each custom section at its place, the branch hints ({metadata.code.branch_hint}) just
/// before the code section and the {name} section last.
Bytes encode_module(const TextModule& module);

/// Appends {value} as unsigned / signed LEB128 to {out}.
void put_uleb(Bytes* out, uint64_t value);
void put_sleb(Bytes* out, int64_t value);

/// Appends the heap type of reference type {t}: an abstract type's byte (func 0x70, extern
/// 0x6f, exn 0x69) or its type index as an s33.
void put_heap_type(Bytes* out, ValType t);
/// Appends value type {t}: its one byte when {t.is_short()}, else 0x63 (ref null) or 0x64
/// (ref) and its heap type.
void put_valtype(Bytes* out, ValType t);

}  // namespace wasmscope::internal
