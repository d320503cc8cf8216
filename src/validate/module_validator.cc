// Module-level validation: types, imports, tables, memories, globals, segments, exports and the
// start function; then every function body through {FunctionValidator}.
#include <string>
#include <string_view>
#include <unordered_set>

#include "validate/internal.h"
#include "validate/validator.h"

namespace wasmscope::internal {
namespace {

using validate_internal::FunctionValidator;
using validate_internal::ModuleContext;
using validate_internal::type_mismatch;
using validate_internal::unknown;
using validate_internal::check_valtype;
using validate_internal::validate_const_expr;

Result<void> check_types(const ModuleContext& ctx) {
  for (uint32_t i = 0; i < ctx.type_count(); ++i) {
    const FuncType& type = ctx.module.types[i];
    if (type.results.size() > 1 && !ctx.features.has(Feature::kMultiValue)) {
      return invalid(0, "invalid result arity");
    }
    // A type may refer to itself and to earlier types (each is its own recursion group).
    for (ValType t : type.params)
      WS_TRY(check_valtype(ctx, 0, t, i + 1));
    for (ValType t : type.results)
      WS_TRY(check_valtype(ctx, 0, t, i + 1));
  }
  return {};
}

Result<void> check_type_index(const ModuleContext& ctx, uint32_t offset, uint32_t index) {
  if (index >= ctx.type_count()) return unknown(offset, "type", index);
  return {};
}

Result<void> check_table_type(uint32_t offset, const TableType& table) {
  const Limits& limits = table.limits;
  // Limits are u64 in the binary with memory64; a 32-bit table's stay below 2^32.
  if (!limits.is64 && (limits.min > UINT32_MAX || (limits.max && *limits.max > UINT32_MAX))) {
    return invalid(offset, "table size must be at most 2^32 - 1 elements");
  }
  if (limits.max && limits.min > *limits.max) {
    return invalid(offset, "size minimum must not be greater than maximum");
  }
  return {};
}

Result<void> check_memory_type(const ModuleContext& ctx, uint32_t offset,
                               const MemoryType& memory) {
  const Limits& limits = memory.limits;
  if (limits.is64) {
    constexpr uint64_t kMax64 = uint64_t{1} << 48;  // 2^64 bytes in 64 KiB pages
    if (limits.min > kMax64 || (limits.max && *limits.max > kMax64)) {
      return invalid(offset, "memory size must be at most 2^48 pages (16 EiB)");
    }
  } else if (limits.min > kMaxMemoryPages || (limits.max && *limits.max > kMaxMemoryPages)) {
    return invalid(offset, "memory size must be at most 65536 pages (4GiB)");
  }
  if (limits.max && limits.min > *limits.max) {
    return invalid(offset, "size minimum must not be greater than maximum");
  }
  if (limits.shared) {
    if (!ctx.features.has(Feature::kThreads)) {
      return invalid(offset, "shared memory requires the threads feature");
    }
    if (!limits.max) return invalid(offset, "shared memory must have maximum");
  }
  return {};
}

/// A tag's type: a function type without results (its params are the exception's payload).
Result<void> check_tag_type(const ModuleContext& ctx, uint32_t offset, uint32_t type) {
  WS_TRY(check_type_index(ctx, offset, type));
  if (!ctx.module.types[type].results.empty()) {
    return invalid(offset, "non-empty tag result type");
  }
  return {};
}

Result<void> check_imports(const ModuleContext& ctx) {
  for (const Import& import : ctx.module.imports) {
    switch (import.kind) {
      case ExternKind::kFunc:
        WS_TRY(check_type_index(ctx, import.offset, import.func_type));
        break;
      case ExternKind::kTable:
        WS_TRY(check_table_type(import.offset, import.table));
        // Typed references (the decoder already gates the short forms).
        if (!import.table.elem.is_short()) {
          WS_TRY(check_valtype(ctx, import.offset, import.table.elem));
        }
        break;
      case ExternKind::kMemory:
        WS_TRY(check_memory_type(ctx, import.offset, import.memory));
        break;
      case ExternKind::kGlobal:
        WS_TRY(check_valtype(ctx, import.offset, import.global.type));
        break;
      case ExternKind::kTag:
        WS_TRY(check_tag_type(ctx, import.offset, import.tag_type));
        break;
    }
  }
  return {};
}

/// Functions, tables and memories defined by the module (their counts include imports).
Result<void> check_definitions(const ModuleContext& ctx) {
  const Module& module = ctx.module;
  for (const Function& func : module.functions) {
    WS_TRY(check_type_index(ctx, func.body.begin, func.type));
  }
  for (const TableType& table : module.tables) {
    WS_TRY(check_table_type(0, table));
    if (!table.elem.is_short()) WS_TRY(check_valtype(ctx, 0, table.elem));
  }
  if (ctx.table_count() > 1 && !ctx.features.has(Feature::kRefTypes)) {
    return invalid(0, "multiple tables");
  }
  for (const MemoryType& memory : module.memories)
    WS_TRY(check_memory_type(ctx, 0, memory));
  if (ctx.memory_count > 1 && !ctx.features.has(Feature::kMultiMemory)) {
    return invalid(0, "multiple memories");
  }
  for (uint32_t type : module.tags)
    WS_TRY(check_tag_type(ctx, 0, type));
  return {};
}

Result<void> check_globals(ModuleContext* ctx) {
  uint32_t defined = 0;
  for (const Global& global : ctx->module.globals) {
    WS_TRY(check_valtype(*ctx, global.init.range.begin, global.type.type));
    WS_TRY(validate_const_expr(ctx, global.init, global.type.type, defined++));
  }
  return {};
}

/// Defined tables' initial values: a table of non-nullable references needs one. Only imported
/// globals come before the table section.
Result<void> check_table_inits(ModuleContext* ctx) {
  const Module& module = ctx->module;
  for (uint32_t i = 0; i < module.tables.size(); ++i) {
    const ConstExpr* init = module.table_init(i);
    if (init == nullptr) {
      if (!module.tables[i].elem.nullable()) return type_mismatch(0);
      continue;
    }
    WS_TRY(validate_const_expr(ctx, *init, module.tables[i].elem, 0));
  }
  return {};
}

Result<void> check_elem(ModuleContext* ctx, const ElemSegment& elem) {
  const uint32_t offset = elem.offset_in_module;
  if (elem.mode == SegmentMode::kActive) {
    if (elem.table >= ctx->table_count()) return unknown(offset, "table", elem.table);
    WS_TRY(validate_const_expr(ctx, elem.offset,
                               ctx->addr.table64[elem.table] ? ValType::kI64 : ValType::kI32));
    if (!ctx->matches(elem.type, ctx->tables[elem.table].elem)) return type_mismatch(offset);
  }
  if (elem.uses_exprs) {
    // (A segment of function indices is of (ref func) whatever the features: not checked.)
    WS_TRY(check_valtype(*ctx, offset, elem.type));
    for (const ConstExpr& expr : elem.exprs)
      WS_TRY(validate_const_expr(ctx, expr, elem.type));
    return {};
  }
  if (elem.type != ValType::kFuncRef) return type_mismatch(offset);
  for (uint32_t func : elem.funcs) {
    if (func >= ctx->func_count()) return unknown(offset, "function", func);
    ctx->declared_funcs[func] = 1;
  }
  return {};
}

Result<void> check_segments(ModuleContext* ctx) {
  for (const ElemSegment& elem : ctx->module.elems)
    WS_TRY(check_elem(ctx, elem));
  for (const DataSegment& data : ctx->module.datas) {
    if (data.mode != SegmentMode::kActive) continue;
    if (data.memory >= ctx->memory_count) {
      return unknown(data.offset_in_module, "memory", data.memory);
    }
    WS_TRY(validate_const_expr(ctx, data.offset,
                               ctx->addr.memory64[data.memory] ? ValType::kI64 : ValType::kI32));
  }
  return {};
}

Result<void> check_exports(ModuleContext* ctx) {
  std::unordered_set<std::string_view> names;
  names.reserve(ctx->module.exports.size());
  for (const Export& ex : ctx->module.exports) {
    const uint32_t i = ex.index;
    switch (ex.kind) {
      case ExternKind::kFunc:
        if (i >= ctx->func_count()) return unknown(ex.offset, "function", i);
        ctx->declared_funcs[i] = 1;
        break;
      case ExternKind::kTable:
        if (i >= ctx->table_count()) return unknown(ex.offset, "table", i);
        break;
      case ExternKind::kMemory:
        if (i >= ctx->memory_count) return unknown(ex.offset, "memory", i);
        break;
      case ExternKind::kGlobal:
        if (i >= ctx->global_count()) return unknown(ex.offset, "global", i);
        break;
      case ExternKind::kTag:
        if (i >= ctx->tag_count()) return unknown(ex.offset, "tag", i);
        break;
    }
    if (!names.insert(ex.name).second) return invalid(ex.offset, "duplicate export name");
  }
  return {};
}

Result<void> check_start(const ModuleContext& ctx) {
  if (!ctx.module.start) return {};
  const uint32_t func = *ctx.module.start;
  if (func >= ctx.func_count()) return unknown(0, "function", func);
  const FuncType& type = ctx.func_type(func);
  if (!type.params.empty() || !type.results.empty()) return invalid(0, "start function");
  return {};
}

}  // namespace

Result<ModuleFacts> validate_module(const Module& module, Features features) {
  ModuleContext ctx(module, features);
  WS_TRY(check_types(ctx));
  WS_TRY(check_imports(ctx));
  WS_TRY(check_definitions(ctx));
  // Globals, segments and exports before bodies: they fill {declared_funcs} for ref.func.
  WS_TRY(check_table_inits(&ctx));
  WS_TRY(check_globals(&ctx));
  WS_TRY(check_segments(&ctx));
  WS_TRY(check_exports(&ctx));
  WS_TRY(check_start(ctx));

  ModuleFacts facts;
  facts.functions.resize(module.functions.size());
  FunctionValidator validator(ctx);
  for (uint32_t i = 0; i < module.functions.size(); ++i) {
    WS_TRY(validator.validate(i, &facts.functions[i]));
  }
  return facts;
}

}  // namespace wasmscope::internal
