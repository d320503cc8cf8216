#include "tools/wast_reader.h"

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <map>
#include <set>
#include <stdexcept>
#include <vector>

#include "text/lexer.h"
#include "text/number.h"

namespace wasmscope::internal::tools {
namespace {

using nlohmann::json;

/// Keywords that start a module field: a script made only of these is one module.
bool is_module_field(std::string_view keyword) {
  static constexpr std::string_view kFields[] = {"type",  "import", "func",  "table", "memory",
                                                 "global", "export", "start", "elem",  "data",
                                                 "tag",   "rec"};
  return std::find(std::begin(kFields), std::end(kFields), keyword) != std::end(kFields);
}

/// Whether keyword {k} belongs to WebAssembly 3.0's garbage collection: its types (struct,
/// array, i31, subtyping, recursion groups), heap types and instructions. Typed function
/// references and exceptions are not garbage collection.
bool is_gc_keyword(std::string_view k) {
  static constexpr std::string_view kWords[] = {
      "struct", "array",    "i31",    "sub",      "rec",       "field",         "final",
      "any",    "eq",       "none",   "noextern", "nofunc",    "anyref",        "eqref",
      "i31ref", "structref", "arrayref", "nullref", "nullexternref", "nullfuncref", "ref.eq",
      "ref.test", "ref.cast", "br_on_cast", "br_on_cast_fail", "any.convert_extern",
      "extern.convert_any", "ref.i31"};
  if (std::find(std::begin(kWords), std::end(kWords), k) != std::end(kWords)) return true;
  return k.starts_with("struct.") || k.starts_with("array.") || k.starts_with("i31.");
}

class Reader {
 public:
  Reader(std::string_view source, std::vector<Token> tokens, std::string dir, std::string stem)
      : source_(source), tokens_(std::move(tokens)), dir_(std::move(dir)), stem_(std::move(stem)) {
    for (size_t i = 0; i < source_.size(); ++i) {
      if (source_[i] == '\n') newlines_.push_back(static_cast<uint32_t>(i));
    }
  }

  json run() {
    json commands = json::array();
    if (whole_file_is_one_module()) {
      json command = {{"type", "module"}, {"line", line_of(tokens_[0])}};
      const std::string text =
          "(module " + std::string(source_.substr(tokens_[0].offset)) + "\n)";
      command["filename"] = write_module(text, true);
      command["module_type"] = "text";
      commands.push_back(std::move(command));
      return commands;
    }
    while (peek().kind != TokenKind::kEof) commands.push_back(command());
    return commands;
  }

 private:
  // ---- tokens

  const Token& peek(size_t ahead = 0) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
  }
  const Token& next() {
    const Token& token = peek();
    if (token.kind != TokenKind::kEof) ++pos_;
    return token;
  }
  uint32_t line_of(const Token& token) const {
    return static_cast<uint32_t>(
               std::lower_bound(newlines_.begin(), newlines_.end(), token.offset) -
               newlines_.begin()) +
           1;
  }
  [[noreturn]] void error(const Token& at, const std::string& what) const {
    std::string near = at.kind == TokenKind::kEof ? "end of file" : "'" + std::string(at.text) + "'";
    throw std::runtime_error("line " + std::to_string(line_of(at)) + ": " + what + " (at " + near + ")");
  }
  bool at_keyword(std::string_view keyword, size_t ahead = 0) const {
    return peek(ahead).kind == TokenKind::kKeyword && peek(ahead).text == keyword;
  }
  /// At "(" followed by {keyword}.
  bool at_form(std::string_view keyword) const {
    return peek().kind == TokenKind::kLParen && at_keyword(keyword, 1);
  }
  void expect(TokenKind kind, const char* what) {
    if (peek().kind != kind) error(peek(), std::string("expected ") + what);
    next();
  }
  std::string keyword(const char* what) {
    if (peek().kind != TokenKind::kKeyword) error(peek(), std::string("expected ") + what);
    return std::string(next().text);
  }
  std::string string_literal(const char* what) {
    if (peek().kind != TokenKind::kString) error(peek(), std::string("expected ") + what);
    return next().value;
  }
  /// Skips the rest of the form opened by {open}, which has been read; returns its ")".
  const Token& skip_to_close(const Token& open) {
    for (int depth = 1;;) {
      const Token& token = next();
      if (token.kind == TokenKind::kEof) error(open, "this parenthesis is never closed");
      if (token.kind == TokenKind::kLParen) ++depth;
      if (token.kind == TokenKind::kRParen && --depth == 0) return token;
    }
  }

  bool whole_file_is_one_module() const {
    return tokens_.size() > 2 && tokens_[0].kind == TokenKind::kLParen &&
           tokens_[1].kind == TokenKind::kKeyword && is_module_field(tokens_[1].text);
  }

  // ---- commands

  json command() {
    const Token& open = peek();
    if (open.kind != TokenKind::kLParen) error(open, "expected a command");
    const std::string head = peek(1).kind == TokenKind::kKeyword ? std::string(peek(1).text) : "";
    // wast2json's lines, which the expected-failures lists use: a command's keyword's, or for
    // an assertion that of its module's or action's keyword.
    const bool assertion = head.starts_with("assert_") && peek(2).kind == TokenKind::kLParen;
    const uint32_t line = line_of(assertion ? peek(3) : head.empty() ? open : peek(1));
    json command = {{"type", head}, {"line", line}};
    gc_value_ = false;
    if (head == "module") {
      module(&command);
    } else if (head == "register") {
      next();
      next();
      command["as"] = string_literal("a name to register the module as");
      if (peek().kind == TokenKind::kId) command["name"] = std::string(next().text);
      expect(TokenKind::kRParen, "')' after register");
      json target = json::object();
      if (command.contains("name")) target["module"] = command["name"];
      if (target_gc(target)) {
        command["needs"] = "gc";
        gc_registered_.insert(command["as"].get<std::string>());
      }
    } else if (head == "invoke" || head == "get") {
      command["type"] = "action";
      command["action"] = action();
      command["expected"] = json::array();
    } else if (head == "assert_return") {
      next();
      next();
      command["action"] = action();
      command["expected"] = results();
      expect(TokenKind::kRParen, "')' after the expected results");
    } else if (head == "assert_exception") {
      // Exception handling: "(assert_exception action)", an action that must end in an
      // exception nothing caught. No message: an exception is not a trap.
      next();
      next();
      command["action"] = action();
      expect(TokenKind::kRParen, "')' after the action");
    } else if (head == "assert_trap" || head == "assert_exhaustion") {
      next();
      next();
      if (head == "assert_trap" && at_form("module")) {
        command["type"] = "assert_uninstantiable";
        module(&command);
      } else {
        command["action"] = action();
      }
      command["text"] = string_literal("the expected trap message");
      expect(TokenKind::kRParen, "')' after the trap message");
    } else if (head == "assert_malformed" || head == "assert_invalid" ||
               head == "assert_unlinkable" || head == "assert_malformed_custom" ||
               head == "assert_invalid_custom") {
      next();
      next();
      if (!at_form("module")) error(peek(), "expected a module");
      module(&command);
      command["text"] = string_literal("the expected error message");
      expect(TokenKind::kRParen, "')' after the error message");
    } else {
      // Unknown to this reader (a proposal's command, a misspelling): kept, never skipped.
      if (head.empty()) command["type"] = "(unreadable command)";
      next();
      skip_to_close(open);
    }
    if (command.contains("action") && (target_gc(command["action"]) || gc_value_)) {
      command["needs"] = "gc";
    }
    return command;
  }

  /// Reads "(module $id? ...)" into {command}: its name, file and format. Marks the command
  /// "needs": "gc" when the module uses garbage collection (its text, or an import from a
  /// registered module that does); a plain "module" command also makes it the current (and
  /// named) module for later actions.
  void module(json* command) {
    const Token& open = next();
    next();  // "module"
    if (at_keyword("instance")) {
      // "(module instance $instance? $definition?)" (3.0 scripts): instantiates a definition
      // (the named one, else the latest).
      next();
      (*command)["type"] = "module instance";
      std::string instance;
      std::string definition;
      if (peek().kind == TokenKind::kId) instance = std::string(next().text);
      if (peek().kind == TokenKind::kId) definition = std::string(next().text);
      expect(TokenKind::kRParen, "')' after a module instance");
      if (!instance.empty()) (*command)["name"] = instance;
      if (!definition.empty()) (*command)["definition"] = definition;
      auto it = definition.empty() ? definition_gc_.end() : definition_gc_.find(definition);
      const bool gc = it != definition_gc_.end() ? it->second : last_definition_gc_;
      if (gc) (*command)["needs"] = "gc";
      current_gc_ = gc;
      if (!instance.empty()) named_gc_[instance] = gc;
      return;
    }
    // "(module definition $name? ...)" (3.0 scripts): a module compiled, not instantiated.
    const bool definition = at_keyword("definition");
    if (definition) {
      next();
      (*command)["type"] = "module definition";
    }
    std::string name;
    if (peek().kind == TokenKind::kId) name = std::string(next().text);
    if (!name.empty()) (*command)["name"] = name;
    bool gc = false;
    if (at_keyword("binary") || at_keyword("quote")) {
      const bool text = next().text == "quote";
      std::string bytes;
      while (peek().kind == TokenKind::kString) bytes += next().value;
      expect(TokenKind::kRParen, text ? "strings of a quoted module" : "strings of a binary module");
      (*command)["filename"] = write_module(bytes, text);
      (*command)["module_type"] = text ? "text" : "binary";
      if (text) {
        // Tokens of a quoted module: unreadable ones are the parser's to reject.
        Result<std::vector<Token>> quoted = tokenize(bytes);
        if (quoted.ok()) gc = uses_gc(quoted->data(), quoted->data() + quoted->size());
      }
      note_module(command, name, gc);
      return;
    }
    const size_t first = pos_;
    const uint32_t fields = peek().offset;
    const Token& close = skip_to_close(open);
    // A definition's name belongs to the script, not to the module text.
    const std::string text =
        definition ? "(module " + std::string(source_.substr(fields, close.offset + 1 - fields))
                   : std::string(source_.substr(open.offset, close.offset + 1 - open.offset));
    (*command)["filename"] = write_module(text, true);
    (*command)["module_type"] = "text";
    gc = uses_gc(tokens_.data() + first, tokens_.data() + pos_);
    note_module(command, name, gc);
  }

  /// Whether the tokens [{begin}, {end}) of a module use garbage collection: a GC keyword,
  /// or an import from a module registered while it needed it.
  bool uses_gc(const Token* begin, const Token* end) const {
    for (const Token* t = begin; t != end; ++t) {
      if (t->kind == TokenKind::kKeyword && is_gc_keyword(t->text)) return true;
      if (t->kind == TokenKind::kKeyword && t->text == "import" && t + 1 != end &&
          t[1].kind == TokenKind::kString && gc_registered_.count(t[1].value) != 0) {
        return true;
      }
    }
    return false;
  }

  void note_module(json* command, const std::string& name, bool gc) {
    if (gc) (*command)["needs"] = "gc";
    if ((*command)["type"] == "module definition") {
      last_definition_gc_ = gc;
      if (!name.empty()) definition_gc_[name] = gc;
      return;
    }
    if ((*command)["type"] != "module") return;
    current_gc_ = gc;
    if (!name.empty()) named_gc_[name] = gc;
  }

  /// Whether an action on module {name} ("": the current one) acts on one that needs GC.
  bool target_gc(const json& action) const {
    if (!action.contains("module")) return current_gc_;
    auto it = named_gc_.find(action.at("module").get<std::string>());
    return it != named_gc_.end() && it->second;
  }

  std::string write_module(const std::string& contents, bool text) {
    const std::string name = stem_ + "." + std::to_string(module_count_++) + (text ? ".wat" : ".wasm");
    std::ofstream out(dir_ + "/" + name, std::ios::binary);
    out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
    out.close();
    if (!out) throw std::runtime_error("cannot write " + dir_ + "/" + name);
    return name;
  }

  /// "(invoke $id? "name" arg*)" or "(get $id? "name")".
  json action() {
    expect(TokenKind::kLParen, "an action");
    const std::string type = keyword("invoke or get");
    if (type != "invoke" && type != "get") error(peek(), "expected invoke or get, not " + type);
    json action = {{"type", type}};
    if (peek().kind == TokenKind::kId) action["module"] = std::string(next().text);
    action["field"] = string_literal("an export name");
    if (type == "invoke") {
      json args = json::array();
      while (peek().kind == TokenKind::kLParen) args.push_back(value(false));
      action["args"] = std::move(args);
    }
    expect(TokenKind::kRParen, "')' after the action");
    return action;
  }

  json results() {
    json out = json::array();
    while (peek().kind == TokenKind::kLParen) out.push_back(value(true));
    return out;
  }

  /// A constant "(i32.const 1)", "(v128.const f32x4 ...)", "(ref.null func)"...; {expected}
  /// allows what only results may say ("nan:canonical", "(ref.func)").
  json value(bool expected) {
    const Token& open = next();
    const std::string op = keyword("a value");
    json v;
    if (op == "i32.const" || op == "i64.const" || op == "f32.const" || op == "f64.const") {
      const std::string type = op.substr(0, 3);
      v = {{"type", type}, {"value", number(type, expected)}};
    } else if (op == "v128.const") {
      const std::string shape = keyword("a v128 shape");
      static const std::pair<const char*, int> kShapes[] = {
          {"i8x16", 16}, {"i16x8", 8}, {"i32x4", 4}, {"i64x2", 2}, {"f32x4", 4}, {"f64x2", 2}};
      int lanes = 0;
      for (const auto& [name, count] : kShapes) {
        if (shape == name) lanes = count;
      }
      if (lanes == 0) error(peek(), "unknown v128 shape " + shape);
      const std::string lane_type = shape.substr(0, shape.find('x'));
      json values = json::array();
      for (int i = 0; i < lanes; ++i) values.push_back(number(lane_type, expected));
      v = {{"type", "v128"}, {"lane_type", lane_type}, {"value", std::move(values)}};
    } else if (op == "ref.null") {
      const std::string heap = peek().kind == TokenKind::kRParen ? "" : keyword("a heap type");
      if (heap.empty() && expected) {
        // 3.0: "(ref.null)" as a result is a null of any reference type.
        v = {{"type", "anynullref"}, {"value", "null"}};
      } else if (heap == "func") {
        v = {{"type", "funcref"}, {"value", "null"}};
      } else if (heap == "extern") {
        v = {{"type", "externref"}, {"value", "null"}};
      } else if (heap == "exn" || heap == "noexn") {
        // Exception handling: a null of the exception hierarchy, which matches either.
        v = {{"type", "exnref"}, {"value", "null"}};
      } else {
        v = {{"type", "ref.null " + heap}};  // A 3.0 heap type: the runner reports it.
        if (is_gc_keyword(heap)) gc_value_ = true;
      }
    } else if (op == "ref.extern" || op == "ref.func") {
      v = {{"type", op == "ref.extern" ? "externref" : "funcref"}};
      if (peek().kind != TokenKind::kRParen) {
        uint64_t n = 0;
        if (parse_unsigned(next().text, UINT32_MAX, &n) != NumStatus::kOk) {
          error(open, op + " needs an unsigned 32-bit number");
        }
        v["value"] = std::to_string(n);
      } else if (!expected) {
        error(open, op + " needs a number as an argument");
      }
    } else if (op == "either" && expected) {
      // A result with alternatives (3.0 scripts, relaxed SIMD): any of them may come out.
      json values = json::array();
      while (peek().kind == TokenKind::kLParen) values.push_back(value(true));
      if (values.empty()) error(open, "either needs at least one value");
      v = {{"type", "either"}, {"values", std::move(values)}};
    } else {
      // Not a 2.0 value ("ref.host", GC references): kept so that the runner fails
      // the command that uses it, or reports it as needing GC.
      v = {{"type", op}};
      static constexpr std::string_view kGcValues[] = {"ref.struct", "ref.array", "ref.i31",
                                                       "ref.eq",     "ref.any",   "ref.host"};
      if (std::find(std::begin(kGcValues), std::end(kGcValues), op) != std::end(kGcValues)) {
        gc_value_ = true;
      }
      skip_to_close(open);
      return v;
    }
    expect(TokenKind::kRParen, "')' after the value");
    return v;
  }

  /// One number of type {type} (i8, i16, i32, i64, f32, f64) as wast2json writes it: the bits
  /// as an unsigned decimal, or a NaN class in expectations.
  std::string number(const std::string& type, bool expected) {
    const Token& token = next();
    if (token.kind != TokenKind::kNumber && token.kind != TokenKind::kKeyword) {
      error(token, "expected a number");
    }
    const std::string_view text = token.text;
    if (type[0] == 'f' && expected && (text == "nan:canonical" || text == "nan:arithmetic")) {
      return std::string(text);
    }
    NumStatus status = NumStatus::kSyntax;
    uint64_t bits = 0;
    if (type == "f32") {
      uint32_t b = 0;
      status = parse_f32(text, &b);
      bits = b;
    } else if (type == "f64") {
      status = parse_f64(text, &bits);
    } else {
      status = parse_int(text, static_cast<unsigned>(std::stoi(type.substr(1))), &bits);
    }
    if (status != NumStatus::kOk) error(token, "not a valid " + type + " constant");
    return std::to_string(bits);
  }

  std::string_view source_;
  std::vector<Token> tokens_;
  std::vector<uint32_t> newlines_;
  std::string dir_;
  std::string stem_;
  size_t pos_ = 0;
  int module_count_ = 0;
  bool current_gc_ = false;                 ///< The current module needs GC.
  std::map<std::string, bool> named_gc_;    ///< Named modules: whether each needs GC.
  std::set<std::string> gc_registered_;     ///< Names registered for modules that need GC.
  bool gc_value_ = false;                   ///< The command being read has a GC value.
  std::map<std::string, bool> definition_gc_;  ///< Named module definitions: need GC?
  bool last_definition_gc_ = false;            ///< The latest module definition needs GC.
};

}  // namespace

json read_wast(std::string_view source, const std::string& dir, const std::string& stem) {
  Result<std::vector<Token>> tokens = tokenize(source);
  if (!tokens.ok()) {
    const uint32_t offset = tokens.error().offset;
    const uint32_t line = static_cast<uint32_t>(std::count(
                              source.begin(),
                              source.begin() + std::min<size_t>(offset, source.size()), '\n')) +
                          1;
    throw std::runtime_error("line " + std::to_string(line) + ": " + tokens.error().message);
  }
  Reader reader(source, std::move(tokens.value()), dir, stem);
  return {{"commands", reader.run()}};
}

}  // namespace wasmscope::internal::tools
