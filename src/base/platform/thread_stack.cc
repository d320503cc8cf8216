#include "base/platform/thread_stack.h"

#include <pthread.h>
#include <sys/auxv.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstring>

namespace wasmscope::internal {

uintptr_t main_thread_stack_low_from_exec() {
  if (gettid() != getpid()) return 0;
  // exec lays out the new stack from its top down: a null pointer, then the program's file
  // name (the string AT_EXECFN points at), then the environment and argument strings. So
  // the top of the stack's mapping lies just past that name and its null pointer, and is
  // page-aligned: anything else (a loader that built the stack itself, as valgrind does) is
  // not what exec made, and then glibc is asked.
  const auto* name = reinterpret_cast<const char*>(getauxval(AT_EXECFN));
  if (name == nullptr) return 0;
  const uintptr_t top = reinterpret_cast<uintptr_t>(name) + std::strlen(name) + 1 + sizeof(void*);
  const auto page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  // This frame, not a local's address: AddressSanitizer may keep locals on a fake stack.
  const auto here = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  if (page == 0 || top % page != 0 || top <= here) return 0;
  // The kernel lets the stack grow down to RLIMIT_STACK below that top; glibc reports the
  // same (rounded down to pages). An unlimited stack is bounded by the next mapping below it,
  // which only /proc/self/maps tells.
  rlimit limit{};
  if (getrlimit(RLIMIT_STACK, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return 0;
  const uintptr_t size = static_cast<uintptr_t>(limit.rlim_cur) / page * page;
  if (size == 0 || size > top || top - size >= here) return 0;
  return top - size;
}

uintptr_t thread_stack_low() {
  if (const uintptr_t low = main_thread_stack_low_from_exec(); low != 0) return low;
  pthread_attr_t attr;
  void* low = nullptr;
  size_t size = 0;
  if (pthread_getattr_np(pthread_self(), &attr) == 0) {
    pthread_attr_getstack(&attr, &low, &size);
    pthread_attr_destroy(&attr);
  }
  return reinterpret_cast<uintptr_t>(low);
}

}  // namespace wasmscope::internal
