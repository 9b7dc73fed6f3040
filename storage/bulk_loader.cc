#include "storage/bulk_loader.h"

#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <functional>
#include <future>
#include <map>
#include <optional>
#include <thread>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "absl/base/internal/endian.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "proto/status_macros.h"
#include "proto/term_key.h"
#include "storage/entity_value.h"
#include "storage/keys.h"
#include "storage/merge_rules.h"
#include "storage/name_cache.h"
#include "storage/rocks_options.h"
#include "storage/rocks_store.h"
#include "storage/sst_out.h"

namespace kg::storage {
namespace {

// KG_BULK_TRACE=1: when each phase of Finish() ended, in ms since the
// process started, on stderr (a profiling aid).
struct Trace {
  bool on = getenv("KG_BULK_TRACE") != nullptr;
  std::chrono::steady_clock::time_point t0 = std::chrono::steady_clock::now();
  void operator()(const char* what) const {
    if (!on) return;
    // The calling thread's CPU time too: on a busy machine the wall clock
    // says little about what a phase costs.
    timespec cpu{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu);
    std::fprintf(
        stderr, "bulk %-24s %7.1f ms  (thread cpu %7.1f ms)\n", what,
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count(),
        cpu.tv_sec * 1e3 + cpu.tv_nsec / 1e6);
  }
};
const Trace kTrace;

// Named threads split `perf report --sort comm` by stage.
void NameThread(const char* name) { pthread_setname_np(pthread_self(), name); }

// A stored fact that a structured load now also asserts: its payload with
// the IMPORTED flag and full confidence, or nullopt when it already has them.
absl::StatusOr<std::optional<std::string>> ImportedOver(const rocksdb::Slice& stored) {
  Fact f;
  if (!f.ParseFromArray(stored.data(), static_cast<int>(stored.size()))) {
    return absl::DataLossError("unreadable fact record in the store");
  }
  if (f.flags() & IMPORTED) return std::nullopt;
  f.set_flags(f.flags() | IMPORTED);
  f.set_confidence(std::max(f.confidence(), 1.0f));
  return f.SerializeAsString();
}

std::string_view Sv(const rocksdb::Slice& s) { return std::string_view(s.data(), s.size()); }

std::string ImportedPayload() {
  Fact f;
  f.set_confidence(1.0f);
  f.set_flags(IMPORTED);
  return f.SerializeAsString();
}

// Inside the loader an id travels "wide": the 48-bit id in the top bits and
// the low 16 bits of the key's own hash below, so that two keys under one
// 48-bit id (a collision) stay apart until Finish() gives one of them
// another id. Wide order is key order: sorting wide values sorts the keys.
constexpr int kWideShift = 64 - kIdBits;
uint64_t Wide(std::string_view key, uint64_t id) {
  return id << kWideShift | (TermHash64(key) & ((uint64_t{1} << kWideShift) - 1));
}
uint64_t Narrow(uint64_t wide) { return wide >> kWideShift; }
void AppendWide(std::string* out, uint64_t wide) {
  uint64_t be = absl::ghtonll(wide);
  out->append(reinterpret_cast<const char*>(&be), 8);
}
uint64_t ReadWide(const char* p) {
  uint64_t be;
  std::memcpy(&be, p, 8);
  return absl::gntohll(be);
}

// Room for EncodeKey's last 8-byte store.
constexpr size_t kKeyBuffer = kTripleBytes + 2;

// The 18-byte key of a Key24 of wide ids: three 6-byte big-endian ids (each
// 8-byte store is overwritten by the next one past its 6 bytes).
void EncodeKey(const Key24& k, char* out) {
  uint64_t be = absl::ghtonll(k.a);
  std::memcpy(out, &be, 8);
  be = absl::ghtonll(k.b);
  std::memcpy(out + kIdBytes, &be, 8);
  be = absl::ghtonll(k.c);
  std::memcpy(out + 2 * kIdBytes, &be, 8);
}

// Writes a permutation from its sorter (records are already permuted).
absl::Status WritePermutation(ExternalSorter<Key24>& sorter, SstOut& out) {
  RETURN_IF_ERROR(sorter.Finish());
  Key24 k;
  char key[kKeyBuffer];
  while (true) {
    ASSIGN_OR_RETURN(bool more, sorter.Next(&k));
    if (!more) break;
    EncodeKey(k, key);
    RETURN_IF_ERROR(out.Put(std::string_view(key, kTripleBytes), ""));
  }
  return absl::OkStatus();
}

// Runs put(i, out) for i in [0, n) as two key ranges, each written to its
// own SST file on its own thread (`v` is sorted, so the files never overlap).
template <typename Put>
absl::Status WriteInTwoFiles(RocksStore* store, Cf cf, const std::string& stem, size_t n, Put put,
                             std::vector<rocksdb::IngestExternalFileArg>* args, uint64_t* bytes,
                             FileSyncs* syncs) {
  size_t mid = n / 2;
  SstOut lo(store, cf, stem + ".0.sst", syncs), hi(store, cf, stem + ".1.sst", syncs);
  absl::Status hi_status;
  std::thread t([&] {
    NameThread("kg-bulk-write");
    hi_status = put(mid, n, hi);
  });
  absl::Status lo_status = put(0, mid, lo);
  t.join();
  RETURN_IF_ERROR(lo_status);
  RETURN_IF_ERROR(hi_status);
  RETURN_IF_ERROR(lo.Finish(args, bytes));
  return hi.Finish(args, bytes);
}

// The facts when all triples fit in memory (`v`: sorted, distinct, spo
// order). spo is merged with the stored facts; the new triples then give
// osp and pos, each written as two files in parallel: up to
// kScratchSortBytes by RotateSorted into a second buffer (one stable pass
// each), above it rotated in place and sorted on both cores (one copy).
//
// `ids_final` waits until every term has its final id and tells whether `v`
// is unchanged by that (false: re-hashed keys were given new ids and `v`
// sorted again). spo is written before asking, as the common case has no
// re-hashed key: the wait for the terms overlaps the spo files; otherwise
// they are written again.
absl::Status WriteFactsInMemory(RocksStore* store, const rocksdb::ReadOptions& ro,
                                const std::string& dir, std::vector<Key24>& v,
                                const std::function<absl::StatusOr<bool>()>& ids_final,
                                std::vector<rocksdb::IngestExternalFileArg>* args,
                                BulkResult* result, FileSyncs* syncs) {
  rocksdb::DB* db = store->db();
  std::vector<uint8_t> known(v.size(), 0);  // 1: the triple is already stored
  const std::string imported = ImportedPayload();
  // Before the ids are final, two keys under one id (a re-hash to come)
  // encode alike: that first pass then stops, to be written again.
  bool speculative = true;
  std::atomic<bool> out_of_order{false};
  auto put_spo = [&](size_t lo, size_t hi, SstOut& out) -> absl::Status {
    if (lo == hi) return absl::OkStatus();
    std::unique_ptr<rocksdb::Iterator> existing(db->NewIterator(ro, store->cf(kSpo)));
    char key[kKeyBuffer], prev[kKeyBuffer];
    EncodeKey(v[lo], key);
    existing->Seek(rocksdb::Slice(key, kTripleBytes));
    for (size_t i = lo; i < hi; ++i) {
      EncodeKey(v[i], key);
      std::string_view k(key, kTripleBytes);
      if (speculative) {
        if (i > lo && std::string_view(prev, kTripleBytes) >= k) {
          out_of_order = true;
          return absl::OkStatus();
        }
        std::memcpy(prev, key, kTripleBytes);
      }
      if (existing->Valid() && Sv(existing->key()) < k)
        existing->Seek(rocksdb::Slice(key, kTripleBytes));
      if (existing->Valid() && Sv(existing->key()) == k) {
        known[i] = 1;
        ASSIGN_OR_RETURN(std::optional<std::string> payload, ImportedOver(existing->value()));
        if (payload) RETURN_IF_ERROR(out.Put(k, *payload));
        continue;
      }
      RETURN_IF_ERROR(out.Put(k, imported));
    }
    return FromRocks(existing->status(), store->path());
  };
  std::vector<rocksdb::IngestExternalFileArg> spo_args;
  uint64_t spo_bytes = 0;
  RETURN_IF_ERROR(WriteInTwoFiles(store, kSpo, dir + "/spo", v.size(), put_spo, &spo_args,
                                  &spo_bytes, syncs));
  kTrace("spo written");
  ASSIGN_OR_RETURN(bool unchanged, ids_final());
  speculative = false;
  if (unchanged && out_of_order) {
    return absl::InternalError("two triples under one key with no re-hashed term");
  }
  if (!unchanged) {
    spo_args.clear();
    spo_bytes = 0;
    std::fill(known.begin(), known.end(), 0);
    // Other names: the first files may be synced and marked already.
    RETURN_IF_ERROR(WriteInTwoFiles(store, kSpo, dir + "/spo.again", v.size(), put_spo, &spo_args,
                                    &spo_bytes, syncs));
    kTrace("spo written again");
  }
  result->sst_bytes += spo_bytes;
  args->insert(args->end(), std::make_move_iterator(spo_args.begin()),
               std::make_move_iterator(spo_args.end()));
  size_t fresh = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    if (!known[i]) v[fresh++] = v[i];
  }
  v.resize(fresh);
  std::vector<uint8_t>().swap(known);
  result->new_facts = fresh;
  auto put_keys_of = [](const std::vector<Key24>& keys) {
    return [&keys](size_t lo, size_t hi, SstOut& out) -> absl::Status {
      char key[kKeyBuffer];
      for (size_t i = lo; i < hi; ++i) {
        EncodeKey(keys[i], key);
        RETURN_IF_ERROR(out.Put(std::string_view(key, kTripleBytes), ""));
      }
      return absl::OkStatus();
    };
  };
  if (v.size() * sizeof(Key24) <= kScratchSortBytes) {
    // Small enough for a second copy: spo gives osp and osp gives pos, each
    // by one stable pass on a single id (RotateSorted), not a whole sort.
    std::vector<Key24> w;
    RotateSorted(v, w);
    kTrace("osp sorted");
    RETURN_IF_ERROR(WriteInTwoFiles(store, kOsp, dir + "/osp", w.size(), put_keys_of(w), args,
                                    &result->sst_bytes, syncs));
    kTrace("osp written");
    RotateSorted(w, v);
    kTrace("pos sorted");
    RETURN_IF_ERROR(WriteInTwoFiles(store, kPos, dir + "/pos", v.size(), put_keys_of(v), args,
                                    &result->sst_bytes, syncs));
    kTrace("pos written");
    return absl::OkStatus();
  }
  // (s, p, o) -> (p, o, s) -> (o, s, p): one rotation each, sorted in place.
  for (Cf cf : {kPos, kOsp}) {
    for (Key24& k : v) k = Key24{k.b, k.c, k.a};
    SortInParallel(v);
    kTrace(cf == kPos ? "pos sorted" : "osp sorted");
    RETURN_IF_ERROR(WriteInTwoFiles(store, cf, dir + (cf == kPos ? "/pos" : "/osp"), v.size(),
                                    put_keys_of(v), args, &result->sst_bytes, syncs));
    kTrace(cf == kPos ? "pos written" : "osp written");
  }
  return absl::OkStatus();
}

// Triples per chunk handed to a shard: large enough that a thread start is
// noise, small enough that both shards get work on small inputs.
constexpr size_t kChunkTriples = 32768;
constexpr int kShards = 2;

// True when a name has a usable key for sure: a printable ASCII character
// maps to itself or its lower case, so the key cannot be empty.
bool HasPrintableAscii(std::string_view name) {
  for (char c : name) {
    if (c > ' ' && c < 0x7f) return true;
  }
  return false;
}

}  // namespace

// One resolution thread's state: its own name cache and predicate map, so
// the shards share nothing but the two sorters (locked once per chunk).
struct BulkLoader::Shard {
  explicit Shard(size_t cache_bytes) : name_ids(cache_bytes) {}
  std::thread thread;
  absl::Status status;
  NameCache name_ids;                                        // raw name -> wide id
  absl::flat_hash_map<std::string, uint64_t> predicate_ids;  // raw -> id
  Chunk chunk;
  std::vector<NameCache::Fp> fps;  // of the chunk's subjects and objects
  std::vector<Key24> triples;
  std::vector<std::string> terms;
  uint64_t misses = 0;  // names the cache did not hold (KG_BULK_TRACE)
};

BulkLoader::BulkLoader(Store* store, BulkLoaderOptions options)
    : store_(dynamic_cast<RocksStore*>(store)), options_(options) {}

BulkLoader::~BulkLoader() {
  JoinShards().IgnoreError();
  shards_.clear();
  emitted_ = {};
  spo_.reset();
  terms_.reset();
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

absl::Status BulkLoader::Init() {
  if (initialised_) return init_;
  initialised_ = true;
  kTrace("first triples");
  if (store_ == nullptr) {
    return init_ = absl::InvalidArgumentError("BulkLoader needs a store from Store::Open");
  }
  if (store_->read_only()) {
    return init_ = absl::FailedPreconditionError(
               absl::StrCat("store opened read-only: ", store_->path()));
  }
  if (!options_.use_sst) {
    // Reserved, not touched: the pages are only backed as the batch fills,
    // and the batch is never regrown (copied) on the way.
    size_t n = std::min<size_t>(options_.batch_triples, size_t{1} << 22);
    batch_.bytes.reserve(64 * n);
    batch_.ends.reserve(3 * n);
    return init_ = absl::OkStatus();
  }
  dir_ = store_->path() + "/bulk.tmp";
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);  // leftovers of a crashed load
  std::filesystem::create_directories(dir_, ec);
  if (ec)
    return init_ = absl::InternalError(absl::StrCat("cannot create ", dir_, ": ", ec.message()));
  {
    std::unique_ptr<rocksdb::Iterator> it(
        store_->db()->NewIterator(rocksdb::ReadOptions(), store_->cf(kTerms)));
    it->SeekToFirst();
    if (!it->status().ok()) return init_ = FromRocks(it->status(), store_->path());
    probe_terms_ = it->Valid();
  }
  // The meta record of a new store sits in the memtable, where it would
  // overlap the meta file Finish() ingests: ingestion would then stop for a
  // flush. Flushed now, in the background, while the input is read.
  {
    rocksdb::FlushOptions flush;
    flush.wait = false;
    flush.allow_write_stall = true;
    rocksdb::Status s = store_->db()->Flush(flush, store_->cf(kDefault));
    if (!s.ok()) return init_ = FromRocks(s, store_->path());
  }
  size_t m = options_.memory_bytes;
  spo_ = std::make_unique<ExternalSorter<Key24>>(dir_, "spo", m / 2);
  // The name caches only save TermKey and store probes; each may take an
  // eighth of the budget between the two.
  for (int i = 0; i < kShards; ++i) {
    shards_.push_back(std::make_unique<Shard>(options_.memory_bytes / (8 * kShards)));
  }
  terms_ = std::make_unique<ExternalSorter<std::string>>(dir_, "terms", m / 8);
  return init_ = absl::OkStatus();
}

absl::StatusOr<uint64_t> BulkLoader::NewTermId(std::string_view name,
                                               std::vector<std::string>* new_terms) {
  // Most structured names ("/m/027rn") are their own key: no normalisation.
  std::string key = TermKeyIsIdentity(name) ? std::string(name) : TermKey(name);
  if (key.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("term '", std::string(name), "' has an empty key"));
  }
  uint64_t id = 0;
  // A stored key may hold a re-hashed id (after a collision). A store with
  // no terms when the load began has none; one written to meanwhile is
  // checked against the dictionary in Finish().
  if (probe_terms_) {
    std::string v;
    rocksdb::Status s = store_->db()->Get(rocksdb::ReadOptions(), store_->cf(kTerms), key, &v);
    if (s.ok() && v.size() == kIdBytes) id = ReadId(v.data());
    if (!s.ok() && !s.IsNotFound()) return FromRocks(s, store_->path());
  }
  if (id == 0) id = TermId(key);
  id = Wide(key, id);
  std::string rec;
  rec.reserve(8 + key.size() + 1 + name.size());
  AppendWide(&rec, id);
  rec.append(key);
  rec.push_back('\0');
  rec.append(name.data(), name.size());
  new_terms->push_back(std::move(rec));
  return id;
}

absl::Status BulkLoader::Resolve(Shard& shard, const Chunk& chunk) {
  shard.triples.clear();
  shard.terms.clear();
  const std::string_view bytes = chunk.bytes;
  const size_t n = chunk.size();
  auto name = [&](size_t k) {  // end offset index k
    size_t begin = k == 0 ? 0 : chunk.ends[k - 1];
    return bytes.substr(begin, chunk.ends[k] - begin);
  };
  // Subjects and objects are fingerprinted first, so that the cache's
  // slots can be fetched from memory a few names ahead of their lookup:
  // on 10 M triples over 1 M names every lookup misses the CPU caches.
  shard.fps.resize(2 * n);
  for (size_t i = 0; i < n; ++i) {
    shard.fps[2 * i] = NameCache::Fingerprint(name(3 * i));
    shard.fps[2 * i + 1] = NameCache::Fingerprint(name(3 * i + 2));
  }
  constexpr size_t kAhead = 16;
  for (size_t j = 0; j < kAhead && j < 2 * n; ++j) shard.name_ids.Prefetch(shard.fps[j]);
  auto id_of = [&](size_t j) -> absl::StatusOr<uint64_t> {
    if (j + kAhead < 2 * n) shard.name_ids.Prefetch(shard.fps[j + kAhead]);
    if (const uint64_t* id = shard.name_ids.Find(shard.fps[j])) return *id;
    ++shard.misses;
    ASSIGN_OR_RETURN(uint64_t id, NewTermId(name(j / 2 * 3 + (j % 2) * 2), &shard.terms));
    shard.name_ids.Insert(shard.fps[j], id);
    return id;
  };
  shard.triples.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    ASSIGN_OR_RETURN(uint64_t s, id_of(2 * i));
    ASSIGN_OR_RETURN(uint64_t o, id_of(2 * i + 1));
    std::string_view predicate = name(3 * i + 1);
    uint64_t p;
    auto it = shard.predicate_ids.find(absl::string_view(predicate.data(), predicate.size()));
    if (it != shard.predicate_ids.end()) {
      p = it->second;
    } else {
      p = PredicateId(predicate) << kWideShift;
      shard.predicate_ids.emplace(std::string(predicate), p);
    }
    shard.triples.push_back(Key24{s, p, o});
  }
  std::lock_guard<std::mutex> lock(sort_mu_);
  for (std::string& t : shard.terms) {
    // Left out only when both the id and a 64-bit hash of the spelling
    // match a record already added: two keys under one id (a collision) or
    // two spellings of one key still both reach the sorter.
    size_t nul = t.find('\0', 8);
    uint64_t spelling = XXH3_64bits(t.data() + nul + 1, t.size() - nul - 1);
    auto [it, inserted] = emitted_.try_emplace(ReadWide(t.data()), spelling);
    if (!inserted && it->second == spelling) continue;
    it->second = spelling;
    RETURN_IF_ERROR(terms_->Add(std::move(t)));
  }
  // Bounded like the name caches: forgetting only lets repeats through.
  if (emitted_.size() * 32 > options_.memory_bytes / 16) emitted_.clear();
  for (const Key24& k : shard.triples) RETURN_IF_ERROR(spo_->Add(k));
  return absl::OkStatus();
}

absl::Status BulkLoader::Dispatch() {
  if (chunk_.ends.empty()) return absl::OkStatus();
  Shard& shard = *shards_[next_shard_];
  next_shard_ = (next_shard_ + 1) % shards_.size();
  if (shard.thread.joinable()) shard.thread.join();
  RETURN_IF_ERROR(shard.status);
  std::swap(shard.chunk, chunk_);
  chunk_.bytes.clear();
  chunk_.ends.clear();
  shard.thread = std::thread([this, &shard] {
    NameThread("kg-bulk-shard");
    shard.status = Resolve(shard, shard.chunk);
  });
  return absl::OkStatus();
}

absl::Status BulkLoader::JoinShards() {
  absl::Status first;
  for (auto& shard : shards_) {
    if (shard->thread.joinable()) shard->thread.join();
    if (first.ok()) first = shard->status;
  }
  return first;
}

absl::Status BulkLoader::CheckNames(std::string_view subject, std::string_view predicate,
                                    std::string_view object) {
  if (predicate.empty()) return absl::InvalidArgumentError("triple with an empty predicate");
  // Errors of the input are this call's: a name without a printable ASCII
  // character is normalised here to see that its key is not empty.
  for (std::string_view name : {subject, object}) {
    if (!HasPrintableAscii(name) && TermKey(name).empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("term '", std::string(name), "' has an empty key"));
    }
  }
  return absl::OkStatus();
}

absl::Status BulkLoader::AddToBatch(std::string_view subject, std::string_view predicate,
                                    std::string_view object) {
  ++added_;
  batch_.Add(subject, predicate, object);
  if (batch_.size() < options_.batch_triples) return absl::OkStatus();
  absl::Status s = store_->ImportTriples(batch_, &batch_result_);
  batch_.clear();
  return s;
}

absl::Status BulkLoader::Add(std::string_view subject, std::string_view predicate,
                             std::string_view object) {
  if (finished_) return absl::FailedPreconditionError("BulkLoader::Add after Finish");
  RETURN_IF_ERROR(Init());
  RETURN_IF_ERROR(CheckNames(subject, predicate, object));
  if (!options_.use_sst) return AddToBatch(subject, predicate, object);
  chunk_.Add(subject, predicate, object);
  ++added_;
  if (chunk_.ends.size() >= 3 * kChunkTriples) return Dispatch();
  return absl::OkStatus();
}

absl::Status BulkLoader::Add(PackedTriples&& triples, size_t* failed) {
  if (finished_) return absl::FailedPreconditionError("BulkLoader::Add after Finish");
  RETURN_IF_ERROR(Init());
  const size_t n = triples.size();
  for (size_t i = 0; i < n; ++i) {
    absl::Status s = CheckNames(triples.Name(i, 0), triples.Name(i, 1), triples.Name(i, 2));
    if (!s.ok()) {
      if (failed != nullptr) *failed = i;
      return s;
    }
  }
  if (!options_.use_sst) {
    for (size_t i = 0; i < n; ++i) {
      RETURN_IF_ERROR(AddToBatch(triples.Name(i, 0), triples.Name(i, 1), triples.Name(i, 2)));
    }
    return absl::OkStatus();
  }
  // Small hand-overs join the pending chunk; large ones go to a shard whole
  // (after the pending chunk, so the order of arrival is kept).
  if (n < kChunkTriples / 4) {
    for (size_t i = 0; i < n; ++i) {
      chunk_.Add(triples.Name(i, 0), triples.Name(i, 1), triples.Name(i, 2));
    }
    added_ += n;
    if (chunk_.ends.size() >= 3 * kChunkTriples) return Dispatch();
    return absl::OkStatus();
  }
  RETURN_IF_ERROR(Dispatch());
  std::swap(chunk_, triples);
  added_ += n;
  return Dispatch();
}

absl::StatusOr<BulkResult> BulkLoader::Finish() {
  if (finished_) return absl::FailedPreconditionError("BulkLoader::Finish called twice");
  RETURN_IF_ERROR(Init());
  finished_ = true;
  if (!options_.use_sst) {
    if (!batch_.empty()) RETURN_IF_ERROR(store_->ImportTriples(batch_, &batch_result_));
    batch_.clear();
    batch_result_.triples_added = added_;
    return batch_result_;
  }
  kTrace("Finish() called");
  RETURN_IF_ERROR(Dispatch());
  RETURN_IF_ERROR(JoinShards());
  kTrace("shards joined");
  if (kTrace.on) {
    for (const auto& shard : shards_) {
      std::fprintf(stderr, "bulk shard: %llu names not in its cache\n",
                   static_cast<unsigned long long>(shard->misses));
    }
  }
  BulkResult result;
  result.triples_added = added_;
  std::lock_guard<std::mutex> lock(store_->write_mutex());
  rocksdb::DB* db = store_->db();
  const rocksdb::Snapshot* snap = db->GetSnapshot();
  rocksdb::ReadOptions ro;
  ro.snapshot = snap;
  ro.total_order_seek = true;
  struct Release {
    rocksdb::DB* db;
    const rocksdb::Snapshot* s;
    void operator()() {
      if (s != nullptr) db->ReleaseSnapshot(s);
      s = nullptr;
    }
    ~Release() { (*this)(); }
  } release{db, snap};

  ASSIGN_OR_RETURN(Meta meta, store_->ReadMeta());
  // Every file is synced as soon as it is finished, beside the writing of
  // the next ones, instead of one after another by the ingestion. Declared
  // before anything that writes files, so it outlives their threads; its
  // marks are dropped right after the ingestion.
  std::optional<FileSyncs> syncs_holder;
  FileSyncs& syncs = syncs_holder.emplace();
  std::vector<rocksdb::IngestExternalFileArg> args;
  size_t m = options_.memory_bytes;
  // The shards' caches are no longer needed: give their memory to the
  // sorters; the predicates of both shards are merged below.
  absl::flat_hash_map<std::string, uint64_t> predicate_ids;
  for (auto& shard : shards_) {
    predicate_ids.insert(shard->predicate_ids.begin(), shard->predicate_ids.end());
  }
  shards_.clear();
  emitted_ = {};

  // Predicates (few): new ones only; a different text under an id collides.
  {
    std::map<uint64_t, std::string> by_id;
    for (const auto& [text, wide] : predicate_ids) {
      auto [it, inserted] = by_id.emplace(Narrow(wide), text);
      if (!inserted && it->second != text) {
        return absl::InternalError(
            absl::StrCat("predicate id collision between '", it->second, "' and '", text, "'"));
      }
    }
    SstOut out(store_, kPredicates, dir_ + "/predicates.sst", &syncs);
    std::string v;
    for (const auto& [pid, text] : by_id) {
      rocksdb::Status s = db->Get(ro, store_->cf(kPredicates), IdKey(pid), &v);
      if (s.ok()) {
        if (v != text) {
          return absl::InternalError(
              absl::StrCat("predicate id collision between '", v, "' and '", text, "'"));
        }
        continue;
      }
      if (!s.IsNotFound()) return FromRocks(s, store_->path());
      RETURN_IF_ERROR(out.Put(IdKey(pid), text));
    }
    RETURN_IF_ERROR(out.Finish(&args, &result.sst_bytes));
  }

  // Terms (dictionary, entities, contributions) and facts touch different
  // column families: the terms are written on a second thread while the
  // facts are sorted and written here.
  std::vector<rocksdb::IngestExternalFileArg> t_args;
  uint64_t t_bytes = 0, t_new_entities = 0;
  // wide id of a re-hashed key -> its new wide id; set before remap_ready.
  absl::flat_hash_map<uint64_t, uint64_t> remap;
  std::promise<bool> remap_ready;
  auto write_terms = [&]() -> absl::Status {
    // The facts wait for the ids of colliding keys (remap): always answered,
    // also when this thread stops on an error.
    struct Answer {
      std::promise<bool>* p;
      bool done = false;
      void operator()(bool ok) {
        if (!done) p->set_value(ok);
        done = true;
      }
      ~Answer() { (*this)(false); }
    } answer{&remap_ready};
    // Terms: sorted by wide id, so entities and contributions stream out in
    // order; the key -> id dictionary needs key order, hence one more sorter.
    if (kTrace.on) {
      std::fprintf(stderr, "bulk %llu term records to sort\n",
                   static_cast<unsigned long long>(terms_->added()));
    }
    RETURN_IF_ERROR(terms_->Finish());
    kTrace("terms sorted");
    ExternalSorter<std::string> by_key(dir_, "keys", m / 8);
    SstOut entities(store_, kEntities, dir_ + "/entities.sst", &syncs);
    SstOut contrib(store_, kContrib, dir_ + "/contrib.sst", &syncs);
    std::unique_ptr<rocksdb::Iterator> existing(db->NewIterator(ro, store_->cf(kEntities)));
    existing->SeekToFirst();
    const bool no_entities = !existing->Valid() && existing->status().ok();
    // Set when the dictionary's records are made apart from flush() below.
    bool dictionary_apart = false;
    std::string v;
    // Writes the entity of a key under `id` (merged with a stored one).
    auto flush = [&](SstOut& entities, SstOut& contrib, uint64_t id, std::string_view key_view,
                     std::string_view name_view) -> absl::Status {
      std::string idk = IdKey(id);
      if (existing->Valid() && existing->key().compare(idk) < 0) existing->Seek(idk);
      RETURN_IF_ERROR(FromRocks(existing->status(), store_->path()));
      const std::string key(key_view), name(name_view);
      Entity imported;
      imported.set_id(id);
      imported.set_key(key);
      imported.set_name(name);
      imported.set_type(RESOURCE);
      if (existing->Valid() && Sv(existing->key()) == idk) {
        Entity old;
        if (!DecodeEntityValue(Sv(existing->key()), Sv(existing->value()), &old)) {
          return absl::DataLossError("unreadable entity record in the store");
        }
        if (old.key() != key) {
          return absl::InternalError(
              absl::StrCat("term id collision between '", old.key(), "' (stored) and '", key, "'"));
        }
        rocksdb::Status s = db->Get(ro, store_->cf(kContrib), idk, &v);
        if (s.ok()) {  // imported before: only a preferred spelling changes it
          Entity prev;
          if (!DecodeEntityValue(idk, v, &prev)) {
            return absl::DataLossError("unreadable entity contribution in the store");
          }
          if (!PreferredName(name, prev.name())) return absl::OkStatus();
          RETURN_IF_ERROR(contrib.Put(idk, EncodeEntityValue(imported)));
          if (PreferredName(name, old.name())) old.set_name(name);
          return entities.Put(idk, EncodeEntityValue(old));
        }
        if (!s.IsNotFound()) return FromRocks(s, store_->path());
        RETURN_IF_ERROR(contrib.Put(idk, EncodeEntityValue(imported)));
        if (!AddToEntity(&old, imported, false)) {
          std::vector<Entity> parts{imported};
          std::vector<bool> from_doc{false};
          std::unique_ptr<rocksdb::Iterator> c(db->NewIterator(ro, store_->cf(kContrib)));
          for (c->Seek(idk); c->Valid() && c->key().starts_with(idk); c->Next()) {
            parts.emplace_back();
            if (!DecodeEntityValue(Sv(c->key()), Sv(c->value()), &parts.back())) {
              return absl::DataLossError("unreadable entity contribution in the store");
            }
            from_doc.push_back(c->key().size() > kIdBytes);
          }
          old = FoldEntity(parts, from_doc);
        }
        return entities.Put(idk, EncodeEntityValue(old));
      }
      // A new entity is the fold of its one contribution: that contribution
      // (merge_rules_test.cc checks the encodings agree).
      const std::string value = EncodeEntityValue(imported);
      RETURN_IF_ERROR(entities.Put(idk, value));
      RETURN_IF_ERROR(contrib.Put(idk, value));
      ++t_new_entities;
      if (dictionary_apart) return absl::OkStatus();
      return by_key.Add(absl::StrCat(key, std::string(1, '\0'), idk));
    };
    // One 48-bit id's keys (several only on a collision), each with its
    // preferred spelling, in wide order. The record (wide, key \0 name) is
    // moved along, not cut into strings: a million terms were a second of
    // copies.
    struct Term {
      uint64_t wide;
      std::string rec;
    };
    auto key_of = [](const Term& t) {
      std::string_view r = t.rec;
      return r.substr(8, r.find('\0', 8) - 8);
    };
    auto name_of = [](const Term& t) {
      std::string_view r = t.rec;
      return r.substr(r.find('\0', 8) + 1);
    };
    std::vector<Term> group, losers;
    std::vector<uint64_t> load_ids;  // every id of this load, ascending
    // In memory, the groups are decided first and the winners written after
    // the facts have their ids (they wait for them); from run files, each
    // group is written as it is decided.
    std::vector<std::string> sorted_terms;
    const bool deferred = terms_->TakeSorted(&sorted_terms);
    size_t next_term = 0;
    std::vector<Term> chosen;  // deferred: winners, `wide` holding the id
    // The collision rule: a stored key keeps its id; otherwise the smallest
    // key of the group does. The others re-hash below.
    auto flush_group = [&]() -> absl::Status {
      if (group.empty()) return absl::OkStatus();
      uint64_t id = Narrow(group.front().wide);
      load_ids.push_back(id);
      size_t winner = 0;
      if (group.size() > 1) {
        std::string idk = IdKey(id);
        if (existing->Valid() && existing->key().compare(idk) < 0) existing->Seek(idk);
        RETURN_IF_ERROR(FromRocks(existing->status(), store_->path()));
        std::optional<std::string> stored_key;
        if (existing->Valid() && Sv(existing->key()) == idk) {
          Entity old;
          if (!DecodeEntityValue(Sv(existing->key()), Sv(existing->value()), &old)) {
            return absl::DataLossError("unreadable entity record in the store");
          }
          stored_key = old.key();
        }
        winner = group.size();
        for (size_t i = 0; i < group.size(); ++i) {
          bool better = stored_key ? key_of(group[i]) == *stored_key
                                   : winner == group.size() || key_of(group[i]) < key_of(group[winner]);
          if (better) winner = i;
        }
      } else if (existing->Valid() || !existing->status().ok()) {
        // A single key under an id a different stored key holds loses too.
        std::string idk = IdKey(id);
        if (existing->Valid() && existing->key().compare(idk) < 0) existing->Seek(idk);
        RETURN_IF_ERROR(FromRocks(existing->status(), store_->path()));
        if (existing->Valid() && Sv(existing->key()) == idk) {
          Entity old;
          if (!DecodeEntityValue(Sv(existing->key()), Sv(existing->value()), &old)) {
            return absl::DataLossError("unreadable entity record in the store");
          }
          if (old.key() != key_of(group[0])) winner = 1;
        }
      }
      for (size_t i = 0; i < group.size(); ++i) {
        if (i == winner && deferred) {
          chosen.push_back({id, std::move(group[i].rec)});
        } else if (i == winner) {
          RETURN_IF_ERROR(flush(entities, contrib, id, key_of(group[i]), name_of(group[i])));
        } else {
          losers.push_back(std::move(group[i]));
        }
      }
      group.clear();
      return absl::OkStatus();
    };
    std::string rec;
    while (true) {
      if (deferred) {
        if (next_term == sorted_terms.size()) break;
        rec = std::move(sorted_terms[next_term++]);
      } else {
        ASSIGN_OR_RETURN(bool more, terms_->Next(&rec));
        if (!more) break;
      }
      Term t{ReadWide(rec.data()), std::move(rec)};
      if (!group.empty() && group.back().wide == t.wide) {
        if (key_of(t) != key_of(group.back())) {
          return absl::InternalError(absl::StrCat(
              "term id collision between '", std::string(key_of(group.back())), "' and '",
              std::string(key_of(t)), "': load one of them through documents"));
        }
        if (PreferredName(std::string(name_of(t)), std::string(name_of(group.back())))) {
          group.back() = std::move(t);
        }
        continue;
      }
      if (!group.empty() && Narrow(group.back().wide) != Narrow(t.wide)) {
        RETURN_IF_ERROR(flush_group());
      }
      group.push_back(std::move(t));
    }
    RETURN_IF_ERROR(flush_group());
    terms_.reset();
    // Losers, in key order, take the first re-hash that no key of this load
    // (first ids or earlier losers) and no stored entity holds: the result
    // depends on the set of keys, not on their order or the threads.
    std::sort(losers.begin(), losers.end(),
              [&](const Term& x, const Term& y) { return key_of(x) < key_of(y); });
    std::vector<std::pair<uint64_t, size_t>> rehashed;  // new id, loser
    absl::flat_hash_set<uint64_t> taken;
    for (size_t i = 0; i < losers.size(); ++i) {
      uint64_t id = 0;
      for (uint32_t attempt = 1; attempt < 64 && id == 0; ++attempt) {
        uint64_t c = TermId(key_of(losers[i]), attempt);
        if (taken.contains(c) || std::binary_search(load_ids.begin(), load_ids.end(), c)) {
          continue;
        }
        rocksdb::Status s = db->Get(ro, store_->cf(kEntities), IdKey(c), &v);
        if (!s.ok() && !s.IsNotFound()) return FromRocks(s, store_->path());
        if (s.ok()) continue;
        id = c;
      }
      if (id == 0) {
        return absl::InternalError(absl::StrCat("no free id for term '", std::string(key_of(losers[i])), "'"));
      }
      taken.insert(id);
      remap.emplace(losers[i].wide, Wide(key_of(losers[i]), id));
      rehashed.emplace_back(id, i);
    }
    std::sort(rehashed.begin(), rehashed.end());
    answer(true);
    kTrace("term ids final");
    std::vector<std::string>().swap(sorted_terms);
    // The dictionary (key -> id, in key order) from `sorter`'s records.
    auto write_dictionary = [&](ExternalSorter<std::string>& sorter,
                                std::vector<rocksdb::IngestExternalFileArg>* args,
                                uint64_t* bytes) -> absl::Status {
      RETURN_IF_ERROR(sorter.Finish());
      SstOut terms(store_, kTerms, dir_ + "/terms.sst", &syncs);
      // A key of a new entity may already be in the dictionary under a
      // re-hashed id when documents stored it after Add() took its id
      // without probing (probe_terms_): the triples would then name the
      // wrong id, so the load stops.
      std::unique_ptr<rocksdb::Iterator> stored(db->NewIterator(ro, store_->cf(kTerms)));
      stored->SeekToFirst();
      std::string rec;
      while (true) {
        ASSIGN_OR_RETURN(bool more, sorter.Next(&rec));
        if (!more) break;
        size_t cut = rec.size() - kIdBytes - 1;
        std::string_view key = std::string_view(rec).substr(0, cut);
        if (stored->Valid() && Sv(stored->key()) < key)
          stored->Seek(rocksdb::Slice(key.data(), key.size()));
        if (stored->Valid() && Sv(stored->key()) == key) {
          return absl::AbortedError(
              absl::StrCat("term '", std::string(key),
                           "' was stored under another id while this load ran; load again"));
        }
        RETURN_IF_ERROR(terms.Put(key, std::string_view(rec).substr(cut + 1)));
      }
      RETURN_IF_ERROR(FromRocks(stored->status(), store_->path()));
      return terms.Finish(args, bytes);
    };
    // With no entity stored, every winner and every re-hashed key is a new
    // entity: their dictionary is sorted and written on a thread of its own
    // while this one writes the entities and contributions (on a million
    // terms this thread was the last to finish).
    absl::Status dict_status;
    std::vector<rocksdb::IngestExternalFileArg> dict_args;
    uint64_t dict_bytes = 0;
    std::thread dict_thread;
    if (deferred && no_entities) {
      dictionary_apart = true;
      dict_thread = std::thread([&] {
        NameThread("kg-bulk-dict");
        dict_status = [&]() -> absl::Status {
          auto add = [&](std::string_view key, uint64_t id) {
            std::string rec;
            rec.reserve(key.size() + 1 + kIdBytes);
            rec.append(key.data(), key.size());
            rec.push_back('\0');
            AppendId(&rec, id);
            return by_key.Add(std::move(rec));
          };
          for (const Term& t : chosen) RETURN_IF_ERROR(add(key_of(t), t.wide));
          for (const auto& [id, i] : rehashed) RETURN_IF_ERROR(add(key_of(losers[i]), id));
          return write_dictionary(by_key, &dict_args, &dict_bytes);
        }();
      });
    }
    struct Join {
      std::thread* t;
      ~Join() {
        if (t->joinable()) t->join();
      }
    } join_dictionary{&dict_thread};
    if (deferred) {
      existing->SeekToFirst();
      for (const Term& t : chosen) {
        RETURN_IF_ERROR(flush(entities, contrib, t.wide, key_of(t), name_of(t)));
      }
    }
    if (!rehashed.empty()) {
      // In a file of their own: their ids fall anywhere in the others' range
      // (ingestion accepts overlapping files; the keys are distinct).
      SstOut re_entities(store_, kEntities, dir_ + "/entities.rehash.sst", &syncs);
      SstOut re_contrib(store_, kContrib, dir_ + "/contrib.rehash.sst", &syncs);
      existing->SeekToFirst();
      for (const auto& [id, i] : rehashed) {
        RETURN_IF_ERROR(flush(re_entities, re_contrib, id, key_of(losers[i]), name_of(losers[i])));
      }
      RETURN_IF_ERROR(re_entities.Finish(&t_args, &t_bytes));
      RETURN_IF_ERROR(re_contrib.Finish(&t_args, &t_bytes));
    }
    RETURN_IF_ERROR(entities.Finish(&t_args, &t_bytes));
    RETURN_IF_ERROR(contrib.Finish(&t_args, &t_bytes));
    if (dict_thread.joinable()) {
      dict_thread.join();
      RETURN_IF_ERROR(dict_status);
      t_args.insert(t_args.end(), std::make_move_iterator(dict_args.begin()),
                    std::make_move_iterator(dict_args.end()));
      t_bytes += dict_bytes;
    } else {
      RETURN_IF_ERROR(write_dictionary(by_key, &t_args, &t_bytes));
    }
    std::vector<Term>().swap(chosen);
    kTrace("terms written");
    return absl::OkStatus();
  };
  absl::Status terms_status;
  std::thread terms_thread([&] {
    NameThread("kg-bulk-terms");
    terms_status = write_terms();
  });
  // Re-hashed keys' triples: their wide ids replaced, then sorted again.
  auto apply_remap = [&](Key24& k) {
    if (auto it = remap.find(k.a); it != remap.end()) k.a = it->second;
    if (auto it = remap.find(k.c); it != remap.end()) k.c = it->second;
  };
  auto write_facts = [&]() -> absl::Status {
    // Facts: spo merged with what is stored; new triples feed pos and osp.
    RETURN_IF_ERROR(spo_->Finish());
    kTrace("spo sorted");
    result.runs_spilled = spo_->runs();
    std::vector<Key24> all;
    bool in_memory = spo_->TakeSorted(&all);
    std::future<bool> remap_future = remap_ready.get_future();
    if (in_memory) {
      spo_.reset();
      auto ids_final = [&]() -> absl::StatusOr<bool> {
        if (!remap_future.get()) return absl::AbortedError("terms not resolved");
        if (remap.empty()) return true;
        for (Key24& k : all) apply_remap(k);
        SortInParallel(all);
        return false;
      };
      return WriteFactsInMemory(store_, ro, dir_, all, ids_final, &args, &result, &syncs);
    }
    if (!remap_future.get()) return absl::AbortedError("terms not resolved");
    ExternalSorter<Key24>* source = spo_.get();
    std::unique_ptr<ExternalSorter<Key24>> remapped;
    if (!remap.empty()) {
      remapped = std::make_unique<ExternalSorter<Key24>>(dir_, "spo.remap", m / 2);
      Key24 k;
      while (true) {
        ASSIGN_OR_RETURN(bool more, spo_->Next(&k));
        if (!more) break;
        apply_remap(k);
        RETURN_IF_ERROR(remapped->Add(k));
      }
      RETURN_IF_ERROR(remapped->Finish());
      source = remapped.get();
    }
    ExternalSorter<Key24> pos(dir_, "pos", m / 4), osp(dir_, "osp", m / 4);
    SstOut spo_out(store_, kSpo, dir_ + "/spo.sst", &syncs);
    std::unique_ptr<rocksdb::Iterator> existing(db->NewIterator(ro, store_->cf(kSpo)));
    existing->SeekToFirst();
    const std::string imported = ImportedPayload();
    Key24 k;
    char buf[kKeyBuffer];
    while (true) {
      ASSIGN_OR_RETURN(bool more, source->Next(&k));
      if (!more) break;
      EncodeKey(k, buf);
      std::string_view key(buf, kTripleBytes);
      if (existing->Valid() && Sv(existing->key()) < key) {
        existing->Seek(rocksdb::Slice(key.data(), key.size()));
      }
      if (existing->Valid() && Sv(existing->key()) == key) {
        ASSIGN_OR_RETURN(std::optional<std::string> payload, ImportedOver(existing->value()));
        if (payload) RETURN_IF_ERROR(spo_out.Put(key, *payload));
        continue;
      }
      RETURN_IF_ERROR(spo_out.Put(key, imported));
      RETURN_IF_ERROR(pos.Add(Key24{k.b, k.c, k.a}));
      RETURN_IF_ERROR(osp.Add(Key24{k.c, k.a, k.b}));
      ++result.new_facts;
    }
    RETURN_IF_ERROR(FromRocks(existing->status(), store_->path()));
    existing.reset();
    remapped.reset();
    spo_.reset();
    RETURN_IF_ERROR(spo_out.Finish(&args, &result.sst_bytes));
    SstOut pos_out(store_, kPos, dir_ + "/pos.sst", &syncs),
        osp_out(store_, kOsp, dir_ + "/osp.sst", &syncs);
    absl::Status pos_status;
    std::thread t([&] {
      NameThread("kg-bulk-write");
      pos_status = WritePermutation(pos, pos_out);
    });
    absl::Status osp_status = WritePermutation(osp, osp_out);
    t.join();
    RETURN_IF_ERROR(pos_status);
    RETURN_IF_ERROR(osp_status);
    RETURN_IF_ERROR(pos_out.Finish(&args, &result.sst_bytes));
    RETURN_IF_ERROR(osp_out.Finish(&args, &result.sst_bytes));
    return absl::OkStatus();
  };
  absl::Status facts_status = write_facts();
  terms_thread.join();
  RETURN_IF_ERROR(terms_status);
  RETURN_IF_ERROR(facts_status);
  args.insert(args.end(), std::make_move_iterator(t_args.begin()),
              std::make_move_iterator(t_args.end()));
  result.sst_bytes += t_bytes;
  result.new_entities = t_new_entities;

  // The counters travel in the same ingestion, so they stay exact.
  meta.set_facts(meta.facts() + result.new_facts);
  meta.set_entities(meta.entities() + result.new_entities);
  if (result.new_facts > 0 || result.new_entities > 0) {
    SstOut meta_out(store_, kDefault, dir_ + "/meta.sst", &syncs);
    RETURN_IF_ERROR(meta_out.Put(kMetaKey, meta.SerializeAsString()));
    RETURN_IF_ERROR(meta_out.Finish(&args, &result.sst_bytes));
  }
  kTrace("files ready");
  // Nothing reads through the snapshot any more (writes are blocked by the
  // lock). Ingesting while one exists would give every file a global
  // sequence number, and bottommost files with one are rewritten by a
  // compaction soon after (a new store's whole load, once more).
  release();
  RETURN_IF_ERROR(syncs.Wait());
  kTrace("files synced");
  if (!args.empty()) {
    // One directory sync (the last family's) makes every family's links
    // durable before the MANIFEST names them (deferred_sync_fs.h).
    SkipDirSyncs skip(static_cast<int>(args.size()) - 1);
    RETURN_IF_ERROR(FromRocks(db->IngestExternalFiles(args), store_->path()));
  }
  syncs_holder.reset();  // the marks go before any other file is made
  kTrace("ingested");
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
  dir_.clear();
  return result;
}

}  // namespace kg::storage
