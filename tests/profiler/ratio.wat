;; Two functions doing the same work per iteration in a 1:3 ratio ($one calls $work with n,
;; $three with 3n), interleaved 60000 times: a profile must give them 25 % and 75 %. The calls
;; are short (well under a millisecond) so that no sampling grid lines up with the pattern:
;; CPU-time timers fire on the scheduler tick, and a pattern as long as a few ticks would
;; alias with it.
(module $ratio
  (func $work (param $n i32) (result i32)
    (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (i32.mul (local.get $acc) (i32.const 31)) (local.get $n)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (local.get $n)))
    (local.get $acc))
  (func $one (param i32) (result i32) (call $work (i32.mul (local.get 0) (i32.const 1))))
  (func $three (param i32) (result i32) (call $work (i32.mul (local.get 0) (i32.const 3))))
  (func (export "_start")
    (local $k i32)
    (local.set $k (i32.const 60000))
    (loop $l
      (drop (call $one (i32.const 10000)))
      (drop (call $three (i32.const 10000)))
      (local.set $k (i32.sub (local.get $k) (i32.const 1)))
      (br_if $l (local.get $k)))))
