#ifndef KG_TOOLS_LOAD_BULK_H_
#define KG_TOOLS_LOAD_BULK_H_

// The TripleSink that sends kg-load's structured triples to the storage
// layer's SST bulk path.

#include <memory>

#include "storage/store.h"
#include "tools/load_pipeline.h"

namespace kg::tools {

// nullptr when this build's storage layer offers no bulk path.
std::unique_ptr<TripleSink> MakeBulkTripleSink(storage::Store* store);

}  // namespace kg::tools

#endif  // KG_TOOLS_LOAD_BULK_H_
