// The compiler plugin: the part of the compiled tier that needs LLVM (code generation,
// compiler.cc) lives in a shared object of its own, libwasmscope-llvm.so, which the runtime
// opens (dlopen) the first time it compiles. Running code that is already compiled (a .cwasm
// file) never loads it, so that start-up does not pay for loading LLVM (docs/compiled-tier.md,
// "The compiler plugin").
//
// The plugin is built from the same sources as the runtime that opens it and is used only by
// that very build: it reports the build fingerprint it was made with, and a plugin from
// another build is refused. So the interface may pass C++ types of this project across.
#pragma once

#include <cstdint>

#include "compiler/compiler.h"
#include "compiler/native_code.h"

namespace wasmscope::internal::compiler {

/// Changes whenever CompilerPlugin or what it passes changes.
inline constexpr uint32_t kCompilerPluginAbi = 2;

struct CompilerPlugin {
  uint32_t abi;             ///< kCompilerPluginAbi of the plugin's build.
  const char* fingerprint;  ///< kBuildFingerprint of the plugin's build.
  /// Generates the native objects of {module} (decoded, validated and translated); functions
  /// compile in partitions on several threads, all joined before it returns. Fails with
  /// kUnsupported, naming the instruction, for what the tier does not compile.
  Result<NativeObjects> (*compile)(const CompiledModule& module, Features features,
                                   const NativeOptions& options);
};

}  // namespace wasmscope::internal::compiler

/// The plugin's one exported symbol.
#define WASMSCOPE_COMPILER_PLUGIN_ENTRY "wasmscope_compiler_plugin_v1"
extern "C" const wasmscope::internal::compiler::CompilerPlugin* wasmscope_compiler_plugin_v1();
