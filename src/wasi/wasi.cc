// The WASI context, the binding of preview1 functions to host functions, and the functions
// that need no files: arguments, environment, clocks, randomness, process and scheduling.
#include "wasi/wasi.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "engine/atomics.h"
#include "wasi/internal.h"

namespace wasmscope::internal::wasi {
namespace {

/// A preview1 function: its import name, parameter types ('i' i32, 'I' i64) and whether it
/// returns an errno (every one but proc_exit).
struct FunctionDef {
  const char* name;
  const char* params;
  bool returns_errno;
  WasiFn fn;
};

constexpr FunctionDef kFunctions[] = {
    {"args_get", "ii", true, args_get},
    {"args_sizes_get", "ii", true, args_sizes_get},
    {"environ_get", "ii", true, environ_get},
    {"environ_sizes_get", "ii", true, environ_sizes_get},
    {"clock_res_get", "ii", true, clock_res_get},
    {"clock_time_get", "iIi", true, clock_time_get},
    {"fd_advise", "iIIi", true, fd_advise},
    {"fd_allocate", "iII", true, fd_allocate},
    {"fd_close", "i", true, fd_close},
    {"fd_datasync", "i", true, fd_datasync},
    {"fd_fdstat_get", "ii", true, fd_fdstat_get},
    {"fd_fdstat_set_flags", "ii", true, fd_fdstat_set_flags},
    {"fd_fdstat_set_rights", "iII", true, fd_fdstat_set_rights},
    {"fd_filestat_get", "ii", true, fd_filestat_get},
    {"fd_filestat_set_size", "iI", true, fd_filestat_set_size},
    {"fd_filestat_set_times", "iIIi", true, fd_filestat_set_times},
    {"fd_pread", "iiiIi", true, fd_pread},
    {"fd_prestat_get", "ii", true, fd_prestat_get},
    {"fd_prestat_dir_name", "iii", true, fd_prestat_dir_name},
    {"fd_pwrite", "iiiIi", true, fd_pwrite},
    {"fd_read", "iiii", true, fd_read},
    {"fd_readdir", "iiiIi", true, fd_readdir},
    {"fd_renumber", "ii", true, fd_renumber},
    {"fd_seek", "iIii", true, fd_seek},
    {"fd_sync", "i", true, fd_sync},
    {"fd_tell", "ii", true, fd_tell},
    {"fd_write", "iiii", true, fd_write},
    {"path_create_directory", "iii", true, path_create_directory},
    {"path_filestat_get", "iiiii", true, path_filestat_get},
    {"path_filestat_set_times", "iiiiIIi", true, path_filestat_set_times},
    {"path_link", "iiiiiii", true, path_link},
    {"path_open", "iiiiiIIii", true, path_open},
    {"path_readlink", "iiiiii", true, path_readlink},
    {"path_remove_directory", "iii", true, path_remove_directory},
    {"path_rename", "iiiiii", true, path_rename},
    {"path_symlink", "iiiii", true, path_symlink},
    {"path_unlink_file", "iii", true, path_unlink_file},
    {"poll_oneoff", "iiii", true, poll_oneoff},
    {"proc_exit", "i", false, proc_exit},
    {"proc_raise", "i", true, proc_raise},
    {"sched_yield", "", true, sched_yield},
    {"random_get", "ii", true, random_get},
    {"sock_accept", "iii", true, sock_accept},
    {"sock_recv", "iiiiii", true, sock_recv},
    {"sock_send", "iiiii", true, sock_send},
    {"sock_shutdown", "ii", true, sock_shutdown},
};

const FunctionDef* find_function(const std::string& name) {
  for (const FunctionDef& def : kFunctions) {
    if (name == def.name) return &def;
  }
  return nullptr;
}

FuncType signature_of(const FunctionDef& def) {
  FuncType type;
  for (const char* p = def.params; *p != '\0'; ++p) {
    type.params.push_back(*p == 'I' ? ValType::kI64 : ValType::kI32);
  }
  if (def.returns_errno) type.results.push_back(ValType::kI32);
  return type;
}

bool is_wasi_module(const std::string& name) {
  return name == "wasi_snapshot_preview1" || name == "wasi_unstable";
}

/// Writes {strings} as a pointer array at {array_ptr} and NUL-terminated bytes at {buf_ptr}.
Errno store_string_list(const GuestMemory& memory, const std::vector<std::string>& strings,
                        uint32_t array_ptr, uint32_t buf_ptr) {
  uint64_t offset = buf_ptr;
  for (size_t i = 0; i < strings.size(); ++i) {
    const std::string& s = strings[i];
    uint8_t* dest = memory.span(offset, s.size() + 1);
    if (dest == nullptr || !memory.store<uint32_t>(array_ptr + 4 * uint64_t{i},
                                                   static_cast<uint32_t>(offset))) {
      return Errno::kFault;
    }
    std::memcpy(dest, s.c_str(), s.size() + 1);
    offset += s.size() + 1;
  }
  return Errno::kSuccess;
}

Errno store_string_list_sizes(const GuestMemory& memory, const std::vector<std::string>& strings,
                              uint32_t count_ptr, uint32_t size_ptr) {
  uint64_t bytes = 0;
  for (const std::string& s : strings) bytes += s.size() + 1;
  if (bytes > UINT32_MAX) return Errno::kOverflow;
  if (!memory.store<uint32_t>(count_ptr, static_cast<uint32_t>(strings.size())) ||
      !memory.store<uint32_t>(size_ptr, static_cast<uint32_t>(bytes))) {
    return Errno::kFault;
  }
  return Errno::kSuccess;
}

bool host_clock(uint32_t id, clockid_t* out) {
  switch (id) {
    case kClockRealtime: *out = CLOCK_REALTIME; return true;
    case kClockMonotonic: *out = CLOCK_MONOTONIC; return true;
    case kClockProcessCputime: *out = CLOCK_PROCESS_CPUTIME_ID; return true;
    case kClockThreadCputime: *out = CLOCK_THREAD_CPUTIME_ID; return true;
    default: return false;
  }
}

}  // namespace

// ---- The context ----

struct WasiContext::Binding {
  WasiContext* context;
  const FunctionDef* def;
};

namespace {

/// The host function behind every preview1 import: finds the caller's memory, runs the
/// function, and turns its outcome into results or a trap.
Trap call_wasi(HostCall& host) {
  auto* binding = static_cast<WasiContext::Binding*>(host.user);
  ExecContext* exec = host.context;
  const uint32_t depth = exec->depth.load(std::memory_order_relaxed);
  const InstanceData* caller = depth > 0 ? exec->frames()[depth - 1].func->instance : nullptr;
  if (caller == nullptr || caller->memories.empty()) {
    *host.trap_message = std::string("wasi: ") + binding->def->name +
                         " needs a calling module with a linear memory";
    return Trap::kHostTrap;
  }
  const MemoryData* memory = caller->memories[0];
  // Another thread may grow a shared memory meanwhile: the size as of now, acquired.
  WasiCall call{*binding->context, exec, GuestMemory(memory->base, atomic::current_size(memory)),
                host.args};
  Errno error;
  {
    FdTable::CallLock lock(binding->context->fds());
    error = binding->def->fn(call);
  }
  if (call.trap != Trap::kNone) {
    if (call.trap == Trap::kHostTrap) *host.trap_message = call.trap_message;
    return call.trap;
  }
  if (binding->def->returns_errno) host.results[0] = static_cast<uint16_t>(error);
  return Trap::kNone;
}

}  // namespace

WasiContext::WasiContext(WasiOptions options)
    : options_(std::move(options)), fds_(std::make_unique<FdTable>()) {}

WasiContext::~WasiContext() {
  // Guest threads call into this context: they must be gone first.
  if (store_ != nullptr && store_->threads().spawned_count() != 0) {
    store_->threads().terminate_spawned();
    store_->threads().wait_spawned_ended(UINT64_MAX);
  }
}

Result<std::unique_ptr<WasiContext>> WasiContext::create(WasiOptions options) {
  std::unique_ptr<WasiContext> context(new WasiContext(std::move(options)));
  const int stdio[3] = {context->options_.stdin_fd, context->options_.stdout_fd,
                        context->options_.stderr_fd};
  for (uint32_t fd = 0; fd < 3; ++fd) {
    FdEntry entry;
    entry.host_fd = stdio[fd];
    entry.owned = false;
    struct stat st;
    entry.type = ::fstat(stdio[fd], &st) == 0 ? filetype_from_mode(st.st_mode)
                                              : Filetype::kCharacterDevice;
    entry.rights_base = rights_for(entry.type);
    entry.rights_inheriting = entry.rights_base;
    if (stdio[fd] < 0) continue;  // not connected: guest fd stays closed
    context->fds_->insert_at(fd, std::move(entry));
  }
  for (const Preopen& preopen : context->options_.preopens) {
    const int fd = ::open(preopen.host_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
      return Error{ErrorKind::kIo, 0,
                   "cannot open directory '" + preopen.host_path + "': " + std::strerror(errno)};
    }
    FdEntry entry;
    entry.host_fd = fd;
    entry.type = Filetype::kDirectory;
    entry.rights_base = rights::kDirectory;
    entry.rights_inheriting = rights::kDirectory | rights::kFile;
    entry.is_preopen = true;
    entry.preopen_name = preopen.guest_path;
    if (context->fds_->insert(std::move(entry)) < 0) {
      ::close(fd);
      return Error{ErrorKind::kIo, 0, "too many preopened directories"};
    }
  }
  return context;
}

std::optional<Preopen> parse_preopen(std::string_view spec) {
  const size_t sep = spec.find("::");
  Preopen preopen;
  preopen.host_path = std::string(spec.substr(0, sep));
  preopen.guest_path = sep == std::string_view::npos ? preopen.host_path
                                                     : std::string(spec.substr(sep + 2));
  if (preopen.host_path.empty() || preopen.guest_path.empty()) return std::nullopt;
  return preopen;
}

Result<std::vector<Extern>> WasiContext::resolve_imports(
    Store& store, const Module& module,
    const std::vector<std::tuple<std::string, std::string, Extern>>& others) {
  std::vector<Extern> resolved;
  for (const Import& import : module.imports) {
    bool found = false;
    for (const auto& [mod, name, value] : others) {
      if (mod == import.module && name == import.name) {
        resolved.push_back(value);
        found = true;
        break;
      }
    }
    if (found) continue;
    WS_ASSIGN(Extern threads_import, resolve_threads_import(store, import));
    if (threads_import.object != nullptr) {
      resolved.push_back(threads_import);
      continue;
    }
    const FunctionDef* def = is_wasi_module(import.module) && import.kind == ExternKind::kFunc
                                 ? find_function(import.name)
                                 : nullptr;
    if (def == nullptr) {
      return Error{ErrorKind::kUnlinkable, import.offset,
                   "unknown import \"" + import.module + "\" \"" + import.name + "\"" +
                       (is_wasi_module(import.module) ? " (not a WASI preview1 function)" : "")};
    }
    auto& binding = bindings_.emplace_back(std::make_unique<Binding>(Binding{this, def}));
    resolved.push_back(Extern::func(store.create_host_func(
        signature_of(*def), call_wasi, binding.get(), import.module + "." + import.name)));
  }
  return resolved;
}

std::vector<std::string> WasiContext::function_names() {
  std::vector<std::string> names;
  for (const FunctionDef& def : kFunctions) names.emplace_back(def.name);
  return names;
}

// ---- Arguments and environment ----

Errno args_get(WasiCall& call) {
  return store_string_list(call.memory, call.wasi.options().args, call.u32(0), call.u32(1));
}

Errno args_sizes_get(WasiCall& call) {
  return store_string_list_sizes(call.memory, call.wasi.options().args, call.u32(0), call.u32(1));
}

Errno environ_get(WasiCall& call) {
  return store_string_list(call.memory, call.wasi.options().env, call.u32(0), call.u32(1));
}

Errno environ_sizes_get(WasiCall& call) {
  return store_string_list_sizes(call.memory, call.wasi.options().env, call.u32(0), call.u32(1));
}

// ---- Clocks and randomness ----

Errno clock_res_get(WasiCall& call) {
  clockid_t clock;
  if (!host_clock(call.u32(0), &clock)) return Errno::kInval;
  struct timespec res;
  if (::clock_getres(clock, &res) != 0) return errno_from_host(errno);
  return call.memory.store<uint64_t>(call.u32(1), timespec_to_ns(res)) ? Errno::kSuccess
                                                                        : Errno::kFault;
}

Errno clock_time_get(WasiCall& call) {
  clockid_t clock;
  if (!host_clock(call.u32(0), &clock)) return Errno::kInval;
  struct timespec now;
  if (::clock_gettime(clock, &now) != 0) return errno_from_host(errno);
  return call.memory.store<uint64_t>(call.u32(2), timespec_to_ns(now)) ? Errno::kSuccess
                                                                        : Errno::kFault;
}

Errno random_get(WasiCall& call) {
  uint8_t* buf = call.memory.span(call.u32(0), call.u32(1));
  if (buf == nullptr) return Errno::kFault;
  for (size_t done = 0, len = call.u32(1); done < len;) {
    const ssize_t n = ::getrandom(buf + done, len - done, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno_from_host(errno);
    }
    done += static_cast<size_t>(n);
  }
  return Errno::kSuccess;
}

// ---- Process ----

Errno proc_exit(WasiCall& call) {
  const uint32_t status = call.u32(0);
  call.wasi.exit_program(status, call.exec);
  call.trap = Trap::kHostTrap;
  call.trap_message = "exit status " + std::to_string(status);
  return Errno::kSuccess;
}

namespace {

struct SignalDef {
  const char* name;
  int host;             ///< The host signal number, for the 128 + N exit status.
  bool terminates;      ///< Default action ends the process (else it is ignored).
};

/// preview1 signal numbers 1..30, in order.
constexpr SignalDef kSignals[] = {
    {"SIGHUP", SIGHUP, true},     {"SIGINT", SIGINT, true},       {"SIGQUIT", SIGQUIT, true},
    {"SIGILL", SIGILL, true},     {"SIGTRAP", SIGTRAP, true},     {"SIGABRT", SIGABRT, true},
    {"SIGBUS", SIGBUS, true},     {"SIGFPE", SIGFPE, true},       {"SIGKILL", SIGKILL, true},
    {"SIGUSR1", SIGUSR1, true},   {"SIGSEGV", SIGSEGV, true},     {"SIGUSR2", SIGUSR2, true},
    {"SIGPIPE", SIGPIPE, true},   {"SIGALRM", SIGALRM, true},     {"SIGTERM", SIGTERM, true},
    {"SIGCHLD", SIGCHLD, false},  {"SIGCONT", SIGCONT, false},    {"SIGSTOP", SIGSTOP, false},
    {"SIGTSTP", SIGTSTP, false},  {"SIGTTIN", SIGTTIN, false},    {"SIGTTOU", SIGTTOU, false},
    {"SIGURG", SIGURG, false},    {"SIGXCPU", SIGXCPU, true},     {"SIGXFSZ", SIGXFSZ, true},
    {"SIGVTALRM", SIGVTALRM, true}, {"SIGPROF", SIGPROF, true},   {"SIGWINCH", SIGWINCH, false},
    {"SIGPOLL", SIGPOLL, true},   {"SIGPWR", SIGPWR, true},       {"SIGSYS", SIGSYS, true},
};

}  // namespace

// The guest's signals are its own: raising one applies the signal's default action to the
// guest program (it ends with status 128 + N, as a shell reports a signal death, or nothing
// happens), never to the host process. Stop signals are ignored: there is no job control.
Errno proc_raise(WasiCall& call) {
  const uint32_t sig = call.u32(0);
  if (sig == 0) return Errno::kSuccess;
  if (sig > std::size(kSignals)) return Errno::kInval;
  const SignalDef& def = kSignals[sig - 1];
  if (!def.terminates) return Errno::kSuccess;
  call.wasi.exit_program(128 + static_cast<uint32_t>(def.host), call.exec);
  call.trap = Trap::kHostTrap;
  call.trap_message = std::string("terminated by ") + def.name;
  return Errno::kSuccess;
}

Errno sched_yield(WasiCall&) {
  ::sched_yield();
  return Errno::kSuccess;
}

}  // namespace wasmscope::internal::wasi
