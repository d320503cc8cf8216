#include "base/platform/platform_error.h"

#include <cstdio>
#include <cstring>

namespace wasmscope::internal::platform_internal {

namespace {

// Returns the message for {err}, whichever {strerror_r} flavour the C library declares.
[[maybe_unused]] const char* pick_message(const char* gnu_result, const char*) {
  return gnu_result;
}
[[maybe_unused]] const char* pick_message(int xsi_result, const char* buffer) {
  return xsi_result == 0 ? buffer : "unknown error";
}

}  // namespace

Error system_error(const std::string& what, int err) {
  char buffer[128] = {};
  const char* text = pick_message(strerror_r(err, buffer, sizeof buffer), buffer);
  return Error{ErrorKind::kIo, 0, what + ": " + text};
}

std::string describe_bytes(uint64_t bytes) {
  static const struct {
    uint64_t size;
    const char* unit;
  } kUnits[] = {{uint64_t{1} << 40, "TiB"},
                {uint64_t{1} << 30, "GiB"},
                {uint64_t{1} << 20, "MiB"},
                {uint64_t{1} << 10, "KiB"}};
  char text[48];
  for (const auto& unit : kUnits) {
    if (bytes < unit.size) continue;
    if (bytes % unit.size == 0) {
      std::snprintf(text, sizeof text, "%llu %s",
                    static_cast<unsigned long long>(bytes / unit.size), unit.unit);
    } else {
      std::snprintf(text, sizeof text, "%.1f %s",
                    static_cast<double>(bytes) / static_cast<double>(unit.size), unit.unit);
    }
    return text;
  }
  std::snprintf(text, sizeof text, "%llu bytes", static_cast<unsigned long long>(bytes));
  return text;
}

}  // namespace wasmscope::internal::platform_internal
