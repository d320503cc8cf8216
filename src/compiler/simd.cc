// The compiled tier's SIMD instructions (the fixed-width SIMD proposal, 0xFD prefix).
#include "compiler/func_gen.h"

namespace wasmscope::internal::compiler {

Result<void> FuncGen::simd_instruction(const Instr& in) {
  return unsupported(in.offset, std::string(op_info(in.op).text));
}

}  // namespace wasmscope::internal::compiler
