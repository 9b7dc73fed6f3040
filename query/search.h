#ifndef KG_QUERY_SEARCH_H_
#define KG_QUERY_SEARCH_H_

// Path and neighbourhood search over a Projection. Edges are walked
// undirected (a fact links its subject and object both ways); paths are
// simple paths over vertices, each hop taking the lightest admitted edge
// between its two vertices.
//
// Edge weight: -ln p where p = 1 - (1 - confidence)^support (more evidence,
// more certainty), plus a fixed penalty for co-mention facts so that typed
// relations outrank mere co-occurrence.

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "query/ast.h"
#include "query/projection.h"

namespace kg::query {

// Which edges a search may use, compiled from an EdgeFilter.
class EdgeAdmission {
 public:
  EdgeAdmission() = default;  // admits every edge
  // `evidence_check` decides the document/date part of the filter for one
  // edge (it is consulted only when the filter has such a part).
  EdgeAdmission(const Projection& projection, const EdgeFilter& filter,
                std::function<bool(EdgeIndex)> evidence_check = nullptr);

  bool all() const { return all_; }
  bool Admits(EdgeIndex e, const EdgeProps& p) const {
    if (all_) return true;
    if (typed_only_ && p.co_mention()) return false;
    if (p.confidence_q < min_confidence_q_) return false;
    if (!predicates_.empty() && (p.predicate() >= predicates_.size() || !predicates_[p.predicate()])) return false;
    if (evidence_check_ && !evidence_check_(e)) return false;
    return true;
  }

 private:
  bool all_ = true;
  bool typed_only_ = false;
  uint16_t min_confidence_q_ = 0;
  std::vector<bool> predicates_;  // empty: any predicate
  std::function<bool(EdgeIndex)> evidence_check_;
};

// Weight of one edge (see the file comment).
double EdgeWeight(const EdgeProps& p);
// Penalty added to co-mention edges.
inline constexpr double kCoMentionPenalty = 1.5;

struct SearchPath {
  std::vector<Vertex> vertices;   // from source to target
  std::vector<EdgeIndex> edges;   // edges[i] joins vertices[i] and vertices[i+1]
  double weight = 0.0;            // sum of EdgeWeight
  int hops() const { return static_cast<int>(edges.size()); }
};

// What a spur search may not use (Yen's algorithm).
struct Blocked {
  std::vector<Vertex> vertices;         // never entered
  Vertex spur = UINT32_MAX;             // edges between spur and any of
  std::vector<Vertex> spur_neighbours;  // these vertices are not walked
};

struct Reached {
  Vertex vertex;
  int distance;
  EdgeIndex via;  // edge it was first reached through (unused for the source)
};

// Reusable search workspace over one projection (O(V) memory, allocated once;
// each search resets it in O(1) with generation stamps). Not thread-safe:
// one Searcher per thread.
class Searcher {
 public:
  explicit Searcher(const Projection& projection);

  // Any path with the fewest hops (bidirectional BFS, expanding the smaller
  // frontier), or nullopt when none within max_hops.
  std::optional<SearchPath> ShortestPath(Vertex s, Vertex t, const EdgeAdmission& admit, int max_hops,
                                         const Blocked* blocked = nullptr);
  // Among the paths with the fewest hops, the lightest (bidirectional BFS
  // with per-layer weight relaxation; plain ShortestPath when the projection
  // has uniform weights).
  std::optional<SearchPath> BestShortestPath(Vertex s, Vertex t, const EdgeAdmission& admit, int max_hops,
                                             const Blocked* blocked = nullptr);
  // The lightest path regardless of hops (Dijkstra), or nullopt.
  std::optional<SearchPath> LightestPath(Vertex s, Vertex t, const EdgeAdmission& admit,
                                         const Blocked* blocked = nullptr);
  // Yen's k shortest simple paths, ordered by (hops, weight) for kHops /
  // kDefault or by (weight, hops) for kConfidence; at most max_hops hops.
  std::vector<SearchPath> KShortestPaths(Vertex s, Vertex t, int k, int max_hops, const EdgeAdmission& admit,
                                         Ranking ranking);
  // Vertices within `depth` hops of s (s itself first, distance 0), in BFS order.
  std::vector<Reached> Neighbourhood(Vertex s, int depth, const EdgeAdmission& admit);
  // Number of distinct vertices within `depth` hops of s, s excluded.
  size_t CountWithin(Vertex s, int depth, const EdgeAdmission& admit);

 private:
  template <typename Fn>
  void ForEachNeighbour(Vertex u, const EdgeAdmission& admit, Fn&& fn) const;
  void NextStamp();
  void Block(const Blocked* blocked);
  // The arrays of one end of a bidirectional search (s: forward, t:
  // backward); `other` is the opposite end's seen marks.
  struct Side {
    std::vector<uint32_t>& seen;
    const std::vector<uint32_t>& other;
    std::vector<int32_t>& dist;
    std::vector<Vertex>& parent;
    std::vector<EdgeIndex>& via;
    std::vector<double>& weight;
  };
  Side SideOf(bool forward) {
    return forward ? Side{seen_s_, seen_t_, dist_s_, parent_s_, via_s_, weight_s_}
                   : Side{seen_t_, seen_s_, dist_t_, parent_t_, via_t_, weight_t_};
  }
  bool EdgeBlocked(const Blocked* blocked, Vertex u, Vertex v) const;
  SearchPath Join(Vertex meet) const;

  const Projection& g_;
  uint32_t stamp_ = 0;
  std::vector<uint32_t> seen_s_, seen_t_, blocked_;
  std::vector<int32_t> dist_s_, dist_t_;
  std::vector<Vertex> parent_s_, parent_t_;
  std::vector<EdgeIndex> via_s_, via_t_;
  std::vector<double> weight_s_, weight_t_;
  std::vector<Vertex> front_, next_, other_;
};

// A vertex lying on some of the given paths (not an end point), scored by
// the sum over those paths of exp(-weight) / hops: many, short, confident
// paths through a vertex make it a strong connector.
struct ConnectorScore {
  Vertex vertex;
  double score;
  int paths;
};
std::vector<ConnectorScore> RankConnectors(const std::vector<SearchPath>& paths);

}  // namespace kg::query

#endif  // KG_QUERY_SEARCH_H_
