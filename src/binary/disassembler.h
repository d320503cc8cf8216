// Text listing of function bodies and constant expressions, driven by the opcode table.
#pragma once

#include <string>

#include "wasmscope/result.h"
#include "binary/module.h"
#include "wasmscope/features.h"

namespace wasmscope::internal {

/// Value type {t} as the text format spells it: "i32", "funcref", "(ref null 3)", "(ref func)".
std::string valtype_text(ValType t);

/// Appends one line per instruction in {range} of {module} to {out}: the byte offset, then the
/// mnemonic indented by block depth, then its immediates in text-format spelling.
Result<void> disassemble(const Module& module, ByteRange range, std::string* out,
                         Features features = Features());

}  // namespace wasmscope::internal
