// libFuzzer target: sequences of C API calls (include/wasm.h, include/wasmscope.h), each made
// the way the headers document as valid. The input drives a small interpreter over pools of
// handles: engines from configs with fuzzed wasmscope_config_set_* options (the interpreter
// tier only: the compiled one needs the LLVM plugin), stores, modules from built-in modules or
// from the input's bytes, validation, reflection, serialize/deserialize, share/obtain,
// instances with host-function imports (whose callbacks return values, traps, call back into
// the guest, capture their own stack), exports, calls with fuzzed arguments, globals, tables,
// memories, foreign objects, host info with finalizers, traps and their frames, vector copies,
// WASI programs, thread dumps, and deletion of any handle at any point and of the rest in a
// fuzzed order at the end. The harness never uses a handle after deleting it; the library may
// not crash, trip a sanitizer, leak (LeakSanitizer), or run a finalizer other than exactly
// once. A watchdog interrupts guest code that runs past 10 ms (a spin, a deep recursion).
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz_input.h"
#include "text/wat.h"
#include "wasm.h"
#include "wasmscope.h"

namespace {

using wasmscope::fuzz::FuzzInput;

constexpr int kMaxOps = 48;
constexpr size_t kMaxPool = 32;
constexpr size_t kMaxStores = 3;
constexpr int kMaxReentry = 3;

/// CAPI_FUZZ_TRACE=1 prints each operation and call outcome (to read what an input does).
bool trace() {
  static const bool on = std::getenv("CAPI_FUZZ_TRACE") != nullptr;
  return on;
}

[[noreturn]] void violation(const std::string& what) {
  std::fprintf(stderr, "capi_fuzz: %s\n", what.c_str());
  std::abort();
}

// ---- Built-in modules ----

/// Calls of every kind: imports of each extern kind, traps, references, multiple results, a
/// spin and a recursion the watchdog or the call depth ends, a v128 the C API refuses.
constexpr const char* kCallsWat = R"((module
  (type $binop (func (param i32 i32) (result i32)))
  (import "host" "f" (func $f (param i32 i64) (result i32)))
  (import "host" "g" (func $g (param externref funcref) (result externref)))
  (import "host" "glob" (global $glob (mut i32)))
  (import "host" "tab" (table $tab 1 funcref))
  (memory (export "memory") 1 8)
  (table $t (export "table") 4 64 funcref)
  (table $et (export "etable") 2 externref)
  (global (export "g_i32") (mut i32) (i32.const 7))
  (global (export "g_i64") (mut i64) (i64.const -7))
  (global (export "g_f32") (mut f32) (f32.const 1.5))
  (global (export "g_f64") f64 (f64.const 2.5))
  (global (export "g_ext") (mut externref) (ref.null extern))
  (global (export "g_fun") (mut funcref) (ref.null func))
  (elem (table $t) (i32.const 0) func $add $call_host)
  (func $add (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func $call_host (export "call_host") (param i32 i32) (result i32)
    (call $f (local.get 0) (i64.extend_i32_s (local.get 1))))
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "load") (param i32) (result i64) (i64.load (local.get 0)))
  (func (export "store") (param i32 i64) (i64.store (local.get 0) (local.get 1)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "pass_refs") (param externref funcref) (result externref)
    (call $g (local.get 0) (local.get 1)))
  (func (export "call_table") (param i32 i32) (result i32)
    (call_indirect $t (type $binop) (local.get 1) (local.get 1) (local.get 0)))
  (func (export "call_import_table") (param i32) (result i32)
    (call_indirect $tab (type $binop) (local.get 0) (local.get 0) (i32.const 0)))
  (func (export "etable_set") (param i32 externref) (table.set $et (local.get 0) (local.get 1)))
  (func (export "etable_grow") (param externref i32) (result i32)
    (table.grow $et (local.get 0) (local.get 1)))
  (func (export "glob_add") (param i32) (result i32)
    (global.set $glob (i32.add (global.get $glob) (local.get 0))) (global.get $glob))
  (func $recurse (export "recurse") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $recurse (i32.sub (local.get 0) (i32.const 1)))))))
  (func (export "spin") (param i32) (result i32)
    (loop $l (local.set 0 (i32.add (local.get 0) (i32.const 1))) (br_if $l (local.get 0)))
    (local.get 0))
  (func (export "unreachable") unreachable)
  (func (export "multi") (param f32 f64 i64) (result f64 f32 i64 i32)
    (local.get 1) (local.get 0) (local.get 2) (i32.const 3))
  (func (export "v128") (param v128) (result v128) (local.get 0))
))";

/// A start function that traps when the imported global says so, and an imported memory.
constexpr const char* kStartWat = R"((module
  (import "host" "trap" (global $trap i32))
  (import "host" "mem" (memory 1 2))
  (data (i32.const 8) "data")
  (func $start (if (global.get $trap) (then unreachable)))
  (start $start)
  (func (export "size") (result i32) (memory.size))
  (func (export "peek") (param i32) (result i32) (i32.load8_u (local.get 0)))
))";

/// A WASI command: writes to stdout (the harness's /dev/null), then exits with the status in
/// its first argument's length, or returns.
constexpr const char* kWasiWat = R"((module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get"
    (func $args_sizes (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 6))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (drop (call $args_sizes (i32.const 32) (i32.const 36)))
    (if (i32.gt_u (i32.load (i32.const 32)) (i32.const 1))
      (then (call $exit (i32.load (i32.const 32))))))
  (func (export "write") (result i32)
    (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
))";

std::vector<std::vector<uint8_t>> make_builtins() {
  std::vector<std::vector<uint8_t>> out;
  for (const char* text : {kCallsWat, kStartWat, kWasiWat}) {
    auto binary = wasmscope::internal::wat_to_binary(text);
    if (!binary.ok()) violation("built-in module: " + binary.error().to_string());
    out.push_back(std::move(*binary));
  }
  return out;
}

const std::vector<std::vector<uint8_t>>& builtins() {
  static const auto* modules = new std::vector<std::vector<uint8_t>>(make_builtins());
  return *modules;
}

/// stdin, stdout and stderr of WASI programs: /dev/null, opened once.
int dev_null() {
  static const int fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  return fd;
}

// ---- Finalizer accounting ----

/// Host info and host function environments alive: every one gets its finalizer exactly once
/// (a second run is a double free ASan reports; a missing one leaves this above zero).
int g_live_infos = 0;

struct Info {
  int tag;
};
void finalize_info(void* p) {
  delete static_cast<Info*>(p);
  --g_live_infos;
}
Info* new_info(int tag) {
  ++g_live_infos;
  return new Info{tag};
}

class Harness;
Harness* g_harness = nullptr;  ///< The running input's harness, for host callbacks.
int g_depth = 0;               ///< Host callbacks on the stack.

/// A host function's environment: which store it lives in (not retained: the function dies
/// with the store, and this with the function).
struct HostEnv {
  wasm_store_t* store;
};

wasm_trap_t* host_callback(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results);
void finalize_env(void* p) {
  delete static_cast<HostEnv*>(p);
  --g_live_infos;
}

void silent_report(void* /*env*/, const char* /*report*/, size_t /*size*/) {}

// ---- The interpreter ----

struct StoreEntry {
  wasm_store_t* store;
  wasmscope_watchdog_t* watchdog;
  wasmscope_wasi_t* wasi;  ///< Belongs to the store; null until made.
};

enum class Op : uint8_t {
  kNewStore,
  kNewModule,
  kNewModuleFromInput,
  kValidate,
  kReflect,
  kSerialize,
  kShare,
  kInstantiate,
  kExports,
  kExportByName,
  kCall,
  kGlobal,
  kTable,
  kMemory,
  kNewObject,
  kForeign,
  kHostInfo,
  kTrapInspect,
  kCopyVectors,
  kCopyHandle,
  kDelete,
  kWasi,
  kDump,
  kCount
};

class Harness {
 public:
  explicit Harness(FuzzInput& in) : in_(in) {}

  void run() {
    make_engines();
    for (int i = 0; i < kMaxOps && !in_.done(); ++i)
      step();
    delete_everything();
  }

  // For host callbacks.
  FuzzInput& input() { return in_; }
  /// A borrowed function from the pools (of any store: one thread owns them all), or null.
  wasm_func_t* func_in() {
    for (wasm_extern_t* e : externs_) {
      wasm_func_t* f = wasm_extern_as_func(e);
      if (f != nullptr && (in_.byte() & 1)) return f;
    }
    return nullptr;
  }
  /// Arguments for {type}'s parameters (references borrowed from the pools).
  std::vector<wasm_val_t> args_for(const wasm_functype_t* type, wasm_store_t* store) {
    const wasm_valtype_vec_t* params = wasm_functype_params(type);
    std::vector<wasm_val_t> args(params->size);
    for (size_t i = 0; i < params->size; ++i)
      args[i] = value_of(wasm_valtype_kind(params->data[i]), store, false);
    return args;
  }
  /// A value of {kind}; an {owned} reference is a new handle, else one borrowed from the pools.
  wasm_val_t value_of(wasm_valkind_t kind, wasm_store_t* store, bool owned) {
    wasm_val_t v{};
    v.kind = kind;
    switch (kind) {
      case WASM_I32:
        v.of.i32 = static_cast<int32_t>(small_or_any());
        break;
      case WASM_I64:
        v.of.i64 = static_cast<int64_t>(small_or_any()) * ((in_.byte() & 1) ? -1 : 1);
        break;
      case WASM_F32:
        v.of.f32 = static_cast<float>(small_or_any()) / 3.0f;
        break;
      case WASM_F64:
        v.of.f64 = static_cast<double>(in_.u64());
        break;
      case WASM_EXTERNREF:
        v.of.ref = ref_of(store, false, owned);
        break;
      case WASM_FUNCREF:
        v.of.ref = ref_of(store, true, owned);
        break;
      default:
        break;
    }
    return v;
  }

 private:
  // ---- Engines and stores ----

  wasm_engine_t* make_engine() {
    const uint8_t b = in_.byte();
    if ((b & 0xc0) == 0xc0) return wasm_engine_new();  // defaults: guard pages, no limits...
    wasm_config_t* config = wasm_config_new();
    // ...so a fuzzed engine always has memory limits: guard pages reserve address space only,
    // but explicit checks would allocate whatever a module declares. A small value stack
    // keeps store creation cheap (each thread context clears its stack).
    static constexpr uint64_t kMemoryLimits[] = {1, 64 << 10, 1 << 20, 16 << 20};
    static constexpr uint32_t kStackBytes[] = {64 << 10, 256 << 10, 1 << 20, 100'000};
    (void)wasmscope_config_set_max_memory_bytes(config, kMemoryLimits[b & 3]);
    (void)wasmscope_config_set_bounds(config, static_cast<wasmscope_bounds_t>((b >> 2) & 1));
    (void)wasmscope_config_set_tier(config, WASMSCOPE_TIER_INTERPRETER);
    (void)wasmscope_config_set_value_stack_bytes(config, kStackBytes[(b >> 4) & 3]);
    if (b & 0x08) (void)wasmscope_config_set_features(config, in_.u32() & 0xfff);
    if (b & 0x80) (void)wasmscope_config_set_max_call_depth(config, in_.u32() % 5000);
    if (b & 0x40) {
      (void)wasmscope_config_set_max_table_elements(config, in_.u32() % 100'000);
      (void)wasmscope_config_set_max_instances(config, in_.byte() % 8);
      (void)wasmscope_config_set_opt_level(config, in_.byte() % 5);
    }
    return wasm_engine_new_with_config(config);
  }

  void make_engines() {
    engines_[0] = make_engine();
    engines_[1] = make_engine();
    new_store();
  }

  void new_store() {
    if (stores_.size() >= kMaxStores) return;
    wasm_store_t* store = wasm_store_new(engines_[in_.byte() & 1]);
    if (store == nullptr) violation("wasm_store_new failed");
    stores_.push_back({store, watch(store), nullptr});
  }

  /// A watchdog that interrupts {store}'s guest calls after 10 ms.
  static wasmscope_watchdog_t* watch(wasm_store_t* store) {
    wasmscope_watchdog_options_t options{};
    options.deadline_ms = 10;
    options.policy = WASMSCOPE_HANG_INTERRUPT;
    options.on_report = silent_report;
    wasmscope_watchdog_t* watchdog = wasmscope_watchdog_new(store, &options);
    if (watchdog == nullptr) violation("wasmscope_watchdog_new failed");
    return watchdog;
  }

  // ---- Picking from the pools ----

  uint64_t small_or_any() {
    const uint8_t b = in_.byte();
    return (b & 0x80) ? in_.u64() : b;
  }
  template <class T>
  T* pick(const std::vector<T*>& pool) {
    return pool.empty() ? nullptr : pool[in_.pick(pool.size())];
  }
  StoreEntry* pick_store() {
    return stores_.empty() ? nullptr : &stores_[in_.pick(stores_.size())];
  }

  /// A reference for a value of {store}: null, a function, or a foreign object (externref).
  wasm_ref_t* ref_of(wasm_store_t* store, bool func, bool owned) {
    const uint8_t b = in_.byte();
    if ((b & 3) == 0) return nullptr;
    wasm_ref_t* ref = nullptr;
    if (func || (b & 3) == 1) {
      wasm_func_t* f = wasm_extern_as_func(pick(externs_));
      ref = f == nullptr ? nullptr : wasm_func_as_ref(f);
    } else if ((b & 3) == 2 && !foreigns_.empty()) {
      ref = wasm_foreign_as_ref(pick(foreigns_));
    } else if (store != nullptr && owned) {
      return wasm_foreign_as_ref(wasm_foreign_new(store));
    }
    return owned ? wasm_ref_copy(ref) : ref;
  }

  template <class T>
  void keep(std::vector<T*>* pool, T* handle, void (*destroy)(T*)) {
    if (handle == nullptr) return;
    if (pool->size() >= kMaxPool) {
      destroy(handle);
      return;
    }
    pool->push_back(handle);
  }
  void keep_extern(wasm_extern_t* e) { keep(&externs_, e, wasm_extern_delete); }
  void keep_trap(wasm_trap_t* t) { keep(&traps_, t, wasm_trap_delete); }

  // ---- Operations ----

  void step() {
    const auto op = static_cast<Op>(in_.pick(static_cast<size_t>(Op::kCount)));
    if (trace()) std::fprintf(stderr, "capi_fuzz: op %d\n", static_cast<int>(op));
    switch (op) {
      case Op::kNewStore:
        return new_store();
      case Op::kNewModule:
        return new_module(builtins()[in_.pick(builtins().size())]);
      case Op::kNewModuleFromInput:
        return new_module_from_input();
      case Op::kValidate:
        return validate();
      case Op::kReflect:
        return reflect();
      case Op::kSerialize:
        return serialize();
      case Op::kShare:
        return share();
      case Op::kInstantiate:
        return instantiate();
      case Op::kExports:
        return exports();
      case Op::kExportByName:
        return export_by_name();
      case Op::kCall:
        return call();
      case Op::kGlobal:
        return global();
      case Op::kTable:
        return table();
      case Op::kMemory:
        return memory();
      case Op::kNewObject:
        return new_object();
      case Op::kForeign:
        return keep(&foreigns_, wasm_foreign_new(store_or_null()), wasm_foreign_delete);
      case Op::kHostInfo:
        return host_info();
      case Op::kTrapInspect:
        return trap_inspect();
      case Op::kCopyVectors:
        return copy_vectors();
      case Op::kCopyHandle:
        return copy_handle();
      case Op::kDelete:
        return delete_one();
      case Op::kWasi:
        return wasi();
      case Op::kDump:
        return dump();
      case Op::kCount:
        break;
    }
  }

  wasm_store_t* store_or_null() {
    StoreEntry* s = pick_store();
    return s == nullptr ? nullptr : s->store;
  }

  void new_module(const std::vector<uint8_t>& bytes) {
    wasm_store_t* store = store_or_null();
    if (store == nullptr) return;
    const wasm_byte_vec_t binary{
        bytes.size(), const_cast<wasm_byte_t*>(reinterpret_cast<const wasm_byte_t*>(bytes.data()))};
    keep(&modules_, wasm_module_new(store, &binary), wasm_module_delete);
  }

  std::vector<uint8_t> input_bytes() {
    const std::string chunk = in_.bytes(in_.byte() * 4u);
    return std::vector<uint8_t>(chunk.begin(), chunk.end());
  }

  void new_module_from_input() {
    std::vector<uint8_t> bytes = input_bytes();
    if (in_.bit()) {  // a header makes most inputs get past the magic and version
      static constexpr uint8_t kHeader[] = {0, 'a', 's', 'm', 1, 0, 0, 0};
      bytes.insert(bytes.begin(), std::begin(kHeader), std::end(kHeader));
    }
    new_module(bytes);
  }

  void validate() {
    const std::vector<uint8_t> bytes = in_.bit() ? builtins()[in_.pick(3)] : input_bytes();
    wasm_byte_vec_t binary;
    wasm_byte_vec_new(&binary, bytes.size(), reinterpret_cast<const wasm_byte_t*>(bytes.data()));
    (void)wasm_module_validate(store_or_null(), &binary);
    wasm_byte_vec_delete(&binary);
  }

  void reflect() {
    wasm_module_t* module = pick(modules_);
    wasm_importtype_vec_t imports;
    wasm_module_imports(module, &imports);
    for (size_t i = 0; i < imports.size; ++i) {
      const wasm_externtype_t* type = wasm_importtype_type(imports.data[i]);
      wasm_externtype_t* copy = wasm_externtype_copy(type);
      (void)wasm_externtype_kind(copy);
      wasm_externtype_delete(copy);
      (void)wasm_importtype_name(imports.data[i])->size;
    }
    wasm_importtype_vec_t imports_copy;
    wasm_importtype_vec_copy(&imports_copy, &imports);
    wasm_importtype_vec_delete(&imports);
    wasm_importtype_vec_delete(&imports_copy);
    wasm_exporttype_vec_t exports;
    wasm_module_exports(module, &exports);
    for (size_t i = 0; i < exports.size; ++i) {
      const wasm_externtype_t* type = wasm_exporttype_type(exports.data[i]);
      const wasm_functype_t* f = wasm_externtype_as_functype_const(type);
      if (f != nullptr) wasm_functype_delete(wasm_functype_copy(f));
      const wasm_tabletype_t* t = wasm_externtype_as_tabletype_const(type);
      if (t != nullptr) (void)wasm_tabletype_limits(t)->max;
    }
    wasm_exporttype_vec_delete(&exports);
  }

  void serialize() {
    wasm_module_t* module = pick(modules_);
    wasm_store_t* store = store_or_null();
    if (module == nullptr || store == nullptr) return;
    wasm_byte_vec_t bytes;
    wasm_module_serialize(module, &bytes);
    // Only bytes of the interpreter's format (never a .cwasm: deserializing maps native code,
    // so only trusted bytes may go in), intact, or damaged in a copy.
    std::string damaged(bytes.data == nullptr ? "" : std::string(bytes.data, bytes.size));
    const uint8_t b = in_.byte();
    if (damaged.size() > 12) {
      const size_t body = damaged.size() - 12;
      if ((b & 3) == 1) damaged[in_.pick(12)] ^= static_cast<char>(in_.byte() | 1);
      if ((b & 3) == 2) damaged.resize(damaged.size() - 1 - in_.pick(body));
      if ((b & 3) == 3) damaged[12 + in_.pick(body)] ^= static_cast<char>(in_.byte());
    }
    wasm_byte_vec_t copy;
    wasm_byte_vec_new(&copy, damaged.size(), damaged.data());
    keep(&modules_, wasm_module_deserialize(store, (b & 3) == 0 ? &bytes : &copy),
         wasm_module_delete);
    wasm_byte_vec_delete(&copy);
    wasm_byte_vec_delete(&bytes);
  }

  void share() {
    wasm_shared_module_t* shared = wasm_module_share(pick(modules_));
    keep(&modules_, wasm_module_obtain(store_or_null(), shared), wasm_module_delete);
    wasm_shared_module_delete(shared);
  }

  /// An extern of {type} made for {store}: a host function, or a global, table or memory.
  wasm_extern_t* make_extern(wasm_store_t* store, const wasm_externtype_t* type) {
    switch (wasm_externtype_kind(type)) {
      case WASM_EXTERN_FUNC: {
        ++g_live_infos;
        auto* env = new HostEnv{store};
        wasm_func_t* f = wasm_func_new_with_env(store, wasm_externtype_as_functype_const(type),
                                                host_callback, env, finalize_env);
        if (f == nullptr) finalize_env(env);  // not made: the finalizer is the caller's
        return wasm_func_as_extern(f);
      }
      case WASM_EXTERN_GLOBAL: {
        const wasm_globaltype_t* g = wasm_externtype_as_globaltype_const(type);
        wasm_val_t v = value_of(wasm_valtype_kind(wasm_globaltype_content(g)), store, false);
        return wasm_global_as_extern(wasm_global_new(store, g, &v));
      }
      case WASM_EXTERN_TABLE:
        return wasm_table_as_extern(
            wasm_table_new(store, wasm_externtype_as_tabletype_const(type), nullptr));
      case WASM_EXTERN_MEMORY:
        return wasm_memory_as_extern(
            wasm_memory_new(store, wasm_externtype_as_memorytype_const(type)));
      default:
        return nullptr;
    }
  }

  /// Imports for {module} in {store}: made to measure, or taken from the pools (of whatever
  /// kind and store: the instantiation then fails, as documented), maybe one too few.
  std::vector<wasm_extern_t*> imports_for(wasm_store_t* store, const wasm_module_t* module,
                                          std::vector<wasm_extern_t*>* made) {
    wasm_importtype_vec_t types;
    wasm_module_imports(module, &types);
    std::vector<wasm_extern_t*> imports;
    for (size_t i = 0; i < types.size; ++i) {
      const uint8_t b = in_.byte();
      wasm_extern_t* e = nullptr;
      if ((b & 7) == 7 && !externs_.empty()) {
        e = pick(externs_);
      } else {
        e = make_extern(store, wasm_importtype_type(types.data[i]));
        if (e != nullptr) made->push_back(e);
      }
      if (e != nullptr) imports.push_back(e);
    }
    wasm_importtype_vec_delete(&types);
    if (!imports.empty() && (in_.byte() & 15) == 0) imports.pop_back();
    return imports;
  }

  void instantiate() {
    StoreEntry* s = pick_store();
    wasm_module_t* module = pick(modules_);
    if (s == nullptr || module == nullptr) return;
    std::vector<wasm_extern_t*> made;
    std::vector<wasm_extern_t*> imports = imports_for(s->store, module, &made);
    const wasm_extern_vec_t vec{imports.size(), imports.data()};
    wasm_trap_t* trap = nullptr;
    wasm_instance_t* instance =
        wasm_instance_new(s->store, module, &vec, in_.bit() ? &trap : nullptr);
    keep(&instances_, instance, wasm_instance_delete);
    keep_trap(trap);
    for (wasm_extern_t* e : made)
      keep_extern(e);
  }

  void exports() {
    wasm_extern_vec_t exports;
    wasm_instance_exports(pick(instances_), &exports);
    for (size_t i = 0; i < exports.size; ++i) {
      if (in_.bit()) std::swap(exports.data[i], exports.data[exports.size - 1 - i]);
    }
    // Take some elements out of the vector (the rest it deletes).
    const size_t take = exports.size == 0 ? 0 : in_.pick(exports.size + 1);
    for (size_t i = 0; i < take; ++i) {
      keep_extern(exports.data[i]);
      exports.data[i] = nullptr;
    }
    wasm_extern_vec_delete(&exports);
  }

  void export_by_name() {
    static constexpr const char* kNames[] = {
        "add",        "call_host",  "div",   "load",    "store", "grow",  "pass_refs",
        "call_table", "etable_set", "spin",  "recurse", "multi", "v128",  "memory",
        "table",      "etable",     "g_i32", "g_ext",   "g_fun", "g_f64", "size",
        "peek",       "_start",     "write", "",        "nope"};
    keep_extern(wasmscope_instance_export(pick(instances_), kNames[in_.pick(std::size(kNames))]));
  }

  /// Calls a function of the pools with arguments of its type (or, now and then, not).
  void call() {
    wasm_func_t* func = wasm_extern_as_func(pick(externs_));
    if (func == nullptr) return;
    wasm_functype_t* type = wasm_func_type(func);
    std::vector<wasm_val_t> args = args_for(type, store_or_null());
    const uint8_t b = in_.byte();
    if ((b & 15) == 1) args.push_back(value_of(WASM_I32, nullptr, false));
    if ((b & 15) == 2 && !args.empty())
      args[0].kind = args[0].kind == WASM_I32 ? WASM_F64 : WASM_I32;
    const size_t room = (b & 0x30) == 0x30 ? 0 : wasm_func_result_arity(func);
    std::vector<wasm_val_t> results(room);
    const wasm_val_vec_t arg_vec{args.size(), args.data()};
    wasm_val_vec_t result_vec{results.size(), results.data()};
    wasm_trap_t* trap = wasm_func_call(func, &arg_vec, &result_vec);
    if (trace()) {
      wasm_message_t message;
      wasm_trap_message(trap, &message);
      std::fprintf(stderr, "capi_fuzz:   call: %s\n", trap == nullptr ? "returned" : message.data);
      wasm_byte_vec_delete(&message);
    }
    keep_trap(trap);
    for (wasm_val_t& v : results)
      wasm_val_delete(&v);
    wasm_functype_delete(type);
  }

  void global() {
    wasm_global_t* g = wasm_extern_as_global(pick(externs_));
    if (g == nullptr) return;
    wasm_val_t v;
    wasm_global_get(g, &v);
    wasm_val_t copy;
    wasm_val_copy(&copy, &v);
    wasm_val_delete(&v);
    wasm_val_delete(&copy);
    wasm_globaltype_t* type = wasm_global_type(g);
    const wasm_valkind_t content = wasm_valtype_kind(wasm_globaltype_content(type));
    const bool mutable_global = wasm_globaltype_mutability(type) == WASM_VAR;
    wasm_globaltype_delete(type);
    const wasm_valkind_t kind = (in_.byte() & 7) == 0 ? WASM_I64 : content;
    wasm_val_t value = value_of(kind, store_or_null(), false);
    wasm_global_set(g, &value);
    // A mutable global of that kind now holds the number set (references may be refused:
    // another store's function, say).
    if (!mutable_global || kind != content || wasm_valkind_is_ref(kind) || kind == WASMSCOPE_V128) {
      return;
    }
    wasm_val_t now;
    wasm_global_get(g, &now);
    if (now.kind != kind ||
        std::memcmp(&now.of, &value.of, kind == WASM_I32 || kind == WASM_F32 ? 4 : 8) != 0) {
      violation("wasm_global_get does not return what wasm_global_set set");
    }
  }

  void table() {
    wasm_table_t* t = wasm_extern_as_table(pick(externs_));
    if (t == nullptr) return;
    const uint8_t b = in_.byte();
    const uint32_t index = (b & 0x80) ? in_.u32() : in_.byte();
    wasm_tabletype_t* type = wasm_table_type(t);
    const bool funcs = wasm_valtype_kind(wasm_tabletype_element(type)) == WASM_FUNCREF;
    wasm_tabletype_delete(type);
    wasm_ref_t* ref = ref_of(store_or_null(), funcs && (b & 4) == 0, false);
    switch (b & 3) {
      case 0:
        wasm_ref_delete(wasm_table_get(t, index));
        break;
      case 1:
        (void)wasm_table_set(t, index, ref);
        break;
      case 2:
        (void)wasm_table_grow(t, index % 300, ref);
        break;
      default:
        break;
    }
    wasm_tabletype_t* after = wasm_table_type(t);
    if (wasm_tabletype_limits(after)->min != wasm_table_size(t)) violation("table size mismatch");
    wasm_tabletype_delete(after);
  }

  void memory() {
    wasm_memory_t* m = wasm_extern_as_memory(pick(externs_));
    if (m == nullptr) return;
    const uint8_t b = in_.byte();
    if (b & 1) {
      (void)wasm_memory_grow(m, (b & 2) ? in_.u32() : in_.byte() % 4);
    }
    const size_t size = wasm_memory_data_size(m);
    if (size == 0) return;
    byte_t* data = wasm_memory_data(m);
    const size_t at = in_.u32() % size;
    data[at] = static_cast<byte_t>(data[at] + 1);
    wasm_memorytype_t* type = wasm_memory_type(m);
    if (wasm_memorytype_limits(type)->min != wasm_memory_size(m)) violation("memory size mismatch");
    wasm_memorytype_delete(type);
  }

  /// A global, table or memory made by the host, of fuzzed type.
  void new_object() {
    wasm_store_t* store = store_or_null();
    const uint8_t b = in_.byte();
    static constexpr wasm_valkind_t kKinds[] = {WASM_I32, WASM_I64,       WASM_F32,
                                                WASM_F64, WASM_EXTERNREF, WASM_FUNCREF};
    const wasm_limits_t limits{in_.byte() % 4u,
                               (b & 0x80) ? wasm_limits_max_default : in_.byte() % 8u};
    wasm_externtype_t* type = nullptr;
    switch (b & 3) {
      case 0:
        type = wasm_globaltype_as_externtype(
            wasm_globaltype_new(wasm_valtype_new(kKinds[(b >> 2) % 6]), (b >> 5) & 1));
        break;
      case 1:
        type = wasm_tabletype_as_externtype(
            wasm_tabletype_new(wasm_valtype_new(kKinds[4 + ((b >> 2) & 1)]), &limits));
        break;
      case 2:
        type = wasm_memorytype_as_externtype(wasm_memorytype_new(&limits));
        break;
      default: {
        wasm_valtype_vec_t params, results;
        const size_t np = (b >> 2) & 3, nr = (b >> 4) & 3;
        wasm_valtype_vec_new_uninitialized(&params, np);
        wasm_valtype_vec_new_uninitialized(&results, nr);
        for (size_t i = 0; i < np; ++i)
          params.data[i] = wasm_valtype_new(kKinds[in_.pick(6)]);
        for (size_t i = 0; i < nr; ++i)
          results.data[i] = wasm_valtype_new(kKinds[in_.pick(6)]);
        type = wasm_functype_as_externtype(wasm_functype_new(&params, &results));
        break;
      }
    }
    if (store != nullptr && type != nullptr) keep_extern(make_extern(store, type));
    wasm_externtype_delete(type);
  }

  void host_info() {
    wasm_ref_t* ref = nullptr;
    switch (in_.byte() & 3) {
      case 0:
        ref = wasm_extern_as_ref(pick(externs_));
        break;
      case 1:
        ref = wasm_instance_as_ref(pick(instances_));
        break;
      case 2:
        ref = wasm_module_as_ref(pick(modules_));
        break;
      default:
        ref = wasm_trap_as_ref(pick(traps_));
        break;
    }
    if (ref == nullptr) return;
    (void)wasm_ref_get_host_info(ref);
    if (in_.bit()) {
      wasm_ref_set_host_info_with_finalizer(ref, new_info(1), finalize_info);
    } else {
      wasm_ref_set_host_info(ref, nullptr);
    }
  }

  void trap_inspect() {
    wasm_trap_t* trap = pick(traps_);
    if (trap == nullptr) {
      wasm_message_t message;
      wasm_name_new_from_string_nt(&message, "made by the host");
      keep_trap(wasm_trap_new(store_or_null(), &message));
      wasm_byte_vec_delete(&message);
      return;
    }
    wasm_message_t message;
    wasm_trap_message(trap, &message);
    if (message.size == 0 || message.data[message.size - 1] != '\0') {
      violation("a trap message without its NUL");
    }
    wasm_byte_vec_delete(&message);
    wasm_frame_t* origin = wasm_trap_origin(trap);
    wasm_frame_t* copy = wasm_frame_copy(origin);
    (void)wasm_frame_func_index(copy);
    (void)wasm_frame_module_offset(copy);
    wasm_instance_t* frame_instance = wasm_frame_instance(origin);
    if (frame_instance != nullptr && in_.bit())
      keep(&instances_, wasm_instance_copy(frame_instance), wasm_instance_delete);
    wasm_frame_delete(origin);
    wasm_frame_delete(copy);
    wasm_frame_vec_t trace;
    wasm_trap_trace(trap, &trace);
    wasm_frame_vec_t trace_copy;
    wasm_frame_vec_copy(&trace_copy, &trace);
    wasm_frame_vec_delete(&trace);
    wasm_frame_vec_delete(&trace_copy);
    if (in_.bit()) (void)wasmscope_trap_coredump(trap, "/dev/null");
  }

  void copy_vectors() {
    const wasm_extern_vec_t borrowed{std::min<size_t>(externs_.size(), 4), externs_.data()};
    wasm_extern_vec_t copy;
    wasm_extern_vec_copy(&copy, &borrowed);
    for (size_t i = 0; i < copy.size && in_.bit(); ++i) {
      keep_extern(copy.data[i]);
      copy.data[i] = nullptr;
    }
    wasm_extern_vec_delete(&copy);
    wasm_val_vec_t values;
    wasm_val_vec_new_uninitialized(&values, in_.byte() % 4);
    for (size_t i = 0; i < values.size; ++i) {
      values.data[i] = value_of(in_.bit() ? WASM_EXTERNREF : WASM_I64, store_or_null(), true);
    }
    wasm_val_vec_t values_copy;
    wasm_val_vec_copy(&values_copy, &values);
    wasm_val_vec_delete(&values);
    wasm_val_vec_delete(&values_copy);
  }

  void copy_handle() {
    switch (in_.byte() % 5) {
      case 0:
        keep_extern(wasm_extern_copy(pick(externs_)));
        break;
      case 1:
        keep(&instances_, wasm_instance_copy(pick(instances_)), wasm_instance_delete);
        break;
      case 2:
        keep(&modules_, wasm_module_copy(pick(modules_)), wasm_module_delete);
        break;
      case 3:
        keep_trap(wasm_trap_copy(pick(traps_)));
        break;
      default: {
        wasm_ref_t* ref = wasm_extern_as_ref(pick(externs_));
        wasm_ref_t* copy = wasm_ref_copy(ref);
        if (!wasm_ref_same(ref, copy) && ref != nullptr) violation("a copy is not the same");
        keep_extern(wasm_ref_as_extern(copy));
        break;
      }
    }
  }

  template <class T>
  void delete_from(std::vector<T*>* pool, void (*destroy)(T*)) {
    if (pool->empty()) return;
    const size_t i = in_.pick(pool->size());
    destroy((*pool)[i]);
    pool->erase(pool->begin() + static_cast<ptrdiff_t>(i));
  }

  /// Deletes one handle of a pool the input picks (among those that are not empty).
  void delete_one() {
    const bool pools[6] = {!externs_.empty(), !instances_.empty(), !modules_.empty(),
                           !traps_.empty(),   !foreigns_.empty(),  !stores_.empty()};
    const size_t first = in_.pick(6);
    for (size_t k = 0; k < 6; ++k) {
      const size_t i = (first + k) % 6;
      if (!pools[i]) continue;
      switch (i) {
        case 0:
          return delete_from(&externs_, wasm_extern_delete);
        case 1:
          return delete_from(&instances_, wasm_instance_delete);
        case 2:
          return delete_from(&modules_, wasm_module_delete);
        case 3:
          return delete_from(&traps_, wasm_trap_delete);
        case 4:
          return delete_from(&foreigns_, wasm_foreign_delete);
        default:
          return delete_store();
      }
    }
  }

  /// Deletes a store (and maybe its watchdog): its objects live on while handles remain.
  void delete_store() {
    if (stores_.empty()) return;
    const size_t i = in_.pick(stores_.size());
    StoreEntry s = stores_[i];
    stores_.erase(stores_.begin() + static_cast<ptrdiff_t>(i));
    if (in_.bit()) {
      // Its functions stay callable through the pools: a new watchdog takes over (kept to the
      // end) before the old one goes while the store still lives, so a spin still ends.
      orphan_watchdogs_.push_back(watch(s.store));
      wasmscope_watchdog_delete(s.watchdog);
    } else {
      orphan_watchdogs_.push_back(s.watchdog);
    }
    wasm_store_delete(s.store);
  }

  void wasi() {
    StoreEntry* s = pick_store();
    if (s == nullptr) return;
    if (s->wasi == nullptr) {
      wasmscope_wasi_config_t* config = wasmscope_wasi_config_new();
      const char* argv[] = {"prog", "a", "b", "c"};
      (void)wasmscope_wasi_config_set_args(config, in_.byte() % 5, argv);
      (void)wasmscope_wasi_config_add_env(config, "KEY", "value");
      (void)wasmscope_wasi_config_set_stdio(config, dev_null(), dev_null(), dev_null());
      s->wasi = wasmscope_wasi_new(s->store, config);
      wasmscope_wasi_config_delete(config);
      if (s->wasi == nullptr)
        violation(std::string("wasmscope_wasi_new: ") + wasmscope_last_error());
    }
    wasm_module_t* module = pick(modules_);
    if (module == nullptr) return;
    wasm_trap_t* trap = nullptr;
    wasm_instance_t* instance = wasmscope_wasi_instantiate(s->wasi, module, nullptr, &trap);
    keep_trap(trap);
    if (instance == nullptr) return;
    if (in_.bit()) {
      wasm_trap_t* run_trap = nullptr;
      (void)wasmscope_wasi_run(s->wasi, instance, &run_trap);
      keep_trap(run_trap);
      uint32_t status;
      (void)wasmscope_wasi_exit_status(s->wasi, &status);
    }
    keep(&instances_, instance, wasm_instance_delete);
  }

  void dump() {
    StoreEntry* s = pick_store();
    if (s == nullptr) return;
    char buffer[512];
    wasmscope_thread_t* threads[4];
    const size_t n = std::min<size_t>(wasmscope_store_threads(s->store, threads, 4), 4);
    for (size_t i = 0; i < n; ++i) {
      (void)wasmscope_thread_name(s->store, threads[i], buffer, in_.byte() % sizeof buffer);
      (void)wasmscope_thread_state_name(wasmscope_thread_state(threads[i]));
    }
    (void)wasmscope_store_thread_dump(s->store, in_.bit(), 100, buffer, in_.byte() % sizeof buffer);
    wasmscope_frame_t frames[4];
    (void)wasmscope_copy_callstack(wasmscope_store_main_thread(s->store), frames, 4, 0, 100,
                                   nullptr, buffer, sizeof buffer);
    // (No instance: the harness does not track which store an instance handle is of.)
    if (in_.bit()) (void)wasmscope_store_coredump(s->store, nullptr, "/dev/null", 100);
  }

  /// Deletes every handle left, in an order the input picks.
  void delete_everything() {
    while (!stores_.empty() || !externs_.empty() || !instances_.empty() || !modules_.empty() ||
           !traps_.empty() || !foreigns_.empty()) {
      delete_one();
    }
    for (wasmscope_watchdog_t* w : orphan_watchdogs_)
      wasmscope_watchdog_delete(w);
    wasm_engine_delete(engines_[0]);
    wasm_engine_delete(engines_[1]);
  }

  FuzzInput& in_;
  wasm_engine_t* engines_[2] = {nullptr, nullptr};
  std::vector<StoreEntry> stores_;
  std::vector<wasmscope_watchdog_t*> orphan_watchdogs_;
  std::vector<wasm_extern_t*> externs_;
  std::vector<wasm_instance_t*> instances_;
  std::vector<wasm_module_t*> modules_;
  std::vector<wasm_trap_t*> traps_;
  std::vector<wasm_foreign_t*> foreigns_;
};

/// A host function: writes results, returns a trap, calls back into the guest or captures its
/// own stack, as the input says.
wasm_trap_t* host_callback(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  Harness& h = *g_harness;
  wasm_store_t* store = static_cast<HostEnv*>(env)->store;
  const uint8_t b = h.input().byte();
  switch (b & 7) {
    case 4: {
      wasm_message_t message;
      wasm_name_new_from_string_nt(&message, "host trap");
      wasm_trap_t* trap = wasm_trap_new(store, &message);
      wasm_byte_vec_delete(&message);
      return trap;
    }
    case 5: {
      wasm_func_t* f = h.func_in();
      if (f == nullptr || g_depth >= kMaxReentry) break;
      wasm_functype_t* type = wasm_func_type(f);
      std::vector<wasm_val_t> inner_args = h.args_for(type, store);
      std::vector<wasm_val_t> inner_results(wasm_func_result_arity(f));
      const wasm_val_vec_t arg_vec{inner_args.size(), inner_args.data()};
      wasm_val_vec_t result_vec{inner_results.size(), inner_results.data()};
      ++g_depth;
      wasm_trap_t* trap = wasm_func_call(f, &arg_vec, &result_vec);
      --g_depth;
      for (wasm_val_t& v : inner_results)
        wasm_val_delete(&v);
      wasm_functype_delete(type);
      if (trap != nullptr) return trap;  // the inner trap ends the outer call too
      break;
    }
    case 6: {
      wasmscope_frame_t frames[8];
      char text[256];
      const int32_t n = wasmscope_copy_callstack(wasmscope_current_thread(), frames, 8, 0, 100,
                                                 nullptr, text, sizeof text);
      for (int32_t i = 0; i < n; ++i)
        (void)wasmscope_frame_name(&frames[i], text, sizeof text);
      (void)wasmscope_thread_dump(wasmscope_current_thread(), nullptr, b >> 7, 100, text,
                                  sizeof text);
      break;
    }
    default:
      break;
  }
  for (size_t i = 0; i < results->size; ++i) {
    results->data[i] = h.value_of(results->data[i].kind, store, true);
  }
  return nullptr;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)builtins();
  (void)dev_null();
  FuzzInput in(data, size);
  Harness harness(in);
  g_harness = &harness;
  harness.run();
  g_harness = nullptr;
  if (g_live_infos != 0) {
    violation(std::to_string(g_live_infos) + " host infos or environments never finalized");
  }
  return 0;
}
