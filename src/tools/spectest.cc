// wasmscope spectest: reads spec-suite .wast scripts (with the project's own reader, or through
// wast2json), then runs their commands, one script per child process so that no script can
// crash or hang the whole run.
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>

#include "tools/commands.h"
#include "tools/file_io.h"
#include "tools/format.h"
#include "tools/spectest.h"
#include "tools/spectest_exec.h"
#include "tools/wast_reader.h"

namespace wasmscope::internal::tools {
namespace {

namespace fs = std::filesystem;

constexpr const char* kSpectestUsage =
    "usage: wasmscope spectest [OPTIONS] PATH...\n"
    "\n"
    "Runs WebAssembly spec-test scripts. Each PATH is a .wast file or a directory (its *.wast\n"
    "files, sorted). Every script is read into a fresh temporary directory (by wasmscope's own\n"
    "reader, or with --reader wast2json by 'wast2json --enable-all' from wabt), then its\n"
    "commands run: 'module' must compile and instantiate,\n"
    "'assert_malformed' must be rejected as malformed (text by the text parser),\n"
    "'assert_invalid' must be rejected by the validator, 'assert_malformed_custom' and\n"
    "'assert_invalid_custom' (annotations) by the text parser with the expected message, actions\n"
    "run and their results, traps and link errors are checked; the totals per command type say\n"
    "where failures are.\n"
    "\n"
    "options:\n"
    "  --verbose, -v               print every failure (file:line, command, error)\n"
    "  --expected-failures FILE    lines 'file.wast:LINE' that are known to fail: such a\n"
    "                              failure is reported but not counted as failed; a listed\n"
    "                              command that passes counts as failed\n"
    "  --timeout SECONDS           time limit per script (default 600)\n"
    "  --disable FEATURE           decode and validate with a proposal turned off, for suites\n"
    "                              written before it (e.g. reference-types for threads)\n"
    "  --explicit-bounds           check every memory access instead of using guard pages\n"
    "  --tier interp|compiled      run modules in the interpreter (default) or compiled to\n"
    "                              native code (LLVM)\n"
    "  --opt-level 0..3            the compiled tier's optimization level (default 2)\n"
    "  --cwasm-out DIR --target T  also compile every module the scripts load for target T\n"
    "                              (compile --target), into DIR/<sha256>.cwasm\n"
    "  --cwasm-in DIR              run every module from DIR/<sha256>.cwasm, compiled\n"
    "                              elsewhere (a build without a compiler runs the suite on\n"
    "                              compiled code; docs/testing.md, \"ARM\")\n"
    "  --reader own|wast2json      who reads the scripts: wasmscope's reader (default; text\n"
    "                              modules go to wasmscope's text parser) or wabt's wast2json\n"
    "  --no-fork                   run scripts in this process (for debugging)\n"
    "  --help, -h                  show this help\n"
    "\n"
    "The last line is 'N passed, N failed, N skipped' (nothing is skipped any more: every\n"
    "instruction executes; the column stays for scripts that parse it). Environment: WAST2JSON names the\n"
    "wast2json program for --reader wast2json (default: found on PATH).\n"
    "\n"
    "exit status: 0 nothing failed, 1 something failed, 2 usage error\n";

struct Options {
  bool verbose = false;
  bool fork = true;
  bool use_wast2json = false;
  unsigned timeout_seconds = 600;
  StoreConfig config;
  std::optional<std::string> expected_failures_path;
  std::vector<std::string> paths;
};

/// A script to run and the name it goes by in the report.
struct Script {
  std::string path;
  std::string label;
};

unsigned parse_timeout(const std::string& text) {
  char* end = nullptr;
  const unsigned long value = std::strtoul(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || value == 0 || value > 86400) {
    throw UsageError("spectest: --timeout needs a number of seconds (1..86400), got '" + text +
                     "'");
  }
  return static_cast<unsigned>(value);
}

Options parse_options(const Args& args) {
  Options options;
  bool options_done = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw UsageError("spectest: " + arg + " needs a value");
      return args[++i];
    };
    if (options_done || arg.empty() || arg[0] != '-' || arg == "-") {
      options.paths.push_back(arg);
    } else if (arg == "--") {
      options_done = true;
    } else if (arg == "--verbose" || arg == "-v") {
      options.verbose = true;
    } else if (arg == "--reader") {
      const std::string& reader = value();
      if (reader != "own" && reader != "wast2json") {
        throw UsageError("spectest: --reader is 'own' or 'wast2json', not '" + reader + "'");
      }
      options.use_wast2json = reader == "wast2json";
    } else if (arg == "--no-fork") {
      options.fork = false;
    } else if (arg == "--expected-failures") {
      options.expected_failures_path = value();
    } else if (arg == "--disable") {
      disable_feature(value(), &options.config.features);
    } else if (arg == "--explicit-bounds") {
      options.config.bounds = BoundsChecks::kExplicit;
    } else if (arg == "--tier") {
      choose_tier(value(), &options.config);
    } else if (arg == "--opt-level") {
      choose_opt_level(value(), &options.config);
    } else if (arg == "--cwasm-out") {
      cross_modules().out_dir = value();
    } else if (arg == "--target") {
      cross_modules().target = value();
    } else if (arg == "--cwasm-in") {
      cross_modules().in_dir = value();
    } else if (arg == "--timeout") {
      options.timeout_seconds = parse_timeout(value());
    } else {
      throw UsageError("spectest: unknown option '" + arg + "'\n" + kSpectestUsage);
    }
  }
  if (options.paths.empty()) {
    throw UsageError(std::string("spectest: no PATH given\n") + kSpectestUsage);
  }
  const CrossModules& cross = cross_modules();
  if (cross.out_dir.empty() != cross.target.empty()) {
    throw UsageError("spectest: --cwasm-out DIR and --target TRIPLE go together");
  }
  if (!cross.out_dir.empty() && !cross.in_dir.empty()) {
    throw UsageError("spectest: --cwasm-out and --cwasm-in exclude each other");
  }
  return options;
}

/// Expands {arg} into scripts; reports a missing path or an empty directory into {errors}.
void expand_path(const std::string& arg, std::vector<Script>* scripts,
                 std::vector<std::string>* errors) {
  std::error_code ec;
  const fs::file_status status = fs::status(arg, ec);
  if (ec || !fs::exists(status)) {
    errors->push_back(arg + ": no such file or directory");
    return;
  }
  if (!fs::is_directory(status)) {
    scripts->push_back({arg, arg});
    return;
  }
  std::vector<std::string> names;
  for (const fs::directory_entry& entry : fs::directory_iterator(arg, ec)) {
    if (entry.path().extension() == ".wast" && entry.is_regular_file(ec)) {
      names.push_back(entry.path().filename().string());
    }
  }
  if (ec) errors->push_back(arg + ": cannot list directory: " + ec.message());
  if (names.empty()) {
    errors->push_back(arg + ": no .wast files in this directory");
    return;
  }
  std::sort(names.begin(), names.end());
  std::string dir_label = fs::path(arg).lexically_normal().filename().string();
  if (dir_label.empty())
    dir_label = fs::path(arg).lexically_normal().parent_path().filename().string();
  for (const std::string& name : names) {
    scripts->push_back({(fs::path(arg) / name).string(), dir_label + "/" + name});
  }
}

/// Runs {json_path} in a child process, so a crash or a hang costs one script, not the run.
ScriptResult run_script_isolated(const std::string& json_path, const Script& script,
                                 const std::set<uint32_t>& expected_lines,
                                 const std::string& result_path, const Options& options) {
  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    int status = 0;
    try {
      write_script_result(run_script(json_path, script.label, expected_lines, options.config),
                          result_path);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "%s: %s\n", script.label.c_str(), e.what());
      status = 3;
    }
    std::fflush(stderr);
    ::_exit(status);  // Skips destructors: the temporary directory belongs to the parent.
  }
  const ProcessStatus status = wait_child(pid, options.timeout_seconds);
  if (!status.ok()) {
    ScriptResult result;
    result.fail_script(script.label, cat("runner ", status.describe(options.timeout_seconds),
                                         " (rerun with --no-fork to debug)"));
    return result;
  }
  return read_script_result(result_path);
}

/// Converts {script} into {json_path} with wast2json; "" or why it failed.
std::string convert_with_wast2json(const Script& script, const Options& options,
                                   const std::string& wast2json, const std::string& json_path,
                                   const std::string& log_path) {
  const ProcessStatus converted = run_program(
      {wast2json, "--enable-all", script.path, "-o", json_path}, log_path, options.timeout_seconds);
  if (converted.ok()) return "";
  std::string log = read_text_prefix(log_path, 2000);
  while (!log.empty() && std::isspace(static_cast<unsigned char>(log.back())))
    log.pop_back();
  return cat("wast2json failed (", converted.describe(options.timeout_seconds), "): ", log);
}

/// Converts {script} into {json_path} with the project's reader; "" or why it failed.
std::string convert_with_own_reader(const Script& script, const std::string& dir,
                                    const std::string& json_path) {
  Result<std::vector<uint8_t>> bytes = read_file(script.path);
  if (!bytes.ok()) return cat("cannot read script: ", bytes.error().message);
  try {
    const std::string_view source(reinterpret_cast<const char*>(bytes->data()), bytes->size());
    const nlohmann::json commands = read_wast(source, dir, "x");
    std::ofstream out(json_path);
    out << commands.dump();
    out.close();
    if (!out) return "cannot write " + json_path;
  } catch (const std::exception& e) {
    return cat("cannot read script: ", e.what());
  }
  return "";
}

ScriptResult run_one(const Script& script, const Options& options, const std::string& wast2json,
                     const std::set<uint32_t>& expected_lines) {
  TempDir temp("wasmscope-spectest");
  const std::string json_path = temp.path() + "/x.json";
  const std::string problem =
      options.use_wast2json ? convert_with_wast2json(script, options, wast2json, json_path,
                                                     temp.path() + "/wast2json.log")
                            : convert_with_own_reader(script, temp.path(), json_path);
  if (!problem.empty()) {
    ScriptResult result;
    result.fail_script(script.label, problem);
    return result;
  }
  try {
    if (options.fork) {
      return run_script_isolated(json_path, script, expected_lines, temp.path() + "/result.json",
                                 options);
    }
    return run_script(json_path, script.label, expected_lines, options.config);
  } catch (const std::exception& e) {
    ScriptResult result;
    result.fail_script(script.label, e.what());
    return result;
  }
}

void print_messages(const ScriptResult& result, bool verbose) {
  for (const ScriptMessage& message : result.messages) {
    if (verbose || message.kind == ScriptMessage::Kind::kUnexpectedPass) {
      std::printf("%s\n", message.text.c_str());
    }
  }
}

struct Row {
  std::string label;
  ScriptResult result;
};

void print_table(const std::vector<Row>& rows) {
  size_t width = 4;
  for (const Row& row : rows)
    width = std::max(width, row.label.size());
  const int w = static_cast<int>(width);
  std::printf("\n%-*s %8s %8s %8s %8s %11s\n", w, "file", "passed", "failed", "skipped", "xfail",
              "unsupported");
  for (const Row& row : rows) {
    const ScriptResult& r = row.result;
    std::printf("%-*s %8u %8u %8u %8u %11u\n", w, row.label.c_str(), r.passed, r.failed,
                r.skipped, r.expected_failures, r.unsupported);
  }
}

}  // namespace

int cmd_spectest(const Args& args) {
  if (wants_help(args)) {
    std::fputs(kSpectestUsage, stdout);
    return 0;
  }
  const Options options = parse_options(args);
  ExpectedFailures expected;
  if (options.expected_failures_path) {
    try {
      expected = ExpectedFailures::load(*options.expected_failures_path);
    } catch (const std::exception& e) {
      throw UsageError(std::string("spectest: ") + e.what());
    }
  }
  const char* override_path = std::getenv("WAST2JSON");
  std::optional<std::string> wast2json = std::string();
  if (options.use_wast2json) {
    wast2json = find_program(override_path && *override_path ? override_path : "wast2json");
  }
  if (!wast2json) {
    std::fprintf(stderr,
                 "wasmscope spectest: error: wast2json not found on PATH; install the Debian "
                 "package 'wabt' (scripts/install-deps.sh does) or set WAST2JSON\n");
    return 1;
  }

  std::vector<Script> scripts;
  std::vector<std::string> errors;
  for (const std::string& path : options.paths)
    expand_path(path, &scripts, &errors);

  std::vector<Row> rows;
  ScriptResult total;
  for (const std::string& error : errors) {
    std::fprintf(stderr, "wasmscope spectest: error: %s\n", error.c_str());
    ++total.failed;
  }
  for (const Script& script : scripts) {
    ScriptResult result = run_one(script, options, *wast2json, expected.lines_for(script.path));
    print_messages(result, options.verbose);
    total.passed += result.passed;
    total.failed += result.failed;
    total.skipped += result.skipped;
    total.unsupported += result.unsupported;
    total.expected_failures += result.expected_failures;
    for (const auto& [name, counts] : result.by_kind) {
      KindCounts& sum = total.by_kind[name];
      sum.passed += counts.passed;
      sum.failed += counts.failed;
      sum.skipped += counts.skipped;
      sum.unsupported += counts.unsupported;
    }
    rows.push_back({script.label, std::move(result)});
  }
  print_table(rows);
  std::printf("\n%-24s %8s %8s %8s %11s\n", "command", "passed", "failed", "skipped",
              "unsupported");
  for (const auto& [name, counts] : total.by_kind) {
    std::printf("%-24s %8u %8u %8u %11u\n", name.c_str(), counts.passed, counts.failed,
                counts.skipped, counts.unsupported);
  }
  if (total.unsupported != 0) {
    // Listed by file: what garbage collection, once implemented, would have to pass.
    std::printf("%u unsupported (need garbage collection, not run):", total.unsupported);
    const char* separator = " ";
    for (const Row& row : rows) {
      if (row.result.unsupported == 0) continue;
      std::printf("%s%s %u", separator, row.label.c_str(), row.result.unsupported);
      separator = ", ";
    }
    std::printf("\n");
  }
  if (total.expected_failures != 0) {
    std::printf("%u expected failures (listed in %s)\n", total.expected_failures,
                options.expected_failures_path->c_str());
  }
  std::printf("%u passed, %u failed, %u skipped\n", total.passed, total.failed, total.skipped);
  std::fflush(stdout);
  return total.failed == 0 ? 0 : 1;
}

}  // namespace wasmscope::internal::tools
