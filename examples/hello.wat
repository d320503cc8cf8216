;; hello.wat: a small module to try `wasmscope validate` and `wasmscope dump` on.
;; It imports a host function, keeps a greeting in linear memory, counts calls in a global and
;; dispatches through a table. Assembled at build time with
;; `wat2wasm --enable-all --debug-names`, so function and local names reach the name section.
(module $hello
  (type $binop (func (param i32 i32) (result i32)))

  ;; The host prints {len} bytes of memory starting at {ptr}.
  (import "env" "print" (func $print (param $ptr i32) (param $len i32)))

  (memory $mem (export "memory") 1 2)
  (data $greeting (i32.const 16) "Hello, wasmscope!")

  ;; How many times {greet} has run.
  (global $calls (export "calls") (mut i32) (i32.const 0))

  (table $ops 2 funcref)
  (elem (i32.const 0) $add $mul)

  (func $add (export "add") (type $binop)
    (i32.add (local.get 0) (local.get 1)))

  (func $mul (type $binop)
    (i32.mul (local.get 0) (local.get 1)))

  ;; Applies operation {op} (0: add, 1: mul) through the table.
  (func $apply (export "apply") (param $op i32) (param $a i32) (param $b i32) (result i32)
    (call_indirect (type $binop) (local.get $a) (local.get $b) (local.get $op)))

  ;; Prints the greeting and returns how many times it has been printed.
  (func $greet (export "greet") (result i32)
    (local $count i32)
    (call $print (i32.const 16) (i32.const 17))
    (local.set $count (i32.add (global.get $calls) (i32.const 1)))
    (global.set $calls (local.get $count))
    (local.get $count))

  ;; Sums {n} bytes of memory from {ptr}: a loop to show nested blocks in a dump.
  (func $checksum (export "checksum") (param $ptr i32) (param $n i32) (result i32)
    (local $sum i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $sum (i32.add (local.get $sum) (i32.load8_u (local.get $ptr))))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 1)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $sum))
)
