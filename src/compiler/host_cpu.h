// This process's target and CPU, as a .cwasm file records and checks them (cwasm.cc), read
// without LLVM: from cpuid on x86-64, from the auxiliary vector's hardware capabilities
// elsewhere. Code compiled for the host CPU may use any feature these bits report, so a file
// runs only where they are all the same.
#pragma once

#include <string>

namespace wasmscope::internal::compiler {

struct HostCpu {
  std::string triple;    ///< "x86_64-linux-gnu", ...
  std::string cpu;       ///< Vendor, family and model: "GenuineIntel family 6 model 85".
  /// The named features the CPU has and the OS enables ("aes,avx,avx2,..."), sorted, then
  /// the raw capability words they come from ("cpuid:..." / "hwcap:..."), so that a feature
  /// no name stands for still counts.
  std::string features;
};

/// This process's, computed once; thread-safe.
const HostCpu& host_cpu();

}  // namespace wasmscope::internal::compiler
