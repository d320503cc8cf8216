// Shared by the public API's implementation files: a symbolized frame as the API's {Frame}.
#pragma once

#include "stack/symbolizer.h"
#include "wasmscope/wasmscope.hh"

namespace wasmscope::internal {

/// {f} as a public {Frame} (internal namespace: not exported from the shared library).
Frame to_public_frame(const SymbolizedFrame& f);

}  // namespace wasmscope::internal
