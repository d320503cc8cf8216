// The spec runner's .wast reader: small scripts whose commands are written out by hand here,
// then every script of the 2.0 suite against wabt's wast2json, command by command (types, lines,
// module names, actions, arguments, expected results and messages; each module file's bytes
// for binary modules and quoted text).
#include "tools/wast_reader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace wasmscope::internal::tools {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string read_file(const fs::path& path) {
  std::string out;
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return out;
  char buffer[65536];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0)
    out.append(buffer, n);
  std::fclose(f);
  return out;
}

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "wast-reader-XXXXXX").string();
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

json commands_of(const std::string& script, const TempDir& dir) {
  return read_wast(script, dir.path(), "t").at("commands");
}

TEST(WastReader, ModulesActionsAndAssertions) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  const json c = commands_of(R"wast((module $M (func (export "f") (param i32) (result i32) local.get 0))
(register "m" $M)
;; a comment (with parentheses)
(assert_return (invoke $M "f" (i32.const -1)) (i32.const 0xffffffff))
(invoke "f" (i32.const 2))
(assert_return (invoke "g" (f32.const -0x1p-1) (f64.const inf))
  (f32.const nan:canonical) (f64.const nan:arithmetic) (i64.const -2))
(assert_trap (invoke "t") "unreachable")
(assert_exhaustion (invoke "r") "call stack exhausted")
(assert_trap (module (func unreachable) (start 0)) "unreachable")
(assert_malformed (module quote "(func " ")") "unexpected end")
(assert_invalid (module binary "\00asm" "\01\00\00\00") "type mismatch")
(assert_unlinkable (module (import "x" "y" (func))) "unknown import")
(get "glob")
)wast",
                             dir);
  ASSERT_EQ(c.size(), 12u);

  EXPECT_EQ(c[0].at("type"), "module");
  EXPECT_EQ(c[0].at("line"), 1);
  EXPECT_EQ(c[0].at("name"), "$M");
  EXPECT_EQ(c[0].at("module_type"), "text");
  EXPECT_EQ(read_file(fs::path(dir.path()) / c[0].at("filename").get<std::string>()),
            R"((module $M (func (export "f") (param i32) (result i32) local.get 0)))");

  EXPECT_EQ(c[1], json::parse(R"({"type":"register","line":2,"as":"m","name":"$M"})"));

  EXPECT_EQ(c[2].at("type"), "assert_return");
  EXPECT_EQ(c[2].at("line"), 4);
  EXPECT_EQ(c[2].at("action"), json::parse(R"({"type":"invoke","module":"$M","field":"f",
      "args":[{"type":"i32","value":"4294967295"}]})"));
  EXPECT_EQ(c[2].at("expected"), json::parse(R"([{"type":"i32","value":"4294967295"}])"));

  EXPECT_EQ(c[3].at("type"), "action");
  EXPECT_EQ(c[3].at("action").at("args"), json::parse(R"([{"type":"i32","value":"2"}])"));

  EXPECT_EQ(c[4].at("line"), 6);
  // -0.5f is 0xbf000000; f64 +inf is 0x7ff0000000000000; -2 as i64 bits.
  EXPECT_EQ(c[4].at("action").at("args"),
            json::parse(R"([{"type":"f32","value":"3204448256"},
                            {"type":"f64","value":"9218868437227405312"}])"));
  EXPECT_EQ(c[4].at("expected"), json::parse(R"([{"type":"f32","value":"nan:canonical"},
      {"type":"f64","value":"nan:arithmetic"},{"type":"i64","value":"18446744073709551614"}])"));

  EXPECT_EQ(c[5].at("type"), "assert_trap");
  EXPECT_EQ(c[5].at("text"), "unreachable");
  EXPECT_EQ(c[6].at("type"), "assert_exhaustion");
  EXPECT_EQ(c[6].at("text"), "call stack exhausted");
  EXPECT_EQ(c[6].at("line"), 9);

  EXPECT_EQ(c[7].at("type"), "assert_uninstantiable");
  EXPECT_EQ(c[7].at("module_type"), "text");

  EXPECT_EQ(c[8].at("type"), "assert_malformed");
  EXPECT_EQ(c[8].at("module_type"), "text");
  EXPECT_EQ(read_file(fs::path(dir.path()) / c[8].at("filename").get<std::string>()), "(func )");
  EXPECT_EQ(c[8].at("text"), "unexpected end");

  EXPECT_EQ(c[9].at("type"), "assert_invalid");
  EXPECT_EQ(c[9].at("module_type"), "binary");
  EXPECT_EQ(read_file(fs::path(dir.path()) / c[9].at("filename").get<std::string>()),
            std::string("\0asm\1\0\0\0", 8));

  EXPECT_EQ(c[10].at("type"), "assert_unlinkable");
  EXPECT_EQ(c[11].at("action"), json::parse(R"({"type":"get","field":"glob"})"));
}

TEST(WastReader, VectorsAndReferences) {
  TempDir dir;
  const json c = commands_of(R"wast((assert_return (invoke "v"
    (v128.const i8x16 -1 0 1 2 3 4 5 6 7 8 9 10 11 12 13 0x80)
    (ref.null extern) (ref.extern 7))
  (v128.const f32x4 nan:canonical 1.0 -0 0x1p1)
  (v128.const i16x8 -1 0 0 0 0 0 0 65535)
  (ref.null func) (ref.func) (ref.extern) (ref.extern 7)))wast",
                             dir);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].at("action").at("args"), json::parse(R"([
    {"type":"v128","lane_type":"i8","value":["255","0","1","2","3","4","5","6","7","8","9","10",
                                             "11","12","13","128"]},
    {"type":"externref","value":"null"},{"type":"externref","value":"7"}])"));
  EXPECT_EQ(c[0].at("expected"), json::parse(R"([
    {"type":"v128","lane_type":"f32","value":["nan:canonical","1065353216","2147483648",
                                              "1073741824"]},
    {"type":"v128","lane_type":"i16","value":["65535","0","0","0","0","0","0","65535"]},
    {"type":"funcref","value":"null"},{"type":"funcref"},{"type":"externref"},
    {"type":"externref","value":"7"}])"));
}

TEST(WastReader, UnknownCommandsAndValuesAreKeptNotSkipped) {
  TempDir dir;
  const json c = commands_of(R"wast((module definition $D (func))
(assert_suspension (invoke "s") "x")
(assert_return (invoke "r") (either (i32.const 1) (i32.const 2)))
(assert_return (invoke "r") (ref.host 1)))wast",
                             dir);
  ASSERT_EQ(c.size(), 4u);
  EXPECT_EQ(c[0].at("type"), "module definition");
  EXPECT_EQ(c[1].at("type"), "assert_suspension");
  EXPECT_EQ(c[1].at("line"), 2);
  // Alternatives (3.0's relaxed SIMD) are read; a value the runner does not know is kept.
  EXPECT_EQ(c[2].at("expected"),
            json::parse(R"([{"type":"either","values":[{"type":"i32","value":"1"},
                                                        {"type":"i32","value":"2"}]}])"));
  EXPECT_EQ(c[3].at("expected"), json::parse(R"([{"type":"ref.host"}])"));
}

/// The commands of {c} the reader marks as needing garbage collection, by line.
std::vector<int> gc_lines(const json& c) {
  std::vector<int> lines;
  for (const json& command : c) {
    if (command.value("needs", "") == "gc") lines.push_back(command.at("line").get<int>());
  }
  return lines;
}

TEST(WastReader, MarksWhatNeedsGarbageCollection) {
  TempDir dir;
  const json c = commands_of(R"wast((module $G (type $s (struct (field i32)))
  (func (export "f") (result i32) (i32.const 1)))
(assert_return (invoke "f") (i32.const 1))
(register "g" $G)
(module $P (func (export "f") (result i32) (i32.const 2)))
(assert_return (invoke "f") (i32.const 2))
(assert_return (invoke $G "f") (i32.const 1))
(module (import "g" "f" (func)))
(assert_return (invoke $P "f") (ref.i31))
(assert_return (invoke $P "f") (ref.null any))
(assert_return (invoke $P "f") (ref.null func))
(assert_invalid (module (func (drop (ref.cast anyref (ref.null any))))) "x")
(assert_invalid (module (func (drop (i32.sub (i32.const 1) (i32.const 2))))) "x")
(module quote "(type (array i8))")
(module quote "(func $struct)" "(export \"array\" (func 0))")
(assert_trap (invoke $P "f") "x"))wast",
                             dir);
  ASSERT_EQ(c.size(), 15u);
  // The GC module, an action on it while current and by name, its registration, a module
  // importing from it, GC values, GC instructions in an assertion's module, a quoted GC
  // module. Not: a module with "struct" only as an id or a string, i32.sub, ref.null func.
  EXPECT_EQ(gc_lines(c), (std::vector<int>{1, 3, 4, 7, 8, 9, 10, 12, 14}));
}

TEST(WastReader, ExceptionAssertionsAndValues) {
  TempDir dir;
  const json c = commands_of(R"wast((module (tag $e (export "e")) (func (export "throw") (throw $e)))
(assert_exception (invoke "throw"))
(assert_exception
  (invoke "f" (i32.const 1)))
(assert_return (invoke "n") (ref.null exn) (ref.null noexn)))wast",
                             dir);
  ASSERT_EQ(c.size(), 4u);
  EXPECT_EQ(c[1], json::parse(R"({"type":"assert_exception","line":2,
                                  "action":{"type":"invoke","field":"throw","args":[]}})"));
  EXPECT_EQ(c[2].at("line"), 4);
  EXPECT_EQ(c[2].at("action").at("args"), json::parse(R"([{"type":"i32","value":"1"}])"));
  EXPECT_EQ(c[3].at("expected"), json::parse(R"([{"type":"exnref","value":"null"},
                                                  {"type":"exnref","value":"null"}])"));
  // Tags, throw and exnref are exception handling, not garbage collection.
  EXPECT_TRUE(gc_lines(c).empty());
}

TEST(WastReader, ModuleDefinitionsAndInstances) {
  TempDir dir;
  const json c = commands_of(R"wast((module definition $D (func (export "f")))
(module instance $I $D)
(module instance))wast",
                             dir);
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[0].at("type"), "module definition");
  EXPECT_EQ(c[0].at("name"), "$D");
  // The module text leaves out the script's keyword and name.
  EXPECT_EQ(read_file(fs::path(dir.path()) / c[0].at("filename").get<std::string>()),
            "(module (func (export \"f\")))");
  EXPECT_EQ(c[1].at("type"), "module instance");
  EXPECT_EQ(c[1].at("name"), "$I");
  EXPECT_EQ(c[1].at("definition"), "$D");
  EXPECT_EQ(c[2].at("type"), "module instance");
  EXPECT_FALSE(c[2].contains("name"));
  EXPECT_FALSE(c[2].contains("definition"));
}

TEST(WastReader, CustomAssertionsKeepTheAnnotationsOfTheirModules) {
  TempDir dir;
  const json c = commands_of(R"wast((assert_malformed_custom
  (module quote "(@custom)") "@custom annotation: missing section name")
(assert_invalid_custom
  (module (func (@metadata.code.branch_hint "\01") nop)) "invalid target"))wast",
                             dir);
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].at("type"), "assert_malformed_custom");
  EXPECT_EQ(c[0].at("line"), 2);
  EXPECT_EQ(c[0].at("module_type"), "text");
  EXPECT_EQ(c[0].at("text"), "@custom annotation: missing section name");
  EXPECT_EQ(read_file(fs::path(dir.path()) / c[0].at("filename").get<std::string>()), "(@custom)");
  EXPECT_EQ(c[1].at("type"), "assert_invalid_custom");
  EXPECT_EQ(c[1].at("line"), 4);
  EXPECT_EQ(c[1].at("text"), "invalid target");
  EXPECT_EQ(read_file(fs::path(dir.path()) / c[1].at("filename").get<std::string>()),
            "(module (func (@metadata.code.branch_hint \"\\01\") nop))");
}

TEST(WastReader, AFileOfModuleFieldsIsOneModule) {
  TempDir dir;
  const json c = commands_of("(func (export \"f\"))\n(memory 1)\n", dir);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].at("type"), "module");
  EXPECT_EQ(read_file(fs::path(dir.path()) / c[0].at("filename").get<std::string>()),
            "(module (func (export \"f\"))\n(memory 1)\n\n)");
}

/// The message of the error {script} must be refused with.
std::string refusal(const std::string& script) {
  TempDir dir;
  try {
    read_wast(script, dir.path(), "t");
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(WastReader, MalformedScriptsAreRefusedWithTheirLine) {
  EXPECT_EQ(refusal("(module)\n(assert_return (invoke \"f\"\n"),
            "line 3: expected ')' after the action (at end of file)");
  EXPECT_EQ(refusal("(module)\n\n(assert_return (invoke \"f\") (i32.const 1x))"),
            "line 3: not a valid i32 constant (at '1x')");
  EXPECT_EQ(refusal("(assert_return (invoke \"f\") (i32.const 4294967296))"),
            "line 1: not a valid i32 constant (at '4294967296')");
  EXPECT_EQ(refusal("(assert_trap (invoke \"f\"))"),
            "line 1: expected the expected trap message (at ')')");
  EXPECT_EQ(refusal("(register $M)"),
            "line 1: expected a name to register the module as (at '$M')");
  EXPECT_EQ(refusal("(invoke \"f\" (v128.const i32x3 1 2 3))"),
            "line 1: unknown v128 shape i32x3 (at '1')");
  EXPECT_EQ(refusal("(assert_invalid (invoke \"f\") \"x\")"), "line 1: expected a module (at '(')");
  EXPECT_EQ(refusal("(module)\n(assert_return\n  (invoke \"f\" (i32.const)))"),
            "line 3: expected a number (at ')')");
  EXPECT_EQ(refusal("(module)\n\"stray\""), "line 2: expected a command (at '\"stray\"')");
  EXPECT_EQ(refusal("(module)\n(module (func)\n(memory 1)"),
            "line 2: this parenthesis is never closed (at '(')");
  EXPECT_EQ(refusal("(module)\n(module quote \"a\")\n(; unterminated"),
            "line 3: unclosed comment");
}

// ---- against wast2json

fs::path suite_dir() {
  if (const char* env = std::getenv("WASM_TESTSUITE"); env != nullptr && *env != '\0') {
    return env;
  }
  return fs::path(WASMSCOPE_SOURCE_DIR) / ".." / "shared" / "wasm-testsuite";
}

bool is_text_module(const json& command) {
  return command.value("module_type", "") == "text" ||
         command.value("filename", "").ends_with(".wat");
}

/// What of a command both readers must agree on, with the contents of its module file when
/// {with_contents}. wast2json adds result types to actions, which the runner does not read.
json comparable(json command, const fs::path& dir, bool with_contents) {
  const std::string type = command.at("type");
  if (with_contents && command.contains("filename")) {
    command["contents"] = read_file(dir / command.at("filename").get<std::string>());
  }
  command.erase("filename");
  command.erase("module_type");
  if (type == "action" || type == "assert_trap" || type == "assert_exhaustion") {
    command.erase("expected");
  }
  return command;
}

/// wabt 1.0.32's wast2json rounds the f64 literal +-0x1.fffffffffffffp-1023 (halfway between
/// the largest subnormal and the smallest normal) down to the subnormal; round-to-nearest-even,
/// which the spec requires, gives the normal (as Python's float.fromhex does). {command} with
/// those values read correctly.
json corrected_for_wabt(const json& command) {
  std::string text = command.dump();
  for (const auto& [wrong, right] : {std::pair<std::string, std::string>{"\"9227875636482146303\"",
                                                                         "\"9227875636482146304\""},
                                     {"\"4503599627370495\"", "\"4503599627370496\""}}) {
    for (size_t at = text.find(wrong); at != std::string::npos; at = text.find(wrong, at)) {
      text.replace(at, wrong.size(), right);
    }
  }
  return json::parse(text);
}

/// Compares every script of {dir}; returns how many commands differed only by wabt's misreading
/// (above).
size_t compare_dir(const fs::path& dir) {
  if (!fs::is_directory(dir)) {
    ADD_FAILURE() << "no test suite at " << dir << " (set WASM_TESTSUITE)";
    return 0;
  }
  if (std::system("command -v wast2json >/dev/null 2>&1") != 0) {
    ADD_FAILURE() << "wabt's wast2json is not installed: run scripts/install-deps.sh";
    return 0;
  }
  std::vector<fs::path> scripts;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == ".wast") scripts.push_back(entry.path());
  }
  std::sort(scripts.begin(), scripts.end());
  EXPECT_GT(scripts.size(), 0u);
  size_t commands = 0;
  size_t wabt_misreadings = 0;
  for (const fs::path& script : scripts) {
    SCOPED_TRACE(script.string());
    TempDir theirs;
    TempDir ours;
    const std::string convert = "wast2json --enable-all '" + script.string() + "' -o '" +
                                theirs.path() + "/t.json' >/dev/null 2>&1";
    if (std::system(convert.c_str()) != 0) {
      ADD_FAILURE() << "wast2json failed";
      continue;
    }
    const json expected = json::parse(read_file(fs::path(theirs.path()) / "t.json"));
    json got;
    try {
      got = read_wast(read_file(script), ours.path(), "t");
    } catch (const std::exception& e) {
      ADD_FAILURE() << e.what();
      continue;
    }
    const json& want = expected.at("commands");
    if (got.at("commands").size() != want.size()) {
      ADD_FAILURE() << got.at("commands").size() << " commands, wast2json read " << want.size();
      continue;
    }
    for (size_t i = 0; i < want.size(); ++i) {
      // Binary modules must have the same bytes, quoted ones the same text. wast2json
      // encodes text modules itself, which this reader leaves to the runner's parser (the
      // spectest tests check those by their results).
      const json& mine_raw = got.at("commands")[i];
      const bool same_form = is_text_module(mine_raw) == is_text_module(want[i]);
      const json mine = comparable(mine_raw, ours.path(), same_form);
      const json theirs_command = comparable(want[i], theirs.path(), same_form);
      if (mine != theirs_command && corrected_for_wabt(theirs_command) == mine) {
        ++wabt_misreadings;
      } else {
        EXPECT_EQ(mine, theirs_command) << "command " << i;
      }
      ++commands;
    }
  }
  std::printf("%zu scripts, %zu commands the same as wast2json's (%zu after correcting wabt)\n",
              scripts.size(), commands, wabt_misreadings);
  return wabt_misreadings;
}

TEST(WastReaderAgainstWast2json, Core) {
  // simd_lane.wast reads the two literals in six commands.
  EXPECT_EQ(compare_dir(suite_dir() / "core"), 6u);
}
TEST(WastReaderAgainstWast2json, Threads) {
  EXPECT_EQ(compare_dir(suite_dir() / "proposals" / "threads"), 0u);
}
TEST(WastReaderAgainstWast2json, TailCall) {
  EXPECT_EQ(compare_dir(suite_dir() / "proposals" / "tail-call"), 0u);
}

}  // namespace
}  // namespace wasmscope::internal::tools
