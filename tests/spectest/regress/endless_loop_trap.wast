;; A load in a loop with no way out still traps. With guard pages the compiled tier keeps a
;; load whose value is unused by adding it to a sum that returns and traps observe (the load
;; sink, docs/architecture.md); a loop that never exits reaches neither, so at levels 2 and 3
;; LLVM deleted the loads and the thread spun for ever instead of trapping. Each function
;; below must trap at the load of the page past the end (in the seventeenth iteration),
;; and the global and memory it counted in must show every iteration before the trap.
(module
  (memory 1)
  (global $g (mut i32) (i32.const 0))
  (func (export "g") (result i32) (global.get $g))
  (func (export "peek") (result i32) (i32.load (i32.const 100)))
  (func (export "reset") (global.set $g (i32.const 0)) (i32.store (i32.const 100) (i32.const 0)))
  ;; No branch out at all.
  (func (export "global_count") (param $p i32)
    (loop $l
      (global.set $g (i32.add (global.get $g) (i32.const 1)))
      (drop (i32.load (local.get $p)))
      (local.set $p (i32.add (local.get $p) (i32.const 4096)))
      (br $l)))
  (func (export "memory_count") (param $p i32)
    (loop $l
      (i32.store (i32.const 100) (i32.add (i32.load (i32.const 100)) (i32.const 1)))
      (drop (i32.load (local.get $p)))
      (local.set $p (i32.add (local.get $p) (i32.const 4096)))
      (br $l)))
  ;; The loads' values summed into a local nothing reads.
  (func (export "summed") (param $p i32) (local $sum i64)
    (loop $l
      (global.set $g (i32.add (global.get $g) (i32.const 1)))
      (local.set $sum (i64.add (local.get $sum) (i64.load (local.get $p))))
      (local.set $p (i32.add (local.get $p) (i32.const 4096)))
      (br $l)))
  (func (export "vector") (param $p i32)
    (loop $l
      (global.set $g (i32.add (global.get $g) (i32.const 1)))
      (drop (v128.load (local.get $p)))
      (local.set $p (i32.add (local.get $p) (i32.const 4096)))
      (br $l)))
  ;; A branch out that LLVM removes: the local it tests never changes.
  (func (export "exit_folded") (param $p i32) (local $i i32)
    (block $out
      (loop $l
        (global.set $g (i32.add (global.get $g) (i32.const 1)))
        (drop (i32.load (local.get $p)))
        (local.set $p (i32.add (local.get $p) (i32.const 4096)))
        (br_if $l (i32.lt_u (local.get $i) (i32.const 100)))))
    (global.set $g (i32.const -1)))
  ;; An endless loop around a loop that exits after four loads, and a loop that would exit
  ;; around an endless one.
  (func (export "outer_endless") (param $p i32) (local $i i32)
    (loop $outer
      (local.set $i (i32.const 0))
      (loop $inner
        (global.set $g (i32.add (global.get $g) (i32.const 1)))
        (drop (i32.load (local.get $p)))
        (local.set $p (i32.add (local.get $p) (i32.const 4096)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $inner (i32.lt_u (local.get $i) (i32.const 4))))
      (br $outer)))
  (func (export "inner_endless") (param $p i32) (param $n i32)
    (loop $outer
      (loop $inner
        (global.set $g (i32.add (global.get $g) (i32.const 1)))
        (drop (i32.load (local.get $p)))
        (local.set $p (i32.add (local.get $p) (i32.const 4096)))
        (br $inner))
      (br_if $outer (local.get $n))))
  ;; A loop that ends, then an endless one (only the second observes the sink: the first
  ;; still vectorizes).
  (func (export "after_loop") (param $p i32) (param $n i32) (local $i i32)
    (block $done
      (loop $fill
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (i32.store offset=200 (i32.shl (local.get $i) (i32.const 2)) (local.get $i))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $fill)))
    (loop $l
      (global.set $g (i32.add (global.get $g) (i32.const 1)))
      (drop (i32.load (local.get $p)))
      (local.set $p (i32.add (local.get $p) (i32.const 4096)))
      (br $l)))
  (func (export "slot") (param i32) (result i32)
    (i32.load offset=200 (i32.shl (local.get 0) (i32.const 2))))
  ;; The endless loop in a function that another calls.
  (func $endless (param $p i32)
    (loop $l
      (global.set $g (i32.add (global.get $g) (i32.const 1)))
      (drop (i32.load (local.get $p)))
      (local.set $p (i32.add (local.get $p) (i32.const 4096)))
      (br $l)))
  (func (export "called") (param $p i32) (result i32)
    (call $endless (local.get $p))
    (i32.const 7))
)
(assert_trap (invoke "global_count" (i32.const 0)) "out of bounds memory access")
(assert_return (invoke "g") (i32.const 17))
(invoke "reset")
(assert_trap (invoke "memory_count" (i32.const 0)) "out of bounds memory access")
(assert_return (invoke "peek") (i32.const 17))
(invoke "reset")
(assert_trap (invoke "summed" (i32.const 0)) "out of bounds memory access")
(assert_return (invoke "g") (i32.const 17))
(invoke "reset")
(assert_trap (invoke "vector" (i32.const 0)) "out of bounds memory access")
(assert_return (invoke "g") (i32.const 17))
(invoke "reset")
(assert_trap (invoke "exit_folded" (i32.const 0)) "out of bounds memory access")
(assert_return (invoke "g") (i32.const 17))
(invoke "reset")
(assert_trap (invoke "called" (i32.const 0)) "out of bounds memory access")
(assert_return (invoke "g") (i32.const 17))
(invoke "reset")
(assert_trap (invoke "outer_endless" (i32.const 0)) "out of bounds memory access")
(assert_return (invoke "g") (i32.const 17))
(invoke "reset")
(assert_trap (invoke "inner_endless" (i32.const 0) (i32.const 1)) "out of bounds memory access")
(assert_return (invoke "g") (i32.const 17))
(invoke "reset")
(assert_trap (invoke "after_loop" (i32.const 0) (i32.const 100)) "out of bounds memory access")
(assert_return (invoke "g") (i32.const 17))
(assert_return (invoke "slot" (i32.const 99)) (i32.const 99))
