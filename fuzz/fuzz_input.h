// The fuzz input as a stream of small decisions, for the targets that turn bytes into a
// sequence of operations (wasi_paths_fuzz.cc, capi_fuzz.cc). Reads front to back, so a seed
// file can be written by hand: one byte per decision, little-endian integers. Past the end
// every read yields zeros, so any prefix of an input is an input too.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace wasmscope::fuzz {

class FuzzInput {
 public:
  FuzzInput(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  bool done() const { return pos_ >= size_; }
  size_t remaining() const { return size_ - pos_; }

  uint8_t byte() { return done() ? 0 : data_[pos_++]; }
  bool bit() { return (byte() & 1) != 0; }
  uint32_t u32() {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i)
      v |= uint32_t{byte()} << (8 * i);
    return v;
  }
  uint64_t u64() {
    const uint64_t low = u32();
    return low | (uint64_t{u32()} << 32);
  }
  /// A value in [0, {n}) ({n} <= 256), from one byte.
  size_t pick(size_t n) { return n == 0 ? 0 : byte() % n; }
  /// The next {n} bytes (fewer at the end), as they are.
  std::string bytes(size_t n) {
    if (n > remaining()) n = remaining();
    std::string out(reinterpret_cast<const char*>(data_ + pos_), n);
    pos_ += n;
    return out;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

}  // namespace wasmscope::fuzz
