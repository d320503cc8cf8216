;; Computes for a few seconds, prints "done 1234567" and exits with status 3: what a profiler
;; attaching and detaching meanwhile must leave unchanged.
(module $attach
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "done ")
  (func $crunch (param $n i32) (result i32)
    (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (i32.mul (local.get $acc) (i32.const 3)) (local.get $n)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (local.get $n)))
    (local.get $acc))
  ;; Writes the decimal digits of {v} at 105.. and a newline; returns the length written.
  (func $digits (param $v i32) (result i32)
    (local $len i32) (local $i i32) (local $t i32)
    (local.set $t (local.get $v))
    (loop $count
      (local.set $len (i32.add (local.get $len) (i32.const 1)))
      (local.set $t (i32.div_u (local.get $t) (i32.const 10)))
      (br_if $count (local.get $t)))
    (local.set $i (local.get $len))
    (loop $put
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (i32.store8 (i32.add (i32.const 105) (local.get $i))
        (i32.add (i32.const 48) (i32.rem_u (local.get $v) (i32.const 10))))
      (local.set $v (i32.div_u (local.get $v) (i32.const 10)))
      (br_if $put (local.get $i)))
    (i32.store8 (i32.add (i32.const 105) (local.get $len)) (i32.const 10))
    (i32.add (local.get $len) (i32.const 1)))
  (func (export "_start")
    (local $r i32) (local $k i32)
    (local.set $k (i32.const 12))
    (loop $l
      (local.set $r (i32.add (local.get $r) (call $crunch (i32.const 50000000))))
      (local.set $k (i32.sub (local.get $k) (i32.const 1)))
      (br_if $l (local.get $k)))
    (i32.store (i32.const 0) (i32.const 100))
    (i32.store (i32.const 4)
      (i32.add (i32.const 5) (call $digits (i32.and (local.get $r) (i32.const 0x7fffffff)))))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (call $exit (i32.const 3))))
