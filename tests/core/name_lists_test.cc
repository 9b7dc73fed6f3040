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

}  // namespace
}  // namespace kg::core
