;; Every assertion here is wrong on purpose: the runner must report each one as failed.
(module
  (func (export "one") (result i32) (i32.const 1))
  (func (export "nan") (result f32) (f32.const nan:0x200000))
  (func (export "div") (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0))))
(assert_return (invoke "one") (i32.const 2))
(assert_return (invoke "nan") (f32.const nan:canonical))
(assert_trap (invoke "div" (i32.const 1)) "integer divide by zero")
(assert_trap (invoke "div" (i32.const 0)) "unreachable")
(assert_exhaustion (invoke "one") "call stack exhausted")
(assert_return (invoke "one") (either (i32.const 2) (i32.const 3)))
(module definition (func (result i32)))
(module instance $X $nowhere)
