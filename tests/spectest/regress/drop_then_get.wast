;; The interpreter's translator folds the instruction that produced the top of the stack into
;; the one that consumes it (a constant into an add's immediate, a compare into a br_if, a
;; result straight into a local). A `drop` of that value emits no code, so a `local.get` after
;; it put an entry where the dropped value had been, and the fold took the dropped value
;; (differential test, simd-398c3e91d9761686: binaryen's translate-to-fuzz writes
;; `i32.const; i32.const; drop; local.get; i32.add`). Each function below computes with the
;; local, never with the dropped value.
(module
  (func (export "add_i32") (param i32) (result i32)
    (i32.const 100) (i32.const 65480) (drop) (local.get 0) (i32.add))
  (func (export "add_i64") (param i64) (result i64)
    (i64.const 100) (i64.const 65480) (drop) (local.get 0) (i64.add))
  (func (export "sub_i32") (param i32) (result i32)
    (i32.const 100) (i32.const 7) (drop) (local.get 0) (i32.sub))
  (func (export "shl_i32") (param i32) (result i32)
    (i32.const 1) (i32.const 31) (drop) (local.get 0) (i32.shl))
  ;; A compare, dropped, then a local as br_if's condition.
  (func (export "br_if") (param i32) (result i32)
    (block $b
      (i32.lt_s (local.get 0) (i32.const 10)) (drop)
      (local.get 0)
      (br_if $b)
      (return (i32.const 1)))
    (i32.const 2))
  ;; A constant, dropped, then a local copied into another local.
  (func (export "set") (param i32) (result i32) (local i32)
    (i32.const 5) (drop) (local.get 0) (local.set 1) (local.get 1))
  (func (export "tee") (param i32) (result i32) (local i32)
    (i32.const 5) (drop) (local.get 0) (local.tee 1) (drop) (local.get 1))
  ;; A dropped value below the top: the constant that stays on the stack still folds.
  (func (export "kept") (param i32) (result i32)
    (local.get 0) (i32.const 3) (local.get 0) (drop) (i32.add))
)
(assert_return (invoke "add_i32" (i32.const 7)) (i32.const 107))
(assert_return (invoke "add_i64" (i64.const 7)) (i64.const 107))
(assert_return (invoke "sub_i32" (i32.const 7)) (i32.const 93))
(assert_return (invoke "shl_i32" (i32.const 3)) (i32.const 8))
(assert_return (invoke "br_if" (i32.const 0)) (i32.const 1))
(assert_return (invoke "br_if" (i32.const 20)) (i32.const 2))
(assert_return (invoke "set" (i32.const 42)) (i32.const 42))
(assert_return (invoke "tee" (i32.const 42)) (i32.const 42))
(assert_return (invoke "kept" (i32.const 4)) (i32.const 7))
