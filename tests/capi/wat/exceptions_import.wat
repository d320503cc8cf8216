;; A tag imported from exceptions.wat's instance (capi_exceptions_test.c): its exceptions are
;; that instance's, caught there and told apart from the host by the tag's identity.
(module
  (import "m" "e" (tag $e (param i32)))
  (func (export "throw_imported") (param i32) (throw $e (local.get 0))))
