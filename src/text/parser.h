// The text-format parser's private interface, shared by {parser.cc} (module fields) and
// {instr_parser.cc} (instructions and expressions). Not used outside src/text.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "wasmscope/result.h"
#include "wasmscope/features.h"
#include "spec/opcodes.h"
#include "wasmscope/types.h"
#include "text/encoder.h"
#include "text/lexer.h"

namespace wasmscope::internal {

/// The index spaces identifiers name (labels and locals live in {FuncContext}).
enum class Space : uint8_t { kFunc, kTable, kMemory, kGlobal, kType, kElem, kData, kTag, kCount };

/// Identifiers bound in one index space, and how many entries the space has.
struct IdSpace {
  std::unordered_map<std::string_view, uint32_t> ids;
  uint32_t count = 0;
};

/// What a function body's instructions may refer to besides module-level names.
struct FuncContext {
  std::unordered_map<std::string_view, uint32_t> locals;
  std::vector<std::string_view> labels;  ///< Innermost last; "" for an unnamed label.
  /// The function's branch hints; null outside function bodies (constant expressions).
  std::vector<TextBranchHint>* branch_hints = nullptr;
};

/// One open instruction of the nesting {Parser::parse_instrs} tracks without recursing.
struct Nesting {
  enum class Kind : uint8_t {
    kFlatBlock,    ///< "block", "loop" or "if" awaiting its "end".
    kFoldedPlain,  ///< "(op imm*" awaiting its operands and ")"; {pending} is the op.
    kFoldedBlock,  ///< "(block ..." or "(loop ...", awaiting ")".
    kIfCondition,  ///< "(if ..." before "(then"; {pending} is the "if blocktype" bytes.
    kIfThen,       ///< Inside "(then ...".
    kIfElse,       ///< Inside "(else ...".
    kTryDo,        ///< Inside the "(do ..." of a folded legacy "try".
    kTryCatch,     ///< Inside a "(catch $t ..." of a folded legacy "try".
    kTryCatchAll,  ///< Inside the "(catch_all ..." of a folded legacy "try".
  };
  Kind kind = Kind::kFlatBlock;
  bool is_if = false;           ///< kFlatBlock.
  bool else_seen = false;       ///< kFlatBlock.
  bool is_try = false;          ///< kFlatBlock: a legacy "try", taking "catch" and "delegate".
  bool catch_seen = false;      ///< kFlatBlock try: some "catch" or "catch_all" came.
  bool catch_all_seen = false;  ///< kFlatBlock try: its "catch_all" came; no clause may follow.
  std::string_view label;       ///< kIfCondition: the label bound once "(then" starts.
  Bytes pending;
  int branch_hint = -1;  ///< kIfCondition, kFoldedPlain (br_if): the hint byte, if any.
};

/// A parsed {typeuse}: an optional explicit index and the inline signature.
struct TypeUse {
  bool has_index = false;
  uint32_t index = 0;
  bool has_inline = false;  ///< Some (param) or (result) was written.
  FuncType sig;
  std::vector<std::string_view> param_ids;      ///< "" for unnamed parameters.
  std::map<uint32_t, std::string> param_names;  ///< From {@name} annotations, by index.
};

/// Parses one module from its tokens. Two passes over the fields: {collect_ids} binds every
/// identifier and reads the explicit (type) definitions, so that fields may refer forward and
/// implicit types are appended after all explicit ones; then each field is parsed into
/// {module_}, which {encode_module} lays out. Instructions are parsed without recursion.
/// Known annotations ({annotations_}) are claimed where pass two finds them at a place that
/// gives them a meaning (see annotations.cc); any left over is misplaced.
class Parser {
 public:
  Parser(std::vector<Token> tokens, std::vector<Annotation> annotations, Features features)
      : tokens_(std::move(tokens)),
        annotations_(std::move(annotations)),
        claimed_(annotations_.size(), false),
        features_(features) {}

  /// The binary encoding of the module, or the first malformedness found.
  Result<Bytes> parse(bool emit_names);

 private:
  /// Most blocks and folded instructions open at once; deeper text is malformed.
  static constexpr size_t kMaxDepth = 10000;

  // ---- Tokens (parser.cc).
  /// The token {ahead} positions on (the final kEof past the end).
  const Token& peek(size_t ahead = 0) const;
  /// Consumes the current token (never moves past kEof).
  const Token& next() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }
  /// True when the tokens {ahead} on are "(" {keyword}.
  bool is_lparen_keyword(std::string_view keyword, size_t ahead = 0) const;
  bool is_keyword(std::string_view keyword, size_t ahead = 0) const;
  /// "unexpected token" at {t} (or "unknown operator" for a reserved token).
  Error unexpected(const Token& t) const;
  Error unexpected() const { return unexpected(peek()); }
  /// The error for {t} where a literal or index was expected.
  Error bad_literal(const Token& t) const;
  Result<void> expect_lparen();
  Result<void> expect_rparen();
  Result<void> expect_keyword(std::string_view keyword);
  Result<std::string> parse_string();
  /// A string that must be valid UTF-8 (import and export names).
  Result<std::string> parse_name();
  Result<uint32_t> parse_u32();
  Result<uint64_t> parse_unsigned_up_to(uint64_t max);
  /// memory64: an optional address type before limits; true for i64.
  bool parse_address_type();
  /// Skips the balanced form starting at the current "(".
  Result<void> skip_sexpr();

  // ---- Annotations (annotations.cc).
  /// The unclaimed annotations {id} just before the current token, now claimed.
  std::vector<const Annotation*> take_annotations(std::string_view id);
  /// At module level between fields: the {@custom} annotations here become custom sections.
  Result<void> take_custom_annotations();
  Result<TextCustom> parse_custom_annotation(const Annotation& annotation) const;
  /// The name of an {@name} annotation here, if any; {what} ("module", "function", "local")
  /// words the error for several.
  Result<std::optional<std::string>> take_name_annotation(const char* what);
  /// The hint byte of a {@metadata.code.branch_hint} here, or -1; none outside functions.
  Result<int> take_branch_hint(const FuncContext* ctx);
  Result<uint8_t> parse_branch_hint(const Annotation& annotation) const;
  /// Records hint {hint} (if not -1) for the instruction about to be written at the end of
  /// {out}.
  static void note_branch_hint(FuncContext* ctx, int hint, const Bytes& out);
  /// After the parse: the first annotation nothing claimed, as the error it is.
  Result<void> check_unclaimed_annotations();

  // ---- Module fields (parser.cc).
  /// Pass one: binds the identifiers of every field and reads the (type) fields.
  Result<void> collect_ids();
  /// The (type) fields of pass one: binds every type identifier, then reads the types, so
  /// that their references (typed function references) may name any of them.
  Result<void> collect_types();
  /// Adds an entry to {space}, named by {id} when it is an identifier.
  Result<void> bind_id(Space space, const Token& id);
  /// Pass two: one field, from its "(" to its ")".
  Result<void> parse_field();
  Result<void> parse_import_field();
  Result<void> parse_func_field();
  Result<void> parse_table_field();
  /// The "(elem ...)" of "(table reftype (elem ...))": an active segment of {type} at offset 0
  /// of table {table} ({is64}: an i64 offset).
  Result<TextElem> parse_inline_elem(ValType type, uint32_t table, bool is64);
  Result<void> parse_memory_field();
  Result<void> parse_global_field();
  Result<void> parse_export_field();
  Result<void> parse_start_field();
  Result<void> parse_elem_field();
  Result<void> parse_data_field();
  /// "(tag $id? (export ...)* (import ...)? typeuse)" (exception handling).
  Result<void> parse_tag_field();
  /// Imports must precede every function, table, memory, global and tag definition.
  Result<void> note_import(const Token& at);
  void note_definition(const char* kind);
  /// The names of "(export "name")" abbreviations at the current position.
  Result<std::vector<std::string>> parse_inline_exports();
  void add_exports(const std::vector<std::string>& names, ExternKind kind, uint32_t index);
  /// An "(import "m" "f")" abbreviation, if present; true when it was.
  Result<bool> parse_inline_import(std::string* module, std::string* field);
  /// The start table, memory and global fields share: an optional identifier, inline exports
  /// (of the field's index, stored in {*index}) and an inline import whose type {parse_type}
  /// reads. True when the field was an import, then parsed to its closing paren.
  template <class ParseType>
  Result<bool> parse_field_head(ExternKind kind, size_t defined_count, uint32_t* index,
                                ParseType parse_type);
  /// "(func (param ...)* (result ...)*)" in a (type) field.
  Result<FuncType> parse_func_type();
  Result<ValType> parse_valtype();
  Result<ValType> parse_reftype();
  /// "(ref null? heaptype)", at its "(". Non-null references and concrete heap types need
  /// typed function references ({Feature::kFuncRefs}).
  Result<ValType> parse_ref_form();
  /// A heap type: func, extern, exn, noexn (as exn) or a type index ("$t" or N, with
  /// {Feature::kFuncRefs}), as a reference type that is {nullable}. Garbage collection's heap
  /// types are an "unsupported" error.
  Result<ValType> parse_heap_type(bool nullable);
  Result<Limits> parse_limits();
  Result<TableType> parse_table_type();
  Result<MemoryType> parse_memory_type();
  Result<GlobalType> parse_global_type();
  /// "(local ...)*", binding local names from {*next_local} on.
  Result<void> parse_locals(TextFunc* func, FuncContext* ctx, uint32_t* next_local);
  /// "(offset expr)" or its abbreviation, one folded instruction.
  Result<Bytes> parse_offset();
  /// "reftype elemexpr*", "func funcidx*", or (when allowed) bare "funcidx*".
  Result<void> parse_elem_list(TextElem* elem, bool allow_bare_indices);
  /// "(item expr)" or its abbreviation, one folded instruction.
  Result<void> parse_elem_item(TextElem* elem);
  Result<std::string> parse_data_strings();

  // ---- Types and indices (parser.cc).
  /// "(type x)? (param ...)* (result ...)*"; names on params only if {allow_param_ids}.
  Result<TypeUse> parse_type_use(bool allow_param_ids);
  /// The type index {use} denotes: its explicit index (which must agree with an inline
  /// signature) or the first type equal to the inline signature, appended if there is none.
  Result<uint32_t> resolve_type_use(const TypeUse& use, const Token& at);
  uint32_t find_or_add_type(const FuncType& sig);
  uint32_t add_type(FuncType sig);
  /// True when the current token can be an index: a number or an identifier.
  bool at_index() const;
  Result<uint32_t> parse_index(Space space);
  Result<uint32_t> lookup(Space space, const Token& t) const;

  // ---- Instructions (instr_parser.cc).
  /// A constant expression: instr* then {end}.
  Result<void> parse_expr(Bytes* out);
  /// {instr*} up to a ")" or the end; with {single}, exactly one folded instruction.
  Result<void> parse_instrs(FuncContext* ctx, Bytes* out, bool single = false);
  Result<void> parse_folded(FuncContext* ctx, Bytes* out) { return parse_instrs(ctx, out, true); }
  /// At "(": opens a folded instruction, or the "(then" of an open folded "if".
  Result<void> open_folded(std::vector<Nesting>* stack, FuncContext* ctx, Bytes* out);
  /// At ")": closes the innermost folded instruction (or clause) on {stack}.
  Result<void> close_paren(std::vector<Nesting>* stack, FuncContext* ctx, Bytes* out);
  /// At a keyword in an instruction sequence: "block"/"loop"/"if", "else", "end" or plain.
  Result<void> parse_flat_keyword(std::vector<Nesting>* stack, FuncContext* ctx, Bytes* out);
  /// The opcode, optional label and block type of "block", "loop" or "if"; binds the label.
  Result<void> parse_block_header(Op op, FuncContext* ctx, Bytes* out);
  Result<void> parse_block_type(Bytes* out);
  /// The optional label after "end" or "else", which must repeat the block's.
  Result<void> parse_end_label(FuncContext* ctx);
  /// try_table's "(catch $t $l)*" ... clauses, as the count and the clauses; their labels
  /// are resolved in {ctx} before the try_table's own label is bound.
  Result<void> parse_catch_clauses(FuncContext* ctx, Bytes* out);
  /// The legacy "catch $t", "catch_all" or "delegate $l" of the flat "try" atop {stack}.
  Result<void> parse_flat_handler(const Token& keyword, std::vector<Nesting>* stack,
                                  FuncContext* ctx, Bytes* out);
  /// After a clause of the folded legacy "try" atop {stack} closed: the next "(catch",
  /// "(catch_all" or "(delegate" clause, or the try's ")".
  Result<void> continue_folded_try(std::vector<Nesting>* stack, FuncContext* ctx, Bytes* out);
  /// {op} if its feature is enabled, else the "unknown operator" error at {keyword}.
  Result<void> require_enabled(Op op, const Token& keyword) const;
  /// A plain instruction named by {keyword}, with its immediates.
  Result<void> parse_plain(const Token& keyword, FuncContext* ctx, Bytes* out);
  /// The immediates of {op}, as its {ImmKind} says.
  Result<void> parse_immediates(Op op, const Token& at, FuncContext* ctx, Bytes* out);
  Result<uint32_t> parse_label(FuncContext* ctx);
  Result<uint32_t> parse_local(FuncContext* ctx);
  /// "offset=N"? "align=N"?; the alignment defaults to the access size.
  /// "memidx? offset=N? align=N?"; {lane_follows}: a lane index comes next, so a lone
  /// number is the lane, not a memory.
  Result<void> parse_memarg(const OpInfo& info, Bytes* out, bool lane_follows = false);
  /// An optional memory index (multi-memory), 0 when absent.
  Result<uint32_t> parse_optional_memory();
  Result<void> parse_lane(Bytes* out);
  Result<void> parse_v128_const(Bytes* out);
  /// The "(result t*)*" of a typed select, as a vector of value types.
  Result<void> parse_select_types(Bytes* out);
  Result<void> put_int_const(unsigned bits, Bytes* out);
  Result<void> put_float_const(bool is_f64, Bytes* out);
  bool op_enabled(const OpInfo& info) const;

  std::vector<Token> tokens_;
  std::vector<Annotation> annotations_;  ///< In text order, so by {token_index}.
  std::vector<bool> claimed_;            ///< Per annotation: given a meaning.
  /// Token ranges [first, last) of the function fields, for branch hints nothing claimed.
  std::vector<std::pair<size_t, size_t>> func_ranges_;
  size_t pos_ = 0;
  Features features_;
  TextModule module_;
  IdSpace spaces_[static_cast<int>(Space::kCount)];
  /// Signature (see {signature_key}) to the first type index with it.
  std::unordered_map<std::string, uint32_t> type_lookup_;
  /// "function", "table", ... once a definition (not an import) has been seen.
  const char* first_definition_ = nullptr;
  uint32_t import_counts_[5] = {};  ///< Imports per {ExternKind}.
};

}  // namespace wasmscope::internal
