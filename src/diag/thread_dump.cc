#include "diag/thread_dump.h"

#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>

#include "runtime/public_frame.h"

namespace wasmscope::internal::diag {

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

namespace {

std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", s);
  return buf;
}

const char* method_name(CaptureMethod method) { return capture_method_name(to_public(method)); }

/// Seconds until a wait's absolute deadline (0 once passed).
double seconds_left(uint64_t deadline_ns) {
  const uint64_t now = now_ns();
  return deadline_ns > now ? static_cast<double>(deadline_ns - now) / 1e9 : 0;
}

/// "waiting in memory.atomic.wait on address 0x10 (lock_a) (timeout in 1.500s)" for a waiting
/// thread; the symbol when the module's DWARF names the address.
std::string describe_wait(const ThreadReport& t) {
  char address[32];
  std::snprintf(address, sizeof address, "0x%" PRIx64, t.capture.wait_address);
  std::string out = std::string("waiting in memory.atomic.wait on address ") + address;
  if (!t.wait_symbol.empty()) out += " (" + t.wait_symbol + ")";
  if (t.capture.wait_deadline_ns == 0) return out + " (no timeout)";
  return out + " (timeout in " + seconds(seconds_left(t.capture.wait_deadline_ns)) + "s)";
}

/// The JSON members a waiting thread adds:
/// ',"wait":{"address":16,"symbol":"lock_a","timeout_s":1.5}' (null symbol: none known; null
/// timeout: none); nothing for other states.
std::string wait_json(const ThreadReport& t) {
  if (t.state != ThreadState::kWaiting) return "";
  const uint64_t deadline = t.capture.wait_deadline_ns;
  return ",\"wait\":{\"address\":" + std::to_string(t.capture.wait_address) +
         ",\"symbol\":" + (t.wait_symbol.empty() ? std::string("null") : json_string(t.wait_symbol)) +
         ",\"timeout_s\":" + (deadline == 0 ? std::string("null") : seconds(seconds_left(deadline))) +
         "}";
}

}  // namespace

uint64_t now_ns() {
  timespec now = {};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<uint64_t>(now.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(now.tv_nsec);
}

const char* state_name(ThreadState state) { return thread_state_name(to_public(state)); }

/// Frames of room beyond a thread's depth when a report copies its stack.
constexpr uint32_t kSpareFrames = 64;

ThreadReport report_thread(ExecContext* ctx, const std::string& name,
                           const std::string& module_name,
                           uint64_t timeout_ns) {
  ThreadReport report;
  report.id = ctx->id();
  report.name = name;
  // Room for the frames the thread has now, plus some: a buffer of max_frames (1.5 MiB,
  // zeroed) per thread made every dump cost milliseconds. If it went deeper before the copy
  // (a runaway recursion grows by thousands of frames meanwhile), once more with room for all.
  CaptureOptions options;
  options.timeout_ns = timeout_ns;
  std::vector<FrameRecord> records;
  uint32_t room = std::min(ctx->depth.load(std::memory_order_relaxed) + kSpareFrames,
                           ctx->max_frames());
  for (int attempt = 0; attempt < 2; ++attempt) {
    records.resize(room);
    report.capture = capture_stack(ctx, records.data(), room, 0, options);
    if (!report.capture.truncated || room == ctx->max_frames()) break;
    room = ctx->max_frames();
  }
  report.state = report.capture.state;
  const uint64_t now = now_ns();
  const uint64_t since = ctx->state_since_ns.load(std::memory_order_relaxed);
  report.seconds_in_state = since != 0 && now > since ? static_cast<double>(now - since) / 1e9 : 0;
  const uint64_t call = ctx->call_start_ns.load(std::memory_order_relaxed);
  if (report.state != ThreadState::kIdle && call != 0 && now > call) {
    report.seconds_in_call = static_cast<double>(now - call) / 1e9;
  }
  for (uint32_t i = 0; i < report.capture.copied; ++i) {
    report.frames.push_back(symbolize(records[i], module_name));
    const SymbolizedFrame& frame = report.frames.back();
    report.locations.push_back(source_location(records[i], frame).value_or(""));
  }
  // The innermost frame ran the wait: its module's DWARF may name the address.
  if (report.state == ThreadState::kWaiting && report.capture.copied > 0) {
    report.wait_symbol = data_symbol(records[0], report.capture.wait_address).value_or("");
  }
  return report;
}

std::string format_frames(const std::vector<SymbolizedFrame>& frames,
                          const std::vector<std::string>& locations) {
  // A runaway recursion can be 65,536 frames deep: print its ends, which say where it
  // started and where it is now, and count the rest (the JSON form keeps every frame).
  std::string out;
  const size_t n = frames.size();
  const bool cap = n > kTextInnermostFrames + kTextOutermostFrames;
  for (size_t i = 0; i < n; ++i) {
    if (cap && i == kTextInnermostFrames) {
      out += "    ... " + std::to_string(n - kTextInnermostFrames - kTextOutermostFrames) +
             " frames omitted ...\n";
      i = n - kTextOutermostFrames;
    }
    out += "    at " + frames[i].to_string();
    if (i < locations.size() && !locations[i].empty()) out += " (" + locations[i] + ")";
    out += "\n";
  }
  return out;
}

std::string format_text(const std::string& title, const std::vector<ThreadReport>& threads) {
  std::string out = title + "\n";
  for (const ThreadReport& t : threads) {
    out += "\n\"" + t.name + "\" #" + std::to_string(t.id) + " " + state_name(t.state) +
           " for " + seconds(t.seconds_in_state) + "s";
    if (t.state != ThreadState::kIdle) out += ", in call for " + seconds(t.seconds_in_call) + "s";
    out += std::string(" (stack by ") + method_name(t.capture.method) + ")\n";
    if (t.capture.timed_out) out += "    (the thread did not answer the capture in time)\n";
    if (t.state == ThreadState::kInHost) out += "    - in a host call\n";
    if (t.state == ThreadState::kWaiting) out += "    - " + describe_wait(t) + "\n";
    out += format_frames(t.frames, t.locations);
    if (t.capture.truncated) {
      out += "    ... " + std::to_string(t.capture.depth - t.frames.size()) + " more frames\n";
    }
  }
  return out;
}

std::string format_json(const std::string& kind, const std::string& title,
                        const std::vector<ThreadReport>& threads) {
  std::string out = "{\"kind\":" + json_string(kind) + ",\"title\":" + json_string(title) +
                    ",\"pid\":" + std::to_string(getpid()) + ",\"threads\":[";
  for (size_t n = 0; n < threads.size(); ++n) {
    const ThreadReport& t = threads[n];
    if (n > 0) out += ",";
    out += "{\"id\":" + std::to_string(t.id) + ",\"name\":" + json_string(t.name) +
           ",\"state\":" + json_string(state_name(t.state)) +
           ",\"seconds_in_state\":" + seconds(t.seconds_in_state) +
           ",\"seconds_in_call\":" + seconds(t.seconds_in_call) +
           ",\"capture\":" + json_string(method_name(t.capture.method)) +
           ",\"timed_out\":" + (t.capture.timed_out ? "true" : "false") +
           ",\"depth\":" + std::to_string(t.capture.depth) +
           ",\"truncated\":" + (t.capture.truncated ? "true" : "false") + wait_json(t) +
           ",\"frames\":[";
    for (size_t i = 0; i < t.frames.size(); ++i) {
      const SymbolizedFrame& f = t.frames[i];
      if (i > 0) out += ",";
      out += "{\"module\":" + json_string(f.module) + ",\"function\":" + json_string(f.function) +
             ",\"func_index\":" + std::to_string(f.func_index) +
             ",\"code_offset\":" + std::to_string(f.code_offset) +
             ",\"module_offset\":" + std::to_string(f.module_offset) +
             ",\"host\":" + (f.host ? "true" : "false");
      const std::string& where = t.locations[i];
      if (!where.empty()) {
        const size_t colon = where.rfind(':');
        out += ",\"file\":" + json_string(where.substr(0, colon)) +
               ",\"line\":" + where.substr(colon + 1);
      }
      out += "}";
    }
    out += "]}";
  }
  return out + "]}\n";
}

bool same_stack(const ThreadReport& a, const ThreadReport& b) {
  if (a.frames.size() != b.frames.size()) return false;
  for (size_t i = 0; i < a.frames.size(); ++i) {
    if (a.frames[i].function != b.frames[i].function ||
        a.frames[i].code_offset != b.frames[i].code_offset) {
      return false;
    }
  }
  return true;
}

}  // namespace wasmscope::internal::diag
