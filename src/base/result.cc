#include "wasmscope/result.h"

#include <cstdio>

namespace wasmscope {

const char* error_kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kMalformed: return "malformed";
    case ErrorKind::kInvalid: return "invalid";
    case ErrorKind::kUnlinkable: return "unlinkable";
    case ErrorKind::kTrap: return "trap";
    case ErrorKind::kUnsupported: return "unsupported";
    case ErrorKind::kIo: return "io";
    case ErrorKind::kTimeout: return "timeout";
  }
  return "error";
}

std::string Error::to_string() const {
  char where[32];
  std::snprintf(where, sizeof where, " at 0x%x: ", offset);
  return std::string(error_kind_name(kind)) + where + message;
}

}  // namespace wasmscope
