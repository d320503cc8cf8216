/* hello.c: the smallest complete host on the standard C API (wasm.h).
 *
 *   hello PATH/hello.wasm
 *
 * Makes an engine and a store, compiles hello.wasm, gives it one host function to import
 * ("host" "report"), instantiates it, calls its export "square_plus_one" with 6 and checks
 * both sides of the conversation: the guest reported 36 to the host, and returned 37. */
#include <stdio.h>

#include <wasm.h>

#include "example.h"

/* What the guest last passed to "report", and how often it called it. */
static int32_t reported_value;
static int report_calls;

/* The host function the guest imports: (param i32). A callback gets its arguments as a vector
 * of values and writes its results (none here) into {results}; returning a trap instead of NULL
 * would make the guest's call trap. */
static wasm_trap_t* report(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)results;
  reported_value = args->data[0].of.i32;
  ++report_calls;
  printf("hello: the guest reported %d\n", (int)reported_value);
  return NULL;
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s PATH/hello.wasm\n", argv[0]);
    return 2;
  }
  int status = 1;
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = NULL;
  wasm_func_t* report_func = NULL;
  wasm_instance_t* instance = NULL;
  wasm_extern_vec_t exports = WASM_EMPTY_VEC;
  wasm_trap_t* trap = NULL;
  char message[256];

  module = example_load_module(store, argv[1]);
  if (module == NULL) goto done;

  /* The import: a host function of type (i32) -> (). The functype is only needed to make it. */
  wasm_functype_t* report_type = wasm_functype_new_1_0(wasm_valtype_new_i32());
  report_func = wasm_func_new(store, report_type, report);
  wasm_functype_delete(report_type);

  /* One extern per import, in the module's import order. */
  wasm_extern_t* imports[] = {wasm_func_as_extern(report_func)};
  wasm_extern_vec_t import_vec = WASM_ARRAY_VEC(imports);
  instance = wasm_instance_new(store, module, &import_vec, &trap);
  if (instance == NULL) {
    example_trap_message(trap, message, sizeof message);
    fprintf(stderr, "hello: FAIL: cannot instantiate: %s\n", message);
    goto done;
  }

  wasm_instance_exports(instance, &exports);
  wasm_func_t* square_plus_one = example_export_func(module, &exports, "square_plus_one");
  if (square_plus_one == NULL) goto done;

  wasm_val_t arg_values[] = {WASM_I32_VAL(6)};
  wasm_val_t result_values[] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(arg_values);
  wasm_val_vec_t results = WASM_ARRAY_VEC(result_values);
  trap = wasm_func_call(square_plus_one, &args, &results);
  if (trap != NULL) {
    example_trap_message(trap, message, sizeof message);
    fprintf(stderr, "hello: FAIL: square_plus_one trapped: %s\n", message);
    goto done;
  }
  printf("hello: square_plus_one(6) = %d\n", (int)result_values[0].of.i32);

  if (result_values[0].kind != WASM_I32 || result_values[0].of.i32 != 37) {
    fprintf(stderr, "hello: FAIL: expected the i32 37\n");
    goto done;
  }
  if (report_calls != 1 || reported_value != 36) {
    fprintf(stderr, "hello: FAIL: expected one report of 36, got %d calls (last %d)\n",
            report_calls, (int)reported_value);
    goto done;
  }
  printf("hello: ok\n");
  status = 0;

done:
  /* Every handle is deleted on its own; deleting NULL does nothing. */
  wasm_trap_delete(trap);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(report_func);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return status;
}
