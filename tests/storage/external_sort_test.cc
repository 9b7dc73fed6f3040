#include "storage/external_sort.h"

#include <algorithm>
#include <random>
#include <string>
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

// The keys of the shapes the bulk path sorts (see above) for the scratch
// sorts: random ids, a shared first id, ids sharing their top 16 bits (one
// scratch bucket holding several ids), heavy duplicates.
std::vector<Key24> ScratchShape(std::mt19937_64& rng, size_t n, int shape) {
  std::vector<Key24> v(n);
  auto few = [&] { return 0x1234567800000000ULL + rng() % 3; };
  auto top_alike = [&] { return 0xabcd000000000000ULL | (rng() % 5000) << 20; };
  for (Key24& k : v) {
    switch (shape) {
      case 0:
        k = {rng(), rng(), rng()};
        break;
      case 1:
        k = {few(), rng(), rng()};
        break;
      case 2:
        k = {top_alike(), few(), top_alike()};
        break;
      default:
        k = {rng() % 4, rng() % 4, rng() % 4};
        break;
    }
  }
  return v;
}

TEST(ExternalSortTest, SortWithScratchMatchesStdSort) {
  std::mt19937_64 rng(23);
  for (size_t n : {0, 1, 300, 4095, 4096, 5000, 70000, 300000}) {
    for (int shape = 0; shape < 4; ++shape) {
      std::vector<Key24> v = ScratchShape(rng, n, shape);
      std::vector<Key24> want = v;
      std::sort(want.begin(), want.end());
      std::vector<Key24> scratch(7);  // reused whatever it holds
      SortWithScratch(v, scratch);
      EXPECT_TRUE(v == want) << "n=" << n << " shape=" << shape;
    }
  }
}

// spo -> osp -> pos by two rotations must give what rotating every key and
// sorting gives (the bulk path writes osp and pos from them).
TEST(ExternalSortTest, RotateSortedMatchesRotatingAndSorting) {
  std::mt19937_64 rng(29);
  for (size_t n : {0, 1, 300, 4095, 4096, 5000, 70000, 300000}) {
    for (int shape = 0; shape < 4; ++shape) {
      std::vector<Key24> v = ScratchShape(rng, n, shape);
      std::sort(v.begin(), v.end());
      v.erase(std::unique(v.begin(), v.end()), v.end());
      std::vector<Key24> want = v;
      for (int turn = 0; turn < 2; ++turn) {
        for (Key24& k : want) k = Key24{k.c, k.a, k.b};
        std::sort(want.begin(), want.end());
        std::vector<Key24> got;
        RotateSorted(v, got);
        EXPECT_TRUE(got == want) << "n=" << n << " shape=" << shape << " turn=" << turn;
        v.swap(got);
      }
    }
  }
}

// Strings sort by their 8-byte prefix first, then by whole comparison on a
// tie: the order must be std::string's for every shape the loader sorts
// (8-byte ids first, shared prefixes, shorter than 8 bytes, zero bytes that
// look like the padding of a shorter string, duplicates).
TEST(ExternalSortTest, StringsSortAsStdStringDoes) {
  std::mt19937_64 rng(17);
  auto random_string = [&](int shape) {
    std::string s;
    switch (shape) {
      case 0:  // an 8-byte id, then a name
        for (int i = 0; i < 8; ++i) s.push_back(static_cast<char>(rng() % 4));
        s += "key" + std::to_string(rng() % 100);
        break;
      case 1:  // shared prefix, long tail
        s = "/e/" + std::to_string(rng() % 5000) + std::string(rng() % 3, '\0');
        break;
      default:  // short, zero bytes
        for (size_t i = 0, n = rng() % 9; i < n; ++i) s.push_back(static_cast<char>(rng() % 3));
        break;
    }
    return s;
  };
  for (size_t n : {10, 5000, 60000}) {
    for (int shape = 0; shape < 3; ++shape) {
      for (size_t budget : {size_t{1} << 30, size_t{1} << 18}) {
        ExternalSorter<std::string> sorter(::testing::TempDir(), "strings", budget);
        std::vector<std::string> want;
        for (size_t i = 0; i < n; ++i) {
          want.push_back(random_string(shape));
          ASSERT_TRUE(sorter.Add(want.back()).ok());
        }
        ASSERT_TRUE(sorter.Finish().ok());
        std::sort(want.begin(), want.end());
        want.erase(std::unique(want.begin(), want.end()), want.end());
        std::vector<std::string> got;
        std::string rec;
        while (sorter.Next(&rec).value()) got.push_back(rec);
        EXPECT_TRUE(got == want) << "n=" << n << " shape=" << shape << " budget=" << budget
                                 << " runs=" << sorter.runs();
      }
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
