// The compiled tier: validated module -> LLVM IR -> relocatable objects (the compiler plugin,
// plugin.h and compiler.cc) -> native code loaded in this process (link.cc, with
// engine/object_loader.h), and the .cwasm files that carry that code ahead of time (cwasm.cc;
// format in docs/compiled-tier.md). The calling convention with the engine is
// engine/native_abi.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "engine/compiled.h"
#include "wasmscope/features.h"
#include "wasmscope/result.h"

namespace wasmscope::internal {

struct NativeOptions {
  unsigned opt_level = 2;  ///< 0..3: none, light, LLVM's -O2 (the default), -O3 (docs/compiled-tier.md).
  /// Threads that compile partitions of the module at once; 0: the environment's
  /// WASMSCOPE_COMPILE_THREADS, else one per hardware thread (one for small modules).
  unsigned threads = 0;
  /// The target triple to generate code for; "" for this host and its CPU. Another
  /// triple's code (compile_cwasm_for_target) only goes into a .cwasm file, for the baseline
  /// CPU of that architecture.
  std::string target;
};

/// True when this build can compile (it has the compiler plugin, which compile_native opens
/// on first use). Every build runs .cwasm files made for its architecture.
bool compiler_available();

/// The target triples `compile --target` accepts, canonical: "x86_64-linux-gnu",
/// "aarch64-linux-gnu". Returns the canonical name of {triple} (aliases such as "x86_64" or
/// "arm64" accepted), or "" with {why} set when the compiled tier cannot target it.
std::string canonical_target(const std::string& triple, std::string* why);

/// Compiles {module} (decoded, validated and translated) for {options.target}, another
/// architecture's baseline CPU or this one's, and returns the .cwasm file's bytes, without
/// loading the code (it need not run here).
Result<std::vector<uint8_t>> compile_cwasm_for_target(const CompiledModule& module,
                                                      Features features,
                                                      const NativeOptions& options);

/// Compiles every defined function of {module} (decoded, validated and translated) to native
/// code and fills {module->native}, {native_bodies} and {native_entries}. Fails with
/// kUnsupported, naming the instruction, for what the tier does not compile yet. Functions
/// compile in partitions on several threads, all joined before it returns.
Result<void> compile_native(CompiledModule* module, Features features,
                            const NativeOptions& options);

/// What a .cwasm file was compiled with.
struct CwasmSettings {
  Features features;
  BoundsChecks bounds = BoundsChecks::kGuardPages;
  unsigned opt_level = 2;
};

/// A checked .cwasm file's parts; the spans point into the file's bytes.
struct CwasmFile {
  CwasmSettings settings;
  std::span<const uint8_t> wasm;
  std::vector<std::span<const uint8_t>> objects;
  std::span<const uint8_t> layout;  ///< Where each function's code is (load_native reads it).
};

/// The first bytes of every .cwasm file (a wasm binary starts "\0asm").
inline constexpr uint8_t kCwasmMagic[8] = {0, 'w', 's', 'c', 'w', 'a', 's', 'm'};

/// True when {bytes} start like a .cwasm file (its magic), whatever follows; also in builds
/// without the compiled tier, so that they can say why they refuse one.
inline bool is_cwasm(std::span<const uint8_t> bytes) {
  if (bytes.size() < sizeof kCwasmMagic) return false;
  for (size_t i = 0; i < sizeof kCwasmMagic; ++i) {
    if (bytes[i] != kCwasmMagic[i]) return false;
  }
  return true;
}

/// The version of the .cwasm layout this build reads and writes (docs/compiled-tier.md).
/// 2: the code layout follows the objects, and the CPU is described by host_cpu.h (or is
/// "baseline": the architecture's least CPU, which every CPU of it runs). 3: the code layout
/// ends with the stretches of code where a frame is not set up (x86-64).
inline constexpr uint32_t kCwasmFormatVersion = 3;

/// The target triple this build's code runs on ("x86_64-linux-gnu", "aarch64-linux-gnu",
/// "arm-linux-gnueabihf"), the one .cwasm files it writes name; and a triple's architecture
/// (what precedes its first '-').
std::string build_triple();
std::string triple_arch(const std::string& triple);

/// "it holds code for ARCH (TRIPLE), and this wasmscope runs on ARCH (TRIPLE)" when the file's
/// triple {file} names another architecture than this build's; "" when it is the same one.
std::string foreign_arch_reason(const std::string& file);

/// The target triple a .cwasm file of this format names in its header, or "" when the file
/// is too short, of another format, or damaged there. Reads only that far; checks nothing
/// else (read_cwasm does). In every build, with or without the compiled tier.
std::string cwasm_target(std::span<const uint8_t> bytes);

/// The .cwasm file of {module}, which compile_native or load_native made: its wasm bytes and
/// native objects with everything needed to refuse them elsewhere (docs/compiled-tier.md).
Result<std::vector<uint8_t>> serialize_native(const CompiledModule& module);

/// Checks {bytes} as a .cwasm file made by this very build for this very CPU: magic, format,
/// length, checksum, build, target and the module's hash. Maps nothing. The error says what
/// differs (kMalformed for damaged files, kUnsupported for another build or CPU).
Result<CwasmFile> read_cwasm(std::span<const uint8_t> bytes);

/// Links the objects of {file} (checked by read_cwasm) into native code for {module}, which
/// must be the decoded and translated {file.wasm}. No code generation. {bytes}: the
/// file's bytes, into which {file}'s spans point; the module keeps {owner}, which keeps them.
Result<void> load_native(CompiledModule* module, const CwasmFile& file,
                         std::span<const uint8_t> bytes, std::shared_ptr<const void> owner);

}  // namespace wasmscope::internal
