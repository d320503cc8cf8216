// A trap on a thread that is not main ends the program: exit 134, the trap and that
// thread's stack (crash_in_thread) on stderr.
#include <pthread.h>

__attribute__((noinline)) void crash_in_thread(void) { __builtin_trap(); }

static void* worker(void* arg) {
  (void)arg;
  crash_in_thread();
  return 0;
}

int main(void) {
  pthread_t t;
  pthread_create(&t, 0, worker, 0);
  pthread_join(t, 0);
  return 0;
}
