// The code layout of a compiled module (native_code.h), read from the relocatable objects LLVM
// emitted for it: each function body's symbol gives its extent, and the DWARF line table (whose
// "line" is the wasm code offset, see FuncGen::generate) gives each instruction's origin; on
// x86-64 the call frame information (.debug_frame) gives where each body's frame is not set up.
#include "compiler/object_map.h"

#include <llvm/DebugInfo/DWARF/DWARFContext.h>
#include <llvm/DebugInfo/DWARF/DWARFDebugFrame.h>
#include <llvm/Object/ELFObjectFile.h>
#include <llvm/Object/ObjectFile.h>

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <utility>

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
  return Error{ErrorKind::kUnsupported, 0, "compiled tier: reading the code layout: " + why};
}

/// Adds the line rows of the bodies {obj} defines ({order}, indices into {symbols}) to
/// {layout}. {zero_takes_next}: see read_layout.
void add_lines(const llvm::object::ObjectFile& obj, const std::vector<Symbol>& symbols,
               std::vector<size_t> order, bool zero_takes_next, CodeLayout* layout) {
  // The bodies by section, sorted by offset, to place each line row.
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return symbols[a].section != symbols[b].section ? symbols[a].section < symbols[b].section
                                                    : symbols[a].offset < symbols[b].offset;
  });
  auto dwarf = llvm::DWARFContext::create(obj);
  for (const auto& unit : dwarf->compile_units()) {
    const llvm::DWARFDebugLine::LineTable* table = dwarf->getLineTableForUnit(unit.get());
    if (table == nullptr) continue;
    // Line-0 rows waiting for the next row of their function (zero_takes_next).
    std::vector<CodeLayout::Line> pending;
    for (const llvm::DWARFDebugLine::Row& row : table->Rows) {
      if (row.EndSequence) {
        pending.clear();
        continue;
      }
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
      const auto function = static_cast<uint32_t>(*std::prev(it));
      if (!pending.empty() && pending.front().function != function) pending.clear();
      // Line 0: code no wasm instruction owns (spills, reloads, merged paths). With the
      // optimizing code generator the previous row's offset is the better guess, so such
      // rows are left out. Unoptimized code generation starts blocks with such code (the
      // reloads of a loop's values at its head, whose previous row may be the function's
      // first instruction): there it belongs to the instruction the block goes on to run.
      if (row.Line == 0) {
        if (zero_takes_next) {
          pending.push_back({function, static_cast<uint32_t>(offset - s.offset), 0});
        }
        continue;
      }
      for (CodeLayout::Line& line : pending) {
        line.wasm_offset = row.Line;
        layout->lines.push_back(line);
      }
      pending.clear();
      layout->lines.push_back({function, static_cast<uint32_t>(offset - s.offset), row.Line});
    }
  }
}

/// Adds to {layout} the stretches of the bodies {obj} defines where, by the call frame
/// information, the canonical frame address is the stack pointer plus an offset: before a
/// body's prologue has set the frame pointer, after an epilogue has restored the caller's,
/// and in the code paths that shrink-wrapping left without a frame (CodeLayout::SpFrame).
/// x86-64 only (DWARF registers: rbp 6, rsp 7); every body must have its entry.
Result<void> add_frames(const llvm::object::ObjectFile& obj, const std::vector<Symbol>& symbols,
                        const std::vector<size_t>& defined, CodeLayout* layout) {
  if (obj.getArch() != llvm::Triple::x86_64 || defined.empty()) return {};
  constexpr uint32_t kRbp = 6;
  constexpr uint32_t kRsp = 7;
  // Where each entry's initial location points: (section index, offset), from the relocations
  // of .debug_frame (in a relocatable object the field itself holds only an addend).
  std::optional<uint64_t> frame_section;
  for (const llvm::object::SectionRef& section : obj.sections()) {
    auto name = section.getName();
    if (name && *name == ".debug_frame") frame_section = section.getIndex();
    if (!name) llvm::consumeError(name.takeError());
  }
  if (!frame_section) return fail("no call frame information (.debug_frame)");
  std::map<uint64_t, std::pair<uint64_t, uint64_t>> targets;
  for (const llvm::object::SectionRef& section : obj.sections()) {
    auto relocated = section.getRelocatedSection();
    if (!relocated) {
      llvm::consumeError(relocated.takeError());
      continue;
    }
    if (*relocated == obj.section_end() || (*relocated)->getIndex() != *frame_section) continue;
    for (const llvm::object::RelocationRef& reloc : section.relocations()) {
      const llvm::object::symbol_iterator sym = reloc.getSymbol();
      if (sym == obj.symbol_end()) continue;
      auto target = sym->getSection();
      auto value = sym->getValue();
      auto addend = llvm::object::ELFRelocationRef(reloc).getAddend();
      if (!target || !value || !addend || *target == obj.section_end()) {
        if (!target) llvm::consumeError(target.takeError());
        if (!value) llvm::consumeError(value.takeError());
        if (!addend) llvm::consumeError(addend.takeError());
        continue;
      }
      targets[reloc.getOffset()] = {(*target)->getIndex(),
                                    *value + static_cast<uint64_t>(*addend)};
    }
  }
  std::map<std::pair<uint64_t, uint64_t>, size_t> bodies;  // (section, offset) -> function
  for (size_t f : defined) bodies[{symbols[f].section, symbols[f].offset}] = f;
  auto dwarf = llvm::DWARFContext::create(obj);
  auto frames = dwarf->getDebugFrame();
  if (!frames) return fail("call frame information: " + llvm::toString(frames.takeError()));
  std::vector<bool> covered(symbols.size(), false);
  for (const llvm::dwarf::FrameEntry& entry : **frames) {
    const auto* fde = llvm::dyn_cast<llvm::dwarf::FDE>(&entry);
    if (fde == nullptr) continue;
    // The initial location follows the entry's 32-bit length and CIE pointer.
    auto target = targets.find(fde->getOffset() + 8);
    if (target == targets.end()) return fail("call frame information without a relocation");
    auto body = bodies.find(target->second);
    if (body == bodies.end()) continue;  // not a body (none today)
    const size_t function = body->second;
    const Symbol& s = symbols[function];
    if (fde->getAddressRange() != s.size) {
      return fail("call frame information for function " + std::to_string(function) +
                  " covers " + std::to_string(fde->getAddressRange()) + " bytes of " +
                  std::to_string(s.size));
    }
    auto table = llvm::dwarf::UnwindTable::create(fde);
    if (!table) return fail("call frame information: " + llvm::toString(table.takeError()));
    const uint64_t start = fde->getInitialLocation();
    for (auto row = table->begin(); row != table->end(); ++row) {
      if (!row->hasAddress()) continue;
      const uint64_t begin = row->getAddress() - start;
      const auto next = std::next(row);
      const uint64_t end = next != table->end() && next->hasAddress()
                               ? next->getAddress() - start
                               : fde->getAddressRange();
      if (begin >= end || end > s.size) continue;
      const llvm::dwarf::UnwindLocation& cfa = row->getCFAValue();
      CodeLayout::SpFrame frame{static_cast<uint32_t>(function), static_cast<uint32_t>(begin),
                                static_cast<uint32_t>(end), 0, 0};
      if (cfa == llvm::dwarf::UnwindLocation::createIsRegisterPlusOffset(kRbp, 16)) {
        continue;  // the frame is set up: the frame-pointer walk's case
      }
      if (cfa == llvm::dwarf::UnwindLocation::createIsRegisterPlusOffset(kRsp, cfa.getOffset()) &&
          cfa.getOffset() >= 8) {
        frame.cfa_offset = static_cast<uint32_t>(cfa.getOffset());
        auto fp = row->getRegisterLocations().getRegisterLocation(kRbp);
        if (fp && *fp == llvm::dwarf::UnwindLocation::createAtCFAPlusOffset(fp->getOffset())) {
          // After an epilogue's `pop rbp` the rule still names the slot it was popped from,
          // now below the stack pointer: the caller's value is back in the register.
          if (cfa.getOffset() + fp->getOffset() >= 0) frame.fp_offset = fp->getOffset();
        } else if (fp && fp->getLocation() != llvm::dwarf::UnwindLocation::Same) {
          frame.cfa_offset = 0;  // the caller's frame pointer is somewhere the walk cannot see
        }
      }
      layout->sp_frames.push_back(frame);
    }
    covered[function] = true;
  }
  for (size_t f : defined) {
    if (!covered[f]) return fail("no call frame information for function " + std::to_string(f));
  }
  return {};
}

}  // namespace

Result<CodeLayout> read_layout(const std::vector<std::vector<uint8_t>>& objects,
                               size_t functions, bool zero_takes_next) {
  CodeLayout layout;
  layout.body_sizes.assign(functions, 0);
  std::vector<bool> found(functions, false);
  for (const std::vector<uint8_t>& bytes : objects) {
    const llvm::MemoryBufferRef object(
        llvm::StringRef(reinterpret_cast<const char*>(bytes.data()), bytes.size()), "wasm.o");
    auto file = llvm::object::ObjectFile::createObjectFile(object);
    if (!file) return fail(llvm::toString(file.takeError()));
    const llvm::object::ObjectFile& obj = **file;
    std::vector<Symbol> symbols(functions);
    std::vector<size_t> defined;
    for (const llvm::object::SymbolRef& sym : obj.symbols()) {
      auto name = sym.getName();
      if (!name) {
        llvm::consumeError(name.takeError());
        continue;
      }
      const int64_t index = body_index(*name);
      if (index < 0 || static_cast<size_t>(index) >= functions) continue;
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
      layout.body_sizes[static_cast<size_t>(index)] = s.size;
    }
    WS_TRY(add_frames(obj, symbols, defined, &layout));
    add_lines(obj, symbols, std::move(defined), zero_takes_next, &layout);
  }
  for (size_t i = 0; i < functions; ++i) {
    if (!found[i]) return fail("no symbol for function " + std::to_string(i));
  }
  return layout;
}

}  // namespace wasmscope::internal::compiler
