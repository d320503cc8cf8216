// wasmscope run [OPTIONS] FILE [ARGS...]: run a WASI command, or call an export (--invoke).
#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cerrno>
#include <cinttypes>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include <unistd.h>

#include "base/leb128.h"
#include "base/platform/guarded_memory.h"
#include "compiler/compiler.h"
#include "diag/coredump.h"
#include "runtime/store.h"
#include "stack/symbolizer.h"
#include "tools/commands.h"
#include "tools/file_io.h"
#include "tools/profile_session.h"
#include "tools/run_diag.h"
#include "wasi/wasi.h"

namespace wasmscope::internal::tools {
namespace {

/// Whether `run` may end a short program with _exit instead of tearing it down (see {leave}
/// in run_program): not under sanitizers, whose leak checks run at exit and would then see
/// every live object as leaked, or nothing at all.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSkipTeardownAtExit = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer) || __has_feature(leak_sanitizer)
constexpr bool kSkipTeardownAtExit = false;
#else
constexpr bool kSkipTeardownAtExit = true;
#endif
#else
constexpr bool kSkipTeardownAtExit = true;
#endif

/// The most code (bytes of the code section) that `run --tier compiled` compiles at level 2
/// when no level is chosen: about 3 s of compiling on this project's 2-core machines.
constexpr uint64_t kJitFullLevelMaxCodeBytes = 256 * 1024;

constexpr const char* kRunUsage =
    "usage: wasmscope run [OPTIONS] FILE [ARGS...]\n"
    "       wasmscope run [OPTIONS] FILE --invoke NAME [VALUES...]\n"
    "\n"
    "Runs FILE (.wasm, or .wat text, or a .cwasm file from 'wasmscope compile': its native\n"
    "code runs with the settings it was compiled with, whatever --tier and --explicit-bounds\n"
    "say). Imports from \"wasi_snapshot_preview1\" (and the older \"wasi_unstable\") are\n"
    "provided by WASI preview1; any other import is an error.\n"
    "\n"
    "A WASI command (a module exporting '_start') runs '_start' with ARGS as its arguments\n"
    "(argv[0] is FILE) and exits with the status it passes to proc_exit, or 0. Everything after\n"
    "FILE is the program's, options included; a '--' right after FILE is dropped.\n"
    "\n"
    "With --invoke, FILE is used as a reactor: its '_initialize' export, if any, runs first,\n"
    "then NAME is called with VALUES and its results are printed one per line. VALUES are\n"
    "parsed by parameter type: integers in decimal or 0x hex (negative allowed), floats as\n"
    "decimal, hex, inf, -inf or nan. A v128 is either 0x and exactly 32 hex digits (one 128-bit\n"
    "integer, most significant digit first, as v128 results are printed) or\n"
    "SHAPE:LANE,LANE,... with SHAPE one of i8x16, i16x8, i32x4, i64x2, f32x4, f64x2 and exactly\n"
    "that many lanes, lane 0 first (integer lanes in decimal or 0x hex, negative allowed; float\n"
    "lanes like f32/f64 arguments), e.g. i32x4:1,2,3,-4.\n"
    "\n"
    "options (before FILE):\n"
    "  --dir HOST[::GUEST]  let the program use directory HOST, under the name GUEST (default:\n"
    "                       HOST as written); nothing outside preopened directories is visible\n"
    "  --env KEY=VALUE      set an environment variable for the program (repeatable)\n"
    "  --inherit-env        pass this process's whole environment (--env entries override)\n"
    "  --invoke NAME        call export NAME instead of running '_start'\n"
    "  --explicit-bounds    check every memory access instead of using guard pages\n"
    "  --tier interp|compiled  run in the interpreter (default) or compile to native code\n"
    "                       first (LLVM, in process; docs/compiled-tier.md)\n"
    "  --opt-level 0..3     the compiled tier's optimization level: 0 none, 1 light (fast\n"
    "                       to compile), 2 LLVM's -O2, 3 LLVM's -O3; default 2, or 1 for a\n"
    "                       .wasm with over 256 KiB of code (-O2 would take seconds to\n"
    "                       compile it: use 'wasmscope compile' for its fast code)\n"
    "                       (environment: WASMSCOPE_TIER and WASMSCOPE_OPT_LEVEL set the\n"
    "                       defaults)\n"
    "  --disable FEATURE    turn off a proposal (simd, threads, tail-call, ...)\n"
    "  --max-threads N      at most N live wasi-threads threads (default 1024); past it\n"
    "                       thread-spawn returns an error to the program\n"
    "  --max-memory SIZE    at most SIZE bytes per memory (suffix K, M, G: KiB, MiB, GiB;\n"
    "                       rounded down to 64 KiB pages): a module declaring more fails to\n"
    "                       start, memory.grow past it returns -1 to the program\n"
    "  --max-table-elements N  at most N elements per table (the same way)\n"
    "  --max-instances N    at most N instances (each wasi-threads thread takes one)\n"
    "  --timeout DURATION   end the program after DURATION of wall-clock time (5s, 500ms,\n"
    "                       ...), printing every thread's stack first; exit status 124\n"
    "  --watchdog DURATION  report a call into the guest still running after DURATION (5s,\n"
    "                       500ms, ...): its stack, state and times (see docs/reports.md)\n"
    "  --on-hang POLICY     report (default: the program goes on and is reported again at\n"
    "                       2x, 4x, ... the deadline), interrupt (the call traps with\n"
    "                       \"interrupted\"), or abort (the process aborts after the report)\n"
    "  --deadlock-grace DURATION|off  report a deadlock once every guest thread has waited\n"
    "                       this long with no timeout and none can wake another (default:\n"
    "                       the --watchdog duration, else 5s); --on-hang applies to it too\n"
    "  --hang-report FILE   where hang and deadlock reports go ('-', the default: stderr)\n"
    "  --coredump-on-trap FILE  on a trap, write a WebAssembly coredump (tool-conventions\n"
    "                       format: stack with locals, memories, globals) to FILE\n"
    "  --hang-report-format text|json\n"
    "\n"
    "SIGQUIT (Ctrl-\\) prints a thread dump to stderr; the program continues. So does\n"
    "'wasmscope stack PID' from another shell (the dump goes there), and\n"
    "'wasmscope stack --coredump FILE PID' writes a coredump of the running program.\n"
    "\n"
    "Threads (wasi-threads): 'wasi' 'thread-spawn' starts a thread running the module's\n"
    "'wasi_thread_start' in a new instance sharing the memory (imported as env.memory, or the\n"
    "module's own shared memory). As in a native process, proc_exit or a trap on any thread\n"
    "ends the whole program, and the program ends when '_start' returns.\n"
    "\n"
    "exit status: the program's own (proc_exit) for WASI commands, else 0 on success; 1 if the\n"
    "module fails to load or link or the program exits with a status above 255; 2 on usage\n"
    "errors; 134 if the guest traps on any thread (the trap and that thread's guest stack go\n"
    "to stderr). A program ended by proc_raise exits with 128 + the signal's number; one ended\n"
    "by --timeout with 124.\n";

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
    case ValType::kExnRef:
      return *slot == 0 ? "null" : "ref";
  }
  return "?";
}

/// Prints a trap and its guest stack, innermost frame first.
/// The trap and its stack, innermost first, with file:line where the module has DWARF line
/// info. Capped like a thread dump's text: a call stack exhausted by runaway recursion is
/// 65,536 frames, of which the innermost and outermost say what there is to say.
void print_trap(const InvokeOutcome& outcome, const std::string& module_name,
                const std::string& thread_name = "main") {
  if (thread_name == "main") {
    std::fprintf(stderr, "trap: %s\n", outcome.message.c_str());
  } else {
    std::fprintf(stderr, "trap: %s (in %s)\n", outcome.message.c_str(), thread_name.c_str());
  }
  const std::vector<FrameRecord>& records = outcome.frames;  // outermost first
  std::vector<SymbolizedFrame> frames;
  std::vector<std::string> locations;
  for (size_t k = 0; k < records.size(); ++k) {  // innermost first
    FrameRecord record = records[records.size() - 1 - k];
    if (k > 0) record.pc = call_position(record);  // a caller: at its call instruction
    frames.push_back(symbolize(record, module_name));
    locations.push_back(source_location(record, frames.back()).value_or(""));
  }
  const std::string text = diag::format_frames(frames, locations);
  std::fwrite(text.data(), 1, text.size(), stderr);
}

std::string module_name_of(const std::string& path) {
  std::string name = path.substr(path.find_last_of('/') + 1);
  return name.substr(0, name.find('.'));
}

/// What the command line asked for.
struct RunOptions {
  StoreConfig config;
  std::string path;
  bool have_invoke = false;
  std::string invoke_name;
  Args rest;  ///< Guest arguments (command) or values (--invoke).
  wasi::WasiOptions wasi;
  std::vector<std::string> env_overrides;
  bool inherit_env = false;
  RunDiagOptions diag;
  std::string coredump_path;  ///< --coredump-on-trap; empty: none.
  std::optional<uint64_t> deadlock_grace;  ///< --deadlock-grace (0: off); unset: the default.
  bool bounds_chosen = false;              ///< --explicit-bounds given.
  bool opt_level_chosen = false;           ///< --opt-level or WASMSCOPE_OPT_LEVEL given.
  uint64_t timeout_ns = 0;                 ///< --timeout; 0: none.
  std::string timeout_text;                ///< --timeout as written, for the message.
};

/// The exit status of a program ended by --timeout (GNU timeout's).
constexpr int kTimeoutExitStatus = 124;

/// "SIZE": a byte count, optionally with K, M or G (or KiB, MiB, GiB) for powers of 1024.
bool parse_size(const std::string& text, uint64_t* out) {
  uint64_t value = 0;
  size_t i = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    if (value > (UINT64_MAX - 9) / 10) return false;
    value = value * 10 + static_cast<uint64_t>(text[i] - '0');
  }
  if (i == 0) return false;
  const std::string unit = text.substr(i);
  unsigned shift = 0;
  if (unit.empty()) {
    shift = 0;
  } else if (unit == "K" || unit == "k" || unit == "KiB") {
    shift = 10;
  } else if (unit == "M" || unit == "MiB") {
    shift = 20;
  } else if (unit == "G" || unit == "GiB") {
    shift = 30;
  } else {
    return false;
  }
  if (value > (UINT64_MAX >> shift)) return false;
  *out = value << shift;
  return true;
}

/// "N": a count that fits {bits} bits, no sign.
uint64_t parse_count(const std::string& option, const std::string& value, unsigned bits) {
  uint64_t n = 0;
  if (value.empty() || value[0] == '-' || !parse_int(value.c_str(), bits, &n)) {
    throw UsageError(option + " needs a number, got '" + value + "'");
  }
  return n;
}

/// How long every thread must wait with no way out before a deadlock is reported, when
/// neither --deadlock-grace nor --watchdog says.
constexpr uint64_t kDefaultDeadlockGraceNs = 5'000'000'000;

/// Splits "HOST::GUEST" (or "HOST") into a preopen.
wasi::Preopen parse_dir(const std::string& spec) {
  std::optional<wasi::Preopen> preopen = wasi::parse_preopen(spec);
  if (!preopen) throw UsageError("--dir needs HOST or HOST::GUEST, got '" + spec + "'");
  return *preopen;
}

/// "KEY=VALUE" with a non-empty key.
void check_env(const std::string& entry) {
  const size_t eq = entry.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw UsageError("--env needs KEY=VALUE, got '" + entry + "'");
  }
}

RunOptions parse_run_args(const Args& args) {
  RunOptions o;
  // The default tier may come from the environment, so that whole test suites and scripts run
  // unchanged on the compiled tier; --tier overrides it.
  if (const char* tier = std::getenv("WASMSCOPE_TIER"); tier != nullptr && *tier != '\0') {
    choose_tier(tier, &o.config);
  }
  if (const char* level = std::getenv("WASMSCOPE_OPT_LEVEL"); level != nullptr && *level != '\0') {
    choose_opt_level(level, &o.config);
    o.opt_level_chosen = true;
  }
  // Undocumented in --help, for tests and for hosts that want the socket server at once
  // (docs/reports.md): milliseconds before `run` starts its socket server and watchdog.
  // `wasmscope stack` reads it from the process's environment, to know how long to wait for
  // the socket.
  if (const char* ms = std::getenv("WASMSCOPE_SERVICE_START_MS"); ms != nullptr && *ms != '\0') {
    const std::optional<uint64_t> ns = parse_service_start_ms(ms);
    if (!ns) {
      throw UsageError(std::string("WASMSCOPE_SERVICE_START_MS must be milliseconds from 0 to "
                                   "3600000, got '") + ms + "'");
    }
    o.diag.service_start_ns = *ns;
  }
  size_t i = 0;
  auto value_of = [&](const std::string& option) -> const std::string& {
    if (i + 1 >= args.size()) throw UsageError(option + " needs a value");
    return args[++i];
  };
  for (; i < args.size() && o.path.empty(); ++i) {
    const std::string& a = args[i];
    if (a == "--invoke") {
      o.invoke_name = value_of(a);
      o.have_invoke = true;
    } else if (a == "--explicit-bounds") {
      o.config.bounds = BoundsChecks::kExplicit;
      o.bounds_chosen = true;
    } else if (a == "--tier") {
      choose_tier(value_of(a), &o.config);
    } else if (a == "--opt-level") {
      choose_opt_level(value_of(a), &o.config);
      o.opt_level_chosen = true;
    } else if (a == "--disable") {
      disable_feature(value_of(a), &o.config.features);
    } else if (a == "--max-threads") {
      o.wasi.max_threads = static_cast<uint32_t>(parse_count(a, value_of(a), 32));
    } else if (a == "--max-memory") {
      const std::string& value = value_of(a);
      if (!parse_size(value, &o.config.store_limits.max_memory_bytes) ||
          o.config.store_limits.max_memory_bytes == 0) {
        throw UsageError("--max-memory needs a size like 64M, 1G or 65536, got '" + value + "'");
      }
    } else if (a == "--max-table-elements") {
      o.config.store_limits.max_table_elements = parse_count(a, value_of(a), 64);
      if (o.config.store_limits.max_table_elements == 0) {
        throw UsageError("--max-table-elements needs at least 1");
      }
    } else if (a == "--max-instances") {
      o.config.store_limits.max_instances = static_cast<uint32_t>(parse_count(a, value_of(a), 32));
      if (o.config.store_limits.max_instances == 0) {
        throw UsageError("--max-instances needs at least 1");
      }
    } else if (a == "--timeout") {
      o.timeout_text = value_of(a);
      if (!diag::parse_duration(o.timeout_text, &o.timeout_ns)) {
        throw UsageError("--timeout needs a duration like 5s or 500ms, got '" + o.timeout_text +
                         "'");
      }
    } else if (a == "--dir") {
      o.wasi.preopens.push_back(parse_dir(value_of(a)));
    } else if (a == "--env") {
      o.env_overrides.push_back(value_of(a));
      check_env(o.env_overrides.back());
    } else if (a == "--inherit-env") {
      o.inherit_env = true;
    } else if (a == "--watchdog") {
      const std::string& value = value_of(a);
      if (!diag::parse_duration(value, &o.diag.watchdog_ns)) {
        throw UsageError("--watchdog needs a duration like 5s or 500ms, got '" + value + "'");
      }
    } else if (a == "--deadlock-grace") {
      const std::string& value = value_of(a);
      uint64_t grace = 0;
      if (value == "off") {
        o.deadlock_grace = 0;
      } else if (diag::parse_duration(value, &grace)) {
        o.deadlock_grace = grace;
      } else {
        throw UsageError("--deadlock-grace needs a duration like 5s, or off, got '" + value + "'");
      }
    } else if (a == "--on-hang") {
      const std::string& value = value_of(a);
      if (value == "report") {
        o.diag.policy = diag::HangPolicy::kReport;
      } else if (value == "interrupt") {
        o.diag.policy = diag::HangPolicy::kInterrupt;
      } else if (value == "abort") {
        o.diag.policy = diag::HangPolicy::kAbort;
      } else {
        throw UsageError("--on-hang needs report, interrupt or abort, got '" + value + "'");
      }
    } else if (a == "--coredump-on-trap") {
      o.coredump_path = value_of(a);
    } else if (a == "--hang-report") {
      o.diag.report_path = value_of(a);
    } else if (a == "--hang-report-format") {
      const std::string& value = value_of(a);
      if (value != "text" && value != "json") {
        throw UsageError("--hang-report-format needs text or json, got '" + value + "'");
      }
      o.diag.json = value == "json";
    } else if (a == "--") {
      if (i + 1 >= args.size()) throw UsageError("'--' must be followed by the module file");
      o.path = args[++i];
    } else if (a.size() > 1 && a[0] == '-') {
      throw UsageError("unknown option '" + a + "' (see 'wasmscope run --help')");
    } else {
      o.path = a;
    }
  }
  if (o.path.empty()) throw UsageError("run needs a module file (see 'wasmscope run --help')");
  // After FILE: "--invoke NAME" (the older spelling), then an optional "--", then arguments.
  if (!o.have_invoke && i + 1 < args.size() && args[i] == "--invoke") {
    o.invoke_name = args[i + 1];
    o.have_invoke = true;
    i += 2;
  }
  if (i < args.size() && args[i] == "--") ++i;
  o.rest.assign(args.begin() + static_cast<ptrdiff_t>(i), args.end());
  o.diag.deadlock_grace_ns = o.deadlock_grace.value_or(
      o.diag.watchdog_ns != 0 ? o.diag.watchdog_ns : kDefaultDeadlockGraceNs);
  return o;
}

/// The environment the program sees: this process's if asked, then --env entries, a later
/// entry replacing an earlier one with the same key.
std::vector<std::string> guest_environment(const RunOptions& o) {
  std::vector<std::string> env;
  if (o.inherit_env) {
    for (char** e = environ; *e != nullptr; ++e) env.emplace_back(*e);
  }
  for (const std::string& entry : o.env_overrides) {
    const std::string key = entry.substr(0, entry.find('=') + 1);
    std::erase_if(env, [&key](const std::string& e) { return e.compare(0, key.size(), key) == 0; });
    env.push_back(entry);
  }
  return env;
}

/// Writes the trap's coredump (frames, their locals, the instances' memories and globals) to
/// {path}, saying on stderr where it went or why it could not.
void write_trap_coredump(const InvokeOutcome& outcome, const std::string& path,
                         const std::string& executable, const std::string& thread_name) {
  CoredumpInput input;
  input.executable = executable;
  input.frames = outcome.frames;
  input.thread_name = thread_name;
  const Result<std::vector<uint8_t>> bytes = write_coredump(input);
  if (!bytes.ok()) {
    std::fprintf(stderr, "wasmscope: no coredump: %s\n", bytes.error().message.c_str());
    return;
  }
  FILE* file = std::fopen(path.c_str(), "wb");
  const bool written = file != nullptr &&
                       std::fwrite(bytes->data(), 1, bytes->size(), file) == bytes->size();
  if (file != nullptr && std::fclose(file) != 0) file = nullptr;
  if (!written || file == nullptr) {
    std::fprintf(stderr, "wasmscope: cannot write the coredump to '%s': %s\n", path.c_str(),
                 std::strerror(errno));
    return;
  }
  std::fprintf(stderr, "wasmscope: coredump written to %s (%zu bytes)\n", path.c_str(),
               bytes->size());
}

/// The exit status of a program that ended with {end}: its own when it exited (proc_exit,
/// proc_raise), else the trap's, printed with the trapping thread's stack.
int end_exit_status(const wasi::ProgramEnd& end, const std::string& module_name,
                    const std::string& coredump_path, const std::string& executable) {
  if (!end.trapped) {
    if (end.status <= 255) return static_cast<int>(end.status);
    std::fprintf(stderr, "wasmscope: the program exited with status %u, which a process "
                 "cannot report (above 255)\n", end.status);
    return 1;
  }
  InvokeOutcome outcome;
  outcome.trap = Trap::kHostTrap;
  outcome.message = end.message;
  outcome.frames = end.frames;
  print_trap(outcome, module_name, end.thread_name);
  if (!coredump_path.empty()) {
    write_trap_coredump(outcome, coredump_path, executable, end.thread_name);
  }
  return kTrapExitStatus;
}

/// How long the other threads of an ended program get to stop before the process exits
/// without them (one blocked where a terminate request cannot reach it).
constexpr std::chrono::seconds kThreadStopGrace{2};

/// Ends the program the way a native process ends: whichever thread ends it first (main's
/// return, proc_exit or a trap anywhere) decides the status, the others are stopped, and the
/// exit is prompt even when the main thread cannot be reached.
class ProgramEnding {
 public:
  ProgramEnding(Store& store, wasi::WasiContext& wasi, std::string module_name,
                std::string coredump_path, std::string executable)
      : store_(store), wasi_(wasi), module_name_(std::move(module_name)),
        coredump_path_(std::move(coredump_path)), executable_(std::move(executable)) {
    wasi_.set_end_hook([this](const wasi::ProgramEnd& end, ExecContext* by) {
      if (by != &store_.context()) watch_main(end);
    });
  }

  /// The exit status once the main thread's call returned with {outcome}.
  int finish(const InvokeOutcome& outcome) {
    wasi::ProgramEnd end;
    end.trapped = outcome.trap != Trap::kNone;
    end.message = outcome.message;
    end.frames = outcome.frames;
    end.thread_name = "main";
    end = wasi_.end_program(std::move(end), &store_.context());
    if (reported().exchange(true)) pause_forever();  // the watcher is exiting the process
    const int status = end_exit_status(end, module_name_, coredump_path_, executable_);
    if (!store_.threads().wait_spawned_ended(
            std::chrono::duration_cast<std::chrono::nanoseconds>(kThreadStopGrace).count())) {
      exit_now(status, "threads did not stop after the program ended");
    }
    return status;
  }

 private:
  /// Another thread ended the program: if the main thread does not come back in time
  /// (blocked where no request reaches), report the end and exit without it. The watcher
  /// owns copies: it may outlive this object by a moment.
  void watch_main(const wasi::ProgramEnd& end) {
    try {
      std::thread([end, module = module_name_, coredump = coredump_path_, exe = executable_] {
        std::this_thread::sleep_for(kThreadStopGrace);
        if (reported().exchange(true)) return;
        exit_now(end_exit_status(end, module, coredump, exe),
                 "the main thread did not stop after the program ended");
      }).detach();
    } catch (const std::system_error&) {
      // No watcher: the main thread's return is then the only way out, as before threads.
    }
  }

  /// Whether the end was reported (by the main thread or the watcher): process-wide, as the
  /// watcher may run after this object is gone.
  static std::atomic<bool>& reported() {
    static std::atomic<bool> flag{false};
    return flag;
  }
  [[noreturn]] static void exit_now(int status, const char* why) {
    std::fprintf(stderr, "wasmscope: %s; exiting\n", why);
    std::fflush(stdout);
    std::fflush(stderr);
    _exit(status);
  }
  [[noreturn]] static void pause_forever() {
    for (;;) std::this_thread::sleep_for(std::chrono::hours(1));
  }

  Store& store_;
  wasi::WasiContext& wasi_;
  std::string module_name_, coredump_path_, executable_;
};


/// --timeout: ends the program once {ns} of wall-clock time have passed since construction,
/// unless destroyed first. The end is the program's exit with status 124, recorded like a
/// proc_exit on no thread (every thread is asked to stop; ProgramEnding's watcher exits the
/// process if the main thread does not come back), after a thread dump says where each
/// thread was.
class RunTimeout {
 public:
  RunTimeout(uint64_t ns, std::string text, Store& store, wasi::WasiContext& wasi,
             const RunDiagnostics& diagnostics)
      : thread_([this, ns, text = std::move(text), &store, &wasi, &diagnostics] {
          std::unique_lock<std::mutex> lock(mutex_);
          if (wake_.wait_for(lock, std::chrono::nanoseconds(ns), [this] { return done_; })) return;
          lock.unlock();
          if (wasi.program_end()) return;  // ended meanwhile: nothing to report
          const std::string dump = diagnostics.dump_text(
              "wasmscope: timeout: the program ran longer than " + text + " (--timeout)");
          std::fwrite(dump.data(), 1, dump.size(), stderr);
          std::fflush(stderr);
          wasi::ProgramEnd end;
          end.status = kTimeoutExitStatus;
          (void)wasi.end_program(std::move(end), nullptr);
          // WASI asks the threads to stop only in a program that has threads.
          store.threads().terminate_program(nullptr);
        }) {}
  ~RunTimeout() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      done_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }
  RunTimeout(const RunTimeout&) = delete;
  RunTimeout& operator=(const RunTimeout&) = delete;

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  bool done_ = false;
  std::thread thread_;  // last: starts once the members it uses exist
};

}  // namespace

int cmd_run(const Args& args) {
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
    std::fputs(kRunUsage, stdout);
    return 0;
  }
  return run_program(args, nullptr);
}

/// The size of {wasm}'s code section (the function bodies), or 0 when it has none or the
/// bytes are not a well-formed section sequence (the decoder then says what is wrong).
uint64_t code_section_bytes(std::span<const uint8_t> wasm) {
  constexpr uint8_t kCodeSection = 10;
  const uint8_t* p = wasm.data() + std::min<size_t>(wasm.size(), 8);  // magic, version
  const uint8_t* end = wasm.data() + wasm.size();
  while (p < end) {
    const uint8_t id = *p++;
    uint64_t size = 0;
    size_t length = 0;
    if (read_uleb(p, end, 32, &size, &length) != LebStatus::kOk) return 0;
    p += length;
    if (size > static_cast<uint64_t>(end - p)) return 0;
    if (id == kCodeSection) return size;
    p += size;
  }
  return 0;
}

int run_program(const Args& args, const ProfileRequest* profile_request) {
  RunOptions o = parse_run_args(args);
  const std::string& path = o.path;
  // A .cwasm file runs the code it carries, with the settings it was compiled with. It is
  // mapped, not read, and its code linked from where it is in the file (tools/file_io.h,
  // {map_file}); the module keeps the mapping. A .wasm is read, as before: copied out of a
  // mapping it would gain nothing, and a file truncated meanwhile would be a SIGBUS instead
  // of a short read (refused as malformed).
  std::shared_ptr<CompiledModule> compiled;
  std::vector<uint8_t> bytes;
  // An I/O error has no offset in the module to name: "FILE: cannot read file: why".
  auto file_error = [&path](const Error& e) {
    std::fprintf(stderr, "%s: %s\n", path.c_str(),
                 e.kind == ErrorKind::kIo ? e.message.c_str() : e.to_string().c_str());
    return 1;
  };
  if (is_text_path(path)) {
    auto text = load_module_bytes(path, o.config.features);
    if (!text.ok()) return file_error(text.error());
    bytes = std::move(*text);
  } else if (path.ends_with(".cwasm") || file_starts_with(path, kCwasmMagic)) {
    auto file = map_file(path);
    if (!file.ok()) return file_error(file.error());
    auto loaded = load_compiled_module(file->bytes, std::move(file->owner), &o.config);
    if (!loaded.ok()) {
      std::fprintf(stderr, "%s: %s\n", path.c_str(), loaded.error().to_string().c_str());
      return 1;
    }
    compiled = std::move(*loaded);
  } else {
    auto read = read_file(path);
    if (!read.ok()) return file_error(read.error());
    bytes = std::move(*read);
  }
  // Guard pages need 8 GiB of address space per memory: where a limit (ulimit -v) denies it,
  // a .wasm runs with explicit checks instead, unless guard pages were asked for explicitly
  // (a .cwasm's code was compiled for one mode and fails to instantiate with the reason).
  // On a 32-bit host explicit checks are the only mode: the store picks them without a word.
  if (compiled == nullptr && !o.bounds_chosen && o.config.bounds == BoundsChecks::kGuardPages &&
      guard_pages_addressable() && !guard_pages_available()) {
    std::fprintf(stderr, "wasmscope: no address space for guard pages (ulimit -v?); checking "
                         "memory bounds explicitly\n");
    o.config.bounds = BoundsChecks::kExplicit;
  }
  // The JIT's default level follows the module's size: LLVM's -O2 takes about 12 s per MB of
  // code on 2 cores (SQLite's 1.3 MB: 16 s), paid before the program starts, so past
  // kJitFullLevelMaxCodeBytes of code the JIT compiles at level 1 (SQLite: 2.7 s, its code
  // about half as fast). Compiling ahead of time (`wasmscope compile`) keeps level 2 for any
  // size; --opt-level or WASMSCOPE_OPT_LEVEL choose any level (docs/compiled-tier.md).
  const bool jit = compiled == nullptr && o.config.tier == Tier::kCompiled;
  const uint64_t code_bytes = jit ? code_section_bytes(bytes) : 0;
  if (jit && !o.opt_level_chosen && code_bytes > kJitFullLevelMaxCodeBytes) {
    o.config.opt_level = 1;
  }
  Store store(o.config);
  if (compiled == nullptr) {
    // WASMSCOPE_COMPILE_LOG: one line on stderr saying what the JIT did and what it cost.
    const char* log = std::getenv("WASMSCOPE_COMPILE_LOG");
    const bool log_compile = jit && log != nullptr && *log != '\0';
    const auto start = std::chrono::steady_clock::now();
    auto fresh = compile_module(std::move(bytes), store.config());
    if (!fresh.ok()) {
      std::fprintf(stderr, "%s: %s\n", path.c_str(), fresh.error().to_string().c_str());
      return 1;
    }
    if (log_compile) {
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::fprintf(stderr,
                   "wasmscope: compiled %s (%" PRIu64 " bytes of code) at level %u in %.2f s\n",
                   path.c_str(), code_bytes, store.config().opt_level, seconds);
    }
    compiled = std::move(*fresh);
  }
  o.wasi.args.push_back(path);
  if (!o.have_invoke) o.wasi.args.insert(o.wasi.args.end(), o.rest.begin(), o.rest.end());
  o.wasi.env = guest_environment(o);
  auto wasi = wasi::WasiContext::create(std::move(o.wasi));
  if (!wasi.ok()) {
    std::fprintf(stderr, "wasmscope: %s\n", wasi.error().message.c_str());
    return 1;
  }
  auto imports = (*wasi)->resolve_imports(store, compiled->module);
  if (!imports.ok()) {
    std::fprintf(stderr, "%s: %s\n", path.c_str(), imports.error().to_string().c_str());
    return 1;
  }
  const std::string module_name = module_name_of(path);
  // The exit status of a call that trapped (or ended the program).
  ProgramEnding ending(store, **wasi, module_name, o.coredump_path, path);
  auto trapped = [&](const InvokeOutcome& outcome) { return ending.finish(outcome); };
  RunDiagnostics diagnostics(diag::store_thread_lister(store), o.diag, module_name);
  if (!diagnostics.ok()) return 1;
  // `wasmscope profile`: sampling from before the first call (the start function included)
  // until the program ends, when this goes out of scope (before the store), or the duration.
  std::optional<ProfileSession> profile;
  if (profile_request != nullptr) {
    ProfileRequest request = *profile_request;
    request.options.module_name = module_name;
    request.options.program = path;
    profile.emplace(request, diag::store_thread_lister(store));
    if (!profile->start()) return 1;
  }
  // From here on (the start function included) the run is timed.
  std::optional<RunTimeout> timeout;
  if (o.timeout_ns != 0) timeout.emplace(o.timeout_ns, o.timeout_text, store, **wasi, diagnostics);
  // A program that ended before the diagnostics' services started (a short run: no socket,
  // no server, no watchdog) leaves without the teardown. Unmapping the memory reservation and
  // the stacks, joining the idle dump thread and freeing the module, one by one, was a tenth
  // of a `.cwasm` hello's time (docs/performance.md, "Start-up"); the exit undoes all of it.
  // Output is flushed first; the guest's own writes went straight to its descriptors. Builds
  // with sanitizers tear down, so that their leak and race checks see the whole teardown.
  auto leave = [&](int status) {
    if (!kSkipTeardownAtExit || profile || timeout || !diagnostics.end_early()) return status;
    std::fflush(nullptr);
    _exit(status);
  };
  TrapInfo trap;
  auto instance = store.instantiate(compiled, *imports, &trap);
  if (!instance.ok()) {
    if (instance.error().kind == ErrorKind::kTrap) {
      InvokeOutcome outcome;
      outcome.message = trap.message;
      outcome.frames = trap.frames;
      return trapped(outcome);
    }
    std::fprintf(stderr, "%s: %s\n", path.c_str(), instance.error().to_string().c_str());
    if (instance.error().kind == ErrorKind::kIo && store.config().bounds == BoundsChecks::kGuardPages) {
      std::fprintf(stderr, "wasmscope: guard pages take 8 GiB of address space per memory; "
                           "where that is limited, use --explicit-bounds (for a .cwasm, when "
                           "compiling it)\n");
    }
    return 1;
  }
  diagnostics.set_instance(&(*instance)->data, path);  // `wasmscope stack --coredump` dumps it
  if (!o.have_invoke) {
    const Func* start = (*instance)->find_export("_start").as_func();
    if (start == nullptr) return 0;
    if (!start->type->params.empty() || !start->type->results.empty()) {
      std::fprintf(stderr, "%s: '_start' must take and return nothing\n", path.c_str());
      return 1;
    }
    std::vector<Slot> slots(start->arg_slots + 2, 0);
    return leave(ending.finish(store.call(start, slots.data())));
  }
  if (const Func* init = (*instance)->find_export("_initialize").as_func();
      init != nullptr && o.invoke_name != "_initialize") {
    std::vector<Slot> slots(init->arg_slots + 2, 0);
    const InvokeOutcome outcome = store.call(init, slots.data());
    if (outcome.trap != Trap::kNone) return trapped(outcome);
  }
  const Func* func = (*instance)->find_export(o.invoke_name).as_func();
  if (func == nullptr) {
    std::fprintf(stderr, "%s: no exported function named '%s'\n", path.c_str(),
                 o.invoke_name.c_str());
    return 1;
  }
  const FuncType& type = *func->type;
  if (o.rest.size() != type.params.size()) {
    throw UsageError("'" + o.invoke_name + "' takes " + std::to_string(type.params.size()) +
                     " arguments, " + std::to_string(o.rest.size()) + " given");
  }
  std::vector<Slot> slots(func->arg_slots + 2, 0);
  size_t slot = 0;
  for (size_t i = 0; i < o.rest.size(); ++i) {
    parse_arg(o.rest[i], type.params[i], &slots[slot]);
    slot += type.params[i] == ValType::kV128 ? 2 : 1;
  }
  const InvokeOutcome outcome = store.call(func, slots.data());
  if (outcome.trap != Trap::kNone) return leave(trapped(outcome));
  slot = 0;
  for (ValType t : type.results) {
    std::printf("%s\n", format_value(&slots[slot], t).c_str());
    slot += t == ValType::kV128 ? 2 : 1;
  }
  return leave(0);
}

}  // namespace wasmscope::internal::tools
