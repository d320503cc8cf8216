// Constant expressions: the initializers of globals and the offsets and items of segments.
#include <algorithm>
#include <vector>

#include "validate/internal.h"

namespace wasmscope::internal::validate_internal {
namespace {

/// The arithmetic the extended-const proposal (WebAssembly 3.0) allows: its operand type,
/// or {kUnknownType} for any other instruction.
ValType extended_arith_type(Op op) {
  switch (op) {
    case Op::I32Add:
    case Op::I32Sub:
    case Op::I32Mul:
      return ValType::kI32;
    case Op::I64Add:
    case Op::I64Sub:
    case Op::I64Mul:
      return ValType::kI64;
    default:
      return kUnknownType;
  }
}

/// Checks one value-producing instruction of a constant expression and gives the type it
/// pushes. {visible_globals}: how many globals {global.get} may name.
Result<void> const_instr(ModuleContext* ctx, const Instr& instr, uint32_t visible_globals,
                         ValType* pushed) {
  switch (instr.op) {
    case Op::I32Const:
    case Op::I64Const:
    case Op::F32Const:
    case Op::F64Const:
    case Op::V128Const:
      *pushed = type_of_letter(op_info(instr.op).results[0]);
      return {};
    case Op::RefNull:
      WS_TRY(check_valtype(*ctx, instr.offset, instr.type));
      *pushed = instr.type;
      return {};
    case Op::RefFunc:
      if (instr.index >= ctx->func_count()) return unknown(instr.offset, "function", instr.index);
      ctx->declared_funcs[instr.index] = 1;
      *pushed = ValType::ref(ValType::kFuncRef, false, ctx->func_types[instr.index]);
      return {};
    case Op::GlobalGet: {
      if (instr.index >= visible_globals) return unknown(instr.offset, "global", instr.index);
      const GlobalType& global = ctx->globals[instr.index];
      if (global.mut) return invalid(instr.offset, "constant expression required");
      *pushed = global.type;
      return {};
    }
    default:
      return invalid(instr.offset, "constant expression required");
  }
}

}  // namespace

Result<void> validate_const_expr(ModuleContext* ctx, const ConstExpr& expr, ValType expected,
                                 uint32_t defined_globals_visible) {
  const Module& module = ctx->module;
  const bool extended = ctx->features.has(Feature::kExtendedConst);
  // WebAssembly 2.0 shows constant expressions only the imported globals; 3.0 (with
  // extended constants) also the immutable globals defined before the one being initialized,
  // or all of them in a segment.
  const uint32_t visible_globals =
      module.imported_globals +
      (extended ? std::min(defined_globals_visible,
                           static_cast<uint32_t>(module.globals.size()))
                : 0);
  InstrReader reader(module.bytes.data(), expr.range.begin, expr.range.end, Features());
  Instr instr;
  // The operand stack; only its depth and top two types matter, and 2.0's expressions hold
  // one value. Arithmetic pops two of its type and pushes one.
  std::vector<ValType> stack;
  while (!reader.at_end()) {
    WS_TRY(reader.next(&instr));
    const OpInfo& info = op_info(instr.op);
    if (!ctx->features.has(info.feature)) return feature_disabled(instr.offset, info);
    if (instr.op == Op::End) {
      if (!reader.at_end()) return malformed(reader.pos(), "section size mismatch");
      if (stack.size() != 1 || !ctx->matches(stack.back(), expected)) {
        return type_mismatch(instr.offset);
      }
      return {};
    }
    const ValType arith = extended ? extended_arith_type(instr.op) : kUnknownType;
    if (arith != kUnknownType) {
      if (stack.size() < 2 || stack[stack.size() - 1] != arith ||
          stack[stack.size() - 2] != arith) {
        return type_mismatch(instr.offset);
      }
      stack.pop_back();
      continue;
    }
    ValType pushed = kUnknownType;
    WS_TRY(const_instr(ctx, instr, visible_globals, &pushed));
    stack.push_back(pushed);
  }
  // The decoder guarantees the final {end}; reaching here means it was missing.
  return malformed(expr.range.end, "unexpected end of section or function");
}

}  // namespace wasmscope::internal::validate_internal
