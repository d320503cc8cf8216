#include "binary/dwarf_line.h"

#include <algorithm>
#include <utility>

#include "base/stable_sort.h"
#include "binary/dwarf_reader.h"

namespace wasmscope::internal {
namespace {

constexpr uint8_t kCodeSectionId = 10;
constexpr uint32_t kWasmHeaderSize = 8;

// Standard opcodes (DWARF 5, 6.2.5.2).
enum StandardOpcode : uint8_t {
  kCopy = 1,
  kAdvancePc = 2,
  kAdvanceLine = 3,
  kSetFile = 4,
  kSetColumn = 5,
  kNegateStmt = 6,
  kSetBasicBlock = 7,
  kConstAddPc = 8,
  kFixedAdvancePc = 9,
  kSetPrologueEnd = 10,
  kSetEpilogueBegin = 11,
  kSetIsa = 12,
};

// Extended opcodes (6.2.5.3).
enum ExtendedOpcode : uint8_t {
  kEndSequence = 1,
  kSetAddress = 2,
  kDefineFile = 3,  // DWARF 2-4 only
  kSetDiscriminator = 4,
};

// Line-number header entry content types (6.2.4.1).
enum ContentType : uint64_t { kPath = 1, kDirectoryIndex = 2 };

/// The module byte offset where the Code section's content starts (after its id and size).
std::optional<uint32_t> code_content_start(const Module& module) {
  auto size = static_cast<uint32_t>(module.bytes.size());
  if (size < kWasmHeaderSize) return std::nullopt;
  DwarfReader r(module.bytes.data(), kWasmHeaderSize, size, "code section");
  while (!r.at_end()) {
    auto id = r.fixed(1);
    auto length = id.ok() ? r.uleb() : Result<uint64_t>(id.error());
    if (!length.ok()) return std::nullopt;
    if (*id == kCodeSectionId) return r.pos();
    if (!r.skip(*length).ok()) return std::nullopt;
  }
  return std::nullopt;
}

/// True when {path} is absolute on POSIX or Windows.
bool is_absolute(const std::string& path) {
  if (!path.empty() && (path[0] == '/' || path[0] == '\\')) return true;
  return path.size() >= 2 && path[1] == ':';
}

/// {name} inside {dir}, unless {name} is absolute or {dir} is unknown.
std::string join_path(const std::string& dir, const std::string& name) {
  if (dir.empty() || is_absolute(name)) return name;
  if (dir.back() == '/' || dir.back() == '\\') return dir + name;
  return dir + "/" + name;
}

/// A {content type, form} pair of a DWARF 5 entry format.
struct EntryFormat {
  uint64_t content = 0;
  uint64_t form = 0;
};

/// One header entry: a directory or a file (with its directory index).
struct Entry {
  std::string path;
  uint64_t directory = 0;
};

/// The fields of a line program header (6.2.4) the state machine needs.
struct Header {
  uint16_t version = 0;
  uint8_t min_inst_length = 1;
  uint8_t max_ops = 1;
  bool default_is_stmt = true;
  int8_t line_base = 0;
  uint8_t line_range = 1;
  uint8_t opcode_base = 1;
  std::vector<uint8_t> standard_lengths;  ///< Operand counts of opcodes 1 .. opcode_base-1.
  std::vector<std::string> directories;   ///< As indexed by the version's rules.
  std::vector<std::string> files;         ///< Joined paths, indexed from {first_file}.
  uint32_t first_file = 1;                ///< 1 before DWARF 5, 0 from DWARF 5.
};

/// The line-number state machine registers (6.2.2).
struct Registers {
  uint64_t address = 0;
  uint64_t op_index = 0;
  uint64_t file = 1;
  uint64_t line = 1;
  uint64_t column = 0;
  bool is_stmt = true;
  bool basic_block = false;
  bool end_sequence = false;
  bool prologue_end = false;
  bool epilogue_begin = false;
  uint64_t isa = 0;
  uint64_t discriminator = 0;
};

}  // namespace

/// Parses the units of one {.debug_line} section into a {LineTable}.
class LineProgramParser {
 public:
  LineProgramParser(const Module& module, LineTable* table)
      : module_(module), table_(table), strings_(module) {}

  /// Parses every unit of the section {range}.
  Result<void> parse_section(ByteRange range) {
    DwarfReader r(module_.bytes.data(), range.begin, range.end, ".debug_line");
    while (!r.at_end()) WS_TRY(parse_unit(r));
    return {};
  }

 private:
  /// Parses the unit at {r}'s position and moves {r} past it.
  Result<void> parse_unit(DwarfReader& r) {
    WS_ASSIGN(uint32_t unit_end, read_unit_length(r));
    DwarfReader unit = r.slice(r.pos(), unit_end);
    r = r.slice(unit_end, r.end());
    Header header;
    WS_ASSIGN(uint32_t program_begin, parse_header(unit, &header));
    DwarfReader program = unit.slice(program_begin, unit_end);
    return run_program(program, &header);
  }

  /// Reads the header from {unit}; returns where the line program starts.
  Result<uint32_t> parse_header(DwarfReader& unit, Header* h) {
    WS_ASSIGN(uint64_t version, unit.fixed(2));
    if (version < 2 || version > 5) return unit.error("unsupported version " + std::to_string(version));
    h->version = static_cast<uint16_t>(version);
    if (h->version >= 5) WS_TRY(unit.skip(2));  // address_size, segment_selector_size
    WS_ASSIGN(uint64_t header_length, unit.fixed(4));
    if (header_length > unit.remaining()) return unit.error("header length past the unit end");
    uint32_t program_begin = unit.pos() + static_cast<uint32_t>(header_length);
    DwarfReader fields = unit.slice(unit.pos(), program_begin);
    WS_TRY(parse_fields(fields, h));
    if (h->version >= 5) {
      WS_TRY(parse_v5_tables(fields, h));
    } else {
      WS_TRY(parse_v4_tables(fields, h));
    }
    return program_begin;
  }

  /// Reads the fixed fields from {minimum_instruction_length} to {standard_opcode_lengths}.
  Result<void> parse_fields(DwarfReader& r, Header* h) {
    WS_ASSIGN(uint64_t min_inst_length, r.fixed(1));
    h->min_inst_length = static_cast<uint8_t>(min_inst_length);
    if (h->version >= 4) {
      WS_ASSIGN(uint64_t max_ops, r.fixed(1));
      if (max_ops == 0) return r.error("maximum_operations_per_instruction is 0");
      h->max_ops = static_cast<uint8_t>(max_ops);
    }
    WS_ASSIGN(uint64_t default_is_stmt, r.fixed(1));
    h->default_is_stmt = default_is_stmt != 0;
    WS_ASSIGN(uint64_t line_base, r.fixed(1));
    h->line_base = static_cast<int8_t>(static_cast<uint8_t>(line_base));
    WS_ASSIGN(uint64_t line_range, r.fixed(1));
    if (line_range == 0) return r.error("line_range is 0");
    h->line_range = static_cast<uint8_t>(line_range);
    WS_ASSIGN(uint64_t opcode_base, r.fixed(1));
    if (opcode_base == 0) return r.error("opcode_base is 0");
    h->opcode_base = static_cast<uint8_t>(opcode_base);
    for (uint32_t i = 1; i < h->opcode_base; ++i) {
      WS_ASSIGN(uint64_t operands, r.fixed(1));
      h->standard_lengths.push_back(static_cast<uint8_t>(operands));
    }
    return {};
  }

  /// Reads DWARF 2-4 {include_directories} and {file_names}, each ended by an empty entry.
  Result<void> parse_v4_tables(DwarfReader& r, Header* h) {
    for (;;) {
      WS_ASSIGN(std::string dir, r.cstring());
      if (dir.empty()) break;
      h->directories.push_back(std::move(dir));
    }
    for (;;) {
      WS_ASSIGN(std::string name, r.cstring());
      if (name.empty()) break;
      WS_TRY(read_v4_file_rest(r, h, name));
    }
    return {};
  }

  /// Reads the fields after a DWARF 2-4 file name (directory, mtime, length) and adds the file.
  Result<void> read_v4_file_rest(DwarfReader& r, Header* h, const std::string& name) {
    WS_ASSIGN(uint64_t dir, r.uleb());
    WS_TRY(r.uleb());  // modification time
    WS_TRY(r.uleb());  // file length
    // Directory 0 is the compilation directory, which only {.debug_info} records.
    bool known = dir != 0 && dir <= h->directories.size();
    h->files.push_back(join_path(known ? h->directories[dir - 1] : std::string(), name));
    return {};
  }

  /// Reads DWARF 5 directory and file tables, whose entries are described by format lists.
  Result<void> parse_v5_tables(DwarfReader& r, Header* h) {
    h->first_file = 0;
    std::vector<Entry> dirs;
    WS_TRY(read_v5_entries(r, &dirs));
    for (Entry& dir : dirs) h->directories.push_back(std::move(dir.path));
    std::vector<Entry> files;
    WS_TRY(read_v5_entries(r, &files));
    for (const Entry& file : files) {
      bool known = file.directory < h->directories.size();
      h->files.push_back(join_path(known ? h->directories[file.directory] : "", file.path));
    }
    return {};
  }

  /// Reads an entry format list and then the entries it describes.
  Result<void> read_v5_entries(DwarfReader& r, std::vector<Entry>* out) {
    WS_ASSIGN(uint64_t format_count, r.fixed(1));
    std::vector<EntryFormat> formats;
    for (uint64_t i = 0; i < format_count; ++i) {
      WS_ASSIGN(uint64_t content, r.uleb());
      WS_ASSIGN(uint64_t form, r.uleb());
      formats.push_back({content, form});
    }
    WS_ASSIGN(uint64_t count, r.uleb());
    // Every form takes at least one byte, so {count} is bounded by the bytes left.
    if (count > 0 && formats.empty()) return r.error("entries without an entry format");
    if (count > r.remaining()) return r.error("entry count past the header end");
    for (uint64_t i = 0; i < count; ++i) {
      Entry entry;
      for (const EntryFormat& format : formats) WS_TRY(read_entry_field(r, format, &entry));
      out->push_back(std::move(entry));
    }
    return {};
  }

  /// Reads one field of an entry and keeps it when it is the path or the directory index.
  Result<void> read_entry_field(DwarfReader& r, const EntryFormat& format, Entry* entry) {
    // The header's own {address_size} is never needed: paths and indices are no addresses.
    WS_ASSIGN(FormValue value, read_form(r, format.form, FormEncoding{5, 4}));
    if (format.content == kPath) {
      // A line table has no DW_AT_str_offsets_base, so strx paths cannot be resolved.
      WS_ASSIGN(entry->path, strings_.text(r, value, std::nullopt));
    }
    if (format.content == kDirectoryIndex) entry->directory = value.number;
    return {};
  }

  /// Runs the line program in {r} (6.2.5), adding rows and sequences to the table.
  Result<void> run_program(DwarfReader& r, Header* h) {
    file_base_ = static_cast<uint32_t>(table_->files_.size());
    unit_first_row_ = static_cast<uint32_t>(table_->rows_.size());
    reset(*h);
    while (!r.at_end()) {
      WS_ASSIGN(uint64_t opcode, r.fixed(1));
      if (opcode >= h->opcode_base) {
        special(*h, static_cast<uint8_t>(opcode));
      } else if (opcode == 0) {
        WS_TRY(extended(r, h));
      } else {
        WS_TRY(standard(r, *h, static_cast<uint8_t>(opcode)));
      }
    }
    // Rows after the last {end_sequence} have no end address: drop them.
    table_->rows_.resize(sequence_first_row_);
    finish_unit(*h);
    return {};
  }

  /// Puts the registers in their initial state, opening a new sequence.
  void reset(const Header& h) {
    regs_ = Registers();
    regs_.is_stmt = h.default_is_stmt;
    sequence_first_row_ = static_cast<uint32_t>(table_->rows_.size());
  }

  /// Appends a row from the registers, its file still unit-relative.
  void emit_row() {
    LineTable::Row row;
    row.address = regs_.address;
    row.file = regs_.file > UINT32_MAX ? LineTable::kNoFile : static_cast<uint32_t>(regs_.file);
    row.line = static_cast<uint32_t>(regs_.line);
    row.column = static_cast<uint32_t>(regs_.column);
    table_->rows_.push_back(row);
    regs_.basic_block = false;
    regs_.prologue_end = false;
    regs_.epilogue_begin = false;
    regs_.discriminator = 0;
  }

  /// Advances {address} and {op_index} by {operation_advance} (6.2.5.1).
  void advance(const Header& h, uint64_t operation_advance) {
    uint64_t ops = regs_.op_index + operation_advance;
    regs_.address += h.min_inst_length * (ops / h.max_ops);
    regs_.op_index = ops % h.max_ops;
  }

  /// Executes special opcode {opcode}: advance address and line, then emit a row.
  void special(const Header& h, uint8_t opcode) {
    uint32_t adjusted = opcode - h.opcode_base;
    advance(h, adjusted / h.line_range);
    regs_.line += static_cast<uint64_t>(int64_t{h.line_base} + adjusted % h.line_range);
    emit_row();
  }

  /// Executes standard opcode {opcode}; ones this reader does not know are skipped by their
  /// operand count from {standard_opcode_lengths}.
  Result<void> standard(DwarfReader& r, const Header& h, uint8_t opcode) {
    switch (opcode) {
      case kCopy: emit_row(); return {};
      case kAdvancePc: {
        WS_ASSIGN(uint64_t operation_advance, r.uleb());
        advance(h, operation_advance);
        return {};
      }
      case kAdvanceLine: {
        WS_ASSIGN(int64_t delta, r.sleb());
        regs_.line += static_cast<uint64_t>(delta);
        return {};
      }
      case kSetFile: {
        WS_ASSIGN(regs_.file, r.uleb());
        return {};
      }
      case kSetColumn: {
        WS_ASSIGN(regs_.column, r.uleb());
        return {};
      }
      case kNegateStmt: regs_.is_stmt = !regs_.is_stmt; return {};
      case kSetBasicBlock: regs_.basic_block = true; return {};
      case kConstAddPc: advance(h, (255u - h.opcode_base) / h.line_range); return {};
      case kFixedAdvancePc: {
        WS_ASSIGN(uint64_t delta, r.fixed(2));
        regs_.address += delta;
        regs_.op_index = 0;
        return {};
      }
      case kSetPrologueEnd: regs_.prologue_end = true; return {};
      case kSetEpilogueBegin: regs_.epilogue_begin = true; return {};
      case kSetIsa: {
        WS_ASSIGN(regs_.isa, r.uleb());
        return {};
      }
      default: return skip_operands(r, h.standard_lengths[opcode - 1]);
    }
  }

  /// Skips {count} ULEB128 operands of an unknown standard opcode.
  static Result<void> skip_operands(DwarfReader& r, uint8_t count) {
    for (uint8_t i = 0; i < count; ++i) WS_TRY(r.uleb());
    return {};
  }

  /// Executes an extended opcode (after its 0 byte); unknown ones are skipped by length.
  Result<void> extended(DwarfReader& r, Header* h) {
    WS_ASSIGN(uint64_t length, r.uleb());
    if (length == 0) return r.error("extended opcode of length 0");
    if (length > r.remaining()) return r.error("extended opcode past the unit end");
    uint32_t next = r.pos() + static_cast<uint32_t>(length);
    DwarfReader op = r.slice(r.pos(), next);
    r = r.slice(next, r.end());
    WS_ASSIGN(uint64_t sub_opcode, op.fixed(1));
    switch (sub_opcode) {
      case kEndSequence: end_sequence(*h); return {};
      case kSetAddress: return set_address(op);
      case kDefineFile: return define_file(op, h);
      case kSetDiscriminator: {
        WS_ASSIGN(regs_.discriminator, op.uleb());
        return {};
      }
      default: return {};  // vendor extensions: skipped
    }
  }

  /// {DW_LNE_set_address}: the operand fills the rest of the opcode (4 bytes in wasm32).
  Result<void> set_address(DwarfReader& op) {
    if (op.remaining() == 0 || op.remaining() > 8) return op.error("bad set_address size");
    WS_ASSIGN(regs_.address, op.fixed(op.remaining()));
    regs_.op_index = 0;
    return {};
  }

  /// {DW_LNE_define_file} (DWARF 2-4): adds a file to the unit's table.
  Result<void> define_file(DwarfReader& op, Header* h) {
    if (h->version >= 5) return {};  // reserved in DWARF 5: skipped like an unknown opcode
    WS_ASSIGN(std::string name, op.cstring());
    return read_v4_file_rest(op, h, name);
  }

  /// Closes the current sequence at the registers' address and opens the next one.
  void end_sequence(const Header& h) {
    auto& rows = table_->rows_;
    auto first = rows.begin() + sequence_first_row_;
    internal::stable_sort(first, rows.end(), [](const LineTable::Row& a, const LineTable::Row& b) {
      return a.address < b.address;
    });
    // Rows at or past the end belong to no range; an empty range keeps no rows.
    uint64_t end = regs_.address;
    while (rows.end() != first && rows.back().address >= end) rows.pop_back();
    if (rows.end() != first) {
      auto count = static_cast<uint32_t>(rows.end() - first);
      table_->sequences_.push_back({first->address, end, sequence_first_row_, count});
    }
    reset(h);
  }

  /// Appends the unit's files to the table and makes its rows' file indices table-wide.
  void finish_unit(const Header& h) {
    auto count = static_cast<uint32_t>(h.files.size());
    for (const std::string& file : h.files) table_->files_.push_back(file);
    for (size_t i = unit_first_row_; i < table_->rows_.size(); ++i) {
      uint32_t& file = table_->rows_[i].file;
      bool known = file != LineTable::kNoFile && file >= h.first_file &&
                   file - h.first_file < count;
      file = known ? file_base_ + (file - h.first_file) : LineTable::kNoFile;
    }
  }

  const Module& module_;
  LineTable* table_;
  DwarfStrings strings_;
  Registers regs_;
  uint32_t file_base_ = 0;
  uint32_t unit_first_row_ = 0;
  uint32_t sequence_first_row_ = 0;
};

Result<LineTable> LineTable::parse(const Module& module) {
  LineTable table;
  const CustomSection* section = find_custom_section(module, ".debug_line");
  std::optional<uint32_t> code_start = code_content_start(module);
  if (section == nullptr || !code_start) return table;
  table.code_start_ = *code_start;
  LineProgramParser parser(module, &table);
  WS_TRY(parser.parse_section(section->data));
  internal::stable_sort(table.sequences_.begin(), table.sequences_.end(),
                        [](const Sequence& a, const Sequence& b) { return a.begin < b.begin; });
  return table;
}

std::optional<LineInfo> LineTable::lookup(uint32_t module_offset) const {
  if (module_offset < code_start_ || sequences_.empty()) return std::nullopt;
  uint64_t address = module_offset - code_start_;
  auto it = std::upper_bound(sequences_.begin(), sequences_.end(), address,
                             [](uint64_t a, const Sequence& s) { return a < s.begin; });
  while (it != sequences_.begin()) {
    --it;
    if (address >= it->end) continue;
    const Row& row = row_at(*it, address);
    std::string file = row.file == kNoFile ? std::string() : files_[row.file];
    return LineInfo{std::move(file), row.line, row.column};
  }
  return std::nullopt;
}

const LineTable::Row& LineTable::row_at(const Sequence& sequence, uint64_t address) const {
  auto first = rows_.begin() + sequence.first_row;
  auto last = first + sequence.row_count;
  auto it = std::upper_bound(first, last, address,
                             [](uint64_t a, const Row& row) { return a < row.address; });
  return *(it - 1);  // {address} >= {sequence.begin}, the first row's address
}

}  // namespace wasmscope::internal
