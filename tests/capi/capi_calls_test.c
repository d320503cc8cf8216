/* include/wasm.h: calls. calls.wat instantiated with host functions, a global, a table and a
 * memory; arguments and results of every kind; host callbacks, their traps and calls back into
 * the guest; traps with their frames; calls that cannot run. */
#include <limits.h>
#include <stdint.h>

#include "check.h"

/* Function indices in calls.wat (three imported functions come first). */
enum { kImportedFuncs = 3, kCallFail = 5, kBoom = 6, kOuter = 7 };

static wasm_store_t* store;
static wasm_instance_t* instance;
static wasm_extern_vec_t exports;
static int add_calls;
static wasm_trap_t* last_host_trap; /* a copy of the trap fail_callback returned */
static void* echo_seen_info;        /* host info of the foreign object echo_callback got */
static wasm_global_t* host_global;  /* the instance's imports, kept by the host */
static wasm_memory_t* host_memory;

static wasm_trap_t* add_callback(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  ++add_calls;
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = args->data[0].of.i32 + args->data[1].of.i32;
  return NULL;
}

static wasm_trap_t* fail_callback(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  wasm_message_t message;
  wasm_trap_t* trap;
  (void)args;
  (void)results;
  wasm_name_new_from_string_nt(&message, "host says no");
  trap = wasm_trap_new((wasm_store_t*)env, &message);
  wasm_byte_vec_delete(&message);
  wasm_trap_delete(last_host_trap);
  last_host_trap = wasm_trap_copy(trap);
  return trap;
}

static wasm_trap_t* echo_callback(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  const wasm_ref_t* ref = args->data[0].of.ref;
  CHECK(args->data[0].kind == WASM_EXTERNREF);
  /* The argument's handle is the caller's: read it now, keep nothing. */
  if (ref != NULL && wasm_ref_as_foreign_const(ref) != NULL)
    echo_seen_info = wasm_ref_get_host_info(ref);
  wasm_val_copy(&results->data[0], &args->data[0]);
  return NULL;
}

static wasm_trap_t* wrong_kind_callback(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  results->data[0].kind = WASM_I64; /* declared i32 */
  results->data[0].of.i64 = 1;
  return NULL;
}

static wasm_func_t* export_func(size_t i) {
  return i < exports.size ? wasm_extern_as_func(exports.data[i]) : NULL;
}

/* Export positions in calls.wat. */
enum {
  kSum,
  kCallAdd,
  kCallFailExport,
  kBoomExport,
  kOuterExport,
  kDiv,
  kGetG,
  kSetG,
  kLoad8,
  kSwap,
  kCallTable,
  kCallEcho,
  kIdFunc,
  kForever,
  kV128
};

/* Calls export {i} with {n} arguments into {results} (room for {m}). */
static wasm_trap_t* call(size_t i, size_t n, wasm_val_t* args, size_t m, wasm_val_t* results) {
  wasm_val_vec_t a = {n, args};
  wasm_val_vec_t r = {m, results};
  return wasm_func_call(export_func(i), &a, &r);
}

static size_t read_leb(const unsigned char* bytes, size_t* at) {
  size_t value = 0;
  unsigned shift = 0;
  unsigned char b;
  do {
    b = bytes[(*at)++];
    value |= (size_t)(b & 0x7f) << shift;
    shift += 7;
  } while (b & 0x80);
  return value;
}

/* Where function {index}'s body (its local declarations) starts in calls.wasm, found by
 * walking the binary's sections here rather than asking the runtime. */
static size_t body_start(uint32_t index) {
  size_t at = 8;
  while (at < calls_wasm_size) {
    const unsigned id = calls_wasm[at++];
    const size_t size = read_leb(calls_wasm, &at);
    if (id == 10) {
      const size_t count = read_leb(calls_wasm, &at);
      size_t k;
      for (k = 0; k < count; ++k) {
        const size_t body_size = read_leb(calls_wasm, &at);
        if (k == index - kImportedFuncs) return at;
        at += body_size;
      }
      return 0;
    }
    at += size;
  }
  return 0;
}

static int frame_is(const wasm_frame_t* frame, uint32_t index, size_t offset) {
  const int ok = frame != NULL && wasm_frame_func_index(frame) == index &&
                 wasm_frame_func_offset(frame) == offset &&
                 wasm_frame_module_offset(frame) == body_start(index) + offset &&
                 wasm_instance_same(wasm_frame_instance(frame), instance);
  if (!ok && frame != NULL) {
    fprintf(stderr, "frame: func %u at +%zu (module 0x%zx)\n", wasm_frame_func_index(frame),
            wasm_frame_func_offset(frame), wasm_frame_module_offset(frame));
  }
  return ok;
}

static void setup(wasm_engine_t* engine) {
  wasm_module_t* module;
  wasm_functype_t* add_type =
      wasm_functype_new_2_1(wasm_valtype_new_i32(), wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_functype_t* fail_type = wasm_functype_new_0_0();
  wasm_functype_t* echo_type =
      wasm_functype_new_1_1(wasm_valtype_new_externref(), wasm_valtype_new_externref());
  wasm_globaltype_t* g_type = wasm_globaltype_new(wasm_valtype_new_i64(), WASM_VAR);
  wasm_limits_t two = {2, wasm_limits_max_default}, one_to_four = {1, 4};
  wasm_tabletype_t* t_type = wasm_tabletype_new(wasm_valtype_new_funcref(), &two);
  wasm_memorytype_t* m_type = wasm_memorytype_new(&one_to_four);
  wasm_val_t g_init = WASM_I64_VAL(-3);
  wasm_extern_t* imports[6];
  wasm_extern_vec_t import_vec = WASM_ARRAY_VEC(imports);
  wasm_importtype_vec_t import_types;
  size_t i;

  store = wasm_store_new(engine);
  module = load_module(store, calls_wasm, calls_wasm_size);
  CHECK(module != NULL);
  imports[0] = wasm_func_as_extern(wasm_func_new(store, add_type, add_callback));
  imports[1] =
      wasm_func_as_extern(wasm_func_new_with_env(store, fail_type, fail_callback, store, NULL));
  imports[2] = wasm_func_as_extern(wasm_func_new(store, echo_type, echo_callback));
  imports[3] = wasm_global_as_extern(wasm_global_new(store, g_type, &g_init));
  imports[4] = wasm_table_as_extern(wasm_table_new(store, t_type, NULL));
  imports[5] = wasm_memory_as_extern(wasm_memory_new(store, m_type));
  /* Each import fits the module's import of the same position. */
  wasm_module_imports(module, &import_types);
  CHECK(import_types.size == 6);
  for (i = 0; i < 6 && i < import_types.size; ++i) {
    CHECK(imports[i] != NULL);
    CHECK(wasm_extern_kind(imports[i]) ==
          wasm_externtype_kind(wasm_importtype_type(import_types.data[i])));
  }
  wasm_importtype_vec_delete(&import_types);
  instance = wasm_instance_new(store, module, &import_vec, NULL);
  CHECK(instance != NULL);
  wasm_instance_exports(instance, &exports);
  CHECK(exports.size == 15);
  /* The table's element 1 is the host "add": call_table reaches it. */
  CHECK(wasm_table_set(wasm_extern_as_table(imports[4]), 1, wasm_extern_as_ref(imports[0])));
  host_global = wasm_global_copy(wasm_extern_as_global(imports[3]));
  host_memory = wasm_memory_copy(wasm_extern_as_memory(imports[5]));
  for (i = 0; i < 6; ++i)
    wasm_extern_delete(imports[i]);
  wasm_module_delete(module);
  wasm_functype_delete(add_type);
  wasm_functype_delete(fail_type);
  wasm_functype_delete(echo_type);
  wasm_globaltype_delete(g_type);
  wasm_tabletype_delete(t_type);
  wasm_memorytype_delete(m_type);
}

static void test_numbers(void) {
  wasm_val_t args[4] = {WASM_I32_VAL(1), WASM_I64_VAL(2), WASM_F32_VAL(0.5f), WASM_F64_VAL(0.25)};
  wasm_val_t results[2] = {WASM_INIT_VAL, WASM_INIT_VAL};
  wasm_functype_t* type = wasm_func_type(export_func(kSum));
  const wasm_valtype_vec_t* params = wasm_functype_params(type);
  CHECK(params->size == 4 && wasm_valtype_kind(params->data[0]) == WASM_I32 &&
        wasm_valtype_kind(params->data[1]) == WASM_I64 &&
        wasm_valtype_kind(params->data[2]) == WASM_F32 &&
        wasm_valtype_kind(params->data[3]) == WASM_F64);
  CHECK(wasm_functype_results(type)->size == 1 &&
        wasm_valtype_kind(wasm_functype_results(type)->data[0]) == WASM_F64);
  wasm_functype_delete(type);
  CHECK(wasm_func_param_arity(export_func(kSum)) == 4 &&
        wasm_func_result_arity(export_func(kSum)) == 1);

  CHECK(call(kSum, 4, args, 1, results) == NULL);
  CHECK(results[0].kind == WASM_F64 && results[0].of.f64 == 3.75);

  args[0].of.i32 = 7;
  args[1].kind = WASM_I32;
  args[1].of.i32 = 2;
  CHECK(call(kDiv, 2, args, 1, results) == NULL);
  CHECK(results[0].kind == WASM_I32 && results[0].of.i32 == 3);

  /* Two results. */
  args[0].of.i32 = 3;
  args[1].kind = WASM_I64;
  args[1].of.i64 = 4;
  CHECK(call(kSwap, 2, args, 2, results) == NULL);
  CHECK(results[0].kind == WASM_I64 && results[0].of.i64 == 4 && results[1].kind == WASM_I32 &&
        results[1].of.i32 == 3);
}

static void test_traps(void) {
  wasm_val_t args[2] = {WASM_I32_VAL(1), WASM_I32_VAL(0)};
  wasm_val_t result = WASM_INIT_VAL;
  wasm_trap_t* trap;
  wasm_frame_vec_t trace, trace_copy;
  wasm_frame_t* origin;
  wasm_frame_t* copy;

  trap = call(kDiv, 2, args, 1, &result);
  CHECK(trap != NULL && trap_says(trap, "integer divide by zero"));
  wasm_trap_delete(trap);
  args[0].of.i32 = INT_MIN;
  args[1].of.i32 = -1;
  trap = call(kDiv, 2, args, 1, &result);
  CHECK(trap != NULL && trap_says(trap, "integer overflow"));
  wasm_trap_delete(trap);

  /* unreachable in "boom", at body offset 1, called from "outer" at body offset 1. */
  trap = call(kBoomExport, 0, NULL, 0, NULL);
  CHECK(trap != NULL && trap_says(trap, "unreachable"));
  origin = wasm_trap_origin(trap);
  CHECK(frame_is(origin, kBoom, 1));
  copy = wasm_frame_copy(origin);
  CHECK(frame_is(copy, kBoom, 1));
  wasm_frame_delete(origin);
  wasm_frame_delete(copy);
  wasm_trap_delete(trap);

  trap = call(kOuterExport, 0, NULL, 0, NULL);
  CHECK(trap != NULL);
  wasm_trap_trace(trap, &trace);
  CHECK(trace.size == 2);
  if (trace.size == 2) {
    CHECK(frame_is(trace.data[0], kBoom, 1));
    CHECK(frame_is(trace.data[1], kOuter, 1));
  }
  wasm_frame_vec_copy(&trace_copy, &trace);
  CHECK(trace_copy.size == trace.size && trace_copy.data[0] != trace.data[0]);
  if (trace_copy.size == 2) CHECK(frame_is(trace_copy.data[1], kOuter, 1));
  wasm_frame_vec_delete(&trace);
  wasm_trap_delete(trap); /* before the copied frames */
  wasm_frame_vec_delete(&trace_copy);

  trap = call(kForever, 0, NULL, 0, NULL);
  CHECK(trap != NULL && trap_says(trap, "call stack exhausted"));
  wasm_trap_delete(trap);

  /* A trap made by the host has no frames. */
  {
    wasm_message_t message;
    wasm_name_new_from_string(&message, "no NUL given");
    trap = wasm_trap_new(store, &message);
    wasm_byte_vec_delete(&message);
    CHECK(trap_says(trap, "no NUL given"));
    CHECK(wasm_trap_origin(trap) == NULL);
    wasm_trap_trace(trap, &trace);
    CHECK(trace.size == 0);
    wasm_frame_vec_delete(&trace);
    wasm_trap_delete(trap);
    trap = wasm_trap_new(NULL, NULL);
    CHECK(trap != NULL && trap_says(trap, ""));
    wasm_trap_delete(trap);
  }
  CHECK(wasm_trap_origin(NULL) == NULL);
  wasm_trap_trace(NULL, &trace);
  CHECK(trace.size == 0);
  {
    wasm_message_t message;
    wasm_trap_message(NULL, &message);
    CHECK(message.size == 0);
    wasm_trap_message(NULL, NULL);
  }
  CHECK(wasm_frame_instance(NULL) == NULL && wasm_frame_func_index(NULL) == 0 &&
        wasm_frame_func_offset(NULL) == 0 && wasm_frame_module_offset(NULL) == 0 &&
        wasm_frame_copy(NULL) == NULL);
  wasm_frame_delete(NULL);
}

static void test_host_functions(void) {
  wasm_val_t args[2] = {WASM_I32_VAL(20), WASM_I32_VAL(22)};
  wasm_val_t result = WASM_INIT_VAL;
  wasm_trap_t* trap;
  wasm_frame_t* origin;

  add_calls = 0;
  CHECK(call(kCallAdd, 2, args, 1, &result) == NULL);
  CHECK(result.kind == WASM_I32 && result.of.i32 == 42 && add_calls == 1);

  /* The host's trap is the call's trap, now with the guest frame that called the host. */
  trap = call(kCallFailExport, 0, NULL, 0, NULL);
  CHECK(trap != NULL && trap_says(trap, "host says no"));
  CHECK(last_host_trap != NULL && wasm_trap_same(trap, last_host_trap));
  origin = wasm_trap_origin(trap);
  CHECK(frame_is(origin, kCallFail, 1));
  wasm_frame_delete(origin);
  wasm_trap_delete(trap);
  wasm_trap_delete(last_host_trap);
  last_host_trap = NULL;

  /* Through the table: element 1 is the host "add", 0 is null, 2 is past the end. */
  args[0].of.i32 = 5;
  args[1].of.i32 = 1;
  CHECK(call(kCallTable, 2, args, 1, &result) == NULL);
  CHECK(result.of.i32 == 10 && add_calls == 2);
  args[1].of.i32 = 0;
  trap = call(kCallTable, 2, args, 1, &result);
  CHECK(trap != NULL && trap_says(trap, "uninitialized element"));
  wasm_trap_delete(trap);
  args[1].of.i32 = 2;
  trap = call(kCallTable, 2, args, 1, &result);
  CHECK(trap != NULL && trap_says(trap, "undefined element"));
  wasm_trap_delete(trap);

  /* A host callback returning a value of the wrong kind makes a trap, not a crash. */
  {
    wasm_functype_t* type = wasm_functype_new_0_1(wasm_valtype_new_i32());
    wasm_func_t* wrong = wasm_func_new(store, type, wrong_kind_callback);
    wasm_val_vec_t none = WASM_EMPTY_VEC;
    wasm_val_vec_t one = {1, &result};
    trap = wasm_func_call(wrong, &none, &one);
    CHECK(trap != NULL && trap_mentions(trap, "result 0"));
    wasm_trap_delete(trap);
    wasm_func_delete(wrong);
    wasm_functype_delete(type);
    CHECK(wasm_func_new(store, NULL, add_callback) == NULL);
    CHECK(wasm_func_new(NULL, type, add_callback) == NULL);
  }
}

/* A host function calling back into the guest, which calls the host again. */
static wasm_trap_t* reenter_callback(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  wasm_val_t inner_args[2];
  wasm_val_vec_t a = WASM_ARRAY_VEC(inner_args);
  wasm_val_vec_t r = {1, &results->data[0]};
  inner_args[0] = args->data[0];
  inner_args[1] = args->data[0];
  return wasm_func_call(export_func(kCallAdd), &a, &r);
}

/* A host function passing on the trap of a call it made. */
static wasm_trap_t* pass_trap_callback(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  (void)args;
  (void)results;
  return wasm_func_call(export_func(kCallFailExport), &none, &none);
}

static void test_reentry(void) {
  wasm_functype_t* type = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_functype_t* type0 = wasm_functype_new_0_0();
  wasm_func_t* reenter = wasm_func_new(store, type, reenter_callback);
  wasm_func_t* pass = wasm_func_new(store, type0, pass_trap_callback);
  wasm_val_t arg = WASM_I32_VAL(21), result = WASM_INIT_VAL;
  wasm_val_vec_t a = {1, &arg}, r = {1, &result}, none = WASM_EMPTY_VEC;
  wasm_trap_t* trap;
  add_calls = 0;
  CHECK(wasm_func_call(reenter, &a, &r) == NULL);
  CHECK(result.kind == WASM_I32 && result.of.i32 == 42 && add_calls == 1);
  trap = wasm_func_call(pass, &none, &none);
  CHECK(trap != NULL && trap_says(trap, "host says no"));
  wasm_trap_delete(trap);
  wasm_trap_delete(last_host_trap);
  last_host_trap = NULL;
  wasm_func_delete(reenter);
  wasm_func_delete(pass);
  wasm_functype_delete(type);
  wasm_functype_delete(type0);
}

static void test_imported_objects(void) {
  wasm_val_t arg = WASM_I64_VAL(99), result = WASM_INIT_VAL, value;
  wasm_val_t address = WASM_I32_VAL(100);
  wasm_trap_t* trap;
  /* The guest sees the host's global, and the host the guest's writes. */
  CHECK(call(kGetG, 0, NULL, 1, &result) == NULL && result.kind == WASM_I64 && result.of.i64 == -3);
  CHECK(call(kSetG, 1, &arg, 0, NULL) == NULL);
  wasm_global_get(host_global, &value);
  CHECK(value.kind == WASM_I64 && value.of.i64 == 99);
  value.of.i64 = 5;
  wasm_global_set(host_global, &value);
  CHECK(call(kGetG, 0, NULL, 1, &result) == NULL && result.of.i64 == 5);
  /* Memory: the host writes, the guest reads; growing from the host shows in the guest. */
  wasm_memory_data(host_memory)[100] = 77;
  CHECK(call(kLoad8, 1, &address, 1, &result) == NULL && result.of.i32 == 77);
  address.of.i32 = 65536;
  trap = call(kLoad8, 1, &address, 1, &result);
  CHECK(trap != NULL && trap_says(trap, "out of bounds memory access"));
  wasm_trap_delete(trap);
  CHECK(wasm_memory_grow(host_memory, 1) && wasm_memory_size(host_memory) == 2);
  wasm_memory_data(host_memory)[65536] = 5;
  CHECK(call(kLoad8, 1, &address, 1, &result) == NULL && result.of.i32 == 5);
}

static void test_references(void) {
  wasm_foreign_t* foreign = wasm_foreign_new(store);
  wasm_val_t arg = WASM_REF_VAL(wasm_foreign_as_ref(foreign)), result = WASM_INIT_VAL;
  wasm_trap_t* trap;
  static int info;
  wasm_foreign_set_host_info(foreign, &info);
  echo_seen_info = NULL;
  CHECK(call(kCallEcho, 1, &arg, 1, &result) == NULL);
  CHECK(echo_seen_info == &info);
  CHECK(result.kind == WASM_EXTERNREF && result.of.ref != NULL &&
        wasm_ref_same(result.of.ref, wasm_foreign_as_ref(foreign)) &&
        wasm_ref_get_host_info(result.of.ref) == &info);
  wasm_val_delete(&result);
  arg.of.ref = NULL;
  CHECK(call(kCallEcho, 1, &arg, 1, &result) == NULL && result.of.ref == NULL);

  /* funcref: a function passes (as WASM_REF_VAL makes it, or as a funcref), a foreign does not. */
  arg.of.ref = wasm_func_as_ref(export_func(kSum));
  CHECK(call(kIdFunc, 1, &arg, 1, &result) == NULL);
  CHECK(result.kind == WASM_FUNCREF && wasm_ref_same(result.of.ref, arg.of.ref));
  wasm_val_delete(&result);
  arg.kind = WASM_FUNCREF;
  CHECK(call(kIdFunc, 1, &arg, 1, &result) == NULL && result.of.ref != NULL);
  wasm_val_delete(&result);
  arg.of.ref = wasm_foreign_as_ref(foreign);
  trap = call(kIdFunc, 1, &arg, 1, &result);
  CHECK(trap != NULL && trap_mentions(trap, "argument 0"));
  wasm_trap_delete(trap);
  /* A trap is no externref value. */
  {
    wasm_trap_t* t = wasm_trap_new(store, NULL);
    arg.kind = WASM_EXTERNREF;
    arg.of.ref = wasm_trap_as_ref(t);
    trap = call(kCallEcho, 1, &arg, 1, &result);
    CHECK(trap != NULL);
    wasm_trap_delete(trap);
    wasm_trap_delete(t);
  }
  wasm_foreign_delete(foreign);
}

static void test_bad_calls(void) {
  wasm_val_t args[4] = {WASM_I32_VAL(1), WASM_I32_VAL(2), WASM_F32_VAL(0.5f), WASM_F64_VAL(0.25)};
  wasm_val_t result = WASM_INIT_VAL;
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  wasm_trap_t* trap;
  /* An i32 where an i64 goes. */
  trap = call(kSum, 4, args, 1, &result);
  CHECK(trap != NULL && trap_mentions(trap, "argument 1"));
  wasm_trap_delete(trap);
  /* Too few and too many arguments. */
  trap = call(kSum, 3, args, 1, &result);
  CHECK(trap != NULL && trap_mentions(trap, "expected 4 arguments, got 3"));
  wasm_trap_delete(trap);
  trap = call(kDiv, 4, args, 1, &result);
  CHECK(trap != NULL);
  wasm_trap_delete(trap);
  /* No room for the result of a call that returns. */
  args[1].of.i32 = 1;
  trap = call(kDiv, 2, args, 0, NULL);
  CHECK(trap != NULL && trap_mentions(trap, "room"));
  wasm_trap_delete(trap);
  /* An unknown kind. */
  args[0].kind = 77;
  trap = call(kDiv, 2, args, 1, &result);
  CHECK(trap != NULL);
  wasm_trap_delete(trap);
  /* Null function and null vectors. */
  trap = wasm_func_call(NULL, &none, &none);
  CHECK(trap != NULL);
  wasm_trap_delete(trap);
  trap = wasm_func_call(export_func(kGetG), NULL, NULL);
  CHECK(trap != NULL && trap_mentions(trap, "room"));
  wasm_trap_delete(trap);
  CHECK(wasm_func_type(NULL) == NULL && wasm_func_param_arity(NULL) == 0 &&
        wasm_func_result_arity(NULL) == 0);
  /* v128 cannot cross: the type says so, a call traps. */
  {
    wasm_functype_t* type = wasm_func_type(export_func(kV128));
    CHECK(wasm_valtype_kind(wasm_functype_params(type)->data[0]) == WASMSCOPE_V128);
    wasm_functype_delete(type);
    args[0].kind = WASMSCOPE_V128;
    trap = call(kV128, 1, args, 1, &result);
    CHECK(trap != NULL && trap_mentions(trap, "v128"));
    wasm_trap_delete(trap);
  }
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  setup(engine);
  if (exports.size == 15) {
    test_numbers();
    test_traps();
    test_host_functions();
    test_reentry();
    test_imported_objects();
    test_references();
    test_bad_calls();
  }
  wasm_extern_vec_delete(&exports);
  wasm_global_delete(host_global);
  wasm_memory_delete(host_memory);
  wasm_instance_delete(instance);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return check_report("capi_calls_test");
}
