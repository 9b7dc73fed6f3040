#include "storage/rocks_store.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "google/protobuf/io/coded_stream.h"
#include "proto/status_macros.h"
#include "proto/term_key.h"
#include "rocksdb/metadata.h"
#include "rocksdb/sst_file_reader.h"
#include "rocksdb/utilities/write_batch_with_index.h"
#include "storage/bulk_loader.h"
#include "storage/deferred_sync_fs.h"
#include "storage/document_stage.h"
#include "storage/entity_value.h"
#include "storage/external_sort.h"
#include "storage/merge_rules.h"
#include "storage/packed_triples.h"
#include "storage/rocks_options.h"

namespace kg::storage {

absl::Status FromRocks(const rocksdb::Status& s, std::string_view context) {
  if (s.ok()) return absl::OkStatus();
  std::string msg = absl::StrCat(std::string(context), ": ", s.ToString());
  if (s.IsCorruption()) {
    return absl::DataLossError(
        absl::StrCat(msg, " (the store is damaged; `kg check` lists the problems)"));
  }
  if (s.IsNotFound()) return absl::NotFoundError(msg);
  if (s.IsInvalidArgument()) return absl::InvalidArgumentError(msg);
  if (s.IsNotSupported()) return absl::UnimplementedError(msg);
  return absl::InternalError(msg);
}

namespace {

// A reader's RocksDB info log goes nowhere (see Open). With a logger given,
// RocksDB 7.8 keeps the secondary path without creating or touching it.
class DiscardLogger : public rocksdb::Logger {
 public:
  using rocksdb::Logger::Logv;
  void Logv(const char* /*format*/, va_list /*ap*/) override {}
};
constexpr char kUnusedSecondaryPath[] = "/nonexistent/kg-reader";

// A secondary instance silently leaves out a column family whose table files
// fail to open (it tolerates files its primary deletes), so a damaged file
// would read as missing data. Every table file in the directory that the
// instance did not load is therefore checked: damaged -> DataLoss naming it;
// intact -> an obsolete file awaiting deletion by the writer.
//
// A live writer complicates this: a table it is still writing (flush or
// compaction output, an ingested file being copied) sits in the directory,
// short or empty, before the MANIFEST names it. So while another process
// holds the store's LOCK, an unloaded file numbered above every loaded one
// is taken for a write in progress and skipped (a reader hit a 0-byte
// 000032.sst that way while kg-load wrote). Older unloaded files, and every
// file when no writer is running, are still checked.
bool WriterHoldsLock(const std::string& path) {
  int fd = open((path + "/LOCK").c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct flock probe {};
  probe.l_type = F_WRLCK;
  probe.l_whence = SEEK_SET;
  const bool held = fcntl(fd, F_GETLK, &probe) == 0 && probe.l_type != F_UNLCK;
  close(fd);
  return held;
}

// 32 for "000032.sst"; 0 when the name is not a RocksDB table number.
uint64_t TableNumber(const std::filesystem::path& file) {
  uint64_t n = 0;
  const std::string stem = file.stem().string();
  if (stem.empty() || stem.find_first_not_of("0123456789") != std::string::npos) return 0;
  for (char c : stem) n = n * 10 + static_cast<uint64_t>(c - '0');
  return n;
}

absl::Status CheckUnloadedTables(rocksdb::DB* db, const std::string& path) {
  std::vector<rocksdb::LiveFileMetaData> live;
  db->GetLiveFilesMetaData(&live);
  std::set<std::string> loaded;
  uint64_t newest_loaded = 0;
  for (const auto& f : live) {
    std::filesystem::path name = std::filesystem::path(f.name).filename();
    loaded.insert(name.string());
    newest_loaded = std::max(newest_loaded, TableNumber(name));
  }
  std::optional<bool> writer;  // probed once, only if needed
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(path, ec)) {
    if (e.path().extension() != ".sst" || loaded.count(e.path().filename().string())) continue;
    rocksdb::SstFileReader reader{rocksdb::Options()};
    rocksdb::Status s = reader.Open(e.path().string());
    if (s.ok()) s = reader.VerifyChecksum();
    if (!s.ok() && TableNumber(e.path()) > newest_loaded) {
      if (!writer) writer = WriterHoldsLock(path);
      if (*writer) continue;
    }
    if (!s.ok() && !s.IsPathNotFound() && !(s.IsIOError() && !std::filesystem::exists(e.path()))) {
      return FromRocks(
          s, absl::StrCat("the store at ", path, " has a damaged file ", e.path().string()));
    }
  }
  return absl::OkStatus();
}

// Length of each column family's fixed prefix extractor (0 = none).
size_t ExtractorLength(Cf c) {
  switch (c) {
    case kSpo:
    case kPos:
    case kOsp:
    case kContrib:
      return kIdBytes;
    case kEvidence:
      return kTripleBytes;
    default:
      return 0;
  }
}

void SetScanOptions(Cf c, std::string_view prefix, rocksdb::ReadOptions* ro) {
  size_t n = ExtractorLength(c);
  if (n > 0 && prefix.size() >= n) {
    ro->prefix_same_as_start = true;
  } else {
    ro->total_order_seek = true;
  }
}

std::string FactPayload(const Fact& f) {
  Fact p;
  p.set_confidence(f.confidence());
  p.set_flags(f.flags());
  p.set_support(f.support());
  p.set_first_seen(f.first_seen());
  p.set_last_seen(f.last_seen());
  return p.SerializeAsString();
}

// The evidence record of `src` stored under `doc_id` (and the document's
// date when `src` has none): the bytes of a copy with those fields set and
// serialised. doc_id is field 1, written first, so when `src` has no doc_id
// and needs no date the record is that field followed by `src`'s own
// serialisation, without copying the message and its sentence text (the
// copy was a tenth of the prose writer's thread).
std::string EvidenceValue(const Evidence& src, const std::string& doc_id,
                          const std::string& doc_date, Evidence* scratch) {
  if (!src.doc_id().empty() || (src.date().empty() && !doc_date.empty())) {
    *scratch = src;
    scratch->set_doc_id(doc_id);
    if (scratch->date().empty()) scratch->set_date(doc_date);
    return scratch->SerializeAsString();
  }
  std::string out;
  if (!doc_id.empty()) {
    out.reserve(doc_id.size() + 6 + src.ByteSizeLong());
    uint8_t head[16];
    uint8_t* end = google::protobuf::io::CodedOutputStream::WriteTagToArray(
        (Evidence::kDocIdFieldNumber << 3) | 2, head);  // length-delimited
    end = google::protobuf::io::CodedOutputStream::WriteVarint64ToArray(doc_id.size(), end);
    out.append(reinterpret_cast<const char*>(head), end - head);
    out.append(doc_id);
  }
  src.AppendToString(&out);
  return out;
}

template <typename Msg>
absl::Status ParseInto(std::string_view bytes, Msg* m, std::string_view what) {
  if (!m->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError(
        absl::StrCat("unreadable ", std::string(what), " record in the store"));
  }
  return absl::OkStatus();
}

// An entity record (entities, contrib) under `record_key`; see entity_value.h.
absl::Status ParseEntity(std::string_view record_key, std::string_view bytes, Entity* e,
                         std::string_view what) {
  if (!DecodeEntityValue(record_key, bytes, e)) {
    return absl::DataLossError(
        absl::StrCat("unreadable ", std::string(what), " record in the store"));
  }
  return absl::OkStatus();
}

int64_t NowSeconds() { return absl::ToUnixSeconds(absl::Now()); }

bool IsLockError(const rocksdb::Status& s) {
  std::string m = s.ToString();
  return s.IsIOError() && (absl::StrContains(m, "LOCK") || absl::StrContains(m, "lock"));
}

}  // namespace

// A consistent view for one read call: a snapshot for the writer process; a
// shared lock against catch-up for a secondary (which has no snapshots).
struct RocksStore::ReadView {
  explicit ReadView(RocksStore* s) : store(s), lock(s->view_mu_) {
    if (!s->read_only_) {
      snapshot = s->db_->GetSnapshot();
      ro.snapshot = snapshot;
    }
  }
  ~ReadView() {
    if (snapshot != nullptr) store->db_->ReleaseSnapshot(snapshot);
  }
  RocksStore* store;
  std::shared_lock<std::shared_mutex> lock;
  const rocksdb::Snapshot* snapshot = nullptr;
  rocksdb::ReadOptions ro;
};

// One document's write: reads see the batch's own writes on top of the DB
// (WriteBatchWithIndex), and Commit() applies everything atomically.
//
// Staged (the document bulk path): the document's writes are kept in one
// small hash map per column family instead of the batch's skip list, read
// before the stage and the store, and moved into the stage at Commit(). A
// write that fails half way leaves the stage untouched either way. (The
// skip list's comparisons, and re-reading the batch's records into the
// stage, were a third of the writer thread on prose.)
class RocksStore::Txn {
 public:
  // `reserve_bytes`: the batch's expected size (a 1 M-triple import grows
  // to ~100 MB; growing it by copying was a tenth of that path's CPU).
  // `stage`: the document bulk path's staged chunk, read between this
  // document's writes and the store and written instead of the store.
  explicit Txn(RocksStore* s, size_t reserve_bytes = 0, DocumentStage* stage = nullptr)
      : s_(s), stage_(stage) {
    if (stage_ == nullptr) {
      batch_.emplace(rocksdb::BytewiseComparator(), reserve_bytes, true);
    } else {
      own_.resize(kCfCount);
    }
  }

  absl::StatusOr<bool> Get(Cf c, std::string_view key, std::string* value) {
    if (stage_ != nullptr) return GetStaged(c, key, value);
    rocksdb::Status st = batch_->GetFromBatchAndDB(s_->db_, rocksdb::ReadOptions(), s_->cf(c),
                                                   rocksdb::Slice(key.data(), key.size()), value);
    if (st.IsNotFound()) return false;
    RETURN_IF_ERROR(FromRocks(st, s_->path_));
    return true;
  }
  void Put(Cf c, std::string_view key, std::string_view value) {
    if (stage_ != nullptr) {
      Own& slot = own_[c][absl::string_view(key.data(), key.size())];
      slot.deleted = false;
      slot.bytes.assign(value.data(), value.size());
      return;
    }
    batch_->Put(s_->cf(c), rocksdb::Slice(key.data(), key.size()),
                rocksdb::Slice(value.data(), value.size()));
  }
  void Put(Cf c, std::string&& key, std::string&& value) {
    if (stage_ == nullptr) return Put(c, std::string_view(key), std::string_view(value));
    Own& slot = own_[c][std::move(key)];
    slot.deleted = false;
    slot.bytes = std::move(value);
  }
  // Appended to the batch without entering its index: for keys this batch
  // never reads back (an indexed Put of the same key later would still win,
  // being later in the batch; staged, the indexed writes are applied after
  // these, and no key is written both ways). Sorted input makes the
  // memtable inserts sequential (cheap).
  void PutUnindexed(Cf c, std::string_view key, std::string_view value) {
    if (stage_ != nullptr) {
      unindexed_.push_back({c, std::string(key), std::string(value)});
      return;
    }
    rocksdb::Status st =
        batch_->GetWriteBatch()->Put(s_->cf(c), rocksdb::Slice(key.data(), key.size()),
                                     rocksdb::Slice(value.data(), value.size()));
    if (!st.ok() && unindexed_status_.ok()) unindexed_status_ = st;
  }
  void PutUnindexed(Cf c, std::string&& key, std::string&& value) {
    if (stage_ == nullptr) return PutUnindexed(c, std::string_view(key), std::string_view(value));
    unindexed_.push_back({c, std::move(key), std::move(value)});
  }
  void Delete(Cf c, std::string_view key) {
    if (stage_ != nullptr) {
      Own& slot = own_[c][absl::string_view(key.data(), key.size())];
      slot.deleted = true;
      slot.bytes.clear();
      return;
    }
    batch_->Delete(s_->cf(c), rocksdb::Slice(key.data(), key.size()));
  }
  // Collects (key, value) under `prefix` (the batch must not change while an
  // iterator is open, hence collect first).
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> Collect(
      Cf c, std::string_view prefix) {
    if (stage_ != nullptr) return CollectStaged(c, prefix);
    std::vector<std::pair<std::string, std::string>> out;
    RETURN_IF_ERROR(ScanPrefix(c, prefix, [&](const rocksdb::Iterator& it) {
      out.emplace_back(it.key().ToString(), it.value().ToString());
    }));
    return out;
  }
  // The keys under `prefix` (this batch's writes on top of the store),
  // without their values: a forget reads a fact's evidence keys for their
  // document ids only, and evidence values carry the sentence text. A
  // prefix at least as long as the family's extractor seeks through its
  // prefix blooms: level-0 files without the prefix are skipped (a total
  // order seek probed each one).
  absl::StatusOr<std::vector<std::string>> CollectKeys(Cf c, std::string_view prefix) {
    std::vector<std::string> out;
    if (stage_ != nullptr) {
      ASSIGN_OR_RETURN(auto all, CollectStaged(c, prefix));
      for (auto& kv : all) out.push_back(std::move(kv.first));
      return out;
    }
    RETURN_IF_ERROR(ScanPrefix(c, prefix, [&](const rocksdb::Iterator& it) {
      out.emplace_back(it.key().data(), it.key().size());
    }));
    return out;
  }
  // Calls `each` on every entry under `prefix`, this batch's writes on top of
  // the store, in key order (the non-staged path of Collect / CollectKeys).
  template <typename Fn>
  absl::Status ScanPrefix(Cf c, std::string_view prefix, Fn&& each) {
    rocksdb::ReadOptions ro;
    SetScanOptions(c, prefix, &ro);
    const rocksdb::Slice p(prefix.data(), prefix.size());
    std::unique_ptr<rocksdb::Iterator> it(
        batch_->NewIteratorWithBase(s_->cf(c), s_->db_->NewIterator(ro, s_->cf(c))));
    for (it->Seek(p); it->Valid() && it->key().starts_with(p); it->Next()) each(*it);
    return FromRocks(it->status(), s_->path_);
  }
  absl::StatusOr<Meta> ReadMeta() {
    std::string v;
    Meta meta;
    ASSIGN_OR_RETURN(bool found, Get(kDefault, kMetaKey, &v));
    if (found) RETURN_IF_ERROR(ParseInto(v, &meta, "meta"));
    return meta;
  }
  absl::Status Commit(const Meta& meta) {
    if (!unindexed_status_.ok()) return FromRocks(unindexed_status_, s_->path_);
    Put(kDefault, kMetaKey, meta.SerializeAsString());
    if (stage_ != nullptr) {
      for (Unindexed& u : unindexed_) {
        stage_->Append(u.cf, std::move(u.key), std::move(u.value));
      }
      for (int c = 0; c < kCfCount; ++c) {
        for (auto& [key, slot] : own_[c]) {
          stage_->Add(static_cast<Cf>(c), key, std::move(slot.bytes), slot.deleted);
        }
      }
      unindexed_.clear();
      own_.assign(kCfCount, {});
      return absl::OkStatus();
    }
    rocksdb::WriteOptions wo;
    wo.sync = s_->sync_;
    return FromRocks(s_->db_->Write(wo, batch_->GetWriteBatch()), s_->path_);
  }

 private:
  struct Own {
    bool deleted = false;
    std::string bytes;
  };
  struct Unindexed {
    Cf cf;
    std::string key;
    std::string value;
  };

  // Staged mode reads this document's writes, then the stage, then the
  // store.
  absl::StatusOr<bool> GetStaged(Cf c, std::string_view key, std::string* value) {
    const auto& mine = own_[c];
    if (auto it = mine.find(absl::string_view(key.data(), key.size())); it != mine.end()) {
      if (it->second.deleted) return false;
      value->assign(it->second.bytes);
      return true;
    }
    if (auto staged = stage_->Get(c, key)) {
      if (!staged->has_value()) return false;
      value->assign((*staged)->data(), (*staged)->size());
      return true;
    }
    rocksdb::Status st =
        s_->db_->Get(rocksdb::ReadOptions(), s_->cf(c), rocksdb::Slice(key.data(), key.size()),
                     value);
    if (st.IsNotFound()) return false;
    RETURN_IF_ERROR(FromRocks(st, s_->path_));
    return true;
  }
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> CollectStaged(
      Cf c, std::string_view prefix) {
    rocksdb::Slice p(prefix.data(), prefix.size());
    std::map<std::string, std::optional<std::string>> merged;
    rocksdb::ReadOptions ro;
    ro.total_order_seek = true;
    std::unique_ptr<rocksdb::Iterator> it(s_->db_->NewIterator(ro, s_->cf(c)));
    for (it->Seek(p); it->Valid() && it->key().starts_with(p); it->Next()) {
      merged[it->key().ToString()] = it->value().ToString();
    }
    RETURN_IF_ERROR(FromRocks(it->status(), s_->path_));
    for (const auto& [key, value] : stage_->WithPrefix(c, prefix)) {
      auto& slot = merged[std::string(key)];
      if (value) {
        slot = std::string(*value);
      } else {
        slot.reset();
      }
    }
    // This document's own writes: a handful, read only on a type conflict.
    for (const auto& [key, own] : own_[c]) {
      if (std::string_view(key.data(), key.size()).substr(0, prefix.size()) != prefix) continue;
      auto& slot = merged[std::string(key)];
      if (own.deleted) {
        slot.reset();
      } else {
        slot = own.bytes;
      }
    }
    std::vector<std::pair<std::string, std::string>> out;
    for (auto& [key, value] : merged) {
      if (value) out.emplace_back(key, std::move(*value));
    }
    return out;
  }

  RocksStore* s_;
  std::optional<rocksdb::WriteBatchWithIndex> batch_;  // unstaged only
  rocksdb::Status unindexed_status_;
  DocumentStage* stage_ = nullptr;
  std::vector<absl::flat_hash_map<std::string, Own>> own_;  // staged only, by Cf
  std::vector<Unindexed> unindexed_;                        // staged only
};

// ---------------------------------------------------------------------------
// Open / close

absl::StatusOr<std::unique_ptr<Store>> Store::Open(const std::string& path,
                                                   const StoreOptions& options) {
  ASSIGN_OR_RETURN(auto store, RocksStore::OpenRocks(path, options));
  return std::unique_ptr<Store>(std::move(store));
}

absl::StatusOr<std::unique_ptr<RocksStore>> RocksStore::OpenRocks(const std::string& path,
                                                                  const StoreOptions& options) {
  std::unique_ptr<RocksStore> store(new RocksStore());
  store->path_ = path;
  store->read_only_ = options.read_only;
  store->sync_ = options.sync;

  std::error_code ec;
  bool exists = std::filesystem::exists(std::filesystem::path(path) / "CURRENT", ec);
  if (!exists && (options.read_only || !options.create_if_missing)) {
    return absl::NotFoundError(absl::StrCat("no kg store at ", path));
  }
  if (!exists && std::filesystem::exists(path, ec) && !std::filesystem::is_directory(path, ec)) {
    return absl::InvalidArgumentError(absl::StrCat("not a directory: ", path));
  }

  rocksdb::DBOptions db_options = StoreDbOptions();
  db_options.create_if_missing = !options.read_only && options.create_if_missing;
  // A new store is created with its syncs deferred to one pass at the end
  // of this function (~25 syncs -> ~6; deferred_sync_fs.h).
  DeferredSync deferred;
  if (!exists && !options.read_only) {
    deferred = NewDeferredSyncEnv();
    store->env_ = std::move(deferred.env);
    db_options.env = store->env_.get();
  }

  // Open every column family on disk (a newer kg may have added some) plus
  // ours (created when missing).
  std::vector<std::string> names = ColumnFamilyNames();
  if (exists) {
    std::vector<std::string> on_disk;
    rocksdb::Status ls = rocksdb::DB::ListColumnFamilies(db_options, path, &on_disk);
    if (!ls.ok()) return FromRocks(ls, absl::StrCat("cannot read the store at ", path));
    for (const auto& n : on_disk) {
      if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
    }
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const auto& n : names) descriptors.emplace_back(n, ColumnFamilyOptionsFor(n));

  rocksdb::Status s;
  if (options.read_only) {
    // A secondary instance reads while the writer holds LOCK, and can catch
    // up with its later writes (Version()). Its info log is discarded: the
    // secondary path is only where that log would go, and a scratch
    // directory for it outlived every reader killed by a signal (a Ctrl-C
    // in the REPL left one in /tmp each time). What happens to the store is
    // in the writer's LOG, in the store's directory.
    db_options.info_log = std::make_shared<DiscardLogger>();
    db_options.max_open_files = -1;
    std::vector<std::string> on_disk;
    rocksdb::DB::ListColumnFamilies(db_options, path, &on_disk);
    std::vector<rocksdb::ColumnFamilyDescriptor> present;
    for (auto& d : descriptors) {
      if (std::find(on_disk.begin(), on_disk.end(), d.name) != on_disk.end()) present.push_back(d);
    }
    if (present.size() < ColumnFamilyNames().size()) {
      return absl::FailedPreconditionError(
          absl::StrCat("the store at ", path, " is incomplete (missing column families)"));
    }
    s = rocksdb::DB::OpenAsSecondary(db_options, path, kUnusedSecondaryPath, present,
                                     &store->handles_, &store->db_);
    // A writer opening meanwhile flushes the old WAL, switches to a new
    // MANIFEST, then deletes the WAL: a reader that read the old MANIFEST
    // and found the WAL gone would see an empty store. The new MANIFEST is
    // CURRENT by then, so one catch-up repairs that view.
    if (s.ok()) s = store->db_->TryCatchUpWithPrimary();
    if (s.ok()) RETURN_IF_ERROR(CheckUnloadedTables(store->db_, path));
  } else {
    // Families missing on disk (all of them in a new store) are created in
    // one CreateColumnFamilies call after the open: DB::Open creates them
    // one by one, rewriting and syncing the OPTIONS file for each (a tenth
    // of a second of a new store's open, more on a busy disk).
    std::vector<std::string> on_disk;
    if (exists) rocksdb::DB::ListColumnFamilies(db_options, path, &on_disk);
    std::vector<rocksdb::ColumnFamilyDescriptor> present, missing;
    std::vector<size_t> present_at, missing_at;
    for (size_t i = 0; i < descriptors.size(); ++i) {
      const auto& d = descriptors[i];
      bool there = d.name == rocksdb::kDefaultColumnFamilyName ||
                   std::find(on_disk.begin(), on_disk.end(), d.name) != on_disk.end();
      (there ? present : missing).push_back(d);
      (there ? present_at : missing_at).push_back(i);
    }
    std::vector<rocksdb::ColumnFamilyHandle*> opened, created;
    s = rocksdb::DB::Open(db_options, path, present, &opened, &store->db_);
    if (s.ok() && !missing.empty()) s = store->db_->CreateColumnFamilies(missing, &created);
    if (s.ok()) {
      store->handles_.assign(descriptors.size(), nullptr);
      for (size_t i = 0; i < opened.size(); ++i) store->handles_[present_at[i]] = opened[i];
      for (size_t i = 0; i < created.size(); ++i) store->handles_[missing_at[i]] = created[i];
    } else if (store->db_ != nullptr) {
      for (auto* h : opened) store->db_->DestroyColumnFamilyHandle(h);
      for (auto* h : created) store->db_->DestroyColumnFamilyHandle(h);
      delete store->db_;
      store->db_ = nullptr;
    }
  }
  if (!s.ok()) {
    if (IsLockError(s)) {
      return absl::FailedPreconditionError(
          absl::StrCat("store is in use by another process: ", path));
    }
    return FromRocks(s, absl::StrCat("cannot open the store at ", path));
  }

  ASSIGN_OR_RETURN(Meta meta, store->ReadMeta());
  if (meta.schema_version() > kSchemaVersion) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "the store at %s was written by a newer kg (schema version %d; this kg reads up to %d): "
        "upgrade kg",
        path, meta.schema_version(), kSchemaVersion));
  }
  // Schema 3 changed every key's id width: older stores cannot be read.
  if (meta.schema_version() != 0 && meta.schema_version() < kSchemaVersion) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "the store at %s: store format %d, this kg reads %d: re-import (kg export/import; "
        "export with the kg that wrote it)",
        path, meta.schema_version(), kSchemaVersion));
  }
  if (meta.schema_version() == 0 && !options.read_only) {
    meta.set_schema_version(kSchemaVersion);
    meta.set_writer("kg storage");
    rocksdb::WriteOptions wo;
    wo.sync = true;
    RETURN_IF_ERROR(FromRocks(
        store->db_->Put(wo, store->cf(kDefault), kMetaKey, meta.SerializeAsString()), path));
  }
  RETURN_IF_ERROR(EndDeferral(deferred, path));
  return store;
}

RocksStore::~RocksStore() {
  if (stage_ != nullptr && db_ != nullptr) {
    // A caller that never ended bulk mode: ingest, as a crash would lose it.
    absl::Status s = IngestStage();
    if (!s.ok()) std::fprintf(stderr, "kg: %s\n", std::string(s.message()).c_str());
    stage_.reset();
  }
  if (db_ != nullptr) {
    for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
    db_->Close();
    delete db_;
  }
}

absl::StatusOr<Meta> RocksStore::ReadMeta() {
  std::string v;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cf(kDefault), kMetaKey, &v);
  Meta meta;
  if (s.IsNotFound()) return meta;
  RETURN_IF_ERROR(FromRocks(s, path_));
  RETURN_IF_ERROR(ParseInto(v, &meta, "meta"));
  return meta;
}

// ---------------------------------------------------------------------------
// Writes

absl::StatusOr<uint64_t> RocksStore::ResolveId(Txn& txn, const std::string& key,
                                                std::optional<bool>* entity_known,
                                                std::string* entity) {
  std::string local;
  std::string& v = entity != nullptr ? *entity : local;
  if (entity_known != nullptr) entity_known->reset();
  ASSIGN_OR_RETURN(bool found, txn.Get(kTerms, key, &v));
  if (found && v.size() == kIdBytes) return ReadId(v.data());
  // A new term: its hash, unless another key already owns that id (a
  // collision), in which case the next attempt's hash. The terms column
  // family records which id the key got, so lookups never rehash.
  for (uint32_t attempt = 0; attempt < 64; ++attempt) {
    uint64_t id = TermId(key, attempt);
    ASSIGN_OR_RETURN(bool taken, txn.Get(kEntities, IdKey(id), &v));
    if (!taken) {
      txn.Put(kTerms, key, IdKey(id));
      if (entity_known != nullptr) *entity_known = false;
      return id;
    }
    Entity other;
    RETURN_IF_ERROR(ParseEntity(IdKey(id), v, &other, "entity"));
    if (other.key() == key) {
      txn.Put(kTerms, key, IdKey(id));
      if (entity_known != nullptr) *entity_known = true;  // and `v` holds it
      return id;
    }
  }
  return absl::InternalError(absl::StrCat("no free id for term '", key, "'"));
}

absl::StatusOr<PutResult> RocksStore::PutDocument(const DocumentFacts& in) {
  if (read_only_)
    return absl::FailedPreconditionError(absl::StrCat("store opened read-only: ", path_));
  const std::string& doc_id = in.document().id();
  if (doc_id.empty()) return absl::InvalidArgumentError("document without an id");
  if (doc_id.find('\0') != std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat("document id contains a NUL byte: ", doc_id));
  }
  Document doc = in.document();
  if (doc.content_hash().empty()) {
    // No hash from the caller: fingerprint what was extracted, so that an
    // identical re-put is still a no-op.
    DocumentFacts copy = in;
    copy.mutable_document()->clear_ingest_time();
    std::string bytes;
    copy.SerializeToString(&bytes);
    doc.set_content_hash(absl::StrCat("facts:", Fingerprint(bytes)));
  }
  const int64_t now = doc.ingest_time() != 0 ? doc.ingest_time() : NowSeconds();
  doc.set_ingest_time(now);

  // Validate and gather everything before touching the store.
  std::map<std::string, Entity> contrib;  // key -> this document's contribution
  auto ensure = [&](const std::string& key, const std::string& name) -> Entity& {
    Entity& c = contrib[key];
    if (c.key().empty()) {
      c.set_key(key);
      c.set_name(name.empty() ? key : name);
    }
    return c;
  };
  std::map<std::string, std::set<std::string>> aliases;
  for (int i = 0; i < in.entities_size(); ++i) {
    const Entity& e = in.entities(i);
    std::string key = e.key().empty() ? TermKey(e.name()) : e.key();
    if (key.empty()) {
      return absl::InvalidArgumentError(
          absl::StrFormat("document %s: entity #%d has an empty name and key", doc_id, i));
    }
    Entity& c = ensure(key, e.name());
    if (PreferredName(e.name(), c.name()) && !e.name().empty()) c.set_name(e.name());
    if (c.type() == ENTITY_TYPE_UNSPECIFIED) c.set_type(e.type());
    c.set_mentions(c.mentions() + e.mentions());
    for (const auto& a : e.aliases()) aliases[key].insert(a);
  }
  for (int i = 0; i < in.merges_size(); ++i) {
    const Merge& m = in.merges(i);
    if (m.canonical().empty()) {
      return absl::InvalidArgumentError(
          absl::StrFormat("document %s: merge #%d has no canonical key", doc_id, i));
    }
    ensure(m.canonical(), "");
    aliases[m.canonical()].insert(m.alias());
  }
  for (int i = 0; i < in.facts_size(); ++i) {
    const ExtractedFact& f = in.facts(i);
    if (f.subject().empty() || f.object().empty() || f.predicate().empty()) {
      return absl::InvalidArgumentError(
          absl::StrFormat("document %s: fact #%d lacks a subject, predicate or object", doc_id, i));
    }
    ensure(f.subject(), "");
    ensure(f.object(), "");
  }
  for (auto& [key, set] : aliases) {
    Entity& c = contrib[key];
    for (const auto& a : set) {
      if (!a.empty() && TermKey(a) != key) c.add_aliases(a);
    }
  }

  std::lock_guard<std::mutex> lock(write_mu_);
  if (stage_ != nullptr) {
    // A replace reads and deletes the old version's records: it goes to the
    // store itself, after the staged chunk (rare in bulk runs).
    Txn staged(this, 0, stage_.get());
    std::string v;
    ASSIGN_OR_RETURN(bool exists, staged.Get(kDocs, doc_id, &v));
    if (!exists) {
      ASSIGN_OR_RETURN(PutResult result, PutInTxn(staged, doc_id, doc, now, in, contrib));
      // A full chunk goes in on a thread of its own while documents keep
      // coming (DocumentStage::StartIngest).
      if (stage_->bytes() >= stage_chunk_bytes_) {
        RETURN_IF_ERROR(stage_->StartIngest(path_ + "/docbulk.tmp"));
      }
      return result;
    }
    Document prev;
    RETURN_IF_ERROR(ParseInto(v, &prev, "document"));
    if (prev.content_hash() == doc.content_hash() && prev.resolution() == doc.resolution()) {
      return PutResult();
    }
    RETURN_IF_ERROR(IngestStage());
    // A run that replaces many documents would ingest one tiny chunk per
    // replace: past a few, the rest of the run writes each document at once.
    if (++stage_replaces_ >= kMaxStagedReplaces) stage_.reset();
  }
  Txn txn(this);
  return PutInTxn(txn, doc_id, doc, now, in, contrib);
}

absl::StatusOr<PutResult> RocksStore::PutInTxn(Txn& txn, const std::string& doc_id,
                                               const Document& doc, int64_t now,
                                               const DocumentFacts& in,
                                               std::map<std::string, Entity>& contrib) {
  ASSIGN_OR_RETURN(Meta meta, txn.ReadMeta());
  PutResult result;
  std::string v;
  ASSIGN_OR_RETURN(bool exists, txn.Get(kDocs, doc_id, &v));
  if (exists) {
    Document prev;
    RETURN_IF_ERROR(ParseInto(v, &prev, "document"));
    if (prev.content_hash() == doc.content_hash() && prev.resolution() == doc.resolution()) {
      return result;
    }
    RETURN_IF_ERROR(ForgetInTxn(txn, doc_id, meta));
    result.replaced = true;
  }
  result.changed = true;
  const std::string doc_prefix = DocPrefix(doc_id);

  // Entities: dictionary, this document's contribution, the merged entity.
  std::map<std::string, uint64_t> ids;
  std::optional<bool> probed;  // whether ResolveId met the entity record (then in `v`)
  for (auto& [key, c] : contrib) {
    ASSIGN_OR_RETURN(uint64_t id, ResolveId(txn, key, &probed, &v));
    ids[key] = id;
    c.set_id(id);
    txn.Put(kContrib, ContribKey(id, doc_id), EncodeEntityValue(c));
    txn.PutUnindexed(kDocIndex, absl::StrCat(doc_prefix, std::string(1, kTagEntity), IdKey(id)),
                     "");
    Entity merged;
    bool known;
    if (probed.has_value()) {
      known = *probed;  // a new term: its id was chosen by reading the record
    } else {
      ASSIGN_OR_RETURN(known, txn.Get(kEntities, IdKey(id), &v));
    }
    if (!known) {
      merged = FoldEntity({c}, {true});
      meta.set_entities(meta.entities() + 1);
    } else {
      RETURN_IF_ERROR(ParseEntity(IdKey(id), v, &merged, "entity"));
      if (!AddToEntity(&merged, c, true)) {
        ASSIGN_OR_RETURN(auto all, txn.Collect(kContrib, IdKey(id)));
        std::vector<Entity> parts(all.size());
        std::vector<bool> from_doc(all.size());
        for (size_t i = 0; i < all.size(); ++i) {
          RETURN_IF_ERROR(
              ParseEntity(all[i].first, all[i].second, &parts[i], "entity contribution"));
          from_doc[i] = all[i].first.size() > kIdBytes;
        }
        merged = FoldEntity(parts, from_doc);
      }
    }
    txn.Put(kEntities, IdKey(id), EncodeEntityValue(merged));
    for (const auto& a : c.aliases()) txn.Put(kAliases, AliasKey(TermKey(a), id), "");
    ++result.entities;
  }

  // Facts: one contribution per distinct triple, one evidence per sentence.
  struct Acc {
    Fact contrib;
    std::map<uint32_t, const Evidence*> evidence;  // the first of each sentence
  };
  std::map<std::string, Acc> facts;  // spo key -> accumulated
  std::map<uint64_t, std::string> predicates;
  for (const ExtractedFact& f : in.facts()) {
    uint64_t pid = PredicateId(f.predicate());
    predicates.emplace(pid, f.predicate());
    Triple t{ids[f.subject()], pid, ids[f.object()]};
    Acc& acc = facts[SpoKey(t)];
    acc.contrib.set_confidence(std::max(acc.contrib.confidence(), f.confidence()));
    acc.contrib.set_flags(acc.contrib.flags() | (f.flags() & ~static_cast<uint32_t>(IMPORTED)));
    acc.evidence.emplace(f.evidence().sentence(), &f.evidence());
  }
  for (const auto& [pid, text] : predicates) {
    ASSIGN_OR_RETURN(bool known, txn.Get(kPredicates, IdKey(pid), &v));
    if (known && v != text) {
      return absl::InternalError(
          absl::StrCat("predicate id collision between '", v, "' and '", text, "'"));
    }
    if (!known) txn.Put(kPredicates, IdKey(pid), text);
  }
  Evidence ev;
  for (auto& [spo, acc] : facts) {
    Triple t = FromSpo(spo);
    acc.contrib.set_support(static_cast<uint32_t>(acc.evidence.size()));
    acc.contrib.set_first_seen(now);
    acc.contrib.set_last_seen(now);
    Fact payload;
    ASSIGN_OR_RETURN(bool known, txn.Get(kSpo, spo, &v));
    if (known) {
      RETURN_IF_ERROR(ParseInto(v, &payload, "fact"));
    } else {
      txn.PutUnindexed(kPos, PosKey(t), "");
      txn.PutUnindexed(kOsp, OspKey(t), "");
      meta.set_facts(meta.facts() + 1);
    }
    AddToFact(&payload, acc.contrib);
    txn.Put(kSpo, spo, FactPayload(payload));
    // Keys this write never reads back skip the batch's index (a tenth of
    // the prose loader's writer thread): the document's own old version was
    // collected (ForgetInTxn) before, and a later record of a key in the
    // batch wins over an earlier Delete of it.
    txn.PutUnindexed(kDocIndex, absl::StrCat(doc_prefix, std::string(1, kTagFact), spo),
                     FactPayload(acc.contrib));
    for (const auto& [sentence, src] : acc.evidence) {
      txn.PutUnindexed(kEvidence, EvidenceKey(t, doc_id, sentence),
                       EvidenceValue(*src, doc_id, doc.date(), &ev));
    }
    meta.set_evidence(meta.evidence() + acc.evidence.size());
    result.evidence += acc.evidence.size();
    ++result.facts;
  }

  for (int i = 0; i < in.merges_size(); ++i) {
    Merge m = in.merges(i);
    m.mutable_evidence()->set_doc_id(doc_id);
    txn.Put(kMerges, MergeKey(m.canonical(), doc_id, i), m.SerializeAsString());
    std::string idx = absl::StrCat(doc_prefix, std::string(1, kTagMerge));
    AppendU32(&idx, i);
    txn.Put(kDocIndex, idx, m.canonical());
  }

  txn.Put(kDocs, doc_id, doc.SerializeAsString());
  meta.set_documents(meta.documents() + 1);  // a replace forgot the old one
  RETURN_IF_ERROR(txn.Commit(meta));
  return result;
}

// Also called before every other write: those see and change the store,
// not a staged chunk, so the chunk goes in first.
absl::Status RocksStore::IngestStage() {
  if (stage_ == nullptr) return absl::OkStatus();
  // On failure the chunk stays staged (the store is unchanged); the caller
  // sees the error.
  return stage_->Ingest(path_ + "/docbulk.tmp");
}

absl::Status RocksStore::BeginDocumentBulk(size_t chunk_bytes) {
  if (read_only_)
    return absl::FailedPreconditionError(absl::StrCat("store opened read-only: ", path_));
  std::lock_guard<std::mutex> lock(write_mu_);
  if (stage_ == nullptr) stage_ = std::make_unique<DocumentStage>(this);
  stage_chunk_bytes_ = std::max<size_t>(chunk_bytes, 1);
  stage_replaces_ = 0;
  return absl::OkStatus();
}

absl::Status RocksStore::EndDocumentBulk() {
  std::lock_guard<std::mutex> lock(write_mu_);
  absl::Status s = IngestStage();
  stage_.reset();
  return s;
}

absl::Status RocksStore::ForgetInTxn(Txn& txn, std::string_view doc_id, Meta& meta) {
  const std::string doc_prefix = DocPrefix(doc_id);
  ASSIGN_OR_RETURN(auto index, txn.Collect(kDocIndex, doc_prefix));
  std::string v;
  for (const auto& [key, value] : index) {
    std::string_view rest = std::string_view(key).substr(doc_prefix.size());
    if (rest.empty()) continue;
    char tag = rest[0];
    rest.remove_prefix(1);
    if (tag == kTagEntity && rest.size() == kIdBytes) {
      uint64_t id = ReadId(rest.data());
      txn.Delete(kContrib, ContribKey(id, doc_id));
      ASSIGN_OR_RETURN(auto remaining, txn.Collect(kContrib, IdKey(id)));
      Entity old;
      ASSIGN_OR_RETURN(bool known, txn.Get(kEntities, IdKey(id), &v));
      if (known) RETURN_IF_ERROR(ParseEntity(IdKey(id), v, &old, "entity"));
      std::set<std::string> old_keys, new_keys;
      for (const auto& a : old.aliases()) old_keys.insert(TermKey(a));
      if (remaining.empty()) {
        txn.Delete(kEntities, IdKey(id));
        if (known) txn.Delete(kTerms, old.key());
        if (known && meta.entities() > 0) meta.set_entities(meta.entities() - 1);
      } else {
        std::vector<Entity> parts(remaining.size());
        std::vector<bool> from_doc(remaining.size());
        for (size_t i = 0; i < remaining.size(); ++i) {
          RETURN_IF_ERROR(ParseEntity(remaining[i].first, remaining[i].second, &parts[i],
                                      "entity contribution"));
          from_doc[i] = remaining[i].first.size() > kIdBytes;
        }
        Entity merged = FoldEntity(parts, from_doc);
        for (const auto& a : merged.aliases()) new_keys.insert(TermKey(a));
        txn.Put(kEntities, IdKey(id), EncodeEntityValue(merged));
      }
      for (const auto& k : old_keys) {
        if (!new_keys.count(k)) txn.Delete(kAliases, AliasKey(k, id));
      }
    } else if (tag == kTagFact && rest.size() == kTripleBytes) {
      Triple t = FromSpo(rest);
      // One pass over the fact's evidence keys: this document's go, the
      // others name the documents that still support it (two scans before,
      // each with every evidence value copied).
      std::string spo(rest);
      const std::string mine_prefix = EvidenceDocPrefix(t, doc_id);
      ASSIGN_OR_RETURN(std::vector<std::string> keys, txn.CollectKeys(kEvidence, spo));
      size_t mine = 0;
      std::set<std::string> docs;
      for (const std::string& k : keys) {
        if (absl::StartsWith(k, mine_prefix)) {
          txn.Delete(kEvidence, k);
          ++mine;
          continue;
        }
        if (k.size() < kTripleBytes + 5) continue;
        docs.insert(k.substr(kTripleBytes, k.size() - kTripleBytes - 5));
      }
      meta.set_evidence(meta.evidence() >= mine ? meta.evidence() - mine : 0);
      // Fold the contributions of the documents that still support it.
      Fact payload;
      for (const auto& d : docs) {
        ASSIGN_OR_RETURN(
            bool found,
            txn.Get(kDocIndex, absl::StrCat(DocPrefix(d), std::string(1, kTagFact), spo), &v));
        if (!found) continue;
        Fact c;
        RETURN_IF_ERROR(ParseInto(v, &c, "fact contribution"));
        AddToFact(&payload, c);
      }
      Fact old;
      ASSIGN_OR_RETURN(bool known, txn.Get(kSpo, spo, &v));
      if (known) RETURN_IF_ERROR(ParseInto(v, &old, "fact"));
      bool imported = (old.flags() & IMPORTED) != 0;
      if (imported) {
        Fact imp;
        imp.set_confidence(1.0f);
        imp.set_flags(IMPORTED);
        AddToFact(&payload, imp);
      }
      if (docs.empty() && !imported) {
        txn.Delete(kSpo, spo);
        txn.Delete(kPos, PosKey(t));
        txn.Delete(kOsp, OspKey(t));
        if (known && meta.facts() > 0) meta.set_facts(meta.facts() - 1);
      } else {
        txn.Put(kSpo, spo, FactPayload(payload));
      }
    } else if (tag == kTagMerge && rest.size() == 4) {
      txn.Delete(kMerges, MergeKey(value, doc_id, ReadU32(rest.data())));
    }
    txn.Delete(kDocIndex, key);
  }
  txn.Delete(kDocs, doc_id);
  if (meta.documents() > 0) meta.set_documents(meta.documents() - 1);
  return absl::OkStatus();
}

absl::Status RocksStore::ImportTriples(const PackedTriples& triples, BulkResult* result) {
  if (read_only_)
    return absl::FailedPreconditionError(absl::StrCat("store opened read-only: ", path_));
  std::lock_guard<std::mutex> lock(write_mu_);
  RETURN_IF_ERROR(IngestStage());
  // ~3 permutation keys + a payload per triple, plus the batch's headers.
  Txn txn(this, triples.size() * 110);
  ASSIGN_OR_RETURN(Meta meta, txn.ReadMeta());
  absl::flat_hash_map<std::string, uint64_t> ids, pids;
  std::string v;
  auto term = [&](std::string_view name) -> absl::StatusOr<uint64_t> {
    auto it = ids.find(absl::string_view(name.data(), name.size()));
    if (it != ids.end()) return it->second;
    std::string key = TermKeyIsIdentity(name) ? std::string(name) : TermKey(name);
    if (key.empty() || key.find('\0') != std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("term '", std::string(name), "' has no usable key"));
    }
    ASSIGN_OR_RETURN(uint64_t id, ResolveId(txn, key));
    Entity imported;
    imported.set_id(id);
    imported.set_key(key);
    imported.set_name(std::string(name));
    imported.set_type(RESOURCE);
    std::string idk = IdKey(id);
    ASSIGN_OR_RETURN(bool known, txn.Get(kEntities, idk, &v));
    if (!known) {
      txn.Put(kEntities, idk, EncodeEntityValue(FoldEntity({imported}, {false})));
      txn.Put(kContrib, idk, EncodeEntityValue(imported));
      meta.set_entities(meta.entities() + 1);
      ++result->new_entities;
    } else {
      Entity merged;
      RETURN_IF_ERROR(ParseEntity(idk, v, &merged, "entity"));
      std::string c;
      ASSIGN_OR_RETURN(bool had, txn.Get(kContrib, idk, &c));
      if (had) {
        Entity prev;
        RETURN_IF_ERROR(ParseEntity(idk, c, &prev, "entity contribution"));
        if (PreferredName(imported.name(), prev.name())) {  // same rule as the SST path
          txn.Put(kContrib, idk, EncodeEntityValue(imported));
          if (PreferredName(imported.name(), merged.name())) merged.set_name(imported.name());
          txn.Put(kEntities, idk, EncodeEntityValue(merged));
        }
      } else {
        txn.Put(kContrib, idk, EncodeEntityValue(imported));
        if (!AddToEntity(&merged, imported, false)) {
          ASSIGN_OR_RETURN(auto all, txn.Collect(kContrib, idk));
          std::vector<Entity> parts(all.size());
          std::vector<bool> from_doc(all.size());
          for (size_t i = 0; i < all.size(); ++i) {
            RETURN_IF_ERROR(
                ParseEntity(all[i].first, all[i].second, &parts[i], "entity contribution"));
            from_doc[i] = all[i].first.size() > kIdBytes;
          }
          merged = FoldEntity(parts, from_doc);
        }
        txn.Put(kEntities, idk, EncodeEntityValue(merged));
      }
    }
    ids.emplace(std::string(name), id);
    return id;
  };
  Fact imported_fact;
  imported_fact.set_confidence(1.0f);
  imported_fact.set_flags(IMPORTED);
  const std::string imported_payload = imported_fact.SerializeAsString();
  // Distinct triples of this batch, in spo order.
  std::vector<Key24> batch;
  batch.reserve(triples.size());
  for (size_t i = 0; i < triples.size(); ++i) {
    std::string_view predicate = triples.Name(i, 1);
    if (predicate.empty()) return absl::InvalidArgumentError("triple with an empty predicate");
    ASSIGN_OR_RETURN(uint64_t s, term(triples.Name(i, 0)));
    ASSIGN_OR_RETURN(uint64_t o, term(triples.Name(i, 2)));
    uint64_t p;
    auto pit = pids.find(absl::string_view(predicate.data(), predicate.size()));
    if (pit != pids.end()) {
      p = pit->second;
    } else {
      p = PredicateId(predicate);
      ASSIGN_OR_RETURN(bool known, txn.Get(kPredicates, IdKey(p), &v));
      if (known && v != predicate) {
        return absl::InternalError(absl::StrCat("predicate id collision between '", v, "' and '",
                                                std::string(predicate), "'"));
      }
      if (!known) txn.Put(kPredicates, IdKey(p), predicate);
      pids.emplace(std::string(predicate), p);
    }
    batch.push_back({s, p, o});
  }
  std::sort(batch.begin(), batch.end());
  batch.erase(std::unique(batch.begin(), batch.end()), batch.end());
  std::vector<Key24> fresh;
  // One forward pass of an iterator over the stored facts instead of a point
  // read per triple (the batch is sorted; its own spo keys are unindexed, so
  // the stored facts are all there is to read).
  rocksdb::ReadOptions scan;
  scan.total_order_seek = true;
  std::unique_ptr<rocksdb::Iterator> stored(db_->NewIterator(scan, cf(kSpo)));
  if (!batch.empty()) stored->Seek(SpoKey({batch[0].a, batch[0].b, batch[0].c}));
  for (const Key24& k : batch) {
    Triple tr{k.a, k.b, k.c};
    std::string spo = SpoKey(tr);
    if (stored->Valid() && stored->key().compare(spo) < 0) stored->Seek(spo);
    RETURN_IF_ERROR(FromRocks(stored->status(), path_));
    bool known = stored->Valid() && stored->key() == rocksdb::Slice(spo);
    if (known) {
      v = stored->value().ToString();
      Fact f;
      RETURN_IF_ERROR(ParseInto(v, &f, "fact"));
      if (f.flags() & IMPORTED) continue;
      f.set_flags(f.flags() | IMPORTED);
      f.set_confidence(std::max(f.confidence(), 1.0f));
      txn.PutUnindexed(kSpo, std::move(spo), f.SerializeAsString());
      continue;
    }
    txn.PutUnindexed(kSpo, std::move(spo), imported_payload);
    fresh.push_back(k);
  }
  meta.set_facts(meta.facts() + fresh.size());
  result->new_facts += fresh.size();
  std::vector<Key24> perm(fresh.size());
  for (size_t i = 0; i < fresh.size(); ++i) perm[i] = {fresh[i].b, fresh[i].c, fresh[i].a};
  std::sort(perm.begin(), perm.end());
  for (const Key24& k : perm) txn.PutUnindexed(kPos, PosKey({k.c, k.a, k.b}), "");
  for (size_t i = 0; i < fresh.size(); ++i) perm[i] = {fresh[i].c, fresh[i].a, fresh[i].b};
  std::sort(perm.begin(), perm.end());
  for (const Key24& k : perm) txn.PutUnindexed(kOsp, OspKey({k.b, k.c, k.a}), "");
  return txn.Commit(meta);
}

absl::Status RocksStore::ForgetDocument(std::string_view doc_id) {
  if (read_only_)
    return absl::FailedPreconditionError(absl::StrCat("store opened read-only: ", path_));
  std::lock_guard<std::mutex> lock(write_mu_);
  RETURN_IF_ERROR(IngestStage());
  Txn txn(this);
  std::string v;
  ASSIGN_OR_RETURN(bool exists, txn.Get(kDocs, doc_id, &v));
  if (!exists)
    return absl::NotFoundError(absl::StrCat("no document '", std::string(doc_id), "' in ", path_));
  ASSIGN_OR_RETURN(Meta meta, txn.ReadMeta());
  RETURN_IF_ERROR(ForgetInTxn(txn, doc_id, meta));
  return txn.Commit(meta);
}

// ---------------------------------------------------------------------------
// Reads

absl::StatusOr<bool> RocksStore::GetIn(const ReadView& view, Cf c, std::string_view key,
                                       std::string* value) {
  rocksdb::Status s = db_->Get(view.ro, cf(c), rocksdb::Slice(key.data(), key.size()), value);
  if (s.IsNotFound()) return false;
  RETURN_IF_ERROR(FromRocks(s, path_));
  return true;
}

absl::Status RocksStore::ScanIn(const ReadView& view, Cf c, std::string_view prefix,
                                const std::function<bool(std::string_view, std::string_view)>& fn) {
  rocksdb::ReadOptions ro = view.ro;
  SetScanOptions(c, prefix, &ro);
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, cf(c)));
  rocksdb::Slice p(prefix.data(), prefix.size());
  for (it->Seek(p); it->Valid() && it->key().starts_with(p); it->Next()) {
    if (!fn(std::string_view(it->key().data(), it->key().size()),
            std::string_view(it->value().data(), it->value().size()))) {
      break;
    }
  }
  return FromRocks(it->status(), path_);
}

absl::Status RocksStore::Scan(Cf c, std::string_view prefix,
                              const std::function<bool(std::string_view, std::string_view)>& fn) {
  ReadView view(this);
  return ScanIn(view, c, prefix, fn);
}

absl::StatusOr<std::string> RocksStore::PredicateText(uint64_t pid) {
  {
    std::lock_guard<std::mutex> lock(predicate_mu_);
    auto it = predicates_.find(pid);
    if (it != predicates_.end()) return it->second;
  }
  std::string v;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cf(kPredicates), IdKey(pid), &v);
  if (s.IsNotFound()) {
    return absl::DataLossError(absl::StrFormat("predicate %016x missing from %s", pid, path_));
  }
  RETURN_IF_ERROR(FromRocks(s, path_));
  std::lock_guard<std::mutex> lock(predicate_mu_);
  predicates_[pid] = v;
  return v;
}

absl::StatusOr<Fact> RocksStore::DecodeFact(std::string_view spo_key, std::string_view payload) {
  Fact f;
  RETURN_IF_ERROR(ParseInto(payload, &f, "fact"));
  Triple t = FromSpo(spo_key);
  f.set_subject(t.s);
  f.set_object(t.o);
  f.set_predicate_id(t.p);
  ASSIGN_OR_RETURN(*f.mutable_predicate(), PredicateText(t.p));
  return f;
}

absl::StatusOr<std::optional<Document>> RocksStore::GetDocument(std::string_view doc_id) {
  ReadView view(this);
  std::string v;
  ASSIGN_OR_RETURN(bool found, GetIn(view, kDocs, doc_id, &v));
  if (!found) return std::optional<Document>();
  Document d;
  RETURN_IF_ERROR(ParseInto(v, &d, "document"));
  return d;
}

absl::StatusOr<std::optional<Entity>> RocksStore::GetEntity(uint64_t id) {
  ReadView view(this);
  std::string v;
  ASSIGN_OR_RETURN(bool found, GetIn(view, kEntities, IdKey(id), &v));
  if (!found) return std::optional<Entity>();
  Entity e;
  RETURN_IF_ERROR(ParseEntity(IdKey(id), v, &e, "entity"));
  return e;
}

absl::StatusOr<std::optional<uint64_t>> RocksStore::LookupTerm(std::string_view key) {
  ReadView view(this);
  std::string v;
  ASSIGN_OR_RETURN(bool found, GetIn(view, kTerms, key, &v));
  if (found && v.size() == kIdBytes) return std::optional<uint64_t>(ReadId(v.data()));
  // An alias: when several entities share it, the most mentioned wins.
  std::vector<uint64_t> candidates;
  std::string prefix = AliasPrefix(key);
  RETURN_IF_ERROR(ScanIn(view, kAliases, prefix, [&](std::string_view k, std::string_view) {
    if (k.size() == prefix.size() + kIdBytes)
      candidates.push_back(ReadId(k.data() + prefix.size()));
    return true;
  }));
  std::optional<uint64_t> best;
  uint64_t best_mentions = 0;
  for (uint64_t id : candidates) {
    ASSIGN_OR_RETURN(bool live, GetIn(view, kEntities, IdKey(id), &v));
    if (!live) continue;
    Entity e;
    RETURN_IF_ERROR(ParseEntity(IdKey(id), v, &e, "entity"));
    if (!best || e.mentions() > best_mentions) {
      best = id;
      best_mentions = e.mentions();
    }
  }
  return best;
}

namespace {

// Every record of family `c` parsed as a Msg, in key order, until fn says stop.
template <typename Msg>
absl::Status ForEachRecord(RocksStore& store, Cf c, std::string_view what,
                           const std::function<bool(const Msg&)>& fn) {
  absl::Status inner;
  RETURN_IF_ERROR(store.Scan(c, "", [&](std::string_view, std::string_view v) {
    Msg m;
    inner = ParseInto(v, &m, what);
    return inner.ok() && fn(m);
  }));
  return inner;
}

}  // namespace

absl::Status RocksStore::ForEachEntity(const std::function<bool(const Entity&)>& fn) {
  absl::Status inner;
  RETURN_IF_ERROR(Scan(kEntities, "", [&](std::string_view k, std::string_view v) {
    Entity e;
    inner = ParseEntity(k, v, &e, "entity");
    return inner.ok() && fn(e);
  }));
  return inner;
}

absl::Status RocksStore::ForEachDocument(const std::function<bool(const Document&)>& fn) {
  return ForEachRecord<Document>(*this, kDocs, "document", fn);
}

absl::Status RocksStore::ForEachFact(const std::function<bool(const Fact&)>& fn) {
  ReadView view(this);
  absl::Status inner;
  RETURN_IF_ERROR(ScanIn(view, kSpo, "", [&](std::string_view k, std::string_view v) {
    auto f = DecodeFact(k, v);
    if (!f.ok()) {
      inner = f.status();
      return false;
    }
    return fn(*f);
  }));
  return inner;
}

absl::Status RocksStore::FactsFrom(uint64_t subject, const std::function<bool(const Fact&)>& fn) {
  ReadView view(this);
  absl::Status inner;
  RETURN_IF_ERROR(ScanIn(view, kSpo, IdKey(subject), [&](std::string_view k, std::string_view v) {
    auto f = DecodeFact(k, v);
    if (!f.ok()) {
      inner = f.status();
      return false;
    }
    return fn(*f);
  }));
  return inner;
}

absl::Status RocksStore::FactsTo(uint64_t object, const std::function<bool(const Fact&)>& fn) {
  ReadView view(this);
  std::vector<std::string> keys;
  RETURN_IF_ERROR(ScanIn(view, kOsp, IdKey(object), [&](std::string_view k, std::string_view) {
    if (k.size() == kTripleBytes) keys.push_back(SpoKey(FromOsp(k)));
    return true;
  }));
  std::string v;
  for (const auto& spo : keys) {
    ASSIGN_OR_RETURN(bool found, GetIn(view, kSpo, spo, &v));
    if (!found) {
      return absl::DataLossError(absl::StrCat("osp entry without spo fact in ", path_));
    }
    ASSIGN_OR_RETURN(Fact f, DecodeFact(spo, v));
    if (!fn(f)) break;
  }
  return absl::OkStatus();
}

absl::Status RocksStore::ForEachEvidence(const Fact& fact,
                                         const std::function<bool(const Evidence&)>& fn) {
  uint64_t pid = fact.predicate_id() != 0 ? fact.predicate_id() : PredicateId(fact.predicate());
  ReadView view(this);
  absl::Status inner;
  RETURN_IF_ERROR(ScanIn(view, kEvidence, SpoKey({fact.subject(), pid, fact.object()}),
                         [&](std::string_view, std::string_view v) {
                           Evidence e;
                           inner = ParseInto(v, &e, "evidence");
                           return inner.ok() && fn(e);
                         }));
  return inner;
}

absl::Status RocksStore::ForEachMerge(std::string_view entity_key,
                                      const std::function<bool(const Merge&)>& fn) {
  ReadView view(this);
  absl::Status inner;
  RETURN_IF_ERROR(
      ScanIn(view, kMerges, MergePrefix(entity_key), [&](std::string_view, std::string_view v) {
        Merge m;
        inner = ParseInto(v, &m, "merge");
        return inner.ok() && fn(m);
      }));
  return inner;
}

absl::StatusOr<StoreStats> RocksStore::Stats() {
  StoreStats stats;
  {
    std::shared_lock<std::shared_mutex> lock(view_mu_);
    ASSIGN_OR_RETURN(Meta meta, ReadMeta());
    stats.documents = meta.documents();
    stats.entities = meta.entities();
    stats.facts = meta.facts();
    stats.evidence = meta.evidence();
  }
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(path_, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec)) stats.disk_bytes += it->file_size(ec);
  }
  return stats;
}

uint64_t RocksStore::Version() {
  if (read_only_) {
    std::unique_lock<std::shared_mutex> lock(view_mu_);
    db_->TryCatchUpWithPrimary();  // best effort: the old view stays valid
    return db_->GetLatestSequenceNumber();
  }
  return db_->GetLatestSequenceNumber();
}

absl::StatusOr<std::optional<DocumentFacts>> RocksStore::GetDocumentFacts(std::string_view doc_id) {
  ReadView view(this);
  std::string v;
  ASSIGN_OR_RETURN(bool found, GetIn(view, kDocs, doc_id, &v));
  if (!found) return std::optional<DocumentFacts>();
  DocumentFacts out;
  RETURN_IF_ERROR(ParseInto(v, out.mutable_document(), "document"));
  std::vector<std::pair<std::string, std::string>> index;
  const std::string prefix = DocPrefix(doc_id);
  RETURN_IF_ERROR(ScanIn(view, kDocIndex, prefix, [&](std::string_view k, std::string_view val) {
    index.emplace_back(std::string(k.substr(prefix.size())), std::string(val));
    return true;
  }));
  std::map<uint64_t, std::string> keys;
  auto key_of = [&](uint64_t id) -> absl::StatusOr<std::string> {
    auto it = keys.find(id);
    if (it != keys.end()) return it->second;
    std::string ev;
    ASSIGN_OR_RETURN(bool live, GetIn(view, kEntities, IdKey(id), &ev));
    if (!live) return absl::DataLossError(absl::StrFormat("fact names a missing entity %016x", id));
    Entity e;
    RETURN_IF_ERROR(ParseEntity(IdKey(id), ev, &e, "entity"));
    keys[id] = e.key();
    return e.key();
  };
  for (const auto& [rest, val] : index) {
    if (rest.empty()) continue;
    char tag = rest[0];
    std::string_view body = std::string_view(rest).substr(1);
    if (tag == kTagEntity && body.size() == kIdBytes) {
      std::string ck = ContribKey(ReadId(body.data()), doc_id);
      ASSIGN_OR_RETURN(bool has, GetIn(view, kContrib, ck, &v));
      if (!has) continue;
      RETURN_IF_ERROR(ParseEntity(ck, v, out.add_entities(), "entity contribution"));
    } else if (tag == kTagFact && body.size() == kTripleBytes) {
      Triple t = FromSpo(body);
      Fact c;
      RETURN_IF_ERROR(ParseInto(val, &c, "fact contribution"));
      ASSIGN_OR_RETURN(std::string s, key_of(t.s));
      ASSIGN_OR_RETURN(std::string o, key_of(t.o));
      ASSIGN_OR_RETURN(std::string p, PredicateText(t.p));
      absl::Status inner;
      RETURN_IF_ERROR(ScanIn(view, kEvidence, EvidenceDocPrefix(t, doc_id),
                             [&](std::string_view, std::string_view ev) {
                               ExtractedFact* f = out.add_facts();
                               f->set_subject(s);
                               f->set_predicate(p);
                               f->set_object(o);
                               f->set_confidence(c.confidence());
                               f->set_flags(c.flags());
                               inner = ParseInto(ev, f->mutable_evidence(), "evidence");
                               return inner.ok();
                             }));
      RETURN_IF_ERROR(inner);
    } else if (tag == kTagMerge && body.size() == 4) {
      ASSIGN_OR_RETURN(bool has,
                       GetIn(view, kMerges, MergeKey(val, doc_id, ReadU32(body.data())), &v));
      if (!has) continue;
      RETURN_IF_ERROR(ParseInto(v, out.add_merges(), "merge"));
    }
  }
  return out;
}

absl::Status RocksStore::Compact() {
  if (read_only_) return absl::FailedPreconditionError("store opened read-only");
  rocksdb::CompactRangeOptions co;
  co.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  for (auto* h : handles_) {
    RETURN_IF_ERROR(FromRocks(db_->CompactRange(co, h, nullptr, nullptr), path_));
  }
  return absl::OkStatus();
}

absl::Status RocksStore::Flush() {
  if (read_only_) return absl::FailedPreconditionError("store opened read-only");
  rocksdb::FlushOptions fo;
  fo.wait = true;
  return FromRocks(db_->Flush(fo, handles_), path_);
}

namespace {

// Unmerges live in the default family beside "meta", which no scan reads:
// "unmerge\0" ‖ TermKey(alias) ‖ \0 ‖ canonical key → Merge.
constexpr std::string_view kUnmergePrefix("unmerge\0", 8);

}  // namespace

absl::Status RocksStore::AddUnmerge(const Merge& unmerge) {
  if (read_only_)
    return absl::FailedPreconditionError(absl::StrCat("store opened read-only: ", path_));
  const std::string alias_key = TermKey(unmerge.alias());
  if (alias_key.empty() || unmerge.canonical().empty()) {
    return absl::InvalidArgumentError("an unmerge needs an alias and a canonical entity key");
  }
  if (alias_key.find('\0') != std::string::npos ||
      unmerge.canonical().find('\0') != std::string::npos) {
    return absl::InvalidArgumentError("an unmerge's names may not contain a NUL byte");
  }
  std::string key = std::string(kUnmergePrefix) + alias_key + '\0' + unmerge.canonical();
  std::lock_guard<std::mutex> lock(write_mu_);
  RETURN_IF_ERROR(IngestStage());
  Txn txn(this);
  std::string v;
  ASSIGN_OR_RETURN(bool exists, txn.Get(kDefault, key, &v));
  if (exists) return absl::OkStatus();
  ASSIGN_OR_RETURN(Meta meta, txn.ReadMeta());
  txn.Put(kDefault, key, unmerge.SerializeAsString());
  return txn.Commit(meta);
}

absl::StatusOr<std::vector<Merge>> RocksStore::Unmerges() {
  std::vector<Merge> out;
  absl::Status parse = absl::OkStatus();
  RETURN_IF_ERROR(Scan(kDefault, kUnmergePrefix, [&](std::string_view, std::string_view value) {
    Merge m;
    parse = ParseInto(value, &m, "unmerge");
    if (!parse.ok()) return false;
    out.push_back(std::move(m));
    return true;
  }));
  RETURN_IF_ERROR(parse);
  return out;
}

namespace {

constexpr size_t kMaxProblems = 100;

void Problem(CheckReport* r, std::string text) {
  ++r->problem_count;
  if (r->problems.size() < kMaxProblems) r->problems.push_back(std::move(text));
}

// Order-independent digest of a set of triples: equal counts and digests
// mean two permutations hold the same triples (up to a 2^-64 accident).
struct Digest {
  uint64_t count = 0, sum = 0, xored = 0;
  void Add(const Triple& t) {
    uint64_t h = TermId(SpoKey(t));
    ++count;
    sum += h;
    xored ^= h;
  }
  bool operator==(const Digest&) const = default;
};

std::string ShowTriple(const Triple& t) {
  return absl::StrFormat("(%016x %016x %016x)", t.s, t.p, t.o);
}

}  // namespace

absl::StatusOr<CheckReport> RocksStore::Check() {
  CheckReport report;
  // Every block of every live SST file against its checksum; the message
  // names the damaged file.
  rocksdb::Status verify = db_->VerifyChecksum();
  if (!verify.ok()) {
    Problem(&report, absl::StrCat("corruption: ", verify.ToString()));
    return report;
  }
  ReadView view(this);
  // A read failing half-way (corruption) is a finding, not a crash.
  auto scan = [&](Cf c, std::string_view prefix,
                  const std::function<bool(std::string_view, std::string_view)>& fn) -> bool {
    absl::Status s = ScanIn(view, c, prefix, fn);
    if (!s.ok())
      Problem(&report, absl::StrCat("cannot read ", ColumnFamilyNames()[c], ": ", s.message()));
    return s.ok();
  };
  Meta meta;
  {
    std::string v;
    auto got = GetIn(view, kDefault, kMetaKey, &v);
    if (!got.ok()) {
      Problem(&report, std::string(got.status().message()));
    } else if (*got && !meta.ParseFromString(v)) {
      Problem(&report, "unreadable meta record");
    }
  }

  absl::flat_hash_set<std::string> docs;
  if (!scan(kDocs, "", [&](std::string_view k, std::string_view v) {
        Document d;
        if (!d.ParseFromArray(v.data(), static_cast<int>(v.size())) || d.id() != k) {
          Problem(&report, absl::StrCat("document record '", std::string(k), "' is unreadable"));
        }
        docs.insert(std::string(k));
        return true;
      })) {
    return report;
  }
  report.documents = docs.size();

  // Entities, and the dictionary pointing back at them.
  absl::flat_hash_set<uint64_t> entities;
  if (!scan(kEntities, "", [&](std::string_view k, std::string_view v) {
        Entity e;
        uint64_t id = k.size() == kIdBytes ? ReadId(k.data()) : 0;
        if (id == 0 || !DecodeEntityValue(k, v, &e)) {
          Problem(&report, "unreadable entity record");
          return true;
        }
        entities.insert(id);
        std::string t;
        auto got = GetIn(view, kTerms, e.key(), &t);
        if (!got.ok() || !*got || t != k) {
          Problem(&report, absl::StrFormat("entity %016x ('%s') is missing from the dictionary", id,
                                           e.key()));
        }
        return true;
      })) {
    return report;
  }
  report.entities = entities.size();

  // Facts (spo) joined with their evidence: both are in spo order.
  Digest spo_digest, pos_digest, osp_digest;
  std::unique_ptr<rocksdb::Iterator> ev;
  {
    rocksdb::ReadOptions ro = view.ro;
    ro.total_order_seek = true;
    ev.reset(db_->NewIterator(ro, cf(kEvidence)));
    ev->SeekToFirst();
  }
  uint64_t evidence = 0;
  auto evidence_doc = [&](const rocksdb::Slice& key) {
    return std::string(key.data() + kTripleBytes, key.size() - kTripleBytes - 5);
  };
  auto check_evidence = [&](const rocksdb::Slice& key) {
    ++evidence;
    if (key.size() < kTripleBytes + 5) {
      Problem(&report, "malformed evidence key");
      return;
    }
    std::string d = evidence_doc(key);
    if (!docs.contains(d)) {
      Problem(&report, absl::StrCat("evidence of ", ShowTriple(FromSpo(key.ToStringView())),
                                    " points at a missing document '", d, "'"));
    }
  };
  if (!scan(kSpo, "", [&](std::string_view k, std::string_view v) {
        if (k.size() != kTripleBytes) {
          Problem(&report, "malformed spo key");
          return true;
        }
        Triple t = FromSpo(k);
        spo_digest.Add(t);
        Fact f;
        if (!f.ParseFromArray(v.data(), static_cast<int>(v.size()))) {
          Problem(&report, absl::StrCat("unreadable fact ", ShowTriple(t)));
        }
        for (uint64_t id : {t.s, t.o}) {
          if (!entities.contains(id)) {
            Problem(&report, absl::StrCat("fact ", ShowTriple(t), " names a missing entity"));
          }
        }
        if (!PredicateText(t.p).ok()) {
          Problem(&report, absl::StrCat("fact ", ShowTriple(t), " has an unknown predicate"));
        }
        rocksdb::Slice key(k.data(), k.size());
        // Evidence sorting before this fact has no fact.
        while (ev->Valid() && ev->key().compare(key) < 0 && !ev->key().starts_with(key)) {
          check_evidence(ev->key());
          Problem(&report, absl::StrCat("evidence without a fact: ",
                                        ShowTriple(FromSpo(ev->key().ToStringView()))));
          ev->Next();
        }
        uint32_t n = 0;
        while (ev->Valid() && ev->key().starts_with(key)) {
          check_evidence(ev->key());
          ++n;
          ev->Next();
        }
        if (n == 0 && !(f.flags() & IMPORTED)) {
          Problem(&report,
                  absl::StrCat("fact ", ShowTriple(t), " has no evidence and is not imported"));
        }
        if (n != f.support()) {
          Problem(&report, absl::StrFormat("fact %s: support %d but %d evidence records",
                                           ShowTriple(t), f.support(), n));
        }
        return true;
      })) {
    return report;
  }
  for (; ev->Valid(); ev->Next()) {
    check_evidence(ev->key());
    Problem(&report, absl::StrCat("evidence without a fact: ",
                                  ShowTriple(FromSpo(ev->key().ToStringView()))));
  }
  if (!ev->status().ok()) {
    Problem(&report, absl::StrCat("cannot read evidence: ", ev->status().ToString()));
  }
  ev.reset();
  report.facts = spo_digest.count;
  report.evidence = evidence;

  if (!scan(kPos, "",
            [&](std::string_view k, std::string_view) {
              if (k.size() == kTripleBytes) pos_digest.Add(FromPos(k));
              return true;
            }) ||
      !scan(kOsp, "", [&](std::string_view k, std::string_view) {
        if (k.size() == kTripleBytes) osp_digest.Add(FromOsp(k));
        return true;
      })) {
    return report;
  }
  // When a permutation disagrees, name the triples (a second, keyed pass).
  auto pinpoint = [&](Cf c, Triple (*decode)(std::string_view), const char* name) {
    scan(c, "", [&](std::string_view k, std::string_view) {
      if (k.size() != kTripleBytes) return true;
      Triple t = decode(k);
      std::string v;
      auto got = GetIn(view, kSpo, SpoKey(t), &v);
      if (got.ok() && !*got) {
        Problem(&report, absl::StrCat(name, " holds ", ShowTriple(t), " which spo lacks"));
      }
      return true;
    });
    scan(kSpo, "", [&](std::string_view k, std::string_view) {
      Triple t = FromSpo(k);
      std::string v;
      auto got = GetIn(view, c, c == kPos ? PosKey(t) : OspKey(t), &v);
      if (got.ok() && !*got) {
        Problem(&report, absl::StrCat(name, " lacks ", ShowTriple(t)));
      }
      return true;
    });
  };
  if (!(pos_digest == spo_digest)) pinpoint(kPos, &FromPos, "pos");
  if (!(osp_digest == spo_digest)) pinpoint(kOsp, &FromOsp, "osp");

  auto counter = [&](const char* what, uint64_t stored, uint64_t counted) {
    if (stored != counted) {
      Problem(&report,
              absl::StrFormat("meta counts %d %s, the store holds %d", stored, what, counted));
    }
  };
  counter("documents", meta.documents(), report.documents);
  counter("entities", meta.entities(), report.entities);
  counter("facts", meta.facts(), report.facts);
  counter("evidence records", meta.evidence(), report.evidence);
  return report;
}

}  // namespace kg::storage
