// The engine's side of compiled code (engine/native_abi.h): the helpers it calls.
#include <pthread.h>
#include <ucontext.h>

#include <algorithm>
#include <cstring>

#include "base/platform/fault_handler.h"
#include "base/platform/thread_stack.h"
#include "binary/module.h"
#include "engine/atomics.h"
#include "engine/code_map.h"
#include "engine/compiled.h"
#include "engine/context.h"
#include "engine/interpreter.h"
#include "engine/native_abi.h"
#include "engine/waiter_table.h"

namespace wasmscope::internal {
namespace {

/// Room left below a compiled frame for host calls and runtime helpers (which run on the
/// thread's own stack; signal handlers have their alternate stack).
constexpr uintptr_t kStackReserve = 256u << 10;

[[noreturn]] void trap_at(uint32_t trap, uintptr_t pc, uintptr_t fp, bool entry_check);

/// Raises {trap} in a runtime helper called by compiled code: the trap's frames start at the
/// compiled caller, whose frame pointer and return address the helper's own frame holds (a
/// walk from inside the helper would find no compiled code and keep only the entry).
// A macro: the frame must be the helper's own.
#define WS_RAISE(trap) raise_from((trap), __builtin_frame_address(0))
[[noreturn]] void raise_from(Trap trap, const void* helper_frame) {
  const auto* frame = static_cast<const uintptr_t*>(helper_frame);
  trap_at(static_cast<uint32_t>(trap), frame[1] - 1, frame[0], false);
}

/// Compiled code left for a runtime helper, a host function or an interpreted callee whose
/// frame is {frame} (its saved frame pointer and return address): where from, so that captures
/// meanwhile walk {act} from there. No-op without an activation.
inline void publish_exit(NativeActivation* act, const uintptr_t* frame) {
  if (act == nullptr) return;
  act->exit_fp.store(frame[0], std::memory_order_relaxed);
  act->exit_pc.store(frame[1], std::memory_order_relaxed);
}
/// Back in compiled code: {act}'s frames are walked from the registers again.
inline void clear_exit(NativeActivation* act) {
  if (act == nullptr) return;
  act->exit_pc.store(0, std::memory_order_relaxed);
  act->exit_fp.store(0, std::memory_order_relaxed);
}

/// Consumes the pending terminate request of the thread on {ctx}, which then raises
/// "interrupted". Out of line: the paths that check for one (a relaxed load, as at the
/// interpreter's safepoints) keep no barrier of their own (docs/stack-capture.md, "Barriers").
[[gnu::noinline, gnu::cold]] void consume_terminate(ExecContext* ctx) {
  ctx->requests.fetch_and(~static_cast<uint32_t>(kRequestTerminate), std::memory_order_acq_rel);
}

/// Answers a suspend or terminate request at the end of a runtime helper that may run long
/// (bulk memory and table operations, memory.grow): the runtime signal's handler acts only on
/// compiled code, and a thread that spends most of its time in such a helper would seldom be
/// found there. Suspend parks here, with the compiled caller published as the exit (as for a
/// host call), terminate raises "interrupted" from the caller. One relaxed load when nothing
/// is asked (service_requests() takes the acquire).
// A macro: the frame must be the helper's own.
#define WS_ANSWER_REQUESTS() answer_requests_from(__builtin_frame_address(0))
void answer_requests_from(const void* helper_frame) {
  ExecContext* ctx = current_context();
  if (ctx == nullptr ||
      (ctx->requests.load(std::memory_order_relaxed) & (kRequestSuspend | kRequestTerminate)) == 0) {
    return;
  }
  const auto* frame = static_cast<const uintptr_t*>(helper_frame);
  NativeActivation* act = ctx->native.activation.load(std::memory_order_relaxed);
  publish_exit(act, frame);
  const Trap t = service_requests(ctx);
  clear_exit(act);
  if (t != Trap::kNone) raise_from(t, helper_frame);
}

MemoryData* memory(NativeView* vm, uint32_t index) { return vm->memories[index]; }
TableData* table(NativeView* vm, uint32_t index) { return vm->tables[index]; }

}  // namespace

Trap call_native_entry(ExecContext* ctx, const Func* func, Slot* args) {
  const uint32_t d = ctx->depth.load(std::memory_order_relaxed);
  if (d >= ctx->max_frames()) return Trap::kCallStackExhausted;
  // Room for the frames of a trap raised in a signal handler (terminate, a guard-page fault),
  // which cannot allocate.
  if (ctx->native_trap_frames.capacity() < 4096) ctx->native_trap_frames.reserve(4096);
  NativeActivation act;
  act.previous = ctx->native.activation.load(std::memory_order_relaxed);
  act.record_index = d;
  ctx->frames()[d] = FrameRecord{func, nullptr, reinterpret_cast<uint64_t*>(&act)};
  ctx->position.store(nullptr, std::memory_order_relaxed);
  // Published as the interpreter publishes a call (publish_depth: no barrier, this is a
  // per-call path when one instance's compiled code calls another's): record first, then the
  // depth, then the activation the record points to; the reverse on the way out.
  publish_depth(ctx, d + 1);
  std::atomic_signal_fence(std::memory_order_seq_cst);
  ctx->native.activation.store(&act, std::memory_order_relaxed);
  func->native_entry(&ctx->native, func->native_vm, args);
  ctx->native.activation.store(act.previous, std::memory_order_relaxed);
  publish_depth(ctx, d);
  return Trap::kNone;
}

namespace {

/// Walks the frames above the pad's entry into {ctx->native_trap_frames} without allocating
/// (its capacity was reserved on entry), for a trap raised in a signal handler.
// async-signal-safe
void walk_for_trap(ExecContext* ctx, TrapLandingPad* pad, const NativeRegs& regs) {
  const uint32_t depth = ctx->depth.load(std::memory_order_relaxed);
  ctx->trap_depth = depth;
  const uint32_t from = pad->entry_depth < depth ? pad->entry_depth : depth;
  std::vector<FrameRecord>& out = ctx->native_trap_frames;
  out.resize(out.capacity());
  uint32_t total = 0;
  const uint32_t n = expand_records(ctx->frames() + from, depth - from, &regs, out.data(),
                                    static_cast<uint32_t>(out.size()), &total);
  out.resize(n);
  ctx->native_trap_depth = from;
}

[[noreturn]] void trap_from_handler(ExecContext* ctx, const NativeRegs& regs, Trap trap,
                                    const void* ucontext) {
  TrapLandingPad* pad = current_landing_pad();
  walk_for_trap(ctx, pad, regs);
  pad->trap = static_cast<uint32_t>(trap);
  // As the fault handler does: the pad saved no signal mask, so restore the interrupted one.
  pthread_sigmask(SIG_SETMASK, &static_cast<const ucontext_t*>(ucontext)->uc_sigmask, nullptr);
  siglongjmp(pad->jump, 1);
}

}  // namespace

void on_guarded_fault(TrapLandingPad* pad, const void* ucontext) {
  const NativeRegs regs = regs_from_ucontext(ucontext);
  const CodeMap::Range* range = nullptr;
  if (regs.pc == 0 || find_code_map(regs.pc, &range) == nullptr) return;
  ExecContext* ctx = current_context();
  if (ctx == nullptr) return;
  walk_for_trap(ctx, pad, regs);
  pad->trap = static_cast<uint32_t>(Trap::kOutOfBoundsMemory);
}

void service_native_requests(ExecContext* ctx, const void* ucontext) {
  const NativeRegs regs = regs_from_ucontext(ucontext);
  const CodeMap::Range* range = nullptr;
  if (regs.pc == 0 || find_code_map(regs.pc, &range) == nullptr) return;
  TrapLandingPad* pad = current_landing_pad();
  if (pad == nullptr || !pad->armed.load(std::memory_order_relaxed)) return;
  const uint32_t requests = ctx->requests.load(std::memory_order_acquire);
  if ((requests & (kRequestSuspend | kRequestTerminate)) == 0) return;
  NativeActivation* act = ctx->native.activation.load(std::memory_order_relaxed);
  // Published for captures while parked (they read the records directly): an interrupted
  // instruction, which may be in a prologue or epilogue, hence the stack pointer too.
  act->exit_fp.store(regs.fp, std::memory_order_relaxed);
  act->exit_sp.store(regs.sp, std::memory_order_relaxed);
  act->exit_lr.store(regs.lr, std::memory_order_relaxed);
  act->exit_exact.store(true, std::memory_order_relaxed);
  act->exit_pc.store(regs.pc, std::memory_order_relaxed);
  const Trap t = service_requests(ctx);
  act->exit_pc.store(0, std::memory_order_relaxed);
  act->exit_exact.store(false, std::memory_order_relaxed);
  act->exit_sp.store(0, std::memory_order_relaxed);
  act->exit_lr.store(0, std::memory_order_relaxed);
  act->exit_fp.store(0, std::memory_order_relaxed);
  if (t != Trap::kNone) trap_from_handler(ctx, regs, t, ucontext);
}

void fill_native_view(InstanceData* instance, NativeView* view) {
  view->memory0 = instance->memories.empty() ? nullptr : instance->memories[0];
  view->memories = instance->memories.data();
  view->globals = instance->globals.data();
  view->tables = instance->tables.data();
  view->funcs = instance->funcs.data();
  view->instance = instance;
}

uintptr_t native_stack_limit() {
  static thread_local uintptr_t limit = 0;
  if (limit == 0) {
    const uintptr_t low = thread_stack_low();
    // Unknown bounds: measure from here, assuming the smallest stack a thread gets (64 KiB
    // below the current frame would be too little for anything, so be generous: 1 MiB).
    const uintptr_t bottom =
        low != 0 ? low : reinterpret_cast<uintptr_t>(__builtin_frame_address(0)) - (1u << 20);
    limit = bottom + kStackReserve;
  }
  return limit;
}

extern "C" {

void ws_trap(uint32_t trap, uint32_t) {
  // From our caller: the compiled code that trapped (its return address less one lies in the
  // trapping instruction's call).
  const auto* frame = static_cast<const uintptr_t*>(__builtin_frame_address(0));
  trap_at(trap, frame[1] - 1, frame[0], true);
}

}  // extern "C"

namespace {

/// Walks the compiled frames from {pc} (inside a call) and {fp} and jumps to the landing pad
/// with {trap}. {entry_check}: raised by compiled code itself, where "call stack exhausted"
/// comes from a function's entry check.
[[noreturn]] void trap_at(uint32_t trap, uintptr_t pc, uintptr_t fp, bool entry_check) {
  ExecContext* ctx = current_context();
  TrapLandingPad* pad = current_landing_pad();
  if (ctx != nullptr) {
    const uint32_t depth = ctx->depth.load(std::memory_order_relaxed);
    ctx->trap_depth = depth;
    // The jump unwinds the compiled frames: walk them now.
    NativeRegs regs;
    regs.pc = pc;
    regs.fp = fp;
    regs.exact = false;
    const uint32_t from = pad->entry_depth < depth ? pad->entry_depth : depth;
    uint32_t total = 0;
    expand_records(ctx->frames() + from, depth - from, &regs, nullptr, 0, &total);
    ctx->native_trap_frames.resize(total);
    const uint32_t n = expand_records(ctx->frames() + from, depth - from, &regs,
                                      ctx->native_trap_frames.data(), total, &total);
    ctx->native_trap_frames.resize(n);
    // Out of stack in a function's entry check: like the interpreter, which cannot push the
    // frame, name the call that could not be made as the innermost frame.
    if (entry_check && trap == static_cast<uint32_t>(Trap::kCallStackExhausted) && n > 1) {
      ctx->native_trap_frames.pop_back();
      FrameRecord& caller = ctx->native_trap_frames.back();
      if (is_native_frame(caller)) {  // a return address: step back into the call
        caller.pc = reinterpret_cast<const uint64_t*>(reinterpret_cast<uintptr_t>(caller.pc) - 1);
      }
    }
    // Raised by ws_call_func for an interpreted callee's trap: that callee's frames, already
    // unwound, are the innermost.
    if (!ctx->nested_trap_frames.empty()) {
      ctx->native_trap_frames.insert(ctx->native_trap_frames.end(),
                                     ctx->nested_trap_frames.begin(),
                                     ctx->nested_trap_frames.end());
      ctx->nested_trap_frames.clear();
    }
    ctx->native_trap_depth = from;
  }
  pad->trap = trap;
  siglongjmp(pad->jump, 1);
}

/// Runs {callee} in the interpreter from compiled code: a nested {invoke}, its frames above
/// this activation's, as a host function's callback would run. Captures meanwhile walk this
/// activation from where it left compiled code. Always inlined into its two callers, so the
/// frame it publishes is theirs (the helper compiled code called).
[[gnu::always_inline]] inline void interpret(NativeThreadState* ts, ExecContext* ctx,
                                             const Func* callee, Slot* args) {
  NativeActivation* act = ts->activation.load(std::memory_order_relaxed);
  const auto* frame = static_cast<const uintptr_t*>(__builtin_frame_address(0));
  publish_exit(act, frame);
  Trap trap;
  {
    // Scoped: the raise below jumps over this frame, so nothing here may need a destructor.
    InvokeOutcome outcome = invoke(ctx, callee, args, /*interpret=*/true);
    trap = outcome.trap;
    if (trap != Trap::kNone) {
      // Raised below, so the compiled frames are walked from this call; the interpreted
      // ones, already unwound, follow them on the trap's stack. An exception goes on as one
      // (ExecContext::exception): compiled frames have no handlers of their own, so whoever
      // entered them (an interpreted caller, or the host) is the next to look.
      ctx->nested_trap_frames = std::move(outcome.frames);
      if (trap == Trap::kHostTrap) ctx->trap_message = std::move(outcome.message);
    }
  }
  clear_exit(act);
  if (trap != Trap::kNone) WS_RAISE(trap);
}

}  // namespace

extern "C" {

void ws_call_func(NativeThreadState* ts, const Func* callee, Slot* args) {
  ExecContext* ctx = current_context();
  if (callee->native_entry != nullptr) {
    // Another instance's compiled code: its frames get an activation record of their own,
    // which names the instance.
    const Trap t = call_native_entry(ctx, callee, args);
    if (t != Trap::kNone) WS_RAISE(t);
    return;
  }
  if (callee->host != nullptr) {
    // Leaving compiled code: where from, for captures while the host runs (the state change
    // in call_host publishes it).
    NativeActivation* act = ts->activation.load(std::memory_order_relaxed);
    const auto* frame = static_cast<const uintptr_t*>(__builtin_frame_address(0));
    publish_exit(act, frame);
    Trap t = call_host(ctx, callee, args);
    clear_exit(act);
    // A terminate request whose signal came while the host ran: compiled code has no
    // safepoint to see it later, so the return to it is where it takes effect.
    // (A relaxed load: an acquire load is a barrier on ARM on every host call.)
    if (t == Trap::kNone &&
        (ctx->requests.load(std::memory_order_relaxed) & kRequestTerminate) != 0) [[unlikely]] {
      consume_terminate(ctx);
      t = Trap::kInterrupted;
    }
    if (t != Trap::kNone) WS_RAISE(t);
    return;
  }
  // An interpreted function (an instance of a module compiled for the interpreter).
  interpret(ts, ctx, callee, args);
}

void ws_interpret(NativeThreadState* ts, NativeView* vm, uint32_t func_index, Slot* args) {
  interpret(ts, current_context(), vm->funcs[func_index], args);
}

void* ws_indirect_target(NativeView* vm, uint32_t table_index, uint32_t index,
                         uint32_t type_index, NativeView** callee_vm, const Func** callee) {
  const TableData* t = table(vm, table_index);
  if (index >= t->elems.size()) WS_RAISE(Trap::kUndefinedElement);
  const Func* f = reinterpret_cast<const Func*>(t->elems[index]);
  if (f == nullptr) WS_RAISE(Trap::kUninitializedElement);
  if (f->type_id != vm->instance->type_ids[type_index]) WS_RAISE(Trap::kIndirectCallTypeMismatch);
  *callee = f;
  *callee_vm = f->native_vm;
  return f->native_body;
}

void* ws_import_target(NativeView* vm, uint32_t func_index, NativeView** callee_vm,
                       const Func** callee) {
  const Func* f = vm->funcs[func_index];
  *callee = f;
  *callee_vm = f->native_vm;
  return f->native_body;
}

uint32_t ws_memory_grow(NativeView* vm, uint32_t index, uint32_t delta_pages) {
  MemoryData* m = memory(vm, index);
  const auto old = static_cast<uint32_t>(m->grow(m, delta_pages));
  WS_ANSWER_REQUESTS();
  return old;
}

uint32_t ws_memory_size(NativeView* vm, uint32_t index) {
  return static_cast<uint32_t>(atomic::current_size(memory(vm, index)) / kPageSize);
}

void ws_memory_fill(NativeView* vm, uint32_t index, uint32_t d, uint32_t value, uint32_t n) {
  MemoryData* m = memory(vm, index);
  if (uint64_t{d} + n > atomic::current_size(m)) WS_RAISE(Trap::kOutOfBoundsMemory);
  std::memset(m->base + d, static_cast<int>(value & 0xff), n);
  WS_ANSWER_REQUESTS();
}

void ws_memory_copy(NativeView* vm, uint32_t dst_memory, uint32_t src_memory, uint32_t d,
                    uint32_t s, uint32_t n) {
  MemoryData* dst = memory(vm, dst_memory);
  MemoryData* src = memory(vm, src_memory);
  if (uint64_t{s} + n > atomic::current_size(src) || uint64_t{d} + n > atomic::current_size(dst)) {
    WS_RAISE(Trap::kOutOfBoundsMemory);
  }
  std::memmove(dst->base + d, src->base + s, n);
  WS_ANSWER_REQUESTS();
}

void ws_memory_init(NativeView* vm, uint32_t index, uint32_t segment, uint32_t d, uint32_t s,
                    uint32_t n) {
  MemoryData* m = memory(vm, index);
  const InstanceData* inst = vm->instance;
  const Module& module = inst->module->module;
  const ByteRange init = module.datas[segment].init;
  const uint64_t length = inst->data_dropped[segment] ? 0 : init.size();
  if (uint64_t{s} + n > length || uint64_t{d} + n > atomic::current_size(m)) {
    WS_RAISE(Trap::kOutOfBoundsMemory);
  }
  if (n != 0) std::memcpy(m->base + d, module.at(init.begin) + s, n);
  WS_ANSWER_REQUESTS();
}

void ws_data_drop(NativeView* vm, uint32_t segment) { vm->instance->data_dropped[segment] = 1; }

uint64_t ws_table_get(NativeView* vm, uint32_t index, uint32_t i) {
  const TableData* t = table(vm, index);
  if (i >= t->elems.size()) WS_RAISE(Trap::kOutOfBoundsTable);
  return t->elems[i];
}

void ws_table_set(NativeView* vm, uint32_t index, uint32_t i, uint64_t value) {
  TableData* t = table(vm, index);
  if (i >= t->elems.size()) WS_RAISE(Trap::kOutOfBoundsTable);
  t->elems[i] = value;
}

uint32_t ws_table_size(NativeView* vm, uint32_t index) {
  return static_cast<uint32_t>(table(vm, index)->elems.size());
}

uint32_t ws_table_grow(NativeView* vm, uint32_t index, uint64_t init, uint32_t n) {
  const int64_t old = grow_table(table(vm, index), n, init);
  WS_ANSWER_REQUESTS();
  return old < 0 ? UINT32_MAX : static_cast<uint32_t>(old);
}

void ws_table_fill(NativeView* vm, uint32_t index, uint32_t i, uint64_t value, uint32_t n) {
  TableData* t = table(vm, index);
  if (uint64_t{i} + n > t->elems.size()) WS_RAISE(Trap::kOutOfBoundsTable);
  std::fill_n(t->elems.begin() + i, n, value);
  WS_ANSWER_REQUESTS();
}

void ws_table_copy(NativeView* vm, uint32_t dst_table, uint32_t src_table, uint32_t d,
                   uint32_t s, uint32_t n) {
  TableData* dst = table(vm, dst_table);
  const TableData* src = table(vm, src_table);
  if (uint64_t{s} + n > src->elems.size() || uint64_t{d} + n > dst->elems.size()) {
    WS_RAISE(Trap::kOutOfBoundsTable);
  }
  if (n != 0) std::memmove(dst->elems.data() + d, src->elems.data() + s, n * sizeof(Slot));
  WS_ANSWER_REQUESTS();
}

void ws_table_init(NativeView* vm, uint32_t index, uint32_t segment, uint32_t d, uint32_t s,
                   uint32_t n) {
  TableData* t = table(vm, index);
  const std::vector<Slot>& seg = vm->instance->elem_segments[segment];
  if (uint64_t{s} + n > seg.size() || uint64_t{d} + n > t->elems.size()) {
    WS_RAISE(Trap::kOutOfBoundsTable);
  }
  if (n != 0) std::memcpy(t->elems.data() + d, seg.data() + s, n * sizeof(Slot));
  WS_ANSWER_REQUESTS();
}

void ws_elem_drop(NativeView* vm, uint32_t segment) {
  std::vector<Slot>& seg = vm->instance->elem_segments[segment];
  seg.clear();
  seg.shrink_to_fit();
}

uint64_t ws_ref_func(NativeView* vm, uint32_t func_index) {
  return reinterpret_cast<uintptr_t>(vm->funcs[func_index]);
}

uint32_t ws_memory_atomic_notify(NativeView* vm, uint32_t index, uint64_t address,
                                 uint32_t count) {
  MemoryData* m = memory(vm, index);
  return m->shared ? notify_waiters(m, address, count) : 0;
}

uint32_t ws_memory_atomic_wait(NativeThreadState* ts, NativeView* vm, uint32_t index,
                               uint64_t address, uint64_t expected, int64_t timeout_ns,
                               uint32_t width) {
  ExecContext* ctx = current_context();
  MemoryData* m = memory(vm, index);
  // Leaving compiled code, as for a host call (ws_call_func): where from, for captures while
  // waiting (the state change to waiting in wait_as_guest publishes it).
  NativeActivation* act = ts->activation.load(std::memory_order_relaxed);
  const auto* frame = static_cast<const uintptr_t*>(__builtin_frame_address(0));
  publish_exit(act, frame);
  WaitOutcome outcome =
      wait_as_guest(ctx, m, address, m->base + address, expected, width, timeout_ns);
  clear_exit(act);
  // A terminate request that ended the wait, or whose signal came while this helper ran (the
  // signal handler acts only on compiled code): compiled code has no safepoint to see it
  // later, so it takes effect here. wait_as_guest left the request set; consume it.
  if ((ctx->requests.load(std::memory_order_relaxed) & kRequestTerminate) != 0) [[unlikely]] {
    consume_terminate(ctx);
    outcome = WaitOutcome::kCancelled;
  }
  return static_cast<uint32_t>(outcome);
}

}  // extern "C"

const NativeHelper* native_helpers(size_t* count) {
#define WS_HELPER(name) {#name, reinterpret_cast<void*>(&name)}
  static const NativeHelper helpers[] = {
      WS_HELPER(ws_trap),          WS_HELPER(ws_call_func),   WS_HELPER(ws_indirect_target),
      WS_HELPER(ws_import_target), WS_HELPER(ws_interpret), WS_HELPER(ws_memory_grow), WS_HELPER(ws_memory_size),
      WS_HELPER(ws_memory_fill),   WS_HELPER(ws_memory_copy), WS_HELPER(ws_memory_init),
      WS_HELPER(ws_data_drop),     WS_HELPER(ws_table_get),   WS_HELPER(ws_table_set),
      WS_HELPER(ws_table_size),    WS_HELPER(ws_table_grow),  WS_HELPER(ws_table_fill),
      WS_HELPER(ws_table_copy),    WS_HELPER(ws_table_init),  WS_HELPER(ws_elem_drop),
      WS_HELPER(ws_ref_func),      WS_HELPER(ws_memory_atomic_notify),
      WS_HELPER(ws_memory_atomic_wait),
  };
#undef WS_HELPER
  *count = sizeof(helpers) / sizeof(helpers[0]);
  return helpers;
}

}  // namespace wasmscope::internal
