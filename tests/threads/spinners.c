// Threads spinning forever in different named functions (spin_red, spin_green), main in
// spin_main. Never ends; for the diagnostics.
#include <pthread.h>

static volatile unsigned counters[3];

__attribute__((noinline)) void spin_red(void) {
  for (;;) counters[0]++;
}

__attribute__((noinline)) void spin_green(void) {
  for (;;) counters[1]++;
}

__attribute__((noinline)) void spin_main(void) {
  for (;;) counters[2]++;
}

static void* red(void* arg) {
  (void)arg;
  spin_red();
  return 0;
}

static void* green(void* arg) {
  (void)arg;
  spin_green();
  return 0;
}

int main(void) {
  pthread_t t1, t2;
  pthread_create(&t1, 0, red, 0);
  pthread_create(&t2, 0, green, 0);
  spin_main();
  return 0;
}
