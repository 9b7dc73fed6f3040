#ifndef KG_QUERY_DOT_H_
#define KG_QUERY_DOT_H_

// Graphviz DOT for a QueryResult: one node per entity (by id), one edge per
// fact shown, labelled with its predicate; co-mention facts dashed. Labels
// are double-quoted strings in which quotes and backslashes are escaped and
// '<', '>', '&' and every non-ASCII character are written as HTML character
// entities, so the file is plain ASCII and safe for any Graphviz version.

#include <string>
#include <string_view>

#include "query/result.h"

namespace kg::query {

std::string FormatDot(const QueryResult& result);

// `text` as a DOT double-quoted string, quotes included.
std::string DotQuote(std::string_view text);

}  // namespace kg::query

#endif  // KG_QUERY_DOT_H_
