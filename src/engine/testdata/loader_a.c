/* Object A of object_loader_test.cc: compiled to a relocatable ELF object for the host, it
 * uses every kind of reference the loader must resolve. */
extern int loader_ext_counter;           /* data outside the image: through the GOT */
extern int loader_ext_add(int, int);     /* a function outside the image: a call (PLT32) */
extern int loader_b_twice(int);          /* defined in object B */

static int table[5] = {1, 2, 3, 5, 8};   /* .data */
static const char message[] = "loaded";  /* .rodata */
static int zeroed[256];                  /* .bss */
int (*loader_a_ptr)(int) = loader_b_twice;  /* an absolute address in data (R_X86_64_64) */

int loader_a_sum(int x) {
  int s = 0;
  for (int i = 0; i < 5; ++i) s += table[i];
  for (int i = 0; i < 256; ++i) s += zeroed[i];
  zeroed[x & 255] += 1;
  return s + x;
}

/* A dense switch: a jump table in read-only data. */
int loader_a_switch(int x) {
  switch (x) {
    case 0: return 11;
    case 1: return loader_ext_add(x, 20);
    case 2: return 37;
    case 3: return loader_b_twice(x);
    case 4: return 53;
    case 5: return message[1];
    case 6: return 71;
    default: return -1;
  }
}

int loader_a_external(int x) {
  loader_ext_counter += x;
  return loader_ext_add(loader_ext_counter, 1000);
}

int loader_a_through_pointer(int x) { return loader_a_ptr(x) + 1; }
