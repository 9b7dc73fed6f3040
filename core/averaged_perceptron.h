#ifndef KG_CORE_AVERAGED_PERCEPTRON_H_
#define KG_CORE_AVERAGED_PERCEPTRON_H_

// kg::core::AveragedPerceptron: a multiclass linear model over sparse binary
// features, trained online with the averaged perceptron (Collins 2002).
// Shared by the tagger, the entity recogniser and the dependency parser.
//
// Features are 64-bit hashes (see FeatureHash below); each feature owns a
// sparse row of (class, weight) pairs, so a feature seen with few classes
// costs little. Life cycle:
//   AveragedPerceptron p(num_classes);
//   for each example: p.Score(features, scores) / p.Predict(features);
//                     p.Update(features, truth, guess);   // once per example
//   p.Average();          // weights := their average over all updates
//   p.ToProto(&msg);      // pruned, weights as bfloat16
//   AveragedPerceptron::FromProto(msg) -> a model for inference.
// Score/Predict are const and thread-safe once training is over.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "proto/perceptron.pb.h"

namespace kg::core {

// A stable 64-bit hash for feature strings (FNV-1a then a mixer); stable
// across runs and platforms, as saved models depend on it.
uint64_t FeatureHash(std::string_view s);
// Hash of a (template id, value) pair, cheaper than building the string.
uint64_t FeatureHash(uint64_t template_id, std::string_view value);
uint64_t FeatureHash(uint64_t template_id, std::string_view a, std::string_view b);

class AveragedPerceptron {
 public:
  AveragedPerceptron() = default;
  explicit AveragedPerceptron(int num_classes) : num_classes_(num_classes) {}

  int num_classes() const { return num_classes_; }
  // Number of features with at least one weight.
  size_t num_features() const { return index_.size(); }

  // Adds the weights of `features` to `scores` (num_classes entries; the
  // caller zeroes or biases them first). Unknown features contribute 0.
  void Score(absl::Span<const uint64_t> features, absl::Span<float> scores) const;

  // argmax over classes of the score (lowest class index on ties); with
  // `allowed` non-empty, only classes whose allowed[c] is true compete.
  int Predict(absl::Span<const uint64_t> features, absl::Span<const bool> allowed = {}) const;

  // One training example: the model predicted `guess`, the answer is
  // `truth`. Moves weights toward truth and away from guess when they
  // differ. Call once per example, also when right (it advances the clock
  // used for averaging).
  void Update(absl::Span<const uint64_t> features, int truth, int guess, float amount = 1.0f);

  // Adds `amount` to the weights of `cls` for `features` without advancing
  // the clock: the extra parts of a structured update whose features differ
  // between the true and the predicted structure (call Update once per
  // example as well, to advance the clock).
  void Add(absl::Span<const uint64_t> features, int cls, float amount);

  // Replaces each weight by its average over all examples seen; training
  // state is dropped. Idempotent.
  void Average();

  // Serialises weights with |w| >= prune (after averaging) as bfloat16:
  // 16 bits each but the full float range, which averaged weights need
  // (a rare feature's weight is tiny yet decides its word).
  void ToProto(PerceptronModel* out, float prune = 0.0f) const;
  static absl::StatusOr<AveragedPerceptron> FromProto(const PerceptronModel& in);

 private:
  struct Param {
    int32_t cls;
    float weight;
    float total;    // sum of weight over time, up to `stamp`
    int64_t stamp;  // clock when `total` was last brought up to date
  };
  struct Entry {
    uint32_t cls;
    float weight;
  };

  void Touch(std::vector<Param>& row, int cls, float delta);

  int num_classes_ = 0;
  int64_t clock_ = 0;
  bool averaged_ = false;
  // feature -> row. While training rows_ holds Params; after Average() or
  // loading, the compact (class, weight) arrays are used: row r spans
  // entries_[row_begin_[r], row_begin_[r + 1]).
  absl::flat_hash_map<uint64_t, uint32_t> index_;
  std::vector<std::vector<Param>> rows_;
  std::vector<uint32_t> row_begin_;
  std::vector<Entry> entries_;
};

}  // namespace kg::core

#endif  // KG_CORE_AVERAGED_PERCEPTRON_H_
