#include "core/perceptron_scorer.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "core/cpu_features.h"
#include "core/huge_pages.h"

namespace kg::core {
namespace {

// Slot payload: bits 0-7 the row's size (0 = no row). Rows of <= 2 entries
// are inline: entry k (24 bits: class in the low byte, weight above) at bit
// 8 + 24k. Longer rows: bit 8 set for a masked row; bits 32-63 the row's
// offset in entries_ (sparse) or masked_ (masked).
//
// A model of exactly three classes (the two-stage parser's moves) keeps
// every row inline as a triple: size 3, bit 9 set, class c's weight at bit
// 16 + 16c (zero for a class the row lacks: adding +0 changes no sum but
// the sign of a zero).
//
// A masked row is one 16-bit mask per 16 classes (bit c%16 of mask c/16:
// class c has a weight), then the row's weights in class order: a quarter
// to a half of a dense row's bytes for the typical 13-30 weights of 103
// classes, so fewer cache lines per look-up.
constexpr int kMaxInline = 2;
constexpr uint64_t kMasked = 0x100;
constexpr uint64_t kTriple = 0x200;
// (Bit 9 alone is also an inline entry's class bit: check the size too.)
inline bool IsTriple(uint64_t p) { return (p & (0xff | kTriple)) == (3 | kTriple); }
// Row not stored apart (no second cache line to fetch).
inline bool InSlot(uint64_t p) { return (p & 0xff) <= kMaxInline || IsTriple(p); }
constexpr int kChunk = 16;  // classes per mask
constexpr size_t kBatch = 64;
constexpr size_t kHugePage = size_t{2} << 20;

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

// A masked row costs a vector step per 16 classes, a list a scalar step
// per entry. A model whose sums must keep their order (an exactness bound
// under one batch of features, so only Score() serves it: the tagger's and
// the recogniser's) adds a list entry with one masked step per 16 classes
// instead, so from 4 entries a masked row is the cheaper form (and for 7+
// chunks no larger).
bool WantMasked(uint32_t size, uint32_t num_classes, bool in_order_only) {
  if (size <= static_cast<uint32_t>(kMaxInline)) return false;
  return size * 8 >= num_classes || (in_order_only && size >= 4);
}

// scores[c] += w_c for the classes of a masked row (`chunks` masks, then
// the weights): one IEEE addition per class with a weight, in any order, so
// both versions compute the same sums.
void AddMaskedRowScalar(const uint16_t* row, float* scores, int chunks) {
  const uint16_t* w = row + chunks;
  for (int ch = 0; ch < chunks; ++ch) {
    for (uint32_t m = row[ch]; m != 0; m &= m - 1) {
      scores[ch * kChunk + std::countr_zero(m)] += FromBf16(*w++);
    }
  }
}

#if defined(__x86_64__)
// The rows rows[0, n) (slot payloads) added to scores[0, num_classes), with
// the scores held in C vector registers of 16 classes in between, so a
// row's additions never wait for the previous row's stores. A masked row
// adds 16 classes per step: the chunk's weights expanded to their lanes
// and added under the chunk's mask (reads up to 15 weights past a row's
// end; masked_ is padded for the last row). kInOrder: every row's weights
// in row order, a list entry as a one-lane addition (the order Score()
// promises). Otherwise list entries are added to memory after the masked
// rows (for order-free sums). Only lanes below num_classes are loaded and
// stored (`tail` masks the last chunk).
#define KG_AVX512_ROWS __attribute__((target("avx512f,avx512bw,avx512vl,avx512vbmi2")))

// One list entry (class | bf16 << 8) into its lane of acc[C].
template <int C>
KG_AVX512_ROWS inline __attribute__((always_inline)) void AddEntry(__m512* acc, uint32_t e) {
  const __m512 w = _mm512_castsi512_ps(_mm512_set1_epi32(static_cast<int>((e >> 8) << 16)));
  const uint32_t chunk = (e & 0xff) / kChunk;
  const uint32_t bit = 1u << (e % kChunk);
#pragma GCC unroll 16
  for (int k = 0; k < C; ++k) {
    const __mmask16 m = chunk == static_cast<uint32_t>(k) ? bit : 0;
    acc[k] = _mm512_mask_add_ps(acc[k], m, acc[k], w);
  }
}

template <int C, bool kInOrder>
KG_AVX512_ROWS void AddRowsAvx512(const uint64_t* rows, size_t n, const uint16_t* masked,
                                  const uint32_t* entries, __mmask16 tail, float* scores) {
  __m512 acc[C];
#pragma GCC unroll 16
  for (int k = 0; k < C; ++k) {
    acc[k] = _mm512_maskz_loadu_ps(k == C - 1 ? tail : 0xffff, scores + k * kChunk);
  }
  bool lists = false;
  for (size_t j = 0; j < n; ++j) {
    const uint64_t p = rows[j];
    const uint32_t size = p & 0xff;
    if (size == 0) continue;
    if (IsTriple(p)) {
      // C == 1: the three weights to lanes 0-2 of the first chunk.
      const __m512i wide = _mm512_maskz_cvtepu16_epi32(
          0x7, _mm256_zextsi128_si256(_mm_cvtsi64_si128(static_cast<int64_t>(p >> 16))));
      const __m512i bits = _mm512_maskz_slli_epi32(0x7, wide, 16);
      acc[0] = _mm512_mask_add_ps(acc[0], 0x7, acc[0], _mm512_castsi512_ps(bits));
    } else if (size > kMaxInline && (p & kMasked)) {
      const uint16_t* row = masked + (p >> 32);
      const uint16_t* w = row + C;
#pragma GCC unroll 16
      for (int k = 0; k < C; ++k) {
        const __mmask16 m = row[k];
        const __m256i packed = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w));
        const __m512i wide = _mm512_maskz_cvtepu16_epi32(m, _mm256_maskz_expand_epi16(m, packed));
        const __m512i bits = _mm512_maskz_slli_epi32(m, wide, 16);
        acc[k] = _mm512_mask_add_ps(acc[k], m, acc[k], _mm512_castsi512_ps(bits));
        w += std::popcount(static_cast<uint32_t>(m));
      }
    } else if (!kInOrder) {
      lists = true;
    } else if (size <= kMaxInline) {
      AddEntry<C>(acc, static_cast<uint32_t>(p >> 8) & 0xffffff);
      if (size == 2) AddEntry<C>(acc, static_cast<uint32_t>(p >> 32) & 0xffffff);
    } else {
      const uint32_t* e = entries + (p >> 32);
      for (uint32_t i = 0; i < size; ++i) AddEntry<C>(acc, e[i]);
    }
  }
#pragma GCC unroll 16
  for (int k = 0; k < C; ++k) {
    _mm512_mask_storeu_ps(scores + k * kChunk, k == C - 1 ? tail : 0xffff, acc[k]);
  }
  if (kInOrder || !lists) return;
  for (size_t j = 0; j < n; ++j) {
    const uint64_t p = rows[j];
    const uint32_t size = p & 0xff;
    if (size == 0 || IsTriple(p) || (size > kMaxInline && (p & kMasked))) continue;
    if (size <= kMaxInline) {
      for (uint32_t i = 0; i < size; ++i) {
        const uint64_t e = p >> (8 + 24 * i);
        scores[e & 0xff] += FromBf16(e >> 8);
      }
    } else {
      const uint32_t* e = entries + (p >> 32);
      for (uint32_t i = 0; i < size; ++i) scores[e[i] & 0xff] += FromBf16(e[i] >> 8);
    }
  }
}

using AddRowsFn = void (*)(const uint64_t*, size_t, const uint16_t*, const uint32_t*, __mmask16,
                           float*);

// AddRowsAvx512 for 1..16 chunks (255 classes at most).
template <bool kInOrder, int... I>
constexpr std::array<AddRowsFn, sizeof...(I)> RowKernels(std::integer_sequence<int, I...>) {
  return {&AddRowsAvx512<I + 1, kInOrder>...};
}
constexpr auto kInOrderKernels = RowKernels<true>(std::make_integer_sequence<int, 16>());
constexpr auto kAnyOrderKernels = RowKernels<false>(std::make_integer_sequence<int, 16>());

// Sums the triple payloads rows[0, n) into out[0, 3): four payloads per
// step, as 16 lanes of 16 bits widened to floats; lane 4j holds row j's
// size and flags and stays out of the sum. Order-free sums only.
KG_AVX512_ROWS void AddTriplesAvx512(const uint64_t* rows, size_t n, float* out) {
  constexpr __mmask16 kLanes = 0xeeee;  // the weights' lanes
  __m512 acc = _mm512_setzero_ps();
  size_t j = 0;
  for (; j + 4 <= n; j += 4) {
    const __m256i p = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(rows + j));
    const __m512i w = _mm512_maskz_slli_epi32(kLanes, _mm512_maskz_cvtepu16_epi32(kLanes, p), 16);
    acc = _mm512_add_ps(acc, _mm512_castsi512_ps(w));
  }
  if (j < n) {
    const __m256i p = _mm256_maskz_loadu_epi64(static_cast<__mmask8>((1u << (n - j)) - 1), rows + j);
    const __m512i w = _mm512_maskz_slli_epi32(kLanes, _mm512_maskz_cvtepu16_epi32(kLanes, p), 16);
    acc = _mm512_add_ps(acc, _mm512_castsi512_ps(w));
  }
  alignas(64) float lanes[16];
  _mm512_store_ps(lanes, acc);
  for (int c = 0; c < 3; ++c) {
    out[c] += (lanes[1 + c] + lanes[5 + c]) + (lanes[9 + c] + lanes[13 + c]);
  }
}

bool HaveAvx512Rows() {
  return CpuSupports(kAvx512F | kAvx512BW | kAvx512VL | kAvx512Vbmi2);
}
#else
bool HaveAvx512Rows() { return false; }
#endif

// Tracks the weights' common power of two and largest magnitude for
// PerceptronScorer::exact_any_order_limit().
class ExactnessBound {
 public:
  // Every weight, as bf16.
  void Add(uint32_t bf16) {
    const uint32_t exp = (bf16 >> 7) & 0xff;
    if ((bf16 & 0x7fff) == 0) return;  // zero
    if (exp == 0xff) {
      finite_ = false;
      return;
    }
    // |w| = m * 2^e with m odd.
    uint32_t m = (bf16 & 0x7f) | (exp == 0 ? 0 : 0x80);
    int e = (exp == 0 ? 1 : static_cast<int>(exp)) - 127 - 7;
    const int tz = std::countr_zero(m);
    m >>= tz;
    e += tz;
    min_exp_ = std::min(min_exp_, e);
  }
  // Per row and class, the sum of |w| (a class may repeat within a row).
  void AddRowClassSum(double abs_sum) { max_abs_ = std::max(max_abs_, abs_sum); }
  size_t Limit() const {
    if (!finite_ || max_abs_ == 0) return 0;
    // Weights are multiples of 2^min_exp_; sums of them are exact while
    // below 2^(24 + min_exp_).
    const double room = std::ldexp(1.0, 24 + min_exp_) / max_abs_;
    return room >= 1 << 20 ? size_t{1} << 20 : static_cast<size_t>(room);
  }

 private:
  bool finite_ = true;
  int min_exp_ = 1 << 20;
  double max_abs_ = 0;
};

}  // namespace

// The slot table, in huge pages (core/huge_pages.h) when large.
struct PerceptronScorer::SlotBlock {
  Slot* slots = nullptr;
  size_t bytes = 0;
  bool huge = false;
  explicit SlotBlock(size_t n) : bytes(n * sizeof(Slot)), huge(bytes >= kHugePage) {
    slots = static_cast<Slot*>(huge ? AllocateHuge(bytes, /*populate=*/true)
                                    : std::calloc(n, sizeof(Slot)));
  }
  ~SlotBlock() {
    if (huge) {
      FreeHuge(slots, bytes);
    } else {
      std::free(slots);
    }
  }
  SlotBlock(const SlotBlock&) = delete;
  SlotBlock& operator=(const SlotBlock&) = delete;
};

absl::StatusOr<PerceptronScorer> PerceptronScorer::FromProto(const PerceptronModel& in,
                                                             bool allow_simd) {
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
  const uint32_t num_classes = in.num_classes();
  PerceptronScorer s;
  s.num_classes_ = static_cast<int>(num_classes);
  size_t capacity = 16;
  int bits = 4;
  while (capacity < 2 * static_cast<size_t>(in.features_size())) capacity <<= 1, ++bits;
  s.shift_ = 64 - bits;
  s.mask_ = capacity - 1;
  auto block = std::make_shared<SlotBlock>(capacity);
  if (block->slots == nullptr) {
    return absl::ResourceExhaustedError("perceptron model: no memory for the feature table");
  }
  Slot* slots = block->slots;

  const uint64_t* features = in.features().data();
  const uint32_t* row_sizes = in.row_sizes().data();
  const uint32_t* classes = in.classes().data();
  const uint32_t* bf16s = bf16 ? in.bf16().data() : nullptr;
  const int32_t* qweights = bf16 ? nullptr : in.qweights().data();
  const float scale = in.scale();
  const size_t num_entries = static_cast<size_t>(in.classes_size());
  const int chunks = static_cast<int>((num_classes + kChunk - 1) / kChunk);
  s.chunks_ = chunks;
  s.simd_rows_ = allow_simd && HaveAvx512Rows();
  auto weight = [&](size_t e) -> uint32_t {
    return bf16 ? bf16s[e] : ToBf16(static_cast<float>(qweights[e]) * scale);
  };
  ExactnessBound exactness;
  const int num_rows = in.features_size();

  // Pass 1, in file order (the arrays are read sequentially): checks, each
  // row's kind (a class twice in a row is summed in order, which a masked
  // row cannot), the rows' counts per size, and the exactness bound.
  enum : uint8_t { kInline, kList, kMaskedRow, kTripleRow };
  std::vector<uint8_t> kind(num_rows);
  std::vector<size_t> masked_of_size(num_classes + 1, 0), lists_of_size(num_classes + 1, 0);
  std::vector<int> last_row(num_classes, -1);
  std::vector<double> class_abs(num_classes, 0.0);
  double max_abs = 0;
  size_t total = 0;
  for (int r = 0; r < num_rows; ++r) {
    const uint32_t size = row_sizes[r];
    if (size > num_classes || total + size > num_entries) {
      return absl::InvalidArgumentError(
          absl::StrFormat("perceptron model row %d has a bad size %u", r, size));
    }
    const size_t k = total;
    total += size;
    bool repeats = false;
    for (uint32_t j = 0; j < size; ++j) {
      const uint32_t cls = classes[k + j];
      if (cls >= num_classes) {
        return absl::InvalidArgumentError(
            absl::StrFormat("perceptron model row %d has a bad class %u", r, cls));
      }
      repeats |= last_row[cls] == r;
      last_row[cls] = r;
      const uint32_t w = weight(k + j);
      exactness.Add(w);
      max_abs = std::max(max_abs, static_cast<double>(std::fabs(FromBf16(w))));
    }
    if (repeats) {  // the bound is per class: sum the row's repeats
      for (uint32_t j = 0; j < size; ++j)
        class_abs[classes[k + j]] += std::fabs(FromBf16(weight(k + j)));
      for (uint32_t j = 0; j < size; ++j) {
        max_abs = std::max(max_abs, class_abs[classes[k + j]]);
        class_abs[classes[k + j]] = 0;
      }
    }
    if (!repeats && num_classes == 3) {
      kind[r] = kTripleRow;
    } else if (size <= kMaxInline) {
      kind[r] = kInline;
    } else {
      kind[r] = repeats ? kList : kMaskedRow;  // masked or list: decided below
    }
  }
  if (total != num_entries) {
    return absl::InvalidArgumentError("perceptron model has weights outside any row");
  }
  exactness.AddRowClassSum(max_abs);
  const bool in_order_only = exactness.Limit() < kBatch;
  for (int r = 0; r < num_rows; ++r) {
    const uint32_t size = row_sizes[r];
    if (kind[r] == kMaskedRow && !WantMasked(size, num_classes, in_order_only)) kind[r] = kList;
    if (kind[r] == kMaskedRow) ++masked_of_size[size];
    if (kind[r] == kList) ++lists_of_size[size];
  }

  // Rows are laid out longest first: long rows belong to frequent features,
  // so the rows most looked up share cache lines and pages. Within a size,
  // in file order. next_*[size] is where the next row of that size goes.
  std::vector<size_t> next_masked(num_classes + 1), next_list(num_classes + 1);
  size_t masked_total = 0, list_total = 0;
  for (uint32_t size = num_classes + 1; size-- > 0;) {
    next_masked[size] = masked_total;
    masked_total += masked_of_size[size] * (chunks + size);
    next_list[size] = list_total;
    list_total += lists_of_size[size] * size;
  }
  if (masked_total > UINT32_MAX || list_total > UINT32_MAX) {
    return absl::InvalidArgumentError("perceptron model is too large");
  }
  s.masked_.assign(masked_total + kChunk, 0);  // AddRowsAvx512 reads up to a chunk ahead
  s.entries_.resize(list_total);
  uint16_t* masked_rows = s.masked_.data();
  uint32_t* list_rows = s.entries_.data();
  std::vector<uint16_t> by_class(num_classes);

  // Passes 2 and 3, in file order: rows into place, keys into the table;
  // first the rows stored apart, then the inline ones. Long rows belong to
  // frequent features, so their keys take the home slots and the rare ones
  // move on when slots collide (look-ups probe less).
  constexpr int kInsertAhead = 32;  // slots of later rows are fetched while this one is built
  for (int round = 0; round < 2; ++round) {
    const bool inline_round = round == 1;
    size_t k = 0;
    for (int r = 0; r < num_rows; ++r) {
      const uint32_t size = row_sizes[r];
      auto in_slot = [&](int row) { return kind[row] == kInline || kind[row] == kTripleRow; };
      if (in_slot(r) != inline_round) {
        k += size;
        continue;
      }
      if (r + kInsertAhead < num_rows && in_slot(r + kInsertAhead) == inline_round) {
        __builtin_prefetch(&slots[s.SlotOf(features[r + kInsertAhead])], 1);
      }
      uint64_t payload = size;
      if (kind[r] == kMaskedRow) {
        const size_t base = next_masked[size];
        next_masked[size] += chunks + size;
        payload |= kMasked | (static_cast<uint64_t>(base) << 32);
        uint16_t* row = masked_rows + base;
        for (uint32_t j = 0; j < size; ++j) {
          const uint32_t cls = classes[k + j];
          row[cls / kChunk] |= static_cast<uint16_t>(1u << (cls % kChunk));
          by_class[cls] = static_cast<uint16_t>(weight(k + j));
        }
        uint16_t* w = row + chunks;
        for (int ch = 0; ch < chunks; ++ch) {
          for (uint32_t m = row[ch]; m != 0; m &= m - 1)
            *w++ = by_class[ch * kChunk + std::countr_zero(m)];
        }
      } else if (kind[r] == kTripleRow) {
        payload = 3 | kTriple;
        for (uint32_t j = 0; j < size; ++j) {
          payload |= static_cast<uint64_t>(weight(k + j) & 0xffff) << (16 + 16 * classes[k + j]);
        }
      } else if (kind[r] == kList) {
        const size_t base = next_list[size];
        next_list[size] += size;
        payload |= static_cast<uint64_t>(base) << 32;
        for (uint32_t j = 0; j < size; ++j) {
          list_rows[base + j] = static_cast<uint32_t>(PackEntry(classes[k + j], weight(k + j)));
        }
      } else {
        for (uint32_t j = 0; j < size; ++j) {
          payload |= PackEntry(classes[k + j], weight(k + j)) << (8 + 24 * j);
        }
      }
      k += size;
      const uint64_t key = features[r];
      if (key == 0) {
        if (s.zero_payload_ != 0) {
          return absl::InvalidArgumentError("perceptron model repeats feature 0000000000000000");
        }
        s.zero_payload_ = payload;
        ++s.num_features_;
        continue;
      }
      size_t i = s.SlotOf(key);
      while (slots[i].key != 0) {
        if (slots[i].key == key) {
          return absl::InvalidArgumentError(
              absl::StrFormat("perceptron model repeats feature %016x", key));
        }
        i = (i + 1) & s.mask_;
      }
      slots[i] = Slot{key, payload};
      ++s.num_features_;
    }
  }
  s.all_triples_ = num_classes == 3 && std::all_of(kind.begin(), kind.end(), [](uint8_t k) {
    return k == kTripleRow;
  });
  s.slots_ = slots;
  s.block_ = std::move(block);
  s.exact_any_order_limit_ = exactness.Limit();
  return s;
}

inline uint64_t PerceptronScorer::Find(uint64_t key, size_t i) const {
  if (key == 0) return zero_payload_;
  while (true) {
    const Slot& slot = slots_[i];
    if (slot.key == key) return slot.payload;
    if (slot.key == 0) return 0;
    i = (i + 1) & mask_;
  }
}

inline void PerceptronScorer::PrefetchRow(uint64_t p) const {
  if (InSlot(p)) return;
  if (p & kMasked) {
    const char* row = reinterpret_cast<const char*>(masked_.data() + (p >> 32));
    const char* end = row + (chunks_ + (p & 0xff)) * sizeof(uint16_t) - 1;
    for (; row <= end; row += 64) __builtin_prefetch(row);
    __builtin_prefetch(end);
  } else {
    const uint32_t* row = entries_.data() + (p >> 32);
    __builtin_prefetch(row);
    __builtin_prefetch(row + (p & 0xff) - 1);
  }
}

inline void PerceptronScorer::AddRow(uint64_t p, float* scores) const {
  const uint32_t size = p & 0xff;
  if (IsTriple(p)) {
    for (int c = 0; c < 3; ++c) scores[c] += FromBf16(p >> (16 + 16 * c));
  } else if (size <= kMaxInline) {
    for (uint32_t j = 0; j < size; ++j) {
      const uint64_t e = p >> (8 + 24 * j);
      scores[e & 0xff] += FromBf16(e >> 8);
    }
  } else if (p & kMasked) {
    AddMaskedRowScalar(masked_.data() + (p >> 32), scores, chunks_);
  } else {
    const uint32_t* e = entries_.data() + (p >> 32);
    const uint32_t* e_end = e + size;
    for (; e != e_end; ++e) scores[*e & 0xff] += FromBf16(*e >> 8);
  }
}

inline void PerceptronScorer::AddRows(const uint64_t* rows, size_t n, float* scores,
                                      bool in_order) const {
#if defined(__x86_64__)
  if (simd_rows_) {
    const int num_tail = num_classes_ % kChunk;
    const __mmask16 tail = num_tail == 0 ? 0xffff : static_cast<__mmask16>((1u << num_tail) - 1);
    (in_order ? kInOrderKernels : kAnyOrderKernels)[chunks_ - 1](rows, n, masked_.data(),
                                                                 entries_.data(), tail, scores);
    return;
  }
#endif
  for (size_t j = 0; j < n; ++j) AddRow(rows[j], scores);
}

inline void PerceptronScorer::FindRows(const uint64_t* f, size_t n, size_t* where,
                                       uint64_t* rows) const {
  for (size_t j = 0; j < n; ++j) {
    where[j] = SlotOf(f[j]);
    __builtin_prefetch(&slots_[where[j]]);
  }
  for (size_t j = 0; j < n; ++j) {
    rows[j] = Find(f[j], where[j]);
    PrefetchRow(rows[j]);
  }
}

void PerceptronScorer::Score(absl::Span<const uint64_t> features, absl::Span<float> scores) const {
  if (slots_ == nullptr) return;
  size_t where[kBatch];
  uint64_t rows[kBatch];
  for (size_t begin = 0; begin < features.size(); begin += kBatch) {
    const size_t n = std::min(features.size() - begin, kBatch);
    const uint64_t* f = features.data() + begin;
    FindRows(f, n, where, rows);
    AddRows(rows, n, scores.data(), /*in_order=*/true);
  }
}

void PerceptronScorer::ScoreGroups(absl::Span<const uint64_t> features, const size_t* begin,
                                   int num_groups, float* const* outputs) const {
  if (slots_ == nullptr) return;
  // The order of additions is free here, so all of a parser state's
  // look-ups run in one batch and their misses overlap.
  constexpr size_t kLookahead = 4 * kBatch;
  size_t where[kLookahead];
  uint64_t rows[kLookahead];
  for (size_t from = 0; from < features.size(); from += kLookahead) {
    const size_t n = std::min(features.size() - from, kLookahead);
    FindRows(features.data() + from, n, where, rows);
    // Each group's rows of this batch at once.
    for (int g = 0; g < num_groups; ++g) {
      const size_t a = std::max(begin[g], from), b = std::min(begin[g + 1], from + n);
      if (a >= b) continue;
#if defined(__x86_64__)
      if (all_triples_ && simd_rows_) {
        AddTriplesAvx512(rows + (a - from), b - a, outputs[g]);
        continue;
      }
#endif
      AddRows(rows + (a - from), b - a, outputs[g], /*in_order=*/false);
    }
  }
}

void PerceptronScorer::ScoreShortRowsFirst(absl::Span<const uint64_t> features,
                                           absl::Span<float> scores) const {
  if (slots_ == nullptr) return;
  // Look-ups run ahead over kLookahead features (all of a parser state) so
  // their misses overlap; the sums still go run of kBatch by run.
  constexpr size_t kLookahead = 4 * kBatch;
  size_t where[kLookahead];
  uint64_t rows[kLookahead];
  for (size_t begin = 0; begin < features.size(); begin += kLookahead) {
    const size_t n = std::min(features.size() - begin, kLookahead);
    const uint64_t* f = features.data() + begin;
    FindRows(f, n, where, rows);
    for (size_t run = 0; run < n; run += kBatch) {
      const size_t run_end = std::min(n, run + kBatch);
      uint64_t ordered[kBatch];
      size_t m = 0;
      for (size_t j = run; j < run_end; ++j) {
        if ((rows[j] & 0xff) <= kMaxInline) ordered[m++] = rows[j];
      }
      for (size_t j = run; j < run_end; ++j) {
        if ((rows[j] & 0xff) > kMaxInline) ordered[m++] = rows[j];
      }
      AddRows(ordered, m, scores.data(), /*in_order=*/true);
    }
  }
}

}  // namespace kg::core
