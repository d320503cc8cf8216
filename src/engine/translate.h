// Translation of validated function bodies into internal code.
#pragma once

#include "wasmscope/result.h"
#include "engine/compiled.h"
#include "wasmscope/features.h"

namespace wasmscope::internal {

/// The most locals (parameters included) a function may have to run in either tier: an
/// implementation limit, as in V8 and Wasmtime (the spec allows 2^32 - 1).
inline constexpr uint64_t kMaxFunctionLocals = 50'000;

/// Translates every defined function of {module} (which must have passed validation with
/// {facts}) into {out->funcs}. Fails (kUnsupported) for instructions the interpreter does not
/// run yet and for functions with more than {kMaxFunctionLocals} locals.
Result<void> translate_module(CompiledModule* out, Features features = Features());

}  // namespace wasmscope::internal
