#include "base/platform/guard_registry.h"

#include <atomic>

namespace wasmscope::internal {

namespace {

// One registered range, published with a sequence lock so that a reader in a signal handler
// never pairs the {begin} of one registration with the {end} of another: {sequence} is odd
// while the writer changes the bounds and even (and different) once it is done.
struct Slot {
  std::atomic<bool> in_use{false};  // Owned by one registration; guards the writer side.
  std::atomic<uint32_t> sequence{0};
  std::atomic<uintptr_t> begin{0};
  std::atomic<uintptr_t> end{0};  // {end == 0}: no range.
};

static_assert(std::atomic<uintptr_t>::is_always_lock_free);
static_assert(std::atomic<uint32_t>::is_always_lock_free);
static_assert(std::atomic<bool>::is_always_lock_free);

Slot g_slots[kGuardRegistryCapacity];
// One past the highest slot ever used: readers scan only [0, g_high_water).
std::atomic<uint32_t> g_high_water{0};
std::atomic<uint32_t> g_live{0};

// The sequence-lock writer. Release on the bound stores, acquire on the reader's bound loads:
// a reader that sees a bound of this write also sees the odd sequence stored before it, so
// its re-check fails. (Acquire/release instead of fences, which ThreadSanitizer cannot model.)
void write_bounds(Slot& slot, uintptr_t begin, uintptr_t end) {
  uint32_t sequence = slot.sequence.load(std::memory_order_relaxed);
  slot.sequence.store(sequence + 1, std::memory_order_relaxed);
  slot.begin.store(begin, std::memory_order_release);
  slot.end.store(end, std::memory_order_release);
  // Release: a reader that sees the even value also sees the bounds written before it.
  slot.sequence.store(sequence + 2, std::memory_order_release);
}

// async-signal-safe
bool slot_contains(const Slot& slot, uintptr_t address) {
  uint32_t before = slot.sequence.load(std::memory_order_acquire);
  if (before & 1) return false;
  uintptr_t begin = slot.begin.load(std::memory_order_acquire);
  uintptr_t end = slot.end.load(std::memory_order_acquire);
  if (slot.sequence.load(std::memory_order_relaxed) != before) return false;
  return begin <= address && address < end;
}

void raise_high_water(uint32_t count) {
  uint32_t seen = g_high_water.load(std::memory_order_relaxed);
  while (seen < count && !g_high_water.compare_exchange_weak(seen, count, std::memory_order_release,
                                                             std::memory_order_relaxed)) {
  }
}

}  // namespace

int register_guarded_range(uintptr_t begin, uintptr_t end) {
  for (uint32_t i = 0; i < kGuardRegistryCapacity; ++i) {
    bool expected = false;
    if (g_slots[i].in_use.load(std::memory_order_relaxed)) continue;
    if (!g_slots[i].in_use.compare_exchange_strong(expected, true, std::memory_order_acquire,
                                                   std::memory_order_relaxed)) {
      continue;
    }
    write_bounds(g_slots[i], begin, end);
    raise_high_water(i + 1);
    g_live.fetch_add(1, std::memory_order_relaxed);
    return static_cast<int>(i);
  }
  return -1;
}

void unregister_guarded_range(int slot) {
  if (slot < 0 || static_cast<size_t>(slot) >= kGuardRegistryCapacity) return;
  write_bounds(g_slots[slot], 0, 0);
  g_live.fetch_sub(1, std::memory_order_relaxed);
  // Release: the next owner's writes to this slot come after ours.
  g_slots[slot].in_use.store(false, std::memory_order_release);
}

// async-signal-safe
bool in_guarded_range(const void* address) {
  uintptr_t value = reinterpret_cast<uintptr_t>(address);
  uint32_t count = g_high_water.load(std::memory_order_acquire);
  for (uint32_t i = 0; i < count; ++i) {
    if (slot_contains(g_slots[i], value)) return true;
  }
  return false;
}

size_t guarded_range_count() {
  return g_live.load(std::memory_order_relaxed);
}

}  // namespace wasmscope::internal
