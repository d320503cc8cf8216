#include "tools/spectest_exec.h"

#include <cerrno>
#include <cstdio>
#include <span>

#include "base/sha256.h"
#include "compiler/compiler.h"
#include "tools/file_io.h"

#include <cstring>

namespace wasmscope::internal::tools {
namespace {

/// Externref payloads as the host sees them: {ref.extern N} is N + 1, so that 0 stays null.
Slot extern_ref(uint64_t n) { return n + 1; }

ValType parse_type(const std::string& name) {
  if (name == "i32") return ValType::kI32;
  if (name == "i64") return ValType::kI64;
  if (name == "f32") return ValType::kF32;
  if (name == "f64") return ValType::kF64;
  if (name == "v128") return ValType::kV128;
  if (name == "funcref") return ValType::kFuncRef;
  if (name == "externref") return ValType::kExternRef;
  if (name == "exnref") return ValType::kExnRef;
  throw std::runtime_error("unknown value type '" + name + "' in script");
}

unsigned lane_bits(const std::string& lane_type) {
  if (lane_type == "i8") return 8;
  if (lane_type == "i16") return 16;
  if (lane_type == "i32" || lane_type == "f32") return 32;
  return 64;
}

/// A script argument (never a NaN pattern: those occur only in expectations).
ScriptValue parse_value(const nlohmann::json& v) {
  ScriptValue out;
  out.type = parse_type(v.at("type").get<std::string>());
  if (out.type == ValType::kV128) {
    const unsigned bits = lane_bits(v.at("lane_type").get<std::string>());
    uint8_t bytes[16] = {};
    const auto& lanes = v.at("value");
    for (size_t i = 0; i < lanes.size(); ++i) {
      const uint64_t lane = std::stoull(lanes[i].get<std::string>());
      std::memcpy(bytes + i * bits / 8, &lane, bits / 8);
    }
    std::memcpy(out.slots, bytes, 16);
    return out;
  }
  const std::string text = v.at("value").get<std::string>();
  if (is_ref(out.type)) {
    out.slots[0] = text == "null" ? 0 : extern_ref(std::stoull(text));
  } else {
    out.slots[0] = std::stoull(text);
  }
  return out;
}

bool is_canonical_nan(uint64_t bits, unsigned width) {
  return width == 32 ? (bits & 0x7fffffffu) == 0x7fc00000u
                     : (bits & 0x7fffffffffffffffull) == 0x7ff8000000000000ull;
}
bool is_arithmetic_nan(uint64_t bits, unsigned width) {
  return width == 32 ? (bits & 0x7fc00000u) == 0x7fc00000u
                     : (bits & 0x7ff8000000000000ull) == 0x7ff8000000000000ull;
}

/// Whether the {width}-bit value {bits} satisfies the expected text (a number or a NaN class).
bool matches_scalar(uint64_t bits, unsigned width, const std::string& expected, bool is_float) {
  if (is_float && expected == "nan:canonical") return is_canonical_nan(bits, width);
  if (is_float && expected == "nan:arithmetic") return is_arithmetic_nan(bits, width);
  const uint64_t mask = width == 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1;
  return (bits & mask) == (std::stoull(expected) & mask);
}

std::string describe(const ScriptValue& v) {
  char buf[80];
  if (v.type == ValType::kV128) {
    std::snprintf(buf, sizeof buf, "v128 0x%016llx%016llx",
                  static_cast<unsigned long long>(v.slots[1]),
                  static_cast<unsigned long long>(v.slots[0]));
  } else if (is_ref(v.type)) {
    std::snprintf(buf, sizeof buf, "%s %s", valtype_name(v.type), v.slots[0] == 0 ? "null" : "ref");
  } else {
    std::snprintf(buf, sizeof buf, "%s 0x%llx", valtype_name(v.type),
                  static_cast<unsigned long long>(v.slots[0]));
  }
  return buf;
}

std::string match_one(const ScriptValue& got, const nlohmann::json& e) {
  if (e.at("type") == "anynullref") {
    if (!is_ref(got.type)) return std::string("type ") + valtype_name(got.type);
    return got.slots[0] == 0 ? "" : "not null";
  }
  const ValType type = parse_type(e.at("type").get<std::string>());
  if (got.type.kind() != type.kind()) return std::string("type ") + valtype_name(got.type);
  if (!e.contains("value")) {
    // "(ref.func)" / "(ref.extern)" without a payload: any non-null reference.
    if (is_ref(type)) return got.slots[0] != 0 ? "" : "null reference";
    return "";
  }
  bool ok = true;
  switch (type) {
    case ValType::kI32:
      ok = matches_scalar(got.slots[0], 32, e.at("value").get<std::string>(), false);
      break;
    case ValType::kI64:
      ok = matches_scalar(got.slots[0], 64, e.at("value").get<std::string>(), false);
      break;
    case ValType::kF32:
      ok = matches_scalar(got.slots[0], 32, e.at("value").get<std::string>(), true);
      break;
    case ValType::kF64:
      ok = matches_scalar(got.slots[0], 64, e.at("value").get<std::string>(), true);
      break;
    case ValType::kExnRef:  // only null exnrefs can be written in a script
    case ValType::kFuncRef:
    case ValType::kExternRef: {
      const std::string text = e.at("value").get<std::string>();
      ok = text == "null" ? got.slots[0] == 0 : got.slots[0] == extern_ref(std::stoull(text));
      break;
    }
    case ValType::kV128: {
      const std::string lane_type = e.at("lane_type").get<std::string>();
      const unsigned bits = lane_bits(lane_type);
      const bool is_float = lane_type[0] == 'f';
      uint8_t bytes[16];
      std::memcpy(bytes, got.slots, 16);
      const auto& lanes = e.at("value");
      for (size_t i = 0; i < lanes.size() && ok; ++i) {
        uint64_t lane = 0;
        std::memcpy(&lane, bytes + i * bits / 8, bits / 8);
        ok = matches_scalar(lane, bits, lanes[i].get<std::string>(), is_float);
      }
      break;
    }
  }
  return ok ? "" : describe(got);
}

}  // namespace

SpecRuntime::SpecRuntime(const StoreConfig& config) : store_(std::make_unique<Store>(config)) {
  define_spectest_module();
}

/// The host module the spec tests import (the reference interpreter's "spectest").
void SpecRuntime::define_spectest_module() {
  auto& spectest = registry_["spectest"];
  const HostCallback print = [](HostCall&) { return Trap::kNone; };
  using V = ValType;
  const std::pair<const char*, std::vector<ValType>> prints[] = {
      {"print", {}},
      {"print_i32", {V::kI32}},
      {"print_i64", {V::kI64}},
      {"print_f32", {V::kF32}},
      {"print_f64", {V::kF64}},
      {"print_i32_f32", {V::kI32, V::kF32}},
      {"print_f64_f64", {V::kF64, V::kF64}},
  };
  for (const auto& [name, params] : prints) {
    spectest[name] =
        Extern::func(store_->create_host_func({params, {}}, print, nullptr, std::string("spectest.") + name));
  }
  const float f32 = 666.6f;
  const double f64 = 666.6;
  uint32_t f32_bits;
  uint64_t f64_bits;
  std::memcpy(&f32_bits, &f32, 4);
  std::memcpy(&f64_bits, &f64, 8);
  spectest["global_i32"] = Extern::global(store_->create_global({V::kI32, false}, 666));
  spectest["global_i64"] = Extern::global(store_->create_global({V::kI64, false}, 666));
  spectest["global_f32"] = Extern::global(store_->create_global({V::kF32, false}, f32_bits));
  spectest["global_f64"] = Extern::global(store_->create_global({V::kF64, false}, f64_bits));
  spectest["table"] = Extern::table(store_->create_table({V::kFuncRef, {10, 20, false}}, 0));
  spectest["table64"] =
      Extern::table(store_->create_table({V::kFuncRef, {10, 20, false, true}}, 0));
  if (auto memory = store_->create_memory({{1, 2, false}}); memory.ok()) {
    spectest["memory"] = Extern::memory(*memory);
  }
  if (auto shared = store_->create_memory({{1, 1, true}}); shared.ok()) {
    spectest["shared_memory"] = Extern::memory(*shared);
  }
}

Instance* SpecRuntime::find_instance(const std::string& name) const {
  if (name.empty()) return current_;
  auto it = named_.find(name);
  return it == named_.end() ? nullptr : it->second;
}

Result<std::vector<Extern>> SpecRuntime::resolve_imports(const Module& module) const {
  std::vector<Extern> imports;
  for (const Import& imp : module.imports) {
    auto mod = registry_.find(imp.module);
    const Extern* found = nullptr;
    if (mod != registry_.end()) {
      auto it = mod->second.find(imp.name);
      if (it != mod->second.end()) found = &it->second;
    }
    if (found == nullptr) {
      return Error{ErrorKind::kUnlinkable, imp.offset,
                   "unknown import \"" + imp.module + "\" \"" + imp.name + "\""};
    }
    imports.push_back(*found);
  }
  return imports;
}

CrossModules& cross_modules() {
  static CrossModules modules;
  return modules;
}

namespace {

/// Where the .cwasm of module {bytes} is in {dir}: named by its SHA-256.
std::string cross_path(const std::string& dir, std::span<const uint8_t> bytes) {
  static const char kHex[] = "0123456789abcdef";
  std::string name;
  for (uint8_t b : sha256(bytes)) {
    name += kHex[b >> 4];
    name += kHex[b & 15];
  }
  return dir + "/" + name + ".cwasm";
}

/// Writes {bytes} to {path}; "" or why not.
std::string write_whole(const std::string& path, const std::vector<uint8_t>& bytes) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return std::strerror(errno);
  const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  return std::fclose(f) == 0 && ok ? "" : "write failed";
}

}  // namespace

Result<void> SpecRuntime::load(std::vector<uint8_t> bytes, const std::string& name) {
  const CrossModules& cross = cross_modules();
  std::shared_ptr<CompiledModule> compiled;
  if (!cross.out_dir.empty() || !cross.in_dir.empty()) {
    // Decoded, validated and translated here in any case: a module the suite expects to be
    // refused fails as it would anywhere, and has no .cwasm.
    StoreConfig interp = store_->config();
    interp.tier = Tier::kInterp;
    WS_ASSIGN(auto checked, compile_module(bytes, interp));
    if (!cross.out_dir.empty()) {
      NativeOptions options;
      options.opt_level = store_->config().opt_level;
      options.target = cross.target;
      WS_ASSIGN(auto file, compile_cwasm_for_target(*checked, interp.features, options));
      const std::string path = cross_path(cross.out_dir, bytes);
      if (std::string why = write_whole(path, file); !why.empty()) {
        return Error{ErrorKind::kIo, 0, "cannot write " + path + ": " + why};
      }
      // The host's own run goes on with it when it interprets.
      if (store_->config().tier == Tier::kInterp) compiled = std::move(checked);
    } else {
      const std::string path = cross_path(cross.in_dir, bytes);
      auto file = read_file(path);
      if (!file.ok()) {
        return Error{ErrorKind::kIo, 0, "no compiled module " + path + " (spectest --cwasm-out)"};
      }
      StoreConfig config = store_->config();
      WS_ASSIGN(compiled, load_compiled_module(*file, &config));
    }
  }
  if (compiled == nullptr) {
    WS_ASSIGN(compiled, compile_module(std::move(bytes), store_->config()));
  }
  WS_ASSIGN(auto imports, resolve_imports(compiled->module));
  WS_ASSIGN(Instance * instance, store_->instantiate(compiled, imports));
  current_ = instance;
  if (!name.empty()) named_[name] = instance;
  return {};
}

Result<void> SpecRuntime::register_as(const std::string& as, const std::string& name) {
  Instance* instance = find_instance(name);
  if (instance == nullptr) return Error{ErrorKind::kUnlinkable, 0, "unknown module " + name};
  auto& exports = registry_[as];
  for (const auto& [export_name, value] : instance->exports) exports[export_name] = value;
  return {};
}

ActionOutcome SpecRuntime::perform(const nlohmann::json& action) {
  ActionOutcome outcome;
  Instance* instance = find_instance(action.value("module", std::string()));
  if (instance == nullptr) {
    outcome.error = "no module to act on";
    return outcome;
  }
  const std::string field = action.at("field").get<std::string>();
  const Extern target = instance->find_export(field);
  const std::string type = action.at("type").get<std::string>();
  if (type == "get") {
    const GlobalData* global = target.as_global();
    if (global == nullptr) {
      outcome.error = "no exported global '" + field + "'";
      return outcome;
    }
    ScriptValue v;
    v.type = global->type.type;
    v.slots[0] = global->value[0];
    v.slots[1] = global->value[1];
    outcome.results.push_back(v);
    return outcome;
  }
  const Func* func = target.as_func();
  if (func == nullptr) {
    outcome.error = "no exported function '" + field + "'";
    return outcome;
  }
  const FuncType& ft = *func->type;
  const auto& args = action.at("args");
  if (args.size() != ft.params.size()) {
    outcome.error = "wrong number of arguments for '" + field + "'";
    return outcome;
  }
  std::vector<Slot> slots(func->arg_slots + 2, 0);
  size_t slot = 0;
  for (const auto& arg : args) {
    const ScriptValue v = parse_value(arg);
    slots[slot++] = v.slots[0];
    if (v.type == ValType::kV128) slots[slot++] = v.slots[1];
  }
  InvokeOutcome result = store_->call(func, slots.data());
  if (result.trap != Trap::kNone) {
    outcome.trap = result.trap;
    outcome.trap_message = result.message;
    return outcome;
  }
  slot = 0;
  for (ValType t : ft.results) {
    ScriptValue v;
    v.type = t;
    v.slots[0] = slots[slot++];
    if (t == ValType::kV128) v.slots[1] = slots[slot++];
    outcome.results.push_back(v);
  }
  return outcome;
}

std::string SpecRuntime::match(const std::vector<ScriptValue>& got,
                               const nlohmann::json& expected) {
  if (got.size() != expected.size()) {
    return "got " + std::to_string(got.size()) + " results, expected " +
           std::to_string(expected.size());
  }
  for (size_t i = 0; i < got.size(); ++i) {
    const nlohmann::json& e = expected[i];
    std::string problem;
    if (e.is_object() && e.value("type", "") == "either") {
      // Alternatives (relaxed SIMD): the result must be one of them.
      problem = "none of the alternatives";
      for (const auto& alternative : e.at("values")) {
        if (match_one(got[i], alternative).empty()) {
          problem.clear();
          break;
        }
      }
    } else {
      problem = match_one(got[i], e);
    }
    if (!problem.empty()) {
      return "result " + std::to_string(i) + " is " + problem + ", expected " +
             expected[i].dump();
    }
  }
  return "";
}

}  // namespace wasmscope::internal::tools
