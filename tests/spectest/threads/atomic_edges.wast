;; Edge cases of the threads proposal's atomics that the suite's atomic.wast leaves out:
;; alignment including the memarg offset, bounds at the end of memory, results of packed RMW
;; and cmpxchg when operands are wider than the access, wait/notify on shared and unshared
;; memories, and memory.grow of a shared memory. Run by tests/CMakeLists.txt
;; (spectest_threads_edges*) in both bounds modes.

(module
  (memory 1 2 shared)
  (func (export "i32.load") (param i32) (result i32) (i32.atomic.load (local.get 0)))
  (func (export "i32.load_off1") (param i32) (result i32) (i32.atomic.load offset=1 (local.get 0)))
  (func (export "i64.load") (param i32) (result i64) (i64.atomic.load (local.get 0)))
  (func (export "i64.load_off4") (param i32) (result i64) (i64.atomic.load offset=4 (local.get 0)))
  (func (export "i32.load8_u") (param i32) (result i32) (i32.atomic.load8_u (local.get 0)))
  (func (export "i64.load32_u") (param i32) (result i64) (i64.atomic.load32_u (local.get 0)))
  (func (export "i32.store16") (param i32 i32) (i32.atomic.store16 (local.get 0) (local.get 1)))
  (func (export "i64.store") (param i32 i64) (i64.atomic.store (local.get 0) (local.get 1)))
  (func (export "i32.rmw8.add_u") (param i32 i32) (result i32)
    (i32.atomic.rmw8.add_u (local.get 0) (local.get 1)))
  (func (export "i32.rmw16.sub_u") (param i32 i32) (result i32)
    (i32.atomic.rmw16.sub_u (local.get 0) (local.get 1)))
  (func (export "i64.rmw32.xchg_u") (param i32 i64) (result i64)
    (i64.atomic.rmw32.xchg_u (local.get 0) (local.get 1)))
  (func (export "i64.rmw.or") (param i32 i64) (result i64)
    (i64.atomic.rmw.or (local.get 0) (local.get 1)))
  (func (export "i32.rmw8.cmpxchg_u") (param i32 i32 i32) (result i32)
    (i32.atomic.rmw8.cmpxchg_u (local.get 0) (local.get 1) (local.get 2)))
  (func (export "i64.rmw32.cmpxchg_u") (param i32 i64 i64) (result i64)
    (i64.atomic.rmw32.cmpxchg_u (local.get 0) (local.get 1) (local.get 2)))
  (func (export "i64.rmw16.cmpxchg_u") (param i32 i64 i64) (result i64)
    (i64.atomic.rmw16.cmpxchg_u (local.get 0) (local.get 1) (local.get 2)))
  (func (export "wait32") (param i32 i32 i64) (result i32)
    (memory.atomic.wait32 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "wait64") (param i32 i64 i64) (result i32)
    (memory.atomic.wait64 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "notify") (param i32 i32) (result i32)
    (memory.atomic.notify (local.get 0) (local.get 1)))
  (func (export "fence") (atomic.fence))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "size") (result i32) (memory.size))
)

;; Alignment counts the effective address, offset included.
(assert_trap (invoke "i32.load_off1" (i32.const 0)) "unaligned atomic")
(assert_return (invoke "i32.load_off1" (i32.const 3)) (i32.const 0))
(assert_trap (invoke "i64.load_off4" (i32.const 0)) "unaligned atomic")
(assert_return (invoke "i64.load_off4" (i32.const 4)) (i64.const 0))
(assert_trap (invoke "i32.store16" (i32.const 3) (i32.const 0)) "unaligned atomic")
(assert_trap (invoke "i64.store" (i32.const 4) (i64.const 0)) "unaligned atomic")
(assert_trap (invoke "i64.rmw.or" (i32.const 12) (i64.const 0)) "unaligned atomic")
(assert_trap (invoke "i64.rmw16.cmpxchg_u" (i32.const 1) (i64.const 0) (i64.const 0)) "unaligned atomic")
(assert_trap (invoke "wait32" (i32.const 2) (i32.const 0) (i64.const 0)) "unaligned atomic")
(assert_trap (invoke "wait64" (i32.const 4) (i64.const 0) (i64.const 0)) "unaligned atomic")
(assert_trap (invoke "notify" (i32.const 1) (i32.const 0)) "unaligned atomic")
;; Byte accesses are always aligned.
(assert_return (invoke "i32.load8_u" (i32.const 65535)) (i32.const 0))

;; The last aligned slot of the memory is in bounds, the next one is not.
(assert_return (invoke "i32.load" (i32.const 65532)) (i32.const 0))
(assert_trap (invoke "i32.load" (i32.const 65536)) "out of bounds memory access")
(assert_return (invoke "i64.load" (i32.const 65528)) (i64.const 0))
(assert_trap (invoke "i64.load" (i32.const 65536)) "out of bounds memory access")
(assert_trap (invoke "i64.load" (i32.const 0xfffffff8)) "out of bounds memory access")
(assert_trap (invoke "notify" (i32.const 65536) (i32.const 1)) "out of bounds memory access")
(assert_trap (invoke "wait32" (i32.const 65536) (i32.const 0) (i64.const 0)) "out of bounds memory access")

;; Packed RMW: the operand is wrapped to the access width, the old value zero-extended, and
;; neighbouring bytes are untouched.
(invoke "i64.store" (i32.const 0) (i64.const 0x11223344556677ff))
(assert_return (invoke "i32.rmw8.add_u" (i32.const 0) (i32.const 0x102)) (i32.const 0xff))
(assert_return (invoke "i64.load" (i32.const 0)) (i64.const 0x1122334455667701))
(assert_return (invoke "i32.rmw16.sub_u" (i32.const 6) (i32.const 0x11224)) (i32.const 0x1122))
(assert_return (invoke "i64.load" (i32.const 0)) (i64.const 0xfefe334455667701))
(assert_return (invoke "i64.rmw32.xchg_u" (i32.const 4) (i64.const 0xffffffff_00000001)) (i64.const 0xfefe3344))
(assert_return (invoke "i64.load" (i32.const 0)) (i64.const 0x0000000155667701))
(assert_return (invoke "i64.rmw.or" (i32.const 0) (i64.const 0x8000000000000000)) (i64.const 0x0000000155667701))
(assert_return (invoke "i64.load" (i32.const 0)) (i64.const 0x8000000155667701))

;; Packed cmpxchg compares the expected value wrapped to the access width (threads issue
;; #195): 0x101 matches a byte 0x01, and the replacement is wrapped too.
(assert_return (invoke "i32.rmw8.cmpxchg_u" (i32.const 0) (i32.const 0x101) (i32.const 0x1ab)) (i32.const 0x01))
(assert_return (invoke "i32.load8_u" (i32.const 0)) (i32.const 0xab))
(assert_return (invoke "i32.rmw8.cmpxchg_u" (i32.const 0) (i32.const 0x01) (i32.const 0x02)) (i32.const 0xab))
(assert_return (invoke "i32.load8_u" (i32.const 0)) (i32.const 0xab))
(assert_return (invoke "i64.rmw32.cmpxchg_u" (i32.const 0) (i64.const 0xffffffff_556677ab) (i64.const 0x12345678_9abcdef0)) (i64.const 0x556677ab))
(assert_return (invoke "i64.load" (i32.const 0)) (i64.const 0x800000019abcdef0))
(assert_return (invoke "i64.rmw16.cmpxchg_u" (i32.const 2) (i64.const 0x9abc) (i64.const 0)) (i64.const 0x9abc))
(assert_return (invoke "i64.load32_u" (i32.const 0)) (i64.const 0xdef0))

;; wait: not-equal (1) and timed-out (2) on a shared memory; every byte of a wait64's
;; expected value counts. notify with nobody waiting wakes 0; a count of 0 wakes nobody.
(assert_return (invoke "wait32" (i32.const 16) (i32.const 1) (i64.const -1)) (i32.const 1))
(assert_return (invoke "wait32" (i32.const 16) (i32.const 0) (i64.const 0)) (i32.const 2))
(assert_return (invoke "wait32" (i32.const 16) (i32.const 0) (i64.const 1000)) (i32.const 2))
(assert_return (invoke "wait64" (i32.const 16) (i64.const 0x100000000) (i64.const -1)) (i32.const 1))
(assert_return (invoke "wait64" (i32.const 16) (i64.const 0) (i64.const 0)) (i32.const 2))
(assert_return (invoke "notify" (i32.const 16) (i32.const 1)) (i32.const 0))
(assert_return (invoke "notify" (i32.const 16) (i32.const 0)) (i32.const 0))
(assert_return (invoke "fence"))

;; memory.grow of a shared memory: up to its maximum, in place; the new page takes atomics.
(assert_trap (invoke "i32.load" (i32.const 65536)) "out of bounds memory access")
(assert_return (invoke "grow" (i32.const 1)) (i32.const 1))
(assert_return (invoke "size") (i32.const 2))
(assert_return (invoke "i64.store" (i32.const 131064) (i64.const 7)))
(assert_return (invoke "i64.load" (i32.const 131064)) (i64.const 7))
(assert_trap (invoke "i32.load" (i32.const 131072)) "out of bounds memory access")
(assert_return (invoke "grow" (i32.const 1)) (i32.const -1))
(assert_return (invoke "i64.load" (i32.const 0)) (i64.const 0x800000010000def0))

;; An unshared memory: atomics work, wait traps, notify wakes nobody.
(module
  (memory 1)
  (func (export "rmw") (param i32 i32) (result i32) (i32.atomic.rmw.add (local.get 0) (local.get 1)))
  (func (export "wait32") (param i32 i32 i64) (result i32)
    (memory.atomic.wait32 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "wait64") (param i32 i64 i64) (result i32)
    (memory.atomic.wait64 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "notify") (param i32 i32) (result i32)
    (memory.atomic.notify (local.get 0) (local.get 1)))
)
(assert_return (invoke "rmw" (i32.const 0) (i32.const 5)) (i32.const 0))
(assert_return (invoke "rmw" (i32.const 0) (i32.const 5)) (i32.const 5))
(assert_trap (invoke "wait32" (i32.const 0) (i32.const 10) (i64.const 0)) "expected shared memory")
(assert_trap (invoke "wait32" (i32.const 0) (i32.const 0) (i64.const -1)) "expected shared memory")
(assert_trap (invoke "wait64" (i32.const 0) (i64.const 0) (i64.const 0)) "expected shared memory")
(assert_return (invoke "notify" (i32.const 0) (i32.const 1)) (i32.const 0))
(assert_trap (invoke "notify" (i32.const 2) (i32.const 1)) "unaligned atomic")

;; Read-modify-writes that cannot change memory, results dropped, out of bounds: they trap all
;; the same. Compiled, LLVM turned such an access into a locked op on the stack that never
;; touches the guest's memory, so in guard-page mode there was no fault to trap on
;; (differential test, threads-64385395299d879c).
(module
  (memory 1 1 shared)
  (func (export "add0") (param i32) (drop (i64.atomic.rmw8.add_u offset=4 (local.get 0) (i64.const 0))))
  (func (export "sub0") (param i32) (drop (i32.atomic.rmw.sub (local.get 0) (i32.const 0))))
  (func (export "or0") (param i32) (drop (i32.atomic.rmw16.or_u (local.get 0) (i32.const 0))))
  (func (export "xor0") (param i32) (drop (i64.atomic.rmw.xor (local.get 0) (i64.const 0))))
  (func (export "and1") (param i32) (drop (i32.atomic.rmw.and (local.get 0) (i32.const -1))))
  (func (export "cmpxchg_same") (param i32)
    (drop (i32.atomic.rmw.cmpxchg (local.get 0) (i32.const 0) (i32.const 0))))
)
(assert_trap (invoke "add0" (i32.const -65535)) "out of bounds memory access")
(assert_trap (invoke "add0" (i32.const 65532)) "out of bounds memory access")
(assert_return (invoke "add0" (i32.const 65531)))
(assert_trap (invoke "sub0" (i32.const 65536)) "out of bounds memory access")
(assert_return (invoke "sub0" (i32.const 65532)))
(assert_trap (invoke "or0" (i32.const 65536)) "out of bounds memory access")
(assert_trap (invoke "xor0" (i32.const 65536)) "out of bounds memory access")
(assert_trap (invoke "and1" (i32.const 65536)) "out of bounds memory access")
(assert_trap (invoke "cmpxchg_same" (i32.const 65536)) "out of bounds memory access")
