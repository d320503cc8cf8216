// The set of proposals a module may use; a runtime option, never a compile-time switch.
#pragma once

#include <cstdint>

#include "wasmscope/export.h"

namespace wasmscope {

/// One bit per feature; the names match the {Feature} column of {opcodes.def}.
enum class Feature : uint32_t {
  kMvp = 0,          ///< Always on.
  kSignExt = 1u << 0,
  kSatConv = 1u << 1,    ///< Non-trapping float-to-int conversions.
  kMultiValue = 1u << 2,
  kBulkMemory = 1u << 3,
  kRefTypes = 1u << 4,
  kSimd = 1u << 5,
  kThreads = 1u << 6,
  kTailCall = 1u << 7,
  kExtendedConst = 1u << 8,  ///< Arithmetic and more globals in constant expressions (3.0).
  kRelaxedSimd = 1u << 9,    ///< SIMD with platform-dependent results (3.0), made deterministic.
  kMultiMemory = 1u << 10,   ///< Several memories per module (3.0).
  kMemory64 = 1u << 11,      ///< Memories and tables indexed by i64 (3.0).
  kExceptions = 1u << 12,    ///< Exception handling: tags, try_table, throw, exnref (3.0).
  kFuncRefs = 1u << 13,      ///< Typed function references: (ref $t), call_ref, br_on_null (3.0).
};

/// A set of enabled {Feature}s. The default is everything wasmscope implements.
class Features {
 public:
  static constexpr uint32_t kAll = 0x3fff;
  constexpr Features() = default;
  constexpr explicit Features(uint32_t bits) : bits_(bits) {}
  static constexpr Features none() { return Features(0); }

  constexpr bool has(Feature f) const {
    return f == Feature::kMvp || (bits_ & static_cast<uint32_t>(f)) != 0;
  }
  constexpr Features& enable(Feature f) { bits_ |= static_cast<uint32_t>(f); return *this; }
  constexpr Features& disable(Feature f) { bits_ &= ~static_cast<uint32_t>(f); return *this; }
  constexpr uint32_t bits() const { return bits_; }

 private:
  uint32_t bits_ = kAll;
};

/// How linear-memory accesses are bounds-checked: a runtime option, like the features.
enum class BoundsChecks : uint8_t {
  kGuardPages,  ///< Reserve 8 GiB per memory and trap on faults: in-bounds accesses cost nothing.
  kExplicit,    ///< Compare on every access; for hosts that cannot reserve address space.
};

/// "simd", "threads", ... for messages.
WASMSCOPE_API const char* feature_name(Feature f);

}  // namespace wasmscope
