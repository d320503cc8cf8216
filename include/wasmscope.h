/* wasmscope's own C API: what the standard WebAssembly C API (wasm.h) does not cover.
 *
 *  - Store configuration: bounds-check mode, proposals, call depth and value-stack limits,
 *    the tier (interpreter or compiled) and its optimization level, set on the wasm_config_t
 *    an engine is made from.
 *  - WASI preview1 (arguments, environment, preopened directories, stdio, exit status) and
 *    guest threads (wasi-threads), linked into an instance of a wasm.h store.
 *  - The diagnostics: thread handles of a store or of the running call, live stack capture,
 *    suspend/resume/terminate, thread dumps, the hang watchdog with a report callback,
 *    coredumps and the choice of the capture signal.
 *
 * Same conventions as wasm.h: {own} results are the caller's to delete, other pointers are
 * borrowed; nothing throws, aborts or longjmps out of these functions, and NULL arguments are
 * accepted everywhere (the function then fails or does nothing). A function that fails returns
 * NULL, -1 or false as it says, and wasmscope_last_error() tells why.
 *
 * Threads. Unlike wasm.h objects, a wasmscope_thread_t is meant for other threads: capture,
 * suspend, resume, terminate and dumps may be called from any thread while the guest runs
 * (never from a signal handler). A thread handle stays valid as long as its store lives.
 *
 * This header replaces include/wasmscope/capture.h, which now only includes it. */
#ifndef WASMSCOPE_H_
#define WASMSCOPE_H_

#include <stddef.h>
#include <stdint.h>

#include "wasm.h"
#include "wasmscope/export.h"

/* {own} marks ownership as in wasm.h, which undefines it at its end. */
#ifndef own
#define own
#define WASMSCOPE_H_UNDEF_OWN_
#endif

#ifdef __cplusplus
#define WASMSCOPE_NOEXCEPT noexcept
extern "C" {
#else
#define WASMSCOPE_NOEXCEPT
#endif

/* ---- Errors ------------------------------------------------------------------------------ */

/* Why the last wasmscope_* function that failed on the calling thread failed ("" if none
 * has). The text stays valid until the next failing call on this thread. */
WASMSCOPE_API const char* wasmscope_last_error(void) WASMSCOPE_NOEXCEPT;

/* ---- Store configuration ----------------------------------------------------------------- */

/* How linear-memory accesses are bounds-checked. */
typedef enum wasmscope_bounds {
  /* Reserve 8 GiB of address space per memory and trap on faults: in-bounds accesses cost
   * nothing. The default. */
  WASMSCOPE_BOUNDS_GUARD_PAGES = 0,
  /* Compare on every access: for hosts that cannot reserve address space. */
  WASMSCOPE_BOUNDS_EXPLICIT = 1
} wasmscope_bounds_t;

/* Proposals a module may use, one bit each (the MVP is always on). */
#define WASMSCOPE_FEATURE_SIGN_EXT (1u << 0)
#define WASMSCOPE_FEATURE_SAT_CONV (1u << 1) /* non-trapping float-to-int conversions */
#define WASMSCOPE_FEATURE_MULTI_VALUE (1u << 2)
#define WASMSCOPE_FEATURE_BULK_MEMORY (1u << 3)
#define WASMSCOPE_FEATURE_REF_TYPES (1u << 4)
#define WASMSCOPE_FEATURE_SIMD (1u << 5)
#define WASMSCOPE_FEATURE_THREADS (1u << 6)
#define WASMSCOPE_FEATURE_TAIL_CALL (1u << 7)
#define WASMSCOPE_FEATURE_EXTENDED_CONST (1u << 8) /* i32/i64 add, sub, mul in constants */
#define WASMSCOPE_FEATURE_RELAXED_SIMD (1u << 9) /* deterministic choices, docs */
#define WASMSCOPE_FEATURE_MULTI_MEMORY (1u << 10)
#define WASMSCOPE_FEATURE_MEMORY64 (1u << 11) /* i64 addresses; at most 4 GiB - 64 KiB used */
#define WASMSCOPE_FEATURE_EXCEPTIONS (1u << 12) /* tags, try_table, throw; legacy try */
#define WASMSCOPE_FEATURES_ALL 0x1fffu /* the default: everything wasmscope implements */

/* The settings below apply to the engines made from {config} with
 * wasm_engine_new_with_config, their stores and the modules compiled in them. A module is
 * instantiated only in stores of the same bounds mode. Each returns false (and changes
 * nothing) for a NULL config or a value out of range. */
WASMSCOPE_API bool wasmscope_config_set_bounds(wasm_config_t* config,
                                               wasmscope_bounds_t bounds) WASMSCOPE_NOEXCEPT;
/* {features}: WASMSCOPE_FEATURE_* bits; unknown bits are refused. */
WASMSCOPE_API bool wasmscope_config_set_features(wasm_config_t* config,
                                                 uint32_t features) WASMSCOPE_NOEXCEPT;
/* Guest frames a call may nest before it traps with "call stack exhausted" (>= 1; default
 * 65536). */
WASMSCOPE_API bool wasmscope_config_set_max_call_depth(wasm_config_t* config,
                                                       uint32_t frames) WASMSCOPE_NOEXCEPT;
/* Operand and local storage of each thread, in bytes (>= 64 KiB; default 8 MiB). */
WASMSCOPE_API bool wasmscope_config_set_value_stack_bytes(wasm_config_t* config,
                                                          uint32_t bytes) WASMSCOPE_NOEXCEPT;

/* Limits on what guests take in the stores made with {config} (0, the default: none beyond
 * the spec's). A module whose declared minimum passes a limit fails to instantiate (NULL, the
 * reason in wasmscope_last_error()); memory.grow and table.grow past one return -1 to the
 * guest, as at a declared maximum. Memories count in 64 KiB pages ({bytes} rounded down; a
 * limit below one page allows none); wasi-threads' instances count among the instances. */
WASMSCOPE_API bool wasmscope_config_set_max_memory_bytes(wasm_config_t* config,
                                                         uint64_t bytes) WASMSCOPE_NOEXCEPT;
WASMSCOPE_API bool wasmscope_config_set_max_table_elements(wasm_config_t* config,
                                                           uint64_t elements) WASMSCOPE_NOEXCEPT;
WASMSCOPE_API bool wasmscope_config_set_max_instances(wasm_config_t* config,
                                                      uint32_t instances) WASMSCOPE_NOEXCEPT;

/* Which engine runs the modules made with a config: the interpreter (the default), or native
 * code compiled through LLVM when the module is made (docs/compiled-tier.md). Modules of
 * either tier instantiate in any store of the same bounds mode and link to each other
 * freely. Compiled modules serialize (wasm_module_serialize) with
 * their native code, as a .cwasm file; wasm_module_deserialize then links that code without
 * compiling, after checking that this very build of wasmscope made it for this CPU (NULL
 * otherwise, with the reason in wasmscope_last_error()). Mapping native code is running it:
 * deserialize only bytes you trust like an executable. */
typedef enum wasmscope_tier {
  WASMSCOPE_TIER_INTERPRETER = 0,
  WASMSCOPE_TIER_COMPILED = 1
} wasmscope_tier_t;

/* False also for WASMSCOPE_TIER_COMPILED in a build without the compiled tier. */
WASMSCOPE_API bool wasmscope_config_set_tier(wasm_config_t* config,
                                             wasmscope_tier_t tier) WASMSCOPE_NOEXCEPT;
/* The compiled tier's optimization level: 0 none, 1 light (fast to compile), 2 LLVM's -O2 (the
   default) and 3 its -O3. */
WASMSCOPE_API bool wasmscope_config_set_opt_level(wasm_config_t* config,
                                                  uint32_t level) WASMSCOPE_NOEXCEPT;

/* Chooses the real-time signal the runtime sends guest threads (to capture a running thread,
 * to wake a blocked call on terminate); the default is SIGRTMIN + 4. Returns 0, or -1 when
 * {signo} is outside [SIGRTMIN, SIGRTMAX] or another signal is already in use (the runtime
 * installs its handler at the first capture or terminate). Process-wide. */
WASMSCOPE_API int wasmscope_set_capture_signal(int signo) WASMSCOPE_NOEXCEPT;

/* ---- WASI -------------------------------------------------------------------------------- */

/* What a WASI program is started with. Built by the host, then used by wasmscope_wasi_new
 * (which copies it). */
typedef struct wasmscope_wasi_config wasmscope_wasi_config_t;

WASMSCOPE_API own wasmscope_wasi_config_t* wasmscope_wasi_config_new(void) WASMSCOPE_NOEXCEPT;
WASMSCOPE_API void wasmscope_wasi_config_delete(own wasmscope_wasi_config_t* config)
    WASMSCOPE_NOEXCEPT;
/* The program's argv, program name first (default: none). Replaces earlier arguments. */
WASMSCOPE_API bool wasmscope_wasi_config_set_args(wasmscope_wasi_config_t* config, size_t argc,
                                                  const char* const argv[]) WASMSCOPE_NOEXCEPT;
/* Adds NAME=VALUE to the environment (default: empty). {name} must be non-empty and hold
 * no '='. */
WASMSCOPE_API bool wasmscope_wasi_config_add_env(wasmscope_wasi_config_t* config,
                                                 const char* name,
                                                 const char* value) WASMSCOPE_NOEXCEPT;
/* Lets the guest use host directory {host_path} under the name {guest_path}: preopened
 * directories become fds 3, 4, ... in the order they are added. Nothing outside the directory
 * is reachable (no "..", no absolute path, no symlink leads out). */
WASMSCOPE_API bool wasmscope_wasi_config_preopen_dir(wasmscope_wasi_config_t* config,
                                                     const char* host_path,
                                                     const char* guest_path) WASMSCOPE_NOEXCEPT;
/* The same from "HOST::GUEST", or "DIR" for DIR under its own name, as `wasmscope run --dir`
 * takes it. */
WASMSCOPE_API bool wasmscope_wasi_config_preopen(wasmscope_wasi_config_t* config,
                                                 const char* spec) WASMSCOPE_NOEXCEPT;
/* The host fds behind the guest's fds 0, 1 and 2 (default: the host's own 0, 1 and 2, i.e.
 * inherited stdio). They are not closed by wasmscope: the host owns them and keeps them open
 * while the program may run. A negative fd keeps the current choice. */
WASMSCOPE_API bool wasmscope_wasi_config_set_stdio(wasmscope_wasi_config_t* config,
                                                   int stdin_fd, int stdout_fd,
                                                   int stderr_fd) WASMSCOPE_NOEXCEPT;
WASMSCOPE_API bool wasmscope_wasi_config_inherit_stdio(wasmscope_wasi_config_t* config)
    WASMSCOPE_NOEXCEPT;
/* Live wasi-threads threads at most (default 1024); past it, thread-spawn returns an error
 * to the guest. */
WASMSCOPE_API bool wasmscope_wasi_config_set_max_threads(wasmscope_wasi_config_t* config,
                                                         uint32_t max_threads) WASMSCOPE_NOEXCEPT;

/* One WASI program's state in a store: its fd table, arguments and exit status. It belongs to
 * the store: valid until the store dies, then gone with it (never deleted by the host). */
typedef struct wasmscope_wasi wasmscope_wasi_t;

/* A WASI program for {store} started with {config} (copied). Returns NULL when a preopened
 * directory cannot be opened. */
WASMSCOPE_API wasmscope_wasi_t* wasmscope_wasi_new(wasm_store_t* store,
                                                   const wasmscope_wasi_config_t* config)
    WASMSCOPE_NOEXCEPT;

/* Instantiates {module} in the WASI program's store. {imports} is as for wasm_instance_new (one
 * extern per module import, in order) except that entries for what WASI provides may be NULL,
 * as may {imports} itself: the "wasi_snapshot_preview1" (and "wasi_unstable") functions,
 * wasi-threads' "wasi" "thread-spawn", and a shared "env" "memory" the program's threads
 * share. Guest threads: a module exporting wasi_thread_start and using a shared memory may
 * start threads, each a new instance of the module on a thread of its own; they appear in
 * wasmscope_store_threads. Returns NULL with a trap in {trap} (may be NULL) when an import is
 * missing or of the wrong type, or when instantiation traps. */
WASMSCOPE_API own wasm_instance_t* wasmscope_wasi_instantiate(wasmscope_wasi_t* wasi,
                                                              const wasm_module_t* module,
                                                              const wasm_extern_vec_t* imports,
                                                              own wasm_trap_t** trap)
    WASMSCOPE_NOEXCEPT;

/* Runs a WASI command: calls {instance}'s "_start" and returns the program's exit status once
 * it has ended: 0 when _start returned, N when a thread called proc_exit(N). Whichever thread
 * ends the program first decides; the others are stopped (terminated) and waited for, up to
 * 2 s. When a thread traps, returns -1 with the trap, and its stack, in {trap} (may be NULL).
 * Also -1 (with a trap saying so) when the instance has no "_start" taking and returning
 * nothing. Call it on the thread that owns the store. */
WASMSCOPE_API int wasmscope_wasi_run(wasmscope_wasi_t* wasi, const wasm_instance_t* instance,
                                     own wasm_trap_t** trap) WASMSCOPE_NOEXCEPT;

/* The status the program passed to proc_exit: true with it in {status} once a thread has
 * called it. A proc_exit inside a wasm_func_call makes that call return a trap whose message
 * is "exit status N"; this tells that trap from the others. */
WASMSCOPE_API bool wasmscope_wasi_exit_status(const wasmscope_wasi_t* wasi,
                                              uint32_t* status) WASMSCOPE_NOEXCEPT;

/* ---- Instances ---------------------------------------------------------------------------- */

/* The export of {instance} named {name} (NUL-terminated), or NULL when there is none: what
 * wasm.h leaves to matching wasm_module_exports against wasm_instance_exports. */
WASMSCOPE_API own wasm_extern_t* wasmscope_instance_export(const wasm_instance_t* instance,
                                                           const char* name) WASMSCOPE_NOEXCEPT;

/* ---- Threads ----------------------------------------------------------------------------- */

/* A thread context of a store: the thread of a call into the guest. */
typedef struct wasmscope_thread wasmscope_thread_t;

typedef enum wasmscope_thread_state {
  WASMSCOPE_THREAD_IDLE = 0,         /* in no call */
  WASMSCOPE_THREAD_RUNNING_WASM = 1, /* running guest code */
  WASMSCOPE_THREAD_IN_HOST = 2,      /* inside a host function (e.g. a blocking WASI call) */
  WASMSCOPE_THREAD_PARKED = 3,       /* parked by a suspend */
  WASMSCOPE_THREAD_EXITED = 4,       /* a guest thread that has ended */
  WASMSCOPE_THREAD_WAITING = 5       /* in memory.atomic.wait */
} wasmscope_thread_state_t;

/* The store's main thread: what calls run on when no other thread is inside the store (a
 * single-threaded host's calls always do). NULL for a NULL store. */
WASMSCOPE_API wasmscope_thread_t* wasmscope_store_main_thread(wasm_store_t* store)
    WASMSCOPE_NOEXCEPT;
/* The thread the calling thread runs guest code on right now: inside a host function called
 * by the guest, the caller's thread. NULL outside any call. */
WASMSCOPE_API wasmscope_thread_t* wasmscope_current_thread(void) WASMSCOPE_NOEXCEPT;
/* Writes up to {max} of the store's live threads into {threads}, main first, then guest
 * threads started by wasi-threads and contexts made for other host threads that called in.
 * Returns how many there are (which may be more than {max}). */
WASMSCOPE_API size_t wasmscope_store_threads(wasm_store_t* store, wasmscope_thread_t** threads,
                                             size_t max) WASMSCOPE_NOEXCEPT;
/* Writes the thread's name ("main", "thread N" for wasi-threads thread N, "host N") into
 * {buffer} (NUL-terminated, truncated to {size}). Returns the full length, excluding the NUL;
 * 0 when {thread} is not a live thread of {store}. */
WASMSCOPE_API size_t wasmscope_thread_name(wasm_store_t* store, wasmscope_thread_t* thread,
                                           char* buffer, size_t size) WASMSCOPE_NOEXCEPT;
/* A number unique to the thread in the process (0 for NULL). */
WASMSCOPE_API uint32_t wasmscope_thread_id(wasmscope_thread_t* thread) WASMSCOPE_NOEXCEPT;
/* A thread is RUNNING_WASM from the start of its call, a moment before its first guest frame
 * exists: a capture then may find no frames yet. */
WASMSCOPE_API wasmscope_thread_state_t wasmscope_thread_state(wasmscope_thread_t* thread)
    WASMSCOPE_NOEXCEPT;
/* "idle", "running", "in_host", "parked", "exited", "waiting" (as dumps show them); "unknown"
 * for any other value. */
WASMSCOPE_API const char* wasmscope_thread_state_name(wasmscope_thread_state_t state)
    WASMSCOPE_NOEXCEPT;

/* ---- Capture ----------------------------------------------------------------------------- */

/* One captured frame: positions only; wasmscope_frame_name() names it. */
typedef struct wasmscope_frame {
  uint32_t instance_id; /* unique per instance in the process; 0 for host functions */
  uint32_t func_index;  /* in the instance's function index space */
  uint32_t code_offset; /* of the current instruction, from the function body's start */
  const void* function; /* opaque, for wasmscope_frame_name() */
  const void* position; /* opaque, for wasmscope_frame_name() */
} wasmscope_frame_t;

typedef enum wasmscope_capture_method {
  WASMSCOPE_CAPTURE_IDLE = 0,      /* the thread was not in a call: no frames */
  WASMSCOPE_CAPTURE_IN_HOST = 1,   /* read directly: inside a host call or an atomic wait */
  WASMSCOPE_CAPTURE_PARKED = 2,    /* read directly: the thread was parked by a suspend */
  WASMSCOPE_CAPTURE_SIGNAL = 3,    /* the thread copied its frames in the signal handler */
  WASMSCOPE_CAPTURE_SAFEPOINT = 4  /* the thread copied its frames at a safepoint */
} wasmscope_capture_method_t;

/* "idle", "in_host", "parked", "signal", "safepoint"; "unknown" for any other value. */
WASMSCOPE_API const char* wasmscope_capture_method_name(wasmscope_capture_method_t method)
    WASMSCOPE_NOEXCEPT;

typedef struct wasmscope_capture_info {
  wasmscope_capture_method_t method;
  uint32_t depth;     /* guest frames the thread had */
  int truncated;      /* nonzero: fewer frames written than depth - skip */
} wasmscope_capture_info_t;

/* Copies the guest call stack of {thread} into {frames} (room for {max}), innermost first,
 * leaving out the {skip} innermost frames, without stopping the thread for longer than the
 * copy: whether it runs guest code, loops forever, waits, or blocks in a host call. Waits at
 * most {timeout_ms} for a running thread to answer. Returns the number of frames written, or
 * -1 with a message in {error} (at most {error_size} bytes, NUL-terminated; may be NULL) and
 * in wasmscope_last_error(). {info} may be NULL. */
WASMSCOPE_API int32_t wasmscope_copy_callstack(wasmscope_thread_t* thread,
                                               wasmscope_frame_t* frames, uint32_t max,
                                               uint32_t skip, uint32_t timeout_ms,
                                               wasmscope_capture_info_t* info, char* error,
                                               size_t error_size) WASMSCOPE_NOEXCEPT;

/* Writes "module!function+0xoffset" for {frame} into {buffer} (NUL-terminated, truncated to
 * {size}). Returns the full length the name needs, excluding the NUL. */
WASMSCOPE_API size_t wasmscope_frame_name(const wasmscope_frame_t* frame, char* buffer,
                                          size_t size) WASMSCOPE_NOEXCEPT;

/* ---- Thread control ---------------------------------------------------------------------- */

/* Suspends {thread}: returns 0 once it is parked at a safepoint or held in a host call, -1 if
 * it did not get there within {timeout_ms} (then nothing changed). */
WASMSCOPE_API int wasmscope_thread_suspend(wasmscope_thread_t* thread,
                                           uint32_t timeout_ms) WASMSCOPE_NOEXCEPT;
/* Lets a suspended thread continue. */
WASMSCOPE_API void wasmscope_thread_resume(wasmscope_thread_t* thread) WASMSCOPE_NOEXCEPT;
/* Makes the thread trap with "interrupted" at its next safepoint, waking a blocking host call. */
WASMSCOPE_API void wasmscope_thread_terminate(wasmscope_thread_t* thread) WASMSCOPE_NOEXCEPT;

/* Stops the whole program of {store} for a consistent snapshot: returns 0 once every live
 * thread is suspended, all within {timeout_ms}; threads that start meanwhile start suspended.
 * Returns -1 if one did not stop in time (then the threads this call suspended are resumed). */
WASMSCOPE_API int wasmscope_store_suspend_all(wasm_store_t* store,
                                              uint32_t timeout_ms) WASMSCOPE_NOEXCEPT;
/* Lets every thread of {store} continue, and threads that start from now on run. */
WASMSCOPE_API void wasmscope_store_resume_all(wasm_store_t* store) WASMSCOPE_NOEXCEPT;

/* ---- Thread dumps ------------------------------------------------------------------------ */

/* Writes a thread dump of {thread} into {buffer}: the thread, shown as {name} (NULL: "main"),
 * with its state, time in that state and stack with file:line where the module has DWARF line
 * info, as text (json == 0) or one JSON line; the formats of docs/reports.md, the same as the
 * C++ wasmscope::thread_dump(). Waits at most {timeout_ms} for a running thread's stack.
 * NUL-terminated, truncated to {size}. Returns the full length the dump needs, excluding the
 * NUL (0 for a NULL thread). */
WASMSCOPE_API size_t wasmscope_thread_dump(wasmscope_thread_t* thread, const char* name, int json,
                                           uint32_t timeout_ms, char* buffer,
                                           size_t size) WASMSCOPE_NOEXCEPT;
/* The same for every live thread of {store}, each under its wasmscope_thread_name, as
 * SIGQUIT and `wasmscope stack PID` print them. */
WASMSCOPE_API size_t wasmscope_store_thread_dump(wasm_store_t* store, int json,
                                                 uint32_t timeout_ms, char* buffer,
                                                 size_t size) WASMSCOPE_NOEXCEPT;

/* ---- The hang watchdog ------------------------------------------------------------------- */

typedef enum wasmscope_hang_policy {
  /* Report; report again at 2x, 4x, 8x... the deadline, saying whether the stack moved. */
  WASMSCOPE_HANG_REPORT = 0,
  /* Report, then make the call trap with "interrupted" (wasmscope_thread_terminate). */
  WASMSCOPE_HANG_INTERRUPT = 1,
  /* Report, then abort the process. */
  WASMSCOPE_HANG_ABORT = 2
} wasmscope_hang_policy_t;

/* Receives one report ({report}: {size} bytes, NUL-terminated) on the watchdog's thread. */
typedef void (*wasmscope_report_callback_t)(void* env, const char* report, size_t size);

typedef struct wasmscope_watchdog_options {
  /* How long one call into the guest (from entry until it returns, blocking host calls
   * included) may run before it is reported; at least 1 ms. */
  uint32_t deadline_ms;
  wasmscope_hang_policy_t policy;
  int json; /* nonzero: JSON lines (docs/reports.md) instead of text */
  /* Nonzero: also report a deadlock, when every live thread has waited in
   * memory.atomic.wait with no timeout for this long. */
  uint32_t deadlock_grace_ms;
  wasmscope_report_callback_t on_report; /* NULL: reports go to stderr */
  void* env;                             /* passed to {on_report} */
} wasmscope_watchdog_options_t;

/* Watches every thread of a store, from a thread of its own, from creation to deletion. */
typedef struct wasmscope_watchdog wasmscope_watchdog_t;

/* A watchdog for every live thread of {store} (threads started later included). Keeps the
 * store alive until it is deleted. NULL for NULL arguments or when no thread can start. */
WASMSCOPE_API own wasmscope_watchdog_t* wasmscope_watchdog_new(
    wasm_store_t* store, const wasmscope_watchdog_options_t* options) WASMSCOPE_NOEXCEPT;
/* Stops the watchdog and waits for its thread (and a callback it is running) to end. */
WASMSCOPE_API void wasmscope_watchdog_delete(own wasmscope_watchdog_t* watchdog)
    WASMSCOPE_NOEXCEPT;
/* Hang reports written so far: counted once a report has been handed to {on_report} (or
 * written to stderr), before the policy's interrupt or abort. */
WASMSCOPE_API uint32_t wasmscope_watchdog_reports(const wasmscope_watchdog_t* watchdog)
    WASMSCOPE_NOEXCEPT;
/* Deadlock reports written so far. */
WASMSCOPE_API uint32_t wasmscope_watchdog_deadlock_reports(const wasmscope_watchdog_t* watchdog)
    WASMSCOPE_NOEXCEPT;

/* ---- The sampling profiler -------------------------------------------------------------- */

typedef enum wasmscope_profile_clock {
  /* Each thread's CPU time: where the program computes; blocked threads get no samples. */
  WASMSCOPE_PROFILE_CPU = 0,
  /* Elapsed time: blocked threads too, attributed to their host call or wait. */
  WASMSCOPE_PROFILE_WALL = 1
} wasmscope_profile_clock_t;

/* Samples every live thread of a store (threads started later included) from a signal
 * handler, wherever it is, as `wasmscope profile` does (docs/profiling.md). */
typedef struct wasmscope_profiler wasmscope_profiler_t;

/* A profiler for {store} at {hz} samples per second of each thread's clock (1 to 10000),
 * stopped. Keeps the store alive until it is deleted. NULL for bad arguments. */
WASMSCOPE_API own wasmscope_profiler_t* wasmscope_profiler_new(
    wasm_store_t* store, uint32_t hz, wasmscope_profile_clock_t clock) WASMSCOPE_NOEXCEPT;
/* Stops it if it runs. */
WASMSCOPE_API void wasmscope_profiler_delete(own wasmscope_profiler_t* profiler)
    WASMSCOPE_NOEXCEPT;
/* Starts sampling (a new profile). Returns 0, or -1 if it cannot. */
WASMSCOPE_API int wasmscope_profiler_start(wasmscope_profiler_t* profiler) WASMSCOPE_NOEXCEPT;
/* Stops sampling and keeps the profile for wasmscope_profiler_write. Returns 0, or -1 when
 * it was not running. */
WASMSCOPE_API int wasmscope_profiler_stop(wasmscope_profiler_t* profiler) WASMSCOPE_NOEXCEPT;
/* Writes the last stopped profile to {path} in the format its name asks for (".folded",
 * ".speedscope.json", ".pb.gz", ".svg"); the file is replaced only once complete. Returns 0,
 * or -1 (no profile yet, an unknown extension, the file cannot be written). */
WASMSCOPE_API int wasmscope_profiler_write(const wasmscope_profiler_t* profiler,
                                           const char* path) WASMSCOPE_NOEXCEPT;
/* Samples in the last stopped profile, and samples lost (reported in every format too). */
WASMSCOPE_API uint64_t wasmscope_profiler_samples(const wasmscope_profiler_t* profiler)
    WASMSCOPE_NOEXCEPT;
WASMSCOPE_API uint64_t wasmscope_profiler_lost(const wasmscope_profiler_t* profiler)
    WASMSCOPE_NOEXCEPT;

/* ---- Exceptions across the host boundary (exception handling) ---------------------------- */

/* A trap that carries a new guest exception of {tag} (an extern of kind WASMSCOPE_EXTERN_TAG)
 * with {payload} (the tag's types, in order). Returned by a host function's callback, it
 * throws the exception into the guest from the call of that function, where a `catch` of the
 * tag or a catch_all may catch it; its message is "uncaught exception". Not a tag, or a
 * payload whose count or types do not match the tag's: a plain trap saying so instead, which
 * traps the call. The trap wasm_func_call returns for an exception no guest frame caught
 * carries that exception: a callback that returns it throws it on. */
WASMSCOPE_API own wasm_trap_t* wasmscope_trap_new_exception(wasm_store_t* store,
                                                           const wasm_extern_t* tag,
                                                           const wasm_val_vec_t* payload)
    WASMSCOPE_NOEXCEPT;
/* Whether {trap} carries a guest exception (above). If so, and they are not NULL, {tag_out}
 * receives its tag (a new extern, as wasm_instance_exports gives them) and {payload_out} its
 * payload (a new vector; empty if a value is a v128, which has no C form); else both are set
 * empty. */
WASMSCOPE_API bool wasmscope_trap_exception(const wasm_trap_t* trap, own wasm_extern_t** tag_out,
                                            own wasm_val_vec_t* payload_out) WASMSCOPE_NOEXCEPT;

/* ---- Coredumps --------------------------------------------------------------------------- */

/* Writes a WebAssembly coredump (tool-conventions Coredump.md, readable by
 * `wasmscope coredump` and wasmgdb) of the running program of {store} to {path}: suspends every
 * thread for the time of the copy (all within {timeout_ms}), writes one stack per thread with
 * their locals, the memories and globals of {instance} (may be NULL) and of every instance a
 * frame runs in, and resumes them. Returns 0, or -1 (a thread did not stop in time, the file
 * cannot be written). */
WASMSCOPE_API int wasmscope_store_coredump(wasm_store_t* store, const wasm_instance_t* instance,
                                           const char* path,
                                           uint32_t timeout_ms) WASMSCOPE_NOEXCEPT;
/* Writes a coredump of {trap}: its frames (without locals: the trapped call's values are
 * gone) and the memories and globals of the instances they ran in, as they are now. Returns
 * 0, or -1 (no frames to dump, the file cannot be written). */
WASMSCOPE_API int wasmscope_trap_coredump(const wasm_trap_t* trap,
                                          const char* path) WASMSCOPE_NOEXCEPT;

#ifdef __cplusplus
} /* extern "C" */
#endif

#ifdef WASMSCOPE_H_UNDEF_OWN_
#undef own
#undef WASMSCOPE_H_UNDEF_OWN_
#endif

#endif /* WASMSCOPE_H_ */
