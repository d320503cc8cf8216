/* thread_dump.c: looking at a running guest from another thread (wasmscope.h).
 *
 *   thread_dump PATH/thread_dump.wasm [COREDUMP]
 *
 * The main thread calls the export "run", which spins forever in run -> compute -> crunch.
 * Meanwhile a second thread (an "observer", as a monitoring thread or an admin endpoint of a
 * real host would be) takes the store's main thread handle and, without stopping the guest for
 * longer than a copy:
 *   - prints a thread dump (the format `wasmscope stack PID` prints);
 *   - copies the call stack and names each frame;
 *   - suspends the thread, sees it parked, and resumes it;
 *   - writes a coredump of the running program (to COREDUMP, else to a temporary file it
 *     removes again) and checks it is a WebAssembly file;
 *   - terminates the thread: the main thread's call returns the trap "interrupted".
 * The example checks the stack is crunch, compute, run, innermost first. */
#define _POSIX_C_SOURCE 200809L /* nanosleep, mkstemp */

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <wasm.h>
#include <wasmscope.h>

#include "example.h"

enum { kMaxFrames = 16, kTimeoutMs = 1000 };

/* The observer thread's input and findings; main reads them after joining it. */
typedef struct {
  wasm_store_t* store;
  const char* coredump_path; /* NULL: a temporary file */
  const char* failure;       /* NULL: every check passed */
  char detail[256];
} observer_t;

static void sleep_ms(long ms) {
  struct timespec delay = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&delay, NULL);
}

/* Waits until {thread} runs {crunch} (at most about 5 s). The state alone would not do: a
 * thread is "running" from the moment its call begins, before its first guest frame exists. */
static bool wait_until_in_crunch(wasmscope_thread_t* thread) {
  for (int i = 0; i < 5000; ++i) {
    wasmscope_frame_t innermost;
    if (wasmscope_thread_state(thread) == WASMSCOPE_THREAD_RUNNING_WASM &&
        wasmscope_copy_callstack(thread, &innermost, 1, 0, kTimeoutMs, NULL, NULL, 0) == 1 &&
        innermost.func_index == 0) /* crunch: the module imports nothing */
      return true;
    sleep_ms(1);
  }
  return false;
}

/* Prints the thread dump of {thread}. */
static bool print_dump(wasmscope_thread_t* thread) {
  static char dump[16384];
  const size_t length = wasmscope_thread_dump(thread, "main", 0, kTimeoutMs, dump, sizeof dump);
  if (length == 0) return false;
  printf("thread_dump: thread dump:\n%s", dump);
  if (dump[strlen(dump) - 1] != '\n') putchar('\n');
  return strstr(dump, "thread_dump!crunch+") != NULL;
}

/* Copies and prints the stack of {thread}; checks it is crunch, compute, run, read directly
 * from a {parked} thread, else by the thread itself (in a signal handler or at a safepoint). */
static bool print_stack(observer_t* observer, wasmscope_thread_t* thread, bool parked) {
  wasmscope_frame_t frames[kMaxFrames];
  wasmscope_capture_info_t info;
  char error[256] = "";
  const int32_t count = wasmscope_copy_callstack(thread, frames, kMaxFrames, 0, kTimeoutMs, &info,
                                                 error, sizeof error);
  if (count < 0) {
    snprintf(observer->detail, sizeof observer->detail, "%s", error);
    return false;
  }
  static const char* const methods[] = {"idle", "in_host", "parked", "signal", "safepoint"};
  printf("thread_dump: %d frames (depth %u, taken by %s):\n", (int)count, (unsigned)info.depth,
         (unsigned)info.method < 5 ? methods[info.method] : "?");
  static const char* const expected[] = {"thread_dump!crunch+", "thread_dump!compute+",
                                         "thread_dump!run+"};
  bool as_expected = count == 3 && (parked ? info.method == WASMSCOPE_CAPTURE_PARKED
                                           : info.method == WASMSCOPE_CAPTURE_SIGNAL ||
                                                 info.method == WASMSCOPE_CAPTURE_SAFEPOINT);
  for (int32_t i = 0; i < count; ++i) {
    char name[256];
    wasmscope_frame_name(&frames[i], name, sizeof name);
    printf("thread_dump:   #%d %s (function %u, offset 0x%x)\n", (int)i, name,
           (unsigned)frames[i].func_index, (unsigned)frames[i].code_offset);
    if (i < 3 && strncmp(name, expected[i], strlen(expected[i])) != 0) as_expected = false;
  }
  if (!as_expected)
    snprintf(observer->detail, sizeof observer->detail, "%d frames by method %d", (int)count,
             (int)info.method);
  return as_expected;
}

/* Writes a coredump of the store's running program to {keep_path}, or to a temporary file
 * that is removed again, and checks it is a WebAssembly file. */
static bool check_coredump(wasm_store_t* store, const char* keep_path) {
  char path[512];
  if (keep_path != NULL) {
    snprintf(path, sizeof path, "%s", keep_path);
  } else {
    example_temp_template(path, sizeof path, "wasmscope-coredump-example");
    const int fd = mkstemp(path);
    if (fd < 0) return false;
    close(fd);
  }
  /* NULL instance: the instances the frames run in are dumped anyway. */
  bool ok = wasmscope_store_coredump(store, NULL, path, kTimeoutMs) == 0;
  char magic[4] = {0};
  FILE* file = fopen(path, "rb");
  long size = 0;
  if (file != NULL) {
    ok = ok && fread(magic, 1, 4, file) == 4 && memcmp(magic, "\0asm", 4) == 0;
    if (fseek(file, 0, SEEK_END) == 0) size = ftell(file);
    fclose(file);
  }
  if (keep_path == NULL) remove(path);
  printf("thread_dump: coredump of the running program: %ld bytes%s%s\n", size,
         keep_path != NULL ? " in " : "", keep_path != NULL ? keep_path : "");
  return ok;
}

/* The observer thread. */
static void* observe(void* arg) {
  observer_t* observer = arg;
  /* The handle of the thread a host's calls run on; valid as long as the store. */
  wasmscope_thread_t* thread = wasmscope_store_main_thread(observer->store);
  char name[64];
  if (!wait_until_in_crunch(thread)) {
    observer->failure = "the main thread never reached crunch";
  } else if (wasmscope_thread_name(observer->store, thread, name, sizeof name) == 0 ||
             strcmp(name, "main") != 0) {
    observer->failure = "the store's main thread is not named \"main\"";
  } else if (!print_dump(thread)) {
    observer->failure = "the thread dump does not show crunch";
  } else if (!print_stack(observer, thread, false)) {
    observer->failure = "the running stack is not crunch, compute, run";
  } else if (wasmscope_thread_suspend(thread, kTimeoutMs) != 0) {
    observer->failure = "the thread did not suspend";
  } else {
    printf("thread_dump: suspended; state %s\n",
           wasmscope_thread_state(thread) == WASMSCOPE_THREAD_PARKED ? "parked" : "not parked");
    if (wasmscope_thread_state(thread) != WASMSCOPE_THREAD_PARKED ||
        !print_stack(observer, thread, true))
      observer->failure = "the suspended thread is not parked in crunch";
    wasmscope_thread_resume(thread);
    if (observer->failure == NULL && !check_coredump(observer->store, observer->coredump_path))
      observer->failure = "no coredump";
  }
  /* Whatever happened, end the call: the guest would spin forever otherwise. */
  printf("thread_dump: terminating the main thread's call\n");
  fflush(stdout);
  wasmscope_thread_terminate(thread);
  return NULL;
}

int main(int argc, char** argv) {
  if (argc != 2 && argc != 3) {
    fprintf(stderr, "usage: %s PATH/thread_dump.wasm [COREDUMP]\n", argv[0]);
    return 2;
  }
  int status = 1;
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = NULL;
  wasm_instance_t* instance = NULL;
  wasm_extern_vec_t exports = WASM_EMPTY_VEC;
  wasm_trap_t* trap = NULL;
  char message[256];
  observer_t observer = {
      .store = store, .coredump_path = argc == 3 ? argv[2] : NULL, .failure = NULL, .detail = ""};
  pthread_t observer_thread;

  module = example_load_module(store, argv[1]);
  if (module == NULL) goto done;
  instance = wasm_instance_new(store, module, NULL, &trap);
  if (instance == NULL) {
    example_trap_message(trap, message, sizeof message);
    fprintf(stderr, "thread_dump: FAIL: cannot instantiate: %s\n", message);
    goto done;
  }
  wasm_instance_exports(instance, &exports);
  wasm_func_t* run = example_export_func(module, &exports, "run");
  if (run == NULL) goto done;

  if (pthread_create(&observer_thread, NULL, observe, &observer) != 0) {
    fprintf(stderr, "thread_dump: FAIL: pthread_create\n");
    goto done;
  }
  wasm_val_vec_t no_values = WASM_EMPTY_VEC;
  trap = wasm_func_call(run, &no_values, &no_values); /* until the observer terminates it */
  pthread_join(observer_thread, NULL);

  if (trap == NULL) {
    fprintf(stderr, "thread_dump: FAIL: run() returned\n");
    goto done;
  }
  example_trap_message(trap, message, sizeof message);
  wasm_frame_vec_t trace;
  wasm_trap_trace(trap, &trace);
  printf("thread_dump: run() trapped: %s (%zu frames)\n", message, trace.size);
  wasm_frame_vec_delete(&trace);
  if (observer.failure != NULL) {
    fprintf(stderr, "thread_dump: FAIL: %s %s\n", observer.failure, observer.detail);
    goto done;
  }
  if (strcmp(message, "interrupted") != 0) {
    fprintf(stderr, "thread_dump: FAIL: expected the trap \"interrupted\"\n");
    goto done;
  }
  printf("thread_dump: ok\n");
  status = 0;

done:
  wasm_trap_delete(trap);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return status;
}
