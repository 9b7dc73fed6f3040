// The lemmatiser's look-ups: exceptions, proper nouns, and the suffix rules
// it tries only at the suffix lengths its tag has rules for, which must
// find the rule trying every length finds.

#include "core/lemmatizer.h"

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "core/word_features.h"
#include "gtest/gtest.h"

namespace kg::core {
namespace {

struct TestRule {
  std::string xpos, suffix;
  uint32_t strip;
  std::string append;
};

// The lemma by the plain procedure: the exception table, proper nouns as
// written, then the longest suffix (5 code points down to none) with a rule
// for "xpos\tsuffix", else the lower-cased word.
std::string Reference(const std::map<std::string, std::string>& table,
                      const std::vector<TestRule>& rules, std::string_view form,
                      std::string_view xpos) {
  std::string lower = Lowercase(form);
  if (auto it = table.find(lower + "\t" + std::string(xpos)); it != table.end()) return it->second;
  if (xpos == "NNP" || xpos == "NNPS") return std::string(form);
  for (int k = 5; k >= 0; --k) {
    const std::string key = std::string(xpos) + "\t" + std::string(Suffix(lower, k));
    for (const TestRule& r : rules) {
      if (r.xpos + "\t" + r.suffix != key || r.strip > lower.size()) continue;
      return lower.substr(0, lower.size() - r.strip) + r.append;
    }
  }
  return lower;
}

TEST(LemmatizerTest, SuffixRulesAreFoundAsByTryingEveryLength) {
  const std::map<std::string, std::string> table = {{"went\tVBD", "go"}, {"mice\tNNS", "mouse"}};
  const std::vector<TestRule> rules = {
      {"NNS", "s", 1, ""},       {"NNS", "ies", 3, "y"},   {"NNS", "", 0, ""},
      {"VBD", "ed", 2, ""},      {"VBD", "ied", 3, "y"},   {"VBG", "ying", 4, "ie"},
      {"NNS", "és", 1, ""},      {"JJR", "rrier", 3, ""},  {"VBZ", "xxxxxx", 1, ""},
      // A tag holding a tab: "A\tb" with suffix "c" is also tag "A" with
      // suffix "b\tc" to a look-up key.
      {"A\tb", "c", 1, "k"},
  };
  LemmaModel model;
  for (const auto& [key, lemma] : table) {
    model.add_keys(key);
    model.add_lemmas(lemma);
  }
  for (const TestRule& r : rules) {
    LemmaModel::Rule* m = model.add_rules();
    m->set_xpos(r.xpos);
    m->set_suffix(r.suffix);
    m->set_strip(r.strip);
    m->set_append(r.append);
  }
  auto lemmatizer = Lemmatizer::FromProto(model);
  ASSERT_TRUE(lemmatizer.ok()) << lemmatizer.status();
  const std::vector<std::pair<std::string, std::string>> words = {
      {"Went", "VBD"},    {"mice", "NNS"},      {"cities", "NNS"},    {"dogs", "NNS"},
      {"sheep", "NNS"},   {"s", "NNS"},         {"ies", "NNS"},       {"carried", "VBD"},
      {"walked", "VBD"},  {"ed", "VBD"},        {"dying", "VBG"},     {"running", "VBG"},
      {"Cafés", "NNS"},   {"és", "NNS"},        {"Mexico", "NNP"},    {"Biden", "NNPS"},
      {"merrier", "JJR"}, {"rrier", "JJR"},     {"fast", "JJ"},       {"xxxxxxx", "VBZ"},
      {"Xb\tc", "A"},     {"b\tc", "A"},        {"c", "A\tb"},        {"", "NNS"},
      {"RUNS", "NNS"},    {"x", "UNKNOWN-TAG"},
  };
  int by_rule = 0;
  for (const auto& [form, xpos] : words) {
    const std::string want = Reference(table, rules, form, xpos);
    EXPECT_EQ(lemmatizer->Lemma(form, xpos), want) << form << " " << xpos;
    by_rule += want != Lowercase(form) && want != form;
  }
  EXPECT_EQ(lemmatizer->Lemma("cities", "NNS"), "city");
  EXPECT_EQ(lemmatizer->Lemma("Xb\tc", "A"), "xb\tk");
  EXPECT_GE(by_rule, 8);  // the words exercised rules, not only the default
}

}  // namespace
}  // namespace kg::core
