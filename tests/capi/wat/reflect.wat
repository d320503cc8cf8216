;; One import and one export of each kind, for wasm_module_imports/exports.
(module
  (import "a" "f" (func (param i32 f32) (result i64)))
  (import "a" "g" (global (mut f64)))
  (import "b" "t" (table 1 10 externref))
  (import "b" "m" (memory 2))
  (func (export "h") (param i64 f64) (result i32 i32) (i32.const 0) (i32.const 1))
  (global (export "k") i32 (i32.const 5))
  (table (export "u") 4 funcref)
  (export "n" (memory 0))
  (export "f2" (func 0))
)
