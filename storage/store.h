#ifndef KG_STORAGE_STORE_H_
#define KG_STORAGE_STORE_H_

// kg::storage::Store: the embedded triple store on RocksDB.
//
// Contract (see storage/README.md for the key layout):
//  - One process may open a store for writing; a second writer gets
//    absl::FailedPreconditionError("store is in use by another process: ...").
//    Readers (read_only = true) may open it while a writer is active.
//  - PutDocument writes one document's entities, facts, evidence and merges in
//    one atomic batch: after a crash either all of it is there or none is.
//    Re-putting identical content (same Document.id and content_hash) is a
//    no-op; a new content_hash under the same id replaces the old version.
//  - ForgetDocument removes a document's evidence; facts left without
//    evidence disappear, others keep a lowered support count.
//  - Reads see a consistent snapshot taken when the read call starts.
//  - A store written by a newer schema version is refused with a clear error.
// Every method returns a Status; none throws.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "proto/kg.pb.h"

namespace kg::storage {

// 2: slim entity records; 3: 48-bit ids in every key (storage/README.md).
// A store of another schema is refused (re-import it).
inline constexpr uint32_t kSchemaVersion = 3;

struct StoreOptions {
  bool read_only = false;         // open as a reader; never blocks a writer
  bool create_if_missing = true;  // ignored when read_only
  bool sync = false;              // fsync the WAL on every document write
};

struct PutResult {
  bool changed = false;   // false when identical content was already stored
  bool replaced = false;  // an older version of the document was replaced
  uint64_t facts = 0;     // facts (distinct triples) written for the document
  uint64_t evidence = 0;
  uint64_t entities = 0;
};

// A fact as the bulk scan Store::ForEachFactBatch passes it: the triple's ids
// and the payload's numbers, without predicate text or evidence.
struct FactRecord {
  uint64_t subject = 0;
  uint64_t predicate_id = 0;  // Fact.predicate_id; text via ForEachPredicate
  uint64_t object = 0;
  float confidence = 0.0f;
  uint32_t flags = 0;  // FactFlag bits
  uint32_t support = 0;
};

// An entity as the parallel scan Store::ScanGraph passes it.
struct EntityTypeRecord {
  uint64_t id = 0;
  EntityType type = ENTITY_TYPE_UNSPECIFIED;
};

// The passes of Store::ScanGraph. The 48-bit id space is cut into `parts`
// equal ranges, each read on its own thread (ids are hashes, so the parts
// hold about equal shares). Callbacks for different parts run concurrently;
// those of one part run one after another, in key order. Part i's ids are all
// below part i+1's.
struct GraphScan {
  int parts = 1;
  // First every entity's id and type (part by part, ascending ids).
  std::function<bool(int part, std::span<const EntityTypeRecord>)> entities;
  // Then once, on the calling thread, after every entity part finished.
  std::function<bool()> entities_done;
  // Then every fact, in SPO order within a part (part = subject id range).
  std::function<bool(int part, std::span<const FactRecord>)> facts;
};

struct StoreStats {
  uint64_t documents = 0;
  uint64_t entities = 0;
  uint64_t facts = 0;
  uint64_t evidence = 0;
  uint64_t disk_bytes = 0;
};

// What Store::Check() found. `ok()` when no invariant is violated.
struct CheckReport {
  uint64_t documents = 0;  // counted by the check, not read from meta
  uint64_t entities = 0;
  uint64_t facts = 0;
  uint64_t evidence = 0;
  std::vector<std::string> problems;  // one line per violation, capped
  uint64_t problem_count = 0;         // all violations, even past the cap
  bool ok() const { return problem_count == 0; }
};

class Store {
 public:
  static absl::StatusOr<std::unique_ptr<Store>> Open(const std::string& path,
                                                     const StoreOptions& options = {});
  virtual ~Store() = default;

  // --- writes -------------------------------------------------------------
  virtual absl::StatusOr<PutResult> PutDocument(const DocumentFacts& doc) = 0;
  // NotFoundError when the document is unknown.
  virtual absl::Status ForgetDocument(std::string_view doc_id) = 0;

  // --- reads --------------------------------------------------------------
  virtual absl::StatusOr<std::optional<Document>> GetDocument(std::string_view doc_id) = 0;
  virtual absl::StatusOr<std::optional<Entity>> GetEntity(uint64_t id) = 0;
  // Resolves a TermKey (of a canonical name or of any alias) to an entity id.
  virtual absl::StatusOr<std::optional<uint64_t>> LookupTerm(std::string_view key) = 0;

  // Scans stop early when the callback returns false.
  virtual absl::Status ForEachEntity(const std::function<bool(const Entity&)>& fn) = 0;
  virtual absl::Status ForEachDocument(const std::function<bool(const Document&)>& fn) = 0;
  // All facts in subject order (the SPO permutation).
  virtual absl::Status ForEachFact(const std::function<bool(const Fact&)>& fn) = 0;
  // Facts with the given subject (SPO) / object (OSP).
  virtual absl::Status FactsFrom(uint64_t subject, const std::function<bool(const Fact&)>& fn) = 0;
  virtual absl::Status FactsTo(uint64_t object, const std::function<bool(const Fact&)>& fn) = 0;
  virtual absl::Status ForEachEvidence(const Fact& fact,
                                       const std::function<bool(const Evidence&)>& fn) = 0;
  // Merge-ledger entries recorded for an entity (by its key).
  virtual absl::Status ForEachMerge(std::string_view entity_key,
                                    const std::function<bool(const Merge&)>& fn) = 0;

  virtual absl::StatusOr<StoreStats> Stats() = 0;
  // Increases whenever the store's content changes; caches compare it.
  // A reader (read_only) catches up with the writer's committed writes here.
  virtual uint64_t Version() = 0;

  // --- additions (storage/README.md); defaults keep test doubles compiling --
  // What one document contributed, rebuilt from the store: its Document, its
  // entity contributions (per-document mentions, aliases), one ExtractedFact
  // per evidence (with that document's confidence and flags) and its merges.
  // Putting the result into an empty store reproduces the same content.
  virtual absl::StatusOr<std::optional<DocumentFacts>> GetDocumentFacts(
      std::string_view /*doc_id*/) {
    return absl::UnimplementedError("GetDocumentFacts");
  }
  // Verifies the store's invariants (see CheckReport). Corruption (for example
  // a damaged SST file) is reported as a problem naming the file, not a crash;
  // a non-OK status only when the check itself cannot run.
  virtual absl::StatusOr<CheckReport> Check() { return absl::UnimplementedError("Check"); }
  // Compacts every column family to the bottommost level (benchmarks, after
  // bulk loads).
  virtual absl::Status Compact() { return absl::OkStatus(); }
  // Writes what is only in memory and the write-ahead log out to table
  // files, so that the next open (a reader's too) need not replay the log:
  // after the 48 MB prose load, reopening replayed it for ~20 CPU-s.
  // Nothing becomes more durable (the log already held it). Loaders call
  // it at the end of a run.
  virtual absl::Status Flush() { return absl::OkStatus(); }
  // Whole-graph passes (the query projection): every fact in subject order
  // (SPO), from one consistent view, as FactRecords in batches; the span is
  // valid during the call only. Stops early when fn returns false. No
  // per-fact message or predicate text: resolve predicate ids with
  // ForEachPredicate.
  virtual absl::Status ForEachFactBatch(
      const std::function<bool(std::span<const FactRecord>)>& /*fn*/) {
    return absl::UnimplementedError("ForEachFactBatch");
  }
  // The projection's input from one consistent view, read in parallel (see
  // GraphScan). A callback returning false stops the scan (OkStatus).
  virtual absl::Status ScanGraph(const GraphScan& /*scan*/) {
    return absl::UnimplementedError("ScanGraph");
  }
  // Every predicate of the dictionary: fn(id, text). Ids are never reused,
  // so a call after ForEachFactBatch names every id that scan returned.
  virtual absl::Status ForEachPredicate(
      const std::function<bool(uint64_t, std::string_view)>& /*fn*/) {
    return absl::UnimplementedError("ForEachPredicate");
  }
  // The user's resolution overrides (`kg unmerge`): Merge.alias (a surface
  // form) must never join the entity keyed Merge.canonical. Recorded once per
  // (TermKey(alias), canonical) pair (a repeat is a no-op); extraction reads
  // them back with Unmerges(), in key order. A document stays a no-op to
  // re-put only while its Document.resolution is unchanged.
  virtual absl::Status AddUnmerge(const Merge& /*unmerge*/) {
    return absl::UnimplementedError("AddUnmerge");
  }
  virtual absl::StatusOr<std::vector<Merge>> Unmerges() {
    return absl::UnimplementedError("Unmerges");
  }
  // Document bulk path (storage/README.md), for large runs of PutDocument:
  // from BeginDocumentBulk until EndDocumentBulk, PutDocument stages its
  // writes in memory (its reads see the staged writes first, then the store)
  // and each time `chunk_bytes` of writes are staged, writes them as one
  // sorted SST file per column family and ingests those in one atomic call.
  // A chunk is all or nothing: a crash loses at most the staged chunk, whose
  // documents a rerun finds missing. Staged documents are invisible to other
  // calls until their chunk is ingested. EndDocumentBulk ingests the rest.
  // The store's content is the same as with one write per document. By
  // default both are no-ops (PutDocument writes each document at once).
  virtual absl::Status BeginDocumentBulk(size_t /*chunk_bytes*/) { return absl::OkStatus(); }
  virtual absl::Status EndDocumentBulk() { return absl::OkStatus(); }
};

}  // namespace kg::storage

#endif  // KG_STORAGE_STORE_H_
