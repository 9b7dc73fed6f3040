#include "tools/load_bulk.h"

namespace kg::tools {

std::unique_ptr<TripleSink> MakeBulkTripleSink(storage::Store* /*store*/) {
  // storage/bulk_loader.h is not there yet.
  return nullptr;
}

}  // namespace kg::tools
