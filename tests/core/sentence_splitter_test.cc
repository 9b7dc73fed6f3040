#include "core/sentence_splitter.h"

#include <string>
#include <vector>

#include "core/tokenizer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kg::core {
namespace {

using ::testing::ElementsAre;

std::vector<std::string> Split(std::string_view text) {
  std::vector<std::string> out;
  for (const Sentence& s : SplitSentences(text, Tokenize(text))) {
    out.emplace_back(text.substr(s.begin, s.end - s.begin));
  }
  return out;
}

TEST(SentenceSplitterTest, Empty) {
  EXPECT_TRUE(SplitSentences("", {}).empty());
  EXPECT_TRUE(Split("   \n\n ").empty());
}

TEST(SentenceSplitterTest, Basic) {
  EXPECT_THAT(Split("He met Biden. They talked! Why? Nobody knows"),
              ElementsAre("He met Biden.", "They talked!", "Why?", "Nobody knows"));
}

TEST(SentenceSplitterTest, Abbreviations) {
  EXPECT_THAT(Split("U.S. President Joe Biden met Dr. Smith and Gen. Lee on Jan. 5. It rained."),
              ElementsAre("U.S. President Joe Biden met Dr. Smith and Gen. Lee on Jan. 5.",
                          "It rained."));
  EXPECT_THAT(Split("The money went to the U.S. The rest stayed."),
              ElementsAre("The money went to the U.S.", "The rest stayed."));
  EXPECT_THAT(Split("By Michael D. Shear and Natalie Kitroeff. Published today."),
              ElementsAre("By Michael D. Shear and Natalie Kitroeff.", "Published today."));
}

TEST(SentenceSplitterTest, DecimalsEllipsesQuotes) {
  EXPECT_THAT(Split("It grew 3.5 percent... and then fell. Done."),
              ElementsAre("It grew 3.5 percent... and then fell.", "Done."));
  EXPECT_THAT(Split("He said “no.” Then he left. “Why?” she asked."),
              ElementsAre("He said “no.”", "Then he left.", "“Why?” she asked."));
  EXPECT_THAT(Split("(It ended.) Next one."), ElementsAre("(It ended.)", "Next one."));
}

TEST(SentenceSplitterTest, LineStructure) {
  std::string text =
      "A Gradual Shift Away From Trump-Era Policies\n\nThe meeting represents a shift.\n"
      "Photos: Cuartoscuro and AFP\nThis line wraps\nmid-sentence and continues.";
  EXPECT_THAT(Split(text),
              ElementsAre("A Gradual Shift Away From Trump-Era Policies",
                          "The meeting represents a shift.", "Photos: Cuartoscuro and AFP",
                          "This line wraps\nmid-sentence and continues."));
}

TEST(SentenceSplitterTest, SpansAndTokensAgree) {
  std::string text = "03/18/21 (written by scortez) – On March 1, AMLO met Biden. Fine.";
  auto sentences = SplitSentences(text, Tokenize(text));
  ASSERT_EQ(sentences.size(), 2u);
  size_t count = 0;
  for (const Sentence& s : sentences) {
    ASSERT_FALSE(s.tokens.empty());
    EXPECT_EQ(s.begin, s.tokens.front().begin);
    EXPECT_EQ(s.end, s.tokens.back().end);
    count += s.tokens.size();
  }
  EXPECT_EQ(count, Tokenize(text).size());
}

}  // namespace
}  // namespace kg::core
