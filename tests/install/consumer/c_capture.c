/* The C half of embed.cc: captures a running guest thread through the C API and writes its
 * frames' names, innermost first, separated by spaces. Returns the number of frames, or -1
 * with the API's message in {out}. */
#include <stdio.h>
#include <string.h>

#include "wasmscope/capture.h"

int c_capture(wasmscope_thread_t* thread, char* out, size_t size);

int c_capture(wasmscope_thread_t* thread, char* out, size_t size) {
  wasmscope_frame_t frames[8];
  char name[128];
  size_t used = 0;
  int32_t i;
  const int32_t n = wasmscope_copy_callstack(thread, frames, 8, 0, 2000, NULL, out, size);
  if (n < 0) return -1;
  out[0] = '\0';
  for (i = 0; i < n; ++i) {
    wasmscope_frame_name(&frames[i], name, sizeof name);
    used += (size_t)snprintf(out + used, used < size ? size - used : 0, "%s%s", i ? " " : "",
                             name);
    if (used >= size) break;
  }
  return n;
}
