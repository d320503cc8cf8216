;; proc_exit on a spawned thread ends the whole program with its status, although main is
;; still looping.
(module
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (import "env" "memory" (memory 1 1 shared))
  (func $main_loops_forever (loop $forever (br $forever)))
  (func (export "_start")
    (if (i32.le_s (call $spawn (i32.const 0)) (i32.const 0)) (then (call $exit (i32.const 10))))
    (call $main_loops_forever))
  (func (export "wasi_thread_start") (param i32 i32)
    (call $exit (i32.const 7))))
