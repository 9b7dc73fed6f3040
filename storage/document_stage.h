#ifndef KG_STORAGE_DOCUMENT_STAGE_H_
#define KG_STORAGE_DOCUMENT_STAGE_H_

// The document bulk path's staging area (Store::BeginDocumentBulk): a chunk
// of documents' writes held in memory, one hash map per column family, then
// written as one sorted SST file per column family and ingested by one
// IngestExternalFiles call (atomic across column families).
//
// Why not the memtable: a document's writes land at random places of the
// key space, and inserting them into RocksDB's skip lists was half of the
// writer thread's CPU on prose; a hash map insert is one probe, and each
// chunk is sorted once. (A WriteBatchWithIndex as the stage was twice as
// dear as the memtable: its skip list decodes batch records on every
// comparison.)

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "rocksdb/write_batch.h"
#include "storage/rocks_store.h"

namespace kg::storage {

class DocumentStage {
 public:
  explicit DocumentStage(RocksStore* store);
  ~DocumentStage();  // waits for a chunk being ingested (its error is lost)

  // Adds every record of `batch` (one document's writes; later records win).
  absl::Status Apply(const rocksdb::WriteBatch& batch);

  // Adds one record (a later one of the same key wins); takes the value.
  void Add(Cf c, std::string_view key, std::string&& value, bool deleted);

  // Adds a record that no staged read asks for (Get and WithPrefix do not
  // see it): the permutations, evidence, a document's index. Kept in
  // arrival order and sorted at Ingest (a later record of a key wins, and
  // one added by Add wins over it). Over half of a prose chunk's records:
  // inserting them into the hash map was most of the stage's cost, its
  // probes missing the CPU caches.
  void Append(Cf c, std::string&& key, std::string&& value);

  // The staged record of `key`: nullopt when nothing is staged for it; an
  // engaged optional holding nullopt when it is staged as deleted.
  std::optional<std::optional<std::string_view>> Get(Cf c, std::string_view key) const;

  // Staged records whose key starts with `prefix`, unsorted (value nullopt:
  // deleted). Fast for contrib prefixes of an entity id; a scan otherwise.
  std::vector<std::pair<std::string_view, std::optional<std::string_view>>> WithPrefix(
      Cf c, std::string_view prefix) const;

  // Bytes of keys and values staged (the chunk being ingested apart).
  uint64_t bytes() const { return open_->bytes; }
  bool empty() const { return open_->bytes == 0 && sealed_ == nullptr; }

  // Writes the staged records as sorted SST files under `dir` (created, and
  // removed afterwards) and ingests them in one call; then empties the stage.
  // A chunk still being ingested in the background goes in first. On error
  // the store is unchanged and the stage is kept.
  absl::Status Ingest(const std::string& dir);

  // The same on a thread of its own: the staged records become the sealed
  // chunk, still read by Get and WithPrefix (under the new records) until it
  // is in, and the stage starts empty. Waits for the previous sealed chunk
  // first (chunks go in in order; at most two are held) and returns that
  // one's error. Why: an ingestion sorts and writes a whole chunk, seconds
  // in which kg-load's extraction workers were blocked on a full queue.
  absl::Status StartIngest(const std::string& dir);

 private:
  struct Value {
    bool deleted = false;
    std::string bytes;
  };
  struct Chunk {
    std::vector<absl::flat_hash_map<std::string, Value>> maps;  // by Cf
    std::vector<std::vector<std::pair<std::string, std::string>>> appended;  // by Cf
    // contrib keys (id ‖ doc) by entity id: the fold over an entity's
    // contributions reads them by prefix.
    absl::flat_hash_map<std::string, std::vector<std::string>> contrib_by_id;
    uint64_t bytes = 0;
  };
  void Put(Cf c, std::string_view key, std::string_view value, bool deleted);
  static void AddPrefixed(const Chunk& chunk, Cf c, std::string_view prefix,
                          std::vector<std::pair<std::string_view,
                                                std::optional<std::string_view>>>* out);
  // Sorts and writes `chunk` under `dir`, one file per column family on up
  // to `threads` threads, and ingests them in one call (any thread).
  // KG_BULK_TRACE=1: each chunk's size, wall and thread CPU time on stderr.
  absl::Status WriteAndIngest(const Chunk& chunk, const std::string& dir, int threads) const;
  // Joins the sealed chunk's ingestion; on its failure ingests it here once
  // more. The sealed chunk is gone once this returns OK.
  absl::Status FinishSealed();

  RocksStore* store_;
  std::vector<uint32_t> cf_ids_;  // column family id -> Cf, by index
  std::unique_ptr<Chunk> open_;    // taking records
  std::unique_ptr<Chunk> sealed_;  // being ingested by `ingest_` (read-only meanwhile)
  std::string sealed_dir_;
  std::thread ingest_;
  absl::Status sealed_status_;  // written by `ingest_`, read after the join
};

}  // namespace kg::storage

#endif  // KG_STORAGE_DOCUMENT_STAGE_H_
