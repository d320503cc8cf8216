;; Spawns threads that loop forever until thread-spawn fails (at most 100 tries), checking
;; that the ids are positive and distinct; exits with the number started if the failure was
;; EAGAIN (-6), else 99 (wrong error), 98 (a bad or repeated id), 97 (never failed).
(module
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (import "env" "memory" (memory 1 1 shared))
  (func $thread_loops_forever (loop $forever (br $forever)))
  (func $seen (param $tid i32) (param $count i32) (result i32) (local $i i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (if (i32.eq (i32.load (i32.shl (local.get $i) (i32.const 2))) (local.get $tid))
          (then (return (i32.const 1))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.const 0))
  (func (export "_start") (local $count i32) (local $tid i32)
    (loop $more
      (local.set $tid (call $spawn (i32.const 0)))
      (if (i32.lt_s (local.get $tid) (i32.const 0))
        (then
          (if (i32.ne (local.get $tid) (i32.const -6)) (then (call $exit (i32.const 99))))
          (call $exit (local.get $count))))
      (if (i32.or (i32.eqz (local.get $tid)) (call $seen (local.get $tid) (local.get $count)))
        (then (call $exit (i32.const 98))))
      (i32.store (i32.shl (local.get $count) (i32.const 2)) (local.get $tid))
      (local.set $count (i32.add (local.get $count) (i32.const 1)))
      (br_if $more (i32.lt_u (local.get $count) (i32.const 100))))
    (call $exit (i32.const 97)))
  (func (export "wasi_thread_start") (param i32 i32)
    (call $thread_loops_forever)))
