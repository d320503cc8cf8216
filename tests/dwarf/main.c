// A small program whose line table the DWARF reader test checks against llvm-dwarfdump.
#include "helper.h"

int accumulate(const int* values, int count);

__attribute__((noinline)) static void fail_if_negative(int value) {
  if (value < 0) {
    __builtin_trap();  /* LINE_MARK trap */
  }
}

int main(int argc, char** argv) {
  (void)argv;
  int values[4] = {argc, 2, 3, 4};
  int sum = accumulate(values, 4);
  fail_if_negative(sum);
  return scale(sum, argc) & 0x7f;
}
