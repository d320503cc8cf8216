// What owns a compiled module's native code ({CompiledModule::native}), and the two ways to
// make it: objects generated from wasm by the compiler plugin (compile_native, link.cc) or
// taken from a .cwasm file (load_native, cwasm.cc); both end in {link_native}. Nothing here
// needs LLVM: only the plugin (compiler.cc, libwasmscope-llvm.so) does. Internal to compiler/.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "engine/code_map.h"
#include "engine/compiled.h"
#include "engine/object_loader.h"
#include "wasmscope/features.h"
#include "wasmscope/result.h"

namespace wasmscope::internal::compiler {

/// Where each defined function's code lies relative to its symbol "f<i>" and which wasm
/// instruction each piece of it comes from: what the code map (engine/code_map.h) needs, read
/// from the objects' symbols and line tables when they are generated, so that loading them
/// needs no DWARF reader.
struct CodeLayout {
  struct Line {
    uint32_t function;     ///< Defined-function index.
    uint32_t offset;       ///< From the start of the function's body.
    uint32_t wasm_offset;  ///< Code offset of the wasm instruction.
  };
  /// A stretch of a body's code, on x86-64, where its frame is not set up: the canonical frame
  /// address (the stack pointer before the call) is the stack pointer plus {cfa_offset}, so
  /// the return address is just below it, and the caller's frame pointer is at {fp_offset}
  /// from it, or still in its register if {fp_offset} is 0. Everywhere else in a body the
  /// frame pointer points at its frame. Read from the call frame information LLVM wrote;
  /// {cfa_offset} 0: a rule the walk cannot follow there.
  struct SpFrame {
    uint32_t function;  ///< Defined-function index.
    uint32_t begin;     ///< From the start of the function's body.
    uint32_t end;       ///< Exclusive.
    uint32_t cfa_offset;
    int32_t fp_offset;
  };
  std::vector<uint64_t> body_sizes;  ///< One per defined function.
  std::vector<Line> lines;
  /// Loaded from a .cwasm: its line records where they are in the file, {kPackedLineSize}
  /// bytes each ({Line}'s three fields as little-endian 32-bit words), after {lines} (then
  /// empty). SQLite's 200,000 lines unpacked into {lines} only to be copied into the code map
  /// took 575 fresh pages more.
  std::span<const uint8_t> packed_lines;
  static constexpr size_t kPackedLineSize = 12;
  size_t line_count() const { return lines.size() + packed_lines.size() / kPackedLineSize; }
  Line line(size_t i) const {
    if (i < lines.size()) return lines[i];
    const uint8_t* p = packed_lines.data() + (i - lines.size()) * kPackedLineSize;
    auto word = [p](int k) {
      return uint32_t{p[4 * k]} | uint32_t{p[4 * k + 1]} << 8 | uint32_t{p[4 * k + 2]} << 16 |
             uint32_t{p[4 * k + 3]} << 24;
    };
    return {word(0), word(1), word(2)};
  }
  std::vector<SpFrame> sp_frames;  ///< x86-64 only, by function and offset.
};

/// The compiler's output: relocatable ELF objects (one per partition) and their layout.
struct NativeObjects {
  std::vector<std::vector<uint8_t>> objects;
  CodeLayout layout;
};

/// One module's loaded code, with the objects it was loaded from, kept because they are what
/// a .cwasm file stores.
struct NativeCode {
  Features features;  ///< What the module was compiled with.
  unsigned opt_level = 2;
  /// The objects (in {compiled}, or in {file}) and their layout.
  NativeObjects compiled;
  /// Code loaded from a .cwasm file keeps that file, whole, rather than copies of its objects:
  /// {file_objects} are views into {file} (and {compiled.objects} is empty), which
  /// {file_owner} keeps alive (a vector, or the CLI's mapping of the file), and serializing
  /// the module gives the file back.
  std::shared_ptr<const void> file_owner;
  std::span<const uint8_t> file;
  std::vector<std::span<const uint8_t>> file_objects;
  std::unique_ptr<LoadedImage> image;
  CodeMap map;
  bool registered = false;
  ~NativeCode() {
    // No capture may find the code once it is gone.
    if (registered) unregister_code_map(&map);
    image.reset();
  }
};

/// Loads {code->compiled} (no code generation, no LLVM) into executable memory, points
/// {cm}'s native bodies and entries at the code, registers the code map and hands {code} to
/// {cm}.
Result<void> link_native(CompiledModule* cm, std::unique_ptr<NativeCode> code);

/// The .cwasm file of {cm} holding {objects}, compiled by this build with {features} at
/// {opt_level} for the baseline CPU of {triple} (cwasm.cc).
std::vector<uint8_t> write_cwasm_for_target(const CompiledModule& cm, Features features,
                                            unsigned opt_level, const NativeObjects& objects,
                                            const std::string& triple);

/// "f<i>" (body) or "e<i>" (entry): the symbol of defined function {i}'s code in the objects.
/// (Appended, not "f" + ...: g++ 12 reports a false -Wrestrict in that operator+.)
inline std::string code_symbol(char kind, size_t i) {
  std::string name(1, kind);
  name += std::to_string(i);
  return name;
}

/// An error of the compiled tier: "compiled tier: {what}".
inline Error tier_error(const std::string& what) {
  return Error{ErrorKind::kUnsupported, 0, "compiled tier: " + what};
}

}  // namespace wasmscope::internal::compiler
