#include "compiler/host_cpu.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <vector>

#include "compiler/compiler.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#elif defined(__linux__)
#include <sys/auxv.h>
#endif

namespace wasmscope::internal::compiler {
namespace {

std::string hex32(uint32_t v) {
  char text[9];
  std::snprintf(text, sizeof text, "%08x", v);
  return text;
}

#if defined(__x86_64__) || defined(__i386__)

struct CpuidWords {
  uint32_t max_leaf = 0, max_ext = 0;
  uint32_t l1_ecx = 0, l1_edx = 0;
  uint32_t l7_ebx = 0, l7_ecx = 0, l7_edx = 0, l7_1_eax = 0, l7_1_edx = 0;
  uint32_t ld_1_eax = 0;  ///< Leaf 0xd, subleaf 1: the xsave variants.
  uint32_t l14_ebx = 0, l19_ebx = 0, l24_ebx = 0;
  uint32_t e1_ecx = 0, e1_edx = 0, e8_ebx = 0;
  uint32_t xcr0 = 0;  ///< What the OS saves: SSE, AVX and AVX-512 state.
  char vendor[13] = {};
  uint32_t family = 0, model = 0;
};

void leaf(uint32_t l, uint32_t sub, uint32_t* a, uint32_t* b, uint32_t* c, uint32_t* d) {
  __cpuid_count(l, sub, *a, *b, *c, *d);
}

CpuidWords read_cpuid() {
  CpuidWords w;
  uint32_t a, b, c, d;
  leaf(0, 0, &a, &b, &c, &d);
  w.max_leaf = a;
  for (int i = 0; i < 4; ++i) {
    w.vendor[i] = static_cast<char>(b >> (8 * i));
    w.vendor[4 + i] = static_cast<char>(d >> (8 * i));
    w.vendor[8 + i] = static_cast<char>(c >> (8 * i));
  }
  if (w.max_leaf >= 1) {
    leaf(1, 0, &a, &b, &w.l1_ecx, &w.l1_edx);
    w.family = (a >> 8) & 0xf;
    w.model = (a >> 4) & 0xf;
    if (w.family == 0xf) w.family += (a >> 20) & 0xff;
    if (w.family == 0x6 || w.family >= 0xf) w.model |= ((a >> 16) & 0xf) << 4;
  }
  if (w.max_leaf >= 7) {
    leaf(7, 0, &a, &w.l7_ebx, &w.l7_ecx, &w.l7_edx);
    if (a >= 1) leaf(7, 1, &w.l7_1_eax, &b, &c, &w.l7_1_edx);
  }
  if (w.max_leaf >= 0xd) leaf(0xd, 1, &w.ld_1_eax, &b, &c, &d);
  if (w.max_leaf >= 0x14) leaf(0x14, 0, &a, &w.l14_ebx, &c, &d);
  if (w.max_leaf >= 0x19) leaf(0x19, 0, &a, &w.l19_ebx, &c, &d);
  if (w.max_leaf >= 0x24) leaf(0x24, 0, &a, &w.l24_ebx, &c, &d);
  leaf(0x80000000, 0, &w.max_ext, &b, &c, &d);
  if (w.max_ext >= 0x80000001) leaf(0x80000001, 0, &a, &b, &w.e1_ecx, &w.e1_edx);
  if (w.max_ext >= 0x80000008) leaf(0x80000008, 0, &a, &w.e8_ebx, &c, &d);
  if ((w.l1_ecx >> 27) & 1) {  // OSXSAVE: xgetbv is there
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    w.xcr0 = lo;
  }
  return w;
}

HostCpu compute() {
  const CpuidWords w = read_cpuid();
  const bool avx_os = (w.xcr0 & 0x6) == 0x6;
  const bool avx512_os = avx_os && (w.xcr0 & 0xe0) == 0xe0;
  auto bit = [](uint32_t word, int n) { return ((word >> n) & 1) != 0; };
  struct Named {
    const char* name;
    bool has;
  };
  const Named named[] = {
      {"sse3", bit(w.l1_ecx, 0)},       {"pclmul", bit(w.l1_ecx, 1)},
      {"ssse3", bit(w.l1_ecx, 9)},      {"fma", bit(w.l1_ecx, 12) && avx_os},
      {"cx16", bit(w.l1_ecx, 13)},      {"sse4.1", bit(w.l1_ecx, 19)},
      {"sse4.2", bit(w.l1_ecx, 20)},    {"movbe", bit(w.l1_ecx, 22)},
      {"popcnt", bit(w.l1_ecx, 23)},    {"aes", bit(w.l1_ecx, 25)},
      {"xsave", bit(w.l1_ecx, 26)},     {"avx", bit(w.l1_ecx, 28) && avx_os},
      {"f16c", bit(w.l1_ecx, 29) && avx_os}, {"rdrnd", bit(w.l1_ecx, 30)},
      {"sse2", bit(w.l1_edx, 26)},      {"bmi", bit(w.l7_ebx, 3)},
      {"avx2", bit(w.l7_ebx, 5) && avx_os}, {"bmi2", bit(w.l7_ebx, 8)},
      {"avx512f", bit(w.l7_ebx, 16) && avx512_os}, {"avx512dq", bit(w.l7_ebx, 17) && avx512_os},
      {"rdseed", bit(w.l7_ebx, 18)},    {"adx", bit(w.l7_ebx, 19)},
      {"avx512ifma", bit(w.l7_ebx, 21) && avx512_os}, {"clflushopt", bit(w.l7_ebx, 23)},
      {"avx512cd", bit(w.l7_ebx, 28) && avx512_os}, {"sha", bit(w.l7_ebx, 29)},
      {"avx512bw", bit(w.l7_ebx, 30) && avx512_os}, {"avx512vl", bit(w.l7_ebx, 31) && avx512_os},
      {"avx512vbmi", bit(w.l7_ecx, 1) && avx512_os}, {"avx512vbmi2", bit(w.l7_ecx, 6) && avx512_os},
      {"gfni", bit(w.l7_ecx, 8)},       {"vaes", bit(w.l7_ecx, 9) && avx_os},
      {"vpclmulqdq", bit(w.l7_ecx, 10) && avx_os}, {"avx512vnni", bit(w.l7_ecx, 11) && avx512_os},
      {"avx512bitalg", bit(w.l7_ecx, 12) && avx512_os},
      {"avx512vpopcntdq", bit(w.l7_ecx, 14) && avx512_os},
      {"avx512fp16", bit(w.l7_edx, 23) && avx512_os}, {"avxvnni", bit(w.l7_1_eax, 4) && avx_os},
      {"avx512bf16", bit(w.l7_1_eax, 5) && avx512_os}, {"lahf", bit(w.e1_ecx, 0)},
      {"lzcnt", bit(w.e1_ecx, 5)},      {"sse4a", bit(w.e1_ecx, 6)},
      {"prfchw", bit(w.e1_ecx, 8)},     {"xop", bit(w.e1_ecx, 11) && avx_os},
      {"fma4", bit(w.e1_ecx, 16) && avx_os}, {"tbm", bit(w.e1_ecx, 21)},
  };
  std::vector<std::string> names;
  for (const Named& n : named) {
    if (n.has) names.push_back(n.name);
  }
  std::sort(names.begin(), names.end());
  HostCpu h;
  h.triple = build_triple();
  h.cpu = std::string(w.vendor) + " family " + std::to_string(w.family) + " model " +
          std::to_string(w.model);
  for (const std::string& n : names) h.features += n + ",";
  // Every word LLVM reads to choose the host's features, so that two CPUs with the same
  // names but different bits (a feature no name here stands for) still differ.
  h.features += "cpuid:";
  for (uint32_t word : {w.l1_ecx, w.l1_edx, w.l7_ebx, w.l7_ecx, w.l7_edx, w.l7_1_eax,
                        w.l7_1_edx, w.ld_1_eax, w.l14_ebx, w.l19_ebx, w.l24_ebx, w.e1_ecx,
                        w.e1_edx, w.e8_ebx, w.xcr0}) {
    h.features += hex32(word);
  }
  return h;
}

#else

HostCpu compute() {
  HostCpu h;
#if defined(__aarch64__)
  h.triple = "aarch64-linux-gnu";
#elif defined(__arm__)
  h.triple = "arm-linux-gnueabihf";
#else
  h.triple = "unknown";
#endif
  h.cpu = "generic";
#if defined(__linux__)
  h.features = "hwcap:" + hex32(static_cast<uint32_t>(getauxval(AT_HWCAP))) +
               hex32(static_cast<uint32_t>(getauxval(AT_HWCAP2)));
#endif
  return h;
}

#endif

}  // namespace

const HostCpu& host_cpu() {
  static const HostCpu cpu = compute();
  return cpu;
}

}  // namespace wasmscope::internal::compiler
