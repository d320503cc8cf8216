// Stopping several threads at once: what a whole-program suspension ({ThreadRegistry::
// suspend_all}) and a live program coredump (diag/coredump.cc) share. Knows contexts only, not
// the registry, so any controller holding a set of contexts can use it.
//
// Thread safety: a {ControlLocks} is used by the thread that made it. {suspend_together} needs
// the {control} of every context it is given (a {ControlLocks} over them).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "engine/context.h"

namespace wasmscope::internal {

/// Holds the {control} mutex of several contexts, taken in context-id order: the one order for
/// every controller that takes more than one, so two such controllers never wait on each other.
/// Released in the destructor.
class ControlLocks {
 public:
  explicit ControlLocks(std::vector<ExecContext*> contexts);
  ~ControlLocks();
  ControlLocks(const ControlLocks&) = delete;
  ControlLocks& operator=(const ControlLocks&) = delete;

  /// The contexts, in the order their controls were taken (ascending id).
  const std::vector<ExecContext*>& contexts() const { return contexts_; }

 private:
  std::vector<ExecContext*> contexts_;
};

/// What {suspend_together} did.
struct GroupSuspension {
  /// The contexts this call suspended (a context that was suspended already is not listed:
  /// its suspension belongs to whoever made it). Resume these, and only these, to undo it.
  std::vector<ExecContext*> suspended;
  /// The context that did not stop in time, or null. Then nothing changed: every context this
  /// call suspended has been resumed again, and {suspended} is empty.
  ExecContext* timed_out = nullptr;
};

/// Suspends every context of {contexts} (see {suspend}), whose {control}s the caller holds.
/// All are asked first, so running threads head for their safepoints at once, then each is
/// awaited against one deadline, {timeout_ns} from now (0: only threads that are stopped
/// already, in a host call, waiting or idle succeed). A thread in a host call, a
/// memory.atomic.wait or idle counts as stopped (held: it parks before running guest code).
GroupSuspension suspend_together(std::span<ExecContext* const> contexts, uint64_t timeout_ns);

}  // namespace wasmscope::internal
