/* A minimal WASI preview1 host for a command module translated by wasm2c (Debian's wabt 1.0.32)
 * with `wasm2c GUEST.wasm -n guest -o guest.c`: enough for CoreMark (bench/coremark.sh), i.e.
 * arguments, the clocks, writing to stdout/stderr and exit. Any other import is an undefined
 * symbol at link time, so a guest that needs more fails to build rather than misbehave.
 *
 *   gcc -O2 -I/usr/share/wabt/wasm2c guest.c /usr/share/wabt/wasm2c/wasm-rt-impl.c \
 *       bench/drivers/wasm2c_wasi.c -lm -o guest
 *   ./guest ARGS...            (argv[0] is passed on as the guest's program name)
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"
#include "wasm-rt-impl.h"

struct Z_wasi_snapshot_preview1_instance_t {
  wasm_rt_memory_t* memory;
  int argc;
  char** argv;
};

enum { kSuccess = 0, kBadf = 8, kFault = 21, kInval = 28, kSpipe = 70 };

static int in_bounds(wasm_rt_memory_t* m, uint32_t address, uint64_t size) {
  return (uint64_t)address + size <= m->size;
}

static void store32(wasm_rt_memory_t* m, uint32_t address, uint32_t v) {
  memcpy(m->data + address, &v, 4); /* wasm is little-endian, so is this host (x86, arm64). */
}

static void store64(wasm_rt_memory_t* m, uint32_t address, uint64_t v) {
  memcpy(m->data + address, &v, 8);
}

u32 Z_wasi_snapshot_preview1Z_args_sizes_get(struct Z_wasi_snapshot_preview1_instance_t* w,
                                             u32 argc_out, u32 size_out) {
  if (!in_bounds(w->memory, argc_out, 4) || !in_bounds(w->memory, size_out, 4)) return kFault;
  uint32_t bytes = 0;
  for (int i = 0; i < w->argc; ++i) bytes += (uint32_t)strlen(w->argv[i]) + 1;
  store32(w->memory, argc_out, (uint32_t)w->argc);
  store32(w->memory, size_out, bytes);
  return kSuccess;
}

u32 Z_wasi_snapshot_preview1Z_args_get(struct Z_wasi_snapshot_preview1_instance_t* w,
                                       u32 argv_out, u32 buf_out) {
  if (!in_bounds(w->memory, argv_out, 4ull * (uint64_t)w->argc)) return kFault;
  for (int i = 0; i < w->argc; ++i) {
    size_t n = strlen(w->argv[i]) + 1;
    if (!in_bounds(w->memory, buf_out, n)) return kFault;
    memcpy(w->memory->data + buf_out, w->argv[i], n);
    store32(w->memory, argv_out + 4u * (uint32_t)i, buf_out);
    buf_out += (uint32_t)n;
  }
  return kSuccess;
}

u32 Z_wasi_snapshot_preview1Z_clock_time_get(struct Z_wasi_snapshot_preview1_instance_t* w,
                                             u32 id, u64 precision, u32 time_out) {
  (void)precision;
  static const clockid_t kClocks[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID,
                                      CLOCK_THREAD_CPUTIME_ID};
  if (id >= 4) return kInval;
  if (!in_bounds(w->memory, time_out, 8)) return kFault;
  struct timespec ts;
  if (clock_gettime(kClocks[id], &ts) != 0) return kInval;
  store64(w->memory, time_out, (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec);
  return kSuccess;
}

u32 Z_wasi_snapshot_preview1Z_fd_close(struct Z_wasi_snapshot_preview1_instance_t* w, u32 fd) {
  (void)w;
  return fd <= 2 ? kSuccess : kBadf;
}

u32 Z_wasi_snapshot_preview1Z_fd_fdstat_get(struct Z_wasi_snapshot_preview1_instance_t* w,
                                            u32 fd, u32 out) {
  if (fd > 2) return kBadf;
  if (!in_bounds(w->memory, out, 24)) return kFault;
  memset(w->memory->data + out, 0, 24);
  w->memory->data[out] = 2; /* filetype: character device */
  store64(w->memory, out + 8, ~0ull);  /* rights: all */
  store64(w->memory, out + 16, ~0ull);
  return kSuccess;
}

u32 Z_wasi_snapshot_preview1Z_fd_seek(struct Z_wasi_snapshot_preview1_instance_t* w, u32 fd,
                                      u64 offset, u32 whence, u32 out) {
  (void)w; (void)offset; (void)whence; (void)out;
  return fd <= 2 ? kSpipe : kBadf;
}

u32 Z_wasi_snapshot_preview1Z_fd_write(struct Z_wasi_snapshot_preview1_instance_t* w, u32 fd,
                                       u32 iovs, u32 count, u32 written_out) {
  if (fd != 1 && fd != 2) return kBadf;
  if (!in_bounds(w->memory, iovs, 8ull * count) || !in_bounds(w->memory, written_out, 4)) {
    return kFault;
  }
  uint32_t total = 0;
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t base, len;
    memcpy(&base, w->memory->data + iovs + 8 * i, 4);
    memcpy(&len, w->memory->data + iovs + 8 * i + 4, 4);
    if (!in_bounds(w->memory, base, len)) return kFault;
    size_t done = 0;
    while (done < len) {
      ssize_t n = write((int)fd, w->memory->data + base + done, len - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        return kInval;
      }
      done += (size_t)n;
    }
    total += len;
  }
  store32(w->memory, written_out, total);
  return kSuccess;
}

void Z_wasi_snapshot_preview1Z_proc_exit(struct Z_wasi_snapshot_preview1_instance_t* w, u32 code) {
  (void)w;
  fflush(NULL);
  exit((int)code);
}

int main(int argc, char** argv) {
  struct Z_wasi_snapshot_preview1_instance_t wasi = {NULL, argc, argv};
  Z_guest_instance_t guest;
  wasm_rt_init();
  Z_guest_init_module();
  Z_guest_instantiate(&guest, &wasi);
  wasi.memory = Z_guestZ_memory(&guest);
  wasm_rt_trap_t trap = (wasm_rt_trap_t)wasm_rt_impl_try();
  if (trap != WASM_RT_TRAP_NONE) {
    fprintf(stderr, "wasm2c guest: trap: %s\n", wasm_rt_strerror(trap));
    return 134;
  }
  Z_guestZ__start(&guest);
  Z_guest_free(&guest);
  wasm_rt_free();
  return 0;
}
