;; A guest that traps three calls deep with known locals, memory and a global, for
;; --coredump-on-trap. Offsets in the tests are counted by hand from the encoding:
;; inner: unreachable at +0x8 (after 0x00 locals, i32.const 16, local.get 0, i32.store);
;; middle: call at +0x6; main: call at +0x8 (after i32.const 99 = 3 bytes, global.set 0, i32.const 41).
(module $crash
  (memory (export "memory") 1)
  (global $g (mut i32) (i32.const 7))
  (func $inner (param $x i32) (i32.store (i32.const 16) (local.get $x)) unreachable)
  (func $middle (param i32) (call $inner (i32.add (local.get 0) (i32.const 1))))
  (func $main (export "_start") (global.set $g (i32.const 99)) (call $middle (i32.const 41))))
