#ifndef KG_STORAGE_ROCKS_STORE_H_
#define KG_STORAGE_ROCKS_STORE_H_

// RocksStore: the RocksDB implementation of Store (storage/store.h). Other
// storage code (bulk loader, export) reaches the raw column families here;
// code outside storage/ uses only Store.

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "rocksdb/db.h"
#include "storage/keys.h"
#include "storage/store.h"

namespace kg::storage {

// Column family indices, in the order of ColumnFamilyNames().
enum Cf : int {
  kDefault = 0, kTerms, kEntities, kAliases, kContrib, kPredicates,
  kSpo, kPos, kOsp, kEvidence, kDocs, kDocIndex, kMerges, kCfCount
};

struct BulkResult;  // storage/bulk_loader.h
class DocumentStage;  // storage/document_stage.h
struct PackedTriples;

// rocksdb::Status -> absl::Status; corruption becomes DataLoss.
absl::Status FromRocks(const rocksdb::Status& s, std::string_view context);

class RocksStore : public Store {
 public:
  static absl::StatusOr<std::unique_ptr<RocksStore>> OpenRocks(const std::string& path,
                                                               const StoreOptions& options);
  ~RocksStore() override;

  absl::StatusOr<PutResult> PutDocument(const DocumentFacts& doc) override;
  absl::Status ForgetDocument(std::string_view doc_id) override;
  absl::StatusOr<std::optional<Document>> GetDocument(std::string_view doc_id) override;
  absl::StatusOr<std::optional<Entity>> GetEntity(uint64_t id) override;
  absl::StatusOr<std::optional<uint64_t>> LookupTerm(std::string_view key) override;
  absl::Status ForEachEntity(const std::function<bool(const Entity&)>& fn) override;
  absl::Status ForEachDocument(const std::function<bool(const Document&)>& fn) override;
  absl::Status ForEachFact(const std::function<bool(const Fact&)>& fn) override;
  absl::Status FactsFrom(uint64_t subject, const std::function<bool(const Fact&)>& fn) override;
  absl::Status FactsTo(uint64_t object, const std::function<bool(const Fact&)>& fn) override;
  absl::Status ForEachEvidence(const Fact& fact,
                               const std::function<bool(const Evidence&)>& fn) override;
  absl::Status ForEachMerge(std::string_view entity_key,
                            const std::function<bool(const Merge&)>& fn) override;
  absl::StatusOr<StoreStats> Stats() override;
  uint64_t Version() override;
  absl::StatusOr<std::optional<DocumentFacts>> GetDocumentFacts(std::string_view doc_id) override;
  absl::StatusOr<CheckReport> Check() override;
  absl::Status Compact() override;
  absl::Status Flush() override;
  absl::Status AddUnmerge(const Merge& unmerge) override;
  absl::StatusOr<std::vector<Merge>> Unmerges() override;
  absl::Status BeginDocumentBulk(size_t chunk_bytes) override;
  absl::Status EndDocumentBulk() override;
  // storage/rocks_fact_scan.cc
  absl::Status ForEachFactBatch(const std::function<bool(std::span<const FactRecord>)>& fn) override;
  absl::Status ForEachPredicate(const std::function<bool(uint64_t, std::string_view)>& fn) override;
  absl::Status ScanGraph(const GraphScan& scan) override;

  // Structured triples through one atomic WriteBatch, with the BulkLoader's
  // semantics (IMPORTED facts, RESOURCE entities); adds to `result`.
  absl::Status ImportTriples(const PackedTriples& triples, BulkResult* result);

  // --- for storage/ internals ----------------------------------------------
  rocksdb::DB* db() { return db_; }
  rocksdb::ColumnFamilyHandle* cf(Cf c) { return handles_[c]; }
  const std::string& path() const { return path_; }
  bool read_only() const { return read_only_; }
  // Serialises writers inside this process (RocksDB's LOCK excludes others).
  std::mutex& write_mutex() { return write_mu_; }
  absl::StatusOr<Meta> ReadMeta();
  // Predicate text of an id (cached).
  absl::StatusOr<std::string> PredicateText(uint64_t pid);
  // Decodes an spo key and its payload into a Fact.
  absl::StatusOr<Fact> DecodeFact(std::string_view spo_key, std::string_view payload);
  // Calls fn(key, value) for every key starting with `prefix`, from one
  // consistent view, until fn returns false.
  absl::Status Scan(Cf c, std::string_view prefix,
                    const std::function<bool(std::string_view, std::string_view)>& fn);

 private:
  RocksStore() = default;
  class Txn;
  struct ReadView;
  absl::Status ForgetInTxn(Txn& txn, std::string_view doc_id, Meta& meta);
  // The id of `key`, a new one when it has none. When the entity record
  // under that id was read to choose it, `*entity_known` tells whether it
  // exists and `*entity` holds it; otherwise `*entity_known` is empty.
  absl::StatusOr<uint64_t> ResolveId(Txn& txn, const std::string& key,
                                     std::optional<bool>* entity_known = nullptr,
                                     std::string* entity = nullptr);
  absl::StatusOr<PutResult> PutInTxn(Txn& txn, const std::string& doc_id, const Document& doc,
                                     int64_t now, const DocumentFacts& in,
                                     std::map<std::string, Entity>& contrib);
  // The document bulk path (storage/document_stage.h); under write_mu_.
  absl::Status IngestStage();
  absl::Status ScanIn(const ReadView& view, Cf c, std::string_view prefix,
                      const std::function<bool(std::string_view, std::string_view)>& fn);
  absl::StatusOr<bool> GetIn(const ReadView& view, Cf c, std::string_view key, std::string* value);

  std::string path_;
  bool read_only_ = false;
  bool sync_ = false;
  rocksdb::DB* db_ = nullptr;
  // The env a new store was created through (deferred_sync_fs.h); it
  // outlives db_ (deleted in the destructor's body). Null otherwise.
  std::unique_ptr<rocksdb::Env> env_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  std::mutex write_mu_;
  // Readers share; a secondary's catch-up (Version) is exclusive, so a read
  // call never sees the store change under it.
  std::shared_mutex view_mu_;
  std::mutex predicate_mu_;
  absl::flat_hash_map<uint64_t, std::string> predicates_;
  std::unique_ptr<DocumentStage> stage_;  // the staged chunk in document bulk mode
  size_t stage_chunk_bytes_ = 0;
  int stage_replaces_ = 0;  // replaces met in bulk mode (each ingests the stage)
  static constexpr int kMaxStagedReplaces = 16;
};

}  // namespace kg::storage

#endif  // KG_STORAGE_ROCKS_STORE_H_
