// The runtime's side of the compiled tier, without LLVM: finding and opening the compiler
// plugin (plugin.h) when something must be compiled, and loading compiled objects, whether
// just generated or read from a .cwasm file, into executable memory with their code map.
#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "base/stable_sort.h"
#include "compiler/compiler.h"
#include "compiler/native_code.h"
#include "compiler/plugin.h"
#include "engine/native_abi.h"

namespace wasmscope::internal {

/// A hash of this build's runtime sources and toolchain (build_fingerprint.cc).
extern const char kBuildFingerprint[];

namespace compiler {
namespace {

/// Where the plugin may be, in order: $WASMSCOPE_COMPILER_PLUGIN; beside the library or
/// program this code is in (<libdir>/wasmscope/ from libwasmscope.so, <bindir>/<bin to lib>/
/// wasmscope/ from the CLI or a program that links the archive); the configured install
/// directory; this build tree.
std::vector<std::string> plugin_candidates() {
  std::vector<std::string> paths;
  if (const char* env = std::getenv("WASMSCOPE_COMPILER_PLUGIN"); env != nullptr && *env != 0) {
    paths.push_back(env);
    return paths;  // asked for this one: no other
  }
  const std::string name = WASMSCOPE_PLUGIN_NAME;
  Dl_info info;
  if (dladdr(reinterpret_cast<void*>(&plugin_candidates), &info) != 0 &&
      info.dli_fname != nullptr) {
    std::string dir = info.dli_fname;
    const size_t slash = dir.rfind('/');
    dir = slash == std::string::npos ? "." : dir.substr(0, slash);
    paths.push_back(dir + "/wasmscope/" + name);
    paths.push_back(dir + "/" WASMSCOPE_PLUGIN_BIN_TO_LIB "/wasmscope/" + name);
  }
  paths.push_back(WASMSCOPE_PLUGIN_INSTALL_DIR "/" + name);
  if (*WASMSCOPE_PLUGIN_BUILD_PATH != 0) paths.push_back(WASMSCOPE_PLUGIN_BUILD_PATH);
  return paths;
}

struct PluginState {
  const CompilerPlugin* plugin = nullptr;
  std::string error;
};

/// Opens the plugin once per process (and keeps it: code it made may still run).
const PluginState& plugin_state() {
  static PluginState state;
  static std::once_flag once;
  std::call_once(once, [] {
    if (!compiler_available()) {
      state.error = "this build of wasmscope cannot compile (it was configured with "
                    "-DWASMSCOPE_COMPILER=OFF, without LLVM); it runs .cwasm files compiled "
                    "for " + build_triple() + " ('wasmscope compile --target " + build_triple() +
                    "' elsewhere) and interprets .wasm files";
      return;
    }
    std::string tried;
    for (const std::string& path : plugin_candidates()) {
      void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
      if (handle == nullptr) {
        const char* why = dlerror();
        tried += "\n  " + path + ": " + (why != nullptr ? why : "cannot be opened");
        continue;
      }
      using Entry = const CompilerPlugin* (*)();
      auto entry = reinterpret_cast<Entry>(dlsym(handle, WASMSCOPE_COMPILER_PLUGIN_ENTRY));
      const CompilerPlugin* plugin = entry != nullptr ? entry() : nullptr;
      if (plugin == nullptr) {
        tried += "\n  " + path + ": not a wasmscope compiler plugin";
      } else if (plugin->abi != kCompilerPluginAbi ||
                 std::strcmp(plugin->fingerprint, kBuildFingerprint) != 0) {
        tried += "\n  " + path + ": from another wasmscope build (" +
                 std::string(plugin->fingerprint).substr(0, 16) + ", this: " +
                 std::string(kBuildFingerprint).substr(0, 16) + ")";
      } else {
        state.plugin = plugin;
        return;
      }
      dlclose(handle);
    }
    state.error = "compiled tier: no usable compiler plugin (" WASMSCOPE_PLUGIN_NAME
                  "; set WASMSCOPE_COMPILER_PLUGIN to its path); tried:" + tried;
  });
  return state;
}

/// Sorts {spans} ([begin, end) intervals) by {begin}; fails if two overlap ({what} names
/// them), as the code map's searches need them disjoint.
template <typename T>
Result<void> sort_disjoint(std::vector<T>& spans, const char* what) {
  std::sort(spans.begin(), spans.end(), [](const T& a, const T& b) { return a.begin < b.begin; });
  for (size_t i = 1; i < spans.size(); ++i) {
    if (spans[i].begin < spans[i - 1].end) {
      return tier_error(std::string("the code map has overlapping ") + what);
    }
  }
  return {};
}

/// The code map of {code}'s loaded image, from its layout: ranges sorted by address, lines
/// sorted by address.
Result<void> build_code_map(const CodeLayout& layout, const std::vector<void*>& bodies,
                            CodeMap* map) {
  if (layout.body_sizes.size() != bodies.size()) {
    return tier_error("the code map has " + std::to_string(layout.body_sizes.size()) +
                      " functions, the module " + std::to_string(bodies.size()));
  }
  // Sized once: SQLite's map has 200,000 lines, and growing by doubling touched (and faulted
  // in) about twice the memory the map keeps.
  map->ranges.reserve(bodies.size());
  map->lines.reserve(layout.line_count());
  map->sp_frames.reserve(layout.sp_frames.size());
  for (size_t i = 0; i < bodies.size(); ++i) {
    const auto begin = reinterpret_cast<uintptr_t>(bodies[i]);
    // The loaded image is under 2 GiB (engine/object_loader.cc), so a size that reached here
    // fits a pointer on 32-bit hosts too.
    map->ranges.push_back(
        {begin, begin + static_cast<uintptr_t>(layout.body_sizes[i]), static_cast<uint32_t>(i)});
  }
  map->base = UINTPTR_MAX;
  for (void* body : bodies) map->base = std::min(map->base, reinterpret_cast<uintptr_t>(body));
  for (size_t i = 0, n = layout.line_count(); i < n; ++i) {
    const CodeLayout::Line line = layout.line(i);
    if (line.function >= bodies.size() || line.offset >= layout.body_sizes[line.function]) {
      return tier_error("the code map has a line outside its function");
    }
    // Under 2 GiB from {base}: the whole image is (engine/object_loader.cc).
    const uintptr_t address = reinterpret_cast<uintptr_t>(bodies[line.function]) + line.offset;
    map->lines.push_back({static_cast<uint32_t>(address - map->base), line.wasm_offset});
  }
  for (const CodeLayout::SpFrame& frame : layout.sp_frames) {
    if (frame.function >= bodies.size() || frame.begin >= frame.end ||
        frame.end > layout.body_sizes[frame.function]) {
      return tier_error("the code map has a call frame stretch outside its function");
    }
    const auto body = reinterpret_cast<uintptr_t>(bodies[frame.function]);
    map->sp_frames.push_back({body + frame.begin, body + frame.end, frame.cfa_offset,
                              frame.fp_offset});
  }
  WS_TRY(sort_disjoint(map->sp_frames, "call frame stretches"));
  WS_TRY(sort_disjoint(map->ranges, "functions"));
  auto by_address = [](const CodeMap::Line& a, const CodeMap::Line& b) {
    return a.offset < b.offset;
  };
  if (!std::is_sorted(map->lines.begin(), map->lines.end(), by_address)) {
    internal::stable_sort(map->lines.begin(), map->lines.end(), by_address);
  }
  return {};
}

}  // namespace

Result<void> link_native(CompiledModule* cm, std::unique_ptr<NativeCode> code) {
  const Module& m = cm->module;
  size_t helper_count = 0;
  const NativeHelper* helpers = native_helpers(&helper_count);
  // The runtime's helpers by name; anything else (memcpy, memset and the like, which code
  // generation may call) from the process.
  auto resolve = [&](std::string_view name) -> void* {
    for (size_t i = 0; i < helper_count; ++i) {
      if (name == helpers[i].name) return helpers[i].address;
    }
    return dlsym(RTLD_DEFAULT, std::string(name).c_str());
  };
  std::vector<std::span<const uint8_t>> objects = code->file_objects;
  for (const auto& object : code->compiled.objects) objects.push_back(object);
  auto image = load_objects(objects, resolve);
  if (!image.ok()) return tier_error("loading the code: " + image.error().message);
  const size_t n = m.functions.size();
  cm->native_bodies.resize(n);
  cm->native_entries.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const uintptr_t body = (*image)->symbol(code_symbol('f', i));
    const uintptr_t entry = (*image)->symbol(code_symbol('e', i));
    if (body == 0 || entry == 0) {
      return tier_error("loading the code: no code for function " + std::to_string(i));
    }
    cm->native_bodies[i] = reinterpret_cast<void*>(body);
    cm->native_entries[i] = reinterpret_cast<NativeEntry>(entry);
  }
  code->image = std::move(*image);
  code->map.module = cm;
  if (n > 0) {
    WS_TRY(build_code_map(code->compiled.layout, cm->native_bodies, &code->map));
    register_code_map(&code->map);
    code->registered = true;
  }
  cm->native = std::shared_ptr<NativeCode>(std::move(code));
  return {};
}

}  // namespace compiler

using namespace compiler;

bool compiler_available() { return WASMSCOPE_HAS_PLUGIN != 0; }

std::string canonical_target(const std::string& triple, std::string* why) {
  const std::string arch = triple_arch(triple);
  if (arch == "x86_64" || arch == "amd64") return "x86_64-linux-gnu";
  if (arch == "aarch64" || arch == "arm64") return "aarch64-linux-gnu";
  if (arch == "arm" || arch == "armv7" || arch == "armv7l" || arch == "armhf") {
    *why = "the compiled tier does not target 32-bit ARM yet: its generated code assumes 64-bit "
           "pointers and the runtime's 64-bit data layout, and its loader reads 64-bit ELF "
           "objects only; run the .wasm there (interpreted)";
    return "";
  }
  *why = "unknown target '" + triple + "' (targets: x86_64-linux-gnu, aarch64-linux-gnu)";
  return "";
}

Result<std::vector<uint8_t>> compile_cwasm_for_target(const CompiledModule& cm, Features features,
                                                      const NativeOptions& options) {
  std::string why;
  const std::string target = canonical_target(options.target, &why);
  if (target.empty()) return tier_error(why);
  const PluginState& state = plugin_state();
  if (state.plugin == nullptr) return Error{ErrorKind::kUnsupported, 0, state.error};
  NativeOptions for_target = options;
  for_target.target = target;
  auto compiled = state.plugin->compile(cm, features, for_target);
  if (!compiled.ok()) return compiled.take_error();
  return write_cwasm_for_target(cm, features, options.opt_level > 3 ? 3 : options.opt_level,
                                *compiled, target);
}

Result<void> compile_native(CompiledModule* cm, Features features, const NativeOptions& options) {
  const PluginState& state = plugin_state();
  if (state.plugin == nullptr) return Error{ErrorKind::kUnsupported, 0, state.error};
  auto compiled = state.plugin->compile(*cm, features, options);
  if (!compiled.ok()) return compiled.take_error();
  auto code = std::make_unique<NativeCode>();
  code->features = features;
  code->opt_level = options.opt_level > 3 ? 3 : options.opt_level;
  code->compiled = std::move(*compiled);
  return link_native(cm, std::move(code));
}

}  // namespace wasmscope::internal
