// include/wasm.h: vectors and type descriptions (value, function, global, table, memory,
// extern, import and export types). Every entry point is noexcept and accepts null inputs.
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>
#include <type_traits>

#include "capi/wasm_impl.h"

namespace wasmscope::internal::capi {
namespace {

// --- Vectors ---------------------------------------------------------------------------------

template <class Vec>
using ElemOf = std::remove_pointer_t<decltype(Vec::data)>;

template <class Vec>
void vec_empty(Vec* out) {
  if (out == nullptr) return;
  out->size = 0;
  out->data = nullptr;
}

/// {size} zeroed elements (null handles, i32 zeros); empty when allocation fails.
template <class Vec>
void vec_zeroed(Vec* out, size_t size) {
  vec_empty(out);
  if (out == nullptr || size == 0) return;
  auto* data = static_cast<ElemOf<Vec>*>(std::calloc(size, sizeof(ElemOf<Vec>)));
  if (data == nullptr) return;
  out->size = size;
  out->data = data;
}

/// Takes the {size} elements of {source} (a plain copy of the array: ownership moves).
template <class Vec>
void vec_take(Vec* out, size_t size, const ElemOf<Vec>* source) {
  vec_zeroed(out, source == nullptr ? 0 : size);
  if (out != nullptr && out->size != 0) std::memcpy(out->data, source, size * sizeof(*source));
}

template <class Vec, class CopyElem>
void vec_copy(Vec* out, const Vec* source, CopyElem copy) {
  vec_zeroed(out, source == nullptr || source->data == nullptr ? 0 : source->size);
  if (out == nullptr) return;
  for (size_t i = 0; i < out->size; ++i)
    copy(&out->data[i], source->data[i]);
}

template <class Vec, class DeleteElem>
void vec_delete(Vec* vec, DeleteElem destroy) {
  if (vec == nullptr) return;
  if (vec->data != nullptr) {
    for (size_t i = 0; i < vec->size; ++i)
      destroy(vec->data[i]);
  }
  std::free(vec->data);
  vec->size = 0;
  vec->data = nullptr;
}

/// Moves {from}'s contents to {to}, leaving {from} empty (for {own} vector parameters).
template <class Vec>
void vec_move(Vec* to, Vec* from) {
  if (from == nullptr) {
    vec_empty(to);
    return;
  }
  *to = *from;
  vec_empty(from);
}

}  // namespace
}  // namespace wasmscope::internal::capi

using namespace wasmscope::internal::capi;  // NOLINT(google-build-using-namespace)

/// Defines the five vector functions of {name}; {copy_elem(dst, src)} and {delete_elem(e)}
/// copy and release one element.
#define WASMSCOPE_DEFINE_VEC(name, copy_elem, delete_elem)                                   \
  extern "C" void wasm_##name##_vec_new_empty(wasm_##name##_vec_t* out) noexcept {           \
    vec_empty(out);                                                                          \
  }                                                                                          \
  extern "C" void wasm_##name##_vec_new_uninitialized(wasm_##name##_vec_t* out,              \
                                                      size_t size) noexcept {                \
    vec_zeroed(out, size);                                                                   \
  }                                                                                          \
  extern "C" void wasm_##name##_vec_new(wasm_##name##_vec_t* out, size_t size,               \
                                        const ElemOf<wasm_##name##_vec_t> data[]) noexcept { \
    vec_take(out, size, data);                                                               \
  }                                                                                          \
  extern "C" void wasm_##name##_vec_copy(wasm_##name##_vec_t* out,                           \
                                         const wasm_##name##_vec_t* source) noexcept {       \
    vec_copy(out, source, copy_elem);                                                        \
  }                                                                                          \
  extern "C" void wasm_##name##_vec_delete(wasm_##name##_vec_t* vec) noexcept {              \
    vec_delete(vec, delete_elem);                                                            \
  }

/// Vectors of handles: elements are copied with wasm_NAME_copy and deleted with _delete.
#define WASMSCOPE_DEFINE_HANDLE_VEC(name)                          \
  WASMSCOPE_DEFINE_VEC(                                            \
      name,                                                        \
      [](wasm_##name##_t** dst, const wasm_##name##_t* src) {      \
        *dst = src == nullptr ? nullptr : wasm_##name##_copy(src); \
      },                                                           \
      [](wasm_##name##_t* elem) { wasm_##name##_delete(elem); })

WASMSCOPE_DEFINE_VEC(
    byte, [](wasm_byte_t* dst, wasm_byte_t src) { *dst = src; }, [](wasm_byte_t) {})
WASMSCOPE_DEFINE_VEC(
    val, [](wasm_val_t* dst, const wasm_val_t& src) { wasm_val_copy(dst, &src); },
    [](wasm_val_t& elem) { wasm_val_delete(&elem); })
WASMSCOPE_DEFINE_HANDLE_VEC(valtype)
WASMSCOPE_DEFINE_HANDLE_VEC(functype)
WASMSCOPE_DEFINE_HANDLE_VEC(globaltype)
WASMSCOPE_DEFINE_HANDLE_VEC(tabletype)
WASMSCOPE_DEFINE_HANDLE_VEC(memorytype)
WASMSCOPE_DEFINE_HANDLE_VEC(externtype)
WASMSCOPE_DEFINE_HANDLE_VEC(importtype)
WASMSCOPE_DEFINE_HANDLE_VEC(exporttype)
WASMSCOPE_DEFINE_HANDLE_VEC(frame)
WASMSCOPE_DEFINE_HANDLE_VEC(extern)

// --- Value types -----------------------------------------------------------------------------

extern "C" wasm_valtype_t* wasm_valtype_new(wasm_valkind_t kind) noexcept {
  if (!from_c(kind)) return nullptr;
  return new (std::nothrow) wasm_valtype_t{kind};
}
extern "C" void wasm_valtype_delete(wasm_valtype_t* type) noexcept {
  delete type;
}
extern "C" wasm_valtype_t* wasm_valtype_copy(const wasm_valtype_t* type) noexcept {
  return type == nullptr ? nullptr : wasm_valtype_new(type->kind);
}
extern "C" wasm_valkind_t wasm_valtype_kind(const wasm_valtype_t* type) noexcept {
  return type == nullptr ? 0 : type->kind;
}

// --- Function types --------------------------------------------------------------------------

namespace {

bool all_present(const wasm_valtype_vec_t& vec) {
  for (size_t i = 0; i < vec.size; ++i) {
    if (vec.data[i] == nullptr) return false;
  }
  return true;
}

}  // namespace

extern "C" wasm_functype_t* wasm_functype_new(wasm_valtype_vec_t* params,
                                              wasm_valtype_vec_t* results) noexcept {
  wasm_valtype_vec_t p, r;
  vec_move(&p, params);
  vec_move(&r, results);
  auto* type = all_present(p) && all_present(r) ? new (std::nothrow) wasm_functype_t : nullptr;
  if (type == nullptr) {
    wasm_valtype_vec_delete(&p);
    wasm_valtype_vec_delete(&r);
    return nullptr;
  }
  type->kind = WASM_EXTERN_FUNC;
  type->params = p;
  type->results = r;
  return type;
}
extern "C" void wasm_functype_delete(wasm_functype_t* type) noexcept {
  if (type == nullptr) return;
  wasm_valtype_vec_delete(&type->params);
  wasm_valtype_vec_delete(&type->results);
  delete type;
}
extern "C" wasm_functype_t* wasm_functype_copy(const wasm_functype_t* type) noexcept {
  if (type == nullptr) return nullptr;
  wasm_valtype_vec_t p, r;
  wasm_valtype_vec_copy(&p, &type->params);
  wasm_valtype_vec_copy(&r, &type->results);
  return wasm_functype_new(&p, &r);
}
extern "C" const wasm_valtype_vec_t* wasm_functype_params(const wasm_functype_t* type) noexcept {
  return type == nullptr ? nullptr : &type->params;
}
extern "C" const wasm_valtype_vec_t* wasm_functype_results(const wasm_functype_t* type) noexcept {
  return type == nullptr ? nullptr : &type->results;
}

// --- Global types ----------------------------------------------------------------------------

extern "C" wasm_globaltype_t* wasm_globaltype_new(wasm_valtype_t* content,
                                                  wasm_mutability_t mutability) noexcept {
  auto* type =
      content != nullptr && mutability <= WASM_VAR ? new (std::nothrow) wasm_globaltype_t : nullptr;
  if (type == nullptr) {
    wasm_valtype_delete(content);
    return nullptr;
  }
  type->kind = WASM_EXTERN_GLOBAL;
  type->content = content;
  type->mutability = mutability;
  return type;
}
extern "C" void wasm_globaltype_delete(wasm_globaltype_t* type) noexcept {
  if (type == nullptr) return;
  wasm_valtype_delete(type->content);
  delete type;
}
extern "C" wasm_globaltype_t* wasm_globaltype_copy(const wasm_globaltype_t* type) noexcept {
  if (type == nullptr) return nullptr;
  return wasm_globaltype_new(wasm_valtype_copy(type->content), type->mutability);
}
extern "C" const wasm_valtype_t* wasm_globaltype_content(const wasm_globaltype_t* type) noexcept {
  return type == nullptr ? nullptr : type->content;
}
extern "C" wasm_mutability_t wasm_globaltype_mutability(const wasm_globaltype_t* type) noexcept {
  return type == nullptr ? wasm_mutability_t{WASM_CONST} : type->mutability;
}

// --- Table types -----------------------------------------------------------------------------

extern "C" wasm_tabletype_t* wasm_tabletype_new(wasm_valtype_t* element,
                                                const wasm_limits_t* limits) noexcept {
  const bool valid = element != nullptr && limits != nullptr && wasm_valtype_is_ref(element);
  auto* type = valid ? new (std::nothrow) wasm_tabletype_t : nullptr;
  if (type == nullptr) {
    wasm_valtype_delete(element);
    return nullptr;
  }
  type->kind = WASM_EXTERN_TABLE;
  type->element = element;
  type->limits = *limits;
  return type;
}
extern "C" void wasm_tabletype_delete(wasm_tabletype_t* type) noexcept {
  if (type == nullptr) return;
  wasm_valtype_delete(type->element);
  delete type;
}
extern "C" wasm_tabletype_t* wasm_tabletype_copy(const wasm_tabletype_t* type) noexcept {
  if (type == nullptr) return nullptr;
  return wasm_tabletype_new(wasm_valtype_copy(type->element), &type->limits);
}
extern "C" const wasm_valtype_t* wasm_tabletype_element(const wasm_tabletype_t* type) noexcept {
  return type == nullptr ? nullptr : type->element;
}
extern "C" const wasm_limits_t* wasm_tabletype_limits(const wasm_tabletype_t* type) noexcept {
  return type == nullptr ? nullptr : &type->limits;
}

// --- Memory types ----------------------------------------------------------------------------

extern "C" wasm_memorytype_t* wasm_memorytype_new(const wasm_limits_t* limits) noexcept {
  if (limits == nullptr) return nullptr;
  auto* type = new (std::nothrow) wasm_memorytype_t;
  if (type == nullptr) return nullptr;
  type->kind = WASM_EXTERN_MEMORY;
  type->limits = *limits;
  return type;
}
extern "C" void wasm_memorytype_delete(wasm_memorytype_t* type) noexcept {
  delete type;
}
extern "C" wasm_memorytype_t* wasm_memorytype_copy(const wasm_memorytype_t* type) noexcept {
  return type == nullptr ? nullptr : wasm_memorytype_new(&type->limits);
}
extern "C" const wasm_limits_t* wasm_memorytype_limits(const wasm_memorytype_t* type) noexcept {
  return type == nullptr ? nullptr : &type->limits;
}

// --- Extern types ----------------------------------------------------------------------------
// A wasm_externtype_t is always one of the four types above (its {kind} says which): the
// conversions are casts along the class hierarchy.

extern "C" wasm_externkind_t wasm_externtype_kind(const wasm_externtype_t* type) noexcept {
  return type == nullptr ? 0 : type->kind;
}

extern "C" void wasm_externtype_delete(wasm_externtype_t* type) noexcept {
  if (type == nullptr) return;
  switch (type->kind) {
    case WASM_EXTERN_FUNC:
      wasm_functype_delete(static_cast<wasm_functype_t*>(type));
      break;
    case WASM_EXTERN_GLOBAL:
      wasm_globaltype_delete(static_cast<wasm_globaltype_t*>(type));
      break;
    case WASM_EXTERN_TABLE:
      wasm_tabletype_delete(static_cast<wasm_tabletype_t*>(type));
      break;
    case WASM_EXTERN_MEMORY:
      wasm_memorytype_delete(static_cast<wasm_memorytype_t*>(type));
      break;
    default:
      break;
  }
}

extern "C" wasm_externtype_t* wasm_externtype_copy(const wasm_externtype_t* type) noexcept {
  if (type == nullptr) return nullptr;
  switch (type->kind) {
    case WASM_EXTERN_FUNC:
      return wasm_functype_copy(static_cast<const wasm_functype_t*>(type));
    case WASM_EXTERN_GLOBAL:
      return wasm_globaltype_copy(static_cast<const wasm_globaltype_t*>(type));
    case WASM_EXTERN_TABLE:
      return wasm_tabletype_copy(static_cast<const wasm_tabletype_t*>(type));
    case WASM_EXTERN_MEMORY:
      return wasm_memorytype_copy(static_cast<const wasm_memorytype_t*>(type));
    default:
      return nullptr;
  }
}

/// Defines the four conversions between wasm_NAME_t and wasm_externtype_t.
#define WASMSCOPE_DEFINE_EXTERNTYPE_CASTS(name, extern_kind)                                    \
  extern "C" wasm_externtype_t* wasm_##name##_as_externtype(wasm_##name##_t* type) noexcept {   \
    return type;                                                                                \
  }                                                                                             \
  extern "C" const wasm_externtype_t* wasm_##name##_as_externtype_const(                        \
      const wasm_##name##_t* type) noexcept {                                                   \
    return type;                                                                                \
  }                                                                                             \
  extern "C" wasm_##name##_t* wasm_externtype_as_##name(wasm_externtype_t* type) noexcept {     \
    return type != nullptr && type->kind == (extern_kind) ? static_cast<wasm_##name##_t*>(type) \
                                                          : nullptr;                            \
  }                                                                                             \
  extern "C" const wasm_##name##_t* wasm_externtype_as_##name##_const(                          \
      const wasm_externtype_t* type) noexcept {                                                 \
    return type != nullptr && type->kind == (extern_kind)                                       \
               ? static_cast<const wasm_##name##_t*>(type)                                      \
               : nullptr;                                                                       \
  }

WASMSCOPE_DEFINE_EXTERNTYPE_CASTS(functype, WASM_EXTERN_FUNC)
WASMSCOPE_DEFINE_EXTERNTYPE_CASTS(globaltype, WASM_EXTERN_GLOBAL)
WASMSCOPE_DEFINE_EXTERNTYPE_CASTS(tabletype, WASM_EXTERN_TABLE)
WASMSCOPE_DEFINE_EXTERNTYPE_CASTS(memorytype, WASM_EXTERN_MEMORY)

// --- Import and export types -----------------------------------------------------------------

extern "C" wasm_importtype_t* wasm_importtype_new(wasm_name_t* module, wasm_name_t* name,
                                                  wasm_externtype_t* type) noexcept {
  wasm_name_t m, n;
  vec_move(&m, module);
  vec_move(&n, name);
  auto* import = module != nullptr && name != nullptr && type != nullptr ? new (std::nothrow)
                                                                               wasm_importtype_t
                                                                         : nullptr;
  if (import == nullptr) {
    wasm_byte_vec_delete(&m);
    wasm_byte_vec_delete(&n);
    wasm_externtype_delete(type);
    return nullptr;
  }
  import->module = m;
  import->name = n;
  import->type = type;
  return import;
}
extern "C" void wasm_importtype_delete(wasm_importtype_t* import) noexcept {
  if (import == nullptr) return;
  wasm_byte_vec_delete(&import->module);
  wasm_byte_vec_delete(&import->name);
  wasm_externtype_delete(import->type);
  delete import;
}
extern "C" wasm_importtype_t* wasm_importtype_copy(const wasm_importtype_t* import) noexcept {
  if (import == nullptr) return nullptr;
  wasm_name_t m, n;
  wasm_byte_vec_copy(&m, &import->module);
  wasm_byte_vec_copy(&n, &import->name);
  return wasm_importtype_new(&m, &n, wasm_externtype_copy(import->type));
}
extern "C" const wasm_name_t* wasm_importtype_module(const wasm_importtype_t* import) noexcept {
  return import == nullptr ? nullptr : &import->module;
}
extern "C" const wasm_name_t* wasm_importtype_name(const wasm_importtype_t* import) noexcept {
  return import == nullptr ? nullptr : &import->name;
}
extern "C" const wasm_externtype_t* wasm_importtype_type(const wasm_importtype_t* import) noexcept {
  return import == nullptr ? nullptr : import->type;
}

extern "C" wasm_exporttype_t* wasm_exporttype_new(wasm_name_t* name,
                                                  wasm_externtype_t* type) noexcept {
  wasm_name_t n;
  vec_move(&n, name);
  auto* export_type =
      name != nullptr && type != nullptr ? new (std::nothrow) wasm_exporttype_t : nullptr;
  if (export_type == nullptr) {
    wasm_byte_vec_delete(&n);
    wasm_externtype_delete(type);
    return nullptr;
  }
  export_type->name = n;
  export_type->type = type;
  return export_type;
}
extern "C" void wasm_exporttype_delete(wasm_exporttype_t* export_type) noexcept {
  if (export_type == nullptr) return;
  wasm_byte_vec_delete(&export_type->name);
  wasm_externtype_delete(export_type->type);
  delete export_type;
}
extern "C" wasm_exporttype_t* wasm_exporttype_copy(const wasm_exporttype_t* export_type) noexcept {
  if (export_type == nullptr) return nullptr;
  wasm_name_t n;
  wasm_byte_vec_copy(&n, &export_type->name);
  return wasm_exporttype_new(&n, wasm_externtype_copy(export_type->type));
}
extern "C" const wasm_name_t* wasm_exporttype_name(const wasm_exporttype_t* export_type) noexcept {
  return export_type == nullptr ? nullptr : &export_type->name;
}
extern "C" const wasm_externtype_t* wasm_exporttype_type(
    const wasm_exporttype_t* export_type) noexcept {
  return export_type == nullptr ? nullptr : export_type->type;
}

// --- Between the C types and the runtime's ---------------------------------------------------

namespace wasmscope::internal::capi {

wasm_valkind_t to_c(ValType type) {
  switch (type) {
    case ValType::kI32:
      return WASM_I32;
    case ValType::kI64:
      return WASM_I64;
    case ValType::kF32:
      return WASM_F32;
    case ValType::kF64:
      return WASM_F64;
    case ValType::kV128:
      return WASMSCOPE_V128;
    case ValType::kExternRef:
      return WASM_EXTERNREF;
    case ValType::kFuncRef:
      return WASM_FUNCREF;
    case ValType::kExnRef:
      return WASMSCOPE_EXNREF;
  }
  return WASM_I32;
}

std::optional<ValType> from_c(wasm_valkind_t kind) {
  switch (kind) {
    case WASM_I32:
      return ValType::kI32;
    case WASM_I64:
      return ValType::kI64;
    case WASM_F32:
      return ValType::kF32;
    case WASM_F64:
      return ValType::kF64;
    case WASMSCOPE_V128:
      return ValType::kV128;
    case WASM_EXTERNREF:
      return ValType::kExternRef;
    case WASM_FUNCREF:
      return ValType::kFuncRef;
    default:
      return std::nullopt;
  }
}

wasm_externkind_t to_c(ExternKind kind) {
  switch (kind) {
    case ExternKind::kFunc:
      return WASM_EXTERN_FUNC;
    case ExternKind::kGlobal:
      return WASM_EXTERN_GLOBAL;
    case ExternKind::kTable:
      return WASM_EXTERN_TABLE;
    case ExternKind::kMemory:
      return WASM_EXTERN_MEMORY;
    case ExternKind::kTag:
      return WASMSCOPE_EXTERN_TAG;
  }
  return WASM_EXTERN_FUNC;
}

namespace {

void valtypes(const std::vector<ValType>& types, wasm_valtype_vec_t* out) {
  wasm_valtype_vec_new_uninitialized(out, types.size());
  for (size_t i = 0; i < out->size; ++i)
    out->data[i] = wasm_valtype_new(to_c(types[i]));
}

wasm_limits_t to_c(const Limits& limits) {
  const auto clamp = [](uint64_t v) {
    return static_cast<uint32_t>(std::min<uint64_t>(v, UINT32_MAX));
  };
  return {clamp(limits.min), limits.max ? clamp(*limits.max) : wasm_limits_max_default};
}

}  // namespace

wasm_functype_t* make_functype(const FuncType& type) {
  wasm_valtype_vec_t params, results;
  valtypes(type.params, &params);
  valtypes(type.results, &results);
  return wasm_functype_new(&params, &results);
}

wasm_globaltype_t* make_globaltype(const GlobalType& type) {
  return wasm_globaltype_new(wasm_valtype_new(to_c(type.type)), type.mut ? WASM_VAR : WASM_CONST);
}

wasm_tabletype_t* make_tabletype(const TableType& type) {
  const wasm_limits_t limits = to_c(type.limits);
  return wasm_tabletype_new(wasm_valtype_new(to_c(type.elem)), &limits);
}

wasm_memorytype_t* make_memorytype(const MemoryType& type) {
  const wasm_limits_t limits = to_c(type.limits);
  return wasm_memorytype_new(&limits);
}

std::optional<FuncType> from_c(const wasm_functype_t* type) {
  if (type == nullptr) return std::nullopt;
  FuncType out;
  const auto convert = [](const wasm_valtype_vec_t& vec, std::vector<ValType>* to) {
    for (size_t i = 0; i < vec.size; ++i) {
      const std::optional<ValType> t = from_c(wasm_valtype_kind(vec.data[i]));
      if (!t) return false;
      to->push_back(*t);
    }
    return true;
  };
  if (!convert(type->params, &out.params) || !convert(type->results, &out.results)) {
    return std::nullopt;
  }
  return out;
}

std::optional<Limits> from_c(const wasm_limits_t& limits, uint64_t max_allowed) {
  Limits out;
  out.min = limits.min;
  if (limits.max != wasm_limits_max_default) out.max = limits.max;
  if (out.min > max_allowed || (out.max && (*out.max > max_allowed || *out.max < out.min))) {
    return std::nullopt;
  }
  return out;
}

}  // namespace wasmscope::internal::capi
