#include "query/centrality.h"

#include <utility>

#include "boost/graph/page_rank.hpp"
#include "boost/property_map/property_map.hpp"

namespace kg::query {

std::vector<double> DegreeScores(const Projection& g, const EdgeAdmission& admit) {
  std::vector<double> scores(g.num_vertices(), 0.0);
  for (Vertex v = 0; v < g.num_vertices(); ++v) {
    if (admit.all()) {
      scores[v] = g.Degree(v);
      continue;
    }
    for (EdgeIndex i = g.OutBegin(v); i < g.OutEnd(v); ++i) {
      if (admit.Admits(i, g.Props(i))) {
        scores[v] += 1;
        scores[g.OutTarget(i)] += 1;
      }
    }
  }
  return scores;
}

std::vector<double> PageRankScores(const Projection& g, const EdgeAdmission& admit, int iterations) {
  std::vector<double> ranks(g.num_vertices(), 0.0);
  if (g.num_vertices() == 0) return ranks;
  if (admit.all()) {
    auto rank_map = boost::make_iterator_property_map(ranks.begin(), boost::get(boost::vertex_index, g.graph()));
    boost::graph::page_rank(g.graph(), rank_map, boost::graph::n_iterations(iterations), 0.85);
    return ranks;
  }
  // A filtered view would recount out-degrees per in-edge; a compact CSR of
  // the admitted facts is cheaper.
  std::vector<std::pair<Vertex, Vertex>> edges;
  for (Vertex v = 0; v < g.num_vertices(); ++v) {
    for (EdgeIndex i = g.OutBegin(v); i < g.OutEnd(v); ++i) {
      if (admit.Admits(i, g.Props(i))) edges.emplace_back(v, g.OutTarget(i));
    }
  }
  using Sub = boost::compressed_sparse_row_graph<boost::directedS, boost::no_property, boost::no_property,
                                                 boost::no_property, Vertex, EdgeIndex>;
  Sub sub(boost::edges_are_unsorted_multi_pass, edges.begin(), edges.end(), g.num_vertices());
  auto rank_map = boost::make_iterator_property_map(ranks.begin(), boost::get(boost::vertex_index, sub));
  boost::graph::page_rank(sub, rank_map, boost::graph::n_iterations(iterations), 0.85);
  return ranks;
}

}  // namespace kg::query
