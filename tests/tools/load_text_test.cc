#include "tools/load_text.h"

#include <string>

#include "gtest/gtest.h"

namespace kg::tools {
namespace {

TEST(BinaryReasonTest, TextIsNotBinary) {
  EXPECT_FALSE(BinaryReason("Plain text.\r\n\tIndented.\f").has_value());
  EXPECT_FALSE(BinaryReason("").has_value());
  EXPECT_FALSE(BinaryReason("Caf\xc3\xa9").has_value());
}

TEST(BinaryReasonTest, NamesTheFirstNulByte) {
  std::string bytes = "abc";
  bytes.push_back('\0');
  bytes += "def";
  std::optional<std::string> reason = BinaryReason(bytes);
  ASSERT_TRUE(reason.has_value());
  EXPECT_NE(reason->find("NUL byte at offset 3"), std::string::npos) << *reason;
}

TEST(BinaryReasonTest, Utf16IsNamed) {
  std::string bytes("\xFF\xFEH\0i\0", 6);
  std::optional<std::string> reason = BinaryReason(bytes);
  ASSERT_TRUE(reason.has_value());
  EXPECT_NE(reason->find("UTF-16"), std::string::npos) << *reason;
}

TEST(BinaryReasonTest, ManyControlBytesAreBinary) {
  std::string bytes = "text";
  for (int i = 0; i < 10; ++i) bytes.push_back('\x01');
  std::optional<std::string> reason = BinaryReason(bytes);
  ASSERT_TRUE(reason.has_value());
  EXPECT_NE(reason->find("control bytes"), std::string::npos) << *reason;
  // One control byte in a long text is not enough.
  std::string mostly_text(200, 'a');
  mostly_text[50] = '\x01';
  EXPECT_FALSE(BinaryReason(mostly_text).has_value());
}

TEST(RepairUtf8Test, ValidTextIsUntouched) {
  std::string text = "Mérida — 🌊 ok";
  const std::string before = text;
  Utf8Repair r = RepairUtf8(&text);
  EXPECT_EQ(r.bytes, 0u);
  EXPECT_EQ(text, before);
}

TEST(RepairUtf8Test, ReplacesEachBadByteInPlace) {
  // 0xFF at 2; a truncated 3-byte sequence (E2 82) at 5; an overlong "/"
  // (C0 AF) at 9; a surrogate (ED A0 80) at 13.
  std::string text =
      "ab\xff"
      "cd\xe2\x82"
      "ef\xc0\xaf"
      "gh\xed\xa0\x80"
      "ij";
  const size_t size = text.size();
  Utf8Repair r = RepairUtf8(&text);
  EXPECT_EQ(text.size(), size);  // one byte for one byte: offsets hold
  EXPECT_EQ(r.first_offset, 2u);
  EXPECT_EQ(r.bytes, 1u + 2u + 2u + 3u);
  std::string s(1, kSubstituteByte);
  EXPECT_EQ(text, "ab" + s + "cd" + s + s + "ef" + s + s + "gh" + s + s + s + "ij");
  // The repaired text is valid.
  EXPECT_EQ(RepairUtf8(&text).bytes, 0u);
}

TEST(RepairUtf8Test, FindsBadBytesAfterLongAsciiRuns) {
  std::string text(1000, 'x');
  text[777] = '\x80';
  Utf8Repair r = RepairUtf8(&text);
  EXPECT_EQ(r.first_offset, 777u);
  EXPECT_EQ(r.bytes, 1u);
}

void ExpectCover(std::string_view text, const std::vector<std::pair<uint64_t, uint64_t>>& spans,
                 uint64_t max) {
  ASSERT_FALSE(spans.empty());
  EXPECT_EQ(spans.front().first, 0u);
  EXPECT_EQ(spans.back().second, text.size());
  for (size_t i = 0; i < spans.size(); ++i) {
    EXPECT_LT(spans[i].first, spans[i].second);
    EXPECT_LE(spans[i].second - spans[i].first, max);
    if (i > 0) {
      EXPECT_EQ(spans[i].first, spans[i - 1].second);
    }
  }
}

TEST(SplitSpansTest, SmallTextIsOnePart) {
  auto spans = SplitSpans("Short. Text.", 100);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0], std::make_pair(uint64_t{0}, uint64_t{12}));
}

TEST(SplitSpansTest, CutsAtSentenceEnds) {
  std::string text;
  for (int i = 0; i < 20; ++i) text += "Sentence number " + std::to_string(i) + " ends here. ";
  auto spans = SplitSpans(text, 100);
  ExpectCover(text, spans, 100);
  EXPECT_GT(spans.size(), 5u);
  for (size_t i = 1; i < spans.size(); ++i) {
    // Every part but the first starts with a sentence.
    EXPECT_EQ(text.substr(spans[i].first, 9), "Sentence ") << i;
  }
}

TEST(SplitSpansTest, PrefersParagraphBreaks) {
  std::string para1(60, 'a');
  para1 += ". Bb.";
  std::string text = para1 + "\n\nSecond paragraph. More words here.";
  auto spans = SplitSpans(text, 80);
  ExpectCover(text, spans, 80);
  EXPECT_EQ(spans[0].second, para1.size() + 2);
}

TEST(SplitSpansTest, NeverCutsInsideACharacter) {
  std::string text;
  for (int i = 0; i < 50; ++i) text += "é";  // no spaces, no sentence ends
  auto spans = SplitSpans(text, 7);
  ExpectCover(text, spans, 7);
  for (const auto& [b, e] : spans) {
    EXPECT_EQ(b % 2, 0u);  // every "é" is two bytes
    EXPECT_EQ(e % 2, 0u);
  }
}

TEST(FindLongLineTest, NamesTheFirstLineOverTheLimit) {
  EXPECT_FALSE(FindLongLine("", 4).has_value());
  EXPECT_FALSE(FindLongLine("abcd\nabcd\r\nab", 5).has_value());
  std::optional<LongLine> l = FindLongLine("ab\nabcdef\nabcdefgh", 5);
  ASSERT_TRUE(l.has_value());
  EXPECT_EQ(l->number, 2u);
  EXPECT_EQ(l->offset, 3u);
  EXPECT_EQ(l->bytes, 6u);
  // The last line has no line end.
  l = FindLongLine("ab\n\nabcdef", 5);
  ASSERT_TRUE(l.has_value());
  EXPECT_EQ(l->number, 3u);
  EXPECT_EQ(l->offset, 4u);
}

}  // namespace
}  // namespace kg::tools
