#ifndef KG_CORE_PERCEPTRON_SCORER_H_
#define KG_CORE_PERCEPTRON_SCORER_H_

// kg::core::PerceptronScorer: a read-only, cache-friendly form of a trained
// PerceptronModel (core/averaged_perceptron.h) for fast inference, used by
// the tagger, the parser and the recogniser.
//
// Scoring touches tens to hundreds of features in a table of up to millions,
// and the frequent features carry weights for most classes. The layout:
//  - an open-addressing hash table (in transparent huge pages when the
//    kernel offers them, so random probes rarely miss the TLB); rows of up
//    to two classes live inside the slot, so most rare features cost one
//    cache miss;
//  - longer rows as (class, weight) lists, or, when they cover at least an
//    eighth of the classes, as masked rows (a bit per class, then only the
//    weights present) added 16 classes at a time with AVX-512 where the CPU
//    has it; in a model only Score() can sum (exact_any_order_limit() under
//    64), rows of 4 or more classes are masked too;
//  - rows stored longest first, so the rows of frequent features share
//    cache lines;
//  - in a model of three classes, every row inline: its three weights
//    (zeros for classes it lacks) fill the slot's payload.
// Score() prefetches the slots of up to 64 features before reading any, so
// the misses overlap. Weights are bfloat16 (the model's own, or its legacy
// linear 16-bit weights converted) and summed as floats.
//
// Results are exactly those of summing each feature's weights in the order
// documented per method: float addition is not associative, and the saved
// models' decisions (near ties included) were fixed with these orders.
// Within one row each class occurs once (rows repeating a class stay
// lists, summed in order), so the order inside a row does not matter.
//
// Limits: at most 255 classes.

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "proto/perceptron.pb.h"

namespace kg::core {

class PerceptronScorer {
 public:
  PerceptronScorer() = default;
  // `allow_simd` = false keeps to the portable code (for tests comparing
  // the two; the results are the same).
  static absl::StatusOr<PerceptronScorer> FromProto(const PerceptronModel& model,
                                                    bool allow_simd = true);

  int num_classes() const { return num_classes_; }
  size_t num_features() const { return num_features_; }

  // Adds the weights of `features` to `scores` (num_classes entries), each
  // class's weights in the order of `features` (as
  // AveragedPerceptron::Score). Unknown features add nothing. Thread-safe.
  void Score(absl::Span<const uint64_t> features, absl::Span<float> scores) const;

  // The largest number of features whose sums are the same in ANY order:
  // when every weight is a multiple of one power of two 2^-q and the
  // largest |weight| per feature and class times this number stays within
  // 2^(24 - q), every partial float sum is exactly representable, so no
  // addition rounds. 0 when the model gives no such guarantee. Callers
  // scoring at most this many features may split them into subsets, sum
  // the subsets apart (Score) and add the results, and get bit-identical
  // scores (up to the sign of a zero).
  size_t exact_any_order_limit() const { return exact_any_order_limit_; }

  // For callers within exact_any_order_limit(): the weights of the features
  // in [begin[g], begin[g + 1]) are added to outputs[g], for g < num_groups
  // (`begin` has num_groups + 1 entries, begin[0] = 0, ending at
  // features.size()). The look-ups of all groups overlap.
  void ScoreGroups(absl::Span<const uint64_t> features, const size_t* begin, int num_groups,
                   float* const* outputs) const;

  // The same sum in the parser's order: features in runs of 64; within a
  // run, first the features with at most two classes, then the others, each
  // group in feature order.
  void ScoreShortRowsFirst(absl::Span<const uint64_t> features, absl::Span<float> scores) const;

 private:
  struct Slot {
    uint64_t key;      // 0 = empty (key 0 itself is kept in zero_payload_)
    uint64_t payload;  // see perceptron_scorer.cc
  };
  struct SlotBlock;  // huge-page memory

  size_t SlotOf(uint64_t key) const { return (key * 0x9e3779b97f4a7c15ULL) >> shift_; }
  // Payload of `key`, or 0 if absent; `i` its (prefetched) home slot.
  uint64_t Find(uint64_t key, size_t i) const;
  void AddRow(uint64_t payload, float* scores) const;
  // The rows of payloads rows[0, n), each row's weights in order when
  // `in_order`, else in any order (exact sums only).
  void AddRows(const uint64_t* rows, size_t n, float* scores, bool in_order) const;
  void PrefetchRow(uint64_t payload) const;
  // rows[j] = the row of f[j] for j < n, in two passes (slots, then rows)
  // that prefetch ahead so the cache misses of the n look-ups overlap.
  void FindRows(const uint64_t* f, size_t n, size_t* where, uint64_t* rows) const;

  int num_classes_ = 0;
  size_t num_features_ = 0;
  size_t exact_any_order_limit_ = 0;
  int shift_ = 63;
  size_t mask_ = 1;
  std::shared_ptr<const SlotBlock> block_;  // shared by copies; immutable
  const Slot* slots_ = nullptr;
  uint64_t zero_payload_ = 0;
  std::vector<uint32_t> entries_;  // class | (bf16 weight << 8)
  std::vector<uint16_t> masked_;   // masked rows (perceptron_scorer.cc)
  int chunks_ = 1;                 // masks per masked row
  bool simd_rows_ = false;         // AVX-512 for masked rows
  // Three classes and every row inline (the two-stage parser's moves):
  // ScoreGroups sums four slot payloads per vector step.
  bool all_triples_ = false;
};

}  // namespace kg::core

#endif  // KG_CORE_PERCEPTRON_SCORER_H_
