#ifndef KG_QUERY_CENTRALITY_H_
#define KG_QUERY_CENTRALITY_H_

// Centrality over a Projection for `top`: degree (admitted edges, both
// directions) and PageRank (Boost.Graph's page_rank over the directed facts).

#include <vector>

#include "query/projection.h"
#include "query/search.h"

namespace kg::query {

// Admitted undirected degree of every vertex.
std::vector<double> DegreeScores(const Projection& projection, const EdgeAdmission& admit);

// PageRank (damping 0.85, `iterations` rounds) over the admitted facts,
// subject -> object. Scores are Boost's unnormalised form (1 - d) + d * sum.
std::vector<double> PageRankScores(const Projection& projection, const EdgeAdmission& admit, int iterations = 30);

}  // namespace kg::query

#endif  // KG_QUERY_CENTRALITY_H_
