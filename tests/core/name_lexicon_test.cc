// The recogniser's lexicon of training names (feature set 4).

#include "core/name_lexicon.h"

#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kg::core {
namespace {

using ::testing::ElementsAre;

struct Sentence {
  std::string doc;
  std::vector<std::string> words, tags;
};

// "word/TAG ..." with TAG O, B-X or I-X.
Sentence S(const std::string& doc, const std::string& items) {
  Sentence s{doc, {}, {}};
  for (absl::string_view item : absl::StrSplit(items, ' ')) {
    std::vector<std::string> parts = absl::StrSplit(item, '/');
    s.words.push_back(parts[0]);
    s.tags.push_back(parts[1]);
  }
  return s;
}

std::vector<std::string> Annotate(const NameLexicon& lex, const std::string& text,
                                  const NameLexicon::DocumentCounts* minus = nullptr,
                                  std::vector<std::string>* freq_out = nullptr) {
  std::vector<std::string> words_owned = absl::StrSplit(text, ' ');
  std::vector<std::string_view> words(words_owned.begin(), words_owned.end());
  // Two slots of padding before, as the recogniser keeps them.
  std::vector<std::string> out(words.size() + 2, "pad"), freq(words.size() + 2, "pad");
  lex.Annotate(words, minus, out, freq, 2);
  if (freq_out != nullptr) freq_out->assign(freq.begin() + 2, freq.end());
  return std::vector<std::string>(out.begin() + 2, out.end());
}

class NameLexiconTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = {
        S("a", "the/O Drug/B-ORG Enforcement/I-ORG Administration/I-ORG said/O"),
        S("a", "CPA/B-ORG officials/O met/O Bremer/B-PERSON"),
        S("b", "the/O CPA/B-ORG and/O Bremer/B-PERSON"),
        S("b", "Bremer/B-LOC is/O a/O town/O"),
        S("c", "Energy/B-ORG went/O up/O"),
        S("c", "Energy/O prices/O and/O Energy/O policy/O"),
    };
    std::vector<NameLexicon::LabelledSentence> labelled;
    for (const Sentence& s : data_) labelled.push_back({s.doc, &s.words, &s.tags});
    lex_ = NameLexicon::Build(labelled, {"LOC", "ORG", "PERSON"}, &per_doc_);
  }
  std::vector<Sentence> data_;
  NameLexicon lex_;
  absl::flat_hash_map<std::string, NameLexicon::DocumentCounts> per_doc_;
};

TEST_F(NameLexiconTest, MarksTheLongestNameWithItsMajorityTypeAndReliability) {
  EXPECT_EQ(lex_.size(), 4u);  // the DEA's full name, CPA, Bremer, Energy
  std::vector<std::string> freq;
  // ORG is type 1, PERSON 2; "Bremer" is PERSON twice and LOC once.
  EXPECT_THAT(Annotate(lex_, "Drug Enforcement Administration and CPA saw Bremer", nullptr, &freq),
              ElementsAre("B1a", "I1a", "L1a", "-", "U1a", "-", "U2a"));
  EXPECT_THAT(freq, ElementsAre("11", "11", "11", "-", "12", "-", "22"));
  // "Energy" was labelled once and stood unlabelled twice: share 1/3.
  EXPECT_THAT(Annotate(lex_, "Energy rose"), ElementsAre("U1c", "-"));
  // Case-sensitive, and a name's first words alone are not a name.
  EXPECT_THAT(Annotate(lex_, "cpa Drug Enforcement"), ElementsAre("-", "-", "-"));
}

TEST_F(NameLexiconTest, LeavesOneDocumentOut) {
  // Seen from document "a", the DEA's name exists nowhere else, CPA once.
  std::vector<std::string> freq;
  EXPECT_THAT(Annotate(lex_, "Drug Enforcement Administration and CPA", &per_doc_.at("a"), &freq),
              ElementsAre("-", "-", "-", "-", "U1a"));
  EXPECT_THAT(freq, ElementsAre("-", "-", "-", "-", "11"));
  // From "b": Bremer is PERSON once (document a).
  EXPECT_THAT(Annotate(lex_, "Bremer", &per_doc_.at("b"), &freq), ElementsAre("U2a"));
  EXPECT_THAT(freq, ElementsAre("21"));
  // From "c", "Energy" was never labelled.
  EXPECT_THAT(Annotate(lex_, "Energy", &per_doc_.at("c")), ElementsAre("-"));
}

TEST_F(NameLexiconTest, RoundTripsThroughTheModelAndRefusesBadCounts) {
  NerModel model;
  lex_.ToProto(&model);
  NameLexicon read;
  ASSERT_TRUE(read.FromProto(model).ok());
  const std::string text = "the CPA and Drug Enforcement Administration and Energy and Bremer";
  EXPECT_EQ(Annotate(read, text), Annotate(lex_, text));
  model.add_lexicon_counts(1);
  absl::Status bad = read.FromProto(model);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("counts"), absl::string_view::npos) << bad;
  model.mutable_lexicon_counts()->RemoveLast();
  model.add_lexicon_names("CPA");
  for (int i = 0; i < 4; ++i) model.add_lexicon_counts(0);
  bad = read.FromProto(model);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("twice"), absl::string_view::npos) << bad;
}

TEST_F(NameLexiconTest, EmptyInput) {
  EXPECT_TRUE(Annotate(lex_, "").size() == 1);  // one empty word, no name
  NameLexicon none;
  EXPECT_TRUE(none.empty());
  EXPECT_THAT(Annotate(none, "CPA"), ElementsAre("-"));
}

}  // namespace
}  // namespace kg::core
