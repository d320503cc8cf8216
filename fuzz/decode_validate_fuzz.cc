// libFuzzer target: any bytes through the decoder and validator (and the DWARF readers), and
// the same bytes as text through the text parser (and, when that succeeds, its output through
// decode and validate).
// The only acceptable outcomes are a value or an Error: crashes, sanitizer reports, hangs and
// runaway allocations are bugs.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "binary/decoder.h"
#include "binary/dwarf_info.h"
#include "binary/dwarf_line.h"
#include "text/wat.h"
#include "validate/validator.h"

namespace {

void decode_and_validate(std::vector<uint8_t> bytes) {
  wasmscope::Result<wasmscope::internal::Module> module = wasmscope::internal::decode_module(std::move(bytes));
  if (!module.ok()) return;
  // DWARF lives in custom sections, which the decoder does not check: any bytes reach it.
  wasmscope::Result<wasmscope::internal::DataSymbols> symbols =
      wasmscope::internal::DataSymbols::parse(*module);
  if (symbols.ok()) (void)symbols->describe(0x400);
  wasmscope::Result<wasmscope::internal::LineTable> lines = wasmscope::internal::LineTable::parse(*module);
  (void)lines.ok();
  wasmscope::Result<wasmscope::internal::ModuleFacts> facts = wasmscope::internal::validate_module(*module);
  (void)facts.ok();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  decode_and_validate(std::vector<uint8_t>(data, data + size));
  std::string_view text(reinterpret_cast<const char*>(data), size);
  wasmscope::Result<std::vector<uint8_t>> binary = wasmscope::internal::wat_to_binary(text);
  if (binary.ok()) decode_and_validate(std::move(binary.value()));
  return 0;
}
