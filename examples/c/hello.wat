;; hello.wat: the guest of hello.c. It imports one host function, {report}, calls it with a
;; value it computed, and returns another: enough to see calls cross both ways.
(module $hello
  (import "host" "report" (func $report (param $value i32)))

  ;; Returns {n}*{n}+1 after reporting {n}*{n} to the host.
  (func $square_plus_one (export "square_plus_one") (param $n i32) (result i32)
    (local $square i32)
    (local.set $square (i32.mul (local.get $n) (local.get $n)))
    (call $report (local.get $square))
    (i32.add (local.get $square) (i32.const 1)))
)
