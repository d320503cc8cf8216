;; Self-test of the expected-failures list: line 4 fails on purpose (the module is valid).
(module (func))
(module (func (result i32) (i32.const 2)))
(assert_invalid (module (func)) "type mismatch")
