// STUB: replaced by the real implementation.
#include "wasi/internal.h"

namespace wasmscope::internal::wasi {
Errno sock_accept(WasiCall&) { return Errno::kNoSys; }
Errno sock_recv(WasiCall&) { return Errno::kNoSys; }
Errno sock_send(WasiCall&) { return Errno::kNoSys; }
Errno sock_shutdown(WasiCall&) { return Errno::kNoSys; }
}  // namespace wasmscope::internal::wasi
