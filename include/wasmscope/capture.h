/* Compatibility include: wasmscope's C API for capture and thread control now lives in
 * <wasmscope.h>, with the rest of wasmscope's C API (WASI, configuration, dumps, the watchdog,
 * coredumps). Programs written against this header keep building unchanged. */
#ifndef WASMSCOPE_CAPTURE_H_
#define WASMSCOPE_CAPTURE_H_

#include "wasmscope.h"

#endif /* WASMSCOPE_CAPTURE_H_ */
