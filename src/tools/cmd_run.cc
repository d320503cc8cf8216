// wasmscope run FILE [--invoke NAME [ARGS...]]: instantiate a module and call an export.
#include <cctype>
#include <cerrno>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "runtime/store.h"
#include "stack/symbolizer.h"
#include "tools/commands.h"
#include "tools/file_io.h"

namespace wasmscope::internal::tools {
namespace {

constexpr const char* kRunUsage =
    "usage: wasmscope run [OPTIONS] FILE [--invoke NAME] [ARGS...]\n"
    "\n"
    "Instantiates FILE (.wasm, or .wat text) and calls the exported function NAME with ARGS,\n"
    "printing its results one per line. Without --invoke it runs the start function and, if\n"
    "the module exports one, '_start'. Modules with imports cannot be run yet (WASI comes\n"
    "later).\n"
    "\n"
    "arguments are parsed by parameter type: integers in decimal or 0x hex (negative allowed),\n"
    "floats as decimal, hex, inf, -inf or nan. A v128 is either 0x and exactly 32 hex digits\n"
    "(one 128-bit integer, most significant digit first, as v128 results are printed) or\n"
    "SHAPE:LANE,LANE,... with SHAPE one of i8x16, i16x8, i32x4, i64x2, f32x4, f64x2 and\n"
    "exactly that many lanes, lane 0 first (integer lanes in decimal or 0x hex, negative\n"
    "allowed; float lanes like f32/f64 arguments), e.g. i32x4:1,2,3,-4.\n"
    "\n"
    "options:\n"
    "  --invoke NAME        the export to call\n"
    "  --explicit-bounds    check every memory access instead of using guard pages\n"
    "  --disable FEATURE    turn off a proposal (simd, threads, tail-call, ...)\n"
    "\n"
    "exit status: 0 on success, 1 if the module fails to load or link, 2 on usage errors,\n"
    "134 if the guest traps (the trap and its guest stack go to stderr).\n";

constexpr int kTrapExitStatus = 134;

/// Parses {s} as an integer of {bits} bits (decimal or 0x hex, negative allowed down to the
/// signed minimum, positive up to the unsigned maximum) into {out}, truncated to {bits} bits.
bool parse_int(const char* s, unsigned bits, uint64_t* out) {
  errno = 0;
  char* end = nullptr;
  const bool negative = s[0] == '-';
  const char* digits = negative ? s + 1 : s;
  if (!std::isalnum(static_cast<unsigned char>(digits[0]))) return false;  // "", "+1", " 1", "--1"
  const unsigned long long magnitude = std::strtoull(digits, &end, 0);
  const unsigned long long max = bits == 64 ? UINT64_MAX : (1ull << bits) - 1;
  const unsigned long long limit = negative ? (max >> 1) + 1 : max;
  if (end == digits || *end != '\0' || errno == ERANGE || magnitude > limit) return false;
  const uint64_t value = negative ? uint64_t{0} - magnitude : magnitude;
  *out = value & max;
  return true;
}

bool parse_f32_bits(const char* s, uint64_t* out) {
  char* end = nullptr;
  const float f = std::strtof(s, &end);
  if (end == s || *end != '\0') return false;
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  *out = bits;
  return true;
}

bool parse_f64_bits(const char* s, uint64_t* out) {
  char* end = nullptr;
  const double d = std::strtod(s, &end);
  if (end == s || *end != '\0') return false;
  std::memcpy(out, &d, 8);
  return true;
}

/// Parses a v128 argument (see kRunUsage) into {slot}[0] (bytes 0-7) and {slot}[1] (8-15).
void parse_v128(const std::string& text, Slot* slot) {
  auto invalid = [&text](const std::string& why) {
    return UsageError("'" + text + "' is not a valid v128: " + why);
  };
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    const std::string digits = text.substr(2);
    if (digits.size() != 32) {
      throw invalid("expected 0x and exactly 32 hex digits, got " +
                    std::to_string(digits.size()));
    }
    uint64_t half[2] = {0, 0};  // most significant half first
    for (size_t i = 0; i < 32; ++i) {
      const char c = digits[i];
      if (!std::isxdigit(static_cast<unsigned char>(c))) {
        throw invalid(std::string("bad hex digit '") + c + "'");
      }
      const unsigned v = std::isdigit(static_cast<unsigned char>(c))
                             ? static_cast<unsigned>(c - '0')
                             : static_cast<unsigned>(std::tolower(c) - 'a' + 10);
      half[i / 16] = (half[i / 16] << 4) | v;
    }
    slot[0] = half[1];
    slot[1] = half[0];
    return;
  }
  const size_t colon = text.find(':');
  if (colon == std::string::npos) {
    throw invalid("expected 0x and 32 hex digits, or SHAPE:LANE,... (SHAPE i8x16, i16x8, "
                  "i32x4, i64x2, f32x4 or f64x2)");
  }
  struct Shape {
    const char* name;
    unsigned bits;
    bool is_float;
  };
  static constexpr Shape kShapes[] = {{"i8x16", 8, false},  {"i16x8", 16, false},
                                      {"i32x4", 32, false}, {"i64x2", 64, false},
                                      {"f32x4", 32, true},  {"f64x2", 64, true}};
  const std::string shape_name = text.substr(0, colon);
  const Shape* shape = nullptr;
  for (const Shape& candidate : kShapes) {
    if (shape_name == candidate.name) shape = &candidate;
  }
  if (shape == nullptr) {
    throw invalid("unknown lane shape '" + shape_name +
                  "' (expected i8x16, i16x8, i32x4, i64x2, f32x4 or f64x2)");
  }
  const size_t lanes = 128 / shape->bits;
  std::vector<std::string> parts;
  for (size_t pos = colon + 1;;) {
    const size_t comma = text.find(',', pos);
    parts.push_back(text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  if (parts.size() != lanes) {
    throw invalid(std::string(shape->name) + " needs " + std::to_string(lanes) + " lanes, " +
                  std::to_string(parts.size()) + " given");
  }
  slot[0] = 0;
  slot[1] = 0;
  for (size_t i = 0; i < lanes; ++i) {
    uint64_t value = 0;
    const char* lane = parts[i].c_str();
    bool ok;
    if (!shape->is_float) {
      ok = parse_int(lane, shape->bits, &value);
    } else if (shape->bits == 32) {
      ok = parse_f32_bits(lane, &value);
    } else {
      ok = parse_f64_bits(lane, &value);
    }
    if (!ok) {
      throw invalid("lane " + std::to_string(i) + " '" + parts[i] + "' is not a valid " +
                    (shape->is_float ? (shape->bits == 32 ? "f32" : "f64")
                                     : "i" + std::to_string(shape->bits)));
    }
    const size_t bit = i * shape->bits;  // little-endian: lane 0 in the lowest bits of slot 0
    slot[bit / 64] |= value << (bit % 64);
  }
}

/// Parses {text} as a value of {type} into {slot} (two slots for a v128); throws {UsageError}
/// if it is not one.
void parse_arg(const std::string& text, ValType type, Slot* slot) {
  const char* s = text.c_str();
  uint64_t value = 0;
  switch (type) {
    case ValType::kI32:
    case ValType::kI64:
      if (!parse_int(s, type == ValType::kI32 ? 32 : 64, &value)) {
        throw UsageError("'" + text + "' is not a valid " + valtype_name(type));
      }
      *slot = value;
      return;
    case ValType::kF32:
      if (!parse_f32_bits(s, &value)) throw UsageError("'" + text + "' is not a valid f32");
      *slot = value;
      return;
    case ValType::kF64:
      if (!parse_f64_bits(s, &value)) throw UsageError("'" + text + "' is not a valid f64");
      *slot = value;
      return;
    case ValType::kV128:
      parse_v128(text, slot);
      return;
    default:
      throw UsageError(std::string("arguments of type ") + valtype_name(type) +
                       " are not supported by the CLI yet");
  }
}

std::string format_value(const Slot* slot, ValType type) {
  char buf[64];
  switch (type) {
    case ValType::kI32:
      std::snprintf(buf, sizeof buf, "%" PRId32, static_cast<int32_t>(static_cast<uint32_t>(*slot)));
      return buf;
    case ValType::kI64:
      std::snprintf(buf, sizeof buf, "%" PRId64, static_cast<int64_t>(*slot));
      return buf;
    case ValType::kF32: {
      float f;
      const uint32_t bits = static_cast<uint32_t>(*slot);
      std::memcpy(&f, &bits, 4);
      std::snprintf(buf, sizeof buf, "%.9g", static_cast<double>(f));
      return buf;
    }
    case ValType::kF64: {
      double d;
      std::memcpy(&d, slot, 8);
      std::snprintf(buf, sizeof buf, "%.17g", d);
      return buf;
    }
    case ValType::kV128:
      std::snprintf(buf, sizeof buf, "0x%016" PRIx64 "%016" PRIx64, slot[1], slot[0]);
      return buf;
    case ValType::kFuncRef:
    case ValType::kExternRef:
      return *slot == 0 ? "null" : "ref";
  }
  return "?";
}

/// Prints a trap and its guest stack, innermost frame first.
void print_trap(const InvokeOutcome& outcome, const std::string& module_name) {
  std::fprintf(stderr, "trap: %s\n", outcome.message.c_str());
  for (const SymbolizedFrame& frame : symbolize_stack(outcome.frames, module_name)) {
    std::fprintf(stderr, "    at %s\n", frame.to_string().c_str());
  }
}

std::string module_name_of(const std::string& path) {
  std::string name = path.substr(path.find_last_of('/') + 1);
  return name.substr(0, name.find('.'));
}

}  // namespace

int cmd_run(const Args& args) {
  if (wants_help(args)) {
    std::fputs(kRunUsage, stdout);
    return 0;
  }
  StoreConfig config;
  std::string path;
  std::string invoke_name;
  bool have_invoke = false;
  Args call_args;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (!path.empty() && have_invoke) {
      call_args.push_back(a);  // after FILE and --invoke NAME everything is an argument
    } else if (a == "--invoke") {
      if (i + 1 >= args.size()) throw UsageError("--invoke needs a function name");
      invoke_name = args[++i];
      have_invoke = true;
    } else if (a == "--explicit-bounds") {
      config.bounds = BoundsChecks::kExplicit;
    } else if (a == "--disable") {
      if (i + 1 >= args.size()) throw UsageError("--disable needs a feature name");
      disable_feature(args[++i], &config.features);
    } else if (a == "--") {
      call_args.insert(call_args.end(), args.begin() + static_cast<ptrdiff_t>(i) + 1, args.end());
      break;
    } else if (path.empty() && !(a.size() > 1 && a[0] == '-' && !std::isdigit(a[1]))) {
      path = a;
    } else if (!path.empty()) {
      call_args.push_back(a);
    } else {
      throw UsageError("unknown option '" + a + "' (see 'wasmscope run --help')");
    }
  }
  if (path.empty()) throw UsageError("run needs a module file (see 'wasmscope run --help')");

  auto bytes = load_module_bytes(path, config.features);
  if (!bytes.ok()) {
    std::fprintf(stderr, "%s: %s\n", path.c_str(), bytes.error().to_string().c_str());
    return 1;
  }
  Store store(config);
  auto compiled = compile_module(std::move(*bytes), store.config());
  if (!compiled.ok()) {
    std::fprintf(stderr, "%s: %s\n", path.c_str(), compiled.error().to_string().c_str());
    return 1;
  }
  const Module& m = (*compiled)->module;
  if (!m.imports.empty()) {
    std::fprintf(stderr, "%s: unlinkable: unknown import \"%s\" \"%s\" (wasmscope run links no "
                 "host modules yet)\n", path.c_str(), m.imports[0].module.c_str(),
                 m.imports[0].name.c_str());
    return 1;
  }
  const std::string module_name = module_name_of(path);
  TrapInfo trap;
  auto instance = store.instantiate(*compiled, {}, &trap);
  if (!instance.ok()) {
    if (instance.error().kind == ErrorKind::kTrap) {
      InvokeOutcome outcome;
      outcome.message = trap.message;
      outcome.frames = trap.frames;
      print_trap(outcome, module_name);
      return kTrapExitStatus;
    }
    std::fprintf(stderr, "%s: %s\n", path.c_str(), instance.error().to_string().c_str());
    return 1;
  }
  if (!have_invoke) {
    if ((*instance)->find_export("_start").as_func() == nullptr) return 0;
    invoke_name = "_start";
  }
  const Func* func = (*instance)->find_export(invoke_name).as_func();
  if (func == nullptr) {
    std::fprintf(stderr, "%s: no exported function named '%s'\n", path.c_str(),
                 invoke_name.c_str());
    return 1;
  }
  const FuncType& type = *func->type;
  if (call_args.size() != type.params.size()) {
    throw UsageError("'" + invoke_name + "' takes " + std::to_string(type.params.size()) +
                     " arguments, " + std::to_string(call_args.size()) + " given");
  }
  std::vector<Slot> slots(func->arg_slots + 2, 0);
  size_t slot = 0;
  for (size_t i = 0; i < call_args.size(); ++i) {
    parse_arg(call_args[i], type.params[i], &slots[slot]);
    slot += type.params[i] == ValType::kV128 ? 2 : 1;
  }
  InvokeOutcome outcome = store.call(func, slots.data());
  if (outcome.trap != Trap::kNone) {
    print_trap(outcome, module_name);
    return kTrapExitStatus;
  }
  slot = 0;
  for (ValType t : type.results) {
    std::printf("%s\n", format_value(&slots[slot], t).c_str());
    slot += t == ValType::kV128 ? 2 : 1;
  }
  return 0;
}

}  // namespace wasmscope::internal::tools
