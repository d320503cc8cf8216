;; Typed function references beyond the 3.0 suite: type equivalence across modules (linking and
;; call_indirect by canonical type), tables with initial values read back, non-null locals,
;; br_on_null / br_on_non_null on every path, call_ref of null and of functions of another
;; instance, and return_call_ref in a loop deep enough that only a real tail call survives.

;; Two modules whose type 1 has the same shape, (func (param (ref $x))), but whose $x differ:
;; i32 -> i32 in $A, i64 -> i64 in $B. Their types 1 are not the same type.
(module $A
  (type $x (func (param i32) (result i32)))
  (type $y (func (param (ref $x)) (result i32)))
  (func $inc (type $x) (i32.add (local.get 0) (i32.const 1)))
  (func $apply (export "apply") (type $y) (call_ref $x (i32.const 41) (local.get 0)))
  (elem declare func $inc)
  (table (export "t") 2 funcref)
  (elem (i32.const 0) func $apply)
  (func (export "run") (result i32) (call $apply (ref.func $inc)))
)
(register "A" $A)
(assert_return (invoke $A "run") (i32.const 42))

(module $B
  (type $x (func (param i64) (result i64)))
  (type $y (func (param (ref $x)) (result i32)))
  (table (import "A" "t") 2 funcref)
  (func $neg (type $x) (i64.sub (i64.const 0) (local.get 0)))
  (elem declare func $neg)
  ;; Table entry 0 is A's $apply, whose type names A's $x: not B's $y.
  (func (export "call-apply") (result i32)
    (call_indirect (type $y) (ref.func $neg) (i32.const 0)))
)
(assert_trap (invoke $B "call-apply") "indirect call type mismatch")

;; The same shape with the same referenced type is the same type: C's $y2 is A's $y.
(module $C
  (type $x2 (func (param i32) (result i32)))
  (type $y2 (func (param (ref $x2)) (result i32)))
  (table (import "A" "t") 2 funcref)
  (func $dbl (type $x2) (i32.mul (local.get 0) (i32.const 2)))
  (elem declare func $dbl)
  (func (export "call-apply") (result i32)
    (call_indirect (type $y2) (ref.func $dbl) (i32.const 0)))
)
(assert_return (invoke $C "call-apply") (i32.const 82))

;; Linking by canonical type: an import of A's "apply" as C's type links; as B's does not.
(module
  (type $x (func (param i32) (result i32)))
  (type $y (func (param (ref $x)) (result i32)))
  (import "A" "apply" (func (type $y)))
)
(assert_unlinkable
  (module
    (type $x (func (param i64) (result i64)))
    (type $y (func (param (ref $x)) (result i32)))
    (import "A" "apply" (func (type $y)))
  )
  "incompatible import type"
)

;; A table of non-null references starts as its initial value; grow takes one too.
(module $T
  (type $f (func (result i32)))
  (func $seven (type $f) (i32.const 7))
  (func $eight (type $f) (i32.const 8))
  (elem declare func $eight)
  (table $t 3 10 (ref $f) (ref.func $seven))
  (func (export "call") (param i32) (result i32) (call_indirect $t (type $f) (local.get 0)))
  (func (export "call-ref") (param i32) (result i32) (call_ref $f (table.get $t (local.get 0))))
  (func (export "grow") (result i32) (table.grow $t (ref.func $eight) (i32.const 2)))
  (func (export "size") (result i32) (table.size $t))
)
(assert_return (invoke $T "call" (i32.const 0)) (i32.const 7))
(assert_return (invoke $T "call-ref" (i32.const 2)) (i32.const 7))
(assert_return (invoke $T "grow") (i32.const 3))
(assert_return (invoke $T "size") (i32.const 5))
(assert_return (invoke $T "call-ref" (i32.const 4)) (i32.const 8))
(assert_trap (invoke $T "call-ref" (i32.const 5)) "out of bounds table access")

;; A table of non-null references without an initial value is invalid.
(assert_invalid (module (type $f (func)) (table 1 (ref $f))) "type mismatch")
;; An initial value of the wrong type too.
(assert_invalid
  (module (type $f (func)) (type $g (func (result i32))) (func $h (type $g) (i32.const 0))
    (elem declare func $h) (table 1 (ref $f) (ref.func $h)))
  "type mismatch")

;; Non-null locals: set on every path before use; a set inside a block does not count after
;; it; a parameter needs no set.
(module
  (type $f (func (result i32)))
  (func $one (type $f) (i32.const 1))
  (elem declare func $one)
  (func (export "param") (param $p (ref $f)) (result i32) (call_ref $f (local.get $p)))
  (func (export "set-then-get") (result i32)
    (local $l (ref $f))
    (local.set $l (ref.func $one))
    (block (result i32) (call_ref $f (local.get $l))))
  (func (export "tee") (result i32)
    (local $l (ref $f))
    (drop (local.tee $l (ref.func $one)))
    (call_ref $f (local.get $l)))
)
(assert_invalid
  (module (type $f (func)) (func (local $l (ref $f)) (drop (local.get $l))))
  "uninitialized local")
(assert_invalid
  (module (type $f (func)) (func $g) (elem declare func $g)
    (func (local $l (ref $f))
      (block (local.set $l (ref.func $g)))
      (drop (local.get $l))))
  "uninitialized local")
(assert_invalid
  (module (type $f (func)) (func $g) (elem declare func $g)
    (func (param i32) (local $l (ref $f))
      (if (local.get 0) (then (local.set $l (ref.func $g))) (else (drop (local.get $l))))))
  "uninitialized local")

;; br_on_null / br_on_non_null / ref.as_non_null, taken and not taken, with values below.
(module
  (type $f (func (result i32)))
  (func $five (type $f) (i32.const 5))
  (elem declare func $five)
  (func $pick (param i32) (result (ref null $f))
    (if (result (ref null $f)) (local.get 0) (then (ref.func $five)) (else (ref.null $f))))
  (func (export "on-null") (param i32) (result i32)
    (block $null (result i32)
      (i32.const 100)
      (br_on_null $null (call $pick (local.get 0)))
      (call_ref $f)
      (i32.add)))
  (func (export "on-non-null") (param i32) (result i32)
    (block $nn (result i32 (ref $f))
      (i32.const 200)
      (br_on_non_null $nn (call $pick (local.get 0)))
      (return (i32.const -1)))
    (call_ref $f)
    (i32.add))
  (func (export "as-non-null") (param i32) (result i32)
    (call_ref $f (ref.as_non_null (call $pick (local.get 0)))))
  (func (export "call-null") (result i32) (call_ref $f (ref.null $f)))
  (func (export "return-call-null") (result i32) (return_call_ref $f (ref.null $f)))
)
(assert_return (invoke "on-null" (i32.const 1)) (i32.const 105))
(assert_return (invoke "on-null" (i32.const 0)) (i32.const 100))
(assert_return (invoke "on-non-null" (i32.const 1)) (i32.const 205))
(assert_return (invoke "on-non-null" (i32.const 0)) (i32.const -1))
(assert_return (invoke "as-non-null" (i32.const 1)) (i32.const 5))
(assert_trap (invoke "as-non-null" (i32.const 0)) "null reference")
(assert_trap (invoke "call-null") "null function reference")
(assert_trap (invoke "return-call-null") "null function reference")

;; call_ref into another instance's function, and return_call_ref a million times over.
(module
  (type $x (func (param i32) (result i32)))
  (type $c (func (param i32 i64) (result i64)))
  (type $y (func (param (ref $x)) (result i32)))
  (import "A" "apply" (func $apply (type $y)))
  (func $triple (type $x) (i32.mul (local.get 0) (i32.const 3)))
  (elem declare func $triple $count $apply)
  (func (export "across") (result i32)
    (call_ref $y (ref.func $triple) (ref.func $apply)))
  (func $count (type $c)
    (if (result i64) (i32.eqz (local.get 0))
      (then (local.get 1))
      (else (return_call_ref $c (i32.sub (local.get 0) (i32.const 1))
                                (i64.add (local.get 1) (i64.const 1)) (ref.func $count)))))
  (func (export "count") (param i32) (result i64) (call $count (local.get 0) (i64.const 0)))
)
(assert_return (invoke "across") (i32.const 123))
(assert_return (invoke "count" (i32.const 1000000)) (i64.const 1000000))

;; Immutable globals import a subtype; mutable ones only the same type.
(module $G
  (type $f (func))
  (func $g (type $f))
  (global (export "ref-f") (ref $f) (ref.func $g))
  (global (export "mut-ref-f") (mut (ref $f)) (ref.func $g))
)
(register "G" $G)
(module
  (type $f (func))
  (global (import "G" "ref-f") (ref null $f))
  (global (import "G" "ref-f") funcref)
  (global (import "G" "ref-f") (ref func))
  (global (import "G" "mut-ref-f") (mut (ref $f)))
)
(assert_unlinkable
  (module (type $f (func)) (global (import "G" "mut-ref-f") (mut (ref null $f))))
  "incompatible import type")
(assert_unlinkable
  (module (type $f (func (result i32))) (global (import "G" "ref-f") (ref $f)))
  "incompatible import type")
