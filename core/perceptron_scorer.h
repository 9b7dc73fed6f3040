#ifndef KG_CORE_PERCEPTRON_SCORER_H_
#define KG_CORE_PERCEPTRON_SCORER_H_

// kg::core::PerceptronScorer: a read-only, cache-friendly form of a trained
// PerceptronModel (core/averaged_perceptron.h) for fast inference.
//
// Scoring a parser state touches ~130 features in a table of millions, so it
// is bound by memory latency. This layout needs one cache miss per feature
// for most features (rows of up to two classes live inside the hash slot),
// and Score() prefetches all slots of a call before reading any, so the
// misses overlap. Weights are kept as bfloat16 (the model's own bf16
// weights, or its legacy linear 16-bit weights converted) and summed as
// floats.
//
// Limits: at most 255 classes. A feature whose hash is 0 is dropped.

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "proto/perceptron.pb.h"

namespace kg::core {

class PerceptronScorer {
 public:
  PerceptronScorer() = default;
  static absl::StatusOr<PerceptronScorer> FromProto(const PerceptronModel& model);

  int num_classes() const { return num_classes_; }
  size_t num_features() const { return num_features_; }
  // Adds the weights of `features` to `scores` (num_classes entries).
  // Unknown features add nothing. Thread-safe.
  void Score(absl::Span<const uint64_t> features, absl::Span<float> scores) const;

 private:
  struct Slot {
    uint64_t key;      // 0 = empty
    uint64_t payload;  // see perceptron_scorer.cc
  };
  size_t SlotOf(uint64_t key) const { return (key * 0x9e3779b97f4a7c15ULL) >> shift_; }

  int num_classes_ = 0;
  size_t num_features_ = 0;
  int shift_ = 63;
  size_t mask_ = 1;
  std::vector<Slot> slots_;
  std::vector<uint32_t> entries_;  // class | (bf16 weight << 8)
};

}  // namespace kg::core

#endif  // KG_CORE_PERCEPTRON_SCORER_H_
