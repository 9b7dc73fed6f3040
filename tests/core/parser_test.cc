#include "core/parser.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <iterator>
#include <map>
#include <random>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "core/arc_hybrid.h"
#include "core/conllu.h"
#include "core/parser_features.h"
#include "gtest/gtest.h"

namespace kg::core {
namespace {

const std::string kEwtTrain = std::string(KG_SOURCE_DIR) + "/../shared/data/ud-en-ewt/train.conllu";
const std::string kEwtDev = std::string(KG_SOURCE_DIR) + "/../shared/data/ud-en-ewt/dev.conllu";
const std::string kFixture = std::string(KG_SOURCE_DIR) + "/tests/data/conllu_small.conllu";

// Internal heads (n = root) of a CoNLL-U sentence.
std::vector<int> GoldHeads(const ConlluSentence& s) {
  const int n = static_cast<int>(s.tokens.size());
  std::vector<int> heads;
  for (const ConlluToken& t : s.tokens) heads.push_back(t.head == 0 ? n : t.head - 1);
  return heads;
}

// Runs `choose` from the initial state to the end; returns the heads built.
template <typename Choose>
std::vector<int> RunToEnd(int n, Choose choose) {
  ArcHybridState st(n);
  int steps = 0;
  while (!st.Terminal()) {
    const Move m = choose(st);
    EXPECT_TRUE(st.Can(m));
    st.Apply(m, 0);
    ++steps;
    if (steps > 2 * n + 2) break;
  }
  EXPECT_EQ(steps, 2 * n);
  return std::vector<int>(st.heads().begin(), st.heads().begin() + n);
}

std::vector<ConlluSentence> LoadOrSkip(const std::string& path) {
  auto s = ReadConlluFile(path);
  if (!s.ok()) return {};
  return *std::move(s);
}

TEST(ArcHybridTest, StaticOracleRebuildsProjectiveTrees) {
  auto sents = LoadOrSkip(kEwtDev);
  if (sents.empty()) sents = LoadOrSkip(kFixture);
  ASSERT_FALSE(sents.empty());
  int checked = 0;
  for (const ConlluSentence& s : sents) {
    const std::vector<int> gold = GoldHeads(s);
    if (!IsProjective(gold)) continue;
    const std::vector<int> built =
        RunToEnd(static_cast<int>(gold.size()),
                 [&](const ArcHybridState& st) { return StaticOracle(st, gold); });
    ASSERT_EQ(built, gold) << s.sent_id;
    ++checked;
  }
  EXPECT_GT(checked, 0);
}

TEST(ArcHybridTest, ZeroCostPathsReachTheGoldTree) {
  // Following any zero-cost move (chosen at random) ends in the gold tree
  // when it is projective, and the static oracle's move always costs zero.
  auto sents = LoadOrSkip(kEwtDev);
  if (sents.empty()) sents = LoadOrSkip(kFixture);
  std::mt19937 rng(7);
  int checked = 0;
  for (const ConlluSentence& s : sents) {
    const std::vector<int> gold = GoldHeads(s);
    if (!IsProjective(gold) || checked >= 300) continue;
    const std::vector<int> built =
        RunToEnd(static_cast<int>(gold.size()), [&](const ArcHybridState& st) {
          const MoveCosts c = ComputeCosts(st, gold);
          EXPECT_EQ(c.of(StaticOracle(st, gold)), 0);
          std::vector<Move> zero;
          for (Move m : {Move::kShift, Move::kLeft, Move::kRight}) {
            if (c.of(m) == 0) zero.push_back(m);
          }
          EXPECT_FALSE(zero.empty());
          return zero.empty() ? StaticOracle(st, gold) : zero[rng() % zero.size()];
        });
    ASSERT_EQ(built, gold) << s.sent_id;
    ++checked;
  }
  EXPECT_GT(checked, 0);
}

TEST(ArcHybridTest, DynamicOracleCostsOnHandExample) {
  // "a b c d": a <- b, b <- root, c <- d, d <- b (heads: 1, 4, 3, 1).
  const std::vector<int> gold = {1, 4, 3, 1};
  ArcHybridState st(4);
  st.Apply(Move::kShift, 0);  // stack [a], buffer [b c d root]
  MoveCosts c = ComputeCosts(st, gold);
  EXPECT_EQ(c.left, 0);  // a <- b is gold
  EXPECT_EQ(c.right, kIllegalCost);
  EXPECT_EQ(c.shift, 1);      // a's head b would become unreachable
  st.Apply(Move::kShift, 0);  // stack [a b], buffer [c d root]: a is lost
  c = ComputeCosts(st, gold);
  // LEFT: b <- c loses b's dependent d in the buffer and b's head root.
  EXPECT_EQ(c.left, 2);
  // RIGHT: b <- a loses d and root.
  EXPECT_EQ(c.right, 2);
  EXPECT_EQ(c.shift, 0);      // c's head d is in the buffer: fine
  st.Apply(Move::kShift, 0);  // stack [a b c], buffer [d root]
  c = ComputeCosts(st, gold);
  EXPECT_EQ(c.left, 0);   // c <- d
  EXPECT_EQ(c.right, 1);  // c <- b loses c <- d
  EXPECT_EQ(c.shift, 2);  // d loses its dependent c and its head b
  // Labels: the gold arc with a wrong label costs one more.
  const std::vector<int> labels = {0, 1, 2, 3};
  EXPECT_EQ(ClassCost(st, c, ClassOf(Move::kLeft, 2), gold, labels), 0);
  EXPECT_EQ(ClassCost(st, c, ClassOf(Move::kLeft, 0), gold, labels), 1);
  EXPECT_EQ(ClassCost(st, c, ClassOf(Move::kRight, 2), gold, labels), 1);
}

TEST(ArcHybridTest, RootOnlyAtTheEndAndSingle) {
  ArcHybridState st(2);
  st.Apply(Move::kShift, 0);
  st.Apply(Move::kShift, 0);
  EXPECT_FALSE(st.CanShift());
  EXPECT_FALSE(st.CanLeft());  // two words left: only RIGHT, so one root
  EXPECT_TRUE(st.CanRight());
  st.Apply(Move::kRight, 0);
  EXPECT_TRUE(st.CanLeft());
  st.Apply(Move::kLeft, 0);
  EXPECT_TRUE(st.Terminal());
  EXPECT_EQ(st.head(0), 2);
  EXPECT_EQ(st.head(1), 0);
}

TEST(ArcHybridTest, ProjectivityCheck) {
  EXPECT_TRUE(IsProjective(std::vector<int>{1, 4, 3, 1}));
  EXPECT_FALSE(IsProjective(std::vector<int>{2, 3, 4, 0}));  // 0<-2 crosses 1<-3
}

// A parser trained once on a slice of EWT train, shared by the tests below.
class ParserTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto train = ReadConlluFile(kEwtTrain);
    auto dev = ReadConlluFile(kEwtDev);
    if (!train.ok() || !dev.ok()) return;
    train_ = new std::vector<ConlluSentence>(train->begin(), train->begin() + 2000);
    dev_ = new std::vector<ConlluSentence>(dev->begin(), dev->begin() + 400);
    ParserTrainOptions options;
    options.epochs = 3;
    options.seed = 11;
    auto model = TrainParser(*train_, options);
    ASSERT_TRUE(model.ok()) << model.status();
    model_ = new ParserModel(*std::move(model));
    auto parser = Parser::FromProto(*model_);
    ASSERT_TRUE(parser.ok()) << parser.status();
    parser_ = new Parser(*std::move(parser));
  }
  static void TearDownTestSuite() {
    delete parser_;
    delete model_;
    delete train_;
    delete dev_;
    parser_ = nullptr;
    model_ = nullptr;
    train_ = dev_ = nullptr;
  }
  void SetUp() override {
    if (parser_ == nullptr) GTEST_SKIP() << "UD English-EWT not found next to the repository";
  }

  // Checks that heads form one tree over `tokens` with a single root.
  static void ExpectTree(const std::vector<Token>& tokens) {
    const int n = static_cast<int>(tokens.size());
    int roots = 0;
    for (int i = 0; i < n; ++i) {
      ASSERT_GE(tokens[i].head, -1);
      ASSERT_LT(tokens[i].head, n);
      ASSERT_NE(tokens[i].head, i);
      ASSERT_FALSE(tokens[i].deprel.empty());
      roots += tokens[i].head == -1;
      // Following heads from i reaches the root within n steps (no cycle).
      int h = i, steps = 0;
      while (h != -1 && steps <= n) h = tokens[h].head, ++steps;
      ASSERT_EQ(h, -1) << "cycle through token " << i;
    }
    if (n > 0) {
      EXPECT_EQ(roots, 1);
    }
  }

  // The test model's weights rounded to multiples of 2^-3 (|w| < 32):
  // sums are exact in any order, so Parse takes the cached path.
  static ParserModel RoundedModel() {
    ParserModel rounded = *model_;
    PerceptronModel& w = *rounded.mutable_weights();
    for (int k = 0; k < w.bf16_size(); ++k) {
      const float x = std::bit_cast<float>(w.bf16(k) << 16) * 8.0f;
      const float r = std::clamp(std::round(x), -255.0f, 255.0f) / 8.0f;
      w.set_bf16(k, std::bit_cast<uint32_t>(r) >> 16);
    }
    return rounded;
  }

  static std::vector<ConlluSentence>* train_;
  static std::vector<ConlluSentence>* dev_;
  static ParserModel* model_;
  static Parser* parser_;
};
std::vector<ConlluSentence>* ParserTest::train_ = nullptr;
std::vector<ConlluSentence>* ParserTest::dev_ = nullptr;
ParserModel* ParserTest::model_ = nullptr;
Parser* ParserTest::parser_ = nullptr;

TEST_F(ParserTest, SmallTrainingRunBeatsAttachToPreviousWord) {
  long words = 0, uas = 0, las = 0, baseline = 0;
  for (const ConlluSentence& gold : *dev_) {
    ConlluSentence s = gold;
    for (ConlluToken& t : s.tokens) t.head = -1, t.deprel.clear();
    parser_->Parse(s);
    for (size_t i = 0; i < gold.tokens.size(); ++i) {
      ++words;
      uas += s.tokens[i].head == gold.tokens[i].head;
      las += s.tokens[i].head == gold.tokens[i].head && s.tokens[i].deprel == gold.tokens[i].deprel;
      // Baseline: every word hangs on the previous one, the first on the root.
      baseline += gold.tokens[i].head == static_cast<int>(i);
    }
  }
  const double uas_pct = 100.0 * uas / words;
  const double las_pct = 100.0 * las / words;
  const double baseline_pct = 100.0 * baseline / words;
  EXPECT_GT(uas_pct, baseline_pct + 30) << "UAS " << uas_pct << " baseline " << baseline_pct;
  EXPECT_GT(las_pct, 65.0) << "LAS " << las_pct;
}

TEST_F(ParserTest, TrainingIsDeterministicForASeed) {
  std::vector<ConlluSentence> slice(train_->begin(), train_->begin() + 300);
  ParserTrainOptions options;
  options.epochs = 2;
  options.seed = 5;
  auto a = TrainParser(slice, options);
  auto b = TrainParser(slice, options);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->SerializeAsString(), b->SerializeAsString());
  options.seed = 6;
  auto c = TrainParser(slice, options);
  ASSERT_TRUE(c.ok());
  EXPECT_NE(a->SerializeAsString(), c->SerializeAsString());
}

TEST_F(ParserTest, EpochSnapshotIsTheShorterRunsModel) {
  // kg-train-parser --save-epochs relies on it: the model passed to
  // on_epoch after epoch k is the one a k-epoch run returns, and pruning a
  // pruned model further is pruning the original.
  std::vector<ConlluSentence> slice(train_->begin(), train_->begin() + 150);
  ParserTrainOptions options;
  options.epochs = 3;
  options.seed = 4;
  std::string after_two;
  options.on_epoch = [&](int epoch, const ParserModel& m) {
    if (epoch == 2) after_two = m.SerializeAsString();
  };
  ASSERT_TRUE(TrainParser(slice, options).ok());
  options.epochs = 2;
  options.on_epoch = nullptr;
  auto two = TrainParser(slice, options);
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(two->SerializeAsString(), after_two);

  const int all = two->weights().bf16_size() + two->weights().qweights_size();
  options.max_weights = all / 3;
  auto small = TrainParser(slice, options);
  ASSERT_TRUE(small.ok());
  ParserModel pruned = *two;
  KeepLargestParserWeights(all / 3, pruned);
  EXPECT_EQ(pruned.weights().bf16_size() + pruned.weights().qweights_size(), all / 3);
  EXPECT_EQ(pruned.SerializeAsString(), small->SerializeAsString());
}

TEST_F(ParserTest, WeightBudgetIsRespected) {
  std::vector<ConlluSentence> slice(train_->begin(), train_->begin() + 300);
  ParserTrainOptions options;
  options.epochs = 1;
  options.max_weights = 0;
  auto full = TrainParser(slice, options);
  ASSERT_TRUE(full.ok());
  const int all = full->weights().bf16_size() + full->weights().qweights_size();
  options.max_weights = all / 4;
  auto small = TrainParser(slice, options);
  ASSERT_TRUE(small.ok());
  EXPECT_EQ(small->weights().bf16_size() + small->weights().qweights_size(), all / 4);
  EXPECT_LT(small->weights().features_size(), full->weights().features_size());
  EXPECT_TRUE(Parser::FromProto(*small).ok());
}

TEST_F(ParserTest, ParsesTokensFromTheAnalyzerInterface) {
  // "The agency arrested him ." with tags as the tagger gives them.
  const char* words[][3] = {{"The", "DET", "DT"},
                            {"agency", "NOUN", "NN"},
                            {"arrested", "VERB", "VBD"},
                            {"him", "PRON", "PRP"},
                            {".", "PUNCT", "."}};
  std::vector<Token> tokens;
  for (const auto& w : words) {
    Token t;
    t.text = w[0];
    t.upos = w[1];
    t.xpos = w[2];
    t.lemma = t.text;
    tokens.push_back(t);
  }
  parser_->Parse(tokens);
  ExpectTree(tokens);
  EXPECT_EQ(tokens[2].head, -1);
  EXPECT_EQ(tokens[2].deprel, "root");
  EXPECT_EQ(tokens[1].head, 2);
  EXPECT_EQ(tokens[1].deprel, "nsubj");
  EXPECT_EQ(tokens[3].head, 2);
  EXPECT_EQ(tokens[3].deprel, "obj");
  EXPECT_EQ(tokens[0].head, 1);
}

TEST_F(ParserTest, NeverCrashesOnOddInput) {
  std::vector<Token> empty;
  parser_->Parse(empty);
  EXPECT_TRUE(empty.empty());

  std::vector<Token> one(1);
  parser_->Parse(one);
  ExpectTree(one);

  // 10,000 tokens of one sentence, with tags from the treebank.
  std::vector<Token> longest;
  for (const ConlluSentence& s : *dev_) {
    for (const ConlluToken& t : s.tokens) {
      if (longest.size() == 10000) break;
      Token k;
      k.text = t.form;
      k.upos = t.upos;
      k.xpos = t.xpos;
      k.lemma = t.lemma;
      longest.push_back(k);
    }
  }
  while (longest.size() < 10000) longest.push_back(longest[longest.size() % 100]);
  parser_->Parse(longest);
  ExpectTree(longest);

  // Random bytes as words and tags, including empty strings.
  std::mt19937 rng(3);
  for (int round = 0; round < 50; ++round) {
    std::vector<Token> junk(rng() % 60);
    for (Token& t : junk) {
      for (std::string* f : {&t.text, &t.upos, &t.xpos, &t.lemma}) {
        f->resize(rng() % 6);
        for (char& c : *f) c = static_cast<char>(rng());
      }
    }
    parser_->Parse(junk);
    ExpectTree(junk);
  }
}

TEST_F(ParserTest, RefusesAnIncompatibleModel) {
  ParserModel other = *model_;
  for (uint32_t version : {kMinParserFeatureVersion - 1, kMaxParserFeatureVersion + 1}) {
    other.set_feature_version(version);
    auto p = Parser::FromProto(other);
    ASSERT_FALSE(p.ok());
    EXPECT_NE(p.status().message().find("feature version"), std::string::npos);
  }

  ParserModel broken = *model_;
  broken.mutable_weights()->set_num_classes(3);
  EXPECT_FALSE(Parser::FromProto(broken).ok());
  EXPECT_FALSE(Parser::FromProto(ParserModel()).ok());
}

TEST_F(ParserTest, FeatureGroupsDependOnlyOnTheirParts) {
  // Along parses of dev sentences (random legal moves), each group's keys
  // are the same every time its word and version recur (what RunCached
  // relies on), and the groups together are exactly the full feature set.
  for (uint32_t version = kMinParserFeatureVersion; version <= kMaxParserFeatureVersion;
       ++version) {
    SCOPED_TRACE(testing::Message() << "feature version " << version);
    std::mt19937 rng(9);
    int states = 0, reused = 0;
    for (size_t si = 0; si < dev_->size() && si < 200; ++si) {
      const ConlluSentence& s = (*dev_)[si];
      std::vector<FeatureToken> words;
      for (const ConlluToken& t : s.tokens) {
        words.push_back(MakeFeatureToken(t.form, t.lemma, t.upos, t.xpos));
      }
      words.push_back(RootFeatureToken());
      const int n = static_cast<int>(s.tokens.size());
      ArcHybridState st(n);
      std::map<std::tuple<int, int, int>, std::vector<uint64_t>> seen;
      while (!st.Terminal()) {
        std::vector<uint64_t> all;
        ExtractParserFeatures(st, words, version, all);
        uint64_t keys[kParserFeatureScratch];
        size_t begin[kNumParserFeatureGroups + 1];
        const size_t count = ExtractParserFeatureGroups(st, words, version, ~0u, keys, begin);
        std::vector<uint64_t> grouped(keys, keys + count), sorted_all = all;
        std::sort(grouped.begin(), grouped.end());
        std::sort(sorted_all.begin(), sorted_all.end());
        ASSERT_EQ(grouped, sorted_all);
        const int s0 = st.Stack(0), s1 = st.Stack(1), s2 = st.Stack(2), b0 = st.b0();
        const std::pair<int, int> part[kPfMixed] = {{b0, 0}, {b0, st.NumLeft(b0)},
                                                    {s0, 0}, {s0, s0 >= 0 ? st.NumRight(s0) : 0},
                                                    {s1, 0}, {s1, s1 >= 0 ? st.NumRight(s1) : 0},
                                                    {s2, 0}};
        for (int g = 0; g < kPfMixed; ++g) {
          ASSERT_LE(begin[g + 1] - begin[g], kMaxGroupFeatures);
          std::vector<uint64_t> group(keys + begin[g], keys + begin[g + 1]);
          auto [it, fresh] = seen.try_emplace({g, part[g].first, part[g].second}, group);
          if (!fresh) {
            ASSERT_EQ(it->second, group) << "group " << g << " in sentence " << s.sent_id;
            ++reused;
          }
        }
        ++states;
        std::vector<Move> legal;
        for (Move m : {Move::kShift, Move::kLeft, Move::kRight}) {
          if (st.Can(m)) legal.push_back(m);
        }
        st.Apply(legal[rng() % legal.size()], static_cast<int>(rng() % 40));
      }
    }
    EXPECT_GT(states, 1000);
    EXPECT_GT(reused, states);  // the caches have something to reuse
  }
}

TEST_F(ParserTest, ReadsTheOlderFeatureVersion) {
  // A model trained with the older template set (the shipped models/en.kgm
  // until it is retrained) loads, keeps its version, and parses with its
  // own templates: a state has the old number of keys, not the new one.
  std::vector<ConlluSentence> slice(train_->begin(), train_->begin() + 300);
  ParserTrainOptions options;
  options.epochs = 1;
  options.feature_version = kMinParserFeatureVersion;
  auto old_model = TrainParser(slice, options);
  ASSERT_TRUE(old_model.ok());
  EXPECT_EQ(old_model->feature_version(), kMinParserFeatureVersion);
  auto old_parser = Parser::FromProto(*old_model);
  ASSERT_TRUE(old_parser.ok()) << old_parser.status();
  EXPECT_EQ(old_parser->feature_version(), kMinParserFeatureVersion);
  EXPECT_EQ(parser_->feature_version(), kParserFeatureVersion);

  ArcHybridState st(3);
  std::vector<FeatureToken> words(4, RootFeatureToken());
  std::vector<uint64_t> old_keys, new_keys;
  ExtractParserFeatures(st, words, kMinParserFeatureVersion, old_keys);
  ExtractParserFeatures(st, words, kParserFeatureVersion, new_keys);
  EXPECT_NE(old_keys.size(), new_keys.size());

  // The same training run under the two versions gives different models.
  options.feature_version = kParserFeatureVersion;
  auto new_model = TrainParser(slice, options);
  ASSERT_TRUE(new_model.ok());
  EXPECT_NE(old_model->weights().features_size(), new_model->weights().features_size());
  for (size_t i = 0; i < 50 && i < dev_->size(); ++i) {
    ConlluSentence s = (*dev_)[i];
    old_parser->Parse(s);
    for (const ConlluToken& t : s.tokens) {
      ASSERT_GE(t.head, 0);
      ASSERT_LE(t.head, static_cast<int>(s.tokens.size()));
    }
  }
}

// Dev UAS and LAS (percent) of `parser` on `sentences`.
std::pair<double, double> Attachment(const Parser& parser,
                                     const std::vector<ConlluSentence>& sentences) {
  long words = 0, uas = 0, las = 0;
  for (const ConlluSentence& gold : sentences) {
    ConlluSentence s = gold;
    for (ConlluToken& t : s.tokens) t.head = -1, t.deprel.clear();
    parser.Parse(s);
    for (size_t i = 0; i < gold.tokens.size(); ++i) {
      ++words;
      const bool head = s.tokens[i].head == gold.tokens[i].head;
      uas += head;
      las += head && s.tokens[i].deprel == gold.tokens[i].deprel;
    }
  }
  return {100.0 * uas / std::max(words, 1L), 100.0 * las / std::max(words, 1L)};
}

TEST_F(ParserTest, TwoStageModelPicksMovesThenLabels) {
  // Version 3: a move model of three classes and a label model of one
  // class per label; it parses as well as the one-model version trained
  // on the same data (within a few points on this small run), gives trees,
  // and its cached and plain paths agree on a rounded copy.
  ParserTrainOptions options;
  options.epochs = 5;
  options.feature_version = kTwoStageParserVersion;
  auto model = TrainParser(*train_, options);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ(model->feature_version(), kTwoStageParserVersion);
  EXPECT_EQ(model->weights().num_classes(), 3u);
  EXPECT_EQ(model->label_weights().num_classes(), static_cast<uint32_t>(model->labels_size()));
  auto parser = Parser::FromProto(*model);
  ASSERT_TRUE(parser.ok()) << parser.status();
  EXPECT_EQ(parser->feature_version(), kTwoStageParserVersion);
  const auto [uas, las] = Attachment(*parser, *dev_);
  const auto [base_uas, base_las] = Attachment(*parser_, *dev_);
  EXPECT_GT(uas, base_uas - 3.0);
  EXPECT_GT(las, base_las - 4.0);
  std::cerr << "version 3: UAS " << uas << " LAS " << las << "; version " << kParserFeatureVersion
            << ": UAS " << base_uas << " LAS " << base_las << "\n";

  ParserModel rounded = *model;
  for (PerceptronModel* w : {rounded.mutable_weights(), rounded.mutable_label_weights()}) {
    for (int k = 0; k < w->bf16_size(); ++k) {
      const float x = std::bit_cast<float>(w->bf16(k) << 16) * 8.0f;
      const float r = std::clamp(std::round(x), -255.0f, 255.0f) / 8.0f;
      w->set_bf16(k, std::bit_cast<uint32_t>(r) >> 16);
    }
  }
  auto cached = Parser::FromProto(rounded);
  auto plain = Parser::FromProto(rounded, /*reuse_scores=*/false);
  ASSERT_TRUE(cached.ok() && plain.ok());
  ASSERT_TRUE(cached->reuses_scores());
  for (const ConlluSentence& gold : *dev_) {
    ConlluSentence a = gold, b = gold;
    cached->Parse(a);
    plain->Parse(b);
    for (size_t i = 0; i < gold.tokens.size(); ++i) {
      ASSERT_EQ(a.tokens[i].head, b.tokens[i].head) << gold.sent_id << " token " << i;
      ASSERT_EQ(a.tokens[i].deprel, b.tokens[i].deprel) << gold.sent_id << " token " << i;
    }
    std::vector<Token> tokens(gold.tokens.size());
    for (size_t i = 0; i < tokens.size(); ++i) {
      tokens[i].text = gold.tokens[i].form;
      tokens[i].upos = gold.tokens[i].upos;
      tokens[i].xpos = gold.tokens[i].xpos;
      tokens[i].lemma = gold.tokens[i].lemma;
    }
    parser->Parse(tokens);
    ExpectTree(tokens);
  }

  // A version 3 model without its label model is refused.
  ParserModel no_labels = *model;
  no_labels.clear_label_weights();
  auto refused = Parser::FromProto(no_labels);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("feature version 3"), std::string::npos);
}

TEST(ParserFeaturesTest, LabelFeaturesFillTheirCountAndSeeTheArc) {
  // ExtractLabelFeatures writes exactly kNumLabelFeatures keys, and they
  // depend on the arc: the same words with the head on the other side (a
  // LEFT arc instead of a RIGHT one) give other keys.
  std::vector<FeatureToken> words = {MakeFeatureToken("The", "the", "DET", "DT"),
                                     MakeFeatureToken("dog", "dog", "NOUN", "NN"),
                                     MakeFeatureToken("barks", "bark", "VERB", "VBZ"),
                                     RootFeatureToken()};
  ArcHybridState st(3);
  st.Apply(Move::kShift, -1);
  uint64_t keys[kNumLabelFeatures + 1];
  std::fill(keys, keys + kNumLabelFeatures + 1, uint64_t{0});
  ExtractLabelFeatures(st, words, /*dep=*/0, /*head=*/1, keys);
  EXPECT_EQ(keys[kNumLabelFeatures], 0u);
  EXPECT_NE(keys[kNumLabelFeatures - 1], 0u);
  std::vector<uint64_t> left(keys, keys + kNumLabelFeatures);
  std::sort(left.begin(), left.end());
  EXPECT_EQ(std::unique(left.begin(), left.end()), left.end());  // no template repeats a key
  uint64_t other[kNumLabelFeatures];
  ExtractLabelFeatures(st, words, /*dep=*/1, /*head=*/0, other);
  int same = 0;
  for (size_t i = 0; i < kNumLabelFeatures; ++i) same += other[i] == keys[i];
  EXPECT_EQ(same, 0);
}

TEST_F(ParserTest, CachedRunMatchesPlainRun) {
  // The test model's weights rounded to multiples of 2^-3 (|w| < 32):
  // order-free, so Parse reuses group scores, and must give exactly the
  // trees of the plain path on the same model.
  ParserModel rounded = RoundedModel();
  auto cached = Parser::FromProto(rounded);
  auto plain = Parser::FromProto(rounded, /*reuse_scores=*/false);
  ASSERT_TRUE(cached.ok() && plain.ok());
  ASSERT_TRUE(cached->reuses_scores());
  ASSERT_FALSE(plain->reuses_scores());
  long words = 0, changed_by_rounding = 0;
  for (const ConlluSentence& gold : *dev_) {
    ConlluSentence a = gold, b = gold, c = gold;
    cached->Parse(a);
    plain->Parse(b);
    parser_->Parse(c);
    for (size_t i = 0; i < gold.tokens.size(); ++i) {
      ASSERT_EQ(a.tokens[i].head, b.tokens[i].head) << gold.sent_id << " token " << i;
      ASSERT_EQ(a.tokens[i].deprel, b.tokens[i].deprel) << gold.sent_id << " token " << i;
      changed_by_rounding += a.tokens[i].head != c.tokens[i].head;
      ++words;
    }
  }
  EXPECT_GT(words, 3000);
  // The rounded model is a different model (else the comparison shows
  // nothing about sums that could round).
  EXPECT_GT(changed_by_rounding, 0);
}

TEST(ParserFeaturesTest, TemplateListsAndGroups) {
  // Version 1 has the first 134 templates, version 2 drops 34 and adds 7,
  // version 3's moves use version 2's; version 4 is version 2 less its drop
  // list.
  const std::vector<int> v1 = ParserTemplates(1), v2 = ParserTemplates(2), v4 = ParserTemplates(4);
  EXPECT_EQ(v1.size(), 134u);
  EXPECT_EQ(v1.back(), 134);
  EXPECT_EQ(v2.size(), 107u);
  EXPECT_EQ(ParserTemplates(3), v2);
  EXPECT_EQ(v4.size(), 76u);
  EXPECT_TRUE(std::includes(v2.begin(), v2.end(), v4.begin(), v4.end()));
  EXPECT_EQ(v2.back(), kNumParserTemplates);
  // A state has one key per template.
  ArcHybridState st(3);
  std::vector<FeatureToken> words(4, RootFeatureToken());
  for (uint32_t v : {1u, 2u, 4u}) {
    std::vector<uint64_t> keys;
    ExtractParserFeatures(st, words, v, keys);
    EXPECT_EQ(keys.size(), ParserTemplates(v).size()) << "version " << v;
  }
  EXPECT_EQ(ParserTemplateGroup(1), kPfBuffer);  // the bias
  EXPECT_EQ(ParserTemplateGroup(2), kPfStack0);  // s0's word
  EXPECT_EQ(ParserTemplateGroup(28), kPfMixed);  // s0 and b0 word+tag pairs
  EXPECT_EQ(ParserTemplateGroup(141), kPfStack0);  // s0's word and left label
}

TEST(ParserFeaturesTest, OverrideSkipsAndAddsTemplates) {
  std::vector<FeatureToken> words = {MakeFeatureToken("The", "the", "DET", "DT"),
                                     MakeFeatureToken("dog", "dog", "NOUN", "NN"),
                                     MakeFeatureToken("barks", "bark", "VERB", "VBZ"),
                                     RootFeatureToken()};
  ArcHybridState st(3);
  st.Apply(Move::kShift, -1);
  std::vector<uint64_t> before, skipped, added, after;
  ExtractParserFeatures(st, words, 2, before);
  const std::vector<int> ids = ParserTemplates(2);
  SetParserTemplateOverride({2, 28}, {});
  ExtractParserFeatures(st, words, 2, skipped);
  EXPECT_EQ(ParserTemplates(2).size(), 105u);
  SetParserTemplateOverride({}, {140, 6});  // 6 (s0's lemma): version 1 only
  ExtractParserFeatures(st, words, 2, added);
  SetParserTemplateOverride({}, {});
  ExtractParserFeatures(st, words, 2, after);
  EXPECT_EQ(after, before);
  // The keys of templates 2 and 28 are gone, the rest stay in order.
  const auto at = [&](int id) {
    return std::find(ids.begin(), ids.end(), id) - ids.begin();
  };
  std::vector<uint64_t> expected = before;
  expected.erase(expected.begin() + at(28));
  expected.erase(expected.begin() + at(2));
  EXPECT_EQ(skipped, expected);
  // Template 6 comes in at its place (after 5); 140 was there already.
  ASSERT_EQ(added.size(), before.size() + 1);
  EXPECT_TRUE(std::equal(before.begin(), before.begin() + at(5) + 1, added.begin()));
  EXPECT_TRUE(std::equal(before.begin() + at(5) + 1, before.end(), added.begin() + at(5) + 2));
  EXPECT_EQ(std::find(before.begin(), before.end(), added[at(5) + 1]), before.end());
}

TEST_F(ParserTest, LeanVersionTrainsAsTheOverrideDoes) {
  // Version 4 trains and parses trees with fewer keys per state; and
  // version 2 trained with version 4's drop list and additions as an
  // override gives the same weights (keys do not depend on the version
  // number), which is what kg-train-parser --as-version relies on.
  std::vector<ConlluSentence> slice(train_->begin(), train_->begin() + 300);
  ParserTrainOptions options;
  options.epochs = 1;
  options.feature_version = kLeanParserVersion;
  auto lean = TrainParser(slice, options);
  ASSERT_TRUE(lean.ok()) << lean.status();
  auto parser = Parser::FromProto(*lean);
  ASSERT_TRUE(parser.ok()) << parser.status();
  EXPECT_EQ(parser->feature_version(), kLeanParserVersion);
  for (size_t i = 0; i < 50 && i < dev_->size(); ++i) {
    std::vector<Token> tokens;
    for (const ConlluToken& t : (*dev_)[i].tokens) {
      Token tok;
      tok.text = t.form, tok.lemma = t.lemma, tok.upos = t.upos, tok.xpos = t.xpos;
      tokens.push_back(tok);
    }
    parser->Parse(tokens);
    ExpectTree(tokens);
  }

  const std::vector<int> v2 = ParserTemplates(2), v4 = ParserTemplates(kLeanParserVersion);
  std::vector<int> skip, add;
  std::set_difference(v2.begin(), v2.end(), v4.begin(), v4.end(), std::back_inserter(skip));
  std::set_difference(v4.begin(), v4.end(), v2.begin(), v2.end(), std::back_inserter(add));
  ASSERT_FALSE(skip.empty());
  EXPECT_TRUE(add.empty());
  SetParserTemplateOverride(skip, add);
  options.feature_version = 2;
  auto overridden = TrainParser(slice, options);
  EXPECT_EQ(ParserTemplates(2), v4);
  SetParserTemplateOverride({}, {});
  ASSERT_TRUE(overridden.ok());
  EXPECT_EQ(overridden->weights().SerializeAsString(), lean->weights().SerializeAsString());
}

TEST_F(ParserTest, GroupCountsFollowTheCachedPath) {
  // With counting on, every scored state recomputes the mixed group, and
  // the cached groups are recomputed less often than that. (Weights
  // rounded as in CachedRunMatchesPlainRun, so the cached path is taken.)
  ParserModel rounded = RoundedModel();
  auto cached = Parser::FromProto(rounded);
  ASSERT_TRUE(cached.ok());
  ASSERT_TRUE(cached->reuses_scores());
  EnableParserGroupCounts(true);
  ThreadParserGroupCounts() = {};
  for (size_t i = 0; i < 100 && i < dev_->size(); ++i) {
    ConlluSentence s = (*dev_)[i];
    cached->Parse(s);
  }
  const ParserGroupCounts counts = ThreadParserGroupCounts();
  EnableParserGroupCounts(false);
  EXPECT_GT(counts.states, 500);
  EXPECT_EQ(counts.groups[kPfMixed], counts.states);
  for (int g = 0; g < kPfMixed; ++g) {
    EXPECT_GT(counts.groups[g], 0) << g;
    EXPECT_LT(counts.groups[g], counts.states) << g;
  }
  ThreadParserGroupCounts() = {};
  ConlluSentence s = (*dev_)[0];
  cached->Parse(s);
  EXPECT_EQ(ThreadParserGroupCounts().states, 0);  // off again
}

// A parser model of five labels (11 classes) whose feature r (key r + 1)
// has the row rows[r] of (class, weight) pairs, weights as bf16.
ParserModel HandParser(const std::vector<std::vector<std::pair<int, float>>>& rows) {
  ParserModel m;
  m.set_feature_version(kParserFeatureVersion);
  for (const char* l : {"det", "nsubj", "obj", "punct", "root"}) m.add_labels(l);
  PerceptronModel& w = *m.mutable_weights();
  w.set_num_classes(NumClasses(m.labels_size()));
  for (size_t r = 0; r < rows.size(); ++r) {
    w.add_features(r + 1);
    w.add_row_sizes(static_cast<uint32_t>(rows[r].size()));
    for (const auto& [cls, weight] : rows[r]) {
      w.add_classes(cls);
      w.add_bf16(std::bit_cast<uint32_t>(weight) >> 16);
    }
  }
  return m;
}

// Rows of a hand model as HandParser took them: key -> (class, weight) pairs.
std::map<uint64_t, std::vector<std::pair<int, float>>> RowsOf(const ParserModel& m) {
  std::map<uint64_t, std::vector<std::pair<int, float>>> rows;
  const PerceptronModel& w = m.weights();
  EXPECT_EQ(w.classes_size(), w.bf16_size());
  for (int r = 0, k = 0; r < w.features_size(); ++r) {
    auto& row = rows[w.features(r)];
    for (uint32_t j = 0; j < w.row_sizes(r); ++j, ++k) {
      row.emplace_back(w.classes(k), std::bit_cast<float>(w.bf16(k) << 16));
    }
  }
  return rows;
}

using Row = std::vector<std::pair<int, float>>;

TEST(ParserPruneTest, KeepsTheStrongestFeaturesInTheirOrder) {
  // Sums of |w|: 3, 2.5, 0.5, 2.5; largest |w|: 1, 2.5, 0.5, 2.
  const ParserModel model = HandParser({{{0, 1.0f}, {1, 1.0f}, {2, -1.0f}},
                                        {{0, 2.5f}},
                                        {{1, 0.5f}},
                                        {{2, -2.0f}, {3, 0.5f}}});
  ParserModel by_l1 = model;
  EXPECT_EQ(KeepStrongestParserFeatures(2, FeatureRank::kL1, by_l1), 2);
  // The tie at 2.5 goes to the earlier feature.
  EXPECT_EQ(by_l1.weights().features(0), 1u);
  EXPECT_EQ(by_l1.weights().features(1), 2u);
  EXPECT_EQ(RowsOf(by_l1), (std::map<uint64_t, Row>{{1, {{0, 1.0f}, {1, 1.0f}, {2, -1.0f}}},
                                                    {2, {{0, 2.5f}}}}));

  ParserModel by_max = model;
  EXPECT_EQ(KeepStrongestParserFeatures(2, FeatureRank::kMax, by_max), 2);
  EXPECT_EQ(by_max.weights().features(0), 2u);
  EXPECT_EQ(by_max.weights().features(1), 4u);
  EXPECT_EQ(RowsOf(by_max), (std::map<uint64_t, Row>{{2, {{0, 2.5f}}},
                                                     {4, {{2, -2.0f}, {3, 0.5f}}}}));
  EXPECT_EQ(by_max.labels_size(), model.labels_size());
  EXPECT_EQ(by_max.weights().num_classes(), model.weights().num_classes());
  EXPECT_TRUE(Parser::FromProto(by_max).ok());

  // Within budget (or no budget): unchanged.
  for (int64_t budget : {4, 10, 0}) {
    ParserModel same = model;
    EXPECT_EQ(KeepStrongestParserFeatures(budget, FeatureRank::kL1, same), 0);
    EXPECT_EQ(same.SerializeAsString(), model.SerializeAsString());
  }
}

TEST(ParserPruneTest, TrimsListRowsToTheirLargestWeights) {
  const ParserModel model = HandParser({
      {{0, 0.25f}, {3, -2.0f}, {5, 1.0f}, {7, 0.5f}},               // 2 largest: 80 % of |w|
      {{1, 4.0f}, {2, 0.125f}},                                     // fits the slot already
      {{0, 1}, {1, 1}, {2, 1}, {3, 1}, {4, 0.5f}, {5, 0.5f}},       // longer than max_size
      {{1, 1.0f}, {2, 1.0f}, {4, 1.0f}},                            // 2 largest: 67 %
  });
  ParserModel m = model;
  EXPECT_EQ(TrimParserListRows(4, 2, 0.7, m), 1);
  std::map<uint64_t, Row> want = RowsOf(model);
  want[1] = {{3, -2.0f}, {5, 1.0f}};  // the classes keep their order
  EXPECT_EQ(RowsOf(m), want);

  EXPECT_EQ(TrimParserListRows(4, 2, 0.0, m), 1);
  want[4] = {{1, 1.0f}, {2, 1.0f}};  // ties: the earlier weights
  EXPECT_EQ(RowsOf(m), want);
  EXPECT_EQ(m.weights().features_size(), 4);
  EXPECT_TRUE(Parser::FromProto(m).ok());

  // Nothing to trim: the same model.
  ParserModel same = model;
  EXPECT_EQ(TrimParserListRows(2, 2, 0.0, same), 0);
  EXPECT_EQ(TrimParserListRows(8, 0, 0.0, same), 0);
  EXPECT_EQ(same.SerializeAsString(), model.SerializeAsString());
}

TEST(ParserTrainTest, RefusesInputWithoutTrees) {
  ConlluSentence s;
  s.tokens.resize(2);
  s.tokens[0].form = "a";
  s.tokens[1].form = "b";  // heads -1: no tree
  auto model = TrainParser({s}, ParserTrainOptions());
  EXPECT_FALSE(model.ok());
}

}  // namespace
}  // namespace kg::core
