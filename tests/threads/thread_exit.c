// exit(7) on a thread that is not main ends the whole program with status 7, while main
// waits in a join that would otherwise never return.
#include <pthread.h>
#include <stdlib.h>

static void* exit_program(void* arg) {
  (void)arg;
  exit(7);
}

int main(void) {
  pthread_t t;
  pthread_create(&t, NULL, exit_program, NULL);
  pthread_join(t, NULL);
  for (;;) {
  }
}
