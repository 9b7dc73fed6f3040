#include "storage/document_stage.h"

#include <algorithm>
#include <filesystem>
#include <memory>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "proto/status_macros.h"
#include "rocksdb/sst_file_writer.h"
#include "storage/keys.h"
#include "storage/rocks_options.h"

namespace kg::storage {
namespace {

// Removes the chunk's directory on every way out (ingestion moved the files
// that made it in).
struct RemoveDir {
  std::string dir;
  ~RemoveDir() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

std::string_view Sv(const rocksdb::Slice& s) { return std::string_view(s.data(), s.size()); }
// Debian's abseil has its own string_view: hash-map lookups take that one.
absl::string_view A(std::string_view s) { return absl::string_view(s.data(), s.size()); }

}  // namespace

DocumentStage::DocumentStage(RocksStore* store) : store_(store), maps_(kCfCount) {
  for (int c = 0; c < kCfCount; ++c) {
    uint32_t id = store->cf(static_cast<Cf>(c))->GetID();
    if (cf_ids_.size() <= id) cf_ids_.resize(id + 1, kCfCount);
    cf_ids_[id] = static_cast<uint32_t>(c);
  }
}

void DocumentStage::Put(Cf c, std::string_view key, std::string_view value, bool deleted) {
  auto& map = maps_[c];
  auto it = map.find(A(key));
  if (it == map.end()) {
    it = map.emplace(std::string(key), Value{}).first;
    bytes_ += key.size();
    if (c == kContrib && key.size() >= kIdBytes) {
      contrib_by_id_[std::string(key.substr(0, kIdBytes))].emplace_back(key);
    }
  }
  bytes_ += value.size();
  bytes_ -= std::min<uint64_t>(bytes_, it->second.bytes.size());
  it->second.deleted = deleted;
  it->second.bytes.assign(value.data(), value.size());
}

absl::Status DocumentStage::Apply(const rocksdb::WriteBatch& batch) {
  class Handler : public rocksdb::WriteBatch::Handler {
   public:
    explicit Handler(DocumentStage* stage) : stage_(stage) {}
    rocksdb::Status PutCF(uint32_t cf, const rocksdb::Slice& key,
                          const rocksdb::Slice& value) override {
      if (cf >= stage_->cf_ids_.size() || stage_->cf_ids_[cf] >= kCfCount)
        return rocksdb::Status::InvalidArgument("unknown column family");
      stage_->Put(static_cast<Cf>(stage_->cf_ids_[cf]), Sv(key), Sv(value), false);
      return rocksdb::Status::OK();
    }
    rocksdb::Status DeleteCF(uint32_t cf, const rocksdb::Slice& key) override {
      if (cf >= stage_->cf_ids_.size() || stage_->cf_ids_[cf] >= kCfCount)
        return rocksdb::Status::InvalidArgument("unknown column family");
      stage_->Put(static_cast<Cf>(stage_->cf_ids_[cf]), Sv(key), {}, true);
      return rocksdb::Status::OK();
    }
    rocksdb::Status SingleDeleteCF(uint32_t cf, const rocksdb::Slice& key) override {
      return DeleteCF(cf, key);
    }

   private:
    DocumentStage* stage_;
  } handler(this);
  return FromRocks(batch.Iterate(&handler), store_->path());
}

std::optional<std::optional<std::string_view>> DocumentStage::Get(Cf c,
                                                                  std::string_view key) const {
  const auto& map = maps_[c];
  auto it = map.find(A(key));
  if (it == map.end()) return std::nullopt;
  if (it->second.deleted) return std::optional<std::string_view>();
  return std::optional<std::string_view>(it->second.bytes);
}

std::vector<std::pair<std::string_view, std::optional<std::string_view>>>
DocumentStage::WithPrefix(Cf c, std::string_view prefix) const {
  std::vector<std::pair<std::string_view, std::optional<std::string_view>>> out;
  auto add = [&](std::string_view key, const Value& v) {
    out.emplace_back(key, v.deleted ? std::nullopt : std::optional<std::string_view>(v.bytes));
  };
  const auto& map = maps_[c];
  if (c == kContrib && prefix.size() == kIdBytes) {
    auto it = contrib_by_id_.find(A(prefix));
    if (it == contrib_by_id_.end()) return out;
    for (const std::string& key : it->second) {
      auto v = map.find(absl::string_view(key));
      if (v != map.end()) add(v->first, v->second);
    }
    return out;
  }
  for (const auto& [key, v] : map) {
    if (std::string_view(key).substr(0, prefix.size()) == prefix) add(key, v);
  }
  return out;
}

absl::Status DocumentStage::Ingest(const std::string& dir) {
  if (empty()) return absl::OkStatus();
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);  // a crashed chunk's leftovers
  std::filesystem::create_directories(dir, ec);
  if (ec) return absl::InternalError(absl::StrCat("cannot create ", dir, ": ", ec.message()));
  RemoveDir cleanup{dir};

  std::vector<rocksdb::IngestExternalFileArg> args;
  std::vector<const std::pair<const std::string, Value>*> sorted;
  for (int c = 0; c < kCfCount; ++c) {
    const auto& map = maps_[c];
    if (map.empty()) continue;
    sorted.clear();
    sorted.reserve(map.size());
    for (const auto& kv : map) sorted.push_back(&kv);
    std::sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) {
      return a->first < b->first;  // bytewise, as the store's comparator
    });
    const std::string path = absl::StrCat(dir, "/", ColumnFamilyNames()[c], ".sst");
    rocksdb::Options options = BulkSstOptions(ColumnFamilyNames()[c]);
    // The files are ingested and compacted right away: keep them cached.
    rocksdb::SstFileWriter writer(rocksdb::EnvOptions(), options, store_->cf(static_cast<Cf>(c)),
                                  /*invalidate_page_cache=*/false);
    RETURN_IF_ERROR(FromRocks(writer.Open(path), path));
    for (const auto* kv : sorted) {
      rocksdb::Slice key(kv->first.data(), kv->first.size());
      rocksdb::Status s = kv->second.deleted
                              ? writer.Delete(key)
                              : writer.Put(key, rocksdb::Slice(kv->second.bytes.data(),
                                                               kv->second.bytes.size()));
      RETURN_IF_ERROR(FromRocks(s, path));
    }
    RETURN_IF_ERROR(FromRocks(writer.Finish(), path));
    rocksdb::IngestExternalFileArg arg;
    arg.column_family = store_->cf(static_cast<Cf>(c));
    arg.external_files = {path};
    arg.options.move_files = true;
    arg.options.allow_blocking_flush = true;
    arg.options.write_global_seqno = false;  // the MANIFEST holds it
    args.push_back(std::move(arg));
  }
  RETURN_IF_ERROR(FromRocks(store_->db()->IngestExternalFiles(args), store_->path()));
  for (auto& map : maps_) map = {};
  contrib_by_id_ = {};
  bytes_ = 0;
  return absl::OkStatus();
}

}  // namespace kg::storage
