// SHA-256 (FIPS 180-4), for the checksums and module hashes of .cwasm files. Not for secrets:
// nothing here is constant-time.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace wasmscope::internal {

using Sha256Digest = std::array<uint8_t, 32>;

/// Incremental SHA-256: update() any number of times, then final() once.
class Sha256 {
 public:
  Sha256();
  void update(std::span<const uint8_t> bytes);
  Sha256Digest final();

 private:
  void block(const uint8_t* p);
  uint32_t h_[8];
  uint8_t buffer_[64];
  size_t buffered_ = 0;
  uint64_t length_ = 0;  ///< Bytes hashed so far.
};

/// The SHA-256 of {bytes}.
Sha256Digest sha256(std::span<const uint8_t> bytes);

}  // namespace wasmscope::internal
