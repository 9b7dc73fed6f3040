#include "core/document_text.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kg::core {
namespace {

using ::testing::HasSubstr;

TEST(DocumentTextTest, RejectsEmptyAndBlank) {
  EXPECT_THAT(DocumentText::Parse("").status().message(), HasSubstr("empty"));
  EXPECT_THAT(DocumentText::Parse(" \n\t \n").status().message(), HasSubstr("whitespace"));
}

TEST(DocumentTextTest, InvalidUtf8NamesOffset) {
  std::string text = "Caf\xC3\xA9 ok. Bad \xFF byte.";
  absl::StatusOr<DocumentText> doc = DocumentText::Parse(text);
  ASSERT_FALSE(doc.ok());
  EXPECT_THAT(doc.status().message(), HasSubstr("byte offset 14"));
  // A truncated multi-byte sequence at the end.
  EXPECT_THAT(DocumentText::Parse("abc \xE2\x80").status().message(), HasSubstr("byte offset 4"));
}

TEST(DocumentTextTest, MaskedKeepsLengthAndOffsets) {
  std::string text =
      "Policy Notes\n\nWeekly Review of Harbour Safety Measures\n\nPhotos: Staff and Wire\n\n"
      "The harbour board met on Monday. It approved a plan.\n\nLeave a Comment\n";
  absl::StatusOr<DocumentText> doc = DocumentText::Parse(text);
  ASSERT_TRUE(doc.ok()) << doc.status();
  ASSERT_EQ(doc->masked().size(), text.size());
  EXPECT_EQ(doc->title(), "Weekly Review of Harbour Safety Measures");
  EXPECT_EQ(doc->masked().find("Photos"), std::string::npos);
  EXPECT_EQ(doc->masked().find("Leave a Comment"), std::string::npos);
  size_t body = text.find("The harbour board");
  EXPECT_EQ(doc->masked().substr(body, 30), text.substr(body, 30));
}

// Found by fuzz-document_text: an unclosed <style> made the skipped region
// run one byte past the text.
TEST(DocumentTextTest, UnclosedStyleRunsToTheEndAndNoFurther) {
  const std::string text = "<p>Mexico and the United States met.</p><style>p{x:1}";
  absl::StatusOr<DocumentText> doc = DocumentText::Parse(text);
  ASSERT_TRUE(doc.ok()) << doc.status();
  ASSERT_FALSE(doc->skipped().empty());
  EXPECT_EQ(doc->skipped().back().end, text.size());
  EXPECT_EQ(doc->masked().size(), text.size());
  EXPECT_EQ(doc->masked().find("x:1"), std::string::npos);
  EXPECT_NE(doc->masked().find("Mexico and the United States met."), std::string::npos);
}

TEST(DocumentTextTest, DatelineIsParsedAndSkipped) {
  std::string text = "Title Of The Piece Here\n\n07/04/19 (written by someone) \xE2\x80\x93 On Monday the mayor spoke.\n";
  absl::StatusOr<DocumentText> doc = DocumentText::Parse(text);
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(doc->date(), "2019-07-04");
  size_t on = text.find("On Monday");
  EXPECT_EQ(doc->masked().substr(0, on).find_first_not_of(" \n"), std::string::npos);
  EXPECT_EQ(doc->masked().substr(on, 9), "On Monday");
}

TEST(DocumentTextTest, ParsesDateForms) {
  size_t len = 0;
  EXPECT_EQ(ParseDateAt("March 2, 2021 and", &len), "2021-03-02");
  EXPECT_EQ(len, 13u);
  EXPECT_EQ(ParseDateAt("2 Sept. 1999", &len), "1999-09-02");
  EXPECT_EQ(ParseDateAt("2020-11-30", &len), "2020-11-30");
  EXPECT_EQ(ParseDateAt("12/31/1999", &len), "1999-12-31");
  EXPECT_EQ(ParseDateAt("13/31/1999", &len), "");
  EXPECT_EQ(ParseDateAt("Marching 2, 2021", &len), "");
  EXPECT_EQ(ParseDateAt("1,100 cases", &len), "");
}

TEST(DocumentTextTest, SourcesSectionAndClickHereAreSkipped) {
  std::string text =
      "The council voted on Tuesday. For the full minutes, click here\n\n"
      "References\n\n\"A Study of Tides.\" Ocean Press. 2018.\n\nDoe, Jane. \"Harbours.\" 2020.\n\n"
      "The vote was close.\n";
  absl::StatusOr<DocumentText> doc = DocumentText::Parse(text);
  ASSERT_TRUE(doc.ok()) << doc.status();
  const std::string& m = doc->masked();
  EXPECT_NE(m.find("The council voted on Tuesday."), std::string::npos);
  EXPECT_EQ(m.find("click"), std::string::npos);
  EXPECT_EQ(m.find("full minutes"), std::string::npos);
  EXPECT_EQ(m.find("Tides"), std::string::npos);
  EXPECT_EQ(m.find("Harbours"), std::string::npos);
  EXPECT_NE(m.find("The vote was close."), std::string::npos);
}

TEST(DocumentTextTest, HtmlMarkupIsBlankedNotDeleted) {
  std::string text =
      "<html><head><style>p {color: red}</style><script>var x = 1;</script></head>"
      "<body><p>The port <b>reopened</b> today.</p><p>Ships arrived.</p></body></html>";
  absl::StatusOr<DocumentText> doc = DocumentText::Parse(text);
  ASSERT_TRUE(doc.ok()) << doc.status();
  const std::string& m = doc->masked();
  ASSERT_EQ(m.size(), text.size());
  EXPECT_EQ(m.find("color"), std::string::npos);
  EXPECT_EQ(m.find("var x"), std::string::npos);
  EXPECT_EQ(m.find("<"), std::string::npos);
  size_t port = text.find("The port");
  EXPECT_EQ(m.substr(port, 8), "The port");
  // Paragraph tags become line breaks so paragraphs stay apart.
  size_t ships = text.find("Ships");
  EXPECT_NE(m.substr(port, ships - port).find('\n'), std::string::npos);
}

}  // namespace
}  // namespace kg::core
