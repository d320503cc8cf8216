;; Not a valid script: both readers (wasmscope's and wast2json) reject it, and the runner must
;; report that as a failure.
(module (func)
