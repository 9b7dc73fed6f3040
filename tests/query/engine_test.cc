#include "query/engine.h"

#include <set>
#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "query/dot.h"
#include "query/result.h"
#include "tests/query/fake_store_testutil.h"

namespace kg::query {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using Json = nlohmann::json;
using testing::FakeStore;

// A small hand-made graph around US-Mexico cooperation. Degrees (undirected):
// United States 4, Joe Biden 3, arms trafficking 3, Mexico 2, Merida 2, ...
class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    biden_ = store_.AddEntity("Joe Biden", PERSON, {"Biden", "President Biden"});
    amlo_ = store_.AddEntity("Andrés Manuel López Obrador", PERSON, {"AMLO", "López Obrador"});
    merida_ = store_.AddEntity("Mérida Initiative", PROGRAM, {"Merida"});
    arms_ = store_.AddEntity("arms trafficking", TOPIC);
    us_ = store_.AddEntity("United States", GPE, {"U.S."});
    mexico_ = store_.AddEntity("Mexico", GPE);
    nsc_ = store_.AddEntity("National Security Council", ORG, {"NSC"});
    sullivan_ = store_.AddEntity("Jake Sullivan", PERSON);
    jacobson_ = store_.AddEntity("Roberta Jacobson", PERSON);
    nsa_ = store_.AddEntity("national security adviser", ROLE);
    coordinator_ = store_.AddEntity("border coordinator", ROLE);
    president_ = store_.AddEntity("President", ROLE);
    isolated_ = store_.AddEntity("Isolated Entity", MISC);

    auto ev = [](uint32_t sentence, const std::string& text, const std::string& date) {
      return std::vector<Evidence>{FakeStore::MakeEvidence("/data/seed.txt", sentence, text, date)};
    };
    store_.AddFact(amlo_, "meet_with", biden_, 0.9f, 0,
                   ev(3, "López Obrador met with Biden on March 1.", "2021-03-01"));
    store_.AddFact(biden_, "holds_role", president_, 0.95f, 0, ev(1, "President Biden spoke.", "2021-03-18"));
    store_.AddFact(biden_, "president_of", us_, 0.9f, 0, ev(2, "Biden leads the United States.", "2021-03-18"));
    store_.AddFact(merida_, "agreed_by", us_, 0.8f, 0,
                   ev(5, "The United States agreed the Merida Initiative.", "2021-03-18"));
    store_.AddFact(merida_, "involves", mexico_, 0.8f, 0, ev(6, "Mexico takes part in Merida.", "2021-03-18"));
    store_.AddFact(us_, "co_mention", arms_, 0.6f, CO_MENTION,
                   ev(7, "The United States and arms trafficking appear together.", "2021-03-18"));
    store_.AddFact(us_, "combats", arms_, 0.8f, 0,
                   ev(8, "The United States combats arms trafficking.", "2021-03-18"));
    store_.AddFact(mexico_, "co_mention", arms_, 0.6f, CO_MENTION,
                   ev(9, "Mexico and arms trafficking appear together.", "2021-03-18"));
    store_.AddFact(sullivan_, "holds_role", nsa_, 0.9f, 0, ev(10, "Sullivan is national security adviser.", ""));
    store_.AddFact(sullivan_, "member_of", nsc_, 0.9f, 0, ev(11, "Sullivan sits on the NSC.", ""));
    store_.AddFact(jacobson_, "holds_role", coordinator_, 0.9f, 0, ev(12, "Jacobson is border coordinator.", ""));
    store_.AddFact(jacobson_, "member_of", nsc_, 0.9f, 0, ev(13, "Jacobson joined the NSC.", ""));
  }

  std::shared_ptr<const QueryResult> Run(const std::string& q) {
    auto r = engine_.Run(q);
    EXPECT_TRUE(r.ok()) << q << ": " << r.status();
    if (!r.ok()) return std::make_shared<QueryResult>();
    return *r;
  }
  Json RunJson(const std::string& q) { return Json::parse(engine_.Format(*Run(q), OutputFormat::kJson)); }

  static std::vector<std::string> Names(const ResultPath& p) {
    std::vector<std::string> names;
    for (const ResultNode& n : p.nodes) names.push_back(n.name);
    return names;
  }

  FakeStore store_;
  Engine engine_{&store_};
  uint64_t biden_, amlo_, merida_, arms_, us_, mexico_, nsc_, sullivan_, jacobson_, nsa_, coordinator_,
      president_, isolated_;
};

TEST_F(EngineTest, PathResolvesNamesCaseAndAccentInsensitively) {
  auto r = Run(R"(path "MERIDA initiative" to "Arms Trafficking")");
  ASSERT_EQ(r->paths.size(), 1u);
  EXPECT_EQ(Names(r->paths[0]), (std::vector<std::string>{"Mérida Initiative", "United States", "arms trafficking"}));
  const Hop& h = r->paths[0].hops[1];
  EXPECT_EQ(h.predicate, "combats");  // the typed fact, not the co-mention
  ASSERT_EQ(h.evidence.size(), 1u);
  EXPECT_EQ(h.evidence[0].text(), "The United States combats arms trafficking.");
  // Hops keep the fact's own direction.
  EXPECT_EQ(r->paths[0].hops[0].from.name, "Mérida Initiative");
  EXPECT_EQ(r->paths[0].hops[0].to.name, "United States");
}

TEST_F(EngineTest, PathThroughAliasesAndReverseEdges) {
  auto r = Run(R"(path "AMLO" to "U.S.")");
  ASSERT_EQ(r->paths.size(), 1u);
  EXPECT_EQ(Names(r->paths[0]),
            (std::vector<std::string>{"Andrés Manuel López Obrador", "Joe Biden", "United States"}));
}

TEST_F(EngineTest, KShortestPaths) {
  auto r = Run(R"(path "Merida" to "arms trafficking" k 3)");
  ASSERT_EQ(r->paths.size(), 2u);  // via the United States, then via Mexico
  EXPECT_EQ(r->paths[0].nodes[1].name, "United States");
  EXPECT_EQ(r->paths[1].nodes[1].name, "Mexico");
  EXPECT_LT(r->paths[0].weight, r->paths[1].weight);
}

TEST_F(EngineTest, NoPathWithinMax) {
  auto r = Run(R"(path "AMLO" to "arms trafficking" max 2)");
  EXPECT_TRUE(r->paths.empty());
  EXPECT_THAT(engine_.Format(*r, OutputFormat::kTable), HasSubstr("no path"));
  r = Run(R"(path "Isolated Entity" to "Mexico")");
  EXPECT_TRUE(r->paths.empty());
}

TEST_F(EngineTest, UnknownNameListsClosest) {
  auto r = engine_.Run(R"(path "Merida Iniciative" to "Mexico")");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(r.status().message(), HasSubstr("unknown name \"Merida Iniciative\""));
  EXPECT_THAT(r.status().message(), HasSubstr("closest: \"Mérida Initiative\""));
}

TEST_F(EngineTest, SyntaxErrorsSurface) {
  auto r = engine_.Run(R"(conect "A" and "B")");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("did you mean 'connect'?"));
}

TEST_F(EngineTest, ConnectRanksConnectors) {
  auto r = Run(R"(connect "Merida Initiative" and "arms trafficking")");
  ASSERT_GE(r->connectors.size(), 2u);
  EXPECT_EQ(r->connectors[0].node.name, "United States");
  EXPECT_EQ(r->connectors[1].node.name, "Mexico");
  EXPECT_GT(r->connectors[0].score, r->connectors[1].score);
  EXPECT_FALSE(r->paths.empty());
  // Shown strongest first; `by hops` keeps the search's hop order.
  for (size_t i = 1; i < r->paths.size(); ++i) {
    EXPECT_LE(r->paths[i - 1].weight, r->paths[i].weight);
  }
  auto by_hops = Run(R"(connect "Merida Initiative" and "arms trafficking" by hops)");
  ASSERT_EQ(by_hops->paths.size(), r->paths.size());
  for (size_t i = 1; i < by_hops->paths.size(); ++i) {
    EXPECT_LE(by_hops->paths[i - 1].hops.size(), by_hops->paths[i].hops.size());
  }
  // Typed-only: Mexico's only link to the topic is a co-mention.
  r = Run(R"(connect "Merida Initiative" and "arms trafficking" typed)");
  ASSERT_EQ(r->connectors.size(), 1u);
  EXPECT_EQ(r->connectors[0].node.name, "United States");
  // Connector type filter.
  r = Run(R"(connect "AMLO" and "Merida" type person)");
  ASSERT_EQ(r->connectors.size(), 1u);
  EXPECT_EQ(r->connectors[0].node.name, "Joe Biden");
}

// Date and document filters on the forms that walk paths, worked out by hand:
// AMLO -meet_with (2021-03-01)- Biden -president_of (2021-03-18)- United States.
TEST_F(EngineTest, DateFiltersOnPathsConnectMatchAndTop) {
  auto r = Run(R"(path "AMLO" to "United States" since 2021-03 until 2021-03)");
  ASSERT_EQ(r->paths.size(), 1u);
  EXPECT_EQ(r->paths[0].hops.size(), 2u);
  r = Run(R"(path "AMLO" to "United States" until 2021-03-10)");  // drops Biden -> US
  EXPECT_TRUE(r->paths.empty());
  r = Run(R"(path "AMLO" to "United States" since 2021-03-02)");  // drops the meeting
  EXPECT_TRUE(r->paths.empty());
  r = Run(R"(path "AMLO" to "United States" k 2 by confidence since 2021)");
  ASSERT_EQ(r->paths.size(), 1u);  // the only simple path
  // Undated evidence (the NSC facts) fails any date bound.
  r = Run(R"(path "Jake Sullivan" to "Roberta Jacobson")");
  ASSERT_EQ(r->paths.size(), 1u);
  r = Run(R"(path "Jake Sullivan" to "Roberta Jacobson" since 1900)");
  EXPECT_TRUE(r->paths.empty());
  // connect: both connectors' facts are dated 2021-03-18.
  r = Run(R"(connect "Merida Initiative" and "arms trafficking" since 2021-03-18)");
  std::set<std::string> connectors;
  for (const Connector& c : r->connectors) connectors.insert(c.node.name);
  EXPECT_EQ(connectors, (std::set<std::string>{"United States", "Mexico"}));
  r = Run(R"(connect "Merida Initiative" and "arms trafficking" until 2021-03-17)");
  EXPECT_TRUE(r->connectors.empty());
  EXPECT_TRUE(r->paths.empty());
  // connect with a type filter and a date filter together.
  r = Run(R"(connect "Merida Initiative" and "arms trafficking" type gpe until 2021-03-18 typed)");
  ASSERT_EQ(r->connectors.size(), 1u);
  EXPECT_EQ(r->connectors[0].node.name, "United States");
  r = Run(R"(connect "AMLO" and "Merida" type person until 2021-03-10)");
  EXPECT_TRUE(r->connectors.empty());
  // match: rows whose facts have admitted evidence.
  r = Run(R"(match ?p meet_with ?q since 2021-03-01 until 2021-03-01)");
  ASSERT_EQ(r->match.rows.size(), 1u);
  EXPECT_EQ(r->match.rows[0], (std::vector<std::string>{"Andrés Manuel López Obrador", "Joe Biden"}));
  r = Run(R"(match ?p meet_with ?q since 2021-03-02)");
  EXPECT_TRUE(r->match.rows.empty());
  r = Run(R"(match ?p holds_role ?r document "seed.txt" until 2021)");
  ASSERT_EQ(r->match.rows.size(), 1u);  // Sullivan's and Jacobson's are undated
  EXPECT_EQ(r->match.rows[0][0], "Joe Biden");
  // top: degrees over the admitted facts only (until March 10: the meeting).
  r = Run(R"(top until 2021-03-10)");
  ASSERT_EQ(r->ranking.size(), 2u);
  EXPECT_EQ(r->ranking[0].score, 1.0);
  EXPECT_EQ(r->ranking[1].score, 1.0);
}

TEST_F(EngineTest, Neighbours) {
  auto r = Run(R"(neighbors "Biden")");
  ASSERT_EQ(r->nodes.size(), 4u);
  EXPECT_EQ(r->nodes[0].node.name, "Joe Biden");
  EXPECT_EQ(r->nodes[0].distance, 0);
  std::set<std::string> names;
  for (size_t i = 1; i < r->nodes.size(); ++i) names.insert(r->nodes[i].node.name);
  EXPECT_EQ(names, (std::set<std::string>{"Andrés Manuel López Obrador", "President", "United States"}));
  EXPECT_EQ(r->edges.size(), 3u);

  r = Run(R"(neighbors "Biden" depth 2 type gpe,topic)");
  names.clear();
  for (const auto& n : r->nodes) names.insert(n.node.name + "@" + std::to_string(n.distance));
  EXPECT_EQ(names, (std::set<std::string>{"Joe Biden@0", "United States@1", "arms trafficking@2"}));

  r = Run(R"(neighbors "Biden" depth 2 limit 2)");
  EXPECT_EQ(r->nodes.size(), 3u);  // the centre and two nearest
  EXPECT_TRUE(r->truncated);
  for (size_t i = 1; i < r->nodes.size(); ++i) EXPECT_EQ(r->nodes[i].distance, 1);

  r = Run(R"(neighbors "Biden" predicate meet_with)");
  ASSERT_EQ(r->nodes.size(), 2u);
  EXPECT_EQ(r->nodes[1].node.name, "Andrés Manuel López Obrador");

  // Date filter: only the meeting is dated before March 10.
  r = Run(R"(neighbors "Biden" until 2021-03-10)");
  ASSERT_EQ(r->nodes.size(), 2u);
  EXPECT_EQ(r->nodes[1].node.name, "Andrés Manuel López Obrador");
  r = Run(R"(neighbors "Biden" since 2021-03-10)");
  EXPECT_EQ(r->nodes.size(), 3u);
  r = Run(R"(neighbors "Biden" document "seed.txt")");
  EXPECT_EQ(r->nodes.size(), 4u);
  r = Run(R"(neighbors "Biden" document "other.txt")");
  EXPECT_EQ(r->nodes.size(), 1u);
  r = Run(R"(neighbors "Biden" min_confidence 0.92)");
  ASSERT_EQ(r->nodes.size(), 2u);
  EXPECT_EQ(r->nodes[1].node.name, "President");
}

TEST_F(EngineTest, UnknownPredicateSuggests) {
  auto r = engine_.Run(R"(neighbors "Biden" predicate meets_with)");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(r.status().message(), HasSubstr("closest: meet_with"));
  // The column of the misspelt predicate (the second of the list).
  r = engine_.Run(R"(path "AMLO" to "Biden" predicate meet_with,holds_rol)");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("unknown predicate 'holds_rol' (column 44); closest: holds_role"));
  // match: a pattern's predicate (any case) and the filter's.
  r = engine_.Run(R"(match ?p member_off "NSC")");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(r.status().message(), HasSubstr("unknown predicate 'member_off' (column 10); closest: member_of"));
  r = engine_.Run(R"(match ?p ?rel "NSC" predicate "member of")");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("unknown predicate 'member of' (column 31); closest: member_of"));
  EXPECT_EQ(Run(R"(match ?p MEMBER_OF "NSC")")->match.rows.size(), 2u);
  // Unknown names in any position name their column too.
  r = engine_.Run(R"(match ?p member_of "National Security Counsil")");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("(column 20); closest: \"National Security Council\""));
}

TEST_F(EngineTest, Entity) {
  auto r = Run(R"(entity "amlo")");
  EXPECT_EQ(r->entity.node.name, "Andrés Manuel López Obrador");
  EXPECT_EQ(r->entity.node.type, PERSON);
  EXPECT_EQ(r->entity.aliases, (std::vector<std::string>{"AMLO", "López Obrador"}));
  EXPECT_EQ(r->entity.degree, 1u);
  Json j = RunJson(R"(entity "AMLO")");
  EXPECT_EQ(j["name"], "Andrés Manuel López Obrador");
  EXPECT_EQ(j["type"], "person");
  EXPECT_EQ(j["aliases"].size(), 2u);
  EXPECT_EQ(j["mentions"], 1);
  EXPECT_EQ(j["documents"], 1);
}

TEST_F(EngineTest, MatchSinglePattern) {
  auto r = Run(R"(match ?p meet_with "Joe Biden")");
  EXPECT_EQ(r->match.variables, (std::vector<std::string>{"p"}));
  ASSERT_EQ(r->match.rows.size(), 1u);
  EXPECT_EQ(r->match.rows[0][0], "Andrés Manuel López Obrador");
  ASSERT_EQ(r->match.facts[0].size(), 1u);
  EXPECT_EQ(r->match.facts[0][0].predicate, "meet_with");
}

TEST_F(EngineTest, MatchJoin) {
  auto r = Run(R"(match ?p holds_role ?r, ?p member_of "National Security Council")");
  EXPECT_EQ(r->match.variables, (std::vector<std::string>{"p", "r"}));
  std::set<std::pair<std::string, std::string>> rows;
  for (const auto& row : r->match.rows) rows.emplace(row[0], row[1]);
  EXPECT_EQ(rows, (std::set<std::pair<std::string, std::string>>{
                      {"Jake Sullivan", "national security adviser"}, {"Roberta Jacobson", "border coordinator"}}));
  // Predicate variables.
  r = Run(R"(match "Joe Biden" ?rel ?x)");
  EXPECT_EQ(r->match.rows.size(), 2u);
  // Unbound start: a full scan.
  r = Run(R"(match ?a holds_role ?b)");
  EXPECT_EQ(r->match.rows.size(), 3u);
  r = Run(R"(match ?a holds_role ?b limit 2)");
  EXPECT_EQ(r->match.rows.size(), 2u);
  EXPECT_TRUE(r->truncated);
  // A variable in two roles is an error.
  auto bad = engine_.Run(R"(match ?x ?x "Mexico")");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(EngineTest, Top) {
  auto r = Run("top limit 1");
  ASSERT_EQ(r->ranking.size(), 1u);
  EXPECT_EQ(r->ranking[0].node.name, "United States");
  EXPECT_EQ(r->ranking[0].score, 4);
  r = Run("top type person by degree limit 2");
  ASSERT_EQ(r->ranking.size(), 2u);
  EXPECT_EQ(r->ranking[0].node.name, "Joe Biden");
  r = Run("top by pagerank limit 3");
  ASSERT_EQ(r->ranking.size(), 3u);
  // Directed PageRank: arms trafficking and the US collect the most rank.
  std::set<std::string> top3;
  for (const auto& e : r->ranking) top3.insert(e.node.name);
  EXPECT_TRUE(top3.count("arms trafficking")) << engine_.Format(*r, OutputFormat::kTable);
  EXPECT_TRUE(top3.count("United States")) << engine_.Format(*r, OutputFormat::kTable);
}

TEST_F(EngineTest, JsonContract) {
  Json j = RunJson(R"(path "Merida Initiative" to "arms trafficking")");
  ASSERT_EQ(j["paths"].size(), 1u);
  const Json& p = j["paths"][0];
  EXPECT_EQ(p["nodes"], Json::array({"Mérida Initiative", "United States", "arms trafficking"}));
  const Json& hop = p["hops"][1];
  EXPECT_EQ(hop["from"], "United States");
  EXPECT_EQ(hop["predicate"], "combats");
  EXPECT_EQ(hop["to"], "arms trafficking");
  EXPECT_NEAR(hop["confidence"].get<double>(), 0.8, 1e-3);
  EXPECT_EQ(hop["support"], 1);
  const Json& ev = hop["evidence"][0];
  EXPECT_EQ(ev["doc"], "/data/seed.txt");
  EXPECT_EQ(ev["sentence"], 8);
  EXPECT_EQ(ev["start"], 800);
  EXPECT_EQ(ev["end"], 800 + std::string("The United States combats arms trafficking.").size());
  EXPECT_FALSE(j.contains("connectors"));

  j = RunJson(R"(connect "Merida Initiative" and "arms trafficking")");
  ASSERT_GE(j["connectors"].size(), 1u);
  EXPECT_EQ(j["connectors"][0]["name"], "United States");
  EXPECT_EQ(j["connectors"][0]["type"], "gpe");
  EXPECT_TRUE(j["connectors"][0]["score"].is_number());
  EXPECT_TRUE(j["paths"][0]["hops"][0]["evidence"].is_array());

  j = RunJson(R"(neighbors "Biden")");
  ASSERT_EQ(j["nodes"].size(), 4u);
  EXPECT_EQ(j["nodes"][0]["name"], "Joe Biden");
  EXPECT_EQ(j["nodes"][0]["type"], "person");
  EXPECT_EQ(j["nodes"][0]["distance"], 0);
  ASSERT_EQ(j["edges"].size(), 3u);
  EXPECT_TRUE(j["edges"][0].contains("from"));
  EXPECT_TRUE(j["edges"][0].contains("predicate"));
  EXPECT_TRUE(j["edges"][0].contains("to"));

  j = RunJson(R"(match ?p meet_with "Joe Biden")");
  EXPECT_EQ(j["rows"][0]["p"], "Andrés Manuel López Obrador");
  j = RunJson("top limit 2");
  EXPECT_EQ(j["entities"][0]["name"], "United States");
}

TEST_F(EngineTest, ExplainShowsEvidenceAndPlan) {
  auto r = Run(R"(explain path "AMLO" to "United States")");
  std::string table = engine_.Format(*r, OutputFormat::kTable);
  EXPECT_THAT(table, HasSubstr("plan:"));
  EXPECT_THAT(table, HasSubstr("bidirectional BFS"));
  EXPECT_THAT(table, HasSubstr("López Obrador met with Biden on March 1."));
  EXPECT_THAT(table, HasSubstr("/data/seed.txt #3"));
  EXPECT_THAT(table, HasSubstr("2021-03-01"));
  Json j = Json::parse(engine_.Format(*r, OutputFormat::kJson));
  EXPECT_TRUE(j.contains("plan"));
  EXPECT_EQ(j["paths"][0]["hops"][0]["evidence"][0]["text"], "López Obrador met with Biden on March 1.");
  // Explain works on every form.
  for (const char* q : {R"(explain connect "Merida" and "arms trafficking")", R"(explain neighbors "Biden")",
                        R"(explain entity "Biden")", R"(explain match ?p meet_with "Joe Biden")",
                        "explain top by pagerank"}) {
    auto x = engine_.Run(q);
    ASSERT_TRUE(x.ok()) << q << ": " << x.status();
    EXPECT_FALSE((*x)->plan.empty()) << q;
    EXPECT_THAT(engine_.Format(**x, OutputFormat::kTable), HasSubstr("plan:")) << q;
  }
  auto m = Run(R"(explain match ?p meet_with "Joe Biden")");
  EXPECT_THAT(engine_.Format(*m, OutputFormat::kTable), HasSubstr("met with Biden"));
}

TEST_F(EngineTest, TableIsAligned) {
  auto r = Run(R"(neighbors "Biden")");
  std::string table = engine_.Format(*r, OutputFormat::kTable);
  // The header and every row put the "type" column at the same character offset.
  std::istringstream in(table);
  std::string header, rule, row;
  std::getline(in, header);
  std::getline(in, rule);
  size_t type_col = header.find("type");
  ASSERT_NE(type_col, std::string::npos);
  int rows = 0;
  auto chars = [](const std::string& s) {  // one entry per UTF-8 character
    std::vector<std::string> out;
    for (char c : s) {
      if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) out.emplace_back();
      out.back().push_back(c);
    }
    return out;
  };
  while (std::getline(in, row) && !row.empty()) {
    std::vector<std::string> cells = chars(row);
    ASSERT_GT(cells.size(), type_col) << row;
    EXPECT_EQ(cells[type_col - 1], " ") << row;
    EXPECT_NE(cells[type_col], " ") << row;
    ++rows;
  }
  EXPECT_EQ(rows, 4);
}

TEST_F(EngineTest, DotIsValidAndEscaped) {
  uint64_t odd = store_.AddEntity("Say \"Hi\" <Co> & back\\slash Mérida", ORG);
  store_.AddFact(odd, "funds", mexico_, 0.7f);
  auto r = Run(R"(neighbors "Mexico")");
  std::string dot = engine_.Format(*r, OutputFormat::kDot);
  EXPECT_THAT(dot, HasSubstr("digraph kg {"));
  EXPECT_THAT(dot, HasSubstr(R"(label="Say \"Hi\" &lt;Co&gt; &amp; back\\slash M&#233;rida")"));
  EXPECT_THAT(dot, HasSubstr("style=dashed"));  // the co-mention edge
  for (unsigned char c : dot) EXPECT_LT(c, 0x80) << "DOT output must be ASCII";
  EXPECT_EQ(DotQuote("a\nb"), R"("a\nb")");
}

TEST_F(EngineTest, ProjectionIsCachedUntilTheStoreChanges) {
  Run(R"(path "AMLO" to "Mexico")");
  Run(R"(neighbors "AMLO")");
  Run("top");
  EXPECT_EQ(store_.fact_scans(), 1);
  auto before = Run(R"(path "AMLO" to "Mexico")");
  ASSERT_EQ(before->paths.size(), 1u);
  EXPECT_EQ(before->paths[0].hops.size(), 4u);
  store_.AddFact(amlo_, "leads", mexico_, 0.99f);
  auto after = Run(R"(path "AMLO" to "Mexico")");
  EXPECT_EQ(store_.fact_scans(), 2);
  ASSERT_EQ(after->paths.size(), 1u);
  EXPECT_EQ(after->paths[0].hops.size(), 1u);
}

}  // namespace
}  // namespace kg::query
