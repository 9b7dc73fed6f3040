#ifndef KG_CORE_WORD_CLUSTERS_H_
#define KG_CORE_WORD_CLUSTERS_H_

// kg::core::WordClusters: distributional word classes learned from
// unlabelled text, used by the entity recogniser to generalise from the
// names it saw in training to words that occur in similar contexts ("Varkala"
// near "Kerala", "Hewitt" near other company names).
//
// Each word (NormalizedWord form) seen often enough gets a vector of PPMI
// weights over its left and right neighbours (the most frequent words),
// randomly projected to a few dense dimensions and clustered by spherical
// k-means at several granularities (e.g. 64, 256 and 1024 classes); a word's
// classes are its cluster ids, one per granularity.
//
// Contract: BuildWordClusters() is deterministic for a given input and seed.
// Lookup is const and thread-safe; unknown words have no classes.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "proto/model.pb.h"

namespace kg::core {

struct WordClusterOptions {
  int min_count = 5;                         // words rarer than this get no class
  size_t max_words = 60000;                  // most frequent words kept
  int context_words = 1000;                  // neighbours used as dimensions
  int dimensions = 256;                      // random projection size
  std::vector<int> granularities = {64, 256, 1024};
  int iterations = 8;                        // k-means rounds per granularity
  uint64_t seed = 1;
};

// Clusters the words of `texts` (tokenised and split like run-time input).
WordClusterModel BuildWordClusters(const std::vector<std::string>& texts,
                                   const WordClusterOptions& options);

class WordClusters {
 public:
  WordClusters() = default;
  // Fails (returns false) on an inconsistent model; the object is then empty.
  bool Load(const WordClusterModel& model);

  int num_granularities() const { return granularities_; }
  // The word's class per granularity (values < 2^16), or nullptr if unknown.
  // `normalized` is NormalizedWord(form).
  const uint16_t* Find(std::string_view normalized) const;

  bool empty() const { return index_.empty(); }

 private:
  int granularities_ = 0;
  absl::flat_hash_map<std::string, uint32_t> index_;  // word -> offset in ids_
  std::vector<uint16_t> ids_;
};

}  // namespace kg::core

#endif  // KG_CORE_WORD_CLUSTERS_H_
