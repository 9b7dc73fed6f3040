// Entity resolution rules, one test each, on sentences written for the test.
#include "core/resolver.h"

#include <memory>
#include <vector>

#include "core/extractor.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proto/term_key.h"
#include "tests/core/extraction_testutil.h"

namespace kg::core {
namespace {

using ::kg::core::testing::Dump;
using ::kg::core::testing::ExtractRules;
using ::kg::core::testing::FindEntity;
using ::kg::core::testing::FindFact;
using ::kg::core::testing::FindMerge;
using ::testing::Contains;

TEST(NameInitialsTest, SkipsFunctionWords) {
  EXPECT_EQ(NameInitials("Federal Aviation Administration"), "FAA");
  EXPECT_EQ(NameInitials("Bank of the Andes"), "BA");
  EXPECT_EQ(NameInitials("U.S. Geological Survey"), "USGS");
}

TEST(ResolverTest, AcronymDefinedInText) {
  DocumentFacts f = ExtractRules(
      "The Federal Aviation Administration (FAA) grounded the jets on Friday. "
      "A week later the FAA lifted the order after talks with Boeing.");
  const Entity* e = FindEntity(f, "Federal Aviation Administration");
  ASSERT_NE(e, nullptr) << Dump(f);
  EXPECT_THAT(e->aliases(), Contains("FAA"));
  EXPECT_EQ(FindEntity(f, "FAA"), nullptr) << "the acronym is an alias, not an entity";
  const Merge* m = FindMerge(f, "FAA");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->rule(), "acronym-definition");
  EXPECT_EQ(m->canonical(), TermKey("Federal Aviation Administration"));
  EXPECT_EQ(m->evidence().sentence(), 0u);
}

TEST(ResolverTest, InitialismOfANameInTheDocument) {
  DocumentFacts f = ExtractRules(
      "Ministers of the European Union gathered in Brussels. "
      "The EU agreed to new sanctions against Belarus.");
  const Entity* e = FindEntity(f, "European Union");
  ASSERT_NE(e, nullptr) << Dump(f);
  EXPECT_THAT(e->aliases(), Contains("EU"));
  const Merge* m = FindMerge(f, "EU");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->rule(), "initialism");
}

TEST(ResolverTest, DottedInitialismOfACountryWithoutExpansion) {
  DocumentFacts f = ExtractRules("The U.K. expelled two diplomats from Moscow on Tuesday.");
  const Entity* e = FindEntity(f, "United Kingdom");
  ASSERT_NE(e, nullptr) << Dump(f);
  EXPECT_EQ(e->type(), GPE);
  EXPECT_THAT(e->aliases(), Contains("U.K."));
  EXPECT_THAT(e->aliases(), Contains("UK"));
  ASSERT_NE(FindMerge(f, "U.K."), nullptr);
  EXPECT_EQ(FindMerge(f, "U.K.")->rule(), "initialism-country");
}

TEST(ResolverTest, NicknameApposition) {
  DocumentFacts f = ExtractRules(
      "Luiz Inácio Lula da Silva, known as Lula, visited Lisbon in April. "
      "Lula praised Portugal for its support.");
  const Entity* e = FindEntity(f, "Luiz Inácio Lula da Silva");
  ASSERT_NE(e, nullptr) << Dump(f);
  EXPECT_THAT(e->aliases(), Contains("Lula"));
  ASSERT_NE(FindMerge(f, "Lula"), nullptr);
  EXPECT_EQ(FindMerge(f, "Lula")->rule(), "nickname");
  EXPECT_NE(FindFact(f, "Luiz Inácio Lula da Silva", "praise", "Portugal"), nullptr) << Dump(f);
}

TEST(ResolverTest, ShortNameOfAPersonWhenUnambiguous) {
  DocumentFacts f = ExtractRules(
      "Chancellor Olaf Scholz met Emmanuel Macron in Paris. Scholz later flew to Warsaw.");
  const Entity* e = FindEntity(f, "Olaf Scholz");
  ASSERT_NE(e, nullptr) << Dump(f);
  EXPECT_EQ(e->type(), PERSON);
  EXPECT_THAT(e->aliases(), Contains("Scholz"));
  ASSERT_NE(FindMerge(f, "Scholz"), nullptr);
  EXPECT_EQ(FindMerge(f, "Scholz")->rule(), "short-name");
}

TEST(ResolverTest, AmbiguousShortNameStaysApart) {
  DocumentFacts f = ExtractRules(
      "Anna Kowalski and Piotr Kowalski opened a bakery in Gdansk. Kowalski said sales were good.");
  EXPECT_EQ(FindMerge(f, "Kowalski"), nullptr) << Dump(f);
  ASSERT_NE(FindEntity(f, "Anna Kowalski"), nullptr);
  ASSERT_NE(FindEntity(f, "Piotr Kowalski"), nullptr);
}

TEST(ResolverTest, TitleStrippedAndKeptAsRole) {
  DocumentFacts f = ExtractRules("Canadian Foreign Minister Mélanie Joly arrived in Nairobi.");
  const Entity* e = FindEntity(f, "Mélanie Joly");
  ASSERT_NE(e, nullptr) << Dump(f);
  EXPECT_EQ(e->type(), PERSON);
  EXPECT_EQ(FindEntity(f, "Canadian Foreign Minister Mélanie Joly"), nullptr);
  EXPECT_NE(FindFact(f, "Mélanie Joly", "holds_role", "Foreign Minister"), nullptr) << Dump(f);
  EXPECT_NE(FindFact(f, "Mélanie Joly", "affiliated_with", "Canada"), nullptr) << Dump(f);
  const Entity* role = FindEntity(f, "Foreign Minister");
  ASSERT_NE(role, nullptr);
  EXPECT_EQ(role->type(), ROLE);
}

TEST(ResolverTest, FormerTitleGivesHeldRole) {
  DocumentFacts f = ExtractRules("Ex-Finance Minister Tomas Varga was questioned in Prague.");
  EXPECT_NE(FindFact(f, "Tomas Varga", "held_role", "Finance Minister"), nullptr) << Dump(f);
}

TEST(ResolverTest, AccentAndCaseInsensitiveKeys) {
  DocumentFacts f = ExtractRules(
      "Protesters marched through Bogotá on Sunday. Police in BOGOTA made no arrests. "
      "Later, crowds in Bogota dispersed.");
  int count = 0;
  for (const Entity& e : f.entities()) {
    if (e.key() == TermKey("Bogota")) ++count;
  }
  EXPECT_EQ(count, 1) << Dump(f);
}

TEST(ResolverTest, DemonymGroupLinkedToCountry) {
  DocumentFacts f = ExtractRules("Peruvian farmers blocked the highway near Cusco.");
  const Entity* e = FindEntity(f, "Peruvian farmers");
  ASSERT_NE(e, nullptr) << Dump(f);
  EXPECT_EQ(e->type(), GROUP);
  EXPECT_NE(FindFact(f, "Peruvian farmers", "affiliated_with", "Peru"), nullptr) << Dump(f);
}

TEST(ResolverTest, AdministrationKeptAsItsOwnOrganisation) {
  DocumentFacts f = ExtractRules(
      "President Ana Lindqvist leads the country. The Lindqvist Administration cut taxes.");
  const Entity* admin = FindEntity(f, "Lindqvist Administration");
  ASSERT_NE(admin, nullptr) << Dump(f);
  EXPECT_EQ(admin->type(), ORG);
  ASSERT_NE(FindEntity(f, "Ana Lindqvist"), nullptr);
}


// Rule-based extraction with the user's unmerges applied.
DocumentFacts ExtractBlocked(std::string_view text, std::vector<BlockedMerge> blocked) {
  ExtractorOptions o;
  o.use_model = false;
  o.blocked_merges = std::move(blocked);
  absl::StatusOr<std::unique_ptr<Extractor>> e = Extractor::Create(o);
  EXPECT_TRUE(e.ok()) << e.status();
  return testing::ExtractWith(e.ok() ? e->get() : nullptr, text);
}

constexpr char kAcronymText[] =
    "The Federal Aviation Administration (FAA) grounded the jets on Friday. "
    "A week later the FAA lifted the order after talks with Boeing.";

TEST(UnmergeTest, BlockedAcronymStaysItsOwnEntity) {
  DocumentFacts f = ExtractBlocked(
      kAcronymText, {{TermKey("FAA"), TermKey("Federal Aviation Administration")}});
  const Entity* faa = FindEntity(f, "FAA");
  ASSERT_NE(faa, nullptr) << Dump(f);
  const Entity* full = FindEntity(f, "Federal Aviation Administration");
  ASSERT_NE(full, nullptr) << Dump(f);
  EXPECT_THAT(full->aliases(), ::testing::Not(Contains("FAA")));
  EXPECT_EQ(FindMerge(f, "FAA"), nullptr);
  // The fact the acronym's sentence carries now starts at the acronym.
  EXPECT_NE(FindFact(f, "FAA", "", "Boeing", /*directed=*/false), nullptr) << Dump(f);
  EXPECT_EQ(f.document().resolution(),
            ResolutionFingerprint({{TermKey("FAA"), TermKey("Federal Aviation Administration")}}));
}

TEST(UnmergeTest, ABlockForAnotherEntityChangesNothing) {
  DocumentFacts plain = ExtractRules(kAcronymText);
  DocumentFacts f = ExtractBlocked(kAcronymText, {{TermKey("FAA"), TermKey("Fannie Mae")}});
  ASSERT_NE(FindMerge(f, "FAA"), nullptr) << Dump(f);
  EXPECT_EQ(f.entities_size(), plain.entities_size());
  EXPECT_EQ(f.facts_size(), plain.facts_size());
  EXPECT_EQ(plain.document().resolution(), "");
}

TEST(UnmergeTest, BlockedShortNameOfAPerson) {
  const std::string text =
      "Juan Gonzalez met Mexican officials in Mexico City on Monday. "
      "Gonzalez said the talks with Mexico were productive.";
  DocumentFacts plain = ExtractRules(text);
  ASSERT_NE(FindMerge(plain, "Gonzalez"), nullptr) << Dump(plain);
  DocumentFacts f = ExtractBlocked(text, {{TermKey("Gonzalez"), TermKey("Juan Gonzalez")}});
  EXPECT_EQ(FindMerge(f, "Gonzalez"), nullptr) << Dump(f);
  EXPECT_NE(FindEntity(f, "Gonzalez"), nullptr) << Dump(f);
}

TEST(UnmergeTest, FingerprintIsOrderFreeAndEmptyWithoutBlocks) {
  EXPECT_EQ(ResolutionFingerprint({}), "");
  BlockedMerge a{"a", "x"}, b{"b", "y"};
  EXPECT_EQ(ResolutionFingerprint({a, b}), ResolutionFingerprint({b, a, b}));
  EXPECT_NE(ResolutionFingerprint({a}), ResolutionFingerprint({a, b}));
}

}  // namespace
}  // namespace kg::core
