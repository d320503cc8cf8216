/* include/wasm.h: modules. Compiling and validating, import and export types, serializing and
 * deserializing, and sharing a module with threads that obtain it in stores of their own. */
#include <pthread.h>

#include "check.h"
#include "wasmscope.h"

/* (module (func (result i32))): decodes, but the body leaves no i32. */
static const unsigned char invalid_wasm[] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01,
                                             0x05, 0x01, 0x60, 0x00, 0x01, 0x7f, 0x03, 0x02, 0x01,
                                             0x00, 0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b};

static int is_func(const wasm_externtype_t* type, size_t params, const wasm_valkind_t* p,
                   size_t results, const wasm_valkind_t* r) {
  const wasm_functype_t* f = wasm_externtype_as_functype_const(type);
  size_t i;
  if (f == NULL || wasm_functype_params(f)->size != params ||
      wasm_functype_results(f)->size != results) {
    return 0;
  }
  for (i = 0; i < params; ++i) {
    if (wasm_valtype_kind(wasm_functype_params(f)->data[i]) != p[i]) return 0;
  }
  for (i = 0; i < results; ++i) {
    if (wasm_valtype_kind(wasm_functype_results(f)->data[i]) != r[i]) return 0;
  }
  return 1;
}

static int is_global(const wasm_externtype_t* type, wasm_valkind_t kind, wasm_mutability_t mut) {
  const wasm_globaltype_t* g = wasm_externtype_as_globaltype_const(type);
  return g != NULL && wasm_valtype_kind(wasm_globaltype_content(g)) == kind &&
         wasm_globaltype_mutability(g) == mut;
}

static int is_table(const wasm_externtype_t* type, wasm_valkind_t kind, uint32_t min,
                    uint32_t max) {
  const wasm_tabletype_t* t = wasm_externtype_as_tabletype_const(type);
  return t != NULL && wasm_valtype_kind(wasm_tabletype_element(t)) == kind &&
         wasm_tabletype_limits(t)->min == min && wasm_tabletype_limits(t)->max == max;
}

static int is_memory(const wasm_externtype_t* type, uint32_t min, uint32_t max) {
  const wasm_memorytype_t* m = wasm_externtype_as_memorytype_const(type);
  return m != NULL && wasm_memorytype_limits(m)->min == min &&
         wasm_memorytype_limits(m)->max == max;
}

/* reflect.wat's imports and exports, as its text declares them. */
static void check_reflection(const wasm_module_t* module) {
  const wasm_valkind_t i32_f32[2] = {WASM_I32, WASM_F32};
  const wasm_valkind_t i64[1] = {WASM_I64};
  const wasm_valkind_t i64_f64[2] = {WASM_I64, WASM_F64};
  const wasm_valkind_t i32_i32[2] = {WASM_I32, WASM_I32};
  const uint32_t none = wasm_limits_max_default;
  wasm_importtype_vec_t imports;
  wasm_exporttype_vec_t exports;

  wasm_module_imports(module, &imports);
  CHECK(imports.size == 4);
  if (imports.size == 4) {
    CHECK(name_is(wasm_importtype_module(imports.data[0]), "a") &&
          name_is(wasm_importtype_name(imports.data[0]), "f") &&
          is_func(wasm_importtype_type(imports.data[0]), 2, i32_f32, 1, i64));
    CHECK(name_is(wasm_importtype_name(imports.data[1]), "g") &&
          is_global(wasm_importtype_type(imports.data[1]), WASM_F64, WASM_VAR));
    CHECK(name_is(wasm_importtype_module(imports.data[2]), "b") &&
          name_is(wasm_importtype_name(imports.data[2]), "t") &&
          is_table(wasm_importtype_type(imports.data[2]), WASM_EXTERNREF, 1, 10));
    CHECK(name_is(wasm_importtype_name(imports.data[3]), "m") &&
          is_memory(wasm_importtype_type(imports.data[3]), 2, none));
  }
  wasm_importtype_vec_delete(&imports);

  wasm_module_exports(module, &exports);
  CHECK(exports.size == 5);
  if (exports.size == 5) {
    CHECK(name_is(wasm_exporttype_name(exports.data[0]), "h") &&
          is_func(wasm_exporttype_type(exports.data[0]), 2, i64_f64, 2, i32_i32));
    CHECK(name_is(wasm_exporttype_name(exports.data[1]), "k") &&
          is_global(wasm_exporttype_type(exports.data[1]), WASM_I32, WASM_CONST));
    CHECK(name_is(wasm_exporttype_name(exports.data[2]), "u") &&
          is_table(wasm_exporttype_type(exports.data[2]), WASM_FUNCREF, 4, none));
    /* Re-exports of imports have the imports' types. */
    CHECK(name_is(wasm_exporttype_name(exports.data[3]), "n") &&
          is_memory(wasm_exporttype_type(exports.data[3]), 2, none));
    CHECK(name_is(wasm_exporttype_name(exports.data[4]), "f2") &&
          is_func(wasm_exporttype_type(exports.data[4]), 2, i32_f32, 1, i64));
  }
  wasm_exporttype_vec_delete(&exports);
}

static void test_compile(wasm_store_t* store) {
  wasm_byte_vec_t binary, garbage, empty;
  wasm_module_t* module;
  wasm_module_t* copy;
  const wasm_byte_t junk[4] = {'j', 'u', 'n', 'k'};

  bytes_of(&binary, reflect_wasm, reflect_wasm_size);
  CHECK(wasm_module_validate(store, &binary));
  module = wasm_module_new(store, &binary);
  CHECK(module != NULL);
  wasm_byte_vec_delete(&binary);
  check_reflection(module);
  copy = wasm_module_copy(module);
  CHECK(copy != module && wasm_module_same(copy, module));
  wasm_module_delete(module);
  check_reflection(copy); /* the copy keeps the module alive */
  wasm_module_delete(copy);

  wasm_byte_vec_new(&garbage, 4, junk);
  CHECK(!wasm_module_validate(store, &garbage) && wasm_module_new(store, &garbage) == NULL);
  wasm_byte_vec_delete(&garbage);
  bytes_of(&binary, invalid_wasm, sizeof invalid_wasm);
  CHECK(!wasm_module_validate(store, &binary) && wasm_module_new(store, &binary) == NULL);
  /* Truncated: every proper prefix of a module is refused. */
  binary.size = sizeof invalid_wasm - 1;
  CHECK(!wasm_module_validate(store, &binary) && wasm_module_new(store, &binary) == NULL);
  binary.size = sizeof invalid_wasm;
  wasm_byte_vec_delete(&binary);
  wasm_byte_vec_new_empty(&empty);
  CHECK(!wasm_module_validate(store, &empty) && wasm_module_new(store, &empty) == NULL);
  CHECK(!wasm_module_validate(store, NULL) && wasm_module_new(store, NULL) == NULL);
  CHECK(!wasm_module_validate(NULL, &empty) && wasm_module_new(NULL, &empty) == NULL);
  {
    wasm_exporttype_vec_t exports;
    wasm_module_exports(NULL, &exports);
    CHECK(exports.size == 0);
    wasm_module_exports(NULL, NULL);
    wasm_module_imports(NULL, NULL);
  }
}

static void test_serialize(wasm_store_t* store) {
  wasm_module_t* module = load_module(store, reflect_wasm, reflect_wasm_size);
  wasm_module_t* again;
  wasm_byte_vec_t serialized, plain;
  wasm_store_t* other;
  wasm_engine_t* engine = wasm_engine_new();

  wasm_module_serialize(module, &serialized);
  CHECK(serialized.size > reflect_wasm_size);
  /* Into another store of another engine. */
  other = wasm_store_new(engine);
  again = wasm_module_deserialize(other, &serialized);
  CHECK(again != NULL && !wasm_module_same(again, module));
  if (again != NULL) check_reflection(again);
  wasm_module_delete(again);
  /* Damaged or foreign bytes are refused. */
  serialized.data[0] ^= 1;
  CHECK(wasm_module_deserialize(other, &serialized) == NULL);
  serialized.data[0] ^= 1;
  serialized.size -= 1;
  CHECK(wasm_module_deserialize(other, &serialized) == NULL);
  serialized.size += 1;
  bytes_of(&plain, reflect_wasm, reflect_wasm_size);
  CHECK(wasm_module_deserialize(other, &plain) == NULL);
  wasm_byte_vec_delete(&plain);
  CHECK(wasm_module_deserialize(other, NULL) == NULL &&
        wasm_module_deserialize(NULL, &serialized) == NULL);
  wasm_byte_vec_delete(&serialized);
  wasm_module_serialize(NULL, &serialized);
  CHECK(serialized.size == 0);
  wasm_module_serialize(module, NULL);
  wasm_module_delete(module);
  wasm_store_delete(other);
  wasm_engine_delete(engine);
}

typedef struct {
  wasm_engine_t* engine;
  wasm_shared_module_t* shared;
  int32_t result;
} thread_job;

/* In a store of its own: obtains objects.wat, instantiates it and calls "seven". */
static void* run_job(void* arg) {
  thread_job* job = (thread_job*)arg;
  wasm_store_t* store = wasm_store_new(job->engine);
  wasm_module_t* module = wasm_module_obtain(store, job->shared);
  wasm_globaltype_t* type = wasm_globaltype_new(wasm_valtype_new_i32(), WASM_CONST);
  wasm_val_t no = WASM_I32_VAL(0), result = WASM_INIT_VAL;
  wasm_global_t* flag = wasm_global_new(store, type, &no);
  wasm_extern_t* imports[1];
  wasm_extern_vec_t import_vec = WASM_ARRAY_VEC(imports);
  wasm_val_vec_t args = WASM_EMPTY_VEC, results = {1, &result};
  wasm_instance_t* instance;
  imports[0] = wasm_global_as_extern(flag);
  instance = wasm_instance_new(store, module, &import_vec, NULL);
  job->result = -1;
  if (instance != NULL) {
    wasm_extern_vec_t exports;
    wasm_instance_exports(instance, &exports);
    if (exports.size == 7 &&
        wasm_func_call(wasm_extern_as_func(exports.data[6]), &args, &results) == NULL) {
      job->result = result.of.i32;
    }
    wasm_extern_vec_delete(&exports);
  }
  wasm_instance_delete(instance);
  wasm_global_delete(flag);
  wasm_globaltype_delete(type);
  wasm_module_delete(module);
  wasm_store_delete(store);
  return NULL;
}

/* {module} instantiated and called in a store of its own of {engine}, as run_job does: the
 * job's result. */
static int run_shared(wasm_engine_t* engine, const wasm_module_t* module) {
  thread_job job;
  job.engine = engine;
  job.shared = wasm_module_share(module);
  job.result = 0;
  run_job(&job);
  wasm_shared_module_delete(job.shared);
  return job.result;
}

/* A compiled module serializes with its native code (as a .cwasm file) and deserializes into
 * stores of either tier without compiling; damaged and truncated bytes are refused, with the
 * reason in wasmscope_last_error(). */
static void test_serialize_compiled(void) {
  wasm_config_t* config = wasm_config_new();
  wasm_engine_t *engine, *interp_engine;
  wasm_store_t *store, *other, *interp;
  wasm_module_t *module, *again, *in_interp;
  wasm_byte_vec_t serialized;
  CHECK(!wasmscope_config_set_opt_level(config, 4));
  CHECK(wasmscope_config_set_opt_level(config, 1));
  CHECK(!wasmscope_config_set_tier(config, (wasmscope_tier_t)7));
  CHECK(!wasmscope_config_set_tier(NULL, WASMSCOPE_TIER_COMPILED));
  if (!wasmscope_config_set_tier(config, WASMSCOPE_TIER_COMPILED)) {
    printf("no compiled tier in this build (%s): skipping its serialization\n",
           wasmscope_last_error());
    wasm_config_delete(config);
    return;
  }
  engine = wasm_engine_new_with_config(config);
  store = wasm_store_new(engine);
  module = load_module(store, objects_wasm, objects_wasm_size);
  CHECK(module != NULL);
  wasm_module_serialize(module, &serialized);
  CHECK(serialized.size > 8 && memcmp(serialized.data, "\0wscwasm", 8) == 0);
  other = wasm_store_new(engine);
  again = wasm_module_deserialize(other, &serialized);
  CHECK(again != NULL);
  if (again != NULL) CHECK(run_shared(engine, again) == 7);
  /* An interpreter's store takes it too, and runs it compiled. */
  interp_engine = wasm_engine_new();
  interp = wasm_store_new(interp_engine);
  in_interp = wasm_module_deserialize(interp, &serialized);
  CHECK(in_interp != NULL);
  if (in_interp != NULL) {
    CHECK(run_shared(interp_engine, in_interp) == 7);
    wasm_module_delete(in_interp);
  }
  serialized.data[serialized.size / 2] ^= 1;
  CHECK(wasm_module_deserialize(other, &serialized) == NULL);
  CHECK(strstr(wasmscope_last_error(), "checksum") != NULL);
  serialized.data[serialized.size / 2] ^= 1;
  serialized.size -= 1;
  CHECK(wasm_module_deserialize(other, &serialized) == NULL);
  CHECK(strstr(wasmscope_last_error(), "truncated") != NULL);
  serialized.size += 1;
  wasm_byte_vec_delete(&serialized);
  wasm_module_delete(again);
  wasm_module_delete(module);
  wasm_store_delete(interp);
  wasm_store_delete(other);
  wasm_store_delete(store);
  wasm_engine_delete(interp_engine);
  wasm_engine_delete(engine);
}

static void test_share(wasm_engine_t* engine) {
  enum { kThreads = 4 };
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, objects_wasm, objects_wasm_size);
  wasm_shared_module_t* shared = wasm_module_share(module);
  pthread_t threads[kThreads];
  thread_job jobs[kThreads];
  int i;
  CHECK(shared != NULL);
  /* The shared module outlives the module and store it came from. */
  wasm_module_delete(module);
  wasm_store_delete(store);
  for (i = 0; i < kThreads; ++i) {
    jobs[i].engine = engine;
    jobs[i].shared = shared;
    jobs[i].result = 0;
    CHECK(pthread_create(&threads[i], NULL, run_job, &jobs[i]) == 0);
  }
  for (i = 0; i < kThreads; ++i) {
    pthread_join(threads[i], NULL);
    CHECK(jobs[i].result == 7);
  }
  store = wasm_store_new(engine);
  CHECK(wasm_module_obtain(store, NULL) == NULL && wasm_module_obtain(NULL, shared) == NULL);
  CHECK(wasm_module_share(NULL) == NULL);
  wasm_store_delete(store);
  wasm_shared_module_delete(shared);
  wasm_shared_module_delete(NULL);
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  test_compile(store);
  test_serialize(store);
  wasm_store_delete(store);
  test_serialize_compiled();
  test_share(engine);
  wasm_engine_delete(engine);
  return check_report("capi_modules_test");
}
