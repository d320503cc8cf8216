;; Guests that trap, for the CLI tests of `wasmscope run`.
(module $trapper
  (memory 1)
  (func $inner (param i32) (result i32) (i32.div_u (i32.const 100) (local.get 0)))
  (func $outer (export "divide") (param i32) (result i32) (call $inner (local.get 0)))
  (func $down (export "recurse") (param i32) (result i32)
    (call $down (i32.add (local.get 0) (i32.const 1))))
  (func (export "peek") (param i32) (result i32) (i32.load (local.get 0)))
  ;; An out-of-bounds load one call deep: the trap names both frames at their instructions
  ;; (the load at +0x3 of peek_inner, the call at +0x3 of peek_outer), in either tier and
  ;; bounds mode (compiled with guard pages, the fault's frames once went missing).
  (func $peek_inner (param i32) (result i32) (i32.load offset=4 (local.get 0)))
  (func $peek_outer (export "peek_deep") (param i32) (result i32)
    (i32.add (call $peek_inner (local.get 0)) (i32.const 1)))
  (func (export "mix") (param i64 f32 f64) (result i64 f32 f64)
    (local.get 0) (local.get 1) (local.get 2))
  ;; Traps raised inside the runtime (memory.fill's check, last in its function, and
  ;; call_indirect's), with a caller each: both frames belong in the stack, on either tier.
  (table 1 funcref)
  (func $fill_inner (param i32) (memory.fill (local.get 0) (i32.const 0) (i32.const 16)))
  (func $fill_outer (export "fill") (param i32) (call $fill_inner (local.get 0)))
  (func $indirect_inner (param i32) (call_indirect (local.get 0)))
  (func $indirect_outer (export "indirect") (param i32) (call $indirect_inner (local.get 0))))
