#include "storage/external_sort.h"

#include <algorithm>
#include <random>
#include <vector>

#include "gtest/gtest.h"

namespace kg::storage {
namespace {

// The radix sort must order keys exactly as their comparison does, for the
// shapes the bulk path sorts: random ids (spo), one shared first id with
// random rest (pos within a predicate), heavy duplicates, small inputs.
TEST(ExternalSortTest, SortInParallelMatchesStdSort) {
  std::mt19937_64 rng(11);
  auto random_id = [&] { return rng(); };
  auto few = [&] { return 0x1234567800000000ULL + rng() % 3; };
  auto tiny = [&] { return rng() % 4; };
  for (size_t n : {0, 1, 2, 200, 300, 5000, 70000, 300000}) {
    for (int shape = 0; shape < 4; ++shape) {
      std::vector<Key24> v(n);
      for (Key24& k : v) {
        switch (shape) {
          case 0:
            k = {random_id(), random_id(), random_id()};
            break;
          case 1:
            k = {few(), random_id(), random_id()};
            break;
          case 2:
            k = {tiny(), tiny(), tiny()};
            break;
          default:
            k = {few(), few(), rng() % 1000 * 0x0101010101010101ULL};
            break;
        }
      }
      std::vector<Key24> want = v;
      std::sort(want.begin(), want.end());
      SortInParallel(v);
      EXPECT_TRUE(v == want) << "n=" << n << " shape=" << shape;
    }
  }
}

TEST(ExternalSortTest, SpilledRunsMergeInOrderWithoutDuplicates) {
  std::string dir = ::testing::TempDir();
  ExternalSorter<Key24> sorter(dir, "radix", 64 * sizeof(Key24) * 40);
  std::mt19937_64 rng(5);
  std::vector<Key24> all;
  for (int i = 0; i < 20000; ++i) {
    Key24 k{rng() % 50, rng() % 7, rng() % 300};
    all.push_back(k);
    ASSERT_TRUE(sorter.Add(k).ok());
  }
  ASSERT_TRUE(sorter.Finish().ok());
  EXPECT_GT(sorter.runs(), 1u);
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  std::vector<Key24> got;
  Key24 k;
  while (sorter.Next(&k).value()) got.push_back(k);
  EXPECT_TRUE(got == all);
}

}  // namespace
}  // namespace kg::storage
