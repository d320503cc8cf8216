// Translation from validated wasm bodies to register-style internal code.
//
// Every value on the wasm operand stack has a fixed home slot in the frame (its "canonical"
// slot: locals first, then one slot per stack position, two for v128), so stack pushes and pops
// disappear at translation time. Three rewrites keep the code short:
//  - {local.get} pushes an alias of the local's slot instead of copying it; an alias is copied
//    to its canonical slot only when that local is about to change, or at a block boundary;
//  - {local.set} after an instruction that just produced the value retargets that
//    instruction's destination to the local, so no copy is emitted;
//  - a compare followed by {br_if} or {if} becomes one compare-and-branch instruction.
#include "engine/translate.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "base/stable_sort.h"
#include "binary/instr_reader.h"
#include "engine/iops.h"

namespace wasmscope::internal {
namespace {

constexpr uint32_t kNone = UINT32_MAX;

uint32_t width(ValType t) { return t == ValType::kV128 ? 2 : 1; }

/// One operand-stack value: where it is now ({slot}) and where it lives when materialized.
struct Entry {
  ValType type;
  uint32_t slot;
  uint32_t canon;
  bool alias() const { return slot != canon; }
};

/// A forward branch waiting for its target: the operand to patch and its instruction's start.
struct Patch {
  uint32_t operand;
  uint32_t instr;
};

struct Ctrl {
  Op kind = Op::Block;
  std::vector<ValType> params;
  std::vector<ValType> results;
  uint32_t height = 0;      ///< Stack entries below the block's parameters.
  uint32_t slot_base = 0;   ///< Canonical slot of the first parameter/result.
  uint32_t loop_start = 0;  ///< Word index of a loop's first instruction.
  std::vector<Patch> forward;
  Patch else_patch{kNone, kNone};
  bool unreachable = false;
  /// try_table and legacy try: the index of its {ExceptionHandler} in the function.
  uint32_t handler = kNone;
  /// Clauses (handler, clause) that continue at this block's end, set when it is bound.
  std::vector<std::pair<uint32_t, uint32_t>> handler_patches;
  /// Legacy try: how many legacy trys enclose it (its hidden exception slot's index).
  uint32_t legacy_level = 0;
};

class FunctionTranslator {
 public:
  FunctionTranslator(const CompiledModule& cm, const void* const* handlers, Features features)
      : m_(cm.module), handlers_(handlers), features_(features) {
    for (const Import& imp : m_.imports) {
      if (imp.kind == ExternKind::kFunc) func_type_indices_.push_back(imp.func_type);
      if (imp.kind == ExternKind::kGlobal) global_types_.push_back(imp.global.type);
      if (imp.kind == ExternKind::kTable) table_types_.push_back(imp.table.elem);
    }
    for (const Function& f : m_.functions) func_type_indices_.push_back(f.type);
    for (const Global& g : m_.globals) global_types_.push_back(g.type.type);
    for (const TableType& t : m_.tables) table_types_.push_back(t.elem);
    addr_ = address_types(m_);
  }

  Result<void> run(uint32_t defined_index, CompiledFunc* out);
  Result<void> run_pass(uint32_t defined_index, CompiledFunc* out);

 private:
  // --- emission ---
  Result<void> begin(unsigned handler) {
    const void* address = handlers_[handler];
    if (address == nullptr) {
      return Error{ErrorKind::kUnsupported, instr_.offset,
                   std::string("instruction not supported by the interpreter yet: ") +
                       std::string(op_info(instr_.op).text)};
    }
    instr_start_ = static_cast<uint32_t>(code_->size());
    operand_count_ = 0;
    code_->push_back(reinterpret_cast<uintptr_t>(address));
    scratch_pc_map_.push_back({instr_start_, instr_.offset});
    last_.valid = false;
    return {};
  }
  uint32_t operand(uint32_t value) {
    if (operand_count_ % 2 == 0) code_->push_back(0);
    const uint32_t position = (instr_start_ + 1) * 2 + operand_count_++;
    patch(position, value);
    return position;
  }
  void patch(uint32_t position, uint32_t value) {
    std::memcpy(reinterpret_cast<uint32_t*>(code_->data()) + position, &value, 4);
  }
  uint32_t here() const { return static_cast<uint32_t>(code_->size()); }
  /// Emits a branch distance operand to the word {target}, or records a patch if unknown.
  void branch_operand(Ctrl& target) {
    if (target.kind == Op::Loop) {
      operand(target.loop_start - instr_start_);
    } else {
      target.forward.push_back({operand(0), instr_start_});
    }
  }
  void bind(const std::vector<Patch>& patches) {
    for (const Patch& p : patches) patch(p.operand, here() - p.instr);
    last_.valid = false;  // a label: the code before it no longer runs only straight through
  }

  // --- operand stack ---
  uint32_t slot_height() const {
    return stack_.empty() ? stack_base_ : stack_.back().canon + width(stack_.back().type);
  }
  Entry& push(ValType t) {
    const uint32_t s = slot_height();
    stack_.push_back({t, s, s});
    max_slot_ = std::max(max_slot_, s + width(t));
    return stack_.back();
  }
  Entry pop() {
    Entry e = stack_.back();
    stack_.pop_back();
    return e;
  }
  Result<void> emit_copy(uint32_t dst, uint32_t src, ValType t) {
    if (dst == src) return {};
    WS_TRY(begin(handler_index(t == ValType::kV128 ? IOp::Copy2 : IOp::Copy)));
    operand(dst);
    operand(src);
    return {};
  }
  Result<void> materialize(Entry& e) {
    if (!e.alias()) return {};
    WS_TRY(emit_copy(e.canon, e.slot, e.type));
    e.slot = e.canon;
    return {};
  }
  Result<void> materialize_all() {
    for (Entry& e : stack_) WS_TRY(materialize(e));
    return {};
  }
  Result<void> materialize_top(size_t n) {
    for (size_t i = stack_.size() - n; i < stack_.size(); ++i) WS_TRY(materialize(stack_[i]));
    return {};
  }
  Result<void> materialize_aliases_of(uint32_t slot) {
    for (Entry& e : stack_) {
      if (e.alias() && e.slot == slot) WS_TRY(materialize(e));
    }
    return {};
  }
  bool has_alias_of(uint32_t slot) const {
    for (const Entry& e : stack_) {
      if (e.alias() && e.slot == slot) return true;
    }
    return false;
  }
  /// Copies the top {types.size()} values to the canonical slots starting at {base}.
  Result<void> copy_top_to(const std::vector<ValType>& types, uint32_t base) {
    const size_t n = types.size();
    uint32_t dst = base;
    for (size_t i = stack_.size() - n; i < stack_.size(); ++i) {
      WS_TRY(emit_copy(dst, stack_[i].slot, stack_[i].type));
      dst += width(stack_[i].type);
    }
    return {};
  }
  bool top_is_at(const std::vector<ValType>& types, uint32_t base) const {
    uint32_t dst = base;
    for (size_t i = stack_.size() - types.size(); i < stack_.size(); ++i) {
      if (stack_[i].slot != dst) return false;
      dst += width(stack_[i].type);
    }
    return true;
  }

  // --- control ---
  void block_types(const BlockType& bt, std::vector<ValType>* params,
                   std::vector<ValType>* results) const {
    params->clear();
    results->clear();
    if (bt.kind == BlockType::Kind::kValType) results->push_back(bt.type);
    if (bt.kind == BlockType::Kind::kTypeIndex) {
      *params = m_.types[bt.index].params;
      *results = m_.types[bt.index].results;
    }
  }
  Ctrl& label(uint32_t depth) { return ctrls_[ctrls_.size() - 1 - depth]; }
  const std::vector<ValType>& label_types(const Ctrl& c) const {
    return c.kind == Op::Loop ? c.params : c.results;
  }
  void reset_stack_to(const Ctrl& c, const std::vector<ValType>& types) {
    stack_.resize(c.height);
    for (ValType t : types) push(t);
  }
  void set_unreachable() {
    ctrls_.back().unreachable = true;
    skip_depth_ = 0;
  }

  Result<void> translate_instr();
  Result<void> translate_op();
  Result<void> translate_narrow64(const Narrow64& wide);
  Result<void> translate_memory_index();
  Result<void> translate_fixed();
  Result<void> emit_with_immediate(unsigned handler, const OpInfo& info, bool* folded);
  Result<void> translate_block();
  Result<void> translate_else();
  Result<void> translate_end();
  Result<void> translate_br(uint32_t depth);
  Result<void> translate_br_if(uint32_t depth);
  Result<void> translate_br_on_null(bool on_null, uint32_t depth);
  Result<void> translate_br_table();
  Result<void> translate_return();
  Result<void> translate_call(Op op, uint32_t type_index);
  Result<void> translate_local(Op op);
  Result<void> translate_try_table();
  Result<void> translate_try();
  Result<void> translate_catch();
  Result<void> translate_delegate();
  Result<void> translate_throw();
  void bind_handlers(Ctrl& c);
  uint32_t hidden_slot_operand(uint32_t level) {
    const uint32_t position = operand(level);
    hidden_operands_.push_back(position);
    return position;
  }
  Result<void> emit_return_sequence();
  bool take_fusable_compare(const Entry& cond, Op* compare, uint32_t* a, uint32_t* b);

  const Module& m_;
  // Index spaces (imports first) resolved to what translation needs.
  std::vector<uint32_t> func_type_indices_;
  std::vector<ValType> global_types_;
  std::vector<ValType> table_types_;
  AddressTypes addr_;
  const void* const* handlers_;
  Features features_;
  CompiledFunc* out_ = nullptr;
  std::vector<uint64_t>* code_ = nullptr;
  /// Where a function's code is emitted ({code_}), reused from function to function, then
  /// copied to its exact size: grown by doubling in each function's own vector, SQLite's code
  /// left half-used blocks behind and took many more fresh pages (each a page fault) than it
  /// keeps.
  std::vector<uint64_t> scratch_code_;
  std::vector<PcMapEntry> scratch_pc_map_;  ///< The same for its {pc_map}.
  uint32_t instr_start_ = 0;
  uint32_t operand_count_ = 0;

  Instr instr_;
  std::vector<ValType> local_types_;
  std::vector<uint32_t> local_slots_;
  std::vector<Entry> stack_;
  std::vector<Ctrl> ctrls_;
  uint32_t stack_base_ = 0;
  uint32_t max_slot_ = 0;
  uint32_t skip_depth_ = 0;  ///< Nesting inside unreachable code being skipped.
  /// Legacy exception handling: each enclosing try's caught exception lives in a hidden slot
  /// between the locals and the operands ({hidden_base_} + the try's {Ctrl::legacy_level};
  /// {reserved_hidden_} of them, counted by a first pass); operands naming one are patched
  /// at the end of the pass.
  uint32_t hidden_base_ = 0;
  uint32_t reserved_hidden_ = 0;
  uint32_t legacy_level_ = 0;
  uint32_t hidden_slots_ = 0;
  std::vector<uint32_t> hidden_operands_;
  const FuncType* type_ = nullptr;

  /// The last emitted instruction when it produced the top of stack into a fresh slot.
  struct {
    bool valid = false;
    Op op = Op::Nop;
    uint32_t instr = 0;
    uint32_t dst_operand = 0;
    uint32_t a = 0;
    uint32_t b = 0;
    size_t entry = 0;
    size_t pc_map_size = 0;
    bool b_is_immediate = false;  ///< {b} is an immediate, not a slot: not fusable.
  } last_;
};

Result<void> FunctionTranslator::run(uint32_t defined_index, CompiledFunc* out) {
  reserved_hidden_ = 0;
  WS_TRY(run_pass(defined_index, out));
  if (hidden_slots_ > 0) {
    // Legacy try: the caught exceptions' slots must lie below every operand, since a call
    // places the callee's frame over the caller's slots above its arguments. How many there
    // are is known only now: translate again with them reserved after the locals.
    reserved_hidden_ = hidden_slots_;
    *out = CompiledFunc{};
    WS_TRY(run_pass(defined_index, out));
  }
  return {};
}

Result<void> FunctionTranslator::run_pass(uint32_t defined_index, CompiledFunc* out) {
  out_ = out;
  scratch_code_.clear();
  scratch_pc_map_.clear();
  code_ = &scratch_code_;
  const Function& f = m_.functions[defined_index];
  type_ = &m_.types[f.type];
  out->func_index = m_.imported_funcs + defined_index;

  // An implementation limit (V8's and Wasmtime's), checked before anything is expanded: valid
  // up to 2^32 - 1, but both tiers keep a slot per local, and a function declaring four
  // billion of them (exec_fuzz found one) made this vector ask for 4 GiB.
  if (uint64_t{type_->params.size()} + f.local_count > kMaxFunctionLocals) {
    return Error{ErrorKind::kUnsupported, f.body.begin,
                 "too many locals: " + std::to_string(type_->params.size() + uint64_t{f.local_count}) +
                     ", and wasmscope runs at most " + std::to_string(kMaxFunctionLocals) +
                     " per function"};
  }
  local_types_ = type_->params;
  for (const LocalRun& run : f.locals) local_types_.insert(local_types_.end(), run.count, run.type);
  local_slots_.clear();
  uint32_t slot = 0;
  for (size_t i = 0; i < local_types_.size(); ++i) {
    if (i == type_->params.size()) out->param_slots = slot;
    local_slots_.push_back(slot);
    slot += width(local_types_[i]);
  }
  if (local_types_.size() == type_->params.size()) out->param_slots = slot;
  out->local_slots = slot - out->param_slots;
  for (ValType t : type_->results) out->result_slots += width(t);
  hidden_base_ = slot;
  stack_base_ = slot + reserved_hidden_;
  max_slot_ = std::max(stack_base_, out->result_slots);
  last_.valid = false;

  legacy_level_ = 0;
  hidden_slots_ = 0;
  hidden_operands_.clear();
  ctrls_.clear();
  ctrls_.push_back({});
  ctrls_.back().results = type_->results;
  ctrls_.back().slot_base = stack_base_;
  stack_.clear();

  InstrReader reader(m_.bytes.data(), f.code.begin, f.code.end, features_);
  while (!ctrls_.empty()) {
    WS_TRY(reader.next(&instr_));
    WS_TRY(translate_instr());
  }
  // (The first pass of a function with a legacy try counts its hidden slots, not used.)
  out->frame_slots = max_slot_ + (hidden_slots_ > reserved_hidden_ ? hidden_slots_ : 0);
  if (!out->handlers.empty()) {
    for (uint32_t position : hidden_operands_) {
      uint32_t level;
      std::memcpy(&level, reinterpret_cast<const uint32_t*>(code_->data()) + position, 4);
      patch(position, hidden_base_ + level);
    }
    for (ExceptionHandler& h : out->handlers) {
      if (h.exn_slot != UINT32_MAX) h.exn_slot += hidden_base_;
    }
    // The handlers that contain any one position are nested: deepest first is innermost first.
    internal::stable_sort(out->handlers.begin(), out->handlers.end(),
                          [](const ExceptionHandler& a, const ExceptionHandler& b) {
                            return a.depth > b.depth;
                          });
  }
  out->code.assign(scratch_code_.begin(), scratch_code_.end());
  out->pc_map.assign(scratch_pc_map_.begin(), scratch_pc_map_.end());
  return {};
}

/// The compiled tier has no code for these: it runs a function with any of them (dead code
/// included) in the interpreter.
bool only_interpreted(Op op) {
  const Feature feature = op_info(op).feature;
  return feature == Feature::kExceptions || feature == Feature::kFuncRefs;
}

Result<void> FunctionTranslator::translate_instr() {
  const Op op = instr_.op;
  if (only_interpreted(op)) {
    out_->runs_interpreted = true;
  }
  if (ctrls_.back().unreachable) {
    // Skip dead code, tracking nesting, until the else or end of the current block.
    if (opens_block(op)) {
      ++skip_depth_;
      return {};
    }
    if (skip_depth_ > 0) {
      if (closes_block(op)) --skip_depth_;
      return {};
    }
    if (op != Op::Else && op != Op::Catch && op != Op::CatchAll && !closes_block(op)) return {};
  }
  if (addr_.any) {
    const Narrow64 wide = narrow64_of(instr_, addr_);
    if (!wide.empty()) return translate_narrow64(wide);
  }
  return translate_op();
}

/// memory64: an instruction on a 64-bit memory or table runs as its 32-bit form. Each i64
/// address, index or size operand is narrowed in its own slot first ({Narrow64I}; an access's
/// offset is added there and the access gets offset 0), and an i32 result that is i64 here is
/// widened after. Nothing changes for modules without 64-bit memories and tables.
Result<void> FunctionTranslator::translate_narrow64(const Narrow64& wide) {
  const uint64_t offset = wide.fold_offset ? instr_.mem.offset : 0;
  for (uint32_t k = 0; k < 8; ++k) {
    if (((wide.operands >> k) & 1) == 0 || k >= stack_.size()) continue;
    Entry& e = stack_[stack_.size() - 1 - k];
    WS_TRY(begin(handler_index(IOp::Narrow64I)));
    operand(e.canon);
    operand(e.slot);
    operand(static_cast<uint32_t>(offset));
    operand(static_cast<uint32_t>(offset >> 32));
    e.slot = e.canon;
    e.type = ValType::kI32;
  }
  if (wide.fold_offset) instr_.mem.offset = 0;
  WS_TRY(translate_op());
  if (wide.widen != Narrow64::Widen::kNone && !stack_.empty()) {
    Entry& r = stack_.back();
    WS_TRY(materialize(r));
    WS_TRY(begin(handler_index(wide.widen == Narrow64::Widen::kSignExtend ? Op::I64ExtendI32S
                                                                           : Op::I64ExtendI32U)));
    operand(r.slot);
    operand(r.slot);
    r.type = ValType::kI64;
  }
  return {};
}

Result<void> FunctionTranslator::translate_op() {
  const Op op = instr_.op;
  switch (op) {
    case Op::Nop:
      return {};
    case Op::Unreachable:
      WS_TRY(begin(handler_index(IOp::Unreachable)));
      set_unreachable();
      return {};
    case Op::Block:
    case Op::Loop:
    case Op::If:
      return translate_block();
    case Op::Else:
      return translate_else();
    case Op::End:
      return translate_end();
    case Op::TryTable:
      return translate_try_table();
    case Op::Try:
      return translate_try();
    case Op::Catch:
    case Op::CatchAll:
      return translate_catch();
    case Op::Delegate:
      return translate_delegate();
    case Op::Throw:
    case Op::ThrowRef:
    case Op::Rethrow:
      return translate_throw();
    case Op::Br:
      return translate_br(instr_.index);
    case Op::BrIf:
      return translate_br_if(instr_.index);
    case Op::BrTable:
      return translate_br_table();
    case Op::Return:
      return translate_return();
    case Op::Call:
    case Op::ReturnCall:
      return translate_call(op, kNone);
    case Op::CallIndirect:
    case Op::ReturnCallIndirect:
    case Op::CallRef:
    case Op::ReturnCallRef:
      return translate_call(op, instr_.index);
    case Op::RefAsNonNull: {
      const Entry& v = stack_.back();
      WS_TRY(begin(handler_index(IOp::RefAsNonNullI)));
      operand(v.slot);
      last_.valid = false;
      return {};
    }
    case Op::BrOnNull:
    case Op::BrOnNonNull:
      return translate_br_on_null(op == Op::BrOnNull, instr_.index);
    case Op::Drop:
      pop();
      // Dropping the value the last instruction produced emits nothing, so an entry pushed
      // next (a local.get) would sit where that value was: without this, `i32.const 1;
      // i32.const 2; drop; local.get 0; i32.add` folded the dropped 2 into the add.
      if (last_.entry >= stack_.size()) last_.valid = false;
      return {};
    case Op::Select:
    case Op::SelectT: {
      const Entry cond = pop();
      const Entry b = pop();
      const Entry a = pop();
      const Entry& r = push(a.type);
      WS_TRY(begin(handler_index(a.type == ValType::kV128 ? IOp::Select2 : IOp::Select)));
      const uint32_t dst = operand(r.slot);
      operand(a.slot);
      operand(b.slot);
      operand(cond.slot);
      last_ = {true, op, instr_start_, dst, 0, 0, stack_.size() - 1, scratch_pc_map_.size()};
      return {};
    }
    case Op::LocalGet:
    case Op::LocalSet:
    case Op::LocalTee:
      return translate_local(op);
    case Op::GlobalGet: {
      const ValType type = global_types_[instr_.index];
      const Entry& r = push(type);
      WS_TRY(begin(handler_index(type == ValType::kV128 ? IOp::GlobalGet2 : IOp::GlobalGet)));
      const uint32_t dst = operand(r.slot);
      operand(instr_.index);
      last_ = {true, op, instr_start_, dst, 0, 0, stack_.size() - 1, scratch_pc_map_.size()};
      return {};
    }
    case Op::GlobalSet: {
      const Entry v = pop();
      WS_TRY(begin(handler_index(v.type == ValType::kV128 ? IOp::GlobalSet2 : IOp::GlobalSet)));
      operand(instr_.index);
      operand(v.slot);
      return {};
    }
    case Op::RefNull: {
      const Entry& r = push(instr_.type);
      WS_TRY(begin(handler_index(IOp::Const64)));
      const uint32_t dst = operand(r.slot);
      operand(0);
      operand(0);
      last_ = {true, op, instr_start_, dst, 0, 0, stack_.size() - 1, scratch_pc_map_.size()};
      return {};
    }
    case Op::RefIsNull: {
      const Entry v = pop();
      const Entry& r = push(ValType::kI32);
      WS_TRY(begin(handler_index(IOp::RefIsNullI)));
      const uint32_t dst = operand(r.slot);
      operand(v.slot);
      last_ = {true, op, instr_start_, dst, 0, 0, stack_.size() - 1, scratch_pc_map_.size()};
      return {};
    }
    case Op::RefFunc: {
      const Entry& r = push(ValType::kFuncRef);
      WS_TRY(begin(handler_index(IOp::RefFuncI)));
      const uint32_t dst = operand(r.slot);
      operand(instr_.index);
      last_ = {true, op, instr_start_, dst, 0, 0, stack_.size() - 1, scratch_pc_map_.size()};
      return {};
    }
    case Op::TableGet: {
      const Entry i = pop();
      const ValType type = table_types_[instr_.index];
      const Entry& r = push(type);
      WS_TRY(begin(handler_index(IOp::TableGetI)));
      operand(r.slot);
      operand(i.slot);
      operand(instr_.index);
      return {};
    }
    case Op::TableSet: {
      const Entry v = pop();
      const Entry i = pop();
      WS_TRY(begin(handler_index(IOp::TableSetI)));
      operand(i.slot);
      operand(v.slot);
      operand(instr_.index);
      return {};
    }
    case Op::TableSize: {
      const Entry& r = push(ValType::kI32);
      WS_TRY(begin(handler_index(IOp::TableSizeI)));
      operand(r.slot);
      operand(instr_.index);
      return {};
    }
    case Op::TableGrow: {
      const Entry n = pop();
      const Entry init = pop();
      const Entry& r = push(ValType::kI32);
      WS_TRY(begin(handler_index(IOp::TableGrowI)));
      operand(r.slot);
      operand(init.slot);
      operand(n.slot);
      operand(instr_.index);
      return {};
    }
    case Op::TableFill: {
      const Entry n = pop();
      const Entry v = pop();
      const Entry i = pop();
      WS_TRY(begin(handler_index(IOp::TableFillI)));
      operand(i.slot);
      operand(v.slot);
      operand(n.slot);
      operand(instr_.index);
      return {};
    }
    case Op::TableCopy:
    case Op::TableInit: {
      const Entry n = pop();
      const Entry s = pop();
      const Entry d = pop();
      WS_TRY(begin(handler_index(op == Op::TableCopy ? IOp::TableCopyI : IOp::TableInitI)));
      operand(d.slot);
      operand(s.slot);
      operand(n.slot);
      operand(instr_.index);
      operand(instr_.index2);
      return {};
    }
    case Op::ElemDrop:
      WS_TRY(begin(handler_index(IOp::ElemDropI)));
      operand(instr_.index);
      return {};
    default:
      return translate_memory_index();
  }
}

/// Multi-memory: an instruction on a memory other than 0 runs between two {MemSelectI}s, which
/// point the interpreter's memory registers at that memory and back at memory 0, so that every
/// handler (loads, stores, SIMD, atomics, bulk operations) serves any memory unchanged; a
/// copy between two memories has its own handler. Memory 0 costs nothing extra.
Result<void> FunctionTranslator::translate_memory_index() {
  const uint32_t memory = memory_of(instr_);
  if (instr_.op == Op::MemoryCopy && instr_.index2 != memory) {
    const Entry n = pop();
    const Entry s = pop();
    const Entry d = pop();
    WS_TRY(begin(handler_index(IOp::MemoryCopyMultiI)));
    operand(d.slot);
    operand(s.slot);
    operand(n.slot);
    operand(memory);
    operand(instr_.index2);
    return {};
  }
  if (memory == 0) return translate_fixed();
  WS_TRY(begin(handler_index(IOp::MemSelectI)));
  operand(memory);
  WS_TRY(translate_fixed());
  WS_TRY(begin(handler_index(IOp::MemSelectI)));
  operand(0);
  last_.valid = false;  // the last instruction is the select, not the access
  return {};
}

/// Every instruction whose signature the table fixes: operands are the parameter slots, then
/// the result slot, then the immediates.
Result<void> FunctionTranslator::translate_fixed() {
  const OpInfo& info = op_info(instr_.op);
  if (!has_fixed_signature(info)) {
    return invalid(instr_.offset, std::string("untranslated instruction ") +
                                      std::string(info.text));
  }
  if (const unsigned imm_handler = immediate_form(instr_.op); imm_handler != 0) {
    bool folded = false;
    WS_TRY(emit_with_immediate(imm_handler, info, &folded));
    if (folded) return {};
  }
  uint32_t params[3] = {0, 0, 0};
  const size_t n = info.params.size();
  for (size_t i = n; i-- > 0;) params[i] = pop().slot;
  uint32_t dst_slot = kNone;
  if (!info.results.empty()) {
    static constexpr auto type_of = [](char c) {
      switch (c) {
        case 'i': return ValType::kI32;
        case 'l': return ValType::kI64;
        case 'f': return ValType::kF32;
        case 'd': return ValType::kF64;
        default: return ValType::kV128;
      }
    };
    dst_slot = push(type_of(info.results[0])).slot;
  }
  WS_TRY(begin(handler_index(instr_.op)));
  for (size_t i = 0; i < n; ++i) operand(params[i]);
  uint32_t dst_operand = kNone;
  if (dst_slot != kNone) dst_operand = operand(dst_slot);
  switch (info.imm) {
    case ImmKind::kMemArg:
      operand(instr_.mem.offset);
      break;
    case ImmKind::kMemArgLane:
      operand(instr_.mem.offset);
      operand(instr_.lane);
      break;
    case ImmKind::kLane:
      operand(instr_.lane);
      break;
    case ImmKind::kMemoryInit:
    case ImmKind::kData:
      operand(instr_.index);
      break;
    case ImmKind::kI32:
      operand(static_cast<uint32_t>(instr_.i32));
      break;
    case ImmKind::kF32:
      operand(instr_.f32_bits);
      break;
    case ImmKind::kI64:
    case ImmKind::kF64: {
      const uint64_t bits = info.imm == ImmKind::kI64 ? static_cast<uint64_t>(instr_.i64)
                                                       : instr_.f64_bits;
      operand(static_cast<uint32_t>(bits));
      operand(static_cast<uint32_t>(bits >> 32));
      break;
    }
    case ImmKind::kV128:
    case ImmKind::kShuffle:
      for (int i = 0; i < 4; ++i) {
        uint32_t word;
        std::memcpy(&word, instr_.v128 + 4 * i, 4);
        operand(word);
      }
      break;
    default:
      break;
  }
  if (dst_operand != kNone) {
    last_ = {true, instr_.op, instr_start_, dst_operand, n > 0 ? params[0] : 0,
             n > 1 ? params[1] : 0, stack_.size() - 1, scratch_pc_map_.size()};
  }
  return {};
}

/// When the right operand of integer binary op {info} is a constant the previous instruction
/// just produced, drops that instruction and emits the immediate form {handler} instead.
Result<void> FunctionTranslator::emit_with_immediate(unsigned handler, const OpInfo& info,
                                                     bool* folded) {
  const bool is_const = last_.op == Op::I32Const || last_.op == Op::I64Const;
  if (!last_.valid || !is_const || last_.entry != stack_.size() - 1 ||
      last_.pc_map_size != scratch_pc_map_.size()) {
    return {};
  }
  // The constant instruction's operands: dst, low (and high for i64) - copy no more than it has.
  const bool wide = last_.op == Op::I64Const;
  uint32_t constant[3] = {0, 0, 0};
  std::memcpy(constant, code_->data() + last_.instr + 1, (wide ? 3 : 2) * sizeof(uint32_t));
  code_->resize(last_.instr);
  scratch_pc_map_.pop_back();
  pop();
  const Entry a = pop();
  const uint32_t dst_slot = push(info.results[0] == 'l' ? ValType::kI64 : ValType::kI32).slot;
  WS_TRY(begin(handler));
  operand(a.slot);
  const uint32_t dst_operand = operand(dst_slot);
  operand(constant[1]);
  if (wide) operand(constant[2]);
  last_ = {true, instr_.op, instr_start_, dst_operand, a.slot, 0, stack_.size() - 1,
           scratch_pc_map_.size(), true};
  *folded = true;
  return {};
}

Result<void> FunctionTranslator::translate_local(Op op) {
  const uint32_t index = instr_.index;
  const uint32_t slot = local_slots_[index];
  const ValType type = local_types_[index];
  if (op == Op::LocalGet) {
    stack_.push_back({type, slot, slot_height()});
    max_slot_ = std::max(max_slot_, stack_.back().canon + width(type));
    return {};
  }
  const bool can_retarget = last_.valid && last_.entry == stack_.size() - 1 &&
                            !stack_.back().alias() && !has_alias_of(slot);
  const Entry value = pop();
  if (can_retarget) {
    patch(last_.dst_operand, slot);
    last_.valid = false;
  } else {
    WS_TRY(materialize_aliases_of(slot));
    WS_TRY(emit_copy(slot, value.slot, type));
  }
  if (op == Op::LocalTee) stack_.push_back({type, slot, value.canon});
  return {};
}

/// If {cond} was just produced by a compare we can fuse, removes that compare's code and
/// returns its operator and operand slots.
bool FunctionTranslator::take_fusable_compare(const Entry& cond, Op* compare, uint32_t* a,
                                              uint32_t* b) {
  if (!last_.valid || last_.entry != stack_.size() || cond.alias() || last_.b_is_immediate) {
    return false;
  }
  switch (last_.op) {
#define WASMSCOPE_CASE(op, neg, type, expr) case Op::op:
    WASMSCOPE_FUSED_COMPARES(WASMSCOPE_CASE)
#undef WASMSCOPE_CASE
    case Op::I32Eqz:
    case Op::I64Eqz:
      break;
    default:
      return false;
  }
  if (last_.pc_map_size != scratch_pc_map_.size()) return false;
  *compare = last_.op;
  *a = last_.a;
  *b = last_.b;
  code_->resize(last_.instr);
  scratch_pc_map_.pop_back();
  last_.valid = false;
  return true;
}

/// Handler of the fused branch taken when {compare} holds ({negate}: when it does not).
unsigned fused_handler(Op compare, bool negate, bool back) {
  switch (compare) {
#define WASMSCOPE_CASE(op, neg, type, expr)                                                   \
  case Op::op:                                                                                \
    return negate ? (back ? handler_index(IOp::BrIfBack_##neg) : handler_index(IOp::BrIf_##neg)) \
                  : (back ? handler_index(IOp::BrIfBack_##op) : handler_index(IOp::BrIf_##op));
    WASMSCOPE_FUSED_COMPARES(WASMSCOPE_CASE)
#undef WASMSCOPE_CASE
    case Op::I32Eqz:
      if (negate) return back ? handler_index(IOp::BrIfBack) : handler_index(IOp::BrIf);
      return back ? handler_index(IOp::BrIfBack_I32Eqz) : handler_index(IOp::BrIf_I32Eqz);
    case Op::I64Eqz:
      if (negate) return handler_index(IOp::BrUnless_I64Eqz);  // never a back edge (an if)
      return back ? handler_index(IOp::BrIfBack_I64Eqz) : handler_index(IOp::BrIf_I64Eqz);
    default:
      return handler_index(IOp::BrIf);
  }
}

Result<void> FunctionTranslator::translate_block() {
  Ctrl c;
  c.kind = instr_.op;
  block_types(instr_.block, &c.params, &c.results);
  Op compare = Op::Nop;
  uint32_t a = 0;
  uint32_t b = 0;
  bool fused = false;
  Entry cond{};
  if (c.kind == Op::If) {
    cond = pop();
    fused = take_fusable_compare(cond, &compare, &a, &b);
  }
  // Nothing below a block may alias a local: code inside may change it, and a branch back to a
  // loop would re-run the copy with the new value.
  WS_TRY(materialize_all());
  c.height = static_cast<uint32_t>(stack_.size() - c.params.size());
  c.slot_base = c.height < stack_.size() ? stack_[c.height].canon : slot_height();
  if (c.kind == Op::If) {
    if (fused) {
      WS_TRY(begin(fused_handler(compare, /*negate=*/true, false)));
      operand(a);
      if (compare != Op::I32Eqz && compare != Op::I64Eqz) operand(b);
    } else {
      WS_TRY(begin(handler_index(IOp::BrUnless)));
      operand(cond.slot);
    }
    c.else_patch = {operand(0), instr_start_};
  }
  last_.valid = false;
  c.loop_start = here();
  ctrls_.push_back(std::move(c));
  return {};
}

Result<void> FunctionTranslator::translate_else() {
  Ctrl& c = ctrls_.back();
  if (!c.unreachable) {
    WS_TRY(materialize_top(c.results.size()));
    WS_TRY(begin(handler_index(IOp::Br)));
    c.forward.push_back({operand(0), instr_start_});
  }
  bind({c.else_patch});
  c.else_patch = {kNone, kNone};
  c.kind = Op::Else;
  c.unreachable = false;
  reset_stack_to(c, c.params);
  return {};
}

Result<void> FunctionTranslator::translate_end() {
  Ctrl& c = ctrls_.back();
  if (!c.unreachable) WS_TRY(materialize_top(c.results.size()));
  if (c.else_patch.operand != kNone) bind({c.else_patch});
  // A try_table's (or a legacy try without catches') range ends here; a legacy try's ended at
  // its first catch.
  if (c.handler != kNone && (c.kind == Op::Block || c.kind == Op::Try)) {
    out_->handlers[c.handler].end = here();
  }
  if (c.kind == Op::Catch || c.kind == Op::CatchAll || c.kind == Op::Try) --legacy_level_;
  bind(c.forward);
  bind_handlers(c);
  if (ctrls_.size() == 1) {
    reset_stack_to(c, c.results);
    WS_TRY(emit_return_sequence());
    ctrls_.pop_back();
    return {};
  }
  Ctrl done = std::move(ctrls_.back());
  ctrls_.pop_back();
  reset_stack_to(done, done.results);
  return {};
}

void FunctionTranslator::bind_handlers(Ctrl& c) {
  for (const auto& [handler, clause] : c.handler_patches) {
    out_->handlers[handler].clauses[clause].target = here();
  }
  c.handler_patches.clear();
}

/// try_table: a block whose body's exceptions go to its clauses' labels, which are counted
/// from outside it. A clause continues like a branch to its label, with the payload (and the
/// exnref) in the label's slots.
Result<void> FunctionTranslator::translate_try_table() {
  WS_TRY(materialize_all());
  const uint32_t handler = static_cast<uint32_t>(out_->handlers.size());
  ExceptionHandler& h = out_->handlers.emplace_back();
  h.depth = static_cast<uint32_t>(ctrls_.size());
  for (const CatchClause& clause : instr_.catches) {
    Ctrl& target = label(clause.label);
    ExceptionHandler::Clause& c = h.clauses.emplace_back();
    c.tag = clause.has_tag() ? clause.tag : ExceptionHandler::Clause::kAnyTag;
    c.with_ref = clause.with_ref();
    c.dst = target.slot_base;
    const uint32_t index = static_cast<uint32_t>(h.clauses.size() - 1);
    if (target.kind == Op::Loop) {
      c.target = target.loop_start;
    } else {
      target.handler_patches.push_back({handler, index});
    }
    // The slots the clause writes must exist even if no code below uses them.
    uint32_t width_sum = 0;
    for (ValType t : label_types(target)) width_sum += width(t);
    max_slot_ = std::max(max_slot_, target.slot_base + width_sum);
  }
  instr_.op = Op::Block;
  WS_TRY(translate_block());
  ctrls_.back().handler = handler;
  out_->handlers[handler].begin = here();
  return {};
}

/// Legacy try: a block whose body's exceptions go to the catch bodies that follow it.
Result<void> FunctionTranslator::translate_try() {
  const uint32_t handler = static_cast<uint32_t>(out_->handlers.size());
  ExceptionHandler& h = out_->handlers.emplace_back();
  h.depth = static_cast<uint32_t>(ctrls_.size());
  instr_.op = Op::Try;
  WS_TRY(translate_block());
  Ctrl& c = ctrls_.back();
  c.handler = handler;
  c.legacy_level = legacy_level_++;
  hidden_slots_ = std::max(hidden_slots_, legacy_level_);
  out_->handlers[handler].begin = here();
  out_->handlers[handler].exn_slot = c.legacy_level;  // made a slot index by {run}
  return {};
}

Result<void> FunctionTranslator::translate_catch() {
  Ctrl& c = ctrls_.back();
  if (!c.unreachable) {
    WS_TRY(materialize_top(c.results.size()));
    WS_TRY(begin(handler_index(IOp::Br)));
    c.forward.push_back({operand(0), instr_start_});
  }
  ExceptionHandler& h = out_->handlers[c.handler];
  if (c.kind == Op::Try) h.end = here();
  last_.valid = false;  // a label
  ExceptionHandler::Clause& clause = h.clauses.emplace_back();
  clause.target = here();
  clause.dst = c.slot_base;
  c.kind = instr_.op;
  c.unreachable = false;
  if (instr_.op == Op::Catch) {
    clause.tag = instr_.index;
    reset_stack_to(c, m_.types[m_.tag_type(instr_.index)].params);
  } else {
    reset_stack_to(c, {});
  }
  uint32_t top = c.slot_base;
  for (size_t i = c.height; i < stack_.size(); ++i) top += width(stack_[i].type);
  max_slot_ = std::max(max_slot_, top);
  return {};
}

/// Legacy delegate: ends a try whose body's exceptions are searched for from the label's
/// block outward, skipping every handler nested inside that block.
Result<void> FunctionTranslator::translate_delegate() {
  Ctrl& c = ctrls_.back();
  ExceptionHandler& h = out_->handlers[c.handler];
  h.delegate = true;
  // The label counts from the try's enclosing block: depth index {size - 2 - label}.
  h.delegate_to = static_cast<uint32_t>(ctrls_.size() - 2 - instr_.index);
  c.kind = Op::Try;  // translate_end closes the range here
  return translate_end();
}

Result<void> FunctionTranslator::translate_throw() {
  switch (instr_.op) {
    case Op::Throw: {
      const FuncType& type = m_.types[m_.tag_type(instr_.index)];
      const size_t n = type.params.size();
      WS_TRY(materialize_top(n));
      const uint32_t base = n == 0 ? slot_height() : stack_[stack_.size() - n].canon;
      for (size_t i = 0; i < n; ++i) pop();
      WS_TRY(begin(handler_index(IOp::ThrowI)));
      operand(instr_.index);
      operand(base);
      break;
    }
    case Op::ThrowRef: {
      const Entry e = pop();
      WS_TRY(begin(handler_index(IOp::ThrowRefI)));
      operand(e.slot);
      break;
    }
    default: {  // rethrow
      WS_TRY(begin(handler_index(IOp::RethrowI)));
      hidden_slot_operand(label(instr_.index).legacy_level);
      break;
    }
  }
  set_unreachable();
  return {};
}

/// Copies the results on top of the stack to slots [0, n) and returns.
Result<void> FunctionTranslator::emit_return_sequence() {
  const size_t n = type_->results.size();
  // Copying in ascending order is safe once no source is a local: every source then sits at
  // or above its destination. A single result can be copied from anywhere.
  if (n > 1) WS_TRY(materialize_top(n));
  WS_TRY(copy_top_to(type_->results, 0));
  WS_TRY(begin(handler_index(IOp::Return)));
  return {};
}

Result<void> FunctionTranslator::translate_return() {
  WS_TRY(emit_return_sequence());
  set_unreachable();
  return {};
}

Result<void> FunctionTranslator::translate_br(uint32_t depth) {
  Ctrl& target = label(depth);
  const std::vector<ValType>& types = label_types(target);
  if (depth == ctrls_.size() - 1) return translate_return();
  WS_TRY(copy_top_to(types, target.slot_base));
  WS_TRY(begin(handler_index(target.kind == Op::Loop ? IOp::BrBack : IOp::Br)));
  branch_operand(target);
  set_unreachable();
  return {};
}

Result<void> FunctionTranslator::translate_br_if(uint32_t depth) {
  const Entry cond = pop();
  Ctrl& target = label(depth);
  const std::vector<ValType>& types = label_types(target);
  const bool back = target.kind == Op::Loop;
  if (depth == ctrls_.size() - 1) {
    // A conditional return: skip over the return sequence when the condition is false.
    WS_TRY(begin(handler_index(IOp::BrIf_I32Eqz)));
    operand(cond.slot);
    const Patch skip{operand(0), instr_start_};
    WS_TRY(emit_return_sequence());
    bind({skip});
    return {};
  }
  if (top_is_at(types, target.slot_base)) {
    Op compare;
    uint32_t a;
    uint32_t b;
    if (take_fusable_compare(cond, &compare, &a, &b)) {
      WS_TRY(begin(fused_handler(compare, false, back)));
      operand(a);
      if (compare != Op::I32Eqz && compare != Op::I64Eqz) operand(b);
    } else {
      WS_TRY(begin(handler_index(back ? IOp::BrIfBack : IOp::BrIf)));
      operand(cond.slot);
    }
    branch_operand(target);
    return {};
  }
  // Values must move to the target's slots first: branch around the copies when false.
  WS_TRY(begin(handler_index(IOp::BrIf_I32Eqz)));
  operand(cond.slot);
  const Patch skip{operand(0), instr_start_};
  WS_TRY(copy_top_to(types, target.slot_base));
  WS_TRY(begin(handler_index(back ? IOp::BrBack : IOp::Br)));
  branch_operand(target);
  bind({skip});
  return {};
}

Result<void> FunctionTranslator::translate_br_on_null(bool on_null, uint32_t depth) {
  // The reference stays on the stack while the test is made; the branch path leaves without
  // it (br_on_null) or with it as the label's last value (br_on_non_null).
  const Entry ref = stack_.back();
  last_.valid = false;
  WS_TRY(begin(handler_index(on_null ? IOp::BrUnless_I64Eqz : IOp::BrIf_I64Eqz)));
  operand(ref.slot);
  const Patch skip{operand(0), instr_start_};
  if (on_null) stack_.pop_back();
  Ctrl& target = label(depth);
  const std::vector<ValType>& types = label_types(target);
  if (depth == ctrls_.size() - 1) {
    WS_TRY(emit_return_sequence());
  } else {
    WS_TRY(copy_top_to(types, target.slot_base));
    WS_TRY(begin(handler_index(target.kind == Op::Loop ? IOp::BrBack : IOp::Br)));
    branch_operand(target);
  }
  bind({skip});
  if (on_null) {
    stack_.push_back(ref);
  } else {
    stack_.pop_back();
  }
  last_.valid = false;
  return {};
}

Result<void> FunctionTranslator::translate_br_table() {
  const Entry index = pop();
  const uint32_t count = static_cast<uint32_t>(instr_.targets.size());
  std::vector<uint32_t> depths = instr_.targets;
  depths.push_back(instr_.index);
  WS_TRY(begin(handler_index(IOp::BrTable)));
  const uint32_t table_instr = instr_start_;
  operand(index.slot);
  operand(count);
  std::vector<uint32_t> entries;
  for (size_t i = 0; i <= count; ++i) entries.push_back(operand(0));
  // Each target gets a stub that moves the values and branches (or returns); the table jumps
  // to the stubs.
  for (size_t i = 0; i <= count; ++i) {
    patch(entries[i], here() - table_instr);
    const uint32_t depth = depths[i];
    if (depth == ctrls_.size() - 1) {
      WS_TRY(emit_return_sequence());
      continue;
    }
    Ctrl& target = label(depth);
    WS_TRY(copy_top_to(label_types(target), target.slot_base));
    WS_TRY(begin(handler_index(target.kind == Op::Loop ? IOp::BrBack : IOp::Br)));
    branch_operand(target);
  }
  set_unreachable();
  return {};
}

Result<void> FunctionTranslator::translate_call(Op op, uint32_t type_index) {
  const bool by_ref = op == Op::CallRef || op == Op::ReturnCallRef;
  const bool indirect = op == Op::CallIndirect || op == Op::ReturnCallIndirect || by_ref;
  const bool tail = op == Op::ReturnCall || op == Op::ReturnCallIndirect || op == Op::ReturnCallRef;
  Entry elem{};
  if (indirect) elem = pop();
  const FuncType* callee_type;
  if (indirect) {
    callee_type = &m_.types[type_index];
  } else {
    const uint32_t t = func_type_indices_[instr_.index];
    callee_type = &m_.types[t];
  }
  const size_t nparams = callee_type->params.size();
  WS_TRY(materialize_top(nparams));
  const uint32_t arg_base =
      nparams == 0 ? slot_height() : stack_[stack_.size() - nparams].canon;
  // The callee's results come back where its arguments were; its frame may extend past them.
  uint32_t result_end = arg_base;
  for (ValType t : callee_type->results) result_end += width(t);
  max_slot_ = std::max(max_slot_, result_end);
  if (by_ref) {
    WS_TRY(begin(handler_index(tail ? IOp::ReturnCallRef : IOp::CallRef)));
    operand(elem.slot);
    operand(arg_base);
  } else if (indirect) {
    WS_TRY(begin(handler_index(tail ? IOp::ReturnCallIndirect : IOp::CallIndirect)));
    operand(type_index);
    operand(instr_.index2);
    operand(elem.slot);
    operand(arg_base);
  } else {
    WS_TRY(begin(handler_index(tail ? IOp::ReturnCall : IOp::Call)));
    operand(instr_.index);
    operand(arg_base);
  }
  stack_.resize(stack_.size() - nparams);
  if (tail) {
    set_unreachable();
    return {};
  }
  for (ValType t : callee_type->results) push(t);
  return {};
}

}  // namespace

uint32_t CompiledFunc::wasm_offset(const uint64_t* pc) const {
  const uint32_t index = static_cast<uint32_t>(pc - code.data());
  uint32_t best = 0;
  size_t lo = 0;
  size_t hi = pc_map.size();
  while (lo < hi) {  // last entry with code_index <= index
    const size_t mid = (lo + hi) / 2;
    if (pc_map[mid].code_index <= index) {
      best = pc_map[mid].wasm_offset;
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return best;
}

namespace {

/// Translates the defined functions of {out} into {out->funcs}: all of them, or with
/// {interpreted_only} those the interpreter runs even in a compiled instance (the others keep
/// only their {func_index}).
Result<void> translate_functions(CompiledModule* out, Features features, bool interpreted_only) {
  const void* const* handlers = interpreter_handlers(out->bounds == BoundsChecks::kExplicit);
  FunctionTranslator translator(*out, handlers, features);
  const Module& m = out->module;
  out->funcs.resize(m.functions.size());
  Instr instr;
  for (uint32_t i = 0; i < out->funcs.size(); ++i) {
    bool wanted = !interpreted_only;
    InstrReader reader(m.bytes.data(), m.functions[i].code.begin, m.functions[i].code.end,
                       features);
    while (!wanted && !reader.at_end()) {
      WS_TRY(reader.next(&instr));
      wanted = only_interpreted(instr.op);
    }
    if (wanted) {
      WS_TRY(translator.run(i, &out->funcs[i]));
    } else {
      out->funcs[i].func_index = m.imported_funcs + i;
    }
  }
  for (const CompiledFunc& f : out->funcs) out->uses_exceptions |= !f.handlers.empty();
  return {};
}

}  // namespace

Result<void> translate_module(CompiledModule* out, Features features) {
  return translate_functions(out, features, false);
}

Result<void> translate_interpreted_functions(CompiledModule* out, Features features) {
  return translate_functions(out, features, true);
}

}  // namespace wasmscope::internal
