// Compare-and-branch pairs the translator fuses into one instruction.
#pragma once

// X(wasm compare op, its negation, C operand type, expression over {a} and {b})
#define WASMSCOPE_FUSED_COMPARES(X)              \
  X(I32Eq, I32Ne, uint32_t, a == b)              \
  X(I32Ne, I32Eq, uint32_t, a != b)              \
  X(I32LtS, I32GeS, int32_t, a < b)              \
  X(I32LtU, I32GeU, uint32_t, a < b)             \
  X(I32GtS, I32LeS, int32_t, a > b)              \
  X(I32GtU, I32LeU, uint32_t, a > b)             \
  X(I32LeS, I32GtS, int32_t, a <= b)             \
  X(I32LeU, I32GtU, uint32_t, a <= b)            \
  X(I32GeS, I32LtS, int32_t, a >= b)             \
  X(I32GeU, I32LtU, uint32_t, a >= b)            \
  X(I64Eq, I64Ne, uint64_t, a == b)              \
  X(I64Ne, I64Eq, uint64_t, a != b)              \
  X(I64LtS, I64GeS, int64_t, a < b)              \
  X(I64LtU, I64GeU, uint64_t, a < b)             \
  X(I64GtS, I64LeS, int64_t, a > b)              \
  X(I64GtU, I64LeU, uint64_t, a > b)             \
  X(I64LeS, I64GtS, int64_t, a <= b)             \
  X(I64LeU, I64GtU, uint64_t, a <= b)            \
  X(I64GeS, I64LtS, int64_t, a >= b)             \
  X(I64GeU, I64LtU, uint64_t, a >= b)
