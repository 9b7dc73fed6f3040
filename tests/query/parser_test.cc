#include "query/parser.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kg::query {
namespace {

using ::testing::HasSubstr;

TEST(ParserTest, PathWithOptions) {
  auto q = ParseQuery(R"(PATH "Merida Initiative" To "arms trafficking" max 3 k 2)");
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_EQ(q->kind, QueryKind::kPath);
  ASSERT_EQ(q->names.size(), 2u);
  EXPECT_EQ(q->names[0].text, "Merida Initiative");
  EXPECT_EQ(q->names[0].column, 6);
  EXPECT_EQ(q->names[1].text, "arms trafficking");
  EXPECT_EQ(q->max_hops, 3);
  EXPECT_EQ(q->k, 2);
  EXPECT_FALSE(q->explain);
}

TEST(ParserTest, ConnectWithTypesAndFilters) {
  auto q = ParseQuery(
      R"(connect "A" and "B" max 4 k 5 type person,ORG typed min_confidence 0.5 predicate meet_with, "holds role")");
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_EQ(q->kind, QueryKind::kConnect);
  EXPECT_EQ(q->types, (std::vector<EntityType>{PERSON, ORG}));
  EXPECT_TRUE(q->filter.typed_only);
  EXPECT_FLOAT_EQ(q->filter.min_confidence, 0.5f);
  EXPECT_EQ(q->filter.predicates, (std::vector<std::string>{"meet_with", "holds role"}));
}

TEST(ParserTest, NeighborsWithEveryOption) {
  auto q = ParseQuery(
      R"(neighbors "Joe Biden" depth 2 type person predicate meet_with min_confidence 0.25 since 2021 until 2021-03 limit 7 document "seed.txt")");
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_EQ(q->kind, QueryKind::kNeighbors);
  EXPECT_EQ(q->depth, 2);
  EXPECT_EQ(q->limit, 7);
  EXPECT_EQ(q->filter.since, "2021-01-01");
  EXPECT_EQ(q->filter.until, "2021-03-31");
  EXPECT_EQ(q->filter.documents, (std::vector<std::string>{"seed.txt"}));
}

TEST(ParserTest, NeighboursSpellingAndExplain) {
  auto q = ParseQuery(R"(Explain neighbours "X")");
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_TRUE(q->explain);
  EXPECT_EQ(q->kind, QueryKind::kNeighbors);
}

TEST(ParserTest, EntityAndEscapes) {
  auto q = ParseQuery(R"(entity "Say \"hi\" \\ M\u00e9rida")");
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_EQ(q->names[0].text, "Say \"hi\" \\ M\xC3\xA9rida");
}

TEST(ParserTest, MatchPatterns) {
  auto q = ParseQuery(R"(match ?p holds_role ?r, ?p member_of "National Security Council" limit 5)");
  ASSERT_TRUE(q.ok()) << q.status();
  ASSERT_EQ(q->patterns.size(), 2u);
  EXPECT_TRUE(q->patterns[0].subject.is_variable);
  EXPECT_EQ(q->patterns[0].subject.text, "p");
  EXPECT_EQ(q->patterns[0].predicate.text, "holds_role");
  EXPECT_TRUE(q->patterns[0].object.is_variable);
  EXPECT_FALSE(q->patterns[1].object.is_variable);
  EXPECT_EQ(q->patterns[1].object.text, "National Security Council");
  EXPECT_EQ(q->limit, 5);
}

TEST(ParserTest, MatchPredicateVariable) {
  auto q = ParseQuery(R"(match "A" ?rel ?x)");
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_TRUE(q->patterns[0].predicate.is_variable);
}

TEST(ParserTest, Top) {
  auto q = ParseQuery("top type person by pagerank limit 3");
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_EQ(q->kind, QueryKind::kTop);
  EXPECT_EQ(q->by, Ranking::kPageRank);
  EXPECT_EQ(q->limit, 3);
  EXPECT_EQ(q->types, (std::vector<EntityType>{PERSON}));
}

// Canonical printing: every query form and every clause, with the text the
// printer must give (written by hand). The printed text parses back to the
// same query (SameQuery) and prints the same again.
struct RoundTripCase {
  const char* query;
  const char* canonical;
};

class RoundTripTest : public ::testing::TestWithParam<RoundTripCase> {};

TEST_P(RoundTripTest, PrintsCanonicalFormThatParsesBackToTheSameQuery) {
  const RoundTripCase& c = GetParam();
  auto q = ParseQuery(c.query);
  ASSERT_TRUE(q.ok()) << c.query << ": " << q.status();
  std::string canonical = ToString(*q);
  EXPECT_EQ(canonical, c.canonical);
  auto again = ParseQuery(canonical);
  ASSERT_TRUE(again.ok()) << canonical << ": " << again.status();
  EXPECT_TRUE(SameQuery(*again, *q)) << c.query << " -> " << canonical;
  EXPECT_EQ(ToString(*again), canonical);
}

INSTANTIATE_TEST_SUITE_P(
    EveryForm, RoundTripTest,
    ::testing::Values(
        // path: max, k, by, and every edge filter.
        RoundTripCase{R"(path "A" to "B")", R"(path "A" to "B")"},
        RoundTripCase{R"(PATH "Merida Initiative" To "arms trafficking" max 3 k 2 by CONFIDENCE typed)",
                      R"(path "Merida Initiative" to "arms trafficking" max 3 k 2 by confidence typed)"},
        RoundTripCase{R"(path "A" to "B" by hops predicate "located in",meet_with,"a,b")",
                      R"(path "A" to "B" by hops predicate "located in",meet_with,"a,b")"},
        RoundTripCase{R"(path "A" to "B" predicate "say \"x\"", "back\\slash",located-in,"")",
                      R"(path "A" to "B" predicate "say \"x\"","back\\slash","located-in","")"},
        RoundTripCase{R"(path "A" to "B" predicate limit,typed,max)", R"(path "A" to "B" predicate limit,typed,max)"},
        RoundTripCase{"path \"A\" to \"B\" predicate r\xC3\xA9union", "path \"A\" to \"B\" predicate \"r\xC3\xA9union\""},
        RoundTripCase{R"(path "A" to "B" min_confidence 0.1234567)", R"(path "A" to "B" min_confidence 0.1234567)"},
        RoundTripCase{R"(path "A" to "B" min_confidence 1e-3)", R"(path "A" to "B" min_confidence 0.001)"},
        RoundTripCase{R"(path "A" to "B" min_confidence 1)", R"(path "A" to "B" min_confidence 1)"},
        RoundTripCase{R"(path "A" to "B" min_confidence 0)", R"(path "A" to "B")"},
        RoundTripCase{R"(path "A" to "B" document "a \"b\".txt",x.txt since 2021 until 2021-02)",
                      R"(path "A" to "B" document "a \"b\".txt","x.txt" since 2021-01-01 until 2021-02-31)"},
        // connect: max, k, type, by, limit and filters.
        RoundTripCase{R"(connect "A" and "B" limit 4 type PER,organisation,gpe k 5 max 3)",
                      R"(connect "A" and "B" max 3 k 5 type person,org,gpe limit 4)"},
        RoundTripCase{R"(explain connect "A \"x\"" and "B" by hops typed predicate fund since 2020-01-01)",
                      R"(explain connect "A \"x\"" and "B" by hops typed predicate fund since 2020-01-01)"},
        // neighbors: depth, type, limit, filters; the British spelling.
        RoundTripCase{R"(neighbours "X" limit 7 depth 2 type topic until 2021 predicate "holds role")",
                      R"(neighbors "X" depth 2 type topic predicate "holds role" until 2021-12-31 limit 7)"},
        RoundTripCase{R"(neighbors "X" min_confidence 0.25 document "seed.txt" typed)",
                      R"(neighbors "X" typed min_confidence 0.25 document "seed.txt")"},
        // entity: escapes and control characters stay readable.
        RoundTripCase{R"(entity "M\u00e9rida \"x\" \\ \/ \n\t")", "entity \"M\xC3\xA9rida \\\"x\\\" \\\\ / \\n\\t\""},
        RoundTripCase{"entity \"a\rb\\u0001c\x7F\"", R"(entity "a\u000db\u0001c\u007f")"},
        RoundTripCase{"explain entity \"tab\there\"", R"(explain entity "tab\there")"},
        // match: bare, quoted and variable predicates; several patterns.
        RoundTripCase{R"(match ?p meet_with "Joe Biden")", R"(match ?p meet_with "Joe Biden")"},
        RoundTripCase{R"(match ?p "holds_role" ?r , ?p member_of "National Security Council" limit 3 typed)",
                      R"(match ?p holds_role ?r, ?p member_of "National Security Council" typed limit 3)"},
        RoundTripCase{R"(match ?x fund ?y, ?y "located in" "Mexico" predicate "located in" min_confidence 0.5)",
                      R"(match ?x fund ?y, ?y "located in" "Mexico" predicate "located in" min_confidence 0.5)"},
        RoundTripCase{R"(match "A" ?rel ?x)", R"(match "A" ?rel ?x)"},
        RoundTripCase{R"(match ?a located-in ?b, ?b limit ?c)", R"(match ?a "located-in" ?b, ?b limit ?c)"},
        RoundTripCase{R"(match ?a "?b" ?c)", R"(match ?a "?b" ?c)"},
        // top: type, by, limit, filters.
        RoundTripCase{"top", "top"},
        RoundTripCase{R"(Top Limit 3 By PageRank type person,org predicate fund,"meet with" since 2021 until 2021-03)",
                      R"(top type person,org by pagerank predicate fund,"meet with" since 2021-01-01 until 2021-03-31 limit 3)"},
        RoundTripCase{R"(explain top by degree typed document "a.txt","b.txt")",
                      R"(explain top by degree typed document "a.txt","b.txt")"}));

// The error names the column, shows a caret under it and, for misspelt
// words, the nearest keyword.
struct ErrorCase {
  const char* query;
  int column;
  const char* fragment;
};

class ParserErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ParserErrorTest, NamesColumnWithCaret) {
  const ErrorCase& c = GetParam();
  auto q = ParseQuery(c.query);
  ASSERT_FALSE(q.ok()) << c.query;
  EXPECT_EQ(q.status().code(), absl::StatusCode::kInvalidArgument);
  std::string message(q.status().message());
  EXPECT_THAT(message, HasSubstr("column " + std::to_string(c.column) + ":")) << message;
  EXPECT_THAT(message, HasSubstr(c.fragment)) << message;
  // Caret line: the query, then spaces up to the column, then '^'.
  std::string caret = "\n  " + std::string(c.column - 1, ' ') + "^";
  EXPECT_THAT(message, HasSubstr(caret)) << message;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ParserErrorTest,
    ::testing::Values(ErrorCase{R"(pth "A" to "B")", 1, "did you mean 'path'?"},
                      ErrorCase{R"(neigbors "A")", 1, "did you mean 'neighbors'?"},
                      ErrorCase{R"(path "A" too "B")", 10, "expected 'to'"},
                      ErrorCase{R"(path A to "B")", 6, "put names in double quotes"},
                      ErrorCase{R"(neighbors "A" dpth 2)", 15, "did you mean 'depth'?"},
                      ErrorCase{R"(neighbors "A" depth x)", 21, "integer"},
                      ErrorCase{R"(neighbors "A" depth 0)", 21, "integer >= 1"},
                      ErrorCase{R"(path "A" to "B" depth 2)", 17, "does not apply to path"},
                      ErrorCase{R"(connect "A" and "B" type persn)", 26, "did you mean 'person'?"},
                      ErrorCase{R"(path "A to "B")", 14, "unterminated"},
                      ErrorCase{R"(entity "A\qB")", 10, "unknown escape"},
                      ErrorCase{R"(top by pagernk)", 8, "did you mean 'pagerank'?"},
                      ErrorCase{R"(neighbors "A" since 03/18/21)", 21, "YYYY-MM-DD"},
                      ErrorCase{R"(neighbors "A" min_confidence 1.5)", 30, "between 0 and 1"},
                      ErrorCase{R"(neighbors "A" limit 2 limit 3)", 23, "given twice"},
                      ErrorCase{R"(entity "A" max 2)", 12, "does not apply to entity"},
                      ErrorCase{R"(match ?p , "B")", 10, "expected a predicate"},
                      ErrorCase{R"(match ? x "B")", 7, "variable needs a name"},
                      ErrorCase{"", 1, "expected a command"},
                      // Columns count characters, not bytes: "Mérida" is 6 wide.
                      ErrorCase{"path \"M\xC3\xA9rida\" x \"B\"", 15, "expected 'to'"}));

TEST(ParserTest, EditDistance) {
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3);
  EXPECT_EQ(EditDistance("", "abc"), 3);
  EXPECT_EQ(EditDistance("same", "same"), 0);
}

// A query built by hand need not have the names ParseQuery gives each form:
// the printer shows the names there are, and parsing that text back names
// what is missing.
TEST(ParserTest, HandBuiltQueryWithTooFewNamesPrintsWhatItHas) {
  Query q;
  q.kind = QueryKind::kConnect;
  q.names.push_back(Term{.text = "A"});
  EXPECT_EQ(ToString(q), R"(connect "A")");
  auto parsed = ParseQuery(ToString(q));
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(std::string(parsed.status().message()), HasSubstr("'and'"));
  q.kind = QueryKind::kNeighbors;
  q.names.clear();
  EXPECT_EQ(ToString(q), "neighbors");
  q.kind = QueryKind::kPath;
  q.names = {Term{.text = "A"}, Term{.text = "B"}};
  EXPECT_EQ(ToString(q), R"(path "A" to "B")");
}

}  // namespace
}  // namespace kg::query
