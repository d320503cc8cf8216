#include "threads/registry.h"

#include <algorithm>
#include <chrono>

#include "threads/suspension.h"

namespace wasmscope::internal {

ThreadRegistry::ThreadRegistry(ContextLimits limits) : limits_(limits) {
  auto main = std::make_unique<ExecContext>(limits);
  main_ = main.get();
  entries_.push_back(Entry{std::move(main), ThreadKind::kMain, 0, pthread_t{}});
}

ThreadRegistry::~ThreadRegistry() = default;

uint32_t ThreadRegistry::next_free_tid_locked() {
  // Live threads are far fewer than 2^29, so the scan ends; ids are reused only after a wrap,
  // which keeps a just-ended thread's id from naming a new one in a log at once.
  for (;;) {
    const uint32_t tid = next_tid_;
    next_tid_ = next_tid_ == kMaxThreadId ? 1 : next_tid_ + 1;
    bool used = false;
    for (const Entry& e : entries_) used = used || (e.kind == ThreadKind::kSpawned && e.tid == tid);
    if (!used) return tid;
  }
}

ExecContext* ThreadRegistry::add_spawned(uint32_t max_live, uint32_t* tid) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (live_spawned_ >= max_live) return nullptr;
  *tid = next_free_tid_locked();
  entries_.push_back(
      Entry{std::make_unique<ExecContext>(limits_), ThreadKind::kSpawned, *tid, pthread_t{}});
  ++live_spawned_;
  hold_if_program_suspended_locked(entries_.back().context.get());
  return entries_.back().context.get();
}

void ThreadRegistry::retire(ExecContext* ctx) {
  transition(ctx, ThreadState::kIdle, ThreadState::kExited);
  ctx->release_storage();
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->context.get() != ctx || it->kind == ThreadKind::kMain) continue;
    if (it->kind == ThreadKind::kSpawned) --live_spawned_;
    retired_.push_back(std::move(it->context));
    entries_.erase(it);
    break;
  }
  // Notified under the lock: a waiter that then destroys the registry cannot do so before
  // this thread has let go of it.
  spawned_ended_.notify_all();
}

ExecContext* ThreadRegistry::enter(bool* claimed_main) {
  bool expected = false;
  *claimed_main = main_busy_.compare_exchange_strong(expected, true, std::memory_order_acquire);
  if (*claimed_main) return main_;
  const pthread_t self = pthread_self();
  std::lock_guard<std::mutex> lock(mutex_);
  for (const Entry& e : entries_) {
    if (e.kind == ThreadKind::kHost && pthread_equal(e.host_thread, self)) return e.context.get();
  }
  entries_.push_back(Entry{std::make_unique<ExecContext>(limits_), ThreadKind::kHost, 0, self});
  hold_if_program_suspended_locked(entries_.back().context.get());
  return entries_.back().context.get();
}

void ThreadRegistry::release_main() { main_busy_.store(false, std::memory_order_release); }

bool ThreadRegistry::contains(const ExecContext* ctx) const {
  // Live entries only: a retired context is no thread's current one any more (its thread
  // retires it after its last call returned), and there may be many of them.
  std::lock_guard<std::mutex> lock(mutex_);
  for (const Entry& e : entries_) {
    if (e.context.get() == ctx) return true;
  }
  return false;
}

ThreadInfo ThreadRegistry::info_of(const Entry& e) {
  ThreadInfo info;
  info.context = e.context.get();
  info.kind = e.kind;
  info.tid = e.tid;
  switch (e.kind) {
    case ThreadKind::kMain: info.name = "main"; break;
    case ThreadKind::kSpawned: info.name = "thread " + std::to_string(e.tid); break;
    case ThreadKind::kHost: info.name = "host " + std::to_string(e.context->id()); break;
  }
  return info;
}

ThreadInfo ThreadRegistry::find(const ExecContext* ctx) const {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const Entry& e : entries_) {
    if (e.context.get() == ctx) return info_of(e);
  }
  return {};
}

std::vector<ThreadInfo> ThreadRegistry::live() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<ThreadInfo> out;
  out.reserve(entries_.size());
  for (const Entry& e : entries_) out.push_back(info_of(e));
  return out;
}

size_t ThreadRegistry::spawned_count() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return live_spawned_;
}

void ThreadRegistry::terminate_program(const ExecContext* except) {
  // Requests are sent outside the lock: {request_terminate} waits for each context's control
  // mutex, which a capture may hold for up to its timeout.
  for (const ThreadInfo& t : live()) {
    if (t.context == except || t.kind == ThreadKind::kHost) continue;
    // An idle main context is not running the program; a request would only make the
    // embedder's next call on it trap.
    if (t.kind == ThreadKind::kMain && t.context->state() == ThreadState::kIdle) continue;
    request_terminate(t.context);
  }
}

void ThreadRegistry::terminate_spawned() {
  for (const ThreadInfo& t : live()) {
    if (t.kind == ThreadKind::kSpawned) request_terminate(t.context);
  }
}

bool ThreadRegistry::wait_spawned_ended(uint64_t timeout_ns) {
  std::unique_lock<std::mutex> lock(mutex_);
  auto none_live = [this] { return live_spawned_ == 0; };
  if (timeout_ns == UINT64_MAX) {
    spawned_ended_.wait(lock, none_live);
    return true;
  }
  return spawned_ended_.wait_for(lock, std::chrono::nanoseconds(timeout_ns), none_live);
}

void ThreadRegistry::hold_if_program_suspended_locked(ExecContext* ctx) const {
  if (!program_suspended_) return;
  // What {suspend} does to an idle thread, done before any thread runs on {ctx} (so no
  // controller's {control} is needed): its first entry into guest code parks.
  ctx->requests.fetch_or(kRequestSuspend, std::memory_order_seq_cst);
  ctx->state_word.fetch_or(kStateHeld, std::memory_order_acq_rel);
}

Result<void> ThreadRegistry::suspend_all(uint64_t timeout_ns) {
  std::lock_guard<std::mutex> serial(suspend_all_mutex_);
  std::vector<ThreadInfo> snapshot;
  bool was_suspended = false;
  {
    // The flag and the snapshot under one lock: a context is either in the snapshot or
    // starts suspended, never neither.
    std::lock_guard<std::mutex> lock(mutex_);
    was_suspended = program_suspended_;
    program_suspended_ = true;
    for (const Entry& e : entries_) snapshot.push_back(info_of(e));
  }
  std::vector<ExecContext*> contexts;
  for (const ThreadInfo& t : snapshot) contexts.push_back(t.context);
  GroupSuspension group;
  {
    ControlLocks controls(std::move(contexts));
    group = suspend_together(controls.contexts(), timeout_ns);
  }
  if (group.timed_out == nullptr) return {};
  if (was_suspended) {
    // Cannot happen (every thread was stopped already), but never leave the flag half-undone.
    return Error{ErrorKind::kTimeout, 0, "a suspended thread did not stay suspended"};
  }
  // Undo the contexts made since the snapshot: they started suspended for this call only.
  std::vector<ExecContext*> born_held;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    program_suspended_ = false;
    for (const Entry& e : entries_) {
      const bool in_snapshot = std::any_of(snapshot.begin(), snapshot.end(), [&](const ThreadInfo& t) {
        return t.context == e.context.get();
      });
      if (!in_snapshot) born_held.push_back(e.context.get());
    }
  }
  for (ExecContext* ctx : born_held) {
    std::lock_guard<std::mutex> control(ctx->control);
    resume(ctx);
  }
  std::string name = "a thread";
  for (const ThreadInfo& t : snapshot) {
    if (t.context == group.timed_out) name = "thread \"" + t.name + "\"";
  }
  return Error{ErrorKind::kTimeout, 0,
               name + " reached no safepoint within " + std::to_string(timeout_ns / 1'000'000) +
                   " ms"};
}

void ThreadRegistry::resume_all() {
  std::lock_guard<std::mutex> serial(suspend_all_mutex_);
  std::vector<ThreadInfo> threads;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    program_suspended_ = false;
    for (const Entry& e : entries_) threads.push_back(info_of(e));
  }
  for (const ThreadInfo& t : threads) {
    std::lock_guard<std::mutex> control(t.context->control);
    resume(t.context);
  }
}

bool ThreadRegistry::program_suspended() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return program_suspended_;
}

}  // namespace wasmscope::internal
