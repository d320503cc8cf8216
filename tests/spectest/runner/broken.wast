;; Not a valid script: wast2json rejects it, and the runner must report that as a failure.
(module (func)
