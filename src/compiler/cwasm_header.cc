// What a .cwasm file's header says about its target, read in every build (also those
// without the compiled tier, so that they can say whose code a refused file holds).

#include <string>

#include "compiler/compiler.h"

namespace wasmscope::internal {

std::string build_triple() {
#if defined(__x86_64__)
  return "x86_64-linux-gnu";
#elif defined(__i386__)
  return "i386-linux-gnu";
#elif defined(__aarch64__)
  return "aarch64-linux-gnu";
#elif defined(__arm__) && defined(__ARM_PCS_VFP)
  return "arm-linux-gnueabihf";
#elif defined(__arm__)
  return "arm-linux-gnueabi";
#else
  return "unknown-linux-gnu";
#endif
}

std::string triple_arch(const std::string& triple) { return triple.substr(0, triple.find('-')); }

std::string foreign_arch_reason(const std::string& file) {
  const std::string here = build_triple();
  if (triple_arch(file) == triple_arch(here)) return "";
  return "it holds code for " + triple_arch(file) + " (" + file + "), and this wasmscope runs on " +
         triple_arch(here) + " (" + here + ")";
}

std::string cwasm_target(std::span<const uint8_t> bytes) {
  if (!is_cwasm(bytes)) return "";
  size_t pos = sizeof kCwasmMagic;
  auto u32 = [&](uint32_t* v) {
    if (bytes.size() - pos < 4) return false;
    *v = 0;
    for (int i = 0; i < 4; ++i) *v |= uint32_t{bytes[pos + i]} << (8 * i);
    pos += 4;
    return true;
  };
  uint32_t format = 0, length = 0;
  if (!u32(&format) || format != kCwasmFormatVersion) return "";
  if (bytes.size() - pos < 8) return "";
  pos += 8;  // the file's size
  std::string triple;
  for (int field = 0; field < 3; ++field) {  // version, fingerprint, triple
    if (!u32(&length) || bytes.size() - pos < length) return "";
    if (field == 2) triple.assign(bytes.begin() + pos, bytes.begin() + pos + length);
    pos += length;
  }
  // A name, not bytes to print blindly: a damaged header says nothing.
  for (char c : triple) {
    if (c < '!' || c > '~') return "";
  }
  return triple;
}

}  // namespace wasmscope::internal
