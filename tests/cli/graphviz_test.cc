// query/graphviz: escaping, styling and trimming, and DOT for every query
// form validated by running Graphviz's dot on it.

#include "query/graphviz.h"

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

#include "absl/strings/str_cat.h"
#include "cli/dot_render.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "query/engine.h"
#include "query/result.h"
#include "storage/store.h"
#include "tests/cli/small_store_testutil.h"

namespace kg::query {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

// Runs dot -Tsvg; fails the test with dot's message when it rejects the input.
std::string Svg(const std::string& dot) {
  absl::StatusOr<std::string> svg = cli::RenderDot(dot, "svg");
  EXPECT_TRUE(svg.ok()) << svg.status() << "\n" << dot;
  return svg.ok() ? *svg : "";
}

int Count(const std::string& text, const std::string& needle) {
  int n = 0;
  for (size_t p = text.find(needle); p != std::string::npos; p = text.find(needle, p + 1)) ++n;
  return n;
}

TEST(DotEscapeTest, EscapesQuotesBackslashesAmpersandsAndNewlines) {
  EXPECT_EQ(DotEscape("say \"hi\""), "say \\\"hi\\\"");
  EXPECT_EQ(DotEscape("a\\b"),
            "a\\\\\xE2\x80\x8B"
            "b");  // zero-width space keeps \b literal
  EXPECT_EQ(DotEscape("end\\"), "end\\\\");
  EXPECT_EQ(DotEscape("x & y"), "x &amp; y");
  EXPECT_EQ(DotEscape("one\ntwo"), "one\\ntwo");
  EXPECT_EQ(DotEscape("<b>"), "<b>");  // no HTML labels: angle brackets are plain text
  EXPECT_EQ(DotEscape("tab\tbell\x07"), "tab bell");
  EXPECT_EQ(DotEscape("México"), "México");
}

TEST(DotEscapeTest, InvalidUtf8BecomesReplacementCharacter) {
  EXPECT_EQ(DotEscape("a\xff"
                      "b"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(DotEscape("\xC3"), "\xEF\xBF\xBD");  // truncated sequence
}

DrawGraph Chain(int n) {
  DrawGraph g;
  for (int i = 0; i < n; ++i) g.nodes.push_back({absl::StrCat("entity ", i), PERSON, i == 0, ""});
  for (int i = 0; i + 1 < n; ++i) g.edges.push_back({i, i + 1, "knows", 1, 0, 0.9f, {}});
  return g;
}

TEST(GraphvizTest, StylesByTypeSupportAndCoMention) {
  DrawGraph g;
  g.nodes = {{"Merida Initiative", PROGRAM, true, ""},
             {"Mexico", GPE, false, ""},
             {"arms trafficking", TOPIC, true, ""}};
  g.edges = {{0, 1, "funds", 8, 0, 0.9f, {"The Merida Initiative funds Mexico."}},
             {1, 2, "co_mention", 1, CO_MENTION, 0.4f, {"Mexico and arms trafficking."}}};
  std::string dot = ToGraphviz(g, {});
  EXPECT_THAT(dot, HasSubstr("shape=component"));  // programme
  EXPECT_THAT(dot, HasSubstr("shape=hexagon"));    // country
  EXPECT_THAT(dot, HasSubstr("shape=octagon"));    // topic
  EXPECT_EQ(Count(dot, "peripheries=2"), 2);       // the two endpoints
  EXPECT_THAT(dot, HasSubstr("penwidth=5.5"));     // support 8: 1 + 1.5 * 3
  EXPECT_THAT(dot, HasSubstr("style=dashed"));     // the co-mention
  EXPECT_THAT(dot, HasSubstr("cluster_legend"));
  EXPECT_THAT(dot, HasSubstr("programme / law"));
  if (!cli::DotAvailable()) GTEST_SKIP() << "Graphviz's dot is not installed";
  std::string svg = Svg(dot);
  EXPECT_THAT(svg, HasSubstr("xlink:title=\"Merida Initiative — funds → Mexico&#10;support 8"));
  EXPECT_THAT(svg, HasSubstr("The Merida Initiative funds Mexico."));  // evidence tooltip
}

TEST(GraphvizTest, TrimsLargeResultsWithANote) {
  DrawGraph g = Chain(100);
  g.nodes[70].endpoint = true;  // endpoints survive trimming wherever they are
  GraphvizOptions o;
  o.limit = 10;
  std::string dot = ToGraphviz(g, o);
  EXPECT_EQ(Count(dot, "label=\"entity "), 10);
  EXPECT_THAT(dot, HasSubstr("label=\"entity 70\""));
  EXPECT_THAT(dot, HasSubstr("90 more entities and"));
  EXPECT_THAT(dot, Not(HasSubstr("label=\"entity 50\"")));
  o.limit = 0;  // no limit
  EXPECT_EQ(Count(ToGraphviz(g, o), "label=\"entity "), 100);
}

TEST(GraphvizTest, AdversarialNamesAreAcceptedAndShownLiterally) {
  if (!cli::DotAvailable()) GTEST_SKIP() << "Graphviz's dot is not installed";
  DrawGraph g;
  std::vector<std::string> names = cli::testing::AdversarialNames();
  names.push_back("bad utf-8 \xff\xfe here");
  names.push_back("");
  for (size_t i = 0; i < names.size(); ++i) {
    g.nodes.push_back({names[i], static_cast<EntityType>(i % 17), i < 2, names[i]});
    if (i > 0) {
      g.edges.push_back({static_cast<int>(i - 1),
                         static_cast<int>(i),
                         names[i],
                         2,
                         i % 2 ? 0u : static_cast<uint32_t>(CO_MENTION),
                         0.5f,
                         {names[i - 1]}});
    }
  }
  GraphvizOptions o;
  o.title = "connect \"x\\\" and <y>";
  std::string svg = Svg(ToGraphviz(g, o));
  // Shown literally: XML-escaped by dot, never interpreted.
  EXPECT_THAT(svg, HasSubstr("Say &quot;hello&quot;"));
  EXPECT_THAT(svg, HasSubstr("&lt;b&gt;bold&lt;/b&gt; &amp; co"));
  EXPECT_THAT(svg, HasSubstr("北京市 &amp; 東京"));
  EXPECT_THAT(svg, HasSubstr("Ciudad de México"));
  EXPECT_THAT(svg, HasSubstr("ends with \\"));
  EXPECT_THAT(svg, HasSubstr("bad utf&#45;8 \xEF\xBF\xBD\xEF\xBF\xBD here"));
  // \N would be replaced by the node id if it were not escaped.
  EXPECT_THAT(svg, Not(HasSubstr(">n12 ")));
  EXPECT_THAT(svg, HasSubstr("connect &quot;x\\&quot; and &lt;y&gt;"));
  // PNG and PDF accept the same text.
  EXPECT_TRUE(cli::RenderDot(ToGraphviz(g, o), "png").ok());
}

// Every query form, run by the engine on a stored graph, drawn and rendered.
class GraphvizQueryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db_ = new std::string(cli::testing::TempPath("graphviz_policy"));
    cli::testing::BuildPolicyStore(*db_);
    adversarial_ = new std::string(cli::testing::TempPath("graphviz_adversarial"));
    cli::testing::BuildAdversarialStore(*adversarial_);
  }
  static void TearDownTestSuite() {
    fs::remove_all(*db_);
    fs::remove_all(*adversarial_);
    delete db_;
    delete adversarial_;
  }
  static std::string Draw(const std::string& db, const std::string& q) {
    storage::StoreOptions ro;
    ro.read_only = true;
    auto store = storage::Store::Open(db, ro);
    EXPECT_TRUE(store.ok()) << store.status();
    if (!store.ok()) return "";
    Engine engine(store->get());
    auto result = engine.Run(q);
    EXPECT_TRUE(result.ok()) << q << ": " << result.status();
    if (!result.ok()) return "";
    return ToGraphviz(**result, {});
  }
  static std::string* db_;
  static std::string* adversarial_;
};
std::string* GraphvizQueryTest::db_ = nullptr;
std::string* GraphvizQueryTest::adversarial_ = nullptr;

TEST_F(GraphvizQueryTest, EveryQueryFormRenders) {
  if (!cli::DotAvailable()) GTEST_SKIP() << "Graphviz's dot is not installed";
  const char* queries[] = {
      R"(path "Merida Initiative" to "arms trafficking")",
      R"(path "AMLO" to "Biden" k 2)",
      R"(connect "Merida Initiative" and "arms trafficking")",
      R"(neighbors "Mexico" depth 2)",
      R"(entity "AMLO")",
      R"(match ?p meet_with "Joe Biden")",
      R"(top by degree limit 5)",
      R"(explain connect "Merida Initiative" and "arms trafficking")",
  };
  for (const char* q : queries) {
    SCOPED_TRACE(q);
    std::string dot = Draw(*db_, q);
    ASSERT_THAT(dot, HasSubstr("digraph kg"));
    std::string svg = Svg(dot);
    EXPECT_THAT(svg, HasSubstr("<svg"));
  }
}

TEST_F(GraphvizQueryTest, ConnectPictureHighlightsEndpointsAndCarriesEvidence) {
  std::string dot = Draw(*db_, R"(connect "Merida Initiative" and "arms trafficking")");
  // The two endpoints, and nothing else, are drawn with a double border.
  std::regex endpoint("label=\"([^\"]*)\"[^\\n]*peripheries=2");
  std::set<std::string> endpoints;
  for (auto it = std::sregex_iterator(dot.begin(), dot.end(), endpoint);
       it != std::sregex_iterator(); ++it) {
    endpoints.insert((*it)[1]);
  }
  EXPECT_EQ(endpoints, (std::set<std::string>{"Merida Initiative", "arms trafficking"}));
  EXPECT_THAT(dot, HasSubstr("label=\"funds\""));
  EXPECT_THAT(dot, HasSubstr("The Merida Initiative funds security programmes in Mexico."));
  EXPECT_THAT(dot, HasSubstr("merida.txt #0 (2021-03-18)"));
}

TEST_F(GraphvizQueryTest, AdversarialStoreRendersForEveryForm) {
  if (!cli::DotAvailable()) GTEST_SKIP() << "Graphviz's dot is not installed";
  const std::string first = "Say \\\"hello\\\"";  // query-language escapes
  const std::string last = "a;b=c,d";
  const std::string queries[] = {
      "path \"" + first + "\" to \"" + last + "\"",
      "connect \"" + first + "\" and \"" + last + "\"",
      "neighbors \"back\\\\slash\\\\\" depth 3",
      "entity \"<b>bold</b> & co\"",
      "top limit 50",
  };
  for (const std::string& q : queries) {
    SCOPED_TRACE(q);
    std::string dot = Draw(*adversarial_, q);
    ASSERT_THAT(dot, HasSubstr("digraph kg"));
    std::string svg = Svg(dot);
    EXPECT_THAT(svg, HasSubstr("<svg"));
  }
  std::string svg = Svg(Draw(*adversarial_, "top limit 50"));
  EXPECT_THAT(svg, HasSubstr("&lt;b&gt;bold&lt;/b&gt; &amp; co"));
  EXPECT_THAT(svg, HasSubstr("北京市 &amp; 東京"));
}

}  // namespace
}  // namespace kg::query
