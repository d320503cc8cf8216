;; _start returns while a spawned thread loops forever: like a native process, the program
;; ends (status 0) and the thread does not keep it alive.
(module
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (import "env" "memory" (memory 1 1 shared))
  (func $thread_loops_forever (loop $forever (br $forever)))
  (func (export "_start")
    (if (i32.le_s (call $spawn (i32.const 0)) (i32.const 0)) (then (call $exit (i32.const 10)))))
  (func (export "wasi_thread_start") (param i32 i32)
    (call $thread_loops_forever)))
