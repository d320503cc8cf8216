// Runs the official spec test suite's text modules through {wat_to_binary}: every text
// assert_malformed must be rejected, and every module (and every module of an assert_invalid,
// assert_unlinkable or assert_uninstantiable) must be accepted and encode to the same module
// wabt's wast2json produces. Needs wast2json and wasm2wat (wabt) on the PATH; the suite is
// found through $WASM_TESTSUITE, or ../shared/wasm-testsuite next to the source tree.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "text/lexer.h"
#include "text/wat.h"

namespace wasmscope::internal {
namespace {

/// The 2.0 suite's text: memory64 (3.0) makes limits and offsets above 2^32 well-formed
/// (then invalid), where 2.0 and wast2json reject them as malformed.
const Features kSuite2Features = Features().disable(Feature::kMemory64);


namespace fs = std::filesystem;
using nlohmann::json;

// stdio rather than streams: libstdc++'s stream buffers trip -Wnull-dereference at -O2.
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

void write_file(const fs::path& path, const std::vector<uint8_t>& bytes) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return;
  std::fwrite(bytes.data(), 1, bytes.size(), f);
  std::fclose(f);
}

std::string quote(const fs::path& path) {
  // Appending rather than "'" + s + "'" sidesteps a g++ 12 -Wrestrict false positive.
  std::string out(1, '\'');
  out += path.string();
  out += '\'';
  return out;
}

bool have_tool(const char* name) {
  return std::system((std::string("command -v ") + name + " >/dev/null 2>&1").c_str()) == 0;
}

/// The standard output of the shell command {command}.
std::string capture(const std::string& command) {
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return output;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0)
    output.append(buffer, n);
  pclose(pipe);
  return output;
}

/// One parenthesized top-level form of a .wast script.
struct Form {
  size_t begin = 0;
  size_t end = 0;  ///< One past the closing parenthesis.
  int first_line = 0;
  int last_line = 0;
  std::string head;  ///< "module", "assert_invalid", ...
};

/// Skips white space and comments from {i}; counts newlines into {line}.
size_t skip_space(const std::string& s, size_t i, int* line) {
  while (i < s.size()) {
    if (s[i] == '\n') {
      ++*line;
      ++i;
    } else if (s[i] == ' ' || s[i] == '\t' || s[i] == '\r') {
      ++i;
    } else if (s.compare(i, 2, ";;") == 0) {
      while (i < s.size() && s[i] != '\n')
        ++i;
    } else if (s.compare(i, 2, "(;") == 0) {
      int depth = 0;
      while (i < s.size()) {
        if (s.compare(i, 2, "(;") == 0) {
          ++depth;
          i += 2;
        } else if (s.compare(i, 2, ";)") == 0) {
          i += 2;
          if (--depth == 0) break;
        } else {
          if (s[i] == '\n') ++*line;
          ++i;
        }
      }
    } else {
      break;
    }
  }
  return i;
}

/// The balanced form starting at the "(" at {i}; strings and comments may hold parentheses.
Form read_form(const std::string& s, size_t i, int* line) {
  Form form;
  form.begin = i;
  form.first_line = *line;
  int depth = 0;
  while (i < s.size()) {
    const size_t after_space = skip_space(s, i, line);
    if (after_space != i) {
      i = after_space;
      continue;
    }
    const char c = s[i];
    if (c == '"') {
      ++i;
      while (i < s.size() && s[i] != '"') {
        if (s[i] == '\\') ++i;
        if (i < s.size() && s[i] == '\n') ++*line;
        ++i;
      }
      ++i;
      continue;
    }
    ++i;
    if (c == '(') {
      if (depth == 0) {
        const size_t head_begin = skip_space(s, i, line);
        size_t head_end = head_begin;
        while (head_end < s.size() &&
               (std::isalnum(static_cast<unsigned char>(s[head_end])) || s[head_end] == '_')) {
          ++head_end;
        }
        form.head = s.substr(head_begin, head_end - head_begin);
        i = head_end;
      }
      ++depth;
    } else if (c == ')' && --depth == 0) {
      break;
    }
  }
  form.end = i;
  form.last_line = *line;
  return form;
}

std::vector<Form> split_script(const std::string& s) {
  std::vector<Form> forms;
  int line = 1;
  size_t i = skip_space(s, 0, &line);
  while (i < s.size()) {
    if (s[i] == '(') {
      forms.push_back(read_form(s, i, &line));
      i = forms.back().end;
    } else {
      ++i;
    }
    i = skip_space(s, i, &line);
  }
  return forms;
}

/// What a "(module ...)" form holds: text, "binary" strings, or "quote" strings of text.
enum class ModuleForm { kText, kBinary, kQuote };

ModuleForm module_form(const std::string& module) {
  auto tokens = tokenize(module);
  if (!tokens.ok() || tokens->size() < 3) return ModuleForm::kText;
  size_t k = 2;  // After "(" and "module".
  if ((*tokens)[k].kind == TokenKind::kId) ++k;
  const Token& t = (*tokens)[k];
  if (t.kind == TokenKind::kKeyword && t.text == "binary") return ModuleForm::kBinary;
  if (t.kind == TokenKind::kKeyword && t.text == "quote") return ModuleForm::kQuote;
  return ModuleForm::kText;
}

/// The text a "(module $id? quote "..."*)" form quotes: its strings, concatenated.
std::string quoted_text(const std::string& module) {
  std::string text;
  auto tokens = tokenize(module);
  if (!tokens.ok()) return text;
  for (const Token& t : *tokens) {
    if (t.kind == TokenKind::kString) text += t.value;
  }
  return text;
}

/// {bytes} without its data count section (id 12) and its "name" custom section. wabt writes a
/// data count section only when the module has data segments, we whenever code uses
/// {memory.init} or {data.drop}; wast2json writes no names, we write the text's $identifiers.
/// Neither changes what the module means (the wasm2wat comparison below ignores names too),
/// and without them half the suite's modules compare equal byte for byte, sparing two
/// wasm2wat processes each.
std::vector<uint8_t> strip_for_comparison(const std::vector<uint8_t>& bytes) {
  std::vector<uint8_t> out(bytes.begin(), bytes.begin() + std::min<size_t>(8, bytes.size()));
  size_t i = 8;
  while (i < bytes.size()) {
    const uint8_t id = bytes[i];
    size_t j = i + 1;
    uint64_t size = 0;
    for (int shift = 0; j < bytes.size(); shift += 7) {
      size |= static_cast<uint64_t>(bytes[j] & 0x7f) << shift;
      if ((bytes[j++] & 0x80) == 0) break;
    }
    const size_t end = std::min<size_t>(bytes.size(), j + size);
    bool drop = id == 12;
    if (id == 0 && j < end) {  // a custom section: its name, a length then the bytes
      const size_t name_length = bytes[j];  // "name" is short: one LEB byte
      drop = name_length == 4 && j + 5 <= end &&
             std::equal(bytes.begin() + j + 1, bytes.begin() + j + 5, "name");
    }
    if (!drop) out.insert(out.end(), bytes.begin() + i, bytes.begin() + end);
    i = end;
  }
  return out;
}

struct Counts {
  int malformed = 0;
  int rejected = 0;
  int same_reason = 0;  ///< Rejected with the message the spec's test expects.
  int modules = 0;
  int equivalent = 0;
  int mismatched = 0;
  int skipped = 0;  ///< (module binary ...): no text to parse.
  int quoted = 0;   ///< (module quote ...): parsed from the quoted text.
  int assert_modules = 0;
  int assert_equivalent = 0;
  std::vector<std::string> failures;
};

class SuiteRunner {
 public:
  explicit SuiteRunner(fs::path temp) : temp_(std::move(temp)) {}

  void run_script(const fs::path& wast, Counts* counts) {
    const fs::path json_path = temp_ / (wast.stem().string() + ".json");
    const std::string command =
        "wast2json --enable-all " + quote(wast) + " -o " + quote(json_path) + " >/dev/null 2>&1";
    if (std::system(command.c_str()) != 0) {
      counts->failures.push_back(wast.string() + ": wast2json failed");
      return;
    }
    const std::string script = read_file(wast);
    const std::vector<Form> forms = split_script(script);
    std::vector<bool> used(forms.size(), false);
    const json commands = json::parse(read_file(json_path))["commands"];
    const std::string name = wast.filename().string();
    for (const json& c : commands) {
      const std::string type = c["type"];
      const int line = c["line"];
      const std::string where = name + ":" + std::to_string(line);
      if (type == "assert_malformed" && c.value("module_type", "") == "text") {
        check_malformed(temp_ / c["filename"].get<std::string>(), c["text"], where, counts);
        continue;
      }
      const bool is_module = type == "module";
      const bool in_assert = c.value("module_type", "") == "binary" &&
                             (type == "assert_invalid" || type == "assert_unlinkable" ||
                              type == "assert_uninstantiable");
      if (!is_module && !in_assert) continue;
      std::string source;
      if (!find_module_source(script, forms, &used, type, line, &source)) {
        if (is_module && std::none_of(forms.begin(), forms.end(),
                                      [](const Form& f) { return f.head == "module"; })) {
          source = script;  // A script that is one inline module (fields only).
        } else {
          counts->failures.push_back(where + ": module source not found");
          continue;
        }
      }
      const ModuleForm form = module_form(source);
      if (form == ModuleForm::kBinary) {
        ++counts->skipped;
        continue;
      }
      if (form == ModuleForm::kQuote) {
        source = quoted_text(source);
        ++counts->quoted;
      }
      const fs::path expected = temp_ / c["filename"].get<std::string>();
      const bool ok = check_module(source, expected, where, counts);
      if (is_module) {
        ++counts->modules;
        counts->equivalent += ok;
        counts->mismatched += !ok;
      } else {
        ++counts->assert_modules;
        counts->assert_equivalent += ok;
      }
    }
  }

 private:
  /// The module must be rejected, with a message that starts with the spec's ({expected}).
  void check_malformed(const fs::path& wat, const std::string& expected, const std::string& where,
                       Counts* counts) {
    ++counts->malformed;
    auto result = wat_to_binary(read_file(wat), kSuite2Features);
    if (result.ok()) {
      counts->failures.push_back(where + ": assert_malformed accepted");
      return;
    }
    ++counts->rejected;
    if (result.error().message.rfind(expected, 0) == 0) {
      ++counts->same_reason;
    } else {
      counts->failures.push_back(where + ": rejected with \"" + result.error().message +
                                 "\", expected \"" + expected + "\"");
    }
  }

  /// The module text of the command at {line}: the first unused top-level form of {type}
  /// holding that line (or the nested module of an assertion).
  static bool find_module_source(const std::string& script, const std::vector<Form>& forms,
                                 std::vector<bool>* used, const std::string& type, int line,
                                 std::string* source) {
    for (size_t i = 0; i < forms.size(); ++i) {
      const Form& f = forms[i];
      // wast2json reports "(assert_trap (module ...))" as assert_uninstantiable.
      const bool head_matches =
          f.head == type || (type == "assert_uninstantiable" && f.head == "assert_trap");
      if ((*used)[i] || !head_matches || line < f.first_line || line > f.last_line) continue;
      (*used)[i] = true;
      if (type == "module") {
        *source = script.substr(f.begin, f.end - f.begin);
        return true;
      }
      const size_t nested = script.find('(', script.find(f.head, f.begin) + f.head.size());
      int ignored_line = 0;
      const Form module = read_form(script, nested, &ignored_line);
      *source = script.substr(module.begin, module.end - module.begin);
      return module.head == "module";
    }
    return false;
  }

  bool check_module(const std::string& source, const fs::path& expected_path,
                    const std::string& where, Counts* counts) {
    auto result = wat_to_binary(source, kSuite2Features);
    if (!result.ok()) {
      counts->failures.push_back(where + ": rejected: " + result.error().to_string());
      return false;
    }
    const std::string expected_text = read_file(expected_path);
    const std::vector<uint8_t> expected =
        strip_for_comparison(std::vector<uint8_t>(expected_text.begin(), expected_text.end()));
    const std::vector<uint8_t> actual = strip_for_comparison(*result);
    if (expected == actual) return true;
    const fs::path ours = temp_ / "ours.wasm";
    const fs::path theirs = temp_ / "theirs.wasm";
    write_file(ours, actual);
    write_file(theirs, expected);
    const char* wasm2wat = "wasm2wat --enable-all --no-debug-names --no-check ";
    const std::string a = capture(wasm2wat + quote(ours) + " 2>&1");
    const std::string b = capture(wasm2wat + quote(theirs) + " 2>&1");
    if (a == b && !a.empty()) return true;
    counts->failures.push_back(where + ": differs from wast2json's module");
    return false;
  }

  fs::path temp_;
};

fs::path suite_dir() {
  if (const char* env = std::getenv("WASM_TESTSUITE"); env != nullptr && *env != '\0') {
    return env;
  }
  return fs::path(WASMSCOPE_SOURCE_DIR) / ".." / "shared" / "wasm-testsuite";
}

void run_suite_dir(const fs::path& dir) {
  ASSERT_TRUE(fs::is_directory(dir)) << "no test suite at " << dir << " (set WASM_TESTSUITE)";
  ASSERT_TRUE(have_tool("wast2json") && have_tool("wasm2wat"))
      << "wabt (wast2json, wasm2wat) is not installed: run scripts/install-deps.sh";
  std::string pattern = (fs::temp_directory_path() / "wat-conformance-XXXXXX").string();
  ASSERT_NE(mkdtemp(pattern.data()), nullptr);
  const fs::path temp = pattern;
  std::vector<fs::path> scripts;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == ".wast") scripts.push_back(entry.path());
  }
  std::sort(scripts.begin(), scripts.end());
  Counts counts;
  SuiteRunner runner(temp);
  for (const fs::path& script : scripts)
    runner.run_script(script, &counts);
  fs::remove_all(temp);

  std::printf("%s: %zu scripts\n", dir.string().c_str(), scripts.size());
  std::printf("  text assert_malformed: %d rejected of %d (%d with the expected message)\n",
              counts.rejected, counts.malformed, counts.same_reason);
  std::printf(
      "  modules: %d equivalent, %d mismatched, of %d (%d quote forms included, "
      "%d binary forms skipped)\n",
      counts.equivalent, counts.mismatched, counts.modules, counts.quoted, counts.skipped);
  std::printf("  modules in assert_invalid/unlinkable/uninstantiable: %d equivalent of %d\n",
              counts.assert_equivalent, counts.assert_modules);
  for (const std::string& failure : counts.failures)
    ADD_FAILURE() << failure;
  EXPECT_EQ(counts.rejected, counts.malformed);
  EXPECT_EQ(counts.same_reason, counts.malformed);
  EXPECT_EQ(counts.equivalent, counts.modules);
  EXPECT_EQ(counts.assert_equivalent, counts.assert_modules);
  EXPECT_GT(counts.modules, 0);
}

TEST(WatConformance, Core) {
  run_suite_dir(suite_dir() / "core");
}
TEST(WatConformance, Threads) {
  run_suite_dir(suite_dir() / "proposals" / "threads");
}
TEST(WatConformance, TailCall) {
  run_suite_dir(suite_dir() / "proposals" / "tail-call");
}
// The legacy exception handling of that snapshot (try, catch, catch_all, delegate, rethrow,
// tags), which wabt 1.0.32 encodes as the 3.0 suite's legacy/ scripts expect.
TEST(WatConformance, LegacyExceptionHandling) {
  run_suite_dir(suite_dir() / "proposals" / "exception-handling");
}

}  // namespace
}  // namespace wasmscope::internal
