// The set of address ranges whose faults are guest traps: the reservations of guarded linear
// memories. {GuardedRegion} registers them; the fault handler asks {in_guarded_range}.
#pragma once

#include <cstddef>
#include <cstdint>

namespace wasmscope::internal {

/// How many ranges can be registered at once (4096 wasm32 memories of 8 GiB fill 32 TiB,
/// a quarter of the x86-64 user address space).
inline constexpr size_t kGuardRegistryCapacity = 4096;

/// Registers [{begin}, {end}); returns the slot to unregister it with, or -1 when all
/// {kGuardRegistryCapacity} slots are taken. Thread-safe, lock-free.
int register_guarded_range(uintptr_t begin, uintptr_t end);

/// Removes the range in {slot} (a value returned by {register_guarded_range}). Call it
/// before unmapping the range. Thread-safe, lock-free.
void unregister_guarded_range(int slot);

/// True when {address} lies in a registered range. Never blocks: a slot that another thread
/// is rewriting at that instant counts as not matching.
// async-signal-safe
bool in_guarded_range(const void* address);

/// Number of currently registered ranges (for tests and diagnostics).
size_t guarded_range_count();

}  // namespace wasmscope::internal
