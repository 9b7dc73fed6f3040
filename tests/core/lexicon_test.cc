// Lexicon answers, and the per-thread memo behind the lemma and class
// look-ups: a memoised answer must equal the first one, per lexicon and per
// thread, also after the memo fills and starts over.

#include "core/lexicon.h"

#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace kg::core {
namespace {

// Everything the memo answers for one word, as one comparable string.
std::string Answers(const Lexicon& lex, const std::string& w) {
  std::string out = lex.NounLemma(w) + "|" + lex.VerbLemma(w) + "|";
  for (bool b : {lex.IsNoun(w), lex.IsVerbForm(w), lex.IsFunctionWord(w), lex.IsTitleWord(w),
                 lex.IsRoleNoun(w), lex.IsNominalization(w)}) {
    out += b ? '1' : '0';
  }
  const std::string* country = lex.CountryOfDemonym(w);
  out += "|" + std::to_string(static_cast<int>(lex.HeadType(w))) + "|" +
         (country == nullptr ? "-" : *country);
  return out;
}

const std::vector<std::string>& Words() {
  static const auto* words = new std::vector<std::string>{
      "kidnappings", "committed", "met", "authorities", "the", "however", "without",
      "cartel", "cartels", "trafficking", "Ministers", "ministers", "President",
      "Mexican", "Initiative", "council", "studies", "running", "officials", "and"};
  return *words;
}

TEST(LexiconTest, KnownLemmasAndClasses) {
  const Lexicon& lex = DefaultLexicon();
  ASSERT_TRUE(lex.has_wordnet()) << "needs Debian's wordnet-base";
  EXPECT_EQ(lex.NounLemma("kidnappings"), "kidnapping");
  EXPECT_EQ(lex.NounLemma("cartel"), "cartel");
  EXPECT_EQ(lex.VerbLemma("committed"), "commit");
  EXPECT_EQ(lex.VerbLemma("met"), "meet");
  EXPECT_EQ(lex.VerbLemma("cartel"), "");
  EXPECT_TRUE(lex.IsNoun("authorities"));
  EXPECT_TRUE(lex.IsVerbForm("running"));
  for (const char* w : {"the", "however", "without", "must", "and", "they"}) {
    EXPECT_TRUE(lex.IsFunctionWord(w)) << w;
  }
  for (const char* w : {"cartel", "trafficking", "minister"}) {
    EXPECT_FALSE(lex.IsFunctionWord(w)) << w;
  }
  EXPECT_TRUE(lex.IsTitleWord("President"));
  EXPECT_TRUE(lex.IsRoleNoun("Ministers"));
  EXPECT_FALSE(lex.IsRoleNoun("cartels"));
  EXPECT_EQ(lex.HeadType("Initiative"), PROGRAM);
  EXPECT_EQ(lex.HeadType("council"), ORG);
  ASSERT_NE(lex.CountryOfDemonym("Mexican"), nullptr);
  EXPECT_EQ(*lex.CountryOfDemonym("Mexican"), "Mexico");
  EXPECT_EQ(lex.CountryOfDemonym("mexican"), nullptr);
  EXPECT_TRUE(lex.IsNominalization("trafficking"));
}

TEST(LexiconTest, RepeatedLookUpsAnswerTheSame) {
  const Lexicon& lex = DefaultLexicon();
  std::vector<std::string> first;
  for (const std::string& w : Words()) first.push_back(Answers(lex, w));
  for (int round = 0; round < 3; ++round) {
    for (size_t i = 0; i < Words().size(); ++i) {
      EXPECT_EQ(Answers(lex, Words()[i]), first[i]) << Words()[i];
    }
  }
}

// A lexicon without WordNet answers by suffix rules; the memo must not hand
// one lexicon's answers to the other on the same thread.
TEST(LexiconTest, EachLexiconKeepsItsOwnAnswers) {
  const Lexicon& wordnet = DefaultLexicon();
  Lexicon bare("/nonexistent/wordnet", "/nonexistent/iso-codes");
  ASSERT_FALSE(bare.has_wordnet());
  for (int round = 0; round < 2; ++round) {
    EXPECT_EQ(wordnet.VerbLemma("met"), "meet");
    EXPECT_EQ(bare.VerbLemma("met"), "");
    EXPECT_EQ(wordnet.VerbLemma("studied"), "study");
    EXPECT_EQ(bare.VerbLemma("studied"), "study");
    EXPECT_EQ(wordnet.CountryOfDemonym("Mexican") == nullptr, false);
    EXPECT_EQ(bare.CountryOfDemonym("Mexican"), nullptr);
    EXPECT_TRUE(bare.IsNoun("xyzzy"));
    EXPECT_FALSE(wordnet.IsNoun("xyzzy"));
  }
}

TEST(LexiconTest, ThreadsAnswerLikeTheMainThread) {
  const Lexicon& lex = DefaultLexicon();
  std::vector<std::string> expected;
  for (const std::string& w : Words()) expected.push_back(Answers(lex, w));
  std::vector<std::vector<std::string>> got(4);
  std::vector<std::thread> threads;
  for (auto& g : got) {
    threads.emplace_back([&lex, &g] {
      for (int round = 0; round < 2; ++round) {
        g.clear();
        for (const std::string& w : Words()) g.push_back(Answers(lex, w));
      }
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& g : got) EXPECT_EQ(g, expected);
}

// More distinct words than the memo holds: it starts over and still
// answers right.
TEST(LexiconTest, AFullMemoStartsOverAndStillAnswers) {
  const Lexicon& lex = DefaultLexicon();
  std::vector<std::string> expected;
  for (const std::string& w : Words()) expected.push_back(Answers(lex, w));
  for (int i = 0; i < 70000; ++i) lex.NounLemma("zq" + std::to_string(i) + "s");
  EXPECT_EQ(lex.NounLemma("zq12s"), "zq12s");
  for (size_t i = 0; i < Words().size(); ++i) {
    EXPECT_EQ(Answers(lex, Words()[i]), expected[i]) << Words()[i];
  }
}

}  // namespace
}  // namespace kg::core
