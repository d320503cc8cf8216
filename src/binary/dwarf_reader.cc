#include "binary/dwarf_reader.h"

#include <cstring>

namespace wasmscope::internal {

Result<uint64_t> DwarfReader::fixed(uint32_t size) {
  if (size > remaining()) return unexpected_end();
  uint64_t value = 0;
  // DW_FORM_data16 (a file's MD5 in DWARF 5 line tables) is 16 bytes: keep the low 8, as no
  // consumer reads more, and never shift by 64 or more (undefined).
  for (uint32_t i = 0; i < size && i < 8; ++i) value |= uint64_t{base_[pos_ + i]} << (8 * i);
  pos_ += size;
  return value;
}

Result<uint64_t> DwarfReader::uleb() {
  uint64_t value = 0;
  for (uint32_t shift = 0; shift < 64; shift += 7) {
    if (at_end()) return unexpected_end();
    uint8_t byte = base_[pos_++];
    value |= uint64_t{byte & 0x7fu} << shift;
    if ((byte & 0x80) == 0) return value;
  }
  return error("LEB128 longer than 64 bits");
}

Result<int64_t> DwarfReader::sleb() {
  uint64_t value = 0;
  for (uint32_t shift = 0; shift < 64; shift += 7) {
    if (at_end()) return unexpected_end();
    uint8_t byte = base_[pos_++];
    value |= uint64_t{byte & 0x7fu} << shift;
    if ((byte & 0x80) == 0) {
      if ((byte & 0x40) != 0 && shift + 7 < 64) value |= ~uint64_t{0} << (shift + 7);
      return static_cast<int64_t>(value);
    }
  }
  return error("LEB128 longer than 64 bits");
}

Result<std::string> DwarfReader::cstring() {
  const void* nul = std::memchr(base_ + pos_, 0, remaining());
  if (nul == nullptr) return error("unterminated string");
  auto length = static_cast<uint32_t>(static_cast<const uint8_t*>(nul) - (base_ + pos_));
  std::string text(reinterpret_cast<const char*>(base_ + pos_), length);
  pos_ += length + 1;
  return text;
}

Result<void> DwarfReader::skip(uint64_t count) {
  if (count > remaining()) return unexpected_end();
  pos_ += static_cast<uint32_t>(count);
  return {};
}

Error DwarfReader::error(const std::string& message) const {
  return malformed(pos_, std::string(section_) + ": " + message);
}

const CustomSection* find_custom_section(const Module& module, const char* name) {
  for (const CustomSection& custom : module.customs) {
    if (custom.name == name) return &custom;
  }
  return nullptr;
}

Result<uint32_t> read_unit_length(DwarfReader& r) {
  WS_ASSIGN(uint64_t length, r.fixed(4));
  if (length == 0xffffffff) return r.error("64-bit DWARF is not supported");
  if (length >= 0xfffffff0) return r.error("reserved unit length");
  if (length > r.remaining()) return r.error("unit length past the section end");
  return r.pos() + static_cast<uint32_t>(length);
}

namespace {

// GNU extensions to the form codes (DWARF 5, 7.5.6 leaves 0x1f01-0x1fff to vendors) that
// producers of split or supplementary DWARF emit; only their size matters here.
constexpr uint64_t kFormGnuAddrIndex = 0x1f01;
constexpr uint64_t kFormGnuStrIndex = 0x1f02;
constexpr uint64_t kFormGnuRefAlt = 0x1f20;
constexpr uint64_t kFormGnuStrpAlt = 0x1f21;

/// How a form's bytes are laid out.
enum class Layout : uint8_t {
  kNone,        ///< no bytes (flag_present, implicit_const)
  kFixed,       ///< {size} bytes
  kUleb,
  kSleb,
  kCString,
  kBlockUleb,   ///< a ULEB128 length, then that many bytes
  kBlockFixed,  ///< a {size}-byte length, then that many bytes
};

struct FormShape {
  FormClass cls;
  Layout layout;
  uint8_t size = 0;
};

/// The shape of {form}, or nullopt for a form this reader does not know. Offsets into other
/// sections are 4 bytes: only the 32-bit format is read.
std::optional<FormShape> form_shape(uint64_t form, const FormEncoding& e) {
  using C = FormClass;
  using L = Layout;
  switch (form) {
    case kFormAddr: return FormShape{C::kAddress, L::kFixed, e.address_size};
    case kFormData1: case kFormFlag: return FormShape{C::kConstant, L::kFixed, 1};
    case kFormData2: return FormShape{C::kConstant, L::kFixed, 2};
    case kFormData4: return FormShape{C::kConstant, L::kFixed, 4};
    case kFormData8: return FormShape{C::kConstant, L::kFixed, 8};
    case kFormUdata: return FormShape{C::kConstant, L::kUleb};
    case kFormSdata: return FormShape{C::kConstant, L::kSleb};
    case kFormFlagPresent: return FormShape{C::kConstant, L::kNone};
    case kFormImplicitConst: return FormShape{C::kConstant, L::kNone};
    case kFormString: return FormShape{C::kInlineString, L::kCString};
    case kFormStrp: return FormShape{C::kStrp, L::kFixed, 4};
    case kFormLineStrp: return FormShape{C::kLineStrp, L::kFixed, 4};
    case kFormStrx: case kFormGnuStrIndex: return FormShape{C::kStrx, L::kUleb};
    case kFormAddrx: case kFormGnuAddrIndex: return FormShape{C::kAddressIndex, L::kUleb};
    case kFormRef1: return FormShape{C::kUnitReference, L::kFixed, 1};
    case kFormRef2: return FormShape{C::kUnitReference, L::kFixed, 2};
    case kFormRef4: return FormShape{C::kUnitReference, L::kFixed, 4};
    case kFormRef8: return FormShape{C::kUnitReference, L::kFixed, 8};
    case kFormRefUdata: return FormShape{C::kUnitReference, L::kUleb};
    // DWARF 2 sized {ref_addr} like an address; DWARF 3 made it an offset (7.5.4).
    case kFormRefAddr:
      return FormShape{C::kInfoReference, L::kFixed, e.version <= 2 ? e.address_size : uint8_t{4}};
    case kFormExprloc: case kFormBlock: return FormShape{C::kBlock, L::kBlockUleb};
    case kFormBlock1: return FormShape{C::kBlock, L::kBlockFixed, 1};
    case kFormBlock2: return FormShape{C::kBlock, L::kBlockFixed, 2};
    case kFormBlock4: return FormShape{C::kBlock, L::kBlockFixed, 4};
    case kFormSecOffset: case kFormStrpSup: case kFormRefSup4:
    case kFormGnuRefAlt: case kFormGnuStrpAlt: return FormShape{C::kOther, L::kFixed, 4};
    case kFormRefSig8: case kFormRefSup8: return FormShape{C::kOther, L::kFixed, 8};
    case kFormData16: return FormShape{C::kOther, L::kFixed, 16};
    case kFormLoclistx: case kFormRnglistx: return FormShape{C::kOther, L::kUleb};
    default: break;
  }
  if (form >= kFormStrx1 && form <= kFormStrx4) {
    return FormShape{C::kStrx, L::kFixed, static_cast<uint8_t>(form - kFormStrx1 + 1)};
  }
  if (form >= kFormAddrx1 && form <= kFormAddrx4) {
    return FormShape{C::kAddressIndex, L::kFixed, static_cast<uint8_t>(form - kFormAddrx1 + 1)};
  }
  return std::nullopt;
}

/// Reads the bytes of a value shaped {shape} into {out}.
Result<void> read_shaped(DwarfReader& r, const FormShape& shape, FormValue* out) {
  switch (shape.layout) {
    case Layout::kNone: return {};
    case Layout::kFixed: {
      WS_ASSIGN(out->number, r.fixed(shape.size));
      return {};
    }
    case Layout::kUleb: {
      WS_ASSIGN(out->number, r.uleb());
      return {};
    }
    case Layout::kSleb: {
      WS_ASSIGN(int64_t value, r.sleb());
      out->number = static_cast<uint64_t>(value);
      out->is_signed = true;
      return {};
    }
    case Layout::kCString: {
      const void* nul = std::memchr(r.base() + r.pos(), 0, r.remaining());
      if (nul == nullptr) return r.error("unterminated string");
      auto length = static_cast<uint32_t>(static_cast<const uint8_t*>(nul) - (r.base() + r.pos()));
      out->block = {r.pos(), r.pos() + length};
      return r.skip(length + 1);
    }
    case Layout::kBlockUleb:
    case Layout::kBlockFixed: break;
  }
  WS_ASSIGN(uint64_t length, shape.layout == Layout::kBlockUleb ? r.uleb() : r.fixed(shape.size));
  if (length > r.remaining()) return r.error("block past the end");
  out->block = {r.pos(), r.pos() + static_cast<uint32_t>(length)};
  out->number = length;
  return r.skip(length);
}

}  // namespace

Result<FormValue> read_form(DwarfReader& r, uint64_t form, const FormEncoding& encoding,
                            int64_t implicit_const) {
  // Each DW_FORM_indirect consumes a byte, so this loop ends with the bytes.
  while (form == kFormIndirect) {
    WS_ASSIGN(form, r.uleb());
    // The constant lives in the abbreviation, which an indirect form has none of (7.5.3).
    if (form == kFormImplicitConst) return r.error("DW_FORM_implicit_const through indirect");
  }
  std::optional<FormShape> shape = form_shape(form, encoding);
  if (!shape) return r.error("unknown form " + std::to_string(form));
  if (shape->cls == FormClass::kAddress && (encoding.address_size == 0 || encoding.address_size > 8)) {
    return r.error("bad address size " + std::to_string(encoding.address_size));
  }
  FormValue value;
  value.cls = shape->cls;
  if (form == kFormFlagPresent) value.number = 1;
  if (form == kFormImplicitConst) {
    value.number = static_cast<uint64_t>(implicit_const);
    value.is_signed = true;
  }
  WS_TRY(read_shaped(r, *shape, &value));
  return value;
}

DwarfStrings::DwarfStrings(const Module& module) : module_(module) {
  str_ = find_custom_section(module, ".debug_str");
  line_str_ = find_custom_section(module, ".debug_line_str");
  str_offsets_ = find_custom_section(module, ".debug_str_offsets");
}

Result<std::string> DwarfStrings::text(const DwarfReader& at, const FormValue& value,
                                       std::optional<uint64_t> str_offsets_base) const {
  switch (value.cls) {
    case FormClass::kInlineString:
      return std::string(reinterpret_cast<const char*>(module_.at(value.block.begin)),
                         value.block.size());
    case FormClass::kStrp: return from_section(at, str_, ".debug_str", value.number);
    case FormClass::kLineStrp: return from_section(at, line_str_, ".debug_line_str", value.number);
    case FormClass::kStrx: break;
    default: return at.error("attribute is not a string");
  }
  if (!str_offsets_base) return at.error("string index without DW_AT_str_offsets_base");
  if (str_offsets_ == nullptr) return at.error("string index without .debug_str_offsets");
  // 32-bit format: 4-byte entries from the base (7.26). Checked so no sum can overflow.
  uint64_t size = str_offsets_->data.size();
  if (*str_offsets_base > size || value.number >= (size - *str_offsets_base) / 4) {
    return at.error("string index past .debug_str_offsets");
  }
  uint32_t entry = str_offsets_->data.begin + static_cast<uint32_t>(*str_offsets_base + value.number * 4);
  DwarfReader offsets(module_.bytes.data(), entry, str_offsets_->data.end, ".debug_str_offsets");
  WS_ASSIGN(uint64_t offset, offsets.fixed(4));
  return from_section(at, str_, ".debug_str", offset);
}

Result<std::string> DwarfStrings::from_section(const DwarfReader& at, const CustomSection* section,
                                               const char* name, uint64_t offset) const {
  if (section == nullptr) return at.error(std::string("string form without ") + name);
  if (offset >= section->data.size()) return at.error(std::string("offset past ") + name);
  DwarfReader strings(module_.bytes.data(), section->data.begin + static_cast<uint32_t>(offset),
                      section->data.end, name);
  return strings.cstring();
}

}  // namespace wasmscope::internal
