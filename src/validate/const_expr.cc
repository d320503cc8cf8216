// Constant expressions: the initializers of globals and the offsets and items of segments.
#include "validate/internal.h"

namespace wasmscope::internal::validate_internal {
namespace {

/// Checks one instruction of a constant expression and gives the type it pushes.
Result<void> const_instr(ModuleContext* ctx, const Instr& instr, ValType* pushed) {
  switch (instr.op) {
    case Op::I32Const:
    case Op::I64Const:
    case Op::F32Const:
    case Op::F64Const:
    case Op::V128Const:
      *pushed = type_of_letter(op_info(instr.op).results[0]);
      return {};
    case Op::RefNull:
      *pushed = instr.type;
      return {};
    case Op::RefFunc:
      if (instr.index >= ctx->func_count()) return unknown(instr.offset, "function", instr.index);
      ctx->declared_funcs[instr.index] = 1;
      *pushed = ValType::kFuncRef;
      return {};
    case Op::GlobalGet: {
      // Only imported globals are visible to constant expressions (WebAssembly 2.0).
      if (instr.index >= ctx->module.imported_globals) {
        return unknown(instr.offset, "global", instr.index);
      }
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

Result<void> validate_const_expr(ModuleContext* ctx, const ConstExpr& expr, ValType expected) {
  const Module& module = ctx->module;
  InstrReader reader(module.bytes.data(), expr.range.begin, expr.range.end, Features());
  Instr instr;
  uint32_t depth = 0;  // Values on the stack; each must be the one result.
  ValType top = kUnknownType;
  while (!reader.at_end()) {
    WS_TRY(reader.next(&instr));
    const OpInfo& info = op_info(instr.op);
    if (!ctx->features.has(info.feature)) return feature_disabled(instr.offset, info);
    if (instr.op == Op::End) {
      if (!reader.at_end()) return malformed(reader.pos(), "section size mismatch");
      if (depth != 1 || top != expected) return type_mismatch(instr.offset);
      return {};
    }
    WS_TRY(const_instr(ctx, instr, &top));
    ++depth;
  }
  // The decoder guarantees the final {end}; reaching here means it was missing.
  return malformed(expr.range.end, "unexpected end of section or function");
}

}  // namespace wasmscope::internal::validate_internal
