// Prints where the interpreter's handlers are, for scripts/audit-barriers.sh: the run-time
// address of every handler in the dispatch tables (both bounds modes), with the name of each
// handler on a guest call, return or loop back-edge, and the run-time address of
// {interpreter_handlers} itself, which the script matches with its address in the symbol table
// to turn run-time addresses into addresses in the executable (PIE or not).
//
// Output, one line each (addresses in hex):
//   anchor ADDRESS             the function interpreter_handlers
//   handler ADDRESS            any handler (the boundaries between handlers)
//   path KIND NAME ADDRESS     KIND is call, return or back-edge
#include <cinttypes>
#include <cstdio>

#include "engine/iops.h"

namespace {

using wasmscope::internal::handler_index;
using wasmscope::internal::interpreter_handlers;
using wasmscope::internal::IOp;
using wasmscope::internal::kIOpCount;

void print_path(const char* kind, const char* name, IOp op) {
  for (bool explicit_bounds : {false, true}) {
    const void* address = interpreter_handlers(explicit_bounds)[handler_index(op)];
    std::printf("path %s %s%s %" PRIxPTR "\n", kind, name, explicit_bounds ? "/explicit" : "",
                reinterpret_cast<uintptr_t>(address));
  }
}

}  // namespace

int main() {
  std::printf("anchor %" PRIxPTR "\n", reinterpret_cast<uintptr_t>(&interpreter_handlers));
  for (bool explicit_bounds : {false, true}) {
    const void* const* table = interpreter_handlers(explicit_bounds);
    for (unsigned i = 0; i < kIOpCount; ++i) {
      if (table[i] != nullptr) std::printf("handler %" PRIxPTR "\n", reinterpret_cast<uintptr_t>(table[i]));
    }
  }
  // Every handler that enters or leaves a guest frame or takes a loop's back edge: the paths
  // whose bookkeeping (frame records, depth, position, request poll) capture relies on.
  print_path("call", "Call", IOp::Call);
  print_path("call", "CallIndirect", IOp::CallIndirect);
  print_path("call", "ReturnCall", IOp::ReturnCall);
  print_path("call", "ReturnCallIndirect", IOp::ReturnCallIndirect);
  print_path("call", "CallRef", IOp::CallRef);
  print_path("call", "ReturnCallRef", IOp::ReturnCallRef);
  print_path("return", "Return", IOp::Return);
  print_path("back-edge", "BrBack", IOp::BrBack);
  print_path("back-edge", "BrIfBack", IOp::BrIfBack);
  print_path("back-edge", "BrIfBack_I32Eqz", IOp::BrIfBack_I32Eqz);
  print_path("back-edge", "BrIfBack_I64Eqz", IOp::BrIfBack_I64Eqz);
#define WASMSCOPE_PRINT_FUSED(op, neg, type, expr) \
  print_path("back-edge", "BrIfBack_" #op, IOp::BrIfBack_##op);
  WASMSCOPE_FUSED_COMPARES(WASMSCOPE_PRINT_FUSED)
#undef WASMSCOPE_PRINT_FUSED
  return 0;
}
