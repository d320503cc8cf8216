// The load sink's last step (FuncGen::keep_load): once LLVM's IR pipeline has run, the sums
// that kept every linear-memory load alive are replaced by an empty inline-asm use of each
// value that fed them, which costs no instruction. Part of the plugin.
#pragma once

#include <cstdint>
#include <vector>

namespace llvm {
class Function;
class Module;
class TargetMachine;
}  // namespace llvm

namespace wasmscope::internal::compiler {

/// The function compiled code calls with its load sink before each return, tail call and trap
/// (declared, never defined: lower_load_sinks removes every call).
inline constexpr const char kLoadSinkMarker[] = "ws.load_sink";

/// The same, called at the head of every loop of a function whose optimized code had a loop
/// with no way out (compile_partition): there no return or trap observes the sink, so LLVM
/// would delete the loop's loads, and a load that should trap would not. Unlike
/// kLoadSinkMarker it may read any memory, so the loop's stores stay too (a host that
/// terminates the spinning thread sees them).
inline constexpr const char kLoadSinkLoopMarker[] = "ws.load_sink_loop";

/// Between the IR pipeline and code generation: in each function of {mod}, the instructions
/// whose only purpose is the load sink (pure, and used only by other such instructions or by
/// calls of kLoadSinkMarker or kLoadSinkLoopMarker) are deleted, and every value they read is
/// passed to an empty `asm sideeffect` instead, which code generation can neither delete nor
/// move a load below.
/// So a load LLVM kept stays, and costs no add and no reduction: the sum's adds stopped loops
/// from being vectorized well (docs/performance.md, "What the load sink costs").
void lower_load_sinks(llvm::Module& mod, llvm::TargetMachine& tm);

/// Whether some block of {fn}, after the IR pipeline, reaches no call of either marker, no
/// return and no `unreachable`: a loop with no way out, where no marker observes the sink.
/// The lines (wasm code offsets, where LLVM kept them) of the instructions of the loops that
/// nothing leaves are added to {lines}.
bool find_unobserved_loops(const llvm::Function& fn, std::vector<uint32_t>& lines);

}  // namespace wasmscope::internal::compiler
