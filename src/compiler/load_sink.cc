#include "compiler/load_sink.h"

#include <llvm/ADT/SCCIterator.h>
#include <llvm/ADT/SetVector.h>
#include <llvm/ADT/SmallPtrSet.h>
#include <llvm/ADT/SmallVector.h>
#include <llvm/Analysis/TargetTransformInfo.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/InlineAsm.h>
#include <llvm/IR/CFG.h>
#include <llvm/IR/DebugLoc.h>
#include <llvm/IR/Instructions.h>
#include <llvm/IR/Module.h>
#include <llvm/Target/TargetMachine.h>

#include <algorithm>
#include <bit>
#include <vector>

namespace wasmscope::internal::compiler {
namespace {

/// An instruction the sink's sum may consist of: no effect, no memory read (a load is what the
/// sink keeps, never part of it), no control flow.
bool pure(const llvm::Instruction* i) {
  return !i->mayHaveSideEffects() && !i->mayReadFromMemory() && !i->isTerminator() &&
         !i->isEHPad() && !llvm::isa<llvm::AllocaInst>(i);
}

class Lowering {
 public:
  Lowering(llvm::Function& fn, llvm::TargetMachine& tm)
      : fn_(fn), ctx_(fn.getContext()), vector_constraint_(tm.getTargetTriple().isAArch64() ? "w" : "x") {
    const llvm::TargetTransformInfo tti = tm.getTargetTransformInfo(fn);
    const uint64_t bits =
        tti.getRegisterBitWidth(llvm::TargetTransformInfo::RGK_FixedWidthVector).getFixedValue();
    vector_bits_ = std::max<uint64_t>(bits, 128);
  }

  void run(const std::vector<llvm::CallInst*>& roots) {
    llvm::SmallPtrSet<llvm::Instruction*, 16> root_set;
    for (llvm::CallInst* call : roots) root_set.insert(call);
    // Every pure instruction the roots read, transitively.
    llvm::SmallPtrSet<llvm::Instruction*, 32> slice;
    llvm::SmallVector<llvm::Instruction*, 64> work;
    auto reach = [&](llvm::Value* v) {
      auto* i = llvm::dyn_cast<llvm::Instruction>(v);
      if (i != nullptr && pure(i) && slice.insert(i).second) work.push_back(i);
    };
    for (llvm::CallInst* call : roots) reach(call->getArgOperand(0));
    while (!work.empty()) {
      llvm::Instruction* i = work.pop_back_val();
      for (llvm::Value* op : i->operands()) reach(op);
    }
    // Less those with a use outside the slice: their value is the program's, not only the
    // sink's. Each one taken out gives its operands a use outside, so they are checked again
    // (a worklist: linear in the slice, where rescanning it until stable was quadratic).
    auto used_outside = [&](llvm::Instruction* i) {
      for (llvm::User* u : i->users()) {
        auto* ui = llvm::cast<llvm::Instruction>(u);
        if (!slice.contains(ui) && !root_set.contains(ui)) return true;
      }
      return false;
    };
    for (llvm::Instruction* i : slice) work.push_back(i);
    while (!work.empty()) {
      llvm::Instruction* i = work.pop_back_val();
      if (!slice.contains(i) || !used_outside(i)) continue;
      slice.erase(i);
      for (llvm::Value* op : i->operands()) {
        auto* oi = llvm::dyn_cast<llvm::Instruction>(op);
        if (oi != nullptr && slice.contains(oi)) work.push_back(oi);
      }
    }
    // What the remaining sum reads from outside it, in program order (so that the output does
    // not depend on pointer values).
    llvm::SetVector<llvm::Value*> kept;
    llvm::SmallVector<llvm::Instruction*, 256> doomed;
    for (llvm::BasicBlock& bb : fn_) {
      for (llvm::Instruction& i : bb) {
        const bool in_slice = slice.contains(&i);
        if (!in_slice && !root_set.contains(&i)) continue;
        if (in_slice) doomed.push_back(&i);
        for (llvm::Value* op : i.operands()) {
          auto* oi = llvm::dyn_cast<llvm::Instruction>(op);
          if ((oi != nullptr && !slice.contains(oi)) || llvm::isa<llvm::Argument>(op)) kept.insert(op);
        }
      }
    }
    for (llvm::Value* v : kept) use(v, roots.front());
    for (llvm::CallInst* call : roots) call->eraseFromParent();
    for (llvm::Instruction* i : doomed) i->dropAllReferences();
    for (llvm::Instruction* i : doomed) i->eraseFromParent();
  }

 private:
  /// Keeps {v} alive through code generation at no cost: an empty asm that reads it.
  void use(llvm::Value* v, llvm::Instruction* fallback_point) {
    llvm::IRBuilder<> b(ctx_);
    if (auto* i = llvm::dyn_cast<llvm::Instruction>(v)) {
      std::optional<llvm::BasicBlock::iterator> at = i->getInsertionPointAfterDef();
      if (at) {
        b.SetInsertPoint(i->getParent(), *at);
      } else {
        b.SetInsertPoint(fallback_point);
      }
      b.SetCurrentDebugLocation(i->getDebugLoc());
    } else {
      b.SetInsertPoint(fn_.getEntryBlock().getFirstInsertionPt());
    }
    use_at(b, v);
  }

  void use_at(llvm::IRBuilder<>& b, llvm::Value* v) {
    llvm::Type* t = v->getType();
    if (t->isPointerTy()) return emit(b, v, "r");
    if (t->isIntegerTy()) {
      const unsigned bits = t->getIntegerBitWidth();
      if (bits <= 64) {
        if (bits != 8 && bits != 16 && bits != 32 && bits != 64) {
          v = b.CreateZExt(v, bits < 32 ? b.getInt32Ty() : b.getInt64Ty());
        }
        return emit(b, v, "r");
      }
      if (bits % 64 == 0) {
        return use_at(b, b.CreateBitCast(v, llvm::FixedVectorType::get(b.getInt64Ty(), bits / 64)));
      }
      return spill(b, v);
    }
    if (t->isFloatTy() || t->isDoubleTy()) return emit(b, v, vector_constraint_);
    auto* vt = llvm::dyn_cast<llvm::FixedVectorType>(t);
    if (vt == nullptr) return spill(b, v);
    llvm::Type* e = vt->getElementType();
    const bool lane_ok = e->isIntegerTy(8) || e->isIntegerTy(16) || e->isIntegerTy(32) ||
                         e->isIntegerTy(64) || e->isFloatTy() || e->isDoubleTy();
    if (!lane_ok) return spill(b, v);
    const uint64_t lane_bits = e->getPrimitiveSizeInBits().getFixedValue();
    const uint64_t lanes = vt->getNumElements();
    // Whole registers: a vector narrower than one is padded, a wider one split (the pieces of
    // a vector wider than the registers are already separate registers after legalization).
    const uint64_t piece_bits =
        std::clamp<uint64_t>(std::bit_ceil(lane_bits * lanes), 128, vector_bits_);
    const uint64_t piece_lanes = piece_bits / lane_bits;
    if (piece_lanes == lanes) return emit(b, v, vector_constraint_);
    for (uint64_t start = 0; start < lanes; start += piece_lanes) {
      llvm::SmallVector<int, 64> mask;
      for (uint64_t k = 0; k < piece_lanes; ++k) {
        mask.push_back(start + k < lanes ? static_cast<int>(start + k) : -1);
      }
      emit(b, b.CreateShuffleVector(v, mask), vector_constraint_);
    }
  }

  void emit(llvm::IRBuilder<>& b, llvm::Value* v, const char* constraint) {
    auto* type = llvm::FunctionType::get(b.getVoidTy(), {v->getType()}, false);
    b.CreateCall(llvm::InlineAsm::get(type, "", constraint, /*hasSideEffects=*/true), {v});
  }

  /// Any other type (none that keep_load produces): a volatile store to a stack slot.
  void spill(llvm::IRBuilder<>& b, llvm::Value* v) {
    llvm::IRBuilder<> eb(&*fn_.getEntryBlock().getFirstInsertionPt());
    llvm::AllocaInst* slot = eb.CreateAlloca(v->getType());
    b.CreateStore(v, slot, /*isVolatile=*/true);
  }

  llvm::Function& fn_;
  llvm::LLVMContext& ctx_;
  const char* vector_constraint_;
  uint64_t vector_bits_;
};

bool is_marker_call(const llvm::Instruction& i) {
  const auto* call = llvm::dyn_cast<llvm::CallInst>(&i);
  const llvm::Function* callee = call != nullptr ? call->getCalledFunction() : nullptr;
  return callee != nullptr &&
         (callee->getName() == kLoadSinkMarker || callee->getName() == kLoadSinkLoopMarker);
}

}  // namespace

void lower_load_sinks(llvm::Module& mod, llvm::TargetMachine& tm) {
  llvm::Function* markers[] = {mod.getFunction(kLoadSinkMarker),
                               mod.getFunction(kLoadSinkLoopMarker)};
  // The calls grouped by function, in module order.
  llvm::SmallVector<std::pair<llvm::Function*, std::vector<llvm::CallInst*>>, 16> groups;
  for (llvm::Function& fn : mod) {
    std::vector<llvm::CallInst*> calls;
    for (llvm::BasicBlock& bb : fn) {
      for (llvm::Instruction& i : bb) {
        if (is_marker_call(i)) calls.push_back(llvm::cast<llvm::CallInst>(&i));
      }
    }
    if (!calls.empty()) groups.emplace_back(&fn, std::move(calls));
  }
  for (auto& [fn, calls] : groups) Lowering(*fn, tm).run(calls);
  for (llvm::Function* marker : markers) {
    if (marker != nullptr) marker->eraseFromParent();
  }
}

bool find_unobserved_loops(const llvm::Function& fn, std::vector<uint32_t>& lines) {
  // Backwards from the blocks that observe the sink or leave the function, over predecessors:
  // a block never reached reaches none of them.
  llvm::SmallPtrSet<const llvm::BasicBlock*, 32> reaches;
  llvm::SmallVector<const llvm::BasicBlock*, 32> work;
  for (const llvm::BasicBlock& bb : fn) {
    const llvm::Instruction* end = bb.getTerminator();
    bool observes = end == nullptr || llvm::isa<llvm::ReturnInst>(end) ||
                    llvm::isa<llvm::UnreachableInst>(end);
    for (const llvm::Instruction& i : bb) observes = observes || is_marker_call(i);
    if (observes && reaches.insert(&bb).second) work.push_back(&bb);
  }
  while (!work.empty()) {
    const llvm::BasicBlock* bb = work.pop_back_val();
    for (const llvm::BasicBlock* pred : llvm::predecessors(bb)) {
      if (reaches.insert(pred).second) work.push_back(pred);
    }
  }
  if (reaches.size() == fn.size()) return false;
  // The code leading into such a loop (another loop before it, say) reaches no marker either,
  // but a marker in the loop would observe it: only the loops themselves are named, the
  // cycles that nothing leaves (strongly connected components without a successor outside).
  for (auto scc = llvm::scc_begin(&fn); !scc.isAtEnd(); ++scc) {
    const std::vector<const llvm::BasicBlock*>& blocks = *scc;
    if (reaches.contains(blocks.front())) continue;
    const llvm::SmallPtrSet<const llvm::BasicBlock*, 16> members(blocks.begin(), blocks.end());
    bool closed = true;
    for (const llvm::BasicBlock* bb : blocks) {
      for (const llvm::BasicBlock* succ : llvm::successors(bb)) {
        closed = closed && members.contains(succ);
      }
    }
    if (!closed) continue;
    for (const llvm::BasicBlock* bb : blocks) {
      for (const llvm::Instruction& i : *bb) {
        const llvm::DebugLoc& loc = i.getDebugLoc();
        if (loc && loc.getLine() != 0) lines.push_back(loc.getLine());
      }
    }
  }
  return true;
}

}  // namespace wasmscope::internal::compiler
