// Thread dumps and hang reports: what each guest thread is doing, in text modelled on JVM
// thread dumps or as JSON with the same content (docs/reports.md).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/context.h"
#include "stack/capture.h"
#include "stack/symbolizer.h"

namespace wasmscope::internal::diag {

/// One thread in a dump or report.
struct ThreadReport {
  uint32_t id = 0;
  std::string name;
  ThreadState state = ThreadState::kIdle;
  double seconds_in_state = 0;  ///< Since its last state change.
  double seconds_in_call = 0;   ///< Since its outermost call began (0 when idle).
  CaptureInfo capture;
  std::vector<SymbolizedFrame> frames;  ///< Innermost first.
  std::vector<std::string> locations;   ///< Per frame: "file.c:42", or "".
  /// For a thread in memory.atomic.wait: the variable holding the address it waits on
  /// ("lock_a+4"), from the waiting function's module's DWARF; "" when unknown.
  std::string wait_symbol;
};

/// The text form prints at most this many innermost and outermost frames of a thread; the
/// frames between are counted in one "    ... N frames omitted ..." line.
inline constexpr size_t kTextInnermostFrames = 48;
inline constexpr size_t kTextOutermostFrames = 16;

/// Captures the thread running on {ctx} (waiting at most {timeout_ns}) and describes it.
/// {module_name} names frames of modules without a name section; file:line comes from each
/// frame's module's own DWARF line table.
ThreadReport report_thread(ExecContext* ctx, const std::string& name,
                           const std::string& module_name,
                           uint64_t timeout_ns = 1'000'000'000);

/// "idle", "running", "in_host", "parked", "exited", "waiting".
const char* state_name(ThreadState state);

/// Frames (innermost first) as the text form prints them: "    at module!function+0xoff
/// (file:line)" lines ({locations} per frame, "" for none), at most the innermost
/// {kTextInnermostFrames} and outermost {kTextOutermostFrames} with the rest counted between.
std::string format_frames(const std::vector<SymbolizedFrame>& frames,
                          const std::vector<std::string>& locations);

/// The text form: a {title} line, then per thread a header line and one "    at ..." line per
/// frame.
std::string format_text(const std::string& title, const std::vector<ThreadReport>& threads);

/// The JSON form: {"kind": {kind}, "title": ..., "pid": ..., "threads": [...]} on one line.
std::string format_json(const std::string& kind, const std::string& title,
                        const std::vector<ThreadReport>& threads);

/// {s} as a JSON string literal: quotes, backslashes and control characters escaped (the
/// profile formats write their JSON with it too).
std::string json_string(const std::string& s);

/// Whether two reports show the same stack (same functions at the same offsets).
bool same_stack(const ThreadReport& a, const ThreadReport& b);

/// CLOCK_MONOTONIC now, in nanoseconds.
uint64_t now_ns();

}  // namespace wasmscope::internal::diag
