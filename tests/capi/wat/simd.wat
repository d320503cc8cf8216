;; A module that needs the SIMD proposal, for the feature settings of capi_wasmscope_test.c.
(module (func (export "zero") (result i32) (i32x4.extract_lane 0 (v128.const i32x4 0 0 0 0))))
