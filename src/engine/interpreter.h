// Running translated code.
#pragma once

#include <string>
#include <vector>

#include "engine/context.h"
#include "engine/instance_data.h"

namespace wasmscope::internal {

/// How a call into the guest ended.
struct InvokeOutcome {
  Trap trap = Trap::kNone;
  std::string message;               ///< The trap's message (a host trap's own text).
  std::vector<FrameRecord> frames;   ///< On a trap: the guest stack, outermost first.
  /// {Trap::kException}: the exception nothing caught (kept for the process's life).
  ExceptionObject* exception = nullptr;
};

/// Calls {func} on the thread that owns {ctx}. {args} holds the parameters, one slot each (two
/// for v128), and receives the results the same way; it must have room for both. Reentrant:
/// a host function may call back into the guest on the same context.
/// With {interpret}, a compiled function runs in the interpreter (its translated code): the
/// native body of one the compiled tier leaves to it ({ws_interpret}).
InvokeOutcome invoke(ExecContext* ctx, const Func* func, Slot* args, bool interpret = false);

/// Calls host function {callee} from guest code running on {ctx} (the thread is kInHost
/// meanwhile; the landing pad is disarmed, so a fault in host code is the host's crash).
Trap call_host(ExecContext* ctx, const Func* callee, Slot* args);

/// Slots a call to a function of {type} needs for its arguments or results, whichever is more.
uint32_t call_slots(const FuncType& type);

}  // namespace wasmscope::internal
