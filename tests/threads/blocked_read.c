// One thread blocks reading stdin (a pipe nobody writes to) while main writes to stdout and
// exits: a WASI call must not hold the shared fd table while it blocks, or main's write would
// wait forever; and main's exit must wake the blocked reader.
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

static atomic_int reading;

__attribute__((noinline)) void read_stdin_forever(void) {
  char c;
  atomic_store(&reading, 1);
  (void)read(0, &c, 1);
}

static void* reader(void* arg) {
  (void)arg;
  read_stdin_forever();
  return NULL;
}

int main(void) {
  pthread_t t;
  pthread_create(&t, NULL, reader, NULL);
  while (!atomic_load(&reading)) sched_yield();
  usleep(200 * 1000);  // let the reader get into its read (correctness does not depend on it)
  printf("main wrote while the reader was blocked\n");
  fflush(stdout);
  return 0;
}
