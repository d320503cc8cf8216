// profile_format_fixture OUTDIR: writes one hand-built profile in all four formats
// (OUTDIR/profile.folded, .speedscope.json, .pb.gz, .svg) through write_profile(), for the
// readers in this folder to check. The profile is small but has what readers trip on: two
// threads, nested stacks, a host frame, lost samples, and names with ';' and "<&>".
// check_formats.mjs holds the expected values, written from this description, not from the
// writers' output.
#include <cstdio>
#include <string>

#include "diag/profile.h"

using wasmscope::internal::diag::Profile;
using wasmscope::internal::diag::ProfileFrame;
using wasmscope::internal::diag::ProfileStack;
using wasmscope::internal::diag::ProfileThread;

namespace {

ProfileFrame frame(const char* module, const char* function, const char* file, uint32_t line,
                   bool host = false) {
  ProfileFrame f;
  f.module = module;
  f.function = function;
  f.file = file;
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

Profile fixture_profile() {
  Profile p;
  p.mode = "cpu";
  p.hz = 1000;
  p.start_unix_ns = 1'750'000'000'000'000'000;
  p.duration_ns = 1'000'000'000;
  p.program = "fixture.wasm";
  p.frames = {
      frame("fixture", "main", "main.c", 5),                                 // 0
      frame("fixture", "render_scene", "render.c", 40),                      // 1
      frame("fixture", "shade<&>;pixel", "render.c", 90),                    // 2
      frame("", "wasi_snapshot_preview1.fd_write", "", 0, true),             // 3
      frame("fixture", "worker_loop", "worker.c", 12),                       // 4
      frame("fixture", "hash_block", "worker.c", 30),                        // 5
      frame("", "wait", "", 0, true),                                        // 6
  };
  ProfileThread main;
  main.id = 1;
  main.name = "main";
  main.stacks = {stack({0, 1, 2}, 300), stack({0, 1}, 120), stack({0, 3}, 60), stack({0}, 20)};
  main.samples = 500;
  main.lost = 4;
  ProfileThread worker;
  worker.id = 2;
  worker.name = "thread 2";
  worker.stacks = {stack({4, 5}, 200), stack({4, 6}, 50)};
  worker.samples = 250;
  worker.lost = 1;
  p.threads = {main, worker};
  p.lost_unattributed = 2;
  return p;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: profile_format_fixture OUTDIR\n");
    return 2;
  }
  const Profile profile = fixture_profile();
  for (const char* ext : {".folded", ".speedscope.json", ".pb.gz", ".svg"}) {
    const std::string path = std::string(argv[1]) + "/profile" + ext;
    const auto written = wasmscope::internal::diag::write_profile(profile, path);
    if (!written.ok()) {
      std::fprintf(stderr, "profile_format_fixture: %s\n", written.error().message.c_str());
      return 1;
    }
  }
  return 0;
}
