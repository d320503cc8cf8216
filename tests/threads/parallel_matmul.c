// A parallel integer matrix multiply over 4 threads (each computes a band of rows), then a
// checksum per row band and of the whole product. Built natively with the host compiler too:
// the two outputs must be identical.
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

// The tests use 96; bench/profile.sh builds a larger one with -DSIZE=N.
#ifndef SIZE
#define SIZE 96
#endif
#define THREADS 4

static uint32_t a[SIZE][SIZE], b[SIZE][SIZE], c[SIZE][SIZE];

static void fill(void) {
  uint32_t x = 12345;
  for (int i = 0; i < SIZE; i++) {
    for (int j = 0; j < SIZE; j++) {
      x = x * 1103515245u + 12345u;
      a[i][j] = (x >> 16) % 1000;
      x = x * 1103515245u + 12345u;
      b[i][j] = (x >> 16) % 1000;
    }
  }
}

static void* multiply_band(void* arg) {
  const int band = (int)(intptr_t)arg;
  for (int i = band * SIZE / THREADS; i < (band + 1) * SIZE / THREADS; i++) {
    for (int j = 0; j < SIZE; j++) {
      uint32_t sum = 0;
      for (int k = 0; k < SIZE; k++) sum += a[i][k] * b[k][j];
      c[i][j] = sum;
    }
  }
  return NULL;
}

int main(void) {
  fill();
  pthread_t threads[THREADS];
  for (int t = 0; t < THREADS; t++) {
    if (pthread_create(&threads[t], NULL, multiply_band, (void*)(intptr_t)t) != 0) return 2;
  }
  for (int t = 0; t < THREADS; t++) pthread_join(threads[t], NULL);
  uint64_t total = 0;
  for (int t = 0; t < THREADS; t++) {
    uint64_t band = 0;
    for (int i = t * SIZE / THREADS; i < (t + 1) * SIZE / THREADS; i++) {
      for (int j = 0; j < SIZE; j++) band = band * 31 + c[i][j];
    }
    printf("band %d: %llu\n", t, (unsigned long long)band);
    total ^= band;
  }
  printf("c[0][0] %u c[%d][%d] %u\n", c[0][0], SIZE - 1, SIZE - 1, c[SIZE - 1][SIZE - 1]);
  printf("checksum %llu\n", (unsigned long long)total);
  return 0;
}
