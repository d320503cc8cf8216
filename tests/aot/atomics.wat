;; A guest's own synchronization: its atomic load compiles to an acquire load (`ldar` on
;; AArch64), which the barrier audit of generated code must report (test
;; barrier_audit_finds_guest_atomics, tests/barriers/CMakeLists.txt).
(module
  (memory 1 1 shared)
  (func (export "load") (result i32) (i32.atomic.load (i32.const 0))))
