#include "engine/code_map.h"

#include <sched.h>
#include <ucontext.h>

#include <algorithm>
#include <mutex>

#include "base/platform/fault_handler.h"
#include "engine/compiled.h"
#include "engine/instance_data.h"

namespace wasmscope::internal {
namespace {

/// The registered maps, sorted by address; replaced whole (copy on write) by registration.
struct Snapshot {
  struct Entry {
    uintptr_t begin;
    uintptr_t end;
    const CodeMap* map;
  };
  std::vector<Entry> entries;
};

std::mutex g_writers;
std::atomic<Snapshot*> g_snapshot{nullptr};
/// Captures reading a snapshot now; a writer frees a replaced snapshot only at zero.
std::atomic<uint32_t> g_readers{0};

/// The element of {sorted} (disjoint [begin, end) intervals, sorted by begin) holding {pc},
/// or null: a binary search, no allocation (async-signal-safe).
template <typename T>
const T* containing(const std::vector<T>& sorted, uintptr_t pc) {
  size_t lo = 0;
  size_t hi = sorted.size();
  while (lo < hi) {
    const size_t mid = (lo + hi) / 2;
    if (sorted[mid].begin <= pc) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  if (lo == 0 || pc >= sorted[lo - 1].end) return nullptr;
  return &sorted[lo - 1];
}

/// Pins the current snapshot for a reader (async-signal-safe).
class Reader {
 public:
  Reader() {
    g_readers.fetch_add(1, std::memory_order_seq_cst);
    snapshot_ = g_snapshot.load(std::memory_order_seq_cst);
  }
  ~Reader() { g_readers.fetch_sub(1, std::memory_order_release); }
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  /// The map and function range holding {pc}, or null.
  const CodeMap* find(uintptr_t pc, const CodeMap::Range** range) const {
    if (snapshot_ == nullptr) return nullptr;
    const Snapshot::Entry* entry = containing(snapshot_->entries, pc);
    if (entry == nullptr) return nullptr;
    const CodeMap::Range* r = containing(entry->map->ranges, pc);
    if (r == nullptr) return nullptr;
    *range = r;
    return entry->map;
  }

 private:
  Snapshot* snapshot_;
};

void publish(Snapshot* next) {
  Snapshot* old = g_snapshot.exchange(next, std::memory_order_seq_cst);
  // Every reader that could hold {old} pinned it before the exchange; wait them out.
  while (g_readers.load(std::memory_order_seq_cst) != 0) sched_yield();
  delete old;
}

/// Reads a word of the thread's stack.
inline uintptr_t word_at(uintptr_t address) { return *reinterpret_cast<const uintptr_t*>(address); }

#if defined(__aarch64__)
/// AArch64 instruction words the walk recognizes (Arm A64 encodings).
uint32_t insn_at(uintptr_t address) { return *reinterpret_cast<const uint32_t*>(address); }
/// `add x29, sp, #imm` (`mov x29, sp` included): the prologue's last step, which points the
/// frame pointer at the new frame record.
bool sets_frame_pointer(uint32_t insn) { return (insn & 0xffc003ffu) == 0x910003fdu; }
/// `ldp x29, x30, [sp, #imm]` or `ldp x29, x30, [sp], #imm`: the epilogue's restore of the
/// caller's frame pointer and return address.
bool restores_frame_record(uint32_t insn) {
  const uint32_t fields = insn & 0xffc07fffu;
  return fields == 0xa9407bfdu || fields == 0xa8c07bfdu;
}
/// `ret`, `b imm26` or `br xN`: where an epilogue ends (a return, or the jump of a tail call).
bool leaves(uint32_t insn) {
  return insn == 0xd65f03c0u || (insn & 0xfc000000u) == 0x14000000u ||
         (insn & 0xfffffc1fu) == 0xd61f0000u;
}

/// Whether the function at {pc} (an interrupted instruction in {range}) is in its prologue
/// before the frame pointer is set, or in an epilogue after the frame record is restored: then
/// the frame pointer is still (or again) the caller's and the return address is in the link
/// register. Reads the function's own code (compiler/: frame pointers everywhere).
// async-signal-safe
bool frame_not_set_up(uintptr_t pc, const CodeMap::Range* range) {
  // The prologue: `stp x29, x30, [sp, #-n]!` (perhaps with `sub sp` and stores of callee-saved
  // registers), then `add x29, sp, #m`: before that instruction has run, the frame is not set.
  constexpr uintptr_t kPrologue = 8 * 4;
  for (uintptr_t at = range->begin; at < range->begin + kPrologue && at < range->end; at += 4) {
    if (sets_frame_pointer(insn_at(at))) {
      if (pc <= at) return true;
      break;
    }
  }
  // The epilogue: a restore of x29 and x30 a few instructions back, with no return or jump
  // between it and {pc} (else {pc} is in the block after an epilogue).
  for (uintptr_t back = 4; back <= 3 * 4 && pc - back >= range->begin; back += 4) {
    if (!restores_frame_record(insn_at(pc - back))) continue;
    for (uintptr_t at = pc - back + 4; at < pc; at += 4) {
      if (leaves(insn_at(at))) return false;
    }
    return true;
  }
  return false;
}
#endif

/// Walks the compiled frames of one activation whose innermost frame is at {pc} with frame
/// pointer {fp}, innermost first, into {out} (writes at most {max}, counts all). {exact}: {pc}
/// is an interrupted instruction (the function may be in its prologue or epilogue), not a
/// return address.
// async-signal-safe
uint32_t walk(const Reader& reader, const Func* entry, uintptr_t pc, uintptr_t fp, uintptr_t sp,
              uintptr_t lr, bool exact, FrameRecord* out, uint32_t max) {
  const InstanceData* instance = entry->instance;
  uint32_t n = 0;
  for (uint32_t step = 0; step < (1u << 20); ++step) {
    const CodeMap::Range* range = nullptr;
    const CodeMap* map = reader.find(pc, &range);
    if (map == nullptr || map->module != instance->module) break;
    const Func* f = instance->funcs[instance->module->module.imported_funcs + range->defined_index];
    // The native body of a function the interpreter runs (exception handling) only calls it:
    // the interpreted frame above stands for the function.
    if (!f->native_interprets) {
      if (n < max) out[n] = FrameRecord{f, reinterpret_cast<const uint64_t*>(pc), nullptr};
      ++n;
    }
#if !WASMSCOPE_CAPTURE
    // Built without frame pointers (the capture switch off): rbp is data, not a chain.
    break;
#endif
    uintptr_t next_pc;
    uintptr_t next_fp;
#if defined(__x86_64__)
    // Where the call frame information says the frame is not set up (before the prologue,
    // after an epilogue, on a path that shrink-wrapping left without a frame): the return
    // address is just below the canonical frame address, and rbp is still (or again) the
    // caller's, or saved at a known place.
    const CodeMap::SpFrame* sp_frame =
        exact && step == 0 && sp != 0 ? containing(map->sp_frames, pc) : nullptr;
    if (sp_frame != nullptr) {
      if (sp_frame->cfa_offset == 0) break;  // a rule the walk cannot follow
      const uintptr_t cfa = sp + sp_frame->cfa_offset;
      next_pc = word_at(cfa - sizeof(uintptr_t));
      const auto fp_offset = static_cast<intptr_t>(sp_frame->fp_offset);
      next_fp = fp_offset != 0 ? word_at(cfa + static_cast<uintptr_t>(fp_offset)) : fp;
    } else
#elif defined(__aarch64__)
    if (exact && step == 0 && lr != 0 && frame_not_set_up(pc, range)) {
      next_pc = lr;
      next_fp = fp;
    } else
#endif
    {
      if (fp == 0) break;
      next_fp = word_at(fp);
      next_pc = word_at(fp + sizeof(uintptr_t));
      if (next_fp <= fp) break;  // the chain must go up the stack
    }
    (void)sp;
    (void)lr;
    (void)exact;  // read only by the prologue/epilogue cases above
    pc = next_pc;
    fp = next_fp;
  }
  return n;
}

/// The compiled frames of activation record {r}, innermost first (see {walk}).
// async-signal-safe
uint32_t expand_one(const Reader& reader, const FrameRecord& r, const NativeRegs* regs,
                    FrameRecord* out, uint32_t max) {
  const auto* act = reinterpret_cast<const NativeActivation*>(r.fp);
  if (regs != nullptr && regs->pc != 0) {
    const CodeMap::Range* range = nullptr;
    if (reader.find(regs->pc, &range) != nullptr) {
      return walk(reader, r.func, regs->pc, regs->fp, regs->sp, regs->lr, regs->exact, out, max);
    }
  }
  const uintptr_t exit_pc = act->exit_pc.load(std::memory_order_relaxed);
  const uintptr_t exit_fp = act->exit_fp.load(std::memory_order_relaxed);
  if (exit_pc != 0) {
    const bool exact = act->exit_exact.load(std::memory_order_relaxed);
    const uintptr_t exit_sp = exact ? act->exit_sp.load(std::memory_order_relaxed) : 0;
    const uintptr_t exit_lr = exact ? act->exit_lr.load(std::memory_order_relaxed) : 0;
    return walk(reader, r.func, exit_pc, exit_fp, exit_sp, exit_lr, exact, out, max);
  }
  // In a runtime helper or the entry itself: the entered function is all we know.
  if (max > 0) out[0] = FrameRecord{r.func, static_cast<const uint64_t*>(r.func->native_body), nullptr};
  return 1;
}

}  // namespace

uint32_t CodeMap::wasm_offset(uintptr_t pc) const {
  if (pc < base) return 0;
  const uint64_t offset = pc - base;
  auto it = std::upper_bound(lines.begin(), lines.end(), offset,
                             [](uint64_t a, const Line& l) { return a < l.offset; });
  if (it == lines.begin()) return 0;
  return std::prev(it)->wasm_offset;
}

void register_code_map(const CodeMap* map) {
  if (map->ranges.empty()) return;
  // Compiled code exists from now on: its guard-page faults need their frames walked.
  set_fault_trap_hook(on_guarded_fault);
  std::lock_guard<std::mutex> lock(g_writers);
  auto* next = new Snapshot;
  if (Snapshot* now = g_snapshot.load(std::memory_order_acquire)) next->entries = now->entries;
  next->entries.push_back({map->ranges.front().begin, map->ranges.back().end, map});
  std::sort(next->entries.begin(), next->entries.end(),
            [](const Snapshot::Entry& a, const Snapshot::Entry& b) { return a.begin < b.begin; });
  publish(next);
}

void unregister_code_map(const CodeMap* map) {
  if (map->ranges.empty()) return;
  std::lock_guard<std::mutex> lock(g_writers);
  auto* next = new Snapshot;
  if (Snapshot* now = g_snapshot.load(std::memory_order_acquire)) {
    for (const auto& e : now->entries) {
      if (e.map != map) next->entries.push_back(e);
    }
  }
  publish(next);
}

const CodeMap* find_code_map(uintptr_t pc, const CodeMap::Range** range) {
  Reader reader;
  return reader.find(pc, range);
}

NativeRegs regs_from_ucontext(const void* ucontext) {
  NativeRegs regs;
  if (ucontext == nullptr) return regs;
  const auto* uc = static_cast<const ucontext_t*>(ucontext);
#if defined(__x86_64__)
  regs.pc = static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RIP]);
  regs.fp = static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RBP]);
  regs.sp = static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RSP]);
#elif defined(__aarch64__)
  regs.pc = static_cast<uintptr_t>(uc->uc_mcontext.pc);
  regs.fp = static_cast<uintptr_t>(uc->uc_mcontext.regs[29]);
  regs.sp = static_cast<uintptr_t>(uc->uc_mcontext.sp);
  regs.lr = static_cast<uintptr_t>(uc->uc_mcontext.regs[30]);
#elif defined(__arm__)
  regs.pc = static_cast<uintptr_t>(uc->uc_mcontext.arm_pc);
  regs.fp = static_cast<uintptr_t>(uc->uc_mcontext.arm_fp);  // r11, ARM-mode code's frame pointer
  regs.sp = static_cast<uintptr_t>(uc->uc_mcontext.arm_sp);
  regs.lr = static_cast<uintptr_t>(uc->uc_mcontext.arm_lr);
#else
  (void)uc;
#endif
  return regs;
}

std::vector<FrameRecord> expand_frozen(const FrameRecord* records, uint32_t depth) {
  uint32_t total = 0;
  expand_records(records, depth, nullptr, nullptr, 0, &total);
  std::vector<FrameRecord> out(total);
  out.resize(expand_records(records, depth, nullptr, out.data(), total, &total));
  return out;
}

uint32_t native_wasm_offset(const FrameRecord& r) {
  const CodeMap::Range* range = nullptr;
  const CodeMap* map = find_code_map(reinterpret_cast<uintptr_t>(r.pc), &range);
  return map != nullptr ? map->wasm_offset(reinterpret_cast<uintptr_t>(r.pc)) : 0;
}

uint32_t expand_records(const FrameRecord* records, uint32_t depth, const NativeRegs* top,
                        FrameRecord* out, uint32_t max, uint32_t* total) {
  // The innermost activation record is the one the registers belong to (when the owner was
  // interrupted in compiled code; not if an interpreted or host frame is above it).
  const bool top_is_native = depth > 0 && is_activation(records[depth - 1]);
  Reader reader;
  // First pass: how many frames in all, so the innermost {max} are kept.
  uint32_t count = 0;
  FrameRecord scratch[1];
  for (uint32_t i = 0; i < depth; ++i) {
    if (is_activation(records[i])) {
      const NativeRegs* regs = (i == depth - 1 && top_is_native) ? top : nullptr;
      count += expand_one(reader, records[i], regs, scratch, 0);
    } else {
      ++count;
    }
  }
  *total = count;
  uint32_t skip = count > max ? count - max : 0;
  uint32_t n = 0;
  for (uint32_t i = 0; i < depth && n < max; ++i) {
    if (!is_activation(records[i])) {
      if (skip > 0) {
        --skip;
      } else {
        out[n++] = records[i];
      }
      continue;
    }
    const NativeRegs* regs = (i == depth - 1 && top_is_native) ? top : nullptr;
    // Innermost first into the free tail of {out}, then reversed into place, dropping the
    // outermost {skip} of them.
    const uint32_t room = max - n;
    const uint32_t got = expand_one(reader, records[i], regs, out + n, room);
    const uint32_t written = got < room ? got : room;
    std::reverse(out + n, out + n + written);
    // Of this activation's {got} frames the outermost {skip} go; {written} holds the innermost.
    uint32_t keep = got > skip ? got - skip : 0;
    skip -= got > skip ? skip : got;
    if (keep > written) keep = written;
    const uint32_t drop = written - keep;
    if (drop > 0) {
      for (uint32_t k = 0; k + drop < written; ++k) out[n + k] = out[n + k + drop];
    }
    n += written - drop;
  }
  return n;
}

}  // namespace wasmscope::internal
