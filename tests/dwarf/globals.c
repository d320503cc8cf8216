// Globals with static addresses; the DWARF data-symbol test names addresses inside them and
// checks the names against llvm-dwarfdump's --debug-info output.

// Shaped like a wasi-libc mutex (the wasm32-wasi target has no pthread.h).
typedef struct {
  int state;
  int owner;
  int waiters;
} mutex_t;

typedef struct {
  int sequence;
  int waiters;
} cond_t;

int counter = 7;

struct worker_pool {
  int id;
  mutex_t locks[3];
  cond_t ready;
} pool = {1};

struct slot {
  long long stamp;
  short tag;
};
struct slot slots[5][2];

// A const table through a typedef of an array type.
typedef const unsigned char byte_table[16];
byte_table kTable = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

mutex_t lock_a = {1};
// Never referenced: wasm-ld drops it and writes the tombstone -1 as its DW_OP_addr.
int never_used[4];
volatile mutex_t lock_b;

int bump(int by) {
  static int calls;  // a static local: a DW_TAG_variable inside the subprogram
  calls += by;
  counter += calls + kTable[by & 15];
  slots[by % 5][by & 1].stamp += by;
  pool.locks[by % 3].waiters += by;
  return counter + pool.id;
}

int main(int argc, char** argv) {
  (void)argv;
  lock_a.owner = argc;
  int r = bump(argc);
  lock_b.state = r;
  return r + lock_b.waiters;
}
