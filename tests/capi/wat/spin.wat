;; The guest of capi_wasmscope_test.c's diagnostics: a loop to capture, suspend, dump and
;; interrupt (run -> inner -> spin), a host call to block in, unbounded recursion for the call
;; depth limit, an out-of-bounds store for a trap, and a bounded loop to profile.
(module $spinner
  (import "host" "block" (func $block))
  (memory (export "memory") 1)
  (func $spin (export "spin") (loop $again (br $again)))
  (func $inner (call $spin))
  (func (export "run") (call $inner))
  (func (export "blocked") (call $block))
  (func $recurse (export "recurse") (call $recurse))
  (func $store_far (i32.store (i32.const 70000) (i32.const 1)))
  (func (export "crash") (call $store_far))
  (func $count (export "count") (param $n i32) (result i32)
    (local $acc i32)
    (loop $again
      (local.set $acc (i32.add (local.get $acc) (local.get $n)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $again (local.get $n)))
    (local.get $acc)))
