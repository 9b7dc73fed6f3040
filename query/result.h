#ifndef KG_QUERY_RESULT_H_
#define KG_QUERY_RESULT_H_

// kg::query::QueryResult: the answer to one query, independent of how it is
// printed (query/format.h renders it as table, JSON or DOT). Names are
// display names (Entity.name); ids are kept for tools that need them.

#include <cstdint>
#include <string>
#include <vector>

#include "proto/kg.pb.h"
#include "query/ast.h"

namespace kg::query {

struct ResultNode {
  uint64_t id = 0;
  std::string name;
  EntityType type = ENTITY_TYPE_UNSPECIFIED;
};

// One step of a path or one edge of a neighbourhood: a stored fact.
// `from` -> `to` is the fact's own direction (subject -> object), which may
// run against the direction the path is walked.
struct Hop {
  ResultNode from;
  std::string predicate;
  ResultNode to;
  float confidence = 0.0f;
  uint32_t support = 0;
  uint32_t flags = 0;               // FactFlag bits
  std::vector<Evidence> evidence;   // doc_id, sentence, start, end, text, date
  uint32_t evidence_total = 0;      // evidence the store holds (may exceed evidence.size())
};

struct ResultPath {
  std::vector<ResultNode> nodes;  // in walking order, from the first name to the second
  std::vector<Hop> hops;          // hops[i] joins nodes[i] and nodes[i+1]
  double weight = 0.0;            // sum of -ln p over hops (lower is stronger)
};

struct Connector {
  ResultNode node;
  double score = 0.0;
  int paths = 0;  // how many of the returned paths pass through it
};

struct NeighbourNode {
  ResultNode node;
  int distance = 0;
};

// Why an alias belongs to an entity: one merge-ledger entry (the first
// document and sentence where the rule fired; `documents` counts them all).
struct AliasMerge {
  std::string alias;
  std::string rule;  // "acronym-definition", "nickname", "short-name", ...
  std::string document;
  uint32_t sentence = 0;
  std::string text;  // the sentence the rule read
  int documents = 0;
};

struct EntityInfo {
  ResultNode node;
  std::vector<AliasMerge> merges;     // the ledger, by alias then rule
  std::vector<std::string> unmerged;  // aliases the user split off (kg unmerge)
  std::string key;
  std::vector<std::string> aliases;
  uint64_t mentions = 0;
  uint64_t documents = 0;
  uint32_t degree = 0;  // facts it takes part in (projection)
};

// A `match` answer: one row per binding of the variables.
struct MatchTable {
  std::vector<std::string> variables;           // without '?', in order of first use
  std::vector<std::vector<std::string>> rows;   // display names / predicates
  std::vector<std::vector<Hop>> facts;          // per row: the facts that matched each pattern
};

struct RankedEntity {
  ResultNode node;
  double score = 0.0;
  uint32_t degree = 0;
};

struct QueryResult {
  Query query;
  std::string plan;  // how the engine answered (algorithm, sizes), shown by explain

  std::vector<ResultPath> paths;         // path, connect
  std::vector<Connector> connectors;     // connect
  std::vector<NeighbourNode> nodes;      // neighbors (the centre first, distance 0)
  std::vector<Hop> edges;                // neighbors
  bool truncated = false;                // a limit cut the answer
  EntityInfo entity;                     // entity
  MatchTable match;                      // match
  std::vector<RankedEntity> ranking;     // top
};

}  // namespace kg::query

#endif  // KG_QUERY_RESULT_H_
