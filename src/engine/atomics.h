// The semantics of the threads proposal's atomic memory accesses (engine/atomic_ops.def):
// lock-free, sequentially consistent host atomics directly on the guest's bytes, so guest
// threads on any number of host threads synchronize exactly as the spec's memory model says,
// with no global lock. {p} is always aligned to the access width (the handler checked it)
// and inside the memory.
#pragma once

#include <atomic>
#include <cstdint>

#include "engine/instance_data.h"

namespace wasmscope::internal::atomic {

template <class M>
inline std::atomic_ref<M> at(uint8_t* p) {
  static_assert(std::atomic_ref<M>::is_always_lock_free, "atomics must be lock-free");
  // Through void*: the cast itself never assumes alignment; the caller checked it.
  return std::atomic_ref<M>(*static_cast<M*>(static_cast<void*>(p)));
}

constexpr auto kOrder = std::memory_order_seq_cst;

template <class M> inline M load(uint8_t* p) { return at<M>(p).load(kOrder); }
template <class M> inline void store(uint8_t* p, M v) { at<M>(p).store(v, kOrder); }
template <class M> inline M add(uint8_t* p, M v) { return at<M>(p).fetch_add(v, kOrder); }
template <class M> inline M sub(uint8_t* p, M v) { return at<M>(p).fetch_sub(v, kOrder); }
template <class M> inline M bit_and(uint8_t* p, M v) { return at<M>(p).fetch_and(v, kOrder); }
template <class M> inline M bit_or(uint8_t* p, M v) { return at<M>(p).fetch_or(v, kOrder); }
template <class M> inline M bit_xor(uint8_t* p, M v) { return at<M>(p).fetch_xor(v, kOrder); }
template <class M> inline M exchange(uint8_t* p, M v) { return at<M>(p).exchange(v, kOrder); }

/// Stores {replacement} if the value equals {expected}; returns the value read either way.
template <class M>
inline M cmpxchg(uint8_t* p, M expected, M replacement) {
  at<M>(p).compare_exchange_strong(expected, replacement, kOrder);
  return expected;  // on failure, compare_exchange wrote the value it read
}

/// The accessible size of {memory}, for readers that may race a grow on another thread (a
/// shared memory): the acquire pairs with the grower's release, so the pages it covers are
/// accessible. For a memory only one thread uses it reads the same as {memory->size}.
inline uint64_t current_size(const MemoryData* memory) {
  return __atomic_load_n(&memory->size, __ATOMIC_ACQUIRE);
}

/// Why an access of {width} bytes at {ea} traps, or kNone. Alignment first, as the spec's
/// reference interpreter checks it; the bounds against {*cached_size}, refreshed from
/// {memory} when too small (another thread may have grown a shared memory meanwhile).
inline Trap check_access(uint64_t ea, uint64_t width, const MemoryData* memory,
                         uint64_t* cached_size) {
  if ((ea & (width - 1)) != 0) [[unlikely]] return Trap::kUnalignedAtomic;
  if (ea + width > *cached_size) [[unlikely]] {
    *cached_size = current_size(memory);
    if (ea + width > *cached_size) return Trap::kOutOfBoundsMemory;
  }
  return Trap::kNone;
}

}  // namespace wasmscope::internal::atomic
