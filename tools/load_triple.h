#ifndef KG_TOOLS_LOAD_TRIPLE_H_
#define KG_TOOLS_LOAD_TRIPLE_H_

// One structured triple as kg-load reads it (TSV, JSON lines, N-Triples),
// before it becomes dictionary entries and an IMPORTED fact in the store.

#include <cstdint>
#include <string>
#include <vector>

#include "storage/packed_triples.h"

namespace kg::tools {

struct SourceTriple {
  std::string subject;    // IRI (without <>), blank node ("_:b0") or name
  std::string predicate;  // IRI or relation name
  std::string object;     // IRI, blank node, name, or a literal's lexical form
  bool object_is_literal = false;
  std::string language;  // literal language tag ("en"), lower-cased
  std::string datatype;  // literal datatype IRI, when given
  uint64_t line = 0;     // 1-based line in the source file
};

// Many plain triples (TSV: names only, no literal details) packed back to
// back: the reader's fast path to the bulk loader, one buffer per batch
// instead of three strings per triple.
struct TripleBatch {
  storage::PackedTriples triples;
  std::vector<uint64_t> lines;  // 1-based source line of each triple

  size_t size() const { return lines.size(); }
  bool empty() const { return lines.empty(); }
  void clear() {
    triples.clear();
    lines.clear();
  }
  // Triple `i` as a SourceTriple (for sinks that take them one by one).
  SourceTriple Get(size_t i) const {
    SourceTriple t;
    t.subject = std::string(triples.Name(i, 0));
    t.predicate = std::string(triples.Name(i, 1));
    t.object = std::string(triples.Name(i, 2));
    t.line = lines[i];
    return t;
  }
};

}  // namespace kg::tools

#endif  // KG_TOOLS_LOAD_TRIPLE_H_
