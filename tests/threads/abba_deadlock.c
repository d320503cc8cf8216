// A lock-order (ABBA) deadlock: main takes A then B, a second thread takes B then A; sleeps
// make both hold their first lock before asking for the second. Never ends; for the
// diagnostics (run it under a watchdog). Main's stack shows lock_a_then_b.
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;

__attribute__((noinline)) void lock_a_then_b(void) {
  pthread_mutex_lock(&a);
  usleep(200 * 1000);
  pthread_mutex_lock(&b);
  puts("main got both locks");
  pthread_mutex_unlock(&b);
  pthread_mutex_unlock(&a);
}

__attribute__((noinline)) void lock_b_then_a(void) {
  pthread_mutex_lock(&b);
  usleep(200 * 1000);
  pthread_mutex_lock(&a);
  puts("thread got both locks");
  pthread_mutex_unlock(&a);
  pthread_mutex_unlock(&b);
}

static void* other(void* arg) {
  (void)arg;
  lock_b_then_a();
  return NULL;
}

int main(void) {
  pthread_t t;
  pthread_create(&t, NULL, other, NULL);
  lock_a_then_b();
  pthread_join(t, NULL);
  return 0;
}
