#include "core/perceptron_scorer.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <random>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "core/averaged_perceptron.h"
#include "gtest/gtest.h"

namespace kg::core {
namespace {

constexpr int kClasses = 40;

// A model whose rows come in every layout the scorer has: inline (<= 2
// classes), sparse lists and dense rows. Frequent features ("f0".."f9")
// meet most classes; rare ones a few.
PerceptronModel TrainModel() {
  AveragedPerceptron p(kClasses);
  std::mt19937 rng(7);
  for (int i = 0; i < 20000; ++i) {
    const int truth = static_cast<int>(rng() % kClasses);
    const int guess = static_cast<int>(rng() % kClasses);
    std::vector<uint64_t> f = {FeatureHash(0, std::to_string(rng() % 10)),
                               FeatureHash(1, std::to_string(rng() % 3000)),
                               FeatureHash(2, std::to_string(truth * 7 + rng() % 5))};
    // Steps spanning 2^-12..2^12, so sums of bf16 weights round in float
    // and the order of additions shows in the result.
    const float step = std::ldexp(1.0f + static_cast<float>(rng() % 1000) / 1000.0f,
                                  static_cast<int>(rng() % 25) - 12);
    p.Update(f, truth, guess, step);
  }
  p.Average();
  PerceptronModel msg;
  p.ToProto(&msg);
  return msg;
}

// Random feature lists: known features, unknown ones and repeats, long
// enough to span several prefetch batches.
std::vector<std::vector<uint64_t>> Queries() {
  std::mt19937 rng(11);
  std::vector<std::vector<uint64_t>> out;
  for (int q = 0; q < 200; ++q) {
    std::vector<uint64_t> f;
    const int n = 1 + static_cast<int>(rng() % 150);
    for (int i = 0; i < n; ++i) {
      const int t = static_cast<int>(rng() % 4);
      f.push_back(FeatureHash(t, std::to_string(rng() % (t == 0 ? 10 : 3000))));
    }
    if (n > 3) f.push_back(f[1]);
    out.push_back(std::move(f));
  }
  return out;
}

bool SameBits(const std::vector<float>& a, const std::vector<float>& b) {
  // +0 and -0 compare equal and act alike in later sums; all else bitwise.
  for (size_t c = 0; c < a.size(); ++c) {
    if (a[c] == 0.0f && b[c] == 0.0f) continue;
    if (std::bit_cast<uint32_t>(a[c]) != std::bit_cast<uint32_t>(b[c])) return false;
  }
  return a.size() == b.size();
}

TEST(PerceptronScorerTest, ModelHasEveryRowLayout) {
  const PerceptronModel msg = TrainModel();
  int inline_rows = 0, sparse_rows = 0, dense_rows = 0;
  for (uint32_t size : msg.row_sizes()) {
    if (size <= 2) {
      ++inline_rows;
    } else if (size * 8 < kClasses) {
      ++sparse_rows;
    } else {
      ++dense_rows;
    }
  }
  EXPECT_GT(inline_rows, 0);
  EXPECT_GT(sparse_rows, 0);
  EXPECT_GT(dense_rows, 0);
}

TEST(PerceptronScorerTest, ScoreSumsExactlyLikeTheAveragedPerceptron) {
  const PerceptronModel msg = TrainModel();
  auto reference = AveragedPerceptron::FromProto(msg);
  auto scorer = PerceptronScorer::FromProto(msg);
  ASSERT_TRUE(reference.ok()) << reference.status();
  ASSERT_TRUE(scorer.ok()) << scorer.status();
  EXPECT_EQ(scorer->num_features(), reference->num_features());
  for (const auto& f : Queries()) {
    std::vector<float> want(kClasses, 0.5f), got(kClasses, 0.5f);
    reference->Score(f, absl::MakeSpan(want));
    scorer->Score(f, absl::MakeSpan(got));
    EXPECT_TRUE(SameBits(want, got));
  }
}

TEST(PerceptronScorerTest, PortableRowsSumLikeTheVectorOnes) {
  // allow_simd = false takes the scalar loops wherever the AVX-512 ones
  // would run; both must give the reference sums.
  const PerceptronModel msg = TrainModel();
  auto reference = AveragedPerceptron::FromProto(msg);
  auto portable = PerceptronScorer::FromProto(msg, /*allow_simd=*/false);
  ASSERT_TRUE(reference.ok() && portable.ok());
  for (const auto& f : Queries()) {
    std::vector<float> want(kClasses, -0.25f), got(kClasses, -0.25f);
    reference->Score(f, absl::MakeSpan(want));
    portable->Score(f, absl::MakeSpan(got));
    EXPECT_TRUE(SameBits(want, got));
  }
}

TEST(PerceptronScorerTest, EveryClassCountSumsLikeTheReference) {
  // Class counts on and off the 16-class chunks of the vector code, with
  // rows of every layout (random weights, so sums round).
  for (uint32_t num_classes : {1u, 3u, 16u, 17u, 103u, 255u}) {
    std::mt19937 rng(num_classes);
    PerceptronModel msg;
    msg.set_num_classes(num_classes);
    std::vector<uint64_t> keys;
    for (int r = 0; r < 300; ++r) {
      const uint64_t key = rng() | (uint64_t{1} << 40);
      std::vector<uint32_t> row;
      const uint32_t size = 1 + rng() % num_classes;
      for (uint32_t c = 0; c < num_classes && row.size() < size; ++c) {
        if (rng() % num_classes < size) row.push_back(c);
      }
      if (row.empty()) row.push_back(rng() % num_classes);
      std::shuffle(row.begin(), row.end(), rng);
      msg.add_features(key);
      msg.add_row_sizes(static_cast<uint32_t>(row.size()));
      for (uint32_t c : row) {
        msg.add_classes(c);
        const float w = std::ldexp(static_cast<float>(static_cast<int>(rng() % 2001) - 1000),
                                   static_cast<int>(rng() % 20) - 14);
        msg.add_bf16(std::bit_cast<uint32_t>(w) >> 16);
      }
      keys.push_back(key);
    }
    auto reference = AveragedPerceptron::FromProto(msg);
    auto vector = PerceptronScorer::FromProto(msg);
    auto portable = PerceptronScorer::FromProto(msg, /*allow_simd=*/false);
    ASSERT_TRUE(reference.ok() && vector.ok() && portable.ok());
    for (int q = 0; q < 50; ++q) {
      std::vector<uint64_t> f;
      for (int i = 0; i < 1 + static_cast<int>(rng() % 100); ++i) {
        f.push_back(rng() % 4 == 0 ? rng() : keys[rng() % keys.size()]);
      }
      std::vector<float> want(num_classes, 0.75f), got(num_classes, 0.75f),
          got_portable(num_classes, 0.75f);
      reference->Score(f, absl::MakeSpan(want));
      vector->Score(f, absl::MakeSpan(got));
      portable->Score(f, absl::MakeSpan(got_portable));
      EXPECT_TRUE(SameBits(want, got)) << num_classes << " classes, query " << q;
      EXPECT_TRUE(SameBits(want, got_portable)) << num_classes << " classes, query " << q;
    }
  }
}

TEST(PerceptronScorerTest, ShortRowsFirstOrder) {
  const PerceptronModel msg = TrainModel();
  absl::flat_hash_map<uint64_t, uint32_t> row_size;
  for (int r = 0; r < msg.features_size(); ++r) row_size[msg.features(r)] = msg.row_sizes(r);
  auto reference = AveragedPerceptron::FromProto(msg);
  auto scorer = PerceptronScorer::FromProto(msg);
  ASSERT_TRUE(reference.ok() && scorer.ok());
  for (const auto& f : Queries()) {
    // Per run of 64: rows of <= 2 classes, then the rest, one at a time.
    std::vector<float> want(kClasses, 0.0f), got(kClasses, 0.0f);
    for (size_t begin = 0; begin < f.size(); begin += 64) {
      const size_t end = std::min(f.size(), begin + 64);
      for (bool short_rows : {true, false}) {
        for (size_t i = begin; i < end; ++i) {
          auto it = row_size.find(f[i]);
          if (it == row_size.end() || (it->second <= 2) != short_rows) continue;
          reference->Score(absl::MakeConstSpan(&f[i], 1), absl::MakeSpan(want));
        }
      }
    }
    scorer->ScoreShortRowsFirst(f, absl::MakeSpan(got));
    EXPECT_TRUE(SameBits(want, got));
  }
}

// Appends one feature row (class, weight) to a hand-made model.
void AddRow(PerceptronModel& msg, uint64_t key, const std::vector<std::pair<uint32_t, float>>& row) {
  msg.add_features(key);
  msg.add_row_sizes(static_cast<uint32_t>(row.size()));
  for (auto [cls, w] : row) {
    msg.add_classes(cls);
    msg.add_bf16(std::bit_cast<uint32_t>(w) >> 16);
  }
}

TEST(PerceptronScorerTest, RepeatedClassAndZeroKeyKeepExactSums) {
  PerceptronModel msg;
  msg.set_num_classes(4);
  AddRow(msg, 0, {{1, 2.0f}});
  // Class 2 twice in a row long enough to be dense: must stay a sum in order.
  AddRow(msg, 5, {{2, 1024.0f}, {0, 1.0f}, {2, 0.0078125f}, {3, -3.0f}});
  auto reference = AveragedPerceptron::FromProto(msg);
  auto scorer = PerceptronScorer::FromProto(msg);
  ASSERT_TRUE(reference.ok() && scorer.ok());
  const std::vector<uint64_t> f = {5, 0, 9, 5};
  std::vector<float> want(4, 1.0f), got(4, 1.0f);
  reference->Score(f, absl::MakeSpan(want));
  scorer->Score(f, absl::MakeSpan(got));
  EXPECT_TRUE(SameBits(want, got));
  EXPECT_EQ(got[1], 3.0f);  // the key-0 feature counts
}

PerceptronModel HandModel(std::vector<std::vector<std::pair<uint32_t, float>>> rows) {
  PerceptronModel msg;
  msg.set_num_classes(4);
  uint64_t key = 100;
  for (const auto& row : rows) AddRow(msg, key++, row);
  return msg;
}

// A model without a usable exactness bound (the tagger's, the recogniser's)
// stores rows of 4+ distinct classes as masked rows, whatever the class
// count; Score() must still add every class's weights in feature order,
// next to inline and list rows touching the same classes.
TEST(PerceptronScorerTest, InOrderModelsSumShortMaskedRowsInOrder) {
  PerceptronModel msg;
  msg.set_num_classes(40);
  // Magnitudes 2^-14 .. 2^12: a small weight added beside a large one is
  // lost, so the order of additions shows in the sums.
  AddRow(msg, 1, {{3, 4096.0f}, {17, 0.00006103515625f}, {20, -4096.0f}, {39, 1.5f}});
  AddRow(msg, 2, {{3, 0.00006103515625f}, {39, 4096.0f}});
  AddRow(msg, 3, {{17, 4096.0f}, {20, 0.00006103515625f}, {39, -4096.0f}});
  AddRow(msg, 4, {{3, -4096.0f}, {17, -4096.0f}, {20, 4096.0f}, {39, 0.00006103515625f}, {5, 2.0f}});
  auto reference = AveragedPerceptron::FromProto(msg);
  auto scorer = PerceptronScorer::FromProto(msg);
  auto portable = PerceptronScorer::FromProto(msg, /*allow_simd=*/false);
  ASSERT_TRUE(reference.ok() && scorer.ok() && portable.ok());
  EXPECT_LT(scorer->exact_any_order_limit(), 64u);
  for (const std::vector<uint64_t>& f : std::vector<std::vector<uint64_t>>{
           {1, 2, 3, 4}, {4, 3, 2, 1}, {2, 1, 4, 3, 1}, {3, 4, 9, 2}}) {
    std::vector<float> want(40, 0.25f), got(40, 0.25f), scalar(40, 0.25f);
    reference->Score(f, absl::MakeSpan(want));
    scorer->Score(f, absl::MakeSpan(got));
    portable->Score(f, absl::MakeSpan(scalar));
    EXPECT_TRUE(SameBits(want, got));
    EXPECT_TRUE(SameBits(want, scalar));
  }
}

TEST(PerceptronScorerTest, ExactAnyOrderLimit) {
  // Multiples of 2^-7, largest 96: sums stay exact up to 2^17 / 96 features.
  auto a = PerceptronScorer::FromProto(HandModel({{{0, 1.5f}, {1, -96.0f}}, {{2, 0.0078125f}}}));
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->exact_any_order_limit(), (size_t{1} << 17) / 96);
  // A class twice in one row counts with its summed magnitude; 2^-7 steps.
  auto b = PerceptronScorer::FromProto(HandModel({{{2, 1024.0f}, {0, 1.0f}, {2, 0.0078125f}}}));
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->exact_any_order_limit(), 127u);  // 2^17 / 1024.0078
  // Weights spanning too many powers of two guarantee nothing.
  auto c = PerceptronScorer::FromProto(HandModel({{{0, 65536.0f}}, {{1, 0.0001f}}}));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->exact_any_order_limit(), 0u);
  // Neither do non-finite ones.
  auto d = PerceptronScorer::FromProto(HandModel({{{0, INFINITY}}}));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->exact_any_order_limit(), 0u);
  // The randomly trained model's steps span 2^-12..2^12: far fewer than a
  // parser state's features.
  auto e = PerceptronScorer::FromProto(TrainModel());
  ASSERT_TRUE(e.ok());
  EXPECT_LT(e->exact_any_order_limit(), 16u);
}

TEST(PerceptronScorerTest, ScoreGroupsMatchesScoreWithinTheExactLimit) {
  // TrainModel's weights rounded to multiples of 2^-4 (|w| < 16, so bf16
  // holds them exactly): order-free for far more than 150 features.
  PerceptronModel msg = TrainModel();
  for (int k = 0; k < msg.bf16_size(); ++k) {
    const float w = std::bit_cast<float>(msg.bf16(k) << 16);
    const float r = std::clamp(std::round(w * 16.0f), -255.0f, 255.0f) / 16.0f;
    msg.set_bf16(k, std::bit_cast<uint32_t>(r) >> 16);
  }
  auto scorer = PerceptronScorer::FromProto(msg);
  ASSERT_TRUE(scorer.ok());
  ASSERT_GE(scorer->exact_any_order_limit(), 1000u);
  std::mt19937 rng(5);
  for (const auto& f : Queries()) {
    std::vector<float> want(kClasses, 0.0f);
    scorer->Score(f, absl::MakeSpan(want));
    // Three groups cut at random points, summed apart, then added up.
    size_t begin[4] = {0, rng() % (f.size() + 1), 0, f.size()};
    begin[2] = begin[1] + rng() % (f.size() - begin[1] + 1);
    std::vector<std::vector<float>> parts(3, std::vector<float>(kClasses, 0.0f));
    float* outputs[3] = {parts[0].data(), parts[1].data(), parts[2].data()};
    scorer->ScoreGroups(f, begin, 3, outputs);
    std::vector<float> got(kClasses, 0.0f);
    for (int c = 0; c < kClasses; ++c) got[c] = (parts[2][c] + parts[0][c]) + parts[1][c];
    EXPECT_TRUE(SameBits(want, got));
    // The scorer's own order differs from the reverse order only in the
    // last bits when sums round; here they cannot.
    std::vector<float> reversed(kClasses, 0.0f);
    for (size_t i = f.size(); i-- > 0;)
      scorer->Score(absl::MakeConstSpan(&f[i], 1), absl::MakeSpan(reversed));
    EXPECT_TRUE(SameBits(want, reversed));
  }
}

TEST(PerceptronScorerTest, ThreeClassRowsLiveInTheSlot) {
  // A three-class model (the two-stage parser's moves) keeps every row in
  // its slot as three weights, zeros for absent classes. Rows of one, two
  // and three classes in any order (an inline entry's class 2 once passed
  // for the triple flag) must sum as a plain loop does, through Score,
  // ScoreGroups (four payloads per vector step, any tail) and the portable
  // code. Weights are multiples of 2^-3, so every order gives exact sums.
  std::mt19937 rng(11);
  PerceptronModel msg;
  msg.set_num_classes(3);
  std::vector<std::vector<std::pair<int, float>>> rows;
  const int kRows = 500;
  for (int r = 0; r < kRows; ++r) {
    std::vector<int> classes = {0, 1, 2};
    std::shuffle(classes.begin(), classes.end(), rng);
    classes.resize(1 + rng() % 3);
    std::vector<std::pair<int, float>> row;
    for (int c : classes) row.emplace_back(c, static_cast<float>(static_cast<int>(rng() % 255) - 127) / 8.0f);
    msg.add_features(1000 + 7 * r);
    msg.add_row_sizes(static_cast<uint32_t>(row.size()));
    for (const auto& [c, w] : row) {
      msg.add_classes(c);
      msg.add_bf16(std::bit_cast<uint32_t>(w) >> 16);
    }
    rows.push_back(row);
  }
  auto simd = PerceptronScorer::FromProto(msg);
  auto portable = PerceptronScorer::FromProto(msg, /*allow_simd=*/false);
  ASSERT_TRUE(simd.ok() && portable.ok());
  ASSERT_GE(simd->exact_any_order_limit(), 1000u);
  for (int q = 0; q < 200; ++q) {
    std::vector<uint64_t> f;
    std::vector<float> want(3, 0.0f);
    const int n = static_cast<int>(rng() % 40);
    for (int i = 0; i < n; ++i) {
      const int r = static_cast<int>(rng() % (kRows + 50));  // some absent
      f.push_back(1000 + 7 * static_cast<uint64_t>(r));
      if (r < kRows) {
        for (const auto& [c, w] : rows[r]) want[c] += w;
      }
    }
    for (const PerceptronScorer* s : {&*simd, &*portable}) {
      std::vector<float> got(3, 0.0f);
      s->Score(f, absl::MakeSpan(got));
      EXPECT_EQ(got, want);
      const size_t cut = n == 0 ? 0 : rng() % (n + 1);
      const size_t begin[3] = {0, cut, f.size()};
      std::vector<float> a(16, 0.0f), b(16, 0.0f);
      float* outputs[2] = {a.data(), b.data()};
      s->ScoreGroups(f, begin, 2, outputs);
      for (int c = 0; c < 3; ++c) EXPECT_EQ(a[c] + b[c], want[c]) << "class " << c;
      std::vector<float> ordered(3, 0.0f);
      s->ScoreShortRowsFirst(f, absl::MakeSpan(ordered));
      EXPECT_EQ(ordered, want);
    }
  }
}

TEST(PerceptronScorerTest, RejectsCorruptModels) {
  PerceptronModel msg;
  EXPECT_FALSE(PerceptronScorer::FromProto(msg).ok());  // no classes
  msg.set_num_classes(300);
  EXPECT_FALSE(PerceptronScorer::FromProto(msg).ok());  // too many classes
  msg.set_num_classes(3);
  msg.add_features(1);
  msg.add_row_sizes(1);
  msg.add_classes(7);
  msg.add_bf16(0x3f80);
  EXPECT_FALSE(PerceptronScorer::FromProto(msg).ok());  // class out of range
  msg.set_classes(0, 1);
  EXPECT_TRUE(PerceptronScorer::FromProto(msg).ok());
  msg.add_features(1);
  msg.add_row_sizes(1);
  msg.add_classes(2);
  msg.add_bf16(0x3f80);
  auto repeated = PerceptronScorer::FromProto(msg);
  ASSERT_FALSE(repeated.ok());
  EXPECT_NE(repeated.status().message().find("repeats"), std::string::npos);
  msg.set_row_sizes(1, 5);
  EXPECT_FALSE(PerceptronScorer::FromProto(msg).ok());  // row overruns
}

}  // namespace
}  // namespace kg::core
