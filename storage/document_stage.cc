#include "storage/document_stage.h"

#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
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

// Threads writing the families' files of a chunk ingested in the caller's
// thread (the last one of a load, or before a replace or forget).
constexpr int kFinalThreads = 2;

}  // namespace

DocumentStage::DocumentStage(RocksStore* store) : store_(store), open_(std::make_unique<Chunk>()) {
  for (int c = 0; c < kCfCount; ++c) {
    uint32_t id = store->cf(static_cast<Cf>(c))->GetID();
    if (cf_ids_.size() <= id) cf_ids_.resize(id + 1, kCfCount);
    cf_ids_[id] = static_cast<uint32_t>(c);
  }
  open_->maps.resize(kCfCount);
  open_->appended.resize(kCfCount);
}

DocumentStage::~DocumentStage() {
  if (ingest_.joinable()) ingest_.join();
}

void DocumentStage::Put(Cf c, std::string_view key, std::string_view value, bool deleted) {
  Add(c, key, std::string(value), deleted);
}

void DocumentStage::Add(Cf c, std::string_view key, std::string&& value, bool deleted) {
  Chunk& o = *open_;
  // One probe: most keys of a document are new to the stage.
  auto [it, inserted] = o.maps[c].try_emplace(A(key));
  if (inserted) {
    o.bytes += key.size();
    if (c == kContrib && key.size() >= kIdBytes) {
      o.contrib_by_id[A(key.substr(0, kIdBytes))].emplace_back(key);
    }
  }
  o.bytes += value.size();
  o.bytes -= std::min<uint64_t>(o.bytes, it->second.bytes.size());
  it->second.deleted = deleted;
  it->second.bytes = std::move(value);
}

void DocumentStage::Append(Cf c, std::string&& key, std::string&& value) {
  open_->bytes += key.size() + value.size();
  open_->appended[c].emplace_back(std::move(key), std::move(value));
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
  for (const Chunk* chunk : {open_.get(), sealed_.get()}) {
    if (chunk == nullptr) continue;
    const auto& map = chunk->maps[c];
    auto it = map.find(A(key));
    if (it == map.end()) continue;
    if (it->second.deleted) return std::optional<std::string_view>();
    return std::optional<std::string_view>(it->second.bytes);
  }
  return std::nullopt;
}

void DocumentStage::AddPrefixed(
    const Chunk& chunk, Cf c, std::string_view prefix,
    std::vector<std::pair<std::string_view, std::optional<std::string_view>>>* out) {
  auto add = [&](std::string_view key, const Value& v) {
    out->emplace_back(key, v.deleted ? std::nullopt : std::optional<std::string_view>(v.bytes));
  };
  const auto& map = chunk.maps[c];
  if (c == kContrib && prefix.size() == kIdBytes) {
    auto it = chunk.contrib_by_id.find(A(prefix));
    if (it == chunk.contrib_by_id.end()) return;
    for (const std::string& key : it->second) {
      auto v = map.find(absl::string_view(key));
      if (v != map.end()) add(v->first, v->second);
    }
    return;
  }
  for (const auto& [key, v] : map) {
    if (std::string_view(key).substr(0, prefix.size()) == prefix) add(key, v);
  }
}

std::vector<std::pair<std::string_view, std::optional<std::string_view>>>
DocumentStage::WithPrefix(Cf c, std::string_view prefix) const {
  std::vector<std::pair<std::string_view, std::optional<std::string_view>>> out;
  // The sealed chunk first: a caller that folds the list lets later entries win.
  if (sealed_ != nullptr) AddPrefixed(*sealed_, c, prefix, &out);
  AddPrefixed(*open_, c, prefix, &out);
  return out;
}

absl::Status DocumentStage::WriteAndIngest(const Chunk& chunk, const std::string& dir,
                                           int threads) const {
  const auto start = std::chrono::steady_clock::now();
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);  // a crashed chunk's leftovers
  std::filesystem::create_directories(dir, ec);
  if (ec) return absl::InternalError(absl::StrCat("cannot create ", dir, ": ", ec.message()));
  RemoveDir cleanup{dir};

  // One task per column family with records, the largest first.
  std::vector<int> families;
  for (int c = 0; c < kCfCount; ++c) {
    if (!chunk.maps[c].empty() || !chunk.appended[c].empty()) families.push_back(c);
  }
  auto records = [&](int c) { return chunk.maps[c].size() + chunk.appended[c].size(); };
  std::stable_sort(families.begin(), families.end(),
                   [&](int a, int b) { return records(a) > records(b); });
  std::vector<std::vector<rocksdb::IngestExternalFileArg>> args(kCfCount);
  std::vector<absl::Status> status(kCfCount);
  auto write_family = [&](int c) -> absl::Status {
    struct Record {
      // The key's first 8 bytes as a big-endian number (zero-padded): most
      // comparisons end there, without following `key` to its bytes (the
      // sort's cache misses were most of its cost).
      uint64_t head;
      std::string_view key;
      std::string_view value;
      bool deleted;
      size_t order;  // appended records in arrival order, then the map's
    };
    auto head = [](std::string_view key) {
      uint64_t h = 0;
      const size_t n = std::min<size_t>(key.size(), 8);
      for (size_t i = 0; i < n; ++i) h |= uint64_t{static_cast<uint8_t>(key[i])} << (56 - 8 * i);
      return h;
    };
    const auto& map = chunk.maps[c];
    const auto& appended = chunk.appended[c];
    std::vector<Record> sorted;
    sorted.reserve(map.size() + appended.size());
    for (size_t i = 0; i < appended.size(); ++i) {
      sorted.push_back({head(appended[i].first), appended[i].first, appended[i].second, false, i});
    }
    for (const auto& [key, v] : map) {
      sorted.push_back({head(key), key, v.bytes, v.deleted, appended.size()});
    }
    std::sort(sorted.begin(), sorted.end(), [](const Record& a, const Record& b) {
      // bytewise, as the store's comparator (equal heads: the rest decides)
      if (a.head != b.head) return a.head < b.head;
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
    return out.Finish(&args[c], &bytes);
  };
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i; (i = next.fetch_add(1)) < families.size();) {
      status[families[i]] = write_family(families[i]);
    }
  };
  std::vector<std::thread> helpers;
  for (int t = 1; t < threads && t < static_cast<int>(families.size()); ++t) {
    helpers.emplace_back(work);
  }
  work();
  for (std::thread& t : helpers) t.join();
  std::vector<rocksdb::IngestExternalFileArg> all;
  for (int c = 0; c < kCfCount; ++c) {
    RETURN_IF_ERROR(status[c]);
    for (auto& a : args[c]) all.push_back(std::move(a));
  }
  absl::Status s = FromRocks(store_->db()->IngestExternalFiles(all), store_->path());
  static const bool trace = std::getenv("KG_BULK_TRACE") != nullptr;
  if (trace) {
    timespec cpu{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu);
    std::fprintf(stderr, "docbulk chunk %.1f MB, %d thread(s): %.0f ms (this thread cpu so far %.0f ms)\n",
                 chunk.bytes / 1e6, threads,
                 std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                     .count(),
                 cpu.tv_sec * 1e3 + cpu.tv_nsec / 1e6);
  }
  return s;
}

absl::Status DocumentStage::FinishSealed() {
  if (ingest_.joinable()) ingest_.join();
  if (sealed_ == nullptr) return absl::OkStatus();
  absl::Status s = sealed_status_;
  if (!s.ok()) s = WriteAndIngest(*sealed_, sealed_dir_, 1);  // once more, here
  if (s.ok()) {
    sealed_.reset();
    sealed_status_ = absl::OkStatus();
  }
  return s;
}

absl::Status DocumentStage::Ingest(const std::string& dir) {
  RETURN_IF_ERROR(FinishSealed());
  if (open_->bytes == 0) return absl::OkStatus();
  // Nothing else runs at the end of a load: the families' files are
  // written on two threads.
  RETURN_IF_ERROR(WriteAndIngest(*open_, dir, kFinalThreads));
  open_ = std::make_unique<Chunk>();
  open_->maps.resize(kCfCount);
  open_->appended.resize(kCfCount);
  return absl::OkStatus();
}

absl::Status DocumentStage::StartIngest(const std::string& dir) {
  RETURN_IF_ERROR(FinishSealed());
  if (open_->bytes == 0) return absl::OkStatus();
  sealed_ = std::move(open_);
  sealed_dir_ = dir;
  open_ = std::make_unique<Chunk>();
  open_->maps.resize(kCfCount);
  open_->appended.resize(kCfCount);
  ingest_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "kg-ingest");  // perf report --sort comm
    sealed_status_ = WriteAndIngest(*sealed_, sealed_dir_, 1);
  });
  return absl::OkStatus();
}

}  // namespace kg::storage
