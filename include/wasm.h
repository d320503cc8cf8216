/* The standard WebAssembly C API, as wasmscope implements it.
 *
 * The interface is the one the WebAssembly/wasm-c-api project documents (and Wasmtime, WAMR
 * and V8 implement): the same names, types, enumerator values, struct layouts and convenience
 * macros, so a program written against that interface builds and runs unchanged with this
 * header and libwasmscope. The comments are wasmscope's and say how it behaves.
 *
 * Ownership. A parameter or result marked {own} passes ownership: the receiver must release it
 * with the matching wasm_X_delete. An {own} vector owns its elements too. A {const} pointer (or
 * an unmarked one) is borrowed. Deleting a handle (wasm_func_t, wasm_ref_t, ...) releases that
 * handle only: the object it refers to lives as long as its store (functions, globals, tables,
 * memories, instances, foreign objects) or as long as its last handle (modules, traps). A store
 * itself lives until wasm_store_delete and the last handle of an object in it are gone, so
 * handles may be deleted in any order. Host info finalizers run exactly once: when the object
 * dies, or when new host info replaces the old.
 *
 * Errors. No function throws, aborts or longjmps. Null and empty inputs are accepted wherever a
 * pointer is taken: functions then return NULL, 0, false or an empty vector, and do nothing.
 * A call that cannot run (wrong argument count or kinds, a NULL function) returns a trap.
 *
 * Threads. As the standard says: a store and everything in it belong to one thread at a time;
 * engines, shared modules (wasm_shared_module_t) and modules are safe to use from any thread.
 *
 * wasmscope extension: WASMSCOPE_V128 names the v128 value type in type reflection. wasm_val_t
 * has no room for a v128 value, so functions with v128 parameters or results cannot be called
 * through this interface (the call returns a trap). */
#ifndef WASM_H
#define WASM_H

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "wasmscope/export.h"

#ifndef WASM_API_EXTERN
#define WASM_API_EXTERN WASMSCOPE_API
#endif

/* The C++ definitions are noexcept; C++ programs see the same specification. */
#ifdef __cplusplus
#define WASMSCOPE_WASM_NOEXCEPT noexcept
extern "C" {
#else
#define WASMSCOPE_WASM_NOEXCEPT
#endif

/* The interface assumes IEEE single and double floats and 32- or 64-bit pointers. */
#ifdef __cplusplus
static_assert(sizeof(float) == 4 && sizeof(double) == 8, "wasm.h needs 32/64-bit floats");
#else
_Static_assert(sizeof(float) == 4 && sizeof(double) == 8, "wasm.h needs 32/64-bit floats");
#endif

typedef char byte_t;
typedef float float32_t;
typedef double float64_t;

/* Marks ownership transfer (see above); expands to nothing and is undefined again at the end. */
#define own

/* ---------------------------------------------------------------------------------------------
 * Declaration helpers. Each expands to the typedef and functions one family of objects shares.
 * ------------------------------------------------------------------------------------------- */

/* An owned object type: wasm_NAME_t and its wasm_NAME_delete. */
#define WASM_DECLARE_OWN(name)                    \
  typedef struct wasm_##name##_t wasm_##name##_t; \
  WASM_API_EXTERN void wasm_##name##_delete(own wasm_##name##_t*) WASMSCOPE_WASM_NOEXCEPT;

/* A vector of NAME elements ({ptr_or_none} is {*} for vectors of handles): a size and a
 * malloc'd array. _new_empty makes {0, NULL}; _new_uninitialized makes {size} zeroed elements;
 * _new takes ownership of {size} elements copied from an array; _copy copies every element;
 * _delete deletes every element, then the array, and leaves {0, NULL}. */
#define WASM_DECLARE_VEC(name, ptr_or_none)                                                      \
  typedef struct wasm_##name##_vec_t {                                                           \
    size_t size;                                                                                 \
    wasm_##name##_t ptr_or_none* data;                                                           \
  } wasm_##name##_vec_t;                                                                         \
  WASM_API_EXTERN void wasm_##name##_vec_new_empty(own wasm_##name##_vec_t* out)                 \
      WASMSCOPE_WASM_NOEXCEPT;                                                                   \
  WASM_API_EXTERN void wasm_##name##_vec_new_uninitialized(own wasm_##name##_vec_t* out,         \
                                                           size_t size) WASMSCOPE_WASM_NOEXCEPT; \
  WASM_API_EXTERN void wasm_##name##_vec_new(own wasm_##name##_vec_t* out, size_t size,          \
                                             own wasm_##name##_t ptr_or_none const data[])       \
      WASMSCOPE_WASM_NOEXCEPT;                                                                   \
  WASM_API_EXTERN void wasm_##name##_vec_copy(                                                   \
      own wasm_##name##_vec_t* out, const wasm_##name##_vec_t* source) WASMSCOPE_WASM_NOEXCEPT;  \
  WASM_API_EXTERN void wasm_##name##_vec_delete(own wasm_##name##_vec_t* vec)                    \
      WASMSCOPE_WASM_NOEXCEPT;

/* A type description: owned, with a vector type and a deep copy. */
#define WASM_DECLARE_TYPE(name)                                                   \
  WASM_DECLARE_OWN(name)                                                          \
  WASM_DECLARE_VEC(name, *)                                                       \
  WASM_API_EXTERN own wasm_##name##_t* wasm_##name##_copy(const wasm_##name##_t*) \
      WASMSCOPE_WASM_NOEXCEPT;

/* A reference to a run-time object: _copy makes another handle to the same object, _same
 * compares objects (not handles), host info belongs to the object. */
#define WASM_DECLARE_REF_BASE(name)                                                       \
  WASM_DECLARE_OWN(name)                                                                  \
  WASM_API_EXTERN own wasm_##name##_t* wasm_##name##_copy(const wasm_##name##_t*)         \
      WASMSCOPE_WASM_NOEXCEPT;                                                            \
  WASM_API_EXTERN bool wasm_##name##_same(const wasm_##name##_t*, const wasm_##name##_t*) \
      WASMSCOPE_WASM_NOEXCEPT;                                                            \
  WASM_API_EXTERN void* wasm_##name##_get_host_info(const wasm_##name##_t*)               \
      WASMSCOPE_WASM_NOEXCEPT;                                                            \
  WASM_API_EXTERN void wasm_##name##_set_host_info(wasm_##name##_t*, void*)               \
      WASMSCOPE_WASM_NOEXCEPT;                                                            \
  WASM_API_EXTERN void wasm_##name##_set_host_info_with_finalizer(                        \
      wasm_##name##_t*, void*, void (*)(void*)) WASMSCOPE_WASM_NOEXCEPT;

/* A reference kind that converts to and from wasm_ref_t. The conversions return the same
 * handle viewed as the other type (borrowed, nothing to delete), or NULL for another kind. */
#define WASM_DECLARE_REF(name)                                                                \
  WASM_DECLARE_REF_BASE(name)                                                                 \
  WASM_API_EXTERN wasm_ref_t* wasm_##name##_as_ref(wasm_##name##_t*) WASMSCOPE_WASM_NOEXCEPT; \
  WASM_API_EXTERN wasm_##name##_t* wasm_ref_as_##name(wasm_ref_t*) WASMSCOPE_WASM_NOEXCEPT;   \
  WASM_API_EXTERN const wasm_ref_t* wasm_##name##_as_ref_const(const wasm_##name##_t*)        \
      WASMSCOPE_WASM_NOEXCEPT;                                                                \
  WASM_API_EXTERN const wasm_##name##_t* wasm_ref_as_##name##_const(const wasm_ref_t*)        \
      WASMSCOPE_WASM_NOEXCEPT;

/* A reference whose object may move to another thread's store: _share makes a thread-safe
 * wasm_shared_NAME_t, _obtain makes a new object of it in a store. */
#define WASM_DECLARE_SHARABLE_REF(name)                                                   \
  WASM_DECLARE_REF(name)                                                                  \
  WASM_DECLARE_OWN(shared_##name)                                                         \
  WASM_API_EXTERN own wasm_shared_##name##_t* wasm_##name##_share(const wasm_##name##_t*) \
      WASMSCOPE_WASM_NOEXCEPT;                                                            \
  WASM_API_EXTERN own wasm_##name##_t* wasm_##name##_obtain(                              \
      wasm_store_t*, const wasm_shared_##name##_t*) WASMSCOPE_WASM_NOEXCEPT;

/* ---------------------------------------------------------------------------------------------
 * Bytes and names
 * ------------------------------------------------------------------------------------------- */

typedef byte_t wasm_byte_t;
WASM_DECLARE_VEC(byte, )

/* A name is a byte vector (UTF-8, not NUL-terminated unless made with _nt below). */
typedef wasm_byte_vec_t wasm_name_t;

#define wasm_name wasm_byte_vec
#define wasm_name_new wasm_byte_vec_new
#define wasm_name_new_empty wasm_byte_vec_new_empty
#define wasm_name_new_uninitialized wasm_byte_vec_new_uninitialized
/* The standard spells this one with "new" twice; both spellings work. */
#define wasm_name_new_new_uninitialized wasm_byte_vec_new_uninitialized
#define wasm_name_copy wasm_byte_vec_copy
#define wasm_name_delete wasm_byte_vec_delete

/* The name {s} without its terminating NUL. */
static inline void wasm_name_new_from_string(own wasm_name_t* out, const char* s) {
  wasm_byte_vec_new(out, strlen(s), s);
}
/* The name {s} with its terminating NUL (the form trap messages take). */
static inline void wasm_name_new_from_string_nt(own wasm_name_t* out, const char* s) {
  wasm_byte_vec_new(out, strlen(s) + 1, s);
}

/* ---------------------------------------------------------------------------------------------
 * Configuration, engine, store
 * ------------------------------------------------------------------------------------------- */

/* Engine options. Today the defaults: every proposal wasmscope implements, guard-page bounds
 * checks. */
WASM_DECLARE_OWN(config)
WASM_API_EXTERN own wasm_config_t* wasm_config_new(void) WASMSCOPE_WASM_NOEXCEPT;

/* Holds the configuration stores are made with. Thread-safe; may be deleted while its stores
 * live. */
WASM_DECLARE_OWN(engine)
WASM_API_EXTERN own wasm_engine_t* wasm_engine_new(void) WASMSCOPE_WASM_NOEXCEPT;
/* Takes ownership of {config} (NULL: the defaults). */
WASM_API_EXTERN own wasm_engine_t* wasm_engine_new_with_config(own wasm_config_t* config)
    WASMSCOPE_WASM_NOEXCEPT;

/* Owns run-time objects (functions, globals, tables, memories, instances, foreign objects);
 * they die with it. */
WASM_DECLARE_OWN(store)
WASM_API_EXTERN own wasm_store_t* wasm_store_new(wasm_engine_t* engine) WASMSCOPE_WASM_NOEXCEPT;

/* ---------------------------------------------------------------------------------------------
 * Types
 * ------------------------------------------------------------------------------------------- */

typedef uint8_t wasm_mutability_t;
enum wasm_mutability_enum {
  WASM_CONST = 0,
  WASM_VAR = 1,
};

/* Table limits count elements, memory limits 64 KiB pages; {max} is wasm_limits_max_default
 * when there is no maximum. */
typedef struct wasm_limits_t {
  uint32_t min;
  uint32_t max;
} wasm_limits_t;

static const uint32_t wasm_limits_max_default = 0xffffffff;

/* Value types. */
WASM_DECLARE_TYPE(valtype)

typedef uint8_t wasm_valkind_t;
enum wasm_valkind_enum {
  WASM_I32 = 0,
  WASM_I64 = 1,
  WASM_F32 = 2,
  WASM_F64 = 3,
  WASMSCOPE_V128 = 4, /* wasmscope extension: reflection only (see the top of this file) */
  WASM_EXTERNREF = 128,
  WASM_FUNCREF = 129,
  WASMSCOPE_EXNREF = 130, /* wasmscope extension: exception handling's exnref, reflection only */
};

/* NULL for a kind that is not one of the above. */
WASM_API_EXTERN own wasm_valtype_t* wasm_valtype_new(wasm_valkind_t kind) WASMSCOPE_WASM_NOEXCEPT;
WASM_API_EXTERN wasm_valkind_t wasm_valtype_kind(const wasm_valtype_t* type)
    WASMSCOPE_WASM_NOEXCEPT;

static inline bool wasm_valkind_is_num(wasm_valkind_t k) {
  return k < WASM_EXTERNREF;
}
static inline bool wasm_valkind_is_ref(wasm_valkind_t k) {
  return k >= WASM_EXTERNREF;
}
static inline bool wasm_valtype_is_num(const wasm_valtype_t* t) {
  return wasm_valkind_is_num(wasm_valtype_kind(t));
}
static inline bool wasm_valtype_is_ref(const wasm_valtype_t* t) {
  return wasm_valkind_is_ref(wasm_valtype_kind(t));
}

/* Function types: take ownership of both vectors (and leave them empty). */
WASM_DECLARE_TYPE(functype)
WASM_API_EXTERN own wasm_functype_t* wasm_functype_new(
    own wasm_valtype_vec_t* params, own wasm_valtype_vec_t* results) WASMSCOPE_WASM_NOEXCEPT;
WASM_API_EXTERN const wasm_valtype_vec_t* wasm_functype_params(const wasm_functype_t* type)
    WASMSCOPE_WASM_NOEXCEPT;
WASM_API_EXTERN const wasm_valtype_vec_t* wasm_functype_results(const wasm_functype_t* type)
    WASMSCOPE_WASM_NOEXCEPT;

/* Global types: take ownership of {content}. */
WASM_DECLARE_TYPE(globaltype)
WASM_API_EXTERN own wasm_globaltype_t* wasm_globaltype_new(
    own wasm_valtype_t* content, wasm_mutability_t mutability) WASMSCOPE_WASM_NOEXCEPT;
WASM_API_EXTERN const wasm_valtype_t* wasm_globaltype_content(const wasm_globaltype_t* type)
    WASMSCOPE_WASM_NOEXCEPT;
WASM_API_EXTERN wasm_mutability_t wasm_globaltype_mutability(const wasm_globaltype_t* type)
    WASMSCOPE_WASM_NOEXCEPT;

/* Table types: take ownership of {element} (a reference type). */
WASM_DECLARE_TYPE(tabletype)
WASM_API_EXTERN own wasm_tabletype_t* wasm_tabletype_new(
    own wasm_valtype_t* element, const wasm_limits_t* limits) WASMSCOPE_WASM_NOEXCEPT;
WASM_API_EXTERN const wasm_valtype_t* wasm_tabletype_element(const wasm_tabletype_t* type)
    WASMSCOPE_WASM_NOEXCEPT;
WASM_API_EXTERN const wasm_limits_t* wasm_tabletype_limits(const wasm_tabletype_t* type)
    WASMSCOPE_WASM_NOEXCEPT;

/* Memory types. */
WASM_DECLARE_TYPE(memorytype)
WASM_API_EXTERN own wasm_memorytype_t* wasm_memorytype_new(const wasm_limits_t* limits)
    WASMSCOPE_WASM_NOEXCEPT;
WASM_API_EXTERN const wasm_limits_t* wasm_memorytype_limits(const wasm_memorytype_t* type)
    WASMSCOPE_WASM_NOEXCEPT;

/* Extern types: any of the four above. The conversions view the same object as the other type
 * (borrowed), or return NULL when the kind differs. */
WASM_DECLARE_TYPE(externtype)

typedef uint8_t wasm_externkind_t;
enum wasm_externkind_enum {
  WASM_EXTERN_FUNC = 0,
  WASM_EXTERN_GLOBAL = 1,
  WASM_EXTERN_TABLE = 2,
  WASM_EXTERN_MEMORY = 3,
  WASMSCOPE_EXTERN_TAG = 4, /* wasmscope extension: an exception tag; its type is reflected as
                               the function type of its payload (params, no results) */
};

WASM_API_EXTERN wasm_externkind_t wasm_externtype_kind(const wasm_externtype_t* type)
    WASMSCOPE_WASM_NOEXCEPT;

WASM_API_EXTERN wasm_externtype_t* wasm_functype_as_externtype(wasm_functype_t*)
    WASMSCOPE_WASM_NOEXCEPT;
WASM_API_EXTERN wasm_externtype_t* wasm_globaltype_as_externtype(wasm_globaltype_t*)
    WASMSCOPE_WASM_NOEXCEPT;
WASM_API_EXTERN wasm_externtype_t* wasm_tabletype_as_externtype(wasm_tabletype_t*)
    WASMSCOPE_WASM_NOEXCEPT;
WASM_API_EXTERN wasm_externtype_t* wasm_memorytype_as_externtype(wasm_memorytype_t*)
    WASMSCOPE_WASM_NOEXCEPT;

WASM_API_EXTERN wasm_functype_t* wasm_externtype_as_functype(wasm_externtype_t*)
    WASMSCOPE_WASM_NOEXCEPT;
WASM_API_EXTERN wasm_globaltype_t* wasm_externtype_as_globaltype(wasm_externtype_t*)
    WASMSCOPE_WASM_NOEXCEPT;
WASM_API_EXTERN wasm_tabletype_t* wasm_externtype_as_tabletype(wasm_externtype_t*)
    WASMSCOPE_WASM_NOEXCEPT;
WASM_API_EXTERN wasm_memorytype_t* wasm_externtype_as_memorytype(wasm_externtype_t*)
    WASMSCOPE_WASM_NOEXCEPT;

WASM_API_EXTERN const wasm_externtype_t* wasm_functype_as_externtype_const(const wasm_functype_t*)
    WASMSCOPE_WASM_NOEXCEPT;
WASM_API_EXTERN const wasm_externtype_t* wasm_globaltype_as_externtype_const(
    const wasm_globaltype_t*) WASMSCOPE_WASM_NOEXCEPT;
WASM_API_EXTERN const wasm_externtype_t* wasm_tabletype_as_externtype_const(const wasm_tabletype_t*)
    WASMSCOPE_WASM_NOEXCEPT;
WASM_API_EXTERN const wasm_externtype_t* wasm_memorytype_as_externtype_const(
    const wasm_memorytype_t*) WASMSCOPE_WASM_NOEXCEPT;

WASM_API_EXTERN const wasm_functype_t* wasm_externtype_as_functype_const(const wasm_externtype_t*)
    WASMSCOPE_WASM_NOEXCEPT;
WASM_API_EXTERN const wasm_globaltype_t* wasm_externtype_as_globaltype_const(
    const wasm_externtype_t*) WASMSCOPE_WASM_NOEXCEPT;
WASM_API_EXTERN const wasm_tabletype_t* wasm_externtype_as_tabletype_const(const wasm_externtype_t*)
    WASMSCOPE_WASM_NOEXCEPT;
WASM_API_EXTERN const wasm_memorytype_t* wasm_externtype_as_memorytype_const(
    const wasm_externtype_t*) WASMSCOPE_WASM_NOEXCEPT;

/* Import types: take ownership of all three. */
WASM_DECLARE_TYPE(importtype)
WASM_API_EXTERN own wasm_importtype_t* wasm_importtype_new(
    own wasm_name_t* module, own wasm_name_t* name,
    own wasm_externtype_t* type) WASMSCOPE_WASM_NOEXCEPT;
WASM_API_EXTERN const wasm_name_t* wasm_importtype_module(const wasm_importtype_t* type)
    WASMSCOPE_WASM_NOEXCEPT;
WASM_API_EXTERN const wasm_name_t* wasm_importtype_name(const wasm_importtype_t* type)
    WASMSCOPE_WASM_NOEXCEPT;
WASM_API_EXTERN const wasm_externtype_t* wasm_importtype_type(const wasm_importtype_t* type)
    WASMSCOPE_WASM_NOEXCEPT;

/* Export types: take ownership of both. */
WASM_DECLARE_TYPE(exporttype)
WASM_API_EXTERN own wasm_exporttype_t* wasm_exporttype_new(
    own wasm_name_t* name, own wasm_externtype_t* type) WASMSCOPE_WASM_NOEXCEPT;
WASM_API_EXTERN const wasm_name_t* wasm_exporttype_name(const wasm_exporttype_t* type)
    WASMSCOPE_WASM_NOEXCEPT;
WASM_API_EXTERN const wasm_externtype_t* wasm_exporttype_type(const wasm_exporttype_t* type)
    WASMSCOPE_WASM_NOEXCEPT;

/* ---------------------------------------------------------------------------------------------
 * Values
 * ------------------------------------------------------------------------------------------- */

struct wasm_ref_t;

/* A value: its kind and, for references, a handle (NULL for the null reference) that the value
 * owns when the value is {own}. A reference of kind WASM_EXTERNREF (the kind WASM_REF_VAL
 * makes) is also accepted where a funcref is expected if it is NULL or a function. */
typedef struct wasm_val_t {
  wasm_valkind_t kind;
  union {
    int32_t i32;
    int64_t i64;
    float32_t f32;
    float64_t f64;
    struct wasm_ref_t* ref;
  } of;
} wasm_val_t;

/* Deletes the reference a value holds, if any. */
WASM_API_EXTERN void wasm_val_delete(own wasm_val_t* v) WASMSCOPE_WASM_NOEXCEPT;
/* Copies a value, with a new handle for a reference. */
WASM_API_EXTERN void wasm_val_copy(own wasm_val_t* out,
                                   const wasm_val_t* source) WASMSCOPE_WASM_NOEXCEPT;

WASM_DECLARE_VEC(val, )

/* ---------------------------------------------------------------------------------------------
 * References: the common base of every run-time object handle
 * ------------------------------------------------------------------------------------------- */

WASM_DECLARE_REF_BASE(ref)

/* ---------------------------------------------------------------------------------------------
 * Frames and traps
 * ------------------------------------------------------------------------------------------- */

/* One guest frame of a trap's stack. */
WASM_DECLARE_OWN(frame)
WASM_DECLARE_VEC(frame, *)
WASM_API_EXTERN own wasm_frame_t* wasm_frame_copy(const wasm_frame_t* frame)
    WASMSCOPE_WASM_NOEXCEPT;

/* The frame's instance, owned by the frame (valid while the frame lives). */
WASM_API_EXTERN struct wasm_instance_t* wasm_frame_instance(const wasm_frame_t* frame)
    WASMSCOPE_WASM_NOEXCEPT;
/* The function's index in its instance's function index space. */
WASM_API_EXTERN uint32_t wasm_frame_func_index(const wasm_frame_t* frame) WASMSCOPE_WASM_NOEXCEPT;
/* The instruction's byte offset from the start of the function's body. */
WASM_API_EXTERN size_t wasm_frame_func_offset(const wasm_frame_t* frame) WASMSCOPE_WASM_NOEXCEPT;
/* The instruction's byte offset from the start of the module. */
WASM_API_EXTERN size_t wasm_frame_module_offset(const wasm_frame_t* frame) WASMSCOPE_WASM_NOEXCEPT;

/* A trap message is a NUL-terminated name. */
typedef wasm_name_t wasm_message_t;

WASM_DECLARE_REF(trap)

/* A trap with {message} (terminated by a NUL, else one is added) and no frames. */
WASM_API_EXTERN own wasm_trap_t* wasm_trap_new(wasm_store_t* store, const wasm_message_t* message)
    WASMSCOPE_WASM_NOEXCEPT;
/* The message, NUL-terminated: the spec's wording for traps of the guest ("unreachable",
 * "integer divide by zero", ...), the host's for a trap a host function returned. */
WASM_API_EXTERN void wasm_trap_message(const wasm_trap_t* trap,
                                       own wasm_message_t* out) WASMSCOPE_WASM_NOEXCEPT;
/* The innermost guest frame, or NULL when the trap has none. */
WASM_API_EXTERN own wasm_frame_t* wasm_trap_origin(const wasm_trap_t* trap) WASMSCOPE_WASM_NOEXCEPT;
/* Every guest frame, innermost first. */
WASM_API_EXTERN void wasm_trap_trace(const wasm_trap_t* trap,
                                     own wasm_frame_vec_t* out) WASMSCOPE_WASM_NOEXCEPT;

/* ---------------------------------------------------------------------------------------------
 * Foreign objects: host objects with identity, for externref values
 * ------------------------------------------------------------------------------------------- */

WASM_DECLARE_REF(foreign)
WASM_API_EXTERN own wasm_foreign_t* wasm_foreign_new(wasm_store_t* store) WASMSCOPE_WASM_NOEXCEPT;

/* ---------------------------------------------------------------------------------------------
 * Modules
 * ------------------------------------------------------------------------------------------- */

WASM_DECLARE_SHARABLE_REF(module)

/* Decodes, validates and compiles {binary} for {store}'s engine; NULL if it is not a valid
 * module. The module does not belong to the store: it may outlive it. */
WASM_API_EXTERN own wasm_module_t* wasm_module_new(
    wasm_store_t* store, const wasm_byte_vec_t* binary) WASMSCOPE_WASM_NOEXCEPT;
WASM_API_EXTERN bool wasm_module_validate(wasm_store_t* store,
                                          const wasm_byte_vec_t* binary) WASMSCOPE_WASM_NOEXCEPT;
/* The imports and exports, in the module's order. */
WASM_API_EXTERN void wasm_module_imports(const wasm_module_t* module,
                                         own wasm_importtype_vec_t* out) WASMSCOPE_WASM_NOEXCEPT;
WASM_API_EXTERN void wasm_module_exports(const wasm_module_t* module,
                                         own wasm_exporttype_vec_t* out) WASMSCOPE_WASM_NOEXCEPT;
/* A byte form wasm_module_deserialize accepts: a wasmscope header and the module's binary. */
WASM_API_EXTERN void wasm_module_serialize(const wasm_module_t* module,
                                           own wasm_byte_vec_t* out) WASMSCOPE_WASM_NOEXCEPT;
/* NULL for bytes wasm_module_serialize did not make. */
WASM_API_EXTERN own wasm_module_t* wasm_module_deserialize(
    wasm_store_t* store, const wasm_byte_vec_t* serialized) WASMSCOPE_WASM_NOEXCEPT;

/* ---------------------------------------------------------------------------------------------
 * Functions
 * ------------------------------------------------------------------------------------------- */

WASM_DECLARE_REF(func)

/* A host function's body. {results} arrives sized and typed (zeros, null references); the
 * callback writes owned values into it. Returning a trap makes the call trap with it. */
typedef own wasm_trap_t* (*wasm_func_callback_t)(const wasm_val_vec_t* args,
                                                 own wasm_val_vec_t* results);
typedef own wasm_trap_t* (*wasm_func_callback_with_env_t)(void* env, const wasm_val_vec_t* args,
                                                          wasm_val_vec_t* results);

WASM_API_EXTERN own wasm_func_t* wasm_func_new(wasm_store_t* store, const wasm_functype_t* type,
                                               wasm_func_callback_t callback)
    WASMSCOPE_WASM_NOEXCEPT;
/* As wasm_func_new, passing {env} to every call; {finalizer} (may be NULL) gets {env} once,
 * when the function dies with its store. */
WASM_API_EXTERN own wasm_func_t* wasm_func_new_with_env(
    wasm_store_t* store, const wasm_functype_t* type, wasm_func_callback_with_env_t callback,
    void* env, void (*finalizer)(void*)) WASMSCOPE_WASM_NOEXCEPT;

WASM_API_EXTERN own wasm_functype_t* wasm_func_type(const wasm_func_t* func)
    WASMSCOPE_WASM_NOEXCEPT;
WASM_API_EXTERN size_t wasm_func_param_arity(const wasm_func_t* func) WASMSCOPE_WASM_NOEXCEPT;
WASM_API_EXTERN size_t wasm_func_result_arity(const wasm_func_t* func) WASMSCOPE_WASM_NOEXCEPT;

/* Calls {func} with {args} (one value of the parameter's kind per parameter) and writes its
 * results into {results} (reference results are new handles the caller owns). Returns NULL, or
 * the trap that ended the call. Wrong arguments make a trap before anything runs; too little
 * room in {results} makes one after the call returned (a call expected to trap may pass none). */
WASM_API_EXTERN own wasm_trap_t* wasm_func_call(const wasm_func_t* func, const wasm_val_vec_t* args,
                                                wasm_val_vec_t* results) WASMSCOPE_WASM_NOEXCEPT;

/* ---------------------------------------------------------------------------------------------
 * Globals
 * ------------------------------------------------------------------------------------------- */

WASM_DECLARE_REF(global)

/* NULL when {value}'s kind is not the type's content kind. */
WASM_API_EXTERN own wasm_global_t* wasm_global_new(wasm_store_t* store,
                                                   const wasm_globaltype_t* type,
                                                   const wasm_val_t* value) WASMSCOPE_WASM_NOEXCEPT;
WASM_API_EXTERN own wasm_globaltype_t* wasm_global_type(const wasm_global_t* global)
    WASMSCOPE_WASM_NOEXCEPT;
WASM_API_EXTERN void wasm_global_get(const wasm_global_t* global,
                                     own wasm_val_t* out) WASMSCOPE_WASM_NOEXCEPT;
/* Does nothing for an immutable global or a value of another kind. */
WASM_API_EXTERN void wasm_global_set(wasm_global_t* global,
                                     const wasm_val_t* value) WASMSCOPE_WASM_NOEXCEPT;

/* ---------------------------------------------------------------------------------------------
 * Tables
 * ------------------------------------------------------------------------------------------- */

WASM_DECLARE_REF(table)

typedef uint32_t wasm_table_size_t;

/* A table of {type}, every element {init} (borrowed; NULL: the null reference). */
WASM_API_EXTERN own wasm_table_t* wasm_table_new(wasm_store_t* store, const wasm_tabletype_t* type,
                                                 wasm_ref_t* init) WASMSCOPE_WASM_NOEXCEPT;
/* The element type and limits; the minimum is the current size. */
WASM_API_EXTERN own wasm_tabletype_t* wasm_table_type(const wasm_table_t* table)
    WASMSCOPE_WASM_NOEXCEPT;
/* The element at {index}: a new handle, or NULL for a null element or an index out of range. */
WASM_API_EXTERN own wasm_ref_t* wasm_table_get(const wasm_table_t* table,
                                               wasm_table_size_t index) WASMSCOPE_WASM_NOEXCEPT;
/* False when {index} is out of range or {ref} (borrowed) does not fit the element type. */
WASM_API_EXTERN bool wasm_table_set(wasm_table_t* table, wasm_table_size_t index,
                                    wasm_ref_t* ref) WASMSCOPE_WASM_NOEXCEPT;
WASM_API_EXTERN wasm_table_size_t wasm_table_size(const wasm_table_t* table)
    WASMSCOPE_WASM_NOEXCEPT;
/* Adds {delta} elements set to {init}; false when that would pass the maximum. */
WASM_API_EXTERN bool wasm_table_grow(wasm_table_t* table, wasm_table_size_t delta,
                                     wasm_ref_t* init) WASMSCOPE_WASM_NOEXCEPT;

/* ---------------------------------------------------------------------------------------------
 * Memories
 * ------------------------------------------------------------------------------------------- */

WASM_DECLARE_REF(memory)

typedef uint32_t wasm_memory_pages_t;

static const size_t MEMORY_PAGE_SIZE = 0x10000;

/* NULL for limits no 32-bit memory can have (a minimum above the maximum or 65536 pages). */
WASM_API_EXTERN own wasm_memory_t* wasm_memory_new(
    wasm_store_t* store, const wasm_memorytype_t* type) WASMSCOPE_WASM_NOEXCEPT;
/* The limits; the minimum is the current size in pages. */
WASM_API_EXTERN own wasm_memorytype_t* wasm_memory_type(const wasm_memory_t* memory)
    WASMSCOPE_WASM_NOEXCEPT;
/* The memory's bytes: valid until it grows. */
WASM_API_EXTERN byte_t* wasm_memory_data(wasm_memory_t* memory) WASMSCOPE_WASM_NOEXCEPT;
WASM_API_EXTERN size_t wasm_memory_data_size(const wasm_memory_t* memory) WASMSCOPE_WASM_NOEXCEPT;
WASM_API_EXTERN wasm_memory_pages_t wasm_memory_size(const wasm_memory_t* memory)
    WASMSCOPE_WASM_NOEXCEPT;
/* Adds {delta} zeroed pages; false when that would pass the maximum. */
WASM_API_EXTERN bool wasm_memory_grow(wasm_memory_t* memory,
                                      wasm_memory_pages_t delta) WASMSCOPE_WASM_NOEXCEPT;

/* ---------------------------------------------------------------------------------------------
 * Externals: a function, global, table or memory, as imports take and exports give them. The
 * conversions view the same handle as the other type (borrowed), or return NULL.
 * ------------------------------------------------------------------------------------------- */

WASM_DECLARE_REF(extern)
WASM_DECLARE_VEC(extern, *)

WASM_API_EXTERN wasm_externkind_t wasm_extern_kind(const wasm_extern_t* external)
    WASMSCOPE_WASM_NOEXCEPT;
WASM_API_EXTERN own wasm_externtype_t* wasm_extern_type(const wasm_extern_t* external)
    WASMSCOPE_WASM_NOEXCEPT;

WASM_API_EXTERN wasm_extern_t* wasm_func_as_extern(wasm_func_t*) WASMSCOPE_WASM_NOEXCEPT;
WASM_API_EXTERN wasm_extern_t* wasm_global_as_extern(wasm_global_t*) WASMSCOPE_WASM_NOEXCEPT;
WASM_API_EXTERN wasm_extern_t* wasm_table_as_extern(wasm_table_t*) WASMSCOPE_WASM_NOEXCEPT;
WASM_API_EXTERN wasm_extern_t* wasm_memory_as_extern(wasm_memory_t*) WASMSCOPE_WASM_NOEXCEPT;

WASM_API_EXTERN wasm_func_t* wasm_extern_as_func(wasm_extern_t*) WASMSCOPE_WASM_NOEXCEPT;
WASM_API_EXTERN wasm_global_t* wasm_extern_as_global(wasm_extern_t*) WASMSCOPE_WASM_NOEXCEPT;
WASM_API_EXTERN wasm_table_t* wasm_extern_as_table(wasm_extern_t*) WASMSCOPE_WASM_NOEXCEPT;
WASM_API_EXTERN wasm_memory_t* wasm_extern_as_memory(wasm_extern_t*) WASMSCOPE_WASM_NOEXCEPT;

WASM_API_EXTERN const wasm_extern_t* wasm_func_as_extern_const(const wasm_func_t*)
    WASMSCOPE_WASM_NOEXCEPT;
WASM_API_EXTERN const wasm_extern_t* wasm_global_as_extern_const(const wasm_global_t*)
    WASMSCOPE_WASM_NOEXCEPT;
WASM_API_EXTERN const wasm_extern_t* wasm_table_as_extern_const(const wasm_table_t*)
    WASMSCOPE_WASM_NOEXCEPT;
WASM_API_EXTERN const wasm_extern_t* wasm_memory_as_extern_const(const wasm_memory_t*)
    WASMSCOPE_WASM_NOEXCEPT;

WASM_API_EXTERN const wasm_func_t* wasm_extern_as_func_const(const wasm_extern_t*)
    WASMSCOPE_WASM_NOEXCEPT;
WASM_API_EXTERN const wasm_global_t* wasm_extern_as_global_const(const wasm_extern_t*)
    WASMSCOPE_WASM_NOEXCEPT;
WASM_API_EXTERN const wasm_table_t* wasm_extern_as_table_const(const wasm_extern_t*)
    WASMSCOPE_WASM_NOEXCEPT;
WASM_API_EXTERN const wasm_memory_t* wasm_extern_as_memory_const(const wasm_extern_t*)
    WASMSCOPE_WASM_NOEXCEPT;

/* ---------------------------------------------------------------------------------------------
 * Instances
 * ------------------------------------------------------------------------------------------- */

WASM_DECLARE_REF(instance)

/* Instantiates {module} in {store} with {imports}, one per module import in import order (NULL
 * for none). On failure returns NULL and, if {trap} is not NULL, stores in it a trap saying why:
 * the start function's trap, or a link error's message (then without frames). */
WASM_API_EXTERN own wasm_instance_t* wasm_instance_new(
    wasm_store_t* store, const wasm_module_t* module, const wasm_extern_vec_t* imports,
    own wasm_trap_t** trap) WASMSCOPE_WASM_NOEXCEPT;
/* The exports, in the module's order: new handles. */
WASM_API_EXTERN void wasm_instance_exports(const wasm_instance_t* instance,
                                           own wasm_extern_vec_t* out) WASMSCOPE_WASM_NOEXCEPT;

/* ---------------------------------------------------------------------------------------------
 * Conveniences
 * ------------------------------------------------------------------------------------------- */

/* Vector initializers: no elements, or a C array's elements (borrowed: not to be deleted). */
#define WASM_EMPTY_VEC \
  { 0, NULL }
#define WASM_ARRAY_VEC(array) \
  { sizeof(array) / sizeof(*(array)), array }

static inline own wasm_valtype_t* wasm_valtype_new_i32(void) {
  return wasm_valtype_new(WASM_I32);
}
static inline own wasm_valtype_t* wasm_valtype_new_i64(void) {
  return wasm_valtype_new(WASM_I64);
}
static inline own wasm_valtype_t* wasm_valtype_new_f32(void) {
  return wasm_valtype_new(WASM_F32);
}
static inline own wasm_valtype_t* wasm_valtype_new_f64(void) {
  return wasm_valtype_new(WASM_F64);
}
static inline own wasm_valtype_t* wasm_valtype_new_externref(void) {
  return wasm_valtype_new(WASM_EXTERNREF);
}
static inline own wasm_valtype_t* wasm_valtype_new_funcref(void) {
  return wasm_valtype_new(WASM_FUNCREF);
}

/* The function type of {param_count} parameters and {result_count} results taken from the two
 * arrays (ownership of each element passes to the new type). Not part of the standard: the
 * wasm_functype_new_P_R shorthands below are written over it. */
static inline own wasm_functype_t* wasmscope_functype_from_arrays(size_t param_count,
                                                                  wasm_valtype_t* const params[],
                                                                  size_t result_count,
                                                                  wasm_valtype_t* const results[]) {
  wasm_valtype_vec_t p, r;
  if (param_count == 0)
    wasm_valtype_vec_new_empty(&p);
  else
    wasm_valtype_vec_new(&p, param_count, params);
  if (result_count == 0)
    wasm_valtype_vec_new_empty(&r);
  else
    wasm_valtype_vec_new(&r, result_count, results);
  return wasm_functype_new(&p, &r);
}

static inline own wasm_functype_t* wasm_functype_new_0_0(void) {
  return wasmscope_functype_from_arrays(0, NULL, 0, NULL);
}
static inline own wasm_functype_t* wasm_functype_new_1_0(own wasm_valtype_t* p) {
  wasm_valtype_t* const params[1] = {p};
  return wasmscope_functype_from_arrays(1, params, 0, NULL);
}
static inline own wasm_functype_t* wasm_functype_new_2_0(own wasm_valtype_t* p1,
                                                         own wasm_valtype_t* p2) {
  wasm_valtype_t* const params[2] = {p1, p2};
  return wasmscope_functype_from_arrays(2, params, 0, NULL);
}
static inline own wasm_functype_t* wasm_functype_new_3_0(own wasm_valtype_t* p1,
                                                         own wasm_valtype_t* p2,
                                                         own wasm_valtype_t* p3) {
  wasm_valtype_t* const params[3] = {p1, p2, p3};
  return wasmscope_functype_from_arrays(3, params, 0, NULL);
}
static inline own wasm_functype_t* wasm_functype_new_0_1(own wasm_valtype_t* r) {
  wasm_valtype_t* const results[1] = {r};
  return wasmscope_functype_from_arrays(0, NULL, 1, results);
}
static inline own wasm_functype_t* wasm_functype_new_1_1(own wasm_valtype_t* p,
                                                         own wasm_valtype_t* r) {
  wasm_valtype_t* const params[1] = {p};
  wasm_valtype_t* const results[1] = {r};
  return wasmscope_functype_from_arrays(1, params, 1, results);
}
static inline own wasm_functype_t* wasm_functype_new_2_1(own wasm_valtype_t* p1,
                                                         own wasm_valtype_t* p2,
                                                         own wasm_valtype_t* r) {
  wasm_valtype_t* const params[2] = {p1, p2};
  wasm_valtype_t* const results[1] = {r};
  return wasmscope_functype_from_arrays(2, params, 1, results);
}
static inline own wasm_functype_t* wasm_functype_new_3_1(own wasm_valtype_t* p1,
                                                         own wasm_valtype_t* p2,
                                                         own wasm_valtype_t* p3,
                                                         own wasm_valtype_t* r) {
  wasm_valtype_t* const params[3] = {p1, p2, p3};
  wasm_valtype_t* const results[1] = {r};
  return wasmscope_functype_from_arrays(3, params, 1, results);
}
static inline own wasm_functype_t* wasm_functype_new_0_2(own wasm_valtype_t* r1,
                                                         own wasm_valtype_t* r2) {
  wasm_valtype_t* const results[2] = {r1, r2};
  return wasmscope_functype_from_arrays(0, NULL, 2, results);
}
static inline own wasm_functype_t* wasm_functype_new_1_2(own wasm_valtype_t* p,
                                                         own wasm_valtype_t* r1,
                                                         own wasm_valtype_t* r2) {
  wasm_valtype_t* const params[1] = {p};
  wasm_valtype_t* const results[2] = {r1, r2};
  return wasmscope_functype_from_arrays(1, params, 2, results);
}
static inline own wasm_functype_t* wasm_functype_new_2_2(own wasm_valtype_t* p1,
                                                         own wasm_valtype_t* p2,
                                                         own wasm_valtype_t* r1,
                                                         own wasm_valtype_t* r2) {
  wasm_valtype_t* const params[2] = {p1, p2};
  wasm_valtype_t* const results[2] = {r1, r2};
  return wasmscope_functype_from_arrays(2, params, 2, results);
}
static inline own wasm_functype_t* wasm_functype_new_3_2(own wasm_valtype_t* p1,
                                                         own wasm_valtype_t* p2,
                                                         own wasm_valtype_t* p3,
                                                         own wasm_valtype_t* r1,
                                                         own wasm_valtype_t* r2) {
  wasm_valtype_t* const params[3] = {p1, p2, p3};
  wasm_valtype_t* const results[2] = {r1, r2};
  return wasmscope_functype_from_arrays(3, params, 2, results);
}

/* A host pointer carried in an integer value: i32 on 32-bit targets, i64 on 64-bit ones. */
static inline void wasm_val_init_ptr(own wasm_val_t* out, void* p) {
#if UINTPTR_MAX == UINT32_MAX
  out->kind = WASM_I32;
  out->of.i32 = (int32_t)(intptr_t)p;
#else
  out->kind = WASM_I64;
  out->of.i64 = (int64_t)(intptr_t)p;
#endif
}
static inline void* wasm_val_ptr(const wasm_val_t* val) {
#if UINTPTR_MAX == UINT32_MAX
  return (void*)(intptr_t)val->of.i32;
#else
  return (void*)(intptr_t)val->of.i64;
#endif
}

/* Value initializers. WASM_REF_VAL and WASM_INIT_VAL make references of kind WASM_EXTERNREF
 * (WASM_INIT_VAL the null one), as in the standard. */
#define WASM_I32_VAL(i)                 \
  {                                     \
    .kind = WASM_I32, .of = {.i32 = i } \
  }
#define WASM_I64_VAL(i)                 \
  {                                     \
    .kind = WASM_I64, .of = {.i64 = i } \
  }
#define WASM_F32_VAL(z)                 \
  {                                     \
    .kind = WASM_F32, .of = {.f32 = z } \
  }
#define WASM_F64_VAL(z)                 \
  {                                     \
    .kind = WASM_F64, .of = {.f64 = z } \
  }
#define WASM_REF_VAL(r)                       \
  {                                           \
    .kind = WASM_EXTERNREF, .of = {.ref = r } \
  }
#define WASM_INIT_VAL                            \
  {                                              \
    .kind = WASM_EXTERNREF, .of = {.ref = NULL } \
  }

#undef own

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WASM_H */
