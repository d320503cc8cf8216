#include "compiler/compiler.h"

#include <dlfcn.h>
#include <pthread.h>

#include <llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h>
#include <llvm/IR/DIBuilder.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Verifier.h>
#include <llvm/MC/MCSubtargetInfo.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Transforms/Scalar/EarlyCSE.h>
#include <llvm/Transforms/Scalar/SROA.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Target/TargetMachine.h>

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <functional>
#include <thread>
#include <vector>

#include "base/stable_sort.h"
#include "compiler/func_gen.h"
#include "compiler/load_sink.h"
#include "compiler/native_code.h"
#include "compiler/object_map.h"
#include "compiler/plugin.h"
#include "engine/interpreter.h"

namespace wasmscope::internal {

/// A hash of this build's runtime sources and toolchain (build_fingerprint.cc): the plugin's
/// own copy, which the runtime compares with its own before using the plugin.
extern const char kBuildFingerprint[];

namespace compiler {

/// Works around LLVM 19's AArch64 code generation of calls to a tailcc callee that pops its
/// stack arguments (every body, when the module's bodies take any: func_gen.h's
/// {body_arg_area}): with a reserved call frame, the spill slots are addressed from sp, and
/// reloads placed between such a call and the `sub sp` that re-adjusts for the pop read
/// slots that many bytes off (found by tier_diff.sh --cross: libc's preopen table read a
/// stale pointer). A variable-sized object (of 0 bytes) in the frame leaves it without a
/// reserved call frame, so that slots are addressed from the frame or base pointer, which
/// calls do not move. Emitted at {b}, in the entry block of the function being generated.
static void keep_slots_off_sp(llvm::IRBuilder<>& b, const ModuleGen& g) {
  if (!g.aarch64 || g.body_arg_area == 0) return;
  auto* zero = llvm::InlineAsm::get(llvm::FunctionType::get(g.i64, false), "mov $0, xzr", "=r",
                                    /*hasSideEffects=*/false);
  llvm::AllocaInst* object = b.CreateAlloca(g.i8, b.CreateCall(zero));
  // Used, so that no pass deletes it.
  auto* use = llvm::InlineAsm::get(llvm::FunctionType::get(g.void_type, {g.ptr}, false), "", "r",
                                   /*hasSideEffects=*/true);
  b.CreateCall(use, {object});
}

Result<void> FuncGen::block_signature(const BlockType& bt, std::vector<Type*>* params,
                                      std::vector<Type*>* results, uint32_t /*offset*/) {
  switch (bt.kind) {
    case BlockType::Kind::kEmpty: return {};
    case BlockType::Kind::kValType:
      results->push_back(g_.value_type(bt.type));
      return {};
    case BlockType::Kind::kTypeIndex: {
      const FuncType& ft = g_.m.types[bt.index];
      for (ValType t : ft.params) params->push_back(g_.value_type(t));
      for (ValType t : ft.results) results->push_back(g_.value_type(t));
      return {};
    }
  }
  return {};
}

void store_slot(llvm::IRBuilder<>& b, const ModuleGen& g, Value* slots, size_t index, Value* v) {
  if (v->getType() == g.f32) v = b.CreateBitCast(v, g.i32);
  if (v->getType() == g.f64) v = b.CreateBitCast(v, g.i64);
  if (v->getType() == g.i32) v = b.CreateZExt(v, g.i64);
  b.CreateAlignedStore(v, b.CreateConstInBoundsGEP1_64(g.i64, slots, index), llvm::Align(kSlotAlign));
}

Value* load_slot(llvm::IRBuilder<>& b, const ModuleGen& g, Value* slots, size_t index, Type* t) {
  return b.CreateAlignedLoad(t, b.CreateConstInBoundsGEP1_64(g.i64, slots, index),
                             llvm::Align(kSlotAlign));
}

BasicBlock* FuncGen::trap_block(Trap trap) {
  // One per trapping instruction, carrying its location (the trap stack's innermost frame)
  // and its offset as an argument, so that no two are merged into one.
  BasicBlock* bb = new_block("trap");
  llvm::IRBuilder<> tb(bb);
  tb.SetCurrentDebugLocation(b_.getCurrentDebugLocation());
  if (sink64_ != nullptr) tb.CreateCall(g_.load_sink_marker, {sink_total(tb)});
  llvm::CallInst* call =
      tb.CreateCall(g_.helper_trap, {llvm::ConstantInt::get(g_.i32, static_cast<unsigned>(trap)),
                                     llvm::ConstantInt::get(g_.i32, offset_)});
  call->setDoesNotReturn();
  tb.CreateUnreachable();
  return bb;
}

void FuncGen::trap_if(Value* cond, Trap trap) {
  BasicBlock* ok = new_block("ok");
  llvm::MDBuilder md(g_.ctx);
  b_.CreateCondBr(cond, trap_block(trap), ok, md.createBranchWeights(1, 1u << 20));
  b_.SetInsertPoint(ok);
}

void FuncGen::keep_load(Value* v) {
  if (sink64_ == nullptr) return;
  // All of the value's bits (so that LLVM cannot narrow the load either), added in a sink as
  // wide as the value: widening every load to i64 cost vectorized loops a zero-extension and
  // twice the adds (matmul ran 3.6x the instructions of the same code without the sink).
  const unsigned width = static_cast<unsigned>(v->getType()->getPrimitiveSizeInBits().getFixedValue());
  llvm::AllocaInst* sink;
  Type* t;
  if (width > 64) {
    sink = sinkv_;
    t = g_.v128;
  } else if (width > 32) {
    sink = sink64_;
    t = g_.i64;
  } else {
    sink = sink32_;
    t = g_.i32;
  }
  if (width > 64) {
    v = b_.CreateBitCast(v, t);
  } else {
    if (!v->getType()->isIntegerTy()) v = b_.CreateBitCast(v, b_.getIntNTy(width));
    v = b_.CreateZExt(v, t);
  }
  b_.CreateStore(b_.CreateAdd(b_.CreateLoad(t, sink), v), sink);
}

Value* FuncGen::sink_total(llvm::IRBuilder<>& b) {
  if (sink64_ == nullptr) return llvm::ConstantInt::get(g_.i64, 0);
  Value* lanes = b.CreateAddReduce(b.CreateLoad(g_.v128, sinkv_));
  Value* narrow = b.CreateAdd(b.CreateLoad(g_.i32, sink32_), lanes);
  return b.CreateAdd(b.CreateLoad(g_.i64, sink64_), b.CreateZExt(narrow, g_.i64));
}

Value* FuncGen::load_runtime(Type* t, Value* base, size_t offset) {
  Value* p = b_.CreateConstInBoundsGEP1_64(g_.i8, base, offset);
  llvm::LoadInst* load = b_.CreateLoad(t, p);
  load->setMetadata(llvm::LLVMContext::MD_tbaa, g_.tbaa_runtime);
  return load;
}

bool FuncGen::memory_shared(uint32_t index) const {
  const Module& m = g_.m;
  uint32_t seen = 0;
  for (const Import& imp : m.imports) {
    if (imp.kind != ExternKind::kMemory) continue;
    if (seen++ == index) return imp.memory.limits.shared;
  }
  index -= seen;
  return index < m.memories.size() && m.memories[index].limits.shared;
}

void FuncGen::select_memory(const Instr& in) {
  const uint32_t index = memory_of(in);
  if (index == 0) {
    mem_ = memory0_;
    mem_shared_ = memory0_shared_;
    return;
  }
  // Multi-memory: the view's array of memories, loaded where used (plain loads of runtime
  // data, which LLVM hoists and shares like memory 0's).
  Value* memories = vm_field(offsetof(NativeView, memories));
  mem_ = load_runtime(g_.ptr, memories, index * sizeof(MemoryData*));
  mem_shared_ = memory_shared(index);
}

void FuncGen::mark_memory_load(llvm::LoadInst* load) {
  mark_memory_access(load);
  // Another thread may write a shared memory at any time. Wasm's memory model would let a
  // compiler hoist a plain load out of a loop that does not write, but then a guest spinning
  // on a flag with plain loads (as tests/threads/spawn_*.wat do, and as the interpreter
  // runs them) would never see it change: loads from a shared memory stay where they are.
  // This costs the optimizations LLVM does not do on volatile loads (merging them,
  // vectorizing loops over them).
  if (mem_shared_) load->setVolatile(true);
}

void FuncGen::mark_memory_access(llvm::Instruction* access) {
  access->setMetadata(llvm::LLVMContext::MD_tbaa, g_.tbaa_memory);
  if (!g_.ordered_memory) return;
  if (auto* store = llvm::dyn_cast<llvm::StoreInst>(access)) store->setVolatile(true);
  if (auto* load = llvm::dyn_cast<llvm::LoadInst>(access)) load->setVolatile(true);
  if (auto* rmw = llvm::dyn_cast<llvm::AtomicRMWInst>(access)) rmw->setVolatile(true);
  if (auto* cas = llvm::dyn_cast<llvm::AtomicCmpXchgInst>(access)) cas->setVolatile(true);
}

Value* FuncGen::memory_address(Value* index, uint32_t offset, uint32_t size) {
  Value* ea = b_.CreateZExt(index, g_.i64);
  if (offset != 0) ea = b_.CreateAdd(ea, llvm::ConstantInt::get(g_.i64, offset));
  return memory_address_at(ea, size, explicit_bounds_);
}

Value* FuncGen::memory_address_at(Value* ea, uint32_t size, bool check_bounds) {
  if (check_bounds) {
    Value* size_ptr = b_.CreateConstInBoundsGEP1_64(g_.i8, mem_, offsetof(MemoryData, size));
    llvm::LoadInst* bytes = b_.CreateLoad(g_.i64, size_ptr);
    // Another thread may grow a shared memory: acquire pairs with the grower's release store
    // of the size (store.cc), so the pages it covers are accessible. A shared memory's base
    // never moves (it reserves its maximum), so the base load below needs no order.
    // An unshared memory changes size only on this thread, in a call (memory.grow's helper, a
    // host function), after which LLVM reloads it: a plain load, like the base's, which LLVM
    // may hoist out of a loop and share between accesses. As a monotonic atomic it was
    // reloaded at every access: the kernels ran 1.2-2.5x the instructions (docs/performance.md).
    if (mem_shared_) {
      bytes->setAtomic(llvm::AtomicOrdering::Acquire);
    } else {
      bytes->setMetadata(llvm::LLVMContext::MD_tbaa, g_.tbaa_runtime);
    }
    bytes->setAlignment(llvm::Align(8));
    Value* end = b_.CreateAdd(ea, llvm::ConstantInt::get(g_.i64, size));
    trap_if(b_.CreateICmpUGT(end, bytes), Trap::kOutOfBoundsMemory);
  }
  Value* base = load_runtime(g_.ptr, mem_, offsetof(MemoryData, base));
  return b_.CreateGEP(g_.i8, base, ea);
}

void FuncGen::branch_to(Ctl& target) {
  BasicBlock* here = b_.GetInsertBlock();
  if (target.kind == Kind::kLoop) {
    const size_t n = target.params.size();
    for (size_t i = 0; i < n; ++i) {
      target.param_phis[i]->addIncoming(stack_[stack_.size() - n + i], here);
    }
    b_.CreateBr(target.header);
  } else {
    const size_t n = target.results.size();
    for (size_t i = 0; i < n; ++i) {
      target.result_phis[i]->addIncoming(stack_[stack_.size() - n + i], here);
    }
    b_.CreateBr(target.cont);
  }
}

void FuncGen::store_sink() {
  if (sink64_ != nullptr) b_.CreateCall(g_.load_sink_marker, {sink_total(b_)});
}

void FuncGen::emit_return() {
  store_sink();
  const size_t n = type_.results.size();
  if (results_ != nullptr) {
    size_t slot = 0;
    for (size_t i = 0; i < n; ++i) {
      store_slot(b_, g_, results_, slot, stack_[stack_.size() - n + i]);
      slot += slot_count(type_.results[i]);
    }
    b_.CreateRetVoid();
  } else if (n == 0) {
    b_.CreateRetVoid();
  } else if (n == 1) {
    b_.CreateRet(stack_.back());
  } else {
    Value* agg = llvm::UndefValue::get(f_->getReturnType());
    for (size_t i = 0; i < n; ++i) {
      agg = b_.CreateInsertValue(agg, stack_[stack_.size() - n + i], {static_cast<unsigned>(i)});
    }
    b_.CreateRet(agg);
  }
}

void FuncGen::emit_call(const FuncType& ft, Value* body, Value* callee_vm, Value* callee_func,
                        bool direct, bool tail) {
  if (tail) store_sink();  // this frame ends here: its loads must be observed first
  const size_t np = ft.params.size();
  std::vector<Value*> args = pop_n(np);
  llvm::FunctionType* fty = g_.native_type(ft);
  std::vector<Value*> call_args{ts_, callee_vm};
  Value* results_area = nullptr;
  if (ModuleGen::results_in_memory(ft)) {
    if (tail) {
      // The same types: the callee writes where this function's caller reads.
      results_area = results_;
    } else {
      llvm::IRBuilder<> eb(entry_, entry_->begin());
      llvm::AllocaInst* area =
          eb.CreateAlloca(g_.i64, llvm::ConstantInt::get(g_.i32, call_slots(ft)));
      area->setAlignment(llvm::Align(8));
      results_area = area;
    }
    call_args.push_back(results_area);
  }
  call_args.insert(call_args.end(), args.begin(), args.end());
  auto unpack = [&](Value* ret, std::vector<Value*>* out) {
    if (results_area != nullptr) {
      size_t slot = 0;
      for (ValType t : ft.results) {
        out->push_back(load_slot(b_, g_, results_area, slot, g_.value_type(t)));
        slot += slot_count(t);
      }
    } else if (ft.results.size() == 1) {
      out->push_back(ret);
    } else {
      for (unsigned i = 0; i < ft.results.size(); ++i) out->push_back(b_.CreateExtractValue(ret, {i}));
    }
  };
  // A tail call returns its callee's result as it is (the types agree): nothing may come
  // between the call and the return.
  auto call = [&](Value* target) {
    llvm::CallInst* c = g_.call_body(b_, fty, target, call_args, tail);
    if (tail) {
      if (c->getType()->isVoidTy()) {
        b_.CreateRetVoid();
      } else {
        b_.CreateRet(c);
      }
    }
    return c;
  };
  if (direct) {
    Value* ret = call(body);
    if (tail) return end_unreachable();
    std::vector<Value*> results;
    unpack(ret, &results);
    for (Value* v : results) push(v);
    return;
  }
  // A callee with a native body is called directly; any other through the slot convention.
  BasicBlock* native = new_block("call.native");
  BasicBlock* slow = new_block("call.slots");
  BasicBlock* join = tail ? nullptr : new_block("call.join");
  // The native body directly only within one instance: a call into another instance goes
  // through the runtime, which gives its frames an activation record naming that instance.
  b_.CreateCondBr(b_.CreateAnd(b_.CreateIsNotNull(body), b_.CreateICmpEQ(callee_vm, vm_)),
                  native, slow);
  b_.SetInsertPoint(native);
  Value* ret = call(body);
  std::vector<Value*> fast_results;
  BasicBlock* native_end = nullptr;
  if (!tail) {
    unpack(ret, &fast_results);
    native_end = b_.GetInsertBlock();
    b_.CreateBr(join);
  }

  b_.SetInsertPoint(slow);
  const size_t slots = std::max<size_t>(call_slots(ft), 1);
  llvm::IRBuilder<> eb(entry_, entry_->begin());
  llvm::AllocaInst* area = eb.CreateAlloca(g_.i64, llvm::ConstantInt::get(g_.i32, slots));
  area->setAlignment(llvm::Align(8));
  size_t slot = 0;
  for (size_t i = 0; i < np; ++i) {
    store_slot(b_, g_, area, slot, args[i]);
    slot += slot_count(ft.params[i]);
  }
  b_.CreateCall(g_.helper("ws_call_func", g_.void_type, {g_.ptr, g_.ptr, g_.ptr}),
                {ts_, callee_func, area});
  std::vector<Value*> slow_results;
  slot = 0;
  for (ValType t : ft.results) {
    slow_results.push_back(load_slot(b_, g_, area, slot, g_.value_type(t)));
    slot += slot_count(t);
  }
  if (tail) {
    // No native body: a call and a return (the slot convention cannot reuse the frame).
    for (Value* v : slow_results) push(v);
    emit_return();
    return end_unreachable();
  }
  BasicBlock* slow_end = b_.GetInsertBlock();
  b_.CreateBr(join);

  b_.SetInsertPoint(join);
  for (size_t i = 0; i < ft.results.size(); ++i) {
    PHINode* phi = b_.CreatePHI(g_.value_type(ft.results[i]), 2);
    phi->addIncoming(fast_results[i], native_end);
    phi->addIncoming(slow_results[i], slow_end);
    push(phi);
  }
}

Value* FuncGen::trunc_checked(Value* x, Type* to, bool is_signed) {
  const bool is_f32 = x->getType() == g_.f32;
  const bool to_i32 = to == g_.i32;
  trap_if(b_.CreateFCmpUNO(x, x), Trap::kInvalidConversionToInteger);
  // The exact range of values whose truncation fits: (lo, hi) with lo excluded or included.
  double lo;
  double hi;
  bool lo_inclusive;
  if (is_signed) {
    if (to_i32) {
      hi = 2147483648.0;
      lo = is_f32 ? -2147483648.0 : -2147483649.0;
      lo_inclusive = is_f32;
    } else {
      hi = 9223372036854775808.0;
      lo = -9223372036854775808.0;
      lo_inclusive = true;
    }
  } else {
    hi = to_i32 ? 4294967296.0 : 18446744073709551616.0;
    lo = -1.0;
    lo_inclusive = false;
  }
  Value* lo_c = llvm::ConstantFP::get(x->getType(), lo);
  Value* hi_c = llvm::ConstantFP::get(x->getType(), hi);
  Value* in_lo = lo_inclusive ? b_.CreateFCmpOGE(x, lo_c) : b_.CreateFCmpOGT(x, lo_c);
  Value* in_range = b_.CreateAnd(in_lo, b_.CreateFCmpOLT(x, hi_c));
  trap_if(b_.CreateNot(in_range), Trap::kIntegerOverflow);
  return is_signed ? b_.CreateFPToSI(x, to) : b_.CreateFPToUI(x, to);
}

Value* FuncGen::opaque_identity(Value* v, unsigned which) {
  auto* c = llvm::dyn_cast<llvm::ConstantFP>(v);
  if (c == nullptr) return v;
  const llvm::APFloat& x = c->getValueAPF();
  const bool identity = which <= 1 ? x.isZero() : (x.isExactlyValue(1.0) || x.isExactlyValue(-1.0));
  return identity ? opaque(v) : v;
}

Value* FuncGen::opaque(Value* v) {
  // An empty asm that returns its input in the same register: free, yet opaque.
  auto* asm_type = llvm::FunctionType::get(v->getType(), {v->getType()}, false);
  auto* opaque = llvm::InlineAsm::get(asm_type, "", g_.fp_register_constraint, false);
  return b_.CreateCall(opaque, {v});
}

Value* FuncGen::div_rem(Op op, Value* a, Value* bv) {
  Type* t = a->getType();
  Value* zero = llvm::ConstantInt::get(t, 0);
  trap_if(b_.CreateICmpEQ(bv, zero), Trap::kIntegerDivideByZero);
  const bool is_signed = op == Op::I32DivS || op == Op::I64DivS || op == Op::I32RemS ||
                         op == Op::I64RemS;
  const bool is_div = op == Op::I32DivS || op == Op::I64DivS || op == Op::I32DivU ||
                      op == Op::I64DivU;
  if (!is_signed) return is_div ? b_.CreateUDiv(a, bv) : b_.CreateURem(a, bv);
  Value* minus_one = llvm::ConstantInt::get(t, -1, true);
  Value* min = llvm::ConstantInt::get(t, llvm::APInt::getSignedMinValue(t->getIntegerBitWidth()));
  if (is_div) {
    trap_if(b_.CreateAnd(b_.CreateICmpEQ(a, min), b_.CreateICmpEQ(bv, minus_one)),
            Trap::kIntegerOverflow);
    return b_.CreateSDiv(a, bv);
  }
  // x rem -1 is 0 (and INT_MIN rem -1 must not reach the hardware's idiv).
  Value* is_m1 = b_.CreateICmpEQ(bv, minus_one);
  Value* safe = b_.CreateSelect(is_m1, llvm::ConstantInt::get(t, 1), bv);
  return b_.CreateSelect(is_m1, zero, b_.CreateSRem(a, safe));
}

Result<void> FuncGen::generate() {
  entry_ = new_block("entry");
  b_.SetInsertPoint(entry_);
  subprogram_ = f_->getSubprogram();
  offset_ = fn_.code.begin;
  b_.SetCurrentDebugLocation(llvm::DILocation::get(g_.ctx, offset_, 0, subprogram_));
  explicit_bounds_ = g_.cm.bounds == BoundsChecks::kExplicit;
  // The load sink keeps plain loads from being deleted; checked and volatile loads need none.
  if (!explicit_bounds_ && !g_.ordered_memory) {
    sink32_ = b_.CreateAlloca(g_.i32);
    sink64_ = b_.CreateAlloca(g_.i64);
    sinkv_ = b_.CreateAlloca(g_.v128);
    b_.CreateStore(llvm::ConstantInt::get(g_.i32, 0), sink32_);
    b_.CreateStore(llvm::ConstantInt::get(g_.i64, 0), sink64_);
    b_.CreateStore(llvm::Constant::getNullValue(g_.v128), sinkv_);
  }
  memory0_shared_ = memory0_shared();
  auto arg = f_->arg_begin();
  ts_ = &*arg++;
  vm_ = &*arg++;
  if (ModuleGen::results_in_memory(type_)) results_ = &*arg++;
  // Locals: parameters, then the declared ones, zeroed.
  for (ValType t : type_.params) {
    Type* lt = g_.value_type(t);
    llvm::AllocaInst* a = b_.CreateAlloca(lt);
    b_.CreateStore(&*arg++, a);
    locals_.push_back(a);
    local_types_.push_back(lt);
  }
  for (const LocalRun& run : fn_.locals) {
    Type* lt = g_.value_type(run.type);
    for (uint32_t i = 0; i < run.count; ++i) {
      llvm::AllocaInst* a = b_.CreateAlloca(lt);
      b_.CreateStore(llvm::Constant::getNullValue(lt), a);
      locals_.push_back(a);
      local_types_.push_back(lt);
    }
  }
  keep_slots_off_sp(b_, g_);
  // The stack check: compiled frames live on the thread's own stack.
  if (!g_.aarch64) {
    // x86-64: `cmp [limit], rsp` in an inline asm whose result is the "below" flag. Compared
    // by LLVM, llvm.frameaddress would put the frame's setup at the entry, and
    // llvm.stacksave (a use of rsp) holds the prologue there too; the asm leaves LLVM free to
    // shrink-wrap, so that a function which calls nothing on its usual path sets up no frame
    // there (its prologue moves to the paths that call, such as the trap below), and costs
    // no instruction more than the plain compare. The walk reads where a frame is set up
    // from the call frame information (compiler/object_map.cc), not from the code's shape.
    Value* limit = b_.CreateConstInBoundsGEP1_64(g_.i8, ts_,
                                                 offsetof(NativeThreadState, stack_limit));
    auto* compare = llvm::InlineAsm::get(
        llvm::FunctionType::get(g_.i8, {g_.ptr}, false), "cmpq $1, %rsp",
        "={@ccb},*m,~{dirflag},~{fpsr},~{flags}", /*hasSideEffects=*/false);
    llvm::CallInst* below = b_.CreateCall(compare, {limit});
    below->addParamAttr(0, llvm::Attribute::get(g_.ctx, llvm::Attribute::ElementType, g_.i64));
    below->setOnlyReadsMemory();
    below->setOnlyAccessesArgMemory();
    trap_if(b_.CreateICmpNE(below, llvm::ConstantInt::get(g_.i8, 0)),
            Trap::kCallStackExhausted);
  } else {
#if WASMSCOPE_CAPTURE
    Value* frame = call_intrinsic(llvm::Intrinsic::frameaddress, {g_.ptr},
                                  {llvm::ConstantInt::get(g_.i32, 0)});
#else
    // No frame pointer to compare (llvm.frameaddress would force one back): the stack pointer.
    Value* frame = call_intrinsic(llvm::Intrinsic::stacksave, {g_.ptr}, {});
#endif
    Value* limit = load_runtime(g_.i64, ts_, offsetof(NativeThreadState, stack_limit));
    trap_if(b_.CreateICmpULT(b_.CreatePtrToInt(frame, g_.i64), limit), Trap::kCallStackExhausted);
  }
  if (runs_interpreted()) {
    emit_interpreted_body();
    return {};
  }
  memory0_ = vm_field(offsetof(NativeView, memory0));
  mem_ = memory0_;
  mem_shared_ = memory0_shared_;

  Ctl body;
  body.kind = Kind::kFunc;
  body.cont = new_block("return");
  for (ValType t : type_.results) body.results.push_back(g_.value_type(t));
  {
    llvm::IRBuilder<> rb(body.cont);
    for (Type* t : body.results) body.result_phis.push_back(rb.CreatePHI(t, 2));
  }
  ctls_.push_back(body);

  InstrReader reader(g_.m.bytes.data(), fn_.code.begin, fn_.code.end, g_.features);
  Instr in;
  while (!reader.at_end() && !ctls_.empty()) {
    WS_TRY(reader.next(&in));
    // The DWARF "line" of everything an instruction generates is its wasm code offset: the
    // code map (object_map.cc) reads it back per native address.
    offset_ = in.offset;
    b_.SetCurrentDebugLocation(llvm::DILocation::get(g_.ctx, in.offset, 0, subprogram_));
    WS_TRY(instruction(in));
  }
  // No sibling calls but wasm's return_call: a runtime helper or host call in tail position
  // would otherwise lose this function's frame from trap and capture stacks. (Not the
  // "disable-tail-calls" attribute: it would also turn tailcc's guaranteed tail calls off.)
  for (BasicBlock& bb : *f_) {
    for (llvm::Instruction& inst : bb) {
      if (auto* call = llvm::dyn_cast<llvm::CallInst>(&inst);
          call != nullptr && call->getTailCallKind() != llvm::CallInst::TCK_Tail) {
        call->setTailCallKind(llvm::CallInst::TCK_NoTail);
      }
    }
  }
  return {};
}

bool FuncGen::runs_interpreted() const { return g_.cm.funcs[index_].runs_interpreted; }

/// The body of a function that throws or catches: a call into the interpreter, which runs it
/// (docs/compiled-tier.md, "Exceptions"). Its frame stays on the native stack below the
/// interpreter's, like a compiled caller of an interpreted function's.
void FuncGen::emit_interpreted_body() {
  const size_t slots = std::max<size_t>(call_slots(type_), 1);
  llvm::AllocaInst* area = b_.CreateAlloca(g_.i64, llvm::ConstantInt::get(g_.i32, slots));
  area->setAlignment(llvm::Align(8));
  size_t slot = 0;
  for (size_t i = 0; i < type_.params.size(); ++i) {
    store_slot(b_, g_, area, slot, b_.CreateLoad(local_types_[i], locals_[i]));
    slot += slot_count(type_.params[i]);
  }
  b_.CreateCall(g_.helper("ws_interpret", g_.void_type, {g_.ptr, g_.ptr, g_.i32, g_.ptr}),
                {ts_, vm_, llvm::ConstantInt::get(g_.i32, g_.m.imported_funcs + index_), area});
  slot = 0;
  for (ValType t : type_.results) {
    push(load_slot(b_, g_, area, slot, g_.value_type(t)));
    slot += slot_count(t);
  }
  emit_return();
}

Result<void> FuncGen::instruction(const Instr& in) {
  if (!unreachable_ && g_.addr.any) {
    const Narrow64 wide = narrow64_of(in, g_.addr);
    if (!wide.empty()) return instruction_narrow64(in, wide);
  }
  return instruction_op(in);
}

Result<void> FuncGen::instruction_narrow64(const Instr& in, const Narrow64& wide) {
  const uint64_t offset = wide.fold_offset ? in.mem.offset : 0;
  for (uint32_t k = 0; k < 8; ++k) {
    if (((wide.operands >> k) & 1) == 0 || k >= stack_.size()) continue;
    Value*& v = stack_[stack_.size() - 1 - k];
    Value* ea = v;
    if (offset != 0) {
      ea = call_intrinsic(llvm::Intrinsic::uadd_sat, {g_.i64},
                          {ea, llvm::ConstantInt::get(g_.i64, offset)});
    }
    ea = call_intrinsic(llvm::Intrinsic::umin, {g_.i64},
                        {ea, llvm::ConstantInt::get(g_.i64, kNarrowed64Limit)});
    v = b_.CreateTrunc(ea, g_.i32);
  }
  Instr narrowed = in;
  if (wide.fold_offset) narrowed.mem.offset = 0;
  WS_TRY(instruction_op(narrowed));
  if (wide.widen != Narrow64::Widen::kNone && !stack_.empty()) {
    Value*& r = stack_.back();
    r = wide.widen == Narrow64::Widen::kSignExtend ? b_.CreateSExt(r, g_.i64)
                                                   : b_.CreateZExt(r, g_.i64);
  }
  return {};
}

Result<void> FuncGen::instruction_op(const Instr& in) {
  const Op op = in.op;
  if (unreachable_) {
    switch (op) {
      case Op::Block:
      case Op::Loop:
      case Op::If: ++skip_depth_; return {};
      case Op::Else:
        if (skip_depth_ > 0) return {};
        break;
      case Op::End:
        if (skip_depth_ > 0) {
          --skip_depth_;
          return {};
        }
        break;
      default: return {};
    }
  }
  select_memory(in);

  auto binary = [&](auto make) {
    Value* rhs = pop();
    Value* lhs = pop();
    push(make(lhs, rhs));
  };
  auto unary = [&](auto make) { push(make(pop())); };
  auto icmp = [&](llvm::CmpInst::Predicate p) {
    binary([&](Value* a, Value* c) { return from_bool(b_.CreateICmp(p, a, c)); });
  };
  auto fcmp = [&](llvm::CmpInst::Predicate p) {
    binary([&](Value* a, Value* c) { return from_bool(b_.CreateFCmp(p, a, c)); });
  };
  auto intrinsic1 = [&](llvm::Intrinsic::ID id) {
    unary([&](Value* a) { return call_intrinsic(id, {a->getType()}, {a}); });
  };
  auto intrinsic2 = [&](llvm::Intrinsic::ID id) {
    binary([&](Value* a, Value* c) { return call_intrinsic(id, {a->getType()}, {a, c}); });
  };
  auto bit_count = [&](llvm::Intrinsic::ID id) {
    unary([&](Value* a) {
      return call_intrinsic(id, {a->getType()}, {a, llvm::ConstantInt::getFalse(g_.ctx)});
    });
  };
  auto shift = [&](llvm::Instruction::BinaryOps kind) {
    binary([&](Value* a, Value* c) {
      const unsigned bits = a->getType()->getIntegerBitWidth();
      return b_.CreateBinOp(kind, a, b_.CreateAnd(c, llvm::ConstantInt::get(a->getType(), bits - 1)));
    });
  };
  auto rotate = [&](llvm::Intrinsic::ID id) {
    binary([&](Value* a, Value* c) { return call_intrinsic(id, {a->getType()}, {a, a, c}); });
  };
  auto load = [&](Type* t, Type* ext_to, bool is_signed) {
    const unsigned size = op_info(op).arg;
    Value* addr = memory_address(pop(), in.mem.offset, size);
    llvm::LoadInst* v = b_.CreateLoad(t, addr);
    v->setAlignment(llvm::Align(1));
    mark_memory_load(v);
    keep_load(v);
    Value* r = v;
    if (ext_to != nullptr) r = is_signed ? b_.CreateSExt(v, ext_to) : b_.CreateZExt(v, ext_to);
    push(r);
  };
  auto store = [&](Type* narrow) {
    Value* v = pop();
    const unsigned size = op_info(op).arg;
    Value* addr = memory_address(pop(), in.mem.offset, size);
    if (narrow != nullptr) v = b_.CreateTrunc(v, narrow);
    llvm::StoreInst* s = b_.CreateStore(v, addr);
    s->setAlignment(llvm::Align(1));
    mark_memory_access(s);
  };
  auto cast = [&](llvm::Instruction::CastOps kind, Type* to) {
    unary([&](Value* a) { return b_.CreateCast(kind, a, to); });
  };
  auto sat = [&](Type* to, bool is_signed) {
    unary([&](Value* a) {
      return call_intrinsic(is_signed ? llvm::Intrinsic::fptosi_sat : llvm::Intrinsic::fptoui_sat,
                            {to, a->getType()}, {a});
    });
  };
  auto sext_from = [&](Type* narrow) {
    unary([&](Value* a) { return b_.CreateSExt(b_.CreateTrunc(a, narrow), a->getType()); });
  };
  auto helper_u32 = [&](const char* name, std::vector<Value*> args) {
    std::vector<Type*> types;
    for (Value* a : args) types.push_back(a->getType());
    return b_.CreateCall(g_.helper(name, g_.i32, types), args);
  };
  auto helper_void = [&](const char* name, std::vector<Value*> args) {
    std::vector<Type*> types;
    for (Value* a : args) types.push_back(a->getType());
    b_.CreateCall(g_.helper(name, g_.void_type, types), args);
  };
  auto u32 = [&](uint32_t v) { return llvm::ConstantInt::get(g_.i32, v); };
  auto global_ptr = [&](uint32_t index) {
    Value* globals = vm_field(offsetof(NativeView, globals));
    return load_runtime(g_.ptr, globals, index * sizeof(void*));
  };

  switch (op) {
    // ---- Control ----
    case Op::Unreachable:
      b_.CreateBr(trap_block(Trap::kUnreachable));
      end_unreachable();
      return {};
    case Op::Nop: return {};
    case Op::Block:
    case Op::Loop:
    case Op::If: {
      Ctl c;
      c.kind = op == Op::Block ? Kind::kBlock : op == Op::Loop ? Kind::kLoop : Kind::kIf;
      WS_TRY(block_signature(in.block, &c.params, &c.results, in.offset));
      Value* cond = op == Op::If ? pop() : nullptr;
      c.height = stack_.size() - c.params.size();
      c.cont = new_block("cont");
      {
        llvm::IRBuilder<> cb(c.cont);
        for (Type* t : c.results) c.result_phis.push_back(cb.CreatePHI(t, 2));
      }
      if (op == Op::Loop) {
        c.header = new_block("loop");
        BasicBlock* here = b_.GetInsertBlock();
        b_.CreateBr(c.header);
        b_.SetInsertPoint(c.header);
        std::vector<Value*> params = pop_n(c.params.size());
        for (size_t i = 0; i < params.size(); ++i) {
          PHINode* phi = b_.CreatePHI(c.params[i], 2);
          phi->addIncoming(params[i], here);
          c.param_phis.push_back(phi);
          push(phi);
        }
        // Kept at the loop's end if the loop covers what compile_partition asked for.
        if (sink64_ != nullptr && g_.observe_loops[index_].level != LoopObservation::kNone) {
          c.begin = in.offset;
          c.sink_marker = b_.CreateCall(g_.load_sink_loop_marker, {sink_total(b_)});
        }
      } else if (op == Op::If) {
        BasicBlock* then_bb = new_block("then");
        c.else_bb = new_block("else");
        c.if_params.assign(stack_.end() - static_cast<ptrdiff_t>(c.params.size()), stack_.end());
        b_.CreateCondBr(to_bool(cond), then_bb, c.else_bb);
        b_.SetInsertPoint(then_bb);
      }
      ctls_.push_back(std::move(c));
      return {};
    }
    case Op::Else: {
      Ctl& c = ctls_.back();
      if (!unreachable_) branch_to(c);
      b_.SetInsertPoint(c.else_bb);
      c.else_bb = nullptr;
      stack_.resize(c.height);
      for (Value* v : c.if_params) push(v);
      unreachable_ = false;
      return {};
    }
    case Op::End: {
      Ctl& c = ctls_.back();
      if (c.sink_marker != nullptr && !g_.observe_loops[index_].covers(c.begin, in.offset)) {
        c.sink_marker->eraseFromParent();  // what it read is dead, and deleted with level > 0
      }
      if (!unreachable_) {
        // A loop's end falls through to its continuation, like a block's.
        Kind k = c.kind;
        c.kind = Kind::kBlock;
        branch_to(c);
        c.kind = k;
      }
      if (c.else_bb != nullptr) {
        // An if without else: its parameters are its results.
        b_.SetInsertPoint(c.else_bb);
        for (size_t i = 0; i < c.if_params.size(); ++i) {
          c.result_phis[i]->addIncoming(c.if_params[i], c.else_bb);
        }
        b_.CreateBr(c.cont);
      }
      b_.SetInsertPoint(c.cont);
      stack_.resize(c.height);
      const bool reached = c.cont->hasNPredecessorsOrMore(1);
      if (!reached) {
        for (PHINode* phi : c.result_phis) phi->eraseFromParent();
        b_.CreateUnreachable();
      } else {
        for (PHINode* phi : c.result_phis) push(phi);
      }
      const Kind kind = c.kind;
      ctls_.pop_back();
      if (kind == Kind::kFunc) {
        if (reached) emit_return();
        return {};
      }
      if (!reached) {
        end_unreachable();
      } else {
        unreachable_ = false;
      }
      return {};
    }
    case Op::Br:
      branch_to(label(in.index));
      end_unreachable();
      return {};
    case Op::BrIf: {
      Value* cond = to_bool(pop());
      BasicBlock* next = new_block("br_if.next");
      BasicBlock* take = new_block("br_if.take");
      b_.CreateCondBr(cond, take, next);
      b_.SetInsertPoint(take);
      branch_to(label(in.index));
      b_.SetInsertPoint(next);
      return {};
    }
    case Op::BrTable: {
      Value* index = pop();
      // One block per distinct depth, which carries the operands to that label's phis.
      std::vector<std::pair<uint32_t, BasicBlock*>> edges;
      auto edge = [&](uint32_t depth) {
        for (auto& [d, bb] : edges) {
          if (d == depth) return bb;
        }
        BasicBlock* bb = new_block("br_table.edge");
        edges.emplace_back(depth, bb);
        return bb;
      };
      llvm::SwitchInst* sw =
          b_.CreateSwitch(index, edge(in.index), static_cast<unsigned>(in.targets.size()));
      for (size_t i = 0; i < in.targets.size(); ++i) {
        sw->addCase(llvm::ConstantInt::get(llvm::cast<llvm::IntegerType>(g_.i32), i),
                    edge(in.targets[i]));
      }
      for (auto& [depth, bb] : edges) {
        b_.SetInsertPoint(bb);
        branch_to(label(depth));
      }
      end_unreachable();
      return {};
    }
    case Op::Return:
      emit_return();
      end_unreachable();
      return {};
    case Op::Call:
    case Op::ReturnCall: {
      const bool tail = op == Op::ReturnCall;
      const uint32_t callee = in.index;
      const FuncType* ft;
      if (callee < g_.m.imported_funcs) {
        ft = &g_.m.types[g_.import_func_types[callee]];
        llvm::IRBuilder<> eb(entry_, entry_->begin());
        llvm::AllocaInst* vm_slot = eb.CreateAlloca(g_.ptr);
        llvm::AllocaInst* func_slot = eb.CreateAlloca(g_.ptr);
        Value* body = b_.CreateCall(
            g_.helper("ws_import_target", g_.ptr, {g_.ptr, g_.i32, g_.ptr, g_.ptr}),
            {vm_, u32(callee), vm_slot, func_slot});
        emit_call(*ft, body, b_.CreateLoad(g_.ptr, vm_slot), b_.CreateLoad(g_.ptr, func_slot),
                  false, tail);
      } else {
        const uint32_t defined = callee - g_.m.imported_funcs;
        ft = &g_.m.types[g_.m.functions[defined].type];
        emit_call(*ft, g_.bodies[defined], vm_, nullptr, true, tail);
      }
      return {};
    }
    case Op::CallIndirect:
    case Op::ReturnCallIndirect: {
      const FuncType& ft = g_.m.types[in.index];
      Value* elem = pop();
      llvm::IRBuilder<> eb(entry_, entry_->begin());
      llvm::AllocaInst* vm_slot = eb.CreateAlloca(g_.ptr);
      llvm::AllocaInst* func_slot = eb.CreateAlloca(g_.ptr);
      Value* body = b_.CreateCall(
          g_.helper("ws_indirect_target", g_.ptr,
                    {g_.ptr, g_.i32, g_.i32, g_.i32, g_.ptr, g_.ptr}),
          {vm_, u32(in.index2), elem, u32(in.index), vm_slot, func_slot});
      emit_call(ft, body, b_.CreateLoad(g_.ptr, vm_slot), b_.CreateLoad(g_.ptr, func_slot), false,
                op == Op::ReturnCallIndirect);
      return {};
    }

    // ---- Parametric ----
    case Op::Drop:
      // A dropped load still traps when out of bounds: its value is in the load sink (guard
      // pages, keep_load) or its bounds check stays (explicit bounds).
      pop();
      return {};
    case Op::Select:
    case Op::SelectT: {
      Value* cond = to_bool(pop());
      Value* second = pop();
      Value* first = pop();
      push(b_.CreateSelect(cond, first, second));
      return {};
    }

    // ---- Variables ----
    case Op::LocalGet:
      push(b_.CreateLoad(local_types_[in.index], locals_[in.index]));
      return {};
    case Op::LocalSet: b_.CreateStore(pop(), locals_[in.index]); return {};
    case Op::LocalTee: b_.CreateStore(stack_.back(), locals_[in.index]); return {};
    case Op::GlobalGet: {
      const uint32_t i = in.index;
      const ValType t = i < g_.m.imported_globals
                            ? g_.import_global_types[i]
                            : g_.m.globals[i - g_.m.imported_globals].type.type;
      Value* p = global_ptr(i);
      llvm::LoadInst* v = b_.CreateLoad(g_.value_type(t), p);
      if (t == ValType::kV128) v->setAlignment(llvm::Align(kSlotAlign));
      v->setMetadata(llvm::LLVMContext::MD_tbaa, g_.tbaa_runtime);
      push(v);
      return {};
    }
    case Op::GlobalSet: {
      Value* v = pop();
      Value* p = global_ptr(in.index);
      llvm::StoreInst* s = b_.CreateStore(v, p);
      if (v->getType() == g_.v128) s->setAlignment(llvm::Align(kSlotAlign));
      s->setMetadata(llvm::LLVMContext::MD_tbaa, g_.tbaa_runtime);
      // A host reads globals after a trap as it reads memory: in their order too.
      if (g_.ordered_memory) s->setVolatile(true);
      return {};
    }

    // ---- Tables and references ----
    case Op::TableGet: {
      Value* i = pop();
      push(b_.CreateCall(g_.helper("ws_table_get", g_.i64, {g_.ptr, g_.i32, g_.i32}),
                         {vm_, u32(in.index), i}));
      return {};
    }
    case Op::TableSet: {
      Value* v = pop();
      Value* i = pop();
      helper_void("ws_table_set", {vm_, u32(in.index), i, v});
      return {};
    }
    case Op::TableSize: push(helper_u32("ws_table_size", {vm_, u32(in.index)})); return {};
    case Op::TableGrow: {
      Value* n = pop();
      Value* init = pop();
      push(helper_u32("ws_table_grow", {vm_, u32(in.index), init, n}));
      return {};
    }
    case Op::TableFill: {
      Value* n = pop();
      Value* v = pop();
      Value* i = pop();
      helper_void("ws_table_fill", {vm_, u32(in.index), i, v, n});
      return {};
    }
    case Op::TableCopy: {
      Value* n = pop();
      Value* s = pop();
      Value* d = pop();
      helper_void("ws_table_copy", {vm_, u32(in.index), u32(in.index2), d, s, n});
      return {};
    }
    case Op::TableInit: {
      Value* n = pop();
      Value* s = pop();
      Value* d = pop();
      // index: the segment, index2: the table (Instr's convention for table.init).
      helper_void("ws_table_init", {vm_, u32(in.index2), u32(in.index), d, s, n});
      return {};
    }
    case Op::ElemDrop: helper_void("ws_elem_drop", {vm_, u32(in.index)}); return {};
    case Op::RefNull: push(llvm::ConstantInt::get(g_.i64, 0)); return {};
    case Op::RefIsNull:
      unary([&](Value* a) { return from_bool(b_.CreateICmpEQ(a, llvm::ConstantInt::get(g_.i64, 0))); });
      return {};
    case Op::RefFunc: {
      Value* funcs = vm_field(offsetof(NativeView, funcs));
      push(b_.CreatePtrToInt(load_runtime(g_.ptr, funcs, in.index * sizeof(void*)), g_.i64));
      return {};
    }

    // ---- Memory ----
    case Op::I32Load: load(g_.i32, nullptr, false); return {};
    case Op::I64Load: load(g_.i64, nullptr, false); return {};
    case Op::F32Load: load(g_.f32, nullptr, false); return {};
    case Op::F64Load: load(g_.f64, nullptr, false); return {};
    case Op::I32Load8S: load(g_.i8, g_.i32, true); return {};
    case Op::I32Load8U: load(g_.i8, g_.i32, false); return {};
    case Op::I32Load16S: load(b_.getInt16Ty(), g_.i32, true); return {};
    case Op::I32Load16U: load(b_.getInt16Ty(), g_.i32, false); return {};
    case Op::I64Load8S: load(g_.i8, g_.i64, true); return {};
    case Op::I64Load8U: load(g_.i8, g_.i64, false); return {};
    case Op::I64Load16S: load(b_.getInt16Ty(), g_.i64, true); return {};
    case Op::I64Load16U: load(b_.getInt16Ty(), g_.i64, false); return {};
    case Op::I64Load32S: load(g_.i32, g_.i64, true); return {};
    case Op::I64Load32U: load(g_.i32, g_.i64, false); return {};
    case Op::I32Store:
    case Op::I64Store:
    case Op::F32Store:
    case Op::F64Store: store(nullptr); return {};
    case Op::I32Store8:
    case Op::I64Store8: store(g_.i8); return {};
    case Op::I32Store16:
    case Op::I64Store16: store(b_.getInt16Ty()); return {};
    case Op::I64Store32: store(g_.i32); return {};
    case Op::MemorySize: push(helper_u32("ws_memory_size", {vm_, u32(in.mem.memory)})); return {};
    case Op::MemoryGrow: {
      Value* delta = pop();
      push(helper_u32("ws_memory_grow", {vm_, u32(in.mem.memory), delta}));
      return {};
    }
    case Op::MemoryFill: {
      Value* n = pop();
      Value* v = pop();
      Value* d = pop();
      helper_void("ws_memory_fill", {vm_, u32(in.mem.memory), d, v, n});
      return {};
    }
    case Op::MemoryCopy: {
      Value* n = pop();
      Value* s = pop();
      Value* d = pop();
      helper_void("ws_memory_copy", {vm_, u32(in.mem.memory), u32(in.index2), d, s, n});
      return {};
    }
    case Op::MemoryInit: {
      Value* n = pop();
      Value* s = pop();
      Value* d = pop();
      helper_void("ws_memory_init", {vm_, u32(in.mem.memory), u32(in.index), d, s, n});
      return {};
    }
    case Op::DataDrop: helper_void("ws_data_drop", {vm_, u32(in.index)}); return {};

    // ---- Constants ----
    case Op::I32Const: push(llvm::ConstantInt::get(g_.i32, static_cast<uint32_t>(in.i32))); return {};
    case Op::I64Const: push(llvm::ConstantInt::get(g_.i64, static_cast<uint64_t>(in.i64))); return {};
    case Op::F32Const:
      push(llvm::ConstantFP::get(g_.ctx, llvm::APFloat(llvm::APFloat::IEEEsingle(),
                                                       llvm::APInt(32, in.f32_bits))));
      return {};
    case Op::F64Const:
      push(llvm::ConstantFP::get(g_.ctx, llvm::APFloat(llvm::APFloat::IEEEdouble(),
                                                       llvm::APInt(64, in.f64_bits))));
      return {};

    // ---- Comparisons ----
    case Op::I32Eqz:
    case Op::I64Eqz:
      unary([&](Value* a) {
        return from_bool(b_.CreateICmpEQ(a, llvm::ConstantInt::get(a->getType(), 0)));
      });
      return {};
    case Op::I32Eq: case Op::I64Eq: icmp(llvm::CmpInst::ICMP_EQ); return {};
    case Op::I32Ne: case Op::I64Ne: icmp(llvm::CmpInst::ICMP_NE); return {};
    case Op::I32LtS: case Op::I64LtS: icmp(llvm::CmpInst::ICMP_SLT); return {};
    case Op::I32LtU: case Op::I64LtU: icmp(llvm::CmpInst::ICMP_ULT); return {};
    case Op::I32GtS: case Op::I64GtS: icmp(llvm::CmpInst::ICMP_SGT); return {};
    case Op::I32GtU: case Op::I64GtU: icmp(llvm::CmpInst::ICMP_UGT); return {};
    case Op::I32LeS: case Op::I64LeS: icmp(llvm::CmpInst::ICMP_SLE); return {};
    case Op::I32LeU: case Op::I64LeU: icmp(llvm::CmpInst::ICMP_ULE); return {};
    case Op::I32GeS: case Op::I64GeS: icmp(llvm::CmpInst::ICMP_SGE); return {};
    case Op::I32GeU: case Op::I64GeU: icmp(llvm::CmpInst::ICMP_UGE); return {};
    case Op::F32Eq: case Op::F64Eq: fcmp(llvm::CmpInst::FCMP_OEQ); return {};
    case Op::F32Ne: case Op::F64Ne: fcmp(llvm::CmpInst::FCMP_UNE); return {};
    case Op::F32Lt: case Op::F64Lt: fcmp(llvm::CmpInst::FCMP_OLT); return {};
    case Op::F32Gt: case Op::F64Gt: fcmp(llvm::CmpInst::FCMP_OGT); return {};
    case Op::F32Le: case Op::F64Le: fcmp(llvm::CmpInst::FCMP_OLE); return {};
    case Op::F32Ge: case Op::F64Ge: fcmp(llvm::CmpInst::FCMP_OGE); return {};

    // ---- Integer arithmetic ----
    case Op::I32Clz: case Op::I64Clz: bit_count(llvm::Intrinsic::ctlz); return {};
    case Op::I32Ctz: case Op::I64Ctz: bit_count(llvm::Intrinsic::cttz); return {};
    case Op::I32Popcnt: case Op::I64Popcnt: intrinsic1(llvm::Intrinsic::ctpop); return {};
    case Op::I32Add: case Op::I64Add:
      binary([&](Value* a, Value* c) { return b_.CreateAdd(a, c); });
      return {};
    case Op::I32Sub: case Op::I64Sub:
      binary([&](Value* a, Value* c) { return b_.CreateSub(a, c); });
      return {};
    case Op::I32Mul: case Op::I64Mul:
      binary([&](Value* a, Value* c) { return b_.CreateMul(a, c); });
      return {};
    case Op::I32DivS: case Op::I32DivU: case Op::I32RemS: case Op::I32RemU:
    case Op::I64DivS: case Op::I64DivU: case Op::I64RemS: case Op::I64RemU:
      binary([&](Value* a, Value* c) { return div_rem(op, a, c); });
      return {};
    case Op::I32And: case Op::I64And:
      binary([&](Value* a, Value* c) { return b_.CreateAnd(a, c); });
      return {};
    case Op::I32Or: case Op::I64Or:
      binary([&](Value* a, Value* c) { return b_.CreateOr(a, c); });
      return {};
    case Op::I32Xor: case Op::I64Xor:
      binary([&](Value* a, Value* c) { return b_.CreateXor(a, c); });
      return {};
    case Op::I32Shl: case Op::I64Shl: shift(llvm::Instruction::Shl); return {};
    case Op::I32ShrS: case Op::I64ShrS: shift(llvm::Instruction::AShr); return {};
    case Op::I32ShrU: case Op::I64ShrU: shift(llvm::Instruction::LShr); return {};
    case Op::I32Rotl: case Op::I64Rotl: rotate(llvm::Intrinsic::fshl); return {};
    case Op::I32Rotr: case Op::I64Rotr: rotate(llvm::Intrinsic::fshr); return {};

    // ---- Floating-point arithmetic ----
    case Op::F32Abs: case Op::F64Abs: intrinsic1(llvm::Intrinsic::fabs); return {};
    case Op::F32Neg: case Op::F64Neg: unary([&](Value* a) { return b_.CreateFNeg(a); }); return {};
    case Op::F32Ceil: case Op::F64Ceil: intrinsic1(llvm::Intrinsic::ceil); return {};
    case Op::F32Floor: case Op::F64Floor: intrinsic1(llvm::Intrinsic::floor); return {};
    case Op::F32Trunc: case Op::F64Trunc: intrinsic1(llvm::Intrinsic::trunc); return {};
    case Op::F32Nearest: case Op::F64Nearest: intrinsic1(llvm::Intrinsic::roundeven); return {};
    case Op::F32Sqrt: case Op::F64Sqrt: intrinsic1(llvm::Intrinsic::sqrt); return {};
    case Op::F32Add: case Op::F64Add:
    case Op::F32Sub: case Op::F64Sub:
    case Op::F32Mul: case Op::F64Mul:
    case Op::F32Div: case Op::F64Div: {
      static const llvm::Instruction::BinaryOps kOps[] = {
          llvm::Instruction::FAdd, llvm::Instruction::FSub, llvm::Instruction::FMul,
          llvm::Instruction::FDiv};
      const unsigned which = op == Op::F32Add || op == Op::F64Add   ? 0
                             : op == Op::F32Sub || op == Op::F64Sub ? 1
                             : op == Op::F32Mul || op == Op::F64Mul ? 2
                                                                    : 3;
      binary([&](Value* a, Value* c) {
        return b_.CreateBinOp(kOps[which], opaque_identity(a, which), opaque_identity(c, which));
      });
      return {};
    }
    case Op::F32Min: case Op::F64Min:
    case Op::F32Max: case Op::F64Max: {
      // llvm.minimum/maximum may return a signalling NaN operand as it is; wasm wants an
      // arithmetic (quiet) NaN, which adding the operands gives.
      const bool is_min = op == Op::F32Min || op == Op::F64Min;
      binary([&](Value* a, Value* c) {
        Value* r = call_intrinsic(is_min ? llvm::Intrinsic::minimum : llvm::Intrinsic::maximum,
                                  {a->getType()}, {a, c});
        return b_.CreateSelect(b_.CreateFCmpUNO(a, c), b_.CreateFAdd(a, c), r);
      });
      return {};
    }
    case Op::F32Copysign: case Op::F64Copysign: intrinsic2(llvm::Intrinsic::copysign); return {};

    // ---- Conversions ----
    case Op::I32WrapI64: cast(llvm::Instruction::Trunc, g_.i32); return {};
    case Op::I64ExtendI32S: cast(llvm::Instruction::SExt, g_.i64); return {};
    case Op::I64ExtendI32U: cast(llvm::Instruction::ZExt, g_.i64); return {};
    case Op::I32TruncF32S: case Op::I32TruncF64S:
      unary([&](Value* a) { return trunc_checked(a, g_.i32, true); });
      return {};
    case Op::I32TruncF32U: case Op::I32TruncF64U:
      unary([&](Value* a) { return trunc_checked(a, g_.i32, false); });
      return {};
    case Op::I64TruncF32S: case Op::I64TruncF64S:
      unary([&](Value* a) { return trunc_checked(a, g_.i64, true); });
      return {};
    case Op::I64TruncF32U: case Op::I64TruncF64U:
      unary([&](Value* a) { return trunc_checked(a, g_.i64, false); });
      return {};
    case Op::I32TruncSatF32S: case Op::I32TruncSatF64S: sat(g_.i32, true); return {};
    case Op::I32TruncSatF32U: case Op::I32TruncSatF64U: sat(g_.i32, false); return {};
    case Op::I64TruncSatF32S: case Op::I64TruncSatF64S: sat(g_.i64, true); return {};
    case Op::I64TruncSatF32U: case Op::I64TruncSatF64U: sat(g_.i64, false); return {};
    case Op::F32ConvertI32S: case Op::F32ConvertI64S: cast(llvm::Instruction::SIToFP, g_.f32); return {};
    case Op::F32ConvertI32U: case Op::F32ConvertI64U: cast(llvm::Instruction::UIToFP, g_.f32); return {};
    case Op::F64ConvertI32S: case Op::F64ConvertI64S: cast(llvm::Instruction::SIToFP, g_.f64); return {};
    case Op::F64ConvertI32U: case Op::F64ConvertI64U: cast(llvm::Instruction::UIToFP, g_.f64); return {};
    case Op::F32DemoteF64:
      // demote(promote(x)) is not x for a signalling NaN; LLVM would fold it.
      unary([&](Value* a) {
        if (llvm::isa<llvm::FPExtInst>(a)) a = opaque(a);
        return b_.CreateFPTrunc(a, g_.f32);
      });
      return {};
    case Op::F64PromoteF32: cast(llvm::Instruction::FPExt, g_.f64); return {};
    case Op::I32ReinterpretF32: cast(llvm::Instruction::BitCast, g_.i32); return {};
    case Op::I64ReinterpretF64: cast(llvm::Instruction::BitCast, g_.i64); return {};
    case Op::F32ReinterpretI32: cast(llvm::Instruction::BitCast, g_.f32); return {};
    case Op::F64ReinterpretI64: cast(llvm::Instruction::BitCast, g_.f64); return {};
    case Op::I32Extend8S: case Op::I64Extend8S: sext_from(g_.i8); return {};
    case Op::I32Extend16S: case Op::I64Extend16S: sext_from(b_.getInt16Ty()); return {};
    case Op::I64Extend32S: sext_from(g_.i32); return {};

    default:
      if (op_info(op).prefix == 0xfd) return simd_instruction(in);
      if (op_info(op).prefix == 0xfe) return atomic_instruction(in);
      return unsupported(in.offset, std::string(op_info(op).text));
  }
}

/// The entry of defined function {i}: arguments from slots, results back to them.
void generate_entry(ModuleGen& g, uint32_t i, llvm::Function* entry) {
  const FuncType& ft = g.m.types[g.m.functions[i].type];
  BasicBlock* bb = BasicBlock::Create(g.ctx, "entry", entry);
  llvm::IRBuilder<> b(bb);
  b.SetCurrentDebugLocation(llvm::DILocation::get(g.ctx, 0, 0, entry->getSubprogram()));
  auto arg = entry->arg_begin();
  Value* ts = &*arg++;
  Value* vm = &*arg++;
  Value* slots = &*arg++;
  keep_slots_off_sp(b, g);
  std::vector<Value*> args{ts, vm};
  // Results in memory go straight to the slots (after the arguments are read from them).
  const bool in_memory = ModuleGen::results_in_memory(ft);
  if (in_memory) args.push_back(slots);
  size_t slot = 0;
  for (ValType t : ft.params) {
    args.push_back(load_slot(b, g, slots, slot, g.value_type(t)));
    slot += slot_count(t);
  }
  Value* ret = g.call_body(b, g.bodies[i]->getFunctionType(), g.bodies[i], args, false);
  if (in_memory) {
    b.CreateRetVoid();
    return;
  }
  slot = 0;
  for (size_t k = 0; k < ft.results.size(); ++k) {
    Value* v = ft.results.size() == 1 ? ret : b.CreateExtractValue(ret, {static_cast<unsigned>(k)});
    store_slot(b, g, slots, slot, v);
    slot += slot_count(ft.results[k]);
  }
  b.CreateRetVoid();
}

std::string llvm_error(llvm::Error e) { return llvm::toString(std::move(e)); }

/// The target every partition compiles for, at optimization level {level}, with the
/// position-independent small code model that engine/object_loader.cc loads: this host and
/// its CPU when {triple} is empty, else that triple's baseline ("generic") CPU, for a .cwasm
/// file compiled here to run on another machine (compile --target).
Result<llvm::orc::JITTargetMachineBuilder> target_builder(const std::string& triple,
                                                          unsigned level) {
  llvm::Expected<llvm::orc::JITTargetMachineBuilder> jtmb =
      triple.empty() ? llvm::orc::JITTargetMachineBuilder::detectHost()
                     : llvm::Expected<llvm::orc::JITTargetMachineBuilder>(
                           llvm::orc::JITTargetMachineBuilder(llvm::Triple(triple)));
  if (!jtmb) return tier_error(llvm_error(jtmb.takeError()));
  if (!triple.empty()) {
    std::string why;
    if (llvm::TargetRegistry::lookupTarget(triple, why) == nullptr) {
      return tier_error("cannot generate code for " + triple + ": " + why);
    }
    jtmb->setCPU("generic");
  }
  // Level 1 generates code as level 0 does (fast instruction selection and register
  // allocation: LLVM's code generation above None costs 3 to 4 times as much on large modules,
  // docs/compiled-tier.md), from IR that its light pipeline (optimize) has cleaned up.
  static const llvm::CodeGenOptLevel kLevels[] = {
      llvm::CodeGenOptLevel::None, llvm::CodeGenOptLevel::None, llvm::CodeGenOptLevel::Default,
      llvm::CodeGenOptLevel::Aggressive};
  jtmb->setCodeGenOptLevel(kLevels[level]);
  jtmb->setRelocationModel(llvm::Reloc::PIC_);
  jtmb->setCodeModel(llvm::CodeModel::Small);
  return std::move(*jtmb);
}

/// Declares the native body "f<i>" of every defined function in {g.mod}, into {g.bodies}:
/// with a subprogram ({subprogram}) for those {here} will define, as plain external
/// declarations for the others (defined by another partition's object, linked by name).
template <class MakeSubprogram>
void declare_bodies(ModuleGen& g, const std::vector<bool>& here, MakeSubprogram subprogram) {
  for (uint32_t i = 0; i < g.m.functions.size(); ++i) {
    llvm::Function* fn = g.declare_body(i);
    fn->addFnAttr(llvm::Attribute::NoUnwind);
#if WASMSCOPE_CAPTURE
    fn->addFnAttr("frame-pointer", "all");
    // A frame per wasm function, so stacks name every caller (no inlined frames to recover).
    fn->addFnAttr(llvm::Attribute::NoInline);
#else
    // The capture switch off (to measure what observability costs): no frame pointers, and
    // LLVM may inline. Traps then name only the innermost function (engine/code_map.cc).
    fn->addFnAttr("frame-pointer", "none");
#endif
    if (here[i]) fn->setSubprogram(subprogram(code_symbol('f', i), g.m.functions[i].code.begin));
    g.bodies.push_back(fn);
  }
}

/// Runs the IR pipeline of {level} (1..3) over {mod}: the light one at 1, LLVM's per-module
/// default pipeline at 2 and 3.
void optimize(llvm::Module& mod, llvm::TargetMachine& tm, unsigned level) {
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PassBuilder pb(&tm);
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  if (level == 1) {
    // The light pipeline: locals out of memory into registers and common
    // subexpressions folded, which shrinks what code generation sees. No inlining (bodies
    // are noinline anyway), no loop transformations, no vectorization. Adding InstCombine,
    // GVN and LICM cost half as much compile time again and did not reduce CoreMark's
    // instructions with level 1's code generation (docs/compiled-tier.md, "Optimization
    // levels"). Not SimplifyCFG: it merges a return_call's `ret` with others, and without
    // the optimizing code generator's CodeGenPrepare (which duplicates returns back) the
    // call is then no longer in tail position and tailcc's guarantee is silently lost
    // (spectest_tailcall_deep_compiled_o1 and the tail-call capture stress tests catch it).
    llvm::FunctionPassManager fpm;
    fpm.addPass(llvm::SROAPass(llvm::SROAOptions::ModifyCFG));
    fpm.addPass(llvm::EarlyCSEPass(/*UseMemorySSA=*/false));
    llvm::ModulePassManager mpm;
    mpm.addPass(llvm::createModuleToFunctionPassAdaptor(std::move(fpm)));
    mpm.run(mod, mam);
    return;
  }
  static const llvm::OptimizationLevel kOpt[] = {
      llvm::OptimizationLevel::O0, llvm::OptimizationLevel::O1, llvm::OptimizationLevel::O2,
      llvm::OptimizationLevel::O3};
  llvm::ModulePassManager mpm = pb.buildPerModuleDefaultPipeline(kOpt[level]);
  mpm.run(mod, mam);
}

/// Code generation: {mod} as a relocatable ELF object.
Result<std::vector<uint8_t>> emit_object(llvm::Module& mod, llvm::TargetMachine& tm) {
  llvm::SmallVector<char, 0> bytes;
  llvm::raw_svector_ostream out(bytes);
  llvm::legacy::PassManager pm;
  if (tm.addPassesToEmitFile(pm, out, nullptr, llvm::CodeGenFileType::ObjectFile)) {
    return tier_error("the target cannot emit object files");
  }
  pm.run(mod);
  return std::vector<uint8_t>(bytes.begin(), bytes.end());
}

/// One partition's outcome: its object, or why it failed and at which defined function
/// (UINT32_MAX when not at a function), so that the error reported is the first in index
/// order whatever the partitioning.
struct PartitionResult {
  std::vector<uint8_t> object;
  std::optional<Error> error;
  uint32_t failed_at = UINT32_MAX;
};

/// Functions with a loop that no marker observes, each with the code offsets of that loop.
using Unobserved = std::vector<std::pair<uint32_t, std::vector<uint32_t>>>;

/// Generates, verifies, optimizes and emits the defined functions {functions} (in index
/// order) of {cm} in a context and module of their own: safe to run on any thread, one
/// partition per thread. The loops {observe_loops} names observe their function's load sink
/// at their heads. When the optimized code of a function has a loop no marker observes
/// (load_sink.h) and the function's loops do not all observe yet, it is named in
/// {unobserved}, with the code offsets of that loop, and nothing is emitted.
PartitionResult compile_partition_once(const CompiledModule& cm, Features features, unsigned level,
                                       llvm::orc::JITTargetMachineBuilder target,
                                       const std::vector<uint32_t>& functions,
                                       const std::vector<LoopObservation>& observe_loops,
                                       Unobserved& unobserved) {
  PartitionResult result;
  auto fail = [&](Error e, uint32_t at = UINT32_MAX) {
    result.error = std::move(e);
    result.failed_at = at;
    return std::move(result);
  };
  const Module& m = cm.module;
  auto tm = target.createTargetMachine();
  if (!tm) return fail(tier_error(llvm_error(tm.takeError())));
  llvm::LLVMContext ctx;
  llvm::Module mod("wasm", ctx);
  mod.setDataLayout((*tm)->createDataLayout());
  mod.setTargetTriple((*tm)->getTargetTriple().str());

  llvm::MDBuilder md(ctx);
  llvm::MDNode* root = md.createTBAARoot("wasmscope");
  llvm::MDNode* memory_type = md.createTBAAScalarTypeNode("linear memory", root);
  llvm::MDNode* runtime_type = md.createTBAAScalarTypeNode("runtime", root);
  ModuleGen g{cm,
              m,
              features,
              ctx,
              mod,
              llvm::Type::getInt8Ty(ctx),
              llvm::Type::getInt32Ty(ctx),
              llvm::Type::getInt64Ty(ctx),
              llvm::Type::getFloatTy(ctx),
              llvm::Type::getDoubleTy(ctx),
              llvm::PointerType::getUnqual(ctx),
              llvm::Type::getVoidTy(ctx),
              llvm::FixedVectorType::get(llvm::Type::getInt32Ty(ctx), 4),
              {},
              {},
              md.createTBAAStructTagNode(memory_type, memory_type, 0),
              md.createTBAAStructTagNode(runtime_type, runtime_type, 0),
              {},
              {},
              (*tm)->getTargetTriple().isAArch64() ? "=w,0" : "=x,0",
              (*tm)->getTargetTriple().isX86() &&
                  (*tm)->getMCSubtargetInfo()->checkFeatures("+ssse3"),
              {},
              {},
              (*tm)->getTargetTriple().isAArch64() ? 8u : 6u,
              8u,
              0};
  g.aarch64 = (*tm)->getTargetTriple().isAArch64();
  g.helper_trap = g.helper("ws_trap", g.void_type, {g.i32, g.i32});
  {
    // Kept during the IR pipeline (they may write memory nothing else reads), then removed.
    auto declare_marker = [&](const char* name, llvm::MemoryEffects effects) {
      auto* marker = llvm::Function::Create(llvm::FunctionType::get(g.void_type, {g.i64}, false),
                                            llvm::Function::ExternalLinkage, name, mod);
      marker->setMemoryEffects(effects);
      marker->addFnAttr(llvm::Attribute::NoUnwind);
      marker->addFnAttr(llvm::Attribute::WillReturn);
      return marker;
    };
    g.load_sink_marker =
        declare_marker(kLoadSinkMarker, llvm::MemoryEffects::inaccessibleMemOnly());
    // The one at loop heads (load_sink.h) reads any memory besides.
    g.load_sink_loop_marker =
        declare_marker(kLoadSinkLoopMarker, llvm::MemoryEffects::readOnly() |
                                                llvm::MemoryEffects::inaccessibleMemOnly());
  }
  g.observe_loops = observe_loops;
  g.ordered_memory = level >= 2 && cm.bounds != BoundsChecks::kExplicit;
  for (const Import& imp : m.imports) {
    if (imp.kind == ExternKind::kFunc) g.import_func_types.push_back(imp.func_type);
    if (imp.kind == ExternKind::kGlobal) g.import_global_types.push_back(imp.global.type);
  }
  g.addr = address_types(g.m);
  if (auto* trap_fn = llvm::dyn_cast<llvm::Function>(g.helper_trap.getCallee())) {
    trap_fn->setDoesNotReturn();
    trap_fn->addFnAttr(llvm::Attribute::Cold);
  }

  // Line tables only: each function a subprogram, each instruction's line its wasm offset.
  mod.addModuleFlag(llvm::Module::Warning, "Debug Info Version", llvm::DEBUG_METADATA_VERSION);
  mod.addModuleFlag(llvm::Module::Warning, "Dwarf Version", 4);
  llvm::DIBuilder dib(mod);
  llvm::DIFile* di_file = dib.createFile("module.wasm", ".");
  dib.createCompileUnit(llvm::dwarf::DW_LANG_C, di_file, "wasmscope", level > 0, "", 0, "",
                        llvm::DICompileUnit::LineTablesOnly);
  llvm::DISubroutineType* di_type = dib.createSubroutineType(dib.getOrCreateTypeArray({}));
  auto subprogram = [&](const std::string& name, uint32_t line) {
    return dib.createFunction(di_file, name, name, di_file, line, di_type, line,
                              llvm::DINode::FlagZero,
                              llvm::DISubprogram::SPFlagDefinition |
                                  (level > 0 ? llvm::DISubprogram::SPFlagOptimized
                                             : llvm::DISubprogram::SPFlagZero));
  };

  for (const FuncType& ft : m.types) {
    g.body_arg_area = std::max(g.body_arg_area, g.stack_arg_bytes(g.native_params(ft)));
  }
  std::vector<bool> here(m.functions.size(), false);
  for (uint32_t i : functions) here[i] = true;
  declare_bodies(g, here, subprogram);
  llvm::FunctionType* entry_type = llvm::FunctionType::get(g.void_type, {g.ptr, g.ptr, g.ptr}, false);
  for (uint32_t i : functions) {
    FuncGen fg(g, i);
    if (auto generated = fg.generate(); !generated.ok()) return fail(generated.take_error(), i);
    llvm::Function* entry = llvm::Function::Create(entry_type, llvm::Function::ExternalLinkage,
                                                   code_symbol('e', i), mod);
    entry->addFnAttr("frame-pointer", WASMSCOPE_CAPTURE ? "all" : "none");
    entry->addFnAttr(llvm::Attribute::NoUnwind);
    entry->setSubprogram(subprogram(code_symbol('e', i), 0));
    generate_entry(g, i, entry);
  }

  dib.finalize();
  std::string verify_errors;
  llvm::raw_string_ostream verify_stream(verify_errors);
  if (llvm::verifyModule(mod, &verify_stream)) {
    return fail(tier_error("internal error, invalid IR: " + verify_stream.str()));
  }
  if (level > 0) optimize(mod, **tm, level);
  // Level 0 deletes no load; explicit bounds keep no sink (their checks stay), nor do levels 2
  // and 3 (their loads are volatile: ModuleGen::ordered_memory).
  const bool sink_kept = level == 1 && cm.bounds != BoundsChecks::kExplicit;
  for (uint32_t i : functions) {
    if (!sink_kept || observe_loops[i].level == LoopObservation::kAll) continue;
    const llvm::Function* body = mod.getFunction(code_symbol('f', i));
    std::vector<uint32_t> lines;
    if (body != nullptr && find_unobserved_loops(*body, lines)) unobserved.emplace_back(i, lines);
  }
  if (!unobserved.empty()) return result;
  lower_load_sinks(mod, **tm);
  auto object = emit_object(mod, **tm);
  if (!object.ok()) return fail(object.take_error());
  result.object = std::move(*object);
  return result;
}

/// compile_partition_once until no function has a loop its load sink misses. The usual
/// case takes one round. A function whose optimized code loops with no way out (no return,
/// no trap: LLVM has deleted the branch out, or there never was one) gets no observation
/// of its sink, and LLVM deletes its loads, so an out-of-bounds load would spin instead of
/// trapping. Such a function is compiled again with the sink observed at the heads of the
/// loops whose code holds that of the loop found (the innermost of them is the one with no
/// way out), which keeps each load; its other loops compile as before. Should LLVM have kept
/// no offset of that code, or a second round find such a loop still, every loop of the
/// function observes in the next; bodies are never inlined into each other, so a round
/// changes no other function.
PartitionResult compile_partition(const CompiledModule& cm, Features features, unsigned level,
                                  const llvm::orc::JITTargetMachineBuilder& target,
                                  const std::vector<uint32_t>& functions) {
  std::vector<LoopObservation> observe_loops(cm.module.functions.size());
  for (;;) {
    Unobserved unobserved;
    PartitionResult r =
        compile_partition_once(cm, features, level, target, functions, observe_loops, unobserved);
    if (unobserved.empty()) return r;
    for (auto& [i, lines] : unobserved) {
      LoopObservation& o = observe_loops[i];
      if (o.level == LoopObservation::kNone && !lines.empty()) {
        o.level = LoopObservation::kContaining;
        o.offsets = std::move(lines);
        std::sort(o.offsets.begin(), o.offsets.end());
      } else {
        o.level = LoopObservation::kAll;
      }
    }
  }
}

/// Below this much code (bytes of function bodies) one thread compiles the module: starting
/// threads and contexts would cost more than it saves.
constexpr uint64_t kParallelMinCodeBytes = 16 * 1024;

/// How many partitions to compile {m} in: {requested} (0: one per hardware thread), at most
/// one per function, one for a small module.
size_t partition_count(const Module& m, unsigned requested) {
  uint64_t code_bytes = 0;
  for (const Function& f : m.functions) code_bytes += f.code.end - f.code.begin;
  size_t n = requested != 0 ? requested : std::max(1u, std::thread::hardware_concurrency());
  if (requested == 0 && code_bytes < kParallelMinCodeBytes) n = 1;
  return std::max<size_t>(1, std::min(n, m.functions.size()));
}

/// Splits the defined functions into {n} lists of about equal code size (largest function
/// first, each to the lightest list), each list in index order.
std::vector<std::vector<uint32_t>> partition_functions(const Module& m, size_t n) {
  std::vector<uint32_t> by_size(m.functions.size());
  for (uint32_t i = 0; i < by_size.size(); ++i) by_size[i] = i;
  auto size_of = [&](uint32_t i) { return m.functions[i].code.end - m.functions[i].code.begin; };
  internal::stable_sort(by_size.begin(), by_size.end(),
                        [&](uint32_t a, uint32_t b) { return size_of(a) > size_of(b); });
  std::vector<std::vector<uint32_t>> parts(n);
  std::vector<uint64_t> load(n, 0);
  for (uint32_t i : by_size) {
    const size_t lightest =
        static_cast<size_t>(std::min_element(load.begin(), load.end()) - load.begin());
    parts[lightest].push_back(i);
    // Every function costs something beyond its bytes (declarations, entry, object symbols).
    load[lightest] += size_of(i) + 64;
  }
  for (auto& part : parts) std::sort(part.begin(), part.end());
  return parts;
}

/// A joinable thread running {body}, or none when the system has no thread to give
/// (pthread, not std::thread: without exceptions the latter would abort).
class Worker {
 public:
  explicit Worker(std::function<void()> body) : body_(std::move(body)) {
    constexpr size_t kStackBytes = 8u << 20;  // LLVM recurses deeply on large functions
    pthread_attr_t attr;
    if (pthread_attr_init(&attr) != 0) return;
    pthread_attr_setstacksize(&attr, kStackBytes);
    started_ = pthread_create(&thread_, &attr, &Worker::run, this) == 0;
    pthread_attr_destroy(&attr);
  }
  ~Worker() {
    if (started_) pthread_join(thread_, nullptr);
  }
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;
  bool started() const { return started_; }

 private:
  static void* run(void* self) {
    static_cast<Worker*>(self)->body_();
    return nullptr;
  }
  std::function<void()> body_;
  pthread_t thread_{};
  bool started_ = false;
};

/// Compiles {parts} on one thread each (the calling thread takes the first) and waits for
/// all of them: no thread outlives this call. A partition whose thread cannot be started is
/// compiled on the calling thread.
std::vector<PartitionResult> compile_partitions(const CompiledModule& cm, Features features,
                                                unsigned level,
                                                const llvm::orc::JITTargetMachineBuilder& target,
                                                const std::vector<std::vector<uint32_t>>& parts) {
  std::vector<PartitionResult> results(parts.size());
  auto work = [&](size_t p) { results[p] = compile_partition(cm, features, level, target, parts[p]); };
  std::vector<std::unique_ptr<Worker>> workers;
  for (size_t p = 1; p < parts.size(); ++p) {
    workers.push_back(std::make_unique<Worker>([&work, p] { work(p); }));
  }
  work(0);
  for (size_t p = 1; p < parts.size(); ++p) {
    if (!workers[p - 1]->started()) work(p);
  }
  workers.clear();  // joins
  return results;
}

/// The thread count the environment asks for (WASMSCOPE_COMPILE_THREADS), or 0.
unsigned threads_from_environment() {
  const char* text = std::getenv("WASMSCOPE_COMPILE_THREADS");
  if (text == nullptr) return 0;
  const long n = std::strtol(text, nullptr, 10);
  return n > 0 && n <= 1024 ? static_cast<unsigned>(n) : 0;
}

/// Sets up LLVM's native target once per process; thread-safe.
void initialize_llvm() {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    llvm::InitializeNativeTargetAsmParser();  // the stack check's read of rsp (x86-64)
  });
}

/// Sets up every target LLVM was built with, for compiling for another machine (once per
/// process; not done for the host's own code, which needs only the native target).
void initialize_all_targets() {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeAllTargetInfos();
    llvm::InitializeAllTargets();
    llvm::InitializeAllTargetMCs();
    llvm::InitializeAllAsmPrinters();
    llvm::InitializeAllAsmParsers();  // keep_slots_off_sp's `mov`
  });
}

/// CompilerPlugin::compile.
Result<NativeObjects> compile_objects(const CompiledModule& cm, Features features,
                                      const NativeOptions& options) {
  initialize_llvm();
  if (!options.target.empty()) initialize_all_targets();
  const unsigned level = options.opt_level > 3 ? 3 : options.opt_level;
  auto target = target_builder(options.target, level);
  if (!target.ok()) return target.take_error();
  const unsigned requested = options.threads != 0 ? options.threads : threads_from_environment();
  const auto parts = partition_functions(cm.module, partition_count(cm.module, requested));
  std::vector<PartitionResult> results = compile_partitions(cm, features, level, *target, parts);

  NativeObjects out;
  PartitionResult* first_failure = nullptr;
  for (PartitionResult& r : results) {
    if (r.error && (first_failure == nullptr || r.failed_at < first_failure->failed_at)) {
      first_failure = &r;
    }
    if (!r.object.empty()) out.objects.push_back(std::move(r.object));
  }
  if (first_failure != nullptr) return std::move(*first_failure->error);
  WS_ASSIGN(out.layout, read_layout(out.objects, cm.module.functions.size(), level <= 1));
  return out;
}

const CompilerPlugin kPlugin = {kCompilerPluginAbi, kBuildFingerprint, &compile_objects};

}  // namespace compiler
}  // namespace wasmscope::internal

extern "C" __attribute__((visibility("default"))) const wasmscope::internal::compiler::CompilerPlugin*
wasmscope_compiler_plugin_v1() {
  return &wasmscope::internal::compiler::kPlugin;
}
