// Loads relocatable ELF objects (what LLVM emits for the compiled tier) into executable memory
// without LLVM: the loader of ahead-of-time compiled modules (.cwasm), so that running one
// needs neither code generation nor LLVM's linker in the process.
//
// Supported: ELF64 little-endian ET_REL objects for the host machine (x86-64 for now), small
// code model, PIC or not. Every SHF_ALLOC section is loaded but .eh_frame (compiled code is
// unwound by frame pointers, never by tables); relocations of the types LLVM's x86-64 back
// end emits for that model are applied; undefined symbols are resolved first against the
// other objects of the same load, then through the caller's resolver. Anything else (another
// machine, an unknown relocation type, a section out of the file, a symbol that does not
// resolve, a value that does not fit its field) fails with a message naming it, before any of
// the image is made executable.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "wasmscope/result.h"

namespace wasmscope::internal {

/// Loaded code: one mapping holding every object's sections (code read-execute, constants
/// read-only, data read-write), with the addresses of the global symbols they define.
/// Unmapped on destruction.
class LoadedImage {
 public:
  LoadedImage() = default;
  ~LoadedImage();
  LoadedImage(const LoadedImage&) = delete;
  LoadedImage& operator=(const LoadedImage&) = delete;

  /// The address of global symbol {name}, or 0 when no object defines it.
  uintptr_t symbol(std::string_view name) const;
  /// The executable part: [code_begin, code_end).
  uintptr_t code_begin() const { return reinterpret_cast<uintptr_t>(base_); }
  uintptr_t code_end() const { return code_begin() + code_size_; }
  size_t size() const { return size_; }

 private:
  friend Result<std::unique_ptr<LoadedImage>> load_objects(
      const std::vector<std::span<const uint8_t>>&,
      const std::function<void*(std::string_view)>&);
  void* base_ = nullptr;
  size_t size_ = 0;
  size_t code_size_ = 0;
  std::unordered_map<std::string, uintptr_t> symbols_;
};

/// Loads {objects} together (they may refer to each other's global symbols). {resolve} gives
/// the address of a symbol none of them defines (null: unresolved, an error unless the
/// reference is weak). Errors are kMalformed (not a well-formed object), kUnsupported (a
/// machine, relocation or section kind this loader does not handle) or kIo (mapping failed).
Result<std::unique_ptr<LoadedImage>> load_objects(
    const std::vector<std::span<const uint8_t>>& objects,
    const std::function<void*(std::string_view)>& resolve);

}  // namespace wasmscope::internal
