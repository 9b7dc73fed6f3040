#include "core/perceptron_scorer.h"

#include <algorithm>
#include <bit>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"

namespace kg::core {
namespace {

// Slot payload: bits 0-7 the row's size. Rows of <= 2 entries are inline:
// entry k (24 bits: class in the low byte, weight above) at bit 8 + 24k.
// Longer rows: bits 32-63 the offset of the row in entries_.
constexpr int kMaxInline = 2;

inline uint64_t PackEntry(uint32_t cls, uint32_t bf16) {
  return static_cast<uint64_t>(cls & 0xff) | (static_cast<uint64_t>(bf16 & 0xffff) << 8);
}

inline uint32_t ToBf16(float w) {
  uint32_t bits = std::bit_cast<uint32_t>(w);
  bits += 0x7fff + ((bits >> 16) & 1);  // round to nearest even
  return bits >> 16;
}

inline float FromBf16(uint64_t b) {
  return std::bit_cast<float>(static_cast<uint32_t>(b & 0xffff) << 16);
}

}  // namespace

absl::StatusOr<PerceptronScorer> PerceptronScorer::FromProto(const PerceptronModel& in) {
  if (in.num_classes() == 0 || in.num_classes() > 255) {
    return absl::InvalidArgumentError(
        absl::StrFormat("perceptron model has %u classes (1..255 supported)", in.num_classes()));
  }
  const bool bf16 = in.bf16_size() > 0;
  const int num_weights = bf16 ? in.bf16_size() : in.qweights_size();
  if (in.features_size() != in.row_sizes_size() || in.classes_size() != num_weights) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "perceptron model is inconsistent: %d features, %d rows, %d classes, %d weights",
        in.features_size(), in.row_sizes_size(), in.classes_size(), num_weights));
  }
  PerceptronScorer s;
  s.num_classes_ = static_cast<int>(in.num_classes());
  size_t capacity = 16;
  int bits = 4;
  while (capacity < 2 * static_cast<size_t>(in.features_size())) capacity <<= 1, ++bits;
  s.shift_ = 64 - bits;
  s.mask_ = capacity - 1;
  s.slots_.assign(capacity, Slot{0, 0});

  size_t k = 0;
  for (int r = 0; r < in.features_size(); ++r) {
    const uint32_t size = in.row_sizes(r);
    if (size > in.num_classes() || k + size > static_cast<size_t>(in.classes_size())) {
      return absl::InvalidArgumentError(
          absl::StrFormat("perceptron model row %d has a bad size %u", r, size));
    }
    uint64_t payload = size;
    if (size > kMaxInline) payload |= static_cast<uint64_t>(s.entries_.size()) << 32;
    for (uint32_t j = 0; j < size; ++j, ++k) {
      const uint32_t cls = in.classes(static_cast<int>(k));
      if (cls >= in.num_classes()) {
        return absl::InvalidArgumentError(
            absl::StrFormat("perceptron model row %d has a bad class %u", r, cls));
      }
      const uint32_t w =
          bf16 ? in.bf16(static_cast<int>(k))
               : ToBf16(static_cast<float>(in.qweights(static_cast<int>(k))) * in.scale());
      const uint64_t e = PackEntry(cls, w);
      if (size <= kMaxInline) {
        payload |= e << (8 + 24 * j);
      } else {
        s.entries_.push_back(static_cast<uint32_t>(e));
      }
    }
    const uint64_t key = in.features(r);
    if (key == 0) continue;
    size_t i = s.SlotOf(key);
    while (s.slots_[i].key != 0) {
      if (s.slots_[i].key == key) {
        return absl::InvalidArgumentError(
            absl::StrFormat("perceptron model repeats feature %016x", key));
      }
      i = (i + 1) & s.mask_;
    }
    s.slots_[i] = Slot{key, payload};
    ++s.num_features_;
  }
  if (k != static_cast<size_t>(in.classes_size())) {
    return absl::InvalidArgumentError("perceptron model has weights outside any row");
  }
  return s;
}

void PerceptronScorer::Score(absl::Span<const uint64_t> features, absl::Span<float> scores) const {
  if (slots_.empty()) return;
  constexpr size_t kBatch = 64;
  size_t where[kBatch];
  uint64_t rows[kBatch];
  for (size_t begin = 0; begin < features.size(); begin += kBatch) {
    const size_t end = std::min(features.size(), begin + kBatch);
    for (size_t f = begin; f < end; ++f) {
      where[f - begin] = SlotOf(features[f]);
      __builtin_prefetch(&slots_[where[f - begin]]);
    }
    size_t num_rows = 0;
    for (size_t f = begin; f < end; ++f) {
      const uint64_t key = features[f];
      size_t i = where[f - begin];
      while (slots_[i].key != key) {
        if (slots_[i].key == 0) break;
        i = (i + 1) & mask_;
      }
      if (slots_[i].key != key || key == 0) continue;
      const uint64_t p = slots_[i].payload;
      const uint32_t size = p & 0xff;
      if (size > kMaxInline) {
        __builtin_prefetch(&entries_[p >> 32]);
        rows[num_rows++] = p;
        continue;
      }
      for (uint32_t j = 0; j < size; ++j) {
        const uint64_t e = p >> (8 + 24 * j);
        scores[e & 0xff] += FromBf16(e >> 8);
      }
    }
    for (size_t r = 0; r < num_rows; ++r) {
      const uint32_t* e = entries_.data() + (rows[r] >> 32);
      const uint32_t* e_end = e + (rows[r] & 0xff);
      for (; e != e_end; ++e) {
        scores[*e & 0xff] += FromBf16(*e >> 8);
      }
    }
  }
}

}  // namespace kg::core
