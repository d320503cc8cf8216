// A join deadlock: main joins a thread that waits for a flag only main would set, after the
// join. Never ends; for the diagnostics. The thread waits in wait_for_main, main in
// join_worker.
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t go = PTHREAD_COND_INITIALIZER;
static int released;

__attribute__((noinline)) void wait_for_main(void) {
  pthread_mutex_lock(&lock);
  while (!released) pthread_cond_wait(&go, &lock);
  pthread_mutex_unlock(&lock);
}

static void* worker(void* arg) {
  (void)arg;
  wait_for_main();
  return NULL;
}

__attribute__((noinline)) void join_worker(pthread_t t) { pthread_join(t, NULL); }

int main(void) {
  pthread_t t;
  pthread_create(&t, NULL, worker, NULL);
  join_worker(t);  // the bug: the release below comes after the join
  pthread_mutex_lock(&lock);
  released = 1;
  pthread_cond_signal(&go);
  pthread_mutex_unlock(&lock);
  return 0;
}
