// Runs the commands of one spec script (wast2json's JSON): modules through the decoder,
// validator and text parser, and everything that executes through the runtime.
#include <cctype>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string_view>

#include <nlohmann/json.hpp>

#include "binary/decoder.h"
#include "text/wat.h"
#include "tools/file_io.h"
#include "tools/format.h"
#include "tools/spectest.h"
#include "tools/spectest_exec.h"
#include "validate/validator.h"

namespace wasmscope::internal::tools {
namespace {

using nlohmann::json;

/// How far a module got through read → parse (text only) → decode → validate.
enum class Stage : uint8_t { kRead, kParse, kDecode, kValidate, kDone };

const char* stage_name(Stage stage) {
  switch (stage) {
    case Stage::kRead:
      return "read";
    case Stage::kParse:
      return "parse";
    case Stage::kDecode:
      return "decode";
    case Stage::kValidate:
      return "validate";
    case Stage::kDone:
      return "done";
  }
  return "?";
}

/// The outcome of taking a module file through the pipeline.
struct Attempt {
  Stage failed_at = Stage::kDone;  ///< {kDone}: decoded and validated.
  Error error;                     ///< Valid unless {failed_at} is {kDone}.
  std::optional<Module> module;    ///< Set when {failed_at} is {kDone}.
  std::vector<uint8_t> bytes;      ///< The binary module, when it was read (and parsed).

  bool ok() const { return failed_at == Stage::kDone; }
  /// "decode failed: malformed at 0x1a: unexpected end".
  std::string describe() const {
    return cat(stage_name(failed_at), " failed: ", error.to_string());
  }
};

Attempt attempt_module(const std::string& path, bool text, Features features) {
  Attempt attempt;
  Result<std::vector<uint8_t>> bytes = read_file(path);
  if (!bytes.ok()) {
    attempt.failed_at = Stage::kRead;
    attempt.error = bytes.take_error();
    return attempt;
  }
  if (text) {
    std::string_view source(reinterpret_cast<const char*>(bytes->data()), bytes->size());
    bytes = wat_to_binary(source, features);
    if (!bytes.ok()) {
      attempt.failed_at = Stage::kParse;
      attempt.error = bytes.take_error();
      return attempt;
    }
  }
  attempt.bytes = bytes.value();
  Result<Module> module = decode_module(std::move(bytes.value()), features);
  if (!module.ok()) {
    attempt.failed_at = Stage::kDecode;
    attempt.error = module.take_error();
    return attempt;
  }
  Result<ModuleFacts> facts = validate_module(*module, features);
  if (!facts.ok()) {
    attempt.failed_at = Stage::kValidate;
    attempt.error = facts.take_error();
    return attempt;
  }
  attempt.module = std::move(module.value());
  return attempt;
}

enum class Verdict : uint8_t { kPass, kFail };

struct Outcome {
  Verdict verdict = Verdict::kPass;
  std::string detail;  ///< Why it failed.
};

Outcome pass() {
  return {Verdict::kPass, ""};
}
Outcome fail(std::string detail) {
  return {Verdict::kFail, std::move(detail)};
}

std::string wrong_kind(const char* expected, const Attempt& attempt) {
  return cat("wrong error kind: expected ", expected, ", ", attempt.describe());
}

/// How the engine's message for an exception that leaves the invoked function begins.
constexpr std::string_view kUncaughtException = "uncaught exception";

/// Whether trap or link message {actual} is the one a script expects: either may carry
/// detail the other lacks ("uninitialized element 2").
bool message_matches(const std::string& actual, const std::string& expected) {
  return actual.starts_with(expected) || expected.starts_with(actual);
}

/// Runs commands in order, keeping the current and the named modules as a script expects.
class ScriptRunner {
 public:
  ScriptRunner(std::string dir, const StoreConfig& config)
      : dir_(std::move(dir)), features_(config.features), runtime_(config) {}

  Outcome run(const json& command) {
    const std::string type = command.value("type", "");
    if (type == "module") return run_module(command);
    if (type == "module definition") return run_module_definition(command);
    if (type == "module instance") return run_module_instance(command);
    if (type == "assert_malformed") return run_assert_malformed(command);
    if (type == "assert_invalid") return run_assert_invalid(command);
    if (type == "assert_malformed_custom") return run_assert_custom(command, ErrorKind::kMalformed);
    if (type == "assert_invalid_custom") return run_assert_custom(command, ErrorKind::kInvalid);
    if (type == "assert_unlinkable") return run_failing_instantiation(command, ErrorKind::kUnlinkable);
    if (type == "assert_uninstantiable") {
      return run_failing_instantiation(command, ErrorKind::kTrap);
    }
    if (type == "register") return run_register(command);
    if (type == "action") return run_action(command, nullptr);
    if (type == "assert_return") return run_action(command, &command.at("expected"));
    if (type == "assert_trap" || type == "assert_exhaustion") return run_assert_trap(command);
    if (type == "assert_exception") return run_assert_exception(command);
    return fail(cat("unknown command type '", type, "'"));
  }

 private:
  std::string path_of(const json& command) const {
    return dir_ + "/" + command.value("filename", "");
  }

  static bool is_text(const json& command) {
    const std::string filename = command.value("filename", "");
    return command.value("module_type", "binary") == "text" ||
           (filename.size() > 4 && filename.ends_with(".wat"));
  }

  static std::string expected_text(const json& command) {
    return cat("\"", command.value("text", ""), "\"");
  }

  Outcome run_module(const json& command) {
    Attempt attempt = attempt_module(path_of(command), is_text(command), features_);
    const std::string name = command.value("name", std::string());
    if (!attempt.ok()) return fail(cat("module rejected: ", attempt.describe()));
    Result<void> loaded = runtime_.load(std::move(attempt.bytes), name);
    if (!loaded.ok()) {
      return fail(cat("module failed to instantiate: ", loaded.error().to_string()));
    }
    return pass();
  }

  /// "module definition" (3.0 scripts): the module must compile; it is kept, not instantiated.
  Outcome run_module_definition(const json& command) {
    Attempt attempt = attempt_module(path_of(command), is_text(command), features_);
    if (!attempt.ok()) return fail(cat("module definition rejected: ", attempt.describe()));
    last_definition_ = attempt.bytes;
    const std::string name = command.value("name", std::string());
    if (!name.empty()) definitions_[name] = std::move(attempt.bytes);
    return pass();
  }

  /// "module instance": instantiates the named definition (else the latest) as the current
  /// module, named if the command names it.
  Outcome run_module_instance(const json& command) {
    const std::string definition = command.value("definition", std::string());
    const std::vector<uint8_t>* bytes = &last_definition_;
    if (!definition.empty()) {
      auto it = definitions_.find(definition);
      if (it == definitions_.end()) return fail(cat("no module definition ", definition));
      bytes = &it->second;
    } else if (last_definition_.empty()) {
      return fail("no module definition to instantiate");
    }
    Result<void> loaded = runtime_.load(*bytes, command.value("name", std::string()));
    if (!loaded.ok()) {
      return fail(cat("module failed to instantiate: ", loaded.error().to_string()));
    }
    return pass();
  }

  Outcome run_assert_malformed(const json& command) {
    const bool text = is_text(command);
    Attempt attempt = attempt_module(path_of(command), text, features_);
    if (attempt.failed_at == Stage::kRead) return fail(attempt.describe());
    if (text) {
      // Malformed text must be rejected by the text parser itself.
      if (attempt.failed_at != Stage::kParse) {
        return fail(
            cat("text parser accepted malformed text (expected ", expected_text(command), ")"));
      }
      if (attempt.error.kind != ErrorKind::kMalformed)
        return fail(wrong_kind("malformed", attempt));
      return pass();
    }
    if (attempt.ok()) {
      return fail(cat("module accepted (expected malformed: ", expected_text(command), ")"));
    }
    if (attempt.error.kind != ErrorKind::kMalformed) return fail(wrong_kind("malformed", attempt));
    return pass();
  }

  Outcome run_assert_invalid(const json& command) {
    Attempt attempt = attempt_module(path_of(command), is_text(command), features_);
    if (attempt.ok()) {
      return fail(cat("module accepted (expected invalid: ", expected_text(command), ")"));
    }
    if (attempt.failed_at == Stage::kRead) return fail(attempt.describe());
    if (attempt.failed_at != Stage::kValidate || attempt.error.kind != ErrorKind::kInvalid) {
      return fail(wrong_kind("invalid", attempt));
    }
    return pass();
  }

  /// assert_malformed_custom / assert_invalid_custom (3.0 scripts): the module's annotations
  /// or custom sections are malformed or invalid ({kind}), so it must be rejected with that
  /// kind and a message that starts with the expected one. The text parser checks annotations
  /// (see text/annotations.cc), so a text module fails to parse, even when it is invalid.
  Outcome run_assert_custom(const json& command, ErrorKind kind) {
    const bool text = is_text(command);
    Attempt attempt = attempt_module(path_of(command), text, features_);
    const char* expected_kind = kind == ErrorKind::kMalformed ? "malformed" : "invalid";
    if (attempt.ok()) {
      return fail(
          cat("module accepted (expected ", expected_kind, ": ", expected_text(command), ")"));
    }
    if (attempt.failed_at == Stage::kRead) return fail(attempt.describe());
    if (text && attempt.failed_at != Stage::kParse) {
      return fail(cat("text parser accepted the annotations (expected ", expected_kind, ": ",
                      expected_text(command), "); then ", attempt.describe()));
    }
    if (attempt.error.kind != kind) return fail(wrong_kind(expected_kind, attempt));
    if (!attempt.error.message.starts_with(command.value("text", ""))) {
      return fail(cat("wrong message: ", attempt.error.message, " (expected ",
                      expected_text(command), ")"));
    }
    return pass();
  }

  /// assert_unlinkable / assert_uninstantiable: a valid module whose instantiation must fail
  /// with {kind} and the expected message.
  Outcome run_failing_instantiation(const json& command, ErrorKind kind) {
    Attempt attempt = attempt_module(path_of(command), is_text(command), features_);
    if (!attempt.ok()) return fail(cat("module must be valid: ", attempt.describe()));
    Result<void> loaded = runtime_.load(std::move(attempt.bytes), "");
    if (loaded.ok()) {
      return fail(cat("module instantiated (expected ", error_kind_name(kind), ": ",
                      expected_text(command), ")"));
    }
    if (loaded.error().kind != kind) {
      return fail(cat("wrong error: ", loaded.error().to_string(), " (expected ",
                      error_kind_name(kind), ")"));
    }
    if (!message_matches(loaded.error().message, command.value("text", ""))) {
      return fail(cat("wrong message: ", loaded.error().message, " (expected ",
                      expected_text(command), ")"));
    }
    return pass();
  }

  Outcome run_register(const json& command) {
    Result<void> registered =
        runtime_.register_as(command.at("as").get<std::string>(), command.value("name", ""));
    if (!registered.ok()) return fail(registered.error().to_string());
    return pass();
  }

  /// action / assert_return: the action must complete (with {expected} results, if given).
  Outcome run_action(const json& command, const json* expected) {
    const json& action = command.at("action");
    const ActionOutcome outcome = runtime_.perform(action);
    if (!outcome.error.empty()) return fail(outcome.error);
    if (outcome.trap != Trap::kNone) return fail(cat("unexpected trap: ", outcome.trap_message));
    if (expected != nullptr) {
      const std::string mismatch = SpecRuntime::match(outcome.results, *expected);
      if (!mismatch.empty()) return fail(mismatch);
    }
    return pass();
  }

  /// assert_trap / assert_exhaustion on an action: it must trap with the expected message.
  Outcome run_assert_trap(const json& command) {
    const json& action = command.at("action");
    const ActionOutcome outcome = runtime_.perform(action);
    if (!outcome.error.empty()) return fail(outcome.error);
    if (outcome.trap == Trap::kNone) {
      return fail(cat("returned normally (expected trap ", expected_text(command), ")"));
    }
    if (!message_matches(outcome.trap_message, command.value("text", ""))) {
      return fail(cat("wrong trap: ", outcome.trap_message, " (expected ",
                      expected_text(command), ")"));
    }
    return pass();
  }

  /// assert_exception (exception handling): the action must end in an exception nothing
  /// caught, which the engine reports as a trap whose message starts with
  /// {kUncaughtException}.
  Outcome run_assert_exception(const json& command) {
    const ActionOutcome outcome = runtime_.perform(command.at("action"));
    if (!outcome.error.empty()) return fail(outcome.error);
    if (outcome.trap == Trap::kNone) {
      return fail("returned normally (expected an uncaught exception)");
    }
    if (!outcome.trap_message.starts_with(kUncaughtException)) {
      return fail(cat("wrong trap: ", outcome.trap_message, " (expected an uncaught exception)"));
    }
    return pass();
  }

  std::string dir_;
  Features features_;
  SpecRuntime runtime_;
  std::map<std::string, std::vector<uint8_t>> definitions_;  ///< Named module definitions.
  std::vector<uint8_t> last_definition_;                      ///< The latest one's binary.
};

std::string directory_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return std::string(s);
}

}  // namespace

ExpectedFailures ExpectedFailures::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read expected-failures list " + path);
  ExpectedFailures list;
  std::string raw;
  for (uint32_t number = 1; std::getline(in, raw); ++number) {
    const std::string line = trim(std::string_view(raw).substr(0, raw.find('#')));
    if (line.empty()) continue;
    const size_t colon = line.rfind(':');
    const std::string digits = colon == std::string::npos ? "" : line.substr(colon + 1);
    const bool numeric = !digits.empty() && digits.size() < 10 &&
                         digits.find_first_not_of("0123456789") == std::string::npos;
    if (!numeric || colon == 0) {
      throw std::runtime_error(path + ":" + std::to_string(number) +
                               ": expected 'file.wast:LINE', got '" + line + "'");
    }
    list.entries_.push_back({line.substr(0, colon), static_cast<uint32_t>(std::stoul(digits))});
  }
  return list;
}

std::set<uint32_t> ExpectedFailures::lines_for(const std::string& script_path) const {
  std::set<uint32_t> lines;
  for (const Entry& entry : entries_) {
    const bool same = script_path == entry.file ||
                      (script_path.ends_with(entry.file) &&
                       script_path[script_path.size() - entry.file.size() - 1] == '/');
    if (same) lines.insert(entry.line);
  }
  return lines;
}

void ScriptResult::fail_script(const std::string& label, const std::string& text) {
  ++failed;
  messages.push_back({ScriptMessage::Kind::kFailure, label + ": " + text});
}

ScriptResult run_script(const std::string& json_path, const std::string& label,
                        const std::set<uint32_t>& expected_lines, const StoreConfig& config) {
  std::ifstream in(json_path);
  if (!in) throw std::runtime_error("cannot read " + json_path);
  const json script = json::parse(in);
  ScriptRunner runner(directory_of(json_path), config);
  ScriptResult result;
  std::set<uint32_t> seen_failing;
  std::set<uint32_t> seen_passing;
  for (const json& command : script.at("commands")) {
    const uint32_t line = command.value("line", 0u);
    if (command.value("needs", "") == "gc") {
      // The reader found garbage collection in its module, action or values.
      ++result.unsupported;
      ++result.by_kind[command.value("type", "?")].unsupported;
      continue;
    }
    const Outcome outcome = runner.run(command);
    const std::string where =
        label + ":" + std::to_string(line) + ": " + command.value("type", "?") + ": ";
    const bool listed = expected_lines.count(line) != 0;
    KindCounts& kind = result.by_kind[command.value("type", "?")];
    if (outcome.verdict == Verdict::kPass) {
      if (listed) {
        seen_passing.insert(line);
      } else {
        ++result.passed;
        ++kind.passed;
      }
    } else if (listed) {
      seen_failing.insert(line);
      ++result.expected_failures;
      result.messages.push_back(
          {ScriptMessage::Kind::kExpectedFailure, where + "expected failure: " + outcome.detail});
    } else {
      ++result.failed;
      ++kind.failed;
      result.messages.push_back({ScriptMessage::Kind::kFailure, where + outcome.detail});
    }
  }
  // A listed line must name a failing command; anything else means the list is out of date.
  for (uint32_t line : expected_lines) {
    if (seen_failing.count(line) != 0) continue;
    ++result.failed;
    const std::string what = seen_passing.count(line) != 0
                                 ? "unexpectedly passed (remove it from the expected failures)"
                                 : "listed in the expected failures but no command there fails";
    result.messages.push_back(
        {ScriptMessage::Kind::kUnexpectedPass, label + ":" + std::to_string(line) + ": " + what});
  }
  return result;
}

void write_script_result(const ScriptResult& result, const std::string& path) {
  json out;
  out["passed"] = result.passed;
  out["failed"] = result.failed;
  out["skipped"] = result.skipped;
  out["unsupported"] = result.unsupported;
  out["expected_failures"] = result.expected_failures;
  out["by_kind"] = json::object();
  for (const auto& [name, counts] : result.by_kind) {
    out["by_kind"][name] = {counts.passed, counts.failed, counts.skipped, counts.unsupported};
  }
  out["messages"] = json::array();
  for (const ScriptMessage& message : result.messages) {
    out["messages"].push_back({{"kind", static_cast<int>(message.kind)}, {"text", message.text}});
  }
  std::ofstream file(path);
  file << out.dump();
  if (!file) throw std::runtime_error("cannot write " + path);
}

ScriptResult read_script_result(const std::string& path) {
  std::ifstream file(path);
  if (!file) throw std::runtime_error("cannot read " + path);
  const json in = json::parse(file);
  ScriptResult result;
  result.passed = in.at("passed").get<uint32_t>();
  result.failed = in.at("failed").get<uint32_t>();
  result.skipped = in.at("skipped").get<uint32_t>();
  result.unsupported = in.at("unsupported").get<uint32_t>();
  result.expected_failures = in.at("expected_failures").get<uint32_t>();
  for (const auto& [name, counts] : in.at("by_kind").items()) {
    result.by_kind[name] = {counts.at(0).get<uint32_t>(), counts.at(1).get<uint32_t>(),
                            counts.at(2).get<uint32_t>(), counts.at(3).get<uint32_t>()};
  }
  for (const json& message : in.at("messages")) {
    result.messages.push_back({static_cast<ScriptMessage::Kind>(message.at("kind").get<int>()),
                               message.at("text").get<std::string>()});
  }
  return result;
}

}  // namespace wasmscope::internal::tools
