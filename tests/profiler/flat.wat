;; One function with a long loop and no calls inside it ($flat), the whole program's work:
;; samplers that only sample at calls or loop headers under-count such functions.
(module $flat
  (func $flat (result i32)
    (local $i i32) (local $acc i32)
    (local.set $i (i32.const 250000000))
    (loop $l
      (local.set $acc (i32.xor (i32.mul (local.get $acc) (i32.const 7)) (local.get $i)))
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (br_if $l (local.get $i)))
    (local.get $acc))
  (func (export "_start") (drop (call $flat))))
