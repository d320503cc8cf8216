// Installing a signal handler in front of whatever the host had, and passing signals that are
// not ours on to it. Private to base/platform: {install_fault_handler} and
// {install_signal_handler} are the public ways in.
#pragma once

#include <csignal>

#include "wasmscope/result.h"

namespace wasmscope::internal::platform_internal {

using SigactionFn = void (*)(int, siginfo_t*, void*);

/// Installs {handler} for {sig} with {flags} (SA_SIGINFO is added) and an empty mask,
/// remembering the action it replaces for {chain_to_previous}. Installing the same {handler}
/// again is a no-op. Not async-signal-safe; callers serialise calls for one signal.
Result<void> install_chained(int sig, SigactionFn handler, int flags);

/// True when {handler} is the action installed for {sig} right now (nobody replaced it).
bool is_installed(int sig, SigactionFn handler);

/// Hands a signal we do not want to the action that was installed before ours: calls its
/// handler with its mask applied, or, for SIG_DFL / SIG_IGN, does what the kernel would have
/// done: a hardware fault (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP with si_code > 0) resets
/// the action to SIG_DFL and returns, so the instruction faults again and the process dies of
/// it as it would have without us; any other signal whose default is to terminate is
/// re-raised with SIG_DFL; an ignored signal is dropped.
// async-signal-safe
void chain_to_previous(int sig, siginfo_t* info, void* context);

}  // namespace wasmscope::internal::platform_internal
