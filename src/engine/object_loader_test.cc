// The relocatable-object loader on objects clang compiled from testdata/loader_{a,b}.c for
// this host (paths in LOADER_A_OBJECT, LOADER_B_OBJECT), and on damaged copies of them.
#include "engine/object_loader.h"

#include <elf.h>
#include <gtest/gtest.h>
#include <sys/mman.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <random>

namespace wasmscope::internal {
namespace {

std::vector<uint8_t> read_file(const char* path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

int ext_counter_storage = 0;
extern "C" int loader_test_ext_add(int a, int b) { return a + b; }

void* resolve_test(std::string_view name) {
  if (name == "loader_ext_counter") return &ext_counter_storage;
  if (name == "loader_ext_add") return reinterpret_cast<void*>(&loader_test_ext_add);
  return nullptr;
}

class ObjectLoader : public ::testing::Test {
 protected:
  void SetUp() override {
    a_ = read_file(LOADER_A_OBJECT);
    b_ = read_file(LOADER_B_OBJECT);
    ASSERT_GT(a_.size(), 64u);
    ASSERT_GT(b_.size(), 64u);
    ext_counter_storage = 0;
  }
  Result<std::unique_ptr<LoadedImage>> load(const std::function<void*(std::string_view)>& r =
                                                resolve_test) {
    return load_objects({std::span<const uint8_t>(a_), std::span<const uint8_t>(b_)}, r);
  }
  template <typename F>
  F fn(const LoadedImage& image, const char* name) {
    const uintptr_t address = image.symbol(name);
    EXPECT_NE(address, 0u) << name;
    EXPECT_GE(address, image.code_begin()) << name;
    EXPECT_LT(address, image.code_end()) << name;
    return reinterpret_cast<F>(address);
  }
  std::vector<uint8_t> a_, b_;
};

TEST_F(ObjectLoader, RunsLoadedCode) {
  auto image = load();
  ASSERT_TRUE(image.ok()) << image.error().message;
  const LoadedImage& im = **image;
  using F = int (*)(int);
  // Static data, zero-filled data that persists between calls.
  EXPECT_EQ(fn<F>(im, "loader_a_sum")(100), 1 + 2 + 3 + 5 + 8 + 100);
  EXPECT_EQ(fn<F>(im, "loader_a_sum")(100), 1 + 2 + 3 + 5 + 8 + 1 + 100);
  // The jump table, a call out of the image, a call into the other object, constants.
  const int expected[] = {11, 21, 37, 6, 53, 'o', 71, -1};
  for (int i = 0; i < 8; ++i) EXPECT_EQ(fn<F>(im, "loader_a_switch")(i), expected[i]) << i;
  // Data outside the image through the GOT.
  EXPECT_EQ(fn<F>(im, "loader_a_external")(5), 1005);
  EXPECT_EQ(fn<F>(im, "loader_a_external")(5), 1010);
  EXPECT_EQ(ext_counter_storage, 10);
  // A function pointer stored in data (an absolute relocation), into object B.
  EXPECT_EQ(fn<F>(im, "loader_a_through_pointer")(21), 43);
  EXPECT_EQ(im.symbol("loader_b_twice"), im.symbol("loader_b_twice"));
  EXPECT_EQ(im.symbol("no_such_symbol"), 0u);
  EXPECT_EQ(im.symbol("table"), 0u) << "a local symbol is not exported";
}

TEST_F(ObjectLoader, FarExternalCallGoesThroughAStub) {
  // An "external function" mapped far from anything the loader can place code near: the
  // 32-bit call cannot reach it, so the loader must route it through a stub.
  const size_t page = 4096;
  void* far = MAP_FAILED;
  for (uintptr_t hint : {uintptr_t{0x200000000000}, uintptr_t{0x100000000000}, uintptr_t{0x40000000000}}) {
    far = mmap(reinterpret_cast<void*>(hint), page, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (far != MAP_FAILED) break;
  }
  ASSERT_NE(far, MAP_FAILED);
  // x86-64: lea eax, [rdi + rsi + 7]; ret  (ext_add(a, b) = a + b + 7)
  static const uint8_t kCode[] = {0x8d, 0x44, 0x37, 0x07, 0xc3};
  std::memcpy(far, kCode, sizeof kCode);
  ASSERT_EQ(mprotect(far, page, PROT_READ | PROT_EXEC), 0);
  auto image = load([&](std::string_view name) -> void* {
    if (name == "loader_ext_add") return far;
    return resolve_test(name);
  });
  ASSERT_TRUE(image.ok()) << image.error().message;
  const uintptr_t code = (*image)->code_begin();
  const uintptr_t distance = code > reinterpret_cast<uintptr_t>(far)
                                 ? code - reinterpret_cast<uintptr_t>(far)
                                 : reinterpret_cast<uintptr_t>(far) - code;
  EXPECT_GT(distance, uintptr_t{1} << 32) << "the test needs the target out of 32-bit reach";
  using F = int (*)(int);
  EXPECT_EQ(fn<F>(**image, "loader_a_switch")(1), 1 + 20 + 7);
  munmap(far, page);
}

TEST_F(ObjectLoader, RefusesAnUnresolvedSymbol) {
  auto image = load([](std::string_view) -> void* { return nullptr; });
  ASSERT_FALSE(image.ok());
  EXPECT_NE(image.error().message.find("undefined symbol loader_ext_"), std::string::npos)
      << image.error().message;
}

TEST_F(ObjectLoader, RefusesAMissingObject) {
  auto image = load_objects({std::span<const uint8_t>(a_)}, resolve_test);
  ASSERT_FALSE(image.ok());
  EXPECT_NE(image.error().message.find("undefined symbol loader_b_twice"), std::string::npos)
      << image.error().message;
}

TEST_F(ObjectLoader, RefusesDuplicateDefinitions) {
  auto image = load_objects({std::span<const uint8_t>(a_), std::span<const uint8_t>(b_),
                             std::span<const uint8_t>(b_)},
                            resolve_test);
  ASSERT_FALSE(image.ok());
  EXPECT_NE(image.error().message.find("defined twice"), std::string::npos) << image.error().message;
}

TEST_F(ObjectLoader, RefusesWhatIsNotAnObject) {
  std::vector<uint8_t> empty;
  EXPECT_FALSE(load_objects({std::span<const uint8_t>(empty)}, resolve_test).ok());
  for (size_t n : {size_t{1}, size_t{16}, size_t{63}, size_t{64}, a_.size() / 2, a_.size() - 1}) {
    std::vector<uint8_t> cut(a_.begin(), a_.begin() + static_cast<ptrdiff_t>(n));
    auto image = load_objects({std::span<const uint8_t>(cut), std::span<const uint8_t>(b_)}, resolve_test);
    EXPECT_FALSE(image.ok()) << "truncated to " << n;
  }
  std::vector<uint8_t> other = a_;
  other[EI_DATA] = ELFDATA2MSB;
  EXPECT_FALSE(load_objects({std::span<const uint8_t>(other)}, resolve_test).ok());
  other = a_;
  Elf64_Ehdr eh;
  std::memcpy(&eh, other.data(), sizeof eh);
  eh.e_machine = eh.e_machine == EM_AARCH64 ? EM_X86_64 : EM_AARCH64;
  std::memcpy(other.data(), &eh, sizeof eh);
  auto image = load_objects({std::span<const uint8_t>(other)}, resolve_test);
  ASSERT_FALSE(image.ok());
  EXPECT_NE(image.error().message.find("not this host's"), std::string::npos) << image.error().message;
}

/// The first relocation of section {name} of object {bytes}: its file offset.
size_t first_relocation(const std::vector<uint8_t>& bytes, const char* name) {
  Elf64_Ehdr eh;
  std::memcpy(&eh, bytes.data(), sizeof eh);
  Elf64_Shdr names;
  std::memcpy(&names, bytes.data() + eh.e_shoff + eh.e_shstrndx * sizeof(Elf64_Shdr), sizeof names);
  for (unsigned i = 0; i < eh.e_shnum; ++i) {
    Elf64_Shdr s;
    std::memcpy(&s, bytes.data() + eh.e_shoff + i * sizeof(Elf64_Shdr), sizeof s);
    if (std::strcmp(reinterpret_cast<const char*>(bytes.data() + names.sh_offset + s.sh_name), name) == 0) {
      return s.sh_offset;
    }
  }
  return 0;
}

TEST_F(ObjectLoader, RefusesAnUnknownRelocationType) {
  const size_t at = first_relocation(a_, ".rela.text");
  ASSERT_NE(at, 0u);
  Elf64_Rela rela;
  std::memcpy(&rela, a_.data() + at, sizeof rela);
  rela.r_info = ELF64_R_INFO(ELF64_R_SYM(rela.r_info), 250);  // no such x86-64 or AArch64 type
  std::memcpy(a_.data() + at, &rela, sizeof rela);
  auto image = load();
  ASSERT_FALSE(image.ok());
  EXPECT_NE(image.error().message.find("relocation type 250"), std::string::npos) << image.error().message;
}

TEST_F(ObjectLoader, RefusesARelocationOutsideItsSection) {
  const size_t at = first_relocation(a_, ".rela.text");
  ASSERT_NE(at, 0u);
  Elf64_Rela rela;
  std::memcpy(&rela, a_.data() + at, sizeof rela);
  rela.r_offset = uint64_t{1} << 40;
  std::memcpy(a_.data() + at, &rela, sizeof rela);
  auto image = load();
  ASSERT_FALSE(image.ok());
  EXPECT_NE(image.error().message.find("outside its section"), std::string::npos) << image.error().message;
}

// Damaged headers and tables must be refused or loaded, never crash the loader. (What loads is
// not run: a flipped byte in code is the .cwasm checksum's to catch, not the loader's.)
TEST_F(ObjectLoader, SurvivesFlippedBytesInHeadersAndTables) {
  std::mt19937 rng(12345);
  Elf64_Ehdr eh;
  std::memcpy(&eh, a_.data(), sizeof eh);
  const size_t headers_begin = eh.e_shoff;
  int refused = 0;
  for (int round = 0; round < 2000; ++round) {
    std::vector<uint8_t> damaged = a_;
    // Half the rounds hit the ELF header or section headers, half anywhere.
    const size_t at = round % 2 == 0
                          ? (rng() % 2 == 0 ? rng() % sizeof(Elf64_Ehdr)
                                            : headers_begin + rng() % (a_.size() - headers_begin))
                          : rng() % a_.size();
    damaged[at] ^= static_cast<uint8_t>(1u << (rng() % 8));
    auto image = load_objects({std::span<const uint8_t>(damaged), std::span<const uint8_t>(b_)},
                              resolve_test);
    if (!image.ok()) ++refused;
  }
  EXPECT_GT(refused, 100) << "flipped header bits should mostly be refused";
}

}  // namespace
}  // namespace wasmscope::internal
