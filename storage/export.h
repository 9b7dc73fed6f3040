#ifndef KG_STORAGE_EXPORT_H_
#define KG_STORAGE_EXPORT_H_

// Export and import of a store's content (`kg export`, `kg import`).
//
//  - JSONL: one object per line. First {"unmerge": <Merge as protobuf JSON>}
//    per user override recorded with `kg unmerge` (Store::Unmerges order),
//    then {"document": <DocumentFacts as protobuf JSON>} per document (what it contributed, see Store::GetDocumentFacts),
//    in document-id order, then {"triple": {"subject", "predicate",
//    "object"}} per imported fact, sorted. Lossless: importing it into an
//    empty store and exporting again gives the same bytes.
//  - N-Triples: every fact, one sorted line each. An entity name that is
//    already an absolute IRI (scheme:...) is written as is, others as
//    <urn:kg:e:NAME> (percent-encoded); predicates likewise as <urn:kg:p:...>.
//    Importing reverses that; literal objects become entities named by their
//    text. Export -> import -> export gives the same bytes.
//  - CSV: nodes.csv (key,name,type,aliases,mentions,documents) and edges.csv
//    (from,to,predicate,confidence,flags,support; from/to are node keys), RFC
//    4180 quoting with a header line: Kùzu's COPY FROM (HEADER=true) and
//    Neo4j's LOAD CSV WITH HEADERS read them as they are.
// Errors name the input line.

#include <cstdint>
#include <istream>
#include <ostream>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "storage/bulk_loader.h"
#include "storage/store.h"

namespace kg::storage {

absl::Status ExportJsonl(Store& store, std::ostream& out);
absl::Status ExportNTriples(Store& store, std::ostream& out);
// Writes `nodes_path` and `edges_path`.
absl::Status ExportCsv(Store& store, const std::string& nodes_path, const std::string& edges_path);

struct ImportResult {
  uint64_t unmerges = 0;   // user overrides recorded (JSONL only)
  uint64_t documents = 0;  // documents put (changed or not)
  uint64_t triples = 0;    // structured triples read
  uint64_t new_facts = 0;  // from the triples
};

// `source` names the input in error messages ("file.jsonl:12: ...").
absl::StatusOr<ImportResult> ImportJsonl(Store& store, std::istream& in, std::string_view source,
                                         const BulkLoaderOptions& bulk = {});
absl::StatusOr<ImportResult> ImportNTriples(Store& store, std::istream& in,
                                            std::string_view source,
                                            const BulkLoaderOptions& bulk = {});

}  // namespace kg::storage

#endif  // KG_STORAGE_EXPORT_H_
