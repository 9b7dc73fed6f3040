// The shipped model (models/en.kgm): loads, tags the seed's hard cases, and
// survives hostile input. Skipped, with the reason, if the model is missing.

#include "core/analyzer.h"

#include <filesystem>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "core/arc_hybrid.h"
#include "core/model_file.h"
#include "core/parser_features.h"
#include "gtest/gtest.h"

namespace kg::core {
namespace {

const std::string kModel = std::string(KG_SOURCE_DIR) + "/models/en.kgm";

// Entity spans of an analysis as "TYPE:text".
std::vector<std::string> Entities(std::string_view text, const Analysis& a) {
  std::vector<std::string> out;
  for (const Sentence& s : a.sentences) {
    for (size_t i = 0; i < s.tokens.size(); ++i) {
      if (s.tokens[i].ner.rfind("B-", 0) != 0) continue;
      size_t j = i + 1;
      while (j < s.tokens.size() && s.tokens[j].ner.rfind("I-", 0) == 0) ++j;
      uint32_t b = s.tokens[i].begin, e = s.tokens[j - 1].end;
      out.push_back(s.tokens[i].ner.substr(2) + ":" + std::string(text.substr(b, e - b)));
    }
  }
  return out;
}

bool Has(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

std::string Join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += "[" + x + "] ";
  return s;
}

class AnalyzerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!std::filesystem::exists(kModel)) return;
    auto a = Analyzer::Load(kModel);
    ASSERT_TRUE(a.ok()) << a.status();
    analyzer_ = a->release();
  }
  static void TearDownTestSuite() {
    delete analyzer_;
    analyzer_ = nullptr;
  }
  void SetUp() override {
    if (analyzer_ == nullptr)
      GTEST_SKIP() << kModel << " not found: run kg-train (models/README.md)";
  }
  static const Analyzer* analyzer_;
};

const Analyzer* AnalyzerTest::analyzer_ = nullptr;

const char kSeedText[] =
    "On March 1, Mexican President Andrés Manuel López Obrador met virtually with U.S. "
    "President Joe Biden. AMLO had also discussed immigration with U.S. Secretary of State "
    "Antony Blinken. In October 2020, agents of the Drug Enforcement Administration (DEA) "
    "arrested Ex-Defense Minister Salvador Cienfuegos in Los Angeles.";

TEST_F(AnalyzerTest, SeedSentences) {
  const std::string text = kSeedText;
  Analysis a = analyzer_->Analyze(text);
  auto e = Entities(text, a);
  EXPECT_TRUE(Has(e, "PERSON:Joe Biden")) << Join(e);
  EXPECT_TRUE(Has(e, "DATE:March 1")) << Join(e);
  EXPECT_TRUE(Has(e, "DATE:October 2020")) << Join(e);
  EXPECT_TRUE(Has(e, "MISC:Mexican")) << Join(e);
  ASSERT_EQ(a.sentences.size(), 3u);
  const auto& t = a.sentences[0].tokens;
  EXPECT_EQ(t[0].upos, "ADP");
  EXPECT_EQ(t[6].text, "Andrés");
  EXPECT_EQ(t[6].upos, "PROPN");
  auto met = std::find_if(t.begin(), t.end(), [](const Token& x) { return x.text == "met"; });
  ASSERT_NE(met, t.end());
  EXPECT_EQ(met->upos, "VERB");
  EXPECT_EQ(met->lemma, "meet");
}

// Issue 4's hard cases: a four-word name with accents, a title before a
// name ("Secretary of State", "Ex-Defense Minister") that must stay out of
// the PERSON span, and an agency with its acronym in parentheses.
TEST_F(AnalyzerTest, SeedHardCases) {
  const std::string text = kSeedText;
  Analysis a = analyzer_->Analyze(text);
  auto e = Entities(text, a);
  EXPECT_TRUE(Has(e, "PERSON:Andrés Manuel López Obrador")) << Join(e);
  EXPECT_TRUE(Has(e, "PERSON:Antony Blinken")) << Join(e);
  EXPECT_TRUE(Has(e, "ORG:Drug Enforcement Administration")) << Join(e);
  EXPECT_TRUE(Has(e, "ORG:DEA")) << Join(e);
  EXPECT_TRUE(Has(e, "PERSON:Salvador Cienfuegos")) << Join(e);
}

// An email header's surname-first name is one person, comma included (as
// UNER marks it), not two (core/name_conventions.h).
TEST_F(AnalyzerTest, SurnameFirstHeaderNameIsOnePerson) {
  const std::string text = "\"Lenhart, Matthew\" <mlenhart@enron.com>\n\n[Tholt, Jane M.]\n";
  Analysis a = analyzer_->Analyze(text);
  auto e = Entities(text, a);
  EXPECT_TRUE(Has(e, "PERSON:Lenhart, Matthew")) << Join(e);
  EXPECT_TRUE(Has(e, "PERSON:Tholt, Jane M.")) << Join(e);
  EXPECT_FALSE(Has(e, "PERSON:Matthew")) << Join(e);
}

TEST_F(AnalyzerTest, EveryTokenIsAnalysed) {
  const std::string text = "The Biden Administration ended the policy. Asylum seekers waited.";
  Analysis a = analyzer_->Analyze(text);
  for (const Sentence& s : a.sentences) {
    int roots = 0;
    for (const Token& t : s.tokens) {
      EXPECT_FALSE(t.upos.empty()) << t.text;
      EXPECT_FALSE(t.xpos.empty()) << t.text;
      EXPECT_FALSE(t.lemma.empty()) << t.text;
      EXPECT_FALSE(t.ner.empty()) << t.text;
      if (analyzer_->has_parser()) {
        EXPECT_LT(t.head, static_cast<int>(s.tokens.size()));
        EXPECT_FALSE(t.deprel.empty());
        roots += t.head < 0;
      }
    }
    if (analyzer_->has_parser()) {
      EXPECT_EQ(roots, 1);
    }
  }
}

// Analyze() recognises a text as one document: the same labels as tagging
// and parsing each sentence, then RecognizeDocument() over all of them.
TEST_F(AnalyzerTest, AnalyzeRecognisesTheTextAsOneDocument) {
  const std::string text = std::string(kSeedText) +
                           " Later the DEA said Cienfuegos had left. Blinken and Biden met "
                           "Obrador. Officials from Mexico met the DEA.";
  Analysis a = analyzer_->Analyze(text);
  Analysis b = analyzer_->Analyze(text);
  std::vector<std::vector<Token>*> document;
  for (Sentence& s : b.sentences) {
    for (Token& t : s.tokens) t.ner.clear();
    document.push_back(&s.tokens);
  }
  analyzer_->RecognizeDocument(document);
  ASSERT_EQ(a.sentences.size(), b.sentences.size());
  for (size_t i = 0; i < a.sentences.size(); ++i) {
    ASSERT_EQ(a.sentences[i].tokens.size(), b.sentences[i].tokens.size());
    for (size_t k = 0; k < a.sentences[i].tokens.size(); ++k) {
      EXPECT_EQ(a.sentences[i].tokens[k].ner, b.sentences[i].tokens[k].ner)
          << a.sentences[i].tokens[k].text;
    }
  }
  auto e = Entities(text, a);
  EXPECT_TRUE(Has(e, "ORG:DEA")) << Join(e);
  EXPECT_TRUE(Has(e, "PERSON:Cienfuegos")) << Join(e);
  EXPECT_TRUE(Has(e, "PERSON:Blinken")) << Join(e);
  EXPECT_TRUE(Has(e, "PERSON:Biden")) << Join(e);
}

TEST_F(AnalyzerTest, HostileInputDoesNotCrash) {
  EXPECT_TRUE(analyzer_->Analyze("").sentences.empty());
  std::mt19937 rng(11);
  for (int round = 0; round < 20; ++round) {
    std::string bytes(2000, '\0');
    for (char& c : bytes) c = static_cast<char>(rng() % 256);
    Analysis a = analyzer_->Analyze(bytes);
    for (const Sentence& s : a.sentences) {
      for (const Token& t : s.tokens) ASSERT_EQ(bytes.substr(t.begin, t.end - t.begin), t.text);
    }
  }
  std::string long_sentence;
  for (int i = 0; i < 10000; ++i) long_sentence += (i % 7 == 0 ? "Mexico " : "and ");
  Analysis a = analyzer_->Analyze(long_sentence);
  size_t tokens = 0;
  for (const Sentence& s : a.sentences) {
    for (const Token& t : s.tokens) {
      ASSERT_FALSE(t.upos.empty());
      ASSERT_LT(t.head, static_cast<int>(s.tokens.size()));
    }
    tokens += s.tokens.size();
  }
  EXPECT_EQ(tokens, 10000u);
}

TEST(AnalyzerLoadTest, RefusesMissingCorruptAndIncompatibleModels) {
  auto missing = Analyzer::Load("/nonexistent/en.kgm");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("/nonexistent/en.kgm"), std::string::npos);

  const std::string dir = ::testing::TempDir();
  const std::string corrupt = dir + "/corrupt.kgm";
  std::ofstream(corrupt) << "this is not a model";
  auto bad = Analyzer::Load(corrupt);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find(corrupt), std::string::npos);

  ModelSet other;
  other.set_version(kModelVersion + 1);
  const std::string newer = dir + "/newer.kgm";
  std::ofstream(newer, std::ios::binary) << other.SerializeAsString();
  auto refused = Analyzer::Load(newer);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("incompatible"), std::string::npos) << refused.status();
}

// The parser's table is built on a second thread: its errors still come
// back, and an error of the other models returns only after that thread is
// done (no crash, no lost thread).
TEST(AnalyzerLoadTest, ErrorsOfTheParserThreadAndBesideItComeBack) {
  ModelSet models;
  models.set_version(kModelVersion);
  models.mutable_tagger()->add_labels("NOUN NN");
  PerceptronModel* tagger_weights = models.mutable_tagger()->mutable_weights();
  tagger_weights->set_num_classes(1);
  tagger_weights->add_features(42);
  tagger_weights->add_row_sizes(1);
  tagger_weights->add_classes(0);
  tagger_weights->add_bf16(0x3f80);  // 1.0
  ParserModel* parser = models.mutable_parser();
  parser->add_labels("root");
  parser->set_feature_version(kParserFeatureVersion);
  parser->mutable_weights()->set_num_classes(NumClasses(1));
  auto ok = Analyzer::FromModelSet(models);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_TRUE((*ok)->has_parser());

  parser->set_feature_version(kParserFeatureVersion + 1);
  auto bad_parser = Analyzer::FromModelSet(models);
  ASSERT_FALSE(bad_parser.ok());
  EXPECT_NE(bad_parser.status().message().find("feature version"), std::string::npos)
      << bad_parser.status();

  parser->set_feature_version(kParserFeatureVersion);
  tagger_weights->set_classes(0, 7);  // out of range
  auto bad_tagger = Analyzer::FromModelSet(models);
  ASSERT_FALSE(bad_tagger.ok());
  EXPECT_NE(bad_tagger.status().message().find("tagger model"), std::string::npos)
      << bad_tagger.status();
}

TEST(AnalyzerLoadTest, DefaultModelPathHonoursEnvironment) {
  // Later tests of this process read $KG_MODEL too: put back what the caller
  // set (a suite run with KG_MODEL=candidate.kgm must test that file).
  const char* outer = std::getenv("KG_MODEL");
  const std::optional<std::string> saved =
      outer != nullptr ? std::optional<std::string>(outer) : std::nullopt;
  setenv("KG_MODEL", "/tmp/some.kgm", 1);
  EXPECT_EQ(Analyzer::DefaultModelPath(), "/tmp/some.kgm");
  unsetenv("KG_MODEL");
  EXPECT_NE(Analyzer::DefaultModelPath().find("en.kgm"), std::string::npos);
  if (saved.has_value()) setenv("KG_MODEL", saved->c_str(), 1);
}

}  // namespace
}  // namespace kg::core
