#include "storage/rocks_options.h"

#include <memory>

#include "rocksdb/cache.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/slice_transform.h"
#include "rocksdb/table.h"
#include "storage/keys.h"

namespace kg::storage {
namespace {

std::shared_ptr<rocksdb::Cache> SharedCache() {
  static auto* cache = new std::shared_ptr<rocksdb::Cache>(rocksdb::NewLRUCache(64 << 20));
  return *cache;
}

// The permutations are keys only: the first id is a fixed-width prefix, so a
// prefix bloom answers "any facts from/to X?" without reading data blocks.
constexpr size_t kPrefixOfPermutation = kIdBytes;

}  // namespace

const std::vector<std::string>& ColumnFamilyNames() {
  static const auto* names = new std::vector<std::string>{
      "default",   kCfTerms, kCfEntities, kCfAliases,   kCfContrib,  kCfPredicates,
      kCfSpo,      kCfPos,   kCfOsp,      kCfEvidence,  kCfDocs,     kCfDocIndex,
      kCfMerges};
  return *names;
}

rocksdb::ColumnFamilyOptions ColumnFamilyOptionsFor(const std::string& name) {
  rocksdb::ColumnFamilyOptions cf;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = SharedCache();
  table.format_version = 5;
  // LZ4 where data is rewritten often (fast), ZSTD for the bottommost level
  // where most bytes end up and are written once.
  cf.compression = rocksdb::kLZ4Compression;
  cf.bottommost_compression = rocksdb::kZSTD;
  cf.bottommost_compression_opts.level = 3;
  cf.bottommost_compression_opts.enabled = true;
  cf.write_buffer_size = 32 << 20;
  cf.level_compaction_dynamic_level_bytes = true;

  bool permutation = name == kCfSpo || name == kCfPos || name == kCfOsp;
  if (name == kCfSpo || name == kCfTerms || name == kCfEntities || name == kCfContrib) {
    // Writers probe these before writing (is the fact / term new?): a
    // memtable bloom answers "no" without walking the skiplist.
    cf.memtable_prefix_bloom_size_ratio = 0.05;
    cf.memtable_whole_key_filtering = true;
  }
  if (permutation) {
    cf.prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(kPrefixOfPermutation));
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    // Only spo is probed by whole key (does this fact exist?); pos and osp
    // are only scanned by prefix, so their filters hold prefixes only.
    table.whole_key_filtering = name == kCfSpo;
    // Bigger blocks and sparser restarts: sorted 24-byte keys share long
    // prefixes, which delta encoding and ZSTD then squeeze.
    table.block_size = 16 << 10;
    table.block_restart_interval = 32;
  } else if (name == kCfEvidence) {
    cf.prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(kTripleBytes));
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    table.whole_key_filtering = false;
  } else if (name == kCfContrib) {
    cf.prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(kIdBytes));
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  } else if (name == kCfEntities || name == kCfTerms || name == kCfPredicates ||
             name == kCfDocs) {
    // Point lookups: whole-key bloom.
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  }
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return cf;
}

rocksdb::DBOptions StoreDbOptions() {
  rocksdb::DBOptions db;
  db.create_missing_column_families = true;
  db.max_background_jobs = 2;
  db.db_write_buffer_size = 256 << 20;
  db.keep_log_file_num = 2;
  db.max_manifest_file_size = 64 << 20;
  db.paranoid_checks = true;
  return db;
}

}  // namespace kg::storage
