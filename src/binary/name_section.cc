#include "binary/name_section.h"

#include "binary/byte_reader.h"

namespace wasmscope::internal {
namespace {

enum NameSubsection : uint8_t { kModuleName = 0, kFunctionNames = 1, kLocalNames = 2 };

/// A name map: vec of (index, name), indices strictly increasing.
bool read_name_map(ByteReader& r, std::map<uint32_t, std::string>* out) {
  uint32_t count;
  if (!r.read_count(&count, 2).ok()) return false;
  bool first = true;
  uint32_t last = 0;
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t index;
    std::string name;
    if (!r.read_u32(&index).ok() || !r.read_name(&name).ok()) return false;
    if (!first && index <= last) return false;
    first = false;
    last = index;
    (*out)[index] = std::move(name);
  }
  return true;
}

}  // namespace

bool parse_name_section(const uint8_t* module_bytes, ByteRange data, NameSection* out) {
  ByteReader r(module_bytes, data.begin, data.end);
  int last_id = -1;
  while (!r.at_end()) {
    uint8_t id;
    uint32_t size;
    uint32_t begin;
    if (!r.read_byte(&id).ok() || !r.read_u32(&size).ok() || !r.read_bytes(size, &begin).ok()) {
      return false;
    }
    if (static_cast<int>(id) <= last_id) return false;
    last_id = id;
    ByteReader sub(module_bytes, begin, begin + size);
    switch (id) {
      case kModuleName: {
        std::string name;
        if (!sub.read_name(&name).ok()) return false;
        out->module = std::move(name);
        break;
      }
      case kFunctionNames:
        if (!read_name_map(sub, &out->functions)) return false;
        break;
      case kLocalNames: {
        uint32_t count;
        if (!sub.read_count(&count, 2).ok()) return false;
        for (uint32_t i = 0; i < count; ++i) {
          uint32_t func;
          if (!sub.read_u32(&func).ok() || !read_name_map(sub, &out->locals[func])) return false;
        }
        break;
      }
      default:
        sub.skip_to(sub.end());  // extended-name-section subsections we do not use yet
        break;
    }
    if (!sub.at_end()) return false;
  }
  return true;
}

}  // namespace wasmscope::internal
