#include "binary/dwarf_info.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <iterator>
#include <map>
#include <optional>
#include <set>
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
using dwarf_test::leb;
using dwarf_test::read_file;

// Built by tests/dwarf/CMakeLists.txt: NAME.wasm from globals.c plus llvm-dwarfdump's
// --debug-info --debug-addr dump of it (NAME.info.txt).
const std::string kInputs = WASMSCOPE_DWARF_INPUTS;
const char* const kVariants[] = {"globals_o0", "globals_o2", "globals_o0_v5", "globals_o2_v5"};
const char* const kClang19Variants[] = {"globals19_o0", "globals19_o2_v5"};

Module load_module(const std::string& variant) {
  std::optional<std::string> text = read_file(kInputs + "/" + variant + ".wasm");
  EXPECT_TRUE(text.has_value()) << "cannot read " << variant << ".wasm";
  if (!text) return Module();
  auto module = decode_module(Bytes(text->begin(), text->end()));
  EXPECT_TRUE(module.ok()) << module.error().to_string();
  return module.ok() ? std::move(*module) : Module();
}

// ---- The reference: llvm-dwarfdump's text, read without the code under test. ----

/// One DIE of the dump: offset, nesting (by indentation), tag, attribute texts, unit name.
struct DumpDie {
  uint64_t offset = 0;
  size_t indent = 0;
  std::string tag;
  std::map<std::string, std::string> attrs;  ///< "DW_AT_name" -> `("counter")`
  std::string unit;                          ///< The compile unit's DW_AT_name.
};

struct Dump {
  std::vector<DumpDie> dies;
  std::map<uint64_t, size_t> by_offset;
  std::map<uint64_t, uint64_t> addr_entries;  ///< {.debug_addr} offset -> address
};

uint64_t hex(const std::string& text) { return std::stoull(text, nullptr, 16); }

/// The text between the first pair of double quotes in {text}.
std::string between_quotes(const std::string& text) {
  size_t open = text.find('"');
  size_t close = text.find('"', open + 1);
  return open == std::string::npos ? "" : text.substr(open + 1, close - open - 1);
}

/// Reads the `.debug_addr contents:` part: tables of `length` bytes after their 4-byte length,
/// each with an 8-byte header and then 4-byte entries (wasm32).
void parse_addr_line(const std::string& line, uint64_t* table, uint64_t* next_entry, Dump* dump) {
  size_t at = line.find("length = 0x");
  if (line.rfind("Address table header", 0) == 0 && at != std::string::npos) {
    *next_entry = *table + 8;
    *table += 4 + hex(line.substr(at + 11));
  } else if (line.rfind("0x", 0) == 0) {
    dump->addr_entries[*next_entry] = hex(line);
    *next_entry += 4;
  }
}

Dump parse_dump(const std::string& variant) {
  std::istringstream in(read_file(kInputs + "/" + variant + ".info.txt").value_or(""));
  Dump dump;
  bool in_addr = false;
  uint64_t table = 0;
  uint64_t next_entry = 0;
  std::string unit;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(".debug_addr contents:", 0) == 0) in_addr = true;
    if (in_addr) {
      parse_addr_line(line, &table, &next_entry, &dump);
      continue;
    }
    // DIE lines start at column 0 ("0x0000007b:   DW_TAG_variable"); attributes are indented.
    size_t tag = line.find("DW_TAG_");
    if (line.rfind("0x", 0) == 0 && tag != std::string::npos) {
      DumpDie die;
      die.offset = hex(line.substr(0, 10));
      die.indent = tag;
      die.tag = line.substr(tag);
      die.unit = unit;
      dump.by_offset[die.offset] = dump.dies.size();
      dump.dies.push_back(die);
      continue;
    }
    size_t attr = line.find("DW_AT_");
    if (attr == std::string::npos || dump.dies.empty()) continue;
    size_t tab = line.find('\t', attr);
    if (tab == std::string::npos) continue;
    DumpDie& die = dump.dies.back();
    die.attrs[line.substr(attr, tab - attr)] = line.substr(tab + 1);
    if (die.tag == "DW_TAG_compile_unit" && line.substr(attr, tab - attr) == "DW_AT_name") {
      unit = between_quotes(line);
      die.unit = unit;
    }
  }
  return dump;
}

/// The number in an attribute text like `(0x30)`.
std::optional<uint64_t> attr_number(const DumpDie& die, const std::string& name) {
  auto it = die.attrs.find(name);
  if (it == die.attrs.end() || it->second.rfind("(0x", 0) != 0) return std::nullopt;
  return hex(it->second.substr(1));
}

/// A type's size from the dump: byte_size, or through typedefs and qualifiers, or arrays'
/// element size times their subranges' counts. 0 when the dump does not say.
uint64_t dump_size(const Dump& dump, uint64_t offset, int hops = 0) {
  auto found = dump.by_offset.find(offset);
  if (hops > 32 || found == dump.by_offset.end()) return 0;
  const DumpDie& die = dump.dies[found->second];
  if (auto size = attr_number(die, "DW_AT_byte_size")) return *size;
  auto type = attr_number(die, "DW_AT_type");
  if (die.tag == "DW_TAG_pointer_type") return 4;
  if (!type) return 0;
  if (die.tag != "DW_TAG_array_type") return dump_size(dump, *type, hops + 1);
  uint64_t size = dump_size(dump, *type, hops + 1);
  for (size_t i = found->second + 1; i < dump.dies.size() && dump.dies[i].indent > die.indent; ++i) {
    auto count = attr_number(dump.dies[i], "DW_AT_count");
    if (!count) return 0;
    size *= *count;
  }
  return size;
}

/// A variable with a static address, as the dump shows it.
struct ExpectedVariable {
  std::string name;
  uint64_t address = 0;
  uint64_t size = 0;
  std::string unit;
};

/// Every DW_TAG_variable whose location is one DW_OP_addr or DW_OP_addrx (resolved through
/// the unit's DW_AT_addr_base and the dumped {.debug_addr}), except linker tombstones.
std::vector<ExpectedVariable> expected_variables(const Dump& dump) {
  std::vector<ExpectedVariable> out;
  uint64_t addr_base = 0;
  for (const DumpDie& die : dump.dies) {
    if (die.tag == "DW_TAG_compile_unit") addr_base = attr_number(die, "DW_AT_addr_base").value_or(0);
    auto location = die.attrs.find("DW_AT_location");
    if (die.tag != "DW_TAG_variable" || location == die.attrs.end()) continue;
    const std::string& text = location->second;
    ExpectedVariable v;
    if (text.rfind("(DW_OP_addr 0x", 0) == 0 && text.find(',') == std::string::npos) {
      v.address = hex(text.substr(12));
    } else if (text.rfind("(DW_OP_addrx 0x", 0) == 0 && text.find(',') == std::string::npos) {
      v.address = dump.addr_entries.at(addr_base + 4 * hex(text.substr(13)));
    } else {
      continue;
    }
    if (v.address >= 0xfffffffe) continue;
    v.name = between_quotes(die.attrs.count("DW_AT_name") ? die.attrs.at("DW_AT_name")
                                                   : die.attrs.at("DW_AT_linkage_name"));
    if (auto type = attr_number(die, "DW_AT_type")) v.size = dump_size(dump, *type);
    v.unit = die.unit;
    out.push_back(v);
  }
  return out;
}

const ExpectedVariable* find_expected(const std::vector<ExpectedVariable>& all, const std::string& name) {
  for (const ExpectedVariable& v : all) {
    if (v.name == name) return &v;
  }
  ADD_FAILURE() << name << " not in the dump";
  return nullptr;
}

/// Offset of member {member} from the dump, within globals.c's unit.
uint64_t member_offset(const Dump& dump, const std::string& member) {
  for (const DumpDie& die : dump.dies) {
    if (die.tag == "DW_TAG_member" && die.unit.find("globals.c") != std::string::npos &&
        between_quotes(die.attrs.count("DW_AT_name") ? die.attrs.at("DW_AT_name") : "") == member) {
      return attr_number(die, "DW_AT_data_member_location").value_or(0);
    }
  }
  ADD_FAILURE() << "no member " << member;
  return 0;
}

// ---- Real modules: globals.c with wasi-libc, as clang-16 (and clang-19) build them. ----

/// Checks every variable of the dump of {variant}; returns how many were checked.
size_t check_variant(const std::string& variant) {
  Module module = load_module(variant);
  auto symbols = DataSymbols::parse(module);
  EXPECT_TRUE(symbols.ok()) << symbols.error().to_string();
  if (!symbols.ok()) return 0;
  std::vector<ExpectedVariable> expected = expected_variables(parse_dump(variant));
  std::set<uint64_t> addresses;
  for (const ExpectedVariable& v : expected) {
    addresses.insert(v.address);
    EXPECT_EQ(symbols->describe(v.address), v.name) << variant;
    if (v.size > 1) {
      std::string last = v.name + "+" + std::to_string(v.size - 1);
      EXPECT_EQ(symbols->describe(v.address + v.size - 1), last) << variant;
    }
    EXPECT_NE(symbols->describe(v.address + std::max<uint64_t>(v.size, 1)), v.name) << variant;
  }
  EXPECT_EQ(symbols->size(), addresses.size()) << variant;
  return expected.size();
}

TEST(DwarfInfoTest, EveryStaticVariableMatchesLlvmDwarfdump) {
  for (const char* variant : kVariants) EXPECT_GE(check_variant(variant), 9u) << variant;
}

TEST(DwarfInfoTest, EveryStaticVariableMatchesLlvmDwarfdumpForClang19) {
  if (!read_file(kInputs + "/" + kClang19Variants[0] + ".wasm")) GTEST_SKIP() << "no clang-19";
  for (const char* variant : kClang19Variants) EXPECT_GE(check_variant(variant), 9u) << variant;
}

TEST(DwarfInfoTest, InteriorAddressesNameTheVariableAndOffset) {
  for (const char* variant : kVariants) {
    Module module = load_module(variant);
    auto symbols = DataSymbols::parse(module);
    ASSERT_TRUE(symbols.ok()) << symbols.error().to_string();
    Dump dump = parse_dump(variant);
    std::vector<ExpectedVariable> all = expected_variables(dump);
    const ExpectedVariable* pool = find_expected(all, "pool");
    const ExpectedVariable* lock_a = find_expected(all, "lock_a");
    const ExpectedVariable* slots = find_expected(all, "slots");
    ASSERT_TRUE(pool && lock_a && slots);
    // The owner word of the second mutex (12 bytes each) in {pool.locks}, and the condition
    // variable {pool.ready}.
    uint64_t owner = member_offset(dump, "locks") + 12 + member_offset(dump, "owner");
    EXPECT_EQ(symbols->describe(pool->address + owner), "pool+" + std::to_string(owner));
    uint64_t ready = member_offset(dump, "ready");
    EXPECT_EQ(symbols->describe(pool->address + ready), "pool+" + std::to_string(ready));
    EXPECT_EQ(symbols->describe(lock_a->address + 4), "lock_a+4");
    EXPECT_EQ(slots->size, 5u * 2u * 16u) << "the dump's slot[5][2]";
    EXPECT_EQ(symbols->describe(slots->address + 150), "slots+150");
    EXPECT_NE(find_expected(all, "calls"), nullptr);
    EXPECT_NE(find_expected(all, "kTable"), nullptr);
  }
}

TEST(DwarfInfoTest, AddressesInNoVariableAreNotNamed) {
  for (const char* variant : kVariants) {
    Module module = load_module(variant);
    auto symbols = DataSymbols::parse(module);
    ASSERT_TRUE(symbols.ok()) << symbols.error().to_string();
    std::vector<ExpectedVariable> all = expected_variables(parse_dump(variant));
    std::map<uint64_t, uint64_t> ends;  // address -> end, from the dump
    for (const ExpectedVariable& v : all) ends[v.address] = v.address + v.size;
    size_t gaps = 0;
    for (auto it = ends.begin(); std::next(it) != ends.end(); ++it) {
      if (it->second == it->first || it->second >= std::next(it)->first) continue;
      EXPECT_EQ(symbols->describe(it->second), std::nullopt) << variant << " 0x" << std::hex << it->second;
      ++gaps;
    }
    EXPECT_GE(gaps, 1u) << variant;  // the padding before {slots}, at least
    EXPECT_EQ(symbols->describe(0), std::nullopt);
    EXPECT_EQ(symbols->describe(0xffffffff), std::nullopt) << "the tombstone of never_used";
    EXPECT_EQ(symbols->describe(ends.rbegin()->second + 64), std::nullopt);
  }
}

TEST(DwarfInfoTest, ModuleWithoutDebugInfoGivesAnEmptyTable) {
  // The name section's data segment names (.data, .bss) stay: they name no variable.
  Module module = load_module("globals_o0");
  std::erase_if(module.customs, [](const CustomSection& c) { return c.name.rfind(".debug", 0) == 0; });
  auto symbols = DataSymbols::parse(module);
  ASSERT_TRUE(symbols.ok()) << symbols.error().to_string();
  EXPECT_EQ(symbols->size(), 0u);
  EXPECT_EQ(symbols->describe(0x410), std::nullopt);
}

// ---- Truncated and corrupted sections: a table or kMalformed, never a crash or hang. ----

CustomSection* section(Module& module, const std::string& name) {
  for (CustomSection& custom : module.customs) {
    if (custom.name == name) return &custom;
  }
  return nullptr;
}

void expect_table_or_malformed(const Module& module, const std::string& what, uint32_t position) {
  auto symbols = DataSymbols::parse(module);
  if (symbols.ok()) {
    (void)symbols->describe(0x410);
    return;
  }
  EXPECT_EQ(symbols.error().kind, ErrorKind::kMalformed) << what << " at " << position;
}

uint32_t read_u32(const Module& module, uint32_t pos) {
  uint32_t value = 0;
  for (int b = 0; b < 4; ++b) value |= uint32_t{module.bytes[pos + b]} << (8 * b);
  return value;
}

void write_u32(Module& module, uint32_t pos, uint32_t value) {
  for (int b = 0; b < 4; ++b) module.bytes[pos + b] = static_cast<uint8_t>(value >> (8 * b));
}

/// The module offsets of the unit of {.debug_info} that holds globals.c (the second unit:
/// crt1's comes first) as [begin, end).
std::pair<uint32_t, uint32_t> globals_unit(const Module& module, ByteRange info) {
  uint32_t begin = info.begin + 4 + read_u32(module, info.begin);
  return {begin, begin + 4 + read_u32(module, begin)};
}

TEST(DwarfInfoTest, TruncationAtEveryByteNeverCrashes) {
  for (const char* variant : {"globals_o2", "globals_o0_v5"}) {
    Module module = load_module(variant);
    CustomSection* info = section(module, ".debug_info");
    ASSERT_NE(info, nullptr);
    const ByteRange full = info->data;
    auto [unit_begin, unit_end] = globals_unit(module, full);
    const uint32_t length = read_u32(module, unit_begin);
    // The section cut at every byte of its first two units (crt1's and globals.c's), and at a
    // stride past them (wasi-libc's units), so that the test stays fast under ASan: a unit
    // past the cut fails its unit_length check.
    for (uint32_t end = full.begin; end < full.end; end += end < unit_end ? 1 : 13) {
      info->data.end = end;
      expect_table_or_malformed(module, "truncated section", end);
    }
    // globals.c's unit cut at every byte with its length shrunk to match, so that the
    // reader meets truncated entries, attributes and expressions.
    for (uint32_t end = unit_begin + 4; end < unit_end; ++end) {
      info->data.end = end;
      write_u32(module, unit_begin, end - unit_begin - 4);
      expect_table_or_malformed(module, "truncated unit", end);
    }
    // The other sections cut at every byte (.debug_str at a stride), parsing only the first
    // two units (crt1's and globals.c's) so that the test stays fast under ASan.
    write_u32(module, unit_begin, length);
    info->data.end = unit_end;
    for (const char* name : {".debug_abbrev", ".debug_str_offsets", ".debug_addr", ".debug_str"}) {
      CustomSection* other = section(module, name);
      if (other == nullptr) continue;
      const ByteRange other_full = other->data;
      uint32_t stride = std::string(name) == ".debug_str" ? 7 : 1;
      for (uint32_t end = other_full.begin; end < other_full.end; end += stride) {
        other->data.end = end;
        expect_table_or_malformed(module, name, end);
      }
      other->data = other_full;
    }
    info->data = full;
    EXPECT_TRUE(DataSymbols::parse(module).ok());
  }
}

TEST(DwarfInfoTest, CorruptionOfEveryByteNeverCrashes) {
  for (const char* variant : {"globals_o0", "globals_o2_v5"}) {
    Module module = load_module(variant);
    CustomSection* info = section(module, ".debug_info");
    ASSERT_NE(info, nullptr);
    auto [unit_begin, unit_end] = globals_unit(module, info->data);
    info->data.end = unit_end;  // only crt1's and globals.c's units: fast under ASan
    for (uint32_t pos = unit_begin; pos < unit_end; ++pos) {
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

// ---- Hand-built DWARF 4: the cases compilers do not emit. ----

// Abbreviation codes of {kAbbrevs}.
enum : uint8_t { kCu = 1, kVar, kTypedef, kArray, kSubrange, kBase, kVarUnknownForm };

// DW_FORM_string name, DW_FORM_ref4 type, DW_FORM_exprloc location; a second variable
// abbreviation uses form 0x7f, which no DWARF version defines.
const Bytes kAbbrevs = {
    kCu, 0x11, 1, 0, 0,
    kVar, 0x34, 0, 0x03, 0x08, 0x49, 0x13, 0x02, 0x18, 0, 0,
    kTypedef, 0x16, 0, 0x49, 0x13, 0, 0,
    kArray, 0x01, 1, 0x49, 0x13, 0, 0,
    kSubrange, 0x21, 0, 0x37, 0x0f, 0, 0,
    kBase, 0x24, 0, 0x0b, 0x0b, 0, 0,
    kVarUnknownForm, 0x34, 0, 0x03, 0x7f, 0, 0,
    0};

/// One DWARF 4 compile unit built entry by entry; offsets are unit-relative.
struct UnitBuilder {
  Bytes dies = {kCu};
  uint32_t offset() const { return static_cast<uint32_t>(11 + dies.size()); }
  /// A variable named {name} of type at {type}, located by expression {location}.
  void variable(const std::string& name, uint32_t type, const Bytes& location) {
    dies.push_back(kVar);
    dies.insert(dies.end(), name.begin(), name.end());
    dies.push_back(0);
    append_u32(dies, type);
    append(dies, leb(location.size()));
    append(dies, location);
  }
  /// A DIE of abbreviation {code} whose only attribute is a 4-byte reference or constant.
  void with_u32(uint8_t code, uint32_t value) {
    dies.push_back(code);
    append_u32(dies, value);
  }
  Bytes unit() const {
    Bytes body = {4, 0, 0, 0, 0, 0, 4};  // version 4, abbrev offset 0, address size 4
    append(body, dies);
    body.push_back(0);  // ends the compile unit's children
    Bytes out;
    append_u32(out, static_cast<uint32_t>(body.size()));
    append(out, body);
    return out;
  }
};

Bytes addr(uint32_t address, const Bytes& more = {}) {
  Bytes out = {0x03};
  append_u32(out, address);
  append(out, more);
  return out;
}

Result<DataSymbols> parse_built(const UnitBuilder& unit) {
  Bytes module = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  append_custom_section(module, ".debug_abbrev", kAbbrevs);
  append_custom_section(module, ".debug_info", unit.unit());
  auto decoded = decode_module(module);
  if (!decoded.ok()) return decoded.take_error();
  return DataSymbols::parse(*decoded);
}

TEST(DwarfInfoTest, HandBuiltTypesGiveSizesOrUnknown) {
  UnitBuilder u;
  uint32_t int_type = u.offset();
  u.dies.insert(u.dies.end(), {kBase, 4});
  uint32_t array = u.offset();  // int[3][2]
  u.with_u32(kArray, int_type);
  u.dies.insert(u.dies.end(), {kSubrange, 3, kSubrange, 2, 0});
  uint32_t huge = u.offset();  // int[2^40]: past a 4 GiB address space
  u.with_u32(kArray, int_type);
  append(u.dies, {kSubrange});
  append(u.dies, leb(uint64_t{1} << 40));
  u.dies.push_back(0);
  uint32_t overflow = u.offset();  // int[2^62][8]: the product overflows 64 bits
  u.with_u32(kArray, int_type);
  append(u.dies, {kSubrange});
  append(u.dies, leb(uint64_t{1} << 62));
  append(u.dies, {kSubrange, 8, 0});
  uint32_t cycle = u.offset();  // typedef A -> typedef B -> A
  u.with_u32(kTypedef, cycle + 5);
  u.with_u32(kTypedef, cycle);
  u.variable("grid", array, addr(0x100));
  u.variable("huge", huge, addr(0x200));
  u.variable("overflow", overflow, addr(0x300));
  u.variable("loop", cycle, addr(0x400));
  u.variable("stacked", int_type, {0x91, 0x10});              // DW_OP_fbreg 16
  u.variable("constant", int_type, addr(0x500, {0x9f}));      // ..., DW_OP_stack_value
  u.variable("removed", int_type, addr(0xffffffff));          // wasm-ld's tombstone
  u.variable("dangling", 0xfffff, addr(0x600));               // type past the unit
  auto symbols = parse_built(u);
  ASSERT_TRUE(symbols.ok()) << symbols.error().to_string();
  EXPECT_EQ(symbols->size(), 5u);
  EXPECT_EQ(symbols->describe(0x100 + 23), "grid+23");
  EXPECT_EQ(symbols->describe(0x100 + 24), std::nullopt);
  for (uint32_t at : {0x200u, 0x300u, 0x400u, 0x600u}) {
    EXPECT_TRUE(symbols->describe(at).has_value()) << at;
    EXPECT_EQ(symbols->describe(at + 1), std::nullopt) << "size unknown, exact match only";
  }
  EXPECT_EQ(symbols->describe(0x500), std::nullopt);
}

void expect_malformed(const Result<DataSymbols>& symbols, const std::string& fragment) {
  ASSERT_FALSE(symbols.ok());
  EXPECT_EQ(symbols.error().kind, ErrorKind::kMalformed);
  EXPECT_NE(symbols.error().message.find(fragment), std::string::npos) << symbols.error().message;
}

TEST(DwarfInfoTest, BadAbbreviationCodeIsMalformed) {
  UnitBuilder u;
  u.dies.push_back(42);
  expect_malformed(parse_built(u), "unknown abbreviation code 42");
}

TEST(DwarfInfoTest, UnknownFormIsMalformed) {
  UnitBuilder u;
  u.dies.insert(u.dies.end(), {kVarUnknownForm, 1, 2, 3});
  expect_malformed(parse_built(u), "unknown form");
}

TEST(DwarfInfoTest, SixtyFourBitDwarfIsRejected) {
  Bytes module = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  append_custom_section(module, ".debug_abbrev", kAbbrevs);
  append_custom_section(module, ".debug_info", {0xff, 0xff, 0xff, 0xff, 7, 0, 0, 0, 0, 0, 0, 0, 4, 0});
  auto decoded = decode_module(module);
  ASSERT_TRUE(decoded.ok());
  expect_malformed(DataSymbols::parse(*decoded), "64-bit DWARF");
}

}  // namespace
}  // namespace wasmscope::internal
