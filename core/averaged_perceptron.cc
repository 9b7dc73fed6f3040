#include "core/averaged_perceptron.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "core/feature_hash.h"

namespace kg::core {
namespace {

uint32_t ToBf16(float w) {
  uint32_t bits = std::bit_cast<uint32_t>(w);
  bits += 0x7fff + ((bits >> 16) & 1);  // round to nearest even
  return bits >> 16;
}

float FromBf16(uint32_t b) { return std::bit_cast<float>(b << 16); }

}  // namespace

uint64_t FeatureHash(std::string_view s) { return SplitMix64(Fnv1a(kFnvOffset, s)); }

uint64_t FeatureHash(uint64_t template_id, std::string_view value) {
  return SplitMix64(Fnv1a(FeatureSeed(template_id), value));
}

uint64_t FeatureHash(uint64_t template_id, std::string_view a, std::string_view b) {
  return SplitMix64(Fnv1a(FeatureSeparator(Fnv1a(FeatureSeed(template_id), a)), b));
}

void AveragedPerceptron::Score(absl::Span<const uint64_t> features,
                               absl::Span<float> scores) const {
  for (uint64_t f : features) {
    auto it = index_.find(f);
    if (it == index_.end()) continue;
    if (averaged_) {
      const Entry* e = entries_.data() + row_begin_[it->second];
      const Entry* end = entries_.data() + row_begin_[it->second + 1];
      for (; e != end; ++e) scores[e->cls] += e->weight;
    } else {
      for (const Param& p : rows_[it->second]) scores[p.cls] += p.weight;
    }
  }
}

int AveragedPerceptron::Predict(absl::Span<const uint64_t> features,
                                absl::Span<const bool> allowed) const {
  std::vector<float> scores(num_classes_, 0.0f);
  Score(features, absl::MakeSpan(scores));
  int best = -1;
  float best_score = -std::numeric_limits<float>::infinity();
  for (int c = 0; c < num_classes_; ++c) {
    if (!allowed.empty() && !allowed[c]) continue;
    if (best < 0 || scores[c] > best_score) {
      best = c;
      best_score = scores[c];
    }
  }
  return best < 0 ? 0 : best;
}

void AveragedPerceptron::Add(absl::Span<const uint64_t> features, int cls, float amount) {
  if (averaged_) return;
  for (uint64_t f : features) {
    auto [it, inserted] = index_.try_emplace(f, static_cast<uint32_t>(rows_.size()));
    if (inserted) rows_.emplace_back();
    Touch(rows_[it->second], cls, amount);
  }
}

void AveragedPerceptron::Touch(std::vector<Param>& row, int cls, float delta) {
  for (Param& p : row) {
    if (p.cls == cls) {
      p.total += static_cast<float>(clock_ - p.stamp) * p.weight;
      p.stamp = clock_;
      p.weight += delta;
      return;
    }
  }
  row.push_back({cls, delta, 0.0f, clock_});
}

void AveragedPerceptron::Update(absl::Span<const uint64_t> features, int truth, int guess,
                                float amount) {
  ++clock_;
  if (truth == guess || averaged_) return;
  for (uint64_t f : features) {
    auto [it, inserted] = index_.try_emplace(f, static_cast<uint32_t>(rows_.size()));
    if (inserted) rows_.emplace_back();
    std::vector<Param>& row = rows_[it->second];
    Touch(row, truth, amount);
    if (guess >= 0) Touch(row, guess, -amount);
  }
}

void AveragedPerceptron::Average() {
  if (averaged_) return;
  row_begin_.assign(rows_.size() + 1, 0);
  entries_.clear();
  const double clock = static_cast<double>(std::max<int64_t>(clock_, 1));
  for (size_t r = 0; r < rows_.size(); ++r) {
    row_begin_[r] = static_cast<uint32_t>(entries_.size());
    for (const Param& p : rows_[r]) {
      double total = p.total + static_cast<double>(clock_ - p.stamp) * p.weight;
      float avg = static_cast<float>(total / clock);
      if (avg != 0.0f) entries_.push_back({static_cast<uint32_t>(p.cls), avg});
    }
  }
  row_begin_[rows_.size()] = static_cast<uint32_t>(entries_.size());
  rows_.clear();
  rows_.shrink_to_fit();
  averaged_ = true;
}

void AveragedPerceptron::ToProto(PerceptronModel* out, float prune) const {
  AveragedPerceptron copy;
  const AveragedPerceptron* self = this;
  if (!averaged_) {  // serialise the current (unaveraged) weights
    copy = *this;
    copy.clock_ = 1;  // an average over one step is the current weight
    for (auto& row : copy.rows_) {
      for (Param& p : row) {
        p.total = 0.0f;
        p.stamp = 0;
      }
    }
    copy.Average();
    self = &copy;
  }
  std::vector<std::pair<uint64_t, uint32_t>> order(self->index_.begin(), self->index_.end());
  std::sort(order.begin(), order.end());
  out->Clear();
  out->set_num_classes(static_cast<uint32_t>(num_classes_));
  for (const auto& [feature, row] : order) {
    uint32_t size = 0;
    for (uint32_t k = self->row_begin_[row]; k < self->row_begin_[row + 1]; ++k) {
      const Entry& e = self->entries_[k];
      if (std::fabs(e.weight) < prune) continue;
      uint32_t b = ToBf16(e.weight);
      if ((b & 0x7fff) == 0) continue;  // rounds to zero
      out->add_classes(e.cls);
      out->add_bf16(b);
      ++size;
    }
    if (size == 0) continue;
    out->add_features(feature);
    out->add_row_sizes(size);
  }
}

absl::StatusOr<AveragedPerceptron> AveragedPerceptron::FromProto(const PerceptronModel& in) {
  if (in.num_classes() == 0) {
    return absl::InvalidArgumentError("perceptron model has no classes");
  }
  const bool bf16 = in.bf16_size() > 0;
  const int weights = bf16 ? in.bf16_size() : in.qweights_size();
  if (in.features_size() != in.row_sizes_size() || in.classes_size() != weights) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "perceptron model is inconsistent: %d features, %d rows, %d classes, %d weights",
        in.features_size(), in.row_sizes_size(), in.classes_size(), weights));
  }
  AveragedPerceptron p(static_cast<int>(in.num_classes()));
  p.averaged_ = true;
  p.index_.reserve(in.features_size());
  p.row_begin_.reserve(in.features_size() + 1);
  p.entries_.reserve(in.classes_size());
  const float scale = in.scale();
  size_t k = 0;
  for (int r = 0; r < in.features_size(); ++r) {
    p.row_begin_.push_back(static_cast<uint32_t>(k));
    uint32_t size = in.row_sizes(r);
    if (k + size > static_cast<size_t>(in.classes_size())) {
      return absl::InvalidArgumentError(
          absl::StrFormat("perceptron model row %d overruns the weights", r));
    }
    for (uint32_t j = 0; j < size; ++j, ++k) {
      uint32_t cls = in.classes(static_cast<int>(k));
      if (cls >= in.num_classes()) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "perceptron model class %u out of range (%u classes)", cls, in.num_classes()));
      }
      float w = bf16 ? FromBf16(in.bf16(static_cast<int>(k)))
                     : static_cast<float>(in.qweights(static_cast<int>(k))) * scale;
      p.entries_.push_back({cls, w});
    }
    if (!p.index_.try_emplace(in.features(r), static_cast<uint32_t>(r)).second) {
      return absl::InvalidArgumentError(
          absl::StrFormat("perceptron model repeats feature %016x", in.features(r)));
    }
  }
  if (k != static_cast<size_t>(in.classes_size())) {
    return absl::InvalidArgumentError("perceptron model has weights outside any row");
  }
  p.row_begin_.push_back(static_cast<uint32_t>(k));
  return p;
}

}  // namespace kg::core
