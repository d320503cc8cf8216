// Function bodies: the operand- and control-stack algorithm of the spec's validation appendix.
// Instructions with a fixed signature in {opcodes.def} go through one generic path; only the
// rows marked "*" are typed here by hand.
#include <algorithm>
#include <string>

#include "validate/internal.h"

namespace wasmscope::internal::validate_internal {
namespace {

/// Above this many locals, types are looked up by binary search instead of a flat array.
constexpr uint64_t kMaxExpandedLocals = 1u << 16;
/// The prefix byte of the threads proposal's atomic instructions.
constexpr uint8_t kAtomicPrefix = 0xfe;
/// Bytes in a v128; shuffle lane indices address two of them.
constexpr uint32_t kV128Bytes = 16;

/// Whether untyped {select} may choose a {t}; {kUnknownType} counts as both.
bool is_num_or_vec(ValType t) {
  return !is_ref(t);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Operand stack

bool FunctionValidator::pop_any(ValType* actual) {
  const ControlFrame& top = controls_.back();
  if (operands_.size() == top.height) {
    *actual = kUnknownType;
    return top.unreachable;
  }
  *actual = operands_.back();
  operands_.pop_back();
  return true;
}

bool FunctionValidator::pop(ValType expected, ValType* actual) {
  ValType got;
  if (!pop_any(&got)) return false;
  if (actual) *actual = got;
  return ctx_.matches(got, expected);
}

bool FunctionValidator::pop_matching(TypeList types) { return pop_all(types); }

bool FunctionValidator::all_match(TypeList sub, TypeList super) const {
  if (sub.size != super.size) return false;
  for (uint32_t i = 0; i < sub.size; ++i) {
    if (!ctx_.matches(sub[i], super[i])) return false;
  }
  return true;
}

void FunctionValidator::push_control(const ControlFrame& frame) {
  controls_.push_back(frame);
  controls_.back().init_height = static_cast<uint32_t>(init_log_.size());
}

void FunctionValidator::reset_inits(uint32_t height) {
  while (init_log_.size() > height) {
    nd_set_[init_log_.back()] = 0;
    init_log_.pop_back();
  }
}

bool FunctionValidator::pop_all(TypeList types) {
  for (uint32_t i = types.size; i > 0; --i) {
    if (!pop(types[i - 1])) return false;
  }
  return true;
}

void FunctionValidator::set_unreachable() {
  ControlFrame& top = controls_.back();
  operands_.resize(top.height);
  top.unreachable = true;
}

// ---------------------------------------------------------------------------------------------
// Locals

Result<void> FunctionValidator::init_locals(const Function& func, const FuncType& type,
                                            FunctionFacts* facts) {
  // Summed from the runs rather than taken from {Function::local_count}, so the lookups below
  // stay in bounds whatever the decoder recorded.
  uint64_t total = type.params.size();
  for (const LocalRun& run : func.locals) {
    WS_TRY(check_valtype(ctx_, func.body.begin, run.type));
    total += run.count;
  }
  if (total > UINT32_MAX) return invalid(func.body.begin, "too many locals");
  local_count_ = static_cast<uint32_t>(total);
  facts->local_count = local_count_;
  local_types_.clear();
  run_ends_.clear();
  run_types_.clear();
  nd_locals_.clear();
  nd_set_.clear();
  init_log_.clear();
  block_type_store_.clear();
  {
    // Locals without a default value (non-nullable references) must be set before use.
    uint64_t index = type.params.size();
    for (const LocalRun& run : func.locals) {
      if (is_ref(run.type) && !run.type.nullable()) {
        if (nd_locals_.size() + run.count > kMaxExpandedLocals) {
          return invalid(func.body.begin, "too many non-defaultable locals");
        }
        for (uint32_t i = 0; i < run.count; ++i) nd_locals_.push_back(static_cast<uint32_t>(index + i));
      }
      index += run.count;
    }
    nd_set_.assign(nd_locals_.size(), 0);
  }
  if (total <= kMaxExpandedLocals) {
    local_types_.assign(type.params.begin(), type.params.end());
    for (const LocalRun& run : func.locals)
      local_types_.insert(local_types_.end(), run.count, run.type);
    return {};
  }
  uint32_t end = 0;
  for (ValType t : type.params) {
    run_ends_.push_back(++end);
    run_types_.push_back(t);
  }
  for (const LocalRun& run : func.locals) {
    if (run.count == 0) continue;
    end += run.count;
    run_ends_.push_back(end);
    run_types_.push_back(run.type);
  }
  return {};
}

ValType FunctionValidator::local_type(uint32_t index) const {
  if (run_ends_.empty()) return local_types_[index];
  const auto it = std::upper_bound(run_ends_.begin(), run_ends_.end(), index);
  return run_types_[static_cast<size_t>(it - run_ends_.begin())];
}

// ---------------------------------------------------------------------------------------------
// The body

Result<void> FunctionValidator::validate(uint32_t defined_index, FunctionFacts* facts) {
  const Module& module = ctx_.module;
  const Function& func = module.functions[defined_index];
  func_type_ = &ctx_.func_type(module.imported_funcs + defined_index);
  facts_ = facts;
  facts->blocks.clear();
  WS_TRY(init_locals(func, *func_type_, facts));

  operands_.clear();
  controls_.clear();
  max_height_ = 0;
  max_depth_ = 1;
  ControlFrame body;
  body.kind = FrameKind::kFunction;
  body.results = TypeList::of(func_type_->results);
  push_control(body);

  // The reader accepts every opcode so that a disabled feature is reported by {step} as a
  // validation error naming the feature, not as an illegal opcode.
  InstrReader reader(module.bytes.data(), func.code.begin, func.code.end, Features());
  while (!reader.at_end()) {
    WS_TRY(reader.next(&instr_));
    WS_TRY(step(instr_));
    if (controls_.empty()) break;
  }
  // The decoder checks that the body ends with the {end} closing the function, exactly at the
  // end of the code; this only guards against a decoder that did not.
  if (!controls_.empty() || !reader.at_end()) {
    return malformed(reader.pos(), "END opcode expected");
  }
  facts->max_operand_height = max_height_;
  facts->max_control_depth = max_depth_;
  return {};
}

Result<void> FunctionValidator::step(const Instr& instr) {
  const OpInfo& info = op_info(instr.op);
  if (!ctx_.features.has(info.feature)) return feature_disabled(instr.offset, info);
  switch (instr.op) {
    case Op::Unreachable:
      set_unreachable();
      return {};
    case Op::Block:
      return enter_block(instr, FrameKind::kBlock);
    case Op::Loop:
      return enter_block(instr, FrameKind::kLoop);
    case Op::If:
      return enter_block(instr, FrameKind::kIf);
    case Op::Else:
      return do_else(instr);
    case Op::End:
      return do_end(instr);
    case Op::Br:
      return do_br(instr);
    case Op::BrIf:
      return do_br_if(instr);
    case Op::BrTable:
      return do_br_table(instr);
    case Op::Return:
      if (!pop_all(TypeList::of(func_type_->results))) return type_mismatch(instr.offset);
      set_unreachable();
      return {};
    case Op::Call:
    case Op::ReturnCall:
      if (instr.index >= ctx_.func_count()) return unknown(instr.offset, "function", instr.index);
      return do_call(instr, ctx_.func_types[instr.index], instr.op == Op::ReturnCall);
    case Op::CallIndirect:
      return do_call_indirect(instr, false);
    case Op::ReturnCallIndirect:
      return do_call_indirect(instr, true);
    case Op::Drop: {
      ValType ignored;
      if (!pop_any(&ignored)) return type_mismatch(instr.offset);
      return {};
    }
    case Op::Select:
      return do_select(instr);
    case Op::SelectT:
      return do_select_t(instr);
    case Op::LocalGet:
    case Op::LocalSet:
    case Op::LocalTee:
      return do_local(instr);
    case Op::GlobalGet:
    case Op::GlobalSet:
      return do_global(instr);
    case Op::TableGet:
    case Op::TableSet:
    case Op::TableInit:
    case Op::ElemDrop:
    case Op::TableCopy:
    case Op::TableGrow:
    case Op::TableSize:
    case Op::TableFill:
      return do_table(instr);
    case Op::RefNull:
    case Op::RefIsNull:
    case Op::RefFunc:
      return do_ref(instr);
    case Op::TryTable:
      return do_try_table(instr);
    case Op::Try:
      return enter_block(instr, FrameKind::kTry);
    case Op::Catch:
    case Op::CatchAll:
      return do_catch(instr);
    case Op::Delegate:
      return do_delegate(instr);
    case Op::Throw:
      return do_throw(instr);
    case Op::Rethrow:
      return do_rethrow(instr);
    case Op::ThrowRef:
      if (!pop(ValType::kExnRef)) return type_mismatch(instr.offset);
      set_unreachable();
      return {};
    case Op::CallRef:
      return do_call_ref(instr, false);
    case Op::ReturnCallRef:
      return do_call_ref(instr, true);
    case Op::RefAsNonNull: {
      ValType operand;
      if (!pop_any(&operand) || !(is_ref(operand) || operand == kUnknownType)) {
        return type_mismatch(instr.offset);
      }
      push(operand == kUnknownType ? operand
                                   : ValType::ref(operand.kind(), false, operand.type_index()));
      return {};
    }
    case Op::BrOnNull:
    case Op::BrOnNonNull:
      return do_br_on_null(instr);
    default:
      return check_fixed(instr, info);
  }
}

/// Every instruction whose typing the table's signature columns give.
Result<void> FunctionValidator::check_fixed(const Instr& instr, const OpInfo& info) {
  if (!has_fixed_signature(info)) {
    return invalid(instr.offset, std::string("no typing rule for ") + std::string(info.text));
  }
  WS_TRY(check_immediates(instr, info));
  // memory64: the operands that are addresses or sizes of a 64-bit memory are i64, and so is
  // the result of memory.size and memory.grow on one (the same rule the engines narrow by).
  const Narrow64 wide = narrow64_of(instr, ctx_.addr);
  const size_t n = info.params.size();
  for (size_t i = n; i > 0; --i) {
    const bool is64 = (wide.operands >> (n - i)) & 1;
    if (!pop(is64 ? ValType(ValType::kI64) : type_of_letter(info.params[i - 1]))) {
      return type_mismatch(instr.offset);
    }
  }
  for (char letter : info.results)
    push(wide.widen != Narrow64::Widen::kNone ? ValType(ValType::kI64) : type_of_letter(letter));
  return {};
}

Result<void> FunctionValidator::check_memarg(const Instr& instr, const OpInfo& info) {
  if (instr.mem.memory >= ctx_.memory_count) {
    return unknown(instr.offset, "memory", instr.mem.memory);
  }
  if (instr.mem.offset > UINT32_MAX && !ctx_.addr.memory64[instr.mem.memory]) {
    return invalid(instr.offset, "offset out of range: a 32-bit memory's offset is a u32");
  }
  const uint32_t align = instr.mem.align_log2;
  const uint32_t natural = info.arg;
  if (info.prefix == kAtomicPrefix && natural != 0) {
    if (align >= 32 || (1u << align) != natural) {
      return invalid(instr.offset, "alignment must be equal to natural");
    }
  } else if (align >= 32 || (1u << align) > natural) {
    return invalid(instr.offset, "alignment must not be larger than natural");
  }
  return {};
}

/// The checks an instruction's immediates need, by their kind.
Result<void> FunctionValidator::check_immediates(const Instr& instr, const OpInfo& info) {
  switch (info.imm) {
    case ImmKind::kMemArg:
      return check_memarg(instr, info);
    case ImmKind::kMemArgLane:
      WS_TRY(check_memarg(instr, info));
      if (info.arg == 0 || instr.lane >= kV128Bytes / info.arg) {
        return invalid(instr.offset, "invalid lane index");
      }
      return {};
    case ImmKind::kMemoryCopy:
      if (instr.index2 >= ctx_.memory_count) return unknown(instr.offset, "memory", instr.index2);
      [[fallthrough]];
    case ImmKind::kMemory:
    case ImmKind::kMemoryFill:
      if (instr.mem.memory >= ctx_.memory_count) {
        return unknown(instr.offset, "memory", instr.mem.memory);
      }
      return {};
    case ImmKind::kMemoryInit:
      if (instr.mem.memory >= ctx_.memory_count) {
        return unknown(instr.offset, "memory", instr.mem.memory);
      }
      [[fallthrough]];
    case ImmKind::kData:
      if (instr.index >= ctx_.data_count) return unknown(instr.offset, "data segment", instr.index);
      return {};
    case ImmKind::kLane:
      if (instr.lane >= info.arg) return invalid(instr.offset, "invalid lane index");
      return {};
    case ImmKind::kShuffle:
      for (uint8_t lane : instr.v128) {
        if (lane >= 2 * kV128Bytes) return invalid(instr.offset, "invalid lane index");
      }
      return {};
    default:
      return {};
  }
}

// ---------------------------------------------------------------------------------------------
// Control

Result<void> FunctionValidator::block_types(const Instr& instr, TypeList* params,
                                            TypeList* results) {
  const BlockType& block = instr.block;
  switch (block.kind) {
    case BlockType::Kind::kEmpty:
      *params = {};
      *results = {};
      return {};
    case BlockType::Kind::kValType:
      WS_TRY(check_valtype(ctx_, instr.offset, block.type));
      *params = {};
      *results = single_type(block.type);
      if (results->size == 0) {
        block_type_store_.push_back(block.type);
        *results = {&block_type_store_.back(), 1};
      }
      return {};
    case BlockType::Kind::kTypeIndex:
      if (!ctx_.features.has(Feature::kMultiValue)) {
        return invalid(instr.offset, "block type index requires the multi-value feature");
      }
      if (block.index >= ctx_.type_count()) return unknown(instr.offset, "type", block.index);
      *params = TypeList::of(ctx_.module.types[block.index].params);
      *results = TypeList::of(ctx_.module.types[block.index].results);
      return {};
  }
  return {};
}

Result<void> FunctionValidator::enter_block(const Instr& instr, FrameKind kind) {
  ControlFrame frame;
  frame.kind = kind;
  WS_TRY(block_types(instr, &frame.params, &frame.results));
  if (kind == FrameKind::kIf && !pop(ValType::kI32)) return type_mismatch(instr.offset);
  if (!pop_all(frame.params)) return type_mismatch(instr.offset);
  frame.height = static_cast<uint32_t>(operands_.size());
  frame.span = static_cast<uint32_t>(facts_->blocks.size());
  facts_->blocks.push_back({instr.offset, 0, 0});
  push_control(frame);
  max_depth_ = std::max(max_depth_, static_cast<uint32_t>(controls_.size()));
  push_all(frame.params);
  return {};
}

Result<void> FunctionValidator::do_else(const Instr& instr) {
  ControlFrame& frame = controls_.back();
  if (frame.kind != FrameKind::kIf) return malformed(instr.offset, "else without matching if");
  if (!pop_all(frame.results) || operands_.size() != frame.height) {
    return type_mismatch(instr.offset);
  }
  frame.kind = FrameKind::kElse;
  frame.unreachable = false;
  reset_inits(frame.init_height);
  facts_->blocks[frame.span].else_ = instr.offset;
  push_all(frame.params);
  return {};
}

Result<void> FunctionValidator::do_end(const Instr& instr) {
  const ControlFrame& frame = controls_.back();
  if (!pop_all(frame.results) || operands_.size() != frame.height) {
    return type_mismatch(instr.offset);
  }
  // An {if} without {else} has an empty else branch, which passes its params through.
  if (frame.kind == FrameKind::kIf && !all_match(frame.params, frame.results)) {
    return type_mismatch(instr.offset);
  }
  if (frame.kind != FrameKind::kFunction) facts_->blocks[frame.span].end = instr.offset;
  const TypeList results = frame.results;
  reset_inits(frame.init_height);
  controls_.pop_back();
  push_all(results);
  return {};
}

Result<void> FunctionValidator::label(const Instr& instr, uint32_t depth,
                                      const ControlFrame** frame) const {
  if (depth >= controls_.size()) return invalid(instr.offset, "unknown label");
  *frame = &controls_[controls_.size() - 1 - depth];
  return {};
}

Result<void> FunctionValidator::do_br(const Instr& instr) {
  const ControlFrame* target;
  WS_TRY(label(instr, instr.index, &target));
  if (!pop_all(target->label_types())) return type_mismatch(instr.offset);
  set_unreachable();
  return {};
}

Result<void> FunctionValidator::do_br_if(const Instr& instr) {
  if (!pop(ValType::kI32)) return type_mismatch(instr.offset);
  const ControlFrame* target;
  WS_TRY(label(instr, instr.index, &target));
  const TypeList types = target->label_types();
  if (!pop_all(types)) return type_mismatch(instr.offset);
  push_all(types);
  return {};
}

Result<void> FunctionValidator::do_br_table(const Instr& instr) {
  if (!pop(ValType::kI32)) return type_mismatch(instr.offset);
  const ControlFrame* fallback;
  WS_TRY(label(instr, instr.index, &fallback));
  const uint32_t arity = fallback->label_types().size;
  for (uint32_t depth : instr.targets) {
    const ControlFrame* target;
    WS_TRY(label(instr, depth, &target));
    const TypeList types = target->label_types();
    if (types.size != arity) return type_mismatch(instr.offset);
    // Pop this label's types and push back what was popped: an unknown operand stays unknown,
    // so the next label is checked against the same stack.
    scratch_.resize(arity);
    for (uint32_t i = arity; i > 0; --i) {
      if (!pop(types[i - 1], &scratch_[i - 1])) return type_mismatch(instr.offset);
    }
    for (ValType t : scratch_)
      push(t);
  }
  if (!pop_all(fallback->label_types())) return type_mismatch(instr.offset);
  set_unreachable();
  return {};
}

// ---------------------------------------------------------------------------------------------
// Exception handling

Result<void> FunctionValidator::do_throw(const Instr& instr) {
  if (instr.index >= ctx_.tag_count()) return unknown(instr.offset, "tag", instr.index);
  const FuncType& type = ctx_.module.types[ctx_.tag_types[instr.index]];
  if (!pop_all(TypeList::of(type.params))) return type_mismatch(instr.offset);
  set_unreachable();
  return {};
}

Result<void> FunctionValidator::do_try_table(const Instr& instr) {
  // The clauses' labels are counted from outside the try_table: checked before it is entered.
  for (const CatchClause& c : instr.catches) {
    const ControlFrame* target;
    WS_TRY(label(instr, c.label, &target));
    scratch_.clear();
    if (c.has_tag()) {
      if (c.tag >= ctx_.tag_count()) return unknown(instr.offset, "tag", c.tag);
      const FuncType& type = ctx_.module.types[ctx_.tag_types[c.tag]];
      scratch_ = type.params;
    }
    if (c.with_ref()) scratch_.push_back(ValType::ref(ValType::kExnRef, false));
    if (!all_match(TypeList::of(scratch_), target->label_types())) {
      return type_mismatch(instr.offset);
    }
  }
  return enter_block(instr, FrameKind::kBlock);
}

Result<void> FunctionValidator::do_catch(const Instr& instr) {
  ControlFrame& frame = controls_.back();
  if (frame.kind != FrameKind::kTry && frame.kind != FrameKind::kCatch) {
    return malformed(instr.offset, frame.kind == FrameKind::kCatchAll
                                       ? "catch after catch_all"
                                       : "catch without matching try");
  }
  if (!pop_all(frame.results) || operands_.size() != frame.height) {
    return type_mismatch(instr.offset);
  }
  frame.unreachable = false;
  reset_inits(frame.init_height);
  if (instr.op == Op::CatchAll) {
    frame.kind = FrameKind::kCatchAll;
    return {};
  }
  frame.kind = FrameKind::kCatch;
  if (instr.index >= ctx_.tag_count()) return unknown(instr.offset, "tag", instr.index);
  push_all(TypeList::of(ctx_.module.types[ctx_.tag_types[instr.index]].params));
  return {};
}

Result<void> FunctionValidator::do_delegate(const Instr& instr) {
  const ControlFrame& frame = controls_.back();
  if (frame.kind != FrameKind::kTry) return malformed(instr.offset, "delegate without matching try");
  if (!pop_all(frame.results) || operands_.size() != frame.height) {
    return type_mismatch(instr.offset);
  }
  facts_->blocks[frame.span].end = instr.offset;
  const TypeList results = frame.results;
  reset_inits(frame.init_height);
  controls_.pop_back();
  // The label is counted from the try's enclosing block.
  const ControlFrame* target;
  WS_TRY(label(instr, instr.index, &target));
  push_all(results);
  return {};
}

Result<void> FunctionValidator::do_rethrow(const Instr& instr) {
  if (instr.index >= controls_.size()) return invalid(instr.offset, "invalid rethrow label");
  const ControlFrame& target = controls_[controls_.size() - 1 - instr.index];
  if (target.kind != FrameKind::kCatch && target.kind != FrameKind::kCatchAll) {
    return invalid(instr.offset, "invalid rethrow label");
  }
  set_unreachable();
  return {};
}

// ---------------------------------------------------------------------------------------------
// Calls

Result<void> FunctionValidator::do_call(const Instr& instr, uint32_t type_index, bool tail) {
  const FuncType& callee = ctx_.module.types[type_index];
  if (tail && !all_match(TypeList::of(callee.results), TypeList::of(func_type_->results))) {
    return type_mismatch(instr.offset);
  }
  if (!pop_all(TypeList::of(callee.params))) return type_mismatch(instr.offset);
  if (tail) {
    set_unreachable();
  } else {
    push_all(TypeList::of(callee.results));
  }
  return {};
}

Result<void> FunctionValidator::do_call_ref(const Instr& instr, bool tail) {
  if (instr.index >= ctx_.type_count()) return unknown(instr.offset, "type", instr.index);
  if (!pop(ValType::ref(ValType::kFuncRef, true, instr.index))) return type_mismatch(instr.offset);
  return do_call(instr, instr.index, tail);
}

Result<void> FunctionValidator::do_br_on_null(const Instr& instr) {
  const ControlFrame* target;
  WS_TRY(label(instr, instr.index, &target));
  ValType operand;
  if (!pop_any(&operand) || !(is_ref(operand) || operand == kUnknownType)) {
    return type_mismatch(instr.offset);
  }
  const ValType non_null = operand == kUnknownType
                               ? operand
                               : ValType::ref(operand.kind(), false, operand.type_index());
  const TypeList types = target->label_types();
  if (instr.op == Op::BrOnNull) {
    // Null: branch with the values below; else go on with the reference, now non-null.
    if (!pop_all(types)) return type_mismatch(instr.offset);
    push_all(types);
    push(non_null);
    return {};
  }
  // br_on_non_null: the label takes the values below plus the non-null reference last.
  if (types.size == 0) return type_mismatch(instr.offset);
  if (!ctx_.matches(non_null, types[types.size - 1])) return type_mismatch(instr.offset);
  const TypeList below{types.data, types.size - 1};
  if (!pop_all(below)) return type_mismatch(instr.offset);
  push_all(below);
  return {};
}

Result<void> FunctionValidator::do_call_indirect(const Instr& instr, bool tail) {
  ValType elem;
  WS_TRY(table(instr, instr.index2, &elem));
  if (elem != ValType::kFuncRef) return type_mismatch(instr.offset);
  if (instr.index >= ctx_.type_count()) return unknown(instr.offset, "type", instr.index);
  if (!pop(ctx_.addr.table64[instr.index2] ? ValType::kI64 : ValType::kI32)) {
    return type_mismatch(instr.offset);
  }
  return do_call(instr, instr.index, tail);
}

// ---------------------------------------------------------------------------------------------
// Parametric, variables, tables, references

Result<void> FunctionValidator::do_select(const Instr& instr) {
  ValType first;
  ValType second;
  if (!pop(ValType::kI32) || !pop_any(&first) || !pop_any(&second)) {
    return type_mismatch(instr.offset);
  }
  // Untyped select only chooses between numbers or vectors of one type.
  if (!is_num_or_vec(first) || !is_num_or_vec(second)) return type_mismatch(instr.offset);
  if (first != second && first != kUnknownType && second != kUnknownType) {
    return type_mismatch(instr.offset);
  }
  push(first == kUnknownType ? second : first);
  return {};
}

Result<void> FunctionValidator::do_select_t(const Instr& instr) {
  if (instr.types.size() != 1) return invalid(instr.offset, "invalid result arity");
  const ValType type = instr.types[0];
  WS_TRY(check_valtype(ctx_, instr.offset, type));
  if (!pop(ValType::kI32) || !pop(type) || !pop(type)) return type_mismatch(instr.offset);
  push(type);
  return {};
}

Result<void> FunctionValidator::do_local(const Instr& instr) {
  if (instr.index >= local_count_) return unknown(instr.offset, "local", instr.index);
  const ValType type = local_type(instr.index);
  const bool tracked = is_ref(type) && !type.nullable();
  uint32_t position = 0;
  if (tracked) {
    const auto it = std::lower_bound(nd_locals_.begin(), nd_locals_.end(), instr.index);
    // Parameters are set on entry and are not in the list.
    if (it != nd_locals_.end() && *it == instr.index) {
      position = static_cast<uint32_t>(it - nd_locals_.begin()) + 1;
    }
  }
  if (instr.op == Op::LocalGet) {
    if (position != 0 && !nd_set_[position - 1]) {
      return invalid(instr.offset, "uninitialized local");
    }
    push(type);
    return {};
  }
  if (!pop(type)) return type_mismatch(instr.offset);
  if (position != 0 && !nd_set_[position - 1]) {
    nd_set_[position - 1] = 1;
    init_log_.push_back(position - 1);
  }
  if (instr.op == Op::LocalTee) push(type);
  return {};
}

Result<void> FunctionValidator::do_global(const Instr& instr) {
  if (instr.index >= ctx_.global_count()) return unknown(instr.offset, "global", instr.index);
  const GlobalType& global = ctx_.globals[instr.index];
  if (instr.op == Op::GlobalGet) {
    push(global.type);
    return {};
  }
  if (!global.mut) return invalid(instr.offset, "global is immutable");
  if (!pop(global.type)) return type_mismatch(instr.offset);
  return {};
}

Result<void> FunctionValidator::table(const Instr& instr, uint32_t index, ValType* elem) const {
  if (index >= ctx_.table_count()) return unknown(instr.offset, "table", index);
  *elem = ctx_.tables[index].elem;
  return {};
}

Result<void> FunctionValidator::do_table(const Instr& instr) {
  ValType elem = kUnknownType;
  bool ok = true;
  // memory64's table64: indices and sizes of a 64-bit table are i64 (a copy's count only when
  // both tables are). Looked up once the instruction's table index has been checked.
  auto idx = [&](uint32_t table) {
    return ctx_.addr.table64[table] ? ValType::kI64 : ValType::kI32;
  };
  switch (instr.op) {
    case Op::TableGet:
      WS_TRY(table(instr, instr.index, &elem));
      ok = pop(idx(instr.index));
      push(elem);
      break;
    case Op::TableSet:
      WS_TRY(table(instr, instr.index, &elem));
      ok = pop(elem) && pop(idx(instr.index));
      break;
    case Op::TableSize:
      WS_TRY(table(instr, instr.index, &elem));
      push(idx(instr.index));
      break;
    case Op::TableGrow:
      WS_TRY(table(instr, instr.index, &elem));
      ok = pop(idx(instr.index)) && pop(elem);
      push(idx(instr.index));
      break;
    case Op::TableFill:
      WS_TRY(table(instr, instr.index, &elem));
      ok = pop(idx(instr.index)) && pop(elem) && pop(idx(instr.index));
      break;
    case Op::TableCopy: {  // {index} is the destination, {index2} the source.
      ValType source;
      WS_TRY(table(instr, instr.index, &elem));
      WS_TRY(table(instr, instr.index2, &source));
      const bool both64 = idx(instr.index) == ValType::kI64 && idx(instr.index2) == ValType::kI64;
      ok = ctx_.matches(source, elem) && pop(both64 ? ValType::kI64 : ValType::kI32) &&
           pop(idx(instr.index2)) && pop(idx(instr.index));
      break;
    }
    case Op::TableInit:  // {index} is the element segment, {index2} the table.
      WS_TRY(table(instr, instr.index2, &elem));
      if (instr.index >= ctx_.elem_count()) {
        return unknown(instr.offset, "elem segment", instr.index);
      }
      ok = ctx_.matches(ctx_.module.elems[instr.index].type, elem) && pop(ValType::kI32) &&
           pop(ValType::kI32) && pop(idx(instr.index2));
      break;
    case Op::ElemDrop:
      if (instr.index >= ctx_.elem_count()) {
        return unknown(instr.offset, "elem segment", instr.index);
      }
      break;
    default:
      break;
  }
  if (!ok) return type_mismatch(instr.offset);
  return {};
}

Result<void> FunctionValidator::do_ref(const Instr& instr) {
  switch (instr.op) {
    case Op::RefNull:
      WS_TRY(check_valtype(ctx_, instr.offset, instr.type));
      push(instr.type);
      return {};
    case Op::RefIsNull: {
      ValType operand;
      if (!pop_any(&operand) || !(is_ref(operand) || operand == kUnknownType)) {
        return type_mismatch(instr.offset);
      }
      push(ValType::kI32);
      return {};
    }
    case Op::RefFunc:
      if (instr.index >= ctx_.func_count()) return unknown(instr.offset, "function", instr.index);
      if (!ctx_.declared_funcs[instr.index]) {
        return invalid(instr.offset, "undeclared function reference");
      }
      push(ValType::ref(ValType::kFuncRef, false, ctx_.func_types[instr.index]));
      return {};
    default:
      return {};
  }
}

}  // namespace wasmscope::internal::validate_internal
