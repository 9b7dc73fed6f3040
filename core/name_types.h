#ifndef KG_CORE_NAME_TYPES_H_
#define KG_CORE_NAME_TYPES_H_

// kg::core::NameTypeTable: how a recogniser typed each capitalised word
// across a large unlabelled corpus (Wikipedia), for the recogniser's feature
// set 6. A name that the training data never saw ("Hezbollah", "Miramar")
// is often typed right somewhere in a corpus where its context says what it
// is ("the militant group Hezbollah", "in Miramar, Florida"); the share of
// its capitalised occurrences inside PERSON, ORG, LOC and other (MISC,
// EVENT) spans carries that evidence to sentences with no such context.
//
// Contract: Add() takes recognised sentences (words with their BIO tags over
// kg types, GPE counting as LOC); Finish() keeps words capitalised at least
// `min_count` times and fixes each one's value, a short string of share
// buckets ("P0O3L0M0b": mostly ORG, 10-99 occurrences). Lookups are by the
// normalised word (core/word_features.h NormalizedWord).

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "proto/model.pb.h"

namespace kg::core {

class NameTypeTable {
 public:
  // Counts one recognised sentence (`tags`: BIO, one per word).
  void Add(const std::vector<std::string>& words, const std::vector<std::string>& tags);
  // Turns the counts into values, keeping words capitalised >= min_count times.
  void Finish(int min_count = 3);

  bool empty() const { return values_.empty(); }
  size_t size() const { return values_.size(); }
  // The value of a normalised word, nullptr if the table lacks it.
  const std::string* Find(std::string_view normalized) const;

  void ToProto(NerModel* out) const;  // words sorted
  absl::Status FromProto(const NerModel& in);

 private:
  // Capitalised occurrences; inside PERSON, ORG, LOC, other spans.
  absl::flat_hash_map<std::string, std::array<uint32_t, 5>> counts_;
  absl::flat_hash_map<std::string, std::string> values_;
};

}  // namespace kg::core

#endif  // KG_CORE_NAME_TYPES_H_
