// wasmscope dump: a module's structure, section by section, then its validation verdict.
#include <cinttypes>
#include <cstdio>
#include <string>
#include <string_view>

#include "base/leb128.h"
#include "binary/decoder.h"
#include "binary/disassembler.h"
#include "tools/commands.h"
#include "tools/file_io.h"
#include "tools/format.h"
#include "validate/validator.h"

namespace wasmscope::internal::tools {
namespace {

constexpr const char* kDumpUsage =
    "usage: wasmscope dump [--disassemble] FILE\n"
    "\n"
    "Prints the sections (id, name, offset, size), types, imports, functions (index,\n"
    "signature, name from the name section, body size, locals), tables, memories, globals,\n"
    "exports, start, element and data segments and custom sections of a module (.wasm, or\n"
    ".wat/.wast text), then validates it.\n"
    "\n"
    "options:\n"
    "  --disassemble, -d   also print each function body's instructions\n"
    "  --help, -h          show this help\n"
    "\n"
    "exit status: 0 valid, 1 malformed, invalid or unreadable, 2 usage error\n";

/// One section header as found in the bytes.
struct SectionHeader {
  uint8_t id = 0;
  uint32_t offset = 0;  ///< Of the id byte.
  uint32_t size = 0;    ///< Of the payload.
  std::string custom_name;
};

const char* section_name(uint8_t id) {
  static constexpr const char* kNames[] = {"custom", "type",   "import",   "function", "table",
                                           "memory", "global", "export",   "start",    "element",
                                           "code",   "data",   "datacount", "tag"};
  return id < std::size(kNames) ? kNames[id] : "unknown";
}

/// Reads the section headers after the preamble, stopping at the first one that does not fit.
std::vector<SectionHeader> scan_sections(const std::vector<uint8_t>& bytes) {
  std::vector<SectionHeader> sections;
  const uint8_t* const base = bytes.data();
  const uint8_t* const end = base + bytes.size();
  size_t pos = 8;
  while (pos < bytes.size()) {
    SectionHeader header;
    header.id = base[pos];
    header.offset = static_cast<uint32_t>(pos);
    uint64_t size;
    size_t length;
    if (read_uleb(base + pos + 1, end, 32, &size, &length) != LebStatus::kOk) break;
    const size_t payload = pos + 1 + length;
    if (size > bytes.size() - payload) break;
    header.size = static_cast<uint32_t>(size);
    if (header.id == 0) {
      uint64_t name_size;
      size_t name_length;
      if (read_uleb(base + payload, base + payload + size, 32, &name_size, &name_length) ==
              LebStatus::kOk &&
          name_size <= size - name_length) {
        header.custom_name.assign(reinterpret_cast<const char*>(base + payload + name_length),
                                  name_size);
      }
    }
    sections.push_back(header);
    pos = payload + size;
  }
  return sections;
}

void print_sections(const std::vector<uint8_t>& bytes) {
  const std::vector<SectionHeader> sections = scan_sections(bytes);
  std::printf("sections (%zu):\n", sections.size());
  std::printf("  %3s  %-10s %-10s %10s\n", "id", "name", "offset", "size");
  for (const SectionHeader& s : sections) {
    std::printf("  %3u  %-10s 0x%08" PRIx32 " %10" PRIu32, s.id, section_name(s.id), s.offset,
                s.size);
    if (s.id == 0) std::printf("  \"%s\"", s.custom_name.c_str());
    std::printf("\n");
  }
}

std::string type_text(const Module& module, uint32_t type_index) {
  std::string out = cat("type[", std::to_string(type_index), "]");
  if (type_index < module.types.size()) out += cat(" ", format_functype(module.types[type_index]));
  return out;
}

std::string import_desc(const Module& module, const Import& import) {
  switch (import.kind) {
    case ExternKind::kFunc:
      return type_text(module, import.func_type);
    case ExternKind::kTable:
      return format_table_type(import.table);
    case ExternKind::kMemory:
      return format_limits(import.memory.limits);
    case ExternKind::kGlobal:
      return format_global_type(import.global);
    case ExternKind::kTag:
      return cat("tag ", type_text(module, import.tag_type));
  }
  return "";
}

void print_types_and_imports(const Module& module) {
  std::printf("types (%zu):\n", module.types.size());
  for (size_t i = 0; i < module.types.size(); ++i) {
    std::printf("  type[%zu] %s\n", i, format_functype(module.types[i]).c_str());
  }
  std::printf("imports (%zu):\n", module.imports.size());
  uint32_t counters[4] = {};
  for (const Import& import : module.imports) {
    const uint32_t index = counters[static_cast<unsigned>(import.kind) & 3]++;
    std::string name = import.kind == ExternKind::kFunc ? function_name(module, index) : "";
    std::printf("  %s[%u] %s%s \"%s\".\"%s\" %s\n", extern_kind_name(import.kind), index,
                name.empty() ? "" : "$", name.c_str(), import.module.c_str(), import.name.c_str(),
                import_desc(module, import).c_str());
  }
}

std::string locals_text(const Function& function) {
  if (function.locals.empty()) return "none";
  std::string out = cat(std::to_string(function.local_count), " (");
  for (size_t i = 0; i < function.locals.size(); ++i) {
    if (i != 0) out += ", ";
    out +=
        cat(std::to_string(function.locals[i].count), " x ", internal::valtype_text(function.locals[i].type));
  }
  return out + ")";
}

void print_local_names(const Module& module, uint32_t func_index) {
  auto it = module.names.locals.find(func_index);
  if (it == module.names.locals.end() || it->second.empty()) return;
  std::printf("      local names:");
  for (const auto& [index, name] : it->second)
    std::printf(" %u=$%s", index, name.c_str());
  std::printf("\n");
}

void print_body(const Module& module, const Function& function) {
  std::string listing;
  Result<void> status = disassemble(module, function.code, &listing, Features());
  size_t pos = 0;
  while (pos < listing.size()) {
    size_t eol = listing.find('\n', pos);
    if (eol == std::string::npos) eol = listing.size();
    std::printf("      %.*s\n", static_cast<int>(eol - pos), listing.data() + pos);
    pos = eol + 1;
  }
  if (!status.ok()) std::printf("      <%s>\n", status.error().to_string().c_str());
}

void print_functions(const Module& module, bool with_code) {
  std::printf("functions (%zu defined, %u imported):\n", module.functions.size(),
              module.imported_funcs);
  for (size_t i = 0; i < module.functions.size(); ++i) {
    const Function& function = module.functions[i];
    const uint32_t index = module.imported_funcs + static_cast<uint32_t>(i);
    const std::string name = function_name(module, index);
    std::printf("  func[%u]%s%s %s body %u bytes, locals %s\n", index, name.empty() ? "" : " $",
                name.c_str(), type_text(module, function.type).c_str(), function.body.size(),
                locals_text(function).c_str());
    print_local_names(module, index);
    if (with_code) print_body(module, function);
  }
}

void print_storage(const Module& module) {
  std::printf("tables (%zu defined):\n", module.tables.size());
  for (size_t i = 0; i < module.tables.size(); ++i) {
    std::printf("  table[%zu] %s\n", module.imported_tables + i,
                format_table_type(module.tables[i]).c_str());
  }
  std::printf("memories (%zu defined):\n", module.memories.size());
  for (size_t i = 0; i < module.memories.size(); ++i) {
    std::printf("  memory[%zu] %s\n", module.imported_memories + i,
                format_limits(module.memories[i].limits).c_str());
  }
  std::printf("globals (%zu defined):\n", module.globals.size());
  for (size_t i = 0; i < module.globals.size(); ++i) {
    const Global& global = module.globals[i];
    std::printf("  global[%zu] %s = %s\n", module.imported_globals + i,
                format_global_type(global.type).c_str(),
                format_const_expr(module, global.init).c_str());
  }
}

void print_exports_and_start(const Module& module) {
  std::printf("exports (%zu):\n", module.exports.size());
  for (const Export& e : module.exports) {
    std::string name = e.kind == ExternKind::kFunc ? function_name(module, e.index) : "";
    std::printf("  \"%s\" -> %s[%u]%s%s\n", e.name.c_str(), extern_kind_name(e.kind), e.index,
                name.empty() ? "" : " $", name.c_str());
  }
  if (module.start) {
    const std::string name = function_name(module, *module.start);
    std::printf("start: func[%u]%s%s\n", *module.start, name.empty() ? "" : " $", name.c_str());
  } else {
    std::printf("start: none\n");
  }
}

void print_segments(const Module& module) {
  std::printf("elem segments (%zu):\n", module.elems.size());
  for (size_t i = 0; i < module.elems.size(); ++i) {
    const ElemSegment& elem = module.elems[i];
    std::printf("  elem[%zu] %s", i, segment_mode_name(elem.mode));
    if (elem.mode == SegmentMode::kActive) {
      std::printf(" table %u offset (%s)", elem.table,
                  format_const_expr(module, elem.offset).c_str());
    }
    std::printf(" %s, %u entries\n", internal::valtype_text(elem.type).c_str(), elem.size());
  }
  std::printf("data segments (%zu", module.datas.size());
  if (module.data_count) std::printf(", data count %u", *module.data_count);
  std::printf("):\n");
  for (size_t i = 0; i < module.datas.size(); ++i) {
    const DataSegment& data = module.datas[i];
    std::printf("  data[%zu] %s", i, segment_mode_name(data.mode));
    if (data.mode == SegmentMode::kActive) {
      std::printf(" memory %u offset (%s)", data.memory,
                  format_const_expr(module, data.offset).c_str());
    }
    std::printf(", %u bytes\n", data.init.size());
  }
}

void print_customs(const Module& module) {
  std::printf("custom sections (%zu):\n", module.customs.size());
  for (const CustomSection& custom : module.customs) {
    std::printf("  \"%s\" section at 0x%08x, payload %u bytes\n", custom.name.c_str(),
                custom.offset, custom.data.size());
  }
  if (module.names.module) std::printf("module name: $%s\n", module.names.module->c_str());
}

int dump_file(const std::string& path, bool with_code) {
  Result<std::vector<uint8_t>> bytes = load_module_bytes(path, Features());
  if (!bytes.ok()) {
    const Error& error = bytes.error();
    if (error.kind == ErrorKind::kIo) {
      std::fprintf(stderr, "%s: error: %s\n", path.c_str(), error.message.c_str());
    } else {
      std::printf("%s: %s\n", path.c_str(), error.to_string().c_str());
    }
    return 1;
  }
  std::printf("%s: %zu bytes\n", path.c_str(), bytes->size());
  print_sections(*bytes);
  Result<Module> module = decode_module(std::move(bytes.value()), Features());
  if (!module.ok()) {
    std::printf("%s: %s\n", path.c_str(), module.error().to_string().c_str());
    return 1;
  }
  print_types_and_imports(*module);
  print_functions(*module, with_code);
  print_storage(*module);
  print_exports_and_start(*module);
  print_segments(*module);
  print_customs(*module);
  Result<ModuleFacts> facts = validate_module(*module, Features());
  if (!facts.ok()) {
    std::printf("validation: %s\n", facts.error().to_string().c_str());
    return 1;
  }
  std::printf("validation: valid\n");
  return 0;
}

}  // namespace

int cmd_dump(const Args& args) {
  if (wants_help(args)) {
    std::fputs(kDumpUsage, stdout);
    return 0;
  }
  bool with_code = false;
  bool options_done = false;
  std::vector<std::string> files;
  for (const std::string& arg : args) {
    if (!options_done && arg == "--") {
      options_done = true;
    } else if (!options_done && (arg == "--disassemble" || arg == "-d")) {
      with_code = true;
    } else if (!options_done && arg.size() > 1 && arg[0] == '-') {
      throw UsageError("dump: unknown option '" + arg + "'\n" + kDumpUsage);
    } else {
      files.push_back(arg);
    }
  }
  if (files.size() != 1) throw UsageError(std::string("dump: expected one FILE\n") + kDumpUsage);
  const int status = dump_file(files[0], with_code);
  std::fflush(stdout);
  return status;
}

}  // namespace wasmscope::internal::tools
