// The load sink's last step (FuncGen::keep_load): once LLVM's IR pipeline has run, the sums
// that kept every linear-memory load alive are replaced by an empty inline-asm use of each
// value that fed them, which costs no instruction. Part of the plugin.
#pragma once

namespace llvm {
class Module;
class TargetMachine;
}  // namespace llvm

namespace wasmscope::internal::compiler {

/// The function compiled code calls with its load sink before each return, tail call and trap
/// (declared, never defined: lower_load_sinks removes every call).
inline constexpr const char kLoadSinkMarker[] = "ws.load_sink";

/// Between the IR pipeline and code generation: in each function of {mod}, the instructions
/// whose only purpose is the load sink (pure, and used only by other such instructions or by
/// calls of kLoadSinkMarker) are deleted, and every value they read is passed to an empty
/// `asm sideeffect` instead, which code generation can neither delete nor move a load below.
/// So a load LLVM kept stays, and costs no add and no reduction: the sum's adds stopped loops
/// from being vectorized well (docs/performance.md, "What the load sink costs").
void lower_load_sinks(llvm::Module& mod, llvm::TargetMachine& tm);

}  // namespace wasmscope::internal::compiler
