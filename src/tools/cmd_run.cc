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
    "floats as decimal, hex, inf, -inf or nan.\n"
    "\n"
    "options:\n"
    "  --invoke NAME        the export to call\n"
    "  --explicit-bounds    check every memory access instead of using guard pages\n"
    "  --disable FEATURE    turn off a proposal (simd, threads, tail-call, ...)\n"
    "\n"
    "exit status: 0 on success, 1 if the module fails to load or link, 2 on usage errors,\n"
    "134 if the guest traps (the trap and its guest stack go to stderr).\n";

constexpr int kTrapExitStatus = 134;

/// Parses {text} as a value of {type} into {slot}; throws {UsageError} if it is not one.
void parse_arg(const std::string& text, ValType type, Slot* slot) {
  errno = 0;
  char* end = nullptr;
  const char* s = text.c_str();
  switch (type) {
    case ValType::kI32:
    case ValType::kI64: {
      const bool negative = s[0] == '-';
      const unsigned long long magnitude = std::strtoull(negative ? s + 1 : s, &end, 0);
      const unsigned bits = type == ValType::kI32 ? 32 : 64;
      const unsigned long long limit =
          bits == 64 ? UINT64_MAX : (negative ? 0x80000000ull : 0xffffffffull);
      if (end == s || *end != '\0' || errno == ERANGE || magnitude > limit || s[0] == '+' ||
          (negative && s[1] == '-')) {
        throw UsageError("'" + text + "' is not a valid " + valtype_name(type));
      }
      uint64_t value = negative ? uint64_t{0} - magnitude : magnitude;
      if (bits == 32) value &= 0xffffffffu;
      *slot = value;
      return;
    }
    case ValType::kF32: {
      const float f = std::strtof(s, &end);
      if (end == s || *end != '\0') throw UsageError("'" + text + "' is not a valid f32");
      uint32_t bits;
      std::memcpy(&bits, &f, 4);
      *slot = bits;
      return;
    }
    case ValType::kF64: {
      const double d = std::strtod(s, &end);
      if (end == s || *end != '\0') throw UsageError("'" + text + "' is not a valid f64");
      std::memcpy(slot, &d, 8);
      return;
    }
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
