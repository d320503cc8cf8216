/* Guest exceptions across the C API's host boundary (include/wasmscope.h,
 * wasmscope_trap_new_exception and wasmscope_trap_exception), in both tiers: a host function
 * throws into the guest, which catches it; a host function calls a throwing export and returns
 * its trap, and the exception goes on to the guest's handler; an exception no guest frame
 * catches comes out of wasm_func_call with its tag and payload; a plain host trap is no
 * exception (catch_all leaves it); bad tags and payloads give plain traps. The guest is
 * wat/exceptions.wat. */
#include <stdbool.h>
#include <stdint.h>

#include "check.h"
#include "wasmscope.h"

extern const unsigned char exceptions_wasm[];
extern const size_t exceptions_wasm_size;
extern const unsigned char exceptions_import_wasm[];
extern const size_t exceptions_import_wasm_size;

/* What the host functions throw (the "throw" import). */
enum mode { kThrowE, kPlainTrap, kThrowOther, kBadPayload };

struct host {
  wasm_store_t* store;
  wasm_extern_t* tag_e;     /* borrowed from the exports */
  wasm_extern_t* tag_other;
  const wasm_func_t* inner;
  enum mode mode;
  int relayed;              /* relay calls that saw inner's exception as expected */
};

static bool same_tag(const wasm_extern_t* a, const wasm_extern_t* b) {
  return a != NULL && b != NULL && wasm_extern_same(a, b);
}

static wasm_trap_t* host_throw(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  struct host* h = (struct host*)env;
  (void)results;
  switch (h->mode) {
    case kThrowE: {
      wasm_val_t v = WASM_I32_VAL(args->data[0].of.i32);
      wasm_val_vec_t payload = {1, &v};
      return wasmscope_trap_new_exception(h->store, h->tag_e, &payload);
    }
    case kThrowOther: {
      wasm_val_t v[2] = {WASM_I64_VAL(args->data[0].of.i32), WASM_F64_VAL(0.5)};
      wasm_val_vec_t payload = {2, v};
      return wasmscope_trap_new_exception(h->store, h->tag_other, &payload);
    }
    case kBadPayload: {
      wasm_val_t v = WASM_F32_VAL(1.0f); /* $e takes an i32 */
      wasm_val_vec_t payload = {1, &v};
      return wasmscope_trap_new_exception(h->store, h->tag_e, &payload);
    }
    case kPlainTrap:
    default: {
      wasm_message_t message;
      wasm_trap_t* trap;
      wasm_name_new_from_string_nt(&message, "plain host trap");
      trap = wasm_trap_new(h->store, &message);
      wasm_byte_vec_delete(&message);
      return trap;
    }
  }
}

/* Calls inner(x), which throws $e(x), and returns its trap: the exception goes on. */
static wasm_trap_t* relay(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  struct host* h = (struct host*)env;
  wasm_val_t arg = WASM_I32_VAL(args->data[0].of.i32);
  wasm_val_vec_t arg_vec = {1, &arg};
  wasm_val_vec_t no_results = WASM_EMPTY_VEC;
  wasm_trap_t* trap = wasm_func_call(h->inner, &arg_vec, &no_results);
  wasm_extern_t* tag = NULL;
  wasm_val_vec_t payload;
  (void)results;
  if (trap != NULL && wasmscope_trap_exception(trap, &tag, &payload)) {
    if (same_tag(tag, h->tag_e) && payload.size == 1 && payload.data[0].kind == WASM_I32 &&
        payload.data[0].of.i32 == args->data[0].of.i32) {
      ++h->relayed;
    }
    wasm_extern_delete(tag);
    wasm_val_vec_delete(&payload);
  }
  return trap;
}

static wasm_trap_t* call_i32(const wasm_func_t* f, int32_t x, int32_t* result) {
  wasm_val_t arg = WASM_I32_VAL(x);
  wasm_val_t res = WASM_INIT_VAL;
  wasm_val_vec_t args = {1, &arg};
  wasm_val_vec_t results = {1, &res};
  wasm_trap_t* trap = wasm_func_call(f, &args, &results);
  if (trap == NULL && result != NULL) *result = res.of.i32;
  return trap;
}

static void run(bool compiled) {
  wasm_config_t* config = wasm_config_new();
  wasm_engine_t* engine;
  wasm_store_t* store;
  wasm_module_t* module;
  struct host h;
  wasm_functype_t* type_i32;
  wasm_func_t* throw_func;
  wasm_func_t* relay_func;
  wasm_extern_t* imports[2];
  wasm_extern_vec_t import_vec = {2, imports};
  wasm_instance_t* instance;
  wasm_extern_vec_t exports;
  int32_t result = 0;
  wasm_trap_t* trap;

  if (!wasmscope_config_set_tier(config, compiled ? WASMSCOPE_TIER_COMPILED
                                                   : WASMSCOPE_TIER_INTERPRETER)) {
    /* A build without the compiled tier: the interpreter's run is the test. */
    CHECK(compiled);
    wasm_config_delete(config);
    return;
  }
  engine = wasm_engine_new_with_config(config);
  store = wasm_store_new(engine);
  module = load_module(store, exceptions_wasm, exceptions_wasm_size);
  CHECK(module != NULL);
  if (module == NULL) {
    wasm_store_delete(store);
    wasm_engine_delete(engine);
    return;
  }
  memset(&h, 0, sizeof h);
  h.store = store;
  type_i32 = wasm_functype_new_1_0(wasm_valtype_new_i32());
  throw_func = wasm_func_new_with_env(store, type_i32, host_throw, &h, NULL);
  relay_func = wasm_func_new_with_env(store, type_i32, relay, &h, NULL);
  wasm_functype_delete(type_i32);
  imports[0] = wasm_func_as_extern(throw_func);
  imports[1] = wasm_func_as_extern(relay_func);
  instance = wasm_instance_new(store, module, &import_vec, NULL);
  CHECK(instance != NULL);
  if (instance != NULL) {
    const wasm_func_t* catch_host;
    const wasm_func_t* catch_relayed;
    const wasm_func_t* catch_all_host;
    const wasm_func_t* uncaught;
    wasm_instance_exports(instance, &exports);
    CHECK(exports.size == 7);
    CHECK(wasm_extern_kind(exports.data[0]) == WASMSCOPE_EXTERN_TAG);
    h.tag_e = exports.data[0];
    h.tag_other = exports.data[1];
    h.inner = wasm_extern_as_func(exports.data[2]);
    catch_host = wasm_extern_as_func(exports.data[3]);
    catch_relayed = wasm_extern_as_func(exports.data[4]);
    catch_all_host = wasm_extern_as_func(exports.data[5]);
    uncaught = wasm_extern_as_func(exports.data[6]);

    /* The host throws $e(5); the guest catches it. */
    h.mode = kThrowE;
    trap = call_i32(catch_host, 5, &result);
    CHECK(trap == NULL && result == 1005);
    wasm_trap_delete(trap);

    /* inner's exception through the relay, twice (the second after a caught one). */
    trap = call_i32(catch_relayed, 7, &result);
    CHECK(trap == NULL && result == 2007);
    wasm_trap_delete(trap);
    trap = call_i32(catch_relayed, 8, &result);
    CHECK(trap == NULL && result == 2008);
    wasm_trap_delete(trap);
    CHECK(h.relayed == 2);

    /* An exception of another tag is not caught by catch $e: it leaves the guest with its tag
     * and payload. */
    h.mode = kThrowOther;
    trap = call_i32(catch_host, 11, NULL);
    CHECK(trap != NULL && trap_says(trap, "uncaught exception"));
    if (trap != NULL) {
      wasm_extern_t* tag = NULL;
      wasm_val_vec_t payload;
      CHECK(wasmscope_trap_exception(trap, &tag, &payload));
      CHECK(same_tag(tag, h.tag_other) && !same_tag(tag, h.tag_e));
      CHECK(payload.size == 2 && payload.data[0].kind == WASM_I64 && payload.data[0].of.i64 == 11 &&
            payload.data[1].kind == WASM_F64 && payload.data[1].of.f64 == 0.5);
      wasm_extern_delete(tag);
      wasm_val_vec_delete(&payload);
      wasm_trap_delete(trap);
    }

    /* A plain host trap is no exception: catch_all does not catch it, and it has no tag. */
    h.mode = kPlainTrap;
    trap = call_i32(catch_all_host, 1, NULL);
    CHECK(trap != NULL && trap_says(trap, "plain host trap"));
    CHECK(trap != NULL && !wasmscope_trap_exception(trap, NULL, NULL));
    wasm_trap_delete(trap);
    /* The same with an exception the guest does catch_all. */
    h.mode = kThrowE;
    trap = call_i32(catch_all_host, 1, &result);
    CHECK(trap == NULL && result == -2);
    wasm_trap_delete(trap);

    /* A payload that does not fit the tag: the call traps, saying so. */
    h.mode = kBadPayload;
    trap = call_i32(catch_all_host, 1, NULL);
    CHECK(trap != NULL && trap_mentions(trap, "payload value 0"));
    CHECK(trap != NULL && !wasmscope_trap_exception(trap, NULL, NULL));
    wasm_trap_delete(trap);

    /* Uncaught from the guest: its tag and payload; NULL outputs are allowed. */
    trap = call_i32(uncaught, 42, NULL);
    CHECK(trap != NULL && trap_says(trap, "uncaught exception"));
    if (trap != NULL) {
      wasm_extern_t* tag = NULL;
      wasm_val_vec_t payload;
      wasm_frame_vec_t trace;
      CHECK(wasmscope_trap_exception(trap, NULL, NULL));
      CHECK(wasmscope_trap_exception(trap, &tag, &payload));
      CHECK(same_tag(tag, h.tag_e));
      CHECK(payload.size == 1 && payload.data[0].of.i32 == 42);
      wasm_trap_trace(trap, &trace);
      CHECK(trace.size >= 1); /* the thrower's frame */
      wasm_frame_vec_delete(&trace);
      wasm_extern_delete(tag);
      wasm_val_vec_delete(&payload);
      wasm_trap_delete(trap);
    }
    /* A module importing the tag: its throw is of the same tag. */
    {
      wasm_module_t* importer =
          load_module(store, exceptions_import_wasm, exceptions_import_wasm_size);
      wasm_extern_t* tag_import[1];
      wasm_extern_vec_t tag_imports = {1, tag_import};
      wasm_instance_t* second;
      CHECK(importer != NULL);
      tag_import[0] = h.tag_e;
      second = importer != NULL ? wasm_instance_new(store, importer, &tag_imports, NULL) : NULL;
      CHECK(second != NULL);
      if (second != NULL) {
        wasm_extern_vec_t second_exports;
        wasm_instance_exports(second, &second_exports);
        CHECK(second_exports.size == 1);
        if (second_exports.size == 1) {
          wasm_extern_t* tag = NULL;
          trap = call_i32(wasm_extern_as_func(second_exports.data[0]), 3, NULL);
          CHECK(trap != NULL && wasmscope_trap_exception(trap, &tag, NULL));
          CHECK(same_tag(tag, h.tag_e));
          wasm_extern_delete(tag);
          wasm_trap_delete(trap);
        }
        wasm_extern_vec_delete(&second_exports);
        wasm_instance_delete(second);
      }
      /* A function where the tag belongs: unlinkable, with a trap saying why. */
      tag_import[0] = wasm_func_as_extern(throw_func);
      trap = NULL;
      second = importer != NULL ? wasm_instance_new(store, importer, &tag_imports, &trap) : NULL;
      CHECK(second == NULL && trap != NULL);
      wasm_trap_delete(trap);
      wasm_module_delete(importer);
    }
    wasm_extern_vec_delete(&exports);
    wasm_instance_delete(instance);
  }

  /* Bad arguments: a trap saying so, never a crash. */
  trap = wasmscope_trap_new_exception(store, NULL, NULL);
  CHECK(trap != NULL && trap_mentions(trap, "not a tag"));
  CHECK(!wasmscope_trap_exception(trap, NULL, NULL));
  wasm_trap_delete(trap);
  trap = wasmscope_trap_new_exception(store, wasm_func_as_extern(throw_func), NULL);
  CHECK(trap != NULL && trap_mentions(trap, "not a tag"));
  wasm_trap_delete(trap);
  CHECK(!wasmscope_trap_exception(NULL, NULL, NULL));

  wasm_func_delete(throw_func);
  wasm_func_delete(relay_func);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
}

int main(void) {
  run(false);
  run(true);
  return check_report("capi_exceptions_test");
}
