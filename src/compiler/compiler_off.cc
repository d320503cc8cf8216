// A build without the compiled tier (-DWASMSCOPE_COMPILER=OFF): asking for it is an error.
#include "compiler/compiler.h"

#include <string>

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

Result<CwasmFile> read_cwasm(std::span<const uint8_t> bytes) {
  // Say whose code the file holds when the header tells: most often it was compiled on
  // another machine (a workstation, for this device).
  const std::string file = cwasm_target(bytes);
  if (file.empty()) return no_compiled_tier();
  std::string whose = foreign_arch_reason(file);
  if (whose.empty()) whose = "it holds code for " + file;
  return Error{ErrorKind::kUnsupported, 0,
               "refusing the .cwasm file: " + whose +
                   "; this build has no compiled tier either (run the .wasm module instead)"};
}

Result<void> load_native(CompiledModule*, const CwasmFile&) { return no_compiled_tier(); }

}  // namespace wasmscope::internal
