;; call_indirect from a .cwasm: the signature check must not depend on the process that
;; compiled the code. `wasmscope compile` meets $binop first (id 0 in its type registry); a run
;; registers the module's types in order, $other first. Code that baked in the compiling
;; process's id would trap with "indirect call type mismatch".
(module
  (type $other (func (param f64) (result f64)))
  (type $binop (func (param i32 i32) (result i32)))
  (table 3 funcref)
  (elem (i32.const 0) $add $sub $neg)
  (func $add (type $binop) (i32.add (local.get 0) (local.get 1)))
  (func $sub (type $binop) (i32.sub (local.get 0) (local.get 1)))
  (func $neg (type $other) (f64.neg (local.get 0)))
  (func (export "apply") (param i32 i32 i32) (result i32)
    (call_indirect (type $binop) (local.get 1) (local.get 2) (local.get 0))))
