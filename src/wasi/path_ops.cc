// STUB: replaced by the real implementation.
#include "wasi/internal.h"

namespace wasmscope::internal::wasi {
Errno path_create_directory(WasiCall&) { return Errno::kNoSys; }
Errno path_filestat_get(WasiCall&) { return Errno::kNoSys; }
Errno path_filestat_set_times(WasiCall&) { return Errno::kNoSys; }
Errno path_link(WasiCall&) { return Errno::kNoSys; }
Errno path_open(WasiCall&) { return Errno::kNoSys; }
Errno path_readlink(WasiCall&) { return Errno::kNoSys; }
Errno path_remove_directory(WasiCall&) { return Errno::kNoSys; }
Errno path_rename(WasiCall&) { return Errno::kNoSys; }
Errno path_symlink(WasiCall&) { return Errno::kNoSys; }
Errno path_unlink_file(WasiCall&) { return Errno::kNoSys; }
}  // namespace wasmscope::internal::wasi
