// Optional gazetteer name lists (core/gazetteers.h AddNameLists).

#include <fstream>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "core/gazetteers.h"
#include "gtest/gtest.h"

namespace kg::core {
namespace {

std::string WriteFile(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path) << text;
  return path;
}

TEST(NameListsTest, CitiesAndCompaniesBecomeMatchKinds) {
  const std::string cities =
      WriteFile("kg_cities.txt", "Miramar\n\n# a comment\nNoida\nReading\nMexico\nTampa Bay\n");
  const std::string companies =
      WriteFile("kg_companies.txt", "# cspell-tools: keep-case no-split\nAccenture\nMozilla\n");
  Gazetteers g;
  g.add_countries("Mexico");
  // "reading" is mostly lower case in running text: left out.
  const absl::flat_hash_map<std::string, uint8_t> caps = {{"reading", 0}, {"miramar", 4}};
  ASSERT_TRUE(AddNameLists(cities, companies, caps, &g).ok());
  EXPECT_EQ(std::vector<std::string>(g.cities().begin(), g.cities().end()),
            (std::vector<std::string>{"Miramar", "Noida", "Tampa Bay"}));  // Mexico: known
  EXPECT_EQ(g.companies_size(), 2);
  GazetteerMatcher m(g);
  std::vector<std::string_view> words = {"Accenture", "in", "Tampa", "Bay", "and", "Mexico"};
  auto found = m.Find(words);
  EXPECT_EQ(found[0].kind, GazetteerMatcher::kCompany);
  EXPECT_EQ(found[2].kind, GazetteerMatcher::kCity);
  EXPECT_EQ(found[2].position, 'B');
  EXPECT_EQ(found[3].position, 'L');
  EXPECT_EQ(found[5].kind, GazetteerMatcher::kCountry);
  EXPECT_FALSE(m.IsPlace({"Miramar"}));  // the GPE rule stays ISO 3166 only
}

TEST(NameListsTest, ErrorsNameTheFileAndLine) {
  Gazetteers g;
  const absl::flat_hash_map<std::string, uint8_t> no_caps;
  absl::Status missing = AddNameLists("/nonexistent/kg_cities.txt", "", no_caps, &g);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.message().find("/nonexistent/kg_cities.txt"), absl::string_view::npos);
  const std::string bad = WriteFile("kg_bad_companies.txt", "Accenture\nMozilla\tFoundation\n");
  absl::Status tab = AddNameLists("", bad, no_caps, &g);
  ASSERT_FALSE(tab.ok());
  EXPECT_NE(tab.message().find("kg_bad_companies.txt:2"), absl::string_view::npos);
}

TEST(NameListsTest, KindListsCarryTheirOwnKindAndComeBeforeTheCityList) {
  // Two kind lists sharing a name ("Noida"): the first one given keeps it.
  const std::string large = WriteFile("kg_places_100k.txt", "Miramar\nNoida\nMexico\n");
  const std::string medium = WriteFile("kg_places_10k.txt", "Varkala\nNoida\nReading\n");
  const std::string cities = WriteFile("kg_cities2.txt", "Noida\nHewitt\nVarkala\n");
  Gazetteers g;
  g.add_countries("Mexico");
  const absl::flat_hash_map<std::string, uint8_t> caps = {{"reading", 0}};
  ASSERT_TRUE(AddKindList(9, large, caps, &g).ok());
  ASSERT_TRUE(AddKindList(10, medium, caps, &g).ok());
  ASSERT_TRUE(AddNameLists(cities, "", caps, &g).ok());
  ASSERT_EQ(g.lists_size(), 2);
  EXPECT_EQ(g.lists(0).kind(), 9u);
  // Mexico: a country already; Noida: in the first list; Reading: lower case.
  EXPECT_EQ(std::vector<std::string>(g.lists(0).names().begin(), g.lists(0).names().end()),
            (std::vector<std::string>{"Miramar", "Noida"}));
  EXPECT_EQ(std::vector<std::string>(g.lists(1).names().begin(), g.lists(1).names().end()),
            (std::vector<std::string>{"Varkala"}));
  EXPECT_EQ(std::vector<std::string>(g.cities().begin(), g.cities().end()),
            (std::vector<std::string>{"Hewitt"}));
  // A second call with a kind already present adds to its list.
  const std::string more = WriteFile("kg_places_100k_more.txt", "Baiji\nMiramar\n");
  ASSERT_TRUE(AddKindList(9, more, caps, &g).ok());
  ASSERT_EQ(g.lists_size(), 2);
  EXPECT_EQ(g.lists(0).names_size(), 3);

  GazetteerMatcher m(g);
  auto found = m.Find({"Miramar", "Varkala", "Hewitt", "Mexico", "Baiji", "Reading"});
  EXPECT_EQ(found[0].kind, 9);
  EXPECT_EQ(found[1].kind, 10);
  EXPECT_EQ(found[2].kind, GazetteerMatcher::kCity);
  EXPECT_EQ(found[3].kind, GazetteerMatcher::kCountry);
  EXPECT_EQ(found[4].kind, 9);
  EXPECT_EQ(found[5].kind, GazetteerMatcher::kNone);
  EXPECT_EQ(m.Find({"miramar"}, /*fold_case=*/true)[0].kind, 9);
}

TEST(NameListsTest, KindListOutsideItsRangeIsRefused) {
  const std::string places = WriteFile("kg_places.txt", "Miramar\n");
  const absl::flat_hash_map<std::string, uint8_t> no_caps;
  Gazetteers g;
  for (uint32_t kind : {0u, 8u, 32u, 200u}) {
    absl::Status st = AddKindList(kind, places, no_caps, &g);
    EXPECT_FALSE(st.ok()) << kind;
    EXPECT_NE(st.message().find("kg_places.txt"), absl::string_view::npos);
  }
  EXPECT_EQ(g.lists_size(), 0);
  EXPECT_FALSE(AddKindList(9, "/nonexistent/kg_places.txt", no_caps, &g).ok());
  EXPECT_TRUE(AddKindList(GazetteerMatcher::kLastListKind, places, no_caps, &g).ok());
}

}  // namespace
}  // namespace kg::core
