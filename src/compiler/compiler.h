// The compiled tier: validated module -> LLVM IR -> native code in this process (ORC LLJIT).
// The calling convention with the engine is engine/native_abi.h.
#pragma once

#include "engine/compiled.h"
#include "wasmscope/features.h"
#include "wasmscope/result.h"

namespace wasmscope::internal {

struct NativeOptions {
  unsigned opt_level = 2;  ///< 0..3, LLVM's optimization level (IR passes and code generation).
};

/// True when this build has the compiled tier.
bool compiler_available();

/// Compiles every defined function of {module} (decoded, validated and translated) to native
/// code and fills {module->native}, {native_bodies} and {native_entries}. Fails with
/// kUnsupported, naming the instruction, for what the tier does not compile yet.
Result<void> compile_native(CompiledModule* module, Features features,
                            const NativeOptions& options);

}  // namespace wasmscope::internal
