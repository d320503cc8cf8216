/* Object B of object_loader_test.cc: called from object A. */
int loader_b_twice(int x) { return 2 * x; }
