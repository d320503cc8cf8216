// A sampled profile as the profiler aggregates it (diag/profiler.h) and the files it is written
// as: folded stacks, speedscope JSON, pprof and a self-contained SVG flame graph
// (diag/profile_format.cc; docs/profiling.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wasmscope/result.h"

namespace wasmscope::internal::diag {

/// One function of a profile: the unit samples are aggregated by.
struct ProfileFrame {
  std::string module;    ///< The module's name (name section, else the file's), "" if none.
  /// The function's name (name section, export, "func[N]"); for a host function the name its
  /// host gave it ("wasi_snapshot_preview1.fd_read"), or "wait" for memory.atomic.wait.
  std::string function;
  std::string file;      ///< DWARF source file of the function, "" if unknown.
  uint32_t line = 0;     ///< DWARF line of the function's first sampled position, 0 if unknown.
  uint32_t func_index = 0;
  bool host = false;     ///< Time in the host (a host call, an atomic wait), not in guest code.

  /// How every format shows it: "module!function" (or "function" without a module), and
  /// "[host] name" for host frames.
  std::string display_name() const;
};

/// One distinct stack and how many samples found it.
struct ProfileStack {
  std::vector<uint32_t> frames;  ///< Indices into {Profile::frames}, outermost first.
  uint64_t samples = 0;
};

/// Every sample of one guest thread.
struct ProfileThread {
  uint32_t id = 0;          ///< The thread's context id (as thread dumps show it).
  std::string name;         ///< "main", "thread 3", ...
  std::vector<ProfileStack> stacks;
  uint64_t samples = 0;     ///< The sum of {stacks}' samples.
  uint64_t lost = 0;        ///< Samples taken but dropped (a full ring, a torn read).
  uint64_t cpu_ns = 0;      ///< CPU time the thread used while profiled (--cpu), else 0.
};

/// A whole profile.
struct Profile {
  std::string mode = "cpu";    ///< "cpu" (samples per CPU time) or "wall" (per elapsed time).
  uint32_t hz = 1000;          ///< Samples per second of each thread's clock.
  uint64_t start_unix_ns = 0;  ///< When sampling started (CLOCK_REALTIME).
  uint64_t duration_ns = 0;    ///< How long it sampled.
  std::string program;         ///< What was profiled: the module's path.
  std::vector<ProfileFrame> frames;  ///< Every distinct function, referenced by index.
  std::vector<ProfileThread> threads;
  uint64_t lost_unattributed = 0;  ///< Lost samples no thread can be blamed for.

  uint64_t total_samples() const;
  uint64_t total_lost() const;  ///< Every thread's {lost} plus {lost_unattributed}.
};

/// The output formats, chosen by the output file's name.
enum class ProfileFormat : uint8_t {
  kFolded,      ///< ".folded": "thread;outer;...;inner COUNT" lines (Brendan Gregg's format).
  kSpeedscope,  ///< ".speedscope.json": speedscope's file format, one sampled profile per thread.
  kPprof,       ///< ".pb.gz": a gzipped pprof Profile protobuf.
  kSvg,         ///< ".svg": a self-contained interactive flame graph.
};

/// The format for {path}'s extension; nullopt for any other name.
std::optional<ProfileFormat> profile_format_for(std::string_view path);

/// Each format as bytes. Lost samples are recorded in every format (folded: a
/// "[lost samples]" stack per thread with losses; speedscope and SVG: in names/titles; pprof: a
/// comment and a "[lost samples]" location).
std::string write_folded(const Profile& profile);
std::string write_speedscope(const Profile& profile);
Result<std::vector<uint8_t>> write_pprof(const Profile& profile);
std::string write_svg(const Profile& profile);

/// Writes {profile} to {path} in the format its name asks for: to a temporary file beside it,
/// then renamed into place, so a failure leaves nothing half-written. Fails for an
/// unknown extension (kUnsupported) and when the file cannot be written (kIo).
Result<void> write_profile(const Profile& profile, const std::string& path);

}  // namespace wasmscope::internal::diag
