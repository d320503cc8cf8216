;; Sleeps 1 s in poll_oneoff (a relative clock subscription), then computes for a while:
;; a wall-clock profile shows the sleep as the host call, a CPU profile does not.
(module $sleeper
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func $sleep_a_second
    ;; The subscription at 0: userdata (u64) at 0, tag (u8, 0: clock) at 8, then the clock:
    ;; id (u32, 1: monotonic) at 16, timeout (u64, ns) at 24, precision at 32, flags (u16,
    ;; 0: relative) at 40. The event goes to 100, the number of events to 200.
    (i64.store (i32.const 0) (i64.const 1))
    (i32.store8 (i32.const 8) (i32.const 0))
    (i32.store (i32.const 16) (i32.const 1))
    (i64.store (i32.const 24) (i64.const 1000000000))
    (i64.store (i32.const 32) (i64.const 0))
    (i32.store16 (i32.const 40) (i32.const 0))
    (drop (call $poll (i32.const 0) (i32.const 100) (i32.const 1) (i32.const 200))))
  (func $compute (result i32)
    (local $i i32) (local $acc i32)
    (local.set $i (i32.const 40000000))
    (loop $l
      (local.set $acc (i32.add (local.get $acc) (local.get $i)))
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (br_if $l (local.get $i)))
    (local.get $acc))
  (func (export "_start") (call $sleep_a_second) (drop (call $compute))))
