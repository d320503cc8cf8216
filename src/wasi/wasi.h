// WASI preview1 for the runtime: a {WasiContext} holds what one WASI program sees (arguments,
// environment, preopened directories, the fd table, its exit status) and provides the
// "wasi_snapshot_preview1" functions as host functions of a store.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runtime/store.h"
#include "wasmscope/result.h"

namespace wasmscope::internal::wasi {

/// A host directory the guest may use, and the name the guest knows it by.
struct Preopen {
  std::string host_path;
  std::string guest_path;
};

/// What a WASI program is started with.
struct WasiOptions {
  std::vector<std::string> args;     ///< argv, program name first.
  std::vector<std::string> env;      ///< "KEY=VALUE" strings.
  std::vector<Preopen> preopens;     ///< Become fds 3, 4, ... in this order.
  int stdin_fd = 0;                  ///< Host fds behind guest fds 0, 1 and 2 (not closed by
  int stdout_fd = 1;                 ///< the context: the caller owns them).
  int stderr_fd = 2;
};

class FdTable;

/// One WASI program's state. Host functions made by {define_imports} refer to it, so it must
/// outlive the store's use of them. Used by one guest thread at a time.
class WasiContext {
 public:
  /// Opens the preopened directories. Fails with kIo naming the directory that cannot be
  /// opened.
  static Result<std::unique_ptr<WasiContext>> create(WasiOptions options);
  ~WasiContext();
  WasiContext(const WasiContext&) = delete;
  WasiContext& operator=(const WasiContext&) = delete;

  /// The import list for {module}: its "wasi_snapshot_preview1" (and legacy
  /// "wasi_unstable") function imports are WASI functions defined in {store}. Fails with
  /// kUnlinkable naming the first import that is neither WASI nor found in {others}
  /// ((module, name) -> extern, for embedders that add their own imports).
  Result<std::vector<Extern>> resolve_imports(
      Store& store, const Module& module,
      const std::vector<std::tuple<std::string, std::string, Extern>>& others = {});

  /// The status the guest passed to proc_exit, once it has called it. proc_exit unwinds the
  /// guest with a host trap whose message is "exit status N".
  std::optional<uint32_t> exit_status() const { return exit_status_; }

  /// Names of every preview1 function this context provides.
  static std::vector<std::string> function_names();

  // For the implementation (wasi/*.cc).
  const WasiOptions& options() const { return options_; }
  FdTable& fds() { return *fds_; }
  void set_exit_status(uint32_t status) { exit_status_ = status; }
  struct Binding;  ///< What one imported function's host function refers to.

 private:
  explicit WasiContext(WasiOptions options);
  WasiOptions options_;
  std::unique_ptr<FdTable> fds_;
  std::optional<uint32_t> exit_status_;
  std::vector<std::unique_ptr<Binding>> bindings_;
};

}  // namespace wasmscope::internal::wasi
