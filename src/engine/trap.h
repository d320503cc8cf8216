// Trap kinds: the reasons guest execution can stop abnormally, with the spec's messages.
#pragma once

#include <cstdint>

namespace wasmscope::internal {

/// Why execution trapped. {kNone} means it did not. The hot path passes these as values.
enum class Trap : uint8_t {
  kNone = 0,
  kUnreachable,
  kIntegerDivideByZero,
  kIntegerOverflow,
  kInvalidConversionToInteger,
  kOutOfBoundsMemory,
  kOutOfBoundsTable,
  kUndefinedElement,        ///< call_indirect index past the table's end.
  kUninitializedElement,    ///< call_indirect through a null entry.
  kIndirectCallTypeMismatch,
  kCallStackExhausted,
  kInterrupted,             ///< A terminate request reached a safepoint.
  kUnalignedAtomic,
  kExpectedSharedMemory,    ///< memory.atomic.wait on an unshared memory.
  kHostTrap,                ///< A host function reported a trap; its message says why.
  kException,               ///< An exception no guest frame caught ({ExecContext::exception}).
  kNullExceptionReference,  ///< throw_ref of a null exnref.
  kNullFunctionReference,   ///< call_ref or return_call_ref of a null reference.
  kNullReference,           ///< ref.as_non_null of a null reference.
};

/// The spec's message for {trap} ("integer divide by zero", "call stack exhausted", ...).
constexpr const char* trap_message(Trap trap) {
  switch (trap) {
    case Trap::kNone: return "no trap";
    case Trap::kUnreachable: return "unreachable";
    case Trap::kIntegerDivideByZero: return "integer divide by zero";
    case Trap::kIntegerOverflow: return "integer overflow";
    case Trap::kInvalidConversionToInteger: return "invalid conversion to integer";
    case Trap::kOutOfBoundsMemory: return "out of bounds memory access";
    case Trap::kOutOfBoundsTable: return "out of bounds table access";
    case Trap::kUndefinedElement: return "undefined element";
    case Trap::kUninitializedElement: return "uninitialized element";
    case Trap::kIndirectCallTypeMismatch: return "indirect call type mismatch";
    case Trap::kCallStackExhausted: return "call stack exhausted";
    case Trap::kInterrupted: return "interrupted";
    case Trap::kUnalignedAtomic: return "unaligned atomic";
    case Trap::kExpectedSharedMemory: return "expected shared memory";
    case Trap::kHostTrap: return "host trap";
    case Trap::kException: return "uncaught exception";
    case Trap::kNullExceptionReference: return "null exception reference";
    case Trap::kNullFunctionReference: return "null function reference";
    case Trap::kNullReference: return "null reference";
  }
  return "trap";
}

}  // namespace wasmscope::internal
