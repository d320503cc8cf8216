// Runaway recursion that takes a while to trap: every level does some work before it recurses,
// so the call stack runs out (after 65,536 calls) only after many seconds.
//   wasmscope run --watchdog 1s build/examples/hang/recurse.wasm [ROUNDS]
// ROUNDS is the work per level (default 10000); the tests pass a small one.
#include <stdio.h>
#include <stdlib.h>

// A directory tree as a parent table; entry 0 is the root. The bug: the root is recorded as its
// own parent, while {path_hash} stops only at parent -1, so it climbs from the root forever.
static const int parent[] = {0, 0, 1, 1, 3};
static const char* const name[] = {"/", "usr", "lib", "share", "doc"};

// FNV-1a over {text}, {rounds} times: the per-level work.
__attribute__((noinline)) static unsigned mix(unsigned hash, const char* text, unsigned rounds) {
  for (unsigned r = 0; r < rounds; ++r) {
    for (const char* p = text; *p; ++p) hash = (hash ^ (unsigned char)*p) * 16777619u;
  }
  return hash;
}

// A hash of the path from the root to {entry}. The caller's result is used after the call, so
// the compiler cannot turn the recursion into a loop.
__attribute__((noinline)) static unsigned path_hash(int entry, unsigned rounds) {
  if (entry < 0) return 2166136261u;
  const unsigned here = mix((unsigned)entry, name[entry], rounds);
  const unsigned above = path_hash(parent[entry], rounds);
  return above * 31u + here;
}

int main(int argc, char** argv) {
  const unsigned rounds = argc > 1 ? (unsigned)atoi(argv[1]) : 10000;
  puts("recurse: hashing /usr/share/doc");
  fflush(stdout);
  printf("recurse: %08x\n", path_hash(4, rounds));
  return 0;
}
