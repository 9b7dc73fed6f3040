#include "storage/document_stage.h"

#include <algorithm>
#include <filesystem>
#include <memory>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "proto/status_macros.h"
#include "storage/keys.h"
#include "storage/rocks_options.h"
#include "storage/sst_out.h"

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

DocumentStage::DocumentStage(RocksStore* store)
    : store_(store), maps_(kCfCount), appended_(kCfCount) {
  for (int c = 0; c < kCfCount; ++c) {
    uint32_t id = store->cf(static_cast<Cf>(c))->GetID();
    if (cf_ids_.size() <= id) cf_ids_.resize(id + 1, kCfCount);
    cf_ids_[id] = static_cast<uint32_t>(c);
  }
}

void DocumentStage::Put(Cf c, std::string_view key, std::string_view value, bool deleted) {
  Add(c, key, std::string(value), deleted);
}

void DocumentStage::Add(Cf c, std::string_view key, std::string&& value, bool deleted) {
  // One probe: most keys of a document are new to the stage.
  auto [it, inserted] = maps_[c].try_emplace(A(key));
  if (inserted) {
    bytes_ += key.size();
    if (c == kContrib && key.size() >= kIdBytes) {
      contrib_by_id_[A(key.substr(0, kIdBytes))].emplace_back(key);
    }
  }
  bytes_ += value.size();
  bytes_ -= std::min<uint64_t>(bytes_, it->second.bytes.size());
  it->second.deleted = deleted;
  it->second.bytes = std::move(value);
}

void DocumentStage::Append(Cf c, std::string&& key, std::string&& value) {
  bytes_ += key.size() + value.size();
  appended_[c].emplace_back(std::move(key), std::move(value));
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
  struct Record {
    std::string_view key;
    std::string_view value;
    bool deleted;
    size_t order;  // appended records in arrival order, then the map's
  };
  std::vector<Record> sorted;
  for (int c = 0; c < kCfCount; ++c) {
    const auto& map = maps_[c];
    const auto& appended = appended_[c];
    if (map.empty() && appended.empty()) continue;
    sorted.clear();
    sorted.reserve(map.size() + appended.size());
    for (size_t i = 0; i < appended.size(); ++i) {
      sorted.push_back({appended[i].first, appended[i].second, false, i});
    }
    for (const auto& [key, v] : map) sorted.push_back({key, v.bytes, v.deleted, appended.size()});
    std::sort(sorted.begin(), sorted.end(), [](const Record& a, const Record& b) {
      // bytewise, as the store's comparator
      if (int cmp = a.key.compare(b.key); cmp != 0) return cmp < 0;
      return a.order < b.order;
    });
    SstOut out(store_, static_cast<Cf>(c), absl::StrCat(dir, "/", ColumnFamilyNames()[c], ".sst"));
    for (size_t i = 0; i < sorted.size(); ++i) {
      const Record& r = sorted[i];
      if (i + 1 < sorted.size() && sorted[i + 1].key == r.key) continue;  // the later one wins
      RETURN_IF_ERROR(r.deleted ? out.Delete(r.key) : out.Put(r.key, r.value));
    }
    uint64_t bytes = 0;
    RETURN_IF_ERROR(out.Finish(&args, &bytes));
  }
  RETURN_IF_ERROR(FromRocks(store_->db()->IngestExternalFiles(args), store_->path()));
  for (auto& map : maps_) map = {};
  for (auto& appended : appended_) appended = {};
  contrib_by_id_ = {};
  bytes_ = 0;
  return absl::OkStatus();
}

}  // namespace kg::storage
