// Value types, reference types, external kinds and limits as the binary format encodes them.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "wasmscope/export.h"

namespace wasmscope {

/// A value type. {kind()} is the binary encoding of the short form (i32 ... v128, and for a
/// reference the kind of what it refers to: funcref, externref, exnref); a reference also says
/// whether it may be null and, for typed function references (3.0), which function type it
/// refers to: `(ref null? $t)` has kind {kFuncRef} and {type_index()} $t (an index into the
/// module's type section). `funcref` is `(ref null func)`.
///
/// A {ValType} converts to its {Kind}, so `switch (t)` and `t == ValType::kFuncRef` look at the
/// kind alone ("is it a function reference?"); `a == b` between two {ValType}s compares the whole
/// type.
class ValType {
 public:
  enum Kind : uint8_t {
    kI32 = 0x7f,
    kI64 = 0x7e,
    kF32 = 0x7d,
    kF64 = 0x7c,
    kV128 = 0x7b,
    kFuncRef = 0x70,
    kExternRef = 0x6f,
    kExnRef = 0x69,  ///< Exception handling (3.0): a caught exception, null or not.
  };
  /// {type_index()} of a reference to an abstract heap type (func, extern, exn).
  static constexpr uint32_t kAbstract = UINT32_MAX;

  constexpr ValType() = default;
  constexpr ValType(Kind kind) : kind_(kind) {}  // NOLINT: implicit, as the enum it replaces
  /// From a one-byte encoding (a short form); not checked: see {is_valtype_byte}.
  constexpr explicit ValType(uint8_t byte) : kind_(byte) {}

  /// A reference of {kind} (kFuncRef, kExternRef or kExnRef); {type_index} only for kFuncRef.
  static constexpr ValType ref(Kind kind, bool nullable, uint32_t type_index = kAbstract) {
    ValType t(kind);
    t.non_null_ = !nullable;
    t.type_index_ = type_index;
    return t;
  }

  constexpr Kind kind() const { return static_cast<Kind>(kind_); }
  constexpr operator Kind() const { return kind(); }  // NOLINT: implicit, for switch and ==
  /// References: whether null is a value of the type (numeric types: true, meaningless).
  constexpr bool nullable() const { return !non_null_; }
  /// Function references: whether the type names a function type ({type_index()}).
  constexpr bool has_type_index() const { return type_index_ != kAbstract; }
  constexpr uint32_t type_index() const { return type_index_; }
  /// The same reference type, nullable.
  constexpr ValType as_nullable() const { return ref(kind(), true, type_index_); }
  /// Whether this is the short form (a number, a vector, funcref, externref or exnref), which
  /// one byte encodes.
  constexpr bool is_short() const { return !non_null_ && type_index_ == kAbstract; }

  constexpr bool operator==(const ValType&) const = default;
  friend constexpr bool operator==(ValType a, Kind b) { return a.kind() == b; }

 private:
  uint8_t kind_ = 0;
  bool non_null_ = false;
  uint16_t reserved_ = 0;
  uint32_t type_index_ = kAbstract;
};

/// True for {kFuncRef}, {kExternRef} and {kExnRef}.
constexpr bool is_ref(ValType t) {
  return t == ValType::kFuncRef || t == ValType::kExternRef || t == ValType::kExnRef;
}
/// True when {byte} encodes a value type in its short form.
constexpr bool is_valtype_byte(uint8_t byte) {
  return (byte >= 0x7b && byte <= 0x7f) || byte == 0x70 || byte == 0x6f || byte == 0x69;
}
/// "i32", "funcref", ...
WASMSCOPE_API const char* valtype_name(ValType t);

/// The kind of an import or export; the enumerator values are the binary encodings.
enum class ExternKind : uint8_t { kFunc = 0, kTable = 1, kMemory = 2, kGlobal = 3, kTag = 4 };
WASMSCOPE_API const char* extern_kind_name(ExternKind k);

/// A function signature.
struct FuncType {
  std::vector<ValType> params;
  std::vector<ValType> results;
  bool operator==(const FuncType&) const = default;
};

/// Size limits of a table (elements) or memory (64 KiB pages).
struct Limits {
  uint64_t min = 0;
  std::optional<uint64_t> max;
  bool shared = false;  ///< Memories only (threads proposal).
  bool is64 = false;    ///< memory64: addresses (table indices) and sizes are i64.
  bool operator==(const Limits&) const = default;
};

struct TableType {
  ValType elem = ValType::kFuncRef;
  Limits limits;
  bool operator==(const TableType&) const = default;
};

struct MemoryType {
  Limits limits;
  bool operator==(const MemoryType&) const = default;
};

struct GlobalType {
  ValType type = ValType::kI32;
  bool mut = false;
  bool operator==(const GlobalType&) const = default;
};

/// Largest number of 64 KiB pages a 32-bit memory may have.
inline constexpr uint64_t kMaxMemoryPages = 65536;
inline constexpr uint64_t kPageSize = 65536;

}  // namespace wasmscope
