// A condition wait with a timeout that nobody signals: pthread_cond_timedwait returns
// ETIMEDOUT after 200 ms, and the program finishes.
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never = PTHREAD_COND_INITIALIZER;

static void* wait_a_little(void* arg) {
  int* result = arg;
  struct timespec deadline;
  clock_gettime(CLOCK_REALTIME, &deadline);
  deadline.tv_nsec += 200 * 1000 * 1000;
  if (deadline.tv_nsec >= 1000000000) {
    deadline.tv_sec++;
    deadline.tv_nsec -= 1000000000;
  }
  pthread_mutex_lock(&lock);
  *result = pthread_cond_timedwait(&never, &lock, &deadline);
  pthread_mutex_unlock(&lock);
  return NULL;
}

int main(void) {
  int result = -1;
  pthread_t t;
  pthread_create(&t, NULL, wait_a_little, &result);
  pthread_join(t, NULL);
  printf("timedwait: %s\n", result == ETIMEDOUT ? "timed out" : "something else");
  return result == ETIMEDOUT ? 0 : 1;
}
