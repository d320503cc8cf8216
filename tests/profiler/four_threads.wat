;; Main starts four wasi-threads threads; thread k spins in its own function $spin_k for a
;; while, then counts itself done; main waits (memory.atomic.wait32) until all four are.
;; A profile must show each thread with its own stack.
(module $four
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (memory (export "memory") 1 1 shared)
  (func $burn (param $n i32)
    (loop $l
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (local.get $n))))
  (func $spin_0 (call $burn (i32.const 60000000)))
  (func $spin_1 (call $burn (i32.const 60000000)))
  (func $spin_2 (call $burn (i32.const 60000000)))
  (func $spin_3 (call $burn (i32.const 60000000)))
  (func (export "wasi_thread_start") (param $tid i32) (param $k i32)
    (block $done
      (block $3 (block $2 (block $1 (block $0
        (br_table $0 $1 $2 $3 $done (local.get $k)))
        (call $spin_0) (br $done))
        (call $spin_1) (br $done))
        (call $spin_2) (br $done))
      (call $spin_3))
    (drop (i32.atomic.rmw.add (i32.const 0) (i32.const 1)))
    (drop (memory.atomic.notify (i32.const 0) (i32.const 1))))
  (func $wait_all (local $n i32)
    (loop $l
      (local.set $n (i32.atomic.load (i32.const 0)))
      (if (i32.lt_u (local.get $n) (i32.const 4))
        (then
          (drop (memory.atomic.wait32 (i32.const 0) (local.get $n) (i64.const -1)))
          (br $l)))))
  (func (export "_start")
    (drop (call $spawn (i32.const 0)))
    (drop (call $spawn (i32.const 1)))
    (drop (call $spawn (i32.const 2)))
    (drop (call $spawn (i32.const 3)))
    (call $wait_all)))
