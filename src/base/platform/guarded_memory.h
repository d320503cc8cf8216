// Address-space reservations for linear memories: guarded (faults replace bounds checks) or
// exact (the engine checks bounds and the mapping may move when it grows).
#pragma once

#include <cstdint>

#include "wasmscope/result.h"

namespace wasmscope::internal {

/// What a 32-bit memory in guard mode reserves: any u32 address plus any u32 offset plus the
/// widest access (16 bytes) stays inside, so no access can reach past the reservation. The
/// extra 64 KiB is one wasm page, a multiple of every Linux page size.
inline constexpr uint64_t kWasm32GuardedReservation = (uint64_t{8} << 30) + (uint64_t{64} << 10);

/// Whether this process can use guard pages for 32-bit memories: pointers wide enough to
/// address a {kWasm32GuardedReservation} (not on 32-bit hosts such as ARMv7) and the address
/// space to reserve one now (a limit such as `ulimit -v` may deny it). Decided at run time, by
/// trying a reservation (released at once); the store falls back to explicit bounds checks
/// when it is false. Thread-safe.
bool guard_pages_available();

/// Whether this host's pointers can address a {kWasm32GuardedReservation} at all: false on
/// 32-bit hosts, where explicit bounds checks are the only mode (and no reason to warn).
constexpr bool guard_pages_addressable() { return sizeof(void*) >= 8; }

/// One mapping backing a linear memory. Its first {accessible()} bytes are read-write and
/// zero-initialised; the rest of {reserved()} is inaccessible.
///
/// Guarded regions (from {reserve}) are registered with the fault handler, so that an access
/// into their inaccessible part by a thread with an armed {TrapLandingPad} becomes a trap.
/// Exact regions (from {allocate_exact}) map only what is accessible (rounded up to pages);
/// they are not registered, since the engine checks bounds itself.
///
/// Protection works in host pages: bytes past {accessible()} up to the next page boundary are
/// accessible too. Wasm page sizes (64 KiB) are multiples of every Linux page size.
///
/// Thread safety: {base}, {accessible}, {reserved} and {contains} may be called concurrently;
/// {grow}, {grow_moving}, moves and destruction need external synchronisation. Movable, not
/// copyable; destruction unregisters and unmaps.
class GuardedRegion {
 public:
  /// An empty region: no mapping, {base() == nullptr}.
  GuardedRegion() = default;
  ~GuardedRegion();
  GuardedRegion(GuardedRegion&& other) noexcept;
  GuardedRegion& operator=(GuardedRegion&& other) noexcept;
  GuardedRegion(const GuardedRegion&) = delete;
  GuardedRegion& operator=(const GuardedRegion&) = delete;

  /// Reserves {reserve_bytes} of address space (PROT_NONE, MAP_NORESERVE) and makes the first
  /// {initial_bytes} read-write. Fails with {ErrorKind::kIo} ("cannot reserve 8 GiB of address
  /// space: ...") when the address space is not available (ulimit -v, 32-bit hosts, ...);
  /// callers fall back to {allocate_exact} then.
  static Result<GuardedRegion> reserve(uint64_t reserve_bytes, uint64_t initial_bytes);

  /// Like {reserve}, but not registered with the fault handler: for memories that check
  /// bounds explicitly yet must never move (a shared memory reserves its maximum).
  static Result<GuardedRegion> reserve_unguarded(uint64_t reserve_bytes, uint64_t initial_bytes);

  /// Maps just {initial_bytes} read-write (at least one page, so {base()} is never null) for
  /// the explicit-bounds-check mode. Not registered with the fault handler.
  static Result<GuardedRegion> allocate_exact(uint64_t initial_bytes);

  /// Makes the first {new_accessible_bytes} read-write, in place: {base()} does not change.
  /// Fails when that exceeds {reserved()}. Never shrinks (a smaller size is a no-op).
  Result<void> grow(uint64_t new_accessible_bytes);

  /// Like {grow}, but an exact region may move to find room (mremap with MREMAP_MAYMOVE): on
  /// success {base()} may differ, the contents are kept, and every pointer into the old
  /// mapping is dangling. Only the owner of a non-shared memory may call it (a shared memory
  /// must never move). For a guarded region it is {grow}: the reservation never moves.
  Result<void> grow_moving(uint64_t new_accessible_bytes);

  uint8_t* base() const { return base_; }
  /// Bytes the memory may use (what was asked for, not rounded to pages).
  uint64_t accessible() const { return accessible_; }
  /// Bytes of address space the mapping covers.
  uint64_t reserved() const { return reserved_; }
  /// True for regions from {reserve} (registered with the fault handler).
  bool guarded() const { return registry_slot_ >= 0; }
  /// True when {address} lies in [base, base + reserved).
  bool contains(const void* address) const;

 private:
  GuardedRegion(uint8_t* base, uint64_t reserved) : base_(base), reserved_(reserved) {}
  static Result<GuardedRegion> reserve_region(uint64_t reserve_bytes, uint64_t initial_bytes,
                                              bool guarded);
  Result<void> protect_up_to(uint64_t new_accessible_bytes);
  void release();

  uint8_t* base_ = nullptr;
  uint64_t accessible_ = 0;
  uint64_t reserved_ = 0;
  uint64_t protected_ = 0;  // Read-write bytes from {base_}: {accessible_} rounded to pages.
  int registry_slot_ = -1;  // Slot in the guard registry, or -1 when not registered.
};

/// The host page size (sysconf(_SC_PAGESIZE)).
uint64_t host_page_size();

}  // namespace wasmscope::internal
