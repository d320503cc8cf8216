;; thread-spawn from a module without a wasi_thread_start export: a negative errno (EINVAL,
;; 28), which main exits with, negated.
(module
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (import "env" "memory" (memory 1 1 shared))
  (func (export "_start")
    (call $exit (i32.sub (i32.const 0) (call $spawn (i32.const 0))))))
