;; Calls through the C API: imports of every kind, every number type, host callbacks, traps.
;; Function indices: 0 add, 1 fail, 2 echo (imports), then 3 sum, 4 call_add, ... in order.
(module
  (type $binop (func (param i32 i32) (result i32)))
  (import "host" "add" (func $add (type $binop)))
  (import "host" "fail" (func $fail))
  (import "host" "echo" (func $echo (param externref) (result externref)))
  (import "host" "g" (global $g (mut i64)))
  (import "host" "t" (table $t 2 funcref))
  (import "host" "m" (memory $m 1 4))

  ;; 3: i32 + i64 + f32 + f64, as f64
  (func (export "sum") (param i32 i64 f32 f64) (result f64)
    (f64.add
      (f64.add (f64.convert_i32_s (local.get 0)) (f64.convert_i64_s (local.get 1)))
      (f64.add (f64.promote_f32 (local.get 2)) (local.get 3))))
  ;; 4
  (func (export "call_add") (param i32 i32) (result i32)
    (call $add (local.get 0) (local.get 1)))
  ;; 5
  (func (export "call_fail") (call $fail))
  ;; 6: body = 0x00 (no locals), 0x00 (unreachable): the trap is at body offset 1
  (func $boom (export "boom") unreachable)
  ;; 7: body = 0x00, 0x10 0x06 (call 6): the call is at body offset 1
  (func (export "outer") (call $boom))
  ;; 8
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  ;; 9, 10
  (func (export "get_g") (result i64) (global.get $g))
  (func (export "set_g") (param i64) (global.set $g (local.get 0)))
  ;; 11: a byte of the imported memory
  (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
  ;; 12: two results
  (func (export "swap") (param i32 i64) (result i64 i32) (local.get 1) (local.get 0))
  ;; 13: calls table element {1} with ({0}, {0})
  (func (export "call_table") (param i32 i32) (result i32)
    (call_indirect $t (type $binop) (local.get 0) (local.get 0) (local.get 1)))
  ;; 14, 15: references in and out
  (func (export "call_echo") (param externref) (result externref) (call $echo (local.get 0)))
  (func (export "id_func") (param funcref) (result funcref) (local.get 0))
  ;; 16: recursion without end
  (func $forever (export "forever") (call $forever))
  ;; 17: v128 cannot cross the C API
  (func (export "v128") (param v128) (result v128) (local.get 0))
)
