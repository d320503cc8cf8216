;; Results with alternatives (WebAssembly 3.0 scripts, relaxed SIMD): a result passes if it
;; matches any of them, in any position; wrong.wast has one that matches none.
(module
  (func (export "one") (result i32) (i32.const 1))
  (func (export "pair") (result i32 f32) (i32.const 7) (f32.const nan:0x400001)))
(assert_return (invoke "one") (either (i32.const 1) (i32.const 2)))
(assert_return (invoke "one") (either (i32.const 2) (i32.const 1)))
(assert_return (invoke "pair") (i32.const 7) (either (f32.const 0) (f32.const nan:arithmetic)))
