// bench: export=empty params=i32 args=7 result=i32
/* Does nothing: timing it measures each engine's process start, module load and instantiation. */
#include "bench.h"

i32 empty(i32 x) { return x; }
