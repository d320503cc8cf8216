// libFuzzer target: any bytes through the readers of the files wasmscope writes and reads back,
// which arrive from elsewhere as often as from this build: the WebAssembly coredump reader (as
// `wasmscope coredump FILE` uses it, with its allocation bound) and the .cwasm reader, which
// must refuse everything but an intact file of this very build before any code is mapped.
// A value or an Error are the only acceptable outcomes.
#include <cstddef>
#include <cstdint>
#include <span>

#include "compiler/compiler.h"
#include "diag/coredump_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> bytes(data, size);
  wasmscope::internal::CoredumpReadLimits limits;
  limits.max_memory_bytes = uint64_t{64} << 20;
  auto dump = wasmscope::internal::read_coredump(bytes, limits);
  if (dump.ok()) {
    size_t frames = 0;
    for (const auto& thread : dump->threads) frames += thread.frames.size();
    (void)frames;
  }
  auto cwasm = wasmscope::internal::read_cwasm(bytes);
  (void)cwasm.ok();
  return 0;
}
