// The v128 value and lane views used by the SIMD semantics (engine/simd_int.h,
// engine/simd_float.h) and the interpreter's SIMD handlers.
//
// GCC/Clang vector extensions: one portable source that the compiler lowers to SSE on x86-64
// and to NEON on AArch64; casting between these types reinterprets the 16 bytes (no lane
// conversion). Lane 0 is the lowest-addressed lane, as in WebAssembly's little-endian layout.
#pragma once

#include <cstdint>
#include <cstring>

namespace wasmscope::internal::simd {

using V128 = uint64_t __attribute__((vector_size(16)));  ///< The canonical view.
using I8x16 = int8_t __attribute__((vector_size(16)));
using U8x16 = uint8_t __attribute__((vector_size(16)));
using I16x8 = int16_t __attribute__((vector_size(16)));
using U16x8 = uint16_t __attribute__((vector_size(16)));
using I32x4 = int32_t __attribute__((vector_size(16)));
using U32x4 = uint32_t __attribute__((vector_size(16)));
using I64x2 = int64_t __attribute__((vector_size(16)));
using U64x2 = uint64_t __attribute__((vector_size(16)));
using F32x4 = float __attribute__((vector_size(16)));
using F64x2 = double __attribute__((vector_size(16)));

/// 16 bytes from {p} (any alignment).
inline V128 load_v128(const void* p) {
  V128 v;
  std::memcpy(&v, p, 16);
  return v;
}

/// 16 bytes to {p} (any alignment).
inline void store_v128(void* p, V128 v) { std::memcpy(p, &v, 16); }

}  // namespace wasmscope::internal::simd
