// The thread registry of a store: one execution context per thread that runs guest code in
// it — the store's main context, one per guest thread started by wasi-threads, and one per
// extra host thread that calls into the store while another is inside. Captures, dumps and
// the watchdog enumerate a store's threads here.
//
// Thread safety: every method is thread-safe (one mutex guards the lists). Contexts are never
// destroyed before the registry: a context whose thread ended stays (storage released,
// state kExited), so a {wasmscope::Thread} handle to it stays valid while the store lives.
#pragma once

#include <pthread.h>

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/context.h"
#include "wasmscope/result.h"

namespace wasmscope::internal {

/// What started a thread the registry knows.
enum class ThreadKind : uint8_t {
  kMain,     ///< The store's own context (any host thread, one at a time).
  kSpawned,  ///< A guest thread started by wasi-threads' {thread-spawn}.
  kHost,     ///< A host thread that called in while the main context was busy.
};

/// One live thread, as {ThreadRegistry::live} lists it.
struct ThreadInfo {
  ExecContext* context = nullptr;
  ThreadKind kind = ThreadKind::kMain;
  uint32_t tid = 0;   ///< The wasi-threads thread id of a spawned thread; 0 otherwise.
  std::string name;   ///< "main", "thread 3" (its tid), "host 2" (its context id).
};

/// The largest thread id wasi-threads allows (ids are positive and below 2^29).
constexpr uint32_t kMaxThreadId = (1u << 29) - 1;

class ThreadRegistry {
 public:
  explicit ThreadRegistry(ContextLimits limits);
  ~ThreadRegistry();
  ThreadRegistry(const ThreadRegistry&) = delete;
  ThreadRegistry& operator=(const ThreadRegistry&) = delete;

  ExecContext* main_context() const { return main_; }

  /// A context for a new guest thread and its thread id (unique among live spawned threads,
  /// in [1, {kMaxThreadId}]), or null when {max_live} spawned threads are already live.
  ExecContext* add_spawned(uint32_t max_live, uint32_t* tid);

  /// Marks the spawned (or host) thread of {ctx} as ended: its state becomes kExited, its
  /// storage is released and its thread id free again. The thread calls it last, after its
  /// final guest call; once it returns, the store may be destroyed.
  void retire(ExecContext* ctx);

  /// The context an outermost call from the calling host thread runs on: the main context if
  /// no other thread is inside it ({*claimed_main} is then true and the caller must
  /// {release_main} after the call), else this host thread's own context (made on first use).
  ExecContext* enter(bool* claimed_main);
  void release_main();

  /// Whether {ctx} is the context of one of this registry's live threads.
  bool contains(const ExecContext* ctx) const;
  /// The live thread whose context is {ctx}, if any ({context} null otherwise).
  ThreadInfo find(const ExecContext* ctx) const;

  /// Every live thread: main first, then spawned and host threads in start order.
  std::vector<ThreadInfo> live() const;
  /// Live spawned threads.
  size_t spawned_count() const;

  /// Asks the main thread and every spawned thread, but the one on {except}, to stop (see
  /// {request_terminate}): how one thread ends a whole program. Host threads are the
  /// embedder's and are left alone.
  void terminate_program(const ExecContext* except);
  /// Asks every live spawned thread to stop.
  void terminate_spawned();
  /// Waits until no spawned thread is live, at most {timeout_ns} (UINT64_MAX: no limit).
  /// Returns whether none is.
  bool wait_spawned_ended(uint64_t timeout_ns);

  /// Stops the whole program for a consistent snapshot: suspends every live thread (main,
  /// spawned and host; see {suspend_together}: one deadline {timeout_ns} for all, a thread in
  /// a host call, an atomic wait or idle counts as stopped), and until {resume_all} every
  /// context made meanwhile ({add_spawned}, {enter}) starts suspended, so a thread started
  /// while the program is stopped runs no guest code. If a thread does not stop in time,
  /// everything this call suspended is resumed and it fails with {ErrorKind::kTimeout} naming
  /// the thread. Takes the threads' {control}s in context-id order while it suspends, and
  /// lets them go before it returns, so captures of the stopped threads work meanwhile.
  /// Not counted: a second call while the program is suspended succeeds at once, and one
  /// {resume_all} undoes both.
  Result<void> suspend_all(uint64_t timeout_ns);
  /// Resumes every live thread, also one suspended on its own ({Thread::suspend}) before,
  /// and ends the suspension of new contexts.
  void resume_all();
  /// Whether a {suspend_all} is in effect.
  bool program_suspended() const;

 private:
  struct Entry {
    std::unique_ptr<ExecContext> context;
    ThreadKind kind;
    uint32_t tid;
    pthread_t host_thread;  ///< For kHost: the thread it belongs to.
  };
  uint32_t next_free_tid_locked();
  static ThreadInfo info_of(const Entry& e);
  /// Makes the context of a new entry start suspended if the program is ({suspend_all}).
  void hold_if_program_suspended_locked(ExecContext* ctx) const;

  ContextLimits limits_;
  ExecContext* main_;
  std::atomic<bool> main_busy_{false};
  mutable std::mutex mutex_;
  std::condition_variable spawned_ended_;
  std::vector<Entry> entries_;   // guarded by mutex_: the live threads, [0] is main
  std::vector<std::unique_ptr<ExecContext>> retired_;  // guarded by mutex_
  size_t live_spawned_ = 0;      // guarded by mutex_
  uint32_t next_tid_ = 1;        // guarded by mutex_
  bool program_suspended_ = false;  // guarded by mutex_: new contexts start suspended
  // Serializes {suspend_all} and {resume_all}. Order: suspend_all_mutex_, then contexts'
  // controls (in id order), then mutex_.
  std::mutex suspend_all_mutex_;
};

}  // namespace wasmscope::internal
