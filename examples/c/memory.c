/* memory.c: a guest's exported linear memory seen from the host (wasm.h).
 *
 *   memory PATH/memory.wasm
 *
 * The host writes bytes through wasm_memory_data and the guest reads them; the guest stores
 * and the host reads; the host grows the memory and both sides see the new size; a load past
 * the end traps with "out of bounds memory access", and growing past the maximum fails. */
#include <stdio.h>
#include <string.h>

#include <wasm.h>

#include "example.h"

/* Calls {func} with {argc} i32 arguments; returns the trap (NULL on success) and the first
 * result, if any, in {*result}. */
static wasm_trap_t* call_i32(const wasm_func_t* func, size_t argc, int32_t a, int32_t b,
                             int32_t* result) {
  wasm_val_t args[2] = {WASM_I32_VAL(a), WASM_I32_VAL(b)};
  wasm_val_t results[1] = {WASM_I32_VAL(0)};
  wasm_val_vec_t arg_vec = {argc, args};
  wasm_val_vec_t result_vec = {wasm_func_result_arity(func), results};
  wasm_trap_t* trap = wasm_func_call(func, &arg_vec, &result_vec);
  if (trap == NULL && result != NULL) *result = results[0].of.i32;
  return trap;
}

/* Calls {func} and fails the example (printing {what}) if it traps. */
#define CALL_OK(what, func, argc, a, b, result)                         \
  do {                                                                  \
    wasm_trap_t* call_trap_ = call_i32(func, argc, a, b, result);       \
    if (call_trap_ != NULL) {                                           \
      example_trap_message(call_trap_, message, sizeof message);        \
      fprintf(stderr, "memory: FAIL: %s trapped: %s\n", what, message); \
      wasm_trap_delete(call_trap_);                                     \
      goto done;                                                        \
    }                                                                   \
  } while (0)

#define CHECK(condition, ...)            \
  do {                                   \
    if (!(condition)) {                  \
      fprintf(stderr, "memory: FAIL: "); \
      fprintf(stderr, __VA_ARGS__);      \
      fputc('\n', stderr);               \
      goto done;                         \
    }                                    \
  } while (0)

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s PATH/memory.wasm\n", argv[0]);
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
  int32_t value = 0;

  module = example_load_module(store, argv[1]);
  if (module == NULL) goto done;
  instance = wasm_instance_new(store, module, NULL, &trap); /* no imports */
  if (instance == NULL) {
    example_trap_message(trap, message, sizeof message);
    fprintf(stderr, "memory: FAIL: cannot instantiate: %s\n", message);
    goto done;
  }
  wasm_instance_exports(instance, &exports);
  wasm_func_t* load = example_export_func(module, &exports, "load");
  wasm_func_t* store_i32 = example_export_func(module, &exports, "store");
  wasm_func_t* pages = example_export_func(module, &exports, "pages");
  wasm_func_t* sum_bytes = example_export_func(module, &exports, "sum_bytes");
  wasm_memory_t* memory = NULL;
  for (size_t i = 0; i < exports.size && memory == NULL; ++i)
    memory = wasm_extern_as_memory(exports.data[i]);
  if (!load || !store_i32 || !pages || !sum_bytes || !memory) goto done;

  /* Host writes, guest reads. Linear memory is little-endian whatever the host is. */
  printf("memory: %u page(s), %zu bytes\n", (unsigned)wasm_memory_size(memory),
         wasm_memory_data_size(memory));
  byte_t* data = wasm_memory_data(memory);
  const char text[] = "wasmscope";
  memcpy(data + 100, text, sizeof text - 1);
  CALL_OK("sum_bytes", sum_bytes, 2, 100, (int32_t)(sizeof text - 1), &value);
  int32_t expected_sum = 0;
  for (size_t i = 0; i + 1 < sizeof text; ++i)
    expected_sum += (unsigned char)text[i];
  printf("memory: the guest sums \"%s\" to %d\n", text, (int)value);
  CHECK(value == expected_sum, "expected the sum %d", (int)expected_sum);
  data[200] = 0x78;
  data[201] = 0x56;
  data[202] = 0x34;
  data[203] = 0x12;
  CALL_OK("load", load, 1, 200, 0, &value);
  printf("memory: the guest loads 0x%x from address 200\n", (unsigned)value);
  CHECK(value == 0x12345678, "expected 0x12345678");

  /* Guest writes, host reads. */
  CALL_OK("store", store_i32, 2, 300, (int32_t)0xcafe, NULL);
  unsigned host_sees = (unsigned char)data[300] | (unsigned)(unsigned char)data[301] << 8;
  printf("memory: the host reads 0x%x at address 300\n", host_sees);
  CHECK(host_sees == 0xcafe, "expected 0xcafe");

  /* Growing moves the memory's bytes, so {data} must be fetched again afterwards. */
  CHECK(wasm_memory_grow(memory, 1), "wasm_memory_grow(1) failed");
  data = wasm_memory_data(memory);
  CALL_OK("pages", pages, 0, 0, 0, &value);
  printf("memory: grown to %u pages (%zu bytes); the guest sees %d\n",
         (unsigned)wasm_memory_size(memory), wasm_memory_data_size(memory), (int)value);
  CHECK(wasm_memory_size(memory) == 2 && value == 2, "expected 2 pages");
  CHECK(wasm_memory_data_size(memory) == 2 * MEMORY_PAGE_SIZE, "expected 2 pages of bytes");
  CHECK(data[300] == (byte_t)0xfe, "growing lost the bytes");
  const int32_t last = (int32_t)(2 * MEMORY_PAGE_SIZE - 4); /* the last i32 of the new page */
  CALL_OK("store", store_i32, 2, last, 77, NULL);
  CHECK(data[last] == 77, "the host does not see the store into the new page");

  /* The maximum is 3 pages: 2 more do not fit, and nothing changes. */
  CHECK(!wasm_memory_grow(memory, 2), "growing past the maximum succeeded");
  CHECK(wasm_memory_size(memory) == 2, "a failed grow changed the size");
  printf("memory: growing past the maximum (3 pages) fails\n");

  /* An i32 load at the last byte reads 3 bytes past the end: the call traps. */
  trap = call_i32(load, 1, (int32_t)(2 * MEMORY_PAGE_SIZE - 1), 0, NULL);
  CHECK(trap != NULL, "the out-of-bounds load did not trap");
  example_trap_message(trap, message, sizeof message);
  printf("memory: load(0x%x) trapped: %s\n", (unsigned)(2 * MEMORY_PAGE_SIZE - 1), message);
  CHECK(strcmp(message, "out of bounds memory access") == 0, "unexpected trap message");
  wasm_frame_t* origin = wasm_trap_origin(trap);
  CHECK(origin != NULL, "the trap has no frame");
  printf("memory: in function %u at offset 0x%zx of its body\n",
         (unsigned)wasm_frame_func_index(origin), wasm_frame_func_offset(origin));
  wasm_frame_delete(origin);

  /* A trap ends the call, not the instance: the guest still runs. */
  CALL_OK("load", load, 1, 200, 0, &value);
  CHECK(value == 0x12345678, "the memory changed after the trap");

  printf("memory: ok\n");
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
