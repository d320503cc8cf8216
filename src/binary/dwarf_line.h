// The DWARF line-number table ({.debug_line}) of a module, mapping code offsets to source lines.
//
// Written from the DWARF 4 and 5 specifications (section 6.2). Addresses in WebAssembly DWARF
// are offsets from the start of the Code section's content: the byte after the section id and
// the section-size LEB, where the function count begins. A function's first row has the
// offset of its body (its local declarations, after the body-size LEB). {LineTable} converts:
// module byte offset = code content start + DWARF address.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "binary/module.h"
#include "wasmscope/result.h"

namespace wasmscope::internal {

/// One row's source position. {line} 0 means the compiler attributes the code to no line.
struct LineInfo {
  std::string file;     ///< As the compiler recorded it: directory joined with the name.
  uint32_t line = 0;
  uint32_t column = 0;  ///< 0 when unknown.
};

/// Every line program of a module, ready for lookups by module byte offset. Immutable after
/// {parse}, so concurrent lookups are safe.
class LineTable {
 public:
  /// Parses every line program in {.debug_line} of {module} (DWARF versions 2-5, 32-bit
  /// format; 64-bit DWARF is rejected). A module without {.debug_line} or without a Code
  /// section gives an empty table. Malformed input gives {ErrorKind::kMalformed}.
  static Result<LineTable> parse(const Module& module);

  /// The row covering module byte offset {module_offset}: the last row at or before it in a
  /// sequence whose range [first row, {end_sequence}) holds it, or nullopt. Where sequences
  /// overlap, the one that starts last wins.
  std::optional<LineInfo> lookup(uint32_t module_offset) const;

  /// True when there is no row to look up.
  bool empty() const { return rows_.empty(); }
  /// The number of rows kept (rows of {end_sequence} are not kept).
  size_t row_count() const { return rows_.size(); }

 private:
  friend class LineProgramParser;

  /// A row of the state machine, address still in DWARF terms (relative to the code content).
  struct Row {
    uint64_t address = 0;
    uint32_t file = 0;  ///< Index into {files_}, or {kNoFile}.
    uint32_t line = 0;
    uint32_t column = 0;
  };
  /// A run of rows with increasing addresses ended by {end_sequence} at {end}.
  struct Sequence {
    uint64_t begin = 0;
    uint64_t end = 0;
    uint32_t first_row = 0;
    uint32_t row_count = 0;
  };
  static constexpr uint32_t kNoFile = UINT32_MAX;

  /// The row of {sequence} covering {address}, which lies in [{begin}, {end}).
  const Row& row_at(const Sequence& sequence, uint64_t address) const;

  uint32_t code_start_ = 0;
  std::vector<std::string> files_;
  std::vector<Row> rows_;
  std::vector<Sequence> sequences_;  ///< Sorted by {begin}.
};

}  // namespace wasmscope::internal
