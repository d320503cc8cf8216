// A lost wake-up: the signal is sent before anyone waits, and the wait has no predicate
// loop and no timeout, so it sleeps forever in wait_for_signal. For the diagnostics.
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready = PTHREAD_COND_INITIALIZER;

static void* signal_early(void* arg) {
  (void)arg;
  pthread_mutex_lock(&lock);
  pthread_cond_signal(&ready);  // nobody waits yet: the signal is lost
  pthread_mutex_unlock(&lock);
  return NULL;
}

__attribute__((noinline)) void wait_for_signal(void) {
  pthread_mutex_lock(&lock);
  pthread_cond_wait(&ready, &lock);  // the bug: no predicate, the signal already went
  pthread_mutex_unlock(&lock);
}

int main(void) {
  pthread_t t;
  pthread_create(&t, NULL, signal_early, NULL);
  pthread_join(t, NULL);
  wait_for_signal();
  puts("woken");
  return 0;
}
