#ifndef KG_TOOLS_LOAD_NTRIPLES_H_
#define KG_TOOLS_LOAD_NTRIPLES_H_

// A parser for one line of N-Triples (W3C RDF 1.1 N-Triples): IRIs with
// \u / \U escapes, blank nodes, literals with string escapes, language tags
// and datatypes, comments. Line-at-a-time so a bad line is reported with its
// number and the rest of the file still loads.

#include <string_view>

#include "absl/status/statusor.h"
#include "tools/load_triple.h"

namespace kg::tools {

// Parses `line` (without its newline; a trailing \r is ignored). Returns
// false for a blank or comment-only line, true with `*out` filled for a
// triple, or InvalidArgumentError naming the 1-based column and what was
// expected. `out->line` is left to the caller.
absl::StatusOr<bool> ParseNTriplesLine(std::string_view line, SourceTriple* out);

}  // namespace kg::tools

#endif  // KG_TOOLS_LOAD_NTRIPLES_H_
