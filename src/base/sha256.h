// SHA-256 (FIPS 180-4), for the checksums and module hashes of .cwasm files. Not for secrets:
// nothing here is constant-time. On x86-64 CPUs with the SHA extensions the blocks go through
// them (about 20 times fewer instructions: a .cwasm is hashed every time it is loaded).
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
  /// Which implementation hashes the blocks.
  enum class Engine { kBest, kPortable, kSha };
  /// {engine} kBest: the CPU's SHA extensions when it has them; kSha is for tests and must
  /// only be asked for when sha_extensions() is true.
  explicit Sha256(Engine engine = Engine::kBest);
  void update(std::span<const uint8_t> bytes);
  Sha256Digest final();

 private:
  void blocks(const uint8_t* p, size_t n);
  bool sha_ = false;
  uint32_t h_[8];
  uint8_t buffer_[64];
  size_t buffered_ = 0;
  uint64_t length_ = 0;  ///< Bytes hashed so far.
};

/// True when this CPU has the SHA extensions and this build can use them (x86-64 only).
bool sha_extensions();

/// The SHA-256 of {bytes}.
Sha256Digest sha256(std::span<const uint8_t> bytes);

}  // namespace wasmscope::internal
