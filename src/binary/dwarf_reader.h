// What every DWARF section reader shares: a bounded cursor, the 32-bit unit length, attribute
// forms and string lookup. Written from the DWARF 5 specification (7.4, 7.5.5, 7.5.6, 7.26).
// {.debug_line} (dwarf_line.cc) and {.debug_info} (dwarf_info.cc) both read through it, so each
// encoding rule lives here once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "binary/module.h"
#include "wasmscope/result.h"

namespace wasmscope::internal {

/// A bounded little-endian cursor over DWARF bytes; positions are module byte offsets. Errors
/// name the section, e.g. ".debug_info: unexpected end".
class DwarfReader {
 public:
  DwarfReader(const uint8_t* base, uint32_t pos, uint32_t end, const char* section)
      : base_(base), pos_(pos), end_(end), section_(section) {}

  uint32_t pos() const { return pos_; }
  uint32_t end() const { return end_; }
  bool at_end() const { return pos_ >= end_; }
  uint32_t remaining() const { return end_ - pos_; }
  const uint8_t* base() const { return base_; }
  const char* section() const { return section_; }

  /// A reader over [{begin}, {end}) of the same bytes and section; callers keep it in bounds.
  DwarfReader slice(uint32_t begin, uint32_t end) const {
    return DwarfReader(base_, begin, end, section_);
  }

  /// An unsigned little-endian integer of {size} bytes; of a longer one (data16), the low 8.
  Result<uint64_t> fixed(uint32_t size);
  /// An unsigned LEB128 that fits in 64 bits.
  Result<uint64_t> uleb();
  /// A signed LEB128 that fits in 64 bits.
  Result<int64_t> sleb();
  /// A NUL-terminated string.
  Result<std::string> cstring();
  /// Moves past {count} bytes.
  Result<void> skip(uint64_t count);

  Error error(const std::string& message) const;
  Error unexpected_end() const { return error("unexpected end"); }

 private:
  const uint8_t* base_;
  uint32_t pos_;
  uint32_t end_;
  const char* section_;
};

/// The custom section named {name}, if any.
const CustomSection* find_custom_section(const Module& module, const char* name);

/// Reads a unit's {unit_length} (7.4) and returns where the unit ends, inside {r}'s range.
/// 64-bit DWARF (an initial 0xffffffff) is rejected: wasm32 producers never emit it.
Result<uint32_t> read_unit_length(DwarfReader& r);

/// Attribute forms (7.5.6, table 7.6).
enum DwarfForm : uint64_t {
  kFormAddr = 0x01,
  kFormBlock2 = 0x03,
  kFormBlock4 = 0x04,
  kFormData2 = 0x05,
  kFormData4 = 0x06,
  kFormData8 = 0x07,
  kFormString = 0x08,
  kFormBlock = 0x09,
  kFormBlock1 = 0x0a,
  kFormData1 = 0x0b,
  kFormFlag = 0x0c,
  kFormSdata = 0x0d,
  kFormStrp = 0x0e,
  kFormUdata = 0x0f,
  kFormRefAddr = 0x10,
  kFormRef1 = 0x11,
  kFormRef2 = 0x12,
  kFormRef4 = 0x13,
  kFormRef8 = 0x14,
  kFormRefUdata = 0x15,
  kFormIndirect = 0x16,
  kFormSecOffset = 0x17,
  kFormExprloc = 0x18,
  kFormFlagPresent = 0x19,
  kFormStrx = 0x1a,
  kFormAddrx = 0x1b,
  kFormRefSup4 = 0x1c,
  kFormStrpSup = 0x1d,
  kFormData16 = 0x1e,
  kFormLineStrp = 0x1f,
  kFormRefSig8 = 0x20,
  kFormImplicitConst = 0x21,
  kFormLoclistx = 0x22,
  kFormRnglistx = 0x23,
  kFormRefSup8 = 0x24,
  kFormStrx1 = 0x25,
  kFormStrx4 = 0x28,
  kFormAddrx1 = 0x29,
  kFormAddrx4 = 0x2c,
};

/// What a form's value is, as far as the readers here need to tell (7.5.5's classes, with
/// strings and addresses split by where their bytes are).
enum class FormClass : uint8_t {
  kConstant,       ///< data*, udata, sdata, flag*, implicit_const: {number} (sdata: two's complement)
  kInlineString,   ///< string: {number} is the module offset of the text
  kStrp,           ///< strp: {number} is an offset into {.debug_str}
  kLineStrp,       ///< line_strp: {number} is an offset into {.debug_line_str}
  kStrx,           ///< strx*: {number} indexes {.debug_str_offsets} from the unit's base
  kAddress,        ///< addr: {number}
  kAddressIndex,   ///< addrx*: {number} indexes {.debug_addr} from the unit's base
  kUnitReference,  ///< ref1..ref8, ref_udata: {number} is an offset from the unit's start
  kInfoReference,  ///< ref_addr: {number} is an offset into {.debug_info}
  kBlock,          ///< block*, exprloc: the bytes are {block}
  kOther,          ///< everything else (section offsets, list indices, signatures): skipped
};

struct FormValue {
  FormClass cls = FormClass::kOther;
  bool is_signed = false;  ///< sdata or implicit_const: {number} holds an int64_t.
  uint64_t number = 0;
  ByteRange block;
};

/// The unit properties that decide how forms are encoded.
struct FormEncoding {
  uint16_t version = 5;
  uint8_t address_size = 4;
};

/// Reads a value of {form} (following DW_FORM_indirect). {implicit_const} is the value an
/// abbreviation gives a DW_FORM_implicit_const attribute. Unknown forms are errors: their size
/// is unknown, so nothing after them could be read.
Result<FormValue> read_form(DwarfReader& r, uint64_t form, const FormEncoding& encoding,
                            int64_t implicit_const = 0);

/// The string sections of a module, to turn string-class form values into text.
class DwarfStrings {
 public:
  explicit DwarfStrings(const Module& module);

  /// The text of {value}; errors are reported at {at}'s position. {str_offsets_base} (the
  /// unit's DW_AT_str_offsets_base) is needed only for strx forms.
  Result<std::string> text(const DwarfReader& at, const FormValue& value,
                           std::optional<uint64_t> str_offsets_base) const;

 private:
  Result<std::string> from_section(const DwarfReader& at, const CustomSection* section,
                                   const char* name, uint64_t offset) const;

  const Module& module_;
  const CustomSection* str_ = nullptr;
  const CustomSection* line_str_ = nullptr;
  const CustomSection* str_offsets_ = nullptr;
};

}  // namespace wasmscope::internal
