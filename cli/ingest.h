#ifndef KG_CLI_INGEST_H_
#define KG_CLI_INGEST_H_

// `kg ingest PATH...`: reads text files (directories recursively), extracts
// facts and writes each document atomically. A bad file is reported with its
// name (and byte offset where one applies) and skipped; the others go on.

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/extractor.h"
#include "storage/store.h"

namespace kg::cli {

struct IngestSummary {
  int files = 0;
  int ingested = 0;   // new or changed documents written
  int unchanged = 0;  // identical content already stored
  int failed = 0;
  uint64_t facts = 0;
  uint64_t entities = 0;
};

// The document id for a file: its absolute, lexically normal path, so the
// same file ingested from another working directory is the same document.
std::string DocumentIdForPath(const std::string& path);

// Expands directories (recursively, sorted, skipping hidden entries) into
// regular files. Paths that do not exist are returned as errors in `errors`.
std::vector<std::string> CollectFiles(const std::vector<std::string>& paths,
                                      std::vector<std::string>* errors);

// The store's resolution overrides (`kg unmerge`) in the form extraction
// takes (ExtractorOptions::blocked_merges).
absl::StatusOr<std::vector<core::BlockedMerge>> StoredUnmerges(storage::Store& store);

// `resolution` is core::ResolutionFingerprint of the extractor's blocked
// merges: a stored document with the same content hash but another
// fingerprint is extracted again.
// kg ingest extracts a document whole, in memory (about 120 bytes per byte
// of text), so larger files are refused with a message naming them; kg-load
// splits large documents and reads them in bounded memory.
inline constexpr uint64_t kMaxIngestBytes = 4 << 20;

IngestSummary IngestFiles(const std::vector<std::string>& paths, const core::Extractor& extractor,
                          storage::Store& store, std::ostream& err,
                          const std::string& resolution = "");

}  // namespace kg::cli

#endif  // KG_CLI_INGEST_H_
