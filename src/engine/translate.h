// Translation of validated function bodies into internal code.
#pragma once

#include "wasmscope/result.h"
#include "engine/compiled.h"
#include "wasmscope/features.h"

namespace wasmscope::internal {

/// Translates every defined function of {module} (which must have passed validation with
/// {facts}) into {out->funcs}. Fails only for instructions the interpreter does not run yet.
Result<void> translate_module(CompiledModule* out, Features features = Features());

}  // namespace wasmscope::internal
