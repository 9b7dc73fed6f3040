#include "query/search.h"

#include <algorithm>
#include <cmath>
#include <queue>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"

namespace kg::query {

EdgeAdmission::EdgeAdmission(const Projection& projection, const EdgeFilter& filter,
                             std::function<bool(EdgeIndex)> evidence_check) {
  all_ = filter.Empty();
  typed_only_ = filter.typed_only;
  min_confidence_q_ =
      filter.min_confidence <= 0.0f ? 0 : static_cast<uint16_t>(std::ceil(filter.min_confidence * 65535.0f - 0.5f));
  if (!filter.predicates.empty()) {
    predicates_.assign(projection.predicates().size(), false);
    for (const std::string& name : filter.predicates) {
      if (std::optional<uint32_t> index = projection.PredicateIndex(name)) predicates_[*index] = true;
    }
    // A filter naming no known predicate admits nothing.
    if (predicates_.empty()) predicates_.push_back(false);
  }
  if (filter.NeedsEvidence()) evidence_check_ = std::move(evidence_check);
}

double EdgeWeight(const EdgeProps& p) {
  double c = p.confidence();
  uint32_t support = std::max<uint32_t>(SourceCount(p.support, p.flags()), 1);
  double q = support == 1 ? 1.0 - c : std::pow(1.0 - c, static_cast<double>(support));
  double prob = std::clamp(1.0 - q, 1e-4, 1.0);
  double w = -std::log(prob);
  if (p.co_mention()) w += kCoMentionPenalty;
  return w;
}

Searcher::Searcher(const Projection& projection) : g_(projection) {
  size_t n = projection.num_vertices();
  seen_s_.assign(n, 0);
  seen_t_.assign(n, 0);
  blocked_.assign(n, 0);
  dist_s_.assign(n, 0);
  dist_t_.assign(n, 0);
  parent_s_.assign(n, 0);
  parent_t_.assign(n, 0);
  via_s_.assign(n, 0);
  via_t_.assign(n, 0);
  weight_s_.assign(n, 0.0);
  weight_t_.assign(n, 0.0);
}

void Searcher::NextStamp() {
  if (++stamp_ == 0) {  // wrapped: clear once every 2^32 searches
    std::fill(seen_s_.begin(), seen_s_.end(), 0);
    std::fill(seen_t_.begin(), seen_t_.end(), 0);
    std::fill(blocked_.begin(), blocked_.end(), 0);
    stamp_ = 1;
  }
}

template <typename Fn>
void Searcher::ForEachNeighbour(Vertex u, const EdgeAdmission& admit, Fn&& fn) const {
  const EdgeIndex out_end = g_.OutEnd(u);
  const EdgeIndex in_end = g_.InEnd(u);
  if (admit.all()) {
    for (EdgeIndex i = g_.OutBegin(u); i < out_end; ++i) fn(g_.OutTarget(i), i);
    for (EdgeIndex j = g_.InBegin(u); j < in_end; ++j) fn(g_.InSource(j), g_.InEdge(j));
    return;
  }
  for (EdgeIndex i = g_.OutBegin(u); i < out_end; ++i) {
    if (admit.Admits(i, g_.Props(i))) fn(g_.OutTarget(i), i);
  }
  for (EdgeIndex j = g_.InBegin(u); j < in_end; ++j) {
    EdgeIndex e = g_.InEdge(j);
    if (admit.Admits(e, g_.Props(e))) fn(g_.InSource(j), e);
  }
}

void Searcher::Block(const Blocked* blocked) {
  if (blocked == nullptr) return;
  for (Vertex v : blocked->vertices) blocked_[v] = stamp_;
}

bool Searcher::EdgeBlocked(const Blocked* blocked, Vertex u, Vertex v) const {
  if (blocked == nullptr || blocked->spur_neighbours.empty()) return false;
  Vertex other;
  if (u == blocked->spur) {
    other = v;
  } else if (v == blocked->spur) {
    other = u;
  } else {
    return false;
  }
  return std::find(blocked->spur_neighbours.begin(), blocked->spur_neighbours.end(), other) !=
         blocked->spur_neighbours.end();
}

SearchPath Searcher::Join(Vertex meet) const {
  SearchPath path;
  path.vertices.push_back(meet);
  for (Vertex v = meet; dist_s_[v] > 0; v = parent_s_[v]) {
    path.edges.push_back(via_s_[v]);
    path.vertices.push_back(parent_s_[v]);
  }
  std::reverse(path.vertices.begin(), path.vertices.end());
  std::reverse(path.edges.begin(), path.edges.end());
  for (Vertex v = meet; dist_t_[v] > 0; v = parent_t_[v]) {
    path.edges.push_back(via_t_[v]);
    path.vertices.push_back(parent_t_[v]);
  }
  for (EdgeIndex e : path.edges) path.weight += EdgeWeight(g_.Props(e));
  return path;
}

std::optional<SearchPath> Searcher::ShortestPath(Vertex s, Vertex t, const EdgeAdmission& admit, int max_hops,
                                                 const Blocked* blocked) {
  if (s == t) return SearchPath{{s}, {}, 0.0};
  NextStamp();
  Block(blocked);
  if (blocked != nullptr && (blocked_[s] == stamp_ || blocked_[t] == stamp_)) return std::nullopt;
  seen_s_[s] = stamp_;
  dist_s_[s] = 0;
  seen_t_[t] = stamp_;
  dist_t_[t] = 0;
  std::vector<Vertex>& fs = front_;
  std::vector<Vertex>& ft = other_;
  std::vector<Vertex>& next = next_;
  fs.assign(1, s);
  ft.assign(1, t);
  int ds = 0, dt = 0;
  while (!fs.empty() && !ft.empty() && ds + dt < max_hops) {
    const bool forward = fs.size() <= ft.size();
    std::vector<Vertex>& front = forward ? fs : ft;
    const Side side = SideOf(forward);
    const int d = forward ? ds : dt;
    next.clear();
    Vertex meet = UINT32_MAX;
    for (Vertex u : front) {
      ForEachNeighbour(u, admit, [&](Vertex v, EdgeIndex e) {
        if (side.seen[v] == stamp_ || meet != UINT32_MAX) return;
        if (blocked != nullptr && (blocked_[v] == stamp_ || EdgeBlocked(blocked, u, v))) return;
        side.seen[v] = stamp_;
        side.dist[v] = d + 1;
        side.parent[v] = u;
        side.via[v] = e;
        if (side.other[v] == stamp_) meet = v;
        next.push_back(v);
      });
      if (meet != UINT32_MAX) return Join(meet);
    }
    front.swap(next);
    (forward ? ds : dt) = d + 1;
  }
  return std::nullopt;
}

std::optional<SearchPath> Searcher::BestShortestPath(Vertex s, Vertex t, const EdgeAdmission& admit, int max_hops,
                                                     const Blocked* blocked) {
  if (g_.uniform_weights()) return ShortestPath(s, t, admit, max_hops, blocked);
  if (s == t) return SearchPath{{s}, {}, 0.0};
  NextStamp();
  Block(blocked);
  if (blocked_[s] == stamp_ || blocked_[t] == stamp_) return std::nullopt;
  seen_s_[s] = stamp_;
  dist_s_[s] = 0;
  weight_s_[s] = 0.0;
  seen_t_[t] = stamp_;
  dist_t_[t] = 0;
  weight_t_[t] = 0.0;
  std::vector<Vertex> fs{s}, ft{t}, next, meets;
  int ds = 0, dt = 0;
  while (!fs.empty() && !ft.empty() && ds + dt < max_hops) {
    const bool forward = fs.size() <= ft.size();
    std::vector<Vertex>& front = forward ? fs : ft;
    const Side side = SideOf(forward);
    const int d = forward ? ds : dt;
    next.clear();
    meets.clear();
    for (Vertex u : front) {
      ForEachNeighbour(u, admit, [&](Vertex v, EdgeIndex e) {
        if (v == u || blocked_[v] == stamp_ || EdgeBlocked(blocked, u, v)) return;
        double w = side.weight[u] + EdgeWeight(g_.Props(e));
        if (side.seen[v] == stamp_) {
          if (side.dist[v] == d + 1 && w < side.weight[v]) {
            side.weight[v] = w;
            side.parent[v] = u;
            side.via[v] = e;
          }
          return;
        }
        side.seen[v] = stamp_;
        side.dist[v] = d + 1;
        side.weight[v] = w;
        side.parent[v] = u;
        side.via[v] = e;
        if (side.other[v] == stamp_) meets.push_back(v);
        next.push_back(v);
      });
    }
    front.swap(next);
    (forward ? ds : dt) = d + 1;
    if (!meets.empty()) {
      Vertex best = meets[0];
      for (Vertex v : meets) {
        if (weight_s_[v] + weight_t_[v] < weight_s_[best] + weight_t_[best]) best = v;
      }
      return Join(best);
    }
  }
  return std::nullopt;
}

std::optional<SearchPath> Searcher::LightestPath(Vertex s, Vertex t, const EdgeAdmission& admit,
                                                 const Blocked* blocked) {
  if (s == t) return SearchPath{{s}, {}, 0.0};
  NextStamp();
  Block(blocked);
  if (blocked_[s] == stamp_ || blocked_[t] == stamp_) return std::nullopt;
  // seen_s_: reached (tentative weight in weight_s_); seen_t_: settled.
  using Item = std::pair<double, Vertex>;
  std::priority_queue<Item, std::vector<Item>, std::greater<Item>> heap;
  seen_s_[s] = stamp_;
  weight_s_[s] = 0.0;
  dist_s_[s] = 0;
  heap.emplace(0.0, s);
  while (!heap.empty()) {
    // Not a structured binding: clang 14 (the fuzz build) cannot capture
    // one in the lambda below.
    const double w = heap.top().first;
    const Vertex u = heap.top().second;
    heap.pop();
    if (seen_t_[u] == stamp_ || w > weight_s_[u]) continue;
    seen_t_[u] = stamp_;
    if (u == t) {
      SearchPath path;
      for (Vertex v = t; v != s; v = parent_s_[v]) {
        path.vertices.push_back(v);
        path.edges.push_back(via_s_[v]);
      }
      path.vertices.push_back(s);
      std::reverse(path.vertices.begin(), path.vertices.end());
      std::reverse(path.edges.begin(), path.edges.end());
      path.weight = weight_s_[t];
      return path;
    }
    ForEachNeighbour(u, admit, [&](Vertex v, EdgeIndex e) {
      if (v == u || blocked_[v] == stamp_ || seen_t_[v] == stamp_ || EdgeBlocked(blocked, u, v)) return;
      double nw = w + EdgeWeight(g_.Props(e));
      if (seen_s_[v] != stamp_ || nw < weight_s_[v]) {
        seen_s_[v] = stamp_;
        weight_s_[v] = nw;
        parent_s_[v] = u;
        via_s_[v] = e;
        heap.emplace(nw, v);
      }
    });
  }
  return std::nullopt;
}

namespace {

bool Better(const SearchPath& a, const SearchPath& b, Ranking ranking) {
  constexpr double kEps = 1e-9;
  if (ranking == Ranking::kConfidence) {
    if (std::abs(a.weight - b.weight) > kEps) return a.weight < b.weight;
    if (a.hops() != b.hops()) return a.hops() < b.hops();
  } else {
    if (a.hops() != b.hops()) return a.hops() < b.hops();
    if (std::abs(a.weight - b.weight) > kEps) return a.weight < b.weight;
  }
  return a.vertices < b.vertices;  // deterministic order among equals
}

}  // namespace

std::vector<SearchPath> Searcher::KShortestPaths(Vertex s, Vertex t, int k, int max_hops, const EdgeAdmission& admit,
                                                 Ranking ranking) {
  std::vector<SearchPath> accepted;
  if (k <= 0 || max_hops <= 0) return accepted;
  const bool by_weight = ranking == Ranking::kConfidence;
  auto spur_search = [&](Vertex from, int hops_left, const Blocked* blocked) -> std::optional<SearchPath> {
    if (by_weight) return LightestPath(from, t, admit, blocked);
    return BestShortestPath(from, t, admit, hops_left, blocked);
  };
  std::optional<SearchPath> first = spur_search(s, max_hops, nullptr);
  if (!first || first->hops() > max_hops) return accepted;
  if (s == t) {
    accepted.push_back(*first);
    return accepted;
  }
  absl::flat_hash_set<std::vector<Vertex>> known;
  known.insert(first->vertices);
  accepted.push_back(std::move(*first));
  std::vector<SearchPath> candidates;
  Blocked blocked;
  while (static_cast<int>(accepted.size()) < k) {
    const SearchPath& prev = accepted.back();
    double root_weight = 0.0;
    for (size_t j = 0; j + 1 < prev.vertices.size(); ++j) {
      const int hops_left = max_hops - static_cast<int>(j);
      if (hops_left > 0) {
        blocked.vertices.assign(prev.vertices.begin(), prev.vertices.begin() + j);
        blocked.spur = prev.vertices[j];
        blocked.spur_neighbours.clear();
        for (const SearchPath& p : accepted) {
          if (p.vertices.size() > j + 1 && std::equal(p.vertices.begin(), p.vertices.begin() + j + 1,
                                                      prev.vertices.begin())) {
            blocked.spur_neighbours.push_back(p.vertices[j + 1]);
          }
        }
        std::optional<SearchPath> spur = spur_search(prev.vertices[j], hops_left, &blocked);
        if (spur && static_cast<int>(j) + spur->hops() <= max_hops) {
          SearchPath total;
          total.vertices.assign(prev.vertices.begin(), prev.vertices.begin() + j);
          total.vertices.insert(total.vertices.end(), spur->vertices.begin(), spur->vertices.end());
          total.edges.assign(prev.edges.begin(), prev.edges.begin() + j);
          total.edges.insert(total.edges.end(), spur->edges.begin(), spur->edges.end());
          total.weight = root_weight + spur->weight;
          if (known.insert(total.vertices).second) candidates.push_back(std::move(total));
        }
      }
      root_weight += EdgeWeight(g_.Props(prev.edges[j]));
    }
    if (candidates.empty()) break;
    auto best = std::min_element(candidates.begin(), candidates.end(),
                                 [&](const SearchPath& a, const SearchPath& b) { return Better(a, b, ranking); });
    accepted.push_back(std::move(*best));
    *best = std::move(candidates.back());
    candidates.pop_back();
  }
  return accepted;
}

std::vector<Reached> Searcher::Neighbourhood(Vertex s, int depth, const EdgeAdmission& admit) {
  NextStamp();
  std::vector<Reached> reached;
  reached.push_back({s, 0, 0});
  seen_s_[s] = stamp_;
  size_t layer_begin = 0;
  for (int d = 0; d < depth; ++d) {
    size_t layer_end = reached.size();
    if (layer_begin == layer_end) break;
    for (size_t i = layer_begin; i < layer_end; ++i) {
      Vertex u = reached[i].vertex;
      ForEachNeighbour(u, admit, [&](Vertex v, EdgeIndex e) {
        if (seen_s_[v] == stamp_) return;
        seen_s_[v] = stamp_;
        reached.push_back({v, d + 1, e});
      });
    }
    layer_begin = layer_end;
  }
  return reached;
}

size_t Searcher::CountWithin(Vertex s, int depth, const EdgeAdmission& admit) {
  NextStamp();
  front_.clear();
  front_.push_back(s);
  seen_s_[s] = stamp_;
  size_t count = 0;
  for (int d = 0; d < depth && !front_.empty(); ++d) {
    next_.clear();
    const bool last = d + 1 == depth;
    for (Vertex u : front_) {
      ForEachNeighbour(u, admit, [&](Vertex v, EdgeIndex) {
        if (seen_s_[v] == stamp_) return;
        seen_s_[v] = stamp_;
        ++count;
        if (!last) next_.push_back(v);
      });
    }
    front_.swap(next_);
  }
  return count;
}

std::vector<ConnectorScore> RankConnectors(const std::vector<SearchPath>& paths) {
  absl::flat_hash_map<Vertex, ConnectorScore> scores;
  for (const SearchPath& p : paths) {
    if (p.vertices.size() < 3) continue;
    double quality = std::exp(-p.weight) / p.hops();
    for (size_t i = 1; i + 1 < p.vertices.size(); ++i) {
      auto [it, inserted] = scores.try_emplace(p.vertices[i], ConnectorScore{p.vertices[i], 0.0, 0});
      it->second.score += quality;
      it->second.paths += 1;
    }
  }
  std::vector<ConnectorScore> ranked;
  ranked.reserve(scores.size());
  for (auto& [v, score] : scores) ranked.push_back(score);
  std::sort(ranked.begin(), ranked.end(), [](const ConnectorScore& a, const ConnectorScore& b) {
    if (a.score != b.score) return a.score > b.score;
    return a.vertex < b.vertex;
  });
  return ranked;
}

}  // namespace kg::query
