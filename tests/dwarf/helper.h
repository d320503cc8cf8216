// An inline function in a header, so the line table names a second file.
#pragma once

static inline int scale(int value, int factor) {
  int product = value * factor;  /* LINE_MARK scale */
  return product + 1;
}
