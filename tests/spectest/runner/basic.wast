;; Self-test of the spectest runner: every command kind it handles, all expected to pass or skip
;; (and each also correct once execution commands run).
(module $m1
  (func (export "one") (result i32) (i32.const 1))
  (func (export "trap") (unreachable))
  (memory 1))
(assert_return (invoke "one") (i32.const 1))
(module $m2 (global (export "g") i32 (i32.const 7)))
(register "m2" $m2)
(assert_invalid
  (module (func (result i32) (i64.const 0)))
  "type mismatch")
(assert_invalid
  (module (func (local.get 0)))
  "unknown local")
(assert_malformed
  (module binary "\00asm" "\02\00\00\00")
  "unknown binary version")
(assert_malformed
  (module binary "\00asm" "\01\00\00\00" "\01\05\ff\ff\ff\ff\0f")
  "unexpected end")
(assert_malformed
  (module quote "(func (i32.const))")
  "unexpected token")
(assert_unlinkable
  (module (import "spectest" "no-such-import" (func)))
  "unknown import")
(assert_trap (invoke $m1 "trap") "unreachable")
