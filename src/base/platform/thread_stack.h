// The bounds of the calling thread's stack, for the compiled tier's stack limit.
#pragma once

#include <cstdint>

namespace wasmscope::internal {

/// The lowest address of the calling thread's stack, or 0 when it cannot be told.
///
/// For most threads this is what pthread_getattr_np says. For the process's main thread glibc
/// finds it by reading and parsing /proc/self/maps, which on a small program's start-up costs
/// a tenth of a millisecond and 140,000 instructions; so there it is computed without that when
/// it can be (see the .cc), and asked of glibc otherwise.
uintptr_t thread_stack_low();

/// The main thread's stack bottom as computed without /proc/self/maps, or 0 where that does not
/// apply (another thread, an unlimited stack, a stack laid out otherwise than exec does).
/// Exposed for the test that checks it against glibc.
uintptr_t main_thread_stack_low_from_exec();

}  // namespace wasmscope::internal
