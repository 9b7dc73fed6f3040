#ifndef KG_QUERY_AST_H_
#define KG_QUERY_AST_H_

// The parsed form of a kg query (query/parser.h produces it). Names are kept
// as written; the engine resolves them through kg::TermKey and the store.

#include <cstdint>
#include <string>
#include <vector>

#include "proto/kg.pb.h"

namespace kg::query {

enum class QueryKind { kPath, kConnect, kNeighbors, kEntity, kMatch, kTop };

// Lower-case keyword of a query kind: "path", "connect", ...
const char* QueryKindName(QueryKind kind);

// A quoted entity name or a ?variable in a query.
struct Term {
  bool is_variable = false;
  std::string text;  // the name (unescaped) or the variable without '?'
  int column = 0;    // 1-based column in the query text, for errors
};

// One triple pattern of `match`: subject predicate object. The predicate is a
// bare word, a quoted string or a variable.
struct Pattern {
  Term subject;
  Term predicate;
  Term object;
};

// Edge filters, accepted by every query form that walks edges.
struct EdgeFilter {
  bool typed_only = false;              // `typed`: drop CO_MENTION facts
  std::vector<std::string> predicates;  // `predicate P,...`: any of these
  std::vector<int> predicate_columns;   // 1-based column of each, for errors
  float min_confidence = 0.0f;          // `min_confidence X`
  std::vector<std::string> documents;   // `document D,...`: evidence from one of these
  std::string since;                    // `since DATE`: evidence dated on/after (ISO)
  std::string until;                    // `until DATE`: evidence dated on/before
  // True when the filter needs the evidence of a fact (documents or dates).
  bool NeedsEvidence() const { return !documents.empty() || !since.empty() || !until.empty(); }
  bool Empty() const {
    return !typed_only && predicates.empty() && min_confidence <= 0.0f && !NeedsEvidence();
  }
};

enum class Ranking { kDefault, kHops, kConfidence, kDegree, kPageRank };

struct Query {
  QueryKind kind = QueryKind::kPath;
  bool explain = false;
  std::vector<Term> names;        // path/connect: 2; neighbors/entity: 1
  std::vector<Pattern> patterns;  // match
  int max_hops = -1;              // `max N` (-1: default)
  int k = -1;                     // `k K`
  int depth = -1;                 // `depth N`
  int limit = -1;                 // `limit N`
  std::vector<EntityType> types;  // `type T,...`
  Ranking by = Ranking::kDefault; // `by degree|pagerank|hops|confidence`
  EdgeFilter filter;
};

// The query in canonical form (keywords lower-case, names quoted), used by
// `explain` to show how a query was read. ParseQuery(ToString(q)) gives a
// query SameQuery as q, and ToString of that is the same text.
std::string ToString(const Query& query);

// True when two queries ask the same thing: every field equal except the
// columns recorded for error messages.
bool SameQuery(const Query& a, const Query& b);

}  // namespace kg::query

#endif  // KG_QUERY_AST_H_
