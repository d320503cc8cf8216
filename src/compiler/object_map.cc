// The code map of a compiled module (engine/code_map.h), read from the relocatable object LLVM
// emitted for it: each function body's symbol gives its extent, and the DWARF line table (whose
// "line" is the wasm code offset, see FuncGen::generate) gives each instruction's origin.
#include "compiler/object_map.h"

#include <llvm/DebugInfo/DWARF/DWARFContext.h>
#include <llvm/Object/ELFObjectFile.h>
#include <llvm/Object/ObjectFile.h>

#include <algorithm>
#include <string>

namespace wasmscope::internal::compiler {
namespace {

/// The defined-function index of body symbol "f<N>", or -1.
int64_t body_index(llvm::StringRef name) {
  if (name.size() < 2 || name[0] != 'f') return -1;
  uint64_t index = 0;
  if (name.substr(1).getAsInteger(10, index)) return -1;
  return static_cast<int64_t>(index);
}

/// Where a body's code is in its object.
struct Symbol {
  uint64_t section = 0;  ///< Section index.
  uint64_t offset = 0;   ///< In the section.
  uint64_t size = 0;
  bool found = false;
};

Error fail(const std::string& why) {
  return Error{ErrorKind::kUnsupported, 0, "compiled tier: reading the code map: " + why};
}

/// Adds the line rows of the bodies {obj} defines ({order}, indices into {symbols}) to {map}.
void add_lines(const llvm::object::ObjectFile& obj, const std::vector<Symbol>& symbols,
               std::vector<size_t> order, const std::vector<void*>& bodies, CodeMap* map) {
  // The bodies by section, sorted by offset, to place each line row.
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return symbols[a].section != symbols[b].section ? symbols[a].section < symbols[b].section
                                                    : symbols[a].offset < symbols[b].offset;
  });
  auto dwarf = llvm::DWARFContext::create(obj);
  for (const auto& unit : dwarf->compile_units()) {
    const llvm::DWARFDebugLine::LineTable* table = dwarf->getLineTableForUnit(unit.get());
    if (table == nullptr) continue;
    for (const llvm::DWARFDebugLine::Row& row : table->Rows) {
      if (row.EndSequence) continue;
      const uint64_t section = row.Address.SectionIndex;
      const uint64_t offset = row.Address.Address;
      // The function whose [offset, offset + size) holds the row.
      auto it = std::upper_bound(order.begin(), order.end(), std::make_pair(section, offset),
                                 [&](const std::pair<uint64_t, uint64_t>& key, size_t f) {
                                   return key.first != symbols[f].section
                                              ? key.first < symbols[f].section
                                              : key.second < symbols[f].offset;
                                 });
      if (it == order.begin()) continue;
      const Symbol& s = symbols[*std::prev(it)];
      if (s.section != section || offset >= s.offset + s.size) continue;
      const uintptr_t address =
          reinterpret_cast<uintptr_t>(bodies[*std::prev(it)]) + (offset - s.offset);
      // Line 0: code no wasm instruction owns (spills, merged paths); the previous row's
      // offset is the better guess, so such rows are left out.
      if (row.Line == 0) continue;
      map->lines.push_back({address, row.Line});
    }
  }
}

}  // namespace

Result<void> build_code_map(const std::vector<llvm::MemoryBufferRef>& objects,
                            const std::vector<void*>& bodies, CodeMap* map) {
  std::vector<bool> found(bodies.size(), false);
  for (llvm::MemoryBufferRef object : objects) {
    auto file = llvm::object::ObjectFile::createObjectFile(object);
    if (!file) return fail(llvm::toString(file.takeError()));
    const llvm::object::ObjectFile& obj = **file;
    std::vector<Symbol> symbols(bodies.size());
    std::vector<size_t> defined;
    for (const llvm::object::SymbolRef& sym : obj.symbols()) {
      auto name = sym.getName();
      if (!name) {
        llvm::consumeError(name.takeError());
        continue;
      }
      const int64_t index = body_index(*name);
      if (index < 0 || static_cast<size_t>(index) >= bodies.size()) continue;
      auto section = sym.getSection();
      auto value = sym.getValue();
      if (!section || !value || *section == obj.section_end()) {
        if (!section) llvm::consumeError(section.takeError());
        if (!value) llvm::consumeError(value.takeError());
        continue;  // undefined here: another partition's body
      }
      Symbol& s = symbols[static_cast<size_t>(index)];
      s.section = (*section)->getIndex();
      s.offset = *value;
      s.size = llvm::object::ELFSymbolRef(sym).getSize();
      s.found = true;
      found[static_cast<size_t>(index)] = true;
      defined.push_back(static_cast<size_t>(index));
      const auto begin = reinterpret_cast<uintptr_t>(bodies[static_cast<size_t>(index)]);
      map->ranges.push_back({begin, begin + s.size, static_cast<uint32_t>(index)});
    }
    add_lines(obj, symbols, std::move(defined), bodies, map);
  }
  for (size_t i = 0; i < bodies.size(); ++i) {
    if (!found[i]) return fail("no symbol for function " + std::to_string(i));
  }
  std::sort(map->ranges.begin(), map->ranges.end(),
            [](const CodeMap::Range& a, const CodeMap::Range& b) { return a.begin < b.begin; });
  std::stable_sort(map->lines.begin(), map->lines.end(),
                   [](const CodeMap::Line& a, const CodeMap::Line& b) { return a.address < b.address; });
  return {};
}

}  // namespace wasmscope::internal::compiler
