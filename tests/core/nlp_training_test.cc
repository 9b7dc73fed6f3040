// Small training runs on slices of the reference corpora: each learner must
// beat its majority-class baseline by a wide margin. Skipped when the corpora
// (../shared/data) are not there.

#include <cctype>
#include <filesystem>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "core/conllu.h"
#include "core/entity_recognizer.h"
#include "core/gazetteers.h"
#include "core/iob2.h"
#include "core/lemmatizer.h"
#include "core/tagger.h"
#include "gtest/gtest.h"

namespace kg::core {
namespace {

const std::string kData = std::string(KG_SOURCE_DIR) + "/../shared/data";

std::vector<ConlluSentence> Slice(const std::string& path, size_t from, size_t n) {
  auto all = ReadConlluFile(path);
  EXPECT_TRUE(all.ok()) << all.status();
  if (!all.ok()) return {};
  std::vector<ConlluSentence> out;
  for (size_t i = from; i < all->size() && out.size() < n; ++i) out.push_back((*all)[i]);
  return out;
}

class NlpTrainingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kData + "/ud-en-ewt/train.conllu") ||
        !std::filesystem::exists(kData + "/uner-en-ewt/train.iob2")) {
      GTEST_SKIP() << "reference corpora not found under " << kData;
    }
  }
};

TEST_F(NlpTrainingTest, TaggerAndLemmatizerBeatBaselines) {
  auto train = Slice(kData + "/ud-en-ewt/train.conllu", 0, 1500);
  auto dev = Slice(kData + "/ud-en-ewt/dev.conllu", 0, 400);
  ASSERT_FALSE(train.empty());
  TaggerTrainOptions options;
  options.epochs = 3;
  auto model = TrainTagger(train, options);
  ASSERT_TRUE(model.ok()) << model.status();
  auto tagger = Tagger::FromProto(*model);
  ASSERT_TRUE(tagger.ok()) << tagger.status();
  auto lemmatizer = Lemmatizer::FromProto(TrainLemmatizer(train));
  ASSERT_TRUE(lemmatizer.ok());

  std::map<std::string, int> counts;
  for (const auto& s : train) {
    for (const auto& t : s.tokens) ++counts[t.upos];
  }
  std::string majority;
  for (const auto& [tag, n] : counts) {
    if (majority.empty() || n > counts[majority]) majority = tag;
  }
  int words = 0, right = 0, baseline = 0, lemma_right = 0, lemma_baseline = 0;
  for (auto s : dev) {
    const auto gold = s.tokens;
    tagger->Tag(s);
    for (size_t i = 0; i < gold.size(); ++i) {
      ++words;
      right += s.tokens[i].upos == gold[i].upos;
      baseline += gold[i].upos == majority;
      lemma_right += lemmatizer->Lemma(gold[i].form, s.tokens[i].xpos) == gold[i].lemma;
      lemma_baseline += gold[i].form == gold[i].lemma;  // "lemma = form"
    }
  }
  double accuracy = 100.0 * right / words, base = 100.0 * baseline / words;
  EXPECT_GT(accuracy, base + 50) << "majority baseline " << base;
  EXPECT_GT(accuracy, 85.0);
  EXPECT_GT(lemma_right, lemma_baseline + words / 10);
}

TEST_F(NlpTrainingTest, RecognizerBeatsAllOutsideBaseline) {
  auto train = ReadIob2File(kData + "/uner-en-ewt/train.iob2");
  auto dev = ReadIob2File(kData + "/uner-en-ewt/dev.iob2");
  ASSERT_TRUE(train.ok() && dev.ok());
  train->resize(std::min<size_t>(train->size(), 3000));
  dev->resize(std::min<size_t>(dev->size(), 800));
  // Tags from a tagger trained on the same slice of EWT.
  auto tagger_model = TrainTagger(Slice(kData + "/ud-en-ewt/train.conllu", 0, 3000), {3, 1});
  ASSERT_TRUE(tagger_model.ok());
  auto tagger = Tagger::FromProto(*tagger_model);
  ASSERT_TRUE(tagger.ok());
  auto example = [&](const NerSentence& s) {
    NerExample e;
    e.words = s.words;
    e.tags = s.tags;
    std::vector<Token> tokens(s.words.size());
    for (size_t i = 0; i < tokens.size(); ++i) tokens[i].text = s.words[i];
    tagger->Tag(tokens);
    for (const Token& t : tokens) {
      e.upos.push_back(t.upos);
      e.xpos.push_back(t.xpos);
    }
    return e;
  };
  std::vector<NerExample> examples;
  for (const auto& s : *train) examples.push_back(example(s));
  GazetteerMatcher no_gazetteers;
  NerTrainOptions options;
  options.epochs = 4;
  auto model = TrainRecognizer(examples, no_gazetteers, options);
  ASSERT_TRUE(model.ok()) << model.status();
  auto recognizer = EntityRecognizer::FromProto(*model, &no_gazetteers);
  ASSERT_TRUE(recognizer.ok());
  int gold = 0, predicted = 0, correct = 0, outside = 0, tokens = 0;
  for (const auto& s : *dev) {
    NerExample e = example(s);
    std::vector<std::string_view> w(e.words.begin(), e.words.end()),
        u(e.upos.begin(), e.upos.end()), x(e.xpos.begin(), e.xpos.end());
    auto tags = recognizer->Recognize(w, u, x);
    ASSERT_EQ(tags.size(), s.words.size());
    auto g = BioToSpans(s.tags), p = BioToSpans(tags);
    gold += g.size();
    for (const auto& span : p) {
      if (span.type != "PERSON" && span.type != "ORG" && span.type != "LOC") continue;
      ++predicted;
      for (const auto& gs : g) correct += gs == span;
    }
    for (const auto& t : s.tags) outside += t == "O";
    tokens += s.tags.size();
  }
  // The majority class (O everywhere) finds no entity: F1 0.
  double precision = predicted ? 1.0 * correct / predicted : 0, recall = 1.0 * correct / gold;
  double f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
  EXPECT_GT(outside, tokens / 2);
  EXPECT_GT(f1, 0.40) << "precision " << precision << " recall " << recall;
}

// Feature set 3 scores the previous-label templates once per word over
// label pairs instead of once per previous label: the same model as set 2,
// so trained on the same data both label every sentence alike.
TEST_F(NlpTrainingTest, RecognizerLabelPairsDecodeAsPerPreviousLabel) {
  auto train = ReadIob2File(kData + "/uner-en-ewt/train.iob2");
  auto dev = ReadIob2File(kData + "/uner-en-ewt/dev.iob2");
  ASSERT_TRUE(train.ok() && dev.ok());
  train->resize(std::min<size_t>(train->size(), 1500));
  dev->resize(std::min<size_t>(dev->size(), 600));
  auto example = [](const NerSentence& s) {
    NerExample e;
    e.words = s.words;
    e.tags = s.tags;
    for (const std::string& w : e.words) {
      const bool name = std::isupper(static_cast<unsigned char>(w[0]));
      e.upos.push_back(name ? "PROPN" : "NOUN");
      e.xpos.push_back(name ? "NNP" : "NN");
    }
    return e;
  };
  std::vector<NerExample> examples;
  for (const auto& s : *train) examples.push_back(example(s));
  GazetteerMatcher no_gazetteers;
  std::vector<std::vector<std::string>> outputs[2];
  for (int k = 0; k < 2; ++k) {
    NerTrainOptions options;
    options.epochs = 3;
    options.feature_set = k == 0 ? 2 : 3;
    auto model = TrainRecognizer(examples, no_gazetteers, options);
    ASSERT_TRUE(model.ok()) << model.status();
    EXPECT_EQ(model->pair_weights().num_classes() > 0, k == 1);
    auto recognizer = EntityRecognizer::FromProto(*model, &no_gazetteers);
    ASSERT_TRUE(recognizer.ok()) << recognizer.status();
    for (const auto& s : *dev) {
      NerExample e = example(s);
      std::vector<std::string_view> w(e.words.begin(), e.words.end()),
          u(e.upos.begin(), e.upos.end()), x(e.xpos.begin(), e.xpos.end());
      outputs[k].push_back(recognizer->Recognize(w, u, x));
    }
  }
  size_t entities = 0;
  for (size_t i = 0; i < dev->size(); ++i) {
    EXPECT_EQ(outputs[0][i], outputs[1][i]) << "dev sentence " << i;
    entities += BioToSpans(outputs[1][i]).size();
  }
  EXPECT_GT(entities, 100u);  // the comparison is not vacuous
}

// Every feature set still trains and decodes (older models keep running),
// and a set newer than the build is refused with a message naming it.
TEST(RecognizerFeatureSetTest, EverySetLearnsToyDataAndUnknownSetsAreRefused) {
  auto example = [](std::vector<std::string> words, std::vector<std::string> tags) {
    NerExample e;
    e.words = std::move(words);
    e.tags = std::move(tags);
    for (const std::string& w : e.words) {
      const bool name = std::isupper(static_cast<unsigned char>(w[0]));
      e.upos.push_back(name ? "PROPN" : "NOUN");
      e.xpos.push_back(name ? "NNP" : "NN");
    }
    return e;
  };
  std::vector<NerExample> train = {
      example({"Minister", "Salvador", "Cienfuegos", "left", "Mexico"},
              {"O", "B-PERSON", "I-PERSON", "O", "B-LOC"}),
      example({"the", "Drug", "Enforcement", "Administration", "arrested", "him"},
              {"O", "B-ORG", "I-ORG", "I-ORG", "O", "O"}),
      example({"agents", "went", "to", "Mexico"}, {"O", "O", "O", "B-LOC"}),
  };
  GazetteerMatcher no_gazetteers;
  for (uint32_t set = 0; set <= kNerFeatureSet; ++set) {
    NerTrainOptions options;
    options.epochs = 8;
    options.feature_set = set;
    auto model = TrainRecognizer(train, no_gazetteers, options);
    ASSERT_TRUE(model.ok()) << model.status();
    EXPECT_EQ(model->feature_set(), set);
    auto recognizer = EntityRecognizer::FromProto(*model, &no_gazetteers);
    ASSERT_TRUE(recognizer.ok()) << recognizer.status();
    for (const NerExample& e : train) {
      std::vector<std::string_view> w(e.words.begin(), e.words.end()),
          u(e.upos.begin(), e.upos.end()), x(e.xpos.begin(), e.xpos.end());
      EXPECT_EQ(recognizer->Recognize(w, u, x), e.tags) << "feature set " << set;
    }
    if (set == kNerFeatureSet) {
      model->set_feature_set(kNerFeatureSet + 1);
      auto refused = EntityRecognizer::FromProto(*model, &no_gazetteers);
      ASSERT_FALSE(refused.ok());
      EXPECT_NE(
          refused.status().message().find("feature set " + std::to_string(kNerFeatureSet + 1)),
          std::string::npos)
          << refused.status();
    }
  }
}

// In lower-cased text only the capitalisation statistics tell a name from a
// noun; the table is kept in the model and used for unseen words.
TEST(TaggerCapitalizationTest, TellsNamesFromNounsInLowerCase) {
  auto sentence = [](const std::string& word, const std::string& upos, const std::string& xpos) {
    ConlluSentence s;
    for (const auto& [form, u, x] :
         std::vector<std::tuple<std::string, std::string, std::string>>{{"i", "PRON", "PRP"},
                                                                        {"met", "VERB", "VBD"},
                                                                        {word, upos, xpos},
                                                                        {".", "PUNCT", "."}}) {
      ConlluToken t;
      t.form = form;
      t.upos = u;
      t.xpos = x;
      s.tokens.push_back(t);
    }
    return s;
  };
  TaggerTrainOptions options;
  options.epochs = 5;
  std::vector<ConlluSentence> train;
  const std::vector<std::string> names = {"bob", "carol", "dave", "erin", "frank", "grace"};
  const std::vector<std::string> nouns = {"dog", "man", "girl", "crowd", "team", "nurse"};
  for (const auto& n : names) {
    train.push_back(sentence(n, "PROPN", "NNP"));
    options.capitalization[n] = 4;
  }
  for (const auto& n : nouns) {
    train.push_back(sentence(n, "NOUN", "NN"));
    options.capitalization[n] = 0;
  }
  options.capitalization["alice"] = 4;
  options.capitalization["cat"] = 0;
  auto model = TrainTagger(train, options);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ(model->cap_words_size(), 14);
  auto tagger = Tagger::FromProto(*model);
  ASSERT_TRUE(tagger.ok()) << tagger.status();
  ConlluSentence alice = sentence("alice", "", ""), cat = sentence("cat", "", "");
  tagger->Tag(alice);
  tagger->Tag(cat);
  EXPECT_EQ(alice.tokens[2].upos, "PROPN");
  EXPECT_EQ(cat.tokens[2].upos, "NOUN");
}

}  // namespace
}  // namespace kg::core
