// The document-level consistency pass over recogniser labels.

#include "core/document_entities.h"

#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kg::core {
namespace {

using ::testing::ElementsAre;

// A sentence from "word/TAG" items (TAG: O, or B-X / I-X); capitalised words
// are tagged PROPN.
std::vector<Token> S(const std::string& items) {
  std::vector<Token> out;
  for (absl::string_view item : absl::StrSplit(items, ' ')) {
    std::vector<std::string> parts = absl::StrSplit(item, '/');
    Token t;
    t.text = parts[0];
    t.ner = parts[1];
    t.upos = t.text[0] >= 'A' && t.text[0] <= 'Z' ? "PROPN" : "NOUN";
    out.push_back(t);
  }
  return out;
}

std::vector<std::string> Tags(const std::vector<Token>& s) {
  std::vector<std::string> out;
  for (const Token& t : s) out.push_back(t.ner);
  return out;
}

void Harmonize(std::vector<std::vector<Token>>& doc, const DocumentEntityOptions& options = {}) {
  std::vector<std::vector<Token>*> ptrs;
  for (auto& s : doc) ptrs.push_back(&s);
  HarmonizeDocumentEntities(ptrs, options);
}

TEST(DocumentEntitiesTest, MinorityTypeTakesTheMajority) {
  std::vector<std::vector<Token>> doc = {S("the/O CPA/B-ORG said/O"), S("in/O the/O CPA/B-ORG"),
                                         S("CPA/B-PERSON staff/O")};
  Harmonize(doc);
  EXPECT_THAT(Tags(doc[2]), ElementsAre("B-ORG", "O"));
  EXPECT_THAT(Tags(doc[0]), ElementsAre("O", "B-ORG", "O"));
}

TEST(DocumentEntitiesTest, TiesAndRetypingOffChangeNothing) {
  std::vector<std::vector<Token>> doc = {S("Miramar/B-LOC is/O"), S("Miramar/B-PERSON was/O")};
  Harmonize(doc);
  EXPECT_THAT(Tags(doc[0]), ElementsAre("B-LOC", "O"));
  EXPECT_THAT(Tags(doc[1]), ElementsAre("B-PERSON", "O"));
  doc.push_back(S("near/O Miramar/B-LOC"));
  DocumentEntityOptions no_retype;
  no_retype.retype = false;
  Harmonize(doc, no_retype);
  EXPECT_THAT(Tags(doc[1]), ElementsAre("B-PERSON", "O"));
  Harmonize(doc);
  EXPECT_THAT(Tags(doc[1]), ElementsAre("B-LOC", "O"));
}

TEST(DocumentEntitiesTest, StandaloneUnlabelledRepeatIsLabelled) {
  std::vector<std::vector<Token>> doc = {
      S("against/O the/O Housing/B-ORG Authority/I-ORG of/I-ORG New/I-ORG Orleans/I-ORG"),
      S("HANO/B-ORG filed/O"),
      S("accuses/O HANO/O of/O violating/O"),    // labelled
      S("reserved/O for/O HANO/O employees/O"),  // labelled
      S("the/O HANO/O Board/O"),                 // part of a longer name: left
      S("the/O hano/O board/O"),                 // another case: left
  };
  DocumentEntityOptions exact;
  exact.case_insensitive = false;
  Harmonize(doc, exact);
  EXPECT_THAT(Tags(doc[2]), ElementsAre("O", "B-ORG", "O", "O"));
  EXPECT_THAT(Tags(doc[3]), ElementsAre("O", "O", "B-ORG", "O"));
  EXPECT_THAT(Tags(doc[4]), ElementsAre("O", "O", "O"));
  EXPECT_THAT(Tags(doc[5]), ElementsAre("O", "O", "O"));
  // Folding case (the default) labels a standalone repeat in another case.
  doc[5] = S("by/O hano/O ./O");
  doc[5][1].upos = "PROPN";
  Harmonize(doc, exact);
  EXPECT_THAT(Tags(doc[5]), ElementsAre("O", "O", "O"));
  Harmonize(doc);
  EXPECT_THAT(Tags(doc[5]), ElementsAre("O", "B-ORG", "O"));
}

TEST(DocumentEntitiesTest, UnlabelledRepeatsCanOutvoteALabel) {
  std::vector<std::vector<Token>> doc = {S("on/O Wednesday/B-PERSON"), S("by/O Wednesday/O"),
                                         S("until/O Wednesday/O"), S("after/O Wednesday/O")};
  DocumentEntityOptions half;
  half.unlabelled_weight = 0.5;
  Harmonize(doc, half);  // 1 label against 3 x 0.5
  for (size_t k = 1; k < doc.size(); ++k) EXPECT_THAT(Tags(doc[k]), ElementsAre("O", "O"));
  // The default weight (0.1): ten unlabelled repeats outvote one label,
  // three do not.
  std::vector<std::vector<Token>> many = {S("on/O Wednesday/B-PERSON")};
  for (int k = 0; k < 11; ++k) many.push_back(S("by/O Wednesday/O"));
  Harmonize(many);
  for (size_t k = 1; k < many.size(); ++k) EXPECT_THAT(Tags(many[k]), ElementsAre("O", "O"));
  std::vector<std::vector<Token>> few(many.begin(), many.begin() + 4);
  Harmonize(few);
  for (size_t k = 1; k < few.size(); ++k) EXPECT_THAT(Tags(few[k]), ElementsAre("O", "B-PERSON"));
  DocumentEntityOptions ignore_o;
  ignore_o.unlabelled_weight = 0;
  Harmonize(doc, ignore_o);
  for (size_t k = 1; k < doc.size(); ++k) EXPECT_THAT(Tags(doc[k]), ElementsAre("O", "B-PERSON"));
}

TEST(DocumentEntitiesTest, AcronymsAndPersonNameParts) {
  std::vector<std::vector<Token>> doc = {
      S("the/O Drug/B-ORG Enforcement/I-ORG Administration/I-ORG (/O DEA/O )/O"),
      S("President/O Joe/B-PERSON Biden/I-PERSON"), S("said/O Biden/O ./O"), S("DEA/O agents/O")};
  Harmonize(doc);
  EXPECT_THAT(Tags(doc[0]), ElementsAre("O", "B-ORG", "I-ORG", "I-ORG", "O", "B-ORG", "O"));
  EXPECT_THAT(Tags(doc[2]), ElementsAre("O", "B-PERSON", "O"));
  EXPECT_THAT(Tags(doc[3]), ElementsAre("B-ORG", "O"));
  DocumentEntityOptions none;
  none.acronyms = none.name_parts = false;
  std::vector<std::vector<Token>> again = {
      S("the/O Drug/B-ORG Enforcement/I-ORG Administration/I-ORG (/O DEA/O )/O"),
      S("President/O Joe/B-PERSON Biden/I-PERSON"), S("said/O Biden/O ./O")};
  Harmonize(again, none);
  EXPECT_THAT(Tags(again[0]), ElementsAre("O", "B-ORG", "I-ORG", "I-ORG", "O", "O", "O"));
  EXPECT_THAT(Tags(again[2]), ElementsAre("O", "O", "O"));
}

TEST(DocumentEntitiesTest, PartialOverlapsValuesAndLongestNamesAreRespected) {
  std::vector<std::vector<Token>> doc = {
      S("in/O Mexico/B-LOC"),
      S("in/O Mexico/B-LOC City/O"),
      S("the/O Bank/B-ORG of/I-ORG Mexico/I-ORG"),  // inside another span: left
      S("Mexico/B-DATE 2020/I-DATE"),               // a value: left
      S("Bank/B-ORG of/I-ORG Mexico/I-ORG"),
      S("Bank/O of/O Mexico/B-LOC said/O")};
  Harmonize(doc);
  EXPECT_THAT(Tags(doc[2]), ElementsAre("O", "B-ORG", "I-ORG", "I-ORG"));
  EXPECT_THAT(Tags(doc[3]), ElementsAre("B-DATE", "I-DATE"));
  // The longest name wins at "Bank"; "Mexico" alone in it is not retyped.
  EXPECT_THAT(Tags(doc[5]), ElementsAre("O", "O", "B-LOC", "O"));
  // A typed occurrence of the majority type stays as it is.
  EXPECT_THAT(Tags(doc[1]), ElementsAre("O", "B-LOC", "O"));
}

TEST(DocumentEntitiesTest, EmptyDocumentsAndSentences) {
  std::vector<std::vector<Token>> doc;
  Harmonize(doc);
  doc.push_back({});
  doc.push_back(S("x/O"));
  Harmonize(doc);
  EXPECT_THAT(Tags(doc[1]), ElementsAre("O"));
}

}  // namespace
}  // namespace kg::core
