// Translation of validated function bodies into internal code.
#pragma once

#include "base/result.h"
#include "engine/compiled.h"
#include "spec/features.h"

namespace wasmscope {

/// Translates every defined function of {module} (which must have passed validation with
/// {facts}) into {out->funcs}. Fails only for instructions the interpreter does not run yet.
Result<void> translate_module(CompiledModule* out, Features features = Features());

}  // namespace wasmscope
