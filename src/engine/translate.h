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

/// For a module whose code is compiled already (a .cwasm's, which `compile` translated whole
/// with {translate_module}): translates only the functions the interpreter runs even so, those
/// with an exception-handling or typed-function-reference instruction
/// ({CompiledFunc::runs_interpreted}), found by decoding each body. The others keep only their
/// {func_index}: nothing reads more of a function that runs its native code. SQLite's .cwasm
/// kept 6.6 MB of interpreter code it never ran (1,650 fresh pages to load).
Result<void> translate_interpreted_functions(CompiledModule* out, Features features);

}  // namespace wasmscope::internal
