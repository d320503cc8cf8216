// The compiled tier's threads proposal (0xFE prefix): atomic loads, stores, read-modify-writes
// and compare-exchanges as LLVM's sequentially consistent atomics on the guest's bytes (the
// interpreter's engine/atomics.h semantics), atomic.fence, and memory.atomic.wait/notify
// through the runtime's waiter table ({ws_memory_atomic_wait}, {ws_memory_atomic_notify}).
//
// Which instruction is which kind comes from engine/atomic_ops.def, the interpreter's table;
// the widths and value types from the opcode table (spec/opcodes.def).
#include <cstdint>

#include "compiler/func_gen.h"
#include "engine/waiter_table.h"

namespace wasmscope::internal::compiler {
namespace {

/// The LLVM operation of each {atomic::} function named in atomic_ops.def's ATOMIC_RMW rows.
namespace rmw {
constexpr auto add = llvm::AtomicRMWInst::Add;
constexpr auto sub = llvm::AtomicRMWInst::Sub;
constexpr auto bit_and = llvm::AtomicRMWInst::And;
constexpr auto bit_or = llvm::AtomicRMWInst::Or;
constexpr auto bit_xor = llvm::AtomicRMWInst::Xor;
constexpr auto exchange = llvm::AtomicRMWInst::Xchg;
}  // namespace rmw

constexpr auto kSeqCst = llvm::AtomicOrdering::SequentiallyConsistent;

/// The shape of an atomic access, from atomic_ops.def.
enum class Access { kNone, kLoad, kStore, kRmw, kCmpxchg };

Access access_of(Op op, llvm::AtomicRMWInst::BinOp* rmw_op) {
  switch (op) {
#define ATOMIC_LOAD(name, mem, out) case Op::name: return Access::kLoad;
#define ATOMIC_STORE(name, in, mem) case Op::name: return Access::kStore;
#define ATOMIC_CMPXCHG(name, in, mem) case Op::name: return Access::kCmpxchg;
#define ATOMIC_RMW(name, in, mem, fn) \
  case Op::name:                      \
    *rmw_op = rmw::fn;                \
    return Access::kRmw;
#include "engine/atomic_ops.def"
    default: return Access::kNone;
  }
}

}  // namespace

Value* FuncGen::atomic_address(Value* index, uint32_t offset, uint32_t width,
                               bool always_check_bounds, Value** ea_out) {
  Value* ea = b_.CreateZExt(index, g_.i64);
  if (offset != 0) ea = b_.CreateAdd(ea, llvm::ConstantInt::get(g_.i64, offset));
  // Alignment first, as the interpreter (atomic::check_access) and the reference interpreter
  // check it; of the effective address, not of the index alone.
  if (width > 1) {
    Value* low = b_.CreateAnd(ea, llvm::ConstantInt::get(g_.i64, width - 1));
    trap_if(to_bool(low), Trap::kUnalignedAtomic);
  }
  if (ea_out != nullptr) *ea_out = ea;
  return memory_address_at(ea, width, explicit_bounds_ || always_check_bounds);
}

Result<void> FuncGen::atomic_instruction(const Instr& in) {
  const Op op = in.op;
  const OpInfo& info = op_info(op);
  const unsigned width = info.arg;
  Type* mem_type = llvm::IntegerType::get(g_.ctx, width * 8);
  auto tag = [&](llvm::Instruction* i) {
    mark_memory_access(i);
    return i;
  };
  auto address = [&](Value* index) { return atomic_address(index, in.mem.offset, width, false); };
  // Read-modify-writes and compare-exchanges check their bounds in both modes: LLVM may drop
  // the memory access of one that cannot change memory and whose result is unused (x86 turns
  // `atomicrmw add p, 0` into a locked op on the stack), and the guard page then never faults
  // (the differential test's threads-64385395299d879c: an out-of-bounds rmw8.add_u of 0
  // trapped in the interpreter, not compiled). Their lock costs far more than the compare.
  auto checked_address = [&](Value* index) {
    return atomic_address(index, in.mem.offset, width, true);
  };

  llvm::AtomicRMWInst::BinOp rmw_op = llvm::AtomicRMWInst::BAD_BINOP;
  switch (access_of(op, &rmw_op)) {
    case Access::kLoad: {
      llvm::LoadInst* v = b_.CreateAlignedLoad(mem_type, address(pop()), llvm::Align(width));
      v->setAtomic(kSeqCst);
      tag(v);
      push(b_.CreateZExt(v, info.results == "l" ? g_.i64 : g_.i32));
      return {};
    }
    case Access::kStore: {
      Value* v = pop();
      llvm::StoreInst* s =
          b_.CreateAlignedStore(b_.CreateTrunc(v, mem_type), address(pop()), llvm::Align(width));
      s->setAtomic(kSeqCst);
      tag(s);
      return {};
    }
    case Access::kRmw: {
      Value* v = pop();
      Value* old = tag(b_.CreateAtomicRMW(rmw_op, checked_address(pop()),
                                          b_.CreateTrunc(v, mem_type),
                                          llvm::MaybeAlign(width), kSeqCst));
      push(b_.CreateZExt(old, v->getType()));  // the old value, zero-extended (the _u forms)
      return {};
    }
    case Access::kCmpxchg: {
      // Packed forms compare the wrapped expected value (threads issue #195).
      Value* replacement = pop();
      Value* expected = pop();
      Value* pair = tag(b_.CreateAtomicCmpXchg(checked_address(pop()),
                                               b_.CreateTrunc(expected, mem_type),
                                               b_.CreateTrunc(replacement, mem_type),
                                               llvm::MaybeAlign(width), kSeqCst, kSeqCst));
      push(b_.CreateZExt(b_.CreateExtractValue(pair, {0}), expected->getType()));
      return {};
    }
    case Access::kNone: break;
  }

  switch (op) {
    case Op::AtomicFence:
      b_.CreateFence(kSeqCst);
      return {};
    case Op::MemoryAtomicNotify: {
      // Checked here in both bounds modes, like wait: the helper itself touches no guest
      // memory, but the spec traps anyway. On an unshared memory it answers 0.
      Value* count = pop();
      Value* ea = nullptr;
      (void)atomic_address(pop(), in.mem.offset, width, true, &ea);
      push(b_.CreateCall(
          g_.helper("ws_memory_atomic_notify", g_.i32, {g_.ptr, g_.i32, g_.i64, g_.i32}),
          {vm_, llvm::ConstantInt::get(g_.i32, in.mem.memory), ea, count}));
      return {};
    }
    case Op::MemoryAtomicWait32:
    case Op::MemoryAtomicWait64: {
      Value* timeout = pop();
      Value* expected = b_.CreateZExt(pop(), g_.i64);
      Value* ea = nullptr;
      // Bounds always checked: the helper reads the cell, outside compiled code, where a
      // guard-page fault would not be a wasm trap.
      (void)atomic_address(pop(), in.mem.offset, width, true, &ea);
      if (!mem_shared_) {
        // Known statically: import matching requires the declared sharedness.
        b_.CreateBr(trap_block(Trap::kExpectedSharedMemory));
        b_.SetInsertPoint(new_block("dead"));
      }
      // The helper records where the thread left compiled code (its return address here), so
      // captures of the waiting thread walk these frames as during a host call.
      Value* outcome = b_.CreateCall(
          g_.helper("ws_memory_atomic_wait", g_.i32,
                    {g_.ptr, g_.ptr, g_.i32, g_.i64, g_.i64, g_.i64, g_.i32}),
          {ts_, vm_, llvm::ConstantInt::get(g_.i32, in.mem.memory), ea, expected, timeout,
           llvm::ConstantInt::get(g_.i32, width)});
      // Ended by a terminate request: trap here, "interrupted", as the interpreter does.
      trap_if(b_.CreateICmpEQ(outcome, llvm::ConstantInt::get(
                                 g_.i32, static_cast<uint32_t>(WaitOutcome::kCancelled))),
              Trap::kInterrupted);
      push(outcome);
      return {};
    }
    default: break;
  }
  return unsupported(in.offset, std::string(info.text));
}

}  // namespace wasmscope::internal::compiler
