// Result<T>: a value or an Error, the way decode, validate and link report failure.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <string>
#include <utility>
#include <variant>

#include "wasmscope/export.h"

namespace wasmscope {

/// What class of failure an {Error} is, named after the spec's assertion kinds.
enum class ErrorKind : uint8_t {
  kMalformed,   ///< The bytes are not a module in the binary format.
  kInvalid,     ///< The module decodes but fails validation.
  kUnlinkable,  ///< Imports do not match what the store provides.
  kTrap,        ///< Instantiation trapped (a segment out of bounds, or the start function).
  kUnsupported, ///< Valid, but uses something this build cannot run yet.
  kIo,          ///< A file could not be read or written.
  kTimeout,     ///< A thread did not answer (capture, suspend) before the deadline.
};

/// Spells {kind} as the spec's word for it ("malformed", "invalid", ...).
WASMSCOPE_API const char* error_kind_name(ErrorKind kind);

/// An error with the byte offset in the module it refers to (or 0 where none applies).
struct WASMSCOPE_API Error {
  ErrorKind kind = ErrorKind::kMalformed;
  uint32_t offset = 0;
  std::string message;

  /// "malformed at 0x1a: unexpected end".
  std::string to_string() const;
};

/// Either a {T} or an {Error}. Must be checked: {[[nodiscard]]}.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}          // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}      // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  /// The value; calling this on an error is a bug and aborts.
  T& value() { return *checked(std::get_if<0>(&v_)); }
  const T& value() const { return *checked(std::get_if<0>(&v_)); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  /// The error; calling this on a value is a bug and aborts.
  const Error& error() const { return *checked(std::get_if<1>(&v_)); }
  Error take_error() { return std::move(*checked(std::get_if<1>(&v_))); }

 private:
  template <class P>
  static P* checked(P* p) {
    if (p == nullptr) std::abort();
    return p;
  }
  std::variant<T, Error> v_;
};

/// Result of an operation with no value.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), failed_(true) {}  // NOLINT

  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const Error& error() const { return error_; }
  Error take_error() { return std::move(error_); }

 private:
  Error error_;
  bool failed_ = false;
};

inline Error malformed(uint32_t offset, std::string message) {
  return Error{ErrorKind::kMalformed, offset, std::move(message)};
}
inline Error invalid(uint32_t offset, std::string message) {
  return Error{ErrorKind::kInvalid, offset, std::move(message)};
}

}  // namespace wasmscope

/// Evaluates {expr} (a Result); returns its error from the enclosing function on failure.
#define WS_TRY(expr)                                         \
  do {                                                       \
    auto ws_try_result_ = (expr);                            \
    if (!ws_try_result_.ok()) return ws_try_result_.take_error(); \
  } while (0)

#define WS_CONCAT_INNER(a, b) a##b
#define WS_CONCAT(a, b) WS_CONCAT_INNER(a, b)
/// {WS_ASSIGN(auto x, expr)}: declares {x} from a Result's value or returns its error.
#define WS_ASSIGN(decl, expr) WS_ASSIGN_IMPL(WS_CONCAT(ws_assign_, __LINE__), decl, expr)
#define WS_ASSIGN_IMPL(tmp, decl, expr)             \
  auto tmp = (expr);                                \
  if (!tmp.ok()) return tmp.take_error();           \
  decl = std::move(tmp.value())
