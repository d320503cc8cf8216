// What owns a compiled module's native code ({CompiledModule::native}), and the two ways to
// make it: generate objects from wasm (compile_native, compiler.cc) or take them from a
// .cwasm file (load_native, cwasm.cc); both end in {link_native}. Internal to compiler/.
#pragma once

#include <llvm/Support/MemoryBuffer.h>

#include <memory>
#include <vector>

#include "engine/code_map.h"
#include "engine/compiled.h"
#include "engine/object_loader.h"
#include "wasmscope/features.h"
#include "wasmscope/result.h"

namespace wasmscope::internal::compiler {

/// The loaded image that owns one module's code (engine/object_loader.h), and the relocatable
/// objects it was loaded from (one per partition), kept because they are what a .cwasm file
/// stores.
struct NativeCode {
  Features features;        ///< What the module was compiled with.
  unsigned opt_level = 2;
  std::vector<std::unique_ptr<llvm::MemoryBuffer>> objects;
  std::unique_ptr<LoadedImage> image;
  CodeMap map;
  bool registered = false;
  ~NativeCode() {
    // No capture may find the code once it is gone.
    if (registered) unregister_code_map(&map);
    image.reset();
  }
};

/// Sets up LLVM's native target once per process; thread-safe.
void initialize_llvm();

/// Loads {code->objects} (no code generation, no LLVM) into executable memory, points {cm}'s native
/// bodies and entries at the code, registers the code map and hands {code} to {cm}.
Result<void> link_native(CompiledModule* cm, std::unique_ptr<NativeCode> code);

/// An error of the compiled tier: "compiled tier: {what}".
inline Error tier_error(const std::string& what) {
  return Error{ErrorKind::kUnsupported, 0, "compiled tier: " + what};
}

}  // namespace wasmscope::internal::compiler
