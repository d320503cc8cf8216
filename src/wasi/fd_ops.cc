// STUB: replaced by the real implementation.
#include "wasi/internal.h"

namespace wasmscope::internal::wasi {
Errno fd_advise(WasiCall&) { return Errno::kNoSys; }
Errno fd_allocate(WasiCall&) { return Errno::kNoSys; }
Errno fd_close(WasiCall&) { return Errno::kNoSys; }
Errno fd_datasync(WasiCall&) { return Errno::kNoSys; }
Errno fd_fdstat_get(WasiCall&) { return Errno::kNoSys; }
Errno fd_fdstat_set_flags(WasiCall&) { return Errno::kNoSys; }
Errno fd_fdstat_set_rights(WasiCall&) { return Errno::kNoSys; }
Errno fd_filestat_get(WasiCall&) { return Errno::kNoSys; }
Errno fd_filestat_set_size(WasiCall&) { return Errno::kNoSys; }
Errno fd_filestat_set_times(WasiCall&) { return Errno::kNoSys; }
Errno fd_pread(WasiCall&) { return Errno::kNoSys; }
Errno fd_prestat_get(WasiCall&) { return Errno::kNoSys; }
Errno fd_prestat_dir_name(WasiCall&) { return Errno::kNoSys; }
Errno fd_pwrite(WasiCall&) { return Errno::kNoSys; }
Errno fd_read(WasiCall&) { return Errno::kNoSys; }
Errno fd_readdir(WasiCall&) { return Errno::kNoSys; }
Errno fd_renumber(WasiCall&) { return Errno::kNoSys; }
Errno fd_seek(WasiCall&) { return Errno::kNoSys; }
Errno fd_sync(WasiCall&) { return Errno::kNoSys; }
Errno fd_tell(WasiCall&) { return Errno::kNoSys; }
Errno fd_write(WasiCall&) { return Errno::kNoSys; }
}  // namespace wasmscope::internal::wasi
