;; memory.wat: the guest of memory.c. One exported memory (1 page, at most 3) and functions that
;; load, store and sum it, so the host can check that both sides see the same bytes.
(module $memory
  (memory $mem (export "memory") 1 3)

  (func $load (export "load") (param $address i32) (result i32)
    (i32.load (local.get $address)))

  (func $store (export "store") (param $address i32) (param $value i32)
    (i32.store (local.get $address) (local.get $value)))

  ;; The memory's size in pages, as the guest sees it.
  (func $pages (export "pages") (result i32)
    (memory.size))

  ;; Sums {n} bytes from {address}.
  (func $sum_bytes (export "sum_bytes") (param $address i32) (param $n i32) (result i32)
    (local $sum i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $sum (i32.add (local.get $sum) (i32.load8_u (local.get $address))))
        (local.set $address (i32.add (local.get $address) (i32.const 1)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $sum))
)
