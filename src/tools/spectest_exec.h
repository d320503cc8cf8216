// The runtime side of the spec-test runner: a store with the {spectest} host module, the
// modules a script defines and registers, actions, and matching results against expectations.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtime/store.h"

namespace wasmscope::internal::tools {

/// A value as a script writes it: a type and its slots (two for v128).
struct ScriptValue {
  ValType type = ValType::kI32;
  Slot slots[2] = {0, 0};
};

/// What an action did.
struct ActionOutcome {
  std::string error;  ///< Set when the action could not be performed (no such export, ...).
  Trap trap = Trap::kNone;
  std::string trap_message;
  std::vector<ScriptValue> results;
};

/// Modules compiled on one machine and run on another (spectest --cwasm-out / --cwasm-in),
/// so that a build without a compiler (an ARM cross build under qemu) runs the suite on code
/// compiled for it: every module a script loads is found by the SHA-256 of its bytes.
struct CrossModules {
  std::string out_dir;  ///< Write DIR/<sha256>.cwasm of each module, compiled for {target}.
  std::string target;
  std::string in_dir;   ///< Run each module from DIR/<sha256>.cwasm instead of compiling it.
};
/// The process's; set once before the scripts run (forked children inherit it).
CrossModules& cross_modules();

class SpecRuntime {
 public:
  explicit SpecRuntime(const StoreConfig& config);

  /// Compiles and instantiates {bytes}; on success it becomes the current module, also known
  /// as {name} when that is not empty. Errors keep their kind (malformed, invalid, unlinkable,
  /// trap).
  Result<void> load(std::vector<uint8_t> bytes, const std::string& name);

  /// Makes the module {name} (the current one when empty) importable as {as}.
  Result<void> register_as(const std::string& as, const std::string& name);

  /// Performs an "invoke" or "get" action as wast2json writes it.
  ActionOutcome perform(const nlohmann::json& action);

  /// "" when {got} matches {expected} (wast2json's "expected" list), else what differs.
  static std::string match(const std::vector<ScriptValue>& got, const nlohmann::json& expected);

 private:
  Instance* find_instance(const std::string& name) const;
  Result<std::vector<Extern>> resolve_imports(const Module& module) const;
  void define_spectest_module();

  std::unique_ptr<Store> store_;
  Instance* current_ = nullptr;
  std::map<std::string, Instance*> named_;
  /// Importable modules: registered instances' exports, and the host module "spectest".
  std::map<std::string, std::map<std::string, Extern>> registry_;
};

}  // namespace wasmscope::internal::tools
