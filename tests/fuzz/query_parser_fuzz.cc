// Fuzzes the query parser (query/parser.h). A query that parses must print
// (ToString) as a query that parses again to the same query (SameQuery: every
// field) and the same canonical form; a query that does not parse must get an
// InvalidArgumentError naming a column.

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "query/parser.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;  // queries are typed lines
  std::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<kg::query::Query> q = kg::query::ParseQuery(text);
  if (!q.ok()) {
    FUZZ_CHECK(q.status().code() == absl::StatusCode::kInvalidArgument,
               std::string(q.status().message()));
    FUZZ_CHECK(q.status().message().find("column ") != std::string_view::npos,
               "syntax error without a column: " + std::string(q.status().message()));
    return 0;
  }
  std::string canonical = kg::query::ToString(*q);
  absl::StatusOr<kg::query::Query> again = kg::query::ParseQuery(canonical);
  FUZZ_CHECK(again.ok(), "canonical form does not parse: " + canonical + " -> " +
                             std::string(again.status().message()));
  FUZZ_CHECK(kg::query::ToString(*again) == canonical,
             "canonical form is not stable: " + canonical + " -> " + kg::query::ToString(*again));
  FUZZ_CHECK(kg::query::SameQuery(*again, *q), "canonical form reads as another query: " + canonical);
  return 0;
}
