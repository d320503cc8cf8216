;; The guest of capi_wasmscope_test.c's diagnostics: a loop to capture, suspend, dump and
;; interrupt (run -> inner -> spin), a host call to block in, unbounded recursion for the call
;; depth limit, and an out-of-bounds store for a trap.
(module $spinner
  (import "host" "block" (func $block))
  (memory (export "memory") 1)
  (func $spin (export "spin") (loop $again (br $again)))
  (func $inner (call $spin))
  (func (export "run") (call $inner))
  (func (export "blocked") (call $block))
  (func $recurse (export "recurse") (call $recurse))
  (func $store_far (i32.store (i32.const 70000) (i32.const 1)))
  (func (export "crash") (call $store_far)))
