;; thread_dump.wat: the guest of thread_dump.c. "run" spins forever three calls deep
;; (run -> compute -> crunch) until another thread terminates it.
(module $thread_dump
  (memory (export "memory") 1)
  (global $rounds (mut i32) (i32.const 0))

  ;; Keeps bumping a counter in memory and a global: work that never ends.
  (func $crunch
    (loop $again
      (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (i32.const 1)))
      (global.set $rounds (i32.add (global.get $rounds) (i32.const 1)))
      (br $again)))

  (func $compute
    (call $crunch))

  (func $run (export "run")
    (call $compute))
)
