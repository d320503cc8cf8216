# Shared by the benchmark scripts (sourced): markdown output.

# Renders tab-separated rows from stdin, the first one the header, as a markdown table with
# aligned columns (the first column left-aligned, the others right-aligned).
render_table() {
  awk -F'\t' '
    { for (i = 1; i <= NF; i++) { cell[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) }
      if (NF > nf) nf = NF; rows = NR }
    END {
      for (r = 1; r <= rows; r++) {
        line = "|"
        for (i = 1; i <= nf; i++) {
          c = cell[r, i]
          line = line " " (i == 1 ? sprintf("%-" w[i] "s", c) : sprintf("%" w[i] "s", c)) " |"
        }
        print line
        if (r == 1) {
          line = "|"
          for (i = 1; i <= nf; i++) {
            d = ""; for (j = 0; j < w[i]; j++) d = d "-"
            line = line (i == 1 ? " " d " |" : " " substr(d, 2) ": |")
          }
          print line
        }
      }
    }'
}
