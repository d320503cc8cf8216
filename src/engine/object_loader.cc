#include "engine/object_loader.h"

#include <elf.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <limits>

namespace wasmscope::internal {

namespace {

Error bad(std::string message) {
  return Error{ErrorKind::kMalformed, 0, "object code: " + std::move(message)};
}
Error unsupported_object(std::string message) {
  return Error{ErrorKind::kUnsupported, 0, "object code: " + std::move(message)};
}

#if defined(__x86_64__)
constexpr uint16_t kHostMachine = EM_X86_64;
#elif defined(__aarch64__)
constexpr uint16_t kHostMachine = EM_AARCH64;
#else
constexpr uint16_t kHostMachine = EM_NONE;
#endif

template <typename T>
T read_at(std::span<const uint8_t> bytes, uint64_t offset) {
  T v;
  std::memcpy(&v, bytes.data() + offset, sizeof v);
  return v;
}

/// Where a loaded section goes.
enum class Region : uint8_t { kCode, kConst, kData, kNone };

/// One object, checked: its headers, symbols and where each section was placed.
struct Object {
  std::span<const uint8_t> bytes;
  std::vector<Elf64_Shdr> sections;
  std::vector<Elf64_Sym> symbols;
  uint32_t strtab = 0;  ///< Section index of the symbol names.
  std::vector<Region> region;
  std::vector<uint64_t> offset;  ///< Offset of each loaded section in its region.
  std::vector<uintptr_t> address;  ///< Final address of each loaded section (0: not loaded).

  /// NUL-terminated string at {offset} of string table section {index}, or null.
  const char* string(uint32_t index, uint64_t off) const {
    if (index >= sections.size()) return nullptr;
    const Elf64_Shdr& s = sections[index];
    if (s.sh_type != SHT_STRTAB || off >= s.sh_size) return nullptr;
    const char* begin = reinterpret_cast<const char*>(bytes.data() + s.sh_offset + off);
    if (std::memchr(begin, 0, s.sh_size - off) == nullptr) return nullptr;
    return begin;
  }
};

Result<void> parse(std::span<const uint8_t> bytes, size_t index, Object* o) {
  const std::string which = "object " + std::to_string(index) + ": ";
  if (bytes.size() < sizeof(Elf64_Ehdr)) return bad(which + "shorter than an ELF header");
  const auto eh = read_at<Elf64_Ehdr>(bytes, 0);
  if (std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0) return bad(which + "not an ELF file");
  if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB) {
    return unsupported_object(which + "not a 64-bit little-endian ELF file");
  }
  if (eh.e_type != ET_REL) return bad(which + "not a relocatable object");
  if (eh.e_machine != kHostMachine || kHostMachine == EM_NONE) {
    return unsupported_object(which + "machine " + std::to_string(eh.e_machine) +
                              " is not this host's");
  }
  if (eh.e_shentsize != sizeof(Elf64_Shdr) || eh.e_shnum == 0 ||
      eh.e_shoff > bytes.size() ||
      (bytes.size() - eh.e_shoff) / sizeof(Elf64_Shdr) < eh.e_shnum) {
    return bad(which + "section headers out of the file");
  }
  o->bytes = bytes;
  o->sections.resize(eh.e_shnum);
  for (uint32_t i = 0; i < eh.e_shnum; ++i) {
    o->sections[i] = read_at<Elf64_Shdr>(bytes, eh.e_shoff + uint64_t{i} * sizeof(Elf64_Shdr));
    const Elf64_Shdr& s = o->sections[i];
    if (s.sh_type != SHT_NOBITS && s.sh_type != SHT_NULL &&
        (s.sh_offset > bytes.size() || s.sh_size > bytes.size() - s.sh_offset)) {
      return bad(which + "section " + std::to_string(i) + " out of the file");
    }
    if (s.sh_addralign > 4096 || (s.sh_addralign & (s.sh_addralign - 1)) != 0) {
      return unsupported_object(which + "section " + std::to_string(i) + " alignment " +
                                std::to_string(s.sh_addralign));
    }
    if (s.sh_size > (uint64_t{1} << 32)) return bad(which + "section larger than 4 GiB");
  }
  if (eh.e_shstrndx >= eh.e_shnum) return bad(which + "no section name table");
  bool have_symtab = false;
  for (uint32_t i = 0; i < eh.e_shnum; ++i) {
    const Elf64_Shdr& s = o->sections[i];
    if (s.sh_type == SHT_REL) return unsupported_object(which + "REL relocations (not RELA)");
    if (s.sh_type == SHT_RELA &&
        (s.sh_entsize != sizeof(Elf64_Rela) || s.sh_size % sizeof(Elf64_Rela) != 0)) {
      return bad(which + "relocation section " + std::to_string(i) + " malformed");
    }
    if (s.sh_type != SHT_SYMTAB) continue;
    if (have_symtab) return bad(which + "two symbol tables");
    have_symtab = true;
    if (s.sh_entsize != sizeof(Elf64_Sym) || s.sh_size % sizeof(Elf64_Sym) != 0 ||
        s.sh_link >= eh.e_shnum || o->sections[s.sh_link].sh_type != SHT_STRTAB) {
      return bad(which + "symbol table malformed");
    }
    o->strtab = s.sh_link;
    const size_t n = s.sh_size / sizeof(Elf64_Sym);
    o->symbols.resize(n);
    for (size_t k = 0; k < n; ++k) {
      o->symbols[k] = read_at<Elf64_Sym>(bytes, s.sh_offset + k * sizeof(Elf64_Sym));
      const Elf64_Sym& sym = o->symbols[k];
      if (o->string(o->strtab, sym.st_name) == nullptr) return bad(which + "symbol name out of its table");
      if (sym.st_shndx != SHN_UNDEF && sym.st_shndx < SHN_LORESERVE && sym.st_shndx >= eh.e_shnum) {
        return bad(which + "symbol in a section that does not exist");
      }
      if (sym.st_shndx == SHN_COMMON) return unsupported_object(which + "common symbols");
      if (ELF64_ST_TYPE(sym.st_info) == STT_TLS) return unsupported_object(which + "thread-local symbols");
    }
  }
  o->region.assign(eh.e_shnum, Region::kNone);
  o->offset.assign(eh.e_shnum, 0);
  o->address.assign(eh.e_shnum, 0);
  for (uint32_t i = 0; i < eh.e_shnum; ++i) {
    const Elf64_Shdr& s = o->sections[i];
    if ((s.sh_flags & SHF_ALLOC) == 0 || s.sh_size == 0) continue;
    const char* name = o->string(eh.e_shstrndx, s.sh_name);
    if (name == nullptr) return bad(which + "section name out of its table");
    if (std::strcmp(name, ".eh_frame") == 0) continue;  // unwinding is by frame pointers
    if (s.sh_flags & SHF_TLS) return unsupported_object(which + "thread-local section " + name);
    if (s.sh_type != SHT_PROGBITS && s.sh_type != SHT_NOBITS && s.sh_type != SHT_INIT_ARRAY &&
        s.sh_type != SHT_FINI_ARRAY) {
      return unsupported_object(which + "section " + name + " of type " + std::to_string(s.sh_type));
    }
    if (s.sh_type == SHT_INIT_ARRAY || s.sh_type == SHT_FINI_ARRAY) {
      return unsupported_object(which + "constructors or destructors (" + name + ")");
    }
    o->region[i] = (s.sh_flags & SHF_EXECINSTR) ? Region::kCode
                   : (s.sh_flags & SHF_WRITE)   ? Region::kData
                                                : Region::kConst;
  }
  return {};
}

uint64_t align_up(uint64_t v, uint64_t a) { return a <= 1 ? v : (v + a - 1) & ~(a - 1); }

bool fits_i32(int64_t v) {
  return v >= std::numeric_limits<int32_t>::min() && v <= std::numeric_limits<int32_t>::max();
}

/// A jump to an absolute address, placed among the code where a call cannot reach its target:
/// x86-64 `jmp *0(%rip)` followed by the address; AArch64 `ldr x16, #8; br x16` followed by it
/// (x16, IP0, is the register the ABI gives such veneers).
constexpr size_t kStubSize = 16;

#if defined(__aarch64__)
/// AArch64 instruction fields a relocation fills (ELF for the Arm 64-bit Architecture, "Static
/// AArch64 relocations"): the word at {p} with {bits} bits at {shift} replaced by {v}.
void patch_field(uintptr_t p, uint32_t v, unsigned bits, unsigned shift) {
  uint32_t insn;
  std::memcpy(&insn, reinterpret_cast<const void*>(p), 4);
  const uint32_t mask = (bits == 32 ? 0xffffffffu : ((1u << bits) - 1)) << shift;
  insn = (insn & ~mask) | ((v << shift) & mask);
  std::memcpy(reinterpret_cast<void*>(p), &insn, 4);
}
/// The 21-bit immediate of ADR and ADRP: its low 2 bits at 29, the rest at 5.
void patch_adr(uintptr_t p, int64_t imm) {
  patch_field(p, static_cast<uint32_t>(imm) & 3, 2, 29);
  patch_field(p, static_cast<uint32_t>(imm >> 2) & 0x7ffff, 19, 5);
}
/// The 4 KiB page of {v}, as ADRP counts them.
int64_t page_of(uint64_t v) { return static_cast<int64_t>(v & ~uint64_t{0xfff}); }
bool fits_signed(int64_t v, unsigned bits) {
  return v >= -(int64_t{1} << (bits - 1)) && v < (int64_t{1} << (bits - 1));
}
#endif

}  // namespace

LoadedImage::~LoadedImage() {
  if (base_ != nullptr) munmap(base_, size_);
}

uintptr_t LoadedImage::symbol(std::string_view name) const {
  auto it = symbols_.find(std::string(name));
  return it == symbols_.end() ? 0 : it->second;
}

Result<std::unique_ptr<LoadedImage>> load_objects(
    const std::vector<std::span<const uint8_t>>& objects,
    const std::function<void*(std::string_view)>& resolve) {
  std::vector<Object> objs(objects.size());
  for (size_t i = 0; i < objects.size(); ++i) WS_TRY(parse(objects[i], i, &objs[i]));

  // Layout: code, then stubs; constants, then the GOT; data. Each region starts on a page.
  uint64_t size[3] = {0, 0, 0};
  size_t relocations = 0;
  for (Object& o : objs) {
    for (size_t i = 0; i < o.sections.size(); ++i) {
      const Elf64_Shdr& s = o.sections[i];
      if (s.sh_type == SHT_RELA && s.sh_info < o.sections.size() &&
          o.region[s.sh_info] != Region::kNone) {
        relocations += s.sh_size / sizeof(Elf64_Rela);
      }
      if (o.region[i] == Region::kNone) continue;
      uint64_t& r = size[static_cast<int>(o.region[i])];
      r = align_up(r, s.sh_addralign);
      o.offset[i] = r;
      r += s.sh_size;
    }
  }
  // At most one stub and one GOT entry per relocation; a generous bound, and cheap.
  const uint64_t stubs_offset = align_up(size[0], 16);
  const uint64_t got_offset = align_up(size[1], 8);
  const long page = sysconf(_SC_PAGESIZE);
  const uint64_t code_size = align_up(stubs_offset + relocations * kStubSize, page);
  const uint64_t const_size = align_up(got_offset + relocations * 8, page);
  const uint64_t data_size = align_up(size[2], page);
  const uint64_t total = code_size + const_size + data_size;
  if (total > (uint64_t{1} << 31)) return unsupported_object("more than 2 GiB of code and data");

  auto image = std::make_unique<LoadedImage>();
  void* base = mmap(nullptr, total == 0 ? static_cast<size_t>(page) : total,
                    PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (base == MAP_FAILED) {
    return Error{ErrorKind::kIo, 0, std::string("object code: cannot map memory: ") + std::strerror(errno)};
  }
  image->base_ = base;
  image->size_ = total == 0 ? static_cast<size_t>(page) : total;
  image->code_size_ = code_size;
  auto* bytes = static_cast<uint8_t*>(base);
  const uintptr_t region_base[3] = {reinterpret_cast<uintptr_t>(bytes),
                                    reinterpret_cast<uintptr_t>(bytes + code_size),
                                    reinterpret_cast<uintptr_t>(bytes + code_size + const_size)};

  for (Object& o : objs) {
    for (size_t i = 0; i < o.sections.size(); ++i) {
      if (o.region[i] == Region::kNone) continue;
      const Elf64_Shdr& s = o.sections[i];
      o.address[i] = region_base[static_cast<int>(o.region[i])] + o.offset[i];
      if (s.sh_type != SHT_NOBITS) {
        std::memcpy(reinterpret_cast<void*>(o.address[i]), o.bytes.data() + s.sh_offset, s.sh_size);
      }  // NOBITS stays zero: fresh anonymous memory
    }
  }

  // Global definitions, across objects.
  for (size_t k = 0; k < objs.size(); ++k) {
    Object& o = objs[k];
    for (const Elf64_Sym& sym : o.symbols) {
      const unsigned bind = ELF64_ST_BIND(sym.st_info);
      if ((bind != STB_GLOBAL && bind != STB_WEAK) || sym.st_shndx == SHN_UNDEF) continue;
      uintptr_t address;
      if (sym.st_shndx == SHN_ABS) {
        address = sym.st_value;
      } else if (sym.st_shndx < SHN_LORESERVE && o.address[sym.st_shndx] != 0) {
        address = o.address[sym.st_shndx] + sym.st_value;
      } else {
        continue;  // defined in a section that is not loaded
      }
      std::string name = o.string(o.strtab, sym.st_name);
      auto [it, inserted] = image->symbols_.emplace(name, address);
      if (!inserted && bind == STB_GLOBAL) {
        return bad("symbol " + name + " defined twice");
      }
    }
  }

  std::unordered_map<uintptr_t, uintptr_t> stub_for;  // target -> stub
  std::unordered_map<uintptr_t, uintptr_t> got_for;   // target -> GOT entry
  uint64_t stubs_used = 0;
  uint64_t got_used = 0;
  auto stub = [&](uintptr_t target) {
    auto it = stub_for.find(target);
    if (it != stub_for.end()) return it->second;
    uint8_t* p = bytes + stubs_offset + stubs_used++ * kStubSize;
#if defined(__aarch64__)
    static const uint32_t kVeneer[2] = {0x58000050, 0xd61f0200};  // ldr x16, #8; br x16
    std::memcpy(p, kVeneer, sizeof kVeneer);
    std::memcpy(p + 8, &target, 8);
#else
    static const uint8_t kJmp[6] = {0xff, 0x25, 0, 0, 0, 0};  // jmp *0(%rip)
    std::memcpy(p, kJmp, sizeof kJmp);
    std::memcpy(p + 6, &target, 8);
#endif
    const auto a = reinterpret_cast<uintptr_t>(p);
    stub_for.emplace(target, a);
    return a;
  };
  auto got = [&](uintptr_t target) {
    auto it = got_for.find(target);
    if (it != got_for.end()) return it->second;
    uint8_t* p = bytes + code_size + got_offset + got_used++ * 8;
    std::memcpy(p, &target, 8);
    const auto a = reinterpret_cast<uintptr_t>(p);
    got_for.emplace(target, a);
    return a;
  };

  for (size_t k = 0; k < objs.size(); ++k) {
    Object& o = objs[k];
    for (const Elf64_Shdr& rs : o.sections) {
      if (rs.sh_type != SHT_RELA) continue;
      if (rs.sh_info >= o.sections.size()) return bad("relocations for a section that does not exist");
      if (o.region[rs.sh_info] == Region::kNone) continue;  // e.g. .rela.eh_frame, .rela.debug_*
      if (rs.sh_link >= o.sections.size() || o.sections[rs.sh_link].sh_type != SHT_SYMTAB) {
        return bad("relocations without the symbol table");
      }
      const Elf64_Shdr& target_section = o.sections[rs.sh_info];
      const uintptr_t section_address = o.address[rs.sh_info];
      const size_t n = rs.sh_size / sizeof(Elf64_Rela);
      for (size_t r = 0; r < n; ++r) {
        const auto rela = read_at<Elf64_Rela>(o.bytes, rs.sh_offset + r * sizeof(Elf64_Rela));
        const uint32_t type = ELF64_R_TYPE(rela.r_info);
        const uint32_t sym_index = ELF64_R_SYM(rela.r_info);
        if (sym_index >= o.symbols.size()) return bad("relocation names a symbol that does not exist");
        const Elf64_Sym& sym = o.symbols[sym_index];
        // S: the symbol's address; external: resolved by name.
        uintptr_t s = 0;
        bool external = false;
        const char* name = o.string(o.strtab, sym.st_name);
        if (sym.st_shndx == SHN_UNDEF) {
          if (sym_index != 0) {
            external = true;
            s = image->symbol(name);
            if (s == 0 && resolve) s = reinterpret_cast<uintptr_t>(resolve(name));
            if (s == 0 && ELF64_ST_BIND(sym.st_info) != STB_WEAK) {
              return unsupported_object(std::string("undefined symbol ") + name);
            }
          }
        } else if (sym.st_shndx == SHN_ABS) {
          s = sym.st_value;
        } else if (sym.st_shndx < SHN_LORESERVE) {
          if (o.address[sym.st_shndx] == 0) {
            return unsupported_object(std::string("relocation against an unloaded section (symbol ") +
                                      name + ")");
          }
          s = o.address[sym.st_shndx] + sym.st_value;
        } else {
          return unsupported_object("relocation against a reserved section index");
        }
        [[maybe_unused]] const int64_t a = rela.r_addend;  // read by each architecture's cases
        uint64_t width = 0;
        switch (type) {
#if defined(__x86_64__)
          case R_X86_64_NONE: break;
          case R_X86_64_64: case R_X86_64_PC64: width = 8; break;
          case R_X86_64_PC32: case R_X86_64_PLT32: case R_X86_64_32: case R_X86_64_32S:
          case R_X86_64_GOTPCREL: case R_X86_64_GOTPCRELX: case R_X86_64_REX_GOTPCRELX:
            width = 4; break;
#elif defined(__aarch64__)
          case R_AARCH64_NONE: break;
          case R_AARCH64_ABS64: case R_AARCH64_PREL64: width = 8; break;
          case R_AARCH64_ABS32: case R_AARCH64_PREL32: case R_AARCH64_CALL26:
          case R_AARCH64_JUMP26: case R_AARCH64_CONDBR19: case R_AARCH64_TSTBR14:
          case R_AARCH64_ADR_PREL_LO21: case R_AARCH64_ADR_PREL_PG_HI21:
          case R_AARCH64_ADR_PREL_PG_HI21_NC: case R_AARCH64_ADD_ABS_LO12_NC:
          case R_AARCH64_LDST8_ABS_LO12_NC: case R_AARCH64_LDST16_ABS_LO12_NC:
          case R_AARCH64_LDST32_ABS_LO12_NC: case R_AARCH64_LDST64_ABS_LO12_NC:
          case R_AARCH64_LDST128_ABS_LO12_NC: case R_AARCH64_ADR_GOT_PAGE:
          case R_AARCH64_LD64_GOT_LO12_NC:
            width = 4; break;
#endif
          default:
            return unsupported_object("relocation type " + std::to_string(type) +
                                      " is not supported (symbol " + name + ")");
        }
        if (width == 0) continue;
        if (rela.r_offset > target_section.sh_size || target_section.sh_size - rela.r_offset < width) {
          return bad("relocation outside its section");
        }
        if (target_section.sh_type == SHT_NOBITS) return bad("relocation in a zero-filled section");
        const uintptr_t p = section_address + rela.r_offset;
        auto put32 = [&](int64_t v, bool is_signed) -> Result<void> {
          if (is_signed ? !fits_i32(v) : (v < 0 || v > int64_t{0xffffffff})) {
            return unsupported_object(std::string("relocation out of range (symbol ") + name + ")");
          }
          const auto field = static_cast<uint32_t>(v);
          std::memcpy(reinterpret_cast<void*>(p), &field, 4);
          return {};
        };
#if defined(__x86_64__)
        const auto sp = static_cast<int64_t>(s);
        const auto pp = static_cast<int64_t>(p);
        switch (type) {
          case R_X86_64_64: {
            const uint64_t v = s + static_cast<uint64_t>(a);
            std::memcpy(reinterpret_cast<void*>(p), &v, 8);
            break;
          }
          case R_X86_64_PC64: {
            const uint64_t v = s + static_cast<uint64_t>(a) - p;
            std::memcpy(reinterpret_cast<void*>(p), &v, 8);
            break;
          }
          case R_X86_64_PLT32:
          case R_X86_64_PC32: {
            int64_t v = sp + a - pp;
            if (!fits_i32(v) && external && type == R_X86_64_PLT32) {
              v = static_cast<int64_t>(stub(s)) + a - pp;  // a call or jump: through a stub
            }
            WS_TRY(put32(v, true));
            break;
          }
          case R_X86_64_32: WS_TRY(put32(sp + a, false)); break;
          case R_X86_64_32S: WS_TRY(put32(sp + a, true)); break;
          default:  // the GOT-relative loads
            WS_TRY(put32(static_cast<int64_t>(got(s)) + a - pp, true));
            break;
        }
#elif defined(__aarch64__)
        (void)put32;
        (void)external;
        const uint64_t sa = s + static_cast<uint64_t>(a);
        const int64_t rel = static_cast<int64_t>(sa - p);  // S + A - P
        auto out_of_range = [&] {
          return unsupported_object(std::string("relocation out of range (symbol ") + name + ")");
        };
        switch (type) {
          case R_AARCH64_ABS64:
            std::memcpy(reinterpret_cast<void*>(p), &sa, 8);
            break;
          case R_AARCH64_PREL64: {
            const uint64_t v = sa - p;
            std::memcpy(reinterpret_cast<void*>(p), &v, 8);
            break;
          }
          case R_AARCH64_ABS32: {
            if (sa > 0xffffffffu) return out_of_range();
            const auto v = static_cast<uint32_t>(sa);
            std::memcpy(reinterpret_cast<void*>(p), &v, 4);
            break;
          }
          case R_AARCH64_PREL32: {
            if (!fits_i32(rel)) return out_of_range();
            const auto v = static_cast<uint32_t>(static_cast<int32_t>(rel));
            std::memcpy(reinterpret_cast<void*>(p), &v, 4);
            break;
          }
          case R_AARCH64_CALL26:
          case R_AARCH64_JUMP26: {
            int64_t v = rel;
            // A call or jump beyond +-128 MiB (a helper in the runtime's library): through a
            // veneer among the code.
            if (!fits_signed(v, 28)) v = static_cast<int64_t>(stub(sa) - p);
            if (!fits_signed(v, 28) || (v & 3) != 0) return out_of_range();
            patch_field(p, static_cast<uint32_t>(v >> 2), 26, 0);
            break;
          }
          case R_AARCH64_CONDBR19:
            if (!fits_signed(rel, 21) || (rel & 3) != 0) return out_of_range();
            patch_field(p, static_cast<uint32_t>(rel >> 2), 19, 5);
            break;
          case R_AARCH64_TSTBR14:
            if (!fits_signed(rel, 16) || (rel & 3) != 0) return out_of_range();
            patch_field(p, static_cast<uint32_t>(rel >> 2), 14, 5);
            break;
          case R_AARCH64_ADR_PREL_LO21:
            if (!fits_signed(rel, 21)) return out_of_range();
            patch_adr(p, rel);
            break;
          case R_AARCH64_ADR_PREL_PG_HI21:
          case R_AARCH64_ADR_PREL_PG_HI21_NC:
          case R_AARCH64_ADR_GOT_PAGE: {
            const uint64_t where = type == R_AARCH64_ADR_GOT_PAGE ? got(sa) : sa;
            const int64_t pages = (page_of(where) - page_of(p)) >> 12;
            if (type != R_AARCH64_ADR_PREL_PG_HI21_NC && !fits_signed(pages, 21)) {
              return out_of_range();
            }
            patch_adr(p, pages);
            break;
          }
          case R_AARCH64_ADD_ABS_LO12_NC:
          case R_AARCH64_LDST8_ABS_LO12_NC:
          case R_AARCH64_LDST16_ABS_LO12_NC:
          case R_AARCH64_LDST32_ABS_LO12_NC:
          case R_AARCH64_LDST64_ABS_LO12_NC:
          case R_AARCH64_LDST128_ABS_LO12_NC: {
            // The low 12 bits of the address, scaled by the access size of a load or store.
            const unsigned scale = type == R_AARCH64_LDST16_ABS_LO12_NC    ? 1
                                   : type == R_AARCH64_LDST32_ABS_LO12_NC  ? 2
                                   : type == R_AARCH64_LDST64_ABS_LO12_NC  ? 3
                                   : type == R_AARCH64_LDST128_ABS_LO12_NC ? 4
                                                                           : 0;
            patch_field(p, static_cast<uint32_t>((sa & 0xfff) >> scale), 12, 10);
            break;
          }
          case R_AARCH64_LD64_GOT_LO12_NC:
            patch_field(p, static_cast<uint32_t>((got(sa) & 0xfff) >> 3), 12, 10);
            break;
          default:
            break;
        }
#else
        (void)put32;
        (void)stub;
        (void)got;
        (void)external;
#endif
      }
    }
  }

  // Code read-execute, constants (and the GOT) read-only, data read-write.
#if !defined(__x86_64__) && !defined(__i386__)
  // Instruction caches do not follow data writes on ARM: make the code visible to fetches.
  if (code_size > 0) __builtin___clear_cache(reinterpret_cast<char*>(bytes),
                                             reinterpret_cast<char*>(bytes + code_size));
#endif
  if (code_size > 0 && mprotect(bytes, code_size, PROT_READ | PROT_EXEC) != 0) {
    return Error{ErrorKind::kIo, 0, std::string("object code: mprotect: ") + std::strerror(errno)};
  }
  if (const_size > 0 && mprotect(bytes + code_size, const_size, PROT_READ) != 0) {
    return Error{ErrorKind::kIo, 0, std::string("object code: mprotect: ") + std::strerror(errno)};
  }
  return image;
}

}  // namespace wasmscope::internal
