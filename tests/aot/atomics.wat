;; Uses the threads proposal, which the compiled tier does not compile yet: `wasmscope compile`
;; must refuse it with the reason.
(module
  (memory 1 1 shared)
  (func (export "load") (result i32) (i32.atomic.load (i32.const 0))))
