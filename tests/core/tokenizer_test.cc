#include "core/tokenizer.h"

#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kg::core {
namespace {

using ::testing::ElementsAre;

std::vector<std::string> Texts(std::string_view s) {
  std::vector<std::string> out;
  for (const Token& t : Tokenize(s)) out.push_back(t.text);
  return out;
}

TEST(TokenizerTest, EmptyAndBlank) {
  EXPECT_TRUE(Tokenize("").empty());
  EXPECT_TRUE(Tokenize(" \n\t  ").empty());
}

TEST(TokenizerTest, OffsetsCutTheSource) {
  std::string s = "  Mexican President Andrés Manuel López Obrador met “virtually” with Biden.\n";
  for (const Token& t : Tokenize(s)) {
    EXPECT_EQ(s.substr(t.begin, t.end - t.begin), t.text);
  }
  EXPECT_THAT(Texts(s), ElementsAre("Mexican", "President", "Andrés", "Manuel", "López", "Obrador",
                                    "met", "“", "virtually", "”", "with", "Biden", "."));
}

TEST(TokenizerTest, SpaceAfter) {
  auto tokens = Tokenize("Hi, you.");
  ASSERT_EQ(tokens.size(), 4u);
  EXPECT_FALSE(tokens[0].space_after);
  EXPECT_TRUE(tokens[1].space_after);
  EXPECT_FALSE(tokens[2].space_after);
  EXPECT_FALSE(tokens[3].space_after);
}

TEST(TokenizerTest, Clitics) {
  EXPECT_THAT(Texts("I don't know, can't say, won't go."),
              ElementsAre("I", "do", "n't", "know", ",", "ca", "n't", "say", ",", "wo", "n't", "go",
                          "."));
  EXPECT_THAT(Texts("Biden's plan; they're here; we've, I'll, she'd, I'm"),
              ElementsAre("Biden", "'s", "plan", ";", "they", "'re", "here", ";", "we", "'ve", ",",
                          "I", "'ll", ",", "she", "'d", ",", "I", "'m"));
  EXPECT_THAT(Texts("the United States’ approach and Mexico’s"),
              ElementsAre("the", "United", "States", "’", "approach", "and", "Mexico", "’s"));
  EXPECT_THAT(Texts("O'Brien isn't gonna, cannot"),
              ElementsAre("O'Brien", "is", "n't", "gon", "na", ",", "can", "not"));
}

TEST(TokenizerTest, Hyphens) {
  EXPECT_THAT(Texts("Al-Zaman Trump-era e-mail co-workers Ex-Defense"),
              ElementsAre("Al", "-", "Zaman", "Trump", "-", "era", "e-mail", "co-workers",
                          "Ex-Defense"));
  EXPECT_THAT(Texts("in 2016-17 and 1969-1970"),
              ElementsAre("in", "2016", "-", "17", "and", "1969", "-", "1970"));
  EXPECT_THAT(Texts("wait -- no"), ElementsAre("wait", "--", "no"));
}

TEST(TokenizerTest, Abbreviations) {
  EXPECT_THAT(Texts("U.S. President Dr. Smith, Gen. Lee (Jan. 5) e.g. this"),
              ElementsAre("U.S.", "President", "Dr.", "Smith", ",", "Gen.", "Lee", "(", "Jan.",
                          "5", ")", "e.g.", "this"));
  EXPECT_THAT(Texts("by Michael D. Shear and J. R. Smith"),
              ElementsAre("by", "Michael", "D.", "Shear", "and", "J.", "R.", "Smith"));
  EXPECT_THAT(Texts("He left. She stayed."), ElementsAre("He", "left", ".", "She", "stayed", "."));
  EXPECT_THAT(Texts("Acme Inc. said"), ElementsAre("Acme", "Inc.", "said"));
}

TEST(TokenizerTest, Numbers) {
  EXPECT_THAT(Texts("$4 billion, 1,100 cases, 3.5%, 1,000,000 at 10:30 on 03/18/21."),
              ElementsAre("$", "4", "billion", ",", "1,100", "cases", ",", "3.5", "%", ",",
                          "1,000,000", "at", "10:30", "on", "03/18/21", "."));
  EXPECT_THAT(Texts("€20 and £5"), ElementsAre("€", "20", "and", "£", "5"));
  EXPECT_THAT(Texts("and/or"), ElementsAre("and", "/", "or"));
}

TEST(TokenizerTest, Punctuation) {
  EXPECT_THAT(Texts("Wait... really?! “Remain in Mexico” (MPP)"),
              ElementsAre("Wait", "...", "really", "?", "!", "“", "Remain", "in", "Mexico", "”",
                          "(", "MPP", ")"));
  EXPECT_THAT(Texts("\"Yes,\" he said…"),
              ElementsAre("\"", "Yes", ",", "\"", "he", "said", "…"));
}

TEST(TokenizerTest, UrlsAndEmails) {
  EXPECT_THAT(Texts("See https://example.org/a?b=c, or mail jane.doe@state.gov."),
              ElementsAre("See", "https://example.org/a?b=c", ",", "or", "mail",
                          "jane.doe@state.gov", "."));
  EXPECT_THAT(Texts("(www.dea.gov)"), ElementsAre("(", "www.dea.gov", ")"));
}

TEST(TokenizerTest, InvalidUtf8IsSkipped) {
  std::string s = "ab\xff" "cd \xc3 e\xe2\x82";
  auto tokens = Tokenize(s);
  std::vector<std::string> texts;
  for (const Token& t : tokens) {
    texts.push_back(t.text);
    EXPECT_EQ(s.substr(t.begin, t.end - t.begin), t.text);
  }
  EXPECT_THAT(texts, ElementsAre("ab", "cd", "e"));
}

TEST(TokenizerTest, RandomBytesNeverCrashAndSpansHold) {
  std::mt19937 rng(7);
  for (int round = 0; round < 200; ++round) {
    std::string s(static_cast<size_t>(rng() % 300), '\0');
    for (char& c : s) c = static_cast<char>(rng() % 256);
    uint32_t last_end = 0;
    for (const Token& t : Tokenize(s)) {
      ASSERT_LT(t.begin, t.end);
      ASSERT_LE(t.end, s.size());
      ASSERT_GE(t.begin, last_end);
      ASSERT_EQ(s.substr(t.begin, t.end - t.begin), t.text);
      last_end = t.end;
    }
  }
}

}  // namespace
}  // namespace kg::core
