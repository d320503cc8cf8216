/* WASMSCOPE_API marks what libwasmscope.so exports: the public classes with members defined in
 * the library, and the public free and C functions. The library is compiled with
 * -fvisibility=hidden, so everything unmarked (all of wasmscope::internal) stays inside it.
 * C and C++ both include this header. */
#ifndef WASMSCOPE_EXPORT_H_
#define WASMSCOPE_EXPORT_H_

#if defined(__GNUC__)
#define WASMSCOPE_API __attribute__((visibility("default")))
#else
#define WASMSCOPE_API
#endif

#endif /* WASMSCOPE_EXPORT_H_ */
