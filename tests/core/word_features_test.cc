#include "core/word_features.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace kg::core {
namespace {

// The in-place forms overwrite a reused buffer (longer or shorter than the
// result) with exactly what the returning forms give.
TEST(WordFeaturesTest, InPlaceFormsMatchReturningForms) {
  const std::vector<std::string> words = {
      "López", "U.S.", "1,100", "2021", "3rd", "ÉCOLE", "Ⱥb", "a\xff" "b", "", "McDermott",
      "e-mail", "n't", "東京", "ΑΘΗΝΑ", "--", "WWWWWW"};
  std::string norm = "a long leftover from an earlier, longer word";
  std::string shape = norm, lower = norm;
  for (const std::string& w : words) {
    NormalizeWordInto(w, norm);
    EXPECT_EQ(norm, NormalizedWord(w)) << w;
    WordShapeInto(w, shape);
    EXPECT_EQ(shape, WordShape(w)) << w;
    LowercaseInto(w, lower);
    EXPECT_EQ(lower, Lowercase(w)) << w;
  }
  EXPECT_EQ(WordShape("López"), "Xxx");
  EXPECT_EQ(WordShape("U.S."), "X.X.");
  EXPECT_EQ(WordShape("1,100"), "d,dd");
  EXPECT_EQ(NormalizedWord("2021"), "!YEAR");
  EXPECT_EQ(NormalizedWord("ÉCOLE"), "école");
}

}  // namespace
}  // namespace kg::core
