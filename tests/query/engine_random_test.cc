// Every query form through the Engine, on random small graphs with random
// edge filters, against brute force written independently of query/: the
// admitted facts are recomputed from the filter's definition, then paths,
// neighbourhoods, connectors, degrees, PageRank and match joins are found by
// exhaustive enumeration.

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "query/engine.h"
#include "query/result.h"
#include "tests/query/fake_store_testutil.h"

namespace kg::query {
namespace {

using testing::FakeStore;

struct Ev {
  std::string doc, date;
};
struct F {
  int s, o;
  std::string predicate;
  float confidence;
  uint32_t flags;
  std::vector<Ev> evidence;
};

// An edge filter as query text plus its meaning, spelled out again here.
struct Filter {
  std::string text;
  bool typed = false;
  std::vector<std::string> predicates;
  float min_confidence = 0;
  std::string document;  // a path suffix
  std::string since, until;

  bool Admits(const F& f) const {
    if (typed && (f.flags & CO_MENTION)) return false;
    if (f.confidence < min_confidence) return false;
    if (!predicates.empty() &&
        std::find(predicates.begin(), predicates.end(), f.predicate) == predicates.end()) {
      return false;
    }
    if (document.empty() && since.empty() && until.empty()) return true;
    for (const Ev& e : f.evidence) {
      bool doc_ok = document.empty() || e.doc.ends_with("/" + document);
      bool date_ok = (since.empty() && until.empty()) ||
                     (!e.date.empty() && (since.empty() || e.date >= since) &&
                      (until.empty() || e.date <= until));
      if (doc_ok && date_ok) return true;
    }
    return false;
  }
};

std::vector<Filter> Filters() {
  std::vector<Filter> f(11);
  f[1].text = "typed";
  f[1].typed = true;
  f[2].text = "predicate p,q";
  f[2].predicates = {"p", "q"};
  f[3].text = "min_confidence 0.6";
  f[3].min_confidence = 0.6f;
  f[4].text = "since 2021";
  f[4].since = "2021-01-01";
  f[5].text = "until 2021-06";
  f[5].until = "2021-06-31";
  f[6].text = "since 2021-01 until 2021-12-31";
  f[6].since = "2021-01-01";
  f[6].until = "2021-12-31";
  f[7].text = "document \"a.txt\"";
  f[7].document = "a.txt";
  f[8].text = "typed predicate \"r s\",p min_confidence 0.4";
  f[8].typed = true;
  f[8].predicates = {"r s", "p"};
  f[8].min_confidence = 0.4f;
  f[9].text = "document \"b.txt\" since 2022";
  f[9].document = "b.txt";
  f[9].since = "2022-01-01";
  f[10].text = "predicate q until 2021-03-18";
  f[10].predicates = {"q"};
  f[10].until = "2021-03-18";
  return f;
}

class RandomGraph {
 public:
  RandomGraph(std::mt19937& rng, int n) : n_(n) {
    const EntityType types[] = {PERSON, ORG, GPE};
    for (int i = 0; i < n; ++i) {
      names_.push_back(absl::StrCat("E", i));
      types_.push_back(types[rng() % 3]);
      ids_.push_back(store_.AddEntity(names_.back(), types_.back()));
    }
    const char* predicates[] = {"p", "q", "r s"};
    const float confidences[] = {0.3f, 0.5f, 0.7f, 0.9f};
    const char* docs[] = {"/d/a.txt", "/d/b.txt"};
    const char* dates[] = {"2020-05-01", "2021-03-18", "2021-09-30", "2022-01-10", ""};
    std::set<std::tuple<int, std::string, int>> seen;
    const int m = n + static_cast<int>(rng() % (n + 1));
    while (static_cast<int>(facts_.size()) < m) {
      F f;
      f.s = static_cast<int>(rng() % n);
      f.o = static_cast<int>(rng() % n);
      // Every predicate occurs (a filter naming an absent one is an error).
      f.predicate = facts_.size() < 3 ? predicates[facts_.size()] : predicates[rng() % 3];
      if (f.s == f.o || !seen.emplace(f.s, f.predicate, f.o).second) continue;
      f.confidence = confidences[rng() % 4];
      f.flags = rng() % 4 == 0 ? CO_MENTION : 0;
      std::vector<Evidence> evidence;
      for (int k = 0, nev = 1 + static_cast<int>(rng() % 2); k < nev; ++k) {
        Ev e{docs[rng() % 2], dates[rng() % 5]};
        f.evidence.push_back(e);
        evidence.push_back(
            FakeStore::MakeEvidence(e.doc, static_cast<uint32_t>(facts_.size() * 2 + k),
                                    absl::StrCat("sentence ", facts_.size()), e.date));
      }
      store_.AddFact(ids_[f.s], f.predicate, ids_[f.o], f.confidence, f.flags, evidence);
      facts_.push_back(std::move(f));
    }
  }

  FakeStore& store() { return store_; }
  const std::vector<F>& facts() const { return facts_; }
  const std::string& name(int i) const { return names_[i]; }
  EntityType type(int i) const { return types_[i]; }
  int index(const std::string& name) const {
    return static_cast<int>(std::find(names_.begin(), names_.end(), name) - names_.begin());
  }
  int n() const { return n_; }

  // Undirected adjacency over the admitted facts.
  std::vector<std::vector<bool>> Adjacency(const Filter& filter) const {
    std::vector<std::vector<bool>> adj(n_, std::vector<bool>(n_, false));
    for (const F& f : facts_) {
      if (filter.Admits(f)) adj[f.s][f.o] = adj[f.o][f.s] = true;
    }
    return adj;
  }
  // True when an admitted fact `from predicate to` exists.
  bool HasAdmitted(const Filter& filter, int from, const std::string& predicate, int to) const {
    for (const F& f : facts_) {
      if (f.s == from && f.o == to && f.predicate == predicate && filter.Admits(f)) return true;
    }
    return false;
  }

 private:
  int n_;
  FakeStore store_;
  std::vector<std::string> names_;
  std::vector<EntityType> types_;
  std::vector<uint64_t> ids_;
  std::vector<F> facts_;
};

std::vector<int> Distances(const std::vector<std::vector<bool>>& adj, int s) {
  const int n = static_cast<int>(adj.size());
  std::vector<int> d(n, -1);
  std::vector<int> queue{s};
  d[s] = 0;
  for (size_t i = 0; i < queue.size(); ++i) {
    int u = queue[i];
    for (int v = 0; v < n; ++v) {
      if (adj[u][v] && d[v] < 0) {
        d[v] = d[u] + 1;
        queue.push_back(v);
      }
    }
  }
  return d;
}

// Every simple path s..t with at most max_hops hops, as vertex sequences.
std::vector<std::vector<int>> SimplePaths(const std::vector<std::vector<bool>>& adj, int s, int t,
                                          int max_hops) {
  std::vector<std::vector<int>> out;
  std::vector<int> path{s};
  std::vector<bool> on(adj.size(), false);
  on[s] = true;
  std::function<void(int)> dfs = [&](int u) {
    if (u == t) {
      out.push_back(path);
      return;
    }
    if (static_cast<int>(path.size()) - 1 == max_hops) return;
    for (int v = 0; v < static_cast<int>(adj.size()); ++v) {
      if (!adj[u][v] || on[v]) continue;
      on[v] = true;
      path.push_back(v);
      dfs(v);
      path.pop_back();
      on[v] = false;
    }
  };
  dfs(s);
  return out;
}

class EngineRandomTest : public ::testing::Test {
 protected:
  std::shared_ptr<const QueryResult> Run(Engine& engine, const std::string& q) {
    auto r = engine.Run(q);
    EXPECT_TRUE(r.ok()) << q << ": " << r.status();
    if (!r.ok()) return std::make_shared<QueryResult>();
    return *r;
  }

  // Every hop of a returned path joins consecutive nodes through an admitted fact.
  void ExpectValidPath(const RandomGraph& g, const Filter& f, const ResultPath& p, int a, int b) {
    ASSERT_EQ(p.nodes.size(), p.hops.size() + 1);
    EXPECT_EQ(g.index(p.nodes.front().name), a);
    EXPECT_EQ(g.index(p.nodes.back().name), b);
    std::set<std::string> distinct;
    for (const ResultNode& node : p.nodes) distinct.insert(node.name);
    EXPECT_EQ(distinct.size(), p.nodes.size()) << "not a simple path";
    for (size_t i = 0; i < p.hops.size(); ++i) {
      const Hop& h = p.hops[i];
      int from = g.index(h.from.name), to = g.index(h.to.name);
      int x = g.index(p.nodes[i].name), y = g.index(p.nodes[i + 1].name);
      EXPECT_TRUE((from == x && to == y) || (from == y && to == x));
      EXPECT_TRUE(g.HasAdmitted(f, from, h.predicate, to))
          << h.from.name << " " << h.predicate << " " << h.to.name;
    }
  }
};

TEST_F(EngineRandomTest, EveryFormAgreesWithBruteForce) {
  std::mt19937 rng(4242);
  const std::vector<Filter> filters = Filters();
  for (int round = 0; round < 16; ++round) {
    RandomGraph g(rng, 7 + static_cast<int>(rng() % 4));
    Engine engine(&g.store());
    const int n = g.n();
    // Vertices of the projection: entities in at least one fact (PageRank's n).
    std::vector<bool> in_fact(n, false);
    for (const F& f : g.facts()) in_fact[f.s] = in_fact[f.o] = true;
    const int projected = static_cast<int>(std::count(in_fact.begin(), in_fact.end(), true));
    for (int which = 0; which < 3; ++which) {
      const Filter& filter = which == 0 ? filters[0] : filters[1 + rng() % (filters.size() - 1)];
      SCOPED_TRACE(absl::StrCat("round ", round, " filter '", filter.text, "'"));
      auto adj = g.Adjacency(filter);
      for (int a = 0; a < n; ++a) {
        auto dist = Distances(adj, a);
        // neighbors: the set of entities within depth 2 and their distances.
        auto nb = Run(
            engine, absl::StrCat("neighbors \"", g.name(a), "\" depth 2 limit 1000 ", filter.text));
        std::map<std::string, int> got, want;
        for (const NeighbourNode& x : nb->nodes) got[x.node.name] = x.distance;
        for (int c = 0; c < n; ++c) {
          if (dist[c] >= 0 && dist[c] <= 2) want[g.name(c)] = dist[c];
        }
        EXPECT_EQ(got, want) << "neighbors of " << g.name(a);
        for (const Hop& h : nb->edges) {
          EXPECT_TRUE(g.HasAdmitted(filter, g.index(h.from.name), h.predicate, g.index(h.to.name)));
        }
        for (int b = 0; b < n; ++b) {
          if (a == b) continue;
          SCOPED_TRACE(absl::StrCat(g.name(a), " -> ", g.name(b)));
          const std::string ends = absl::StrCat("\"", g.name(a), "\" to \"", g.name(b), "\"");
          // path: fewest hops.
          auto p = Run(engine, absl::StrCat("path ", ends, " max 6 ", filter.text));
          if (dist[b] < 0 || dist[b] > 6) {
            EXPECT_TRUE(p->paths.empty());
          } else {
            ASSERT_EQ(p->paths.size(), 1u);
            EXPECT_EQ(static_cast<int>(p->paths[0].hops.size()), dist[b]);
            ExpectValidPath(g, filter, p->paths[0], a, b);
          }
          // path k 3: the hop counts of the 3 shortest simple paths.
          auto all = SimplePaths(adj, a, b, 4);
          std::vector<int> hops;
          for (const auto& x : all) hops.push_back(static_cast<int>(x.size()) - 1);
          std::sort(hops.begin(), hops.end());
          hops.resize(std::min<size_t>(3, hops.size()));
          auto k = Run(engine, absl::StrCat("path ", ends, " max 4 k 3 ", filter.text));
          std::vector<int> got_hops;
          std::set<std::vector<std::string>> distinct;
          for (const ResultPath& x : k->paths) {
            got_hops.push_back(static_cast<int>(x.hops.size()));
            ExpectValidPath(g, filter, x, a, b);
            std::vector<std::string> names;
            for (const ResultNode& node : x.nodes) names.push_back(node.name);
            EXPECT_TRUE(distinct.insert(names).second) << "duplicate path";
          }
          EXPECT_EQ(got_hops, hops);
          // connect with k above the number of paths: every simple path of
          // at most 3 hops, and each connector on as many of them as it lies.
          if (b < a) continue;  // symmetric
          auto paths3 = SimplePaths(adj, a, b, 3);
          std::map<std::string, int> want_on;
          for (const auto& x : paths3) {
            for (size_t i = 1; i + 1 < x.size(); ++i) ++want_on[g.name(x[i])];
          }
          const bool typed_connectors = rng() % 2;
          const std::string type_clause = typed_connectors ? " type person,gpe" : "";
          auto c = Run(engine,
                       absl::StrCat("connect \"", g.name(a), "\" and \"", g.name(b),
                                    "\" max 3 k 1000 limit 1000", type_clause, " ", filter.text));
          EXPECT_EQ(c->paths.size(), paths3.size());
          std::map<std::string, int> got_on;
          for (const Connector& x : c->connectors) got_on[x.node.name] = x.paths;
          if (typed_connectors) {
            for (auto it = want_on.begin(); it != want_on.end();) {
              EntityType t = g.type(g.index(it->first));
              it = (t == PERSON || t == GPE) ? std::next(it) : want_on.erase(it);
            }
          }
          EXPECT_EQ(got_on, want_on);
        }
      }
      // top by degree: admitted facts per entity (both ends).
      std::map<std::string, double> want_degree;
      for (const F& f : g.facts()) {
        if (!filter.Admits(f)) continue;
        want_degree[g.name(f.s)] += 1;
        want_degree[g.name(f.o)] += 1;
      }
      auto top = Run(engine, absl::StrCat("top by degree limit 1000 ", filter.text));
      std::map<std::string, double> got_degree;
      for (const RankedEntity& x : top->ranking) got_degree[x.node.name] = x.score;
      EXPECT_EQ(got_degree, want_degree);
      for (size_t i = 1; i < top->ranking.size(); ++i)
        EXPECT_GE(top->ranking[i - 1].score, top->ranking[i].score);
      // top by pagerank: 30 rounds of r'(v) = 0.15 + 0.85 * sum over admitted
      // u->v of r(u) / outdeg(u), from r = 1/n over the projected entities.
      std::vector<double> rank(n, 1.0 / projected), next(n);
      std::vector<int> out_degree(n, 0);
      for (const F& f : g.facts()) out_degree[f.s] += filter.Admits(f);
      for (int it = 0; it < 30; ++it) {
        std::fill(next.begin(), next.end(), 0.15);
        for (const F& f : g.facts()) {
          if (filter.Admits(f)) next[f.o] += 0.85 * rank[f.s] / out_degree[f.s];
        }
        rank.swap(next);
      }
      auto pr = Run(engine, absl::StrCat("top by pagerank limit 1000 ", filter.text));
      EXPECT_EQ(pr->ranking.size(), want_degree.size());
      for (const RankedEntity& x : pr->ranking) {
        EXPECT_NEAR(x.score, rank[g.index(x.node.name)], 1e-9) << x.node.name;
        EXPECT_EQ(x.degree, want_degree[x.node.name]) << x.node.name;
      }
      // match: a two-pattern join, brute force over admitted facts.
      std::multiset<std::vector<std::string>> want_rows;
      for (const F& f1 : g.facts()) {
        if (f1.predicate != "p" || !filter.Admits(f1)) continue;
        for (const F& f2 : g.facts()) {
          if (f2.s == f1.o && f2.predicate == "q" && filter.Admits(f2)) {
            want_rows.insert({g.name(f1.s), g.name(f1.o), g.name(f2.o)});
          }
        }
      }
      auto m = Run(engine, absl::StrCat("match ?x p ?y, ?y q ?z limit 1000 ", filter.text));
      std::multiset<std::vector<std::string>> got_rows(m->match.rows.begin(), m->match.rows.end());
      EXPECT_EQ(m->match.variables, (std::vector<std::string>{"x", "y", "z"}));
      EXPECT_EQ(got_rows, want_rows);
    }
  }
}

}  // namespace
}  // namespace kg::query
