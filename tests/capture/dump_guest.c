// A guest for diag_api_test, compiled with -g: thread dumps through the public API must give
// file:line from its DWARF. The test names the lines below by number; keep them in place.
// No libc: only the functions the test calls, exported by name.
volatile unsigned counter;  // volatile: each loop iteration stores, so no loop is removed

__attribute__((noinline)) static void spin_here(void) {
  for (;;) counter++;
}
__attribute__((noinline)) static void middle(void) {
  spin_here();  // line 10
}
__attribute__((export_name("run"))) void run(void) {
  middle();  // line 13
  counter = 0;
}
