#include "diag/coredump.h"

#include <algorithm>
#include <cstring>
#include <mutex>

#include "base/leb128.h"
#include "engine/atomics.h"
#include "engine/code_map.h"
#include "engine/compiled.h"
#include "stack/symbolizer.h"
#include "threads/suspension.h"

namespace wasmscope::internal {
namespace {

using Bytes = std::vector<uint8_t>;
using namespace coredump;

/// The longest data segment written: a run of non-zero pages is split at this size.
constexpr uint64_t kMaxSegmentBytes = uint64_t{1} << 30;

void put_u32(Bytes& out, uint64_t value) {
  uint8_t buf[10];
  out.insert(out.end(), buf, buf + write_uleb(value, buf));
}

void put_sleb(Bytes& out, int64_t value) {
  uint8_t buf[10];
  out.insert(out.end(), buf, buf + write_sleb(value, buf));
}

/// Appends the low {bytes} bytes of {value}, little-endian.
void put_le(Bytes& out, uint64_t value, unsigned bytes) {
  for (unsigned i = 0; i < bytes; ++i) out.push_back(static_cast<uint8_t>(value >> (8 * i)));
}

void put_name(Bytes& out, const std::string& name) {
  put_u32(out, name.size());
  out.insert(out.end(), name.begin(), name.end());
}

void append(Bytes& out, const Bytes& more) { out.insert(out.end(), more.begin(), more.end()); }

/// Appends section {id} with {payload}; fails when the payload exceeds the format's u32 size.
Result<void> put_section(Bytes& out, uint8_t id, const Bytes& payload) {
  if (payload.size() > UINT32_MAX) {
    return Error{ErrorKind::kUnsupported, 0, "coredump section larger than 4 GiB"};
  }
  out.push_back(id);
  put_u32(out, payload.size());
  append(out, payload);
  return {};
}

Result<void> put_custom(Bytes& out, const char* name, const Bytes& content) {
  Bytes payload;
  put_name(payload, name);
  append(payload, content);
  return put_section(out, kCustomSection, payload);
}

/// One instance of the dump with its memories and globals as dump indices.
struct DumpInstance {
  const InstanceData* data = nullptr;
  uint32_t module = 0;
  std::vector<uint32_t> memories;
  std::vector<uint32_t> globals;
};

/// The dump's index spaces: modules, instances, memories and globals, each deduplicated.
struct Layout {
  std::vector<const CompiledModule*> modules;
  std::vector<std::string> module_names;
  std::vector<DumpInstance> instances;
  std::vector<const MemoryData*> memories;
  std::vector<const GlobalData*> globals;
};

/// The index of {item} in {list}, appending it when absent.
template <class T>
uint32_t index_of(std::vector<const T*>& list, const T* item) {
  auto it = std::find(list.begin(), list.end(), item);
  if (it != list.end()) return static_cast<uint32_t>(it - list.begin());
  list.push_back(item);
  return static_cast<uint32_t>(list.size() - 1);
}

/// The dump index of instance {data}, adding it (and its module, memories, globals) if new.
uint32_t add_instance(Layout& layout, const InstanceData* data, const std::string& name) {
  for (size_t i = 0; i < layout.instances.size(); ++i) {
    if (layout.instances[i].data == data) return static_cast<uint32_t>(i);
  }
  DumpInstance instance;
  instance.data = data;
  instance.module = index_of(layout.modules, data->module);
  if (instance.module == layout.module_names.size()) layout.module_names.push_back(name);
  for (const MemoryData* m : data->memories) instance.memories.push_back(index_of(layout.memories, m));
  for (const GlobalData* g : data->globals) instance.globals.push_back(index_of(layout.globals, g));
  layout.instances.push_back(std::move(instance));
  return static_cast<uint32_t>(layout.instances.size() - 1);
}

/// True for a frame the format can describe: a function defined in an instance.
bool is_guest_frame(const FrameRecord& record) {
  return record.func != nullptr && record.func->code != nullptr &&
         record.func->instance != nullptr && record.func->instance->module != nullptr;
}

/// The name a module calls itself in its name section, or "".
std::string own_name(const InstanceData& data) {
  return data.module->module.names.module.value_or("");
}

Layout make_layout(const CoredumpInput& input) {
  Layout layout;
  for (const CoredumpInstanceInput& entry : input.instances) {
    if (entry.instance != nullptr) add_instance(layout, entry.instance, entry.module_name);
  }
  auto add_frames = [&](const std::vector<FrameRecord>& frames) {
    for (const FrameRecord& record : frames) {
      if (is_guest_frame(record)) {
        add_instance(layout, record.func->instance, own_name(*record.func->instance));
      }
    }
  };
  add_frames(input.frames);
  for (const CoredumpInput::Thread& thread : input.other_threads) add_frames(thread.frames);
  return layout;
}

Bytes process_info(const CoredumpInput& input) {
  Bytes out{0x00};
  put_name(out, input.executable);
  return out;
}

Bytes module_list(const Layout& layout) {
  Bytes out;
  put_u32(out, layout.module_names.size());
  for (const std::string& name : layout.module_names) {
    out.push_back(0x00);
    put_name(out, name);
  }
  return out;
}

void put_indices(Bytes& out, const std::vector<uint32_t>& indices) {
  put_u32(out, indices.size());
  for (uint32_t index : indices) put_u32(out, index);
}

Bytes instance_list(const Layout& layout) {
  Bytes out;
  put_u32(out, layout.instances.size());
  for (const DumpInstance& instance : layout.instances) {
    out.push_back(0x00);
    put_u32(out, instance.module);
    put_indices(out, instance.memories);
    put_indices(out, instance.globals);
  }
  return out;
}

/// Appends one value of type {type} held in {slot}; types without an encoding are missing.
void put_value(Bytes& out, ValType type, Slot slot) {
  switch (type) {
    case ValType::kI32:
      out.push_back(kI32);
      put_sleb(out, static_cast<int32_t>(static_cast<uint32_t>(slot)));
      return;
    case ValType::kI64:
      out.push_back(kI64);
      put_sleb(out, static_cast<int64_t>(slot));
      return;
    case ValType::kF32:
      out.push_back(kF32);
      put_le(out, slot, 4);
      return;
    case ValType::kF64:
      out.push_back(kF64);
      put_le(out, slot, 8);
      return;
    default:
      out.push_back(kMissing);
      return;
  }
}

/// The types of {func}'s parameters and declared locals, in local index order.
std::vector<ValType> local_types(const Func& func) {
  std::vector<ValType> types = func.type->params;
  const Module& m = func.instance->module->module;
  for (const LocalRun& run : m.functions[func.index - m.imported_funcs].locals) {
    types.insert(types.end(), run.count, run.type);
  }
  return types;
}

/// Appends the frame's locals, read from its slots (parameters then declared locals).
void put_locals(Bytes& out, const FrameRecord& record, bool record_locals) {
  if (!record_locals || record.fp == nullptr) {
    put_u32(out, 0);
    return;
  }
  const std::vector<ValType> types = local_types(*record.func);
  put_u32(out, types.size());
  uint32_t slot = 0;
  for (ValType type : types) {
    put_value(out, type, record.fp[slot]);
    slot += type == ValType::kV128 ? 2 : 1;
  }
}

/// Appends frame {record}; {innermost} says whether it is the trapping frame.
void put_frame(Bytes& out, const FrameRecord& record, bool innermost, uint32_t instance,
               bool record_locals) {
  FrameRecord at = record;
  if (!innermost) at.pc = call_position(record);
  const SymbolizedFrame symbol = symbolize(at);
  out.push_back(0x00);
  put_u32(out, instance);
  put_u32(out, symbol.func_index);
  put_u32(out, symbol.code_offset);
  put_locals(out, record, record_locals);
  put_u32(out, 0);  // The operand stack is not recorded (its slots carry no types).
}

Bytes thread_stack(const std::string& name, const std::vector<FrameRecord>& records,
                   bool record_locals, Layout& layout) {
  Bytes frames;
  uint32_t count = 0;
  for (auto it = records.rbegin(); it != records.rend(); ++it) {
    if (!is_guest_frame(*it)) continue;
    const uint32_t instance = add_instance(layout, it->func->instance, "");
    put_frame(frames, *it, it == records.rbegin(), instance, record_locals);
    ++count;
  }
  Bytes out{0x00};
  put_name(out, name);
  put_u32(out, count);
  append(out, frames);
  return out;
}

Bytes memory_section(const Layout& layout) {
  Bytes out;
  put_u32(out, layout.memories.size());
  for (const MemoryData* memory : layout.memories) {
    const bool has_max = memory->has_max || memory->shared;
    out.push_back(static_cast<uint8_t>((has_max ? 0x01 : 0x00) | (memory->shared ? 0x02 : 0x00)));
    put_u32(out, atomic::current_size(memory) / kPageBytes);
    if (has_max) put_u32(out, memory->max_pages);
  }
  return out;
}

/// Appends the constant expression giving {global}'s value.
void put_global_value(Bytes& out, const GlobalData& global) {
  const Slot value = global.value[0];
  switch (global.type.type) {
    case ValType::kI32:
      out.push_back(kI32Const);
      put_sleb(out, static_cast<int32_t>(static_cast<uint32_t>(value)));
      break;
    case ValType::kI64:
      out.push_back(kI64Const);
      put_sleb(out, static_cast<int64_t>(value));
      break;
    case ValType::kF32:
      out.push_back(kF32Const);
      put_le(out, value, 4);
      break;
    case ValType::kF64:
      out.push_back(kF64Const);
      put_le(out, value, 8);
      break;
    case ValType::kV128:
      out.push_back(kSimdPrefix);
      put_u32(out, kV128ConstOp);
      put_le(out, global.value[0], 8);
      put_le(out, global.value[1], 8);
      break;
    default:
      out.push_back(kRefNull);
      out.push_back(static_cast<uint8_t>(global.type.type));
      break;
  }
  out.push_back(kEnd);
}

Bytes global_section(const Layout& layout) {
  Bytes out;
  put_u32(out, layout.globals.size());
  for (const GlobalData* global : layout.globals) {
    out.push_back(static_cast<uint8_t>(global->type.type));
    out.push_back(0x00);  // Immutable, as the document asks.
    put_global_value(out, *global);
  }
  return out;
}

/// A run of a memory's bytes to write as one active segment.
struct Segment {
  uint32_t memory = 0;
  uint64_t offset = 0;
  uint64_t length = 0;
};

bool all_zero(const uint8_t* p, uint64_t length) {
  return std::all_of(p, p + length, [](uint8_t b) { return b == 0; });
}

/// Adds the runs of {memory}'s pages that are not all zero to {out}.
void add_segments(const MemoryData& memory, uint32_t index, std::vector<Segment>& out) {
  bool extending = false;
  for (uint64_t page = 0; page < memory.size; page += kPageBytes) {
    const uint64_t length = std::min(kPageBytes, memory.size - page);
    if (all_zero(memory.base + page, length)) {
      extending = false;
      continue;
    }
    if (extending && out.back().length + length <= kMaxSegmentBytes) {
      out.back().length += length;
    } else {
      out.push_back({index, page, length});
    }
    extending = true;
  }
}

Result<Bytes> data_section(const Layout& layout, uint32_t* segment_count) {
  std::vector<Segment> segments;
  for (size_t i = 0; i < layout.memories.size(); ++i) {
    if (layout.memories[i]->base != nullptr) {
      add_segments(*layout.memories[i], static_cast<uint32_t>(i), segments);
    }
  }
  uint64_t total = 0;
  for (const Segment& s : segments) total += s.length;
  if (total > UINT32_MAX - 16 * segments.size()) {
    return Error{ErrorKind::kUnsupported, 0, "memory image too large for one data section"};
  }
  Bytes out;
  out.reserve(total + 16 * segments.size() + 5);
  put_u32(out, segments.size());
  for (const Segment& s : segments) {
    out.push_back(s.memory == 0 ? 0x00 : 0x02);
    if (s.memory != 0) put_u32(out, s.memory);
    out.push_back(kI32Const);
    put_sleb(out, static_cast<int32_t>(static_cast<uint32_t>(s.offset)));
    out.push_back(kEnd);
    put_u32(out, s.length);
    const uint8_t* begin = layout.memories[s.memory]->base + s.offset;
    out.insert(out.end(), begin, begin + s.length);
  }
  *segment_count = static_cast<uint32_t>(segments.size());
  return out;
}

}  // namespace

Result<std::vector<uint8_t>> write_coredump(const CoredumpInput& input) {
  Layout layout = make_layout(input);
  std::vector<Bytes> stacks;
  stacks.push_back(thread_stack(input.thread_name, input.frames, input.record_locals, layout));
  for (const CoredumpInput::Thread& thread : input.other_threads) {
    stacks.push_back(thread_stack(thread.name, thread.frames, input.record_locals, layout));
  }
  Bytes out(std::begin(kMagicAndVersion), std::end(kMagicAndVersion));
  WS_TRY(put_custom(out, "core", process_info(input)));
  WS_TRY(put_custom(out, "coremodules", module_list(layout)));
  WS_TRY(put_custom(out, "coreinstances", instance_list(layout)));
  for (const Bytes& stack : stacks) WS_TRY(put_custom(out, "corestack", stack));
  if (!layout.memories.empty()) WS_TRY(put_section(out, kMemorySection, memory_section(layout)));
  if (!layout.globals.empty()) WS_TRY(put_section(out, kGlobalSection, global_section(layout)));
  uint32_t segment_count = 0;
  WS_ASSIGN(Bytes data, data_section(layout, &segment_count));
  if (segment_count != 0) WS_TRY(put_section(out, kDataSection, data));
  return out;
}

namespace {

/// The records of the suspended thread on {ctx} (whose {control} the caller holds).
/// Suspended, the owner can only be parked or held (in a host call, a wait, idle or exited);
/// the state lock keeps it from moving while the records are copied. An idle owner may still
/// be unwinding a trapped call (its {depth} not yet reset): it has no frames to show.
std::vector<FrameRecord> suspended_frames(ExecContext* ctx) {
  std::vector<FrameRecord> frames;
  const ThreadState state = lock_state(ctx);
  if (state == ThreadState::kParked || state == ThreadState::kInHost ||
      state == ThreadState::kWaiting) {
    const uint32_t depth = ctx->depth.load(std::memory_order_acquire);
    frames = expand_frozen(ctx->frames(), depth);
  }
  unlock_state(ctx);
  return frames;
}

Error no_safepoint(const std::string& who, uint64_t timeout_ns) {
  return Error{ErrorKind::kTimeout, 0,
               who + " reached no safepoint within " + std::to_string(timeout_ns / 1'000'000) +
                   " ms"};
}

}  // namespace

Result<std::vector<uint8_t>> write_live_coredump(ExecContext* ctx, CoredumpInput input,
                                                 uint64_t suspend_timeout_ns) {
  std::lock_guard<std::mutex> control(ctx->control);
  if (suspend(ctx, suspend_timeout_ns) == SuspendOutcome::kTimedOut) {
    return no_safepoint("the thread", suspend_timeout_ns);
  }
  input.frames = suspended_frames(ctx);
  // Still suspended: the copied records' {fp}s point at slots nothing writes until {resume}.
  Result<std::vector<uint8_t>> bytes = write_coredump(input);
  resume(ctx);
  return bytes;
}

Result<std::vector<uint8_t>> write_live_program_coredump(const std::vector<LiveThread>& threads,
                                                         CoredumpInput input,
                                                         uint64_t suspend_timeout_ns) {
  std::vector<LiveThread> live;
  for (const LiveThread& t : threads) {
    if (t.ctx != nullptr && t.ctx->state() != ThreadState::kExited) live.push_back(t);
  }
  std::vector<ExecContext*> contexts;
  for (const LiveThread& t : live) contexts.push_back(t.ctx);
  ControlLocks controls(std::move(contexts));
  const GroupSuspension group = suspend_together(controls.contexts(), suspend_timeout_ns);
  if (group.timed_out != nullptr) {
    const auto it = std::find_if(live.begin(), live.end(),
                                 [&](const LiveThread& t) { return t.ctx == group.timed_out; });
    return no_safepoint("thread \"" + it->name + "\"", suspend_timeout_ns);
  }
  input.frames.clear();
  input.other_threads.clear();
  for (size_t i = 0; i < live.size(); ++i) {
    if (i == 0) {
      input.thread_name = live[i].name;
      input.frames = suspended_frames(live[i].ctx);
    } else {
      input.other_threads.push_back({live[i].name, suspended_frames(live[i].ctx)});
    }
  }
  Result<std::vector<uint8_t>> bytes = write_coredump(input);
  // Only our own suspensions: a program stopped by {ThreadRegistry::suspend_all} stays stopped.
  for (ExecContext* ctx : group.suspended) resume(ctx);
  return bytes;
}

}  // namespace wasmscope::internal
