// Copies stdin to stdout through reads of odd sizes until EOF, then prints the byte count and
// the sum of the bytes (mod 2^32) to stderr, for the script to compare with its own count.
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

int main(void) {
  static char buf[4099];
  unsigned long long total = 0;
  uint32_t sum = 0;
  size_t chunk = 1;
  for (;;) {
    ssize_t n = read(0, buf, chunk);
    if (n < 0) {
      perror("read stdin");
      return 1;
    }
    if (n == 0) break;
    for (ssize_t i = 0; i < n; ++i) sum += (unsigned char)buf[i];
    for (ssize_t done = 0; done < n;) {
      ssize_t w = write(1, buf + done, (size_t)(n - done));
      if (w <= 0) {
        perror("write stdout");
        return 1;
      }
      done += w;
    }
    total += (unsigned long long)n;
    chunk = chunk * 3 % sizeof buf + 1;  // 1, 4, 13, 40, ...: odd sizes, up to the whole buffer
  }
  // A second read after EOF is EOF again.
  if (read(0, buf, sizeof buf) != 0) {
    fprintf(stderr, "FAIL read after EOF\n");
    return 1;
  }
  fprintf(stderr, "bytes %llu sum %u\n", total, (unsigned)sum);
  return 0;
}
