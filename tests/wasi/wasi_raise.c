// proc_raise: a signal whose default action is to ignore it (SIGCHLD) returns; SIGTERM ends the
// program, which wasmscope reports as exit status 128 + 15 = 143.
#include "check.h"

// wasi-libc dropped proc_raise from <wasi/api.h> (it is deprecated), so import it directly.
// Signal numbers from the preview1 witx "signal" enum.
__attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_raise")))
uint32_t raw_proc_raise(uint32_t sig);
enum { kSigTerm = 15, kSigChld = 16, kSigUrg = 22 };

int main(void) {
  CHECK_WASI(raw_proc_raise(kSigChld), 0, "proc_raise SIGCHLD is ignored");
  CHECK_WASI(raw_proc_raise(kSigUrg), 0, "proc_raise SIGURG is ignored");
  CHECK_WASI(raw_proc_raise(200), __WASI_ERRNO_INVAL, "proc_raise of no signal");
  printf("raising SIGTERM\n");
  fflush(stdout);
  uint32_t e = raw_proc_raise(kSigTerm);
  fail("proc_raise SIGTERM returned", "errno %u", (unsigned)e);
  return 1;
}
