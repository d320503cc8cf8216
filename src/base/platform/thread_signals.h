// Directed signals between threads: the capture signal that asks a thread running guest code
// to copy its own frame records, and chained installation of handlers for it.
#pragma once

#include <pthread.h>

#include <csignal>
#include <cstdint>

#include "wasmscope/result.h"

namespace wasmscope::internal {

/// A handler for {install_signal_handler}. Runs in signal context: it must be
/// async-signal-safe. Returns true when it handled the signal, false to pass it on to the
/// handler installed before ours (a signal some other component of the host sent).
using SignalHandlerFn = bool (*)(int sig, siginfo_t* info, void* context);

/// The real-time signal used for capture requests: SIGRTMIN + 4 unless {set_capture_signal}
/// chose another.
int capture_signal();

/// Chooses the capture signal, for hosts whose own code uses SIGRTMIN + 4. Must be a
/// real-time signal in [SIGRTMIN, SIGRTMAX]; call it before any handler for it is installed.
Result<void> set_capture_signal(int sig);

/// Installs {fn} for {sig} (SA_SIGINFO | SA_RESTART | SA_ONSTACK, {sig} blocked while it
/// runs; without SA_ONSTACK under AddressSanitizer, see the .cc). The action the host had is kept: signals {fn} declines go there. Installing again
/// for the same signal replaces {fn}. SIGSEGV and SIGBUS belong to {install_fault_handler};
/// SIGKILL and SIGSTOP cannot be caught. Thread-safe.
Result<void> install_signal_handler(int sig, SignalHandlerFn fn);

/// Sends {sig} to {thread} (pthread_kill). {thread} must not have been joined or detached and
/// exited; the thread registry guarantees that for guest threads. (Not for signal context:
/// the error path builds a message; a handler calls pthread_kill itself.)
Result<void> send_signal(pthread_t thread, int sig);

/// Like {send_signal}, with {value} in the receiver's {info->si_value.sival_ptr} and
/// {info->si_code == SI_QUEUE}, so the handler can tell requests apart (pthread_sigqueue).
Result<void> send_signal_with_value(pthread_t thread, int sig, void* value);

/// True when {info} describes a signal this process sent to itself (pthread_kill,
/// pthread_sigqueue, raise), rather than one from another process or the kernel.
// async-signal-safe
bool sent_by_this_process(const siginfo_t* info);

}  // namespace wasmscope::internal
