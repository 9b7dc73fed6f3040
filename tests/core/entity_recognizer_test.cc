// Recogniser training options: parameter mixing over seeds, lower-cased
// copies of the training sentences, the feature count cut-off, feature
// dropout, the CRF objective.

#include "core/entity_recognizer.h"

#include <cctype>
#include <cmath>
#include <cstring>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace kg::core {
namespace {

NerExample Example(std::vector<std::string> words, std::vector<std::string> tags) {
  NerExample e;
  e.words = std::move(words);
  e.tags = std::move(tags);
  for (const std::string& w : e.words) {
    const bool name = std::isupper(static_cast<unsigned char>(w[0]));
    e.upos.push_back(name ? "PROPN" : "NOUN");
    e.xpos.push_back(name ? "NNP" : "NN");
  }
  return e;
}

std::vector<NerExample> Toy() {
  return {
      Example({"Minister", "Salvador", "Cienfuegos", "left", "Mexico"},
              {"O", "B-PERSON", "I-PERSON", "O", "B-LOC"}),
      Example({"the", "Drug", "Enforcement", "Administration", "arrested", "him"},
              {"O", "B-ORG", "I-ORG", "I-ORG", "O", "O"}),
      Example({"agents", "went", "to", "Mexico", "and", "Texas"},
              {"O", "O", "O", "B-LOC", "O", "B-LOC"}),
      Example({"Joe", "Biden", "met", "the", "DEA"}, {"B-PERSON", "I-PERSON", "O", "O", "B-ORG"}),
  };
}

// (feature, class) -> weight of a stored model.
std::map<std::pair<uint64_t, uint32_t>, float> Weights(const PerceptronModel& m) {
  std::map<std::pair<uint64_t, uint32_t>, float> out;
  int k = 0;
  for (int r = 0; r < m.features_size(); ++r) {
    for (uint32_t j = 0; j < m.row_sizes(r); ++j, ++k) {
      const uint32_t bits = m.bf16(k) << 16;
      float w;
      std::memcpy(&w, &bits, sizeof(w));
      out[{m.features(r), m.classes(k)}] = w;
    }
  }
  return out;
}

std::vector<std::string> Recognize(const EntityRecognizer& r, const NerExample& e) {
  std::vector<std::string_view> w(e.words.begin(), e.words.end()), u(e.upos.begin(), e.upos.end()),
      x(e.xpos.begin(), e.xpos.end());
  return r.Recognize(w, u, x);
}

TEST(RecognizerTrainingTest, MixingAveragesTheModelsOfEachSeed) {
  GazetteerMatcher no_gazetteers;
  auto train = [&](uint64_t seed, int mix) {
    NerTrainOptions options;
    options.epochs = 3;
    options.seed = seed;
    options.mix = mix;
    auto model = TrainRecognizer(Toy(), no_gazetteers, options);
    EXPECT_TRUE(model.ok()) << model.status();
    return *model;
  };
  const NerModel a = train(1, 1), b = train(2, 1), mixed = train(1, 2);
  auto pick = [](const NerModel& m, int part) -> const PerceptronModel& {
    return part == 0 ? m.weights() : m.pair_weights();
  };
  for (int part = 0; part < 2; ++part) {
    auto wa = Weights(pick(a, part)), wb = Weights(pick(b, part)), wm = Weights(pick(mixed, part));
    ASSERT_FALSE(wm.empty());
    size_t differ = 0;  // weights where the two seeds disagree
    for (const auto& [key, w] : wm) {
      const float expected = (wa[key] + wb[key]) / 2;
      EXPECT_NEAR(w, expected, 0.02f * std::fabs(expected) + 1e-6f);
      differ += wa[key] != wb[key];
    }
    for (const auto& [key, w] : wa) {
      if (w != 0 && (w + wb[key]) != 0) EXPECT_TRUE(wm.count(key)) << "a feature was lost";
    }
    EXPECT_GT(differ, 0u);  // the seeds gave different models: the test is not vacuous
  }
  auto recognizer = EntityRecognizer::FromProto(mixed, &no_gazetteers);
  ASSERT_TRUE(recognizer.ok()) << recognizer.status();
  for (const NerExample& e : Toy()) EXPECT_EQ(Recognize(*recognizer, e), e.tags);
}

TEST(RecognizerTrainingTest, LowercasedCopiesAreRetaggedAndLearned) {
  GazetteerMatcher no_gazetteers;
  NerTrainOptions options;
  options.epochs = 8;
  options.lowercase_copies = 1.0;
  int retagged = 0;
  options.retag = [&](NerExample& e) {
    ++retagged;
    for (const std::string& w : e.words)
      EXPECT_FALSE(std::isupper(static_cast<unsigned char>(w[0])));
    e.upos.assign(e.words.size(), "X");
    e.xpos.assign(e.words.size(), "XX");
  };
  auto model = TrainRecognizer(Toy(), no_gazetteers, options);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ(retagged, 4);  // every sentence has a capital
  auto recognizer = EntityRecognizer::FromProto(*model, &no_gazetteers);
  ASSERT_TRUE(recognizer.ok()) << recognizer.status();
  for (NerExample e : Toy()) {
    EXPECT_EQ(Recognize(*recognizer, e), e.tags);
    for (std::string& w : e.words) w[0] = static_cast<char>(std::tolower(w[0]));
    e.upos.assign(e.words.size(), "X");
    e.xpos.assign(e.words.size(), "XX");
    EXPECT_EQ(Recognize(*recognizer, e), e.tags) << e.words[0];
  }
}

TEST(RecognizerTrainingTest, CountCutOffLeavesRareFeaturesWithoutWeights) {
  GazetteerMatcher no_gazetteers;
  auto train = [&](int min_count) {
    NerTrainOptions options;
    options.epochs = 3;
    options.min_feature_count = min_count;
    auto model = TrainRecognizer(Toy(), no_gazetteers, options);
    EXPECT_TRUE(model.ok()) << model.status();
    return *model;
  };
  auto has_row = [](const PerceptronModel& m, uint64_t feature) {
    for (uint64_t f : m.features()) {
      if (f == feature) return true;
    }
    return false;
  };
  const NerModel all = train(1), cut = train(2);
  // "Cienfuegos" occurs once, "Mexico" twice (template 101: the word).
  const uint64_t once = FeatureHash(101, "cienfuegos"), twice = FeatureHash(101, "mexico");
  EXPECT_TRUE(has_row(all.weights(), once));
  EXPECT_FALSE(has_row(cut.weights(), once));
  EXPECT_TRUE(has_row(cut.weights(), twice));
  EXPECT_LT(cut.weights().features_size(), all.weights().features_size());
  EXPECT_LT(cut.pair_weights().features_size(), all.pair_weights().features_size());
}

TEST(RecognizerTrainingTest, FeatureDropoutIsSeededAndStillLearns) {
  GazetteerMatcher no_gazetteers;
  auto train = [&](float dropout, uint64_t seed) {
    NerTrainOptions options;
    options.epochs = 10;
    options.seed = seed;
    options.feature_dropout = dropout;
    auto model = TrainRecognizer(Toy(), no_gazetteers, options);
    EXPECT_TRUE(model.ok()) << model.status();
    return *model;
  };
  const NerModel a = train(0.3f, 1), again = train(0.3f, 1), other = train(0.3f, 2),
                 none = train(0.0f, 1);
  EXPECT_EQ(a.SerializeAsString(), again.SerializeAsString());
  EXPECT_NE(Weights(a.weights()), Weights(none.weights()));
  EXPECT_NE(Weights(a.weights()), Weights(other.weights()));
  auto recognizer = EntityRecognizer::FromProto(a, &no_gazetteers);
  ASSERT_TRUE(recognizer.ok()) << recognizer.status();
  for (const NerExample& e : Toy()) EXPECT_EQ(Recognize(*recognizer, e), e.tags) << e.words[0];
}

TEST(RecognizerTrainingTest, LabelBiasesShiftScoresAndMustMatchTheLabels) {
  GazetteerMatcher no_gazetteers;
  NerTrainOptions options;
  options.epochs = 4;
  auto model = TrainRecognizer(Toy(), no_gazetteers, options);
  ASSERT_TRUE(model.ok()) << model.status();
  const NerExample him = Example({"arrested", "him"}, {"O", "O"});
  auto plain = EntityRecognizer::FromProto(*model, &no_gazetteers);
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_EQ(Recognize(*plain, him), him.tags);
  // A huge bias on U-LOC outweighs every feature: each word is a place.
  for (const std::string& label : model->labels()) {
    model->add_label_bias(label == "U-LOC" ? 1e6f : 0.0f);
  }
  auto biased = EntityRecognizer::FromProto(*model, &no_gazetteers);
  ASSERT_TRUE(biased.ok()) << biased.status();
  EXPECT_EQ(Recognize(*biased, him), (std::vector<std::string>{"B-LOC", "B-LOC"}));
  model->add_label_bias(0.0f);
  auto refused = EntityRecognizer::FromProto(*model, &no_gazetteers);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("label biases"), absl::string_view::npos);
}

// Feature set 5 without span weights is set 3's first-order Viterbi: the
// semi-Markov lattice over (O word | typed span) segments holds the same
// BILOU paths with the same scores.
TEST(RecognizerTrainingTest, SemiMarkovWithoutSpanWeightsDecodesAsViterbi) {
  GazetteerMatcher no_gazetteers;
  NerTrainOptions options;
  options.epochs = 3;
  options.feature_set = 5;
  auto model = TrainRecognizer(Toy(), no_gazetteers, options);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_GT(model->span_weights().features_size(), 0);
  EXPECT_EQ(model->span_types_size(), 3);  // LOC, ORG, PERSON
  NerModel no_spans = *model;
  no_spans.mutable_span_weights()->clear_features();
  no_spans.mutable_span_weights()->clear_row_sizes();
  no_spans.mutable_span_weights()->clear_classes();
  no_spans.mutable_span_weights()->clear_bf16();
  NerModel viterbi = no_spans;
  viterbi.set_feature_set(3);
  auto a = EntityRecognizer::FromProto(no_spans, &no_gazetteers);
  auto b = EntityRecognizer::FromProto(viterbi, &no_gazetteers);
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(b.ok()) << b.status();
  std::vector<NerExample> sentences = Toy();
  sentences.push_back(Example({"Salvador", "Biden", "Drug", "Mexico", "Enforcement", "Texas", "DEA",
                               "went", "Joe", "Cienfuegos", "Administration"},
                              {}));
  sentences.push_back(Example({"Mexico"}, {}));
  int named = 0;
  for (const NerExample& e : sentences) {
    const std::vector<std::string> out = Recognize(*a, e);
    EXPECT_EQ(out, Recognize(*b, e));
    for (const std::string& t : out) named += t != "O";
  }
  EXPECT_GT(named, 5);  // the comparison covered spans, not only O
}

TEST(RecognizerTrainingTest, SemiMarkovLearnsSpansAndChecksItsTypes) {
  GazetteerMatcher no_gazetteers;
  NerTrainOptions options;
  options.epochs = 6;
  options.feature_set = 5;
  // The same first word, typed by the word that ends the name.
  std::vector<NerExample> train = {
      Example({"we", "saw", "El", "Paso", "today"}, {"O", "O", "B-LOC", "I-LOC", "O"}),
      Example({"we", "saw", "El", "Paso", "Energy", "today"},
              {"O", "O", "B-ORG", "I-ORG", "I-ORG", "O"}),
      Example({"they", "left", "Dallas", "today"}, {"O", "O", "B-LOC", "O"}),
      Example({"they", "left", "Dallas", "Energy", "today"}, {"O", "O", "B-ORG", "I-ORG", "O"}),
  };
  auto model = TrainRecognizer(train, no_gazetteers, options);
  ASSERT_TRUE(model.ok()) << model.status();
  auto recognizer = EntityRecognizer::FromProto(*model, &no_gazetteers);
  ASSERT_TRUE(recognizer.ok()) << recognizer.status();
  for (const NerExample& e : train) EXPECT_EQ(Recognize(*recognizer, e), e.tags);
  model->add_span_types("EVENT");  // a fourth class the weights do not have
  auto refused = EntityRecognizer::FromProto(*model, &no_gazetteers);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("span"), absl::string_view::npos);
}

TEST(RecognizerTrainingTest, CrfObjectiveLearnsTheToyDataAndDropsTinyWeights) {
  GazetteerMatcher no_gazetteers;
  auto train = [&](float min_weight, uint64_t seed) {
    NerTrainOptions options;
    options.epochs = 10;
    options.seed = seed;
    options.crf = true;
    options.crf_options.eta = 0.5;
    options.crf_options.l2 = 0.1;
    options.crf_min_weight = min_weight;
    auto model = TrainRecognizer(Toy(), no_gazetteers, options);
    EXPECT_TRUE(model.ok()) << model.status();
    return *model;
  };
  const NerModel a = train(0.01f, 1), again = train(0.01f, 1), all = train(0.0f, 1),
                 sparse = train(0.05f, 1);
  EXPECT_EQ(a.SerializeAsString(), again.SerializeAsString());
  EXPECT_LT(sparse.weights().classes_size(), a.weights().classes_size());
  EXPECT_LT(a.weights().classes_size(), all.weights().classes_size());
  for (const auto& [key, w] : Weights(sparse.weights())) EXPECT_GE(std::fabs(w), 0.049f);
  auto recognizer = EntityRecognizer::FromProto(a, &no_gazetteers);
  ASSERT_TRUE(recognizer.ok()) << recognizer.status();
  for (const NerExample& e : Toy()) EXPECT_EQ(Recognize(*recognizer, e), e.tags) << e.words[0];
}

TEST(RecognizerTrainingTest, CrfMixAddsTheCrfToThePerceptron) {
  GazetteerMatcher no_gazetteers;
  auto train = [&](bool crf, float mix) {
    NerTrainOptions options;
    options.epochs = 5;
    options.crf = crf;
    options.crf_mix = mix;
    auto model = TrainRecognizer(Toy(), no_gazetteers, options);
    EXPECT_TRUE(model.ok()) << model.status();
    return *model;
  };
  const NerModel perceptron = train(false, 0), crf = train(true, 0), both = train(true, 1);
  auto wp = Weights(perceptron.weights()), wc = Weights(crf.weights()),
       wb = Weights(both.weights());
  size_t differ = 0;
  for (const auto& [key, w] : wp) {
    if (wc.count(key) == 0) EXPECT_NEAR(wb[key], w, 0.01f * std::fabs(w) + 1e-6f);
    differ += wb[key] != w;
  }
  for (const auto& [key, w] : wc) EXPECT_TRUE(wb.count(key) || wp.count(key));
  EXPECT_GT(differ, 0u);
  EXPECT_GT(wb.size(), wp.size());
  auto recognizer = EntityRecognizer::FromProto(both, &no_gazetteers);
  ASSERT_TRUE(recognizer.ok()) << recognizer.status();
  for (const NerExample& e : Toy()) EXPECT_EQ(Recognize(*recognizer, e), e.tags) << e.words[0];
}

TEST(RecognizerTrainingTest, CrfObjectiveRefusesOptionsItCannotHonour) {
  GazetteerMatcher no_gazetteers;
  NerTrainOptions options;
  options.crf = true;
  options.mix = 2;
  EXPECT_FALSE(TrainRecognizer(Toy(), no_gazetteers, options).ok());
  options.mix = 1;
  options.feature_set = 5;
  EXPECT_FALSE(TrainRecognizer(Toy(), no_gazetteers, options).ok());
}

// Viterbi's vector step (AVX-512, where the CPU has it) decodes as the
// scalar loop: the trained toy model, and the same model without weights,
// where every score ties and only the order of the comparisons decides
// (the first best predecessor and label win).
TEST(RecognizerTrainingTest, VectorViterbiDecodesAsTheScalarLoop) {
  GazetteerMatcher no_gazetteers;
  NerTrainOptions options;
  options.epochs = 3;
  auto model = TrainRecognizer(Toy(), no_gazetteers, options);
  ASSERT_TRUE(model.ok()) << model.status();
  NerModel tied = *model;
  for (PerceptronModel* w : {tied.mutable_weights(), tied.mutable_pair_weights()}) {
    w->clear_features();
    w->clear_row_sizes();
    w->clear_classes();
    w->clear_bf16();
  }
  std::vector<NerExample> sentences = Toy();
  sentences.push_back(Example({"Salvador", "Biden", "Drug", "Mexico", "Enforcement", "Texas", "DEA",
                               "went", "Joe", "Cienfuegos", "Administration"},
                              {}));
  sentences.push_back(Example({"Mexico"}, {}));
  sentences.push_back(Example({"Joe", "Biden"}, {}));
  int named = 0;
  for (const NerModel* m : {&*model, &tied}) {
    auto vector = EntityRecognizer::FromProto(*m, &no_gazetteers);
    auto scalar = EntityRecognizer::FromProto(*m, &no_gazetteers, /*allow_simd=*/false);
    ASSERT_TRUE(vector.ok()) << vector.status();
    ASSERT_TRUE(scalar.ok()) << scalar.status();
    for (const NerExample& e : sentences) {
      const std::vector<std::string> out = Recognize(*scalar, e);
      EXPECT_EQ(Recognize(*vector, e), out);
      if (m == &*model) {
        for (const std::string& t : out) named += t != "O";
      }
    }
  }
  EXPECT_GT(named, 5);  // the trained model's comparison covered spans
}

}  // namespace
}  // namespace kg::core
