// A build without the compiled tier (-DWASMSCOPE_COMPILER=OFF): asking for it is an error.
#include "compiler/compiler.h"

namespace wasmscope::internal {
namespace {

Error no_compiled_tier() {
  return Error{ErrorKind::kUnsupported, 0,
               "this build of wasmscope has no compiled tier (configure with "
               "-DWASMSCOPE_COMPILER=ON and llvm-19-dev installed)"};
}

}  // namespace

bool compiler_available() { return false; }

Result<void> compile_native(CompiledModule*, Features, const NativeOptions&) {
  return no_compiled_tier();
}

Result<std::vector<uint8_t>> serialize_native(const CompiledModule&) { return no_compiled_tier(); }

Result<CwasmFile> read_cwasm(std::span<const uint8_t>) { return no_compiled_tier(); }

Result<void> load_native(CompiledModule*, const CwasmFile&) { return no_compiled_tier(); }

}  // namespace wasmscope::internal
