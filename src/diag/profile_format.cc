// The profile's names and totals, the text formats (folded stacks, speedscope JSON) and
// write_profile(). pprof is in profile_pprof.cc, the SVG flame graph in profile_svg.cc.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>

#include "diag/profile.h"
#include "diag/profile_format_internal.h"
#include "diag/thread_dump.h"

namespace wasmscope::internal::diag {

std::string ProfileFrame::display_name() const {
  if (host) return "[host] " + function;
  if (module.empty()) return function;
  return module + "!" + function;
}

uint64_t Profile::total_samples() const {
  uint64_t total = 0;
  for (const ProfileThread& t : threads)
    total += t.samples;
  return total;
}

uint64_t Profile::total_lost() const {
  uint64_t total = lost_unattributed;
  for (const ProfileThread& t : threads)
    total += t.lost;
  return total;
}

std::optional<ProfileFormat> profile_format_for(std::string_view path) {
  struct Suffix {
    std::string_view text;
    ProfileFormat format;
  };
  static constexpr Suffix kSuffixes[] = {
      {".folded", ProfileFormat::kFolded},
      {".speedscope.json", ProfileFormat::kSpeedscope},
      {".pb.gz", ProfileFormat::kPprof},
      {".svg", ProfileFormat::kSvg},
  };
  const size_t slash = path.rfind('/');
  const std::string_view base = slash == std::string_view::npos ? path : path.substr(slash + 1);
  for (const Suffix& s : kSuffixes) {
    // The name needs a stem: "out/.svg" is a hidden file, not an SVG named "".
    if (base.size() > s.text.size() && base.ends_with(s.text)) return s.format;
  }
  return std::nullopt;
}

std::string thread_label(const Profile& profile, const ProfileThread& thread) {
  auto name_of = [](const ProfileThread& t) {
    return t.name.empty() ? "thread " + std::to_string(t.id) : t.name;
  };
  const std::string name = name_of(thread);
  for (const ProfileThread& other : profile.threads) {
    if (&other != &thread && name_of(other) == name) {
      return name + " #" + std::to_string(thread.id);
    }
  }
  return name;
}

std::string frame_label(const Profile& profile, uint32_t index) {
  if (index >= profile.frames.size()) return kUnknownFrameName;
  return profile.frames[index].display_name();
}

uint64_t samples_to_ns(uint64_t samples, uint32_t hz) {
  if (hz == 0) return 0;
  constexpr uint64_t kNsPerSecond = 1'000'000'000;
  return samples / hz * kNsPerSecond + samples % hz * kNsPerSecond / hz;
}

// ---- Folded stacks ----

namespace {

/// {name} as one folded-stack frame: ';' separates frames and a newline ends the record, so
/// ';' becomes ':' and line breaks become spaces (the count after the last space still
/// parses, whatever spaces a name holds).
std::string folded_frame(const std::string& name) {
  std::string out = name;
  for (char& c : out) {
    if (c == ';') c = ':';
    if (c == '\n' || c == '\r') c = ' ';
  }
  return out;
}

}  // namespace

std::string write_folded(const Profile& profile) {
  std::string out;
  for (const ProfileThread& thread : profile.threads) {
    const std::string root = folded_frame(thread_label(profile, thread));
    // Keyed by the line without its count: merges equal stacks and sorts the output.
    std::map<std::string, uint64_t> lines;
    for (const ProfileStack& stack : thread.stacks) {
      if (stack.samples == 0) continue;
      std::string line = root;
      for (const uint32_t frame : stack.frames) {
        line += ';';
        line += folded_frame(frame_label(profile, frame));
      }
      lines[line] += stack.samples;
    }
    for (const auto& [line, samples] : lines)
      out += line + " " + std::to_string(samples) + "\n";
    if (thread.lost != 0) {
      out += root + ";" + kLostSamplesName + " " + std::to_string(thread.lost) + "\n";
    }
  }
  if (profile.lost_unattributed != 0) {
    out += std::string(kNoThreadName) + ";" + kLostSamplesName + " " +
           std::to_string(profile.lost_unattributed) + "\n";
  }
  return out;
}

// ---- speedscope ----

namespace {

std::string json_text(const std::string& s) {
  return json_string(replace_invalid_utf8(s));
}

/// A weight as a JSON number: whole numbers without a fraction, else up to 15 digits.
std::string json_number(double value) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.15g", value);
  return buf;
}

/// "N samples lost" for names and titles.
std::string lost_note(uint64_t lost) {
  return std::to_string(lost) + (lost == 1 ? " sample lost" : " samples lost");
}

}  // namespace

std::string write_speedscope(const Profile& profile) {
  // Weights are milliseconds of the sampling clock; without a rate they are sample counts.
  const bool timed = profile.hz != 0;
  const double weight_per_sample = timed ? 1000.0 / profile.hz : 1.0;
  bool any_unknown = false;
  for (const ProfileThread& thread : profile.threads) {
    for (const ProfileStack& stack : thread.stacks) {
      for (const uint32_t frame : stack.frames)
        any_unknown |= frame >= profile.frames.size();
    }
  }
  const size_t unknown_index = profile.frames.size();

  std::string out = "{\"$schema\":\"https://www.speedscope.app/file-format-schema.json\"";
  std::string title = profile.program.empty() ? "wasmscope profile" : profile.program;
  title += " (" + profile.mode + ", " + std::to_string(profile.hz) + " Hz";
  if (profile.total_lost() != 0) title += ", " + lost_note(profile.total_lost());
  title += ")";
  out += ",\"name\":" + json_text(title);
  out += ",\"exporter\":\"wasmscope\",\"activeProfileIndex\":0";
  out += ",\"shared\":{\"frames\":[";
  for (size_t i = 0; i < profile.frames.size(); ++i) {
    const ProfileFrame& f = profile.frames[i];
    if (i != 0) out += ",";
    out += "{\"name\":" + json_text(f.display_name());
    if (!f.file.empty()) out += ",\"file\":" + json_text(f.file);
    if (f.line != 0) out += ",\"line\":" + std::to_string(f.line);
    out += "}";
  }
  if (any_unknown) {
    out += std::string(profile.frames.empty() ? "" : ",") +
           "{\"name\":" + json_text(kUnknownFrameName) + "}";
  }
  out += "]},\"profiles\":[";
  for (size_t t = 0; t < profile.threads.size(); ++t) {
    const ProfileThread& thread = profile.threads[t];
    std::string name = thread_label(profile, thread);
    if (thread.lost != 0) name += " (" + lost_note(thread.lost) + ")";
    std::string samples, weights;
    double end = 0;
    for (const ProfileStack& stack : thread.stacks) {
      if (stack.samples == 0) continue;
      samples += samples.empty() ? "[" : ",[";
      for (size_t i = 0; i < stack.frames.size(); ++i) {
        const uint32_t frame = stack.frames[i];
        if (i != 0) samples += ",";
        samples += std::to_string(frame < profile.frames.size() ? frame : unknown_index);
      }
      samples += "]";
      const double weight = static_cast<double>(stack.samples) * weight_per_sample;
      if (!weights.empty()) weights += ',';
      weights += json_number(weight);
      end += weight;
    }
    if (t != 0) out += ",";
    out += "{\"type\":\"sampled\",\"name\":" + json_text(name) +
           ",\"unit\":" + (timed ? "\"milliseconds\"" : "\"none\"") +
           ",\"startValue\":0,\"endValue\":" + json_number(end) + ",\"samples\":[" + samples +
           "],\"weights\":[" + weights + "]}";
  }
  out += "]}\n";
  return out;
}

// ---- Writing a file ----

namespace {

Error io_error(const std::string& path, const std::string& what) {
  return Error{ErrorKind::kIo, 0, "cannot write profile '" + path + "': " + what};
}

/// Writes all of {bytes} to {fd}.
bool write_all(int fd, const uint8_t* bytes, size_t size) {
  while (size != 0) {
    const ssize_t n = ::write(fd, bytes, size);
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) errno = EIO;
    if (n <= 0) return false;
    bytes += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

Result<std::vector<uint8_t>> render(const Profile& profile, ProfileFormat format) {
  auto bytes = [](const std::string& s) { return std::vector<uint8_t>(s.begin(), s.end()); };
  switch (format) {
    case ProfileFormat::kFolded:
      return bytes(write_folded(profile));
    case ProfileFormat::kSpeedscope:
      return bytes(write_speedscope(profile));
    case ProfileFormat::kPprof:
      return write_pprof(profile);
    case ProfileFormat::kSvg:
      return bytes(write_svg(profile));
  }
  return Error{ErrorKind::kUnsupported, 0, "unknown profile format"};
}

}  // namespace

Result<void> write_profile(const Profile& profile, const std::string& path) {
  const std::optional<ProfileFormat> format = profile_format_for(path);
  if (!format) {
    return Error{ErrorKind::kUnsupported, 0,
                 "cannot write profile '" + path +
                     "': unknown format (name it *.folded, *.speedscope.json, *.pb.gz or *.svg)"};
  }
  auto rendered = render(profile, *format);
  if (!rendered.ok()) {
    Error error = rendered.take_error();
    error.message = "cannot write profile '" + path + "': " + error.message;
    return error;
  }
  const std::vector<uint8_t>& data = rendered.value();

  // Beside the target, so the rename stays on one file system and replaces it atomically.
  std::string temp = path + ".tmp.XXXXXX";
  const int fd = ::mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0)
    return io_error(path, std::string("cannot create a file beside it: ") + std::strerror(errno));
  std::string failure;
  // mkostemp makes the file 0600; a profile holds names only, so others may read it as they
  // could any output file.
  if (::fchmod(fd, 0644) != 0) failure = std::strerror(errno);
  if (failure.empty() && !write_all(fd, data.data(), data.size())) {
    failure = std::strerror(errno);
  }
  if (::close(fd) != 0 && failure.empty()) failure = std::strerror(errno);
  if (failure.empty() && ::rename(temp.c_str(), path.c_str()) != 0) {
    failure = std::strerror(errno);
  }
  if (!failure.empty()) {
    ::unlink(temp.c_str());
    return io_error(path, failure);
  }
  return {};
}

}  // namespace wasmscope::internal::diag
