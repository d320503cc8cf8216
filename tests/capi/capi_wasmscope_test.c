/* include/wasmscope.h from C: store configuration, WASI (arguments, environment, a preopened
 * directory, redirected stdout, the exit status, a trapping program), thread handles, capture,
 * suspend/resume/terminate, thread dumps, the watchdog with a report callback, coredumps and
 * the capture signal; with NULL and invalid arguments for each. The guests are wat/wasi.wat and
 * wat/spin.wat. */
#define _POSIX_C_SOURCE 200809L

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "wasmscope.h"

extern const unsigned char wasi_wasm[];
extern const size_t wasi_wasm_size;
extern const unsigned char spin_wasm[];
extern const size_t spin_wasm_size;
extern const unsigned char threaded_wasm[];
extern const size_t threaded_wasm_size;
extern const unsigned char simd_wasm[];
extern const size_t simd_wasm_size;

static void sleep_ms(long ms) {
  struct timespec t;
  t.tv_sec = ms / 1000;
  t.tv_nsec = (ms % 1000) * 1000000L;
  nanosleep(&t, NULL);
}

static int contains(const char* text, const char* part) { return strstr(text, part) != NULL; }

/* Whether the {size} bytes at {data} hold the characters of {part}. */
static int has_bytes(const char* data, size_t size, const char* part) {
  const size_t n = strlen(part);
  size_t i;
  for (i = 0; i + n <= size; ++i) {
    if (memcmp(data + i, part, n) == 0) return 1;
  }
  return 0;
}

/* Reads the whole file at {path} into {out} (NUL-terminated); its length, or -1. */
static long read_file(const char* path, char* out, size_t size) {
  FILE* f = fopen(path, "rb");
  size_t n;
  if (f == NULL) return -1;
  n = fread(out, 1, size - 1, f);
  out[n] = '\0';
  fclose(f);
  return (long)n;
}

static wasm_func_t* export_func(const wasm_extern_vec_t* exports, size_t i) {
  return i < exports->size ? wasm_extern_as_func(exports->data[i]) : NULL;
}

/* ---- Configuration ---- */

static void test_config(void) {
  wasm_config_t* config = wasm_config_new();
  wasm_engine_t* engine;
  wasm_store_t* store;
  wasm_byte_vec_t simd;
  wasm_module_t* module;

  CHECK(!wasmscope_config_set_bounds(NULL, WASMSCOPE_BOUNDS_EXPLICIT));
  CHECK(strlen(wasmscope_last_error()) > 0);
  CHECK(!wasmscope_config_set_bounds(config, (wasmscope_bounds_t)7));
  CHECK(!wasmscope_config_set_features(config, 1u << 13));
  CHECK(contains(wasmscope_last_error(), "feature"));
  CHECK(!wasmscope_config_set_max_call_depth(config, 0));
  CHECK(!wasmscope_config_set_value_stack_bytes(config, 1024));
  CHECK(wasmscope_config_set_bounds(config, WASMSCOPE_BOUNDS_EXPLICIT));
  CHECK(wasmscope_config_set_features(config, WASMSCOPE_FEATURES_ALL & ~WASMSCOPE_FEATURE_SIMD));
  CHECK(wasmscope_config_set_max_call_depth(config, 100));
  CHECK(wasmscope_config_set_value_stack_bytes(config, 1u << 20));
  engine = wasm_engine_new_with_config(config); /* takes the config */
  store = wasm_store_new(engine);

  /* Without SIMD, a SIMD module is invalid; with the defaults it is fine. */
  bytes_of(&simd, simd_wasm, simd_wasm_size);
  CHECK(!wasm_module_validate(store, &simd));
  module = load_module(store, spin_wasm, spin_wasm_size);
  CHECK(module != NULL);
  wasm_store_delete(store);
  wasm_engine_delete(engine);

  /* The defaults: SIMD is valid; a module compiled for explicit bounds checks is refused by a
   * store with guard pages. */
  engine = wasm_engine_new();
  store = wasm_store_new(engine);
  CHECK(wasm_module_validate(store, &simd));
  wasm_byte_vec_delete(&simd);
  if (module != NULL) {
    wasm_trap_t* trap = NULL;
    CHECK(wasm_instance_new(store, module, NULL, &trap) == NULL);
    CHECK(trap_mentions(trap, "another engine configuration"));
    wasm_trap_delete(trap);
    wasm_module_delete(module);
  }
  wasm_store_delete(store);
  wasm_engine_delete(engine);
}

/* ---- WASI ---- */

static int32_t noted_argc = -1;

static wasm_trap_t* note_callback(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)results;
  noted_argc = args->data[0].of.i32;
  /* Inside a call from the guest: the calling thread is the store's main thread, in a host
   * function. */
  CHECK(wasmscope_current_thread() != NULL);
  CHECK(wasmscope_thread_state(wasmscope_current_thread()) == WASMSCOPE_THREAD_IN_HOST);
  return NULL;
}

static void test_wasi(void) {
  char dir[] = "/tmp/wasmscope-capi-XXXXXX";
  char path[256], spec[300], text[256];
  const char* argv[] = {"guest", "one", "two"};
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, wasi_wasm, wasi_wasm_size);
  wasmscope_wasi_config_t* config = wasmscope_wasi_config_new();
  wasmscope_wasi_t* wasi;
  wasm_functype_t* note_type = wasm_functype_new_1_0(wasm_valtype_new_i32());
  wasm_func_t* note = wasm_func_new(store, note_type, note_callback);
  wasm_extern_t* imports_data[7] = {NULL, NULL, NULL, NULL, NULL, NULL, NULL};
  wasm_extern_vec_t imports;
  wasm_instance_t* instance;
  wasm_trap_t* trap = NULL;
  uint32_t status = 0;
  int out_fd;
  int code;

  CHECK(module != NULL && config != NULL && note != NULL);
  CHECK(mkdtemp(dir) != NULL);
  snprintf(path, sizeof path, "%s/stdout.txt", dir);
  out_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  CHECK(out_fd >= 0);

  /* Bad input. */
  CHECK(!wasmscope_wasi_config_set_args(NULL, 0, NULL));
  CHECK(!wasmscope_wasi_config_set_args(config, 2, NULL));
  CHECK(!wasmscope_wasi_config_add_env(config, "A=B", "c"));
  CHECK(!wasmscope_wasi_config_add_env(config, "", "c"));
  CHECK(!wasmscope_wasi_config_preopen(config, "::guest"));
  CHECK(!wasmscope_wasi_config_preopen(config, NULL));
  CHECK(!wasmscope_wasi_config_preopen_dir(config, dir, ""));
  CHECK(wasmscope_wasi_new(NULL, config) == NULL);
  CHECK(wasmscope_wasi_new(store, NULL) == NULL);
  CHECK(wasmscope_wasi_instantiate(NULL, module, NULL, NULL) == NULL);
  CHECK(wasmscope_wasi_run(NULL, NULL, NULL) == -1);
  CHECK(!wasmscope_wasi_exit_status(NULL, &status));
  wasmscope_wasi_config_delete(NULL);
  {
    /* A preopened directory that does not exist: refused, naming it. */
    wasmscope_wasi_config_t* missing = wasmscope_wasi_config_new();
    CHECK(wasmscope_wasi_config_preopen(missing, "/nonexistent/wasmscope-dir::/x"));
    CHECK(wasmscope_wasi_new(store, missing) == NULL);
    CHECK(contains(wasmscope_last_error(), "/nonexistent/wasmscope-dir"));
    wasmscope_wasi_config_delete(missing);
  }

  CHECK(wasmscope_wasi_config_set_args(config, 3, argv));
  CHECK(wasmscope_wasi_config_add_env(config, "COLOUR", "blue"));
  CHECK(wasmscope_wasi_config_add_env(config, "EMPTY", NULL));
  snprintf(spec, sizeof spec, "%s::/sandbox", dir);
  CHECK(wasmscope_wasi_config_preopen(config, spec));
  CHECK(wasmscope_wasi_config_set_stdio(config, -1, out_fd, -1));
  CHECK(wasmscope_wasi_config_set_max_threads(config, 4));
  wasi = wasmscope_wasi_new(store, config);
  wasmscope_wasi_config_delete(config); /* copied */
  CHECK(wasi != NULL);

  /* Without the host's own import: unlinkable, naming it. */
  CHECK(wasmscope_wasi_instantiate(wasi, module, NULL, &trap) == NULL);
  CHECK(trap_mentions(trap, "\"host\" \"note\""));
  wasm_trap_delete(trap);
  trap = NULL;

  /* WASI imports NULL, the host's own given in its place (import 6). */
  imports_data[6] = wasm_func_as_extern(note);
  imports.size = 7;
  imports.data = imports_data;
  instance = wasmscope_wasi_instantiate(wasi, module, &imports, &trap);
  CHECK(instance != NULL && trap == NULL);
  if (instance != NULL) {
    code = wasmscope_wasi_run(wasi, instance, &trap);
    CHECK(code == 32); /* 3 arguments, 2 variables */
    CHECK(trap == NULL);
    CHECK(noted_argc == 3);
    CHECK(wasmscope_wasi_exit_status(wasi, &status) && status == 32);
    CHECK(read_file(path, text, sizeof text) >= 0 && strcmp(text, "hello from wasi\n") == 0);
    snprintf(path, sizeof path, "%s/out.txt", dir);
    CHECK(read_file(path, text, sizeof text) >= 0 && strcmp(text, "hello from wasi\n") == 0);
    unlink(path);
    wasm_instance_delete(instance);
  }
  close(out_fd);
  snprintf(path, sizeof path, "%s/stdout.txt", dir);
  unlink(path);

  /* A second program in the same store, with no arguments: _start traps. */
  {
    wasmscope_wasi_config_t* bare = wasmscope_wasi_config_new();
    wasmscope_wasi_t* failing;
    wasm_frame_vec_t trace;
    CHECK(wasmscope_wasi_config_inherit_stdio(bare));
    failing = wasmscope_wasi_new(store, bare);
    wasmscope_wasi_config_delete(bare);
    instance = wasmscope_wasi_instantiate(failing, module, &imports, NULL);
    CHECK(instance != NULL);
    CHECK(wasmscope_wasi_run(failing, instance, &trap) == -1);
    CHECK(trap_mentions(trap, "unreachable"));
    CHECK(!wasmscope_wasi_exit_status(failing, &status));
    wasm_trap_trace(trap, &trace);
    CHECK(trace.size == 2); /* $fail, _start */
    wasm_frame_vec_delete(&trace);
    /* Its coredump: a wasm module with the core custom sections. */
    snprintf(path, sizeof path, "%s/trap.core", dir);
    CHECK(wasmscope_trap_coredump(trap, path) == 0);
    {
      char core[4096];
      const long n = read_file(path, core, sizeof core);
      CHECK(n > 8 && memcmp(core, "\0asm", 4) == 0);
    }
    unlink(path);
    CHECK(wasmscope_trap_coredump(trap, "/nonexistent/dir/trap.core") == -1);
    CHECK(contains(wasmscope_last_error(), "/nonexistent/dir/trap.core"));
    CHECK(wasmscope_trap_coredump(NULL, path) == -1);
    wasm_trap_delete(trap);
    trap = NULL;
    /* A program without _start. */
    CHECK(wasmscope_wasi_run(failing, NULL, &trap) == -1);
    wasm_trap_delete(trap);
    trap = NULL;
    wasm_instance_delete(instance);
  }
  rmdir(dir);

  wasm_func_delete(note);
  wasm_functype_delete(note_type);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
}

/* ---- Threads and diagnostics ---- */

struct spinner {
  wasm_store_t* store;
  wasm_func_t* func;
  wasm_trap_t* trap;
  volatile int done;
};

static void* call_on_thread(void* arg) {
  struct spinner* s = (struct spinner*)arg;
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  s->trap = wasm_func_call(s->func, &none, &none);
  s->done = 1;
  return NULL;
}

/* Waits until {thread} is in {state}; false after 10 s. */
static int wait_for_state(wasmscope_thread_t* thread, wasmscope_thread_state_t state) {
  int i;
  for (i = 0; i < 10000; ++i) {
    if (wasmscope_thread_state(thread) == state) return 1;
    sleep_ms(1);
  }
  return 0;
}

static char report_text[65536];
static int report_count;

static void on_report(void* env, const char* report, size_t size) {
  CHECK(env == &report_count);
  CHECK(strlen(report) == size);
  if (report_count++ == 0) snprintf(report_text, sizeof report_text, "%s", report);
}

static wasm_trap_t* block_callback(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  (void)results;
  sleep_ms(200);
  return NULL;
}

/* spin.wat instantiated in {store}, its "host" "block" import given block_callback. The
 * module and function handles are deleted at once: the instance keeps what it needs. */
static wasm_instance_t* instantiate_spin(wasm_store_t* store) {
  wasm_module_t* module = load_module(store, spin_wasm, spin_wasm_size);
  wasm_functype_t* block_type = wasm_functype_new_0_0();
  wasm_func_t* block = wasm_func_new(store, block_type, block_callback);
  wasm_extern_t* import_data[1];
  wasm_extern_vec_t imports;
  wasm_instance_t* instance;
  import_data[0] = wasm_func_as_extern(block);
  imports.size = 1;
  imports.data = import_data;
  instance = module != NULL ? wasm_instance_new(store, module, &imports, NULL) : NULL;
  wasm_func_delete(block);
  wasm_functype_delete(block_type);
  wasm_module_delete(module);
  return instance;
}

static void test_threads(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_instance_t* instance;
  wasm_extern_vec_t exports;
  wasmscope_thread_t* main_thread;
  wasmscope_thread_t* listed[4];
  struct spinner spinner;
  pthread_t caller;
  char name[32];
  char dump[16384];
  char error[128];
  wasmscope_frame_t frames[8];
  wasmscope_capture_info_t info;
  int32_t n;
  size_t length;

  instance = instantiate_spin(store);
  CHECK(instance != NULL);
  wasm_instance_exports(instance, &exports);
  /* Exports: memory, spin, run, blocked, recurse, crash. */

  /* Handles, names, states. */
  CHECK(wasmscope_store_main_thread(NULL) == NULL);
  CHECK(wasmscope_current_thread() == NULL);
  main_thread = wasmscope_store_main_thread(store);
  CHECK(main_thread != NULL);
  CHECK(wasmscope_store_threads(store, listed, 4) == 1 && listed[0] == main_thread);
  CHECK(wasmscope_store_threads(store, NULL, 0) == 1);
  CHECK(wasmscope_store_threads(NULL, listed, 4) == 0);
  CHECK(wasmscope_thread_name(store, main_thread, name, sizeof name) == 4);
  CHECK(strcmp(name, "main") == 0);
  CHECK(wasmscope_thread_name(store, main_thread, name, 3) == 4 && strcmp(name, "ma") == 0);
  CHECK(wasmscope_thread_name(store, NULL, name, sizeof name) == 0 && name[0] == '\0');
  CHECK(wasmscope_thread_id(main_thread) != 0 && wasmscope_thread_id(NULL) == 0);
  CHECK(wasmscope_thread_state(main_thread) == WASMSCOPE_THREAD_IDLE);
  CHECK(strcmp(wasmscope_thread_state_name(WASMSCOPE_THREAD_IN_HOST), "in_host") == 0);
  CHECK(strcmp(wasmscope_thread_state_name(WASMSCOPE_THREAD_RUNNING_WASM), "running") == 0);
  CHECK(strcmp(wasmscope_thread_state_name((wasmscope_thread_state_t)42), "unknown") == 0);
  CHECK(strcmp(wasmscope_capture_method_name(WASMSCOPE_CAPTURE_SIGNAL), "signal") == 0);
  CHECK(strcmp(wasmscope_capture_method_name(WASMSCOPE_CAPTURE_PARKED), "parked") == 0);
  CHECK(strcmp(wasmscope_capture_method_name((wasmscope_capture_method_t)-1), "unknown") == 0);

  /* Exports by name. */
  {
    wasm_extern_t* run = wasmscope_instance_export(instance, "run");
    wasm_extern_t* memory = wasmscope_instance_export(instance, "memory");
    CHECK(run != NULL && wasm_extern_kind(run) == WASM_EXTERN_FUNC);
    CHECK(memory != NULL && wasm_extern_kind(memory) == WASM_EXTERN_MEMORY);
    CHECK(wasm_memory_size(wasm_extern_as_memory(memory)) == 1);
    CHECK(wasmscope_instance_export(instance, "nothing") == NULL);
    CHECK(contains(wasmscope_last_error(), "nothing"));
    CHECK(wasmscope_instance_export(NULL, "run") == NULL);
    CHECK(wasmscope_instance_export(instance, NULL) == NULL);
    wasm_extern_delete(run);
    wasm_extern_delete(memory);
  }

  /* The capture signal: a signal outside the real-time range is refused; choosing one before
   * any capture works, another one afterwards does not. */
  CHECK(wasmscope_set_capture_signal(SIGINT) == -1);
  CHECK(strlen(wasmscope_last_error()) > 0);
  CHECK(wasmscope_set_capture_signal(SIGRTMIN + 5) == 0);

  /* A call spinning on another thread: capture, dumps, suspension, coredump, terminate. */
  spinner.store = store;
  spinner.func = export_func(&exports, 2); /* run */
  spinner.trap = NULL;
  spinner.done = 0;
  CHECK(pthread_create(&caller, NULL, call_on_thread, &spinner) == 0);
  CHECK(wait_for_state(main_thread, WASMSCOPE_THREAD_RUNNING_WASM));

  n = wasmscope_copy_callstack(main_thread, frames, 8, 0, 2000, &info, error, sizeof error);
  CHECK(n == 3);
  if (n == 3) {
    wasmscope_frame_name(&frames[0], name, sizeof name);
    CHECK(contains(name, "spin"));
    wasmscope_frame_name(&frames[2], name, sizeof name);
    CHECK(contains(name, "run"));
    CHECK(info.depth == 3 && !info.truncated);
    CHECK(info.method == WASMSCOPE_CAPTURE_SIGNAL || info.method == WASMSCOPE_CAPTURE_SAFEPOINT);
  }
  CHECK(wasmscope_set_capture_signal(SIGRTMIN + 6) == -1);
  CHECK(wasmscope_set_capture_signal(SIGRTMIN + 5) == 0);

  length = wasmscope_thread_dump(main_thread, NULL, 0, 2000, dump, sizeof dump);
  CHECK(length > 0 && length < sizeof dump);
  CHECK(contains(dump, "\"main\"") || contains(dump, "main"));
  CHECK(contains(dump, "spinner!spin"));
  length = wasmscope_store_thread_dump(store, 1, 2000, dump, sizeof dump);
  CHECK(length > 0 && length < sizeof dump);
  CHECK(contains(dump, "\"kind\":\"thread_dump\"") && contains(dump, "\"name\":\"main\""));
  CHECK(contains(dump, "\"module\":\"spinner\",\"function\":\"inner\""));
  CHECK(wasmscope_store_thread_dump(store, 0, 2000, NULL, 0) > 0);
  CHECK(wasmscope_store_thread_dump(NULL, 0, 0, dump, sizeof dump) == 0 && dump[0] == '\0');

  CHECK(wasmscope_thread_suspend(main_thread, 2000) == 0);
  CHECK(wasmscope_thread_state(main_thread) == WASMSCOPE_THREAD_PARKED);
  n = wasmscope_copy_callstack(main_thread, frames, 8, 1, 2000, &info, NULL, 0);
  CHECK(n == 2 && info.method == WASMSCOPE_CAPTURE_PARKED);
  wasmscope_thread_resume(main_thread);
  CHECK(wait_for_state(main_thread, WASMSCOPE_THREAD_RUNNING_WASM));

  CHECK(wasmscope_store_suspend_all(NULL, 100) == -1);
  CHECK(wasmscope_store_suspend_all(store, 2000) == 0);
  CHECK(wasmscope_thread_state(main_thread) == WASMSCOPE_THREAD_PARKED);
  wasmscope_store_resume_all(store);
  wasmscope_store_resume_all(NULL);

  {
    /* A live coredump: every thread's stack with locals, the instance's memory. */
    char path[] = "/tmp/wasmscope-capi-core-XXXXXX";
    char core[200000];
    long size;
    const int fd = mkstemp(path);
    wasm_memory_t* memory = wasm_extern_as_memory(exports.data[0]);
    CHECK(fd >= 0);
    memcpy(wasm_memory_data(memory) + 1000, "remember me", 11); /* a page that is not zero */
    close(fd);
    CHECK(wasmscope_store_coredump(store, instance, path, 2000) == 0);
    size = read_file(path, core, sizeof core);
    CHECK(size > 65536 && memcmp(core, "\0asm", 4) == 0); /* the one-page memory is in it */
    CHECK(size > 0 && has_bytes(core, (size_t)size, "remember me"));
    CHECK(size > 0 && has_bytes(core, (size_t)size, "corestack"));
    unlink(path);
    CHECK(wasmscope_store_coredump(store, NULL, "/nonexistent/dir/x.core", 2000) == -1);
    CHECK(wasmscope_store_coredump(NULL, NULL, path, 0) == -1);
  }

  wasmscope_thread_terminate(main_thread);
  pthread_join(caller, NULL);
  CHECK(trap_mentions(spinner.trap, "interrupted"));
  wasm_trap_delete(spinner.trap);
  CHECK(wasmscope_thread_state(main_thread) == WASMSCOPE_THREAD_IDLE);

  /* NULL threads: nothing happens. */
  CHECK(wasmscope_thread_suspend(NULL, 0) == -1);
  wasmscope_thread_resume(NULL);
  wasmscope_thread_terminate(NULL);
  CHECK(wasmscope_copy_callstack(NULL, frames, 8, 0, 0, NULL, error, sizeof error) == -1);
  CHECK(strlen(error) > 0);
  CHECK(wasmscope_thread_dump(NULL, NULL, 0, 0, dump, sizeof dump) == 0);

  /* The watchdog: bad options are refused; a hung call is reported through the callback
   * (naming the looping function) and interrupted. */
  {
    wasmscope_watchdog_options_t options;
    wasmscope_watchdog_t* watchdog;
    wasm_val_vec_t none = WASM_EMPTY_VEC;
    wasm_trap_t* trap;
    memset(&options, 0, sizeof options);
    CHECK(wasmscope_watchdog_new(store, NULL) == NULL);
    CHECK(wasmscope_watchdog_new(NULL, &options) == NULL);
    CHECK(wasmscope_watchdog_new(store, &options) == NULL); /* no deadline, no grace */
    options.deadline_ms = 100;
    options.policy = (wasmscope_hang_policy_t)9;
    CHECK(wasmscope_watchdog_new(store, &options) == NULL);
    options.policy = WASMSCOPE_HANG_INTERRUPT;
    options.on_report = on_report;
    options.env = &report_count;
    watchdog = wasmscope_watchdog_new(store, &options);
    CHECK(watchdog != NULL);
    trap = wasm_func_call(export_func(&exports, 2), &none, &none); /* run: spins */
    CHECK(trap_mentions(trap, "interrupted"));
    wasm_trap_delete(trap);
    CHECK(wasmscope_watchdog_reports(watchdog) == 1);
    CHECK(wasmscope_watchdog_deadlock_reports(watchdog) == 0);
    CHECK(wasmscope_watchdog_reports(NULL) == 0);
    CHECK(report_count == 1);
    CHECK(contains(report_text, "spinner!spin") && contains(report_text, "spinner!run"));
    wasmscope_watchdog_delete(watchdog);
    wasmscope_watchdog_delete(NULL);
  }

  /* An out-of-bounds store traps with its frames. */
  {
    wasm_val_vec_t none = WASM_EMPTY_VEC;
    wasm_trap_t* trap = wasm_func_call(export_func(&exports, 5), &none, &none); /* crash */
    CHECK(trap_mentions(trap, "out of bounds"));
    wasm_trap_delete(trap);
  }

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  /* A watchdog keeps its store alive: deleting the store first is fine. */
  {
    wasmscope_watchdog_options_t options;
    wasmscope_watchdog_t* watchdog;
    memset(&options, 0, sizeof options);
    options.deadline_ms = 1000;
    watchdog = wasmscope_watchdog_new(store, &options);
    CHECK(watchdog != NULL);
    wasm_store_delete(store);
    wasmscope_watchdog_delete(watchdog);
  }
  wasm_engine_delete(engine);
}

/* The sampling profiler: a call counting down in $count, profiled, written as folded stacks. */
static void test_profiler(void) {
  char path[] = "/tmp/wasmscope-capi-profile-XXXXXX";
  char folded[600], text[4096];
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_instance_t* instance;
  wasm_extern_t* count;
  wasmscope_profiler_t* profiler;
  wasm_val_t arg_data[1], result_data[1];
  wasm_val_vec_t args, results;
  wasm_trap_t* trap;
  int fd;

  instance = instantiate_spin(store);
  count = wasmscope_instance_export(instance, "count");
  CHECK(count != NULL);

  CHECK(wasmscope_profiler_new(NULL, 100, WASMSCOPE_PROFILE_CPU) == NULL);
  CHECK(wasmscope_profiler_new(store, 0, WASMSCOPE_PROFILE_CPU) == NULL);
  CHECK(wasmscope_profiler_new(store, 20000, WASMSCOPE_PROFILE_CPU) == NULL);
  CHECK(wasmscope_profiler_new(store, 100, (wasmscope_profile_clock_t)5) == NULL);
  CHECK(wasmscope_profiler_start(NULL) == -1 && wasmscope_profiler_stop(NULL) == -1);
  profiler = wasmscope_profiler_new(store, 1000, WASMSCOPE_PROFILE_CPU);
  CHECK(profiler != NULL);
  CHECK(wasmscope_profiler_stop(profiler) == -1);  /* not running */
  CHECK(wasmscope_profiler_write(profiler, "/tmp/x.folded") == -1);  /* nothing yet */
  CHECK(contains(wasmscope_last_error(), "no profile"));
  CHECK(wasmscope_profiler_start(profiler) == 0);
  arg_data[0].kind = WASM_I32;
  arg_data[0].of.i32 = 150000000;
  args.size = 1;
  args.data = arg_data;
  results.size = 1;
  results.data = result_data;
  trap = wasm_func_call(wasm_extern_as_func(count), &args, &results);
  CHECK(trap == NULL);
  CHECK(wasmscope_profiler_stop(profiler) == 0);
  CHECK(wasmscope_profiler_samples(profiler) > 20);
  CHECK(wasmscope_profiler_lost(profiler) == 0);

  fd = mkstemp(path);
  CHECK(fd >= 0);
  close(fd);
  snprintf(folded, sizeof folded, "%s.folded", path);
  CHECK(wasmscope_profiler_write(profiler, folded) == 0);
  CHECK(read_file(folded, text, sizeof text) > 0);
  /* Every sample is in $count on the main thread. */
  CHECK(strncmp(text, "main;spinner!count ", 19) == 0);
  if (strncmp(text, "main;spinner!count ", 19) != 0) fprintf(stderr, "%s\n", text);
  unlink(folded);
  unlink(path);
  snprintf(folded, sizeof folded, "%s.txt", path);
  CHECK(wasmscope_profiler_write(profiler, folded) == -1);
  CHECK(wasmscope_profiler_write(profiler, "/nonexistent/dir/p.folded") == -1);
  CHECK(wasmscope_profiler_samples(NULL) == 0 && wasmscope_profiler_lost(NULL) == 0);

  /* Deleting a running profiler stops it; the store goes first, the profiler keeps it. */
  CHECK(wasmscope_profiler_start(profiler) == 0);
  wasm_extern_delete(count);
  wasm_instance_delete(instance);
  wasm_store_delete(store);
  wasmscope_profiler_delete(profiler);
  wasmscope_profiler_delete(NULL);
  wasm_engine_delete(engine);
}

/* The call depth limit set in the config. */
static void test_call_depth(void) {
  wasm_config_t* config = wasm_config_new();
  wasm_engine_t* engine;
  wasm_store_t* store;
  wasm_extern_vec_t exports;
  wasm_instance_t* instance;
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  wasm_trap_t* trap;
  wasm_frame_vec_t trace;

  CHECK(wasmscope_config_set_max_call_depth(config, 50));
  engine = wasm_engine_new_with_config(config);
  store = wasm_store_new(engine);
  instance = instantiate_spin(store);
  CHECK(instance != NULL);
  wasm_instance_exports(instance, &exports);
  trap = wasm_func_call(export_func(&exports, 4), &none, &none); /* recurse */
  CHECK(trap_mentions(trap, "call stack exhausted"));
  wasm_trap_trace(trap, &trace);
  CHECK(trace.size == 50);
  wasm_frame_vec_delete(&trace);
  wasm_trap_delete(trap);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
}

/* The store limits set in the config: memories and tables the host makes, their growth, and
 * the number of instances. */
static void test_limits(void) {
  wasm_config_t* config = wasm_config_new();
  wasm_engine_t* engine;
  wasm_store_t* store;
  wasm_limits_t over = {17, 100}, under = {2, 100}, elements = {4, 100};
  wasm_memorytype_t* type;
  wasm_memory_t* memory;
  wasm_valtype_t* funcref = wasm_valtype_new(WASM_FUNCREF);
  wasm_tabletype_t* table_type = wasm_tabletype_new(funcref, &elements); /* takes funcref */
  wasm_table_t* table;
  wasm_instance_t* instance;

  CHECK(!wasmscope_config_set_max_memory_bytes(NULL, 1));
  CHECK(wasmscope_config_set_max_memory_bytes(config, (1u << 20) + 5)); /* 16 pages */
  CHECK(wasmscope_config_set_max_table_elements(config, 10));
  CHECK(wasmscope_config_set_max_instances(config, 1));
  engine = wasm_engine_new_with_config(config);
  store = wasm_store_new(engine);

  type = wasm_memorytype_new(&over);
  CHECK(wasm_memory_new(store, type) == NULL);
  CHECK(contains(wasmscope_last_error(), "exceeds the store's limit of 1 MiB"));
  wasm_memorytype_delete(type);
  type = wasm_memorytype_new(&under);
  memory = wasm_memory_new(store, type);
  CHECK(memory != NULL);
  if (memory != NULL) {
    CHECK(!wasm_memory_grow(memory, 15)); /* to 17 pages */
    CHECK(wasm_memory_size(memory) == 2);
    CHECK(wasm_memory_grow(memory, 14));
    CHECK(wasm_memory_size(memory) == 16);
    wasm_memory_delete(memory);
  }
  wasm_memorytype_delete(type);

  table = wasm_table_new(store, table_type, NULL);
  CHECK(table != NULL);
  if (table != NULL) {
    CHECK(!wasm_table_grow(table, 7, NULL));
    CHECK(wasm_table_grow(table, 6, NULL));
    CHECK(wasm_table_size(table) == 10);
    wasm_table_delete(table);
  }
  wasm_tabletype_delete(table_type);

  instance = instantiate_spin(store);
  CHECK(instance != NULL);
  CHECK(instantiate_spin(store) == NULL); /* the second instance */
  wasm_instance_delete(instance);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
}

/* Guest threads through WASI: a spawned thread is listed, named, captured and dumped, and
 * deleting the store stops it. */
static void test_guest_threads(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, threaded_wasm, threaded_wasm_size);
  wasmscope_wasi_config_t* config = wasmscope_wasi_config_new();
  wasmscope_wasi_t* wasi = wasmscope_wasi_new(store, config);
  wasm_instance_t* instance;
  wasm_extern_vec_t exports;
  wasm_val_t result_data[1];
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  wasm_val_vec_t results;
  wasmscope_thread_t* threads[4];
  wasm_trap_t* trap;
  char name[32], expected[32], text[8192];
  wasmscope_frame_t frames[4];
  int32_t n;
  int i;

  wasmscope_wasi_config_delete(config);
  CHECK(module != NULL && wasi != NULL);
  instance = wasmscope_wasi_instantiate(wasi, module, NULL, NULL); /* memory and spawn: WASI */
  CHECK(instance != NULL);
  if (instance == NULL) return;
  wasm_instance_exports(instance, &exports); /* wasi_thread_start, start_thread */
  results.size = 1;
  results.data = result_data;
  trap = wasm_func_call(export_func(&exports, 1), &none, &results);
  CHECK(trap == NULL && result_data[0].kind == WASM_I32 && result_data[0].of.i32 > 0);
  for (i = 0; i < 10000 && wasmscope_store_threads(store, NULL, 0) < 2; ++i) sleep_ms(1);
  CHECK(wasmscope_store_threads(store, threads, 4) == 2);
  CHECK(threads[0] == wasmscope_store_main_thread(store));
  snprintf(expected, sizeof expected, "thread %d", (int)result_data[0].of.i32);
  CHECK(wasmscope_thread_name(store, threads[1], name, sizeof name) == strlen(expected));
  CHECK(strcmp(name, expected) == 0);
  /* Running from its first instruction, the thread is two frames deep once it has called
   * $worker_loop. */
  for (i = 0; i < 10000; ++i) {
    n = wasmscope_copy_callstack(threads[1], frames, 4, 0, 2000, NULL, NULL, 0);
    if (n == 2) break;
    sleep_ms(1);
  }
  CHECK(n == 2);
  if (n == 2) {
    wasmscope_frame_name(&frames[0], name, sizeof name);
    CHECK(strstr(name, "threaded!worker_loop") == name);
  }
  CHECK(wasmscope_store_thread_dump(store, 0, 2000, text, sizeof text) < sizeof text);
  CHECK(contains(text, expected) && contains(text, "threaded!worker_loop"));
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store); /* stops the spinning thread and waits for it */
  wasm_engine_delete(engine);
}

int main(void) {
  test_config();
  test_wasi();
  test_threads();
  test_call_depth();
  test_limits();
  test_guest_threads();
  test_profiler();
  return check_report("capi_wasmscope_test");
}
