#include "binary/dwarf_info.h"

#include <algorithm>
#include <array>
#include <map>
#include <unordered_map>
#include <utility>

#include "binary/dwarf_reader.h"

namespace wasmscope::internal {
namespace {

// Tags (7.5.3) that decide a variable's size, and the variable tag itself.
enum Tag : uint64_t {
  kTagArrayType = 0x01,
  kTagPointerType = 0x0f,
  kTagReferenceType = 0x10,
  kTagTypedef = 0x16,
  kTagSubrangeType = 0x21,
  kTagConstType = 0x26,
  kTagPackedType = 0x2d,
  kTagVariable = 0x34,
  kTagVolatileType = 0x35,
  kTagRestrictType = 0x37,
  kTagSharedType = 0x40,
  kTagRvalueReferenceType = 0x42,
  kTagAtomicType = 0x47,
  kTagImmutableType = 0x4b,
};

// Unit types of DWARF 5 unit headers (7.5.1).
enum UnitType : uint64_t {
  kUnitCompile = 0x01,
  kUnitType = 0x02,
  kUnitPartial = 0x03,
  kUnitSkeleton = 0x04,
  kUnitSplitCompile = 0x05,
  kUnitSplitType = 0x06,
};

// Location expression operations (7.7.1) that give a static address.
constexpr uint8_t kOpAddr = 0x03;
constexpr uint8_t kOpAddrx = 0xa1;
constexpr uint8_t kOpGnuAddrIndex = 0xfb;  // DW_OP_addrx's GNU forerunner (split DWARF 4)

/// The attributes this reader keeps from a DIE, as indices into {Die::attrs}.
enum Wanted : uint8_t {
  kName,
  kLinkageName,
  kLocation,
  kType,
  kByteSize,
  kCount,
  kUpperBound,
  kLowerBound,
  kSpecification,
  kAbstractOrigin,
  kStrOffsetsBase,
  kAddrBase,
  kWantedCount,
};

/// The {Wanted} slot of attribute code {attribute} (7.5.4), or nullopt when it is not kept.
std::optional<Wanted> wanted(uint64_t attribute) {
  switch (attribute) {
    case 0x02: return kLocation;
    case 0x03: return kName;
    case 0x0b: return kByteSize;
    case 0x22: return kLowerBound;
    case 0x2f: return kUpperBound;
    case 0x31: return kAbstractOrigin;
    case 0x37: return kCount;
    case 0x47: return kSpecification;
    case 0x49: return kType;
    case 0x6e: return kLinkageName;
    case 0x2007: return kLinkageName;  // DW_AT_MIPS_linkage_name, from pre-DWARF 4 producers
    case 0x72: return kStrOffsetsBase;
    case 0x73: return kAddrBase;
    default: return std::nullopt;
  }
}

// Chains of type references and declarations longer than this are treated as unknown: real
// ones are a handful of links, and the bound stops reference cycles and deep recursion.
constexpr int kMaxTypeHops = 32;
constexpr int kMaxDeclarationHops = 4;

struct AttrSpec {
  uint64_t attribute = 0;
  uint64_t form = 0;
  int64_t implicit_const = 0;
};

/// One abbreviation declaration (7.5.3).
struct Abbrev {
  uint64_t tag = 0;
  bool has_children = false;
  std::vector<AttrSpec> attrs;
};

using AbbrevTable = std::unordered_map<uint64_t, Abbrev>;

/// One unit of {.debug_info}; offsets are module byte offsets.
struct Unit {
  uint32_t begin = 0;       ///< The unit_length field: what DW_FORM_ref* count from.
  uint32_t dies_begin = 0;  ///< The first DIE, after the header.
  uint32_t end = 0;
  FormEncoding encoding;
  const AbbrevTable* abbrevs = nullptr;
  std::optional<uint64_t> str_offsets_base;
  std::optional<uint64_t> addr_base;
};

/// A debugging information entry with the attributes this reader keeps. {tag} 0 is a null
/// entry (the end of a sibling chain).
struct Die {
  uint32_t next = 0;  ///< Where the next entry starts.
  uint64_t tag = 0;
  bool has_children = false;
  std::array<std::optional<FormValue>, kWantedCount> attrs;

  const std::optional<FormValue>& operator[](Wanted w) const { return attrs[w]; }
};

/// A DIE's position: the unit holding it and its module offset.
struct DieRef {
  const Unit* unit = nullptr;
  uint32_t offset = 0;
};

/// {value} as a size or count, when it is a non-negative constant.
std::optional<uint64_t> unsigned_constant(const std::optional<FormValue>& value) {
  if (!value || value->cls != FormClass::kConstant) return std::nullopt;
  if (value->is_signed && static_cast<int64_t>(value->number) < 0) return std::nullopt;
  return value->number;
}

/// The largest address an {address_size}-byte address can hold.
uint64_t max_address(uint8_t address_size) {
  return address_size >= 8 ? UINT64_MAX : (uint64_t{1} << (8 * address_size)) - 1;
}

/// True for the addresses wasm-ld writes for data it removed (-1, and -2 as in
/// {.debug_ranges}), so that no live variable is confused with a removed one.
bool is_tombstone(uint64_t address, uint8_t address_size) {
  return address >= max_address(address_size) - 1;
}

using MaybeAddress = std::optional<uint64_t>;

/// A variable's name and type, possibly found on the declaration its definition refers to.
struct Naming {
  std::optional<FormValue> name;
  std::optional<FormValue> linkage_name;
  const Unit* name_unit = nullptr;
  const Unit* linkage_unit = nullptr;
  std::optional<DieRef> type;
};

}  // namespace

/// Reads the units of one {.debug_info} section and collects its static variables.
class DebugInfoParser {
 public:
  DebugInfoParser(const Module& module, const CustomSection& info)
      : module_(module), info_(info.data), strings_(module) {
    abbrev_ = find_custom_section(module, ".debug_abbrev");
    addr_ = find_custom_section(module, ".debug_addr");
  }

  /// Reads every unit header, its abbreviations and its root entry's string and address bases.
  Result<void> read_units() {
    DwarfReader r = reader(info_.begin, info_.end);
    while (!r.at_end()) WS_TRY(read_unit(r));
    return {};
  }

  /// Appends every static variable of every unit to {out}.
  Result<void> collect(std::vector<DataSymbols::Variable>* out) {
    for (const Unit& unit : units_) {
      for (uint32_t pos = unit.dies_begin; pos < unit.end;) {
        WS_ASSIGN(Die die, read_die(unit, pos));
        pos = die.next;
        if (die.tag == kTagVariable && die[kLocation]) WS_TRY(add_variable(unit, die, out));
      }
    }
    return {};
  }

 private:
  DwarfReader reader(uint32_t begin, uint32_t end) const {
    return DwarfReader(module_.bytes.data(), begin, end, ".debug_info");
  }

  /// Reads the unit at {r}'s position (7.5.1) and moves {r} past it.
  Result<void> read_unit(DwarfReader& r) {
    Unit unit;
    unit.begin = r.pos();
    WS_ASSIGN(unit.end, read_unit_length(r));
    DwarfReader h = r.slice(r.pos(), unit.end);
    r = r.slice(unit.end, r.end());
    WS_ASSIGN(uint64_t version, h.fixed(2));
    if (version < 2 || version > 5) return h.error("unsupported version " + std::to_string(version));
    uint64_t abbrev_offset = 0;
    uint64_t address_size = 0;
    if (version >= 5) {
      WS_ASSIGN(uint64_t unit_type, h.fixed(1));
      WS_ASSIGN(address_size, h.fixed(1));
      WS_ASSIGN(abbrev_offset, h.fixed(4));
      WS_TRY(skip_unit_ids(h, unit_type));
    } else {
      WS_ASSIGN(abbrev_offset, h.fixed(4));
      WS_ASSIGN(address_size, h.fixed(1));
    }
    if (address_size == 0 || address_size > 8) return h.error("bad address size");
    unit.encoding = {static_cast<uint16_t>(version), static_cast<uint8_t>(address_size)};
    unit.dies_begin = h.pos();
    WS_ASSIGN(unit.abbrevs, abbrev_table(abbrev_offset));
    if (unit.dies_begin < unit.end) WS_TRY(read_bases(&unit));
    units_.push_back(unit);
    return {};
  }

  /// Skips the DWARF 5 header fields that follow {debug_abbrev_offset} for {unit_type}.
  static Result<void> skip_unit_ids(DwarfReader& h, uint64_t unit_type) {
    switch (unit_type) {
      case kUnitCompile: case kUnitPartial: return {};
      case kUnitSkeleton: case kUnitSplitCompile: return h.skip(8);  // dwo_id
      case kUnitType: case kUnitSplitType: return h.skip(12);  // type_signature, type_offset
      default: return h.error("unknown unit type " + std::to_string(unit_type));
    }
  }

  /// Takes DW_AT_str_offsets_base and DW_AT_addr_base from the unit's root entry. They may
  /// follow strx-named attributes of that same entry, so strings are resolved only later.
  Result<void> read_bases(Unit* unit) {
    WS_ASSIGN(Die root, read_die(*unit, unit->dies_begin));
    if (root[kStrOffsetsBase]) unit->str_offsets_base = root[kStrOffsetsBase]->number;
    if (root[kAddrBase]) unit->addr_base = root[kAddrBase]->number;
    return {};
  }

  /// The abbreviation table at {offset} in {.debug_abbrev}, read once and shared by the units
  /// that name it.
  Result<const AbbrevTable*> abbrev_table(uint64_t offset) {
    auto cached = abbrevs_.find(offset);
    if (cached != abbrevs_.end()) return &cached->second;
    DwarfReader at = reader(info_.begin, info_.end);
    if (abbrev_ == nullptr) return at.error("no .debug_abbrev section");
    if (offset >= abbrev_->data.size()) return at.error("abbreviation offset past .debug_abbrev");
    DwarfReader r(module_.bytes.data(), abbrev_->data.begin + static_cast<uint32_t>(offset),
                  abbrev_->data.end, ".debug_abbrev");
    AbbrevTable table;
    for (;;) {
      WS_ASSIGN(uint64_t code, r.uleb());
      if (code == 0) break;
      WS_ASSIGN(Abbrev abbrev, read_abbrev(r));
      if (!table.emplace(code, std::move(abbrev)).second) {
        return r.error("duplicate abbreviation code " + std::to_string(code));
      }
    }
    return &abbrevs_.emplace(offset, std::move(table)).first->second;
  }

  /// Reads one abbreviation declaration after its code (7.5.3).
  static Result<Abbrev> read_abbrev(DwarfReader& r) {
    Abbrev abbrev;
    WS_ASSIGN(abbrev.tag, r.uleb());
    WS_ASSIGN(uint64_t children, r.fixed(1));
    if (children > 1) return r.error("bad DW_CHILDREN value");
    abbrev.has_children = children == 1;
    for (;;) {
      AttrSpec spec;
      WS_ASSIGN(spec.attribute, r.uleb());
      WS_ASSIGN(spec.form, r.uleb());
      if (spec.attribute == 0 && spec.form == 0) return abbrev;
      if (spec.form == kFormImplicitConst) {
        WS_ASSIGN(spec.implicit_const, r.sleb());
      }
      abbrev.attrs.push_back(spec);
    }
  }

  /// Reads the entry at module offset {offset} of {unit}.
  Result<Die> read_die(const Unit& unit, uint32_t offset) const {
    DwarfReader r = reader(offset, unit.end);
    Die die;
    WS_ASSIGN(uint64_t code, r.uleb());
    if (code != 0) {
      auto found = unit.abbrevs->find(code);
      if (found == unit.abbrevs->end()) {
        return r.error("unknown abbreviation code " + std::to_string(code));
      }
      const Abbrev& abbrev = found->second;
      die.tag = abbrev.tag;
      die.has_children = abbrev.has_children;
      for (const AttrSpec& spec : abbrev.attrs) {
        WS_ASSIGN(FormValue value, read_form(r, spec.form, unit.encoding, spec.implicit_const));
        if (std::optional<Wanted> slot = wanted(spec.attribute)) die.attrs[*slot] = value;
      }
    }
    die.next = r.pos();
    return die;
  }

  /// Where reference {ref}, read in {unit}, points; nullopt for references this reader does
  /// not follow (type signatures, supplementary files) or that point outside every unit.
  std::optional<DieRef> resolve(const Unit& unit, const FormValue& ref) const {
    if (ref.cls == FormClass::kUnitReference) {
      if (ref.number >= unit.end - unit.begin) return std::nullopt;
      auto offset = unit.begin + static_cast<uint32_t>(ref.number);
      if (offset < unit.dies_begin) return std::nullopt;
      return DieRef{&unit, offset};
    }
    if (ref.cls != FormClass::kInfoReference || ref.number >= info_.size()) return std::nullopt;
    auto offset = info_.begin + static_cast<uint32_t>(ref.number);
    auto it = std::upper_bound(units_.begin(), units_.end(), offset,
                               [](uint32_t o, const Unit& u) { return o < u.begin; });
    if (it == units_.begin()) return std::nullopt;
    --it;
    if (offset < it->dies_begin || offset >= it->end) return std::nullopt;
    return DieRef{&*it, offset};
  }

  /// Adds {die} to {out} when its location is a static address and it has a name.
  Result<void> add_variable(const Unit& unit, const Die& die,
                            std::vector<DataSymbols::Variable>* out) {
    WS_ASSIGN(MaybeAddress address, static_address(unit, *die[kLocation]));
    if (!address || is_tombstone(*address, unit.encoding.address_size)) return {};
    Naming naming;
    WS_TRY(find_naming(unit, die, &naming));
    WS_ASSIGN(std::string name, name_text(naming));
    if (name.empty()) return {};
    uint64_t size = 0;
    if (naming.type) {
      WS_ASSIGN(size, type_size(*naming.type, 0));
    }
    // A size reaching past the address space is corrupt: keep the name, drop the size.
    if (size != 0 && size - 1 > max_address(unit.encoding.address_size) - *address) size = 0;
    out->push_back({*address, size, std::move(name)});
    return {};
  }

  /// The address of location {location} when it is exactly one DW_OP_addr or DW_OP_addrx;
  /// nullopt for anything else (stack slots, wasm locals, TLS, location lists).
  Result<MaybeAddress> static_address(const Unit& unit, const FormValue& location) {
    if (location.cls != FormClass::kBlock || location.block.size() == 0) return MaybeAddress();
    DwarfReader r = reader(location.block.begin, location.block.end);
    WS_ASSIGN(uint64_t op, r.fixed(1));
    uint64_t operand = 0;
    if (op == kOpAddr) {
      WS_ASSIGN(operand, r.fixed(unit.encoding.address_size));
    } else if (op == kOpAddrx || op == kOpGnuAddrIndex) {
      WS_ASSIGN(operand, r.uleb());
    } else {
      return MaybeAddress();
    }
    if (!r.at_end()) return MaybeAddress();  // more operations: not a plain address
    if (op == kOpAddr) return MaybeAddress(operand);
    WS_ASSIGN(uint64_t address, indexed_address(unit, operand, r));
    return MaybeAddress(address);
  }

  /// Entry {index} of the unit's {.debug_addr} table (7.27); errors are reported at {at}.
  Result<uint64_t> indexed_address(const Unit& unit, uint64_t index, const DwarfReader& at) {
    if (!unit.addr_base) return at.error("address index without DW_AT_addr_base");
    if (addr_ == nullptr) return at.error("address index without .debug_addr");
    uint64_t size = addr_->data.size();
    uint8_t address_size = unit.encoding.address_size;
    // Checked so that no sum below can overflow.
    if (*unit.addr_base > size || index >= (size - *unit.addr_base) / address_size) {
      return at.error("address index past .debug_addr");
    }
    auto entry = static_cast<uint32_t>(*unit.addr_base + index * address_size);
    DwarfReader r(module_.bytes.data(), addr_->data.begin + entry, addr_->data.end, ".debug_addr");
    return r.fixed(address_size);
  }

  /// Fills {out} from {die}, then from the declarations its DW_AT_specification or
  /// DW_AT_abstract_origin names, for what {die} lacks (C++ static members defined outside
  /// their class, static locals of inlined functions).
  Result<void> find_naming(const Unit& unit, const Die& die, Naming* out) {
    const Unit* current = &unit;
    Die entry = die;
    for (int hop = 0;; ++hop) {
      if (!out->name && entry[kName]) {
        out->name = entry[kName];
        out->name_unit = current;
      }
      if (!out->linkage_name && entry[kLinkageName]) {
        out->linkage_name = entry[kLinkageName];
        out->linkage_unit = current;
      }
      if (!out->type && entry[kType]) out->type = resolve(*current, *entry[kType]);
      if ((out->name && out->type) || hop == kMaxDeclarationHops) return {};
      const std::optional<FormValue>& link =
          entry[kSpecification] ? entry[kSpecification] : entry[kAbstractOrigin];
      std::optional<DieRef> target = link ? resolve(*current, *link) : std::nullopt;
      if (!target) return {};
      current = target->unit;
      WS_ASSIGN(entry, read_die(*current, target->offset));
    }
  }

  /// DW_AT_name's text when there is one, else DW_AT_linkage_name's as it is (mangled).
  Result<std::string> name_text(const Naming& naming) const {
    bool use_name = naming.name.has_value();
    const std::optional<FormValue>& value = use_name ? naming.name : naming.linkage_name;
    const Unit* unit = use_name ? naming.name_unit : naming.linkage_unit;
    if (!value) return std::string();
    return strings_.text(reader(unit->dies_begin, unit->end), *value, unit->str_offsets_base);
  }

  /// The size in bytes of the type at {type}, 0 when unknown. {hops} counts the references
  /// followed so far; results are remembered per entry, so each is computed once.
  Result<uint64_t> type_size(DieRef type, int hops) {
    if (hops >= kMaxTypeHops) return uint64_t{0};
    auto cached = type_sizes_.find(type.offset);
    if (cached != type_sizes_.end()) return cached->second;
    WS_ASSIGN(Die die, read_die(*type.unit, type.offset));
    WS_ASSIGN(uint64_t size, compute_size(*type.unit, die, hops));
    type_sizes_[type.offset] = size;
    return size;
  }

  /// The size of type entry {die} of {unit}: its DW_AT_byte_size, else what its tag implies.
  Result<uint64_t> compute_size(const Unit& unit, const Die& die, int hops) {
    if (die[kByteSize]) return unsigned_constant(die[kByteSize]).value_or(0);
    switch (die.tag) {
      case kTagTypedef: case kTagConstType: case kTagVolatileType: case kTagRestrictType:
      case kTagPackedType: case kTagSharedType: case kTagAtomicType: case kTagImmutableType: {
        std::optional<DieRef> next = die[kType] ? resolve(unit, *die[kType]) : std::nullopt;
        if (!next) return uint64_t{0};
        return type_size(*next, hops + 1);
      }
      case kTagPointerType: case kTagReferenceType: case kTagRvalueReferenceType:
        return uint64_t{unit.encoding.address_size};
      case kTagArrayType: return array_size(unit, die, hops);
      default: return uint64_t{0};
    }
  }

  /// Element size times the product of the subrange counts of array entry {die} (5.5);
  /// 0 when any is unknown or the product overflows.
  Result<uint64_t> array_size(const Unit& unit, const Die& die, int hops) {
    std::optional<DieRef> element = die[kType] ? resolve(unit, *die[kType]) : std::nullopt;
    if (!element || !die.has_children) return uint64_t{0};
    WS_ASSIGN(uint64_t size, type_size(*element, hops + 1));
    bool any_subrange = false;
    int depth = 0;
    for (uint32_t pos = die.next; pos < unit.end;) {
      WS_ASSIGN(Die child, read_die(unit, pos));
      pos = child.next;
      if (child.tag == 0) {
        if (depth-- == 0) break;
        continue;
      }
      if (depth == 0 && child.tag == kTagSubrangeType) {
        std::optional<uint64_t> count = subrange_count(child);
        if (!count || __builtin_mul_overflow(size, *count, &size)) return uint64_t{0};
        any_subrange = true;
      }
      if (child.has_children) ++depth;
    }
    return any_subrange ? size : 0;
  }

  /// The element count of subrange entry {die}: DW_AT_count, else upper - lower + 1 with the
  /// C lower bound 0 by default; nullopt when not a constant (variable-length, flexible).
  static std::optional<uint64_t> subrange_count(const Die& die) {
    if (die[kCount]) return unsigned_constant(die[kCount]);
    std::optional<uint64_t> upper = unsigned_constant(die[kUpperBound]);
    std::optional<uint64_t> lower =
        die[kLowerBound] ? unsigned_constant(die[kLowerBound]) : std::optional<uint64_t>(0);
    if (!upper || !lower || *upper < *lower || *upper - *lower == UINT64_MAX) return std::nullopt;
    return *upper - *lower + 1;
  }

  const Module& module_;
  ByteRange info_;
  DwarfStrings strings_;
  const CustomSection* abbrev_ = nullptr;
  const CustomSection* addr_ = nullptr;
  std::vector<Unit> units_;                     ///< In section order, so sorted by {begin}.
  std::map<uint64_t, AbbrevTable> abbrevs_;     ///< By offset; node-based, so pointers stay.
  std::unordered_map<uint32_t, uint64_t> type_sizes_;  ///< By type entry offset.
};

Result<DataSymbols> DataSymbols::parse(const Module& module) {
  DataSymbols symbols;
  const CustomSection* info = find_custom_section(module, ".debug_info");
  if (info == nullptr) return symbols;
  DebugInfoParser parser(module, *info);
  WS_TRY(parser.read_units());
  WS_TRY(parser.collect(&symbols.variables_));
  symbols.finish();
  return symbols;
}

void DataSymbols::finish() {
  std::sort(variables_.begin(), variables_.end(), [](const Variable& a, const Variable& b) {
    if (a.address != b.address) return a.address < b.address;
    if (a.size != b.size) return a.size > b.size;
    return a.name < b.name;
  });
  // The last byte a kept variable covers (a size-0 one covers its own address); no overflow,
  // as {add_variable} keeps every size within the address space.
  auto last = [](const Variable& v) { return v.address + (v.size == 0 ? 0 : v.size - 1); };
  std::vector<Variable> kept;
  for (Variable& v : variables_) {
    if (kept.empty() || v.address > last(kept.back())) kept.push_back(std::move(v));
  }
  variables_ = std::move(kept);
}

std::optional<std::string> DataSymbols::describe(uint64_t address) const {
  auto it = std::upper_bound(variables_.begin(), variables_.end(), address,
                             [](uint64_t a, const Variable& v) { return a < v.address; });
  if (it == variables_.begin()) return std::nullopt;
  --it;
  uint64_t offset = address - it->address;
  if (offset == 0) return it->name;
  if (offset < it->size) return it->name + "+" + std::to_string(offset);
  return std::nullopt;
}

}  // namespace wasmscope::internal
