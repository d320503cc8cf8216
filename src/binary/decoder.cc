#include "binary/decoder.h"

#include <optional>
#include <utility>

#include "binary/byte_reader.h"
#include "binary/instr_reader.h"
#include "binary/name_section.h"

namespace wasmscope::internal {
namespace {

enum SectionId : uint8_t {
  kCustom = 0,
  kType = 1,
  kImport = 2,
  kFunction = 3,
  kTable = 4,
  kMemory = 5,
  kGlobal = 6,
  kExport = 7,
  kStart = 8,
  kElement = 9,
  kCode = 10,
  kData = 11,
  kDataCount = 12,
  kTag = 13,  ///< Exception handling: between memory and global.
};

/// Position of each known section in the required order (the data count section sits between
/// element and code).
int section_rank(uint8_t id) {
  static constexpr int kRank[] = {0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 12, 13, 11, 6};
  return kRank[id];
}

constexpr uint8_t kFuncTypeForm = 0x60;
/// A table entry that starts with this byte (then 0x00) has an initializer expression.
constexpr uint8_t kTableInitPrefix = 0x40;

/// Decodes one module; {module_} owns the bytes every reader points into.
class Decoder {
 public:
  Decoder(std::vector<uint8_t> bytes, Features features) : features_(features) {
    module_.bytes = std::move(bytes);
  }

  Result<Module> run() {
    WS_TRY(read_header());
    ByteReader r = reader(8, size());
    int last_rank = 0;
    uint32_t function_section_count = 0;
    bool have_code = false;
    bool have_data = false;
    while (!r.at_end()) {
      const uint32_t section_offset = r.pos();
      uint8_t id;
      WS_TRY(r.read_byte(&id));
      uint32_t section_size;
      WS_TRY(r.read_u32(&section_size));
      uint32_t begin;
      WS_TRY(r.read_bytes(section_size, &begin));
      // The data count section came with bulk memory: without it, id 12 is no section.
      if (id > kTag || (id == kDataCount && !features_.has(Feature::kBulkMemory)) ||
          (id == kTag && !features_.has(Feature::kExceptions))) {
        return malformed(section_offset, "malformed section id");
      }
      ByteReader s = reader(begin, begin + section_size);
      if (id == kCustom) {
        WS_TRY(read_custom(s, section_offset));
        continue;
      }
      const int rank = section_rank(id);
      if (rank <= last_rank) return malformed(section_offset, "unexpected content after last section");
      last_rank = rank;
      switch (id) {
        case kType: WS_TRY(read_types(s)); break;
        case kImport: WS_TRY(read_imports(s)); break;
        case kFunction: WS_TRY(read_functions(s, &function_section_count)); break;
        case kTable: WS_TRY(read_tables(s)); break;
        case kMemory: WS_TRY(read_memories(s)); break;
        case kTag: WS_TRY(read_tags(s)); break;
        case kGlobal: WS_TRY(read_globals(s)); break;
        case kExport: WS_TRY(read_exports(s)); break;
        case kStart: WS_TRY(read_start(s)); break;
        case kElement: WS_TRY(read_elems(s)); break;
        case kDataCount: WS_TRY(read_data_count(s)); break;
        case kCode:
          have_code = true;
          WS_TRY(read_code(s, function_section_count));
          break;
        case kData:
          have_data = true;
          WS_TRY(read_datas(s));
          break;
        default: break;
      }
      if (!s.at_end()) return malformed(s.pos(), "section size mismatch");
    }
    if (!have_code && function_section_count != 0) {
      return malformed(size(), "function and code section have inconsistent lengths");
    }
    // memory.init / data.drop need a data count section when there is a data section to refer
    // to. With no data section at all there is no segment, so the validator reports the index
    // as unknown, as the spec's text-derived tests expect.
    if (first_data_instr_without_count_ && have_data) {
      return malformed(*first_data_instr_without_count_, "data count section required");
    }
    if (module_.data_count && *module_.data_count != module_.datas.size()) {
      return malformed(size(), "data count and data section have inconsistent lengths");
    }
    return std::move(module_);
  }

 private:
  uint32_t size() const { return static_cast<uint32_t>(module_.bytes.size()); }
  ByteReader reader(uint32_t begin, uint32_t end) const {
    return ByteReader(module_.bytes.data(), begin, end);
  }

  Result<void> read_header() {
    static constexpr uint8_t kMagic[] = {0x00, 0x61, 0x73, 0x6d};
    static constexpr uint8_t kVersion[] = {0x01, 0x00, 0x00, 0x00};
    const auto& b = module_.bytes;
    for (unsigned i = 0; i < 4; ++i) {
      if (i >= b.size()) return malformed(i, "unexpected end");
      if (b[i] != kMagic[i]) return malformed(0, "magic header not detected");
    }
    for (unsigned i = 0; i < 4; ++i) {
      if (4 + i >= b.size()) return malformed(4 + i, "unexpected end");
      if (b[4 + i] != kVersion[i]) return malformed(4, "unknown binary version");
    }
    return {};
  }

  Result<void> read_custom(ByteReader& s, uint32_t section_offset) {
    CustomSection custom;
    custom.offset = section_offset;
    WS_TRY(s.read_name(&custom.name));
    custom.data = {s.pos(), s.end()};
    s.skip_to(s.end());
    if (custom.name == "name") {
      // The name section is advisory: a malformed one is ignored, not an error (spec 7.4).
      NameSection names;
      if (parse_name_section(module_.bytes.data(), custom.data, &names)) {
        module_.names = std::move(names);
      }
    }
    module_.customs.push_back(std::move(custom));
    return {};
  }

  Result<void> read_types(ByteReader& s) {
    uint32_t count;
    WS_TRY(s.read_count(&count, 3));
    module_.types.resize(count);
    for (FuncType& type : module_.types) {
      uint8_t form;
      WS_TRY(s.read_byte(&form));
      if (form != kFuncTypeForm) return malformed(s.pos() - 1, "integer representation too long");
      WS_TRY(read_valtypes(s, &type.params));
      WS_TRY(read_valtypes(s, &type.results));
    }
    return {};
  }

  Result<void> read_valtypes(ByteReader& s, std::vector<ValType>* out) {
    uint32_t count;
    WS_TRY(s.read_count(&count));
    out->resize(count);
    for (ValType& t : *out) WS_TRY(s.read_valtype(&t));
    return {};
  }

  Result<void> read_imports(ByteReader& s) {
    uint32_t count;
    WS_TRY(s.read_count(&count, 4));
    module_.imports.resize(count);
    for (Import& import : module_.imports) {
      import.offset = s.pos();
      WS_TRY(s.read_name(&import.module));
      WS_TRY(s.read_name(&import.name));
      uint8_t kind;
      WS_TRY(s.read_byte(&kind));
      switch (kind) {
        case 0:
          import.kind = ExternKind::kFunc;
          WS_TRY(s.read_u32(&import.func_type));
          ++module_.imported_funcs;
          break;
        case 1:
          import.kind = ExternKind::kTable;
          WS_TRY(read_table_type(s, &import.table));
          ++module_.imported_tables;
          break;
        case 2:
          import.kind = ExternKind::kMemory;
          WS_TRY(s.read_limits(&import.memory.limits, features_.has(Feature::kThreads),
                                  features_.has(Feature::kMemory64)));
          ++module_.imported_memories;
          break;
        case 3:
          import.kind = ExternKind::kGlobal;
          WS_TRY(read_global_type(s, &import.global));
          ++module_.imported_globals;
          break;
        case 4:
          if (!features_.has(Feature::kExceptions)) {
            return malformed(s.pos() - 1, "malformed import kind");
          }
          import.kind = ExternKind::kTag;
          WS_TRY(read_tag_type(s, &import.tag_type));
          ++module_.imported_tags;
          break;
        default:
          return malformed(s.pos() - 1, "malformed import kind");
      }
    }
    return {};
  }

  /// A tag's type: an attribute byte (0, an exception) and a type index.
  Result<void> read_tag_type(ByteReader& s, uint32_t* type) {
    uint8_t attribute;
    WS_TRY(s.read_byte(&attribute));
    if (attribute != 0) return malformed(s.pos() - 1, "malformed tag attribute");
    return s.read_u32(type);
  }

  Result<void> read_tags(ByteReader& s) {
    uint32_t count;
    WS_TRY(s.read_count(&count, 2));
    module_.tags.resize(count);
    for (uint32_t& type : module_.tags) WS_TRY(read_tag_type(s, &type));
    return {};
  }

  Result<void> read_table_type(ByteReader& s, TableType* out) {
    WS_TRY(s.read_reftype(&out->elem));
    return s.read_limits(&out->limits, false, features_.has(Feature::kMemory64));
  }

  Result<void> read_global_type(ByteReader& s, GlobalType* out) {
    WS_TRY(s.read_valtype(&out->type));
    uint8_t mut;
    WS_TRY(s.read_byte(&mut));
    if (mut > 1) return malformed(s.pos() - 1, "malformed mutability");
    out->mut = mut == 1;
    return {};
  }

  Result<void> read_functions(ByteReader& s, uint32_t* count) {
    WS_TRY(s.read_count(count));
    module_.functions.resize(*count);
    for (Function& f : module_.functions) WS_TRY(s.read_u32(&f.type));
    return {};
  }

  Result<void> read_tables(ByteReader& s) {
    uint32_t count;
    WS_TRY(s.read_count(&count, 3));
    module_.tables.resize(count);
    module_.table_inits.assign(count, ConstExpr{});
    for (uint32_t i = 0; i < count; ++i) {
      // Typed function references: `0x40 0x00 tabletype expr` gives the table an initial value
      // (a table of non-nullable references needs one).
      if (!s.at_end() && s.remaining() >= 2 && module_.at(s.pos())[0] == kTableInitPrefix &&
          features_.has(Feature::kFuncRefs)) {
        const uint32_t at = s.pos();
        uint8_t byte;
        WS_TRY(s.read_byte(&byte));
        WS_TRY(s.read_byte(&byte));
        if (byte != 0) return malformed(at + 1, "malformed table");
        WS_TRY(read_table_type(s, &module_.tables[i]));
        WS_TRY(read_const_expr(s, &module_.table_inits[i]));
        continue;
      }
      WS_TRY(read_table_type(s, &module_.tables[i]));
    }
    return {};
  }

  Result<void> read_memories(ByteReader& s) {
    uint32_t count;
    WS_TRY(s.read_count(&count, 2));
    module_.memories.resize(count);
    for (MemoryType& m : module_.memories) {
      WS_TRY(s.read_limits(&m.limits, features_.has(Feature::kThreads),
                            features_.has(Feature::kMemory64)));
    }
    return {};
  }

  /// Reads instructions up to and including the {end} that closes the expression.
  Result<void> read_const_expr(ByteReader& s, ConstExpr* out) {
    InstrReader in(module_.bytes.data(), s.pos(), s.end(), features_);
    const uint32_t begin = s.pos();
    uint32_t depth = 0;
    for (;;) {
      if (in.at_end()) return malformed(in.pos(), "unexpected end of section or function");
      WS_TRY(in.next(&instr_));
      if (opens_block(instr_.op)) ++depth;
      if (closes_block(instr_.op)) {
        if (depth == 0) break;
        --depth;
      }
    }
    out->range = {begin, in.pos()};
    s.skip_to(in.pos());
    return {};
  }

  Result<void> read_globals(ByteReader& s) {
    uint32_t count;
    WS_TRY(s.read_count(&count, 3));
    module_.globals.resize(count);
    for (Global& g : module_.globals) {
      WS_TRY(read_global_type(s, &g.type));
      WS_TRY(read_const_expr(s, &g.init));
    }
    return {};
  }

  Result<void> read_exports(ByteReader& s) {
    uint32_t count;
    WS_TRY(s.read_count(&count, 3));
    module_.exports.resize(count);
    for (Export& e : module_.exports) {
      e.offset = s.pos();
      WS_TRY(s.read_name(&e.name));
      uint8_t kind;
      WS_TRY(s.read_byte(&kind));
      if (kind > (features_.has(Feature::kExceptions) ? 4 : 3)) {
        return malformed(s.pos() - 1, "malformed export kind");
      }
      e.kind = static_cast<ExternKind>(kind);
      WS_TRY(s.read_u32(&e.index));
    }
    return {};
  }

  Result<void> read_start(ByteReader& s) {
    uint32_t index;
    WS_TRY(s.read_u32(&index));
    module_.start = index;
    return {};
  }

  Result<void> read_elems(ByteReader& s) {
    uint32_t count;
    WS_TRY(s.read_count(&count, 2));
    module_.elems.resize(count);
    for (ElemSegment& e : module_.elems) WS_TRY(read_elem(s, &e));
    return {};
  }

  // Element segment flags (bit 0: passive or declarative; bit 1: explicit table index when
  // active, declarative when not; bit 2: expressions instead of function indices).
  Result<void> read_elem(ByteReader& s, ElemSegment* e) {
    e->offset_in_module = s.pos();
    uint32_t flags;
    WS_TRY(s.read_u32(&flags));
    // Before bulk memory, only form 0 (active, table 0, function indices) exists.
    if (flags > (features_.has(Feature::kBulkMemory) ? 7u : 0u)) {
      return malformed(e->offset_in_module, "malformed elements segment kind");
    }
    const bool not_active = flags & 1;
    const bool explicit_index = flags & 2;
    e->uses_exprs = flags & 4;
    if (not_active) {
      e->mode = explicit_index ? SegmentMode::kDeclarative : SegmentMode::kPassive;
    } else {
      e->mode = SegmentMode::kActive;
      if (explicit_index) WS_TRY(s.read_u32(&e->table));
      WS_TRY(read_const_expr(s, &e->offset));
    }
    // Flags 0 and 4 have no element kind or type: funcref is implied.
    if (not_active || explicit_index) {
      if (e->uses_exprs) {
        WS_TRY(s.read_reftype(&e->type));
      } else {
        uint8_t elem_kind;
        WS_TRY(s.read_byte(&elem_kind));
        if (elem_kind != 0) return malformed(s.pos() - 1, "malformed element kind");
      }
    }
    // Function indices are references that cannot be null (3.0): `(ref func)`.
    if (!e->uses_exprs) e->type = ValType::ref(ValType::kFuncRef, false);
    uint32_t n;
    WS_TRY(s.read_count(&n));
    if (e->uses_exprs) {
      e->exprs.resize(n);
      for (ConstExpr& expr : e->exprs) WS_TRY(read_const_expr(s, &expr));
    } else {
      e->funcs.resize(n);
      for (uint32_t& f : e->funcs) WS_TRY(s.read_u32(&f));
    }
    return {};
  }

  Result<void> read_data_count(ByteReader& s) {
    uint32_t count;
    WS_TRY(s.read_u32(&count));
    module_.data_count = count;
    return {};
  }

  Result<void> read_code(ByteReader& s, uint32_t function_count) {
    uint32_t count;
    WS_TRY(s.read_count(&count));
    if (count != function_count) {
      return malformed(s.pos(), "function and code section have inconsistent lengths");
    }
    for (Function& f : module_.functions) {
      uint32_t body_size;
      WS_TRY(s.read_u32(&body_size));
      uint32_t begin;
      WS_TRY(s.read_bytes(body_size, &begin));
      ByteReader body = reader(begin, begin + body_size);
      f.body = {begin, begin + body_size};
      WS_TRY(read_locals(body, &f));
      f.code = {body.pos(), body.end()};
      WS_TRY(check_code_syntax(f.code));
    }
    return {};
  }

  Result<void> read_locals(ByteReader& body, Function* f) {
    uint32_t runs;
    WS_TRY(body.read_count(&runs, 2));
    f->locals.resize(runs);
    uint64_t total = 0;
    for (LocalRun& run : f->locals) {
      WS_TRY(body.read_u32(&run.count));
      total += run.count;
      if (total > UINT32_MAX) return body.error("too many locals");
      WS_TRY(body.read_valtype(&run.type));
    }
    f->local_count = static_cast<uint32_t>(total);
    return {};
  }

  /// The syntax of a body: every instruction decodes, else/end nest properly, the final end
  /// is the last byte, and bulk-memory data instructions have a data count section to refer to.
  Result<void> check_code_syntax(ByteRange code) {
    InstrReader in(module_.bytes.data(), code.begin, code.end, features_);
    blocks_.clear();
    blocks_.push_back(Op::Block);  // the function body itself
    while (!blocks_.empty()) {
      if (in.at_end()) return malformed(in.pos(), "unexpected end of section or function");
      WS_TRY(in.next(&instr_));
      switch (instr_.op) {
        case Op::Block:
        case Op::Loop:
        case Op::If:
        case Op::Try:
        case Op::TryTable:
          blocks_.push_back(instr_.op);
          break;
        case Op::Else:
          if (blocks_.back() != Op::If) return malformed(instr_.offset, "else without if");
          blocks_.back() = Op::Else;
          break;
        case Op::Catch:
        case Op::CatchAll:
          // Legacy exception handling: catch clauses follow a try's body or another catch,
          // catch_all comes last.
          if (blocks_.back() != Op::Try && blocks_.back() != Op::Catch) {
            return malformed(instr_.offset, "catch without try");
          }
          blocks_.back() = instr_.op;
          break;
        case Op::Delegate:
          if (blocks_.back() != Op::Try) return malformed(instr_.offset, "delegate without try");
          blocks_.pop_back();
          break;
        case Op::End:
          blocks_.pop_back();
          break;
        case Op::MemoryInit:
        case Op::DataDrop:
          // Without a data count section these may not appear; whether that is malformed
          // depends on whether a data section follows (see {run}).
          if (!module_.data_count && !first_data_instr_without_count_) {
            first_data_instr_without_count_ = instr_.offset;
          }
          break;
        default:
          break;
      }
    }
    if (!in.at_end()) return malformed(in.pos(), "section size mismatch");
    return {};
  }

  Result<void> read_datas(ByteReader& s) {
    uint32_t count;
    WS_TRY(s.read_count(&count, 2));
    module_.datas.resize(count);
    for (DataSegment& d : module_.datas) {
      d.offset_in_module = s.pos();
      uint32_t flags;
      WS_TRY(s.read_u32(&flags));
      // Before bulk memory, only form 0 (active, memory 0) exists.
      if (flags > (features_.has(Feature::kBulkMemory) ? 2u : 0u)) {
        return malformed(d.offset_in_module, "malformed data segment kind");
      }
      d.mode = flags == 1 ? SegmentMode::kPassive : SegmentMode::kActive;
      if (flags == 2) WS_TRY(s.read_u32(&d.memory));
      if (d.mode == SegmentMode::kActive) WS_TRY(read_const_expr(s, &d.offset));
      uint32_t length;
      WS_TRY(s.read_u32(&length));
      uint32_t begin;
      WS_TRY(s.read_bytes(length, &begin));
      d.init = {begin, begin + length};
    }
    return {};
  }

  Module module_;
  Features features_;
  Instr instr_;               // reused by every instruction read
  std::vector<Op> blocks_;    // open structured instructions during a syntax check
  std::optional<uint32_t> first_data_instr_without_count_;
};

}  // namespace

Result<Module> decode_module(std::vector<uint8_t> bytes, Features features) {
  return Decoder(std::move(bytes), features).run();
}

}  // namespace wasmscope::internal
