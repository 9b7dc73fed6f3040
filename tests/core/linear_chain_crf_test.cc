// The linear-chain CRF trainer: its likelihood is a distribution over the
// lattice's paths, its gradient matches finite differences, training is
// seeded and separates two obvious classes.

#include "core/linear_chain_crf.h"

#include <cmath>
#include <functional>
#include <vector>

#include "gtest/gtest.h"

namespace kg::core {
namespace {

// Three labels: 0 "O", 1 "B" (opens a span), 2 "L" (closes it). B must be
// followed by L, L only follows B, nothing may end on B.
CrfLattice SpanLattice() {
  CrfLattice l;
  l.num_labels = 3;
  l.pair.assign(4 * 3, -1);
  auto allow = [&](int p, int c) { l.pair[(p + 1) * 3 + c] = l.num_pairs++; };
  allow(-1, 0);
  allow(-1, 1);
  allow(0, 0);
  allow(0, 1);
  allow(1, 2);
  allow(2, 0);
  allow(2, 1);
  l.may_end = {1, 0, 1};
  return l;
}

// Two labels, every transition allowed.
CrfLattice FreeLattice() {
  CrfLattice l;
  l.num_labels = 2;
  for (int k = 0; k < 6; ++k) l.pair.push_back(k);
  l.num_pairs = 6;
  l.may_end = {1, 1};
  return l;
}

CrfSentence Sentence(const std::vector<std::vector<uint32_t>>& obs,
                     const std::vector<std::vector<uint32_t>>& pairs, const std::vector<int>& gold) {
  CrfSentence s;
  for (size_t i = 0; i < gold.size(); ++i) s.AddWord(obs[i], pairs[i], gold[i]);
  return s;
}

// Deterministic, varied weights for every (feature, class).
void FillWeights(LinearChainCrf& crf) {
  int k = 0;
  for (size_t f = 0; f < crf.num_obs_features(); ++f) {
    for (int c = 0; c < crf.num_labels(); ++c, ++k) {
      crf.set_obs_weight(f, c, 0.37f * std::sin(1.3f * k));
    }
  }
  for (size_t f = 0; f < crf.num_pair_features(); ++f) {
    for (int c = 0; c < crf.num_pairs(); ++c, ++k) {
      crf.set_pair_weight(f, c, 0.41f * std::cos(0.7f * k));
    }
  }
}

// Repeated features (word 2 has feature 1 twice) count twice.
CrfSentence FourWords() {
  return Sentence({{0, 1}, {2}, {1, 1, 3}, {0, 3}}, {{0}, {0, 1}, {1}, {0, 2}}, {0, 1, 2, 0});
}

TEST(LinearChainCrfTest, LikelihoodsOfAllPathsSumToOne) {
  LinearChainCrf crf(SpanLattice(), 4, 3);
  FillWeights(crf);
  const CrfLattice lattice = SpanLattice();
  CrfSentence s = FourWords();
  double total = 0;
  int paths = 0;
  std::vector<int> y(4);
  for (int code = 0; code < 81; ++code) {
    for (int i = 0, c = code; i < 4; ++i, c /= 3) y[i] = c % 3;
    bool ok = lattice.may_end[y[3]] != 0;
    for (int i = 0; i < 4 && ok; ++i) ok = lattice.Pair(i == 0 ? -1 : y[i - 1], y[i]) >= 0;
    if (!ok) continue;
    ++paths;
    s.gold = y;
    const double ll = crf.LogLikelihood(s);
    EXPECT_LT(ll, 0.0);
    total += std::exp(ll);
  }
  EXPECT_EQ(paths, 5);  // OOOO, OOBL, OBLO, BLOO, BLBL
  EXPECT_NEAR(total, 1.0, 1e-9);
}

TEST(LinearChainCrfTest, GradientMatchesFiniteDifferences) {
  LinearChainCrf crf(SpanLattice(), 4, 3);
  FillWeights(crf);
  const CrfSentence s = FourWords();
  std::vector<double> obs_grad(4 * 3, 0.0), pair_grad(3 * 7, 0.0);
  crf.LogLikelihood(s, &obs_grad, &pair_grad);
  constexpr float kStep = 1e-2f;
  auto check = [&](const std::function<float()>& get, const std::function<void(float)>& set,
                   double analytic) {
    const float w = get();
    set(w + kStep);
    const double up = crf.LogLikelihood(s);
    set(w - kStep);
    const double down = crf.LogLikelihood(s);
    set(w);
    EXPECT_NEAR(analytic, (up - down) / (2 * kStep), 2e-4);
  };
  int nonzero = 0;
  for (size_t f = 0; f < 4; ++f) {
    for (int c = 0; c < 3; ++c) {
      check([&] { return crf.obs_weight(f, c); }, [&](float v) { crf.set_obs_weight(f, c, v); },
            obs_grad[f * 3 + c]);
      nonzero += std::fabs(obs_grad[f * 3 + c]) > 1e-3;
    }
  }
  for (size_t f = 0; f < 3; ++f) {
    for (int k = 0; k < 7; ++k) {
      check([&] { return crf.pair_weight(f, k); }, [&](float v) { crf.set_pair_weight(f, k, v); },
            pair_grad[f * 7 + k]);
      nonzero += std::fabs(pair_grad[f * 7 + k]) > 1e-3;
    }
  }
  EXPECT_GT(nonzero, 20);  // the check is not vacuous
}

class CrfTrainingTest : public ::testing::TestWithParam<bool> {};  // AdaGrad?

TEST_P(CrfTrainingTest, TrainingSeparatesTwoClassesAndIsSeeded) {
  // Feature 0 marks class 0, feature 1 class 1; feature 2 is on every word.
  std::vector<CrfSentence> data;
  for (int s = 0; s < 20; ++s) {
    std::vector<std::vector<uint32_t>> obs, pairs;
    std::vector<int> gold;
    for (int i = 0; i < 5; ++i) {
      const int label = ((s * 7 + i * 3) % 5) < 2 ? 1 : 0;
      obs.push_back({static_cast<uint32_t>(label), 2});
      pairs.push_back({0});
      gold.push_back(label);
    }
    data.push_back(Sentence(obs, pairs, gold));
  }
  auto train = [&](uint64_t seed) {
    LinearChainCrf crf(FreeLattice(), 3, 1);
    CrfTrainOptions options;
    options.epochs = 5;
    options.seed = seed;
    options.l2 = 0.1;
    options.adagrad = GetParam();
    crf.Train(data, options);
    return crf;
  };
  LinearChainCrf crf = train(1);
  double before = 0, after = 0;
  LinearChainCrf untrained(FreeLattice(), 3, 1);
  for (const CrfSentence& s : data) {
    before += untrained.LogLikelihood(s);
    after += crf.LogLikelihood(s);
  }
  EXPECT_GT(after, before / 10);  // most of the loss is gone
  EXPECT_GT(crf.obs_weight(0, 0), crf.obs_weight(0, 1));
  EXPECT_GT(crf.obs_weight(1, 1), crf.obs_weight(1, 0));
  const CrfSentence unseen = Sentence({{1, 2}, {1, 2}, {0, 2}, {1, 2}, {0, 2}, {0, 2}},
                                      {{0}, {0}, {0}, {0}, {0}, {0}}, {1, 1, 0, 1, 0, 0});
  EXPECT_EQ(crf.Viterbi(unseen), unseen.gold);
  LinearChainCrf again = train(1), other = train(2);
  bool same = true, differ = false;
  for (size_t f = 0; f < 3; ++f) {
    for (int c = 0; c < 2; ++c) {
      same = same && crf.obs_weight(f, c) == again.obs_weight(f, c);
      differ = differ || crf.obs_weight(f, c) != other.obs_weight(f, c);
    }
  }
  EXPECT_TRUE(same);
  EXPECT_TRUE(differ);  // the order of the sentences matters: the seed is used
}

TEST_P(CrfTrainingTest, PenaltyShrinksWeights) {
  std::vector<CrfSentence> data;
  for (int s = 0; s < 10; ++s) {
    data.push_back(Sentence({{0}, {1}}, {{0}, {0}}, {0, 1}));
  }
  auto norm = [&](double l2) {
    LinearChainCrf crf(FreeLattice(), 2, 1);
    CrfTrainOptions options;
    options.epochs = 5;
    options.l2 = l2;
    options.adagrad = GetParam();
    crf.Train(data, options);
    double sum = 0;
    for (size_t f = 0; f < 2; ++f) {
      for (int c = 0; c < 2; ++c) sum += crf.obs_weight(f, c) * crf.obs_weight(f, c);
    }
    return sum;
  };
  EXPECT_LT(norm(20.0), 0.5 * norm(0.0));
}

TEST_P(CrfTrainingTest, AveragingTheLastEpochAloneChangesNothing) {
  std::vector<CrfSentence> data;
  for (int s = 0; s < 10; ++s) {
    data.push_back(Sentence({{0, 2}, {1, 2}, {s % 2 == 0 ? 0u : 1u, 2}}, {{0}, {0}, {0}},
                            {0, 1, s % 2 == 0 ? 0 : 1}));
  }
  auto train = [&](int average_from) {
    LinearChainCrf crf(FreeLattice(), 3, 1);
    CrfTrainOptions options;
    options.epochs = 4;
    options.adagrad = GetParam();
    options.average_from = average_from;
    crf.Train(data, options);
    std::vector<float> w;
    for (size_t f = 0; f < 3; ++f) {
      for (int c = 0; c < 2; ++c) w.push_back(crf.obs_weight(f, c));
    }
    for (int k = 0; k < 6; ++k) w.push_back(crf.pair_weight(0, k));
    return w;
  };
  const std::vector<float> last = train(0), averaged = train(1);
  EXPECT_EQ(train(4), last);
  EXPECT_NE(averaged, last);
  // An average of iterates that grow from zero is smaller than the last one.
  EXPECT_LT(std::fabs(averaged[1]), std::fabs(last[1]));
}

INSTANTIATE_TEST_SUITE_P(Steps, CrfTrainingTest, ::testing::Bool());

}  // namespace
}  // namespace kg::core
