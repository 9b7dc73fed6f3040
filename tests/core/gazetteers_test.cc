// GazetteerMatcher's compiled tables (core/gazetteers.h): a model file
// carries its lists compiled, and the matcher that adopts them matches
// exactly as one compiled from the lists at load.

#include "core/gazetteers.h"

#include <string>
#include <string_view>
#include <vector>

#include "core/model_file.h"
#include "gtest/gtest.h"

namespace kg::core {
namespace {

Gazetteers Lists() {
  Gazetteers g;
  for (const char* n : {"United States", "Mexico", "Bolivia"}) g.add_countries(n);
  // "Mexico" again: the first list wins; "New Mexico" shares no first word.
  for (const char* n : {"Mexico", "New Mexico", "Texas"}) g.add_subdivisions(n);
  g.add_demonyms("Mexican");
  g.add_places("Rio Grande");
  for (const char* n : {"Abraham Lincoln", "Benito Juárez", "Apache"}) g.add_people(n);
  g.add_groups("Interpol");
  // Names sharing a first word, longer ones listed after shorter ones.
  for (const char* n : {"New York", "York", "New York City", "St. Louis", "Saint-Denis"}) {
    g.add_cities(n);
  }
  for (const char* n : {"Mozilla", "New York Times", "AT&T"}) g.add_companies(n);
  return g;
}

using Words = std::vector<std::string_view>;

const std::vector<Words>& Texts() {
  static const auto* texts = new std::vector<Words>{
      {"the", "United", "States", "and", "Mexico"},
      {"New", "York", "City", "and", "New", "York", "Times", "in", "New", "Mexico"},
      {"new", "york", "city", "NEW", "MEXICO", "st.", "louis", "Saint-Denis"},
      {"Abraham", "Lincoln", "met", "Benito", "Juárez", "of", "Interpol", "and", "AT&T"},
      {"Mexican", "Rio", "Grande", "Rio", "York"},
      {"New"},
      {},
  };
  return *texts;
}

std::string Describe(const std::vector<GazetteerMatcher::Match>& m) {
  std::string out;
  for (const auto& x : m) {
    out += std::to_string(x.kind);
    out += x.position == 0 ? '-' : static_cast<char>(x.position);
    out += ' ';
  }
  return out;
}

// Every answer of `a` equals `b`'s on the sample texts.
void ExpectSameMatches(const GazetteerMatcher& a, const GazetteerMatcher& b) {
  for (const Words& w : Texts()) {
    EXPECT_EQ(Describe(a.Find(w)), Describe(b.Find(w)));
    EXPECT_EQ(Describe(a.Find(w, /*fold_case=*/true)), Describe(b.Find(w, true)));
    EXPECT_EQ(a.IsPlace(w), b.IsPlace(w));
    for (std::string_view word : w) EXPECT_EQ(a.NameParts(word), b.NameParts(word)) << word;
  }
}

TEST(GazetteerCompileTest, CompiledListsAreAdoptedAndMatchAsTheLists) {
  const Gazetteers g = Lists();
  const GazetteerMatcher from_lists(g);
  EXPECT_FALSE(from_lists.adopted());
  Gazetteers with = g;
  with.set_compiled(GazetteerMatcher::Compile(g));
  EXPECT_EQ(with.compiled(), GazetteerMatcher::Compile(g));  // deterministic
  const GazetteerMatcher adopted(with);
  EXPECT_TRUE(adopted.adopted());
  ExpectSameMatches(adopted, from_lists);

  // What the matcher answers (one case of each rule).
  EXPECT_EQ(Describe(adopted.Find(Texts()[1])), "7B 7I 7L 0- 8B 8I 8L 0- 2B 2L ");
  // Names are matched as tokenised: "Saint-Denis" is three tokens, so the
  // one word does not match it.
  EXPECT_EQ(Describe(adopted.Find(Texts()[2], true)), "7B 7I 7L 2B 2L 7B 7L 0- ");
  EXPECT_EQ(Describe(adopted.Find(Texts()[0])), "0- 1B 1L 0- 1U ");
  EXPECT_TRUE(adopted.IsPlace({"Mexico"}));
  EXPECT_TRUE(adopted.IsPlace({"New", "Mexico"}));
  EXPECT_FALSE(adopted.IsPlace({"New", "York"}));
  EXPECT_FALSE(adopted.IsPlace({"Mexican"}));
  EXPECT_EQ(adopted.NameParts("Abraham"), GazetteerMatcher::kGivenName);
  EXPECT_EQ(adopted.NameParts("Juárez"), GazetteerMatcher::kSurname);
  EXPECT_EQ(adopted.NameParts("Apache"), 0);
  // A sentence's words at once (the recogniser's call) answer as one by one.
  std::vector<uint8_t> parts = {9};
  adopted.NameParts({"Abraham", "Apache", "Juárez", "", "Abraham"}, parts);
  EXPECT_EQ(parts, (std::vector<uint8_t>{GazetteerMatcher::kGivenName, 0,
                                         GazetteerMatcher::kSurname, 0,
                                         GazetteerMatcher::kGivenName}));

  // A copy shares the tables and answers the same.
  const GazetteerMatcher copy = adopted;
  ExpectSameMatches(copy, from_lists);
}

TEST(GazetteerCompileTest, KindListsAreCompiledAndAdopted) {
  Gazetteers g = Lists();
  NameList* large = g.add_lists();
  large->set_kind(9);
  for (const char* n : {"Miramar", "Baiji", "Pari Chowk"}) large->add_names(n);
  NameList* small = g.add_lists();
  small->set_kind(GazetteerMatcher::kLastListKind);
  small->add_names("Kasna");
  const GazetteerMatcher from_lists(g);
  EXPECT_FALSE(from_lists.adopted());
  const Words words = {"Pari", "Chowk", "near", "Kasna", "and", "Miramar", "Mexico"};
  EXPECT_EQ(Describe(from_lists.Find(words)), "9B 9L 0- 31U 0- 9U 1U ");
  Gazetteers stored = g;
  stored.set_compiled(GazetteerMatcher::Compile(g));
  const GazetteerMatcher adopted(stored);
  EXPECT_TRUE(adopted.adopted());
  ExpectSameMatches(adopted, from_lists);
  EXPECT_EQ(Describe(adopted.Find(words)), Describe(from_lists.Find(words)));
  // A name added to a kind list, or a list's kind changed: compiled again.
  Gazetteers more = stored;
  more.mutable_lists(1)->add_names("Tuz");
  EXPECT_FALSE(GazetteerMatcher(more).adopted());
  EXPECT_EQ(GazetteerMatcher(more).Find({"Tuz"})[0].kind, GazetteerMatcher::kLastListKind);
  Gazetteers rekinded = stored;
  rekinded.mutable_lists(0)->set_kind(10);
  EXPECT_FALSE(GazetteerMatcher(rekinded).adopted());
  EXPECT_EQ(GazetteerMatcher(rekinded).Find({"Miramar"})[0].kind, 10);
}

TEST(GazetteerCompileTest, EmptyListsCompileToNothing) {
  EXPECT_EQ(GazetteerMatcher::Compile(Gazetteers()), "");
  const GazetteerMatcher none(Gazetteers{});
  const GazetteerMatcher unset;
  for (const Words& w : Texts()) {
    for (const auto& m : unset.Find(w)) EXPECT_EQ(m.kind, GazetteerMatcher::kNone);
    for (const auto& m : none.Find(w, true)) EXPECT_EQ(m.kind, GazetteerMatcher::kNone);
  }
  EXPECT_FALSE(unset.IsPlace({"Mexico"}));
  EXPECT_EQ(unset.NameParts("Abraham"), 0);
  std::vector<uint8_t> parts = {1, 2, 3};
  unset.NameParts({"Abraham", "Lincoln"}, parts);
  EXPECT_EQ(parts, (std::vector<uint8_t>{0, 0}));
}

TEST(GazetteerCompileTest, StaleOrDamagedCompilationIsCompiledAgainFromTheLists) {
  const Gazetteers g = Lists();
  const GazetteerMatcher want(g);
  // Lists changed after compiling (a city added): the fingerprint differs.
  Gazetteers stale = g;
  stale.set_compiled(GazetteerMatcher::Compile(g));
  stale.add_cities("Noida");
  const GazetteerMatcher fresh(stale);
  EXPECT_FALSE(fresh.adopted());
  EXPECT_EQ(fresh.Find({"Noida"})[0].kind, GazetteerMatcher::kCity);

  // Cut short anywhere: refused, and the lists are compiled instead.
  const std::string bytes = GazetteerMatcher::Compile(g);
  for (size_t n = 0; n < bytes.size(); ++n) {
    Gazetteers cut = g;
    cut.set_compiled(bytes.substr(0, n));
    const GazetteerMatcher m(cut);
    ASSERT_FALSE(m.adopted()) << n;
  }
  // The header (magic, layout, fingerprint, table sizes) damaged: refused.
  for (size_t i = 0; i < 40; ++i) {
    Gazetteers bad = g;
    std::string b = bytes;
    b[i] ^= 0x10;
    bad.set_compiled(b);
    const GazetteerMatcher m(bad);
    EXPECT_FALSE(m.adopted()) << i;
    ExpectSameMatches(m, want);
  }
  // Any damaged byte of the tables: never read out of bounds (the
  // sanitizer run checks); a record that stays well-formed may be adopted.
  for (size_t i = 40; i < bytes.size(); ++i) {
    for (const char flip : {'\x01', '\x80', '\xff'}) {
      Gazetteers bad = g;
      std::string b = bytes;
      b[i] ^= flip;
      bad.set_compiled(b);
      const GazetteerMatcher m(bad);
      for (const Words& w : Texts()) {
        EXPECT_EQ(m.Find(w).size(), w.size());
        EXPECT_EQ(m.Find(w, true).size(), w.size());
        m.IsPlace(w);
      }
    }
  }
}

TEST(GazetteerCompileTest, ModelFilesCarryTheListsCompiled) {
  ModelSet models;
  *models.mutable_gazetteers() = Lists();
  const std::string path = ::testing::TempDir() + "/gazetteers.kgm";
  ASSERT_TRUE(WriteModelSet(path, models).ok());
  auto read = ReadModelSet(path);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->gazetteers().compiled(), GazetteerMatcher::Compile(Lists()));
  const GazetteerMatcher m(read->gazetteers());
  EXPECT_TRUE(m.adopted());
  ExpectSameMatches(m, GazetteerMatcher(Lists()));
}

// The shipped model's compiled lists are what this build compiles from its
// lists: a change to the tokeniser or to the layout that would make
// loading match differently from the lists fails here (then bump kLayout
// in core/gazetteers.cc and rewrite the model, models/README.md).
TEST(GazetteerCompileTest, ShippedModelsCompiledListsAreThisBuilds) {
  auto models = ReadModelSet(std::string(KG_SOURCE_DIR) + "/models/en.kgm");
  ASSERT_TRUE(models.ok()) << models.status();
  if (models->gazetteers().compiled().empty()) {
    GTEST_SKIP() << "models/en.kgm was written before gazetteers were compiled";
  }
  EXPECT_TRUE(models->gazetteers().compiled() == GazetteerMatcher::Compile(models->gazetteers()));
  EXPECT_TRUE(GazetteerMatcher(models->gazetteers()).adopted());
}

}  // namespace
}  // namespace kg::core
