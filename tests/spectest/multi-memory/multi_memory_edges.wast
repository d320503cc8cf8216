;; Multi-memory (WebAssembly 3.0) beyond the spec suite's scripts: every kind of memory
;; instruction on a memory other than 0 (SIMD lanes, atomics, wait and notify, bulk operations,
;; growth followed by an access), copies between memories, and traps that must name the right
;; memory's bounds. Memory 0 is kept small and different so that an access that went to the
;; wrong memory gives a wrong value or a wrong trap.
(module
  (memory $a 1)
  (memory $b 2 4)
  (memory $s 1 2 shared)
  (data (memory $a) (i32.const 0) "\01\02\03\04")
  (data (memory $b) (i32.const 65536) "\11\12\13\14\15\16\17\18")
  (data $p "\a0\a1\a2\a3")

  (func (export "size") (result i32 i32 i32)
    (memory.size $a) (memory.size $b) (memory.size $s))
  (func (export "load_b") (param i32) (result i32) (i32.load $b (local.get 0)))
  (func (export "load_b_off") (param i32) (result i64) (i64.load $b offset=65536 (local.get 0)))
  (func (export "store_b") (param i32 i32) (i32.store16 $b offset=2 (local.get 0) (local.get 1)))
  (func (export "load_a") (param i32) (result i32) (i32.load $a (local.get 0)))
  (func (export "grow_b") (param i32) (result i32) (memory.grow $b (local.get 0)))
  ;; Grow, then access the new pages in the same function.
  (func (export "grow_then_store_b") (result i32)
    (drop (memory.grow $b (i32.const 1)))
    (i32.store $b (i32.const 196604) (i32.const 0x55aa55aa))
    (i32.load $b (i32.const 196604)))
  (func (export "fill_b") (param i32 i32 i32) (memory.fill $b (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy_a_to_b") (param i32 i32 i32)
    (memory.copy $b $a (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy_b_to_b") (param i32 i32 i32)
    (memory.copy $b $b (local.get 0) (local.get 1) (local.get 2)))
  (func (export "init_b") (param i32 i32 i32)
    (memory.init $b $p (local.get 0) (local.get 1) (local.get 2)))
  (func (export "v128_b") (param i32) (result i32)
    (i32x4.extract_lane 1 (v128.load $b offset=65536 (local.get 0))))
  (func (export "lane_b") (param i32) (result i32)
    (v128.store8_lane $b 0 (local.get 0) (v128.const i8x16 7 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0))
    (i8x16.extract_lane_u 7 (v128.load32_lane $b 1 (i32.const 65536) (v128.const i64x2 0 0))))
  (func (export "rmw_s") (param i32 i32) (result i32)
    (i32.atomic.rmw.add $s (local.get 0) (local.get 1)))
  (func (export "load_s") (param i32) (result i32) (i32.atomic.load $s (local.get 0)))
  (func (export "notify_s") (result i32) (memory.atomic.notify $s (i32.const 0) (i32.const 1)))
  (func (export "wait_s") (result i32)
    (memory.atomic.wait32 $s (i32.const 0) (i32.const 99) (i64.const 0)))
  (func (export "wait_b") (result i32)
    (memory.atomic.wait32 $b (i32.const 0) (i32.const 0) (i64.const 0)))
  ;; Memory 0 still works after accesses to the others, in one function.
  (func (export "mixed") (result i32)
    (i32.store8 $b (i32.const 5) (i32.const 9))
    (i32.add (i32.load8_u $a (i32.const 3)) (i32.load8_u $b (i32.const 5)))))

(assert_return (invoke "size") (i32.const 1) (i32.const 2) (i32.const 1))
(assert_return (invoke "load_b" (i32.const 65536)) (i32.const 0x14131211))
(assert_return (invoke "load_b_off" (i32.const 0)) (i64.const 0x1817161514131211))
(assert_return (invoke "load_a" (i32.const 0)) (i32.const 0x04030201))
(assert_return (invoke "load_b" (i32.const 0)) (i32.const 0))
;; In bounds of $b (2 pages) but not of $a (1 page), and past the end of $b.
(assert_return (invoke "load_b" (i32.const 131068)) (i32.const 0))
(assert_trap (invoke "load_a" (i32.const 65533)) "out of bounds memory access")
(assert_trap (invoke "load_b" (i32.const 131069)) "out of bounds memory access")
(assert_trap (invoke "load_b_off" (i32.const 65529)) "out of bounds memory access")
(invoke "store_b" (i32.const 65536) (i32.const 0xbeef))
(assert_return (invoke "load_b" (i32.const 65538)) (i32.const 0x1615beef))
(assert_return (invoke "load_a" (i32.const 0)) (i32.const 0x04030201))
(assert_trap (invoke "store_b" (i32.const 131069) (i32.const 0)) "out of bounds memory access")
(assert_return (invoke "mixed") (i32.const 13))

(assert_return (invoke "v128_b" (i32.const 0)) (i32.const 0x18171615))
;; The effective address is 2^32: no wrap-around to 0.
(assert_trap (invoke "v128_b" (i32.const -65536)) "out of bounds memory access")
(assert_return (invoke "lane_b" (i32.const 65539)) (i32.const 7))
(assert_trap (invoke "lane_b" (i32.const 131072)) "out of bounds memory access")

(invoke "fill_b" (i32.const 100) (i32.const 0x7f) (i32.const 4))
(assert_return (invoke "load_b" (i32.const 100)) (i32.const 0x7f7f7f7f))
(assert_return (invoke "load_a" (i32.const 100)) (i32.const 0))
(assert_trap (invoke "fill_b" (i32.const 131070) (i32.const 0) (i32.const 3)) "out of bounds memory access")
(invoke "copy_a_to_b" (i32.const 200) (i32.const 0) (i32.const 4))
(assert_return (invoke "load_b" (i32.const 200)) (i32.const 0x04030201))
;; Bounds of each memory: the source $a has 1 page, the destination $b 2.
(assert_trap (invoke "copy_a_to_b" (i32.const 70000) (i32.const 65535) (i32.const 2)) "out of bounds memory access")
(invoke "copy_a_to_b" (i32.const 131070) (i32.const 2) (i32.const 2))
(assert_return (invoke "load_b" (i32.const 131068)) (i32.const 0x04030000))
(invoke "copy_b_to_b" (i32.const 201) (i32.const 200) (i32.const 4))
(assert_return (invoke "load_b" (i32.const 200)) (i32.const 0x03020101))
(invoke "init_b" (i32.const 300) (i32.const 1) (i32.const 3))
(assert_return (invoke "load_b" (i32.const 300)) (i32.const 0x00a3a2a1))
(assert_trap (invoke "init_b" (i32.const 131071) (i32.const 0) (i32.const 2)) "out of bounds memory access")

(assert_return (invoke "grow_b" (i32.const 0)) (i32.const 2))
(assert_return (invoke "grow_then_store_b") (i32.const 0x55aa55aa))
(assert_return (invoke "size") (i32.const 1) (i32.const 3) (i32.const 1))
(assert_return (invoke "grow_b" (i32.const 2)) (i32.const -1))
(assert_return (invoke "grow_b" (i32.const 1)) (i32.const 3))
(assert_return (invoke "load_b" (i32.const 262140)) (i32.const 0))
(assert_trap (invoke "load_a" (i32.const 65536)) "out of bounds memory access")

(assert_return (invoke "rmw_s" (i32.const 8) (i32.const 5)) (i32.const 0))
(assert_return (invoke "rmw_s" (i32.const 8) (i32.const 5)) (i32.const 5))
(assert_return (invoke "load_s" (i32.const 8)) (i32.const 10))
(assert_return (invoke "load_b" (i32.const 8)) (i32.const 0))
(assert_trap (invoke "rmw_s" (i32.const 65536) (i32.const 1)) "out of bounds memory access")
(assert_trap (invoke "rmw_s" (i32.const 2) (i32.const 1)) "unaligned atomic")
(assert_return (invoke "notify_s") (i32.const 0))
;; "not-equal" (1): the cell holds 0, not 99; "timed-out" would be 2.
(assert_return (invoke "wait_s") (i32.const 1))
(assert_trap (invoke "wait_b") "expected shared memory")

;; A memory index in the text and binary formats, and its validation.
(assert_invalid (module (memory 1) (func (drop (i32.load 1 (i32.const 0))))) "unknown memory 1")
(assert_invalid (module (memory 1) (func (drop (memory.size 1)))) "unknown memory 1")
(assert_invalid (module (memory 1) (func (memory.copy 0 1 (i32.const 0) (i32.const 0) (i32.const 0))))
  "unknown memory 1")
(assert_invalid (module (memory 1) (data (memory 1) (i32.const 0) "")) "unknown memory 1")
;; i32.load with flags 0x42 (alignment 4, a memory index follows) naming memory 1.
(module binary
  "\00asm" "\01\00\00\00"
  "\01\05\01\60\00\01\7f"             ;; type: [] -> [i32]
  "\03\02\01\00"                      ;; one function
  "\05\05\02\00\01\00\01"             ;; two memories of 1 page
  "\07\05\01\01\66\00\00"             ;; export "f"
  "\0a\0a\01\08\00\41\00\28\42\01\00\0b" ;; i32.const 0; i32.load memory 1 offset 0
  "\0b\0b\01\02\01\41\00\0b\04\2a\00\00\00" ;; data: memory 1 at 0: 42
)
(assert_return (invoke "f") (i32.const 42))
(assert_malformed
  (module binary
    "\00asm" "\01\00\00\00"
    "\01\04\01\60\00\00" "\03\02\01\00" "\05\03\01\00\01"
    "\0a\0b\01\09\00\41\00\28\80\01\00\1a\0b")
  "malformed memop flags")
