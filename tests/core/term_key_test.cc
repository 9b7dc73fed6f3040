// TermKey's ASCII shortcut must give exactly what the Unicode path gives.
#include "proto/term_key.h"

#include <random>
#include <string>

#include "gtest/gtest.h"

namespace kg {
namespace {

using term_key_internal::TermKeyUnicodeOnly;

TEST(TermKeyTest, NormalisesCaseAccentsPunctuationAndSpace) {
  EXPECT_EQ(TermKey("  Mérida   Initiative "), "merida initiative");
  EXPECT_EQ(TermKey("MERIDA\tinitiative"), "merida initiative");
  EXPECT_EQ(TermKey("López\u2019s \u201cplan\u201d"), "lopez's \"plan\"");
  EXPECT_EQ(TermKey("U.S."), "u.s.");
  EXPECT_EQ(TermKey("a\x01" "b\x7f" "c"), "abc");
  EXPECT_EQ(TermKey("bad\xff" "byte"), "badbyte");
  EXPECT_EQ(TermKey(""), "");
}

TEST(TermKeyTest, AsciiShortcutAgreesWithUnicodePathOnEveryByte) {
  for (int c = 0; c < 256; ++c) {
    for (const std::string& s : {std::string(1, static_cast<char>(c)),
                                 "A" + std::string(1, static_cast<char>(c)) + "b",
                                 "\xc3\xa9 " + std::string(1, static_cast<char>(c)) + " Z"}) {
      EXPECT_EQ(TermKey(s), TermKeyUnicodeOnly(s)) << "byte " << c;
    }
  }
}

TEST(TermKeyTest, AsciiShortcutAgreesWithUnicodePathOnRandomMixedText) {
  const std::string pieces[] = {"a", "Z", " ", "\t", "\n", ".", "-", "\x01", "\x7f", "\xc3\xa9",
                                "\xc3\x89", "\xe2\x80\x99", "\xe2\x80\x94", "\xc2\xa0", "\xff",
                                "\xef\xac\x81", "\xe1\xba\x9e", "\xce\xa3", "0", "'"};
  std::mt19937 rng(7);
  for (int i = 0; i < 2000; ++i) {
    std::string s;
    int n = static_cast<int>(rng() % 12);
    for (int k = 0; k < n; ++k) s += pieces[rng() % std::size(pieces)];
    ASSERT_EQ(TermKey(s), TermKeyUnicodeOnly(s)) << s;
  }
}

}  // namespace
}  // namespace kg
