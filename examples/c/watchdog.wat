;; watchdog.wat: the guest of watchdog.c. "run" never returns: it calls {wait_for_work}, which
;; calls {spin_forever}, a loop with no exit. "answer" returns at once, to show the store still
;; works after the watchdog interrupted the hung call.
(module $watchdog
  (global $spins (mut i64) (i64.const 0))

  (func $spin_forever
    (loop $again
      (global.set $spins (i64.add (global.get $spins) (i64.const 1)))
      (br $again)))

  (func $wait_for_work
    (call $spin_forever))

  (func $run (export "run")
    (call $wait_for_work))

  (func $answer (export "answer") (result i32)
    (i32.const 42))
)
