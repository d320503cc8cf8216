// Private to the validator: the module-wide context every check looks things up in, and the
// pieces {validate_module} assembles (constant expressions, function bodies).
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "wasmscope/result.h"
#include "binary/instr_reader.h"
#include "binary/module.h"
#include "wasmscope/features.h"
#include "spec/opcodes.h"
#include "wasmscope/types.h"
#include "validate/validator.h"

namespace wasmscope::internal::validate_internal {

/// The type of an operand the polymorphic stack (after {unreachable}, {br}, ...) makes up: it
/// matches every type. Never a binary encoding of a real type.
inline constexpr ValType kUnknownType = static_cast<ValType>(0);

/// A read-only view of a sequence of value types (a block's or function's params or results).
struct TypeList {
  const ValType* data = nullptr;
  uint32_t size = 0;

  static TypeList of(const std::vector<ValType>& types) {
    return {types.data(), static_cast<uint32_t>(types.size())};
  }
  ValType operator[](uint32_t i) const { return data[i]; }
  bool operator==(const TypeList& other) const;
};

/// The type a signature letter of {opcodes.def} stands for (i l f d v).
ValType type_of_letter(char letter);

/// A one-element {TypeList} holding {type}, backed by static storage.
TypeList single_type(ValType type);

/// "unknown global 3": the spec interpreter's wording for a missing index.
Error unknown(uint32_t offset, const char* what, uint32_t index);
/// "i8x16.add requires the simd feature".
Error feature_disabled(uint32_t offset, const OpInfo& info);
/// The stack-typing error, "type mismatch".
Error type_mismatch(uint32_t offset);

/// The module's index spaces (imports first) and the other facts that checks look up. Built
/// once per module; {declared_funcs} grows while globals, elements and exports are checked.
struct ModuleContext {
  ModuleContext(const Module& m, Features f);

  const Module& module;
  Features features;
  std::vector<uint32_t> func_types;     ///< Type index of each function.
  std::vector<TableType> tables;        ///< Every table.
  std::vector<GlobalType> globals;      ///< Every global.
  std::vector<uint32_t> tag_types;      ///< Type index of each tag (exception handling).
  std::vector<uint8_t> declared_funcs;  ///< C.refs: 1 where a function may be {ref.func}'d.
  uint32_t memory_count = 0;
  uint32_t data_count = 0;  ///< Data segments memory.init / data.drop may name.
  AddressTypes addr;        ///< memory64: which memories and tables take i64 addresses.
  /// Per type index: an id equal for equivalent types (typed function references).
  std::vector<uint32_t> type_canon;

  /// Subtyping: whether a value of {sub} is a {super}. {kUnknownType} matches everything.
  bool matches(ValType sub, ValType super) const;

  const FuncType& func_type(uint32_t func) const { return module.types[func_types[func]]; }
  uint32_t func_count() const { return static_cast<uint32_t>(func_types.size()); }
  uint32_t table_count() const { return static_cast<uint32_t>(tables.size()); }
  uint32_t global_count() const { return static_cast<uint32_t>(globals.size()); }
  uint32_t elem_count() const { return static_cast<uint32_t>(module.elems.size()); }
  uint32_t type_count() const { return static_cast<uint32_t>(module.types.size()); }
  uint32_t tag_count() const { return static_cast<uint32_t>(tag_types.size()); }
};

/// Checks that {type} may be used with the enabled features (v128 needs simd, references
/// need reference-types), wherever a value type appears: function types, globals, locals and
/// block types.
/// A concrete heap type must name a type below {type_limit} (in the type section: the type
/// itself or an earlier one) and below the type count.
Result<void> check_valtype(const ModuleContext& ctx, uint32_t offset, ValType type,
                           uint32_t type_limit = UINT32_MAX);

/// Checks that {expr} is a constant expression producing exactly one {expected}. Marks the
/// functions it names with {ref.func} as declared in {ctx}. With extended constants,
/// {global.get} may also name the first {defined_globals_visible} defined globals (those
/// before the global being initialized; all of them in a segment).
Result<void> validate_const_expr(ModuleContext* ctx, const ConstExpr& expr, ValType expected,
                                 uint32_t defined_globals_visible = UINT32_MAX);

/// Validates function bodies one after another, reusing its stacks' storage across them.
class FunctionValidator {
 public:
  explicit FunctionValidator(const ModuleContext& ctx) : ctx_(ctx) {}

  /// Validates defined function {defined_index} and fills {facts}.
  Result<void> validate(uint32_t defined_index, FunctionFacts* facts);

 private:
  /// kTry, kCatch, kCatchAll: legacy exception handling's try body and its handlers (a
  /// try_table is a kBlock).
  enum class FrameKind : uint8_t { kFunction, kBlock, kLoop, kIf, kElse, kTry, kCatch, kCatchAll };

  struct ControlFrame {
    FrameKind kind = FrameKind::kBlock;
    bool unreachable = false;
    TypeList params;
    TypeList results;
    uint32_t height = 0;  ///< Operand stack height at entry (below the params).
    uint32_t span = 0;    ///< Index into {FunctionFacts::blocks}; unused for kFunction.
    uint32_t init_height = 0;  ///< {init_log_}'s size at entry: locals set inside come after.
    /// The types a branch to this frame carries.
    TypeList label_types() const { return kind == FrameKind::kLoop ? params : results; }
  };

  Result<void> init_locals(const Function& func, const FuncType& type, FunctionFacts* facts);
  Result<void> step(const Instr& instr);
  Result<void> check_fixed(const Instr& instr, const OpInfo& info);
  Result<void> check_immediates(const Instr& instr, const OpInfo& info);
  Result<void> check_memarg(const Instr& instr, const OpInfo& info);
  Result<void> block_types(const Instr& instr, TypeList* params, TypeList* results);
  Result<void> enter_block(const Instr& instr, FrameKind kind);
  Result<void> do_else(const Instr& instr);
  Result<void> do_end(const Instr& instr);
  Result<void> do_br(const Instr& instr);
  Result<void> do_br_if(const Instr& instr);
  Result<void> do_br_table(const Instr& instr);
  Result<void> do_call(const Instr& instr, uint32_t type_index, bool tail);
  Result<void> do_call_indirect(const Instr& instr, bool tail);
  Result<void> do_select(const Instr& instr);
  Result<void> do_select_t(const Instr& instr);
  Result<void> do_local(const Instr& instr);
  Result<void> do_global(const Instr& instr);
  Result<void> do_table(const Instr& instr);
  Result<void> do_ref(const Instr& instr);
  Result<void> do_try_table(const Instr& instr);
  Result<void> do_catch(const Instr& instr);
  Result<void> do_delegate(const Instr& instr);
  Result<void> do_throw(const Instr& instr);
  Result<void> do_rethrow(const Instr& instr);
  Result<void> do_call_ref(const Instr& instr, bool tail);
  Result<void> do_br_on_null(const Instr& instr);
  /// Pops {sub} (last first) checking each against {super} by subtyping.
  bool pop_matching(TypeList types);
  /// Whether {sub} matches {super} element by element.
  bool all_match(TypeList sub, TypeList super) const;
  /// Pushes and pops a control frame, keeping the locals' initialization in step.
  void push_control(const ControlFrame& frame);
  void reset_inits(uint32_t height);
  Result<void> label(const Instr& instr, uint32_t depth, const ControlFrame** frame) const;
  Result<void> table(const Instr& instr, uint32_t index, ValType* elem) const;

  ValType local_type(uint32_t index) const;

  // Operand stack primitives; false means "type mismatch" (the caller knows the offset).
  void push(ValType type) {
    operands_.push_back(type);
    if (operands_.size() > max_height_) max_height_ = static_cast<uint32_t>(operands_.size());
  }
  void push_all(TypeList types) {
    for (uint32_t i = 0; i < types.size; ++i)
      push(types[i]);
  }
  /// Pops one operand of any type into {actual} ({kUnknownType} under a polymorphic stack).
  bool pop_any(ValType* actual);
  /// Pops one operand that must match {expected}; {actual} receives what was popped.
  bool pop(ValType expected, ValType* actual = nullptr);
  /// Pops {types} (last first).
  bool pop_all(TypeList types);
  /// Makes the rest of the current block unreachable: drops its operands, stack polymorphic.
  void set_unreachable();

  const ModuleContext& ctx_;
  const FuncType* func_type_ = nullptr;
  FunctionFacts* facts_ = nullptr;
  std::vector<ValType> operands_;
  std::vector<ControlFrame> controls_;
  std::vector<ValType> scratch_;
  // Local types: expanded when few, otherwise found by binary search over run ends.
  std::vector<ValType> local_types_;
  std::vector<uint32_t> run_ends_;
  std::vector<ValType> run_types_;
  // Non-nullable locals (typed function references): which, whether set, and the undo log of
  // those set since each open block began (positions into {nd_locals_}).
  std::vector<uint32_t> nd_locals_;
  std::vector<uint8_t> nd_set_;
  std::vector<uint32_t> init_log_;
  /// Storage for block types of one typed reference (single_type has only the short forms).
  std::deque<ValType> block_type_store_;
  uint32_t local_count_ = 0;
  uint32_t max_height_ = 0;
  uint32_t max_depth_ = 0;
  Instr instr_;
};

}  // namespace wasmscope::internal::validate_internal
