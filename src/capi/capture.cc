// The C API for capture and thread control (include/wasmscope.h) over the internals.
// Every entry point is noexcept: nothing thrown below may cross into C.
#include "wasmscope.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <string>

#include "diag/thread_dump.h"
#include "engine/context.h"
#include "engine/instance_data.h"
#include "stack/capture.h"
#include "stack/symbolizer.h"

namespace wasmscope::internal::capi {
void set_last_error(std::string message);  // wasmscope_api.cc
}  // namespace wasmscope::internal::capi

namespace {

using wasmscope::internal::ExecContext;
using wasmscope::internal::FrameRecord;

ExecContext* context_of(wasmscope_thread_t* thread) {
  return reinterpret_cast<ExecContext*>(thread);
}

/// Reports {message} in the caller's buffer and in wasmscope_last_error().
void set_error(char* error, size_t size, const char* message) {
  if (error != nullptr && size > 0) std::snprintf(error, size, "%s", message);
  wasmscope::internal::capi::set_last_error(message);
}

wasmscope_capture_method_t to_c(wasmscope::internal::CaptureMethod method) {
  return static_cast<wasmscope_capture_method_t>(method);  // same order, checked below
}
static_assert(static_cast<int>(wasmscope::internal::CaptureMethod::kSafepoint) ==
              WASMSCOPE_CAPTURE_SAFEPOINT);
static_assert(static_cast<int>(wasmscope::internal::CaptureMethod::kInHost) ==
              WASMSCOPE_CAPTURE_IN_HOST);

}  // namespace

extern "C" int32_t wasmscope_copy_callstack(wasmscope_thread_t* thread, wasmscope_frame_t* frames,
                                            uint32_t max, uint32_t skip, uint32_t timeout_ms,
                                            wasmscope_capture_info_t* info, char* error,
                                            size_t error_size) noexcept {
  if (thread == nullptr || (frames == nullptr && max > 0)) {
    set_error(error, error_size, "null thread or frame buffer");
    return -1;
  }
#if !WASMSCOPE_CAPTURE
  (void)skip;
  (void)timeout_ms;
  (void)info;
  set_error(error, error_size, "built with WASMSCOPE_CAPTURE=OFF: stack capture is compiled out");
  return -1;
#else
  ExecContext* ctx = context_of(thread);
  std::unique_ptr<FrameRecord[]> records(new (std::nothrow) FrameRecord[std::max(max, 1u)]);
  if (!records) {
    set_error(error, error_size, "out of memory");
    return -1;
  }
  wasmscope::internal::CaptureOptions options;
  options.timeout_ns = uint64_t{timeout_ms} * 1'000'000;
  const auto result = wasmscope::internal::capture_stack(ctx, records.get(), max, skip, options);
  if (result.timed_out) {
    set_error(error, error_size, "the thread did not answer the capture request in time");
    return -1;
  }
  for (uint32_t i = 0; i < result.copied; ++i) {
    const FrameRecord& r = records[i];
    const auto s = wasmscope::internal::symbolize(r);
    frames[i].instance_id = r.func->instance == nullptr ? 0u : r.func->instance->id;
    frames[i].func_index = s.func_index;
    frames[i].code_offset = s.code_offset;
    frames[i].function = r.func;
    frames[i].position = r.pc;
  }
  if (info != nullptr) *info = {to_c(result.method), result.depth, result.truncated ? 1 : 0};
  return static_cast<int32_t>(result.copied);
#endif
}

extern "C" size_t wasmscope_frame_name(const wasmscope_frame_t* frame, char* buffer,
                                       size_t size) noexcept {
  if (frame == nullptr || frame->function == nullptr) return 0;
  const FrameRecord record{static_cast<const wasmscope::internal::Func*>(frame->function),
                           static_cast<const uint64_t*>(frame->position), nullptr};
  const std::string name = wasmscope::internal::symbolize(record).to_string();
  if (buffer != nullptr && size > 0) std::snprintf(buffer, size, "%s", name.c_str());
  return name.size();
}

extern "C" int wasmscope_thread_suspend(wasmscope_thread_t* thread, uint32_t timeout_ms) noexcept {
  if (thread == nullptr) {
    set_error(nullptr, 0, "null thread");
    return -1;
  }
  ExecContext* ctx = context_of(thread);
  std::lock_guard<std::mutex> control(ctx->control);
  if (wasmscope::internal::suspend(ctx, uint64_t{timeout_ms} * 1'000'000) ==
      wasmscope::internal::SuspendOutcome::kTimedOut) {
    set_error(nullptr, 0, "the thread reached no safepoint in time");
    return -1;
  }
  return 0;
}

extern "C" void wasmscope_thread_resume(wasmscope_thread_t* thread) noexcept {
  if (thread == nullptr) return;
  ExecContext* ctx = context_of(thread);
  std::lock_guard<std::mutex> control(ctx->control);
  wasmscope::internal::resume(ctx);
}

extern "C" void wasmscope_thread_terminate(wasmscope_thread_t* thread) noexcept {
  if (thread != nullptr) wasmscope::internal::request_terminate(context_of(thread));
}

extern "C" size_t wasmscope_thread_dump(wasmscope_thread_t* thread, const char* name, int json,
                                        uint32_t timeout_ms, char* buffer, size_t size) noexcept {
  if (thread == nullptr) {
    if (buffer != nullptr && size > 0) buffer[0] = '\0';
    return 0;
  }
  const wasmscope::internal::diag::ThreadReport report = wasmscope::internal::diag::report_thread(
      context_of(thread), name != nullptr ? name : "main", "", uint64_t{timeout_ms} * 1'000'000);
  const std::string title = "wasmscope thread dump";
  const std::string dump = json != 0
                               ? wasmscope::internal::diag::format_json("thread_dump", title, {report})
                               : wasmscope::internal::diag::format_text(title, {report});
  if (buffer != nullptr && size > 0) {
    const size_t n = std::min(dump.size(), size - 1);
    std::memcpy(buffer, dump.data(), n);
    buffer[n] = '\0';
  }
  return dump.size();
}
