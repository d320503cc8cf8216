;; Module definitions and instances (WebAssembly 3.0 scripts): a definition is compiled, not
;; instantiated; each instance of it is a new one (instantiation is generative).
(module definition $M
  (global (export "g") (mut i32) (i32.const 0))
  (func (export "inc") (result i32)
    (global.set 0 (i32.add (global.get 0) (i32.const 1)))
    (global.get 0)))
(module instance $I1 $M)
(module instance $I2 $M)
(assert_return (invoke $I1 "inc") (i32.const 1))
(assert_return (invoke $I1 "inc") (i32.const 2))
(assert_return (invoke $I2 "inc") (i32.const 1))
(register "I2" $I2)
(module (import "I2" "g" (global (mut i32))) (func (export "read") (result i32) (global.get 0)))
(assert_return (invoke "read") (i32.const 1))
;; Not instantiated: its start function would trap.
(module definition $T (func $t unreachable) (start $t))
;; Without a name, an instance of the latest definition becomes the current module.
(module definition (memory 3) (func (export "size") (result i32) (memory.size)))
(module instance)
(assert_return (invoke "size") (i32.const 3))
