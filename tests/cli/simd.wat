;; A small SIMD module for the CLI tests of v128 arguments and results (tests/CMakeLists.txt).
(module $simd
  ;; v128 in, v128 out: lane-wise i32 addition.
  (func (export "add") (param v128 v128) (result v128)
    (i32x4.add (local.get 0) (local.get 1)))
  ;; scalar in, v128 out.
  (func (export "splat") (param i32) (result v128)
    (i32x4.splat (local.get 0)))
  ;; v128 in, scalar out: lane 2 of the i32x4 view, and lane 1 of the f64x2 view.
  (func (export "lane2") (param v128) (result i32)
    (i32x4.extract_lane 2 (local.get 0)))
  (func (export "f64lane1") (param v128) (result f64)
    (f64x2.extract_lane 1 (local.get 0)))
  ;; mixed scalar and v128 parameters: the v128 takes two slots between the scalars.
  (func (export "mixed") (param i32 v128 i64) (result i64)
    (i64.add
      (i64.extend_i32_s (local.get 0))
      (i64.add (i64x2.extract_lane 1 (local.get 1)) (local.get 2)))))
