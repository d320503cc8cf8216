/* watchdog.c: a hang watchdog on a guest that never returns (wasmscope.h).
 *
 *   watchdog PATH/watchdog.wasm
 *
 * Calls the export "run", which loops forever in {spin_forever}. A watchdog with a 200 ms
 * deadline and the interrupt policy writes a hang report (the looping thread's stack, taken
 * while it runs) to a callback, then makes the call trap with "interrupted". The example
 * checks the report names the loop's function and that the store still works afterwards. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wasm.h>
#include <wasmscope.h>

#include "example.h"

/* What the callback saw. Written on the watchdog's thread; read by main only after
 * wasmscope_watchdog_delete, which waits for that thread to end. */
typedef struct {
  char text[8192];
  unsigned count;
} reports_t;

/* Runs on the watchdog's thread, once per report. */
static void on_report(void* env, const char* report, size_t size) {
  reports_t* reports = env;
  if (reports->count++ == 0) snprintf(reports->text, sizeof reports->text, "%s", report);
  printf("watchdog: report of %zu bytes:\n%s", size, report);
  if (size == 0 || report[size - 1] != '\n') putchar('\n');
  fflush(stdout);
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s PATH/watchdog.wasm\n", argv[0]);
    return 2;
  }
  int status = 1;
  static reports_t reports; /* static: 8 KiB is a lot for a stack */
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = NULL;
  wasm_instance_t* instance = NULL;
  wasm_extern_vec_t exports = WASM_EMPTY_VEC;
  wasmscope_watchdog_t* watchdog = NULL;
  wasm_trap_t* trap = NULL;
  char message[256];

  module = example_load_module(store, argv[1]);
  if (module == NULL) goto done;
  instance = wasm_instance_new(store, module, NULL, &trap);
  if (instance == NULL) {
    example_trap_message(trap, message, sizeof message);
    fprintf(stderr, "watchdog: FAIL: cannot instantiate: %s\n", message);
    goto done;
  }
  wasm_instance_exports(instance, &exports);
  wasm_func_t* run = example_export_func(module, &exports, "run");
  wasm_func_t* answer = example_export_func(module, &exports, "answer");
  if (run == NULL || answer == NULL) goto done;

  /* The watchdog watches every call into the store from now until it is deleted. */
  const wasmscope_watchdog_options_t options = {
      .deadline_ms = 200,
      .policy = WASMSCOPE_HANG_INTERRUPT,
      .json = 0,
      .deadlock_grace_ms = 0,
      .on_report = on_report,
      .env = &reports,
  };
  watchdog = wasmscope_watchdog_new(store, &options);
  if (watchdog == NULL) {
    fprintf(stderr, "watchdog: FAIL: wasmscope_watchdog_new: %s\n", wasmscope_last_error());
    goto done;
  }

  printf("watchdog: calling run(), which never returns by itself\n");
  fflush(stdout);
  wasm_val_vec_t no_values = WASM_EMPTY_VEC;
  trap = wasm_func_call(run, &no_values, &no_values);
  if (trap == NULL) {
    fprintf(stderr, "watchdog: FAIL: run() returned\n");
    goto done;
  }
  example_trap_message(trap, message, sizeof message);
  printf("watchdog: run() trapped: %s\n", message);
  if (strcmp(message, "interrupted") != 0) {
    fprintf(stderr, "watchdog: FAIL: expected the trap \"interrupted\"\n");
    goto done;
  }

  /* The store is usable again: the interrupt ended that call only. */
  wasm_val_t result_values[] = {WASM_INIT_VAL};
  wasm_val_vec_t results = WASM_ARRAY_VEC(result_values);
  wasm_trap_t* answer_trap = wasm_func_call(answer, &no_values, &results);
  if (answer_trap != NULL || result_values[0].of.i32 != 42) {
    if (answer_trap != NULL) example_trap_message(answer_trap, message, sizeof message);
    fprintf(stderr, "watchdog: FAIL: answer() after the interrupt: %s\n",
            answer_trap ? message : "not 42");
    wasm_trap_delete(answer_trap);
    goto done;
  }
  printf("watchdog: answer() = 42 after the interrupt\n");

  /* After the delete the callback has run for the last time: {reports} is ours to read. */
  const unsigned hang_reports = wasmscope_watchdog_reports(watchdog);
  wasmscope_watchdog_delete(watchdog);
  watchdog = NULL;
  if (hang_reports != 1 || reports.count != 1) {
    fprintf(stderr, "watchdog: FAIL: expected 1 report, the watchdog counts %u, the callback %u\n",
            hang_reports, reports.count);
    goto done;
  }
  if (strstr(reports.text, "watchdog!spin_forever+") == NULL ||
      strstr(reports.text, "watchdog!wait_for_work+") == NULL) {
    fprintf(stderr, "watchdog: FAIL: the report does not show spin_forever in wait_for_work\n");
    goto done;
  }
  printf("watchdog: the report names spin_forever\n");
  printf("watchdog: ok\n");
  status = 0;

done:
  wasmscope_watchdog_delete(watchdog);
  wasm_trap_delete(trap);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return status;
}
