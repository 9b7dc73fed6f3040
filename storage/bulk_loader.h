#ifndef KG_STORAGE_BULK_LOADER_H_
#define KG_STORAGE_BULK_LOADER_H_

// BulkLoader: loads structured triples (TSV, N-Triples: parsed by the
// caller) into a Store through SST files instead of write batches.
//
//   BulkLoader loader(store);             // store opened for writing
//   loader.Add("/m/027rn", "/location/...", "/m/06cx9");  // many times
//   auto result = loader.Finish();        // one atomic ingestion
//
// Contract:
//  - Terms are keyed by kg::TermKey(name) like every other entity; a new term
//    becomes an entity of type RESOURCE named by its first-sorting spelling.
//  - Triples are sorted and de-duplicated in chunks bounded by
//    `memory_bytes` (spilled to run files under the store directory), then
//    written as one SST file per column family and ingested with a single
//    IngestExternalFiles call: atomic across column families. Until Finish()
//    succeeds the store is unchanged; a crash before then leaves it as it was
//    (stale run files are removed by the next loader).
//  - Loaded facts carry the IMPORTED flag (no evidence). A triple already in
//    the store (from documents) keeps its evidence and gains the flag.
//  - Document writes are blocked while Finish() runs (it merges with the
//    store's current content).
//  - Add() validates the triple at once (an unusable name is an error of
//    that call) and copies it into a chunk; names are resolved to ids on two
//    worker threads, a chunk at a time, while the caller reads on. A store
//    error met by a worker is returned by a later Add() or by Finish().

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "storage/external_sort.h"
#include "storage/packed_triples.h"
#include "storage/store.h"

namespace kg::storage {

class RocksStore;

struct BulkLoaderOptions {
  size_t memory_bytes = size_t{1} << 30;  // sort buffers + caches, not RocksDB's own
  // false: write batches of `batch_triples` through the WAL instead of SST
  // files (each batch atomic on its own; for small or incremental loads).
  // Each batch resolves its terms afresh (dictionary and entity reads), so
  // larger batches pay that less often. Not bounded by memory_bytes: a
  // million triples take a few hundred MB (290 MB peak on FB15k-237).
  bool use_sst = true;
  size_t batch_triples = 1000000;
};

struct BulkResult {
  uint64_t triples_added = 0;  // Add() calls
  uint64_t new_facts = 0;      // distinct triples not in the store before
  uint64_t new_entities = 0;
  uint64_t runs_spilled = 0;  // > 0 when the input did not fit in memory
  uint64_t sst_bytes = 0;     // size of the ingested files
};

class BulkLoader {
 public:
  explicit BulkLoader(Store* store, BulkLoaderOptions options = {});
  ~BulkLoader();
  BulkLoader(const BulkLoader&) = delete;
  BulkLoader& operator=(const BulkLoader&) = delete;

  // Empty names or predicates are InvalidArgument.
  absl::Status Add(std::string_view subject, std::string_view predicate, std::string_view object);
  // Many triples at once, taken over without a copy (the buffer goes to a
  // resolution thread as it is). All are checked first: on an unusable one
  // nothing of `triples` is added, the error names it and `*failed` (when
  // given) is its index.
  absl::Status Add(PackedTriples&& triples, size_t* failed = nullptr);
  absl::StatusOr<BulkResult> Finish();

 private:
  struct Shard;
  // Triples copied by Add(), waiting for a shard.
  using Chunk = PackedTriples;
  absl::Status Init();
  absl::Status CheckNames(std::string_view subject, std::string_view predicate,
                          std::string_view object);
  // use_sst = false: appends to batch_, writing it out once it is full.
  absl::Status AddToBatch(std::string_view subject, std::string_view predicate,
                          std::string_view object);
  // Hands chunk_ to the next shard (after that shard's previous chunk).
  absl::Status Dispatch();
  // Waits for every shard; the first error any of them met.
  absl::Status JoinShards();
  absl::Status Resolve(Shard& shard, const Chunk& chunk);
  // The wide id of a name the shard's cache did not hold; its term record
  // goes to `new_terms`.
  absl::StatusOr<uint64_t> NewTermId(std::string_view name, std::vector<std::string>* new_terms);

  RocksStore* store_;
  BulkLoaderOptions options_;
  PackedTriples batch_;  // use_sst = false
  BulkResult batch_result_;
  absl::Status init_;
  bool initialised_ = false;
  bool finished_ = false;
  bool probe_terms_ = true;  // the store held terms when the load began
  std::string dir_;
  uint64_t added_ = 0;
  Chunk chunk_;
  std::vector<std::unique_ptr<Shard>> shards_;
  size_t next_shard_ = 0;
  std::mutex sort_mu_;  // guards spo_, terms_, emitted_ (shards add a chunk's worth)
  // id -> hash of the raw name of every term record added: both shards meet
  // the same names, and a repeat (same id, same spelling) is left out.
  absl::flat_hash_map<uint64_t, uint64_t> emitted_;
  std::unique_ptr<ExternalSorter<Key24>> spo_;
  std::unique_ptr<ExternalSorter<std::string>> terms_;  // id, key \0 name
};

}  // namespace kg::storage

#endif  // KG_STORAGE_BULK_LOADER_H_
