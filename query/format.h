#ifndef KG_QUERY_FORMAT_H_
#define KG_QUERY_FORMAT_H_

// Renders a QueryResult as an aligned text table or as JSON. The JSON shape
// is the contract of README.md "Query JSON" (issue 2), extended only by
// added keys: hops carry "confidence", "support", "flags" and "direction";
// evidence carries "text" and "date"; `explain` adds "plan".

#include <string>

#include "query/result.h"

namespace kg::query {

std::string FormatTable(const QueryResult& result);
std::string FormatJson(const QueryResult& result);

// Lower-case name of an entity type ("person", "org"); "" when unspecified.
std::string TypeName(EntityType type);

}  // namespace kg::query

#endif  // KG_QUERY_FORMAT_H_
