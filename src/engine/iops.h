// Internal opcodes: the handlers of the interpreter. The first {kOpCount} values are the wasm
// instructions with fixed signatures, run by generated handlers; the rest are internal forms.
#pragma once

#include <cstdint>

#include "engine/fused.h"
#include "spec/opcodes.h"

namespace wasmscope::internal {

// Internal instructions. Operands are listed as the translator emits them (slots unless said).
#define WASMSCOPE_INTERNAL_OPS(X)                                                       \
  X(Unreachable)        /* -                                                        */ \
  X(Br)                 /* rel                                                      */ \
  X(BrBack)             /* rel; safepoint poll                                      */ \
  X(BrIf)               /* cond, rel                                                */ \
  X(BrIfBack)           /* cond, rel; poll                                          */ \
  X(BrUnless)           /* cond, rel                                                */ \
  X(BrTable)            /* index, count, rel[count + 1]                             */ \
  X(Copy)               /* dst, src (one slot)                                      */ \
  X(Copy2)              /* dst, src (two slots: v128)                               */ \
  X(Const32)            /* dst, imm32                                               */ \
  X(Const64)            /* dst, lo, hi                                              */ \
  X(Const128)           /* dst, 4 x u32                                             */ \
  X(Select)             /* dst, a, b, cond                                          */ \
  X(Select2)            /* dst, a, b, cond (v128)                                   */ \
  X(Call)               /* func index, arg base                                     */ \
  X(CallIndirect)       /* type index, table, elem slot, arg base                   */ \
  X(ReturnCall)         /* func index, arg base                                     */ \
  X(ReturnCallIndirect) /* type index, table, elem slot, arg base                   */ \
  X(CallRef)            /* ref slot, arg base (typed function references)           */ \
  X(ReturnCallRef)      /* ref slot, arg base                                       */ \
  X(RefAsNonNullI)      /* ref slot: traps when null                                */ \
  X(Return)             /* - (results already in slots [0, n))                      */ \
  X(GlobalGet)          /* dst, global                                              */ \
  X(GlobalGet2)         /* dst, global (v128)                                       */ \
  X(GlobalSet)          /* global, src                                              */ \
  X(GlobalSet2)         /* global, src (v128)                                       */ \
  X(RefIsNullI)         /* dst, src                                                 */ \
  X(RefFuncI)           /* dst, func index                                          */ \
  X(TableGetI)          /* dst, index slot, table                                   */ \
  X(TableSetI)          /* index slot, value slot, table                            */ \
  X(TableSizeI)         /* dst, table                                               */ \
  X(TableGrowI)         /* dst, init slot, n slot, table                            */ \
  X(TableFillI)         /* i slot, value slot, n slot, table                        */ \
  X(TableCopyI)         /* d, s, n, dst table, src table                            */ \
  X(TableInitI)         /* d, s, n, elem, table                                     */ \
  X(ElemDropI)          /* elem                                                     */ \
  X(MemSelectI)         /* memory: the one memory instructions use until the next   */ \
  X(MemoryCopyMultiI)   /* d, s, n, dst memory, src memory                          */ \
  X(Narrow64I)          /* dst, src, offset lo, offset hi: memory64's narrowing     */ \
  X(ThrowI)             /* tag index, payload base slot                             */ \
  X(ThrowRefI)          /* exnref slot                                              */ \
  X(RethrowI)           /* slot of the caught exception (legacy)                    */

enum class IOp : uint16_t {
  kFirstInternal = kOpCount - 1,
#define WASMSCOPE_IOP_ENUM(name) name,
  WASMSCOPE_INTERNAL_OPS(WASMSCOPE_IOP_ENUM)
#undef WASMSCOPE_IOP_ENUM
  // Fused compare-and-branch: a, b, rel (Eqz forms: a, rel). "Back" forms poll a safepoint.
#define WASMSCOPE_IOP_FUSED(op, neg, type, expr) BrIf_##op, BrIfBack_##op,
  WASMSCOPE_FUSED_COMPARES(WASMSCOPE_IOP_FUSED)
#undef WASMSCOPE_IOP_FUSED
  BrIf_I32Eqz, BrIfBack_I32Eqz, BrIf_I64Eqz, BrIfBack_I64Eqz, BrUnless_I64Eqz,
  // Integer binary ops whose right operand is an immediate: a, dst, imm (i64: lo, hi).
#define IBINOP(name, in, out) Imm_##name,
#include "engine/interp_ops.def"
  kCount,
};
inline constexpr unsigned kIOpCount = static_cast<unsigned>(IOp::kCount);

/// The handler index of a wasm instruction that has a generated handler.
constexpr unsigned handler_index(Op op) { return static_cast<unsigned>(op); }

/// The immediate-operand form of integer binary op {op}, or 0 when it has none.
unsigned immediate_form(Op op);
constexpr unsigned handler_index(IOp op) { return static_cast<unsigned>(op); }

/// Handler addresses of the interpreter, indexed by {handler_index}; null where an
/// instruction has no handler. {explicit_bounds} selects the bounds-checked memory handlers.
const void* const* interpreter_handlers(bool explicit_bounds);

}  // namespace wasmscope::internal
