;; Exception handling end to end through `wasmscope run` (tests/CMakeLists.txt, "exceptions"):
;; the 3.0 instructions and the legacy ones, exceptions crossing frames that do not handle
;; them (compiled frames in the compiled tier), and an uncaught one's trap stack.
(module $eh
  (tag $e (param i32))
  (tag $f)

  (func $thrower (param i32)
    local.get 0
    throw $e)
  ;; No handler of its own: in the compiled tier it is native code the exception crosses.
  (func $middle (param i32) (result i32)
    local.get 0
    i32.const 1
    i32.add
    call $thrower
    i32.const -1)

  (func (export "legacy_catch") (param i32) (result i32)
    try (result i32)
      local.get 0
      call $thrower
      i32.const 0
    catch $e
      i32.const 100
      i32.add
    end)

  (func (export "legacy_catch_all") (result i32)
    try (result i32)
      throw $f
    catch $e
    catch_all
      i32.const 7
    end)

  (func (export "legacy_rethrow") (result i32)
    try (result i32)
      try
        i32.const 5
        call $thrower
      catch $e
        drop
        rethrow 0
      end
      i32.const 0
    catch $e
    end)

  ;; delegate 1 skips the middle try's handler: the outer one gets the payload as it is.
  (func (export "legacy_delegate") (result i32)
    try (result i32)
      try
        try
          i32.const 9
          call $thrower
        delegate 1
        i32.const 0
        return
      catch $e
        i32.const 1000
        i32.add
        return
      end
      i32.const 0
    catch $e
    end)

  (func (export "table_catch") (param i32) (result i32)
    (block $h (result i32)
      (try_table (catch $e $h)
        (call $thrower (local.get 0)))
      (i32.const -1)
      (return))
    (i32.const 200)
    (i32.add))

  ;; catch_ref keeps the exception; throw_ref throws it again to the outer handler.
  (func (export "table_rethrow_ref") (param i32) (result i32)
    (block $outer (result i32)
      (try_table (catch $e $outer)
        (block $inner (result i32 exnref)
          (try_table (catch_ref $e $inner)
            (call $thrower (local.get 0)))
          (unreachable))
        (throw_ref))
      (unreachable)))

  ;; The exception crosses $middle's frame, which has no handler.
  (func (export "through_middle") (param i32) (result i32)
    (block $h (result i32)
      (try_table (result i32) (catch $e $h)
        (call $middle (local.get 0))))
    (i32.const 1000)
    (i32.add))

  ;; Traps are not exceptions: catch_all does not see them.
  (func (export "trap_not_caught")
    (block $h
      (try_table (catch_all $h)
        (unreachable))))

  (func (export "uncaught") (param i32)
    (call $middle (local.get 0))
    (drop))

  ;; Many throws and catches: each caught exception is freed (no exnref taken).
  (func (export "many") (param $n i32) (result i32)
    (local $caught i32)
    (loop $again
      (block $h (result i32)
        (try_table (catch $e $h)
          (call $thrower (local.get $n)))
        (i32.const 0))
      (drop)
      (local.set $caught (i32.add (local.get $caught) (i32.const 1)))
      (br_if $again (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $caught))
)
