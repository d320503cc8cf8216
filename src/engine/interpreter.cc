// The interpreter: direct-threaded dispatch over translated code (see translate.cc). Each
// instruction starts with its handler's address; operands are frame-slot indices and
// immediates. Guest calls push a frame record and switch {pc}/{fp} without recursing on the
// native stack; the frame records are the call stack, so capture needs nothing else.
//
// Computed goto ("labels as values") is a GNU extension that both g++ and clang support; it is
// the reason for the diagnostic pragmas below.
#include "engine/interpreter.h"
#include "engine/native_abi.h"

#include <algorithm>
#include <cstring>

#include "base/platform/fault_handler.h"
#include "binary/instr_reader.h"
#include "engine/atomics.h"
#include "engine/compiled.h"
#include "engine/iops.h"
#include "engine/numeric.h"
#include "engine/simd_float.h"
#include "engine/simd_int.h"
#if defined(WASMSCOPE_SIMD_X86)
#include "engine/simd_x86.h"
#endif

#pragma GCC diagnostic ignored "-Wpedantic"
#ifdef __clang__
#pragma clang diagnostic ignored "-Wgnu-label-as-value"
#endif

namespace wasmscope::internal {

/// The SIMD semantics the handlers call: the portable ones, except where the x86 path has its
/// own (a using-declaration here wins over the using-directive in qualified lookup).
namespace simd_impl {
using namespace simd;
#if defined(WASMSCOPE_SIMD_X86)
#define WASMSCOPE_USE_X86(name) using simd::x86::name;
WASMSCOPE_SIMD_X86_OPS(WASMSCOPE_USE_X86)
#undef WASMSCOPE_USE_X86
#endif
}  // namespace simd_impl

namespace {

template <class T>
inline T rd(const Slot* fp, uint32_t slot) {
  T value;
  std::memcpy(&value, fp + slot, sizeof(T));
  return value;
}

template <class T>
inline void wr(Slot* fp, uint32_t slot, T value) {
  std::memcpy(fp + slot, &value, sizeof(T));
}

/// Bulk memory operations answer requests (terminate, suspend, capture) between chunks of
/// this size, so a multi-gigabyte memory.fill or memory.copy cannot hold off a controller.
constexpr uint64_t kBulkChunkBytes = 16u << 20;

/// {p}, which the compiler can no longer prove equal to anything: fields are then addressed
/// off this one register rather than through separately precomputed (and spilled) addresses.
template <typename T>
inline T* same_pointer(T* p) {
  asm("" : "+r"(p));
  return p;
}

}  // namespace

/// Calls host function {callee} from guest code: the thread is {in_host} meanwhile, and a fault
/// in host code is the host's crash, not a guest trap, so the landing pad is disarmed.
Trap call_host(ExecContext* ctx, const Func* callee, Slot* args) {
  TrapLandingPad* pad = current_landing_pad();
  if (pad != nullptr) pad->disarm();
  // Restored below: a host function that called back into the guest is the one being run
  // again when this call returns to it.
  const Func* outer_host = ctx->host_func.load(std::memory_order_relaxed);
  ctx->host_func.store(callee, std::memory_order_relaxed);
  transition(ctx, ThreadState::kRunningWasm, ThreadState::kInHost);
  HostCall call{ctx, args, args, callee->host_user, &ctx->trap_message};
  const Trap t = callee->host(call);
  ctx->host_func.store(outer_host, std::memory_order_relaxed);
  // Parks here first if suspended meanwhile: guest state is untouched until resumed.
  transition(ctx, ThreadState::kInHost, ThreadState::kRunningWasm);
  if (pad != nullptr) pad->arm();
  return t;
}

namespace {

/// A call from interpreted code to a function it does not interpret: a host function, or
/// compiled code of another instance (a compiled module linked to an interpreted one). A trap
/// in compiled code jumps to the landing pad of the enclosing {invoke}, having walked every
/// frame above it, the interpreted ones included.
///
/// From a module that handles exceptions, compiled code is entered through a nested {invoke}
/// with its own landing pad: an exception raised in it (compiled frames have no handlers; it
/// travels as {Trap::kException}) comes back here to the caller's handlers instead of jumping
/// past them to the outermost pad.
[[gnu::noinline]] Trap call_out(ExecContext* ctx, const Func* callee, Slot* args,
                                bool own_pad) {
  if (callee->native_entry == nullptr) return call_host(ctx, callee, args);
  if (own_pad) {
    // (invoke() leaves the published depth as it found it, a raise that jumped to its
    // landing pad over compiled frames included.)
    InvokeOutcome outcome = invoke(ctx, callee, args);
    if (outcome.trap == Trap::kHostTrap) ctx->trap_message = std::move(outcome.message);
    return outcome.trap;
  }
  if (ctx->native.stack_limit == 0) ctx->native.stack_limit = native_stack_limit();
  return call_native_entry(ctx, callee, args);
}

/// Where a thrown exception is caught: the catching frame's depth (its record is the one
/// below it) and the handler and clause; {clause} null when no frame of this {run} catches it.
struct Catch {
  uint32_t depth = 0;
  const ExceptionHandler* handler = nullptr;
  const ExceptionHandler::Clause* clause = nullptr;
};

/// Searches the handler tables of the frames {frames}[{entry_depth}, {depth}) from the
/// innermost out for {exn} thrown at {pc} in the innermost ({skip_innermost}: a tail call
/// replaced that frame, whose handlers no longer apply). Out of {run}: code in the
/// dispatch loop's function competes for its registers with every handler.
[[gnu::noinline]] Catch find_catch(const FrameRecord* frames, uint32_t depth,
                                   uint32_t entry_depth, const uint64_t* pc, bool skip_innermost,
                                   const ExceptionObject* exn) {
  for (uint32_t d = depth; d > entry_depth; --d) {
    const FrameRecord& f = frames[d - 1];
    const CompiledFunc* code = f.func->code;
    if (code->handlers.empty() || (d == depth && skip_innermost)) continue;
    // The thrower's position, or a caller's call instruction (its return address minus one).
    const uint64_t* at = d == depth ? pc : f.pc - 1;
    const uint32_t index = static_cast<uint32_t>(at - code->code.data());
    uint32_t limit = UINT32_MAX;  // a delegate skips handlers nested deeper than its label
    for (const ExceptionHandler& h : code->handlers) {
      if (index < h.begin || index >= h.end || h.depth > limit) continue;
      if (h.delegate) {
        limit = h.delegate_to;
        continue;
      }
      for (const ExceptionHandler::Clause& clause : h.clauses) {
        if (clause.tag == ExceptionHandler::Clause::kAnyTag ||
            f.func->instance->tags[clause.tag] == exn->tag) {
          return Catch{d, &h, &clause};
        }
      }
    }
  }
  return Catch{};
}

/// Delivers {exn} to the catch {c} in the frame of {func} at {fp} (its frame is the innermost
/// again): the payload and the exnref where the clause or a legacy catch wants them. Returns
/// where the handler's code starts.
[[gnu::noinline]] const uint64_t* enter_catch(const Catch& c, const Func* func, Slot* fp,
                                              ExceptionObject* exn) {
  Slot* dst = fp + c.clause->dst;
  if (c.clause->tag != ExceptionHandler::Clause::kAnyTag && !exn->payload.empty()) {
    // (Not for an empty payload: its data() may be null, which memcpy must not get.)
    std::memcpy(dst, exn->payload.data(), exn->payload.size() * sizeof(Slot));
    dst += exn->payload.size();
  }
  const bool exposed = c.clause->with_ref || c.handler->exn_slot != UINT32_MAX;
  if (c.clause->with_ref) *dst = reinterpret_cast<Slot>(exn);
  if (c.handler->exn_slot != UINT32_MAX) fp[c.handler->exn_slot] = reinterpret_cast<Slot>(exn);
  if (exposed) {
    keep_exception(exn);
  } else {
    release_exception(exn);
  }
  return func->code->code.data() + c.clause->target;
}

struct HandlerTables {
  const void* guard[kIOpCount];
  const void* explicit_bounds[kIOpCount];
};

/// Runs {entry} with its frame at {fp} until it returns to the caller of {run}. With
/// {ctx} null, fills {tables} with the handler addresses instead.
Trap run(ExecContext* ctx, const Func* entry, Slot* fp, HandlerTables* tables) {
  if (ctx == nullptr) {
    std::fill(std::begin(tables->guard), std::end(tables->guard), nullptr);
    std::fill(std::begin(tables->explicit_bounds), std::end(tables->explicit_bounds), nullptr);
#define WASMSCOPE_SET(name) tables->guard[handler_index(IOp::name)] = &&L_##name;
    WASMSCOPE_INTERNAL_OPS(WASMSCOPE_SET)
#undef WASMSCOPE_SET
#define WASMSCOPE_SET(op, neg, type, expr)                              \
  tables->guard[handler_index(IOp::BrIf_##op)] = &&L_BrIf_##op;         \
  tables->guard[handler_index(IOp::BrIfBack_##op)] = &&L_BrIfBack_##op;
    WASMSCOPE_FUSED_COMPARES(WASMSCOPE_SET)
#undef WASMSCOPE_SET
    tables->guard[handler_index(IOp::BrIf_I32Eqz)] = &&L_BrIf_I32Eqz;
    tables->guard[handler_index(IOp::BrIfBack_I32Eqz)] = &&L_BrIfBack_I32Eqz;
    tables->guard[handler_index(IOp::BrIf_I64Eqz)] = &&L_BrIf_I64Eqz;
    tables->guard[handler_index(IOp::BrIfBack_I64Eqz)] = &&L_BrIfBack_I64Eqz;
    tables->guard[handler_index(IOp::BrUnless_I64Eqz)] = &&L_BrUnless_I64Eqz;
    // Scalar instructions: every generated handler, in both tables; the explicit-bounds table
    // then takes the checked variants of the memory handlers.
#define WASMSCOPE_SET(name)                                           \
  tables->guard[handler_index(Op::name)] = &&L_##name;                \
  tables->explicit_bounds[handler_index(Op::name)] = &&L_##name;
#define UNOP(name, in, out) WASMSCOPE_SET(name)
#define BINOP(name, in, out) WASMSCOPE_SET(name)
#define IBINOP(name, in, out)                                                      \
  WASMSCOPE_SET(name)                                                              \
  tables->guard[handler_index(IOp::Imm_##name)] = &&L_Imm_##name;
#define TRAP_UNOP(name, in, out) WASMSCOPE_SET(name)
#define TRAP_BINOP(name, in, out) WASMSCOPE_SET(name)
#define CONST32(name) WASMSCOPE_SET(name)
#define CONST64(name) WASMSCOPE_SET(name)
#define LOAD(name, mem, out)                                          \
  tables->guard[handler_index(Op::name)] = &&L_##name;                \
  tables->explicit_bounds[handler_index(Op::name)] = &&LX_##name;
#define STORE(name, in, mem) LOAD(name, in, mem)
#include "engine/interp_ops.def"
#undef WASMSCOPE_SET
    // SIMD: every shape in both tables; memory shapes get checked variants in explicit mode.
#define WASMSCOPE_SET(name, ...)                                      \
  tables->guard[handler_index(Op::name)] = &&L_##name;                \
  tables->explicit_bounds[handler_index(Op::name)] = &&L_##name;
#define WASMSCOPE_SET_MEM(name, ...)                                  \
  tables->guard[handler_index(Op::name)] = &&L_##name;                \
  tables->explicit_bounds[handler_index(Op::name)] = &&LX_##name;
#define V_UNOP WASMSCOPE_SET
#define V_BINOP WASMSCOPE_SET
#define V_TERNOP WASMSCOPE_SET
#define V_SPLAT WASMSCOPE_SET
#define V_SHIFT WASMSCOPE_SET
#define V_TEST WASMSCOPE_SET
#define V_EXTRACT WASMSCOPE_SET
#define V_REPLACE WASMSCOPE_SET
#define V_SHUFFLE WASMSCOPE_SET
#define V_CONST WASMSCOPE_SET
#define V_LOAD WASMSCOPE_SET_MEM
#define V_LOAD_EXT WASMSCOPE_SET_MEM
#define V_STORE WASMSCOPE_SET_MEM
#define V_LOAD_LANE WASMSCOPE_SET_MEM
#define V_STORE_LANE WASMSCOPE_SET_MEM
#include "engine/simd_ops.def"
#undef WASMSCOPE_SET
#undef WASMSCOPE_SET_MEM
    // Atomics check bounds themselves (with their alignment): one handler for both modes.
#define WASMSCOPE_SET(name, ...)                                      \
  tables->guard[handler_index(Op::name)] = &&L_##name;
#define ATOMIC_LOAD WASMSCOPE_SET
#define ATOMIC_STORE WASMSCOPE_SET
#define ATOMIC_RMW WASMSCOPE_SET
#define ATOMIC_CMPXCHG WASMSCOPE_SET
#include "engine/atomic_ops.def"
    WASMSCOPE_SET(MemoryAtomicNotify)
    WASMSCOPE_SET(MemoryAtomicWait32)
    WASMSCOPE_SET(MemoryAtomicWait64)
    WASMSCOPE_SET(AtomicFence)
#undef WASMSCOPE_SET
    tables->guard[handler_index(Op::MemorySize)] = &&L_MemorySize;
    tables->guard[handler_index(Op::MemoryGrow)] = &&L_MemoryGrow;
    tables->guard[handler_index(Op::MemoryFill)] = &&L_MemoryFill;
    tables->guard[handler_index(Op::MemoryCopy)] = &&L_MemoryCopy;
    tables->guard[handler_index(Op::MemoryInit)] = &&L_MemoryInit;
    tables->guard[handler_index(Op::DataDrop)] = &&L_DataDrop;
    // Everything else is the same in both modes.
    for (unsigned i = 0; i < kIOpCount; ++i) {
      if (tables->explicit_bounds[i] == nullptr) tables->explicit_bounds[i] = tables->guard[i];
    }
    return Trap::kNone;
  }

  FrameRecord* const frames = ctx->frames();
  const uint32_t entry_depth = ctx->depth.load(std::memory_order_relaxed);
  uint32_t depth = entry_depth;
  FrameRecord* top = nullptr;  // frames[depth - 1]
  const uint64_t* pc = nullptr;
  InstanceData* inst = nullptr;
  MemoryData* mem0 = nullptr;
  uint8_t* mem = nullptr;
  uint64_t mem_size = 0;
  Trap trap = Trap::kNone;
  const Func* callee = nullptr;
  Slot* args = nullptr;
  const uint64_t* next = nullptr;
  // The exception being thrown and whether the innermost frame is no longer there for its
  // handlers (a tail call replaced it): set by every jump to do_throw, so that neither is live
  // across the dispatch loop (a register, or a spill, for nothing in every handler).
  ExceptionObject* exn = nullptr;
  bool tail_called;

#define OPND(i) (reinterpret_cast<const uint32_t*>(pc + 1)[i])
#define DISPATCH() goto* reinterpret_cast<const void*>(*pc)
#define NEXT(words)     \
  do {                  \
    pc += 1 + (words);  \
    DISPATCH();         \
  } while (0)
#define TRAP(kind)    \
  do {                \
    trap = (kind);    \
    goto trap_exit;   \
  } while (0)
  // {mem_size} only has to be a lower bound: an explicit check that fails re-reads it with
  // acquire before it traps (CHECK_BOUNDS, atomic::check_access). So reloading after a call
  // needs no ordered load, which on ARM is a barrier per call (`ldar`, `dmb`:
  // docs/stack-capture.md, "Barriers"). On 64-bit hosts a relaxed load, one plain
  // instruction: sizes only grow, so any value it reads is a lower bound, and for a shared
  // memory grown by another thread the new pages were accessible before that thread stored
  // the size. On 32-bit hosts a relaxed 64-bit load is an exclusive one (`ldrexd` on ARMv7),
  // and a plain one could tear: a plain read for a memory only this thread grows, 0 for a
  // shared one until an access needs more.
#define RELOAD_MEMORY()                                                        \
  do {                                                                         \
    if (mem0 != nullptr) {                                                     \
      mem = mem0->base;                                                        \
      if constexpr (sizeof(void*) >= sizeof(uint64_t)) {                       \
        mem_size = __atomic_load_n(&mem0->size, __ATOMIC_RELAXED);             \
      } else {                                                                 \
        mem_size = mem0->shared ? 0 : mem0->size;                              \
      }                                                                        \
    }                                                                          \
  } while (0)
  // Explicit bounds check of an access ending at {end}. {mem_size} is a cached copy: another
  // thread may have grown a shared memory since (its base never moves), so a failing check
  // re-reads the size before it traps. The fast path is one compare, as before.
#define CHECK_BOUNDS(end)                                        \
  if ((end) > mem_size) [[unlikely]] {                           \
    mem_size = atomic::current_size(mem0);                       \
    if ((end) > mem_size) TRAP(Trap::kOutOfBoundsMemory);        \
  }
#define SWITCH_INSTANCE(next_inst)                                          \
  do {                                                                     \
    inst = (next_inst);                                                    \
    mem0 = inst->memories.empty() ? nullptr : inst->memories[0];           \
    RELOAD_MEMORY();                                                       \
  } while (0)
  // Publication order (DESIGN.md): a record is complete before {depth} covers it
  // (publish_depth: a compiler fence and a relaxed store, no barrier on ARM).
#define PUBLISH_DEPTH() publish_depth(ctx, depth)
#if WASMSCOPE_CAPTURE
#define RECORD_POSITION_IN(c, where) (c)->position.store((where), std::memory_order_relaxed)
#else
  // Capture bookkeeping compiled out (for measuring its cost): no position stores at
  // safepoints.
#define RECORD_POSITION_IN(c, where) ((void)(c), (void)(where))
#endif
#define RECORD_POSITION(where) RECORD_POSITION_IN(ctx, where)
  // The innermost position lives in {ctx->position} between safepoints (one store per loop
  // iteration) and in the innermost record otherwise: cleared before any change of {depth} is
  // published, so a capture never pairs it with another frame, and at every stop, where the
  // record's pc names the place instead (context.h).
#define CLEAR_POSITION() RECORD_POSITION(nullptr)
#define STOP_AT(where)   \
  do {                   \
    top->pc = (where);   \
    CLEAR_POSITION();    \
  } while (0)
  // Safepoint: remember where we are ({where}), then answer any request (requests are always
  // polled: terminate and suspend need them whatever the build). A loop's back edge names the
  // branch, not the loop's first instruction: that one is often a hoisted constant that the
  // line table gives to the function's opening line, while the branch is in the loop's body.
  // {poll} is {ctx} made opaque to the optimizer: otherwise it keeps &ctx->position and
  // &ctx->requests as two loop-invariant pointers, spilled, and the position store costs a
  // reload of its own besides the store (docs/performance.md, "Threads").
#define SAFEPOINT_AT(where)                                                 \
  do {                                                                      \
    ExecContext* const poll = same_pointer(ctx);                            \
    RECORD_POSITION_IN(poll, where);                                        \
    if (poll->requests.load(std::memory_order_relaxed) != 0) [[unlikely]] { \
      top->pc = (where);                                                    \
      const Trap t = service_requests(ctx);                                 \
      if (t != Trap::kNone) {                                               \
        pc = (where);                                                       \
        TRAP(t);                                                            \
      }                                                                     \
    }                                                                       \
  } while (0)
#define SAFEPOINT() SAFEPOINT_AT(pc)
  // A function's entry: its record was just published with pc at the entry and the position
  // cleared, so only the poll remains.
#define ENTRY_SAFEPOINT()                                                  \
  do {                                                                     \
    if (ctx->requests.load(std::memory_order_relaxed) != 0) [[unlikely]] { \
      const Trap t = service_requests(ctx);                                \
      if (t != Trap::kNone) TRAP(t);                                       \
    }                                                                      \
  } while (0)

  {
    const CompiledFunc* code = entry->code;
    if (depth >= ctx->max_frames() || fp + code->frame_slots > ctx->stack_end()) {
      return Trap::kCallStackExhausted;
    }
    std::memset(fp + code->param_slots, 0, code->local_slots * sizeof(Slot));
    top = frames + depth;
    *top = {entry, code->code.data(), fp};
    ++depth;
    CLEAR_POSITION();
    PUBLISH_DEPTH();
    pc = code->code.data();
    SWITCH_INSTANCE(entry->instance);
    ENTRY_SAFEPOINT();
    DISPATCH();
  }

  // Calls {callee} with arguments at {args}, returning to {next}.
do_call: {
  if (callee->interp_code == nullptr) [[unlikely]] {
    STOP_AT(pc);
    ctx->stack_top = args + callee->arg_slots;
    const Trap t = call_out(ctx, callee, args, inst->module->uses_exceptions);
    if (t != Trap::kNone) [[unlikely]] {
      // An exception the host function (or the guest code it called) did not catch goes on
      // from this call.
      if (t == Trap::kException) {
        RELOAD_MEMORY();
        exn = ctx->exception;
        tail_called = false;
        goto do_throw;
      }
      TRAP(t);
    }
    RELOAD_MEMORY();
    pc = next;
    DISPATCH();
  }
  const CompiledFunc* code = callee->interp_code;
  if (depth >= ctx->max_frames() || args + code->frame_slots > ctx->stack_end()) [[unlikely]] {
    TRAP(Trap::kCallStackExhausted);
  }
  top->pc = next;
  std::memset(args + code->param_slots, 0, code->local_slots * sizeof(Slot));
  top = frames + depth;
  *top = {callee, code->code.data(), args};
  ++depth;
  CLEAR_POSITION();
  PUBLISH_DEPTH();
  fp = args;
  pc = code->code.data();
  if (callee->instance != inst) SWITCH_INSTANCE(callee->instance);
  ENTRY_SAFEPOINT();
  DISPATCH();
}

  // Replaces the current frame by a call to {callee} with arguments at {args}.
do_tail_call: {
  if (callee->interp_code == nullptr) [[unlikely]] {
    // A host or compiled function cannot reuse the frame: call it, then return its results.
    next = nullptr;
    STOP_AT(pc);
    ctx->stack_top = args + callee->arg_slots;
    const Trap t = call_out(ctx, callee, args, inst->module->uses_exceptions);
    if (t != Trap::kNone) [[unlikely]] {
      if (t == Trap::kException) {
        // The tail call replaced this frame: its handlers do not see the exception.
        RELOAD_MEMORY();
        exn = ctx->exception;
        tail_called = true;
        goto do_throw;
      }
      TRAP(t);
    }
    std::memmove(fp, args, callee->arg_slots * sizeof(Slot));
    goto L_Return;
  }
  const CompiledFunc* code = callee->interp_code;
  if (fp + code->frame_slots > ctx->stack_end()) [[unlikely]] TRAP(Trap::kCallStackExhausted);
  std::memmove(fp, args, code->param_slots * sizeof(Slot));
  std::memset(fp + code->param_slots, 0, code->local_slots * sizeof(Slot));
  // Retract the record while it changes, so a concurrent reader never sees a torn one.
  --depth;
  CLEAR_POSITION();
  PUBLISH_DEPTH();
  *top = {callee, code->code.data(), fp};
  ++depth;
  PUBLISH_DEPTH();
  pc = code->code.data();
  if (callee->instance != inst) SWITCH_INSTANCE(callee->instance);
  ENTRY_SAFEPOINT();
  DISPATCH();
}

L_Unreachable:
  TRAP(Trap::kUnreachable);

  // Exception handling. A throw searches the handler tables of the frames from the innermost
  // out before anything changes, so an uncaught exception traps with the thrower's whole stack
  // (the trap stack names it); a caught one pops the frames above the catching one the way
  // returns do (each record retracted before its frame is reused), so captures stay valid.
L_ThrowI:
  exn = new_exception(inst->tags[OPND(0)], fp + OPND(1));
  tail_called = false;
  goto do_throw;
L_ThrowRefI:
  exn = reinterpret_cast<ExceptionObject*>(fp[OPND(0)]);
  if (exn == nullptr) TRAP(Trap::kNullExceptionReference);
  tail_called = false;
  goto do_throw;
L_RethrowI:
  exn = reinterpret_cast<ExceptionObject*>(fp[OPND(0)]);
  tail_called = false;
  goto do_throw;

do_throw: {
  const Catch c = find_catch(frames, depth, entry_depth, pc, tail_called, exn);
  if (c.clause == nullptr) {
    keep_exception(exn);  // it leaves the guest: the host may hold on to it
    ctx->exception = exn;
    TRAP(Trap::kException);
  }
  // Pop every frame above the catching one (none when the thrower's own frame catches: the
  // depth is published again, unchanged).
  depth = c.depth;
  CLEAR_POSITION();
  PUBLISH_DEPTH();
  top = frames + depth - 1;
  fp = top->fp;
  if (top->func->instance != inst) {
    SWITCH_INSTANCE(top->func->instance);
  } else {
    RELOAD_MEMORY();
  }
  pc = enter_catch(c, top->func, fp, exn);
  exn = nullptr;
  DISPATCH();
}

L_Br:
  pc += static_cast<int32_t>(OPND(0));
  DISPATCH();
L_BrBack: {
  const uint64_t* const branch = pc;
  pc += static_cast<int32_t>(OPND(0));
  SAFEPOINT_AT(branch);
  DISPATCH();
}
  // One-operand conditional branches (operands: value, rel): taken when {cond} holds of {a};
  // the back-edge forms are safepoints.
#define WASMSCOPE_BRANCH_ON(label, type, cond, at_target) \
  label : {                                               \
    [[maybe_unused]] const uint64_t* const branch = pc;   \
    const type a = rd<type>(fp, OPND(0));                 \
    if (cond) {                                           \
      pc += static_cast<int32_t>(OPND(1));                \
      at_target;                                          \
      DISPATCH();                                         \
    }                                                     \
    NEXT(1);                                              \
  }
  WASMSCOPE_BRANCH_ON(L_BrIf, uint32_t, a != 0, )
  WASMSCOPE_BRANCH_ON(L_BrIfBack, uint32_t, a != 0, SAFEPOINT_AT(branch))
L_BrUnless:
  WASMSCOPE_BRANCH_ON(L_BrIf_I32Eqz, uint32_t, a == 0, )
  WASMSCOPE_BRANCH_ON(L_BrIfBack_I32Eqz, uint32_t, a == 0, SAFEPOINT_AT(branch))
  WASMSCOPE_BRANCH_ON(L_BrIf_I64Eqz, uint64_t, a == 0, )
  WASMSCOPE_BRANCH_ON(L_BrIfBack_I64Eqz, uint64_t, a == 0, SAFEPOINT_AT(branch))
  WASMSCOPE_BRANCH_ON(L_BrUnless_I64Eqz, uint64_t, a != 0, )
#undef WASMSCOPE_BRANCH_ON

#define WASMSCOPE_FUSED_HANDLERS(op, neg, type, expr) \
  L_BrIf_##op : {                                     \
    const type a = rd<type>(fp, OPND(0));             \
    const type b = rd<type>(fp, OPND(1));             \
    if (expr) {                                       \
      pc += static_cast<int32_t>(OPND(2));            \
      DISPATCH();                                     \
    }                                                 \
    NEXT(2);                                          \
  }                                                   \
  L_BrIfBack_##op : {                                 \
    const uint64_t* const branch = pc;                \
    const type a = rd<type>(fp, OPND(0));             \
    const type b = rd<type>(fp, OPND(1));             \
    if (expr) {                                       \
      pc += static_cast<int32_t>(OPND(2));            \
      SAFEPOINT_AT(branch);                           \
      DISPATCH();                                     \
    }                                                 \
    NEXT(2);                                          \
  }
  WASMSCOPE_FUSED_COMPARES(WASMSCOPE_FUSED_HANDLERS)
#undef WASMSCOPE_FUSED_HANDLERS

L_BrTable: {
  const uint32_t count = OPND(1);
  const uint32_t index = std::min(rd<uint32_t>(fp, OPND(0)), count);
  pc += static_cast<int32_t>(OPND(2 + index));
  DISPATCH();
}

L_Copy:
  fp[OPND(0)] = fp[OPND(1)];
  NEXT(1);
L_Copy2: {
  const Slot lo = fp[OPND(1)];
  const Slot hi = fp[OPND(1) + 1];
  fp[OPND(0)] = lo;
  fp[OPND(0) + 1] = hi;
  NEXT(1);
}
L_Const32:
  wr<uint32_t>(fp, OPND(0), OPND(1));
  NEXT(1);
L_Const64:
  fp[OPND(0)] = OPND(1) | static_cast<uint64_t>(OPND(2)) << 32;
  NEXT(2);
L_Const128:
  fp[OPND(0)] = OPND(1) | static_cast<uint64_t>(OPND(2)) << 32;
  fp[OPND(0) + 1] = OPND(3) | static_cast<uint64_t>(OPND(4)) << 32;
  NEXT(3);
L_Select:
  fp[OPND(0)] = rd<uint32_t>(fp, OPND(3)) != 0 ? fp[OPND(1)] : fp[OPND(2)];
  NEXT(2);
L_Select2: {
  const uint32_t from = rd<uint32_t>(fp, OPND(3)) != 0 ? OPND(1) : OPND(2);
  const Slot lo = fp[from];
  const Slot hi = fp[from + 1];
  fp[OPND(0)] = lo;
  fp[OPND(0) + 1] = hi;
  NEXT(2);
}

L_Call:
  callee = inst->funcs[OPND(0)];
  args = fp + OPND(1);
  next = pc + 2;
  goto do_call;
L_CallIndirect: {
  const TableData* table = inst->tables[OPND(1)];
  const uint32_t index = rd<uint32_t>(fp, OPND(2));
  if (index >= table->elems.size()) TRAP(Trap::kUndefinedElement);
  callee = reinterpret_cast<const Func*>(table->elems[index]);
  if (callee == nullptr) TRAP(Trap::kUninitializedElement);
  if (callee->type_id != inst->type_ids[OPND(0)]) TRAP(Trap::kIndirectCallTypeMismatch);
  args = fp + OPND(3);
  next = pc + 3;
  goto do_call;
}
L_ReturnCall:
  callee = inst->funcs[OPND(0)];
  args = fp + OPND(1);
  goto do_tail_call;
L_ReturnCallIndirect: {
  const TableData* table = inst->tables[OPND(1)];
  const uint32_t index = rd<uint32_t>(fp, OPND(2));
  if (index >= table->elems.size()) TRAP(Trap::kUndefinedElement);
  callee = reinterpret_cast<const Func*>(table->elems[index]);
  if (callee == nullptr) TRAP(Trap::kUninitializedElement);
  if (callee->type_id != inst->type_ids[OPND(0)]) TRAP(Trap::kIndirectCallTypeMismatch);
  args = fp + OPND(3);
  goto do_tail_call;
}
L_CallRef:
  callee = reinterpret_cast<const Func*>(fp[OPND(0)]);
  if (callee == nullptr) TRAP(Trap::kNullFunctionReference);
  args = fp + OPND(1);
  next = pc + 2;
  goto do_call;
L_ReturnCallRef:
  callee = reinterpret_cast<const Func*>(fp[OPND(0)]);
  if (callee == nullptr) TRAP(Trap::kNullFunctionReference);
  args = fp + OPND(1);
  goto do_tail_call;
L_RefAsNonNullI:
  if (fp[OPND(0)] == 0) TRAP(Trap::kNullReference);
  NEXT(1);
L_Return:
  --depth;
  CLEAR_POSITION();
  PUBLISH_DEPTH();
  if (depth == entry_depth) return Trap::kNone;
  top = frames + depth - 1;
  fp = top->fp;
  pc = top->pc;
  if (top->func->instance != inst) {
    SWITCH_INSTANCE(top->func->instance);
  } else {
    RELOAD_MEMORY();  // the callee may have grown (and in explicit mode moved) the memory
  }
  DISPATCH();

L_GlobalGet:
  fp[OPND(0)] = inst->globals[OPND(1)]->value[0];
  NEXT(1);
L_GlobalGet2: {
  const GlobalData* g = inst->globals[OPND(1)];
  fp[OPND(0)] = g->value[0];
  fp[OPND(0) + 1] = g->value[1];
  NEXT(1);
}
L_GlobalSet:
  inst->globals[OPND(0)]->value[0] = fp[OPND(1)];
  NEXT(1);
L_GlobalSet2: {
  GlobalData* g = inst->globals[OPND(0)];
  g->value[0] = fp[OPND(1)];
  g->value[1] = fp[OPND(1) + 1];
  NEXT(1);
}

L_RefIsNullI:
  wr<uint32_t>(fp, OPND(0), fp[OPND(1)] == 0 ? 1 : 0);
  NEXT(1);
L_RefFuncI:
  fp[OPND(0)] = reinterpret_cast<uintptr_t>(inst->funcs[OPND(1)]);
  NEXT(1);
L_TableGetI: {
  const TableData* table = inst->tables[OPND(2)];
  const uint32_t index = rd<uint32_t>(fp, OPND(1));
  if (index >= table->elems.size()) TRAP(Trap::kOutOfBoundsTable);
  fp[OPND(0)] = table->elems[index];
  NEXT(2);
}
L_TableSetI: {
  TableData* table = inst->tables[OPND(2)];
  const uint32_t index = rd<uint32_t>(fp, OPND(0));
  if (index >= table->elems.size()) TRAP(Trap::kOutOfBoundsTable);
  table->elems[index] = fp[OPND(1)];
  NEXT(2);
}
L_TableSizeI:
  wr<uint32_t>(fp, OPND(0), static_cast<uint32_t>(inst->tables[OPND(1)]->elems.size()));
  NEXT(1);
L_TableGrowI: {
  TableData* table = inst->tables[OPND(3)];
  const Slot init = fp[OPND(1)];
  const int64_t old = grow_table(table, rd<uint32_t>(fp, OPND(2)), init);
  wr<uint32_t>(fp, OPND(0), old < 0 ? UINT32_MAX : static_cast<uint32_t>(old));
  NEXT(2);
}
L_TableFillI: {
  TableData* table = inst->tables[OPND(3)];
  const uint64_t i = rd<uint32_t>(fp, OPND(0));
  const Slot value = fp[OPND(1)];
  const uint64_t n = rd<uint32_t>(fp, OPND(2));
  if (i + n > table->elems.size()) TRAP(Trap::kOutOfBoundsTable);
  std::fill_n(table->elems.begin() + static_cast<ptrdiff_t>(i), n, value);
  NEXT(2);
}
L_TableCopyI: {
  TableData* dst = inst->tables[OPND(3)];
  const TableData* src = inst->tables[OPND(4)];
  const uint64_t d = rd<uint32_t>(fp, OPND(0));
  const uint64_t s = rd<uint32_t>(fp, OPND(1));
  const uint64_t n = rd<uint32_t>(fp, OPND(2));
  if (s + n > src->elems.size() || d + n > dst->elems.size()) TRAP(Trap::kOutOfBoundsTable);
  if (n != 0) {
    std::memmove(dst->elems.data() + d, src->elems.data() + s, n * sizeof(Slot));
  }
  NEXT(3);
}
L_TableInitI: {
  TableData* table = inst->tables[OPND(4)];
  const std::vector<Slot>& segment = inst->elem_segments[OPND(3)];
  const uint64_t d = rd<uint32_t>(fp, OPND(0));
  const uint64_t s = rd<uint32_t>(fp, OPND(1));
  const uint64_t n = rd<uint32_t>(fp, OPND(2));
  if (s + n > segment.size() || d + n > table->elems.size()) TRAP(Trap::kOutOfBoundsTable);
  if (n != 0) std::memcpy(table->elems.data() + d, segment.data() + s, n * sizeof(Slot));
  NEXT(3);
}
L_ElemDropI:
  inst->elem_segments[OPND(0)].clear();
  inst->elem_segments[OPND(0)].shrink_to_fit();
  NEXT(1);
  // Multi-memory (translate.cc, translate_memory_index): the memory the next instruction uses,
  // then memory 0 again.
L_MemSelectI:
  mem0 = inst->memories[OPND(0)];
  RELOAD_MEMORY();
  NEXT(1);
  // memory64 (translate.cc, translate_narrow64): an i64 address plus the access's offset,
  // clamped so that one that does not fit in 32 bits fails the access's bounds check.
L_Narrow64I:
  wr<uint64_t>(fp, OPND(0),
               narrow64(rd<uint64_t>(fp, OPND(1)), OPND(2) | (uint64_t{OPND(3)} << 32)));
  NEXT(2);
L_MemoryCopyMultiI: {
  MemoryData* dst = inst->memories[OPND(3)];
  MemoryData* src = inst->memories[OPND(4)];
  const uint64_t d = rd<uint32_t>(fp, OPND(0));
  const uint64_t s = rd<uint32_t>(fp, OPND(1));
  const uint64_t n = rd<uint32_t>(fp, OPND(2));
  if (s + n > atomic::current_size(src) || d + n > atomic::current_size(dst)) {
    TRAP(Trap::kOutOfBoundsMemory);
  }
  // Two memories never overlap; in chunks as for memory.copy, answering requests between them.
  for (uint64_t done = 0; done < n;) {
    const uint64_t chunk = std::min(n - done, kBulkChunkBytes);
    std::memcpy(dst->base + d + done, src->base + s + done, chunk);
    done += chunk;
    if (done < n) SAFEPOINT();
  }
  NEXT(3);
}

L_MemorySize:
  wr<uint32_t>(fp, OPND(0), static_cast<uint32_t>(atomic::current_size(mem0) / kPageSize));
  NEXT(1);
L_MemoryGrow: {
  const int64_t old = mem0->grow(mem0, rd<uint32_t>(fp, OPND(0)));
  wr<uint32_t>(fp, OPND(1), static_cast<uint32_t>(old));
  RELOAD_MEMORY();
  NEXT(1);
}
L_MemoryFill: {
  const uint64_t d = rd<uint32_t>(fp, OPND(0));
  const uint8_t value = static_cast<uint8_t>(rd<uint32_t>(fp, OPND(1)));
  const uint64_t n = rd<uint32_t>(fp, OPND(2));
  if (d + n > atomic::current_size(mem0)) TRAP(Trap::kOutOfBoundsMemory);
  // In chunks, answering requests between them: a gigabyte fill stays suspendable.
  for (uint64_t done = 0; done < n;) {
    const uint64_t chunk = std::min(n - done, kBulkChunkBytes);
    std::memset(mem + d + done, value, chunk);
    done += chunk;
    if (done < n) SAFEPOINT();
  }
  NEXT(2);
}
L_MemoryCopy: {
  const uint64_t d = rd<uint32_t>(fp, OPND(0));
  const uint64_t s = rd<uint32_t>(fp, OPND(1));
  const uint64_t n = rd<uint32_t>(fp, OPND(2));
  const uint64_t size = atomic::current_size(mem0);
  if (s + n > size || d + n > size) TRAP(Trap::kOutOfBoundsMemory);
  // In chunks as for memory.fill; an overlapping copy to a higher address runs from the end
  // so that no chunk reads bytes an earlier chunk wrote.
  const bool backward = d > s && d < s + n;
  for (uint64_t done = 0; done < n;) {
    const uint64_t chunk = std::min(n - done, kBulkChunkBytes);
    const uint64_t at = backward ? n - done - chunk : done;
    std::memmove(mem + d + at, mem + s + at, chunk);
    done += chunk;
    if (done < n) SAFEPOINT();
  }
  NEXT(2);
}
L_MemoryInit: {
  const uint32_t segment = OPND(3);
  const uint64_t d = rd<uint32_t>(fp, OPND(0));
  const uint64_t s = rd<uint32_t>(fp, OPND(1));
  const uint64_t n = rd<uint32_t>(fp, OPND(2));
  const Module& module = inst->module->module;
  const ByteRange init = module.datas[segment].init;
  const uint64_t length = inst->data_dropped[segment] ? 0 : init.size();
  if (s + n > length || d + n > atomic::current_size(mem0)) TRAP(Trap::kOutOfBoundsMemory);
  if (n != 0) std::memcpy(mem + d, module.at(init.begin) + s, n);
  NEXT(2);
}
L_DataDrop:
  inst->data_dropped[OPND(0)] = 1;
  NEXT(1);

  // Generated handlers for the scalar instructions (engine/interp_ops.def).
#define UNOP(name, in, out)                                   \
  L_##name:                                                   \
  wr<out>(fp, OPND(1), num::name(rd<in>(fp, OPND(0))));       \
  NEXT(1);
#define BINOP(name, in, out)                                                      \
  L_##name:                                                                       \
  wr<out>(fp, OPND(2), num::name(rd<in>(fp, OPND(0)), rd<in>(fp, OPND(1))));      \
  NEXT(2);
  // The immediate is one operand for 32-bit ops and two (low, high) for 64-bit ones.
#define IBINOP(name, in, out)                                                         \
  BINOP(name, in, out)                                                                \
  L_Imm_##name : {                                                                    \
    const in imm = static_cast<in>(sizeof(in) == 4 ? uint64_t{OPND(2)}                \
                                                   : OPND(2) | uint64_t{OPND(3)} << 32); \
    wr<out>(fp, OPND(1), num::name(rd<in>(fp, OPND(0)), imm));                        \
    NEXT(2);                                                                          \
  }
#define TRAP_UNOP(name, in, out)                              \
  L_##name : {                                                \
    out result;                                               \
    const Trap t = num::name(rd<in>(fp, OPND(0)), &result);   \
    if (t != Trap::kNone) [[unlikely]] TRAP(t);               \
    wr<out>(fp, OPND(1), result);                             \
    NEXT(1);                                                  \
  }
#define TRAP_BINOP(name, in, out)                                                  \
  L_##name : {                                                                     \
    out result;                                                                    \
    const Trap t = num::name(rd<in>(fp, OPND(0)), rd<in>(fp, OPND(1)), &result);   \
    if (t != Trap::kNone) [[unlikely]] TRAP(t);                                    \
    wr<out>(fp, OPND(2), result);                                                  \
    NEXT(2);                                                                       \
  }
#define CONST32(name)                       \
  L_##name:                                 \
  wr<uint32_t>(fp, OPND(0), OPND(1));       \
  NEXT(1);
#define CONST64(name)                                            \
  L_##name:                                                      \
  fp[OPND(0)] = OPND(1) | static_cast<uint64_t>(OPND(2)) << 32;  \
  NEXT(2);
  // Guard-page mode: the effective address is at most 2^33 past {mem}, inside the
  // reservation, so an out-of-bounds access faults and the fault handler turns it into a trap.
#define LOAD(name, memtype, out)                                                         \
  L_##name : {                                                                           \
    memtype value;                                                                       \
    std::memcpy(&value, mem + uint64_t{rd<uint32_t>(fp, OPND(0))} + OPND(2), sizeof value); \
    wr<out>(fp, OPND(1), static_cast<out>(value));                                       \
    NEXT(2);                                                                             \
  }                                                                                      \
  LX_##name : {                                                                          \
    const uint64_t ea = uint64_t{rd<uint32_t>(fp, OPND(0))} + OPND(2);                   \
    CHECK_BOUNDS(ea + sizeof(memtype))                                                   \
    memtype value;                                                                       \
    std::memcpy(&value, mem + ea, sizeof value);                                         \
    wr<out>(fp, OPND(1), static_cast<out>(value));                                       \
    NEXT(2);                                                                             \
  }
#define STORE(name, in, memtype)                                                         \
  L_##name : {                                                                           \
    const memtype value = static_cast<memtype>(rd<in>(fp, OPND(1)));                     \
    std::memcpy(mem + uint64_t{rd<uint32_t>(fp, OPND(0))} + OPND(2), &value, sizeof value); \
    NEXT(2);                                                                             \
  }                                                                                      \
  LX_##name : {                                                                          \
    const uint64_t ea = uint64_t{rd<uint32_t>(fp, OPND(0))} + OPND(2);                   \
    CHECK_BOUNDS(ea + sizeof(memtype))                                                   \
    const memtype value = static_cast<memtype>(rd<in>(fp, OPND(1)));                     \
    std::memcpy(mem + ea, &value, sizeof value);                                         \
    NEXT(2);                                                                             \
  }
#include "engine/interp_ops.def"

  // SIMD handlers (engine/simd_ops.def): a v128 occupies two consecutive slots.
#define VGET(i) simd::load_v128(fp + OPND(i))
#define VSET(i, v) simd::store_v128(fp + OPND(i), (v))
#define V_UNOP(name)        \
  L_##name:                 \
  VSET(1, simd_impl::name(VGET(0))); \
  NEXT(1);
#define V_BINOP(name)                      \
  L_##name:                                \
  VSET(2, simd_impl::name(VGET(0), VGET(1)));   \
  NEXT(2);
#define V_TERNOP(name)                              \
  L_##name:                                         \
  VSET(3, simd_impl::name(VGET(0), VGET(1), VGET(2)));   \
  NEXT(2);
#define V_SPLAT(name, type)                          \
  L_##name:                                          \
  VSET(1, simd_impl::name(rd<type>(fp, OPND(0))));        \
  NEXT(1);
#define V_SHIFT(name)                                         \
  L_##name:                                                   \
  VSET(2, simd_impl::name(VGET(0), rd<uint32_t>(fp, OPND(1))));    \
  NEXT(2);
#define V_TEST(name)                                 \
  L_##name:                                          \
  wr<uint32_t>(fp, OPND(1), simd_impl::name(VGET(0)));    \
  NEXT(1);
#define V_EXTRACT(name, type)                               \
  L_##name:                                                 \
  wr<type>(fp, OPND(1), simd_impl::name(VGET(0), OPND(2)));      \
  NEXT(2);
#define V_REPLACE(name, type)                                              \
  L_##name:                                                                \
  VSET(2, simd_impl::name(VGET(0), rd<type>(fp, OPND(1)), OPND(3)));            \
  NEXT(2);
#define V_SHUFFLE(name)                                           \
  L_##name : {                                                    \
    simd::V128 lanes;                                             \
    std::memcpy(&lanes, &OPND(3), 16);                            \
    VSET(2, simd_impl::name(VGET(0), VGET(1), lanes));                 \
    NEXT(4);                                                      \
  }
#define V_CONST(name)                           \
  L_##name : {                                  \
    simd::V128 value;                           \
    std::memcpy(&value, &OPND(1), 16);          \
    VSET(0, value);                             \
    NEXT(3);                                    \
  }
  // Memory shapes, guard-page (L_) and explicit-bounds (LX_) forms. {VADDR(n)} checks that
  // {n} bytes at the effective address are in bounds in explicit mode.
#define VEA(i) (uint64_t{rd<uint32_t>(fp, OPND(0))} + OPND(i))
#define VCHECK(ea, n) CHECK_BOUNDS((ea) + (n))
#define V_LOAD(name, memtype)                          \
  L_##name:                                            \
  VSET(1, simd::load_v128(mem + VEA(2)));              \
  NEXT(2);                                             \
  LX_##name : {                                        \
    const uint64_t ea = VEA(2);                        \
    VCHECK(ea, 16);                                    \
    VSET(1, simd::load_v128(mem + ea));                \
    NEXT(2);                                           \
  }
#define V_LOAD_EXT(name, memtype)                      \
  L_##name : {                                         \
    memtype value;                                     \
    std::memcpy(&value, mem + VEA(2), sizeof value);   \
    VSET(1, simd_impl::name(value));                        \
    NEXT(2);                                           \
  }                                                    \
  LX_##name : {                                        \
    const uint64_t ea = VEA(2);                        \
    VCHECK(ea, sizeof(memtype));                       \
    memtype value;                                     \
    std::memcpy(&value, mem + ea, sizeof value);       \
    VSET(1, simd_impl::name(value));                        \
    NEXT(2);                                           \
  }
#define V_STORE(name)                                  \
  L_##name:                                            \
  simd::store_v128(mem + VEA(2), VGET(1));             \
  NEXT(2);                                             \
  LX_##name : {                                        \
    const uint64_t ea = VEA(2);                        \
    VCHECK(ea, 16);                                    \
    simd::store_v128(mem + ea, VGET(1));               \
    NEXT(2);                                           \
  }
#define V_LOAD_LANE(name, memtype)                               \
  L_##name : {                                                   \
    memtype value;                                               \
    std::memcpy(&value, mem + VEA(3), sizeof value);             \
    VSET(2, simd_impl::name(VGET(1), value, OPND(4)));                \
    NEXT(3);                                                     \
  }                                                              \
  LX_##name : {                                                  \
    const uint64_t ea = VEA(3);                                  \
    VCHECK(ea, sizeof(memtype));                                 \
    memtype value;                                               \
    std::memcpy(&value, mem + ea, sizeof value);                 \
    VSET(2, simd_impl::name(VGET(1), value, OPND(4)));                \
    NEXT(3);                                                     \
  }
#define V_STORE_LANE(name, memtype)                              \
  L_##name : {                                                   \
    const memtype value = simd_impl::name(VGET(1), OPND(3));          \
    std::memcpy(mem + VEA(2), &value, sizeof value);             \
    NEXT(2);                                                     \
  }                                                              \
  LX_##name : {                                                  \
    const uint64_t ea = VEA(2);                                  \
    VCHECK(ea, sizeof(memtype));                                 \
    const memtype value = simd_impl::name(VGET(1), OPND(3));          \
    std::memcpy(mem + ea, &value, sizeof value);                 \
    NEXT(2);                                                     \
  }
#include "engine/simd_ops.def"
#undef VGET
#undef VSET
#undef VEA
#undef VCHECK

#include "engine/interp_atomics.inc"

trap_exit:
  if (top != nullptr) top->pc = pc;
  CLEAR_POSITION();
  ctx->trap_depth = depth;
  return trap;
}

const HandlerTables& handler_tables() {
  static const HandlerTables tables = [] {
    HandlerTables t;
    run(nullptr, nullptr, nullptr, &t);
    return t;
  }();
  return tables;
}

}  // namespace

unsigned immediate_form(Op op) {
  switch (op) {
#define IBINOP(name, in, out) \
  case Op::name:              \
    return handler_index(IOp::Imm_##name);
#include "engine/interp_ops.def"
    default:
      return 0;
  }
}

const void* const* interpreter_handlers(bool explicit_bounds) {
  return explicit_bounds ? handler_tables().explicit_bounds : handler_tables().guard;
}

uint32_t call_slots(const FuncType& type) {
  uint32_t params = 0;
  uint32_t results = 0;
  for (ValType t : type.params) params += t == ValType::kV128 ? 2 : 1;
  for (ValType t : type.results) results += t == ValType::kV128 ? 2 : 1;
  return std::max(params, results);
}

InvokeOutcome invoke(ExecContext* ctx, const Func* func, Slot* args, bool interpret) {
  InvokeOutcome outcome;
  const uint32_t entry_depth = ctx->depth.load(std::memory_order_relaxed);
  Slot* const saved_top = ctx->stack_top;
  Slot* base = saved_top != nullptr ? saved_top : ctx->stack_begin();
  const uint32_t slots = func->arg_slots;
  if (base + slots > ctx->stack_end()) {
    outcome.trap = Trap::kCallStackExhausted;
    outcome.message = trap_message(outcome.trap);
    return outcome;
  }
  std::memcpy(base, args, slots * sizeof(Slot));
  const ThreadState saved_state = ctx->state();
  ExecContext* previous_context = nullptr;
  if (saved_state == ThreadState::kIdle) {
    ctx->owner.store(pthread_self(), std::memory_order_relaxed);
    ctx->owner_tid.store(current_tid(), std::memory_order_relaxed);
    previous_context = set_current_context(ctx);
  }

  Trap trap;
  ThreadState now;
  NativeActivation* const saved_activation = ctx->native.activation.load(std::memory_order_relaxed);
  bool native_trap = false;
  if (func->code == nullptr) {
    ctx->host_func.store(func, std::memory_order_relaxed);
    transition(ctx, saved_state, ThreadState::kInHost);
    HostCall call{ctx, base, base, func->host_user, &ctx->trap_message};
    trap = func->host(call);
    now = ThreadState::kInHost;
  } else {
    // Called from compiled code (ws_call_func) the thread already runs wasm: no state change,
    // which would restart the state's clock.
    if (saved_state != ThreadState::kRunningWasm) {
      transition(ctx, saved_state, ThreadState::kRunningWasm);
    }
    // Faults on guarded memory land here (see base/platform/fault_handler.h).
    TrapLandingPad pad;
    pad.entry_depth = entry_depth;
    LandingPadScope scope(&pad);
    if (sigsetjmp(pad.jump, 0) == 0) {
      pad.arm();
      if (func->native_entry != nullptr && !interpret) {
        // Compiled code (engine/native_abi.h): it traps by jumping to the pad, and nested
        // entries (from its host calls) place their frames above its arguments.
        ctx->native.stack_limit = native_stack_limit();
        ctx->stack_top = base + slots;
        trap = call_native_entry(ctx, func, base);
      } else {
        trap = run(ctx, func, base, nullptr);
      }
      pad.disarm();
    } else {
      trap = pad.trap != 0 ? static_cast<Trap>(pad.trap) : Trap::kOutOfBoundsMemory;
      if (pad.trap == 0) ctx->trap_depth = ctx->depth.load(std::memory_order_relaxed);
      // The jump unwound any compiled frames, those of this function or of a compiled
      // function an interpreted one called.
      ctx->native.activation.store(saved_activation, std::memory_order_relaxed);
      // Compiled code trapped (pad.trap set): the frames were walked before the jump
      // ({ws_trap}, the fault handler); a fault in interpreted code leaves them in place.
      native_trap = pad.trap != 0;
      // The records above the entry stay readable (they are copied below) but are no longer
      // counted: those of compiled frames point into the stack the jump unwound, which the
      // code from here on reuses, so a capture meanwhile must not walk them.
      std::atomic_signal_fence(std::memory_order_seq_cst);
      ctx->depth.store(entry_depth, std::memory_order_release);
    }
    now = ThreadState::kRunningWasm;
  }
  if (now != saved_state) transition(ctx, now, saved_state);
  if (saved_state == ThreadState::kIdle) set_current_context(previous_context);
  ctx->stack_top = saved_top;
  if (trap == Trap::kNone) {
    std::memcpy(args, base, slots * sizeof(Slot));
    return outcome;
  }
  outcome.trap = trap;
  outcome.message = trap == Trap::kHostTrap ? ctx->trap_message : trap_message(trap);
  if (trap == Trap::kException) outcome.exception = ctx->exception;
  if (native_trap && ctx->native_trap_depth == entry_depth) {
    outcome.frames.swap(ctx->native_trap_frames);
    ctx->native_trap_frames.clear();
    ctx->depth.store(entry_depth, std::memory_order_release);
    return outcome;
  }
  const uint32_t trap_depth = std::max(ctx->trap_depth, entry_depth);
  outcome.frames.assign(ctx->frames() + entry_depth, ctx->frames() + trap_depth);
  ctx->depth.store(entry_depth, std::memory_order_release);
  return outcome;
}

}  // namespace wasmscope::internal
