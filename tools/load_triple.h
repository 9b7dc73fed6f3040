#ifndef KG_TOOLS_LOAD_TRIPLE_H_
#define KG_TOOLS_LOAD_TRIPLE_H_

// One structured triple as kg-load reads it (TSV, JSON lines, N-Triples),
// before it becomes dictionary entries and an IMPORTED fact in the store.

#include <cstdint>
#include <string>

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

}  // namespace kg::tools

#endif  // KG_TOOLS_LOAD_TRIPLE_H_
