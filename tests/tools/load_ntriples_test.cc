#include "tools/load_ntriples.h"

#include "gtest/gtest.h"

namespace kg::tools {
namespace {

TEST(NTriplesTest, IrisAndBlankNodes) {
  SourceTriple t;
  absl::StatusOr<bool> r = ParseNTriplesLine("_:b0 <http://e.org/p> <http://e.org/o> .", &t);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(*r);
  EXPECT_EQ(t.subject, "_:b0");
  EXPECT_EQ(t.predicate, "http://e.org/p");
  EXPECT_EQ(t.object, "http://e.org/o");
  EXPECT_FALSE(t.object_is_literal);
}

// Found by fuzz-ntriples: a stray byte inside an IRI was passed through.
TEST(NTriplesTest, InvalidUtf8IsAnErrorAtItsColumn) {
  SourceTriple t;
  absl::StatusOr<bool> r = ParseNTriplesLine("<http://a> <\xA4ttp://p> \"x\" .", &t);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(r.status().message()), "column 13: invalid UTF-8");
  r = ParseNTriplesLine("<http://a> <http://p> \"M\xC3\xA9rida\" .", &t);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(t.object, "M\xC3\xA9rida");
}

TEST(NTriplesTest, LiteralEscapesLanguageAndDatatype) {
  SourceTriple t;
  ASSERT_TRUE(*ParseNTriplesLine(
      R"(<http://a> <http://b> "say \"hi\"\t\\ \u00E9 \U0001F30A"@EN-gb .)", &t));
  EXPECT_TRUE(t.object_is_literal);
  EXPECT_EQ(t.object, "say \"hi\"\t\\ é 🌊");
  EXPECT_EQ(t.language, "en-gb");
  EXPECT_TRUE(t.datatype.empty());

  ASSERT_TRUE(*ParseNTriplesLine(
      "<http://a> <http://b> \"480\"^^<http://www.w3.org/2001/XMLSchema#integer> . # note", &t));
  EXPECT_EQ(t.object, "480");
  EXPECT_EQ(t.datatype, "http://www.w3.org/2001/XMLSchema#integer");
  EXPECT_TRUE(t.language.empty());  // reset from the previous line
}

TEST(NTriplesTest, EscapesInIrisAndTrailingCarriageReturn) {
  SourceTriple t;
  ASSERT_TRUE(*ParseNTriplesLine("<http://e.org/a\\u0042c> <http://p> _:node.1 .\r", &t));
  EXPECT_EQ(t.subject, "http://e.org/aBc");
  EXPECT_EQ(t.object, "_:node.1");
}

TEST(NTriplesTest, BlankAndCommentLinesAreNotTriples) {
  SourceTriple t;
  EXPECT_FALSE(*ParseNTriplesLine("", &t));
  EXPECT_FALSE(*ParseNTriplesLine("   \t", &t));
  EXPECT_FALSE(*ParseNTriplesLine("# comment <a> <b> <c> .", &t));
}

void ExpectError(std::string_view line, std::string_view expected) {
  SourceTriple t;
  absl::StatusOr<bool> r = ParseNTriplesLine(line, &t);
  ASSERT_FALSE(r.ok()) << line;
  EXPECT_NE(std::string(r.status().message()).find(expected), std::string::npos)
      << line << " -> " << r.status().message();
}

TEST(NTriplesTest, ErrorsNameTheColumn) {
  ExpectError("<http://a> <http://b> <http://c>", "column 33: expected '.'");
  ExpectError("<http://a> \"lit\" <http://c> .", "column 12: expected a predicate IRI");
  ExpectError("\"lit\" <http://b> <http://c> .", "column 1: expected a subject");
  ExpectError("<http://a> <http://b> \"open .", "unterminated literal");
  ExpectError("<http://a b> <http://b> <http://c> .", "character not allowed in an IRI");
  ExpectError("<http://a> <http://b> \"x\\q\" .", "unknown escape \\q");
  ExpectError("<http://a> <http://b> \"x\\uZZZZ\" .", "bad hex digit");
  ExpectError("<http://a> <http://b> \"x\\uD800\" .", "not a Unicode scalar value");
  ExpectError("<http://a> <http://b> \"x\"@ .", "empty language tag");
  ExpectError("<http://a> <http://b> <http://c> . extra", "unexpected text after the final '.'");
  ExpectError("<> <http://b> <http://c> .", "empty IRI");
}

}  // namespace
}  // namespace kg::tools
