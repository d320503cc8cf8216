// wasmscope compile [OPTIONS] FILE -o OUT: compiles a module ahead of time into a .cwasm file.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "compiler/compiler.h"
#include "runtime/store.h"
#include "tools/commands.h"
#include "tools/file_io.h"

namespace wasmscope::internal::tools {
namespace {

constexpr const char* kCompileUsage =
    "usage: wasmscope compile [OPTIONS] FILE -o OUT\n"
    "\n"
    "Compiles FILE (.wasm, or .wat text) to native code for this machine's CPU, ahead of time,\n"
    "and writes OUT, a .cwasm file that 'wasmscope run OUT' runs without compiling. OUT holds\n"
    "the module too. It runs only under this very build of wasmscope on a CPU like this one;\n"
    "anything else (another build or CPU, a damaged or truncated file) is refused with the\n"
    "reason before any of its code is loaded. Loading a .cwasm file is running its native\n"
    "code: load only files you trust as you would trust an executable.\n"
    "\n"
    "options:\n"
    "  -o OUT               the file to write (replaced atomically: a temporary file renamed)\n"
    "  --opt-level 0..3     0 none, 1 light (5-7x faster to compile than 2, code 2-3x\n"
    "                       slower), 2 LLVM's -O2 (the default), 3 LLVM's -O3\n"
    "  --explicit-bounds    check every memory access instead of using guard pages (then it\n"
    "                       runs in that mode)\n"
    "  --disable FEATURE    turn off a proposal (simd, threads, tail-call, ...)\n"
    "  --target TRIPLE      compile for another machine (x86_64-linux-gnu, aarch64-linux-gnu):\n"
    "                       code for that architecture's baseline CPU, which runs under a\n"
    "                       wasmscope of the same sources built for it (docs/compiled-tier.md)\n"
    "\n"
    "exit status: 0 when written; 1 when the module is invalid, uses what the compiled tier\n"
    "cannot compile yet, or OUT cannot be written; 2 on usage errors.\n";

/// Writes {bytes} to {path} through a temporary file in the same directory renamed over it,
/// so that no reader ever sees half a file. Returns "" or why it failed.
std::string write_atomically(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::string temp = path + ".tmp.XXXXXX";
  const int fd = mkstemp(temp.data());
  if (fd < 0) return std::string("cannot create a temporary file beside it: ") + std::strerror(errno);
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  const int saved = errno;
  const bool written = done == bytes.size() && fsync(fd) == 0;
  // mkstemp makes it 0600; a .cwasm is as readable as the .wasm a user would write.
  const mode_t mask = umask(0);
  umask(mask);
  fchmod(fd, 0666 & ~mask);
  if (close(fd) != 0 || !written || rename(temp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(written ? errno : saved);
    unlink(temp.c_str());
    return why;
  }
  return "";
}

}  // namespace

int cmd_compile(const Args& args) {
  if (wants_help(args)) {
    std::fputs(kCompileUsage, stdout);
    return 0;
  }
  if (!compiler_available()) {
    std::fputs("wasmscope compile: this build of wasmscope has no compiled tier\n", stderr);
    return 1;
  }
  StoreConfig config;
  config.tier = Tier::kCompiled;
  std::string input;
  std::string output;
  std::string target;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw UsageError(a + " needs a value");
      return args[++i];
    };
    if (a == "-o") {
      output = value();
    } else if (a == "--opt-level") {
      choose_opt_level(value(), &config);
    } else if (a == "--explicit-bounds") {
      config.bounds = BoundsChecks::kExplicit;
    } else if (a == "--disable") {
      disable_feature(value(), &config.features);
    } else if (a == "--target") {
      target = value();
    } else if (a.size() > 1 && a[0] == '-') {
      throw UsageError("unknown option '" + a + "' (see 'wasmscope compile --help')");
    } else if (input.empty()) {
      input = a;
    } else {
      throw UsageError("compile takes one module file (see 'wasmscope compile --help')");
    }
  }
  if (input.empty() || output.empty()) {
    throw UsageError("compile needs FILE and -o OUT (see 'wasmscope compile --help')");
  }
  auto bytes = load_module_bytes(input, config.features);
  if (!bytes.ok()) {
    std::fprintf(stderr, "%s: %s\n", input.c_str(), bytes.error().to_string().c_str());
    return 1;
  }
  if (is_cwasm(*bytes)) {
    std::fprintf(stderr, "%s: already a .cwasm file; compile its .wasm instead\n", input.c_str());
    return 1;
  }
  if (!target.empty()) {
    std::string why;
    if (canonical_target(target, &why).empty()) {
      std::fprintf(stderr, "wasmscope compile: --target %s: %s\n", target.c_str(), why.c_str());
      return 1;
    }
    // Decoded, validated and translated here; its code is generated for the target and
    // written, never loaded.
    config.tier = Tier::kInterp;
  }
  auto compiled = compile_module(std::move(*bytes), config);
  if (!compiled.ok()) {
    std::fprintf(stderr, "%s: %s\n", input.c_str(), compiled.error().to_string().c_str());
    return 1;
  }
  NativeOptions options;
  options.opt_level = config.opt_level;
  options.target = target;
  auto file = target.empty() ? serialize_native(**compiled)
                             : compile_cwasm_for_target(**compiled, config.features, options);
  if (!file.ok()) {
    std::fprintf(stderr, "%s: %s\n", input.c_str(), file.error().to_string().c_str());
    return 1;
  }
  const std::string failure = write_atomically(output, *file);
  if (!failure.empty()) {
    std::fprintf(stderr, "wasmscope compile: cannot write '%s': %s\n", output.c_str(),
                 failure.c_str());
    return 1;
  }
  return 0;
}

}  // namespace wasmscope::internal::tools
