// The profile formats against hand-written expectations: folded lines exactly, speedscope JSON
// parsed with nlohmann-json, pprof gunzipped with zlib and decoded by a small protobuf reader
// here, the SVG's escaping and structure, and write_profile()'s failures. (tests/profile/ reads
// the same formats with their own projects' readers and renders the SVG in Chromium.)
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "diag/profile.h"

namespace wasmscope::internal::diag {
namespace {

namespace fs = std::filesystem;

ProfileFrame frame(std::string module, std::string function, std::string file = "",
                   uint32_t line = 0, bool host = false) {
  ProfileFrame f;
  f.module = std::move(module);
  f.function = std::move(function);
  f.file = std::move(file);
  f.line = line;
  f.host = host;
  return f;
}

ProfileStack stack(std::vector<uint32_t> frames, uint64_t samples) {
  ProfileStack s;
  s.frames = std::move(frames);
  s.samples = samples;
  return s;
}

// Two threads, nested stacks, a host frame, lost samples (per thread and unattributed), a
// function name with ';' and XML's markup characters, a thread name with ';', and one stack
// recorded twice (the formats must merge it).
Profile sample_profile() {
  Profile p;
  p.mode = "cpu";
  p.hz = 1000;
  p.start_unix_ns = 1'700'000'000'000'000'000;
  p.duration_ns = 2'500'000'000;
  p.program = "app.wasm";
  p.frames = {
      frame("app", "main", "app.c", 10),                         // 0
      frame("app", "compute", "app.c", 20),                      // 1
      frame("app", "a;b<&>\"q\""),                               // 2
      frame("", "wasi_snapshot_preview1.fd_read", "", 0, true),  // 3
      frame("", "func[7]"),                                      // 4
  };
  ProfileThread main;
  main.id = 1;
  main.name = "main";
  main.stacks = {stack({0, 1}, 5), stack({0, 1, 2}, 3), stack({0}, 2), stack({0, 3}, 4)};
  main.samples = 14;
  main.lost = 2;
  ProfileThread worker;
  worker.id = 3;
  worker.name = "worker; 1";
  worker.stacks = {stack({4}, 4), stack({4, 1}, 1), stack({4}, 3)};
  worker.samples = 8;
  p.threads = {main, worker};
  p.lost_unattributed = 1;
  return p;
}

TEST(ProfileFrameTest, DisplayName) {
  EXPECT_EQ(frame("app", "main").display_name(), "app!main");
  EXPECT_EQ(frame("", "func[3]").display_name(), "func[3]");
  EXPECT_EQ(frame("", "wait", "", 0, true).display_name(), "[host] wait");
  EXPECT_EQ(frame("env", "fd_read", "", 0, true).display_name(), "[host] fd_read");
}

TEST(ProfileTest, Totals) {
  const Profile p = sample_profile();
  EXPECT_EQ(p.total_samples(), 22u);
  EXPECT_EQ(p.total_lost(), 3u);
  EXPECT_EQ(Profile{}.total_samples(), 0u);
  EXPECT_EQ(Profile{}.total_lost(), 0u);
}

TEST(ProfileFormatTest, FormatForName) {
  EXPECT_EQ(profile_format_for("out.folded"), ProfileFormat::kFolded);
  EXPECT_EQ(profile_format_for("/tmp/x/out.speedscope.json"), ProfileFormat::kSpeedscope);
  EXPECT_EQ(profile_format_for("cpu.pb.gz"), ProfileFormat::kPprof);
  EXPECT_EQ(profile_format_for("flame.svg"), ProfileFormat::kSvg);
  EXPECT_EQ(profile_format_for("a.b.svg"), ProfileFormat::kSvg);
  EXPECT_EQ(profile_format_for("flame.SVG"), std::nullopt);
  EXPECT_EQ(profile_format_for("out.json"), std::nullopt);
  EXPECT_EQ(profile_format_for("out.gz"), std::nullopt);
  EXPECT_EQ(profile_format_for("out.pb"), std::nullopt);
  EXPECT_EQ(profile_format_for("out.svg.txt"), std::nullopt);
  EXPECT_EQ(profile_format_for("out"), std::nullopt);
  EXPECT_EQ(profile_format_for(""), std::nullopt);
  EXPECT_EQ(profile_format_for("dir/.svg"), std::nullopt);
  EXPECT_EQ(profile_format_for(".folded"), std::nullopt);
}

// ---- folded ----

TEST(FoldedTest, LinesExactly) {
  const std::string expected =
      "main;app!main 2\n"
      "main;app!main;[host] wasi_snapshot_preview1.fd_read 4\n"
      "main;app!main;app!compute 5\n"
      "main;app!main;app!compute;app!a:b<&>\"q\" 3\n"
      "main;[lost samples] 2\n"
      "worker: 1;func[7] 7\n"
      "worker: 1;func[7];app!compute 1\n"
      "[no thread];[lost samples] 1\n";
  EXPECT_EQ(write_folded(sample_profile()), expected);
}

struct FoldedLine {
  std::vector<std::string> frames;
  uint64_t count = 0;
};

// Reads folded stacks as flame graph tools do: the count after the last space, frames split
// at ';'.
std::vector<FoldedLine> parse_folded(const std::string& text) {
  std::vector<FoldedLine> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    const size_t space = line.rfind(' ');
    EXPECT_NE(space, std::string::npos) << line;
    if (space == std::string::npos) continue;
    FoldedLine parsed;
    parsed.count = std::stoull(line.substr(space + 1));
    std::string frames = line.substr(0, space);
    for (size_t start = 0;;) {
      const size_t semi = frames.find(';', start);
      parsed.frames.push_back(frames.substr(start, semi - start));
      if (semi == std::string::npos) break;
      start = semi + 1;
    }
    lines.push_back(parsed);
  }
  return lines;
}

TEST(FoldedTest, ParsesBack) {
  Profile p = sample_profile();
  p.frames[1].function = "compute\nnext";  // a line break must not end the record
  const std::vector<FoldedLine> lines = parse_folded(write_folded(p));
  ASSERT_EQ(lines.size(), 8u);
  uint64_t sum = 0;
  std::map<std::string, uint64_t> per_thread;
  for (const FoldedLine& l : lines) {
    sum += l.count;
    per_thread[l.frames[0]] += l.count;
  }
  EXPECT_EQ(sum, 22u + 3u);
  EXPECT_EQ(per_thread["main"], 14u + 2u);
  EXPECT_EQ(per_thread["worker: 1"], 8u);
  EXPECT_EQ(per_thread["[no thread]"], 1u);
  const FoldedLine& deepest = lines[3];
  EXPECT_EQ(deepest.frames,
            (std::vector<std::string>{"main", "app!main", "app!compute next", "app!a:b<&>\"q\""}));
  EXPECT_EQ(deepest.count, 3u);
}

TEST(FoldedTest, ThreadsWithTheSameNameStayApart) {
  Profile p;
  p.frames = {frame("m", "f")};
  ProfileThread a, b, unnamed;
  a.id = 1, b.id = 2, unnamed.id = 9;
  a.name = b.name = "main";
  a.stacks = {stack({0}, 1)};
  b.stacks = {stack({0}, 2)};
  unnamed.stacks = {stack({0}, 3), stack({5}, 4)};  // frame 5 does not exist
  p.threads = {a, b, unnamed};
  EXPECT_EQ(write_folded(p),
            "main #1;m!f 1\n"
            "main #2;m!f 2\n"
            "thread 9;[unknown frame] 4\n"
            "thread 9;m!f 3\n");
}

TEST(FoldedTest, EmptyProfileIsEmpty) {
  EXPECT_EQ(write_folded(Profile{}), "");
}

// ---- speedscope ----

TEST(SpeedscopeTest, Structure) {
  const nlohmann::json doc = nlohmann::json::parse(write_speedscope(sample_profile()));
  EXPECT_EQ(doc["$schema"], "https://www.speedscope.app/file-format-schema.json");
  const auto& frames = doc["shared"]["frames"];
  ASSERT_EQ(frames.size(), 5u);
  EXPECT_EQ(frames[0]["name"], "app!main");
  EXPECT_EQ(frames[0]["file"], "app.c");
  EXPECT_EQ(frames[0]["line"], 10);
  EXPECT_EQ(frames[2]["name"], "app!a;b<&>\"q\"");  // JSON needs no replacement of ';'
  EXPECT_FALSE(frames[2].contains("file"));
  EXPECT_FALSE(frames[2].contains("line"));
  EXPECT_EQ(frames[3]["name"], "[host] wasi_snapshot_preview1.fd_read");

  const auto& profiles = doc["profiles"];
  ASSERT_EQ(profiles.size(), 2u);
  const uint64_t expected_samples[] = {14, 8};
  for (size_t t = 0; t < 2; ++t) {
    const auto& prof = profiles[t];
    EXPECT_EQ(prof["type"], "sampled");
    EXPECT_EQ(prof["unit"], "milliseconds");
    ASSERT_EQ(prof["samples"].size(), prof["weights"].size());
    double sum = 0;
    for (const auto& w : prof["weights"])
      sum += w.get<double>();
    EXPECT_DOUBLE_EQ(sum, static_cast<double>(expected_samples[t]));  // 1 ms per sample
    EXPECT_EQ(prof["startValue"], 0);
    EXPECT_DOUBLE_EQ(prof["endValue"].get<double>(), sum);
    for (const auto& s : prof["samples"]) {
      for (const auto& index : s)
        EXPECT_LT(index.get<size_t>(), frames.size());
    }
  }
  EXPECT_EQ(profiles[0]["name"], "main (2 samples lost)");
  EXPECT_EQ(profiles[1]["name"], "worker; 1");
  // The stack main > compute > a;b... is there with its 3 samples.
  bool found = false;
  for (size_t i = 0; i < profiles[0]["samples"].size(); ++i) {
    if (profiles[0]["samples"][i] == nlohmann::json::array({0, 1, 2})) {
      found = true;
      EXPECT_DOUBLE_EQ(profiles[0]["weights"][i].get<double>(), 3.0);
    }
  }
  EXPECT_TRUE(found);
  EXPECT_NE(doc["name"].get<std::string>().find("3 samples lost"), std::string::npos);
}

TEST(SpeedscopeTest, WeightsFollowTheRate) {
  Profile p = sample_profile();
  p.hz = 250;  // 4 ms per sample
  const nlohmann::json doc = nlohmann::json::parse(write_speedscope(p));
  double sum = 0;
  for (const auto& w : doc["profiles"][0]["weights"])
    sum += w.get<double>();
  EXPECT_DOUBLE_EQ(sum, 14 * 4.0);
  p.hz = 0;  // no rate: weights are sample counts
  const nlohmann::json counts = nlohmann::json::parse(write_speedscope(p));
  EXPECT_EQ(counts["profiles"][1]["unit"], "none");
  sum = 0;
  for (const auto& w : counts["profiles"][1]["weights"])
    sum += w.get<double>();
  EXPECT_DOUBLE_EQ(sum, 8.0);
}

TEST(SpeedscopeTest, ControlCharactersAndBadUtf8StayValidJson) {
  Profile p = sample_profile();
  p.frames[0].function = std::string("tab\there\x01\xff\xc3");
  const nlohmann::json doc = nlohmann::json::parse(write_speedscope(p));  // throws if invalid
  EXPECT_EQ(doc["shared"]["frames"][0]["name"], "app!tab\there\x01\xef\xbf\xbd\xef\xbf\xbd");
}

// ---- pprof ----

std::string gunzip(const std::vector<uint8_t>& data) {
  z_stream z{};
  EXPECT_EQ(inflateInit2(&z, 15 + 16), Z_OK);  // gzip only: raw zlib would fail
  z.next_in = const_cast<Bytef*>(data.data());
  z.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char buf[4096];
  int status = Z_OK;
  while (status == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    status = inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof buf - z.avail_out);
  }
  EXPECT_EQ(status, Z_STREAM_END);
  EXPECT_EQ(z.avail_in, 0u);
  inflateEnd(&z);
  return out;
}

// A protobuf message as field number -> values: varints, or the bytes of length-delimited
// fields (strings, nested messages, packed varints).
struct Proto {
  std::multimap<uint32_t, uint64_t> varints;
  std::multimap<uint32_t, std::string> bytes;

  static uint64_t varint(const std::string& data, size_t& at) {
    uint64_t value = 0;
    for (int shift = 0; at < data.size(); shift += 7) {
      const auto b = static_cast<uint8_t>(data[at++]);
      value |= uint64_t{b & 0x7fu} << shift;
      if ((b & 0x80) == 0) return value;
    }
    ADD_FAILURE() << "truncated varint";
    return value;
  }
  static Proto parse(const std::string& data) {
    Proto m;
    for (size_t at = 0; at < data.size();) {
      const uint64_t key = varint(data, at);
      const auto number = static_cast<uint32_t>(key >> 3);
      switch (key & 7) {
        case 0:
          m.varints.emplace(number, varint(data, at));
          break;
        case 2: {
          const uint64_t length = varint(data, at);
          EXPECT_LE(at + length, data.size());
          m.bytes.emplace(number, data.substr(at, length));
          at += length;
          break;
        }
        default:
          ADD_FAILURE() << "unexpected wire type " << (key & 7);
          return m;
      }
    }
    return m;
  }
  uint64_t one(uint32_t number) const {
    const auto it = varints.find(number);
    return it == varints.end() ? 0 : it->second;
  }
  std::vector<Proto> messages(uint32_t number) const {
    std::vector<Proto> out;
    for (auto [it, end] = bytes.equal_range(number); it != end; ++it)
      out.push_back(parse(it->second));
    return out;
  }
  std::vector<std::string> strings(uint32_t number) const {
    std::vector<std::string> out;
    for (auto [it, end] = bytes.equal_range(number); it != end; ++it)
      out.push_back(it->second);
    return out;
  }
  // A repeated varint field, packed or not.
  std::vector<uint64_t> repeated(uint32_t number) const {
    std::vector<uint64_t> out;
    for (auto [it, end] = varints.equal_range(number); it != end; ++it)
      out.push_back(it->second);
    for (auto [it, end] = bytes.equal_range(number); it != end; ++it) {
      for (size_t at = 0; at < it->second.size();)
        out.push_back(varint(it->second, at));
    }
    return out;
  }
};

TEST(PprofTest, DecodesWithTheProtoFieldNumbers) {
  auto gz = write_pprof(sample_profile());
  ASSERT_TRUE(gz.ok()) << gz.error().to_string();
  ASSERT_GE(gz->size(), 2u);
  EXPECT_EQ((*gz)[0], 0x1f);  // the gzip magic
  EXPECT_EQ((*gz)[1], 0x8b);
  const Proto profile = Proto::parse(gunzip(*gz));

  const std::vector<std::string> strings = profile.strings(6);
  ASSERT_FALSE(strings.empty());
  EXPECT_EQ(strings[0], "");
  auto str = [&](uint64_t index) { return index < strings.size() ? strings[index] : "<bad>"; };

  const std::vector<Proto> types = profile.messages(1);
  ASSERT_EQ(types.size(), 2u);
  EXPECT_EQ(str(types[0].one(1)), "samples");
  EXPECT_EQ(str(types[0].one(2)), "count");
  EXPECT_EQ(str(types[1].one(1)), "cpu");
  EXPECT_EQ(str(types[1].one(2)), "nanoseconds");
  const std::vector<Proto> period_type = profile.messages(11);
  ASSERT_EQ(period_type.size(), 1u);
  EXPECT_EQ(str(period_type[0].one(1)), "cpu");
  EXPECT_EQ(profile.one(12), 1'000'000u);  // 1 ms at 1000 Hz
  EXPECT_EQ(profile.one(9), 1'700'000'000'000'000'000u);
  EXPECT_EQ(profile.one(10), 2'500'000'000u);

  // Functions by id, locations by id -> function id.
  std::map<uint64_t, Proto> functions;
  for (const Proto& f : profile.messages(5))
    functions[f.one(1)] = f;
  std::map<uint64_t, uint64_t> location_function;
  for (const Proto& l : profile.messages(4)) {
    const std::vector<Proto> lines = l.messages(4);
    ASSERT_EQ(lines.size(), 1u);
    location_function[l.one(1)] = lines[0].one(1);
  }
  auto function_name = [&](uint64_t location) {
    return str(functions[location_function.at(location)].one(2));
  };

  std::map<std::string, uint64_t> samples_by_thread, ns_by_thread;
  bool found_deep = false, found_host = false;
  for (const Proto& s : profile.messages(2)) {
    const std::vector<uint64_t> values = s.repeated(2);
    ASSERT_EQ(values.size(), 2u);
    EXPECT_EQ(values[1], values[0] * 1'000'000);
    std::string thread;
    uint64_t thread_id = 0;
    bool has_thread_id = false;
    for (const Proto& label : s.messages(3)) {
      if (str(label.one(1)) == "thread") thread = str(label.one(2));
      if (str(label.one(1)) == "thread_id") {
        has_thread_id = true;
        thread_id = label.one(3);
      }
    }
    if (thread == "worker; 1") {
      EXPECT_EQ(thread_id, 3u);
    }
    EXPECT_EQ(has_thread_id, thread != "[no thread]") << thread;
    samples_by_thread[thread] += values[0];
    ns_by_thread[thread] += values[1];
    const std::vector<uint64_t> locations = s.repeated(1);
    std::vector<std::string> names;  // leaf first
    for (const uint64_t l : locations)
      names.push_back(function_name(l));
    if (names == std::vector<std::string>{"app!a;b<&>\"q\"", "app!compute", "app!main"}) {
      found_deep = true;
      EXPECT_EQ(values[0], 3u);
      EXPECT_EQ(thread, "main");
    }
    if (!names.empty() && names[0] == "[host] wasi_snapshot_preview1.fd_read") {
      found_host = true;
      EXPECT_EQ(values[0], 4u);
    }
  }
  EXPECT_TRUE(found_deep);
  EXPECT_TRUE(found_host);
  // Lost samples are samples of a "[lost samples]" location.
  EXPECT_EQ(samples_by_thread["main"], 14u + 2u);
  EXPECT_EQ(samples_by_thread["worker; 1"], 8u);
  EXPECT_EQ(samples_by_thread["[no thread]"], 1u);
  EXPECT_EQ(samples_by_thread.size(), 3u);
  EXPECT_EQ(ns_by_thread["worker; 1"], 8'000'000u);

  // Function details: file and line.
  bool found_main = false;
  for (const auto& [id, f] : functions) {
    if (str(f.one(2)) != "app!main") continue;
    found_main = true;
    EXPECT_EQ(str(f.one(3)), "main");
    EXPECT_EQ(str(f.one(4)), "app.c");
    EXPECT_EQ(f.one(5), 10u);
  }
  EXPECT_TRUE(found_main);

  std::string comments;
  for (const uint64_t c : profile.repeated(13))
    comments += str(c) + "\n";
  EXPECT_NE(comments.find("lost samples: 3"), std::string::npos) << comments;
}

TEST(PprofTest, WallModeAndRate) {
  Profile p = sample_profile();
  p.mode = "wall";
  p.hz = 997;  // nanoseconds per sample do not divide evenly
  auto gz = write_pprof(p);
  ASSERT_TRUE(gz.ok());
  const Proto profile = Proto::parse(gunzip(*gz));
  const std::vector<std::string> strings = profile.strings(6);
  const std::vector<Proto> types = profile.messages(1);
  ASSERT_EQ(types.size(), 2u);
  EXPECT_EQ(strings.at(types[1].one(1)), "wall");
  EXPECT_EQ(profile.one(12), 1'003'009u);  // 1e9 / 997, rounded down
  uint64_t ns = 0;
  for (const Proto& s : profile.messages(2))
    ns += s.repeated(2).at(1);
  // Each sample's value is exact for its own count; 25 samples of 1/997 s in all.
  EXPECT_NEAR(static_cast<double>(ns), 25 * 1e9 / 997, 25.0);
}

TEST(PprofTest, RefusesAProfileWithoutARate) {
  Profile p = sample_profile();
  p.hz = 0;
  EXPECT_FALSE(write_pprof(p).ok());
}

// ---- SVG ----

size_t occurrences(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

TEST(SvgTest, EscapedAndBalanced) {
  const std::string svg = write_svg(sample_profile());
  EXPECT_EQ(svg.rfind("<?xml", 0), 0u);
  EXPECT_NE(svg.find("<svg xmlns=\"http://www.w3.org/2000/svg\""), std::string::npos);
  EXPECT_EQ(svg.find("<&>"), std::string::npos);
  EXPECT_NE(svg.find("app!a;b&lt;&amp;&gt;&quot;q&quot;"), std::string::npos);
  for (const char* name : {"app!main", "app!compute", "[host] wasi_snapshot_preview1.fd_read",
                           "func[7]", "worker; 1", "[lost samples]", "[no thread]"}) {
    EXPECT_NE(svg.find(std::string("data-name=\"") + name + "\""), std::string::npos) << name;
  }
  // all, 3 thread roots; main: app!main, its host frame, compute, a;b.., lost; worker:
  // func[7], compute; no thread: lost.
  EXPECT_EQ(occurrences(svg, "<g class=\"f\""), 4u + 5u + 2u + 1u);
  EXPECT_EQ(occurrences(svg, "<g"), occurrences(svg, "</g>"));
  EXPECT_EQ(occurrences(svg, "<title>"), occurrences(svg, "</title>"));
  EXPECT_EQ(occurrences(svg, "<script>"), 1u);
  EXPECT_EQ(occurrences(svg, "<![CDATA["), 1u);
  EXPECT_EQ(occurrences(svg, "]]>"), 1u);
  EXPECT_EQ(svg.find("href"), std::string::npos);  // nothing external
  // Tooltips: samples and share of all 25.
  EXPECT_NE(svg.find("<title>app!main (14 samples, 56.00%) at app.c:10</title>"),
            std::string::npos);
  EXPECT_NE(svg.find("<title>all (25 samples, 100.00%)</title>"), std::string::npos);
  EXPECT_NE(svg.find("<title>main (16 samples, 64.00%); 2 of them lost</title>"),
            std::string::npos);
  EXPECT_NE(svg.find("<title>func[7] (8 samples, 32.00%)</title>"), std::string::npos);
}

TEST(SvgTest, LabelsAreCutToFit) {
  std::string accents;
  for (int i = 0; i < 200; ++i)
    accents += "\xc3\xa9";  // U+00E9, two bytes each
  Profile p;
  p.frames = {frame("m", std::string(300, 'x')), frame("m", "short"), frame("m", accents)};
  ProfileThread t;
  t.name = "main";
  t.stacks = {stack({0}, 999), stack({1}, 1)};
  ProfileThread u;
  u.name = "other";
  u.stacks = {stack({2}, 999), stack({1}, 1)};  // the same widths as above
  p.threads = {t};
  // 999 of 1000 samples: 1178.82 of 1180 px, room for 162 characters of 7.2 px (3 px inset
  // each side): 160 of the name and "..".
  std::string svg = write_svg(p);
  EXPECT_NE(svg.find(">m!" + std::string(158, 'x') + "..</text>"), std::string::npos);
  EXPECT_NE(svg.find("data-name=\"m!" + std::string(300, 'x') + "\""), std::string::npos);
  // 1 sample: 1.18 px, no label at all.
  EXPECT_NE(svg.find("data-name=\"m!short\""), std::string::npos);
  EXPECT_EQ(svg.find(">m!short</text>"), std::string::npos);
  // Cut by characters, never inside one.
  p.threads = {u};
  svg = write_svg(p);
  std::string cut;
  for (int i = 0; i < 158; ++i)
    cut += "\xc3\xa9";
  EXPECT_NE(svg.find(">m!" + cut + "..</text>"), std::string::npos);
}

TEST(SvgTest, EmptyProfileStillRenders) {
  const std::string svg = write_svg(Profile{});
  EXPECT_NE(svg.find("0 samples"), std::string::npos);
  EXPECT_EQ(svg.find("nan"), std::string::npos);
  EXPECT_EQ(svg.find("inf"), std::string::npos);
}

// ---- write_profile ----

class WriteProfileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/profile_format_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_))
      names.push_back(e.path().filename());
    std::sort(names.begin(), names.end());
    return names;
  }
  static std::string read(const fs::path& path) {
    std::string data(fs::file_size(path), '\0');
    std::ifstream(path, std::ios::binary)
        .read(data.data(), static_cast<std::streamsize>(data.size()));
    return data;
  }
  fs::path dir_;
};

TEST_F(WriteProfileTest, WritesEachFormat) {
  const Profile p = sample_profile();
  ASSERT_TRUE(write_profile(p, dir_ / "p.folded").ok());
  ASSERT_TRUE(write_profile(p, dir_ / "p.speedscope.json").ok());
  ASSERT_TRUE(write_profile(p, dir_ / "p.pb.gz").ok());
  ASSERT_TRUE(write_profile(p, dir_ / "p.svg").ok());
  EXPECT_EQ(entries(),
            (std::vector<std::string>{"p.folded", "p.pb.gz", "p.speedscope.json", "p.svg"}));
  EXPECT_EQ(read(dir_ / "p.folded"), write_folded(p));
  EXPECT_EQ(read(dir_ / "p.speedscope.json"), write_speedscope(p));
  EXPECT_EQ(read(dir_ / "p.svg"), write_svg(p));
  EXPECT_EQ(read(dir_ / "p.pb.gz").substr(0, 2), "\x1f\x8b");
  struct stat st {};
  ASSERT_EQ(stat((dir_ / "p.folded").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
}

TEST_F(WriteProfileTest, ReplacesAnExistingFile) {
  std::ofstream(dir_ / "p.folded") << "old\n";
  ASSERT_TRUE(write_profile(sample_profile(), dir_ / "p.folded").ok());
  EXPECT_EQ(read(dir_ / "p.folded"), write_folded(sample_profile()));
  EXPECT_EQ(entries(), std::vector<std::string>{"p.folded"});
}

TEST_F(WriteProfileTest, RefusesAnUnknownExtension) {
  const std::string path = dir_ / "p.txt";
  const Result<void> r = write_profile(sample_profile(), path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kUnsupported);
  EXPECT_NE(r.error().message.find(path), std::string::npos) << r.error().message;
  EXPECT_TRUE(entries().empty());
}

TEST_F(WriteProfileTest, FailsInAMissingDirectory) {
  const std::string path = dir_ / "missing" / "p.svg";
  const Result<void> r = write_profile(sample_profile(), path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kIo);
  EXPECT_NE(r.error().message.find(path), std::string::npos) << r.error().message;
  EXPECT_TRUE(entries().empty());
}

TEST_F(WriteProfileTest, FailureAfterWritingRemovesTheTemporaryFile) {
  // The target is a directory: the temporary file is written, then the rename fails.
  fs::create_directory(dir_ / "p.svg");
  const Result<void> r = write_profile(sample_profile(), dir_ / "p.svg");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kIo);
  EXPECT_NE(r.error().message.find((dir_ / "p.svg").string()), std::string::npos);
  EXPECT_EQ(entries(), std::vector<std::string>{"p.svg"});
  EXPECT_TRUE(fs::is_empty(dir_ / "p.svg"));
}

TEST_F(WriteProfileTest, FailsWhenAParentIsAFile) {
  std::ofstream(dir_ / "file") << "x";
  const Result<void> r = write_profile(sample_profile(), dir_ / "file" / "p.folded");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kIo);
  EXPECT_EQ(entries(), std::vector<std::string>{"file"});
}

TEST_F(WriteProfileTest, UnwritableDirectory) {
  if (geteuid() == 0) {
    // Root writes anywhere: /proc refuses new files to everyone.
    const Result<void> r = write_profile(sample_profile(), "/proc/wasmscope-test.folded");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::kIo);
    return;
  }
  fs::create_directory(dir_ / "ro");
  fs::permissions(dir_ / "ro", fs::perms::owner_read | fs::perms::owner_exec);
  const Result<void> r = write_profile(sample_profile(), dir_ / "ro" / "p.folded");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kIo);
  EXPECT_TRUE(fs::is_empty(dir_ / "ro"));
  fs::permissions(dir_ / "ro", fs::perms::owner_all);
}

}  // namespace
}  // namespace wasmscope::internal::diag
