#ifndef KG_CLI_STATS_H_
#define KG_CLI_STATS_H_

// What a store holds: `kg stats` and the REPL's `:stats`. Counts of
// documents, entities, facts and evidence; entities by type; facts by
// predicate (co-mentions apart); store size on disk; the documents.

#include <cstdint>
#include <iosfwd>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/store.h"

namespace kg::cli {

struct StoreSummary {
  std::string path;
  storage::StoreStats totals;
  std::map<std::string, uint64_t> entities_by_type;  // lower-case type name
  std::map<std::string, uint64_t> facts_by_predicate;
  uint64_t co_mention_facts = 0;
  uint64_t imported_facts = 0;
  std::vector<Document> documents;  // the first `max_documents`, in store order
};

absl::StatusOr<StoreSummary> Summarise(storage::Store& store, const std::string& path,
                                       int max_documents);

// An aligned plain-text report; `limit` caps the predicates listed.
std::string FormatSummary(const StoreSummary& summary, int limit, bool color);
std::string FormatSummaryJson(const StoreSummary& summary);

// "12.3 MiB".
std::string HumanBytes(uint64_t bytes);

}  // namespace kg::cli

#endif  // KG_CLI_STATS_H_
