// Surname-first names standing alone ("Lenhart, Matthew") joined into one
// PERSON span; plural persons made groups.

#include "core/name_conventions.h"

#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kg::core {
namespace {

using ::testing::ElementsAreArray;

// Runs the join over "word/TAG" items (TAG: O, B-X or I-X) and returns the
// labels after it.
std::vector<std::string> Join(const std::string& items) {
  std::vector<std::string> words_owned, bio;
  for (absl::string_view item : absl::StrSplit(items, ' ')) {
    const size_t slash = item.rfind('/');
    words_owned.emplace_back(item.substr(0, slash));
    bio.emplace_back(item.substr(slash + 1));
  }
  std::vector<std::string_view> words(words_owned.begin(), words_owned.end());
  JoinInvertedNames(words, bio);
  return bio;
}

std::vector<std::string> Labels(const std::string& labels) { return absl::StrSplit(labels, ' '); }

TEST(NameConventionsTest, JoinsAQuotedSurnameFirstName) {
  EXPECT_THAT(Join("\"/O Lenhart/B-PERSON ,/O Matthew/B-PERSON \"/O"),
              ElementsAreArray(Labels("O B-PERSON I-PERSON I-PERSON O")));
  // An email header: the address after the name closes it too.
  EXPECT_THAT(Join("Townsend/B-PERSON ,/O George/B-PERSON </O gt@x.net/O >/O"),
              ElementsAreArray(Labels("B-PERSON I-PERSON I-PERSON O O O")));
}

TEST(NameConventionsTest, JoinsInitialsAndBracketsAndWholeSentences) {
  EXPECT_THAT(Join("[/O Tholt/B-PERSON ,/O Jane/B-PERSON M./I-PERSON ]/O"),
              ElementsAreArray(Labels("O B-PERSON I-PERSON I-PERSON I-PERSON O")));
  EXPECT_THAT(Join("Bradley/B-PERSON Jr/I-PERSON ,/O Robert/B-PERSON"),
              ElementsAreArray(Labels("B-PERSON I-PERSON I-PERSON I-PERSON")));
}

TEST(NameConventionsTest, TheSurnameMayBeMistypedOrUnlabelled) {
  EXPECT_THAT(Join("\"/O Lenhart/B-LOC ,/O Matthew/B-PERSON \"/O"),
              ElementsAreArray(Labels("O B-PERSON I-PERSON I-PERSON O")));
  EXPECT_THAT(Join("\"/O Lenhart/O ,/O Matthew/B-PERSON \"/O"),
              ElementsAreArray(Labels("O B-PERSON I-PERSON I-PERSON O")));
  // An unlabelled lower-case word is no surname.
  EXPECT_THAT(Join("\"/O hello/O ,/O Matthew/B-PERSON \"/O"),
              ElementsAreArray(Labels("O O O B-PERSON O")));
}

TEST(NameConventionsTest, LeavesNamesInRunningTextApart) {
  // Words around the pair: a list of people, not one name.
  const std::string list = "Bush/B-PERSON ,/O Cheney/B-PERSON and/O Rice/B-PERSON met/O";
  EXPECT_THAT(Join(list), ElementsAreArray(Labels("B-PERSON O B-PERSON O B-PERSON O")));
  EXPECT_THAT(Join("I/O met/O Bush/B-PERSON ,/O Cheney/B-PERSON \"/O"),
              ElementsAreArray(Labels("O O B-PERSON O B-PERSON O")));
}

TEST(NameConventionsTest, LeavesOtherTypesAndLongNamesAlone) {
  EXPECT_THAT(Join("\"/O Houston/B-LOC ,/O Texas/B-LOC \"/O"),
              ElementsAreArray(Labels("O B-LOC O B-LOC O")));
  EXPECT_THAT(Join("\"/O Lenhart/B-PERSON ,/O Matthew/B-ORG \"/O"),
              ElementsAreArray(Labels("O B-PERSON O B-ORG O")));
  // Three words before the comma are a full name, not a surname.
  EXPECT_THAT(Join("\"/O Mary/B-PERSON Ann/I-PERSON Lenhart/I-PERSON ,/O Matthew/B-PERSON \"/O"),
              ElementsAreArray(Labels("O B-PERSON I-PERSON I-PERSON O B-PERSON O")));
}

TEST(NameConventionsTest, ToleratesEmptyAndShortLabelLists) {
  std::vector<std::string_view> words;
  std::vector<std::string> bio;
  JoinInvertedNames(words, bio);
  EXPECT_TRUE(bio.empty());
  // Fewer labels than words: only the labelled words are read.
  words = {"Lenhart", ",", "Matthew"};
  bio = {"B-PERSON", "O"};
  JoinInvertedNames(words, bio);
  EXPECT_THAT(bio, ElementsAreArray(Labels("B-PERSON O")));
}

TEST(NameConventionsTest, PluralOneWordPersonsBecomeGroups) {
  std::vector<std::string_view> xpos = {"IN", "NNPS", "CC", "NNP", "NNPS", "VBD", "NNPS"};
  std::vector<std::string> bio = {"O", "B-PERSON", "O", "B-PERSON", "I-PERSON", "O", "B-ORG"};
  PluralPersonsAsGroups(xpos, bio);
  // "Muslims" -> MISC; a two-word name ending in a plural ("Shiite Muslims")
  // and other types stay.
  EXPECT_THAT(bio, ElementsAreArray(Labels("O B-MISC O B-PERSON I-PERSON O B-ORG")));
  xpos = {"NNP", "NNPS"};
  bio = {"B-PERSON", "B-PERSON"};
  PluralPersonsAsGroups(xpos, bio);
  EXPECT_THAT(bio, ElementsAreArray(Labels("B-PERSON B-MISC")));
}

}  // namespace
}  // namespace kg::core
