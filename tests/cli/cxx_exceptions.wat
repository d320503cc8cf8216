;; A WASI command shaped like what clang emits for C++ exceptions (-fwasm-exceptions), written
;; by hand: Debian's libc++abi for wasm32 is built without exceptions (no __cxa_throw), so no
;; C++ guest can be linked here (docs/architecture.md, "Exception handling"). The program:
;;
;;   struct Error { int code; };
;;   struct Guard { int id; ~Guard() { printf("~Guard %d\n", id); } };
;;   void work(int i) {
;;     Guard g{i};
;;     if (i == 1) throw 42;
;;     if (i == 2) throw Error{7};
;;     if (i == 3) { try { throw 5; } catch (int x) { throw Error{x + 1}; } }
;;     if (i == 4) throw 2.5;
;;     printf("work %d done\n", i);
;;   }
;;   int main() {
;;     for (int i = 0; i < 5; ++i) {
;;       try { work(i); }
;;       catch (int e) { printf("caught int %d\n", e); }
;;       catch (const Error& e) { printf("caught Error %d\n", e.code); }
;;       catch (...) { printf("caught something else\n"); }
;;     }
;;     printf("done\n");
;;   }
;;
;; As clang lowers it: one tag, __cpp_exception, whose payload is the address of the exception
;; object in linear memory (here: its type, then its value); legacy try/catch, which
;; toolchains still emit; a destructor as a catch_all cleanup that rethrows; a catch clause
;; that tests the object's type and rethrows what it does not handle. Expected output:
;; cxx_exceptions.expected.
(module $cxx
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (tag $__cpp_exception (param i32))
  (memory (export "memory") 1)
  ;; 0: iovec, 8: bytes written, 16..47: digits, 64..: text, 1024..: exception objects.
  (data (i32.const 64) "work ")
  (data (i32.const 72) " done\n")
  (data (i32.const 80) "~Guard ")
  (data (i32.const 96) "caught int ")
  (data (i32.const 112) "caught Error ")
  (data (i32.const 128) "caught something else\n")
  (data (i32.const 160) "done\n")
  (data (i32.const 168) "\n")
  (global $heap (mut i32) (i32.const 1024))
  ;; The types' "typeinfo": int, Error, double.
  (global $int i32 (i32.const 1))
  (global $error i32 (i32.const 2))
  (global $double i32 (i32.const 3))

  (func $write (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
  (func $write_num (param $n i32)
    (local $at i32)
    (local.set $at (i32.const 48))
    (loop $digits
      (local.set $at (i32.sub (local.get $at) (i32.const 1)))
      (i32.store8 (local.get $at)
        (i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10))))
      (local.set $n (i32.div_u (local.get $n) (i32.const 10)))
      (br_if $digits (local.get $n)))
    (call $write (local.get $at) (i32.sub (i32.const 48) (local.get $at))))
  (func $say_num (param $ptr i32) (param $len i32) (param $n i32)
    (call $write (local.get $ptr) (local.get $len))
    (call $write_num (local.get $n))
    (call $write (i32.const 168) (i32.const 1)))

  ;; __cxa_allocate_exception and the object's constructor in one.
  (func $new_exception (param $type i32) (param $value i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $heap))
    (global.set $heap (i32.add (local.get $p) (i32.const 8)))
    (i32.store (local.get $p) (local.get $type))
    (i32.store offset=4 (local.get $p) (local.get $value))
    (local.get $p))
  ;; __cxa_throw
  (func $throw (param $type i32) (param $value i32)
    (throw $__cpp_exception (call $new_exception (local.get $type) (local.get $value))))

  (func $guard_dtor (param $id i32)
    (call $say_num (i32.const 80) (i32.const 7) (local.get $id)))

  (func $work (param $i i32)
    (local $e i32)
    (try
      (do
        (if (i32.eq (local.get $i) (i32.const 1))
          (then (call $throw (global.get $int) (i32.const 42))))
        (if (i32.eq (local.get $i) (i32.const 2))
          (then (call $throw (global.get $error) (i32.const 7))))
        (if (i32.eq (local.get $i) (i32.const 3))
          (then
            (try
              (do (call $throw (global.get $int) (i32.const 5)))
              (catch $__cpp_exception
                (local.set $e)
                (if (i32.ne (i32.load (local.get $e)) (global.get $int))
                  (then (rethrow 1)))
                ;; catch (int x) { throw Error{x + 1}; }
                (call $throw (global.get $error)
                  (i32.add (i32.load offset=4 (local.get $e)) (i32.const 1)))))))
        (if (i32.eq (local.get $i) (i32.const 4))
          (then (call $throw (global.get $double) (i32.const 0))))
        (call $write (i32.const 64) (i32.const 5))
        (call $write_num (local.get $i))
        (call $write (i32.const 72) (i32.const 6)))
      (catch_all
        ;; The cleanup landing pad: g's destructor, then on with the exception.
        (call $guard_dtor (local.get $i))
        (rethrow 0)))
    (call $guard_dtor (local.get $i)))

  (func $main (export "_start")
    (local $i i32)
    (local $e i32)
    (loop $rounds
      (try
        (do (call $work (local.get $i)))
        (catch $__cpp_exception
          (local.set $e)
          (if (i32.eq (i32.load (local.get $e)) (global.get $int))
            (then (call $say_num (i32.const 96) (i32.const 11) (i32.load offset=4 (local.get $e))))
            (else
              (if (i32.eq (i32.load (local.get $e)) (global.get $error))
                (then (call $say_num (i32.const 112) (i32.const 13)
                        (i32.load offset=4 (local.get $e))))
                (else (call $write (i32.const 128) (i32.const 22)))))))
        (catch_all
          ;; catch (...) of an exception C++ did not throw
          (call $write (i32.const 128) (i32.const 22))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $rounds (i32.lt_u (local.get $i) (i32.const 5))))
    (call $write (i32.const 160) (i32.const 5))))
