#ifndef KG_QUERY_GRAPHVIZ_H_
#define KG_QUERY_GRAPHVIZ_H_

// Graphviz DOT for query results, meant to be pasted into a report:
//  - one node per entity, shape and fill colour by entity type, and a legend
//    listing the types that appear;
//  - edges labelled with their predicate, pen width growing with support,
//    dashed when the fact is a co-mention (FactFlag CO_MENTION);
//  - the query's endpoints drawn bold with a double border;
//  - tooltips carrying evidence sentences (shown on hover in SVG);
//  - more than `limit` entities are trimmed (endpoints and the earliest nodes
//    kept) and a note node says how many entities and relations were left out.
//
// The output is accepted by `dot` for any input: node ids are generated
// (n0, n1, ...), every string is a double-quoted DOT string with quotes,
// backslashes and control characters escaped, '&' written as an entity,
// and invalid UTF-8 replaced by U+FFFD. No HTML labels are used.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "proto/kg.pb.h"

namespace kg::query {

struct QueryResult;  // query/result.h

struct GraphvizOptions {
  int limit = 60;                 // most entities drawn; <= 0: no limit
  bool legend = true;             // a legend cluster listing entity types
  std::string title;              // caption under the picture (e.g. the query)
  int max_tooltip_sentences = 3;  // evidence sentences per edge tooltip
  bool left_to_right = true;      // rankdir=LR (paths read left to right)
};

// The drawing model: what a query answered, independent of its form.
struct DrawNode {
  std::string name;
  EntityType type = ENTITY_TYPE_UNSPECIFIED;
  bool endpoint = false;  // named in the query
  std::string note;       // extra tooltip line, e.g. "score 0.82"
};

struct DrawEdge {
  int from = 0;  // indexes into DrawGraph::nodes
  int to = 0;
  std::string predicate;
  uint32_t support = 1;
  uint32_t flags = 0;  // FactFlag bits
  float confidence = 0.0f;
  std::vector<std::string> evidence;  // sentences, e.g. "doc.txt #4: ..."
};

struct DrawGraph {
  std::vector<DrawNode> nodes;  // in priority order: trimming keeps the first
  std::vector<DrawEdge> edges;
  std::string caption;  // used when GraphvizOptions::title is empty
};

std::string ToGraphviz(const DrawGraph& graph, const GraphvizOptions& options);

// Converts a query result (paths, connectors, neighbourhoods, matches,
// entities) to the drawing model, then draws it.
DrawGraph ToDrawGraph(const QueryResult& result);
std::string ToGraphviz(const QueryResult& result, const GraphvizOptions& options);

// The body of a DOT double-quoted string (without the quotes) showing `text`
// literally: valid UTF-8, `"` and `\` escaped, newlines as \n (centred line
// breaks), other control characters dropped, '&' as "&amp;".
std::string DotEscape(std::string_view text);

}  // namespace kg::query

#endif  // KG_QUERY_GRAPHVIZ_H_
