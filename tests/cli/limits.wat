;; Store limits through `wasmscope run` (tests/CMakeLists.txt, cli_run_limit_*): 4 pages of
;; memory and a table of 8; the program exits with memory.grow(20) + 2, so 6 when the memory
;; may reach 24 pages and 1 when the grow fails (-1).
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 4)
  (table 8 funcref)
  (func (export "_start")
    (call $exit (i32.add (memory.grow (i32.const 20)) (i32.const 2)))))
