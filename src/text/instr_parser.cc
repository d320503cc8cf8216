// Instructions of the text format (spec 6.5): plain, structured and folded forms. Plain
// instructions come from the opcode table; only their immediates are parsed, per {ImmKind}.
#include <bit>
#include <string>

#include "text/number.h"
#include "text/parser.h"

namespace wasmscope::internal {
namespace {

void put_opcode(const OpInfo& info, Bytes* out) {
  if (info.prefix == 0) {
    out->push_back(static_cast<uint8_t>(info.code));
  } else {
    out->push_back(info.prefix);
    put_uleb(out, info.code);
  }
}

void put_le(uint64_t bits, unsigned bytes, Bytes* out) {
  for (unsigned i = 0; i < bytes; ++i)
    out->push_back(static_cast<uint8_t>(bits >> (8 * i)));
}

Op op_for(std::string_view text) {
  Op op = Op::kCount;
  find_op_by_text(text, &op);
  return op;
}

/// Keywords of a function's or block's header, misplaced when found among instructions.
bool is_field_keyword(std::string_view text) {
  return text == "type" || text == "param" || text == "result" || text == "local" ||
         text == "then" || text == "export" || text == "import" || text == "item" ||
         text == "offset";
}

/// Structured instructions: a block that "end" (or, for "try", "delegate") closes.
bool is_block_keyword(std::string_view text) {
  return text == "block" || text == "loop" || text == "if" || text == "try" || text == "try_table";
}

/// Keywords that only continue a structured instruction, never start one.
bool is_continuation_keyword(std::string_view text) {
  return text == "else" || text == "end" || text == "then" || text == "do" || text == "catch" ||
         text == "catch_all" || text == "delegate";
}

/// try_table's catch clause kinds as the binary format encodes them (the decoder's
/// {CatchClause::Kind}; src/text does not depend on src/binary).
enum class CatchClauseKind : uint8_t { kCatch = 0, kCatchRef = 1, kCatchAll = 2, kCatchAllRef = 3 };

/// The heap type "noexn", the bottom of the exception hierarchy, as "ref.null noexn" writes it.
constexpr uint8_t kNoExnHeapType = 0x74;

/// The catch clause kinds of try_table, by keyword; false for any other word.
bool catch_clause_kind(std::string_view text, CatchClauseKind* kind) {
  if (text == "catch") {
    *kind = CatchClauseKind::kCatch;
  } else if (text == "catch_ref") {
    *kind = CatchClauseKind::kCatchRef;
  } else if (text == "catch_all") {
    *kind = CatchClauseKind::kCatchAll;
  } else if (text == "catch_all_ref") {
    *kind = CatchClauseKind::kCatchAllRef;
  } else {
    return false;
  }
  return true;
}

/// True for tokens that may be numeric literals ("1", "-0x1p3", "inf", "nan:0x1").
bool is_literal_token(const Token& t) {
  if (t.kind == TokenKind::kNumber) return true;
  return t.kind == TokenKind::kKeyword &&
         (t.text == "inf" || t.text == "nan" || t.text.substr(0, 4) == "nan:");
}

}  // namespace

bool Parser::op_enabled(const OpInfo& info) const {
  return features_.has(info.feature);
}

Result<void> Parser::parse_expr(Bytes* out) {
  FuncContext ctx;
  WS_TRY(parse_instrs(&ctx, out));
  out->push_back(0x0b);
  return {};
}

Result<void> Parser::require_enabled(Op op, const Token& keyword) const {
  if (op_enabled(op_info(op))) return {};
  return malformed(keyword.offset, "unknown operator " + std::string(keyword.text));
}

Result<void> Parser::parse_instrs(FuncContext* ctx, Bytes* out, bool single) {
  std::vector<Nesting> stack;
  if (single && peek().kind != TokenKind::kLParen) return unexpected();
  while (true) {
    const Token& t = peek();
    const Nesting* top = stack.empty() ? nullptr : &stack.back();
    const bool in_sequence =
        top == nullptr || top->kind == Nesting::Kind::kFlatBlock ||
        top->kind == Nesting::Kind::kFoldedBlock || top->kind == Nesting::Kind::kIfThen ||
        top->kind == Nesting::Kind::kIfElse || top->kind == Nesting::Kind::kTryDo ||
        top->kind == Nesting::Kind::kTryCatch || top->kind == Nesting::Kind::kTryCatchAll;
    if (t.kind == TokenKind::kLParen) {
      WS_TRY(open_folded(&stack, ctx, out));
    } else if (t.kind == TokenKind::kRParen && top != nullptr) {
      WS_TRY(close_paren(&stack, ctx, out));
      if (single && stack.empty()) return {};
    } else if (t.kind == TokenKind::kKeyword && in_sequence && !(single && top == nullptr)) {
      WS_TRY(parse_flat_keyword(&stack, ctx, out));
    } else if (top == nullptr) {
      return {};  // The end of the sequence; the caller checks what follows.
    } else {
      return unexpected();
    }
  }
}

Result<void> Parser::parse_flat_keyword(std::vector<Nesting>* stack, FuncContext* ctx, Bytes* out) {
  int hint = -1;
  if (is_keyword("if") || is_keyword("br_if")) {
    WS_ASSIGN(hint, take_branch_hint(ctx));
  }
  const Token& t = next();
  Nesting* top = stack->empty() ? nullptr : &stack->back();
  note_branch_hint(ctx, hint, *out);  // The opcode comes next.
  if (is_block_keyword(t.text)) {
    if (stack->size() >= kMaxDepth) return malformed(t.offset, "nesting too deep");
    const Op op = op_for(t.text);
    WS_TRY(require_enabled(op, t));
    WS_TRY(parse_block_header(op, ctx, out));
    Nesting block;
    block.is_if = t.text == "if";
    block.is_try = t.text == "try";
    stack->push_back(std::move(block));
    return {};
  }
  const bool flat = top != nullptr && top->kind == Nesting::Kind::kFlatBlock;
  if (t.text == "catch" || t.text == "catch_all" || t.text == "delegate") {
    if (!flat || !top->is_try) return unexpected(t);
    return parse_flat_handler(t, stack, ctx, out);
  }
  if (t.text == "else") {
    if (!flat || !top->is_if || top->else_seen) return unexpected(t);
    WS_TRY(parse_end_label(ctx));
    out->push_back(0x05);
    top->else_seen = true;
    return {};
  }
  if (t.text == "end") {
    if (!flat) return unexpected(t);
    WS_TRY(parse_end_label(ctx));
    out->push_back(0x0b);
    ctx->labels.pop_back();
    stack->pop_back();
    return {};
  }
  return parse_plain(t, ctx, out);
}

Result<void> Parser::open_folded(std::vector<Nesting>* stack, FuncContext* ctx, Bytes* out) {
  Nesting* top = stack->empty() ? nullptr : &stack->back();
  if (top != nullptr && top->kind == Nesting::Kind::kIfCondition && is_lparen_keyword("then")) {
    pos_ += 2;
    note_branch_hint(ctx, top->branch_hint, *out);
    out->insert(out->end(), top->pending.begin(), top->pending.end());
    ctx->labels.push_back(top->label);
    top->kind = Nesting::Kind::kIfThen;
    return {};
  }
  if (stack->size() >= kMaxDepth) return malformed(peek().offset, "nesting too deep");
  int hint = -1;
  if (is_lparen_keyword("if") || is_lparen_keyword("br_if")) {
    WS_ASSIGN(hint, take_branch_hint(ctx));
  }
  next();
  const Token& t = peek();
  if (t.kind != TokenKind::kKeyword) return unexpected();
  next();
  Nesting nesting;
  nesting.branch_hint = hint;  // Written with the "if" at "(then", or with the "br_if".
  if (t.text == "block" || t.text == "loop" || t.text == "try_table") {
    const Op op = op_for(t.text);
    WS_TRY(require_enabled(op, t));
    WS_TRY(parse_block_header(op, ctx, out));
    nesting.kind = Nesting::Kind::kFoldedBlock;
  } else if (t.text == "try") {
    // Legacy exception handling: "(try $l? blocktype (do instr*) handlers)".
    WS_TRY(require_enabled(Op::Try, t));
    WS_TRY(parse_block_header(Op::Try, ctx, out));
    if (!is_lparen_keyword("do")) return unexpected();
    pos_ += 2;
    nesting.kind = Nesting::Kind::kTryDo;
  } else if (t.text == "if") {
    nesting.kind = Nesting::Kind::kIfCondition;
    nesting.pending.push_back(0x04);
    if (peek().kind == TokenKind::kId) nesting.label = id_name(next());
    WS_TRY(parse_block_type(&nesting.pending));
  } else if (is_continuation_keyword(t.text)) {
    return unexpected(t);
  } else {
    nesting.kind = Nesting::Kind::kFoldedPlain;
    WS_TRY(parse_plain(t, ctx, &nesting.pending));
  }
  stack->push_back(std::move(nesting));
  return {};
}

Result<void> Parser::close_paren(std::vector<Nesting>* stack, FuncContext* ctx, Bytes* out) {
  Nesting& top = stack->back();
  switch (top.kind) {
    case Nesting::Kind::kFlatBlock:
    case Nesting::Kind::kIfCondition:
      return unexpected();  // A flat block without "end"; an "(if" without "(then".
    case Nesting::Kind::kFoldedPlain:
      next();
      note_branch_hint(ctx, top.branch_hint, *out);
      out->insert(out->end(), top.pending.begin(), top.pending.end());
      stack->pop_back();
      return {};
    case Nesting::Kind::kIfThen:
      next();
      if (is_lparen_keyword("else")) {
        pos_ += 2;
        out->push_back(0x05);
        top.kind = Nesting::Kind::kIfElse;
        return {};
      }
      WS_TRY(expect_rparen());
      break;
    case Nesting::Kind::kIfElse:
      next();
      WS_TRY(expect_rparen());
      break;
    case Nesting::Kind::kFoldedBlock:
      next();
      break;
    case Nesting::Kind::kTryDo:
    case Nesting::Kind::kTryCatch:
    case Nesting::Kind::kTryCatchAll:
      next();
      return continue_folded_try(stack, ctx, out);
  }
  out->push_back(0x0b);
  ctx->labels.pop_back();
  stack->pop_back();
  return {};
}

Result<void> Parser::continue_folded_try(std::vector<Nesting>* stack, FuncContext* ctx,
                                         Bytes* out) {
  Nesting& top = stack->back();
  const bool handlers_open = top.kind != Nesting::Kind::kTryCatchAll;
  if (handlers_open && is_lparen_keyword("catch")) {
    pos_ += 2;
    put_opcode(op_info(Op::Catch), out);
    WS_ASSIGN(uint32_t tag, parse_index(Space::kTag));
    put_uleb(out, tag);
    top.kind = Nesting::Kind::kTryCatch;
    return {};
  }
  if (handlers_open && is_lparen_keyword("catch_all")) {
    pos_ += 2;
    put_opcode(op_info(Op::CatchAll), out);
    top.kind = Nesting::Kind::kTryCatchAll;
    return {};
  }
  if (top.kind == Nesting::Kind::kTryDo && is_lparen_keyword("delegate")) {
    pos_ += 2;
    // "delegate" ends the try: its label counts from the blocks around the try.
    ctx->labels.pop_back();
    put_opcode(op_info(Op::Delegate), out);
    WS_ASSIGN(uint32_t label, parse_label(ctx));
    put_uleb(out, label);
    WS_TRY(expect_rparen());
    WS_TRY(expect_rparen());
    stack->pop_back();
    return {};
  }
  WS_TRY(expect_rparen());
  out->push_back(0x0b);
  ctx->labels.pop_back();
  stack->pop_back();
  return {};
}

Result<void> Parser::parse_flat_handler(const Token& keyword, std::vector<Nesting>* stack,
                                        FuncContext* ctx, Bytes* out) {
  Nesting& top = stack->back();
  if (keyword.text == "delegate") {
    if (top.catch_seen) return unexpected(keyword);
    // As in the folded form: the try's label is out of scope for its delegate's.
    ctx->labels.pop_back();
    put_opcode(op_info(Op::Delegate), out);
    WS_ASSIGN(uint32_t label, parse_label(ctx));
    put_uleb(out, label);
    stack->pop_back();
    return {};
  }
  if (top.catch_all_seen) return unexpected(keyword);  // catch_all is the last handler.
  top.catch_seen = true;
  if (keyword.text == "catch_all") {
    put_opcode(op_info(Op::CatchAll), out);
    top.catch_all_seen = true;
    return {};
  }
  put_opcode(op_info(Op::Catch), out);
  WS_ASSIGN(uint32_t tag, parse_index(Space::kTag));
  put_uleb(out, tag);
  return {};
}

Result<void> Parser::parse_catch_clauses(FuncContext* ctx, Bytes* out) {
  Bytes clauses;
  uint32_t count = 0;
  CatchClauseKind kind;
  while (peek().kind == TokenKind::kLParen && peek(1).kind == TokenKind::kKeyword &&
         catch_clause_kind(peek(1).text, &kind)) {
    pos_ += 2;
    clauses.push_back(static_cast<uint8_t>(kind));
    if (kind == CatchClauseKind::kCatch || kind == CatchClauseKind::kCatchRef) {
      WS_ASSIGN(uint32_t tag, parse_index(Space::kTag));
      put_uleb(&clauses, tag);
    }
    WS_ASSIGN(uint32_t label, parse_label(ctx));
    put_uleb(&clauses, label);
    WS_TRY(expect_rparen());
    ++count;
  }
  put_uleb(out, count);
  out->insert(out->end(), clauses.begin(), clauses.end());
  return {};
}

Result<void> Parser::parse_end_label(FuncContext* ctx) {
  if (peek().kind != TokenKind::kId) return {};
  const Token& id = next();
  if (ctx->labels.empty() || ctx->labels.back() != id_name(id)) {
    return malformed(id.offset, "mismatching label");
  }
  return {};
}

Result<void> Parser::parse_block_header(Op op, FuncContext* ctx, Bytes* out) {
  put_opcode(op_info(op), out);
  std::string_view label;
  if (peek().kind == TokenKind::kId) label = id_name(next());
  WS_TRY(parse_block_type(out));
  if (op_info(op).imm == ImmKind::kTryTable) WS_TRY(parse_catch_clauses(ctx, out));
  ctx->labels.push_back(label);
  return {};
}

Result<void> Parser::parse_block_type(Bytes* out) {
  const Token& at = peek();
  WS_ASSIGN(TypeUse use, parse_type_use(false));
  if (!use.has_index && use.sig.params.empty() && use.sig.results.size() <= 1) {
    // One result, typed references included, is written as its value type.
    if (use.sig.results.empty()) {
      out->push_back(0x40);
    } else {
      put_valtype(out, use.sig.results[0]);
    }
    return {};
  }
  WS_ASSIGN(uint32_t index, resolve_type_use(use, at));
  put_sleb(out, index);
  return {};
}

Result<void> Parser::parse_plain(const Token& keyword, FuncContext* ctx, Bytes* out) {
  Op op = Op::kCount;
  if (keyword.text == "select_t" || !find_op_by_text(keyword.text, &op) ||
      !op_enabled(op_info(op))) {
    if (is_field_keyword(keyword.text)) return unexpected(keyword);
    return malformed(keyword.offset, "unknown operator " + std::string(keyword.text));
  }
  const OpInfo& info = op_info(op);
  // Structured instructions and the legacy try's handlers are no plain instructions.
  if (info.imm == ImmKind::kBlockType || info.imm == ImmKind::kTryTable ||
      is_continuation_keyword(keyword.text)) {
    return unexpected(keyword);
  }
  if (keyword.text == "select" && is_lparen_keyword("result")) {
    // The table lists 0x1C as "select_t": in text it is "select" with result types.
    Op typed = Op::kCount;
    if (!find_op_by_text("select_t", &typed) || !op_enabled(op_info(typed))) {
      return malformed(keyword.offset, "unknown operator select");
    }
    put_opcode(op_info(typed), out);
    return parse_select_types(out);
  }
  put_opcode(info, out);
  return parse_immediates(op, keyword, ctx, out);
}

Result<void> Parser::parse_select_types(Bytes* out) {
  std::vector<ValType> types;
  while (is_lparen_keyword("result")) {
    pos_ += 2;
    while (peek().kind != TokenKind::kRParen) {
      WS_ASSIGN(ValType t, parse_valtype());
      types.push_back(t);
    }
    WS_TRY(expect_rparen());
  }
  put_uleb(out, types.size());
  for (ValType t : types)
    put_valtype(out, t);
  return {};
}

Result<uint32_t> Parser::parse_label(FuncContext* ctx) {
  const Token& t = peek();
  if (t.kind != TokenKind::kId) return parse_u32();
  for (size_t i = ctx->labels.size(); i-- > 0;) {
    if (ctx->labels[i] == id_name(t)) {
      next();
      return static_cast<uint32_t>(ctx->labels.size() - 1 - i);
    }
  }
  return malformed(t.offset, "unknown label " + std::string(t.text));
}

Result<uint32_t> Parser::parse_local(FuncContext* ctx) {
  const Token& t = peek();
  if (t.kind != TokenKind::kId) return parse_u32();
  auto it = ctx->locals.find(id_name(t));
  if (it == ctx->locals.end()) return malformed(t.offset, "unknown local " + std::string(t.text));
  next();
  return it->second;
}

Result<void> Parser::parse_immediates(Op op, const Token& at, FuncContext* ctx, Bytes* out) {
  const OpInfo& info = op_info(op);
  switch (info.imm) {
    case ImmKind::kNone:
    case ImmKind::kBlockType:
    case ImmKind::kSelectT:
      return {};
    case ImmKind::kTag: {
      WS_ASSIGN(uint32_t tag, parse_index(Space::kTag));
      put_uleb(out, tag);
      return {};
    }
    case ImmKind::kTryTable:
      return unexpected(at);  // Parsed as a block (see {parse_block_header}).
    case ImmKind::kLabel: {
      WS_ASSIGN(uint32_t label, parse_label(ctx));
      put_uleb(out, label);
      return {};
    }
    case ImmKind::kBrTable: {
      std::vector<uint32_t> labels;
      while (at_index()) {
        WS_ASSIGN(uint32_t label, parse_label(ctx));
        labels.push_back(label);
      }
      if (labels.empty()) return unexpected();
      put_uleb(out, labels.size() - 1);
      for (uint32_t label : labels)
        put_uleb(out, label);
      return {};
    }
    case ImmKind::kFunc:
    case ImmKind::kGlobal:
    case ImmKind::kElem:
    case ImmKind::kData: {
      const Space space = info.imm == ImmKind::kFunc     ? Space::kFunc
                          : info.imm == ImmKind::kGlobal ? Space::kGlobal
                          : info.imm == ImmKind::kElem   ? Space::kElem
                                                         : Space::kData;
      WS_ASSIGN(uint32_t index, parse_index(space));
      put_uleb(out, index);
      if (info.imm == ImmKind::kData) module_.uses_data_count = true;
      return {};
    }
    case ImmKind::kCallIndirect: {
      uint32_t table = 0;
      if (at_index()) {
        WS_ASSIGN(table, parse_index(Space::kTable));
      }
      WS_ASSIGN(TypeUse use, parse_type_use(false));
      WS_ASSIGN(uint32_t type, resolve_type_use(use, at));
      put_uleb(out, type);
      put_uleb(out, table);
      return {};
    }
    case ImmKind::kLocal: {
      WS_ASSIGN(uint32_t local, parse_local(ctx));
      put_uleb(out, local);
      return {};
    }
    case ImmKind::kTable: {
      uint32_t table = 0;
      if (at_index()) {
        WS_ASSIGN(table, parse_index(Space::kTable));
      }
      put_uleb(out, table);
      return {};
    }
    case ImmKind::kMemArg:
      return parse_memarg(info, out);
    case ImmKind::kMemory:
    case ImmKind::kMemoryFill: {
      WS_ASSIGN(uint32_t memory, parse_optional_memory());
      put_uleb(out, memory);  // 0 is WebAssembly 2.0's 0x00 byte
      return {};
    }
    case ImmKind::kAtomicFence:
      out->push_back(0x00);
      return {};
    case ImmKind::kMemoryCopy: {
      uint32_t dst = 0;
      uint32_t src = 0;
      if (at_index()) {
        WS_ASSIGN(dst, parse_index(Space::kMemory));
        WS_ASSIGN(src, parse_index(Space::kMemory));
      }
      put_uleb(out, dst);
      put_uleb(out, src);
      return {};
    }
    case ImmKind::kI32:
      return put_int_const(32, out);
    case ImmKind::kI64:
      return put_int_const(64, out);
    case ImmKind::kF32:
      return put_float_const(false, out);
    case ImmKind::kF64:
      return put_float_const(true, out);
    case ImmKind::kV128:
      return parse_v128_const(out);
    case ImmKind::kRefNull: {
      if (is_keyword("noexn") && features_.has(Feature::kExceptions)) {
        next();
        out->push_back(kNoExnHeapType);
        return {};
      }
      WS_ASSIGN(ValType type, parse_heap_type(true));
      put_heap_type(out, type);
      return {};
    }
    case ImmKind::kType: {
      WS_ASSIGN(uint32_t type, parse_index(Space::kType));
      put_uleb(out, type);
      return {};
    }
    case ImmKind::kMemoryInit: {
      // "memory.init $memory? $data".
      uint32_t memory = 0;
      if (at_index() && (peek(1).kind == TokenKind::kId || peek(1).kind == TokenKind::kNumber)) {
        WS_ASSIGN(memory, parse_index(Space::kMemory));
      }
      WS_ASSIGN(uint32_t data, parse_index(Space::kData));
      put_uleb(out, data);
      put_uleb(out, memory);
      module_.uses_data_count = true;
      return {};
    }
    case ImmKind::kTableInit: {
      uint32_t table = 0;
      if (at_index() && (peek(1).kind == TokenKind::kId || peek(1).kind == TokenKind::kNumber)) {
        WS_ASSIGN(table, parse_index(Space::kTable));
      }
      WS_ASSIGN(uint32_t elem, parse_index(Space::kElem));
      put_uleb(out, elem);
      put_uleb(out, table);
      return {};
    }
    case ImmKind::kTableCopy: {
      uint32_t dst = 0;
      uint32_t src = 0;
      if (at_index()) {
        WS_ASSIGN(dst, parse_index(Space::kTable));
        WS_ASSIGN(src, parse_index(Space::kTable));
      }
      put_uleb(out, dst);
      put_uleb(out, src);
      return {};
    }
    case ImmKind::kLane:
      return parse_lane(out);
    case ImmKind::kMemArgLane:
      WS_TRY(parse_memarg(info, out, true));
      return parse_lane(out);
    case ImmKind::kShuffle: {
      int lanes = 0;
      while (is_literal_token(peek(lanes)))
        ++lanes;
      if (lanes != 16) return malformed(at.offset, "invalid lane length");
      for (int i = 0; i < lanes; ++i) {
        uint64_t lane = 0;
        const Token& t = next();
        if (parse_unsigned(t.text, 255, &lane) != NumStatus::kOk) {
          return malformed(t.offset, "malformed lane index");
        }
        out->push_back(static_cast<uint8_t>(lane));
      }
      return {};
    }
  }
  return {};
}

Result<uint32_t> Parser::parse_optional_memory() {
  if (!at_index()) return uint32_t{0};
  return parse_index(Space::kMemory);
}

Result<void> Parser::parse_memarg(const OpInfo& info, Bytes* out, bool lane_follows) {
  uint64_t offset = 0;
  uint64_t align = info.arg;
  uint32_t memory = 0;
  if (at_index()) {
    const Token& after = peek(1);
    const bool memarg_follows =
        after.kind == TokenKind::kNumber ||
        (after.kind == TokenKind::kKeyword &&
         (after.text.starts_with("offset=") || after.text.starts_with("align=")));
    if (!lane_follows || peek().kind == TokenKind::kId || memarg_follows) {
      WS_ASSIGN(memory, parse_index(Space::kMemory));
    }
  }
  if (peek().kind == TokenKind::kKeyword && peek().text.substr(0, 7) == "offset=") {
    const Token& t = next();
    // memory64: a u64 (the validator bounds a 32-bit memory's offset).
    const bool wide = features_.has(Feature::kMemory64);
    switch (parse_unsigned(t.text.substr(7), wide ? UINT64_MAX : UINT32_MAX, &offset)) {
      case NumStatus::kOk:
        break;
      case NumStatus::kSyntax:
        return malformed(t.offset, "unknown operator");
      case NumStatus::kOutOfRange:
        return malformed(t.offset, wide ? "i64 constant out of range" : "i32 constant out of range");
    }
  }
  if (peek().kind == TokenKind::kKeyword && peek().text.substr(0, 6) == "align=") {
    const Token& t = next();
    const bool wide = features_.has(Feature::kMemory64);
    switch (parse_unsigned(t.text.substr(6), wide ? UINT64_MAX : UINT32_MAX, &align)) {
      case NumStatus::kOk:
        break;
      case NumStatus::kSyntax:
        return malformed(t.offset, "unknown operator");
      case NumStatus::kOutOfRange:
        return malformed(t.offset, wide ? "i64 constant out of range" : "i32 constant out of range");
    }
    if (align == 0 || !std::has_single_bit(align)) {
      return malformed(t.offset, "alignment must be a power of two");
    }
  }
  const auto flags = static_cast<uint64_t>(std::countr_zero(align == 0 ? uint64_t{1} : align));
  if (memory != 0) {
    // Multi-memory: bit 6 of the flags says a memory index follows them.
    put_uleb(out, flags | 0x40);
    put_uleb(out, memory);
  } else {
    put_uleb(out, flags);
  }
  put_uleb(out, offset);
  return {};
}

Result<void> Parser::parse_lane(Bytes* out) {
  const Token& t = peek();
  if (t.kind != TokenKind::kNumber) return unexpected();
  uint64_t lane = 0;
  switch (parse_unsigned(t.text, 255, &lane)) {
    case NumStatus::kOk:
      break;
    case NumStatus::kSyntax:
      return unexpected();
    case NumStatus::kOutOfRange:
      return malformed(t.offset, "malformed lane index");
  }
  next();
  out->push_back(static_cast<uint8_t>(lane));
  return {};
}

Result<void> Parser::put_int_const(unsigned bits, Bytes* out) {
  const Token& t = peek();
  if (t.kind != TokenKind::kNumber) return bad_literal(t);
  uint64_t value = 0;
  switch (parse_int(t.text, bits, &value)) {
    case NumStatus::kOk:
      break;
    case NumStatus::kSyntax:
      return bad_literal(t);
    case NumStatus::kOutOfRange:
      return malformed(t.offset, "constant out of range");
  }
  next();
  if (bits == 32) {
    put_sleb(out, static_cast<int32_t>(static_cast<uint32_t>(value)));
  } else {
    put_sleb(out, static_cast<int64_t>(value));
  }
  return {};
}

Result<void> Parser::put_float_const(bool is_f64, Bytes* out) {
  const Token& t = peek();
  if (t.kind != TokenKind::kNumber && t.kind != TokenKind::kKeyword) return bad_literal(t);
  NumStatus status;
  uint64_t bits = 0;
  if (is_f64) {
    status = parse_f64(t.text, &bits);
  } else {
    uint32_t bits32 = 0;
    status = parse_f32(t.text, &bits32);
    bits = bits32;
  }
  if (status == NumStatus::kSyntax) return bad_literal(t);
  if (status == NumStatus::kOutOfRange) return malformed(t.offset, "constant out of range");
  next();
  put_le(bits, is_f64 ? 8 : 4, out);
  return {};
}

Result<void> Parser::parse_v128_const(Bytes* out) {
  const Token& shape = peek();
  if (shape.kind != TokenKind::kKeyword) return unexpected();
  struct Shape {
    std::string_view name;
    int lanes;
    unsigned lane_bits;
    bool is_float;
  };
  static constexpr Shape kShapes[] = {
      {"i8x16", 16, 8, false}, {"i16x8", 8, 16, false}, {"i32x4", 4, 32, false},
      {"i64x2", 2, 64, false}, {"f32x4", 4, 32, true},  {"f64x2", 2, 64, true},
  };
  const Shape* found = nullptr;
  for (const Shape& candidate : kShapes) {
    if (candidate.name == shape.text) found = &candidate;
  }
  if (found == nullptr) return bad_literal(shape);
  const auto [name, lanes, lane_bits, is_float] = *found;
  next();
  int literals = 0;
  while (is_literal_token(peek(literals)))
    ++literals;
  if (literals != lanes) return malformed(shape.offset, "wrong number of lane literals");
  for (int i = 0; i < lanes; ++i) {
    const Token& t = peek();
    NumStatus status;
    uint64_t bits = 0;
    if (is_float && lane_bits == 32) {
      uint32_t bits32 = 0;
      status = parse_f32(t.text, &bits32);
      bits = bits32;
    } else if (is_float) {
      status = parse_f64(t.text, &bits);
    } else {
      status = parse_int(t.text, lane_bits, &bits);
    }
    if (status == NumStatus::kSyntax) return bad_literal(t);
    if (status == NumStatus::kOutOfRange) return malformed(t.offset, "constant out of range");
    next();
    put_le(bits, lane_bits / 8, out);
  }
  return {};
}

}  // namespace wasmscope::internal
