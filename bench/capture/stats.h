// Summaries of latency samples for the capture latency benchmark (bench/capture/latency.cc).
// Figures only: nothing here judges them.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

namespace wasmscope_bench {

using Clock = std::chrono::steady_clock;

/// Microseconds from {a} to {b}.
inline double micros(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::micro>(b - a).count();
}

/// One row of the results table: a series of latencies in microseconds.
struct Series {
  std::string name;
  std::string goal;             ///< e.g. "p99 <= 100 us", or empty.
  std::vector<double> samples;  ///< Microseconds.
  int failures = 0;             ///< Attempts that did not give a valid sample (see the notes).
  std::string note;             ///< What the attempt checked, printed under the table.
};

/// The {q}-quantile of sorted samples by nearest rank (q = 0.5: the median; 0.99: p99).
inline double quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return NAN;
  if (q == 0.5 && sorted.size() % 2 == 0) {
    return (sorted[sorted.size() / 2 - 1] + sorted[sorted.size() / 2]) / 2;
  }
  size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  rank = std::clamp<size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

struct Summary {
  size_t n = 0;
  double median = NAN, p99 = NAN, max = NAN, min = NAN;
};

inline Summary summarize(std::vector<double> samples) {
  std::sort(samples.begin(), samples.end());
  Summary s;
  s.n = samples.size();
  if (samples.empty()) return s;
  s.median = quantile(samples, 0.5);
  s.p99 = quantile(samples, 0.99);
  s.max = samples.back();
  s.min = samples.front();
  return s;
}

}  // namespace wasmscope_bench
