;; Relaxed SIMD (WebAssembly 3.0) gives wasmscope a choice of results; the 3.0 suite accepts any
;; of them ("either"). This script asserts the one wasmscope makes (docs/architecture.md,
;; "Relaxed SIMD"), so that both tiers, every optimization level and every CPU make the same:
;; each case has inputs where the allowed results differ.
(module
  (func (export "f32x4.relaxed_madd") (param v128 v128 v128) (result v128)
    (f32x4.relaxed_madd (local.get 0) (local.get 1) (local.get 2)))
  (func (export "f32x4.relaxed_nmadd") (param v128 v128 v128) (result v128)
    (f32x4.relaxed_nmadd (local.get 0) (local.get 1) (local.get 2)))
  (func (export "f64x2.relaxed_madd") (param v128 v128 v128) (result v128)
    (f64x2.relaxed_madd (local.get 0) (local.get 1) (local.get 2)))
  (func (export "f64x2.relaxed_nmadd") (param v128 v128 v128) (result v128)
    (f64x2.relaxed_nmadd (local.get 0) (local.get 1) (local.get 2)))
  ;; The same with constant operands, which LLVM could fold (or fuse) at compile time.
  (func (export "madd_const") (result v128)
    (f32x4.relaxed_madd (v128.const f32x4 0x1.001p+0 0x1.001p+0 0x1.001p+0 0x1.001p+0)
                        (v128.const f32x4 0x1.001p+0 0x1.001p+0 0x1.001p+0 0x1.001p+0)
                        (v128.const f32x4 -0x1.002p+0 -0x1.002p+0 -0x1.002p+0 -0x1.002p+0)))
  (func (export "i16x8.relaxed_dot_i8x16_i7x16_s") (param v128 v128) (result v128)
    (i16x8.relaxed_dot_i8x16_i7x16_s (local.get 0) (local.get 1)))
  (func (export "i32x4.relaxed_dot_i8x16_i7x16_add_s") (param v128 v128 v128) (result v128)
    (i32x4.relaxed_dot_i8x16_i7x16_add_s (local.get 0) (local.get 1) (local.get 2)))
  (func (export "i8x16.relaxed_swizzle") (param v128 v128) (result v128)
    (i8x16.relaxed_swizzle (local.get 0) (local.get 1)))
  (func (export "i32x4.relaxed_trunc_f32x4_s") (param v128) (result v128)
    (i32x4.relaxed_trunc_f32x4_s (local.get 0)))
  (func (export "i32x4.relaxed_trunc_f32x4_u") (param v128) (result v128)
    (i32x4.relaxed_trunc_f32x4_u (local.get 0)))
  (func (export "i32x4.relaxed_trunc_f64x2_s_zero") (param v128) (result v128)
    (i32x4.relaxed_trunc_f64x2_s_zero (local.get 0)))
  (func (export "i32x4.relaxed_trunc_f64x2_u_zero") (param v128) (result v128)
    (i32x4.relaxed_trunc_f64x2_u_zero (local.get 0)))
  (func (export "i8x16.relaxed_laneselect") (param v128 v128 v128) (result v128)
    (i8x16.relaxed_laneselect (local.get 0) (local.get 1) (local.get 2)))
  (func (export "i64x2.relaxed_laneselect") (param v128 v128 v128) (result v128)
    (i64x2.relaxed_laneselect (local.get 0) (local.get 1) (local.get 2)))
  (func (export "f32x4.relaxed_min") (param v128 v128) (result v128)
    (f32x4.relaxed_min (local.get 0) (local.get 1)))
  (func (export "f64x2.relaxed_max") (param v128 v128) (result v128)
    (f64x2.relaxed_max (local.get 0) (local.get 1)))
  (func (export "i16x8.relaxed_q15mulr_s") (param v128 v128) (result v128)
    (i16x8.relaxed_q15mulr_s (local.get 0) (local.get 1))))

;; Multiply-add rounds twice: (1 + 2^-12)^2 = 1 + 2^-11 + 2^-24 rounds (a tie, to even) to
;; 1 + 2^-11, so adding -(1 + 2^-11) gives 0; a fused multiply-add would give 2^-24.
(assert_return (invoke "f32x4.relaxed_madd"
                       (v128.const f32x4 0x1.001p+0 0x1.001p+0 1 2)
                       (v128.const f32x4 0x1.001p+0 0x1.001p+0 3 4)
                       (v128.const f32x4 -0x1.002p+0 -0x1.002p+0 5 6))
               (v128.const f32x4 0 0 8 14))
(assert_return (invoke "f32x4.relaxed_nmadd"
                       (v128.const f32x4 0x1.001p+0 0x1.001p+0 1 2)
                       (v128.const f32x4 0x1.001p+0 0x1.001p+0 3 4)
                       (v128.const f32x4 0x1.002p+0 0x1.002p+0 5 6))
               (v128.const f32x4 0 0 2 -2))
(assert_return (invoke "madd_const") (v128.const f32x4 0 0 0 0))
;; (1 + 2^-27)^2 = 1 + 2^-26 + 2^-54 rounds to 1 + 2^-26; fused: 2^-54.
(assert_return (invoke "f64x2.relaxed_madd"
                       (v128.const f64x2 0x1.0000002p+0 3)
                       (v128.const f64x2 0x1.0000002p+0 4)
                       (v128.const f64x2 -0x1.0000004p+0 5))
               (v128.const f64x2 0 17))
(assert_return (invoke "f64x2.relaxed_nmadd"
                       (v128.const f64x2 0x1.0000002p+0 3)
                       (v128.const f64x2 0x1.0000002p+0 4)
                       (v128.const f64x2 0x1.0000004p+0 5))
               (v128.const f64x2 0 -7))

;; Dot products read both operands as signed: 1 * -1 twice is -2 (unsigned: 510). The i16 sum
;; wraps: -128 * -128 twice is 32768, which wraps to -32768 (saturated: 32767).
(assert_return (invoke "i16x8.relaxed_dot_i8x16_i7x16_s"
                       (v128.const i8x16 1 1 -128 -128 3 4 0 0 0 0 0 0 0 0 127 127)
                       (v128.const i8x16 -1 -1 -128 -128 5 6 0 0 0 0 0 0 0 0 127 -128))
               (v128.const i16x8 -2 -32768 39 0 0 0 0 -127))
;; The i32x4 form sums its four products exactly: 4 * 16384 + 1 = 65537 (through a wrapped i16
;; sum: -65535; a saturated one: 65535).
(assert_return (invoke "i32x4.relaxed_dot_i8x16_i7x16_add_s"
                       (v128.const i8x16 -128 -128 -128 -128 1 1 1 1 1 2 3 4 0 0 0 0)
                       (v128.const i8x16 -128 -128 -128 -128 -1 -1 -1 -1 1 1 1 1 0 0 0 0)
                       (v128.const i32x4 1 0 -10 0x7fffffff))
               (v128.const i32x4 65537 -4 0 0x7fffffff))

;; Swizzle: an index of 16 or more gives 0 (not the lane of its low four bits).
(assert_return (invoke "i8x16.relaxed_swizzle"
                       (v128.const i8x16 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25)
                       (v128.const i8x16 0 15 16 17 31 -1 -128 -112 1 2 3 4 5 6 7 8))
               (v128.const i8x16 10 25 0 0 0 0 0 0 11 12 13 14 15 16 17 18))

;; Conversions saturate and give 0 for NaN (x86's cvttps2dq would give 0x80000000).
(assert_return (invoke "i32x4.relaxed_trunc_f32x4_s"
                       (v128.const f32x4 nan 0x1p+40 -0x1p+40 -1.5))
               (v128.const i32x4 0 0x7fffffff 0x80000000 -1))
(assert_return (invoke "i32x4.relaxed_trunc_f32x4_u"
                       (v128.const f32x4 nan 0x1p+40 -1.5 4294967040))
               (v128.const i32x4 0 0xffffffff 0 4294967040))
(assert_return (invoke "i32x4.relaxed_trunc_f64x2_s_zero"
                       (v128.const f64x2 nan -0x1p+40))
               (v128.const i32x4 0 0x80000000 0 0))
(assert_return (invoke "i32x4.relaxed_trunc_f64x2_u_zero"
                       (v128.const f64x2 -nan 0x1p+40))
               (v128.const i32x4 0 0xffffffff 0 0))

;; Lane select is bitwise, whatever the lane width (not by the top bit of each lane).
(assert_return (invoke "i8x16.relaxed_laneselect"
                       (v128.const i8x16 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1)
                       (v128.const i8x16 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0)
                       (v128.const i8x16 0x0f 0xf0 0x80 0x7f 0 -1 1 2 3 4 5 6 7 8 9 10))
               (v128.const i8x16 0x0f 0xf0 0x80 0x7f 0 -1 1 2 3 4 5 6 7 8 9 10))
(assert_return (invoke "i64x2.relaxed_laneselect"
                       (v128.const i64x2 0x1111111111111111 0x2222222222222222)
                       (v128.const i64x2 0x4444444444444444 0x8888888888888888)
                       (v128.const i64x2 0x00000000ffffffff 0x8000000000000000))
               (v128.const i64x2 0x4444444411111111 0x0888888888888888))

;; Min and max as the non-relaxed ones: -0 below +0, NaN in, NaN out.
(assert_return (invoke "f32x4.relaxed_min"
                       (v128.const f32x4 0 -0 nan 1)
                       (v128.const f32x4 -0 0 1 nan))
               (v128.const f32x4 -0 -0 nan:canonical nan:canonical))
(assert_return (invoke "f64x2.relaxed_max"
                       (v128.const f64x2 -0 nan)
                       (v128.const f64x2 0 -1))
               (v128.const f64x2 0 nan:canonical))

;; The Q15 multiply saturates its one overflow: -32768 * -32768 gives 32767 (wrapped: -32768).
(assert_return (invoke "i16x8.relaxed_q15mulr_s"
                       (v128.const i16x8 -32768 16384 -32768 0 1 2 3 4)
                       (v128.const i16x8 -32768 16384 32767 0 1 2 3 4))
               (v128.const i16x8 32767 8192 -32767 0 0 0 0 0))
