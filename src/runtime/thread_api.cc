// The public thread handle: capture, suspend, resume and terminate over the engine's state
// protocol (engine/context.h) and stack/capture.h.
#include <mutex>

#include "runtime/public_frame.h"
#include "runtime/store.h"
#include "stack/capture.h"
#include "stack/symbolizer.h"
#include "wasmscope/wasmscope.hh"

namespace wasmscope {

namespace {

/// The frame record a public frame was made from.
internal::FrameRecord record_of(const CapturedFrame& frame) {
  return {static_cast<const internal::Func*>(frame.function),
          static_cast<const uint64_t*>(frame.position), nullptr};
}

}  // namespace

const char* thread_state_name(ThreadState state) {
  switch (state) {
    case ThreadState::kIdle: return "idle";
    case ThreadState::kRunningWasm: return "running";
    case ThreadState::kInHost: return "in_host";
    case ThreadState::kParked: return "parked";
    case ThreadState::kExited: return "exited";
    case ThreadState::kWaiting: return "waiting";
  }
  return "unknown";
}

const char* capture_method_name(CaptureMethod method) {
  switch (method) {
    case CaptureMethod::kIdle: return "idle";
    case CaptureMethod::kInHost: return "in_host";
    case CaptureMethod::kParked: return "parked";
    case CaptureMethod::kSignal: return "signal";
    case CaptureMethod::kSafepoint: return "safepoint";
  }
  return "unknown";
}

Result<void> set_capture_signal(int signal) { return internal::choose_runtime_signal(signal); }

uint32_t Thread::id() const { return ctx_ == nullptr ? 0 : ctx_->id(); }

ThreadState Thread::state() const {
  return ctx_ == nullptr ? ThreadState::kExited : internal::to_public(ctx_->state());
}

Result<StackCapture> Thread::capture(uint32_t max_frames, std::chrono::nanoseconds timeout,
                                     bool use_signal) const {
  if (ctx_ == nullptr) return Error{ErrorKind::kInvalid, 0, "invalid thread handle"};
#if !WASMSCOPE_CAPTURE
  (void)max_frames;
  (void)timeout;
  (void)use_signal;
  return Error{ErrorKind::kUnsupported, 0,
               "built with WASMSCOPE_CAPTURE=OFF: stack capture is compiled out"};
#else
  std::vector<internal::FrameRecord> records(std::min(max_frames, ctx_->max_frames()));
  internal::CaptureOptions options;
  options.timeout_ns = static_cast<uint64_t>(std::max<int64_t>(timeout.count(), 0));
  options.use_signal = use_signal;
  const internal::CaptureInfo info = internal::capture_stack(
      ctx_, records.data(), static_cast<uint32_t>(records.size()), 0, options);
  if (info.timed_out) {
    return Error{ErrorKind::kTimeout, 0,
                 "the thread did not answer the capture request in time"};
  }
  StackCapture out;
  out.method = internal::to_public(info.method);
  out.state = internal::to_public(info.state);
  out.depth = info.depth;
  out.truncated = info.truncated;
  for (uint32_t i = 0; i < info.copied; ++i) {
    const internal::SymbolizedFrame f = internal::symbolize(records[i]);
    CapturedFrame frame;
    frame.instance_id = records[i].func->instance == nullptr ? 0 : records[i].func->instance->id;
    frame.func_index = f.func_index;
    frame.code_offset = f.code_offset;
    frame.function = records[i].func;
    frame.position = records[i].pc;
    out.frames.push_back(frame);
  }
  return out;
#endif
}

std::vector<Frame> Thread::symbolize(const StackCapture& capture) const {
  std::vector<Frame> frames;
  for (const CapturedFrame& f : capture.frames) {
    frames.push_back(internal::to_public_frame(internal::symbolize(record_of(f))));
  }
  return frames;
}

Result<void> Thread::suspend(std::chrono::nanoseconds timeout) const {
  if (ctx_ == nullptr) return Error{ErrorKind::kInvalid, 0, "invalid thread handle"};
  std::lock_guard<std::mutex> control(ctx_->control);
  const auto outcome = internal::suspend(
      ctx_, static_cast<uint64_t>(std::max<int64_t>(timeout.count(), 0)));
  if (outcome == internal::SuspendOutcome::kTimedOut) {
    return Error{ErrorKind::kTimeout, 0, "the thread did not reach a safepoint in time"};
  }
  return {};
}

void Thread::resume() const {
  if (ctx_ == nullptr) return;
  std::lock_guard<std::mutex> control(ctx_->control);
  internal::resume(ctx_);
}

void Thread::terminate() const {
  if (ctx_ != nullptr) internal::request_terminate(ctx_);
}

::wasmscope_thread* Thread::c_handle() const {
  return reinterpret_cast<::wasmscope_thread*>(ctx_);
}

Thread Store::thread() { return Thread(&impl_->context()); }

std::vector<Thread> Store::threads() {
  std::vector<Thread> out;
  for (const internal::ThreadInfo& t : impl_->threads().live()) out.push_back(Thread(t.context));
  return out;
}

std::string Store::thread_name(const Thread& thread) const {
  return impl_->threads().find(thread.ctx_).name;
}

void Store::set_thread_starter(ThreadStarter starter) {
  impl_->set_thread_starter(std::move(starter));
}

Result<void> Store::suspend_all(std::chrono::nanoseconds timeout) {
  return impl_->threads().suspend_all(static_cast<uint64_t>(std::max<int64_t>(timeout.count(), 0)));
}

void Store::resume_all() { impl_->threads().resume_all(); }

}  // namespace wasmscope
