// Which sanitizer a capture test is built with, for the few expectations that depend on it.
#pragma once

/// 1 under ThreadSanitizer, which defers signals while uninstrumented (JIT) code runs, so a
/// spinning compiled guest never sees a capture, suspend or terminate signal there.
#if defined(__SANITIZE_THREAD__)
#define WASMSCOPE_TEST_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define WASMSCOPE_TEST_TSAN 1
#endif
#endif
#ifndef WASMSCOPE_TEST_TSAN
#define WASMSCOPE_TEST_TSAN 0
#endif
