// Shared by the public API's implementation files (runtime/, diag/): internal values as the
// API's types.
#pragma once

#include "engine/context.h"
#include "runtime/store.h"
#include "stack/capture.h"
#include "stack/symbolizer.h"
#include "wasmscope/wasmscope.hh"

namespace wasmscope::internal {

/// {f} as a public {Frame} (internal namespace: not exported from the shared library).
Frame to_public_frame(const SymbolizedFrame& f);

/// The store options {config} and {limits} ask for (the C++ and C APIs both make stores from
/// them; modules only need {config}).
StoreConfig to_internal(const Config& config, const wasmscope::StoreLimits& limits = {});

/// The API's names for a thread state and a capture method.
wasmscope::ThreadState to_public(ThreadState state);
wasmscope::CaptureMethod to_public(CaptureMethod method);

}  // namespace wasmscope::internal
