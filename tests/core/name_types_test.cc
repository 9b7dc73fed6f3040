// Corpus name-type table (recogniser feature set 6).

#include "core/name_types.h"

#include <string>
#include <vector>

#include "core/entity_recognizer.h"
#include "gtest/gtest.h"

namespace kg::core {
namespace {

TEST(NameTypeTableTest, SharesOfCapitalisedOccurrencesPerType) {
  NameTypeTable table;
  // "Hezbollah" 4 times capitalised: 3 inside ORG spans, 1 outside.
  for (int i = 0; i < 3; ++i) table.Add({"the", "group", "Hezbollah"}, {"O", "O", "B-ORG"});
  table.Add({"Hezbollah", "said"}, {"O", "O"});
  // "Miramar": a GPE twice, a LOC once (both count as LOC), lower case once (not counted).
  table.Add({"in", "Miramar", ",", "Florida"}, {"O", "B-GPE", "O", "B-GPE"});
  table.Add({"Miramar", "Beach"}, {"B-LOC", "I-LOC"});
  table.Add({"Miramar"}, {"B-GPE"});
  table.Add({"miramar"}, {"O"});
  table.Add({"Florida"}, {"B-GPE"});  // twice in all: below min_count
  table.Finish(3);
  EXPECT_EQ(table.size(), 2u);
  ASSERT_NE(table.Find("hezbollah"), nullptr);
  EXPECT_EQ(*table.Find("hezbollah"), "P0O3L0M0a");  // 3 of 4: share 0.75, the top bucket
  ASSERT_NE(table.Find("miramar"), nullptr);
  EXPECT_EQ(*table.Find("miramar"), "P0O0L3M0a");
  EXPECT_EQ(table.Find("florida"), nullptr);
  EXPECT_EQ(table.Find("Hezbollah"), nullptr);  // keys are normalised (lower case)

  NerModel proto;
  table.ToProto(&proto);
  ASSERT_EQ(proto.type_words_size(), 2);
  EXPECT_EQ(proto.type_words(0), "hezbollah");  // sorted
  NameTypeTable back;
  ASSERT_TRUE(back.FromProto(proto).ok());
  ASSERT_NE(back.Find("miramar"), nullptr);
  EXPECT_EQ(*back.Find("miramar"), "P0O0L3M0a");
  proto.add_type_words("extra");
  absl::Status bad = back.FromProto(proto);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("name-type"), absl::string_view::npos);
}

NerExample Example(std::vector<std::string> words, std::vector<std::string> tags) {
  NerExample e;
  e.words = std::move(words);
  e.tags = std::move(tags);
  for (const std::string& w : e.words) {
    const bool name = w[0] >= 'A' && w[0] <= 'Z';
    e.upos.push_back(name ? "PROPN" : "NOUN");
    e.xpos.push_back(name ? "NNP" : "NN");
  }
  return e;
}

// The table types names the training data never saw: "Xinhua" and "Azurix"
// share every word feature but their table value.
TEST(NameTypeTableTest, FeatureSetSixTypesUnseenNamesByTheTable) {
  NameTypeTable table;
  for (int i = 0; i < 5; ++i) {
    table.Add({"Alpha", "Beta", "Xinhua", "Azurix"}, {"B-ORG", "B-LOC", "B-ORG", "B-LOC"});
  }
  table.Finish(3);
  std::vector<NerExample> train = {
      Example({"they", "met", "Alpha", "today"}, {"O", "O", "B-ORG", "O"}),
      Example({"they", "met", "Beta", "today"}, {"O", "O", "B-LOC", "O"}),
  };
  GazetteerMatcher no_gazetteers;
  NerTrainOptions options;
  options.epochs = 5;
  options.feature_set = 6;
  options.name_types = table;
  auto model = TrainRecognizer(train, no_gazetteers, options);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ(model->type_words_size(), 4);
  auto recognizer = EntityRecognizer::FromProto(*model, &no_gazetteers);
  ASSERT_TRUE(recognizer.ok()) << recognizer.status();
  auto run = [&](std::string name) {
    const NerExample e = Example({"they", "met", name, "today"}, {});
    std::vector<std::string_view> w(e.words.begin(), e.words.end()),
        u(e.upos.begin(), e.upos.end()), x(e.xpos.begin(), e.xpos.end());
    return recognizer->Recognize(w, u, x)[2];
  };
  EXPECT_EQ(run("Xinhua"), "B-ORG");
  EXPECT_EQ(run("Azurix"), "B-LOC");
}

}  // namespace
}  // namespace kg::core
