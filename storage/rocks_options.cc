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
      "default", kCfTerms, kCfEntities, kCfAliases, kCfContrib,  kCfPredicates, kCfSpo,
      kCfPos,    kCfOsp,   kCfEvidence, kCfDocs,    kCfDocIndex, kCfMerges};
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
    // memtable bloom answers "no" without walking the skiplist. 2 % of the
    // 32 MB memtable is ~5 Mbit, 10 bits a key for half a million keys;
    // it is allocated and zeroed with every memtable, so every open of a
    // store paid for the 5 % before (6.4 MB of page faults).
    cf.memtable_prefix_bloom_size_ratio = 0.02;
    cf.memtable_whole_key_filtering = true;
  }
  // Capped, not fixed, prefix transforms: every key we write is at least the
  // prefix long, so the two agree on our data, but a damaged store holding a
  // shorter key made Debian's RocksDB (built with assertions) abort inside a
  // fixed transform (found by fuzz-store_values); a capped one takes the
  // short key whole and the read reports the damage instead.
  if (permutation) {
    cf.prefix_extractor.reset(rocksdb::NewCappedPrefixTransform(kPrefixOfPermutation));
    // pos has no filter: it is only read whole (Check) or by whole key, and
    // its prefixes are the few predicates, which a filter cannot rule out;
    // building one hashed every key of every pos file written.
    if (name != kCfPos) table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    // Prefixes only: pos and osp are only scanned by prefix; spo is also
    // probed by whole key (does this fact exist?), but a whole-key filter
    // cost 1.25 B/triple and the prefix filter already answers for new
    // subjects.
    table.whole_key_filtering = false;
    // Bigger blocks and sparser restarts: sorted 18-byte keys share long
    // prefixes, which delta encoding and ZSTD then squeeze.
    // 64 KiB blocks, restart points every 128 keys and ZSTD level 9 at the
    // bottom: the ids are random 48-bit hashes, so what compresses is the
    // repetition (predicate ids, shared first ids, payloads) across many
    // keys. Measured on 1 M synthetic triples (storage/README.md): 49.6 ->
    // 42.0 B/triple for the three permutations. Prefix scans read one larger
    // block; the extra CPU of level 9 is paid once, by compaction.
    table.block_size = 64 << 10;
    table.block_restart_interval = 128;
    cf.bottommost_compression_opts.level = 9;
  } else if (name == kCfEvidence) {
    cf.prefix_extractor.reset(rocksdb::NewCappedPrefixTransform(kTripleBytes));
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    table.whole_key_filtering = false;
  } else if (name == kCfContrib) {
    cf.prefix_extractor.reset(rocksdb::NewCappedPrefixTransform(kIdBytes));
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  } else if (name == kCfEntities || name == kCfTerms || name == kCfPredicates || name == kCfDocs) {
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

rocksdb::Options BulkSstOptions(const std::string& name) {
  rocksdb::Options options(StoreDbOptions(), ColumnFamilyOptionsFor(name));
  // SstFileWriter compresses with the bottommost settings. The bulk files
  // are LZ4: on the 10 M graph ZSTD level 1 cost 3.3 of 14.7 CPU seconds of
  // Finish() (LZ4: 11.4), for files 17 % smaller (37.6 against 43.8 B/triple
  // as ingested). The next compaction of those files (Store::Compact, or
  // RocksDB's own) rewrites them at the family's ZSTD level: 34.4 B/triple.
  options.bottommost_compression = rocksdb::kLZ4Compression;
  return options;
}

}  // namespace kg::storage
