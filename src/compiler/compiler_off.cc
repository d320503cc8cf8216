// A build without the compiled tier (-DWASMSCOPE_COMPILER=OFF): asking for it is an error.
#include "compiler/compiler.h"

namespace wasmscope::internal {

bool compiler_available() { return false; }

Result<void> compile_native(CompiledModule*, Features, const NativeOptions&) {
  return Error{ErrorKind::kUnsupported, 0,
               "this build of wasmscope has no compiled tier (configure with "
               "-DWASMSCOPE_COMPILER=ON and llvm-19-dev installed)"};
}

}  // namespace wasmscope::internal
