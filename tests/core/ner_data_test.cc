#include <filesystem>
#include <string>
#include <vector>

#include "core/conllu.h"
#include "core/gazetteers.h"
#include "core/gum_entities.h"
#include "core/iob2.h"
#include "core/tokenizer.h"
#include "core/value_recognizer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kg::core {
namespace {

using ::testing::ElementsAre;

TEST(Iob2Test, ReadsMapsAndRepairs) {
  auto s = ParseIob2(
      "# sent_id = a-1\n1\tAl\tB-ORG\t-\tx\n2\tZaman\tI-ORG\n3\t:\tO\n4\tAmerican\tB-OTH\n"
      "5\tforces\tB-O\n\n1\tJoe\tB-PER\n2\tBiden\tI-PER\r\n",
      "mem");
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->size(), 2u);
  EXPECT_EQ((*s)[0].id, "a-1");
  EXPECT_THAT((*s)[0].tags, ElementsAre("B-ORG", "I-ORG", "O", "B-MISC", "O"));
  EXPECT_THAT((*s)[1].tags, ElementsAre("B-PERSON", "I-PERSON"));
  EXPECT_THAT(BioToSpans((*s)[0].tags), ElementsAre(NerSpan{0, 2, "ORG"}, NerSpan{3, 4, "MISC"}));
}

TEST(Iob2Test, SentencesCarryTheirDocument) {
  auto s = ParseIob2(
      "# newdoc id = d1\n# sent_id = d1-1\n1\tA\tO\n\n1\tB\tO\n\n"
      "# newdoc id = d2\n1\tC\tO\n",
      "mem");
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->size(), 3u);
  EXPECT_EQ((*s)[0].doc_id, "d1");
  EXPECT_EQ((*s)[1].doc_id, "d1");
  EXPECT_EQ((*s)[2].doc_id, "d2");
}

TEST(Iob2Test, ErrorsNameFileAndLine) {
  auto s = ParseIob2("1\tx\tO\n2\ty\n", "f.iob2");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("f.iob2:2:"), std::string::npos) << s.status();
  s = ParseIob2("1\tx\tQ-PER\n", "f.iob2");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("f.iob2:1:"), std::string::npos);
}

TEST(BioTest, StrayInsideStartsASpanAndRoundTrips) {
  std::vector<std::string> tags = {"I-LOC", "I-LOC", "O", "B-PERSON", "B-PERSON"};
  auto spans = BioToSpans(tags);
  EXPECT_THAT(spans,
              ElementsAre(NerSpan{0, 2, "LOC"}, NerSpan{3, 4, "PERSON"}, NerSpan{4, 5, "PERSON"}));
  EXPECT_THAT(SpansToBio(spans, 5), ElementsAre("B-LOC", "I-LOC", "O", "B-PERSON", "B-PERSON"));
}

TEST(GumEntitiesTest, NamedMentionsOverTheirProperNouns) {
  const char* conllu =
      "# sent_id = g-1\n"
      "1\tthe\tthe\tDET\tDT\t_\t2\tdet\t_\tEntity=(1-organization-new-x-cf1-1-sgl\n"
      "2\tUniversity\tUniversity\tPROPN\tNNP\t_\t0\troot\t_\t_\n"
      "3\tof\tof\tADP\tIN\t_\t4\tcase\t_\t_\n"
      "4\tDurham\tDurham\tPROPN\tNNP\t_\t2\tnmod\t_\tEntity=(2-place-new-x-cf2-1-sgl)1)\n"
      "5\tand\tand\tCCONJ\tCC\t_\t7\tcc\t_\t_\n"
      "6\tthe\tthe\tDET\tDT\t_\t7\tdet\t_\tEntity=(3-person-new-x-cf3-1-sgl\n"
      "7\tpainter\tpainter\tNOUN\tNN\t_\t2\tconj\t_\t_\n"
      "8\tZurbarán\tZurbarán\tPROPN\tNNP\t_\t7\tappos\t_\tEntity=3)\n"
      "9\this\this\tPRON\tPRP$\t_\t10\tnmod\t_\tEntity=(4-person-giv-x-cf4-1-sgl)\n"
      "10\twork\twork\tNOUN\tNN\t_\t7\tconj\t_\t_\n\n"
      "# sent_id = g-2\n"
      "1\tU.S.\tU.S.\tPROPN\tNNP\t_\t2\tcompound\t_\tEntity=(5-person-new-x-cf5-1-sgl\n"
      "2\tPresident\tPresident\tPROPN\tNNP\t_\t3\tcompound\t_\t_\n"
      "3\tJoe\tJoe\tPROPN\tNNP\t_\t5\tnsubj\t_\t_\n"
      "4\tBiden\tBiden\tPROPN\tNNP\t_\t3\tflat\t_\tEntity=5)\n"
      "5\tspoke\tspeak\tVERB\tVBD\t_\t0\troot\t_\t_\n\n"
      "# sent_id = g-3\n"
      "1\tthe\tthe\tDET\tDT\t_\t3\tdet\t_\tEntity=(6-place-new-x-cf6-1-sgl\n"
      "2\tUnited\tUnite\tVERB\tNNP\t_\t3\tamod\t_\t_\n"
      "3\tStates\tState\tPROPN\tNNPS\t_\t0\troot\t_\tEntity=6)\n\n";
  auto sents = ParseConllu(conllu, "mem");
  ASSERT_TRUE(sents.ok()) << sents.status();
  NerSentence s = GumNamedEntities((*sents)[0]);
  EXPECT_THAT(s.tags,
              ElementsAre("O", "B-ORG", "I-ORG", "I-ORG", "O", "O", "O", "B-PERSON", "O", "O"));
  // Titles are not part of a person's name.
  EXPECT_THAT(GumNamedEntities((*sents)[1]).tags,
              ElementsAre("O", "O", "B-PERSON", "I-PERSON", "O"));
  // GUM tags "United" VERB but NNP: still a word of the name.
  EXPECT_THAT(GumNamedEntities((*sents)[2]).tags, ElementsAre("O", "B-LOC", "I-LOC"));
}

// A mention not headed by a proper noun is no name (its nested place still
// is); a name stops at a comma; other named things are MISC. The literal
// rule (GumMentionEntities) keeps whole mentions that contain a PROPN.
TEST(GumEntitiesTest, HeadedByAProperNounAndLiteralMentions) {
  const char* conllu =
      "# sent_id = g-3\n"
      "1\tcomputing\tcompute\tNOUN\tNN\t_\t2\tcompound\t_\tEntity=(1-organization-new-x-cf1-1-sgl\n"
      "2\tdepartments\tdepartment\tNOUN\tNNS\t_\t0\troot\t_\t_\n"
      "3\tin\tin\tADP\tIN\t_\t5\tcase\t_\t_\n"
      "4\tNorth\tNorth\tPROPN\tNNP\t_\t5\tcompound\t_\tEntity=(2-place-new-x-cf2-1-sgl\n"
      "5\tAmerica\tAmerica\tPROPN\tNNP\t_\t2\tnmod\t_\tEntity=2)1)\n"
      "6\tat\tat\tADP\tIN\t_\t8\tcase\t_\t_\n"
      "7\tLeiden\tLeiden\tPROPN\tNNP\t_\t8\tcompound\t_\tEntity=(3-organization-new-x-cf3-1-sgl(4-"
      "place-new-x-cf4-1-sgl)\n"
      "8\tUniversity\tUniversity\tPROPN\tNNP\t_\t2\tnmod\t_\t_\n"
      "9\t,\t,\tPUNCT\t,\t_\t10\tpunct\t_\t_\n"
      "10\tNetherlands\tNetherlands\tPROPN\tNNP\t_\t8\tappos\t_\tEntity=(5-place-new-x-cf5-1-sgl)3)"
      "\n"
      "11\tread\tread\tVERB\tVBD\t_\t2\tacl\t_\t_\n"
      "12\tHamlet\tHamlet\tPROPN\tNNP\t_\t11\tobj\t_\tEntity=(6-object-new-x-cf6-1-sgl)\n\n";
  auto sents = ParseConllu(conllu, "mem");
  ASSERT_TRUE(sents.ok()) << sents.status();
  EXPECT_THAT(GumNamedEntities((*sents)[0]).tags,
              ElementsAre("O", "O", "O", "B-LOC", "I-LOC", "O", "B-ORG", "I-ORG", "O", "B-LOC", "O",
                          "B-MISC"));
  EXPECT_THAT(GumMentionEntities((*sents)[0]).tags,
              ElementsAre("B-ORG", "I-ORG", "I-ORG", "I-ORG", "I-ORG", "O", "B-ORG", "I-ORG",
                          "I-ORG", "I-ORG", "O", "O"));
}

TEST(GazetteersTest, CountriesSubdivisionsDemonymsFromDebianData) {
  if (!std::filesystem::exists("/usr/share/wordnet/data.adj") ||
      !std::filesystem::exists("/usr/share/iso-codes/json/iso_3166-1.json")) {
    GTEST_SKIP() << "wordnet-base or iso-codes not installed";
  }
  auto g = BuildGazetteers("/usr/share/iso-codes/json", "/usr/share/wordnet");
  ASSERT_TRUE(g.ok()) << g.status();
  auto has = [](const auto& list, const std::string& name) {
    return std::find(list.begin(), list.end(), name) != list.end();
  };
  EXPECT_TRUE(has(g->countries(), "Mexico"));
  EXPECT_TRUE(has(g->countries(), "Bolivia"));
  EXPECT_TRUE(has(g->subdivisions(), "Chihuahua"));
  EXPECT_TRUE(has(g->demonyms(), "Mexican"));
  EXPECT_TRUE(has(g->demonyms(), "American"));
  EXPECT_FALSE(has(g->demonyms(), "big"));
  GazetteerMatcher m(*g);
  std::vector<std::string> words = {"the", "United", "States", "and", "Mexican", "officials"};
  std::vector<std::string_view> views(words.begin(), words.end());
  auto found = m.Find(views);
  EXPECT_EQ(found[1].kind, GazetteerMatcher::kCountry);
  EXPECT_EQ(found[1].position, 'B');
  EXPECT_EQ(found[2].position, 'L');
  EXPECT_EQ(found[4].kind, GazetteerMatcher::kDemonym);
  EXPECT_EQ(found[0].kind, GazetteerMatcher::kNone);
  EXPECT_TRUE(m.IsPlace({"Mexico"}));
  EXPECT_FALSE(m.IsPlace({"Mexican"}));
}

TEST(GazetteersTest, WordNetNamesCaseFoldingAndNameParts) {
  if (!std::filesystem::exists("/usr/share/wordnet/data.noun") ||
      !std::filesystem::exists("/usr/share/iso-codes/json/iso_3166-1.json")) {
    GTEST_SKIP() << "wordnet-base or iso-codes not installed";
  }
  auto g = BuildGazetteers("/usr/share/iso-codes/json", "/usr/share/wordnet");
  ASSERT_TRUE(g.ok()) << g.status();
  auto has = [](const auto& list, const std::string& name) {
    return std::find(list.begin(), list.end(), name) != list.end();
  };
  EXPECT_TRUE(has(g->places(), "Auckland"));
  EXPECT_TRUE(has(g->people(), "Abraham Lincoln"));
  EXPECT_TRUE(has(g->groups(), "Interpol"));
  EXPECT_FALSE(has(g->places(), "city"));  // common nouns stay out
  GazetteerMatcher m(*g);
  std::vector<std::string> words = {"flew", "to", "auckland", "with", "Interpol", "and", "Abraham"};
  std::vector<std::string_view> views(words.begin(), words.end());
  auto exact = m.Find(views);
  EXPECT_EQ(exact[2].kind, GazetteerMatcher::kNone);  // case-sensitive
  EXPECT_EQ(exact[4].kind, GazetteerMatcher::kGroup);
  auto folded = m.Find(views, /*fold_case=*/true);
  EXPECT_NE(folded[2].kind,
            GazetteerMatcher::kNone);  // a NZ region in ISO 3166-2, a city in WordNet
  EXPECT_EQ(folded[2].position, 'U');
  // Pre-lowered words give the same matches without the copies.
  std::vector<std::string> lower = {"flew", "to", "auckland", "with", "interpol", "and", "abraham"};
  auto prefolded = m.FindFolded(std::vector<std::string_view>(lower.begin(), lower.end()));
  ASSERT_EQ(prefolded.size(), folded.size());
  for (size_t i = 0; i < folded.size(); ++i) {
    EXPECT_EQ(prefolded[i].kind, folded[i].kind) << i;
    EXPECT_EQ(prefolded[i].position, folded[i].position) << i;
  }
  EXPECT_TRUE(m.NameParts("Abraham") & GazetteerMatcher::kGivenName);
  EXPECT_TRUE(m.NameParts("Lincoln") & GazetteerMatcher::kSurname);
  EXPECT_EQ(m.NameParts("with"), 0);
  // Only ISO 3166 names are places for the GPE rule, not WordNet's.
  EXPECT_FALSE(m.IsPlace({"Interpol"}));
}

std::vector<std::string> Values(std::string_view text) {
  std::vector<Token> tokens = Tokenize(text);
  RecognizeValues(tokens);
  std::vector<std::string> out;
  for (const Token& t : tokens) out.push_back(t.ner.empty() ? "O" : t.ner);
  return out;
}

TEST(ValueRecognizerTest, DatesMoneyPercentQuantity) {
  EXPECT_THAT(Values("On March 1, 2021 the U.S. committed $4 billion"),
              ElementsAre("O", "B-DATE", "I-DATE", "I-DATE", "I-DATE", "O", "O", "O", "B-MONEY",
                          "I-MONEY", "I-MONEY"));
  EXPECT_THAT(Values("03/18/21 : 1,100 cases , up 40 percent or 3.5 %"),
              ElementsAre("B-DATE", "O", "O", "O", "O", "O", "B-PERCENT", "I-PERCENT", "O",
                          "B-PERCENT", "I-PERCENT"));
  EXPECT_THAT(Values("in 2020 , 5 tons and 20 pesos ; you may go"),
              ElementsAre("O", "B-DATE", "O", "B-QUANTITY", "I-QUANTITY", "O", "B-MONEY", "I-MONEY",
                          "O", "O", "O", "O"));
}

TEST(ValueRecognizerTest, NamedEntitiesWin) {
  std::vector<Token> tokens = Tokenize("May Smith");
  tokens[0].ner = "B-PERSON";
  tokens[1].ner = "I-PERSON";
  RecognizeValues(tokens);
  EXPECT_EQ(tokens[0].ner, "B-PERSON");
}

}  // namespace
}  // namespace kg::core
