/* example.h: the chores every example in this directory shares and none is about: reading a
 * .wasm file into a module, finding an export by name and printing a trap. Header-only (static
 * functions), so each example is still built from its one .c file. */
#ifndef WASMSCOPE_EXAMPLE_H_
#define WASMSCOPE_EXAMPLE_H_

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wasm.h>

/* Reads the file at {path} and compiles it for {store}; prints why and returns NULL when it
 * cannot. The caller owns the module. */
static inline wasm_module_t* example_load_module(wasm_store_t* store, const char* path) {
  FILE* file = fopen(path, "rb");
  if (file == NULL) {
    perror(path);
    return NULL;
  }
  wasm_byte_vec_t binary = WASM_EMPTY_VEC;
  long size = -1;
  if (fseek(file, 0, SEEK_END) == 0) size = ftell(file);
  if (size > 0 && fseek(file, 0, SEEK_SET) == 0) {
    wasm_byte_vec_new_uninitialized(&binary, (size_t)size);
    if (fread(binary.data, 1, binary.size, file) != binary.size) wasm_byte_vec_delete(&binary);
  }
  fclose(file);
  if (binary.size == 0) {
    fprintf(stderr, "%s: cannot read it (or it is empty)\n", path);
    wasm_byte_vec_delete(&binary);
    return NULL;
  }
  wasm_module_t* module = wasm_module_new(store, &binary);
  wasm_byte_vec_delete(&binary);
  if (module == NULL) fprintf(stderr, "%s: not a valid WebAssembly module\n", path);
  return module;
}

/* The export of {instance} (a module of {module}) named {name} as a function, or NULL. The
 * function is borrowed from {exports}, the instance's exports (wasm_instance_exports), which the
 * caller deletes when done with both. */
static inline wasm_func_t* example_export_func(const wasm_module_t* module,
                                               const wasm_extern_vec_t* exports, const char* name) {
  wasm_exporttype_vec_t types;
  wasm_module_exports(module, &types);
  wasm_func_t* found = NULL;
  for (size_t i = 0; i < types.size && i < exports->size; ++i) {
    const wasm_name_t* export_name = wasm_exporttype_name(types.data[i]);
    if (export_name->size == strlen(name) &&
        memcmp(export_name->data, name, export_name->size) == 0)
      found = wasm_extern_as_func(exports->data[i]);
  }
  wasm_exporttype_vec_delete(&types);
  if (found == NULL) fprintf(stderr, "the module exports no function \"%s\"\n", name);
  return found;
}

/* Writes the trap's message into {buffer} (NUL-terminated, truncated to {size}). */
static inline void example_trap_message(const wasm_trap_t* trap, char* buffer, size_t size) {
  wasm_message_t message;
  wasm_trap_message(trap, &message);
  snprintf(buffer, size, "%.*s", (int)message.size, message.data);
  wasm_byte_vec_delete(&message);
}

/* Writes "$TMPDIR/{name}.XXXXXX" (without TMPDIR: /tmp) into {buffer}: a template for mkdtemp
 * or mkstemp. */
static inline void example_temp_template(char* buffer, size_t size, const char* name) {
  const char* dir = getenv("TMPDIR");
  snprintf(buffer, size, "%s/%s.XXXXXX", dir != NULL && dir[0] != '\0' ? dir : "/tmp", name);
}

#endif /* WASMSCOPE_EXAMPLE_H_ */
