#include "core/averaged_perceptron.h"

#include <random>
#include <vector>

#include "gtest/gtest.h"

namespace kg::core {
namespace {

TEST(FeatureHashTest, StableAndDistinct) {
  EXPECT_EQ(FeatureHash("w=the"), FeatureHash("w=the"));
  EXPECT_NE(FeatureHash("w=the"), FeatureHash("w=The"));
  EXPECT_NE(FeatureHash(1, "ab", "c"), FeatureHash(1, "a", "bc"));
  EXPECT_NE(FeatureHash(1, "x"), FeatureHash(2, "x"));
}

// A separable 3-class problem: class = which of three "signal" features is
// on, plus noise features shared by all classes.
struct Example {
  std::vector<uint64_t> features;
  int label;
};

std::vector<Example> MakeData(int n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<Example> data;
  for (int i = 0; i < n; ++i) {
    int label = static_cast<int>(rng() % 3);
    Example e;
    e.label = label;
    e.features.push_back(FeatureHash(0, std::to_string(label)));
    for (int k = 0; k < 5; ++k) e.features.push_back(FeatureHash(1, std::to_string(rng() % 50)));
    data.push_back(std::move(e));
  }
  return data;
}

double Accuracy(const AveragedPerceptron& p, const std::vector<Example>& data) {
  int right = 0;
  for (const Example& e : data) right += p.Predict(e.features) == e.label;
  return static_cast<double>(right) / data.size();
}

TEST(AveragedPerceptronTest, LearnsSaveLoadRoundTrip) {
  AveragedPerceptron p(3);
  auto train = MakeData(600, 1);
  for (int epoch = 0; epoch < 3; ++epoch) {
    for (const Example& e : train) p.Update(e.features, e.label, p.Predict(e.features));
  }
  p.Average();
  auto test = MakeData(300, 2);
  EXPECT_GT(Accuracy(p, test), 0.95);

  PerceptronModel msg;
  p.ToProto(&msg);
  auto loaded = AveragedPerceptron::FromProto(msg);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  for (const Example& e : test) {
    std::vector<float> a(3), b(3);
    p.Score(e.features, absl::MakeSpan(a));
    loaded->Score(e.features, absl::MakeSpan(b));
    for (int c = 0; c < 3; ++c)
      EXPECT_NEAR(a[c], b[c], 1e-2 * (1 + std::abs(a[c])));  // bf16: ~3 digits
    EXPECT_EQ(p.Predict(e.features), loaded->Predict(e.features));
  }
}

TEST(AveragedPerceptronTest, AveragingDampsLateMistakes) {
  AveragedPerceptron p(2);
  std::vector<uint64_t> f = {FeatureHash("x")};
  p.Update(f, 0, 1);  // learnt early
  for (int i = 0; i < 8; ++i) p.Update(f, 0, p.Predict(f));
  p.Update(f, 1, 0);  // one late contrary update
  // Unaveraged, the late update flips the weights to a tie broken by index;
  // averaged, class 0 has held the lead for most of training.
  p.Average();
  std::vector<float> s(2);
  p.Score(f, absl::MakeSpan(s));
  EXPECT_GT(s[0], s[1]);
  EXPECT_EQ(p.Predict(f), 0);
}

TEST(AveragedPerceptronTest, AddMovesOneClassWithoutAdvancingTheClock) {
  AveragedPerceptron p(3);
  std::vector<uint64_t> f = {FeatureHash("a")}, g = {FeatureHash("b")};
  p.Update(f, 0, 1);  // clock 1: f -> class 0 +1, class 1 -1
  p.Add(g, 2, 2.0f);  // g -> class 2 +2, same clock
  p.Add(g, 1, -1.0f);
  p.Update(f, 0, 0);  // clock 2, no change
  p.Average();
  std::vector<float> s(3);
  p.Score(g, absl::MakeSpan(s));
  // Added at clock 1 and held until clock 2: averaged over 2 ticks, half.
  EXPECT_FLOAT_EQ(s[2], 1.0f);
  EXPECT_FLOAT_EQ(s[1], -0.5f);
  EXPECT_FLOAT_EQ(s[0], 0.0f);
}

TEST(AveragedPerceptronTest, AllowedMaskAndPruning) {
  AveragedPerceptron p(3);
  std::vector<uint64_t> f = {FeatureHash("a")}, g = {FeatureHash("b")};
  p.Update(f, 2, 0);
  p.Update(g, 1, 0);
  p.Average();
  EXPECT_EQ(p.Predict(f), 2);
  bool mask[3] = {true, true, false};
  EXPECT_NE(p.Predict(f, absl::MakeConstSpan(mask, 3)), 2);
  PerceptronModel msg;
  p.ToProto(&msg, /*prune=*/10.0f);
  EXPECT_EQ(msg.features_size(), 0);
}

TEST(AveragedPerceptronTest, KeepsTinyAndHugeWeights) {
  // Averaging leaves weights across many orders of magnitude; all survive.
  AveragedPerceptron p(2);
  std::vector<uint64_t> big = {FeatureHash("big")}, rare = {FeatureHash("rare")};
  for (int i = 0; i < 100000; ++i) p.Update(big, 0, 1);  // grows to 1e5
  p.Update(rare, 1, 0);                                  // once, near the end: average ~1e-2
  for (int i = 0; i < 1000; ++i) p.Update(big, 0, 0);
  p.Average();
  PerceptronModel msg;
  p.ToProto(&msg);
  auto loaded = AveragedPerceptron::FromProto(msg);
  ASSERT_TRUE(loaded.ok());
  std::vector<float> s(2);
  loaded->Score(rare, absl::MakeSpan(s));
  EXPECT_GT(s[1], 0.0f);
  EXPECT_LT(s[0], 0.0f);
  EXPECT_EQ(loaded->Predict(rare), 1);
}

TEST(AveragedPerceptronTest, RejectsCorruptModel) {
  PerceptronModel msg;
  EXPECT_FALSE(AveragedPerceptron::FromProto(msg).ok());
  msg.set_num_classes(2);
  msg.add_features(1);
  msg.add_row_sizes(1);
  msg.add_classes(5);
  msg.add_bf16(0x3f80);  // 1.0
  auto r = AveragedPerceptron::FromProto(msg);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("out of range"), std::string::npos);
}

}  // namespace
}  // namespace kg::core
