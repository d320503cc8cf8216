;; The memory a trap leaves behind: every store executed before the trapping instruction is
;; there (the instance and its memory live on after a trap), and no byte of a store that traps.
;; The interpreter and the compiled tier with explicit bounds checks (a check is a branch to a
;; call LLVM cannot see through) need nothing for it, nor do levels 0 and 1. At levels 2 and 3
;; with guard pages, to LLVM no access can fault, and before every guest access was made
;; volatile there (docs/compiled-tier.md, "Memory after a trap") five of these failed: dead
;; store elimination deleted a store that a later store overwrites with the faulting load
;; between them ("overwritten_const", from the differential test's simd-50452a75cd8738ca, seed
;; s32b), LICM hoisted a loop's invariant load above the loop's store ("loop_const"), and stores
;; widened into one (the second module) faulted whole. The third module: globals, which a host
;; reads after a trap too.
(module
  (memory 1)
  (func (export "set") (param i32) (i32.store8 offset=22 (i32.const 0) (local.get 0)))
  (func (export "peek") (result i32) (i32.load8_u offset=22 (i32.const 0)))
  ;; A byte store that the wider store after it would overwrite, with a faulting load between.
  (func (export "overwritten") (param i32 i32)
    (i32.store8 offset=22 (i32.const 0) (local.get 0))
    (f64.store offset=22 (i32.const 0) (f64.load offset=22 (local.get 1))))
  ;; The same with the load's address a constant, as the differential test had it.
  (func (export "overwritten_const") (param i32)
    (i32.store8 offset=22 (i32.and (local.get 0) (i32.const 15)) (local.get 0))
    (f64.store offset=22 (i32.and (local.get 0) (i32.const 15))
      (f64.load offset=22 (i32.and (i32.const -4489884) (i32.const -15)))))
  ;; A store, then an unrelated load that faults.
  (func (export "then_load") (param i32 i32) (result i32)
    (i32.store8 offset=22 (i32.const 0) (local.get 0))
    (i32.load (local.get 1)))
  (func (export "then_load_const") (param i32) (result i32)
    (i32.store8 offset=22 (i32.const 0) (local.get 0))
    (i32.load (i32.const 65536)))
  (func (export "then_load_offset") (param i32 i32) (result i32)
    (i32.store8 offset=22 (local.get 1) (local.get 0))
    (i32.load offset=65536 (local.get 1)))
  ;; A store in a loop whose invariant load faults on the first iteration.
  (func (export "loop") (param i32 i32) (result i32) (local i32)
    (loop $l
      (i32.store8 offset=22 (i32.const 0) (local.get 0))
      (local.set 2 (i32.add (local.get 2) (i32.load (local.get 1))))
      (br_if $l (i32.lt_u (local.get 2) (i32.const 100))))
    (local.get 2))
  (func (export "loop_const") (param i32) (result i32) (local i32)
    (loop $l
      (i32.store8 offset=22 (i32.const 0) (i32.add (local.get 0) (local.get 1)))
      (local.set 1 (i32.add (local.get 1) (i32.load (i32.const 65536))))
      (br_if $l (i32.lt_u (local.get 1) (i32.const 100))))
    (local.get 1))
)
(invoke "set" (i32.const 0x66))
(assert_trap (invoke "overwritten" (i32.const 7) (i32.const -4489884)) "out of bounds memory access")
(assert_return (invoke "peek") (i32.const 7))
(invoke "set" (i32.const 0x66))
(assert_trap (invoke "overwritten_const" (i32.const 0)) "out of bounds memory access")
(assert_return (invoke "peek") (i32.const 0))
(invoke "set" (i32.const 0x66))
(assert_trap (invoke "then_load" (i32.const 8) (i32.const 65536)) "out of bounds memory access")
(assert_return (invoke "peek") (i32.const 8))
(invoke "set" (i32.const 0x66))
(assert_trap (invoke "then_load_const" (i32.const 10)) "out of bounds memory access")
(assert_return (invoke "peek") (i32.const 10))
(invoke "set" (i32.const 0x66))
(assert_trap (invoke "then_load_offset" (i32.const 11) (i32.const 0)) "out of bounds memory access")
(assert_return (invoke "peek") (i32.const 11))
(invoke "set" (i32.const 0x66))
(assert_trap (invoke "loop" (i32.const 9) (i32.const 65536)) "out of bounds memory access")
(assert_return (invoke "peek") (i32.const 9))
(invoke "set" (i32.const 0x66))
(assert_trap (invoke "loop_const" (i32.const 12)) "out of bounds memory access")
(assert_return (invoke "peek") (i32.const 12))
;; Stores that the code widens: adjacent stores merged into one wider store (MemCpyOpt makes
;; four byte stores of one value a memset, the backend merges stores of constants) and a loop
;; the vectorizer widens. When the wider store reaches past the end of memory it faults whole,
;; so the bytes in bounds, which the guest's earlier narrower stores wrote, are not written.
;; "merged_splat", "merged_consts" and "vectorized" failed at levels 2 and 3 with guard pages.
(module
  (memory 1)
  (func (export "peek") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "reset") (i32.store (i32.const 65532) (i32.const 0x66666666)))
  (func (export "merged_splat") (param i32 i32)
    (i32.store8 (local.get 0) (local.get 1))
    (i32.store8 offset=1 (local.get 0) (local.get 1))
    (i32.store8 offset=2 (local.get 0) (local.get 1))
    (i32.store8 offset=3 (local.get 0) (local.get 1)))
  (func (export "merged_consts") (param i32)
    (i32.store8 (local.get 0) (i32.const 1))
    (i32.store8 offset=1 (local.get 0) (i32.const 2)))
  ;; Stores i+1 into the n i32 slots from base up.
  (func (export "vectorized") (param $base i32) (param $n i32) (local $i i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (i32.store (i32.add (local.get $base) (i32.shl (local.get $i) (i32.const 2)))
          (i32.add (local.get $i) (i32.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l))))
)
(invoke "reset")
(assert_trap (invoke "merged_splat" (i32.const 65534) (i32.const 1)) "out of bounds memory access")
(assert_return (invoke "peek" (i32.const 65532)) (i32.const 0x01016666))
(invoke "reset")
(assert_trap (invoke "merged_consts" (i32.const 65535)) "out of bounds memory access")
(assert_return (invoke "peek" (i32.const 65532)) (i32.const 0x01666666))
;; Ten slots fit below the end and the eleventh traps; the tenth is in the same vector as the
;; eleventh for any vector of 4 or more i32 lanes (SSE2 and up), so it is lost whatever the CPU.
(assert_trap (invoke "vectorized" (i32.const 65496) (i32.const 1000)) "out of bounds memory access")
(assert_return (invoke "peek" (i32.const 65532)) (i32.const 10))
;; Globals set before a faulting load: overwritten after it, and counted in a loop.
(module
  (memory 1)
  (global $g (export "g") (mut i32) (i32.const 0))
  (func (export "overwritten") (param $p i32)
    (global.set $g (i32.const 1))
    (global.set $g (i32.add (i32.const 2) (i32.load (local.get $p)))))
  (func (export "around_store") (param $p i32)
    (global.set $g (i32.const 3))
    (i32.store (i32.const 8) (i32.load (local.get $p)))
    (global.set $g (i32.const 4)))
  (func (export "loop") (param $p i32) (result i32) (local $i i32)
    (loop $l
      (global.set $g (i32.add (global.get $g) (i32.const 1)))
      (local.set $i (i32.add (local.get $i) (i32.load (local.get $p))))
      (local.set $p (i32.add (local.get $p) (i32.const 4096)))
      (br_if $l (i32.lt_u (global.get $g) (i32.const 100))))
    (local.get $i))
)
(assert_trap (invoke "overwritten" (i32.const 65536)) "out of bounds memory access")
(assert_return (get "g") (i32.const 1))
(assert_trap (invoke "around_store" (i32.const 65536)) "out of bounds memory access")
(assert_return (get "g") (i32.const 3))
;; Sixteen loads fit: the seventeenth, at 65536, traps after the global's seventeenth add; the
;; store of 3 above is its start.
(assert_trap (invoke "loop" (i32.const 0)) "out of bounds memory access")
(assert_return (get "g") (i32.const 20))
