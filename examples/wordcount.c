// wordcount: a small WASI command. For each file named on the command line it prints the
// lines, words and bytes (as wc does) and the five most frequent words, then writes the
// totals to the file named by the REPORT environment variable, if set.
//
// Built by examples/CMakeLists.txt with clang-16 for wasm32-wasi; run it with
//   wasmscope run --dir examples/text::/text build/examples/wordcount.wasm /text/rivers.txt
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { kMaxWords = 4096, kMaxWordLength = 63 };

struct WordCount {
  char word[kMaxWordLength + 1];
  int count;
};

static struct WordCount words[kMaxWords];
static int distinct = 0;

/// Counts one occurrence of {word} (already lower-case).
static void count_word(const char* word) {
  for (int i = 0; i < distinct; ++i) {
    if (strcmp(words[i].word, word) == 0) {
      words[i].count++;
      return;
    }
  }
  if (distinct == kMaxWords) return;
  strcpy(words[distinct].word, word);
  words[distinct].count = 1;
  distinct++;
}

/// Most frequent first; ties in alphabetical order, so the output is deterministic.
static int by_count(const void* a, const void* b) {
  const struct WordCount* x = a;
  const struct WordCount* y = b;
  if (x->count != y->count) return y->count - x->count;
  return strcmp(x->word, y->word);
}

struct Totals {
  long lines, words, bytes;
};

/// Counts {path} into {totals}; returns 0, or -1 after printing why it could not.
static int count_file(const char* path, struct Totals* totals) {
  FILE* f = fopen(path, "r");
  if (f == NULL) {
    perror(path);
    return -1;
  }
  struct Totals t = {0, 0, 0};
  char word[kMaxWordLength + 1];
  int length = 0;
  for (int c; (c = fgetc(f)) != EOF;) {
    t.bytes++;
    if (c == '\n') t.lines++;
    if (isalpha(c) || (c == '\'' && length > 0)) {
      if (length < kMaxWordLength) word[length++] = (char)tolower(c);
    } else if (length > 0) {
      word[length] = '\0';
      count_word(word);
      t.words++;
      length = 0;
    }
  }
  if (length > 0) {
    word[length] = '\0';
    count_word(word);
    t.words++;
  }
  fclose(f);
  printf("%7ld %7ld %7ld %s\n", t.lines, t.words, t.bytes, path);
  totals->lines += t.lines;
  totals->words += t.words;
  totals->bytes += t.bytes;
  return 0;
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: wordcount FILE...\n");
    return 2;
  }
  struct Totals totals = {0, 0, 0};
  int failed = 0;
  for (int i = 1; i < argc; ++i) failed |= count_file(argv[i], &totals) != 0;
  qsort(words, (size_t)distinct, sizeof words[0], by_count);
  printf("most frequent:");
  for (int i = 0; i < distinct && i < 5; ++i) printf(" %s(%d)", words[i].word, words[i].count);
  printf("\n");
  const char* report = getenv("REPORT");
  if (report != NULL) {
    FILE* out = fopen(report, "w");
    if (out == NULL) {
      perror(report);
      return 1;
    }
    fprintf(out, "files=%d lines=%ld words=%ld bytes=%ld\n", argc - 1, totals.lines,
            totals.words, totals.bytes);
    fclose(out);
    printf("report written to %s\n", report);
  }
  return failed ? 1 : 0;
}
