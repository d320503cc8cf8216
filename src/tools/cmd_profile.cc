// wasmscope profile: runs a program under the sampling profiler (diag/profiler.h), or attaches
// to a running `wasmscope run` through its dump socket, and writes the profile.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "diag/profiler.h"
#include "diag/watchdog.h"
#include "tools/commands.h"
#include "tools/file_io.h"
#include "tools/profile_session.h"

namespace wasmscope::internal::tools {
namespace {

constexpr const char* kProfileUsage =
    "usage: wasmscope profile [--hz N] [--cpu|--wall] [--duration D] -o OUT [RUN OPTIONS] FILE\n"
    "                         [ARGS...]\n"
    "       wasmscope profile [--hz N] [--cpu|--wall] --duration D -o OUT PID\n"
    "\n"
    "Samples the call stacks of every guest thread of a program and writes where its time\n"
    "went. The first form runs FILE as 'wasmscope run' would (RUN OPTIONS are run's: --dir,\n"
    "--env, --invoke, ...), from its first call until it ends or D has passed. The second\n"
    "asks the running 'wasmscope run' process PID (same user only) to profile itself for D;\n"
    "the program goes on undisturbed and is not restarted.\n"
    "\n"
    "OUT's name chooses the format:\n"
    "  .folded            folded stacks ('thread;outer;...;inner COUNT'), for flamegraph.pl\n"
    "                     and other tools\n"
    "  .speedscope.json   speedscope's format (https://www.speedscope.app), one profile per\n"
    "                     thread\n"
    "  .pb.gz             pprof ('go tool pprof', 'pprof -http')\n"
    "  .svg               a self-contained interactive flame graph\n"
    "\n"
    "options:\n"
    "  -o, --output OUT   the file to write (replaced only once the profile is complete)\n"
    "  --hz N             samples per second of each thread's clock (default 1000; at most\n"
    "                     10000, higher rates are capped with a warning)\n"
    "  --cpu              sample each thread every 1/N s of the CPU time it uses (default):\n"
    "                     where the program computes; threads blocked in host calls or waits\n"
    "                     get no samples\n"
    "  --wall             sample each thread every 1/N s of elapsed time: blocked threads too,\n"
    "                     attributed to the host call or wait they are in\n"
    "  --duration D       stop sampling after D (5s, 500ms, ...); the program goes on\n"
    "\n"
    "Samples that could not be kept are counted as lost and reported in the output and on\n"
    "stderr. See docs/profiling.md.\n"
    "\n"
    "exit status: as 'wasmscope run' when running FILE (1 also if the profile cannot be\n"
    "written); 0 or 1 when attaching; 2 on usage errors.\n";

/// The value of option {name} at {args[*i + 1]}; throws {UsageError} if missing.
const std::string& value_of(const Args& args, size_t* i, const std::string& name) {
  if (*i + 1 >= args.size()) throw UsageError(name + " needs a value");
  return args[++*i];
}

/// True when {s} is a process id (all digits, positive).
bool is_pid(const std::string& s, long* pid) {
  if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos) return false;
  errno = 0;
  *pid = std::strtol(s.c_str(), nullptr, 10);
  return errno == 0 && *pid > 0;
}

}  // namespace

int cmd_profile(const Args& args) {
  if (wants_help(args)) {
    std::fputs(kProfileUsage, stdout);
    return 0;
  }
  ProfileRequest request;
  size_t i = 0;
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--hz") {
      const std::string& v = value_of(args, &i, a);
      if (v.empty() || v.find_first_not_of("0123456789") != std::string::npos) {
        throw UsageError("--hz needs a positive whole number of samples per second, got '" + v +
                         "'");
      }
      const unsigned long long hz = std::strtoull(v.c_str(), nullptr, 10);
      if (hz == 0) throw UsageError("--hz must be at least 1");
      if (hz > diag::kMaxProfileHz || v.size() > 9) {
        std::fprintf(stderr, "wasmscope profile: --hz %s is more than %u; sampling at %u Hz\n",
                     v.c_str(), diag::kMaxProfileHz, diag::kMaxProfileHz);
        request.options.hz = diag::kMaxProfileHz;
      } else {
        request.options.hz = static_cast<uint32_t>(hz);
      }
    } else if (a == "--cpu") {
      request.options.clock = diag::ProfileClock::kCpu;
    } else if (a == "--wall") {
      request.options.clock = diag::ProfileClock::kWall;
    } else if (a == "--duration") {
      const std::string& v = value_of(args, &i, a);
      if (!diag::parse_duration(v, &request.duration_ns) || request.duration_ns == 0) {
        throw UsageError("--duration needs a duration such as 5s or 500ms, got '" + v + "'");
      }
    } else if (a == "-o" || a == "--output") {
      request.path = value_of(args, &i, a);
      if (request.path.empty()) throw UsageError(a + " needs a file name");
    } else {
      break;  // run's options and FILE, or the PID
    }
  }
  if (request.path.empty()) throw UsageError("missing -o OUT (the profile's file)");
  if (i >= args.size()) throw UsageError("missing FILE to run, or PID to attach to");
  if (!check_profile_output(request.path)) return 1;
  long pid = 0;
  if (i + 1 == args.size() && is_pid(args[i], &pid)) {
    if (request.duration_ns == 0) {
      throw UsageError("attaching to PID needs --duration (how long to profile it)");
    }
    return profile_attached(pid, request);
  }
  const Args rest(args.begin() + static_cast<long>(i), args.end());
  bool written = false;
  request.written = &written;
  const int status = run_program(rest, &request);
  return status == 0 && !written ? 1 : status;
}

}  // namespace wasmscope::internal::tools
