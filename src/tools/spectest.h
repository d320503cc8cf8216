// The spec-test runner's parts: the expected-failures list and the runner of one script (the
// JSON form of a .wast file that wast2json writes, with its modules beside it).
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "runtime/store.h"

namespace wasmscope::internal::tools {

/// The checked-in list of spec commands known to fail, as {file.wast:LINE} lines ({#} starts a
/// comment). {file.wast} may carry leading directories to tell apart scripts with the same
/// name ({threads/memory.wast:12}); it matches every script path that ends with it.
class ExpectedFailures {
 public:
  /// Reads {path}; throws std::runtime_error naming the file and line of a bad entry.
  static ExpectedFailures load(const std::string& path);

  /// The lines listed for the script at {script_path}.
  std::set<uint32_t> lines_for(const std::string& script_path) const;

 private:
  struct Entry {
    std::string file;
    uint32_t line = 0;
  };
  std::vector<Entry> entries_;
};

/// One line of a script's report.
struct ScriptMessage {
  enum class Kind : uint8_t {
    kFailure,          ///< Counted as failed.
    kExpectedFailure,  ///< Failed, and listed: not counted as passed or failed.
    kUnexpectedPass,   ///< Listed, but did not fail: counted as failed so the list stays honest.
  };
  Kind kind = Kind::kFailure;
  std::string text;  ///< "label:line: command: what happened".
};

/// Counts and messages for one script.
/// Passed, failed and skipped counts of one command kind ("module", "assert_return", ...).
/// {skipped} is always 0 since every instruction executes; it keeps the report's columns and
/// its last line ("N passed, N failed, N skipped") stable for the scripts that read them.
struct KindCounts {
  uint32_t passed = 0;
  uint32_t failed = 0;
  uint32_t skipped = 0;
  uint32_t unsupported = 0;  ///< Need garbage collection (the reader says so): not run.
};

struct ScriptResult {
  uint32_t passed = 0;
  uint32_t failed = 0;
  uint32_t skipped = 0;
  /// Commands that need WebAssembly 3.0's garbage collection, which wasmscope does not
  /// implement: not run, and counted neither as passed nor as failed.
  uint32_t unsupported = 0;
  uint32_t expected_failures = 0;
  std::vector<ScriptMessage> messages;
  std::map<std::string, KindCounts> by_kind;  ///< The same counts split by command type.

  /// Adds a failure that concerns the whole script (wast2json failed, the runner crashed).
  void fail_script(const std::string& label, const std::string& text);
};

/// Runs every command of {json_path} (wast2json output; module files are looked up beside it).
/// {label} names the script in messages; {expected_lines} are its listed expected failures;
/// modules are compiled and run with {config}.
/// Throws std::runtime_error when the JSON cannot be read.
ScriptResult run_script(const std::string& json_path, const std::string& label,
                        const std::set<uint32_t>& expected_lines, const StoreConfig& config);

/// Serializes {result} to a file and back, so a forked child can hand it to its parent.
void write_script_result(const ScriptResult& result, const std::string& path);
ScriptResult read_script_result(const std::string& path);

}  // namespace wasmscope::internal::tools
