#include "cli/completer.h"

#include "cli/query_input.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kg::cli {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

Completer MakeCompleter(int* loads = nullptr) {
  return Completer(
      [loads] {
        if (loads != nullptr) ++*loads;
        return std::vector<std::string>{
            "Mérida Initiative",           "Merida Plan", "Mexico", "AMLO", "Merida Initiative",
            "Andrés Manuel López Obrador", "Joe Biden"};
      },
      [] {
        return std::vector<std::string>{"meet_with", "funds", "member_of", "meet_with"};
      });
}

TEST(CompleterTest, CommandsAtTheStartOfALine) {
  Completer c = MakeCompleter();
  EXPECT_THAT(c.Complete("con").candidates, ElementsAre("connect"));
  EXPECT_THAT(c.Complete("").candidates, Contains("neighbors"));
  EXPECT_THAT(c.Complete(":fo").candidates, ElementsAre(":format"));
  EXPECT_THAT(c.Complete("explain pa").candidates, ElementsAre("path"));
  EXPECT_EQ(c.Complete("explain pa").start, 8u);
}

TEST(CompleterTest, NamesInsideQuotesIgnoreCaseAndAccents) {
  Completer c = MakeCompleter();
  Completion m = c.Complete("connect \"meri");
  EXPECT_TRUE(m.in_quote);
  EXPECT_EQ(m.start, 9u);  // just after the quote
  EXPECT_THAT(m.candidates, UnorderedElementsAre("Mérida Initiative", "Merida Plan"));
  // One candidate per key: the spelling that continues what was typed.
  EXPECT_THAT(c.Complete("connect \"merida i").candidates, ElementsAre("Mérida Initiative"));
  EXPECT_THAT(c.Complete("connect \"Merida I").candidates, ElementsAre("Merida Initiative"));
  EXPECT_THAT(c.Complete("connect \"Mérida i").candidates, ElementsAre("Mérida Initiative"));
  EXPECT_THAT(c.Complete("path \"am").candidates, ElementsAre("AMLO"));
  EXPECT_THAT(c.Complete("path \"andres").candidates, ElementsAre("Andrés Manuel López Obrador"));
  // After a closed name the next word is a keyword.
  EXPECT_THAT(c.Complete("connect \"Mexico\" a").candidates, ElementsAre("and"));
  EXPECT_THAT(c.Complete("connect \"Mexico\" and \"Joe").candidates, ElementsAre("Joe Biden"));
  EXPECT_THAT(c.Complete("connect \"zzz").candidates, IsEmpty());
}

TEST(CompleterTest, PredicatesTypesAndFormats) {
  Completer c = MakeCompleter();
  EXPECT_THAT(c.Complete("neighbors \"Mexico\" predicate me").candidates,
              ElementsAre("meet_with", "member_of"));
  EXPECT_THAT(c.Complete("neighbors \"Mexico\" predicate funds,me").candidates,
              ElementsAre("meet_with", "member_of"));
  EXPECT_THAT(c.Complete("match ?p me").candidates, ElementsAre("meet_with", "member_of"));
  EXPECT_THAT(c.Complete("match ?p meet_with ?x, ?x f").candidates, ElementsAre("funds"));
  EXPECT_THAT(c.Complete("top type pe").candidates, ElementsAre("person", "percent"));
  EXPECT_THAT(c.Complete("top type person,o").candidates, ElementsAre("org"));
  EXPECT_THAT(c.Complete("top by p").candidates, ElementsAre("pagerank"));
  EXPECT_THAT(c.Complete(":format j").candidates, ElementsAre("json"));
  EXPECT_THAT(c.Complete(":timing o").candidates, ElementsAre("on", "off"));
  EXPECT_TRUE(c.Complete(":open /tm").files);
  EXPECT_THAT(c.Complete("neighbors \"Mexico\" de").candidates, ElementsAre("depth"));
}

TEST(CompleterTest, LoadsNamesOnceAndOnlyWhenNeeded) {
  int loads = 0;
  Completer c = MakeCompleter(&loads);
  c.Complete("conn");
  EXPECT_EQ(loads, 0);
  c.Complete("path \"a");
  c.Complete("path \"m");
  EXPECT_EQ(loads, 1);
  c.Reset();
  c.Complete("path \"m");
  EXPECT_EQ(loads, 2);
}

TEST(CompleterTest, WordBreaksKeepQuotedNamesWhole) {
  EXPECT_STREQ(Completer::WordBreaks("connect \"Merida In"), "\"");
  EXPECT_THAT(std::string(Completer::WordBreaks("connect ")), ::testing::HasSubstr(" "));
}

TEST(QueryInputTest, ContinuesWhileQuotesOrBracketsAreOpen) {
  EXPECT_FALSE(NeedsMoreInput("connect \"A\" and \"B\""));
  EXPECT_TRUE(NeedsMoreInput("connect \"Merida"));
  EXPECT_TRUE(NeedsMoreInput("connect \"A\" and \\"));
  EXPECT_FALSE(NeedsMoreInput("path \"back\\\\\" to \"x\""));  // escaped backslash in a name
  EXPECT_TRUE(NeedsMoreInput("path \"say \\\" more"));         // escaped quote keeps it open
  EXPECT_TRUE(NeedsMoreInput("match (?p"));
  EXPECT_FALSE(NeedsMoreInput(":open \"weird"));  // commands never continue
  EXPECT_FALSE(NeedsMoreInput("   "));
}

TEST(QueryInputTest, JoinsContinuationLines) {
  std::string q;
  AppendLine("connect \"Merida", &q);
  AppendLine("  Initiative\" and \\", &q);
  AppendLine("\"arms trafficking\"", &q);
  EXPECT_EQ(q, "connect \"Merida Initiative\" and \"arms trafficking\"");
  EXPECT_FALSE(NeedsMoreInput(q));
  EXPECT_TRUE(HasTrailingBackslash("path \"a\" to \\"));
  EXPECT_FALSE(HasTrailingBackslash("path \"a\\\\"));
}

}  // namespace
}  // namespace kg::cli
