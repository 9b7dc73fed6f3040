#ifndef KG_STORAGE_DOCUMENT_STAGE_H_
#define KG_STORAGE_DOCUMENT_STAGE_H_

// The document bulk path's commit (Store::BeginDocumentBulk): a chunk of
// documents' writes, staged in one WriteBatchWithIndex, goes into the store
// as one sorted SST file per column family, all ingested by one
// IngestExternalFiles call (atomic across column families).

#include <string>

#include "absl/status/status.h"
#include "rocksdb/utilities/write_batch_with_index.h"
#include "storage/rocks_store.h"

namespace kg::storage {

// Writes every key of `batch` (built with overwrite_key = true, so its index
// holds each key's last record once; every write must be indexed) to SST
// files under `dir` (created, and removed afterwards) and ingests them.
// Deletes travel as tombstones. On error the store is unchanged.
absl::Status IngestStagedBatch(RocksStore* store, rocksdb::WriteBatchWithIndex* batch,
                               const std::string& dir);

}  // namespace kg::storage

#endif  // KG_STORAGE_DOCUMENT_STAGE_H_
