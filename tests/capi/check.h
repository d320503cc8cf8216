/* What the C API tests share: a CHECK macro that counts failures, loading the embedded test
 * modules, and reading trap messages. */
#ifndef WASMSCOPE_TESTS_CAPI_CHECK_H_
#define WASMSCOPE_TESTS_CAPI_CHECK_H_

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasm.h"

static int check_failures = 0;

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      ++check_failures;                                                        \
    }                                                                          \
  } while (0)

/* Exits the test: status 1 when any CHECK failed. */
static inline int check_report(const char* test) {
  if (check_failures != 0) {
    fprintf(stderr, "%s: %d checks failed\n", test, check_failures);
    return 1;
  }
  printf("%s: all checks passed\n", test);
  return 0;
}

/* The modules of wat/, assembled at build time (CMakeLists.txt). */
extern const unsigned char calls_wasm[];
extern const size_t calls_wasm_size;
extern const unsigned char objects_wasm[];
extern const size_t objects_wasm_size;
extern const unsigned char reflect_wasm[];
extern const size_t reflect_wasm_size;

static inline void bytes_of(wasm_byte_vec_t* out, const unsigned char* bytes, size_t size) {
  wasm_byte_vec_new(out, size, (const wasm_byte_t*)bytes);
}

static inline wasm_module_t* load_module(wasm_store_t* store, const unsigned char* bytes,
                                         size_t size) {
  wasm_byte_vec_t binary;
  bytes_of(&binary, bytes, size);
  wasm_module_t* module = wasm_module_new(store, &binary);
  wasm_byte_vec_delete(&binary);
  return module;
}

/* Whether {trap}'s message is {text} followed by its NUL. */
static inline int trap_says(const wasm_trap_t* trap, const char* text) {
  wasm_message_t message;
  int same;
  wasm_trap_message(trap, &message);
  same = message.size == strlen(text) + 1 && memcmp(message.data, text, message.size) == 0;
  if (!same) fprintf(stderr, "trap message: %.*s\n", (int)message.size, message.data);
  wasm_byte_vec_delete(&message);
  return same;
}

/* Whether {trap}'s message contains {text}. */
static inline int trap_mentions(const wasm_trap_t* trap, const char* text) {
  wasm_message_t message;
  int found;
  wasm_trap_message(trap, &message);
  found = message.size > 0 && message.data[message.size - 1] == '\0' &&
          strstr(message.data, text) != NULL;
  if (!found) fprintf(stderr, "trap message: %.*s\n", (int)message.size, message.data);
  wasm_byte_vec_delete(&message);
  return found;
}

/* Whether {name} holds exactly the characters of {text}. */
static inline int name_is(const wasm_name_t* name, const char* text) {
  return name != NULL && name->size == strlen(text) && memcmp(name->data, text, name->size) == 0;
}

#endif /* WASMSCOPE_TESTS_CAPI_CHECK_H_ */
