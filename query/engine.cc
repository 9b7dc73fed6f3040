#include "query/engine.h"

#include <algorithm>
#include <tuple>
#include <map>
#include <chrono>
#include <cmath>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "proto/status_macros.h"
#include "proto/term_key.h"
#include "query/centrality.h"
#include "query/dot.h"
#include "query/format.h"
#include "query/parser.h"
#include "query/projection.h"
#include "query/result.h"
#include "query/search.h"

namespace kg::query {

namespace {

constexpr int kDefaultPathMaxHops = 6;
constexpr int kDefaultConnectMaxHops = 4;
constexpr int kDefaultConnectPaths = 10;
constexpr int kDefaultConnectors = 10;
constexpr int kDefaultNeighbourLimit = 50;
constexpr int kDefaultMatchLimit = 100;
constexpr int kDefaultTopLimit = 10;
constexpr int kEvidencePerHop = 3;
constexpr int kEvidencePerHopExplain = 20;
constexpr size_t kMaxMatchRows = 100000;  // intermediate join rows
constexpr int kSuggestions = 5;

double Millis(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

bool DateInRange(std::string_view date, const EdgeFilter& f) {
  if (f.since.empty() && f.until.empty()) return true;
  if (date.size() < 4) return false;  // undated evidence fails any date bound
  std::string_view day = date.substr(0, std::min<size_t>(10, date.size()));
  if (!f.since.empty() && day < std::string_view(f.since).substr(0, day.size())) return false;
  if (!f.until.empty() && day > std::string_view(f.until).substr(0, day.size())) return false;
  return true;
}

bool DocumentMatches(std::string_view doc_id, const std::vector<std::string>& docs) {
  if (docs.empty()) return true;
  for (const std::string& d : docs) {
    if (doc_id == d) return true;
    // A path suffix names the document too: "seed.txt" or "seed/seed.txt".
    if (doc_id.size() > d.size() && doc_id.ends_with(d) && doc_id[doc_id.size() - d.size() - 1] == '/') {
      return true;
    }
  }
  return false;
}

bool EvidenceAdmitted(const Evidence& e, const EdgeFilter& f) {
  return DocumentMatches(e.doc_id(), f.documents) && DateInRange(e.date(), f);
}

// Facts straight from the store (match) pass the same filters as projected edges.
bool FactAdmitted(const Fact& fact, const EdgeFilter& f) {
  if (f.typed_only && (fact.flags() & CO_MENTION)) return false;
  if (fact.confidence() < f.min_confidence) return false;
  if (!f.predicates.empty() &&
      std::find(f.predicates.begin(), f.predicates.end(), fact.predicate()) == f.predicates.end()) {
    return false;
  }
  return true;
}

}  // namespace

struct Engine::Impl {
  explicit Impl(storage::Store* s) : store(s) {}

  storage::Store* store;
  std::shared_ptr<const Projection> projection;
  std::unique_ptr<Searcher> searcher;
  double projection_ms = 0.0;
  bool projection_fresh = false;  // built by the current Run
  absl::flat_hash_map<uint64_t, Entity> entities;
  std::vector<std::pair<std::string, std::string>> names;  // (TermKey, display) for suggestions
  bool names_loaded = false;
  absl::Status evidence_error;

  absl::Status Refresh() {
    uint64_t version = store->Version();
    projection_fresh = false;
    if (projection != nullptr && projection->store_version() == version) return absl::OkStatus();
    auto start = std::chrono::steady_clock::now();
    ASSIGN_OR_RETURN(std::unique_ptr<Projection> built, Projection::Build(*store));
    projection_ms = Millis(std::chrono::steady_clock::now() - start);
    projection = std::move(built);
    searcher = std::make_unique<Searcher>(*projection);
    entities.clear();
    names.clear();
    names_loaded = false;
    projection_fresh = true;
    return absl::OkStatus();
  }

  std::string ProjectionNote() const {
    return absl::StrFormat("projection %u vertices / %u edges, %.1f bytes/edge%s", projection->num_vertices(),
                           projection->num_edges(),
                           projection->num_edges() ? static_cast<double>(projection->MemoryBytes()) /
                                                         projection->num_edges()
                                                   : 0.0,
                           projection_fresh ? absl::StrFormat(", built in %.1f ms", projection_ms) : ", cached");
  }

  absl::Status LoadNames() {
    if (names_loaded) return absl::OkStatus();
    names.clear();
    RETURN_IF_ERROR(store->ForEachEntity([&](const Entity& e) {
      names.emplace_back(e.key().empty() ? TermKey(e.name()) : e.key(), e.name());
      for (const std::string& alias : e.aliases()) names.emplace_back(TermKey(alias), e.name());
      return true;
    }));
    names_loaded = true;
    return absl::OkStatus();
  }

  // Up to kSuggestions display names closest to `key`.
  absl::StatusOr<std::vector<std::string>> Closest(const std::string& key) {
    RETURN_IF_ERROR(LoadNames());
    std::vector<std::pair<int, const std::string*>> scored;
    for (const auto& [k, display] : names) {
      int d;
      if (!key.empty() && absl::StrContains(k, key)) {
        d = static_cast<int>(k.size() - key.size()) / 4;  // containing the typed text is close
      } else {
        // Cheap bound first: the length difference is a lower bound.
        int bound = std::abs(static_cast<int>(k.size()) - static_cast<int>(key.size()));
        if (bound > static_cast<int>(key.size())) continue;
        d = EditDistance(key, k);
      }
      if (d <= std::max<int>(3, static_cast<int>(key.size()) / 2)) scored.emplace_back(d, &display);
    }
    std::sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first < b.first : *a.second < *b.second;
    });
    std::vector<std::string> out;
    for (const auto& [d, name] : scored) {
      if (std::find(out.begin(), out.end(), *name) == out.end()) out.push_back(*name);
      if (static_cast<int>(out.size()) == kSuggestions) break;
    }
    return out;
  }

  absl::StatusOr<uint64_t> Resolve(const Term& term) {
    std::string key = TermKey(term.text);
    ASSIGN_OR_RETURN(std::optional<uint64_t> id, store->LookupTerm(key));
    if (id) return *id;
    ASSIGN_OR_RETURN(std::vector<std::string> close, Closest(key));
    std::string message = absl::StrCat("unknown name \"", term.text, "\" (column ", term.column, ")");
    if (close.empty()) {
      absl::StrAppend(&message, "; no similar name is known");
    } else {
      std::vector<std::string> quoted;
      for (const std::string& c : close) quoted.push_back(absl::StrCat("\"", c, "\""));
      absl::StrAppend(&message, "; closest: ", absl::StrJoin(quoted, ", "));
    }
    return absl::NotFoundError(message);
  }

  absl::StatusOr<const Entity*> GetEntity(uint64_t id) {
    auto it = entities.find(id);
    if (it != entities.end()) return &it->second;
    ASSIGN_OR_RETURN(std::optional<Entity> e, store->GetEntity(id));
    if (!e) {
      Entity missing;
      missing.set_id(id);
      missing.set_name(absl::StrCat("#", id));
      e = std::move(missing);
    }
    return &entities.emplace(id, std::move(*e)).first->second;
  }

  absl::StatusOr<ResultNode> NodeOf(uint64_t id) {
    ASSIGN_OR_RETURN(const Entity* e, GetEntity(id));
    return ResultNode{id, e->name(), e->type()};
  }

  Fact FactOf(EdgeIndex e) const {
    const Projection& p = *projection;
    const EdgeProps& props = p.Props(e);
    Fact f;
    f.set_subject(p.EntityId(p.EdgeSource(e)));
    f.set_object(p.EntityId(p.OutTarget(e)));
    f.set_predicate(p.PredicateName(props.predicate()));
    f.set_predicate_id(p.PredicateId(props.predicate()));
    f.set_confidence(props.confidence());
    f.set_flags(props.flags());
    f.set_support(props.support);
    return f;
  }

  absl::StatusOr<Hop> HopOfFact(const Fact& f, int max_evidence, const EdgeFilter& filter) {
    Hop h;
    ASSIGN_OR_RETURN(h.from, NodeOf(f.subject()));
    ASSIGN_OR_RETURN(h.to, NodeOf(f.object()));
    h.predicate = f.predicate();
    h.confidence = f.confidence();
    h.support = SourceCount(f.support(), f.flags());
    h.flags = f.flags();
    uint32_t total = 0;
    RETURN_IF_ERROR(store->ForEachEvidence(f, [&](const Evidence& ev) {
      if (!filter.NeedsEvidence() || EvidenceAdmitted(ev, filter)) {
        ++total;
        if (static_cast<int>(h.evidence.size()) < max_evidence) h.evidence.push_back(ev);
      }
      return true;
    }));
    h.evidence_total = filter.NeedsEvidence() ? total : std::max(total, f.support());
    return h;
  }

  absl::StatusOr<Hop> HopOf(EdgeIndex e, int max_evidence, const EdgeFilter& filter) {
    return HopOfFact(FactOf(e), max_evidence, filter);
  }

  // Edge admission for a query; document/date filters read evidence (memoised).
  EdgeAdmission Admission(const EdgeFilter& filter) {
    evidence_error = absl::OkStatus();
    if (!filter.NeedsEvidence()) return EdgeAdmission(*projection, filter);
    auto memo = std::make_shared<absl::flat_hash_map<EdgeIndex, bool>>();
    return EdgeAdmission(*projection, filter, [this, memo, filter](EdgeIndex e) {
      auto it = memo->find(e);
      if (it != memo->end()) return it->second;
      bool admitted = false;
      absl::Status s = store->ForEachEvidence(FactOf(e), [&](const Evidence& ev) {
        admitted = EvidenceAdmitted(ev, filter);
        return !admitted;
      });
      if (!s.ok() && evidence_error.ok()) evidence_error = s;
      memo->emplace(e, admitted);
      return admitted;
    });
  }

  // NotFound naming the column of an unknown predicate and the closest known ones.
  static absl::Status UnknownPredicate(const std::string& p, int column, const std::vector<std::string>& known) {
    std::vector<std::pair<int, std::string>> scored;
    for (const std::string& k : known) scored.emplace_back(EditDistance(p, k), k);
    std::sort(scored.begin(), scored.end());
    std::vector<std::string> close;
    for (size_t i = 0; i < scored.size() && i < 5; ++i) close.push_back(scored[i].second);
    return absl::NotFoundError(absl::StrCat("unknown predicate '", p, "'",
                                            column > 0 ? absl::StrCat(" (column ", column, ")") : "",
                                            close.empty() ? "" : "; closest: " + absl::StrJoin(close, ", ")));
  }

  static int ColumnOfPredicate(const EdgeFilter& filter, size_t i) {
    return i < filter.predicate_columns.size() ? filter.predicate_columns[i] : 0;
  }

  // Filter predicates must be known to the projection (exact spelling).
  absl::Status CheckPredicates(const EdgeFilter& filter) {
    for (size_t i = 0; i < filter.predicates.size(); ++i) {
      if (projection->PredicateIndex(filter.predicates[i])) continue;
      return UnknownPredicate(filter.predicates[i], ColumnOfPredicate(filter, i), projection->predicates());
    }
    return absl::OkStatus();
  }

  // Every predicate the store knows: its dictionary when it offers one
  // (cheap), else the projection's.
  absl::StatusOr<std::vector<std::string>> KnownPredicates() {
    std::vector<std::string> known;
    absl::Status listed = store->ForEachPredicate([&](uint64_t, std::string_view text) {
      known.emplace_back(text);
      return true;
    });
    if (listed.ok()) return known;
    if (!absl::IsUnimplemented(listed)) return listed;
    RETURN_IF_ERROR(Refresh());
    return projection->predicates();
  }

  absl::StatusOr<ResultPath> ToResult(const SearchPath& sp, const Query& q) {
    ResultPath rp;
    rp.weight = sp.weight;
    for (Vertex v : sp.vertices) {
      ASSIGN_OR_RETURN(ResultNode n, NodeOf(projection->EntityId(v)));
      rp.nodes.push_back(std::move(n));
    }
    for (EdgeIndex e : sp.edges) {
      ASSIGN_OR_RETURN(Hop h, HopOf(e, q.explain ? kEvidencePerHopExplain : kEvidencePerHop, q.filter));
      rp.hops.push_back(std::move(h));
    }
    return rp;
  }

  absl::StatusOr<std::pair<uint64_t, uint64_t>> ResolvePair(const Query& q) {
    ASSIGN_OR_RETURN(uint64_t a, Resolve(q.names[0]));
    ASSIGN_OR_RETURN(uint64_t b, Resolve(q.names[1]));
    return std::make_pair(a, b);
  }

  absl::Status RunPath(QueryResult& r) {
    const Query& q = r.query;
    ASSIGN_OR_RETURN(auto ids, ResolvePair(q));
    RETURN_IF_ERROR(Refresh());
    RETURN_IF_ERROR(CheckPredicates(q.filter));
    const int max_hops = q.max_hops > 0 ? q.max_hops : kDefaultPathMaxHops;
    const int k = q.k > 0 ? q.k : 1;
    std::optional<Vertex> a = projection->VertexOf(ids.first);
    std::optional<Vertex> b = projection->VertexOf(ids.second);
    std::vector<SearchPath> found;
    std::string algorithm;
    if (a && b) {
      EdgeAdmission admit = Admission(q.filter);
      if (k == 1 && q.by != Ranking::kConfidence) {
        algorithm = "bidirectional BFS (fewest hops; ties broken by confidence and support)";
        if (auto p = searcher->BestShortestPath(*a, *b, admit, max_hops)) found.push_back(std::move(*p));
      } else if (k == 1) {
        algorithm = "Dijkstra on -ln p(confidence, support)";
        auto p = searcher->LightestPath(*a, *b, admit);
        if (p && p->hops() <= max_hops) found.push_back(std::move(*p));
      } else {
        algorithm = absl::StrCat("Yen's k shortest simple paths (k=", k, ") over ",
                                 q.by == Ranking::kConfidence ? "Dijkstra (-ln p)" : "bidirectional BFS (hops, then -ln p)");
        found = searcher->KShortestPaths(*a, *b, k, max_hops, admit, q.by);
      }
      RETURN_IF_ERROR(evidence_error);
    } else {
      algorithm = "none: an end point takes part in no fact";
    }
    for (const SearchPath& sp : found) {
      ASSIGN_OR_RETURN(ResultPath rp, ToResult(sp, q));
      r.paths.push_back(std::move(rp));
    }
    r.plan = absl::StrCat(algorithm, "; max ", max_hops, " hops; ", found.size(), " path(s); ", ProjectionNote());
    return absl::OkStatus();
  }

  absl::Status RunConnect(QueryResult& r) {
    const Query& q = r.query;
    ASSIGN_OR_RETURN(auto ids, ResolvePair(q));
    RETURN_IF_ERROR(Refresh());
    RETURN_IF_ERROR(CheckPredicates(q.filter));
    const int max_hops = q.max_hops > 0 ? q.max_hops : kDefaultConnectMaxHops;
    const int k = q.k > 0 ? q.k : kDefaultConnectPaths;
    const int limit = q.limit > 0 ? q.limit : kDefaultConnectors;
    std::optional<Vertex> a = projection->VertexOf(ids.first);
    std::optional<Vertex> b = projection->VertexOf(ids.second);
    std::vector<SearchPath> found;
    if (a && b) {
      EdgeAdmission admit = Admission(q.filter);
      found = searcher->KShortestPaths(*a, *b, k, max_hops, admit, q.by);
      RETURN_IF_ERROR(evidence_error);
    }
    std::vector<ConnectorScore> ranked = RankConnectors(found);
    // Yen's search in hop order picks which k paths answer; they are shown
    // strongest evidence first (lowest weight), so a short path made only of
    // co-mentions does not hide a typed path one hop longer. `by hops` keeps
    // the search order.
    if (q.by == Ranking::kDefault) {
      std::stable_sort(found.begin(), found.end(), [](const SearchPath& x, const SearchPath& y) {
        return x.weight < y.weight;
      });
    }
    for (const ConnectorScore& c : ranked) {
      if (!q.types.empty() &&
          std::find(q.types.begin(), q.types.end(), projection->Type(c.vertex)) == q.types.end()) {
        continue;
      }
      if (static_cast<int>(r.connectors.size()) == limit) {
        r.truncated = true;
        break;
      }
      ASSIGN_OR_RETURN(ResultNode n, NodeOf(projection->EntityId(c.vertex)));
      r.connectors.push_back(Connector{std::move(n), c.score, c.paths});
    }
    for (const SearchPath& sp : found) {
      ASSIGN_OR_RETURN(ResultPath rp, ToResult(sp, q));
      r.paths.push_back(std::move(rp));
    }
    r.plan = absl::StrCat("Yen's k shortest simple paths (k=", k, ", max ", max_hops,
                          " hops, bidirectional BFS spur searches)",
                          q.by == Ranking::kDefault ? ", shown by weight" : "",
                          "; connectors scored by the sum over the paths "
                          "through them of exp(-weight)/hops, co-mention hops penalised; ",
                          found.size(), " path(s), ", ranked.size(), " connector(s); ", ProjectionNote());
    return absl::OkStatus();
  }

  absl::Status RunNeighbours(QueryResult& r) {
    const Query& q = r.query;
    ASSIGN_OR_RETURN(uint64_t id, Resolve(q.names[0]));
    RETURN_IF_ERROR(Refresh());
    RETURN_IF_ERROR(CheckPredicates(q.filter));
    const int depth = q.depth > 0 ? q.depth : 1;
    const int limit = q.limit > 0 ? q.limit : kDefaultNeighbourLimit;
    ASSIGN_OR_RETURN(ResultNode centre, NodeOf(id));
    r.nodes.push_back({centre, 0});
    std::optional<Vertex> s = projection->VertexOf(id);
    if (!s) {
      r.plan = "the entity takes part in no fact";
      return absl::OkStatus();
    }
    EdgeAdmission admit = Admission(q.filter);
    std::vector<Reached> reached = searcher->Neighbourhood(*s, depth, admit);
    RETURN_IF_ERROR(evidence_error);
    // Within a distance, strongest link first, then the better connected.
    std::vector<Reached> kept;
    for (size_t i = 1; i < reached.size(); ++i) {
      if (!q.types.empty() &&
          std::find(q.types.begin(), q.types.end(), projection->Type(reached[i].vertex)) == q.types.end()) {
        continue;
      }
      kept.push_back(reached[i]);
    }
    std::stable_sort(kept.begin(), kept.end(), [&](const Reached& x, const Reached& y) {
      if (x.distance != y.distance) return x.distance < y.distance;
      double wx = EdgeWeight(projection->Props(x.via)), wy = EdgeWeight(projection->Props(y.via));
      if (wx != wy) return wx < wy;
      return projection->Degree(x.vertex) > projection->Degree(y.vertex);
    });
    if (static_cast<int>(kept.size()) > limit) {
      kept.resize(limit);
      r.truncated = true;
    }
    absl::flat_hash_map<Vertex, int> in_answer{{*s, 0}};
    for (const Reached& x : kept) {
      in_answer.emplace(x.vertex, x.distance);
      ASSIGN_OR_RETURN(ResultNode n, NodeOf(projection->EntityId(x.vertex)));
      r.nodes.push_back({std::move(n), x.distance});
    }
    // Edges among the answer's nodes that the walk used (one end nearer the centre).
    absl::flat_hash_set<EdgeIndex> edges;
    const size_t max_edges = static_cast<size_t>(limit) * 4;
    auto consider = [&](int du, Vertex v, EdgeIndex e) {
      auto it = in_answer.find(v);
      if (it == in_answer.end() || edges.size() >= max_edges) return;
      if (std::abs(it->second - du) != 1) return;
      if (!admit.Admits(e, projection->Props(e))) return;
      edges.insert(e);
    };
    for (const auto& [u, d] : in_answer) {
      if (d >= depth) continue;
      for (EdgeIndex i = projection->OutBegin(u); i < projection->OutEnd(u); ++i) consider(d, projection->OutTarget(i), i);
      for (EdgeIndex j = projection->InBegin(u); j < projection->InEnd(u); ++j) {
        consider(d, projection->InSource(j), projection->InEdge(j));
      }
    }
    RETURN_IF_ERROR(evidence_error);
    std::vector<EdgeIndex> sorted(edges.begin(), edges.end());
    std::sort(sorted.begin(), sorted.end());
    for (EdgeIndex e : sorted) {
      ASSIGN_OR_RETURN(Hop h, HopOf(e, q.explain ? kEvidencePerHop : 0, q.filter));
      r.edges.push_back(std::move(h));
    }
    r.plan = absl::StrCat("breadth-first search to depth ", depth, " over undirected edges; ", reached.size() - 1,
                          " node(s) reached, ", kept.size(), " shown; ", ProjectionNote());
    return absl::OkStatus();
  }

  absl::Status RunEntity(QueryResult& r) {
    ASSIGN_OR_RETURN(uint64_t id, Resolve(r.query.names[0]));
    ASSIGN_OR_RETURN(const Entity* e, GetEntity(id));
    EntityInfo& info = r.entity;
    info.node = ResultNode{id, e->name(), e->type()};
    info.key = e->key();
    info.aliases.assign(e->aliases().begin(), e->aliases().end());
    info.mentions = e->mentions();
    info.documents = e->documents();
    std::map<std::pair<std::string, std::string>, size_t> seen;  // (alias, rule) -> index
    RETURN_IF_ERROR(store->ForEachMerge(e->key(), [&](const Merge& m) {
      auto [it, fresh] = seen.try_emplace({m.alias(), m.rule()}, info.merges.size());
      if (fresh) {
        info.merges.push_back(AliasMerge{m.alias(), m.rule(), m.evidence().doc_id(),
                                         m.evidence().sentence(), m.evidence().text(), 0});
      }
      ++info.merges[it->second].documents;
      return true;
    }));
    std::sort(info.merges.begin(), info.merges.end(), [](const AliasMerge& a, const AliasMerge& b) {
      return std::tie(a.alias, a.rule) < std::tie(b.alias, b.rule);
    });
    // Stores without unmerge support (test doubles) simply have none.
    if (absl::StatusOr<std::vector<Merge>> un = store->Unmerges(); un.ok()) {
      for (const Merge& m : *un) {
        if (m.canonical() == e->key()) info.unmerged.push_back(m.alias());
      }
    }
    RETURN_IF_ERROR(Refresh());
    if (std::optional<Vertex> v = projection->VertexOf(id)) info.degree = projection->Degree(*v);
    r.plan = absl::StrCat("dictionary lookup of key \"", TermKey(r.query.names[0].text), "\"");
    return absl::OkStatus();
  }

  absl::Status RunTop(QueryResult& r) {
    const Query& q = r.query;
    RETURN_IF_ERROR(Refresh());
    RETURN_IF_ERROR(CheckPredicates(q.filter));
    const int limit = q.limit > 0 ? q.limit : kDefaultTopLimit;
    EdgeAdmission admit = Admission(q.filter);
    const bool pagerank = q.by == Ranking::kPageRank;
    std::vector<double> scores = pagerank ? PageRankScores(*projection, admit) : DegreeScores(*projection, admit);
    std::vector<double> degrees = pagerank ? DegreeScores(*projection, admit) : scores;
    RETURN_IF_ERROR(evidence_error);
    std::vector<Vertex> order;
    for (Vertex v = 0; v < projection->num_vertices(); ++v) {
      if (degrees[v] == 0) continue;
      if (!q.types.empty() && std::find(q.types.begin(), q.types.end(), projection->Type(v)) == q.types.end()) {
        continue;
      }
      order.push_back(v);
    }
    size_t n = std::min<size_t>(limit, order.size());
    std::partial_sort(order.begin(), order.begin() + n, order.end(), [&](Vertex x, Vertex y) {
      return scores[x] != scores[y] ? scores[x] > scores[y] : x < y;
    });
    for (size_t i = 0; i < n; ++i) {
      ASSIGN_OR_RETURN(ResultNode node, NodeOf(projection->EntityId(order[i])));
      r.ranking.push_back(RankedEntity{std::move(node), scores[order[i]], static_cast<uint32_t>(degrees[order[i]])});
    }
    r.plan = absl::StrCat(pagerank ? "Boost.Graph page_rank (damping 0.85, 30 iterations) over subject->object facts"
                                   : "degree over undirected facts",
                          "; ", order.size(), " candidate(s); ", ProjectionNote());
    return absl::OkStatus();
  }

  absl::Status RunMatch(QueryResult& r);
};

absl::Status Engine::Impl::RunMatch(QueryResult& r) {
  const Query& q = r.query;
  const int limit = q.limit > 0 ? q.limit : kDefaultMatchLimit;
  // Variables: entity variables bind ids, predicate variables bind names.
  struct Var {
    std::string name;
    bool predicate;
  };
  std::vector<Var> vars;
  auto var_index = [&](const Term& t, bool predicate) -> absl::StatusOr<int> {
    for (size_t i = 0; i < vars.size(); ++i) {
      if (vars[i].name != t.text) continue;
      if (vars[i].predicate != predicate) {
        return absl::InvalidArgumentError(absl::StrCat("variable ?", t.text, " at column ", t.column,
                                                       " is used both as a predicate and as an entity"));
      }
      return static_cast<int>(i);
    }
    vars.push_back({t.text, predicate});
    return static_cast<int>(vars.size() - 1);
  };
  struct Slot {
    int var = -1;        // variable index, or -1 for a constant
    uint64_t id = 0;     // constant entity
    std::string text;    // constant predicate
  };
  struct Compiled {
    Slot s, p, o;
  };
  // Predicates named in the query must exist (match compares them without
  // regard to case; the filter's exactly, as elsewhere).
  bool constant_predicates = !q.filter.predicates.empty();
  for (const Pattern& pat : q.patterns) constant_predicates |= !pat.predicate.is_variable;
  if (constant_predicates) {
    ASSIGN_OR_RETURN(std::vector<std::string> known, KnownPredicates());
    for (const Pattern& pat : q.patterns) {
      if (pat.predicate.is_variable) continue;
      bool found = std::any_of(known.begin(), known.end(),
                               [&](const std::string& k) { return absl::EqualsIgnoreCase(k, pat.predicate.text); });
      if (!found) return UnknownPredicate(pat.predicate.text, pat.predicate.column, known);
    }
    for (size_t i = 0; i < q.filter.predicates.size(); ++i) {
      if (std::find(known.begin(), known.end(), q.filter.predicates[i]) == known.end()) {
        return UnknownPredicate(q.filter.predicates[i], ColumnOfPredicate(q.filter, i), known);
      }
    }
  }
  std::vector<Compiled> patterns;
  for (const Pattern& pat : q.patterns) {
    Compiled c;
    if (pat.subject.is_variable) {
      ASSIGN_OR_RETURN(c.s.var, var_index(pat.subject, false));
    } else {
      ASSIGN_OR_RETURN(c.s.id, Resolve(pat.subject));
    }
    if (pat.predicate.is_variable) {
      ASSIGN_OR_RETURN(c.p.var, var_index(pat.predicate, true));
    } else {
      c.p.text = pat.predicate.text;
    }
    if (pat.object.is_variable) {
      ASSIGN_OR_RETURN(c.o.var, var_index(pat.object, false));
    } else {
      ASSIGN_OR_RETURN(c.o.id, Resolve(pat.object));
    }
    patterns.push_back(std::move(c));
  }
  struct Row {
    std::vector<uint64_t> ids;          // per variable (entity vars)
    std::vector<std::string> preds;     // per variable (predicate vars)
    std::vector<bool> bound;
    std::vector<Fact> facts;            // one per pattern, in pattern order
  };
  Row empty;
  empty.ids.assign(vars.size(), 0);
  empty.preds.assign(vars.size(), "");
  empty.bound.assign(vars.size(), false);
  empty.facts.assign(patterns.size(), Fact());
  std::vector<Row> rows{empty};
  std::vector<bool> done(patterns.size(), false);
  std::vector<bool> var_bound(vars.size(), false);
  std::vector<std::string> steps;
  for (size_t round = 0; round < patterns.size(); ++round) {
    // Next: the pattern with the most bound positions (constants count).
    int best = -1, best_score = -1;
    for (size_t i = 0; i < patterns.size(); ++i) {
      if (done[i]) continue;
      auto is_bound = [&](const Slot& s) { return s.var < 0 || var_bound[s.var]; };
      int score = (is_bound(patterns[i].s) ? 2 : 0) + (is_bound(patterns[i].o) ? 2 : 0) + (is_bound(patterns[i].p) ? 1 : 0);
      if (score > best_score) {
        best_score = score;
        best = static_cast<int>(i);
      }
    }
    const Compiled& c = patterns[best];
    done[best] = true;
    std::vector<Row> next;
    std::string access;
    for (const Row& row : rows) {
      auto entity = [&](const Slot& s) -> std::optional<uint64_t> {
        if (s.var < 0) return s.id;
        if (row.bound[s.var]) return row.ids[s.var];
        return std::nullopt;
      };
      std::optional<uint64_t> sid = entity(c.s), oid = entity(c.o);
      std::optional<std::string> pred;
      if (c.p.var < 0) {
        pred = c.p.text;
      } else if (row.bound[c.p.var]) {
        pred = row.preds[c.p.var];
      }
      auto visit = [&](const Fact& f) {
        if (sid && f.subject() != *sid) return true;
        if (oid && f.object() != *oid) return true;
        if (pred && !absl::EqualsIgnoreCase(f.predicate(), *pred)) return true;
        if (!FactAdmitted(f, q.filter)) return true;
        Row out = row;
        // The same variable in two positions must bind the same entity.
        if (c.s.var >= 0 && c.o.var == c.s.var && f.subject() != f.object()) return true;
        if (c.s.var >= 0) {
          out.ids[c.s.var] = f.subject();
          out.bound[c.s.var] = true;
        }
        if (c.o.var >= 0) {
          out.ids[c.o.var] = f.object();
          out.bound[c.o.var] = true;
        }
        if (c.p.var >= 0) {
          out.preds[c.p.var] = f.predicate();
          out.bound[c.p.var] = true;
        }
        out.facts[best] = f;
        next.push_back(std::move(out));
        return next.size() < kMaxMatchRows;
      };
      if (sid) {
        access = "FactsFrom (SPO)";
        RETURN_IF_ERROR(store->FactsFrom(*sid, visit));
      } else if (oid) {
        access = "FactsTo (OSP)";
        RETURN_IF_ERROR(store->FactsTo(*oid, visit));
      } else {
        access = "full fact scan";
        RETURN_IF_ERROR(store->ForEachFact(visit));
      }
      if (next.size() >= kMaxMatchRows) {
        r.truncated = true;
        break;
      }
    }
    steps.push_back(absl::StrCat("pattern ", best + 1, " via ", access.empty() ? "no rows" : access, " -> ",
                                 next.size(), " row(s)"));
    if (c.s.var >= 0) var_bound[c.s.var] = true;
    if (c.o.var >= 0) var_bound[c.o.var] = true;
    if (c.p.var >= 0) var_bound[c.p.var] = true;
    rows = std::move(next);
    if (rows.empty()) break;
  }
  // Document/date filters: every fact of a row needs admitted evidence.
  if (q.filter.NeedsEvidence()) {
    std::vector<Row> kept;
    for (Row& row : rows) {
      bool ok = true;
      for (const Fact& f : row.facts) {
        bool admitted = false;
        RETURN_IF_ERROR(store->ForEachEvidence(f, [&](const Evidence& ev) {
          admitted = EvidenceAdmitted(ev, q.filter);
          return !admitted;
        }));
        if (!admitted) {
          ok = false;
          break;
        }
      }
      if (ok) kept.push_back(std::move(row));
    }
    rows = std::move(kept);
  }
  for (const Var& v : vars) r.match.variables.push_back(v.name);
  for (const Row& row : rows) {
    if (static_cast<int>(r.match.rows.size()) == limit) {
      r.truncated = true;
      break;
    }
    std::vector<std::string> cells;
    for (size_t i = 0; i < vars.size(); ++i) {
      if (vars[i].predicate) {
        cells.push_back(row.preds[i]);
      } else {
        ASSIGN_OR_RETURN(const Entity* e, GetEntity(row.ids[i]));
        cells.push_back(e->name());
      }
    }
    std::vector<Hop> hops;
    for (const Fact& f : row.facts) {
      ASSIGN_OR_RETURN(Hop h, HopOfFact(f, q.explain ? kEvidencePerHop : 0, q.filter));
      hops.push_back(std::move(h));
    }
    r.match.rows.push_back(std::move(cells));
    r.match.facts.push_back(std::move(hops));
  }
  r.plan = absl::StrCat("nested-loop join over the store's permutations: ", absl::StrJoin(steps, "; "));
  return absl::OkStatus();
}

Engine::Engine(storage::Store* store) : impl_(std::make_unique<Impl>(store)) {}
Engine::~Engine() = default;

absl::StatusOr<std::shared_ptr<const QueryResult>> Engine::Run(std::string_view text) {
  ASSIGN_OR_RETURN(Query query, ParseQuery(text));
  auto result = std::make_shared<QueryResult>();
  result->query = std::move(query);
  switch (result->query.kind) {
    case QueryKind::kPath:
      RETURN_IF_ERROR(impl_->RunPath(*result));
      break;
    case QueryKind::kConnect:
      RETURN_IF_ERROR(impl_->RunConnect(*result));
      break;
    case QueryKind::kNeighbors:
      RETURN_IF_ERROR(impl_->RunNeighbours(*result));
      break;
    case QueryKind::kEntity:
      RETURN_IF_ERROR(impl_->RunEntity(*result));
      break;
    case QueryKind::kMatch:
      RETURN_IF_ERROR(impl_->RunMatch(*result));
      break;
    case QueryKind::kTop:
      RETURN_IF_ERROR(impl_->RunTop(*result));
      break;
  }
  return std::shared_ptr<const QueryResult>(std::move(result));
}

std::string Engine::Format(const QueryResult& result, OutputFormat format) const {
  switch (format) {
    case OutputFormat::kTable:
      return FormatTable(result);
    case OutputFormat::kJson:
      return FormatJson(result);
    case OutputFormat::kDot:
      return FormatDot(result);
  }
  return FormatTable(result);
}

}  // namespace kg::query
