/* include/wasm.h: vectors, names, type descriptions, values, configs, engines and stores, and
 * the layouts and constants the standard fixes. */
#include <stddef.h>

#include "check.h"

static void test_layout(void) {
  /* Values the standard fixes: programs depend on them. */
  CHECK(WASM_I32 == 0 && WASM_I64 == 1 && WASM_F32 == 2 && WASM_F64 == 3);
  CHECK(WASM_EXTERNREF == 128 && WASM_FUNCREF == 129);
  CHECK(WASM_CONST == 0 && WASM_VAR == 1);
  CHECK(WASM_EXTERN_FUNC == 0 && WASM_EXTERN_GLOBAL == 1 && WASM_EXTERN_TABLE == 2 &&
        WASM_EXTERN_MEMORY == 3);
  CHECK(wasm_limits_max_default == 0xffffffffu);
  CHECK(MEMORY_PAGE_SIZE == 65536);
  CHECK(sizeof(wasm_valkind_t) == 1 && sizeof(wasm_externkind_t) == 1 &&
        sizeof(wasm_mutability_t) == 1);
  CHECK(sizeof(wasm_limits_t) == 8 && offsetof(wasm_limits_t, max) == 4);
  CHECK(offsetof(wasm_val_t, of) == 8 && sizeof(wasm_val_t) == 16);
  CHECK(offsetof(wasm_byte_vec_t, data) == sizeof(size_t));
  CHECK(sizeof(byte_t) == 1 && sizeof(float32_t) == 4 && sizeof(float64_t) == 8);
}

static void test_byte_vectors(void) {
  wasm_byte_vec_t v, copy;
  const wasm_byte_t bytes[3] = {'a', 'b', 'c'};
  size_t i;
  int zero = 1;

  wasm_byte_vec_new_empty(&v);
  CHECK(v.size == 0 && v.data == NULL);
  wasm_byte_vec_delete(&v);

  wasm_byte_vec_new_uninitialized(&v, 100);
  CHECK(v.size == 100 && v.data != NULL);
  for (i = 0; i < v.size; ++i)
    zero = zero && v.data[i] == 0;
  CHECK(zero);
  wasm_byte_vec_delete(&v);
  CHECK(v.size == 0 && v.data == NULL); /* deleting leaves an empty vector */
  wasm_byte_vec_delete(&v);             /* so deleting twice is harmless */

  wasm_byte_vec_new(&v, 3, bytes);
  CHECK(v.size == 3 && v.data != bytes && memcmp(v.data, "abc", 3) == 0);
  wasm_byte_vec_copy(&copy, &v);
  CHECK(copy.size == 3 && copy.data != v.data && memcmp(copy.data, "abc", 3) == 0);
  wasm_byte_vec_delete(&v);
  CHECK(memcmp(copy.data, "abc", 3) == 0);
  wasm_byte_vec_delete(&copy);

  /* Null and empty inputs. */
  wasm_byte_vec_new_empty(NULL);
  wasm_byte_vec_new_uninitialized(NULL, 4);
  wasm_byte_vec_new(NULL, 3, bytes);
  wasm_byte_vec_new(&v, 0, bytes);
  CHECK(v.size == 0 && v.data == NULL);
  wasm_byte_vec_new(&v, 5, NULL);
  CHECK(v.size == 0 && v.data == NULL);
  wasm_byte_vec_copy(&v, NULL);
  CHECK(v.size == 0);
  wasm_byte_vec_copy(NULL, &copy);
  wasm_byte_vec_delete(NULL);
}

static void test_names(void) {
  wasm_name_t name, name_nt, copy, fresh;
  wasm_name_new_from_string(&name, "hello");
  CHECK(name_is(&name, "hello"));
  wasm_name_new_from_string_nt(&name_nt, "hello");
  CHECK(name_nt.size == 6 && name_nt.data[5] == '\0');
  wasm_name_copy(&copy, &name);
  CHECK(name_is(&copy, "hello"));
  wasm_name_new_new_uninitialized(&fresh, 2); /* the standard's spelling */
  CHECK(fresh.size == 2);
  wasm_name_delete(&fresh);
  wasm_name_new_uninitialized(&fresh, 0);
  CHECK(fresh.size == 0 && fresh.data == NULL);
  wasm_name_new_empty(&fresh);
  wasm_name_delete(&fresh);
  wasm_name_delete(&name);
  wasm_name_delete(&name_nt);
  wasm_name_delete(&copy);
}

static void test_valtypes(void) {
  const wasm_valkind_t kinds[6] = {WASM_I32, WASM_I64,       WASM_F32,
                                   WASM_F64, WASM_EXTERNREF, WASM_FUNCREF};
  wasm_valtype_t* types[6];
  wasm_valtype_vec_t vec, copy;
  size_t i;
  for (i = 0; i < 6; ++i) {
    types[i] = wasm_valtype_new(kinds[i]);
    CHECK(types[i] != NULL && wasm_valtype_kind(types[i]) == kinds[i]);
    CHECK(wasm_valtype_is_num(types[i]) == (i < 4));
    CHECK(wasm_valtype_is_ref(types[i]) == (i >= 4));
  }
  CHECK(wasm_valkind_is_num(WASM_F64) && wasm_valkind_is_ref(WASM_FUNCREF));
  CHECK(wasm_valtype_new(5) == NULL && wasm_valtype_new(127) == NULL &&
        wasm_valtype_new(130) == NULL);
  CHECK(wasm_valtype_kind(NULL) == 0);
  CHECK(wasm_valtype_copy(NULL) == NULL);
  wasm_valtype_delete(NULL);

  /* The vector takes the six types; its copy is deep. */
  wasm_valtype_vec_new(&vec, 6, types);
  CHECK(vec.size == 6 && vec.data[5] == types[5]);
  wasm_valtype_vec_copy(&copy, &vec);
  CHECK(copy.size == 6);
  for (i = 0; i < 6; ++i) {
    CHECK(copy.data[i] != vec.data[i] && wasm_valtype_kind(copy.data[i]) == kinds[i]);
  }
  wasm_valtype_vec_delete(&vec);
  wasm_valtype_vec_delete(&copy);

  /* An uninitialized vector of handles holds nulls, which delete and copy accept. */
  wasm_valtype_vec_new_uninitialized(&vec, 3);
  CHECK(vec.size == 3 && vec.data[0] == NULL && vec.data[2] == NULL);
  wasm_valtype_vec_copy(&copy, &vec);
  CHECK(copy.size == 3 && copy.data[1] == NULL);
  wasm_valtype_vec_delete(&copy);
  vec.data[1] = wasm_valtype_new_f32();
  wasm_valtype_vec_delete(&vec);
  wasm_valtype_vec_new_empty(&vec);
  CHECK(vec.size == 0);
  wasm_valtype_vec_delete(&vec);

  /* The shorthands. */
  {
    wasm_valtype_t* shorthands[6];
    shorthands[0] = wasm_valtype_new_i32();
    shorthands[1] = wasm_valtype_new_i64();
    shorthands[2] = wasm_valtype_new_f32();
    shorthands[3] = wasm_valtype_new_f64();
    shorthands[4] = wasm_valtype_new_externref();
    shorthands[5] = wasm_valtype_new_funcref();
    for (i = 0; i < 6; ++i) {
      CHECK(wasm_valtype_kind(shorthands[i]) == kinds[i]);
      wasm_valtype_delete(shorthands[i]);
    }
  }
}

static int kinds_are(const wasm_valtype_vec_t* vec, size_t size, const wasm_valkind_t* kinds) {
  size_t i;
  if (vec == NULL || vec->size != size) return 0;
  for (i = 0; i < size; ++i) {
    if (wasm_valtype_kind(vec->data[i]) != kinds[i]) return 0;
  }
  return 1;
}

static void test_functypes(void) {
  const wasm_valkind_t i32_i64_f32[3] = {WASM_I32, WASM_I64, WASM_F32};
  const wasm_valkind_t f64_ref[2] = {WASM_F64, WASM_FUNCREF};
  wasm_functype_t* all[12];
  wasm_functype_t* t;
  wasm_functype_t* copy;
  wasm_valtype_vec_t params, results;
  wasm_valtype_t* ps[3];
  size_t i;

  all[0] = wasm_functype_new_0_0();
  all[1] = wasm_functype_new_1_0(wasm_valtype_new_i32());
  all[2] = wasm_functype_new_2_0(wasm_valtype_new_i32(), wasm_valtype_new_i64());
  all[3] =
      wasm_functype_new_3_0(wasm_valtype_new_i32(), wasm_valtype_new_i64(), wasm_valtype_new_f32());
  all[4] = wasm_functype_new_0_1(wasm_valtype_new_f64());
  all[5] = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_f64());
  all[6] =
      wasm_functype_new_2_1(wasm_valtype_new_i32(), wasm_valtype_new_i64(), wasm_valtype_new_f64());
  all[7] = wasm_functype_new_3_1(wasm_valtype_new_i32(), wasm_valtype_new_i64(),
                                 wasm_valtype_new_f32(), wasm_valtype_new_f64());
  all[8] = wasm_functype_new_0_2(wasm_valtype_new_f64(), wasm_valtype_new_funcref());
  all[9] = wasm_functype_new_1_2(wasm_valtype_new_i32(), wasm_valtype_new_f64(),
                                 wasm_valtype_new_funcref());
  all[10] = wasm_functype_new_2_2(wasm_valtype_new_i32(), wasm_valtype_new_i64(),
                                  wasm_valtype_new_f64(), wasm_valtype_new_funcref());
  all[11] =
      wasm_functype_new_3_2(wasm_valtype_new_i32(), wasm_valtype_new_i64(), wasm_valtype_new_f32(),
                            wasm_valtype_new_f64(), wasm_valtype_new_funcref());
  for (i = 0; i < 12; ++i) {
    const size_t p = i % 4, r = i / 4;
    CHECK(all[i] != NULL);
    CHECK(kinds_are(wasm_functype_params(all[i]), p, i32_i64_f32));
    CHECK(kinds_are(wasm_functype_results(all[i]), r, f64_ref));
    copy = wasm_functype_copy(all[i]);
    CHECK(copy != all[i] && kinds_are(wasm_functype_params(copy), p, i32_i64_f32) &&
          kinds_are(wasm_functype_results(copy), r, f64_ref));
    wasm_functype_delete(copy);
  }
  for (i = 0; i < 12; ++i)
    wasm_functype_delete(all[i]);

  /* wasm_functype_new takes the vectors' contents and leaves them empty. */
  ps[0] = wasm_valtype_new_i64();
  ps[1] = wasm_valtype_new_externref();
  wasm_valtype_vec_new(&params, 2, ps);
  wasm_valtype_vec_new_empty(&results);
  t = wasm_functype_new(&params, &results);
  CHECK(t != NULL && params.size == 0 && params.data == NULL);
  CHECK(wasm_functype_params(t)->size == 2 && wasm_functype_results(t)->size == 0);
  wasm_functype_delete(t);

  /* A missing element makes no type (and the rest is released). */
  wasm_valtype_vec_new_uninitialized(&params, 2);
  params.data[0] = wasm_valtype_new_i32();
  wasm_valtype_vec_new_empty(&results);
  CHECK(wasm_functype_new(&params, &results) == NULL);
  CHECK(wasm_functype_new_1_0(NULL) == NULL);
  /* Null vectors are empty ones. */
  t = wasm_functype_new(NULL, NULL);
  CHECK(t != NULL && wasm_functype_params(t)->size == 0);
  wasm_functype_delete(t);
  CHECK(wasm_functype_params(NULL) == NULL && wasm_functype_results(NULL) == NULL);
  CHECK(wasm_functype_copy(NULL) == NULL);
  wasm_functype_delete(NULL);
}

static void test_other_types(void) {
  wasm_limits_t limits = {2, 9};
  wasm_limits_t unbounded = {1, wasm_limits_max_default};
  wasm_globaltype_t* g = wasm_globaltype_new(wasm_valtype_new_f32(), WASM_VAR);
  wasm_globaltype_t* g2 = wasm_globaltype_copy(g);
  wasm_tabletype_t* t = wasm_tabletype_new(wasm_valtype_new_funcref(), &limits);
  wasm_tabletype_t* t2 = wasm_tabletype_copy(t);
  wasm_memorytype_t* m = wasm_memorytype_new(&unbounded);
  wasm_memorytype_t* m2 = wasm_memorytype_copy(m);

  CHECK(wasm_valtype_kind(wasm_globaltype_content(g)) == WASM_F32);
  CHECK(wasm_globaltype_mutability(g) == WASM_VAR);
  CHECK(g2 != g && wasm_valtype_kind(wasm_globaltype_content(g2)) == WASM_F32 &&
        wasm_globaltype_mutability(g2) == WASM_VAR);
  CHECK(wasm_globaltype_new(NULL, WASM_CONST) == NULL);
  CHECK(wasm_globaltype_new(wasm_valtype_new_i32(), 2) == NULL);
  CHECK(wasm_globaltype_content(NULL) == NULL && wasm_globaltype_copy(NULL) == NULL);

  CHECK(wasm_valtype_kind(wasm_tabletype_element(t)) == WASM_FUNCREF);
  CHECK(wasm_tabletype_limits(t)->min == 2 && wasm_tabletype_limits(t)->max == 9);
  CHECK(t2 != t && wasm_tabletype_limits(t2)->max == 9 &&
        wasm_valtype_kind(wasm_tabletype_element(t2)) == WASM_FUNCREF);
  CHECK(wasm_tabletype_new(wasm_valtype_new_i32(), &limits) == NULL); /* not a reference */
  CHECK(wasm_tabletype_new(wasm_valtype_new_externref(), NULL) == NULL);
  CHECK(wasm_tabletype_new(NULL, &limits) == NULL);
  CHECK(wasm_tabletype_element(NULL) == NULL && wasm_tabletype_limits(NULL) == NULL);
  wasm_tabletype_delete(t2);

  CHECK(wasm_memorytype_limits(m)->min == 1 &&
        wasm_memorytype_limits(m)->max == wasm_limits_max_default);
  CHECK(m2 != m && wasm_memorytype_limits(m2)->min == 1);
  CHECK(wasm_memorytype_new(NULL) == NULL && wasm_memorytype_limits(NULL) == NULL);

  /* Extern types: the same object viewed as each type, both ways. */
  {
    wasm_functype_t* f = wasm_functype_new_0_0();
    wasm_externtype_t* ef = wasm_functype_as_externtype(f);
    wasm_externtype_t* eg = wasm_globaltype_as_externtype(g);
    wasm_externtype_t* et = wasm_tabletype_as_externtype(t);
    wasm_externtype_t* em = wasm_memorytype_as_externtype(m);
    wasm_externtype_t* copy;
    CHECK(wasm_externtype_kind(ef) == WASM_EXTERN_FUNC);
    CHECK(wasm_externtype_kind(eg) == WASM_EXTERN_GLOBAL);
    CHECK(wasm_externtype_kind(et) == WASM_EXTERN_TABLE);
    CHECK(wasm_externtype_kind(em) == WASM_EXTERN_MEMORY);
    CHECK(wasm_externtype_as_functype(ef) == f && wasm_externtype_as_globaltype(eg) == g &&
          wasm_externtype_as_tabletype(et) == t && wasm_externtype_as_memorytype(em) == m);
    CHECK(wasm_externtype_as_functype(eg) == NULL && wasm_externtype_as_globaltype(ef) == NULL &&
          wasm_externtype_as_tabletype(em) == NULL && wasm_externtype_as_memorytype(et) == NULL);
    CHECK(wasm_externtype_as_functype_const(ef) == f &&
          wasm_externtype_as_globaltype_const(eg) == g &&
          wasm_externtype_as_tabletype_const(et) == t &&
          wasm_externtype_as_memorytype_const(em) == m);
    CHECK(wasm_externtype_as_functype_const(em) == NULL &&
          wasm_externtype_as_globaltype_const(et) == NULL &&
          wasm_externtype_as_tabletype_const(ef) == NULL &&
          wasm_externtype_as_memorytype_const(eg) == NULL);
    CHECK(wasm_functype_as_externtype_const(f) == ef &&
          wasm_globaltype_as_externtype_const(g) == eg &&
          wasm_tabletype_as_externtype_const(t) == et &&
          wasm_memorytype_as_externtype_const(m) == em);
    CHECK(wasm_externtype_as_functype(NULL) == NULL && wasm_externtype_kind(NULL) == 0);
    CHECK(wasm_functype_as_externtype(NULL) == NULL);
    /* Copying and deleting through the extern type keeps the kind. */
    copy = wasm_externtype_copy(et);
    CHECK(wasm_externtype_kind(copy) == WASM_EXTERN_TABLE &&
          wasm_tabletype_limits(wasm_externtype_as_tabletype(copy))->min == 2);
    wasm_externtype_delete(copy);
    CHECK(wasm_externtype_copy(NULL) == NULL);
    wasm_externtype_delete(ef); /* deletes {f} */
    wasm_externtype_delete(NULL);
  }

  /* Import and export types take ownership of their parts. */
  {
    wasm_name_t module, name;
    wasm_importtype_t* import;
    wasm_importtype_t* import2;
    wasm_exporttype_t* export_type;
    wasm_exporttype_t* export2;
    wasm_importtype_vec_t imports, imports2;
    wasm_exporttype_vec_t exports;
    wasm_name_new_from_string(&module, "env");
    wasm_name_new_from_string(&name, "g");
    import = wasm_importtype_new(&module, &name, wasm_globaltype_as_externtype(g2));
    CHECK(import != NULL && module.data == NULL && name.data == NULL);
    CHECK(name_is(wasm_importtype_module(import), "env") &&
          name_is(wasm_importtype_name(import), "g"));
    CHECK(wasm_externtype_kind(wasm_importtype_type(import)) == WASM_EXTERN_GLOBAL);
    import2 = wasm_importtype_copy(import);
    CHECK(import2 != import && name_is(wasm_importtype_name(import2), "g") &&
          wasm_importtype_type(import2) != wasm_importtype_type(import));
    wasm_importtype_vec_new(&imports, 1, &import);
    wasm_importtype_vec_copy(&imports2, &imports);
    CHECK(imports2.size == 1 && name_is(wasm_importtype_module(imports2.data[0]), "env"));
    wasm_importtype_vec_delete(&imports);
    wasm_importtype_vec_delete(&imports2);
    wasm_importtype_delete(import2);

    wasm_name_new_from_string(&name, "mem");
    export_type = wasm_exporttype_new(&name, wasm_memorytype_as_externtype(m2));
    CHECK(name_is(wasm_exporttype_name(export_type), "mem") &&
          wasm_externtype_kind(wasm_exporttype_type(export_type)) == WASM_EXTERN_MEMORY);
    export2 = wasm_exporttype_copy(export_type);
    CHECK(name_is(wasm_exporttype_name(export2), "mem"));
    wasm_exporttype_vec_new(&exports, 1, &export2);
    wasm_exporttype_vec_delete(&exports);
    wasm_exporttype_delete(export_type);

    wasm_name_new_from_string(&name, "x");
    CHECK(wasm_exporttype_new(&name, NULL) == NULL);
    CHECK(wasm_importtype_new(NULL, NULL, NULL) == NULL);
    CHECK(wasm_importtype_module(NULL) == NULL && wasm_importtype_name(NULL) == NULL &&
          wasm_importtype_type(NULL) == NULL && wasm_exporttype_name(NULL) == NULL &&
          wasm_exporttype_type(NULL) == NULL && wasm_importtype_copy(NULL) == NULL &&
          wasm_exporttype_copy(NULL) == NULL);
    wasm_importtype_delete(NULL);
    wasm_exporttype_delete(NULL);
  }

  /* Vectors of every other type, built, copied and deleted. */
  {
    wasm_globaltype_vec_t gv, gv2;
    wasm_tabletype_vec_t tv, tv2;
    wasm_memorytype_vec_t mv, mv2;
    wasm_functype_vec_t fv, fv2;
    wasm_externtype_vec_t ev, ev2;
    wasm_functype_t* f = wasm_functype_new_0_0();
    wasm_externtype_t* e = wasm_externtype_copy(wasm_memorytype_as_externtype(m));
    wasm_globaltype_vec_new(&gv, 1, &g);
    wasm_globaltype_vec_copy(&gv2, &gv);
    wasm_tabletype_vec_new(&tv, 1, &t);
    wasm_tabletype_vec_copy(&tv2, &tv);
    wasm_memorytype_vec_new(&mv, 1, &m);
    wasm_memorytype_vec_copy(&mv2, &mv);
    wasm_functype_vec_new(&fv, 1, &f);
    wasm_functype_vec_copy(&fv2, &fv);
    wasm_externtype_vec_new(&ev, 1, &e);
    wasm_externtype_vec_copy(&ev2, &ev);
    CHECK(gv2.size == 1 && gv2.data[0] != g && tv2.size == 1 && mv2.size == 1 && fv2.size == 1 &&
          ev2.size == 1 && wasm_externtype_kind(ev2.data[0]) == WASM_EXTERN_MEMORY);
    wasm_globaltype_vec_delete(&gv);
    wasm_globaltype_vec_delete(&gv2);
    wasm_tabletype_vec_delete(&tv);
    wasm_tabletype_vec_delete(&tv2);
    wasm_memorytype_vec_delete(&mv);
    wasm_memorytype_vec_delete(&mv2);
    wasm_functype_vec_delete(&fv);
    wasm_functype_vec_delete(&fv2);
    wasm_externtype_vec_delete(&ev);
    wasm_externtype_vec_delete(&ev2);
    wasm_globaltype_vec_new_empty(&gv);
    wasm_tabletype_vec_new_uninitialized(&tv, 2);
    wasm_memorytype_vec_new_empty(&mv);
    wasm_functype_vec_new_uninitialized(&fv, 1);
    wasm_externtype_vec_new_empty(&ev);
    CHECK(tv.size == 2 && tv.data[1] == NULL && fv.data[0] == NULL);
    wasm_globaltype_vec_delete(&gv);
    wasm_tabletype_vec_delete(&tv);
    wasm_memorytype_vec_delete(&mv);
    wasm_functype_vec_delete(&fv);
    wasm_externtype_vec_delete(&ev);
  }
}

/* All five functions of the vector type of NAME, with {make} making one element (or NULL). */
#define EXERCISE_HANDLE_VEC(name, make)                                  \
  do {                                                                   \
    wasm_##name##_vec_t v_, c_, e_, u_;                                  \
    wasm_##name##_t* elems_[2];                                          \
    elems_[0] = (make);                                                  \
    elems_[1] = (make);                                                  \
    wasm_##name##_vec_new(&v_, 2, elems_);                               \
    CHECK(v_.size == 2 && v_.data != NULL && v_.data[1] == elems_[1]);   \
    wasm_##name##_vec_copy(&c_, &v_);                                    \
    CHECK(c_.size == 2 && (c_.data[0] == NULL) == (elems_[0] == NULL) && \
          (elems_[0] == NULL || c_.data[0] != elems_[0]));               \
    wasm_##name##_vec_new_empty(&e_);                                    \
    CHECK(e_.size == 0 && e_.data == NULL);                              \
    wasm_##name##_vec_new_uninitialized(&u_, 3);                         \
    CHECK(u_.size == 3 && u_.data[0] == NULL && u_.data[2] == NULL);     \
    wasm_##name##_vec_delete(&v_);                                       \
    wasm_##name##_vec_delete(&c_);                                       \
    wasm_##name##_vec_delete(&e_);                                       \
    wasm_##name##_vec_delete(&u_);                                       \
    CHECK(u_.size == 0 && u_.data == NULL);                              \
    wasm_##name##_vec_new_empty(NULL);                                   \
    wasm_##name##_vec_new_uninitialized(NULL, 1);                        \
    wasm_##name##_vec_copy(NULL, NULL);                                  \
    wasm_##name##_vec_delete(NULL);                                      \
  } while (0)

static wasm_importtype_t* make_importtype(void) {
  wasm_name_t module, name;
  wasm_name_new_from_string(&module, "m");
  wasm_name_new_from_string(&name, "n");
  return wasm_importtype_new(&module, &name, wasm_functype_as_externtype(wasm_functype_new_0_0()));
}

static wasm_exporttype_t* make_exporttype(void) {
  wasm_name_t name;
  const wasm_limits_t limits = {1, 2};
  wasm_name_new_from_string(&name, "e");
  return wasm_exporttype_new(&name, wasm_memorytype_as_externtype(wasm_memorytype_new(&limits)));
}

static void test_every_vector(void) {
  const wasm_limits_t limits = {0, 1};
  EXERCISE_HANDLE_VEC(valtype, wasm_valtype_new_f64());
  EXERCISE_HANDLE_VEC(functype, wasm_functype_new_1_0(wasm_valtype_new_i32()));
  EXERCISE_HANDLE_VEC(globaltype, wasm_globaltype_new(wasm_valtype_new_i64(), WASM_VAR));
  EXERCISE_HANDLE_VEC(tabletype, wasm_tabletype_new(wasm_valtype_new_externref(), &limits));
  EXERCISE_HANDLE_VEC(memorytype, wasm_memorytype_new(&limits));
  EXERCISE_HANDLE_VEC(externtype, wasm_memorytype_as_externtype(wasm_memorytype_new(&limits)));
  EXERCISE_HANDLE_VEC(importtype, make_importtype());
  EXERCISE_HANDLE_VEC(exporttype, make_exporttype());
  /* Frames and externs come from traps and stores (capi_calls_test, capi_objects_test); their
   * vectors also take nulls. */
  EXERCISE_HANDLE_VEC(frame, NULL);
  EXERCISE_HANDLE_VEC(extern, NULL);
}

static void test_values(void) {
  wasm_val_t a = WASM_I32_VAL(-5);
  wasm_val_t b = WASM_I64_VAL(-((int64_t)1 << 40));
  wasm_val_t c = WASM_F32_VAL(1.5f);
  wasm_val_t d = WASM_F64_VAL(-2.25);
  wasm_val_t e = WASM_REF_VAL(NULL);
  wasm_val_t f = WASM_INIT_VAL;
  wasm_val_t copy, p;
  wasm_val_t array[2] = {WASM_I32_VAL(1), WASM_F64_VAL(2.0)};
  wasm_val_vec_t vec, vec2;
  wasm_val_vec_t literal = WASM_ARRAY_VEC(array);
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  int local = 0;

  CHECK(a.kind == WASM_I32 && a.of.i32 == -5);
  CHECK(b.kind == WASM_I64 && b.of.i64 == -1099511627776LL);
  CHECK(c.kind == WASM_F32 && c.of.f32 == 1.5f);
  CHECK(d.kind == WASM_F64 && d.of.f64 == -2.25);
  CHECK(e.kind == WASM_EXTERNREF && e.of.ref == NULL);
  CHECK(f.kind == WASM_EXTERNREF && f.of.ref == NULL);
  CHECK(literal.size == 2 && literal.data == array && none.size == 0 && none.data == NULL);

  wasm_val_copy(&copy, &b);
  CHECK(copy.kind == WASM_I64 && copy.of.i64 == b.of.i64);
  wasm_val_delete(&copy);
  wasm_val_copy(&copy, &f);
  CHECK(copy.kind == WASM_EXTERNREF && copy.of.ref == NULL);
  wasm_val_delete(&copy);
  wasm_val_copy(&copy, NULL);
  wasm_val_copy(NULL, &a);
  wasm_val_delete(NULL);

  wasm_val_init_ptr(&p, &local);
  CHECK(wasm_val_ptr(&p) == &local);

  wasm_val_vec_new(&vec, 2, array);
  CHECK(vec.size == 2 && vec.data != array && vec.data[1].kind == WASM_F64 &&
        vec.data[1].of.f64 == 2.0);
  wasm_val_vec_copy(&vec2, &vec);
  CHECK(vec2.size == 2 && vec2.data[0].of.i32 == 1);
  wasm_val_vec_delete(&vec);
  wasm_val_vec_delete(&vec2);
  wasm_val_vec_new_uninitialized(&vec, 3);
  CHECK(vec.size == 3);
  wasm_val_vec_delete(&vec);
  wasm_val_vec_new_empty(&vec);
  wasm_val_vec_delete(&vec);
}

static void test_runtime_environment(void) {
  wasm_config_t* config = wasm_config_new();
  wasm_engine_t* engine = wasm_engine_new_with_config(config); /* takes the config */
  wasm_engine_t* plain = wasm_engine_new();
  wasm_engine_t* defaults = wasm_engine_new_with_config(NULL);
  wasm_store_t* store = wasm_store_new(engine);
  wasm_store_t* store2 = wasm_store_new(plain);
  CHECK(engine != NULL && plain != NULL && defaults != NULL && store != NULL && store2 != NULL);
  CHECK(wasm_store_new(NULL) == NULL);
  /* A store may outlive its engine. */
  wasm_engine_delete(plain);
  wasm_store_delete(store2);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  wasm_engine_delete(defaults);
  wasm_config_delete(wasm_config_new());
  wasm_config_delete(NULL);
  wasm_engine_delete(NULL);
  wasm_store_delete(NULL);
}

int main(void) {
  test_layout();
  test_byte_vectors();
  test_names();
  test_valtypes();
  test_functypes();
  test_other_types();
  test_every_vector();
  test_values();
  test_runtime_environment();
  return check_report("capi_types_test");
}
