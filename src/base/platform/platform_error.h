// Builds {Error}s for failed system calls: "what: strerror(err)" (private to base/platform),
// and spells byte counts for messages (runtime/ uses that too).
#pragma once

#include <cstdint>
#include <string>

#include "wasmscope/result.h"

namespace wasmscope::internal::platform_internal {

/// An {ErrorKind::kIo} error reading "{what}: <description of {err}>".
Error system_error(const std::string& what, int err);

/// A byte count for messages: "8 GiB", "64 KiB", "8.0 GiB" when not exact, "100 bytes".
std::string describe_bytes(uint64_t bytes);

}  // namespace wasmscope::internal::platform_internal
