#include "wasmscope/features.h"
#include "wasmscope/types.h"

namespace wasmscope {

const char* valtype_name(ValType t) {
  switch (t) {
    case ValType::kI32: return "i32";
    case ValType::kI64: return "i64";
    case ValType::kF32: return "f32";
    case ValType::kF64: return "f64";
    case ValType::kV128: return "v128";
    case ValType::kFuncRef: return "funcref";
    case ValType::kExternRef: return "externref";
    case ValType::kExnRef: return "exnref";
  }
  return "?";
}

const char* extern_kind_name(ExternKind k) {
  switch (k) {
    case ExternKind::kFunc: return "func";
    case ExternKind::kTable: return "table";
    case ExternKind::kMemory: return "memory";
    case ExternKind::kGlobal: return "global";
    case ExternKind::kTag: return "tag";
  }
  return "?";
}

const char* feature_name(Feature f) {
  switch (f) {
    case Feature::kMvp: return "mvp";
    case Feature::kSignExt: return "sign-extension";
    case Feature::kSatConv: return "nontrapping-float-to-int";
    case Feature::kMultiValue: return "multi-value";
    case Feature::kBulkMemory: return "bulk-memory";
    case Feature::kRefTypes: return "reference-types";
    case Feature::kSimd: return "simd";
    case Feature::kThreads: return "threads";
    case Feature::kTailCall: return "tail-call";
    case Feature::kExtendedConst: return "extended-const";
    case Feature::kRelaxedSimd: return "relaxed-simd";
    case Feature::kMultiMemory: return "multi-memory";
    case Feature::kMemory64: return "memory64";
    case Feature::kExceptions: return "exceptions";
    case Feature::kFuncRefs: return "function-references";
  }
  return "?";
}

}  // namespace wasmscope
