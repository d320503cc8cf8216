#include "base/stable_sort.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <random>
#include <utility>
#include <vector>

namespace wasmscope::internal {
namespace {

using Item = std::pair<int, int>;  // (key, position before sorting)

bool by_key(const Item& a, const Item& b) { return a.first < b.first; }

TEST(StableSort, EqualKeysKeepTheirOrder) {
  std::vector<Item> items = {{3, 0}, {1, 1}, {3, 2}, {2, 3}, {1, 4}, {3, 5}};
  internal::stable_sort(items.begin(), items.end(), by_key);
  const std::vector<Item> expected = {{1, 1}, {1, 4}, {2, 3}, {3, 0}, {3, 2}, {3, 5}};
  EXPECT_EQ(items, expected);
}

TEST(StableSort, EmptyAndSingleRangesAreLeftAlone) {
  std::vector<Item> none;
  internal::stable_sort(none.begin(), none.end(), by_key);
  EXPECT_TRUE(none.empty());
  std::vector<Item> one = {{7, 0}};
  internal::stable_sort(one.begin(), one.end(), by_key);
  EXPECT_EQ(one, (std::vector<Item>{{7, 0}}));
}

TEST(StableSort, SubrangeOnlyAndMoveOnlyValues) {
  std::vector<std::unique_ptr<int>> values;
  for (int v : {9, 5, 7, 1}) values.push_back(std::make_unique<int>(v));
  // Sorts the last three only; the first stays where it is.
  internal::stable_sort(values.begin() + 1, values.end(),
                        [](const auto& a, const auto& b) { return *a < *b; });
  ASSERT_EQ(values.size(), 4u);
  EXPECT_EQ(*values[0], 9);
  EXPECT_EQ(*values[1], 1);
  EXPECT_EQ(*values[2], 5);
  EXPECT_EQ(*values[3], 7);
}

TEST(StableSort, MatchesSortingByKeyThenPositionOnRandomInputs) {
  std::mt19937 random(12345);
  for (int round = 0; round < 200; ++round) {
    std::vector<Item> items(random() % 300);
    for (size_t i = 0; i < items.size(); ++i) {
      items[i] = {static_cast<int>(random() % 17), static_cast<int>(i)};
    }
    // The reference: positions are unique and start in order, so the stable order is the
    // order of (key, position) pairs. (Not std::stable_sort, which is what clang 19 rejects.)
    std::vector<Item> reference = items;
    std::sort(reference.begin(), reference.end());
    internal::stable_sort(items.begin(), items.end(), by_key);
    ASSERT_EQ(items, reference) << "round " << round;
  }
}

}  // namespace
}  // namespace wasmscope::internal
