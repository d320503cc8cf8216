#include "base/platform/guarded_memory.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <utility>

#include "base/platform/guard_registry.h"
#include "base/platform/platform_error.h"

namespace wasmscope::internal {

using platform_internal::describe_bytes;
using platform_internal::system_error;

namespace {

// Rounds {bytes} up to whole pages; returns false when that overflows.
bool round_to_pages(uint64_t bytes, uint64_t* rounded) {
  uint64_t page = host_page_size();
  if (bytes > UINT64_MAX - (page - 1)) return false;
  *rounded = (bytes + page - 1) & ~(page - 1);
  return true;
}

Error too_large(const char* what, uint64_t bytes) {
  return Error{ErrorKind::kIo, 0,
               std::string("cannot ") + what + " " + describe_bytes(bytes) + ": size out of range"};
}

}  // namespace

uint64_t host_page_size() {
  static const uint64_t page = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  return page;
}

bool guard_pages_available() {
  if (!guard_pages_addressable()) return false;
  // Unguarded: the probe never enters the fault handler's registry.
  return GuardedRegion::reserve_unguarded(kWasm32GuardedReservation, 0).ok();
}

Result<GuardedRegion> GuardedRegion::reserve(uint64_t reserve_bytes, uint64_t initial_bytes) {
  return reserve_region(reserve_bytes, initial_bytes, true);
}

Result<GuardedRegion> GuardedRegion::reserve_unguarded(uint64_t reserve_bytes,
                                                       uint64_t initial_bytes) {
  return reserve_region(reserve_bytes, initial_bytes, false);
}

Result<GuardedRegion> GuardedRegion::reserve_region(uint64_t reserve_bytes, uint64_t initial_bytes,
                                                    bool guarded) {
  uint64_t reserved = 0;
  if (reserve_bytes == 0 || !round_to_pages(reserve_bytes, &reserved) || reserved > SIZE_MAX) {
    return too_large("reserve", reserve_bytes);
  }
  if (initial_bytes > reserved) {
    return Error{ErrorKind::kIo, 0,
                 "cannot make " + describe_bytes(initial_bytes) +
                     " accessible in a reservation of " + describe_bytes(reserved)};
  }
  void* mapping =
      mmap(nullptr, reserved, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (mapping == MAP_FAILED) {
    return system_error("cannot reserve " + describe_bytes(reserve_bytes) + " of address space",
                        errno);
  }
  GuardedRegion region(static_cast<uint8_t*>(mapping), reserved);
  if (!guarded) {
    WS_TRY(region.grow(initial_bytes));
    return region;
  }
  uintptr_t begin = reinterpret_cast<uintptr_t>(mapping);
  region.registry_slot_ = register_guarded_range(begin, begin + reserved);
  if (region.registry_slot_ < 0) {
    return Error{ErrorKind::kIo, 0,
                 "cannot reserve a guarded memory: all " + std::to_string(kGuardRegistryCapacity) +
                     " guarded regions are in use"};
  }
  WS_TRY(region.grow(initial_bytes));
  return region;
}

Result<GuardedRegion> GuardedRegion::allocate_exact(uint64_t initial_bytes) {
  uint64_t mapped = 0;
  if (!round_to_pages(initial_bytes == 0 ? 1 : initial_bytes, &mapped) || mapped > SIZE_MAX) {
    return too_large("allocate", initial_bytes);
  }
  // The whole mapping is read-write, so it stays one kernel mapping that mremap can move.
  void* mapping = mmap(nullptr, mapped, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (mapping == MAP_FAILED) {
    return system_error("cannot allocate " + describe_bytes(initial_bytes) + " of memory", errno);
  }
  GuardedRegion region(static_cast<uint8_t*>(mapping), mapped);
  region.accessible_ = initial_bytes;
  region.protected_ = mapped;
  return region;
}

GuardedRegion::~GuardedRegion() {
  release();
}

GuardedRegion::GuardedRegion(GuardedRegion&& other) noexcept
    : base_(std::exchange(other.base_, nullptr)),
      accessible_(std::exchange(other.accessible_, 0)),
      reserved_(std::exchange(other.reserved_, 0)),
      protected_(std::exchange(other.protected_, 0)),
      registry_slot_(std::exchange(other.registry_slot_, -1)) {}

GuardedRegion& GuardedRegion::operator=(GuardedRegion&& other) noexcept {
  if (this != &other) {
    release();
    base_ = std::exchange(other.base_, nullptr);
    accessible_ = std::exchange(other.accessible_, 0);
    reserved_ = std::exchange(other.reserved_, 0);
    protected_ = std::exchange(other.protected_, 0);
    registry_slot_ = std::exchange(other.registry_slot_, -1);
  }
  return *this;
}

void GuardedRegion::release() {
  if (base_ == nullptr) return;
  // Unregister first: once unmapped, the addresses may be reused by an unrelated mapping
  // whose faults must not look like traps.
  if (registry_slot_ >= 0) unregister_guarded_range(registry_slot_);
  munmap(base_, reserved_);
  base_ = nullptr;
  accessible_ = reserved_ = protected_ = 0;
  registry_slot_ = -1;
}

Result<void> GuardedRegion::grow(uint64_t new_accessible_bytes) {
  if (new_accessible_bytes <= accessible_) return {};
  if (new_accessible_bytes > reserved_) {
    return Error{ErrorKind::kIo, 0,
                 "cannot grow memory to " + describe_bytes(new_accessible_bytes) +
                     ": beyond its reservation of " + describe_bytes(reserved_)};
  }
  return protect_up_to(new_accessible_bytes);
}

Result<void> GuardedRegion::protect_up_to(uint64_t new_accessible_bytes) {
  uint64_t new_protected = 0;
  if (!round_to_pages(new_accessible_bytes, &new_protected)) {
    return too_large("grow memory to", new_accessible_bytes);
  }
  if (new_protected > protected_) {
    if (mprotect(base_ + protected_, new_protected - protected_, PROT_READ | PROT_WRITE) != 0) {
      return system_error("cannot grow memory to " + describe_bytes(new_accessible_bytes), errno);
    }
    protected_ = new_protected;
  }
  accessible_ = new_accessible_bytes;
  return {};
}

Result<void> GuardedRegion::grow_moving(uint64_t new_accessible_bytes) {
  if (guarded() || new_accessible_bytes <= reserved_ || base_ == nullptr) {
    return grow(new_accessible_bytes);
  }
  uint64_t new_mapped = 0;
  if (!round_to_pages(new_accessible_bytes, &new_mapped) || new_mapped > SIZE_MAX) {
    return too_large("grow memory to", new_accessible_bytes);
  }
  void* moved = mremap(base_, reserved_, new_mapped, MREMAP_MAYMOVE);
  if (moved == MAP_FAILED) {
    return system_error("cannot grow memory to " + describe_bytes(new_accessible_bytes), errno);
  }
  base_ = static_cast<uint8_t*>(moved);
  reserved_ = protected_ = new_mapped;
  accessible_ = new_accessible_bytes;
  return {};
}

bool GuardedRegion::contains(const void* address) const {
  uintptr_t value = reinterpret_cast<uintptr_t>(address);
  uintptr_t begin = reinterpret_cast<uintptr_t>(base_);
  return base_ != nullptr && value >= begin && value - begin < reserved_;
}

}  // namespace wasmscope::internal
