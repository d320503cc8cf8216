/* A C program on the installed C API alone (include/wasmscope/capture.h): its thread handles
 * come from the C++ API, so from C alone it can only see the API refuse a null thread. What
 * it shows is that the header is C and that a C program links and runs against the library,
 * shared or static. Prints one line per check; exits nonzero on the first failure. */
#include <stdio.h>
#include <string.h>

#include "wasmscope/capture.h"

int main(void) {
  wasmscope_frame_t frames[4];
  wasmscope_capture_info_t info;
  char error[128] = "";
  char buffer[64];
  const int32_t n = wasmscope_copy_callstack(NULL, frames, 4, 0, 10, &info, error, sizeof error);
  if (n != -1 || error[0] == '\0') {
    fprintf(stderr, "c_api: wasmscope_copy_callstack(NULL) returned %d, \"%s\"\n", (int)n, error);
    return 1;
  }
  printf("c_api: copy_callstack(NULL): %s\n", error);
  memset(buffer, 'x', sizeof buffer);
  if (wasmscope_thread_dump(NULL, NULL, 0, 10, buffer, sizeof buffer) != 0 || buffer[0] != '\0') {
    fprintf(stderr, "c_api: wasmscope_thread_dump(NULL) wrote something\n");
    return 1;
  }
  if (wasmscope_frame_name(NULL, buffer, sizeof buffer) != 0) {
    fprintf(stderr, "c_api: wasmscope_frame_name(NULL) named something\n");
    return 1;
  }
  printf("c_api: ok\n");
  return 0;
}
