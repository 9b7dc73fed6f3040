#ifndef KG_TOOLS_LOAD_BULK_H_
#define KG_TOOLS_LOAD_BULK_H_

// The TripleSink that sends kg-load's structured triples to the storage
// layer's SST bulk path (storage/bulk_loader.h): sorted and de-duplicated in
// bounded memory, committed by one atomic ingestion in Finish().

#include <cstddef>
#include <memory>

#include "storage/store.h"
#include "tools/load_pipeline.h"

namespace kg::tools {

// Memory for the bulk loader's sort buffers: half of the loader's 2 GiB
// budget, leaving the rest to extraction and RocksDB.
inline constexpr size_t kBulkMemoryBytes = size_t{512} << 20;

// `store` must be a store opened for writing and outlive the sink.
std::unique_ptr<TripleSink> MakeBulkTripleSink(storage::Store* store,
                                               size_t memory_bytes = kBulkMemoryBytes);

}  // namespace kg::tools

#endif  // KG_TOOLS_LOAD_BULK_H_
