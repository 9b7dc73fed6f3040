#include "query/search.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <set>

#include "gtest/gtest.h"
#include "query/centrality.h"
#include "query/projection.h"

namespace kg::query {
namespace {

std::unique_ptr<Projection> Finish(Projection::Builder& b) {
  auto p = b.Finish();
  EXPECT_TRUE(p.ok()) << p.status();
  return std::move(*p);
}

// Entity ids -> vertex ids for readable assertions.
std::vector<uint64_t> Ids(const Projection& g, const SearchPath& p) {
  std::vector<uint64_t> ids;
  for (Vertex v : p.vertices) ids.push_back(g.EntityId(v));
  return ids;
}

// A=1 B=2 C=3 D=4 E=5 F=6 G=7: three 2-hop routes A..B of different
// strength, one of them through a co-mention, and a 3-hop certain route.
class SmallGraphTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Projection::Builder b;
    b.AddEdge(1, 3, "knows", 0.9f, 0, 1);         // A-C
    b.AddEdge(3, 2, "knows", 0.9f, 0, 1);         // C-B
    b.AddEdge(1, 4, "funds", 0.5f, 0, 1);         // A-D
    b.AddEdge(2, 4, "funds", 0.5f, 0, 1);         // B-D, stored against the walk
    b.AddEdge(1, 5, "co_mention", 0.9f, CO_MENTION, 1);  // A-E
    b.AddEdge(5, 2, "knows", 0.9f, 0, 1);         // E-B
    b.AddEdge(1, 6, "part_of", 1.0f, 0, 1);       // A-F-G-B
    b.AddEdge(6, 7, "part_of", 1.0f, 0, 1);
    b.AddEdge(7, 2, "part_of", 1.0f, 0, 1);
    b.SetType(3, PERSON);
    b.SetType(99, ORG);  // not in any fact: ignored
    g_ = Finish(b);
    a_ = *g_->VertexOf(1);
    b_ = *g_->VertexOf(2);
  }
  std::unique_ptr<Projection> g_;
  Vertex a_ = 0, b_ = 0;
};

TEST_F(SmallGraphTest, ProjectionShape) {
  EXPECT_EQ(g_->num_vertices(), 7u);
  EXPECT_EQ(g_->num_edges(), 9u);
  EXPECT_FALSE(g_->VertexOf(99).has_value());
  EXPECT_EQ(g_->Type(*g_->VertexOf(3)), PERSON);
  EXPECT_EQ(g_->Type(*g_->VertexOf(4)), ENTITY_TYPE_UNSPECIFIED);
  // Vertices are numbered in entity-id order.
  for (Vertex v = 1; v < g_->num_vertices(); ++v) EXPECT_LT(g_->EntityId(v - 1), g_->EntityId(v));
  EXPECT_EQ(g_->Degree(a_), 4u);
  EXPECT_EQ(g_->Degree(b_), 4u);
  // The edge B->D is an out-edge of B and an in-edge of D.
  Vertex d = *g_->VertexOf(4);
  bool found = false;
  for (EdgeIndex j = g_->InBegin(d); j < g_->InEnd(d); ++j) {
    if (g_->InSource(j) == b_) {
      found = true;
      EXPECT_EQ(g_->EdgeSource(g_->InEdge(j)), b_);
      EXPECT_EQ(g_->PredicateName(g_->Props(g_->InEdge(j)).predicate()), "funds");
    }
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(g_->predicates().size(), 4u);
}

TEST_F(SmallGraphTest, ShortestPathHasFewestHops) {
  Searcher s(*g_);
  auto p = s.ShortestPath(a_, b_, EdgeAdmission(), 6);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->hops(), 2);
  EXPECT_EQ(Ids(*g_, *p).front(), 1u);
  EXPECT_EQ(Ids(*g_, *p).back(), 2u);
}

TEST_F(SmallGraphTest, BestShortestPathBreaksTiesByConfidence) {
  Searcher s(*g_);
  auto p = s.BestShortestPath(a_, b_, EdgeAdmission(), 6);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(Ids(*g_, *p), (std::vector<uint64_t>{1, 3, 2}));
  EXPECT_NEAR(p->weight, -2 * std::log(0.9), 1e-3);
  // And from the other end (the search may expand either side first).
  auto q = s.BestShortestPath(b_, a_, EdgeAdmission(), 6);
  ASSERT_TRUE(q.has_value());
  EXPECT_EQ(Ids(*g_, *q), (std::vector<uint64_t>{2, 3, 1}));
}

TEST_F(SmallGraphTest, MaxHopsBoundsTheSearch) {
  Searcher s(*g_);
  EXPECT_FALSE(s.ShortestPath(a_, b_, EdgeAdmission(), 1).has_value());
  EXPECT_FALSE(s.BestShortestPath(a_, b_, EdgeAdmission(), 1).has_value());
  EXPECT_TRUE(s.BestShortestPath(a_, b_, EdgeAdmission(), 2).has_value());
}

TEST_F(SmallGraphTest, DijkstraPrefersCertainLongerPath) {
  Searcher s(*g_);
  auto p = s.LightestPath(a_, b_, EdgeAdmission());
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(Ids(*g_, *p), (std::vector<uint64_t>{1, 6, 7, 2}));
  EXPECT_NEAR(p->weight, 0.0, 1e-9);
}

TEST_F(SmallGraphTest, YenOrdersByHopsThenWeight) {
  Searcher s(*g_);
  auto paths = s.KShortestPaths(a_, b_, 10, 6, EdgeAdmission(), Ranking::kHops);
  ASSERT_EQ(paths.size(), 4u);
  EXPECT_EQ(Ids(*g_, paths[0]), (std::vector<uint64_t>{1, 3, 2}));
  EXPECT_EQ(Ids(*g_, paths[1]), (std::vector<uint64_t>{1, 4, 2}));
  EXPECT_EQ(Ids(*g_, paths[2]), (std::vector<uint64_t>{1, 5, 2}));  // co-mention penalised
  EXPECT_EQ(Ids(*g_, paths[3]), (std::vector<uint64_t>{1, 6, 7, 2}));
}

TEST_F(SmallGraphTest, YenByConfidence) {
  Searcher s(*g_);
  auto paths = s.KShortestPaths(a_, b_, 2, 6, EdgeAdmission(), Ranking::kConfidence);
  ASSERT_EQ(paths.size(), 2u);
  EXPECT_EQ(Ids(*g_, paths[0]), (std::vector<uint64_t>{1, 6, 7, 2}));
  EXPECT_EQ(Ids(*g_, paths[1]), (std::vector<uint64_t>{1, 3, 2}));
}

TEST_F(SmallGraphTest, FiltersRestrictEdges) {
  Searcher s(*g_);
  EdgeFilter typed;
  typed.typed_only = true;
  auto paths = s.KShortestPaths(a_, b_, 10, 6, EdgeAdmission(*g_, typed), Ranking::kHops);
  EXPECT_EQ(paths.size(), 3u);  // A-E-B needs the co-mention
  EdgeFilter confident;
  confident.min_confidence = 0.95f;
  auto p = s.BestShortestPath(a_, b_, EdgeAdmission(*g_, confident), 6);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(Ids(*g_, *p), (std::vector<uint64_t>{1, 6, 7, 2}));
  EdgeFilter funds;
  funds.predicates = {"funds"};
  p = s.BestShortestPath(a_, b_, EdgeAdmission(*g_, funds), 6);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(Ids(*g_, *p), (std::vector<uint64_t>{1, 4, 2}));
  EdgeFilter unknown;
  unknown.predicates = {"no_such_predicate"};
  EXPECT_FALSE(s.ShortestPath(a_, b_, EdgeAdmission(*g_, unknown), 6).has_value());
  // Evidence checks are consulted only for date/document filters.
  EdgeFilter dated;
  dated.since = "2021-01-01";
  int calls = 0;
  EdgeAdmission by_date(*g_, dated, [&](EdgeIndex e) {
    ++calls;
    return g_->PredicateName(g_->Props(e).predicate()) == "part_of";
  });
  p = s.BestShortestPath(a_, b_, by_date, 6);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->hops(), 3);
  EXPECT_GT(calls, 0);
}

TEST_F(SmallGraphTest, Neighbourhood) {
  Searcher s(*g_);
  auto reached = s.Neighbourhood(a_, 1, EdgeAdmission());
  ASSERT_EQ(reached.size(), 5u);  // A, C, D, E, F
  EXPECT_EQ(reached[0].vertex, a_);
  EXPECT_EQ(reached[0].distance, 0);
  std::set<uint64_t> ids;
  for (size_t i = 1; i < reached.size(); ++i) {
    EXPECT_EQ(reached[i].distance, 1);
    ids.insert(g_->EntityId(reached[i].vertex));
  }
  EXPECT_EQ(ids, (std::set<uint64_t>{3, 4, 5, 6}));
  EXPECT_EQ(s.CountWithin(a_, 1, EdgeAdmission()), 4u);
  EXPECT_EQ(s.CountWithin(a_, 2, EdgeAdmission()), 6u);  // + B, G
  EXPECT_EQ(s.CountWithin(a_, 3, EdgeAdmission()), 6u);
}

TEST_F(SmallGraphTest, ConnectorsFavourTypedStrongPaths) {
  Searcher s(*g_);
  auto paths = s.KShortestPaths(a_, b_, 3, 4, EdgeAdmission(), Ranking::kHops);
  auto ranked = RankConnectors(paths);
  ASSERT_EQ(ranked.size(), 3u);
  EXPECT_EQ(g_->EntityId(ranked[0].vertex), 3u);  // C: two confident typed hops
  EXPECT_EQ(g_->EntityId(ranked[1].vertex), 4u);  // D: typed but weak
  EXPECT_EQ(g_->EntityId(ranked[2].vertex), 5u);  // E: co-mention
  EXPECT_NEAR(ranked[0].score, 0.81 / 2, 1e-3);
}

TEST_F(SmallGraphTest, Centrality) {
  auto degree = DegreeScores(*g_, EdgeAdmission());
  EXPECT_EQ(degree[a_], 4);
  EXPECT_EQ(degree[*g_->VertexOf(6)], 2);
  EdgeFilter typed;
  typed.typed_only = true;
  auto typed_degree = DegreeScores(*g_, EdgeAdmission(*g_, typed));
  EXPECT_EQ(typed_degree[a_], 3);
  auto pr = PageRankScores(*g_, EdgeAdmission());
  // B has three in-links, A none.
  EXPECT_GT(pr[b_], pr[a_]);
  auto pr_typed = PageRankScores(*g_, EdgeAdmission(*g_, typed));
  EXPECT_GT(pr_typed[b_], pr_typed[a_]);
}

TEST(ProjectionTest, StaysWithin24BytesPerEdge) {
  Projection::Builder b;
  std::mt19937_64 rng(7);
  const int n = 20000, m = 200000;
  for (int i = 0; i < m; ++i) {
    b.AddEdge(rng() % n * 1000003, rng() % n * 1000003, i % 3 ? "a" : "b", 0.5f, 0, 1);
  }
  auto p = Finish(b);
  EXPECT_EQ(p->num_edges(), static_cast<uint32_t>(m));
  EXPECT_LE(static_cast<double>(p->MemoryBytes()) / m, 24.0);
}

// ---------------------------------------------------------------------------
// Brute force on random graphs.

struct Brute {
  int n;
  std::vector<std::vector<double>> w;  // lightest edge weight, +inf when none
  explicit Brute(const Projection& g) : n(g.num_vertices()) {
    w.assign(n, std::vector<double>(n, std::numeric_limits<double>::infinity()));
    for (Vertex u = 0; u < g.num_vertices(); ++u) {
      for (EdgeIndex i = g.OutBegin(u); i < g.OutEnd(u); ++i) {
        Vertex v = g.OutTarget(i);
        if (u == v) continue;
        double x = EdgeWeight(g.Props(i));
        w[u][v] = std::min(w[u][v], x);
        w[v][u] = std::min(w[v][u], x);
      }
    }
  }
  // Every simple path s..t with at most max_hops hops: (hops, weight).
  void Enumerate(int s, int t, int max_hops, std::vector<std::pair<int, double>>& out) const {
    std::vector<bool> on(n, false);
    std::function<void(int, int, double)> dfs = [&](int u, int hops, double weight) {
      if (u == t) {
        out.emplace_back(hops, weight);
        return;
      }
      if (hops == max_hops) return;
      on[u] = true;
      for (int v = 0; v < n; ++v) {
        if (!on[v] && std::isfinite(w[u][v])) dfs(v, hops + 1, weight + w[u][v]);
      }
      on[u] = false;
    };
    dfs(s, 0, 0.0);
  }
  std::vector<std::vector<int>> Distances() const {
    std::vector<std::vector<int>> d(n, std::vector<int>(n, 1 << 20));
    for (int i = 0; i < n; ++i) {
      d[i][i] = 0;
      for (int j = 0; j < n; ++j) {
        if (i != j && std::isfinite(w[i][j])) d[i][j] = 1;
      }
    }
    for (int k = 0; k < n; ++k) {
      for (int i = 0; i < n; ++i) {
        for (int j = 0; j < n; ++j) d[i][j] = std::min(d[i][j], d[i][k] + d[k][j]);
      }
    }
    return d;
  }
};

// A path must be simple and every hop an edge of the graph joining its two
// vertices, with the stated weight.
void ExpectValidPath(const Projection& g, const SearchPath& p, Vertex s, Vertex t) {
  ASSERT_FALSE(p.vertices.empty());
  EXPECT_EQ(p.vertices.front(), s);
  EXPECT_EQ(p.vertices.back(), t);
  ASSERT_EQ(p.edges.size() + 1, p.vertices.size());
  std::set<Vertex> distinct(p.vertices.begin(), p.vertices.end());
  EXPECT_EQ(distinct.size(), p.vertices.size());
  double weight = 0;
  for (size_t i = 0; i < p.edges.size(); ++i) {
    Vertex a = g.EdgeSource(p.edges[i]), b = g.OutTarget(p.edges[i]);
    EXPECT_TRUE((a == p.vertices[i] && b == p.vertices[i + 1]) || (b == p.vertices[i] && a == p.vertices[i + 1]));
    weight += EdgeWeight(g.Props(p.edges[i]));
  }
  EXPECT_NEAR(weight, p.weight, 1e-6);
}

void CheckRandomGraphs(bool uniform) {
  std::mt19937 rng(uniform ? 77 : 20240611);
  const float confidences[] = {0.3f, 0.5f, 0.7f, 0.9f, 1.0f};
  for (int round = 0; round < 40; ++round) {
    const int n = 6 + static_cast<int>(rng() % 6);
    const int m = n + static_cast<int>(rng() % (2 * n));
    Projection::Builder b;
    for (int v = 0; v < n; ++v) b.AddEdge(1000 + v, 1000 + v, "self", 1.0f, 0, 1);  // every vertex present
    for (int i = 0; i < m; ++i) {
      uint64_t u = 1000 + rng() % n, v = 1000 + rng() % n;
      if (uniform) {
        b.AddEdge(u, v, rng() % 2 ? "p" : "q", 1.0f, 0, 1);
      } else {
        b.AddEdge(u, v, rng() % 2 ? "p" : "q", confidences[rng() % 5], rng() % 4 == 0 ? CO_MENTION : 0,
                  1 + rng() % 3);
      }
    }
    auto g = Finish(b);
    EXPECT_EQ(g->uniform_weights(), uniform);
    Brute brute(*g);
    auto dist = brute.Distances();
    Searcher s(*g);
    for (int a = 0; a < n; ++a) {
      for (int c = 0; c < n; ++c) {
        const Vertex va = a, vc = c;
        SCOPED_TRACE(testing::Message() << "round " << round << " " << a << "->" << c);
        const int max_hops = 5;
        auto sp = s.ShortestPath(va, vc, EdgeAdmission(), max_hops);
        auto best = s.BestShortestPath(va, vc, EdgeAdmission(), max_hops);
        std::vector<std::pair<int, double>> all;
        brute.Enumerate(a, c, max_hops, all);
        std::sort(all.begin(), all.end(), [](auto x, auto y) {
          if (x.first != y.first) return x.first < y.first;
          return x.second < y.second;
        });
        if (dist[a][c] > max_hops) {
          EXPECT_FALSE(sp.has_value());
          EXPECT_FALSE(best.has_value());
          continue;
        }
        ASSERT_TRUE(sp.has_value());
        ASSERT_TRUE(best.has_value());
        EXPECT_EQ(sp->hops(), dist[a][c]);
        ExpectValidPath(*g, *sp, va, vc);
        EXPECT_EQ(best->hops(), dist[a][c]);
        ExpectValidPath(*g, *best, va, vc);
        EXPECT_NEAR(best->weight, all[0].second, 1e-6);
        // Yen: the k best (hops, weight) of all simple paths, in order.
        auto yen = s.KShortestPaths(va, vc, 6, max_hops, EdgeAdmission(), Ranking::kHops);
        ASSERT_EQ(yen.size(), std::min<size_t>(6, all.size()));
        std::set<std::vector<Vertex>> seen;
        for (size_t i = 0; i < yen.size(); ++i) {
          ExpectValidPath(*g, yen[i], va, vc);
          EXPECT_TRUE(seen.insert(yen[i].vertices).second) << "duplicate path";
          EXPECT_EQ(yen[i].hops(), all[i].first) << "path " << i;
          EXPECT_NEAR(yen[i].weight, all[i].second, 1e-6) << "path " << i;
        }
        // Dijkstra: the lightest of all simple paths (no hop bound).
        std::vector<std::pair<int, double>> unbounded;
        brute.Enumerate(a, c, n, unbounded);
        double lightest = std::numeric_limits<double>::infinity();
        for (auto [h, w] : unbounded) lightest = std::min(lightest, w);
        auto light = s.LightestPath(va, vc, EdgeAdmission());
        ASSERT_TRUE(light.has_value());
        ExpectValidPath(*g, *light, va, vc);
        EXPECT_NEAR(light->weight, lightest, 1e-6);
      }
      // Neighbourhood counts against the distance matrix.
      for (int depth = 1; depth <= 3; ++depth) {
        size_t expected = 0;
        for (int c = 0; c < n; ++c) expected += (c != a && dist[a][c] <= depth);
        EXPECT_EQ(s.CountWithin(a, depth, EdgeAdmission()), expected);
        auto reached = s.Neighbourhood(a, depth, EdgeAdmission());
        EXPECT_EQ(reached.size(), expected + 1);
        for (const Reached& r : reached) EXPECT_EQ(r.distance, dist[a][r.vertex]);
      }
    }
  }
}

// Weighted graphs exercise the layered relaxation; uniform ones the
// first-meeting shortcut (also inside Yen's spur searches).
TEST(SearchBruteForceTest, WeightedRandomGraphsAgreeWithExhaustiveSearch) { CheckRandomGraphs(false); }
TEST(SearchBruteForceTest, UniformRandomGraphsAgreeWithExhaustiveSearch) { CheckRandomGraphs(true); }

}  // namespace
}  // namespace kg::query
