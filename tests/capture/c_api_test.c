/* The capture C API from C: compiled as C11 with -Wall -Wextra -Werror -pedantic and only
 * wasmscope/capture.h, so the header itself is checked to be C. capture_test.cc calls
 * run_c_capture() with the thread of a guest spinning in spinner!spin (called by a, called by
 * main; see kSpinner there). Returns 0, or the line of the first check that failed. Ends by
 * terminating the guest. */
#include <string.h>

#include "wasmscope/capture.h"

int run_c_capture(wasmscope_thread_t* thread);

#define CHECK(cond)         \
  do {                      \
    if (!(cond)) {          \
      failed = __LINE__;    \
      goto done;            \
    }                       \
  } while (0)

/* True when the name of {frame} starts with {prefix}. */
static int name_starts_with(const wasmscope_frame_t* frame, const char* prefix) {
  char name[128];
  const size_t length = wasmscope_frame_name(frame, name, sizeof name);
  if (length != strlen(name)) return 0;
  return strncmp(name, prefix, strlen(prefix)) == 0;
}

int run_c_capture(wasmscope_thread_t* thread) {
  int failed = 0;
  wasmscope_frame_t frames[16];
  wasmscope_capture_info_t info;
  char error[256];
  char small[5];
  int32_t n;
  int round;
  size_t full_length;
  int suspended = 0;

  /* Running: the thread copies its own frames (signal by default). */
  for (round = 0; round < 10; ++round) {
    memset(frames, 0, sizeof frames);
    memset(&info, 0xff, sizeof info);
    error[0] = '\0';
    n = wasmscope_copy_callstack(thread, frames, 16, 0, 2000, &info, error, sizeof error);
    CHECK(n == 3);
    CHECK(info.method == WASMSCOPE_CAPTURE_SIGNAL || info.method == WASMSCOPE_CAPTURE_SAFEPOINT);
    CHECK(info.depth == 3);
    CHECK(info.truncated == 0);
    CHECK(frames[0].func_index == 2); /* spin */
    CHECK(frames[1].func_index == 1); /* a */
    CHECK(frames[2].func_index == 0); /* main */
    CHECK(frames[0].instance_id != 0);
    CHECK(frames[1].instance_id == frames[0].instance_id);
    CHECK(frames[2].instance_id == frames[0].instance_id);
    CHECK(frames[0].code_offset >= 8 && frames[0].code_offset <= 25); /* inside the loop */
    CHECK(name_starts_with(&frames[0], "spinner!spin+0x"));
    CHECK(name_starts_with(&frames[1], "spinner!a+0x"));
    CHECK(name_starts_with(&frames[2], "spinner!main+0x"));
  }

  /* A short name buffer: truncated and terminated, and the full length is still reported. */
  full_length = wasmscope_frame_name(&frames[0], NULL, 0);
  CHECK(full_length >= strlen("spinner!spin+0x8"));
  memset(small, 'x', sizeof small);
  CHECK(wasmscope_frame_name(&frames[0], small, sizeof small) == full_length);
  CHECK(memcmp(small, "spin", 5) == 0);
  CHECK(wasmscope_frame_name(NULL, small, sizeof small) == 0);

  /* Skipping the innermost frame; room for one frame only. */
  n = wasmscope_copy_callstack(thread, frames, 16, 1, 2000, &info, NULL, 0);
  CHECK(n == 2);
  CHECK(frames[0].func_index == 1 && frames[1].func_index == 0);
  CHECK(info.depth == 3 && info.truncated == 0);
  n = wasmscope_copy_callstack(thread, frames, 1, 0, 2000, &info, NULL, 0);
  CHECK(n == 1);
  CHECK(frames[0].func_index == 2);
  CHECK(info.depth == 3 && info.truncated != 0);
  n = wasmscope_copy_callstack(thread, frames, 16, 0, 2000, NULL, NULL, 0); /* info optional */
  CHECK(n == 3);

  /* Errors come back as -1 with a message, never as a crash. */
  error[0] = '\0';
  CHECK(wasmscope_copy_callstack(NULL, frames, 16, 0, 100, &info, error, sizeof error) == -1);
  CHECK(error[0] != '\0');
  CHECK(wasmscope_copy_callstack(thread, NULL, 16, 0, 100, &info, NULL, 0) == -1);
  CHECK(wasmscope_thread_suspend(NULL, 100) == -1);
  wasmscope_thread_resume(NULL);
  wasmscope_thread_terminate(NULL);

  /* A thread dump into a buffer: text with the thread's header and frames; a short buffer
   * is truncated and terminated, and the full length is still reported. */
  {
    char dump[2048];
    const size_t length = wasmscope_thread_dump(thread, "c-thread", 0, 2000, dump, sizeof dump);
    CHECK(length > 0 && length < sizeof dump && length == strlen(dump));
    CHECK(strncmp(dump, "wasmscope thread dump\n", 22) == 0);
    CHECK(strstr(dump, "\n\"c-thread\" #") != NULL);
    CHECK(strstr(dump, "\n    at spinner!spin+0x") != NULL);
    CHECK(strstr(dump, "\n    at spinner!a+0x") != NULL);
    CHECK(strstr(dump, "\n    at spinner!main+0x") != NULL);
    CHECK(wasmscope_thread_dump(thread, NULL, 1, 2000, small, sizeof small) > sizeof small);
    CHECK(memcmp(small, "{\"ki", 5) == 0);
    CHECK(wasmscope_thread_dump(NULL, NULL, 0, 10, small, sizeof small) == 0 && small[0] == 0);
  }
  /* Suspended: read directly, the same stack. */
  CHECK(wasmscope_thread_suspend(thread, 5000) == 0);
  suspended = 1;
  n = wasmscope_copy_callstack(thread, frames, 16, 0, 2000, &info, error, sizeof error);
  CHECK(n == 3);
  CHECK(info.method == WASMSCOPE_CAPTURE_PARKED);
  CHECK(info.depth == 3);
  CHECK(name_starts_with(&frames[0], "spinner!spin+0x"));
  CHECK(name_starts_with(&frames[2], "spinner!main+0x"));
  wasmscope_thread_resume(thread);
  suspended = 0;

  /* Running again after the resume (once the thread has woken up: until then it still reads
   * as parked). */
  for (round = 0; round < 1000000; ++round) {
    n = wasmscope_copy_callstack(thread, frames, 16, 0, 2000, &info, error, sizeof error);
    CHECK(n == 3);
    if (info.method != WASMSCOPE_CAPTURE_PARKED) break;
  }
  CHECK(info.method == WASMSCOPE_CAPTURE_SIGNAL || info.method == WASMSCOPE_CAPTURE_SAFEPOINT);

done:
  if (suspended) wasmscope_thread_resume(thread);
  wasmscope_thread_terminate(thread);
  return failed;
}
