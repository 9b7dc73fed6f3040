// RocksStore's bulk reads for whole-graph passes (Store::ForEachFactBatch,
// Store::ForEachPredicate): the spo family decoded straight into FactRecords.
// The payload (a Fact message holding only confidence, flags, support and
// the seen times) is read field by field with protobuf's CodedInputStream
// instead of being parsed into a message per fact.

#include <cstdint>
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

// Reads the numbers of a fact payload into `r`; false when it is not a valid
// Fact encoding.
bool DecodePayload(std::string_view payload, FactRecord& r) {
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(payload.data()),
                                            static_cast<int>(payload.size()));
  while (true) {
    uint32_t tag = in.ReadTag();
    if (tag == 0) return in.ConsumedEntireMessage();  // end of input, not a zero tag
    switch (tag) {
      case WireFormatLite::MakeTag(Fact::kConfidenceFieldNumber, WireFormatLite::WIRETYPE_FIXED32): {
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

}  // namespace

absl::Status RocksStore::ForEachFactBatch(const std::function<bool(std::span<const FactRecord>)>& fn) {
  std::vector<FactRecord> batch;
  batch.reserve(kBatch);
  absl::Status inner;
  bool stopped = false;
  RETURN_IF_ERROR(Scan(kSpo, "", [&](std::string_view k, std::string_view v) {
    if (k.size() != kTripleBytes) {
      inner = absl::DataLossError(absl::StrCat("spo key of ", k.size(), " bytes (expected ", kTripleBytes,
                                               ") in ", path_));
      return false;
    }
    FactRecord& r = batch.emplace_back();
    r.subject = ReadId(k.data());
    r.predicate_id = ReadId(k.data() + kIdBytes);
    r.object = ReadId(k.data() + 2 * kIdBytes);
    if (!DecodePayload(v, r)) {
      inner = absl::DataLossError(absl::StrCat("unreadable fact record in the store ", path_));
      return false;
    }
    if (batch.size() == kBatch) {
      stopped = !fn(std::span<const FactRecord>(batch));
      batch.clear();
      return !stopped;
    }
    return true;
  }));
  RETURN_IF_ERROR(inner);
  if (!stopped && !batch.empty()) fn(std::span<const FactRecord>(batch));
  return absl::OkStatus();
}

absl::Status RocksStore::ForEachPredicate(const std::function<bool(uint64_t, std::string_view)>& fn) {
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
