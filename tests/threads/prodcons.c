// Producer/consumer over a bounded queue with a mutex and two condition variables: two
// producers push 1..N each, two consumers pop until they see the end markers. Prints each
// consumer's count and the total of everything consumed; the expected values follow from N.
#include <pthread.h>
#include <stdio.h>

#define N 2000
#define CAPACITY 8
#define PRODUCERS 2
#define CONSUMERS 2

static int queue[CAPACITY];
static int head, count;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER;
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER;

static void push(int value) {
  pthread_mutex_lock(&lock);
  while (count == CAPACITY) pthread_cond_wait(&not_full, &lock);
  queue[(head + count) % CAPACITY] = value;
  count++;
  pthread_cond_signal(&not_empty);
  pthread_mutex_unlock(&lock);
}

static int pop(void) {
  pthread_mutex_lock(&lock);
  while (count == 0) pthread_cond_wait(&not_empty, &lock);
  int value = queue[head];
  head = (head + 1) % CAPACITY;
  count--;
  pthread_cond_signal(&not_full);
  pthread_mutex_unlock(&lock);
  return value;
}

static void* produce(void* arg) {
  (void)arg;
  for (int i = 1; i <= N; i++) push(i);
  return NULL;
}

struct consumed {
  long long sum;
  int items;
};

static void* consume(void* arg) {
  struct consumed* c = arg;
  for (;;) {
    int value = pop();
    if (value == 0) return NULL;  // the end marker
    c->sum += value;
    c->items++;
  }
}

int main(void) {
  pthread_t producers[PRODUCERS], consumers[CONSUMERS];
  struct consumed results[CONSUMERS] = {{0, 0}};
  for (int i = 0; i < CONSUMERS; i++) pthread_create(&consumers[i], NULL, consume, &results[i]);
  for (int i = 0; i < PRODUCERS; i++) pthread_create(&producers[i], NULL, produce, NULL);
  for (int i = 0; i < PRODUCERS; i++) pthread_join(producers[i], NULL);
  for (int i = 0; i < CONSUMERS; i++) push(0);
  long long total = 0;
  int items = 0;
  for (int i = 0; i < CONSUMERS; i++) {
    pthread_join(consumers[i], NULL);
    total += results[i].sum;
    items += results[i].items;
  }
  printf("items %d\ntotal %lld\n", items, total);
  return items == PRODUCERS * N && total == (long long)PRODUCERS * N * (N + 1) / 2 ? 0 : 1;
}
