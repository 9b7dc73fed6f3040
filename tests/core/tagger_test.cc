// The tagger's pick among its classes: the first class holding the largest
// score, across 16-class chunks (the AVX-512 pick must agree with the scan).

#include "core/tagger.h"

#include <cstring>
#include <string>
#include <vector>

#include "core/averaged_perceptron.h"
#include "gtest/gtest.h"

namespace kg::core {
namespace {

uint32_t Bf16(float w) {
  uint32_t bits;
  std::memcpy(&bits, &w, sizeof(bits));
  return bits >> 16;  // exact for the small integers used here
}

// A tagger of `n` classes whose only weights are the bias feature's (every
// word has it): weight[c] for class c.
TaggerModel BiasOnly(const std::vector<float>& weight) {
  TaggerModel m;
  for (size_t c = 0; c < weight.size(); ++c) m.add_labels("X" + std::to_string(c) + " x");
  PerceptronModel* w = m.mutable_weights();
  w->set_num_classes(static_cast<uint32_t>(weight.size()));
  w->add_features(FeatureHash(0, ""));
  uint32_t size = 0;
  for (size_t c = 0; c < weight.size(); ++c) {
    if (weight[c] == 0) continue;
    w->add_classes(static_cast<uint32_t>(c));
    w->add_bf16(Bf16(weight[c]));
    ++size;
  }
  w->add_row_sizes(size);
  return m;
}

std::string TagOf(const TaggerModel& model) {
  auto tagger = Tagger::FromProto(model);
  EXPECT_TRUE(tagger.ok()) << tagger.status();
  if (!tagger.ok()) return "";
  std::vector<Token> tokens(2);
  tokens[0].text = "unseen";
  tokens[1].text = "words";
  tagger->Tag(tokens);
  EXPECT_EQ(tokens[0].upos, tokens[1].upos);
  return tokens[0].upos;
}

TEST(TaggerTest, PicksTheFirstClassWithTheLargestScore) {
  std::vector<float> w(40, 0.0f);
  EXPECT_EQ(TagOf(BiasOnly(w)), "X0");  // all tie: the first class
  w[3] = -2, w[5] = 1;
  EXPECT_EQ(TagOf(BiasOnly(w)), "X5");
  w[17] = 4, w[37] = 4, w[39] = 3;  // a tie across chunks
  EXPECT_EQ(TagOf(BiasOnly(w)), "X17");
  w[38] = 8;  // in the last, partial chunk
  EXPECT_EQ(TagOf(BiasOnly(w)), "X38");
  std::vector<float> negative(20, -1.0f);
  negative[19] = -0.5f;
  EXPECT_EQ(TagOf(BiasOnly(negative)), "X19");
  negative[19] = -1.0f;
  EXPECT_EQ(TagOf(BiasOnly(negative)), "X0");
}

}  // namespace
}  // namespace kg::core
