// The compiled tier's SIMD instructions (the fixed-width SIMD proposal, 0xFD prefix).
//
// A v128 has one LLVM type everywhere, {ModuleGen::v128}: each instruction bitcasts its
// operands to the lanes it works on (its mnemonic's prefix: i8x16, f64x2...) and its result
// back, which costs nothing in machine code. The semantics are the spec's, as the
// interpreter's engine/simd_int.h and engine/simd_float.h state them lane by lane.
#include <llvm/IR/IntrinsicsX86.h>

#include <cstdint>
#include <string_view>
#include <vector>

#include "compiler/func_gen.h"

namespace wasmscope::internal::compiler {
namespace {

/// The lanes of a v128.
struct Shape {
  unsigned lanes;
  unsigned bits;
  bool is_float;
};

constexpr Shape kI8x16{16, 8, false};
constexpr Shape kI16x8{8, 16, false};
constexpr Shape kI32x4{4, 32, false};
constexpr Shape kI64x2{2, 64, false};
constexpr Shape kF32x4{4, 32, true};
constexpr Shape kF64x2{2, 64, true};

/// The shape an instruction's mnemonic starts with ("i16x8.add": 8 x i16); v128.* is bitwise.
Shape shape_of(Op op) {
  const std::string_view text = op_info(op).text;
  if (text.starts_with("i8x16")) return kI8x16;
  if (text.starts_with("i16x8")) return kI16x8;
  if (text.starts_with("i64x2")) return kI64x2;
  if (text.starts_with("f32x4")) return kF32x4;
  if (text.starts_with("f64x2")) return kF64x2;
  return kI32x4;
}

/// The integer lanes half as wide and twice as many as {s}: what {s} extends from.
Shape narrower(Shape s) { return {s.lanes * 2, s.bits / 2, false}; }

/// Lane indices {first}, {first + step}, ... ({count} of them), for shufflevector.
std::vector<int> lane_run(unsigned first, unsigned count, unsigned step = 1) {
  std::vector<int> mask(count);
  for (unsigned i = 0; i < count; ++i) mask[i] = static_cast<int>(first + i * step);
  return mask;
}

/// True for the signed variants among the instructions that come in _s and _u forms.
bool is_signed_op(Op op) {
  const std::string_view text = op_info(op).text;
  return text.ends_with("_s") || text.ends_with("_s_zero");
}

/// Relaxed SIMD (WebAssembly 3.0) compiles as the interpreter runs it (engine/simd_int.h,
/// simd_float.h): each relaxed instruction with a non-relaxed counterpart as that one; the
/// rest (multiply-add, dot products) have cases of their own.
Op deterministic_op(Op op) {
  switch (op) {
    case Op::I8x16RelaxedSwizzle: return Op::I8x16Swizzle;
    case Op::I32x4RelaxedTruncF32x4S: return Op::I32x4TruncSatF32x4S;
    case Op::I32x4RelaxedTruncF32x4U: return Op::I32x4TruncSatF32x4U;
    case Op::I32x4RelaxedTruncF64x2SZero: return Op::I32x4TruncSatF64x2SZero;
    case Op::I32x4RelaxedTruncF64x2UZero: return Op::I32x4TruncSatF64x2UZero;
    case Op::I8x16RelaxedLaneselect:
    case Op::I16x8RelaxedLaneselect:
    case Op::I32x4RelaxedLaneselect:
    case Op::I64x2RelaxedLaneselect: return Op::V128Bitselect;
    case Op::F32x4RelaxedMin: return Op::F32x4Min;
    case Op::F32x4RelaxedMax: return Op::F32x4Max;
    case Op::F64x2RelaxedMin: return Op::F64x2Min;
    case Op::F64x2RelaxedMax: return Op::F64x2Max;
    case Op::I16x8RelaxedQ15mulrS: return Op::I16x8Q15mulrSatS;
    default: return op;
  }
}

}  // namespace

Result<void> FuncGen::simd_instruction(const Instr& in) {
  const Op op = deterministic_op(in.op);
  const Shape s = shape_of(op);
  const bool is_signed = is_signed_op(op);

  auto int_type = [&](unsigned bits) { return b_.getIntNTy(bits); };
  auto vec = [&](Shape sh) -> Type* {
    Type* elem = !sh.is_float ? int_type(sh.bits) : sh.bits == 32 ? g_.f32 : g_.f64;
    return llvm::FixedVectorType::get(elem, sh.lanes);
  };
  auto int_vec = [&](Shape sh) { return vec({sh.lanes, sh.bits, false}); };
  auto splat = [&](Shape sh, int64_t v) { return llvm::ConstantInt::get(int_vec(sh), v, true); };
  auto as = [&](Value* v, Shape sh) { return b_.CreateBitCast(v, vec(sh)); };
  auto pop_as = [&](Shape sh) { return as(pop(), sh); };
  auto result = [&](Value* v) { push(b_.CreateBitCast(v, g_.v128)); };
  auto unary = [&](auto make) { result(make(pop_as(s))); };
  auto binary = [&](auto make) {
    Value* rhs = pop_as(s);
    Value* lhs = pop_as(s);
    result(make(lhs, rhs));
  };
  auto intrinsic1 = [&](llvm::Intrinsic::ID id) {
    unary([&](Value* a) { return call_intrinsic(id, {a->getType()}, {a}); });
  };
  auto intrinsic2 = [&](llvm::Intrinsic::ID id) {
    binary([&](Value* a, Value* c) { return call_intrinsic(id, {a->getType()}, {a, c}); });
  };
  auto icmp = [&](llvm::CmpInst::Predicate p) {
    binary([&](Value* a, Value* c) { return b_.CreateSExt(b_.CreateICmp(p, a, c), int_vec(s)); });
  };
  auto fcmp = [&](llvm::CmpInst::Predicate p) {
    binary([&](Value* a, Value* c) { return b_.CreateSExt(b_.CreateFCmp(p, a, c), int_vec(s)); });
  };
  auto extend = [&](Value* v, Shape to) {
    return is_signed ? b_.CreateSExt(v, int_vec(to)) : b_.CreateZExt(v, int_vec(to));
  };
  // The low or high half of the lanes of the v128 {v} taken as {from}.
  auto half = [&](Value* v, Shape from, bool high) {
    const unsigned n = from.lanes / 2;
    return b_.CreateShuffleVector(as(v, from), lane_run(high ? n : 0, n));
  };
  // Saturating float -> i32 lanes. llvm.fptosi.sat is scalarized on vectors, so: the plain
  // conversion (cvttps2dq and the like), whose out-of-range lanes are poison, then each such
  // lane replaced by its saturated value (a select does not propagate the operand it drops).
  auto trunc_sat = [&](Value* x, Type* to) {
    Type* t = x->getType();
    const bool is_f32 = t->getScalarType() == g_.f32;
    auto fp = [&](double v) { return llvm::ConstantFP::get(t, v); };
    auto lanes = [&](int64_t v) { return llvm::ConstantInt::get(to, v, true); };
    Value* zero = llvm::Constant::getNullValue(to);
    if (!is_signed) {
      Value* r = b_.CreateFPToUI(x, to);
      r = b_.CreateSelect(b_.CreateFCmpOGE(x, fp(4294967296.0)), lanes(-1), r);
      return b_.CreateSelect(b_.CreateFCmpULE(x, fp(-1.0)), zero, r);  // NaN too
    }
    Value* r = b_.CreateFPToSI(x, to);
    r = b_.CreateSelect(b_.CreateFCmpOGE(x, fp(2147483648.0)), lanes(INT32_MAX), r);
    // Below the range: under -2^31 for f32, at or under -2^31 - 1 for f64 (whose fractions
    // above it still truncate to INT32_MIN).
    Value* below = is_f32 ? b_.CreateFCmpOLT(x, fp(-2147483648.0))
                          : b_.CreateFCmpOLE(x, fp(-2147483649.0));
    r = b_.CreateSelect(below, lanes(INT32_MIN), r);
    return b_.CreateSelect(b_.CreateFCmpUNO(x, x), zero, r);
  };
  // LLVM folds x - 0.0, x * 1.0 and the like to x, but wasm must quieten a signalling NaN x:
  // constant operands of float arithmetic stay opaque.
  auto opaque_constant = [&](Value* v) { return llvm::isa<llvm::Constant>(v) ? opaque(v) : v; };
  auto farith = [&](llvm::Instruction::BinaryOps kind) {
    binary([&](Value* a, Value* c) {
      return b_.CreateBinOp(kind, opaque_constant(a), opaque_constant(c));
    });
  };

  // Linear memory at the popped address plus the offset; the access size (what explicit bounds
  // check) is the opcode table's.
  auto mem_load = [&](Type* t) -> Value* {
    Value* addr = memory_address(pop(), in.mem.offset, op_info(op).arg);
    llvm::LoadInst* v = b_.CreateAlignedLoad(t, addr, llvm::Align(1));
    mark_memory_load(v);
    keep_load(v);
    return v;
  };
  auto mem_store = [&](Value* v) {
    Value* addr = memory_address(pop(), in.mem.offset, op_info(op).arg);
    llvm::StoreInst* st = b_.CreateAlignedStore(v, addr, llvm::Align(1));
    mark_memory_access(st);
  };
  auto load_extend_half = [&](Shape to) {
    const Shape from{to.lanes, to.bits / 2, false};
    result(extend(mem_load(int_vec(from)), to));
  };
  auto load_splat = [&](Shape sh) {
    result(b_.CreateVectorSplat(sh.lanes, mem_load(int_type(sh.bits))));
  };
  auto load_zero = [&](Shape sh) {
    Value* zero = llvm::Constant::getNullValue(int_vec(sh));
    result(b_.CreateInsertElement(zero, mem_load(int_type(sh.bits)), uint64_t{0}));
  };
  auto load_lane = [&](Shape sh) {
    Value* v = pop_as(sh);
    result(b_.CreateInsertElement(v, mem_load(int_type(sh.bits)), in.lane));
  };
  auto store_lane = [&](Shape sh) { mem_store(b_.CreateExtractElement(pop_as(sh), in.lane)); };

  switch (op) {
    // ---- Memory ----
    case Op::V128Load: push(mem_load(g_.v128)); return {};
    case Op::V128Load8x8S: case Op::V128Load8x8U: load_extend_half(kI16x8); return {};
    case Op::V128Load16x4S: case Op::V128Load16x4U: load_extend_half(kI32x4); return {};
    case Op::V128Load32x2S: case Op::V128Load32x2U: load_extend_half(kI64x2); return {};
    case Op::V128Load8Splat: load_splat(kI8x16); return {};
    case Op::V128Load16Splat: load_splat(kI16x8); return {};
    case Op::V128Load32Splat: load_splat(kI32x4); return {};
    case Op::V128Load64Splat: load_splat(kI64x2); return {};
    case Op::V128Load32Zero: load_zero(kI32x4); return {};
    case Op::V128Load64Zero: load_zero(kI64x2); return {};
    case Op::V128Load8Lane: load_lane(kI8x16); return {};
    case Op::V128Load16Lane: load_lane(kI16x8); return {};
    case Op::V128Load32Lane: load_lane(kI32x4); return {};
    case Op::V128Load64Lane: load_lane(kI64x2); return {};
    case Op::V128Store: mem_store(pop()); return {};
    case Op::V128Store8Lane: store_lane(kI8x16); return {};
    case Op::V128Store16Lane: store_lane(kI16x8); return {};
    case Op::V128Store32Lane: store_lane(kI32x4); return {};
    case Op::V128Store64Lane: store_lane(kI64x2); return {};

    // ---- Constants, shuffles, lanes ----
    case Op::V128Const: {
      uint32_t words[4];
      for (unsigned i = 0; i < 4; ++i) {
        words[i] = 0;
        for (unsigned k = 0; k < 4; ++k) words[i] |= uint32_t{in.v128[4 * i + k]} << (8 * k);
      }
      push(llvm::ConstantDataVector::get(g_.ctx, llvm::ArrayRef<uint32_t>(words)));
      return {};
    }
    case Op::I8x16Shuffle:
      binary([&](Value* a, Value* c) {
        return b_.CreateShuffleVector(a, c, std::vector<int>(in.v128, in.v128 + 16));
      });
      return {};
    case Op::I8x16Swizzle:
      binary([&](Value* a, Value* idx) -> Value* {
        if (g_.has_ssse3) {
          // pshufb gives 0 for an index with its top bit set and otherwise uses its low 4
          // bits: a saturating add of 0x70 sends 16..255, and only those, to the top half.
          Value* sat = call_intrinsic(llvm::Intrinsic::uadd_sat, {idx->getType()},
                                      {idx, splat(kI8x16, 0x70)});
          return b_.CreateCall(
              llvm::Intrinsic::getDeclaration(&g_.mod, llvm::Intrinsic::x86_ssse3_pshuf_b_128),
              {a, sat});
        }
        Value* r = llvm::Constant::getNullValue(a->getType());
        for (unsigned i = 0; i < 16; ++i) {
          Value* k = b_.CreateExtractElement(idx, i);
          Value* lane = b_.CreateExtractElement(a, b_.CreateAnd(k, 15));
          lane = b_.CreateSelect(b_.CreateICmpULT(k, b_.getInt8(16)), lane, b_.getInt8(0));
          r = b_.CreateInsertElement(r, lane, i);
        }
        return r;
      });
      return {};
    case Op::I8x16Splat: case Op::I16x8Splat: case Op::I32x4Splat: case Op::I64x2Splat:
    case Op::F32x4Splat: case Op::F64x2Splat: {
      Value* x = pop();
      if (!s.is_float && s.bits < 32) x = b_.CreateTrunc(x, int_type(s.bits));
      result(b_.CreateVectorSplat(s.lanes, x));
      return {};
    }
    case Op::I8x16ExtractLaneS: case Op::I8x16ExtractLaneU:
    case Op::I16x8ExtractLaneS: case Op::I16x8ExtractLaneU:
    {
      Value* x = b_.CreateExtractElement(pop_as(s), in.lane);
      push(is_signed ? b_.CreateSExt(x, g_.i32) : b_.CreateZExt(x, g_.i32));
      return {};
    }
    case Op::I32x4ExtractLane: case Op::I64x2ExtractLane:
    case Op::F32x4ExtractLane: case Op::F64x2ExtractLane:
      push(b_.CreateExtractElement(pop_as(s), in.lane));
      return {};
    case Op::I8x16ReplaceLane: case Op::I16x8ReplaceLane: case Op::I32x4ReplaceLane:
    case Op::I64x2ReplaceLane: case Op::F32x4ReplaceLane: case Op::F64x2ReplaceLane: {
      Value* x = pop();
      if (!s.is_float && s.bits < 32) x = b_.CreateTrunc(x, int_type(s.bits));
      result(b_.CreateInsertElement(pop_as(s), x, in.lane));
      return {};
    }

    // ---- Comparisons ----
    case Op::I8x16Eq: case Op::I16x8Eq: case Op::I32x4Eq: case Op::I64x2Eq:
      icmp(llvm::CmpInst::ICMP_EQ);
      return {};
    case Op::I8x16Ne: case Op::I16x8Ne: case Op::I32x4Ne: case Op::I64x2Ne:
      icmp(llvm::CmpInst::ICMP_NE);
      return {};
    case Op::I8x16LtS: case Op::I16x8LtS: case Op::I32x4LtS: case Op::I64x2LtS:
      icmp(llvm::CmpInst::ICMP_SLT);
      return {};
    case Op::I8x16LtU: case Op::I16x8LtU: case Op::I32x4LtU: icmp(llvm::CmpInst::ICMP_ULT); return {};
    case Op::I8x16GtS: case Op::I16x8GtS: case Op::I32x4GtS: case Op::I64x2GtS:
      icmp(llvm::CmpInst::ICMP_SGT);
      return {};
    case Op::I8x16GtU: case Op::I16x8GtU: case Op::I32x4GtU: icmp(llvm::CmpInst::ICMP_UGT); return {};
    case Op::I8x16LeS: case Op::I16x8LeS: case Op::I32x4LeS: case Op::I64x2LeS:
      icmp(llvm::CmpInst::ICMP_SLE);
      return {};
    case Op::I8x16LeU: case Op::I16x8LeU: case Op::I32x4LeU: icmp(llvm::CmpInst::ICMP_ULE); return {};
    case Op::I8x16GeS: case Op::I16x8GeS: case Op::I32x4GeS: case Op::I64x2GeS:
      icmp(llvm::CmpInst::ICMP_SGE);
      return {};
    case Op::I8x16GeU: case Op::I16x8GeU: case Op::I32x4GeU: icmp(llvm::CmpInst::ICMP_UGE); return {};
    case Op::F32x4Eq: case Op::F64x2Eq: fcmp(llvm::CmpInst::FCMP_OEQ); return {};
    case Op::F32x4Ne: case Op::F64x2Ne: fcmp(llvm::CmpInst::FCMP_UNE); return {};
    case Op::F32x4Lt: case Op::F64x2Lt: fcmp(llvm::CmpInst::FCMP_OLT); return {};
    case Op::F32x4Gt: case Op::F64x2Gt: fcmp(llvm::CmpInst::FCMP_OGT); return {};
    case Op::F32x4Le: case Op::F64x2Le: fcmp(llvm::CmpInst::FCMP_OLE); return {};
    case Op::F32x4Ge: case Op::F64x2Ge: fcmp(llvm::CmpInst::FCMP_OGE); return {};

    // ---- Bitwise and tests ----
    case Op::V128Not: unary([&](Value* a) { return b_.CreateNot(a); }); return {};
    case Op::V128And: binary([&](Value* a, Value* c) { return b_.CreateAnd(a, c); }); return {};
    case Op::V128Andnot:
      binary([&](Value* a, Value* c) { return b_.CreateAnd(a, b_.CreateNot(c)); });
      return {};
    case Op::V128Or: binary([&](Value* a, Value* c) { return b_.CreateOr(a, c); }); return {};
    case Op::V128Xor: binary([&](Value* a, Value* c) { return b_.CreateXor(a, c); }); return {};
    case Op::V128Bitselect: {
      Value* mask = pop();
      Value* if_clear = pop();
      Value* if_set = pop();
      result(b_.CreateOr(b_.CreateAnd(if_set, mask), b_.CreateAnd(if_clear, b_.CreateNot(mask))));
      return {};
    }
    case Op::V128AnyTrue:
      push(from_bool(to_bool(b_.CreateBitCast(pop(), b_.getInt128Ty()))));
      return {};
    case Op::I8x16AllTrue: case Op::I16x8AllTrue: case Op::I32x4AllTrue: case Op::I64x2AllTrue: {
      Value* nonzero = b_.CreateICmpNE(pop_as(s), llvm::Constant::getNullValue(int_vec(s)));
      Value* bits = b_.CreateBitCast(nonzero, int_type(s.lanes));
      push(from_bool(b_.CreateICmpEQ(bits, llvm::Constant::getAllOnesValue(bits->getType()))));
      return {};
    }
    case Op::I8x16Bitmask: case Op::I16x8Bitmask: case Op::I32x4Bitmask: case Op::I64x2Bitmask: {
      Value* negative = b_.CreateICmpSLT(pop_as(s), llvm::Constant::getNullValue(int_vec(s)));
      push(b_.CreateZExt(b_.CreateBitCast(negative, int_type(s.lanes)), g_.i32));
      return {};
    }

    // ---- Integer arithmetic ----
    case Op::I8x16Abs: case Op::I16x8Abs: case Op::I32x4Abs: case Op::I64x2Abs:
      unary([&](Value* a) {
        return call_intrinsic(llvm::Intrinsic::abs, {a->getType()}, {a, b_.getFalse()});
      });
      return {};
    case Op::I8x16Neg: case Op::I16x8Neg: case Op::I32x4Neg: case Op::I64x2Neg:
      unary([&](Value* a) { return b_.CreateNeg(a); });
      return {};
    case Op::I8x16Popcnt: intrinsic1(llvm::Intrinsic::ctpop); return {};
    case Op::I8x16Add: case Op::I16x8Add: case Op::I32x4Add: case Op::I64x2Add:
      binary([&](Value* a, Value* c) { return b_.CreateAdd(a, c); });
      return {};
    case Op::I8x16Sub: case Op::I16x8Sub: case Op::I32x4Sub: case Op::I64x2Sub:
      binary([&](Value* a, Value* c) { return b_.CreateSub(a, c); });
      return {};
    case Op::I16x8Mul: case Op::I32x4Mul: case Op::I64x2Mul:
      binary([&](Value* a, Value* c) { return b_.CreateMul(a, c); });
      return {};
    case Op::I8x16AddSatS: case Op::I16x8AddSatS: intrinsic2(llvm::Intrinsic::sadd_sat); return {};
    case Op::I8x16AddSatU: case Op::I16x8AddSatU: intrinsic2(llvm::Intrinsic::uadd_sat); return {};
    case Op::I8x16SubSatS: case Op::I16x8SubSatS: intrinsic2(llvm::Intrinsic::ssub_sat); return {};
    case Op::I8x16SubSatU: case Op::I16x8SubSatU: intrinsic2(llvm::Intrinsic::usub_sat); return {};
    case Op::I8x16MinS: case Op::I16x8MinS: case Op::I32x4MinS: intrinsic2(llvm::Intrinsic::smin); return {};
    case Op::I8x16MinU: case Op::I16x8MinU: case Op::I32x4MinU: intrinsic2(llvm::Intrinsic::umin); return {};
    case Op::I8x16MaxS: case Op::I16x8MaxS: case Op::I32x4MaxS: intrinsic2(llvm::Intrinsic::smax); return {};
    case Op::I8x16MaxU: case Op::I16x8MaxU: case Op::I32x4MaxU: intrinsic2(llvm::Intrinsic::umax); return {};
    case Op::I8x16AvgrU: case Op::I16x8AvgrU:
      // (a + b + 1) / 2 without overflow: in lanes twice as wide (pavgb, pavgw).
      binary([&](Value* a, Value* c) {
        Shape wide{s.lanes, s.bits * 2, false};
        Value* sum = b_.CreateAdd(b_.CreateZExt(a, int_vec(wide)), b_.CreateZExt(c, int_vec(wide)));
        sum = b_.CreateAdd(sum, splat(wide, 1));
        return b_.CreateTrunc(b_.CreateLShr(sum, splat(wide, 1)), int_vec(s));
      });
      return {};
    case Op::I8x16Shl: case Op::I16x8Shl: case Op::I32x4Shl: case Op::I64x2Shl:
    case Op::I8x16ShrS: case Op::I16x8ShrS: case Op::I32x4ShrS: case Op::I64x2ShrS:
    case Op::I8x16ShrU: case Op::I16x8ShrU: case Op::I32x4ShrU: case Op::I64x2ShrU: {
      const std::string_view text = op_info(op).text;
      const auto kind = text.ends_with("shl")      ? llvm::Instruction::Shl
                        : text.ends_with("shr_s") ? llvm::Instruction::AShr
                                                  : llvm::Instruction::LShr;
      // The count is taken modulo the lane width.
      Value* count = b_.CreateAnd(pop(), s.bits - 1);
      count = b_.CreateZExtOrTrunc(count, int_type(s.bits));
      result(b_.CreateBinOp(kind, pop_as(s), b_.CreateVectorSplat(s.lanes, count)));
      return {};
    }
    case Op::I8x16NarrowI16x8S: case Op::I8x16NarrowI16x8U:
    case Op::I16x8NarrowI32x4S: case Op::I16x8NarrowI32x4U: {
      // Both operands' lanes, saturated to the narrow lanes' range (packsswb and the like).
      const Shape from{s.lanes / 2, s.bits * 2, false};
      const Shape both{s.lanes, s.bits * 2, false};
      Value* rhs = pop_as(from);
      Value* lhs = pop_as(from);
      Value* v = b_.CreateShuffleVector(lhs, rhs, lane_run(0, s.lanes));
      const int64_t lo = is_signed ? -(int64_t{1} << (s.bits - 1)) : 0;
      const int64_t hi = is_signed ? (int64_t{1} << (s.bits - 1)) - 1 : (int64_t{1} << s.bits) - 1;
      v = call_intrinsic(llvm::Intrinsic::smax, {v->getType()}, {v, splat(both, lo)});
      v = call_intrinsic(llvm::Intrinsic::smin, {v->getType()}, {v, splat(both, hi)});
      result(b_.CreateTrunc(v, int_vec(s)));
      return {};
    }
    case Op::I16x8ExtendLowI8x16S: case Op::I16x8ExtendLowI8x16U:
    case Op::I32x4ExtendLowI16x8S: case Op::I32x4ExtendLowI16x8U:
    case Op::I64x2ExtendLowI32x4S: case Op::I64x2ExtendLowI32x4U:
      result(extend(half(pop(), narrower(s), false), s));
      return {};
    case Op::I16x8ExtendHighI8x16S: case Op::I16x8ExtendHighI8x16U:
    case Op::I32x4ExtendHighI16x8S: case Op::I32x4ExtendHighI16x8U:
    case Op::I64x2ExtendHighI32x4S: case Op::I64x2ExtendHighI32x4U:
      result(extend(half(pop(), narrower(s), true), s));
      return {};
    case Op::I16x8ExtmulLowI8x16S: case Op::I16x8ExtmulLowI8x16U:
    case Op::I32x4ExtmulLowI16x8S: case Op::I32x4ExtmulLowI16x8U:
    case Op::I64x2ExtmulLowI32x4S: case Op::I64x2ExtmulLowI32x4U:
    case Op::I16x8ExtmulHighI8x16S: case Op::I16x8ExtmulHighI8x16U:
    case Op::I32x4ExtmulHighI16x8S: case Op::I32x4ExtmulHighI16x8U:
    case Op::I64x2ExtmulHighI32x4S: case Op::I64x2ExtmulHighI32x4U: {
      const bool high = op_info(op).text.find("high") != std::string_view::npos;
      Value* rhs = extend(half(pop(), narrower(s), high), s);
      Value* lhs = extend(half(pop(), narrower(s), high), s);
      result(b_.CreateMul(lhs, rhs));
      return {};
    }
    case Op::I16x8ExtaddPairwiseI8x16S: case Op::I16x8ExtaddPairwiseI8x16U:
    case Op::I32x4ExtaddPairwiseI16x8S: case Op::I32x4ExtaddPairwiseI16x8U: {
      const Shape from = narrower(s);
      Value* wide = extend(pop_as(from), {from.lanes, s.bits, false});
      Value* even = b_.CreateShuffleVector(wide, lane_run(0, s.lanes, 2));
      Value* odd = b_.CreateShuffleVector(wide, lane_run(1, s.lanes, 2));
      result(b_.CreateAdd(even, odd));
      return {};
    }
    case Op::I16x8Q15mulrSatS:
      // (a * b + 0x4000) >> 15; only -0x8000 * -0x8000 leaves the i16 range.
      binary([&](Value* a, Value* c) -> Value* {
        if (g_.has_ssse3) {
          // pmulhrsw computes exactly that, wrapping the one overflow to -0x8000: flip it.
          Value* r = b_.CreateCall(
              llvm::Intrinsic::getDeclaration(&g_.mod, llvm::Intrinsic::x86_ssse3_pmul_hr_sw_128),
              {a, c});
          Value* wrapped = b_.CreateICmpEQ(r, splat(kI16x8, -0x8000));
          return b_.CreateXor(r, b_.CreateSExt(wrapped, r->getType()));
        }
        const Shape wide{8, 32, false};
        Value* p = b_.CreateMul(b_.CreateSExt(a, int_vec(wide)), b_.CreateSExt(c, int_vec(wide)));
        p = b_.CreateAShr(b_.CreateAdd(p, splat(wide, 0x4000)), splat(wide, 15));
        p = call_intrinsic(llvm::Intrinsic::smin, {p->getType()}, {p, splat(wide, 0x7fff)});
        return b_.CreateTrunc(p, int_vec(s));
      });
      return {};
    case Op::I32x4DotI16x8S: {
      const Shape wide{8, 32, false};
      Value* rhs = b_.CreateSExt(pop_as(kI16x8), int_vec(wide));
      Value* lhs = b_.CreateSExt(pop_as(kI16x8), int_vec(wide));
      Value* p = b_.CreateMul(lhs, rhs);
      Value* even = b_.CreateShuffleVector(p, lane_run(0, 4, 2));
      Value* odd = b_.CreateShuffleVector(p, lane_run(1, 4, 2));
      result(b_.CreateAdd(even, odd));
      return {};
    }

    case Op::I16x8RelaxedDotI8x16I7x16S: {
      // Both operands signed; the i16 sum of two products wraps.
      const Shape wide{16, 16, false};
      Value* rhs = b_.CreateSExt(pop_as(kI8x16), int_vec(wide));
      Value* lhs = b_.CreateSExt(pop_as(kI8x16), int_vec(wide));
      Value* p = b_.CreateMul(lhs, rhs);
      Value* even = b_.CreateShuffleVector(p, lane_run(0, 8, 2));
      Value* odd = b_.CreateShuffleVector(p, lane_run(1, 8, 2));
      result(b_.CreateAdd(even, odd));
      return {};
    }
    case Op::I32x4RelaxedDotI8x16I7x16AddS: {
      // Both operands signed; four products summed exactly in i32, plus the accumulator.
      const Shape wide{16, 32, false};
      Value* acc = pop_as(kI32x4);
      Value* rhs = b_.CreateSExt(pop_as(kI8x16), int_vec(wide));
      Value* lhs = b_.CreateSExt(pop_as(kI8x16), int_vec(wide));
      Value* p = b_.CreateMul(lhs, rhs);
      Value* sum = acc;
      for (unsigned k = 0; k < 4; ++k) sum = b_.CreateAdd(sum, b_.CreateShuffleVector(p, lane_run(k, 4, 4)));
      result(sum);
      return {};
    }

    // ---- Floating-point arithmetic ----
    case Op::F32x4RelaxedMadd: case Op::F64x2RelaxedMadd:
    case Op::F32x4RelaxedNmadd: case Op::F64x2RelaxedNmadd: {
      // Rounded twice, as the interpreter does: an fmul and an fadd LLVM may not contract.
      const bool negate = op == Op::F32x4RelaxedNmadd || op == Op::F64x2RelaxedNmadd;
      Value* addend = pop_as(s);
      Value* rhs = pop_as(s);
      Value* lhs = pop_as(s);
      Value* product = b_.CreateFMul(lhs, rhs);
      if (negate) product = b_.CreateFNeg(product);
      result(b_.CreateFAdd(product, addend));
      return {};
    }
    case Op::F32x4Abs: case Op::F64x2Abs: intrinsic1(llvm::Intrinsic::fabs); return {};
    case Op::F32x4Neg: case Op::F64x2Neg: unary([&](Value* a) { return b_.CreateFNeg(a); }); return {};
    case Op::F32x4Sqrt: case Op::F64x2Sqrt: intrinsic1(llvm::Intrinsic::sqrt); return {};
    case Op::F32x4Ceil: case Op::F64x2Ceil: intrinsic1(llvm::Intrinsic::ceil); return {};
    case Op::F32x4Floor: case Op::F64x2Floor: intrinsic1(llvm::Intrinsic::floor); return {};
    case Op::F32x4Trunc: case Op::F64x2Trunc: intrinsic1(llvm::Intrinsic::trunc); return {};
    case Op::F32x4Nearest: case Op::F64x2Nearest: intrinsic1(llvm::Intrinsic::roundeven); return {};
    case Op::F32x4Add: case Op::F64x2Add: farith(llvm::Instruction::FAdd); return {};
    case Op::F32x4Sub: case Op::F64x2Sub: farith(llvm::Instruction::FSub); return {};
    case Op::F32x4Mul: case Op::F64x2Mul: farith(llvm::Instruction::FMul); return {};
    case Op::F32x4Div: case Op::F64x2Div: farith(llvm::Instruction::FDiv); return {};
    case Op::F32x4Min: case Op::F64x2Min:
    case Op::F32x4Max: case Op::F64x2Max: {
      // As the scalar min and max: llvm.minimum/maximum per lane (NaN if either is, -0 < +0),
      // but a lane with a NaN operand takes their sum, which is a quiet NaN.
      const bool is_min = op == Op::F32x4Min || op == Op::F64x2Min;
      binary([&](Value* a, Value* c) {
        Value* r = call_intrinsic(is_min ? llvm::Intrinsic::minimum : llvm::Intrinsic::maximum,
                                  {a->getType()}, {a, c});
        Value* nan = b_.CreateFAdd(opaque_constant(a), opaque_constant(c));
        return b_.CreateSelect(b_.CreateFCmpUNO(a, c), nan, r);
      });
      return {};
    }
    case Op::F32x4Pmin: case Op::F64x2Pmin:
      // b < a ? b : a, operands as they are (NaNs included).
      binary([&](Value* a, Value* c) { return b_.CreateSelect(b_.CreateFCmpOLT(c, a), c, a); });
      return {};
    case Op::F32x4Pmax: case Op::F64x2Pmax:
      // a < b ? b : a.
      binary([&](Value* a, Value* c) { return b_.CreateSelect(b_.CreateFCmpOLT(a, c), c, a); });
      return {};

    // ---- Conversions ----
    case Op::I32x4TruncSatF32x4S: case Op::I32x4TruncSatF32x4U:
      result(trunc_sat(pop_as(kF32x4), int_vec(kI32x4)));
      return {};
    case Op::I32x4TruncSatF64x2SZero: case Op::I32x4TruncSatF64x2UZero: {
      Type* pair = int_vec({2, 32, false});
      Value* r = trunc_sat(pop_as(kF64x2), pair);
      result(b_.CreateShuffleVector(r, llvm::Constant::getNullValue(pair), lane_run(0, 4)));
      return {};
    }
    case Op::F32x4ConvertI32x4S: case Op::F32x4ConvertI32x4U: {
      Value* a = pop_as(kI32x4);
      result(is_signed ? b_.CreateSIToFP(a, vec(kF32x4)) : b_.CreateUIToFP(a, vec(kF32x4)));
      return {};
    }
    case Op::F64x2ConvertLowI32x4S: case Op::F64x2ConvertLowI32x4U: {
      Value* low = half(pop(), kI32x4, false);
      result(is_signed ? b_.CreateSIToFP(low, vec(kF64x2)) : b_.CreateUIToFP(low, vec(kF64x2)));
      return {};
    }
    case Op::F32x4DemoteF64x2Zero: {
      Value* a = pop_as(kF64x2);
      // demote(promote(x)) is not x for a signalling NaN; LLVM would fold it.
      Value* source = a;
      while (auto* cast = llvm::dyn_cast<llvm::BitCastInst>(source)) source = cast->getOperand(0);
      if (llvm::isa<llvm::FPExtInst>(source)) a = opaque(a);
      Type* pair = vec({2, 32, true});
      Value* r = b_.CreateFPTrunc(a, pair);
      result(b_.CreateShuffleVector(r, llvm::Constant::getNullValue(pair), lane_run(0, 4)));
      return {};
    }
    case Op::F64x2PromoteLowF32x4: result(b_.CreateFPExt(half(pop(), kF32x4, false), vec(kF64x2))); return {};

    default: break;
  }
  return unsupported(in.offset, std::string(op_info(op).text));
}

}  // namespace wasmscope::internal::compiler
