// RocksStore's bulk reads for whole-graph passes (Store::ForEachFactBatch,
// Store::ForEachPredicate): the spo family decoded straight into FactRecords.
// The payload (a Fact message holding only confidence, flags, support and
// the seen times) is read field by field with protobuf's CodedInputStream
// instead of being parsed into a message per fact.

#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
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

// The common case inline: a payload of varint and fixed-width fields (what
// FactPayload writes). Anything else (groups, truncation) goes to the
// library decoder, which also decides validity.
bool DecodePayload(std::string_view payload, FactRecord& r) {
  const auto* p = reinterpret_cast<const uint8_t*>(payload.data());
  const uint8_t* end = p + payload.size();
  FactRecord out = r;
  auto varint = [&](uint64_t* v) {
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
  };
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

}  // namespace

absl::Status RocksStore::ForEachFactBatch(
    const std::function<bool(std::span<const FactRecord>)>& fn) {
  // The consistency of every read call (see ReadView in rocks_store.cc): a
  // snapshot in the writer process, the shared view lock in a secondary.
  std::shared_lock<std::shared_mutex> view_lock(view_mu_);
  rocksdb::ReadOptions ro;
  const rocksdb::Snapshot* snapshot = read_only_ ? nullptr : db_->GetSnapshot();
  ro.snapshot = snapshot;
  ro.total_order_seek = true;
  // One sequential pass over the whole family, read ahead in large steps.
  // A small family stays in the block cache (the next projection, after a
  // change to the store, then reads it warm); a large one would only evict
  // the blocks point reads need.
  uint64_t live_bytes = 0;
  ro.fill_cache = db_->GetIntProperty(cf(kSpo), "rocksdb.estimate-live-data-size", &live_bytes) &&
                  live_bytes < kCachedScanBytes;
  ro.readahead_size = 4 << 20;
  ro.adaptive_readahead = true;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, cf(kSpo)));
  std::vector<FactRecord> batch;
  batch.reserve(kBatch);
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
    if (!DecodePayload(std::string_view(v.data(), v.size()), r)) {
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
