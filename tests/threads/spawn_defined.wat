;; wasi-threads with the memory defined and exported by the module: the spawned thread writes its tid
;; and start argument to the shared memory, then sets a flag; main waits for the flag with
;; plain loads (no atomics) and exits 0 only if what it reads is what the thread wrote.
(module
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1 1 shared)
  (func $wait_for_flag
    (loop $spin (br_if $spin (i32.eqz (i32.load (i32.const 0))))))
  (func (export "_start") (local $tid i32)
    (local.set $tid (call $spawn (i32.const 1234)))
    (if (i32.le_s (local.get $tid) (i32.const 0)) (then (call $exit (i32.const 10))))
    (if (i32.ge_u (local.get $tid) (i32.const 0x20000000)) (then (call $exit (i32.const 11))))
    (call $wait_for_flag)
    (if (i32.ne (i32.load (i32.const 4)) (i32.const 1234)) (then (call $exit (i32.const 12))))
    (if (i32.ne (i32.load (i32.const 8)) (local.get $tid)) (then (call $exit (i32.const 13))))
    (call $exit (i32.const 0)))
  (func (export "wasi_thread_start") (param $tid i32) (param $arg i32)
    (i32.store (i32.const 4) (local.get $arg))
    (i32.store (i32.const 8) (local.get $tid))
    (i32.store (i32.const 0) (i32.const 1))))
