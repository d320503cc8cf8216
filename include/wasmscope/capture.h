/* wasmscope's C API for live stack capture and thread control.
 *
 * In the spirit of WAMR's wasm_copy_callstack(), but safe from any thread and whatever the
 * target thread is doing: running guest code, blocked in a host call, or parked. No function
 * here blocks longer than its timeout; none lets an exception or longjmp escape.
 *
 * A wasmscope_thread_t comes from the C++ API (wasmscope::Thread::c_handle()) and is valid as
 * long as its store lives. Signal safety: none of these may be called from a signal handler.
 */
#ifndef WASMSCOPE_CAPTURE_H_
#define WASMSCOPE_CAPTURE_H_

#include <stddef.h>
#include <stdint.h>

#include "wasmscope/export.h"

#ifdef __cplusplus
#define WASMSCOPE_NOEXCEPT noexcept
extern "C" {
#else
#define WASMSCOPE_NOEXCEPT
#endif

typedef struct wasmscope_thread wasmscope_thread_t;

/* One captured frame: positions only; wasmscope_frame_name() names it. */
typedef struct wasmscope_frame {
  uint32_t instance_id; /* unique per instance in the process; 0 for host functions */
  uint32_t func_index;  /* in the instance's function index space */
  uint32_t code_offset; /* of the current instruction, from the function body's start */
  const void* function; /* opaque, for wasmscope_frame_name() */
  const void* position; /* opaque, for wasmscope_frame_name() */
} wasmscope_frame_t;

typedef enum wasmscope_capture_method {
  WASMSCOPE_CAPTURE_IDLE = 0,      /* the thread was not in a call: no frames */
  WASMSCOPE_CAPTURE_IN_HOST = 1,   /* read directly: inside a host call or an atomic wait */
  WASMSCOPE_CAPTURE_PARKED = 2,    /* read directly: the thread was parked by a suspend */
  WASMSCOPE_CAPTURE_SIGNAL = 3,    /* the thread copied its frames in the signal handler */
  WASMSCOPE_CAPTURE_SAFEPOINT = 4  /* the thread copied its frames at a safepoint */
} wasmscope_capture_method_t;

typedef struct wasmscope_capture_info {
  wasmscope_capture_method_t method;
  uint32_t depth;     /* guest frames the thread had */
  int truncated;      /* nonzero: fewer frames written than depth - skip */
} wasmscope_capture_info_t;

/* Copies the guest call stack of {thread} into {frames} (room for {max}), innermost first,
 * leaving out the {skip} innermost frames. Waits at most {timeout_ms} for a running thread to
 * answer. Returns the number of frames written, or -1 with a message in {error} (at most
 * {error_size} bytes, NUL-terminated; may be NULL). {info} may be NULL. */
WASMSCOPE_API int32_t wasmscope_copy_callstack(wasmscope_thread_t* thread,
                                               wasmscope_frame_t* frames, uint32_t max,
                                               uint32_t skip, uint32_t timeout_ms,
                                               wasmscope_capture_info_t* info, char* error,
                                               size_t error_size) WASMSCOPE_NOEXCEPT;

/* Writes "module!function+0xoffset" for {frame} into {buffer} (NUL-terminated, truncated to
 * {size}). Returns the full length the name needs, excluding the NUL. */
WASMSCOPE_API size_t wasmscope_frame_name(const wasmscope_frame_t* frame, char* buffer,
                                          size_t size) WASMSCOPE_NOEXCEPT;

/* Suspends {thread}: returns 0 once it is parked at a safepoint or held in a host call, -1 if
 * it did not get there within {timeout_ms} (then nothing changed). */
WASMSCOPE_API int wasmscope_thread_suspend(wasmscope_thread_t* thread,
                                           uint32_t timeout_ms) WASMSCOPE_NOEXCEPT;
/* Lets a suspended thread continue. */
WASMSCOPE_API void wasmscope_thread_resume(wasmscope_thread_t* thread) WASMSCOPE_NOEXCEPT;
/* Makes the thread trap with "interrupted" at its next safepoint, waking a blocking host call. */
WASMSCOPE_API void wasmscope_thread_terminate(wasmscope_thread_t* thread) WASMSCOPE_NOEXCEPT;

/* Writes a thread dump of {thread} into {buffer}: the thread, shown as {name} (NULL: "main"),
 * with its state, time in that state and stack with file:line where the module has DWARF line
 * info, as text (json == 0) or one JSON line; the formats of docs/reports.md, the same as the
 * C++ wasmscope::thread_dump(). Waits at most {timeout_ms} for a running thread's stack.
 * NUL-terminated, truncated to {size}. Returns the full length the dump needs, excluding the
 * NUL (0 for a NULL thread). */
WASMSCOPE_API size_t wasmscope_thread_dump(wasmscope_thread_t* thread, const char* name, int json,
                                           uint32_t timeout_ms, char* buffer,
                                           size_t size) WASMSCOPE_NOEXCEPT;

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WASMSCOPE_CAPTURE_H_ */
