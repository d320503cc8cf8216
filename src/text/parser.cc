// Module fields of the text format (spec 6.6): the two passes over a module's fields, first
// binding every identifier (fields may refer forward), then parsing and resolving each field.
#include "text/parser.h"

#include <utility>

#include "base/leb128.h"
#include "base/utf8.h"
#include "text/number.h"
#include "text/wat.h"

namespace wasmscope::internal {
namespace {

const char* space_name(Space space) {
  switch (space) {
    case Space::kFunc:
      return "func";
    case Space::kTable:
      return "table";
    case Space::kMemory:
      return "memory";
    case Space::kGlobal:
      return "global";
    case Space::kType:
      return "type";
    case Space::kElem:
      return "elem segment";
    case Space::kData:
      return "data segment";
    case Space::kTag:
      return "tag";
    case Space::kCount:
      break;
  }
  return "?";
}

/// The index space a field or import descriptor keyword defines entries in.
bool space_for_keyword(std::string_view keyword, Space* out) {
  if (keyword == "func")
    *out = Space::kFunc;
  else if (keyword == "table")
    *out = Space::kTable;
  else if (keyword == "memory")
    *out = Space::kMemory;
  else if (keyword == "global")
    *out = Space::kGlobal;
  else if (keyword == "tag")
    *out = Space::kTag;
  else
    return false;
  return true;
}

/// The external kind of the entries of {space} (one of the five importable spaces).
ExternKind extern_kind_of(Space space) {
  switch (space) {
    case Space::kTable:
      return ExternKind::kTable;
    case Space::kMemory:
      return ExternKind::kMemory;
    case Space::kGlobal:
      return ExternKind::kGlobal;
    case Space::kTag:
      return ExternKind::kTag;
    default:
      return ExternKind::kFunc;
  }
}

/// The binary form of the expression "i32.const 0 end" (i64.const for a 64-bit memory or
/// table), the offset inline segments get.
Bytes zero_offset(bool is64 = false) {
  return {static_cast<uint8_t>(is64 ? 0x42 : 0x41), 0x00, 0x0b};
}

/// True when {expr} is exactly "ref.func x end"; stores x.
bool is_ref_func_expr(const Bytes& expr, uint32_t* index) {
  if (expr.size() < 3 || expr[0] != 0xd2 || expr.back() != 0x0b) return false;
  uint64_t value = 0;
  size_t length = 0;
  const uint8_t* begin = expr.data() + 1;
  const uint8_t* end = expr.data() + expr.size() - 1;
  if (read_uleb(begin, end, 32, &value, &length) != LebStatus::kOk) return false;
  if (begin + length != end) return false;
  *index = static_cast<uint32_t>(value);
  return true;
}

}  // namespace

// ---- Tokens ------------------------------------------------------------------------------

const Token& Parser::peek(size_t ahead) const {
  const size_t i = pos_ + ahead;
  return i < tokens_.size() ? tokens_[i] : tokens_.back();
}

bool Parser::is_keyword(std::string_view keyword, size_t ahead) const {
  const Token& t = peek(ahead);
  return t.kind == TokenKind::kKeyword && t.text == keyword;
}

bool Parser::is_lparen_keyword(std::string_view keyword, size_t ahead) const {
  return peek(ahead).kind == TokenKind::kLParen && is_keyword(keyword, ahead + 1);
}

Error Parser::unexpected(const Token& t) const {
  if (t.kind == TokenKind::kEof) return malformed(t.offset, "unexpected end of input");
  if (t.kind == TokenKind::kReserved) return bad_literal(t);
  return malformed(t.offset, "unexpected token \"" + std::string(t.text.substr(0, 40)) + "\"");
}

Result<void> Parser::expect_lparen() {
  if (peek().kind != TokenKind::kLParen) return unexpected();
  next();
  return {};
}

Result<void> Parser::expect_rparen() {
  if (peek().kind != TokenKind::kRParen) return unexpected();
  next();
  return {};
}

Result<void> Parser::expect_keyword(std::string_view keyword) {
  if (!is_keyword(keyword)) return unexpected();
  next();
  return {};
}

Result<std::string> Parser::parse_string() {
  if (peek().kind != TokenKind::kString) return unexpected();
  return next().value;
}

Result<std::string> Parser::parse_name() {
  const uint32_t at = peek().offset;
  WS_ASSIGN(std::string name, parse_string());
  if (!is_valid_utf8(reinterpret_cast<const uint8_t*>(name.data()), name.size())) {
    return malformed(at, "malformed UTF-8 encoding");
  }
  return name;
}

Error Parser::bad_literal(const Token& t) const {
  // A run of identifier characters that is not the literal expected: the reference
  // interpreter's lexer knows no such token, hence its message.
  // wast's NaN patterns are tokens of their own, which are never literals in a module.
  if (t.text == "nan:canonical" || t.text == "nan:arithmetic") {
    return malformed(t.offset, "unexpected token " + std::string(t.text));
  }
  if (t.kind == TokenKind::kNumber || t.kind == TokenKind::kKeyword ||
      t.kind == TokenKind::kReserved) {
    return malformed(t.offset, "unknown operator \"" + std::string(t.text.substr(0, 40)) + "\"");
  }
  return unexpected(t);
}

Result<uint32_t> Parser::parse_u32() {
  WS_ASSIGN(uint64_t value, parse_unsigned_up_to(UINT32_MAX));
  return static_cast<uint32_t>(value);
}

Result<uint64_t> Parser::parse_unsigned_up_to(uint64_t max) {
  const Token& t = peek();
  if (t.kind != TokenKind::kNumber) return bad_literal(t);
  uint64_t value = 0;
  switch (parse_unsigned(t.text, max, &value)) {
    case NumStatus::kOk:
      break;
    case NumStatus::kSyntax:
      return bad_literal(t);
    case NumStatus::kOutOfRange:
      return malformed(t.offset, max == UINT32_MAX ? "i32 constant out of range"
                                                   : "i64 constant out of range");
  }
  next();
  return value;
}

Result<void> Parser::skip_sexpr() {
  WS_TRY(expect_lparen());
  size_t depth = 1;
  while (depth > 0) {
    const Token& t = next();
    if (t.kind == TokenKind::kEof) return unexpected(t);
    if (t.kind == TokenKind::kLParen) ++depth;
    if (t.kind == TokenKind::kRParen) --depth;
  }
  return {};
}

// ---- Indices -----------------------------------------------------------------------------

bool Parser::at_index() const {
  const TokenKind k = peek().kind;
  return k == TokenKind::kId || k == TokenKind::kNumber;
}

Result<uint32_t> Parser::lookup(Space space, const Token& t) const {
  const IdSpace& s = spaces_[static_cast<int>(space)];
  auto it = s.ids.find(id_name(t));
  if (it == s.ids.end()) {
    return malformed(t.offset,
                     std::string("unknown ") + space_name(space) + " " + std::string(t.text));
  }
  return it->second;
}

Result<uint32_t> Parser::parse_index(Space space) {
  const Token& t = peek();
  if (t.kind == TokenKind::kId) {
    WS_ASSIGN(uint32_t index, lookup(space, t));
    next();
    return index;
  }
  return parse_u32();
}

Result<void> Parser::bind_id(Space space, const Token& id) {
  IdSpace& s = spaces_[static_cast<int>(space)];
  if (id.kind == TokenKind::kId && !s.ids.emplace(id_name(id), s.count).second) {
    return malformed(id.offset,
                     std::string("duplicate ") + space_name(space) + " " + std::string(id.text));
  }
  ++s.count;
  return {};
}

// ---- Types -------------------------------------------------------------------------------

Result<ValType> Parser::parse_valtype() {
  struct Named {
    std::string_view name;
    ValType type;
    Feature feature;
  };
  static constexpr Named kValTypes[] = {
      {"i32", ValType::kI32, Feature::kMvp},
      {"i64", ValType::kI64, Feature::kMvp},
      {"f32", ValType::kF32, Feature::kMvp},
      {"f64", ValType::kF64, Feature::kMvp},
      {"v128", ValType::kV128, Feature::kSimd},
      {"funcref", ValType::kFuncRef, Feature::kMvp},  // MVP tables hold funcrefs.
      {"externref", ValType::kExternRef, Feature::kRefTypes},
      {"exnref", ValType::kExnRef, Feature::kExceptions},
      // The exception hierarchy's bottom: wasmscope's exnref already holds only null or an
      // exception, so a null-only exnref is one too.
      {"nullexnref", ValType::kExnRef, Feature::kExceptions},
  };
  const Token& t = peek();
  if (t.kind == TokenKind::kLParen && is_keyword("ref", 1)) return parse_ref_form();
  if (t.kind == TokenKind::kKeyword) {
    for (const Named& v : kValTypes) {
      if (v.name == t.text && features_.has(v.feature)) {
        next();
        return v.type;
      }
    }
  }
  return unexpected();
}

Result<ValType> Parser::parse_reftype() {
  const size_t at = pos_;
  WS_ASSIGN(ValType type, parse_valtype());
  if (!is_ref(type)) return unexpected(tokens_[at]);
  return type;
}

Result<ValType> Parser::parse_ref_form() {
  pos_ += 2;  // "(" "ref"
  const Token& after_ref = peek();
  const bool nullable = is_keyword("null");
  if (nullable) {
    next();
  } else if (!features_.has(Feature::kFuncRefs)) {
    return unexpected(after_ref);
  }
  WS_ASSIGN(ValType type, parse_heap_type(nullable));
  WS_TRY(expect_rparen());
  return type;
}

namespace {

/// Whether {word} is one of garbage collection's heap types, which wasmscope lacks.
bool is_gc_heap_type(std::string_view word) {
  static constexpr std::string_view kGcHeapTypes[] = {
      "any", "eq", "i31", "struct", "array", "none", "nofunc", "noextern"};
  for (std::string_view gc : kGcHeapTypes) {
    if (word == gc) return true;
  }
  return false;
}

}  // namespace

Result<ValType> Parser::parse_heap_type(bool nullable) {
  const Token& heap = peek();
  ValType type;
  if (is_keyword("func")) {
    type = ValType::ref(ValType::kFuncRef, nullable);
  } else if (is_keyword("extern") && features_.has(Feature::kRefTypes)) {
    type = ValType::ref(ValType::kExternRef, nullable);
  } else if ((is_keyword("exn") || is_keyword("noexn")) && features_.has(Feature::kExceptions)) {
    type = ValType::ref(ValType::kExnRef, nullable);
  } else if (at_index() && features_.has(Feature::kFuncRefs)) {
    WS_ASSIGN(uint32_t index, parse_index(Space::kType));
    if (index == ValType::kAbstract) return malformed(heap.offset, "unknown type");
    return ValType::ref(ValType::kFuncRef, nullable, index);
  } else if (heap.kind == TokenKind::kKeyword && is_gc_heap_type(heap.text)) {
    return malformed(heap.offset,
                     "unsupported: heap type " + std::string(heap.text) + " (garbage collection)");
  } else {
    return unexpected();
  }
  next();
  return type;
}

Result<TypeUse> Parser::parse_type_use(bool allow_param_ids) {
  TypeUse use;
  if (is_lparen_keyword("type")) {
    pos_ += 2;
    WS_ASSIGN(use.index, parse_index(Space::kType));
    use.has_index = true;
    WS_TRY(expect_rparen());
  }
  while (is_lparen_keyword("param")) {
    pos_ += 2;
    use.has_inline = true;
    std::string_view id;
    if (peek().kind == TokenKind::kId) {
      if (!allow_param_ids) return unexpected();
      id = id_name(next());
    }
    std::optional<std::string> name;
    if (allow_param_ids) {
      WS_ASSIGN(name, take_name_annotation("local"));
    }
    if (!id.empty() || name) {
      WS_ASSIGN(ValType t, parse_valtype());
      if (name) use.param_names[static_cast<uint32_t>(use.sig.params.size())] = std::move(*name);
      use.sig.params.push_back(t);
      use.param_ids.push_back(id);
    } else {
      while (peek().kind != TokenKind::kRParen) {
        WS_ASSIGN(ValType t, parse_valtype());
        use.sig.params.push_back(t);
        use.param_ids.push_back("");
      }
    }
    WS_TRY(expect_rparen());
  }
  while (is_lparen_keyword("result")) {
    pos_ += 2;
    use.has_inline = true;
    while (peek().kind != TokenKind::kRParen) {
      WS_ASSIGN(ValType t, parse_valtype());
      use.sig.results.push_back(t);
    }
    WS_TRY(expect_rparen());
  }
  // Out of order: (type) after (param) or (result), (param) after (result).
  if (is_lparen_keyword("type") || is_lparen_keyword("param")) return unexpected(peek(1));
  return use;
}

namespace {

/// {sig} as a string of encoded types, a key for {Parser::type_lookup_}: the parameter count,
/// then each type in full (a typed reference's nullability and type index included).
std::string signature_key(const FuncType& sig) {
  Bytes key;
  put_uleb(&key, sig.params.size());
  for (ValType t : sig.params)
    put_valtype(&key, t);
  for (ValType t : sig.results)
    put_valtype(&key, t);
  return std::string(key.begin(), key.end());
}

}  // namespace

uint32_t Parser::add_type(FuncType sig) {
  const auto index = static_cast<uint32_t>(module_.types.size());
  type_lookup_.emplace(signature_key(sig), index);  // Keeps the first of equal types.
  module_.types.push_back(std::move(sig));
  return index;
}

uint32_t Parser::find_or_add_type(const FuncType& sig) {
  auto it = type_lookup_.find(signature_key(sig));
  if (it != type_lookup_.end()) return it->second;
  return add_type(sig);
}

Result<uint32_t> Parser::resolve_type_use(const TypeUse& use, const Token& at) {
  if (!use.has_index) return find_or_add_type(use.sig);
  if (use.has_inline) {
    if (use.index >= module_.types.size()) return malformed(at.offset, "unknown type");
    if (!(module_.types[use.index] == use.sig)) {
      return malformed(at.offset, "inline function type");
    }
  }
  return use.index;
}

Result<FuncType> Parser::parse_func_type() {
  WS_TRY(expect_lparen());
  WS_TRY(expect_keyword("func"));
  WS_ASSIGN(TypeUse use, parse_type_use(true));
  if (use.has_index) return unexpected();
  WS_TRY(expect_rparen());
  return use.sig;
}

Result<Limits> Parser::parse_limits() {
  Limits limits;
  limits.is64 = parse_address_type();
  // With memory64 limits are u64 (the validator bounds a 32-bit memory's or table's).
  const uint64_t max = features_.has(Feature::kMemory64) ? UINT64_MAX : UINT32_MAX;
  WS_ASSIGN(limits.min, parse_unsigned_up_to(max));
  if (peek().kind == TokenKind::kNumber) {
    WS_ASSIGN(uint64_t m, parse_unsigned_up_to(max));
    limits.max = m;
  }
  return limits;
}

bool Parser::parse_address_type() {
  if (!features_.has(Feature::kMemory64)) return false;
  if (is_keyword("i64")) {
    next();
    return true;
  }
  if (is_keyword("i32")) next();
  return false;
}

Result<TableType> Parser::parse_table_type() {
  TableType type;
  WS_ASSIGN(type.limits, parse_limits());
  WS_ASSIGN(type.elem, parse_reftype());
  return type;
}

Result<MemoryType> Parser::parse_memory_type() {
  MemoryType type;
  WS_ASSIGN(type.limits, parse_limits());
  if (is_keyword("shared") && features_.has(Feature::kThreads)) {
    next();
    type.limits.shared = true;
  }
  return type;
}

Result<GlobalType> Parser::parse_global_type() {
  GlobalType type;
  if (is_lparen_keyword("mut")) {
    pos_ += 2;
    type.mut = true;
    WS_ASSIGN(type.type, parse_valtype());
    WS_TRY(expect_rparen());
  } else {
    WS_ASSIGN(type.type, parse_valtype());
  }
  return type;
}

// ---- Module ------------------------------------------------------------------------------

Result<Bytes> Parser::parse(bool emit_names) {
  bool wrapped = false;
  if (is_lparen_keyword("module")) {
    wrapped = true;
    pos_ += 2;
    if (peek().kind == TokenKind::kId) {
      const std::string_view id = id_name(next());
      if (emit_names) module_.module_name = std::string(id);
    }
  }
  const size_t begin = pos_;
  WS_TRY(collect_ids());
  pos_ = begin;
  if (emit_names) {
    for (const auto& [id, index] : spaces_[static_cast<int>(Space::kFunc)].ids) {
      module_.func_names[index] = std::string(id);
    }
  }
  // {@name} annotations name things whether or not {emit_names} asks for the identifiers.
  WS_ASSIGN(auto module_name, take_name_annotation("module"));
  if (module_name) module_.module_name = std::move(*module_name);
  while (peek().kind == TokenKind::kLParen) {
    WS_TRY(take_custom_annotations());
    WS_TRY(parse_field());
  }
  WS_TRY(take_custom_annotations());
  if (wrapped) WS_TRY(expect_rparen());
  if (peek().kind != TokenKind::kEof) return unexpected();
  WS_TRY(check_unclaimed_annotations());
  return encode_module(module_);
}

Result<void> Parser::collect_types() {
  const size_t begin = pos_;
  // Type names first: a type may refer to itself or to one defined after it.
  while (peek().kind == TokenKind::kLParen) {
    if (is_keyword("type", 1)) WS_TRY(bind_id(Space::kType, peek(2)));
    WS_TRY(skip_sexpr());
  }
  pos_ = begin;
  while (peek().kind == TokenKind::kLParen) {
    if (!is_keyword("type", 1)) {
      WS_TRY(skip_sexpr());
      continue;
    }
    pos_ += 2;
    if (peek().kind == TokenKind::kId) next();
    WS_ASSIGN(FuncType type, parse_func_type());
    WS_TRY(expect_rparen());
    add_type(std::move(type));
  }
  pos_ = begin;
  return {};
}

Result<void> Parser::collect_ids() {
  WS_TRY(collect_types());
  while (peek().kind == TokenKind::kLParen) {
    const size_t field = pos_;
    next();
    const Token& keyword = next();
    Space space;
    if (keyword.kind != TokenKind::kKeyword) {
      return unexpected(keyword);
    } else if (keyword.text == "type") {
      // Bound and parsed by {collect_types}.
    } else if (keyword.text == "import") {
      if (peek().kind == TokenKind::kString && peek(1).kind == TokenKind::kString &&
          peek(2).kind == TokenKind::kLParen && space_for_keyword(peek(3).text, &space) &&
          peek(3).kind == TokenKind::kKeyword) {
        WS_TRY(bind_id(space, peek(4)));
      }
    } else if (space_for_keyword(keyword.text, &space)) {
      WS_TRY(bind_id(space, peek()));
      // Inline segments ({(table funcref (elem ...))}, {(memory (data ...))}) are numbered
      // where the field is.
      const char* segment = space == Space::kTable ? "elem" : "data";
      if (space == Space::kTable || space == Space::kMemory) {
        while (peek().kind != TokenKind::kRParen && peek().kind != TokenKind::kEof) {
          if (is_lparen_keyword(segment)) {
            WS_TRY(bind_id(space == Space::kTable ? Space::kElem : Space::kData, peek()));
          }
          if (peek().kind == TokenKind::kLParen) {
            WS_TRY(skip_sexpr());
          } else {
            next();
          }
        }
      }
    } else if (keyword.text == "elem") {
      WS_TRY(bind_id(Space::kElem, peek()));
    } else if (keyword.text == "data") {
      WS_TRY(bind_id(Space::kData, peek()));
    }
    pos_ = field;
    WS_TRY(skip_sexpr());
  }
  return {};
}

Result<void> Parser::parse_field() {
  WS_TRY(expect_lparen());
  const Token& keyword = peek();
  if (keyword.kind != TokenKind::kKeyword) return unexpected();
  next();
  const std::string_view k = keyword.text;
  if (k == "type") {
    // Parsed by {collect_ids}, so that implicit types follow every explicit one.
    pos_ -= 2;
    return skip_sexpr();
  }
  if (k == "import") return parse_import_field();
  if (k == "func") return parse_func_field();
  if (k == "table") return parse_table_field();
  if (k == "memory") return parse_memory_field();
  if (k == "global") return parse_global_field();
  if (k == "export") return parse_export_field();
  if (k == "start") return parse_start_field();
  if (k == "elem") return parse_elem_field();
  if (k == "data") return parse_data_field();
  if (k == "tag" && features_.has(Feature::kExceptions)) return parse_tag_field();
  return unexpected(keyword);
}

Result<void> Parser::note_import(const Token& at) {
  if (first_definition_ != nullptr) {
    return malformed(at.offset, std::string("import after ") + first_definition_);
  }
  return {};
}

void Parser::note_definition(const char* kind) {
  if (first_definition_ == nullptr) first_definition_ = kind;
}

Result<std::vector<std::string>> Parser::parse_inline_exports() {
  std::vector<std::string> names;
  while (is_lparen_keyword("export")) {
    pos_ += 2;
    WS_ASSIGN(std::string name, parse_name());
    names.push_back(std::move(name));
    WS_TRY(expect_rparen());
  }
  return names;
}

void Parser::add_exports(const std::vector<std::string>& names, ExternKind kind, uint32_t index) {
  for (const std::string& name : names)
    module_.exports.push_back({name, kind, index});
}

Result<bool> Parser::parse_inline_import(std::string* module, std::string* field) {
  if (!is_lparen_keyword("import")) return false;
  WS_TRY(note_import(peek(1)));
  pos_ += 2;
  WS_ASSIGN(*module, parse_name());
  WS_ASSIGN(*field, parse_name());
  WS_TRY(expect_rparen());
  return true;
}

Result<void> Parser::parse_import_field() {
  WS_TRY(note_import(peek()));
  TextImport import;
  WS_ASSIGN(import.module, parse_name());
  WS_ASSIGN(import.field, parse_name());
  WS_TRY(expect_lparen());
  const Token& kind = peek();
  Space space;
  if (kind.kind != TokenKind::kKeyword || !space_for_keyword(kind.text, &space) ||
      (space == Space::kTag && !features_.has(Feature::kExceptions))) {
    return unexpected();
  }
  next();
  if (peek().kind == TokenKind::kId) next();
  if (space == Space::kFunc) {
    WS_ASSIGN(auto name, take_name_annotation("function"));
    if (name) module_.func_names[import_counts_[0]] = std::move(*name);
    import.kind = ExternKind::kFunc;
    WS_ASSIGN(TypeUse use, parse_type_use(true));
    WS_ASSIGN(import.type_index, resolve_type_use(use, kind));
  } else if (space == Space::kTable) {
    import.kind = ExternKind::kTable;
    WS_ASSIGN(import.table, parse_table_type());
  } else if (space == Space::kMemory) {
    import.kind = ExternKind::kMemory;
    WS_ASSIGN(import.memory, parse_memory_type());
  } else if (space == Space::kTag) {
    import.kind = ExternKind::kTag;
    WS_ASSIGN(TypeUse use, parse_type_use(true));
    WS_ASSIGN(import.type_index, resolve_type_use(use, kind));
  } else {
    import.kind = ExternKind::kGlobal;
    WS_ASSIGN(import.global, parse_global_type());
  }
  WS_TRY(expect_rparen());
  WS_TRY(expect_rparen());
  ++import_counts_[static_cast<int>(import.kind)];
  module_.imports.push_back(std::move(import));
  return {};
}

Result<void> Parser::parse_func_field() {
  const size_t first_token = pos_ - 2;
  const Token& start = tokens_[pos_ - 1];
  if (peek().kind == TokenKind::kId) next();
  const uint32_t index = import_counts_[0] + static_cast<uint32_t>(module_.funcs.size());
  WS_ASSIGN(auto name, take_name_annotation("function"));
  if (name) module_.func_names[index] = std::move(*name);
  WS_ASSIGN(auto exports, parse_inline_exports());
  add_exports(exports, ExternKind::kFunc, index);
  TextImport import;
  WS_ASSIGN(bool imported, parse_inline_import(&import.module, &import.field));
  WS_ASSIGN(TypeUse use, parse_type_use(true));
  WS_ASSIGN(uint32_t type_index, resolve_type_use(use, start));
  if (imported) {
    WS_TRY(expect_rparen());
    import.kind = ExternKind::kFunc;
    import.type_index = type_index;
    ++import_counts_[0];
    module_.imports.push_back(std::move(import));
    return {};
  }
  note_definition("function");
  TextFunc func;
  func.type_index = type_index;
  FuncContext ctx;
  ctx.branch_hints = &func.branch_hints;
  for (auto& [param, param_name] : use.param_names)
    module_.local_names[index][param] = std::move(param_name);
  uint32_t next_local = 0;
  for (std::string_view id : use.param_ids) {
    if (!id.empty() && !ctx.locals.emplace(id, next_local).second) {
      return malformed(start.offset, "duplicate local " + std::string(id));
    }
    ++next_local;
  }
  if (!use.has_inline && type_index < module_.types.size()) {
    next_local = static_cast<uint32_t>(module_.types[type_index].params.size());
  }
  WS_TRY(parse_locals(&func, &ctx, &next_local));
  WS_TRY(parse_instrs(&ctx, &func.body));
  WS_TRY(expect_rparen());
  func_ranges_.emplace_back(first_token, pos_);
  func.body.push_back(0x0b);
  module_.funcs.push_back(std::move(func));
  return {};
}

Result<void> Parser::parse_locals(TextFunc* func, FuncContext* ctx, uint32_t* next_local) {
  const uint32_t func_index = import_counts_[0] + static_cast<uint32_t>(module_.funcs.size());
  while (is_lparen_keyword("local")) {
    pos_ += 2;
    const bool has_id = peek().kind == TokenKind::kId;
    if (has_id) {
      const Token& id = next();
      if (!ctx->locals.emplace(id_name(id), *next_local).second) {
        return malformed(id.offset, "duplicate local " + std::string(id.text));
      }
    }
    WS_ASSIGN(auto name, take_name_annotation("local"));
    if (name) module_.local_names[func_index][*next_local] = std::move(*name);
    if (has_id || name) {
      WS_ASSIGN(ValType t, parse_valtype());
      func->locals.push_back(t);
      ++*next_local;
    } else {
      while (peek().kind != TokenKind::kRParen) {
        WS_ASSIGN(ValType t, parse_valtype());
        func->locals.push_back(t);
        ++*next_local;
      }
    }
    WS_TRY(expect_rparen());
  }
  return {};
}

template <class ParseType>
Result<bool> Parser::parse_field_head(ExternKind kind, size_t defined_count, uint32_t* index,
                                      ParseType parse_type) {
  if (peek().kind == TokenKind::kId) next();
  const auto space = static_cast<size_t>(kind);  // {import_counts_} is indexed by kind
  *index = import_counts_[space] + static_cast<uint32_t>(defined_count);
  WS_ASSIGN(auto exports, parse_inline_exports());
  add_exports(exports, kind, *index);
  TextImport import;
  WS_ASSIGN(bool imported, parse_inline_import(&import.module, &import.field));
  if (!imported) return false;
  import.kind = kind;
  WS_TRY(parse_type(&import));
  WS_TRY(expect_rparen());
  ++import_counts_[space];
  module_.imports.push_back(std::move(import));
  return true;
}

Result<void> Parser::parse_table_field() {
  uint32_t index;
  WS_ASSIGN(bool imported,
            parse_field_head(ExternKind::kTable, module_.tables.size(), &index,
                             [this](TextImport* import) -> Result<void> {
                               WS_ASSIGN(import->table, parse_table_type());
                               return {};
                             }));
  if (imported) return {};
  note_definition("table");
  TextTable table;
  // memory64: {i64 reftype (elem ...)}; {i64 limits reftype} is left to parse_table_type.
  const auto reftype_follows = [this](size_t ahead) {
    return is_lparen_keyword("ref", ahead) ||
           (peek(ahead).kind == TokenKind::kKeyword && !is_keyword("i64", ahead) &&
            !is_keyword("i32", ahead));
  };
  const bool inline_is64 = is_keyword("i64") && reftype_follows(1);
  if (inline_is64) next();
  if (reftype_follows(0)) {
    // {reftype (elem ...)}: a table exactly as large as its inline segment.
    WS_ASSIGN(table.type.elem, parse_reftype());
    WS_ASSIGN(TextElem elem, parse_inline_elem(table.type.elem, index, inline_is64));
    table.type.limits.min = elem.items.size();
    table.type.limits.max = elem.items.size();
    table.type.limits.is64 = inline_is64;
    module_.elems.push_back(std::move(elem));
  } else {
    WS_ASSIGN(table.type, parse_table_type());
    // Typed function references: the expression every entry starts as.
    if (peek().kind != TokenKind::kRParen && features_.has(Feature::kFuncRefs)) {
      WS_TRY(parse_expr(&table.init));
    }
  }
  WS_TRY(expect_rparen());
  module_.tables.push_back(std::move(table));
  return {};
}

Result<TextElem> Parser::parse_inline_elem(ValType type, uint32_t table, bool is64) {
  WS_TRY(expect_lparen());
  WS_TRY(expect_keyword("elem"));
  TextElem elem;
  elem.type = type;
  elem.table = table;
  elem.offset = zero_offset(is64);
  if (at_index()) {
    // Function indices into a funcref table: the segment holds (ref func)s, the short encoding.
    if (type == ValType(ValType::kFuncRef)) elem.type = ValType::ref(ValType::kFuncRef, false);
    while (at_index()) {
      WS_ASSIGN(uint32_t func, parse_index(Space::kFunc));
      elem.func_indices.push_back(func);
      Bytes item = {0xd2};
      put_uleb(&item, func);
      item.push_back(0x0b);
      elem.items.push_back(std::move(item));
    }
  } else {
    while (peek().kind == TokenKind::kLParen)
      WS_TRY(parse_elem_item(&elem));
  }
  WS_TRY(expect_rparen());
  return elem;
}

Result<void> Parser::parse_memory_field() {
  uint32_t index;
  WS_ASSIGN(bool imported,
            parse_field_head(ExternKind::kMemory, module_.memories.size(), &index,
                             [this](TextImport* import) -> Result<void> {
                               WS_ASSIGN(import->memory, parse_memory_type());
                               return {};
                             }));
  if (imported) return {};
  note_definition("memory");
  MemoryType type;
  // memory64: {i64 (data ...)}.
  const bool inline_is64 = is_keyword("i64") && peek(1).kind == TokenKind::kLParen &&
                           peek(2).kind == TokenKind::kKeyword && peek(2).text == "data";
  if (inline_is64) next();
  if (is_lparen_keyword("data")) {
    pos_ += 2;
    TextData data;
    data.memory = index;
    data.offset = zero_offset(inline_is64);
    WS_ASSIGN(data.bytes, parse_data_strings());
    WS_TRY(expect_rparen());
    const uint64_t pages = (data.bytes.size() + kPageSize - 1) / kPageSize;
    type.limits.min = pages;
    type.limits.max = pages;
    type.limits.is64 = inline_is64;
    module_.datas.push_back(std::move(data));
  } else {
    WS_ASSIGN(type, parse_memory_type());
  }
  WS_TRY(expect_rparen());
  module_.memories.push_back(type);
  return {};
}

Result<void> Parser::parse_global_field() {
  uint32_t index;
  WS_ASSIGN(bool imported,
            parse_field_head(ExternKind::kGlobal, module_.globals.size(), &index,
                             [this](TextImport* import) -> Result<void> {
                               WS_ASSIGN(import->global, parse_global_type());
                               return {};
                             }));
  if (imported) return {};
  note_definition("global");
  TextGlobal global;
  WS_ASSIGN(global.type, parse_global_type());
  WS_TRY(parse_expr(&global.init));
  WS_TRY(expect_rparen());
  module_.globals.push_back(std::move(global));
  return {};
}

Result<void> Parser::parse_tag_field() {
  const Token& start = tokens_[pos_ - 1];
  // A tag's type is a function type; the validator requires its results to be empty.
  auto parse_tag_type = [this, &start]() -> Result<uint32_t> {
    // A tag's @name is well formed; wasmscope keeps no tag names (the name section's tag
    // subsection is not written), so it is claimed and dropped.
    WS_TRY(take_name_annotation("tag"));
    WS_ASSIGN(TypeUse use, parse_type_use(true));
    return resolve_type_use(use, start);
  };
  uint32_t index;
  WS_ASSIGN(bool imported,
            parse_field_head(ExternKind::kTag, module_.tags.size(), &index,
                             [&parse_tag_type](TextImport* import) -> Result<void> {
                               WS_ASSIGN(import->type_index, parse_tag_type());
                               return {};
                             }));
  if (imported) return {};
  note_definition("tag");
  WS_ASSIGN(uint32_t type_index, parse_tag_type());
  WS_TRY(expect_rparen());
  module_.tags.push_back(type_index);
  return {};
}

Result<void> Parser::parse_export_field() {
  TextExport e;
  WS_ASSIGN(e.name, parse_name());
  WS_TRY(expect_lparen());
  const Token& kind = peek();
  Space space;
  if (kind.kind != TokenKind::kKeyword || !space_for_keyword(kind.text, &space) ||
      (space == Space::kTag && !features_.has(Feature::kExceptions))) {
    return unexpected();
  }
  next();
  e.kind = extern_kind_of(space);
  WS_ASSIGN(e.index, parse_index(space));
  WS_TRY(expect_rparen());
  WS_TRY(expect_rparen());
  module_.exports.push_back(std::move(e));
  return {};
}

Result<void> Parser::parse_start_field() {
  const Token& at = tokens_[pos_ - 1];
  WS_ASSIGN(uint32_t index, parse_index(Space::kFunc));
  WS_TRY(expect_rparen());
  if (module_.start) return malformed(at.offset, "multiple start sections");
  module_.start = index;
  return {};
}

Result<Bytes> Parser::parse_offset() {
  Bytes expr;
  if (is_lparen_keyword("offset")) {
    pos_ += 2;
    WS_TRY(parse_expr(&expr));
    WS_TRY(expect_rparen());
    return expr;
  }
  FuncContext ctx;
  WS_TRY(parse_folded(&ctx, &expr));
  expr.push_back(0x0b);
  return expr;
}

Result<void> Parser::parse_elem_item(TextElem* elem) {
  Bytes expr;
  if (is_lparen_keyword("item")) {
    pos_ += 2;
    WS_TRY(parse_expr(&expr));
    WS_TRY(expect_rparen());
  } else {
    FuncContext ctx;
    WS_TRY(parse_folded(&ctx, &expr));
    expr.push_back(0x0b);
  }
  uint32_t func = 0;
  if (is_ref_func_expr(expr, &func)) {
    elem->func_indices.push_back(func);
  } else {
    elem->all_ref_func = false;
  }
  elem->items.push_back(std::move(expr));
  return {};
}

Result<void> Parser::parse_elem_list(TextElem* elem, bool allow_bare_indices) {
  const bool func_keyword = is_keyword("func");
  if (func_keyword || (allow_bare_indices && (at_index() || peek().kind == TokenKind::kRParen))) {
    if (func_keyword) next();
    // Function indices are non-null references (3.0); "funcref (ref.func $f)" is nullable.
    elem->type = ValType::ref(ValType::kFuncRef, false);
    while (at_index()) {
      WS_ASSIGN(uint32_t func, parse_index(Space::kFunc));
      elem->func_indices.push_back(func);
      Bytes item = {0xd2};
      put_uleb(&item, func);
      item.push_back(0x0b);
      elem->items.push_back(std::move(item));
    }
    return {};
  }
  WS_ASSIGN(elem->type, parse_reftype());
  while (peek().kind == TokenKind::kLParen)
    WS_TRY(parse_elem_item(elem));
  return {};
}

Result<void> Parser::parse_elem_field() {
  if (peek().kind == TokenKind::kId) next();
  TextElem elem;
  if (is_keyword("declare")) {
    next();
    elem.mode = SegmentMode::kDeclarative;
    WS_TRY(parse_elem_list(&elem, false));
  } else if ((peek().kind == TokenKind::kLParen && !is_lparen_keyword("ref")) ||
             (at_index() && peek(1).kind == TokenKind::kLParen)) {
    // (A "(ref ...)" here is the element type of a passive segment.)
    elem.mode = SegmentMode::kActive;
    bool table_use = false;
    if (at_index()) {
      // The MVP form {(elem 0 (offset ...) ...)}, still in the proposals' tests.
      WS_ASSIGN(elem.table, parse_index(Space::kTable));
    } else if (is_lparen_keyword("table")) {
      pos_ += 2;
      WS_ASSIGN(elem.table, parse_index(Space::kTable));
      WS_TRY(expect_rparen());
      table_use = true;
    }
    WS_ASSIGN(elem.offset, parse_offset());
    WS_TRY(parse_elem_list(&elem, !table_use));
  } else {
    elem.mode = SegmentMode::kPassive;
    WS_TRY(parse_elem_list(&elem, false));
  }
  WS_TRY(expect_rparen());
  module_.elems.push_back(std::move(elem));
  return {};
}

Result<std::string> Parser::parse_data_strings() {
  std::string bytes;
  while (peek().kind == TokenKind::kString)
    bytes += next().value;
  return bytes;
}

Result<void> Parser::parse_data_field() {
  if (peek().kind == TokenKind::kId) next();
  TextData data;
  if (peek().kind == TokenKind::kLParen || (at_index() && peek(1).kind == TokenKind::kLParen)) {
    data.mode = SegmentMode::kActive;
    if (at_index()) {
      // The MVP form {(data 0 (offset ...) ...)}.
      WS_ASSIGN(data.memory, parse_index(Space::kMemory));
    } else if (is_lparen_keyword("memory")) {
      pos_ += 2;
      WS_ASSIGN(data.memory, parse_index(Space::kMemory));
      WS_TRY(expect_rparen());
    }
    WS_ASSIGN(data.offset, parse_offset());
  } else {
    data.mode = SegmentMode::kPassive;
  }
  WS_ASSIGN(data.bytes, parse_data_strings());
  WS_TRY(expect_rparen());
  module_.datas.push_back(std::move(data));
  return {};
}

Result<std::vector<uint8_t>> wat_to_binary(std::string_view text, Features features,
                                           bool emit_names) {
  std::vector<Annotation> annotations;
  WS_ASSIGN(std::vector<Token> tokens, tokenize(text, &annotations));
  Parser parser(std::move(tokens), std::move(annotations), features);
  return parser.parse(emit_names);
}

}  // namespace wasmscope::internal
