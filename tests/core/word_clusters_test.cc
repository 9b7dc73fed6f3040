#include "core/word_clusters.h"

#include <map>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace kg::core {
namespace {

// Two kinds of words in two kinds of contexts: places after "flew to",
// foods after "ate". Each kind must share its classes and differ from the
// other kind at the finest granularity; the levels nest.
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

TEST(WordClustersTest, WordsInLikeContextsShareClasses) {
  WordClusterOptions options;
  options.min_count = 5;
  options.context_words = 50;
  options.dimensions = 32;
  options.granularities = {2, 4};
  WordClusterModel model = BuildWordClusters(Corpus(), options);
  ASSERT_EQ(model.granularities_size(), 2);
  WordClusters clusters;
  ASSERT_TRUE(clusters.Load(model));
  const uint16_t* paris = clusters.Find("paris");
  const uint16_t* rome = clusters.Find("rome");
  const uint16_t* bread = clusters.Find("bread");
  const uint16_t* soup = clusters.Find("soup");
  ASSERT_NE(paris, nullptr);
  ASSERT_NE(bread, nullptr);
  ASSERT_NE(rome, nullptr);
  ASSERT_NE(soup, nullptr);
  EXPECT_EQ(paris[0], rome[0]);
  EXPECT_EQ(paris[1], rome[1]);
  EXPECT_EQ(bread[0], soup[0]);
  EXPECT_EQ(bread[1], soup[1]);
  EXPECT_NE(paris[1], bread[1]);
  // Nesting: one fine class never spans two coarse ones.
  std::map<uint32_t, uint32_t> coarse_of;
  for (int i = 0; i < model.words_size(); ++i) {
    auto [it, inserted] = coarse_of.try_emplace(model.ids(2 * i + 1), model.ids(2 * i));
    EXPECT_EQ(it->second, model.ids(2 * i)) << model.words(i);
  }
  EXPECT_EQ(clusters.Find("unseen"), nullptr);

  // Deterministic for a given seed.
  WordClusterModel again = BuildWordClusters(Corpus(), options);
  EXPECT_EQ(model.SerializeAsString(), again.SerializeAsString());
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

}  // namespace
}  // namespace kg::core
