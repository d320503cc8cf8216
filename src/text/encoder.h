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
  uint32_t type_index = 0;  ///< kFunc.
  TableType table;          ///< kTable.
  MemoryType memory;        ///< kMemory.
  GlobalType global;        ///< kGlobal.
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

struct TextFunc {
  uint32_t type_index = 0;
  std::vector<ValType> locals;  ///< Declared locals, parameters excluded.
  Bytes body;                   ///< Instructions with the final {end}.
};

struct TextModule {
  std::vector<FuncType> types;
  std::vector<TextImport> imports;
  std::vector<TextFunc> funcs;
  std::vector<TableType> tables;
  std::vector<MemoryType> memories;
  std::vector<TextGlobal> globals;
  std::vector<TextExport> exports;
  std::optional<uint32_t> start;
  std::vector<TextElem> elems;
  std::vector<TextData> datas;
  bool uses_data_count = false;  ///< Some code uses memory.init or data.drop.
  /// For the {name} section: the module's identifier and the functions' (without "$"), so
  /// traps and stack captures of text modules show the names their authors wrote.
  std::optional<std::string> module_name;
  std::map<uint32_t, std::string> func_names;
};

/// Lays {module} out in the binary format (magic, version, sections in their required order).
Bytes encode_module(const TextModule& module);

/// Appends {value} as unsigned / signed LEB128 to {out}.
void put_uleb(Bytes* out, uint64_t value);
void put_sleb(Bytes* out, int64_t value);

}  // namespace wasmscope::internal
