// The public C++ API (include/wasmscope/wasmscope.hh) over the internal runtime.
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <deque>
#include <mutex>

#include "binary/decoder.h"
#include "compiler/compiler.h"
#include "engine/atomics.h"
#include "runtime/store.h"
#include "stack/symbolizer.h"
#include "runtime/public_frame.h"
#include "text/wat.h"
#include "validate/validator.h"
#include "wasmscope/wasmscope.hh"

namespace wasmscope {

wasmscope::ThreadState internal::to_public(internal::ThreadState state) {
  switch (state) {
    case internal::ThreadState::kIdle: return wasmscope::ThreadState::kIdle;
    case internal::ThreadState::kRunningWasm: return wasmscope::ThreadState::kRunningWasm;
    case internal::ThreadState::kInHost: return wasmscope::ThreadState::kInHost;
    case internal::ThreadState::kParked: return wasmscope::ThreadState::kParked;
    case internal::ThreadState::kExited: return wasmscope::ThreadState::kExited;
    case internal::ThreadState::kWaiting: return wasmscope::ThreadState::kWaiting;
  }
  return wasmscope::ThreadState::kIdle;
}

wasmscope::CaptureMethod internal::to_public(internal::CaptureMethod method) {
  switch (method) {
    case internal::CaptureMethod::kIdle: return wasmscope::CaptureMethod::kIdle;
    case internal::CaptureMethod::kInHost: return wasmscope::CaptureMethod::kInHost;
    case internal::CaptureMethod::kParked: return wasmscope::CaptureMethod::kParked;
    case internal::CaptureMethod::kSignal: return wasmscope::CaptureMethod::kSignal;
    case internal::CaptureMethod::kSafepoint: return wasmscope::CaptureMethod::kSafepoint;
  }
  return wasmscope::CaptureMethod::kIdle;
}

internal::StoreConfig internal::to_internal(const Config& config,
                                             const wasmscope::StoreLimits& limits) {
  internal::StoreConfig out;
  out.features = config.features;
  out.bounds = config.bounds;
  out.limits.max_frames = config.max_call_depth;
  out.limits.value_stack_slots = std::max<uint32_t>(config.value_stack_bytes / 8, 1024);
  out.tier = config.tier == wasmscope::Tier::kCompiled ? internal::Tier::kCompiled
                                                      : internal::Tier::kInterp;
  out.opt_level = std::min<uint32_t>(config.opt_level, 3);
  out.store_limits.max_memory_bytes = limits.max_memory_bytes;
  out.store_limits.max_table_elements = limits.max_table_elements;
  out.store_limits.max_instances = limits.max_instances;
  return out;
}

Frame internal::to_public_frame(const internal::SymbolizedFrame& f) {
  Frame out;
  out.module = f.module;
  out.function = f.function;
  out.func_index = f.func_index;
  out.code_offset = f.code_offset;
  out.module_offset = f.module_offset;
  out.host = f.host;
  return out;
}
namespace {

uint32_t slots_of(ValType t) { return t == ValType::kV128 ? 2 : 1; }

Trap to_public(const std::string& message, const std::vector<internal::FrameRecord>& frames) {
  Trap trap;
  trap.message = message;
  for (const internal::SymbolizedFrame& f : internal::symbolize_stack(frames)) {
    trap.frames.push_back(internal::to_public_frame(f));
  }
  return trap;
}

Error usage(std::string message) { return Error{ErrorKind::kInvalid, 0, std::move(message)}; }

/// Whether {v} may go where a {t} is expected: the same kind, not null where {t} is non-null,
/// and for a typed function reference a function of that type. {type_ids} maps {t}'s type
/// index to its canonical id (null: it is one already, as in live globals and tables; empty:
/// it cannot be resolved, so only null passes). Guest code trusts these types (call_ref does
/// not check), so a host must not get a wrong function past them.
bool value_fits(const Value& v, ValType t, const std::vector<uint32_t>* type_ids) {
  if (v.type().kind() != t.kind()) return false;
  if (!is_ref(t)) return true;
  const uint64_t ref = v.bits()[0];
  if (ref == 0) return t.nullable();
  if (!t.has_type_index()) return true;
  uint32_t want = t.type_index();
  if (type_ids != nullptr) {
    if (want >= type_ids->size()) return false;
    want = (*type_ids)[want];
  }
  return reinterpret_cast<const internal::Func*>(ref)->type_id == want;
}

/// The calling thread's exceptions on their way between host code and the guest: one a host
/// function throws ({throw_exception}, picked up by {Store::HostFuncs::trampoline} as it
/// returns), and the one that ended its last {Func::call} ({Exception::last_uncaught}).
thread_local internal::ExceptionObject* t_host_throw = nullptr;
thread_local internal::ExceptionObject* t_last_uncaught = nullptr;

constexpr const char* kHostThrowMessage = "a host function threw an exception";

}  // namespace

// --- Exception handling ----------------------------------------------------------------------

FuncType Tag::type() const { return t_ != nullptr ? *t_->type : FuncType{}; }

Tag Exception::tag() const { return Tag(e_ != nullptr ? const_cast<internal::TagData*>(e_->tag) : nullptr); }

std::vector<Value> Exception::payload() const {
  std::vector<Value> out;
  if (e_ == nullptr) return out;
  size_t slot = 0;
  for (ValType t : e_->tag->type->params) {
    uint64_t bits[2] = {e_->payload[slot], t == ValType::kV128 ? e_->payload[slot + 1] : 0};
    out.push_back(Value::from_bits(t, bits));
    slot += slots_of(t);
  }
  return out;
}

Exception Exception::last_uncaught() { return Exception(t_last_uncaught); }

std::optional<std::string> throw_exception(const Tag& tag, std::span<const Value> payload) {
  if (tag.t_ == nullptr) return std::string("throw_exception: invalid tag");
  const std::vector<ValType>& types = tag.t_->type->params;
  if (payload.size() != types.size()) {
    return "throw_exception: the tag's payload has " + std::to_string(types.size()) +
           " values, got " + std::to_string(payload.size());
  }
  std::vector<internal::Slot> slots;
  for (size_t i = 0; i < payload.size(); ++i) {
    static const std::vector<uint32_t> kUnresolved;
    if (!value_fits(payload[i], types[i], &kUnresolved)) {
      return "throw_exception: payload value " + std::to_string(i) + " has type " +
             valtype_name(payload[i].type()) + ", the tag's is " + valtype_name(types[i]);
    }
    slots.push_back(payload[i].bits()[0]);
    if (types[i] == ValType::kV128) slots.push_back(payload[i].bits()[1]);
  }
  internal::ExceptionObject* e = internal::new_exception(tag.t_, slots.data());
  internal::keep_exception(e);  // the host may have kept the handle
  t_host_throw = e;
  return std::string(kHostThrowMessage);
}

std::optional<std::string> throw_exception(const Exception& exception) {
  if (exception.e_ == nullptr) return std::string("throw_exception: invalid exception");
  t_host_throw = exception.e_;
  return std::string(kHostThrowMessage);
}

// --- Value -----------------------------------------------------------------------------------

Value Value::i32(int32_t v) {
  const uint64_t bits[2] = {static_cast<uint32_t>(v), 0};
  return from_bits(ValType::kI32, bits);
}
Value Value::i64(int64_t v) {
  const uint64_t bits[2] = {static_cast<uint64_t>(v), 0};
  return from_bits(ValType::kI64, bits);
}
Value Value::f32(float v) {
  uint32_t b;
  std::memcpy(&b, &v, 4);
  const uint64_t bits[2] = {b, 0};
  return from_bits(ValType::kF32, bits);
}
Value Value::f64(double v) {
  uint64_t bits[2] = {0, 0};
  std::memcpy(bits, &v, 8);
  return from_bits(ValType::kF64, bits);
}
Value Value::v128(const uint8_t bytes[16]) {
  uint64_t bits[2];
  std::memcpy(bits, bytes, 16);
  return from_bits(ValType::kV128, bits);
}
Value Value::funcref(const Func& f) {
  const uint64_t bits[2] = {reinterpret_cast<uintptr_t>(f.f_), 0};
  return from_bits(ValType::kFuncRef, bits);
}
Value Value::externref(void* host) {
  const uint64_t bits[2] = {reinterpret_cast<uintptr_t>(host), 0};
  return from_bits(ValType::kExternRef, bits);
}
Value Value::from_bits(ValType type, const uint64_t bits[2]) {
  Value v;
  v.type_ = type;
  v.bits_[0] = bits[0];
  v.bits_[1] = type == ValType::kV128 ? bits[1] : 0;
  return v;
}
float Value::f32() const {
  float f;
  const uint32_t b = static_cast<uint32_t>(bits_[0]);
  std::memcpy(&f, &b, 4);
  return f;
}
double Value::f64() const {
  double d;
  std::memcpy(&d, bits_, 8);
  return d;
}
void Value::v128_bytes(uint8_t out[16]) const { std::memcpy(out, bits_, 16); }

std::string Value::to_string() const {
  char buf[64];
  switch (type_) {
    case ValType::kI32: std::snprintf(buf, sizeof buf, "i32:%" PRId32, i32()); break;
    case ValType::kI64: std::snprintf(buf, sizeof buf, "i64:%" PRId64, i64()); break;
    case ValType::kF32: std::snprintf(buf, sizeof buf, "f32:%.9g", static_cast<double>(f32())); break;
    case ValType::kF64: std::snprintf(buf, sizeof buf, "f64:%.17g", f64()); break;
    case ValType::kV128:
      std::snprintf(buf, sizeof buf, "v128:0x%016" PRIx64 "%016" PRIx64, bits_[1], bits_[0]);
      break;
    case ValType::kFuncRef:
    case ValType::kExternRef:
    case ValType::kExnRef:
      std::snprintf(buf, sizeof buf, "%s:%s", valtype_name(type_), is_null() ? "null" : "ref");
      break;
  }
  return buf;
}

// --- Frames and traps ------------------------------------------------------------------------

std::string Frame::to_string() const {
  internal::SymbolizedFrame f;
  f.module = module;
  f.function = function;
  f.code_offset = code_offset;
  f.host = host;
  return f.to_string();
}

std::string Trap::to_string() const {
  std::string out = message;
  for (const Frame& f : frames) out += "\n    at " + f.to_string();
  return out;
}

// --- Module ----------------------------------------------------------------------------------

Result<Module> Module::compile(std::span<const uint8_t> bytes, const Config& config) {
  WS_ASSIGN(auto compiled, internal::compile_module(std::vector<uint8_t>(bytes.begin(), bytes.end()),
                                                    internal::to_internal(config)));
  Module m;
  m.impl_ = std::move(compiled);
  return m;
}

Result<Module> Module::compile_text(std::string_view wat, const Config& config) {
  WS_ASSIGN(std::vector<uint8_t> bytes, internal::wat_to_binary(wat, config.features));
  return compile(bytes, config);
}

Result<void> Module::validate(std::span<const uint8_t> bytes, Features features) {
  WS_ASSIGN(internal::Module m,
            internal::decode_module(std::vector<uint8_t>(bytes.begin(), bytes.end()), features));
  WS_TRY(internal::validate_module(m, features));
  return {};
}

Result<std::vector<uint8_t>> Module::serialize() const {
  if (impl_ == nullptr) return Error{ErrorKind::kUnsupported, 0, "an empty module handle"};
  return internal::serialize_native(*impl_);
}

Result<Module> Module::deserialize(std::span<const uint8_t> bytes, Config* config) {
  internal::StoreConfig settings;
  WS_ASSIGN(auto loaded, internal::load_compiled_module(bytes, &settings));
  if (config != nullptr) {
    config->tier = Tier::kCompiled;
    config->bounds = settings.bounds;
    config->features = settings.features;
    config->opt_level = settings.opt_level;
  }
  Module m;
  m.impl_ = std::move(loaded);
  return m;
}

std::vector<Module::ImportDesc> Module::imports() const {
  std::vector<ImportDesc> out;
  for (const internal::Import& i : impl_->module.imports) out.push_back({i.module, i.name, i.kind});
  return out;
}

std::vector<Module::ExportDesc> Module::exports() const {
  std::vector<ExportDesc> out;
  for (const internal::Export& e : impl_->module.exports) out.push_back({e.name, e.kind});
  return out;
}

std::optional<std::string> Module::name() const { return impl_->module.names.module; }

// --- Func ------------------------------------------------------------------------------------

FuncType Func::type() const { return *f_->type; }

CallResult Func::call(std::span<const Value> args) const {
  const FuncType& type = *f_->type;
  if (args.size() != type.params.size()) {
    return Trap{"wrong number of arguments: expected " + std::to_string(type.params.size()) +
                    ", got " + std::to_string(args.size()),
                {}};
  }
  std::vector<internal::Slot> slots(f_->arg_slots + 1, 0);
  size_t slot = 0;
  for (size_t i = 0; i < args.size(); ++i) {
    if (!value_fits(args[i], type.params[i],
                    f_->instance != nullptr ? &f_->instance->type_ids : nullptr)) {
      return Trap{"argument " + std::to_string(i) + " has type " + valtype_name(args[i].type()) +
                      ", expected " + valtype_name(type.params[i]),
                  {}};
    }
    slots[slot] = args[i].bits()[0];
    if (type.params[i] == ValType::kV128) slots[slot + 1] = args[i].bits()[1];
    slot += slots_of(type.params[i]);
  }
  internal::InvokeOutcome outcome = store_->impl().call(f_, slots.data());
  t_last_uncaught = outcome.exception;
  if (outcome.trap != internal::Trap::kNone) return to_public(outcome.message, outcome.frames);
  std::vector<Value> results;
  slot = 0;
  for (ValType t : type.results) {
    results.push_back(Value::from_bits(t, &slots[slot]));
    slot += slots_of(t);
  }
  return results;
}

// --- Memory, Global, Table -------------------------------------------------------------------

uint8_t* Memory::data() const { return m_->base; }
// The size is read with acquire order: another thread may grow a shared memory meanwhile.
uint64_t Memory::size_bytes() const { return internal::atomic::current_size(m_); }
uint64_t Memory::size_pages() const { return size_bytes() / kPageSize; }

Result<uint64_t> Memory::grow(uint64_t delta_pages) const {
  const int64_t old = m_->grow(m_, delta_pages);
  if (old < 0) return usage("memory cannot grow by " + std::to_string(delta_pages) + " pages");
  return static_cast<uint64_t>(old);
}

Result<void> Memory::read(uint64_t offset, std::span<uint8_t> out) const {
  const uint64_t size = size_bytes();
  if (offset > size || out.size() > size - offset) return usage("out of bounds read");
  if (!out.empty()) std::memcpy(out.data(), m_->base + offset, out.size());
  return {};
}

Result<void> Memory::write(uint64_t offset, std::span<const uint8_t> bytes) const {
  const uint64_t size = size_bytes();
  if (offset > size || bytes.size() > size - offset) return usage("out of bounds write");
  if (!bytes.empty()) std::memcpy(m_->base + offset, bytes.data(), bytes.size());
  return {};
}

GlobalType Global::type() const { return g_->type; }
Value Global::get() const { return Value::from_bits(g_->type.type, g_->value); }

Result<void> Global::set(const Value& value) const {
  if (!g_->type.mut) return usage("global is immutable");
  if (!value_fits(value, g_->type.type, nullptr)) return usage("global type mismatch");
  g_->value[0] = value.bits()[0];
  g_->value[1] = value.bits()[1];
  return {};
}

ValType Table::element_type() const { return t_->elem_type; }
uint32_t Table::size() const { return static_cast<uint32_t>(t_->elems.size()); }

Result<Value> Table::get(uint32_t index) const {
  if (index >= t_->elems.size()) return usage("out of bounds table access");
  const uint64_t bits[2] = {t_->elems[index], 0};
  return Value::from_bits(t_->elem_type, bits);
}

Result<void> Table::set(uint32_t index, const Value& value) const {
  if (index >= t_->elems.size()) return usage("out of bounds table access");
  if (!value_fits(value, t_->elem_type, nullptr)) return usage("table element type mismatch");
  t_->elems[index] = value.bits()[0];
  return {};
}

// --- Instance --------------------------------------------------------------------------------

std::optional<Extern> Instance::get_export(std::string_view name) const {
  const internal::Extern e = i_->find_export(std::string(name));
  if (e.object == nullptr) return std::nullopt;
  switch (e.kind) {
    case ExternKind::kFunc: return Extern(Func(store_, e.as_func()));
    case ExternKind::kMemory: return Extern(Memory(e.as_memory()));
    case ExternKind::kTable: return Extern(Table(e.as_table()));
    case ExternKind::kGlobal: return Extern(Global(e.as_global()));
    case ExternKind::kTag: return Extern(Tag(e.as_tag()));
  }
  return std::nullopt;
}

Func Instance::func(std::string_view name) const {
  auto e = get_export(name);
  return e && e->kind() == ExternKind::kFunc ? e->func() : Func();
}
Memory Instance::memory(std::string_view name) const {
  auto e = get_export(name);
  return e && e->kind() == ExternKind::kMemory ? e->memory() : Memory();
}
Global Instance::global(std::string_view name) const {
  auto e = get_export(name);
  return e && e->kind() == ExternKind::kGlobal ? e->global() : Global();
}
Table Instance::table(std::string_view name) const {
  auto e = get_export(name);
  return e && e->kind() == ExternKind::kTable ? e->table() : Table();
}
Tag Instance::tag(std::string_view name) const {
  auto e = get_export(name);
  return e && e->kind() == ExternKind::kTag ? e->tag() : Tag();
}

// --- Store -----------------------------------------------------------------------------------

/// Host functions' bodies and types, kept at stable addresses for the trampoline.
struct Store::HostFuncs {
  struct Entry {
    HostFunction body;
    FuncType type;
  };
  std::mutex mutex;  ///< Guards {entries} and the store's {last_trap_}.
  std::deque<Entry> entries;

  /// Converts slots to values and back around a host function's body.
  static internal::Trap trampoline(internal::HostCall& call) {
    const Entry& entry = *static_cast<const Entry*>(call.user);
    std::vector<Value> args;
    size_t slot = 0;
    for (ValType t : entry.type.params) {
      args.push_back(Value::from_bits(t, call.args + slot));
      slot += slots_of(t);
    }
    std::vector<Value> results;
    for (ValType t : entry.type.results) {
      const uint64_t zero[2] = {0, 0};
      results.push_back(Value::from_bits(t, zero));
    }
    t_host_throw = nullptr;
    std::optional<std::string> trap = entry.body(args, results);
    if (trap) {
      if (t_host_throw != nullptr) {
        // throw_exception: the exception goes on from the guest's call of this function.
        call.context->exception = t_host_throw;
        t_host_throw = nullptr;
        return internal::Trap::kException;
      }
      *call.trap_message = *trap;
      return internal::Trap::kHostTrap;
    }
    slot = 0;
    for (size_t i = 0; i < results.size(); ++i) {
      if (!value_fits(results[i], entry.type.results[i], nullptr)) {
        *call.trap_message = "host function returned a value of the wrong type";
        return internal::Trap::kHostTrap;
      }
      call.results[slot] = results[i].bits()[0];
      if (results[i].type() == ValType::kV128) call.results[slot + 1] = results[i].bits()[1];
      slot += slots_of(results[i].type());
    }
    return internal::Trap::kNone;
  }
};

Store::Store(const Config& config) : Store(config, StoreLimits{}) {}

Store::Store(const Config& config, const StoreLimits& limits)
    : impl_(std::make_unique<internal::Store>(internal::to_internal(config, limits))),
      config_(config),
      host_funcs_(std::make_unique<HostFuncs>()) {}

Store::~Store() = default;

Func Store::define_func(const FuncType& type, HostFunction body, std::string name) {
  HostFuncs::Entry* entry_ptr;
  {
    std::lock_guard<std::mutex> lock(host_funcs_->mutex);
    entry_ptr = &host_funcs_->entries.emplace_back();
  }
  HostFuncs::Entry& entry = *entry_ptr;
  entry.body = std::move(body);
  entry.type = type;
  return Func(this, impl_->create_host_func(type, &HostFuncs::trampoline, &entry, std::move(name)));
}

Result<Memory> Store::create_memory(const MemoryType& type) {
  WS_ASSIGN(internal::MemoryData * m, impl_->create_memory(type));
  return Memory(m);
}

Table Store::create_table(const TableType& type) { return Table(impl_->create_table(type, 0)); }

Result<Tag> Store::create_tag(const FuncType& type) {
  if (!type.results.empty()) return usage("a tag's type has no results");
  return Tag(impl_->create_tag(type));
}

Func Store::func_of(const Value& funcref) {
  if (funcref.type() != ValType::kFuncRef || funcref.is_null()) return Func();
  return Func(this, reinterpret_cast<internal::Func*>(static_cast<uintptr_t>(funcref.bits()[0])));
}

Global Store::create_global(const GlobalType& type, const Value& value) {
  return Global(impl_->create_global(type, value.bits()[0], value.bits()[1]));
}

Result<Instance> Store::instantiate(const Module& module, const std::vector<Extern>& imports) {
  std::vector<internal::Extern> resolved;
  for (const Extern& e : imports) {
    switch (e.kind()) {
      case ExternKind::kFunc: resolved.push_back(internal::Extern::func(e.func().f_)); break;
      case ExternKind::kMemory: resolved.push_back(internal::Extern::memory(e.memory().m_)); break;
      case ExternKind::kTable: resolved.push_back(internal::Extern::table(e.table().t_)); break;
      case ExternKind::kGlobal: resolved.push_back(internal::Extern::global(e.global().g_)); break;
      case ExternKind::kTag: resolved.push_back(internal::Extern::tag(e.tag().t_)); break;
    }
  }
  if (module.impl_->bounds != impl_->config().bounds) {
    return Error{ErrorKind::kUnlinkable, 0,
                 "module was compiled for another bounds-check mode than this store's"};
  }
  internal::TrapInfo trap;
  auto instance = impl_->instantiate(module.impl_, resolved, &trap);
  if (!instance.ok()) {
    if (instance.error().kind == ErrorKind::kTrap) {
      std::lock_guard<std::mutex> lock(host_funcs_->mutex);
      last_trap_ = to_public(trap.message, trap.frames);
    }
    return instance.take_error();
  }
  return Instance(this, *instance);
}

Result<Instance> Store::instantiate(
    const Module& module, const std::vector<std::tuple<std::string, std::string, Extern>>& named) {
  std::vector<Extern> imports;
  for (const internal::Import& imp : module.impl_->module.imports) {
    const Extern* found = nullptr;
    for (const auto& [mod, name, value] : named) {
      if (mod == imp.module && name == imp.name) found = &value;
    }
    if (found == nullptr) {
      return Error{ErrorKind::kUnlinkable, imp.offset,
                   "unknown import \"" + imp.module + "\" \"" + imp.name + "\""};
    }
    imports.push_back(*found);
  }
  return instantiate(module, imports);
}

}  // namespace wasmscope
