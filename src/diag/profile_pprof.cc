// write_pprof(): the profile as pprof's Profile protobuf (github.com/google/pprof,
// proto/profile.proto), gzipped as pprof expects on disk. The protobuf wire format is written
// by hand: varints and length-delimited fields are all it needs.
#include <zlib.h>

#include <cstring>
#include <optional>
#include <unordered_map>

#include "diag/profile.h"
#include "diag/profile_format_internal.h"

namespace wasmscope::internal::diag {

namespace {

/// Field numbers of profile.proto's messages that this writer uses.
namespace field {
// Profile
constexpr uint32_t kSampleType = 1, kSample = 2, kMapping = 3, kLocation = 4, kFunction = 5,
                   kStringTable = 6, kTimeNanos = 9, kDurationNanos = 10, kPeriodType = 11,
                   kPeriod = 12, kComment = 13;
// ValueType
constexpr uint32_t kValueTypeType = 1, kValueTypeUnit = 2;
// Sample
constexpr uint32_t kSampleLocationId = 1, kSampleValue = 2, kSampleLabel = 3;
// Label
constexpr uint32_t kLabelKey = 1, kLabelStr = 2, kLabelNum = 3;
// Mapping
constexpr uint32_t kMappingId = 1, kMappingFilename = 5, kMappingHasFunctions = 7,
                   kMappingHasFilenames = 8, kMappingHasLineNumbers = 9;
// Location
constexpr uint32_t kLocationId = 1, kLocationMappingId = 2, kLocationLine = 4;
// Line
constexpr uint32_t kLineFunctionId = 1, kLineLine = 2;
// Function
constexpr uint32_t kFunctionId = 1, kFunctionName = 2, kFunctionSystemName = 3,
                   kFunctionFilename = 4, kFunctionStartLine = 5;
}  // namespace field

/// One protobuf message being encoded.
class ProtoWriter {
 public:
  /// A varint field (wire type 0); proto3 leaves zero values out.
  void uint(uint32_t number, uint64_t value) {
    if (value == 0) return;
    tag(number, 0);
    varint(value);
  }
  /// A length-delimited field (wire type 2): a string, bytes or a nested message.
  void bytes(uint32_t number, std::string_view data) {
    tag(number, 2);
    varint(data.size());
    out_.append(data);
  }
  void message(uint32_t number, const ProtoWriter& nested) { bytes(number, nested.out_); }
  /// A packed repeated varint field, as proto3 writes repeated scalars.
  void packed(uint32_t number, const std::vector<uint64_t>& values) {
    if (values.empty()) return;
    ProtoWriter body;
    for (const uint64_t v : values)
      body.varint(v);
    bytes(number, body.out_);
  }
  const std::string& data() const { return out_; }

 private:
  void tag(uint32_t number, uint32_t wire_type) { varint(uint64_t{number} << 3 | wire_type); }
  void varint(uint64_t value) {
    while (value >= 0x80) {
      out_ += static_cast<char>((value & 0x7f) | 0x80);
      value >>= 7;
    }
    out_ += static_cast<char>(value);
  }
  std::string out_;
};

/// The profile's string table: index 0 is "", as profile.proto requires.
class StringTable {
 public:
  StringTable() { index(""); }
  uint64_t index(const std::string& s) {
    const auto [it, inserted] = indices_.emplace(s, strings_.size());
    if (inserted) strings_.push_back(s);
    return it->second;
  }
  void write(ProtoWriter& profile) const {
    for (const std::string& s : strings_)
      profile.bytes(field::kStringTable, s);
  }

 private:
  std::unordered_map<std::string, uint64_t> indices_;
  std::vector<std::string> strings_;
};

ProtoWriter value_type(StringTable& strings, const std::string& type, const std::string& unit) {
  ProtoWriter w;
  w.uint(field::kValueTypeType, strings.index(type));
  w.uint(field::kValueTypeUnit, strings.index(unit));
  return w;
}

/// A Function and the Location of it (both with {id}); every frame is one location, since a
/// profile aggregates samples by function.
void write_function(ProtoWriter& profile, StringTable& strings, uint64_t id,
                    const std::string& name, const std::string& system_name,
                    const std::string& file, uint32_t line) {
  ProtoWriter function;
  function.uint(field::kFunctionId, id);
  function.uint(field::kFunctionName, strings.index(replace_invalid_utf8(name)));
  function.uint(field::kFunctionSystemName, strings.index(replace_invalid_utf8(system_name)));
  function.uint(field::kFunctionFilename, strings.index(replace_invalid_utf8(file)));
  function.uint(field::kFunctionStartLine, line);
  profile.message(field::kFunction, function);

  ProtoWriter line_info;
  line_info.uint(field::kLineFunctionId, id);
  line_info.uint(field::kLineLine, line);
  ProtoWriter location;
  location.uint(field::kLocationId, id);
  location.uint(field::kLocationMappingId, 1);
  location.message(field::kLocationLine, line_info);
  profile.message(field::kLocation, location);
}

/// The labels every sample of one thread carries: "thread" (its name, a string-table index)
/// and "thread_id" (none for lost samples of no thread).
struct ThreadLabels {
  uint64_t name = 0;
  std::optional<uint32_t> id;
};

/// A Sample: {locations} leaf first, valued in samples and in nanoseconds, with the thread's
/// labels.
void write_sample(ProtoWriter& profile, StringTable& strings, uint32_t hz,
                  const ThreadLabels& thread, const std::vector<uint64_t>& locations,
                  uint64_t samples) {
  ProtoWriter sample;
  sample.packed(field::kSampleLocationId, locations);
  sample.packed(field::kSampleValue, {samples, samples_to_ns(samples, hz)});
  ProtoWriter name;
  name.uint(field::kLabelKey, strings.index("thread"));
  name.uint(field::kLabelStr, thread.name);
  sample.message(field::kSampleLabel, name);
  if (thread.id) {
    ProtoWriter id;
    id.uint(field::kLabelKey, strings.index("thread_id"));
    id.uint(field::kLabelNum, *thread.id);
    sample.message(field::kSampleLabel, id);
  }
  profile.message(field::kSample, sample);
}

/// {data} in the gzip format (RFC 1952), which is what pprof reads.
Result<std::vector<uint8_t>> gzip(const std::string& data) {
  z_stream stream;
  std::memset(&stream, 0, sizeof stream);
  constexpr int kGzipWindowBits = 15 + 16;  // 32 KiB window, gzip header and trailer
  if (deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, kGzipWindowBits, 8,
                   Z_DEFAULT_STRATEGY) != Z_OK) {
    return Error{ErrorKind::kIo, 0, "zlib: cannot start compressing"};
  }
  std::vector<uint8_t> out(deflateBound(&stream, data.size()));
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = out.data();
  stream.avail_out = static_cast<uInt>(out.size());
  const int status = deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  if (status != Z_STREAM_END) return Error{ErrorKind::kIo, 0, "zlib: compression failed"};
  return out;
}

}  // namespace

Result<std::vector<uint8_t>> write_pprof(const Profile& profile) {
  if (profile.hz == 0) {
    return Error{ErrorKind::kUnsupported, 0, "pprof needs a sampling rate, and hz is 0"};
  }
  StringTable strings;
  ProtoWriter out;
  const std::string clock = profile.mode == "wall" ? "wall" : "cpu";
  out.message(field::kSampleType, value_type(strings, "samples", "count"));
  out.message(field::kSampleType, value_type(strings, clock, "nanoseconds"));

  ProtoWriter mapping;
  mapping.uint(field::kMappingId, 1);
  mapping.uint(field::kMappingFilename, strings.index(replace_invalid_utf8(profile.program)));
  mapping.uint(field::kMappingHasFunctions, 1);
  mapping.uint(field::kMappingHasFilenames, 1);
  mapping.uint(field::kMappingHasLineNumbers, 1);
  out.message(field::kMapping, mapping);

  // Location and function ids: frame i is i + 1; then "[lost samples]" and "[unknown frame]".
  for (size_t i = 0; i < profile.frames.size(); ++i) {
    const ProfileFrame& f = profile.frames[i];
    write_function(out, strings, i + 1, f.display_name(), f.function, f.file, f.line);
  }
  const uint64_t lost_id = profile.frames.size() + 1;
  const uint64_t unknown_id = profile.frames.size() + 2;
  bool any_unknown = false;
  if (profile.total_lost() != 0) {
    write_function(out, strings, lost_id, kLostSamplesName, kLostSamplesName, "", 0);
  }

  std::string lost_by_thread;
  for (const ProfileThread& thread : profile.threads) {
    const std::string label = thread_label(profile, thread);
    const ThreadLabels labels{strings.index(replace_invalid_utf8(label)), thread.id};
    for (const ProfileStack& stack : thread.stacks) {
      if (stack.samples == 0) continue;
      std::vector<uint64_t> locations;
      for (auto it = stack.frames.rbegin(); it != stack.frames.rend(); ++it) {
        const bool known = *it < profile.frames.size();
        any_unknown |= !known;
        locations.push_back(known ? uint64_t{*it} + 1 : unknown_id);
      }
      write_sample(out, strings, profile.hz, labels, locations, stack.samples);
    }
    if (thread.lost != 0) {
      write_sample(out, strings, profile.hz, labels, {lost_id}, thread.lost);
      if (!lost_by_thread.empty()) lost_by_thread += ", ";
      lost_by_thread += label + ": " + std::to_string(thread.lost);
    }
  }
  if (profile.lost_unattributed != 0) {
    const ThreadLabels no_thread{strings.index(kNoThreadName), std::nullopt};
    write_sample(out, strings, profile.hz, no_thread, {lost_id}, profile.lost_unattributed);
  }
  if (any_unknown) {
    write_function(out, strings, unknown_id, kUnknownFrameName, kUnknownFrameName, "", 0);
  }

  out.uint(field::kTimeNanos, profile.start_unix_ns);
  out.uint(field::kDurationNanos, profile.duration_ns);
  out.message(field::kPeriodType, value_type(strings, clock, "nanoseconds"));
  out.uint(field::kPeriod, samples_to_ns(1, profile.hz));
  std::vector<std::string> comments;
  if (!profile.program.empty()) comments.push_back("program: " + profile.program);
  comments.push_back("sampled " + profile.mode + " time at " + std::to_string(profile.hz) + " Hz");
  std::string lost = "lost samples: " + std::to_string(profile.total_lost());
  if (!lost_by_thread.empty()) lost += " (" + lost_by_thread + ")";
  if (profile.lost_unattributed != 0) {
    lost += ", " + std::to_string(profile.lost_unattributed) + " of no thread";
  }
  comments.push_back(lost);
  std::vector<uint64_t> comment_indices;
  for (const std::string& c : comments)
    comment_indices.push_back(strings.index(replace_invalid_utf8(c)));
  out.packed(field::kComment, comment_indices);
  strings.write(out);

  // gzip() hands zlib the whole message in one call, whose sizes are 32-bit (uInt).
  if (out.data().size() > UINT32_MAX / 2) {
    return Error{ErrorKind::kUnsupported, 0, "pprof profile larger than 2 GiB"};
  }
  return gzip(out.data());
}

}  // namespace wasmscope::internal::diag
