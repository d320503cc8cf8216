// SHA-256 against NIST's example vectors (the 56-byte one crosses the padding's block
// boundary), and fed in pieces of every size up to two blocks; each with the portable code and
// with the CPU's SHA extensions (skipped, and counted as skipped, on a CPU without them).
#include "base/sha256.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace wasmscope::internal {
namespace {

std::string hex(const Sha256Digest& d) {
  static const char kDigits[] = "0123456789abcdef";
  std::string s;
  for (uint8_t b : d) {
    s += kDigits[b >> 4];
    s += kDigits[b & 15];
  }
  return s;
}

std::span<const uint8_t> bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

using Engine = Sha256::Engine;

std::string digest(Engine engine, std::span<const uint8_t> data) {
  Sha256 h(engine);
  h.update(data);
  return hex(h.final());
}

class Sha256Engines : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    if (GetParam() == Engine::kSha && !sha_extensions()) {
      GTEST_SKIP() << "this CPU (or this build's architecture) has no SHA extensions";
    }
  }
};

TEST_P(Sha256Engines, KnownVectors) {
  const Engine e = GetParam();
  EXPECT_EQ(digest(e, bytes("")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(digest(e, bytes("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(digest(e, bytes("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(digest(e, bytes("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
                            "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu")),
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
  EXPECT_EQ(digest(e, bytes(std::string(1000000, 'a'))),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_P(Sha256Engines, PiecesGiveTheSameDigest) {
  std::vector<uint8_t> data(1000);
  for (size_t i = 0; i < data.size(); ++i)
    data[i] = static_cast<uint8_t>(i * 7 + 3);
  const std::string whole = digest(GetParam(), data);
  for (size_t piece = 1; piece <= 130; ++piece) {
    Sha256 h(GetParam());
    for (size_t i = 0; i < data.size(); i += piece) {
      h.update(std::span<const uint8_t>(data).subspan(i, std::min(piece, data.size() - i)));
    }
    EXPECT_EQ(hex(h.final()), whole) << "pieces of " << piece;
  }
}

INSTANTIATE_TEST_SUITE_P(, Sha256Engines, ::testing::Values(Engine::kPortable, Engine::kSha),
                         [](const ::testing::TestParamInfo<Engine>& param) {
                           return param.param == Engine::kSha ? "ShaExtensions" : "Portable";
                         });

// The two engines agree on every length up to five blocks and on a large pseudo-random input
// (the vectors above have few distinct bytes), and sha256() gives what the best engine does.
TEST(Sha256, EnginesAgree) {
  if (!sha_extensions()) GTEST_SKIP() << "this CPU has no SHA extensions: one engine only";
  std::vector<uint8_t> data(3 << 20);
  uint64_t x = 0x9e3779b97f4a7c15ull;
  for (uint8_t& b : data) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    b = static_cast<uint8_t>(x >> 24);
  }
  for (size_t n = 0; n <= 320; ++n) {
    const auto part = std::span<const uint8_t>(data).subspan(n * 7, n);
    ASSERT_EQ(digest(Engine::kSha, part), digest(Engine::kPortable, part)) << n << " bytes";
  }
  EXPECT_EQ(digest(Engine::kSha, data), digest(Engine::kPortable, data));
  EXPECT_EQ(hex(sha256(data)), digest(Engine::kSha, data));
}

}  // namespace
}  // namespace wasmscope::internal
