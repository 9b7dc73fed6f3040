#include "core/tagger.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <bit>
#include <limits>
#include <map>
#include <random>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "core/cpu_features.h"
#include "core/feature_hash.h"
#include "core/word_features.h"

namespace kg::core {
namespace {

constexpr int kMinDictCount = 20;
constexpr double kMinDictShare = 0.97;

// Per-word strings computed once per sentence, with two pads either side.
// Fill() overwrites the strings in place, so a Context reused across
// sentences (Run keeps one per thread) allocates only for longer sentences.
struct Context {
  std::vector<std::string> form, norm, shape;
  std::vector<char> cap;  // bucket '0'..'4', '?' unknown, 0 without a table
  void Fill(const std::vector<std::string_view>& words, const CapitalizationTable& caps) {
    const size_t n = words.size() + 4;
    for (auto* v : {&form, &norm, &shape}) {
      if (v->size() < n) v->resize(n);
      (*v)[0].assign("-S2-");
      (*v)[1].assign("-S1-");
      (*v)[n - 2].assign("-E1-");
      (*v)[n - 1].assign("-E2-");
    }
    cap.assign(n, caps.empty() ? 0 : '-');
    for (size_t i = 0; i < words.size(); ++i) {
      form[i + 2].assign(words[i]);
      NormalizeWordInto(words[i], norm[i + 2]);
      WordShapeInto(words[i], shape[i + 2]);
      // The table is large and its probes miss the cache: all of the
      // sentence's are started before the first is read.
      if (!caps.empty()) {
        caps.prefetch(absl::string_view(norm[i + 2].data(), norm[i + 2].size()));
      }
    }
    if (caps.empty()) return;
    for (size_t i = 0; i < words.size(); ++i) {
      auto it = caps.find(absl::string_view(norm[i + 2].data(), norm[i + 2].size()));
      cap[i + 2] = it == caps.end() ? '?' : static_cast<char>('0' + it->second);
    }
  }
};

// FeatureHash (core/averaged_perceptron.cc) computed here inline, with
// each template's seed computed once: the tagger hashes 33 features per
// word, and a call per feature (each recomputing its seed's mix) was a
// tenth of its time. Tagger::FromProto checks that both agree.
constexpr uint64_t Seed(uint64_t template_id) { return FeatureSeed(template_id); }

// FeatureHash(t, v) with seed = Seed(t).
inline uint64_t Hash(uint64_t seed, std::string_view v) { return SplitMix64(Fnv1a(seed, v)); }
// FeatureHash(t, a, b) from the state after `a` (Joined(Seed(t), a)).
inline uint64_t Joined(uint64_t seed, std::string_view a) {
  return FeatureSeparator(Fnv1a(seed, a));
}
inline uint64_t Hash(uint64_t seed, std::string_view a, std::string_view b) {
  return SplitMix64(Fnv1a(Joined(seed, a), b));
}

}  // namespace

// The hashes of the features made of the previous two labels, per label:
// the classes' labels, then the sentence-start pads "-S1-" and "-S2-".
class TaggerLabelHashes {
 public:
  TaggerLabelHashes() = default;
  explicit TaggerLabelHashes(const std::vector<std::string>& labels) {
    labels_ = labels;
    labels_.push_back("-S1-");
    labels_.push_back("-S2-");
    for (std::string_view l : labels_) {
      h6_.push_back(Hash(Seed(6), l));
      h7_.push_back(Hash(Seed(7), l));
      s8_.push_back(Joined(Seed(8), l));
      s9_.push_back(Joined(Seed(9), l));
      s24_.push_back(Joined(Seed(24), l));
      s31_.push_back(Joined(Seed(31), l));
    }
  }
  size_t start1() const { return labels_.size() - 2; }  // "-S1-"
  size_t start2() const { return labels_.size() - 1; }  // "-S2-"
  uint64_t h6(size_t p1) const { return h6_[p1]; }
  uint64_t h7(size_t p2) const { return h7_[p2]; }
  // Per label, not per pair: a model's class count is not bounded here.
  uint64_t h8(size_t p1, size_t p2) const { return SplitMix64(Fnv1a(s8_[p1], labels_[p2])); }
  uint64_t s9(size_t p1) const { return s9_[p1]; }
  uint64_t s24(size_t p1) const { return s24_[p1]; }
  uint64_t s31(size_t p1) const { return s31_[p1]; }

 private:
  std::vector<std::string> labels_;  // the start pads last
  std::vector<uint64_t> h6_, h7_, s8_, s9_, s24_, s31_;
};

namespace {

// Features of word i (0-based) given the two previous classes (indices
// into `lh`, start pads included), in the order the model was trained on.
void Features(const Context& c, size_t i, size_t p1, size_t p2, const TaggerLabelHashes& lh,
              std::vector<uint64_t>& out) {
  static constexpr uint64_t s[33] = {
      Seed(0),  Seed(1),  Seed(2),  Seed(3),  Seed(4),  Seed(5),  Seed(6),  Seed(7),  Seed(8),
      Seed(9),  Seed(10), Seed(11), Seed(12), Seed(13), Seed(14), Seed(15), Seed(16), Seed(17),
      Seed(18), Seed(19), Seed(20), Seed(21), Seed(22), Seed(23), Seed(24), Seed(25), Seed(26),
      Seed(27), Seed(28), Seed(29), Seed(30), Seed(31), Seed(32)};
  out.resize(33);
  uint64_t* f = out.data();
  const size_t k = i + 2;
  const std::string& w = c.norm[k];
  const std::string_view position = i == 0 ? "first" : "rest";
  const std::string_view w3 = Suffix(w, 3);
  *f++ = Hash(s[0], "");
  *f++ = Hash(s[1], w);
  *f++ = Hash(s[2], w3);
  *f++ = Hash(s[3], Suffix(w, 2));
  *f++ = Hash(s[4], Prefix(w, 1));
  *f++ = Hash(s[5], c.shape[k]);
  *f++ = lh.h6(p1);
  *f++ = lh.h7(p2);
  *f++ = lh.h8(p1, p2);
  *f++ = SplitMix64(Fnv1a(lh.s9(p1), w));
  *f++ = Hash(s[10], c.norm[k - 1]);
  *f++ = Hash(s[11], Suffix(c.norm[k - 1], 3));
  *f++ = Hash(s[12], c.norm[k - 2]);
  *f++ = Hash(s[13], c.norm[k + 1]);
  *f++ = Hash(s[14], Suffix(c.norm[k + 1], 3));
  *f++ = Hash(s[15], c.norm[k + 2]);
  *f++ = Hash(s[16], c.shape[k + 1]);
  *f++ = Hash(s[17], c.shape[k - 1]);
  *f++ = Hash(s[18], c.form[k]);
  *f++ = Hash(s[19], Suffix(w, 4));
  *f++ = Hash(s[20], w, c.norm[k + 1]);
  *f++ = Hash(s[21], c.norm[k - 1], w);
  *f++ = Hash(s[22], Suffix(w, 1));
  *f++ = Hash(s[23], Prefix(w, 3));
  *f++ = SplitMix64(Fnv1a(lh.s24(p1), w3));
  *f++ = Hash(s[25], position, c.shape[k]);
  *f++ = Hash(s[26], c.norm[k - 1], c.norm[k + 1]);
  *f++ = Hash(s[27], Suffix(w, 5));
  if (c.cap[k] != 0) {
    const std::string_view cap(&c.cap[k], 1), next(&c.cap[k + 1], 1);
    *f++ = Hash(s[28], cap);
    *f++ = Hash(s[29], cap, c.shape[k]);
    *f++ = Hash(s[30], cap, position);
    *f++ = SplitMix64(Fnv1a(lh.s31(p1), cap));
    *f++ = Hash(s[32], cap, next);
  }
  out.resize(static_cast<size_t>(f - out.data()));
}

int Argmax(const std::vector<float>& scores) {
  int best = 0;
  for (int c = 1; c < static_cast<int>(scores.size()); ++c) {
    if (scores[c] > scores[best]) best = c;
  }
  return best;
}

#if defined(__x86_64__)
// Argmax 16 classes per step: the first class holding the largest score,
// the one Argmax's scan keeps (it replaces only on a strictly greater
// score); -1 when a score is a NaN (Argmax's answer then depends on where
// the NaN is, so the caller takes the scan).
__attribute__((target("avx512f"))) int ArgmaxAvx512(const float* scores, int n) {
  const __m512 none = _mm512_set1_ps(-std::numeric_limits<float>::infinity());
  __m512 top = none;
  __mmask16 nan = 0;
  for (int c = 0; c < n; c += 16) {
    const __mmask16 lanes = n - c >= 16 ? 0xffff : static_cast<__mmask16>((1u << (n - c)) - 1);
    const __m512 v = _mm512_mask_loadu_ps(none, lanes, scores + c);
    nan |= _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q);
    top = _mm512_max_ps(top, v);
  }
  if (nan != 0) return -1;
  alignas(64) float lanes[16];
  _mm512_store_ps(lanes, top);
  float max = lanes[0];
  for (int i = 1; i < 16; ++i) max = lanes[i] > max ? lanes[i] : max;
  const __m512 m = _mm512_set1_ps(max);
  for (int c = 0; c < n; c += 16) {
    const __mmask16 lanes = n - c >= 16 ? 0xffff : static_cast<__mmask16>((1u << (n - c)) - 1);
    // A masked load: past the last class is past the end of `scores`.
    const __m512 v = _mm512_maskz_loadu_ps(lanes, scores + c);
    const __mmask16 at = _mm512_mask_cmp_ps_mask(lanes, v, m, _CMP_EQ_OQ);
    if (at != 0) return c + std::countr_zero(static_cast<uint32_t>(at));
  }
  return 0;  // not reached: some score equals the maximum
}
#endif

bool HaveAvx512Argmax() { return CpuSupports(kAvx512F); }

std::string Label(const ConlluToken& t) { return t.upos + " " + t.xpos; }

}  // namespace

absl::StatusOr<TaggerModel> TrainTagger(const std::vector<ConlluSentence>& train,
                                        const TaggerTrainOptions& options) {
  // Classes in first-seen order, and word counts for the tag dictionary.
  std::vector<std::string> labels;
  absl::flat_hash_map<std::string, int> label_index;
  std::map<std::string, std::map<int, int>> counts;  // ordered: deterministic output
  size_t words = 0;
  for (const ConlluSentence& s : train) {
    for (const ConlluToken& t : s.tokens) {
      auto [it, inserted] = label_index.try_emplace(Label(t), static_cast<int>(labels.size()));
      if (inserted) labels.push_back(Label(t));
      ++counts[t.form][it->second];
      ++words;
    }
  }
  if (words == 0) return absl::InvalidArgumentError("tagger training data has no words");
  TaggerModel model;
  absl::flat_hash_map<std::string, int> dict;
  for (const auto& [form, by_label] : counts) {
    int total = 0, best = 0, best_label = 0;
    for (const auto& [label, n] : by_label) {
      total += n;
      if (n > best) best = n, best_label = label;
    }
    if (total >= kMinDictCount && best >= kMinDictShare * total) {
      dict[form] = best_label;
      model.add_dict_words(form);
      model.add_dict_labels(static_cast<uint32_t>(best_label));
    }
  }

  const TaggerLabelHashes label_hashes(labels);
  AveragedPerceptron perceptron(static_cast<int>(labels.size()));
  std::vector<size_t> order(train.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::mt19937_64 rng(options.seed);
  Context ctx;
  std::vector<uint64_t> features;
  std::vector<float> scores(labels.size());
  std::vector<std::string_view> forms;
  for (int epoch = 0; epoch < options.epochs; ++epoch) {
    for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng() % i]);
    size_t right = 0, seen = 0;
    for (size_t si : order) {
      const ConlluSentence& s = train[si];
      forms.clear();
      for (const ConlluToken& t : s.tokens) forms.push_back(t.form);
      ctx.Fill(forms, options.capitalization);
      size_t p1 = label_hashes.start1(), p2 = label_hashes.start2();
      for (size_t i = 0; i < s.tokens.size(); ++i) {
        int truth = label_index.at(Label(s.tokens[i]));
        int guess;
        auto d = dict.find(s.tokens[i].form);
        if (d != dict.end()) {
          guess = d->second;
        } else {
          Features(ctx, i, p1, p2, label_hashes, features);
          std::fill(scores.begin(), scores.end(), 0.0f);
          perceptron.Score(features, absl::MakeSpan(scores));
          guess = Argmax(scores);
          perceptron.Update(features, truth, guess);
        }
        right += guess == truth;
        ++seen;
        p2 = p1;
        p1 = static_cast<size_t>(guess);
      }
    }
    if (options.log) {
      options.log(absl::StrFormat("tagger epoch %d: train accuracy %.2f%%, %d features", epoch + 1,
                                  100.0 * right / std::max<size_t>(seen, 1),
                                  perceptron.num_features()));
    }
  }
  perceptron.Average();
  for (const std::string& l : labels) model.add_labels(l);
  perceptron.ToProto(model.mutable_weights(), options.prune);
  std::vector<std::pair<std::string, uint8_t>> caps(options.capitalization.begin(),
                                                    options.capitalization.end());
  std::sort(caps.begin(), caps.end());
  std::string buckets;
  for (const auto& [word, bucket] : caps) {
    model.add_cap_words(word);
    buckets.push_back(static_cast<char>(bucket));
  }
  model.set_cap_buckets(buckets);
  return model;
}

absl::StatusOr<Tagger> Tagger::FromProto(const TaggerModel& model) {
  Tagger t;
  auto weights = PerceptronScorer::FromProto(model.weights());
  if (!weights.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("tagger model: ", weights.status().message()));
  }
  t.model_ = std::move(*weights);
  if (model.labels_size() != t.model_.num_classes()) {
    return absl::InvalidArgumentError(absl::StrFormat("tagger model: %d labels for %d classes",
                                                      model.labels_size(), t.model_.num_classes()));
  }
  for (const std::string& l : model.labels()) {
    std::vector<std::string> parts = absl::StrSplit(l, absl::MaxSplits(' ', 1));
    t.labels_.push_back(l);
    t.upos_.push_back(parts[0]);
    t.xpos_.push_back(parts.size() > 1 ? parts[1] : "");
  }
  if (Hash(Seed(5), "Xx") != FeatureHash(5, "Xx") ||
      Hash(Seed(20), "a", "bc") != FeatureHash(20, "a", "bc")) {
    return absl::InternalError("tagger: its feature hash differs from FeatureHash");
  }
  t.label_hashes_ = std::make_shared<const TaggerLabelHashes>(t.labels_);
  if (model.dict_words_size() != model.dict_labels_size()) {
    return absl::InvalidArgumentError("tagger model: tag dictionary is inconsistent");
  }
  for (int i = 0; i < model.dict_words_size(); ++i) {
    if (model.dict_labels(i) >= t.labels_.size()) {
      return absl::InvalidArgumentError("tagger model: tag dictionary class out of range");
    }
    t.dict_[model.dict_words(i)] = static_cast<int>(model.dict_labels(i));
  }
  if (static_cast<size_t>(model.cap_words_size()) != model.cap_buckets().size()) {
    return absl::InvalidArgumentError("tagger model: capitalisation table is inconsistent");
  }
  t.capitalization_.reserve(model.cap_words_size());
  for (int i = 0; i < model.cap_words_size(); ++i) {
    t.capitalization_[model.cap_words(i)] = static_cast<uint8_t>(model.cap_buckets()[i]);
  }
  return t;
}

std::vector<int> Tagger::Run(const std::vector<std::string_view>& words) const {
  std::vector<int> out(words.size(), 0);
  if (labels_.empty()) return out;
  // The dictionary's probes start now and are read after Fill.
  for (std::string_view w : words) dict_.prefetch(absl::string_view(w.data(), w.size()));
  thread_local Context ctx;
  ctx.Fill(words, capitalization_);
  thread_local std::vector<uint64_t> features;
  thread_local std::vector<float> scores;
  scores.resize(labels_.size());
  static const bool simd_argmax = HaveAvx512Argmax();
  size_t p1 = label_hashes_->start1(), p2 = label_hashes_->start2();
  for (size_t i = 0; i < words.size(); ++i) {
    auto d = dict_.find(absl::string_view(words[i].data(), words[i].size()));
    int guess;
    if (d != dict_.end()) {
      guess = d->second;
    } else {
      Features(ctx, i, p1, p2, *label_hashes_, features);
      std::fill(scores.begin(), scores.end(), 0.0f);
      model_.Score(features, absl::MakeSpan(scores));
      guess = -1;
#if defined(__x86_64__)
      if (simd_argmax) guess = ArgmaxAvx512(scores.data(), static_cast<int>(scores.size()));
#endif
      if (guess < 0) guess = Argmax(scores);
    }
    out[i] = guess;
    p2 = p1;
    p1 = static_cast<size_t>(guess);
  }
  return out;
}

void Tagger::Tag(std::vector<Token>& tokens) const {
  std::vector<std::string_view> words;
  words.reserve(tokens.size());
  for (const Token& t : tokens) words.push_back(t.text);
  std::vector<int> classes = Run(words);
  for (size_t i = 0; i < tokens.size() && !labels_.empty(); ++i) {
    tokens[i].upos = upos_[classes[i]];
    tokens[i].xpos = xpos_[classes[i]];
  }
}

void Tagger::Tag(ConlluSentence& sentence) const {
  std::vector<std::string_view> words;
  words.reserve(sentence.tokens.size());
  for (const ConlluToken& t : sentence.tokens) words.push_back(t.form);
  std::vector<int> classes = Run(words);
  for (size_t i = 0; i < sentence.tokens.size() && !labels_.empty(); ++i) {
    sentence.tokens[i].upos = upos_[classes[i]];
    sentence.tokens[i].xpos = xpos_[classes[i]];
  }
}

}  // namespace kg::core
