// gentext BYTES [SEED]: writes BYTES bytes of deterministic, compressible English-like text to
// stdout, for bench/pigz.sh. Words are drawn from a fixed vocabulary of syllable compounds with
// a skewed (roughly Zipf-like) distribution by a 64-bit xorshift generator; sentences get a
// capital, commas and a full stop, lines wrap near 72 columns, and a blank line ends a
// paragraph now and then. Integer arithmetic only, so the output is the same on every platform
// (gzip -6 and pigz make about 2.5:1 of it).
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t state;

static uint64_t next(void) {  // xorshift64*
  state ^= state >> 12;
  state ^= state << 25;
  state ^= state >> 27;
  return state * 0x2545F4914F6CDD1DULL;
}

static uint32_t below(uint32_t n) { return (uint32_t)((next() >> 32) % n); }

enum { kWords = 4096 };
static char words[kWords][24];

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    fprintf(stderr, "usage: gentext BYTES [SEED]\n");
    return 2;
  }
  unsigned long long left = strtoull(argv[1], NULL, 10);
  state = argc == 3 ? strtoull(argv[2], NULL, 10) : 20261124;
  if (state == 0) state = 1;

  static const char* const syll[] = {
      "a",   "an",  "ar",  "be",  "ca",  "con", "de",  "di",  "en",  "er",  "es",  "ex",
      "fo",  "ga",  "he",  "in",  "is",  "la",  "le",  "li",  "ma",  "me",  "mi",  "na",
      "ne",  "no",  "o",   "on",  "or",  "pa",  "pe",  "per", "pro", "ra",  "re",  "ri",
      "ro",  "sa",  "se",  "si",  "sta", "te",  "ter", "ti",  "to",  "tra", "u",   "un",
      "ve",  "vi",  "wa",  "we",  "ing", "ed",  "ly",  "tion", "ment", "ous", "al",  "ic"};
  const uint32_t nsyll = sizeof syll / sizeof syll[0];
  for (int w = 0; w < kWords; ++w) {
    // Frequent words (low indices) are short, as in natural language.
    int n = 1 + (w >= 64) + (w >= 512) + (int)below(w >= 2048 ? 2 : 1);
    words[w][0] = '\0';
    for (int s = 0; s < n; ++s) strcat(words[w], syll[below(nsyll)]);
  }

  static char buf[1 << 16];
  size_t len = 0;
  int col = 0, in_sentence = 0, sentences = 0;
  while (left > 0) {
    char tmp[40];
    // A skewed draw: the smallest of three uniform indices favours the frequent words.
    uint32_t a = below(kWords), b = below(kWords), c = below(kWords);
    uint32_t w = a < b ? a : b;
    if (c < w && below(2)) w = c;
    size_t n = strlen(words[w]);
    memcpy(tmp, words[w], n);
    if (!in_sentence) tmp[0] = (char)(tmp[0] - 'a' + 'A');
    in_sentence = 1;
    uint32_t r = below(100);
    if (r < 8) {
      tmp[n++] = '.';
      in_sentence = 0;
      ++sentences;
    } else if (r < 14) {
      tmp[n++] = ',';
    }
    if (col > 0 && col + 1 + (int)n > 72) {
      buf[len++] = '\n';
      col = 0;
      if (!in_sentence && sentences % 6 == 5 && below(2)) buf[len++] = '\n';
    } else if (col > 0) {
      buf[len++] = ' ';
      ++col;
    }
    memcpy(buf + len, tmp, n);
    len += n;
    col += (int)n;
    if (len >= sizeof buf - 64) {
      size_t out = len < left ? len : (size_t)left;
      if (fwrite(buf, 1, out, stdout) != out) return 1;
      left -= out;
      len = 0;
    }
  }
  return fflush(stdout) == 0 ? 0 : 1;
}
