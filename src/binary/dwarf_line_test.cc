#include "binary/dwarf_line.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "binary/decoder.h"
#include "binary/dwarf_test_util.h"

namespace wasmscope::internal {
namespace {

using dwarf_test::Bytes;
using dwarf_test::append;
using dwarf_test::append_custom_section;
using dwarf_test::append_u32;
using dwarf_test::read_file;

// Built by tests/dwarf/CMakeLists.txt: NAME.wasm plus llvm-dwarfdump and wasm-objdump dumps.
const std::string kInputs = WASMSCOPE_DWARF_INPUTS;
const char* const kVariants[] = {"o0", "o2", "o0_v5", "o2_v5"};

std::string read_text(const std::string& path) {
  std::optional<std::string> text = read_file(path);
  EXPECT_TRUE(text.has_value()) << "cannot read " << path;
  return text.value_or("");
}

Module load_module(const std::string& variant) {
  std::string text = read_text(kInputs + "/" + variant + ".wasm");
  auto module = decode_module(Bytes(text.begin(), text.end()));
  EXPECT_TRUE(module.ok()) << module.error().to_string();
  return module.ok() ? std::move(*module) : Module();
}

std::string basename(const std::string& path) {
  size_t slash = path.find_last_of("/\\");
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

/// The Code section's content start as wasm-objdump -h reports it ("Code start=0x...").
uint32_t objdump_code_start(const std::string& variant) {
  std::istringstream in(read_text(kInputs + "/" + variant + ".headers.txt"));
  for (std::string line; std::getline(in, line);) {
    size_t at = line.find("Code start=0x");
    if (at != std::string::npos) return static_cast<uint32_t>(std::stoul(line.substr(at + 13), nullptr, 16));
  }
  ADD_FAILURE() << "no Code section in " << variant << ".headers.txt";
  return 0;
}

/// One row of llvm-dwarfdump's line table, its file resolved to the recorded name.
struct DumpRow {
  uint64_t address = 0;
  uint32_t line = 0;
  uint32_t column = 0;
  std::string file;
  bool end_sequence = false;
};

/// The text between the first pair of double quotes in {line}.
std::string between_quotes(const std::string& line) {
  size_t open = line.find('"');
  size_t close = line.find('"', open + 1);
  return line.substr(open + 1, close - open - 1);
}

/// Parses `llvm-dwarfdump --debug-line` output: each unit's file names, then its rows.
std::vector<DumpRow> dump_rows(const std::string& variant) {
  std::istringstream in(read_text(kInputs + "/" + variant + ".lines.txt"));
  std::vector<DumpRow> rows;
  std::map<uint64_t, std::string> files;
  uint64_t current_file = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("debug_line[", 0) == 0) files.clear();
    if (line.rfind("file_names[", 0) == 0) current_file = std::stoul(line.substr(11));
    if (line.find("name: \"") != std::string::npos) files[current_file] = between_quotes(line);
    if (line.rfind("0x", 0) != 0 || line.size() < 18) continue;
    std::istringstream fields(line);
    DumpRow row;
    uint64_t file;
    fields >> std::hex >> row.address >> std::dec >> row.line >> row.column >> file;
    row.file = files[file];
    row.end_sequence = line.find("end_sequence") != std::string::npos;
    rows.push_back(row);
  }
  return rows;
}

/// The expectations from the dump: per address, the last row at it in its sequence, kept only
/// where exactly one sequence covers the address (the reader may pick either otherwise).
struct Expected {
  std::map<uint64_t, DumpRow> at;                 ///< Row addresses and mid-gap addresses.
  std::vector<std::pair<uint64_t, uint64_t>> ranges;  ///< Every sequence's [begin, end).
  std::vector<uint64_t> ends;                     ///< end_sequence addresses.
};

Expected expectations(const std::vector<DumpRow>& rows) {
  Expected out;
  std::map<uint64_t, DumpRow> candidates;
  size_t first = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (!rows[i].end_sequence) continue;
    if (i > first) out.ranges.push_back({rows[first].address, rows[i].address});
    out.ends.push_back(rows[i].address);
    for (size_t j = first; j < i; ++j) {
      candidates[rows[j].address] = rows[j];
      uint64_t next = rows[j + 1].address;
      if (next > rows[j].address + 1) candidates[(rows[j].address + next) / 2] = rows[j];
    }
    first = i + 1;
  }
  for (const auto& [address, row] : candidates) {
    int covering = 0;
    for (const auto& [begin, end] : out.ranges) covering += begin <= address && address < end;
    if (covering == 1) out.at[address] = row;
  }
  return out;
}

/// Checks every expected row of {variant} against the reader; returns how many were checked.
size_t check_variant_rows(const std::string& variant) {
  Module module = load_module(variant);
  auto table = LineTable::parse(module);
  EXPECT_TRUE(table.ok()) << table.error().to_string();
  if (!table.ok()) return 0;
  uint32_t code_start = objdump_code_start(variant);
  Expected expected = expectations(dump_rows(variant));
  size_t checked = 0;
  for (const auto& [address, row] : expected.at) {
    uint64_t module_offset = code_start + address;
    if (module_offset >= module.bytes.size()) continue;  // tombstoned (dead-code) sequences
    auto info = table->lookup(static_cast<uint32_t>(module_offset));
    EXPECT_TRUE(info.has_value()) << variant << " address 0x" << std::hex << address;
    if (!info) continue;
    EXPECT_EQ(basename(info->file), basename(row.file)) << variant << " 0x" << std::hex << address;
    EXPECT_EQ(info->file.size() >= row.file.size() &&
                  info->file.compare(info->file.size() - row.file.size(), row.file.size(),
                                     row.file) == 0,
              true)
        << info->file << " does not end with " << row.file;
    EXPECT_EQ(info->line, row.line) << variant << " 0x" << std::hex << address;
    EXPECT_EQ(info->column, row.column) << variant << " 0x" << std::hex << address;
    ++checked;
  }
  return checked;
}

TEST(DwarfLineTest, EveryRowMatchesLlvmDwarfdumpAtO0) {
  EXPECT_GT(check_variant_rows("o0"), 50u);
}

TEST(DwarfLineTest, EveryRowMatchesLlvmDwarfdumpAtO2) {
  EXPECT_GT(check_variant_rows("o2"), 20u);
}

TEST(DwarfLineTest, EveryRowMatchesLlvmDwarfdumpWithDwarf5AtO0) {
  EXPECT_GT(check_variant_rows("o0_v5"), 50u);
}

TEST(DwarfLineTest, EveryRowMatchesLlvmDwarfdumpWithDwarf5AtO2) {
  EXPECT_GT(check_variant_rows("o2_v5"), 20u);
}

TEST(DwarfLineTest, EndSequenceAddressIsNotCoveredByItsSequence) {
  for (const char* variant : kVariants) {
    Module module = load_module(variant);
    auto table = LineTable::parse(module);
    ASSERT_TRUE(table.ok()) << table.error().to_string();
    uint32_t code_start = objdump_code_start(variant);
    Expected expected = expectations(dump_rows(variant));
    for (uint64_t end : expected.ends) {
      bool covered = false;
      for (const auto& [begin, range_end] : expected.ranges) covered |= begin <= end && end < range_end;
      if (covered || code_start + end >= module.bytes.size()) continue;
      EXPECT_FALSE(table->lookup(static_cast<uint32_t>(code_start + end)).has_value())
          << variant << " end 0x" << std::hex << end;
    }
  }
}

/// The 1-based line of {source} holding {marker}.
uint32_t marked_line(const std::string& source, const std::string& marker) {
  std::istringstream in(read_text(std::string(WASMSCOPE_DWARF_SOURCES) + "/" + source));
  uint32_t number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    if (line.find(marker) != std::string::npos) return number;
  }
  ADD_FAILURE() << marker << " not in " << source;
  return 0;
}

/// The module offset of the first `unreachable` in {function}, from wasm-objdump -d.
uint32_t first_unreachable(const std::string& variant, const std::string& function) {
  std::istringstream in(read_text(kInputs + "/" + variant + ".disasm.txt"));
  bool inside = false;
  for (std::string line; std::getline(in, line);) {
    if (line.find(" func[") != std::string::npos) inside = line.find("<" + function + ">:") != std::string::npos;
    if (inside && line.find("| ") != std::string::npos && line.find("unreachable") != std::string::npos) {
      return static_cast<uint32_t>(std::stoul(line, nullptr, 16));
    }
  }
  ADD_FAILURE() << "no unreachable in " << function << " (" << variant << ")";
  return 0;
}

TEST(DwarfLineTest, TrapInstructionMapsToTheMarkedSourceLine) {
  uint32_t expected_line = marked_line("main.c", "LINE_MARK trap");
  ASSERT_GT(expected_line, 0u);
  for (const char* variant : kVariants) {
    Module module = load_module(variant);
    auto table = LineTable::parse(module);
    ASSERT_TRUE(table.ok()) << table.error().to_string();
    auto info = table->lookup(first_unreachable(variant, "fail_if_negative"));
    ASSERT_TRUE(info.has_value()) << variant;
    EXPECT_EQ(basename(info->file), "main.c") << variant;
    EXPECT_EQ(info->line, expected_line) << variant;
  }
}

// Hand-built modules: one function whose code section content starts at module offset 20.

/// A module with one 10-byte function body (locals, 8 nops, end) and, when {debug_line} is
/// given, a {.debug_line} custom section holding it.
Bytes tiny_module(const Bytes* debug_line) {
  Bytes out = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
               0x01, 0x04, 0x01, 0x60, 0x00, 0x00,  // type: () -> ()
               0x03, 0x02, 0x01, 0x00,              // function 0: type 0
               0x0a, 0x0c, 0x01, 0x0a, 0x00};       // code: content at offset 20
  for (int i = 0; i < 8; ++i) out.push_back(0x01);
  out.push_back(0x0b);
  if (debug_line != nullptr) append_custom_section(out, ".debug_line", *debug_line);
  return out;
}

/// A line program unit: {unit_length}, {version}, {header_length}, the header, the program.
Bytes unit(uint16_t version, const Bytes& header, const Bytes& program) {
  Bytes body = {static_cast<uint8_t>(version), static_cast<uint8_t>(version >> 8)};
  append_u32(body, static_cast<uint32_t>(header.size()));
  append(body, header);
  append(body, program);
  Bytes out;
  append_u32(out, static_cast<uint32_t>(body.size()));
  append(out, body);
  return out;
}

Result<LineTable> parse_bytes(const Bytes& bytes) {
  auto module = decode_module(bytes);
  if (!module.ok()) return module.take_error();
  return LineTable::parse(*module);
}

constexpr uint32_t kTinyCodeStart = 20;

TEST(DwarfLineTest, HandBuiltProgramsExerciseOpcodesOfVersions2And3) {
  // DWARF 3: opcode_base 14, so opcode 13 is an unknown standard opcode with 2 operands.
  Bytes v3_header = {1, 1, 0xfd /* line_base -3 */, 12, 14, 0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1, 2,
                     's', 'r', 'c', 0, 0,            // include_directories
                     'a', '.', 'c', 0, 1, 0, 0, 0};  // file_names
  Bytes v3_program = {
      0x00, 0x05, 0x02, 0x02, 0x00, 0x00, 0x00,       // set_address 2
      0x0d, 0x81, 0x01, 0x05,                         // unknown standard opcode 13
      0x03, 0x09,                                     // advance_line 9 -> 10
      0x01,                                           // copy: (2, a.c, 10)
      0x00, 0x03, 0x99, 0xaa, 0xbb,                   // unknown extended opcode
      0x00, 0x08, 0x03, 'b', '.', 'c', 0, 1, 0, 0,    // define_file b.c
      0x04, 0x02,                                     // set_file 2
      31,                                             // special: address +1, line +2
      0x05, 0x07,                                     // set_column 7
      0x09, 0x01, 0x00,                               // fixed_advance_pc 1
      0x01,                                           // copy: (4, b.c, 12, 7)
      0x02, 0x01,                                     // advance_pc 1
      0x00, 0x01, 0x01};                              // end_sequence at 5
  // DWARF 2: opcode_base 10, so opcode 10 is special (address +0, line += line_base).
  Bytes v2_header = {1, 1, 0xfd, 12, 10, 0, 1, 1, 1, 1, 0, 0, 0, 1,
                     0,                                      // no include_directories
                     '/', 'a', 'b', 's', '/', 'c', '.', 'c', 0, 0, 0, 0, 0};
  Bytes v2_program = {0x00, 0x05, 0x02, 0x06, 0x00, 0x00, 0x00,  // set_address 6
                      0x03, 0x13,                                // advance_line 19 -> 20
                      10,                                        // special: (6, c.c, 17)
                      0x08,                                      // const_add_pc: +20
                      0x00, 0x01, 0x01};                         // end_sequence at 26
  Bytes section = unit(3, v3_header, v3_program);
  append(section, unit(2, v2_header, v2_program));
  auto table = parse_bytes(tiny_module(&section));
  ASSERT_TRUE(table.ok()) << table.error().to_string();
  EXPECT_EQ(table->row_count(), 4u);
  EXPECT_FALSE(table->lookup(kTinyCodeStart + 1).has_value());
  auto a = table->lookup(kTinyCodeStart + 2);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->file, "src/a.c");
  EXPECT_EQ(a->line, 10u);
  auto b = table->lookup(kTinyCodeStart + 3);
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->file, "src/b.c");
  EXPECT_EQ(b->line, 12u);
  EXPECT_EQ(b->column, 0u);
  auto b7 = table->lookup(kTinyCodeStart + 4);
  ASSERT_TRUE(b7.has_value());
  EXPECT_EQ(b7->column, 7u);
  EXPECT_FALSE(table->lookup(kTinyCodeStart + 5).has_value());
  auto c = table->lookup(kTinyCodeStart + 7);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->file, "/abs/c.c");
  EXPECT_EQ(c->line, 17u);
  EXPECT_FALSE(table->lookup(kTinyCodeStart + 26).has_value());
}

TEST(DwarfLineTest, ModuleWithoutDebugInfoGivesAnEmptyTable) {
  auto table = parse_bytes(tiny_module(nullptr));
  ASSERT_TRUE(table.ok()) << table.error().to_string();
  EXPECT_TRUE(table->empty());
  EXPECT_FALSE(table->lookup(kTinyCodeStart + 2).has_value());
}

void expect_malformed(const Result<LineTable>& table, const std::string& fragment) {
  ASSERT_FALSE(table.ok());
  EXPECT_EQ(table.error().kind, ErrorKind::kMalformed);
  EXPECT_NE(table.error().message.find(fragment), std::string::npos) << table.error().message;
}

TEST(DwarfLineTest, SixtyFourBitDwarfIsRejected) {
  Bytes section = {0xff, 0xff, 0xff, 0xff, 0x10, 0, 0, 0, 0, 0, 0, 0, 4, 0};
  expect_malformed(parse_bytes(tiny_module(&section)), "64-bit DWARF");
}

TEST(DwarfLineTest, UnsupportedVersionIsRejected) {
  Bytes section = unit(6, {1, 1, 1, 0xfb, 14, 1}, {});
  expect_malformed(parse_bytes(tiny_module(&section)), "version 6");
}

/// The {.debug_line} custom section of {module}.
CustomSection* debug_line(Module& module) {
  for (CustomSection& custom : module.customs) {
    if (custom.name == ".debug_line") return &custom;
  }
  return nullptr;
}

TEST(DwarfLineTest, TruncatedSectionIsMalformed) {
  Module module = load_module("o0");
  CustomSection* section = debug_line(module);
  ASSERT_NE(section, nullptr);
  uint32_t full_end = section->data.end;
  // Cutting inside the first unit leaves its unit_length past the section end, or (for cuts
  // inside the length field) the length itself incomplete.
  for (uint32_t cut : {1u, 3u, 4u, 10u, 40u, 70u}) {
    section->data.end = section->data.begin + cut;
    expect_malformed(LineTable::parse(module), ".debug_line");
  }
  section->data.end = full_end;
  EXPECT_TRUE(LineTable::parse(module).ok());
}

/// Parses {module}; the result must be a table or a kMalformed error (and never a crash).
void expect_table_or_malformed(const Module& module, const char* what, uint32_t position) {
  auto table = LineTable::parse(module);
  if (table.ok()) {
    (void)table->lookup(position);
    return;
  }
  EXPECT_EQ(table.error().kind, ErrorKind::kMalformed) << what << " at " << position;
}

/// The module offset where the first {units} line program units of {section} end.
uint32_t end_of_units(const Module& module, ByteRange section, int units) {
  uint32_t pos = section.begin;
  for (int i = 0; i < units && pos + 4 <= section.end; ++i) {
    uint32_t length = 0;
    for (int b = 0; b < 4; ++b) length |= uint32_t{module.bytes[pos + b]} << (8 * b);
    pos += 4 + length;
  }
  return pos < section.end ? pos : section.end;
}

// Every byte of the first three units (crt1's DWARF 4 unit; in the {_v5} build, main.c's and
// util.c's DWARF 5 units) is truncated at and corrupted with several values, parsing only that
// prefix so the test stays fast under ASan; the whole section is truncated at a stride.
TEST(DwarfLineTest, TruncationAndCorruptionNeverCrash) {
  for (const char* variant : {"o2", "o0_v5"}) {
    Module module = load_module(variant);
    CustomSection* section = debug_line(module);
    ASSERT_NE(section, nullptr);
    const ByteRange full = section->data;
    for (uint32_t end = full.begin; end < full.end; end += 61) {
      section->data.end = end;
      expect_table_or_malformed(module, "truncated", end);
    }
    const uint32_t window_end = end_of_units(module, full, 3);
    for (uint32_t end = full.begin; end < window_end; ++end) {
      section->data.end = end;
      expect_table_or_malformed(module, "truncated", end);
    }
    section->data.end = window_end;
    for (uint32_t pos = full.begin; pos < window_end; ++pos) {
      uint8_t original = module.bytes[pos];
      for (uint8_t value : {uint8_t{0x00}, uint8_t{0xff}, uint8_t{0x80},
                            static_cast<uint8_t>(original ^ 0x5a)}) {
        module.bytes[pos] = value;
        expect_table_or_malformed(module, "corrupted", pos);
      }
      module.bytes[pos] = original;
    }
  }
}

}  // namespace
}  // namespace wasmscope::internal
