// wasmscope validate: decode and validate modules, one verdict line per file.
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "binary/decoder.h"
#include "compiler/compiler.h"
#include "text/wat.h"
#include "tools/commands.h"
#include "tools/file_io.h"
#include "tools/format.h"
#include "validate/validator.h"

namespace wasmscope::internal::tools {
namespace {

constexpr const char* kValidateUsage =
    "usage: wasmscope validate [--quiet] [--disable FEATURE]... FILE...\n"
    "\n"
    "Decodes and validates each module (all supported proposals enabled). FILE is a binary\n"
    "module (.wasm) or a text one (.wat, .wast: parsed first). Prints 'FILE: valid', or\n"
    "'FILE: <malformed|invalid> at 0x<offset>: <message>' where the offset is in the binary\n"
    "(for text that fails to parse: in the text, with its line and column).\n"
    "\n"
    "options:\n"
    "  --quiet, -q          print nothing for valid modules\n"
    "  --disable FEATURE    turn a proposal off (sign-extension, nontrapping-float-to-int,\n"
    "                       multi-value, bulk-memory, reference-types, simd, threads,\n"
    "                       tail-call)\n"
    "  --help, -h           show this help\n"
    "\n"
    "exit status: 0 all valid, 1 a file is malformed, invalid or unreadable, 2 usage error\n";

/// Validates one file; prints its verdict; returns true when it is valid.
bool validate_file(const std::string& path, bool quiet, Features features) {
  Result<std::vector<uint8_t>> file = read_file(path);
  if (!file.ok()) {
    std::fprintf(stderr, "%s: error: %s\n", path.c_str(), file.error().message.c_str());
    return false;
  }
  std::vector<uint8_t> bytes = std::move(file.value());
  if (is_text_path(path)) {
    std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    Result<std::vector<uint8_t>> binary = wat_to_binary(text, features);
    if (!binary.ok()) {
      const TextPosition pos = text_position(bytes, binary.error().offset);
      std::printf("%s: %s (line %u, column %u)\n", path.c_str(), binary.error().to_string().c_str(),
                  pos.line, pos.column);
      return false;
    }
    bytes = std::move(binary.value());
  }
  Result<Module> module = decode_module(std::move(bytes), features);
  if (!module.ok()) {
    std::printf("%s: %s\n", path.c_str(), module.error().to_string().c_str());
    return false;
  }
  Result<ModuleFacts> facts = validate_module(*module, features);
  if (!facts.ok()) {
    std::printf("%s: %s\n", path.c_str(), facts.error().to_string().c_str());
    return false;
  }
  if (!quiet) std::printf("%s: valid\n", path.c_str());
  return true;
}

}  // namespace

bool wants_help(const Args& args) {
  for (const std::string& arg : args) {
    if (arg == "--") return false;
    if (arg == "--help" || arg == "-h") return true;
  }
  return false;
}

void disable_feature(const std::string& name, Features* features) {
  const std::optional<Feature> feature = feature_by_name(name);
  if (!feature) {
    throw UsageError(cat("unknown feature '", name, "' (known: ", feature_names(), ")"));
  }
  features->disable(*feature);
}

void choose_tier(const std::string& name, StoreConfig* config) {
  if (name == "interp") {
    config->tier = Tier::kInterp;
  } else if (name == "compiled") {
    if (!compiler_available()) {
      throw UsageError("--tier compiled: this build of wasmscope has no compiled tier");
    }
    config->tier = Tier::kCompiled;
  } else {
    throw UsageError(cat("--tier needs 'interp' or 'compiled', got '", name, "'"));
  }
}

void choose_opt_level(const std::string& level, StoreConfig* config) {
  if (level.size() != 1 || level[0] < '0' || level[0] > '3') {
    throw UsageError(cat("--opt-level needs 0, 1, 2 or 3, got '", level, "'"));
  }
  config->opt_level = static_cast<unsigned>(level[0] - '0');
}

int cmd_validate(const Args& args) {
  if (wants_help(args)) {
    std::fputs(kValidateUsage, stdout);
    return 0;
  }
  bool quiet = false;
  bool options_done = false;
  Features features;
  std::vector<std::string> files;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (!options_done && arg == "--") {
      options_done = true;
    } else if (!options_done && (arg == "--quiet" || arg == "-q")) {
      quiet = true;
    } else if (!options_done && arg == "--disable") {
      if (i + 1 >= args.size()) throw UsageError("validate: --disable needs a FEATURE");
      disable_feature(args[++i], &features);
    } else if (!options_done && arg.size() > 1 && arg[0] == '-') {
      throw UsageError("validate: unknown option '" + arg + "'\n" + kValidateUsage);
    } else {
      files.push_back(arg);
    }
  }
  if (files.empty()) throw UsageError(std::string("validate: no FILE given\n") + kValidateUsage);
  bool all_valid = true;
  for (const std::string& file : files)
    all_valid = validate_file(file, quiet, features) && all_valid;
  std::fflush(stdout);
  return all_valid ? 0 : 1;
}

}  // namespace wasmscope::internal::tools
