// The second translation unit of the DWARF line-table test program.
#include "helper.h"

int accumulate(const int* values, int count) {
  int total = 0;
  for (int i = 0; i < count; ++i) {
    total += scale(values[i], i + 2);  /* LINE_MARK accumulate */
  }
  return total;
}
