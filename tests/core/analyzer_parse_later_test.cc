// Analyze(text, /*parse=*/false) followed by ParseSentence() on a sentence
// must give that sentence the very tree Analyze(text) gives it: extraction
// relies on it to parse only the sentences with mentions.

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "core/analyzer.h"
#include "gtest/gtest.h"

namespace kg::core {
namespace {

const std::string kModel = std::string(KG_SOURCE_DIR) + "/models/en.kgm";

std::string Columns(const Sentence& s) {
  std::string out;
  for (const Token& t : s.tokens) {
    out += t.text + "\t" + t.upos + "\t" + t.xpos + "\t" + t.lemma + "\t" +
           std::to_string(t.head) + "\t" + t.deprel + "\t" + t.ner + "\n";
  }
  return out;
}

TEST(AnalyzerParseLaterTest, ParseSentenceGivesTheTreesOfAFullAnalysis) {
  if (!std::filesystem::exists(kModel)) GTEST_SKIP() << kModel << " not found";
  auto analyzer = Analyzer::Load(kModel);
  ASSERT_TRUE(analyzer.ok()) << analyzer.status();
  std::ifstream in(std::string(KG_SOURCE_DIR) + "/../shared/data/seed/us-mexico-cooperation-2021-03-18.txt");
  std::stringstream seed;
  seed << in.rdbuf();
  // The seed, then one "sentence" long enough to be cut into pieces.
  // Without ../shared (a checkout elsewhere), a dozen sentences of our own.
  std::string text = seed.str();
  if (text.empty()) {
    for (int i = 0; i < 6; ++i) {
      text += "The DEA met Mexican officials in Mexico City. ";
      text += "Human Rights Watch said the Merida Initiative failed to stop arms trafficking. ";
    }
  }
  text += "\n\n";
  for (int i = 0; i < 300; ++i) text += "Mexico, Canada and Peru signed it ";
  text += ".\n";

  Analysis full = (*analyzer)->Analyze(text);
  Analysis later = (*analyzer)->Analyze(text, /*parse=*/false);
  ASSERT_EQ(full.sentences.size(), later.sentences.size());
  ASSERT_GT(full.sentences.back().tokens.size(), Analyzer::kMaxSentenceTokens);
  int parsed = 0;
  for (size_t s = 0; s < later.sentences.size(); ++s) {
    for (const Token& t : later.sentences[s].tokens) {
      ASSERT_EQ(t.head, -1);
      ASSERT_TRUE(t.deprel.empty());
    }
    // Every other sentence, and the long one, parsed afterwards.
    if (s % 2 == 1 || s + 1 == later.sentences.size()) {
      (*analyzer)->ParseSentence(later.sentences[s]);
      EXPECT_EQ(Columns(later.sentences[s]), Columns(full.sentences[s])) << "sentence " << s;
      ++parsed;
    } else {
      Sentence unparsed = full.sentences[s];
      for (Token& t : unparsed.tokens) {
        t.head = -1;
        t.deprel.clear();
      }
      EXPECT_EQ(Columns(later.sentences[s]), Columns(unparsed)) << "sentence " << s;
    }
  }
  EXPECT_GT(parsed, 5);
}

}  // namespace
}  // namespace kg::core
