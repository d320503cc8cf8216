// File, temp-directory and child-process helpers shared by the CLI subcommands.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "wasmscope/result.h"
#include "wasmscope/features.h"

namespace wasmscope::internal::tools {

/// A problem with how the tool was invoked; main() prints it with the usage and exits 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Reads the whole of the regular file {path}. Directories, devices, FIFOs and files over
/// {kMaxInputBytes} are refused (so no input can make the tool block or exhaust memory).
/// Errors are {ErrorKind::kIo} with a message naming the reason.
Result<std::vector<uint8_t>> read_file(const std::string& path);

/// A file's bytes, read-only, valid while {owner} lives.
struct FileBytes {
  std::shared_ptr<const void> owner;
  std::span<const uint8_t> bytes;
};

/// The whole of the regular file {path}, mapped read-only rather than read where it can be
/// (else read, as {read_file}), with the same refusals. A mapping costs no memory of its own
/// and no copy: reading SQLite's 7 MB .cwasm first touched 1,800 fresh pages (about 20 ms
/// here), mapping it about 0.4 ms. The mapping shows the file as it is: it must not be
/// truncated or rewritten in place while mapped (a read past a truncated end is SIGBUS).
/// Replacing it by renaming another file over it, as `wasmscope compile -o` does, is safe.
Result<FileBytes> map_file(const std::string& path);

/// True when the regular file {path} can be read and starts with {prefix} (false for anything
/// else: a FIFO is opened without waiting and not read).
bool file_starts_with(const std::string& path, std::span<const uint8_t> prefix);

/// Largest input file the tools read (1 GiB).
inline constexpr uint64_t kMaxInputBytes = uint64_t{1} << 30;

/// True when {path} names a text-format module ({.wat} or {.wast}) rather than a binary one.
bool is_text_path(const std::string& path);

/// Loads the module bytes in {path}: binary files as they are, text files through
/// {wat_to_binary}. I/O errors are {kIo}; text that does not parse is {kMalformed}.
Result<std::vector<uint8_t>> load_module_bytes(const std::string& path, Features features);

/// Line and column (both 1-based) of byte {offset} in {text}.
struct TextPosition {
  uint32_t line = 1;
  uint32_t column = 1;
};
TextPosition text_position(const std::vector<uint8_t>& text, uint32_t offset);

/// A fresh directory made with {mkdtemp} under $TMPDIR (or /tmp); removed with its contents
/// when destroyed.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "wasmscope");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

/// Finds an executable called {name} on $PATH.
std::optional<std::string> find_program(const std::string& name);

/// How a child process ended.
struct ProcessStatus {
  int exit_code = -1;      ///< Valid when {signal} is 0 and !{timed_out}.
  int signal = 0;          ///< The signal that killed it, or 0.
  bool timed_out = false;  ///< Killed by us after the timeout.
  bool ok() const { return signal == 0 && !timed_out && exit_code == 0; }
  /// "exit code 3", "killed by signal 11", "timed out after 60 s".
  std::string describe(unsigned timeout_seconds) const;
};

/// Waits for child {pid}, killing it (SIGKILL) once {timeout_seconds} have passed.
ProcessStatus wait_child(int pid, unsigned timeout_seconds);

/// Runs {argv} (argv[0] a path) with stdout and stderr both sent to the file {log_path}.
/// Throws std::runtime_error when the process cannot be started.
ProcessStatus run_program(const std::vector<std::string>& argv, const std::string& log_path,
                          unsigned timeout_seconds);

/// The first {max_bytes} of the file {path} as text ("" when unreadable).
std::string read_text_prefix(const std::string& path, size_t max_bytes);

}  // namespace wasmscope::internal::tools
