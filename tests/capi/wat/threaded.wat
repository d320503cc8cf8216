;; A wasi-threads guest for capi_wasmscope_test.c: start_thread spawns a thread that records
;; its id in memory and spins in $worker_loop until it is stopped.
(module $threaded
  (import "env" "memory" (memory 1 1 shared))
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (func $worker_loop (loop $again (br $again)))
  (func (export "wasi_thread_start") (param $tid i32) (param $arg i32)
    (i32.atomic.store (i32.const 0) (local.get $tid))
    (call $worker_loop))
  (func (export "start_thread") (result i32) (call $spawn (i32.const 7))))
