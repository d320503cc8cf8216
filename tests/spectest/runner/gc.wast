;; Commands that need garbage collection (WebAssembly 3.0), which wasmscope does not implement,
;; are counted as unsupported: neither run nor passed. The rest of the script runs as usual.
(module $plain (func (export "one") (result i32) (i32.const 1)))
(module $gc
  (type $point (struct (field i32) (field i32)))
  (func (export "make") (result (ref $point)) (struct.new $point (i32.const 1) (i32.const 2))))
(assert_return (invoke $gc "make") (ref.struct))
(assert_return (invoke $plain "one") (i32.const 1))
(assert_invalid (module (func (result i32) (i31.get_s (ref.null i31)))) "type mismatch")
(assert_return (invoke $plain "one") (i32.const 2))
