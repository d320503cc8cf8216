#include "stack/symbolizer.h"

#include <cstdio>

#include "engine/code_map.h"
#include "engine/instance_data.h"

namespace wasmscope::internal {

std::string SymbolizedFrame::to_string() const {
  std::string out = module.empty() ? function : module + "!" + function;
  if (!host) {
    char offset[24];
    std::snprintf(offset, sizeof offset, "+0x%x", code_offset);
    out += offset;
  }
  return out;
}

std::string function_name(const CompiledModule& module, uint32_t index) {
  const Module& m = module.module;
  if (auto it = m.names.functions.find(index); it != m.names.functions.end()) return it->second;
  for (const Export& e : m.exports) {
    if (e.kind == ExternKind::kFunc && e.index == index) return e.name;
  }
  return "func[" + std::to_string(index) + "]";
}

SymbolizedFrame symbolize(const FrameRecord& record, const std::string& module_name) {
  SymbolizedFrame frame;
  const Func* func = record.func;
  if (func == nullptr) return frame;
  if (func->code == nullptr) {
    frame.host = true;
    frame.function = func->host_name;
    return frame;
  }
  const CompiledModule& module = *func->instance->module;
  frame.module = module.module.names.module.value_or(module_name);
  frame.func_index = func->index;
  frame.function = function_name(module, func->index);
  frame.module_offset = is_native_frame(record) ? native_wasm_offset(record)
                                               : func->code->wasm_offset(record.pc);
  const Function& body = module.module.functions[func->index - module.module.imported_funcs];
  frame.code_offset = frame.module_offset >= body.body.begin ? frame.module_offset - body.body.begin : 0;
  return frame;
}

const LineTable* source_lines(const CompiledModule& module) {
  LazyLineTable& lazy = *module.lines;
  std::call_once(lazy.once, [&] {
    Result<LineTable> parsed = LineTable::parse(module.module);
    if (parsed.ok() && !parsed->empty()) lazy.table.emplace(std::move(*parsed));
  });
  return lazy.table ? &*lazy.table : nullptr;
}

const DataSymbols* data_symbols(const CompiledModule& module) {
  LazyDataSymbols& lazy = *module.data;
  std::call_once(lazy.once, [&] {
    Result<DataSymbols> parsed = DataSymbols::parse(module.module);
    if (parsed.ok() && parsed->size() != 0) lazy.symbols.emplace(std::move(*parsed));
  });
  return lazy.symbols ? &*lazy.symbols : nullptr;
}

std::optional<std::string> data_symbol(const FrameRecord& frame, uint64_t address) {
  if (frame.func == nullptr || frame.func->instance == nullptr) return std::nullopt;
  const DataSymbols* symbols = data_symbols(*frame.func->instance->module);
  return symbols == nullptr ? std::nullopt : symbols->describe(address);
}

std::optional<std::string> source_location(const FrameRecord& record,
                                           const SymbolizedFrame& frame) {
  if (frame.host || record.func == nullptr || record.func->instance == nullptr) {
    return std::nullopt;
  }
  const LineTable* lines = source_lines(*record.func->instance->module);
  if (lines == nullptr) return std::nullopt;
  const std::optional<LineInfo> info = lines->lookup(frame.module_offset);
  if (!info || info->line == 0) return std::nullopt;
  return info->file + ":" + std::to_string(info->line);
}

const uint64_t* call_position(const FrameRecord& caller) {
  // Compiled code: a byte back from the return address is inside the call instruction.
  if (is_native_frame(caller) && caller.pc != nullptr) {
    return reinterpret_cast<const uint64_t*>(reinterpret_cast<uintptr_t>(caller.pc) - 1);
  }
  return caller.pc == nullptr || caller.func == nullptr || caller.func->code == nullptr
             ? caller.pc
             : caller.pc - 1;
}

std::vector<SymbolizedFrame> symbolize_stack(const std::vector<FrameRecord>& frames,
                                             const std::string& module_name) {
  std::vector<SymbolizedFrame> out;
  for (auto it = frames.rbegin(); it != frames.rend(); ++it) {
    FrameRecord record = *it;
    if (it != frames.rbegin()) record.pc = call_position(record);
    out.push_back(symbolize(record, module_name));
  }
  return out;
}

}  // namespace wasmscope::internal
