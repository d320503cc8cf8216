;; Exceptions across the C API's host boundary (capi_exceptions_test.c): a host function that
;; throws into the guest, one that calls a throwing export and returns its trap (the exception
;; goes on), and an export whose exception no guest frame catches.
(module
  (import "host" "throw" (func $host_throw (param i32)))
  (import "host" "relay" (func $relay (param i32)))
  (tag $e (export "e") (param i32))
  (tag $other (export "other") (param i64 f64))
  (func (export "inner") (param i32) (throw $e (local.get 0)))
  ;; The host's exception of $e caught here: its payload + 1000.
  (func (export "catch_host") (param i32) (result i32)
    (try (result i32)
      (do (call $host_throw (local.get 0)) (i32.const -1))
      (catch $e (i32.add (i32.const 1000)))))
  ;; inner's exception, returned through the host's relay, caught here: payload + 2000.
  (func (export "catch_relayed") (param i32) (result i32)
    (try (result i32)
      (do (call $relay (local.get 0)) (i32.const -1))
      (catch $e (i32.add (i32.const 2000)))))
  ;; A host trap that is no exception: catch_all must not catch it.
  (func (export "catch_all_host") (param i32) (result i32)
    (try (result i32)
      (do (call $host_throw (local.get 0)) (i32.const -1))
      (catch_all (i32.const -2))))
  (func (export "uncaught") (param i32) (throw $e (local.get 0))))
