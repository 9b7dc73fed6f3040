#ifndef KG_STORAGE_ROCKS_OPTIONS_H_
#define KG_STORAGE_ROCKS_OPTIONS_H_

// RocksDB tuning per column family (storage/README.md explains each choice).
// Shared by the store and the bulk loader, whose SST files must be written
// with the options of the column family they are ingested into.

#include <string>
#include <vector>

#include "rocksdb/options.h"

namespace kg::storage {

// Every column family of the current schema, "default" first.
const std::vector<std::string>& ColumnFamilyNames();

rocksdb::ColumnFamilyOptions ColumnFamilyOptionsFor(const std::string& name);

rocksdb::DBOptions StoreDbOptions();

// Options for SstFileWriter files of the bulk path: the family's options
// (same table format, filters, prefix extractor) with a cheaper compression
// (see rocks_options.cc).
rocksdb::Options BulkSstOptions(const std::string& name);

}  // namespace kg::storage

#endif  // KG_STORAGE_ROCKS_OPTIONS_H_
