#include "core/word_clusters.h"

#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/word_features.h"
#include "gtest/gtest.h"

namespace kg::core {
namespace {

// Two kinds of words in two kinds of contexts: places after "flew to",
// foods after "ate some", as running text that ClusterCorpus tokenises and
// splits.
std::vector<std::string> Corpus() {
  const std::vector<std::string> places = {"Paris", "London", "Berlin", "Madrid", "Rome"};
  const std::vector<std::string> foods = {"bread", "rice", "soup", "cheese", "fruit"};
  std::vector<std::string> texts;
  std::string text;
  for (int round = 0; round < 20; ++round) {
    for (const std::string& p : places) text += "We flew to " + p + " in May. ";
    for (const std::string& f : foods) text += "She ate some " + f + " with milk. ";
  }
  texts.push_back(text);
  return texts;
}

TEST(ExchangeClustersTest, WordsInLikeContextsShareClassesFromRunningText) {
  ClusterCorpus corpus;
  for (const std::string& text : Corpus()) corpus.AddText(text);
  ExchangeClusterOptions options;
  options.min_count = 5;
  options.granularities = {4, 12};
  WordClusterModel model = BuildExchangeClusters(corpus, options);
  WordClusters clusters;
  ASSERT_TRUE(clusters.Load(model));
  auto fine = [&](const char* w) {
    const uint16_t* ids = clusters.FindWord(w, NormalizedWord(w));
    EXPECT_NE(ids, nullptr) << w;
    return ids == nullptr ? -1 : static_cast<int>(ids[1]);
  };
  for (const char* place : {"London", "Berlin", "Madrid", "Rome"}) {
    EXPECT_EQ(fine(place), fine("Paris")) << place;
  }
  for (const char* food : {"rice", "soup", "cheese", "fruit"}) {
    EXPECT_EQ(fine(food), fine("bread")) << food;
  }
  EXPECT_NE(fine("Paris"), fine("bread"));
  EXPECT_EQ(clusters.FindWord("Lisbon", "lisbon"), nullptr);
}

TEST(WordClustersTest, RefusesInconsistentModels) {
  WordClusterModel bad;
  bad.add_granularities(4);
  bad.add_words("paris");  // no ids
  WordClusters clusters;
  EXPECT_FALSE(clusters.Load(bad));
  EXPECT_TRUE(clusters.empty());
  WordClusters none;
  EXPECT_TRUE(none.Load(WordClusterModel()));
  EXPECT_EQ(none.Find("paris"), nullptr);
}

// Every sentence is determiner, noun, verb, determiner, noun, full stop, with
// every combination once: the class-bigram objective is best with exactly
// those four classes, which the exchange algorithm must find.
ClusterCorpus GrammarCorpus() {
  const std::vector<std::string> dets = {"the", "a"};
  const std::vector<std::string> nouns = {"cat", "dog", "Bird"};
  const std::vector<std::string> verbs = {"sees", "likes", "chases"};
  ClusterCorpus corpus;
  for (const auto& d1 : dets) {
    for (const auto& n1 : nouns) {
      for (const auto& v : verbs) {
        for (const auto& d2 : dets) {
          for (const auto& n2 : nouns) corpus.AddSentence({d1, n1, v, d2, n2, "."});
        }
      }
    }
  }
  return corpus;
}

TEST(ExchangeClustersTest, FindsTheClassesOfASimpleGrammar) {
  const ClusterCorpus corpus = GrammarCorpus();
  EXPECT_EQ(corpus.num_tokens(), 2u * 3 * 3 * 2 * 3 * 6);
  ExchangeClusterOptions options;
  options.min_count = 1;
  options.granularities = {4, 2};
  WordClusterModel model = BuildExchangeClusters(corpus, options);
  EXPECT_EQ(model.method(), 1u);
  ASSERT_EQ(model.granularities_size(), 2);
  EXPECT_EQ(model.granularities(0), 2u);  // coarsest first
  EXPECT_EQ(model.granularities(1), 4u);
  EXPECT_EQ(model.words_size(), 9);
  WordClusters clusters;
  ASSERT_TRUE(clusters.Load(model));
  auto fine = [&](const char* w) {
    const uint16_t* ids = clusters.FindWord(w, NormalizedWord(w));
    EXPECT_NE(ids, nullptr) << w;
    return ids == nullptr ? -1 : static_cast<int>(ids[1]);
  };
  EXPECT_EQ(fine("the"), fine("a"));
  EXPECT_EQ(fine("cat"), fine("dog"));
  EXPECT_EQ(fine("cat"), fine("Bird"));
  EXPECT_EQ(fine("sees"), fine("likes"));
  EXPECT_EQ(fine("sees"), fine("chases"));
  const std::set<int> distinct = {fine("the"), fine("cat"), fine("sees"), fine(".")};
  EXPECT_EQ(distinct.size(), 4u);
  // The levels nest: one fine class never spans two coarse ones.
  std::map<uint32_t, uint32_t> coarse_of;
  for (int i = 0; i < model.words_size(); ++i) {
    auto [it, inserted] = coarse_of.try_emplace(model.ids(2 * i + 1), model.ids(2 * i));
    EXPECT_EQ(it->second, model.ids(2 * i)) << model.words(i);
  }
  // Deterministic.
  EXPECT_EQ(model.SerializeAsString(), BuildExchangeClusters(corpus, options).SerializeAsString());
}

TEST(ExchangeClustersTest, KeysWordsAsWrittenWithFallbacks) {
  ClusterCorpus corpus;
  for (int i = 0; i < 3; ++i) {
    corpus.AddSentence({"Apple", "sold", "1984", "apple", "pies"});
    corpus.AddSentence({"Paris", "sold", "2001", "cakes"});
  }
  corpus.AddSentence({"once"});
  ExchangeClusterOptions options;
  options.min_count = 2;
  options.granularities = {3};
  WordClusterModel model = BuildExchangeClusters(corpus, options);
  std::set<std::string> words(model.words().begin(), model.words().end());
  // Case kept; years collapsed as NormalizedWord does; rare words left out.
  EXPECT_EQ(words, (std::set<std::string>{"Apple", "apple", "sold", "!YEAR", "pies", "Paris",
                                          "cakes"}));
  WordClusters clusters;
  ASSERT_TRUE(clusters.Load(model));
  const auto* paris = clusters.FindWord("Paris", "paris");
  ASSERT_NE(paris, nullptr);
  EXPECT_EQ(clusters.FindWord("paris", "paris"), paris);  // lower-case web text
  EXPECT_EQ(clusters.FindWord("PIES", "pies"), clusters.FindWord("pies", "pies"));
  EXPECT_EQ(clusters.FindWord("1999", "!YEAR"), clusters.FindWord("2001", "!YEAR"));
  EXPECT_NE(clusters.FindWord("1999", "!YEAR"), nullptr);
  EXPECT_EQ(clusters.FindWord("once", "once"), nullptr);
  EXPECT_EQ(clusters.FindWord("Apple", "apple"), clusters.Find("Apple"));
  EXPECT_NE(clusters.FindWord("Apple", "apple"), clusters.FindWord("apple", "apple"));

  // Lower-cased: one key per NormalizedWord, looked up as the k-means ones.
  ClusterCorpus lower(/*lowercase=*/true);
  for (int i = 0; i < 2; ++i) lower.AddSentence({"Apple", "sold", "apple", "pies", "1984"});
  WordClusterModel folded = BuildExchangeClusters(lower, options);
  EXPECT_EQ(folded.method(), 0u);
  std::set<std::string> keys(folded.words().begin(), folded.words().end());
  EXPECT_EQ(keys, (std::set<std::string>{"apple", "sold", "pies", "!YEAR"}));
  WordClusters folded_clusters;
  ASSERT_TRUE(folded_clusters.Load(folded));
  EXPECT_EQ(folded_clusters.FindWord("APPLE", "apple"), folded_clusters.Find("apple"));
}

}  // namespace
}  // namespace kg::core
