// RocksStore's bulk reads for whole-graph passes (Store::ForEachFactBatch,
// Store::ForEachPredicate): the spo family decoded straight into FactRecords.
// The payload (a Fact message holding only confidence, flags, support and
// the seen times) is read field by field with protobuf's CodedInputStream
// instead of being parsed into a message per fact.

#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/wire_format_lite.h"
#include "proto/status_macros.h"
#include "storage/keys.h"
#include "storage/rocks_store.h"

namespace kg::storage {

namespace {

using google::protobuf::internal::WireFormatLite;

constexpr size_t kBatch = 4096;
// Largest spo family (on disk) whose scan fills the block cache (64 MiB,
// rocks_options.cc; blocks are cached uncompressed, ~3x larger).
constexpr uint64_t kCachedScanBytes = 8 << 20;

// Reads the numbers of a fact payload into `r` with protobuf's decoder;
// false when it is not a valid Fact encoding.
bool DecodePayloadSlow(std::string_view payload, FactRecord& r) {
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(payload.data()),
                                            static_cast<int>(payload.size()));
  while (true) {
    uint32_t tag = in.ReadTag();
    if (tag == 0) return in.ConsumedEntireMessage();  // end of input, not a zero tag
    switch (tag) {
      case WireFormatLite::MakeTag(Fact::kConfidenceFieldNumber,
                                   WireFormatLite::WIRETYPE_FIXED32): {
        uint32_t bits;
        if (!in.ReadLittleEndian32(&bits)) return false;
        r.confidence = WireFormatLite::DecodeFloat(bits);
        break;
      }
      case WireFormatLite::MakeTag(Fact::kFlagsFieldNumber, WireFormatLite::WIRETYPE_VARINT):
        if (!in.ReadVarint32(&r.flags)) return false;
        break;
      case WireFormatLite::MakeTag(Fact::kSupportFieldNumber, WireFormatLite::WIRETYPE_VARINT):
        if (!in.ReadVarint32(&r.support)) return false;
        break;
      default:  // seen times, fields added later: not needed here
        if (!WireFormatLite::SkipField(&in, tag)) return false;
    }
  }
}

// A base-128 varint at p (before end), advancing p; false when truncated or
// longer than 64 bits.
bool ReadVarint(const uint8_t*& p, const uint8_t* end, uint64_t* v) {
  uint64_t x = 0;
  for (int shift = 0; shift < 64 && p < end; shift += 7) {
    uint8_t b = *p++;
    x |= static_cast<uint64_t>(b & 0x7F) << shift;
    if (b < 0x80) {
      *v = x;
      return true;
    }
  }
  return false;
}

// The common case inline: a payload of varint and fixed-width fields (what
// FactPayload writes). Anything else (groups, truncation) goes to the
// library decoder, which also decides validity.
bool DecodePayload(std::string_view payload, FactRecord& r) {
  const auto* p = reinterpret_cast<const uint8_t*>(payload.data());
  const uint8_t* end = p + payload.size();
  FactRecord out = r;
  auto varint = [&](uint64_t* v) { return ReadVarint(p, end, v); };
  while (p < end) {
    uint64_t tag;
    if (!varint(&tag)) return DecodePayloadSlow(payload, r);
    const uint32_t field = static_cast<uint32_t>(tag >> 3);
    switch (static_cast<int>(tag & 7)) {
      case WireFormatLite::WIRETYPE_VARINT: {
        uint64_t v;
        if (!varint(&v)) return DecodePayloadSlow(payload, r);
        if (field == Fact::kFlagsFieldNumber) out.flags = static_cast<uint32_t>(v);
        if (field == Fact::kSupportFieldNumber) out.support = static_cast<uint32_t>(v);
        break;
      }
      case WireFormatLite::WIRETYPE_FIXED32: {
        if (end - p < 4) return DecodePayloadSlow(payload, r);
        uint32_t bits = static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
                        static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
        p += 4;
        if (field == Fact::kConfidenceFieldNumber)
          out.confidence = WireFormatLite::DecodeFloat(bits);
        break;
      }
      case WireFormatLite::WIRETYPE_FIXED64:
        if (end - p < 8) return DecodePayloadSlow(payload, r);
        p += 8;
        break;
      case WireFormatLite::WIRETYPE_LENGTH_DELIMITED: {
        uint64_t n;
        if (!varint(&n) || n > static_cast<uint64_t>(end - p)) return DecodePayloadSlow(payload, r);
        p += n;
        break;
      }
      default:
        return DecodePayloadSlow(payload, r);
    }
    if (field == 0) return DecodePayloadSlow(payload, r);
  }
  r = out;
  return true;
}

// The type field of an Entity value (field 3, varint); the other fields are
// skipped unparsed. False when the bytes are not a valid Entity encoding.
bool DecodeEntityType(std::string_view value, EntityType& type) {
  const auto* p = reinterpret_cast<const uint8_t*>(value.data());
  const uint8_t* end = p + value.size();
  auto varint = [&](uint64_t* v) { return ReadVarint(p, end, v); };
  uint64_t found = ENTITY_TYPE_UNSPECIFIED;
  while (p < end) {
    uint64_t tag;
    if (!varint(&tag) || (tag >> 3) == 0) return false;
    switch (static_cast<int>(tag & 7)) {
      case WireFormatLite::WIRETYPE_VARINT: {
        uint64_t v;
        if (!varint(&v)) return false;
        if ((tag >> 3) == Entity::kTypeFieldNumber) found = v;
        break;
      }
      case WireFormatLite::WIRETYPE_FIXED32:
        if (end - p < 4) return false;
        p += 4;
        break;
      case WireFormatLite::WIRETYPE_FIXED64:
        if (end - p < 8) return false;
        p += 8;
        break;
      case WireFormatLite::WIRETYPE_LENGTH_DELIMITED: {
        uint64_t n;
        if (!varint(&n) || n > static_cast<uint64_t>(end - p)) return false;
        p += n;
        break;
      }
      default:
        return false;
    }
  }
  // An enum value this build does not know reads as unspecified (proto3
  // keeps it as an open enum, EntityType_IsValid decides).
  type = found <= INT32_MAX && EntityType_IsValid(static_cast<int>(found))
             ? static_cast<EntityType>(found)
             : ENTITY_TYPE_UNSPECIFIED;
  return true;
}

// The common encoding inline, anything else (groups) through the library.
bool DecodeEntityTypeOrParse(std::string_view value, EntityType& type) {
  if (DecodeEntityType(value, type)) return true;
  Entity e;
  if (!e.ParseFromArray(value.data(), static_cast<int>(value.size()))) return false;
  type = e.type();
  return true;
}

// Read options of a whole-family pass: one sequential read, ahead in large
// steps. A small family stays in the block cache (the next projection, after
// a change to the store, then reads it warm); a large one would only evict
// the blocks point reads need.
rocksdb::ReadOptions ScanOptions(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* family,
                                 const rocksdb::Snapshot* snapshot) {
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot;
  ro.total_order_seek = true;
  uint64_t live_bytes = 0;
  ro.fill_cache = db->GetIntProperty(family, "rocksdb.estimate-live-data-size", &live_bytes) &&
                  live_bytes < kCachedScanBytes;
  ro.readahead_size = 4 << 20;
  ro.adaptive_readahead = true;
  return ro;
}

// Part `part` of `parts` equal ranges of the 48-bit id space, as 6-byte
// big-endian key bounds (the upper one empty for the last part).
std::pair<std::string, std::string> PartBounds(int part, int parts) {
  constexpr uint64_t kMaxId = (uint64_t{1} << kIdBits) - 1;
  const uint64_t step = parts <= 1 ? 0 : (kMaxId / static_cast<uint64_t>(parts)) + 1;
  std::string lo, hi;
  AppendId(&lo, step * static_cast<uint64_t>(part));
  if (part + 1 < parts) AppendId(&hi, step * static_cast<uint64_t>(part + 1));
  return {lo, hi};
}

// DecodePayload, remembering the last payload decoded: runs of equal
// payloads (every imported fact has the same one) skip the decoding.
class PayloadDecoder {
 public:
  bool Decode(rocksdb::Slice v, FactRecord& r) {
    if (v.size() == last_size_ && v.size() <= sizeof(last_) &&
        std::memcmp(v.data(), last_, v.size()) == 0) {
      r.confidence = confidence_;
      r.flags = flags_;
      r.support = support_;
      return true;
    }
    if (!DecodePayload(std::string_view(v.data(), v.size()), r)) return false;
    if (v.size() <= sizeof(last_)) {
      std::memcpy(last_, v.data(), v.size());
      last_size_ = v.size();
      confidence_ = r.confidence;
      flags_ = r.flags;
      support_ = r.support;
    }
    return true;
  }

 private:
  char last_[32] = {};
  size_t last_size_ = SIZE_MAX;
  float confidence_ = 0;
  uint32_t flags_ = 0, support_ = 0;
};

}  // namespace

absl::Status RocksStore::ForEachFactBatch(
    const std::function<bool(std::span<const FactRecord>)>& fn) {
  // The consistency of every read call (see ReadView in rocks_store.cc): a
  // snapshot in the writer process, the shared view lock in a secondary.
  std::shared_lock<std::shared_mutex> view_lock(view_mu_);
  const rocksdb::Snapshot* snapshot = read_only_ ? nullptr : db_->GetSnapshot();
  rocksdb::ReadOptions ro = ScanOptions(db_, cf(kSpo), snapshot);
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, cf(kSpo)));
  std::vector<FactRecord> batch;
  batch.reserve(kBatch);
  PayloadDecoder payloads;
  absl::Status inner;
  bool stopped = false;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    rocksdb::Slice k = it->key();
    if (k.size() != kTripleBytes) {
      inner = absl::DataLossError(
          absl::StrCat("spo key of ", k.size(), " bytes (expected ", kTripleBytes, ") in ", path_));
      break;
    }
    FactRecord& r = batch.emplace_back();
    r.subject = ReadId(k.data());
    r.predicate_id = ReadId(k.data() + kIdBytes);
    r.object = ReadId(k.data() + 2 * kIdBytes);
    rocksdb::Slice v = it->value();
    if (!payloads.Decode(v, r)) {
      inner = absl::DataLossError(absl::StrCat("unreadable fact record in the store ", path_));
      break;
    }
    if (batch.size() == kBatch) {
      stopped = !fn(std::span<const FactRecord>(batch));
      batch.clear();
      if (stopped) break;
    }
  }
  absl::Status scanned = FromRocks(it->status(), path_);
  it.reset();
  if (snapshot != nullptr) db_->ReleaseSnapshot(snapshot);
  RETURN_IF_ERROR(scanned);
  RETURN_IF_ERROR(inner);
  if (!stopped && !batch.empty()) fn(std::span<const FactRecord>(batch));
  return absl::OkStatus();
}

absl::Status RocksStore::ForEachPredicate(
    const std::function<bool(uint64_t, std::string_view)>& fn) {
  absl::Status inner;
  RETURN_IF_ERROR(Scan(kPredicates, "", [&](std::string_view k, std::string_view v) {
    if (k.size() != kIdBytes) {
      inner = absl::DataLossError(absl::StrCat("predicate key of ", k.size(), " bytes in ", path_));
      return false;
    }
    return fn(ReadId(k.data()), v);
  }));
  return inner;
}

}  // namespace kg::storage

namespace kg::storage {

absl::Status RocksStore::ScanGraph(const GraphScan& scan) {
  if (!scan.entities || !scan.entities_done || !scan.facts) {
    return absl::InvalidArgumentError("ScanGraph: every callback must be set");
  }
  if (scan.parts < 1 || scan.parts > 64) {
    return absl::InvalidArgumentError(absl::StrCat("ScanGraph: ", scan.parts, " parts (1 to 64)"));
  }
  // One view for every pass and thread: a snapshot in the writer process,
  // the shared view lock in a secondary (see ReadView in rocks_store.cc).
  std::shared_lock<std::shared_mutex> view_lock(view_mu_);
  const rocksdb::Snapshot* snapshot = read_only_ ? nullptr : db_->GetSnapshot();
  std::atomic<bool> stop{false};

  // Runs pass(part) for every part, parts 1.. on threads of their own.
  auto run_parts = [&](const std::function<absl::Status(int)>& pass) {
    std::vector<absl::Status> status(scan.parts);
    std::vector<std::thread> threads;
    int inline_from = scan.parts;
    for (int part = 1; part < scan.parts; ++part) {
      try {
        threads.emplace_back([&, part] { status[part] = pass(part); });
      } catch (const std::system_error&) {  // no thread: read the rest here
        inline_from = part;
        break;
      }
    }
    status[0] = pass(0);
    for (int part = inline_from; part < scan.parts; ++part) status[part] = pass(part);
    for (std::thread& t : threads) t.join();
    for (const absl::Status& s : status) RETURN_IF_ERROR(s);
    return absl::OkStatus();
  };

  // One part of one family: fn(key, value) per entry, false to stop.
  auto scan_part =
      [&](Cf family, int part,
          const std::function<absl::Status(rocksdb::Slice, rocksdb::Slice, bool&)>& fn) {
        auto [lo, hi] = PartBounds(part, scan.parts);
        rocksdb::Slice lower(lo), upper(hi);
        rocksdb::ReadOptions ro = ScanOptions(db_, cf(family), snapshot);
        ro.iterate_lower_bound = &lower;
        if (!hi.empty()) ro.iterate_upper_bound = &upper;
        std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, cf(family)));
        absl::Status inner;
        bool more = true;
        for (it->Seek(lower); more && it->Valid() && !stop.load(std::memory_order_relaxed);
             it->Next()) {
          inner = fn(it->key(), it->value(), more);
          if (!inner.ok()) break;
        }
        if (!more) stop = true;
        RETURN_IF_ERROR(FromRocks(it->status(), path_));
        if (!inner.ok()) stop = true;
        return inner;
      };

  absl::Status result = run_parts([&](int part) -> absl::Status {
    std::vector<EntityTypeRecord> batch;
    batch.reserve(kBatch);
    RETURN_IF_ERROR(scan_part(kEntities, part, [&](rocksdb::Slice k, rocksdb::Slice v, bool& more) {
      if (k.size() != kIdBytes) {
        return absl::DataLossError(absl::StrCat("entity key of ", k.size(), " bytes (expected ",
                                                kIdBytes, ") in ", path_));
      }
      EntityTypeRecord& r = batch.emplace_back();
      r.id = ReadId(k.data());
      if (!DecodeEntityTypeOrParse(std::string_view(v.data(), v.size()), r.type)) {
        return absl::DataLossError(
            absl::StrFormat("unreadable entity %016x in the store %s", r.id, path_));
      }
      if (batch.size() == kBatch) {
        more = scan.entities(part, std::span<const EntityTypeRecord>(batch));
        batch.clear();
      }
      return absl::OkStatus();
    }));
    if (!batch.empty() && !stop && !scan.entities(part, std::span<const EntityTypeRecord>(batch)))
      stop = true;
    return absl::OkStatus();
  });
  if (result.ok() && !stop && !scan.entities_done()) stop = true;
  if (result.ok() && !stop) {
    result = run_parts([&](int part) -> absl::Status {
      std::vector<FactRecord> batch;
      batch.reserve(kBatch);
      PayloadDecoder payloads;
      RETURN_IF_ERROR(scan_part(kSpo, part, [&](rocksdb::Slice k, rocksdb::Slice v, bool& more) {
        if (k.size() != kTripleBytes) {
          return absl::DataLossError(absl::StrCat("spo key of ", k.size(), " bytes (expected ",
                                                  kTripleBytes, ") in ", path_));
        }
        FactRecord& r = batch.emplace_back();
        r.subject = ReadId(k.data());
        r.predicate_id = ReadId(k.data() + kIdBytes);
        r.object = ReadId(k.data() + 2 * kIdBytes);
        if (!payloads.Decode(v, r)) {
          return absl::DataLossError(absl::StrCat("unreadable fact record in the store ", path_));
        }
        if (batch.size() == kBatch) {
          more = scan.facts(part, std::span<const FactRecord>(batch));
          batch.clear();
        }
        return absl::OkStatus();
      }));
      if (!batch.empty() && !stop && !scan.facts(part, std::span<const FactRecord>(batch)))
        stop = true;
      return absl::OkStatus();
    });
  }
  if (snapshot != nullptr) db_->ReleaseSnapshot(snapshot);
  return result;
}

}  // namespace kg::storage
