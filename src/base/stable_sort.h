// A stable sort that does not use libstdc++ 12's std::stable_sort: its temporary buffer calls
// std::get_temporary_buffer, deprecated in C++20, and clang 19 reports that deprecation through
// the instantiation (an error with -Werror), which g++ 12 and clang 16 do not.
#pragma once

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <numeric>
#include <utility>
#include <vector>

namespace wasmscope::internal {

/// Sorts [first, last) by {less}, keeping equal elements in their original order: an index
/// sort whose ties go to the earlier position, then one permuting pass.
template <typename It, typename Less>
void stable_sort(It first, It last, Less less) {
  using T = typename std::iterator_traits<It>::value_type;
  const auto n = static_cast<size_t>(std::distance(first, last));
  if (n < 2) return;
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (less(first[a], first[b])) return true;
    if (less(first[b], first[a])) return false;
    return a < b;
  });
  std::vector<T> sorted;
  sorted.reserve(n);
  for (const size_t i : order) sorted.push_back(std::move(first[i]));
  std::move(sorted.begin(), sorted.end(), first);
}

}  // namespace wasmscope::internal
