#ifndef KG_TOOLS_LOAD_PIPELINE_H_
#define KG_TOOLS_LOAD_PIPELINE_H_

// kg-load's pipeline: one reader (the calling thread) parses the inputs and
// skips documents the store already holds with the same content hash; N
// extraction workers turn documents into facts; one writer puts each
// document atomically and hands structured triples to the bulk path in
// bounded chunks. Stages are joined by bounded queues, so memory stays
// bounded whatever the corpus size.
//
// Resumability: a document is written in one atomic PutDocument (or, on the
// document bulk path, in one atomically ingested chunk), keyed by its id with
// its content hash, so after a kill (even SIGKILL) a rerun skips what was
// stored and writes the rest: the end state equals an uninterrupted run's.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/extractor.h"
#include "storage/store.h"
#include "tools/load_files.h"
#include "tools/load_reader.h"
#include "tools/load_summary.h"
#include "tools/load_triple.h"

namespace kg::tools {

// Where structured triples go: the storage bulk path (tools/load_bulk.h) or
// a test double. Called from the writer thread only.
class TripleSink {
 public:
  virtual ~TripleSink() = default;
  // Takes one chunk (at most LoadOptions::triple_chunk triples).
  virtual absl::Status Add(const std::vector<SourceTriple>& chunk) = 0;
  // Takes a packed batch (TSV triples); may take its contents. By default
  // the triples go to Add() as SourceTriples.
  virtual absl::Status AddBatch(TripleBatch* batch) {
    std::vector<SourceTriple> chunk;
    chunk.reserve(batch->size());
    for (size_t i = 0; i < batch->size(); ++i) chunk.push_back(batch->Get(i));
    return Add(chunk);
  }
  // Commits everything added (one atomic ingestion for the SST path).
  virtual absl::Status Finish() = 0;
};

struct LoadOptions {
  int threads = 0;  // extraction workers; 0 = std::thread::hardware_concurrency()
  ReadOptions read;
  bool strict = false;            // stop at the first error
  size_t queue_capacity = 0;      // documents in flight per queue; 0 = 2 x threads
  size_t triple_chunk = 1 << 14;  // triples per hand-over to the writer (a few MB)
  size_t max_issues_kept = 200;   // in the summary; all are counted and reported
  // core::ResolutionFingerprint of the extractor's blocked merges: a stored
  // document is skipped only when its hash and this fingerprint both match.
  std::string resolution;
  // The storage layer's document bulk path (Store::BeginDocumentBulk): chunks
  // of documents go in as ingested SST files instead of one write each.
  // kAuto takes it when the inputs hold at least doc_bulk_min_bytes.
  enum class DocBulk { kAuto, kOn, kOff };
  DocBulk doc_bulk = DocBulk::kAuto;
  uint64_t doc_bulk_min_bytes = 8 << 20;
  // Staged writes per ingested chunk. Each chunk is one more level-0 file per
  // family overlapping all others, and every fourth one rewrites the family
  // (a compaction); 256 MiB keeps the 48 MB wiki sample (~760 MB of writes)
  // under that, and more of the writer's reads hit the stage instead of
  // RocksDB (storage/README.md, session 21). Peak ~1.4 GB: two chunks held.
  size_t doc_bulk_chunk_bytes = size_t{256} << 20;
};

using ExtractorFactory = std::function<absl::StatusOr<std::unique_ptr<core::Extractor>>()>;

class Loader {
 public:
  // `store` and `triples` must outlive the loader. The extractor is created
  // on the first document that needs one, so triple-only loads never load
  // the language models. `on_issue` is called (from any thread, serialised)
  // for every problem as it is found.
  Loader(storage::Store* store, ExtractorFactory extractor_factory, TripleSink* triples,
         LoadOptions options, std::function<void(const LoadIssue&)> on_issue);

  // The live counters, for the progress line.
  const LoadCounters& counters() const { return counters_; }

  // Loads `files` (with `path_errors` from collecting them reported as
  // failures). A non-OK status only for what stops the whole run: the
  // extractor cannot be created or the bulk commit fails; per-input problems
  // are counted in the summary.
  absl::StatusOr<LoadSummary> Run(const std::vector<InputFile>& files,
                                  const std::vector<PathError>& path_errors);

 private:
  class Impl;
  storage::Store* store_;
  ExtractorFactory extractor_factory_;
  TripleSink* triples_;
  LoadOptions options_;
  std::function<void(const LoadIssue&)> on_issue_;
  LoadCounters counters_;
};

}  // namespace kg::tools

#endif  // KG_TOOLS_LOAD_PIPELINE_H_
