;; thread-spawn from a module whose memory is not shared cannot share it: the call returns a
;; negative errno (EINVAL, 28), which main exits with, negated.
(module
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1 1)
  (func (export "_start")
    (call $exit (i32.sub (i32.const 0) (call $spawn (i32.const 0)))))
  (func (export "wasi_thread_start") (param i32 i32)))
