// Value types, reference types, external kinds and limits as the binary format encodes them.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "wasmscope/export.h"

namespace wasmscope {

/// A value type; the enumerator values are the binary encodings.
enum class ValType : uint8_t {
  kI32 = 0x7f,
  kI64 = 0x7e,
  kF32 = 0x7d,
  kF64 = 0x7c,
  kV128 = 0x7b,
  kFuncRef = 0x70,
  kExternRef = 0x6f,
  kExnRef = 0x69,  ///< Exception handling (3.0): a caught exception, null or not.
};

/// True for {kFuncRef}, {kExternRef} and {kExnRef}.
constexpr bool is_ref(ValType t) {
  return t == ValType::kFuncRef || t == ValType::kExternRef || t == ValType::kExnRef;
}
/// True when {byte} encodes a value type.
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
