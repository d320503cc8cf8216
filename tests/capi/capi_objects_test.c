/* include/wasm.h: globals, tables, memories, externals, references and foreign objects, host
 * info with finalizers, instances of a module exporting every kind, and deleting handles and
 * stores in every order the ownership rules allow. */
#include <stdint.h>

#include "check.h"

/* Finalizer calls per tag (the host info is the tag). */
enum { kTags = 32 };
static int finalized[kTags];
static void count_finalizer(void* tag) {
  const intptr_t i = (intptr_t)tag;
  if (i >= 0 && i < kTags) ++finalized[i];
}
#define TAG(i) ((void*)(intptr_t)(i))

static wasm_trap_t* return_seven(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = 7;
  return NULL;
}

static wasm_func_t* seven_func(wasm_store_t* store) {
  wasm_functype_t* type = wasm_functype_new_0_1(wasm_valtype_new_i32());
  wasm_func_t* f = wasm_func_new(store, type, return_seven);
  wasm_functype_delete(type);
  return f;
}

static int call_i32(const wasm_func_t* f, int32_t* out) {
  wasm_val_t result = WASM_INIT_VAL;
  wasm_val_vec_t args = WASM_EMPTY_VEC;
  wasm_val_vec_t results = {1, &result};
  wasm_trap_t* trap = wasm_func_call(f, &args, &results);
  if (trap != NULL) {
    wasm_trap_delete(trap);
    return 0;
  }
  *out = result.of.i32;
  return result.kind == WASM_I32;
}

static void test_globals(wasm_store_t* store) {
  wasm_globaltype_t* const_i32 = wasm_globaltype_new(wasm_valtype_new_i32(), WASM_CONST);
  wasm_globaltype_t* var_f64 = wasm_globaltype_new(wasm_valtype_new_f64(), WASM_VAR);
  wasm_globaltype_t* var_ext = wasm_globaltype_new(wasm_valtype_new_externref(), WASM_VAR);
  wasm_globaltype_t* var_func = wasm_globaltype_new(wasm_valtype_new_funcref(), WASM_VAR);
  wasm_val_t v42 = WASM_I32_VAL(42), f = WASM_F64_VAL(0.5), i = WASM_I32_VAL(1), out;
  wasm_global_t* g1 = wasm_global_new(store, const_i32, &v42);
  wasm_global_t* g2 = wasm_global_new(store, var_f64, &f);
  wasm_foreign_t* foreign = wasm_foreign_new(store);
  wasm_func_t* func = seven_func(store);
  wasm_globaltype_t* type;

  CHECK(g1 != NULL && g2 != NULL);
  wasm_global_get(g1, &out);
  CHECK(out.kind == WASM_I32 && out.of.i32 == 42);
  wasm_global_set(g1, &i); /* immutable: ignored */
  wasm_global_get(g1, &out);
  CHECK(out.of.i32 == 42);
  f.of.f64 = 1.25;
  wasm_global_set(g2, &f);
  wasm_global_set(g2, &i); /* another kind: ignored */
  wasm_global_get(g2, &out);
  CHECK(out.kind == WASM_F64 && out.of.f64 == 1.25);
  type = wasm_global_type(g2);
  CHECK(wasm_valtype_kind(wasm_globaltype_content(type)) == WASM_F64 &&
        wasm_globaltype_mutability(type) == WASM_VAR);
  wasm_globaltype_delete(type);

  /* A value of another kind makes no global. */
  CHECK(wasm_global_new(store, const_i32, &f) == NULL);
  CHECK(wasm_global_new(store, NULL, &f) == NULL &&
        wasm_global_new(NULL, const_i32, &v42) == NULL &&
        wasm_global_new(store, const_i32, NULL) == NULL);

  /* Reference globals: the value read back is a new handle to the same object. */
  {
    wasm_val_t r = WASM_REF_VAL(wasm_foreign_as_ref(foreign));
    wasm_val_t fr = WASM_REF_VAL(wasm_func_as_ref(func));
    wasm_global_t* ge = wasm_global_new(store, var_ext, &r);
    wasm_global_t* gf = wasm_global_new(store, var_func, &fr);
    CHECK(ge != NULL && gf != NULL);
    wasm_global_get(ge, &out);
    CHECK(out.kind == WASM_EXTERNREF && out.of.ref != NULL &&
          out.of.ref != wasm_foreign_as_ref(foreign) &&
          wasm_ref_same(out.of.ref, wasm_foreign_as_ref(foreign)));
    CHECK(wasm_ref_as_foreign(out.of.ref) != NULL);
    wasm_val_delete(&out);
    wasm_global_get(gf, &out);
    CHECK(out.kind == WASM_FUNCREF && wasm_ref_same(out.of.ref, wasm_func_as_ref(func)));
    {
      int32_t seven = 0;
      CHECK(call_i32(wasm_ref_as_func(out.of.ref), &seven) && seven == 7);
    }
    wasm_val_delete(&out);
    /* A foreign object is no funcref. */
    CHECK(wasm_global_new(store, var_func, &r) == NULL);
    r.of.ref = NULL;
    wasm_global_set(ge, &r);
    wasm_global_get(ge, &out);
    CHECK(out.kind == WASM_EXTERNREF && out.of.ref == NULL);
    wasm_global_delete(ge);
    wasm_global_delete(gf);
  }
  wasm_global_get(NULL, &out);
  wasm_global_get(g1, NULL);
  wasm_global_set(NULL, &v42);
  wasm_global_set(g2, NULL);
  CHECK(wasm_global_type(NULL) == NULL);

  wasm_globaltype_delete(const_i32);
  wasm_globaltype_delete(var_f64);
  wasm_globaltype_delete(var_ext);
  wasm_globaltype_delete(var_func);
  wasm_global_delete(g1);
  wasm_global_delete(g2);
  wasm_foreign_delete(foreign);
  wasm_func_delete(func);
}

static void test_tables(wasm_store_t* store) {
  wasm_limits_t two_to_four = {2, 4};
  wasm_limits_t inverted = {3, 2};
  wasm_limits_t huge = {0xfffffff0u, wasm_limits_max_default};
  wasm_tabletype_t* type = wasm_tabletype_new(wasm_valtype_new_funcref(), &two_to_four);
  wasm_tabletype_t* ext_type = wasm_tabletype_new(wasm_valtype_new_externref(), &two_to_four);
  wasm_tabletype_t* bad = wasm_tabletype_new(wasm_valtype_new_funcref(), &inverted);
  wasm_tabletype_t* too_big = wasm_tabletype_new(wasm_valtype_new_funcref(), &huge);
  wasm_table_t* table = wasm_table_new(store, type, NULL);
  wasm_func_t* func = seven_func(store);
  wasm_foreign_t* foreign = wasm_foreign_new(store);
  wasm_ref_t* got;
  wasm_tabletype_t* now;

  CHECK(table != NULL && wasm_table_size(table) == 2);
  CHECK(wasm_table_get(table, 0) == NULL && wasm_table_get(table, 1) == NULL);
  CHECK(wasm_table_set(table, 1, wasm_func_as_ref(func)));
  got = wasm_table_get(table, 1);
  CHECK(got != NULL && wasm_ref_same(got, wasm_func_as_ref(func)));
  wasm_ref_delete(got);
  CHECK(!wasm_table_set(table, 2, NULL));                         /* out of range */
  CHECK(!wasm_table_set(table, 0, wasm_foreign_as_ref(foreign))); /* not a function */
  CHECK(wasm_table_get(table, 2) == NULL);
  CHECK(wasm_table_grow(table, 2, wasm_func_as_ref(func)));
  CHECK(wasm_table_size(table) == 4);
  got = wasm_table_get(table, 3);
  CHECK(got != NULL && wasm_ref_same(got, wasm_func_as_ref(func)));
  wasm_ref_delete(got);
  CHECK(!wasm_table_grow(table, 1, NULL)); /* past the maximum */
  CHECK(!wasm_table_grow(table, 0xffffffffu, NULL));
  CHECK(wasm_table_grow(table, 0, NULL));
  CHECK(!wasm_table_grow(table, 0, wasm_foreign_as_ref(foreign)));
  now = wasm_table_type(table);
  CHECK(wasm_tabletype_limits(now)->min == 4 && wasm_tabletype_limits(now)->max == 4 &&
        wasm_valtype_kind(wasm_tabletype_element(now)) == WASM_FUNCREF);
  wasm_tabletype_delete(now);
  CHECK(wasm_table_set(table, 1, NULL));
  CHECK(wasm_table_get(table, 1) == NULL);

  /* An externref table initialized with a foreign object. */
  {
    wasm_table_t* ext = wasm_table_new(store, ext_type, wasm_foreign_as_ref(foreign));
    CHECK(ext != NULL && wasm_table_size(ext) == 2);
    got = wasm_table_get(ext, 1);
    CHECK(got != NULL && wasm_ref_same(got, wasm_foreign_as_ref(foreign)));
    wasm_ref_delete(got);
    /* Any reference fits an externref table, a function too. */
    CHECK(wasm_table_set(ext, 0, wasm_func_as_ref(func)));
    got = wasm_table_get(ext, 0);
    CHECK(wasm_ref_as_func(got) != NULL && wasm_ref_same(got, wasm_func_as_ref(func)));
    wasm_ref_delete(got);
    wasm_table_delete(ext);
  }

  CHECK(wasm_table_new(store, bad, NULL) == NULL);
  CHECK(wasm_table_new(store, too_big, NULL) == NULL);
  CHECK(wasm_table_new(store, type, wasm_foreign_as_ref(foreign)) == NULL);
  CHECK(wasm_table_new(NULL, type, NULL) == NULL && wasm_table_new(store, NULL, NULL) == NULL);
  CHECK(wasm_table_size(NULL) == 0 && wasm_table_get(NULL, 0) == NULL &&
        !wasm_table_set(NULL, 0, NULL) && !wasm_table_grow(NULL, 1, NULL) &&
        wasm_table_type(NULL) == NULL);

  wasm_tabletype_delete(type);
  wasm_tabletype_delete(ext_type);
  wasm_tabletype_delete(bad);
  wasm_tabletype_delete(too_big);
  wasm_table_delete(table);
  wasm_func_delete(func);
  wasm_foreign_delete(foreign);
}

static void test_memories(wasm_store_t* store) {
  wasm_limits_t one_to_three = {1, 3};
  wasm_limits_t inverted = {2, 1};
  wasm_limits_t too_many = {65537, wasm_limits_max_default};
  wasm_limits_t max_too_big = {0, 65537};
  wasm_memorytype_t* type = wasm_memorytype_new(&one_to_three);
  wasm_memorytype_t* bad1 = wasm_memorytype_new(&inverted);
  wasm_memorytype_t* bad2 = wasm_memorytype_new(&too_many);
  wasm_memorytype_t* bad3 = wasm_memorytype_new(&max_too_big);
  wasm_memory_t* memory = wasm_memory_new(store, type);
  wasm_memorytype_t* now;
  byte_t* data;

  CHECK(memory != NULL && wasm_memory_size(memory) == 1 && wasm_memory_data_size(memory) == 65536);
  data = wasm_memory_data(memory);
  CHECK(data != NULL && data[0] == 0 && data[65535] == 0);
  data[65535] = 9;
  CHECK(wasm_memory_grow(memory, 1));
  CHECK(wasm_memory_size(memory) == 2 && wasm_memory_data_size(memory) == 2 * 65536);
  data = wasm_memory_data(memory);
  CHECK(data[65535] == 9 && data[2 * 65536 - 1] == 0);
  CHECK(!wasm_memory_grow(memory, 2)); /* past the maximum */
  CHECK(wasm_memory_grow(memory, 0));
  CHECK(wasm_memory_size(memory) == 2);
  now = wasm_memory_type(memory);
  CHECK(wasm_memorytype_limits(now)->min == 2 && wasm_memorytype_limits(now)->max == 3);
  wasm_memorytype_delete(now);

  CHECK(wasm_memory_new(store, bad1) == NULL && wasm_memory_new(store, bad2) == NULL &&
        wasm_memory_new(store, bad3) == NULL);
  CHECK(wasm_memory_new(NULL, type) == NULL && wasm_memory_new(store, NULL) == NULL);
  CHECK(wasm_memory_data(NULL) == NULL && wasm_memory_data_size(NULL) == 0 &&
        wasm_memory_size(NULL) == 0 && !wasm_memory_grow(NULL, 1) &&
        wasm_memory_type(NULL) == NULL);
  wasm_memorytype_delete(type);
  wasm_memorytype_delete(bad1);
  wasm_memorytype_delete(bad2);
  wasm_memorytype_delete(bad3);
  wasm_memory_delete(memory);
}

/* Exercises delete, copy, same, host info and finalizers of one handle of kind NAME; the
 * finalizer of {tag} must have run once when the object died (checked by the caller). */
#define EXERCISE_REF_BASE(name, handle, tag)                                              \
  do {                                                                                    \
    wasm_##name##_t* h_ = (handle);                                                       \
    wasm_##name##_t* c_ = wasm_##name##_copy(h_);                                         \
    static int marker_;                                                                   \
    CHECK(h_ != NULL && c_ != NULL && c_ != h_ && wasm_##name##_same(h_, c_));            \
    CHECK(!wasm_##name##_same(h_, NULL) && !wasm_##name##_same(NULL, h_));                \
    CHECK(wasm_##name##_get_host_info(h_) == NULL);                                       \
    wasm_##name##_set_host_info(h_, &marker_);                                            \
    CHECK(wasm_##name##_get_host_info(c_) == &marker_);                                   \
    wasm_##name##_set_host_info_with_finalizer(c_, TAG(tag), count_finalizer);            \
    CHECK(wasm_##name##_get_host_info(h_) == TAG(tag) && finalized[tag] == 0);            \
    wasm_##name##_delete(c_);                                                             \
    CHECK(wasm_##name##_copy(NULL) == NULL && wasm_##name##_get_host_info(NULL) == NULL); \
    wasm_##name##_set_host_info(NULL, NULL);                                              \
    wasm_##name##_set_host_info_with_finalizer(NULL, NULL, NULL);                         \
    wasm_##name##_delete(NULL);                                                           \
  } while (0)

/* As EXERCISE_REF_BASE, plus the conversions to and from wasm_ref_t. */
#define EXERCISE_REF(name, handle, tag)                                                          \
  do {                                                                                           \
    wasm_##name##_t* r_h_ = (handle);                                                            \
    wasm_ref_t* r_ = wasm_##name##_as_ref(r_h_);                                                 \
    EXERCISE_REF_BASE(name, r_h_, tag);                                                          \
    CHECK(r_ != NULL && wasm_ref_as_##name(r_) == r_h_);                                         \
    CHECK(wasm_##name##_as_ref_const(r_h_) == r_ && wasm_ref_as_##name##_const(r_) == r_h_);     \
    CHECK(wasm_ref_get_host_info(r_) == TAG(tag));                                               \
    CHECK(wasm_##name##_as_ref(NULL) == NULL && wasm_ref_as_##name(NULL) == NULL &&              \
          wasm_##name##_as_ref_const(NULL) == NULL && wasm_ref_as_##name##_const(NULL) == NULL); \
  } while (0)

static void test_references(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_limits_t limits = {1, 2};
  wasm_globaltype_t* gt = wasm_globaltype_new(wasm_valtype_new_i64(), WASM_VAR);
  wasm_tabletype_t* tt = wasm_tabletype_new(wasm_valtype_new_funcref(), &limits);
  wasm_memorytype_t* mt = wasm_memorytype_new(&limits);
  wasm_val_t zero = WASM_I64_VAL(0);
  wasm_func_t* func = seven_func(store);
  wasm_global_t* global = wasm_global_new(store, gt, &zero);
  wasm_table_t* table = wasm_table_new(store, tt, NULL);
  wasm_memory_t* memory = wasm_memory_new(store, mt);
  wasm_memory_t* memory2 = wasm_memory_new(store, mt);
  wasm_foreign_t* foreign = wasm_foreign_new(store);
  wasm_foreign_t* foreign2 = wasm_foreign_new(store);
  wasm_module_t* module = load_module(store, objects_wasm, objects_wasm_size);
  wasm_message_t text;
  wasm_trap_t* trap;
  wasm_instance_t* instance;
  wasm_extern_t* e;
  int i;

  {
    wasm_globaltype_t* it = wasm_globaltype_new(wasm_valtype_new_i32(), WASM_CONST);
    wasm_val_t no = WASM_I32_VAL(0);
    wasm_global_t* trap_at_start = wasm_global_new(store, it, &no);
    wasm_extern_t* imports[1];
    wasm_extern_vec_t import_vec = WASM_ARRAY_VEC(imports);
    imports[0] = wasm_global_as_extern(trap_at_start);
    instance = wasm_instance_new(store, module, &import_vec, NULL);
    CHECK(instance != NULL);
    wasm_global_delete(trap_at_start);
    wasm_globaltype_delete(it);
  }
  wasm_name_new_from_string_nt(&text, "a trap");
  trap = wasm_trap_new(store, &text);
  wasm_byte_vec_delete(&text);
  for (i = 0; i < kTags; ++i)
    finalized[i] = 0;

  EXERCISE_REF_BASE(ref, wasm_foreign_as_ref(foreign2), 1);
  EXERCISE_REF(func, func, 2);
  EXERCISE_REF(global, global, 3);
  EXERCISE_REF(table, table, 4);
  EXERCISE_REF(memory, memory, 5);
  EXERCISE_REF(foreign, foreign, 6);
  EXERCISE_REF(instance, instance, 7);
  EXERCISE_REF(trap, trap, 8);
  EXERCISE_REF(module, module, 9);
  /* An extern is its function: the host info is the function's. */
  e = wasm_func_as_extern(func);
  CHECK(wasm_extern_get_host_info(e) == TAG(2));
  EXERCISE_REF(extern, wasm_memory_as_extern(memory2), 10);
  CHECK(wasm_memory_get_host_info(memory2) == TAG(10));

  /* Conversions refuse other kinds. */
  CHECK(wasm_ref_as_func(wasm_foreign_as_ref(foreign)) == NULL);
  CHECK(wasm_ref_as_foreign(wasm_func_as_ref(func)) == NULL);
  CHECK(wasm_ref_as_extern(wasm_trap_as_ref(trap)) == NULL);
  CHECK(wasm_ref_as_extern(wasm_table_as_ref(table)) == wasm_table_as_extern(table));
  CHECK(wasm_ref_as_trap_const(wasm_module_as_ref(module)) == NULL);
  CHECK(wasm_ref_as_instance(wasm_global_as_ref(global)) == NULL);
  CHECK(wasm_ref_as_module(wasm_instance_as_ref(instance)) == NULL);
  CHECK(wasm_ref_as_global(wasm_memory_as_ref(memory)) == NULL);
  CHECK(wasm_ref_as_table(wasm_func_as_ref(func)) == NULL);
  CHECK(wasm_ref_as_memory_const(wasm_table_as_ref(table)) == NULL);
  /* Different objects are not the same, handles of one are. */
  CHECK(!wasm_foreign_same(foreign, foreign2));
  CHECK(!wasm_ref_same(wasm_foreign_as_ref(foreign), wasm_func_as_ref(func)));

  /* Externals: kinds, types and the conversions both ways. */
  {
    wasm_extern_t* ef = wasm_func_as_extern(func);
    wasm_extern_t* eg = wasm_global_as_extern(global);
    wasm_extern_t* et = wasm_table_as_extern(table);
    wasm_extern_t* em = wasm_memory_as_extern(memory);
    wasm_externtype_t* type;
    CHECK(wasm_extern_kind(ef) == WASM_EXTERN_FUNC && wasm_extern_kind(eg) == WASM_EXTERN_GLOBAL &&
          wasm_extern_kind(et) == WASM_EXTERN_TABLE && wasm_extern_kind(em) == WASM_EXTERN_MEMORY);
    CHECK(wasm_extern_as_func(ef) == func && wasm_extern_as_global(eg) == global &&
          wasm_extern_as_table(et) == table && wasm_extern_as_memory(em) == memory);
    CHECK(wasm_extern_as_func(eg) == NULL && wasm_extern_as_global(et) == NULL &&
          wasm_extern_as_table(em) == NULL && wasm_extern_as_memory(ef) == NULL);
    CHECK(wasm_extern_as_func_const(ef) == func && wasm_extern_as_global_const(eg) == global &&
          wasm_extern_as_table_const(et) == table && wasm_extern_as_memory_const(em) == memory);
    CHECK(wasm_extern_as_func_const(em) == NULL && wasm_extern_as_global_const(ef) == NULL &&
          wasm_extern_as_table_const(eg) == NULL && wasm_extern_as_memory_const(et) == NULL);
    CHECK(wasm_func_as_extern_const(func) == ef && wasm_global_as_extern_const(global) == eg &&
          wasm_table_as_extern_const(table) == et && wasm_memory_as_extern_const(memory) == em);
    CHECK(wasm_extern_as_func(NULL) == NULL && wasm_func_as_extern(NULL) == NULL &&
          wasm_extern_kind(NULL) == 0 && wasm_extern_type(NULL) == NULL);
    type = wasm_extern_type(ef);
    CHECK(wasm_externtype_kind(type) == WASM_EXTERN_FUNC &&
          wasm_functype_results(wasm_externtype_as_functype(type))->size == 1);
    wasm_externtype_delete(type);
    type = wasm_extern_type(eg);
    CHECK(wasm_valtype_kind(wasm_globaltype_content(wasm_externtype_as_globaltype(type))) ==
          WASM_I64);
    wasm_externtype_delete(type);
    type = wasm_extern_type(et);
    CHECK(wasm_tabletype_limits(wasm_externtype_as_tabletype(type))->max == 2);
    wasm_externtype_delete(type);
    type = wasm_extern_type(em);
    CHECK(wasm_memorytype_limits(wasm_externtype_as_memorytype(type))->min == 1);
    wasm_externtype_delete(type);
    /* An extern vector owns copies of the handles. */
    {
      wasm_extern_t* copies[2];
      wasm_extern_vec_t vec, vec2;
      copies[0] = wasm_extern_copy(ef);
      copies[1] = wasm_extern_copy(em);
      wasm_extern_vec_new(&vec, 2, copies);
      wasm_extern_vec_copy(&vec2, &vec);
      CHECK(vec2.size == 2 && vec2.data[0] != copies[0] && wasm_extern_same(vec2.data[1], em));
      wasm_extern_vec_delete(&vec);
      wasm_extern_vec_delete(&vec2);
    }
  }

  /* Objects of the store die with it: their finalizers wait for it; traps and modules die with
   * their last handle. */
  wasm_trap_delete(trap);
  CHECK(finalized[8] == 1);
  wasm_module_delete(module);
  CHECK(finalized[9] == 1);
  wasm_func_delete(func);
  wasm_global_delete(global);
  wasm_table_delete(table);
  wasm_memory_delete(memory);
  wasm_memory_delete(memory2);
  wasm_foreign_delete(foreign);
  wasm_foreign_delete(foreign2);
  wasm_instance_delete(instance);
  for (i = 1; i <= 10; ++i) {
    if (i != 8 && i != 9) CHECK(finalized[i] == 0);
  }
  wasm_store_delete(store);
  for (i = 1; i <= 10; ++i)
    CHECK(finalized[i] == 1);
  wasm_globaltype_delete(gt);
  wasm_tabletype_delete(tt);
  wasm_memorytype_delete(mt);
  wasm_engine_delete(engine);
}

static wasm_trap_t* env_callback(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = (int32_t)(intptr_t)env;
  return NULL;
}

static void test_finalizers_and_orders(void) {
  wasm_engine_t* engine = wasm_engine_new();
  int i;
  for (i = 0; i < kTags; ++i)
    finalized[i] = 0;

  /* Host info replaced: the old finalizer runs at once, the new one with the object. */
  {
    wasm_store_t* store = wasm_store_new(engine);
    wasm_foreign_t* f = wasm_foreign_new(store);
    wasm_functype_t* type = wasm_functype_new_0_1(wasm_valtype_new_i32());
    wasm_func_t* func = wasm_func_new_with_env(store, type, env_callback, TAG(13), count_finalizer);
    int32_t result = 0;
    wasm_foreign_set_host_info_with_finalizer(f, TAG(11), count_finalizer);
    wasm_foreign_set_host_info_with_finalizer(f, TAG(12), count_finalizer);
    CHECK(finalized[11] == 1 && finalized[12] == 0);
    CHECK(call_i32(func, &result) && result == 13);
    wasm_foreign_delete(f);
    wasm_func_delete(func);
    wasm_functype_delete(type);
    CHECK(finalized[12] == 0 && finalized[13] == 0);
    wasm_store_delete(store);
    CHECK(finalized[11] == 1 && finalized[12] == 1 && finalized[13] == 1);
  }

  /* The store deleted first: its objects stay usable through their handles, and die (with
   * their finalizers) when the last handle goes. */
  {
    wasm_store_t* store = wasm_store_new(engine);
    wasm_module_t* module = load_module(store, objects_wasm, objects_wasm_size);
    wasm_globaltype_t* it = wasm_globaltype_new(wasm_valtype_new_i32(), WASM_CONST);
    wasm_val_t no = WASM_I32_VAL(0), out;
    wasm_global_t* g = wasm_global_new(store, it, &no);
    wasm_extern_t* imports[1];
    wasm_extern_vec_t import_vec = WASM_ARRAY_VEC(imports);
    wasm_instance_t* instance;
    wasm_extern_vec_t exports;
    int32_t seven = 0;
    imports[0] = wasm_global_as_extern(g);
    instance = wasm_instance_new(store, module, &import_vec, NULL);
    CHECK(instance != NULL);
    wasm_instance_set_host_info_with_finalizer(instance, TAG(14), count_finalizer);
    wasm_instance_exports(instance, &exports);
    wasm_store_delete(store);
    wasm_module_delete(module);
    wasm_global_delete(g);
    wasm_globaltype_delete(it);
    CHECK(finalized[14] == 0);
    CHECK(exports.size == 7);
    wasm_global_get(wasm_extern_as_global(exports.data[0]), &out);
    CHECK(out.kind == WASM_I32 && out.of.i32 == 7);
    CHECK(call_i32(wasm_extern_as_func(exports.data[6]), &seven) && seven == 7);
    wasm_extern_vec_delete(&exports);
    CHECK(finalized[14] == 0); /* the instance handle still holds the store */
    wasm_instance_delete(instance);
    CHECK(finalized[14] == 1);
  }

  /* A trap outliving its store, and a module outliving the store it was compiled in. */
  {
    wasm_store_t* store = wasm_store_new(engine);
    wasm_module_t* module = load_module(store, objects_wasm, objects_wasm_size);
    wasm_globaltype_t* it = wasm_globaltype_new(wasm_valtype_new_i32(), WASM_CONST);
    wasm_val_t yes = WASM_I32_VAL(1);
    wasm_global_t* g = wasm_global_new(store, it, &yes);
    wasm_extern_t* imports[1];
    wasm_extern_vec_t import_vec = WASM_ARRAY_VEC(imports);
    wasm_trap_t* trap = NULL;
    wasm_frame_t* origin;
    imports[0] = wasm_global_as_extern(g);
    CHECK(wasm_instance_new(store, module, &import_vec, &trap) == NULL && trap != NULL);
    wasm_global_delete(g);
    wasm_store_delete(store);
    origin = wasm_trap_origin(trap);
    wasm_trap_delete(trap);
    CHECK(origin != NULL && wasm_frame_instance(origin) != NULL);
    wasm_frame_delete(origin); /* the last holder of the store */
    store = wasm_store_new(engine);
    yes.of.i32 = 0;
    g = wasm_global_new(store, it, &yes);
    imports[0] = wasm_global_as_extern(g);
    {
      wasm_instance_t* instance = wasm_instance_new(store, module, &import_vec, NULL);
      CHECK(instance != NULL);
      wasm_module_delete(module); /* before the instance */
      wasm_instance_delete(instance);
    }
    wasm_global_delete(g);
    wasm_globaltype_delete(it);
    wasm_store_delete(store);
  }
  wasm_engine_delete(engine);
}

/* objects.wat's instance: every export kind, with the values its module gives them. */
static void test_instance(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, objects_wasm, objects_wasm_size);
  wasm_globaltype_t* it = wasm_globaltype_new(wasm_valtype_new_i32(), WASM_CONST);
  wasm_val_t no = WASM_I32_VAL(0), out;
  wasm_global_t* flag = wasm_global_new(store, it, &no);
  wasm_extern_t* imports[1];
  wasm_extern_vec_t import_vec = WASM_ARRAY_VEC(imports);
  wasm_extern_vec_t exports;
  wasm_instance_t* instance;
  wasm_trap_t* trap = NULL;
  CHECK(module != NULL);
  imports[0] = wasm_global_as_extern(flag);
  instance = wasm_instance_new(store, module, &import_vec, &trap);
  CHECK(instance != NULL && trap == NULL);
  wasm_instance_exports(instance, &exports);
  CHECK(exports.size == 7);
  if (exports.size == 7) {
    wasm_global_t* counter = wasm_extern_as_global(exports.data[0]);
    wasm_global_t* pi = wasm_extern_as_global(exports.data[1]);
    wasm_global_t* ext = wasm_extern_as_global(exports.data[2]);
    wasm_table_t* tab = wasm_extern_as_table(exports.data[3]);
    wasm_table_t* exts = wasm_extern_as_table(exports.data[4]);
    wasm_memory_t* mem = wasm_extern_as_memory(exports.data[5]);
    wasm_func_t* seven = wasm_extern_as_func(exports.data[6]);
    wasm_ref_t* element;
    wasm_tabletype_t* tt;
    wasm_memorytype_t* mt;
    wasm_globaltype_t* gt;
    CHECK(counter && pi && ext && tab && exts && mem && seven);
    wasm_global_get(counter, &out);
    CHECK(out.kind == WASM_I32 && out.of.i32 == 7);
    out.of.i32 = 8;
    wasm_global_set(counter, &out);
    wasm_global_get(counter, &out);
    CHECK(out.of.i32 == 8);
    wasm_global_get(pi, &out);
    CHECK(out.kind == WASM_F64 && out.of.f64 == 3.5);
    gt = wasm_global_type(pi);
    CHECK(wasm_globaltype_mutability(gt) == WASM_CONST);
    wasm_globaltype_delete(gt);
    wasm_global_get(ext, &out);
    CHECK(out.kind == WASM_EXTERNREF && out.of.ref == NULL);
    /* The element segment put {seven} at 1. */
    CHECK(wasm_table_size(tab) == 3 && wasm_table_get(tab, 0) == NULL);
    element = wasm_table_get(tab, 1);
    CHECK(element != NULL && wasm_ref_same(element, wasm_func_as_ref(seven)));
    wasm_ref_delete(element);
    tt = wasm_table_type(tab);
    CHECK(wasm_tabletype_limits(tt)->min == 3 && wasm_tabletype_limits(tt)->max == 5);
    wasm_tabletype_delete(tt);
    tt = wasm_table_type(exts);
    CHECK(wasm_valtype_kind(wasm_tabletype_element(tt)) == WASM_EXTERNREF &&
          wasm_tabletype_limits(tt)->max == wasm_limits_max_default);
    wasm_tabletype_delete(tt);
    /* The data segment wrote "wasm" at 16. */
    CHECK(wasm_memory_data_size(mem) == 65536 &&
          memcmp(wasm_memory_data(mem) + 16, "wasm", 4) == 0);
    mt = wasm_memory_type(mem);
    CHECK(wasm_memorytype_limits(mt)->min == 1 && wasm_memorytype_limits(mt)->max == 3);
    wasm_memorytype_delete(mt);
    CHECK(wasm_func_param_arity(seven) == 0 && wasm_func_result_arity(seven) == 1);
  }
  wasm_extern_vec_delete(&exports);
  wasm_instance_exports(NULL, &exports);
  CHECK(exports.size == 0);
  wasm_instance_exports(instance, NULL);

  /* Imports that do not fit, and missing ones. */
  {
    wasm_func_t* func = seven_func(store);
    wasm_extern_vec_t none = WASM_EMPTY_VEC;
    imports[0] = wasm_func_as_extern(func);
    CHECK(wasm_instance_new(store, module, &import_vec, &trap) == NULL);
    CHECK(trap != NULL && trap_mentions(trap, "incompatible import type"));
    wasm_trap_delete(trap);
    CHECK(wasm_instance_new(store, module, &none, &trap) == NULL);
    CHECK(trap != NULL && trap_mentions(trap, "expected 1 imports, got 0"));
    wasm_trap_delete(trap);
    CHECK(wasm_instance_new(store, module, NULL, NULL) == NULL);
    imports[0] = NULL;
    CHECK(wasm_instance_new(store, module, &import_vec, &trap) == NULL && trap != NULL);
    wasm_trap_delete(trap);
    CHECK(wasm_instance_new(NULL, module, &import_vec, &trap) == NULL && trap == NULL);
    CHECK(wasm_instance_new(store, NULL, &import_vec, &trap) == NULL && trap == NULL);
    wasm_func_delete(func);
  }
  /* An import from another store is refused. */
  {
    wasm_store_t* other = wasm_store_new(engine);
    wasm_global_t* foreign_flag = wasm_global_new(other, it, &no);
    imports[0] = wasm_global_as_extern(foreign_flag);
    CHECK(wasm_instance_new(store, module, &import_vec, &trap) == NULL);
    CHECK(trap != NULL && trap_mentions(trap, "another store"));
    wasm_trap_delete(trap);
    wasm_global_delete(foreign_flag);
    wasm_store_delete(other);
  }

  wasm_instance_delete(instance);
  wasm_global_delete(flag);
  wasm_globaltype_delete(it);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  test_globals(store);
  test_tables(store);
  test_memories(store);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  test_references();
  test_finalizers_and_orders();
  test_instance();
  return check_report("capi_objects_test");
}
