#include "core/parser.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "core/arc_hybrid.h"
#include "core/cpu_features.h"
#include "core/parser_features.h"
#include "proto/status_macros.h"

namespace kg::core {
namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();

// Legal classes of a state, with the root rule: only LEFT(root) attaches to
// the root, and the root label is used nowhere else.
bool Legal(const ArcHybridState& st, int cls, int root_label) {
  const Move m = MoveOf(cls);
  if (!st.Can(m)) return false;
  if (m == Move::kShift || root_label < 0) return true;
  const bool to_root = m == Move::kLeft && st.b0() == st.n();
  return (LabelOf(cls) == root_label) == to_root;
}

// Best-scoring legal class (lowest index on ties); -1 if none is legal.
// Legal() per class, with the move legality and the root rule hoisted out
// of the loop (classes are still considered in index order).
int BestLegal(const ArcHybridState& st, const std::vector<float>& scores, int root_label) {
  const int num_classes = static_cast<int>(scores.size());
  const bool left = st.CanLeft(), right = st.CanRight();
  const bool left_to_root = st.b0() == st.n();
  int best = -1;
  float best_score = kNegInf;
  auto consider = [&](int c) {
    if (best < 0 || scores[c] > best_score) {
      best = c;
      best_score = scores[c];
    }
  };
  if (num_classes > 0 && st.CanShift()) consider(0);
  for (int l = 0; 1 + 2 * l < num_classes; ++l) {
    const bool is_root = l == root_label;
    if (left && (root_label < 0 || is_root == left_to_root)) consider(1 + 2 * l);
    if (right && 2 + 2 * l < num_classes && (root_label < 0 || !is_root)) consider(2 + 2 * l);
  }
  return best;
}

// Version 3: the best-scoring legal move class (0 SHIFT, 1 LEFT, 2 RIGHT;
// lowest on ties), -1 if none is legal.
int BestMove(const ArcHybridState& st, const float* scores) {
  int best = -1;
  const bool can[3] = {st.CanShift(), st.CanLeft(), st.CanRight()};
  for (int c = 0; c < 3; ++c) {
    if (can[c] && (best < 0 || scores[c] > scores[best])) best = c;
  }
  return best;
}

// Version 3: the best-scoring label other than `skip` (lowest on ties).
int BestLabel(const float* scores, int num_labels, int skip) {
  int best = -1;
  for (int l = 0; l < num_labels; ++l) {
    if (l != skip && (best < 0 || scores[l] > scores[best])) best = l;
  }
  return best < 0 ? 0 : best;
}

#if defined(__x86_64__)
// Index of the legal-class masks (Parser::legal_masks_) of a state.
int LegalCase(const ArcHybridState& st) {
  return (st.CanShift() ? 1 : 0) | (st.CanLeft() ? 2 : 0) | (st.CanRight() ? 4 : 0) |
         (st.b0() == st.n() ? 8 : 0);
}

#define KG_AVX512_PICK __attribute__((target("avx512f,avx512bw")))

// RunCached's last step with 16 classes per vector: scores = first +
// others[0] + ... + others[n - 1] (each in that order, as the scalar loop),
// then BestLegal over them, `legal` giving one 16-bit mask of legal classes
// per chunk. The first maximum among the legal classes is what BestLegal's
// scan keeps (it only replaces on a strictly greater score; no score is a
// NaN). All arrays hold `chunks` * 16 floats.
KG_AVX512_PICK int SumAndPickAvx512(const float* first, const float* const* others, int n,
                                    int chunks, const uint16_t* legal) {
  constexpr int kMaxChunks = 16;
  __m512 sum[kMaxChunks];
  __m512 best = _mm512_set1_ps(-std::numeric_limits<float>::infinity());
  uint32_t any = 0;
  for (int k = 0; k < chunks; ++k) {
    __m512 v = _mm512_loadu_ps(first + 16 * k);
    for (int g = 0; g < n; ++g) v = _mm512_add_ps(v, _mm512_loadu_ps(others[g] + 16 * k));
    sum[k] = v;
    best = _mm512_mask_max_ps(best, legal[k], best, v);
    any |= legal[k];
  }
  if (any == 0) return -1;
  // (By hand: GCC 12's _mm512_reduce_max_ps warns of an uninitialised
  // temporary inside the intrinsic.)
  alignas(64) float lanes[16];
  _mm512_store_ps(lanes, best);
  float max = lanes[0];
  for (int i = 1; i < 16; ++i) max = lanes[i] > max ? lanes[i] : max;
  const __m512 top = _mm512_set1_ps(max);
  for (int k = 0; k < chunks; ++k) {
    const uint32_t at = _mm512_mask_cmp_ps_mask(legal[k], sum[k], top, _CMP_EQ_OQ);
    if (at != 0) return 16 * k + std::countr_zero(at);
  }
  return -1;  // not reached
}

bool HaveAvx512Pick() {
  return CpuSupports(kAvx512F | kAvx512BW);
}
#else
bool HaveAvx512Pick() { return false; }
#endif

struct TrainSentence {
  std::vector<FeatureToken> words;  // n + 1, root last
  std::vector<int> heads;           // n = root
  std::vector<int> labels;
};

// Deterministic across standard libraries (std::shuffle is not).
void Shuffle(std::vector<int>& v, std::mt19937_64& rng) {
  for (size_t i = v.size(); i > 1; --i) {
    const size_t j = rng() % i;
    std::swap(v[i - 1], v[j]);
  }
}

template <typename Tokens, typename Get>
std::vector<FeatureToken> Featurize(const Tokens& tokens, Get get) {
  std::vector<FeatureToken> words;
  words.reserve(tokens.size() + 1);
  for (const auto& t : tokens) {
    auto [form, lemma, upos, xpos] = get(t);
    words.push_back(MakeFeatureToken(form, lemma, upos, xpos));
  }
  words.push_back(RootFeatureToken());
  return words;
}

std::vector<FeatureToken> FeaturizeConllu(const ConlluSentence& s) {
  return Featurize(s.tokens, [](const ConlluToken& t) {
    return std::make_tuple(std::string_view(t.form), std::string_view(t.lemma),
                           std::string_view(t.upos), std::string_view(t.xpos));
  });
}

// Drops the smallest weights (and rows left empty) until at most `budget`
// remain.
void KeepLargestWeights(int64_t budget, PerceptronModel& w) {
  // Magnitudes compare as integers: |q| for linear weights, and the bf16
  // bits without the sign (IEEE magnitudes order like their bit patterns).
  const bool bf16 = w.bf16_size() > 0;
  const int size = bf16 ? w.bf16_size() : w.qweights_size();
  if (budget <= 0 || size <= budget) return;
  auto magnitude = [&](const PerceptronModel& m, int k) -> int32_t {
    if (bf16) return static_cast<int32_t>(m.bf16(k) & 0x7fff);
    const int32_t q = m.qweights(k);
    return q < 0 ? -q : q;
  };
  std::vector<int32_t> mags(size);
  for (int k = 0; k < size; ++k) mags[k] = magnitude(w, k);
  const size_t cut = mags.size() - static_cast<size_t>(budget);
  std::nth_element(mags.begin(), mags.begin() + cut, mags.end());
  // Keep magnitudes above the threshold, plus as many equal to it as fit.
  const int32_t threshold = mags[cut];
  int64_t above = 0;
  for (int32_t m : mags) above += m > threshold;
  int64_t equal_room = budget - above;
  PerceptronModel src = std::move(w);
  w.Clear();
  w.set_num_classes(src.num_classes());
  w.set_scale(src.scale());
  *w.mutable_labels() = src.labels();
  int k = 0;
  for (int r = 0; r < src.features_size(); ++r) {
    uint32_t kept = 0;
    for (uint32_t j = 0; j < src.row_sizes(r); ++j, ++k) {
      const int32_t m = magnitude(src, k);
      if (m < threshold || (m == threshold && equal_room-- <= 0)) continue;
      w.add_classes(src.classes(k));
      if (bf16) {
        w.add_bf16(src.bf16(k));
      } else {
        w.add_qweights(src.qweights(k));
      }
      ++kept;
    }
    if (kept > 0) {
      w.add_features(src.features(r));
      w.add_row_sizes(kept);
    }
  }
}

ParserModel ToModel(const AveragedPerceptron& model, const std::vector<std::string>& labels,
                    const ParserTrainOptions& options,
                    const AveragedPerceptron* label_model = nullptr) {
  ParserModel out;
  out.set_feature_version(options.feature_version);
  for (const std::string& l : labels) out.add_labels(l);
  model.ToProto(out.mutable_weights(), options.prune);
  KeepLargestWeights(options.max_weights, *out.mutable_weights());
  if (label_model != nullptr) {
    label_model->ToProto(out.mutable_label_weights(), options.prune);
    KeepLargestWeights(options.label_max_weights, *out.mutable_label_weights());
  }
  out.set_provenance(options.provenance);
  return out;
}

// Version 3 training. The move model learns from the dynamic oracle's move
// costs (a move's cost for heads does not depend on the label); the label
// model at every arc the trainer builds whose head is the gold head, with
// the gold label as the answer. Exploration as for the one-model versions:
// after a wrong pick (move or label), the trainer follows it with
// probability explore_prob.
ParserModel TrainTwoStage(const std::vector<TrainSentence>& data,
                          const std::vector<std::string>& labels, int root_label,
                          const ParserTrainOptions& options) {
  const int num_labels = static_cast<int>(labels.size());
  AveragedPerceptron moves(3), arcs(num_labels);
  std::mt19937_64 rng(options.seed);
  std::uniform_real_distribution<double> coin(0.0, 1.0);
  std::vector<int> order(data.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  std::vector<uint64_t> features;
  features.reserve(256);
  uint64_t label_keys[kNumLabelFeatures];
  std::vector<float> label_scores(num_labels);
  ArcHybridState st;
  for (int epoch = 0; epoch < options.epochs; ++epoch) {
    const auto start = std::chrono::steady_clock::now();
    Shuffle(order, rng);
    const bool explore = epoch >= options.explore_from_epoch;
    int64_t right = 0, total = 0, label_right = 0, label_total = 0;
    for (int idx : order) {
      const TrainSentence& ts = data[idx];
      const int n = static_cast<int>(ts.heads.size());
      st.Reset(n);
      while (!st.Terminal()) {
        features.clear();
        ExtractParserFeatures(st, ts.words, options.feature_version, features);
        float scores[3] = {0, 0, 0};
        moves.Score(features, absl::MakeSpan(scores, 3));
        const MoveCosts costs = ComputeCosts(st, ts.heads);
        const int guess = BestMove(st, scores);
        if (guess < 0) break;  // cannot happen: a non-final state has a move
        int truth = -1;
        for (int c = 0; c < 3; ++c) {
          const int cost = costs.of(static_cast<Move>(c));
          if (cost >= kIllegalCost) continue;
          const int truth_cost = truth < 0 ? kIllegalCost : costs.of(static_cast<Move>(truth));
          if (cost < truth_cost || (cost == truth_cost && scores[c] > scores[truth])) truth = c;
        }
        const bool guess_ok = costs.of(static_cast<Move>(guess)) == costs.of(static_cast<Move>(truth));
        moves.Update(features, guess_ok ? guess : truth, guess);
        ++total;
        right += guess_ok;
        int next = guess_ok ? guess : truth;
        if (!guess_ok && explore && coin(rng) < options.explore_prob) next = guess;
        const Move m = static_cast<Move>(next);
        int label = -1;
        if (m != Move::kShift) {
          const int dep = st.Stack(0);
          const int head = m == Move::kLeft ? st.b0() : st.Stack(1);
          if (head == n && root_label >= 0) {
            label = root_label;
          } else {
            ExtractLabelFeatures(st, ts.words, dep, head, label_keys);
            const absl::Span<const uint64_t> keys(label_keys, kNumLabelFeatures);
            std::fill(label_scores.begin(), label_scores.end(), 0.0f);
            arcs.Score(keys, absl::MakeSpan(label_scores));
            const int picked = BestLabel(label_scores.data(), num_labels, head == n ? -1 : root_label);
            label = picked;
            if (ts.heads[dep] == head) {
              const int gold = ts.labels[dep];
              arcs.Update(keys, gold, picked);
              ++label_total;
              label_right += picked == gold;
              if (picked != gold && !(explore && coin(rng) < options.explore_prob)) label = gold;
            }
          }
        }
        st.Apply(m, label);
      }
    }
    if (options.log) {
      const double secs =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      options.log(absl::StrFormat(
          "parser epoch %d/%d: %.2f%% of %d moves optimal, %.2f%% of %d gold-head labels right, "
          "%zu + %zu features, %.1f s",
          epoch + 1, options.epochs, 100.0 * right / std::max<int64_t>(total, 1), total,
          100.0 * label_right / std::max<int64_t>(label_total, 1), label_total,
          moves.num_features(), arcs.num_features(), secs));
    }
    if (options.on_epoch && epoch + 1 < options.epochs) {
      AveragedPerceptron move_snapshot = moves, arc_snapshot = arcs;
      move_snapshot.Average();
      arc_snapshot.Average();
      options.on_epoch(epoch + 1, ToModel(move_snapshot, labels, options, &arc_snapshot));
    }
  }
  moves.Average();
  arcs.Average();
  ParserModel out = ToModel(moves, labels, options, &arcs);
  if (options.on_epoch) options.on_epoch(options.epochs, out);
  return out;
}

}  // namespace

absl::StatusOr<ParserModel> TrainParser(const std::vector<ConlluSentence>& train,
                                        const ParserTrainOptions& options) {
  // Label inventory, sorted for a deterministic class layout.
  std::map<std::string, int> label_count;
  for (const ConlluSentence& s : train) {
    for (const ConlluToken& t : s.tokens) {
      if (t.deprel != "_" && !t.deprel.empty()) ++label_count[t.deprel];
    }
  }
  std::vector<std::string> labels;
  absl::flat_hash_map<std::string, int> label_id;
  for (const auto& [name, count] : label_count) {
    label_id[name] = static_cast<int>(labels.size());
    labels.push_back(name);
  }
  const int root_label = label_id.contains("root") ? label_id["root"] : -1;

  std::vector<TrainSentence> data;
  data.reserve(train.size());
  for (const ConlluSentence& s : train) {
    const int n = static_cast<int>(s.tokens.size());
    TrainSentence ts;
    bool ok = n > 0;
    for (const ConlluToken& t : s.tokens) {
      auto it = label_id.find(t.deprel);
      if (t.head < 0 || t.head > n || it == label_id.end()) {
        ok = false;
        break;
      }
      ts.heads.push_back(t.head == 0 ? n : t.head - 1);
      ts.labels.push_back(it->second);
    }
    if (!ok) continue;
    ts.words = FeaturizeConllu(s);
    data.push_back(std::move(ts));
  }
  if (data.empty() || labels.empty()) {
    return absl::InvalidArgumentError("parser training: no sentence with a complete tree");
  }
  if (options.feature_version < kMinParserFeatureVersion ||
      options.feature_version > kMaxParserFeatureVersion) {
    return absl::InvalidArgumentError(
        absl::StrFormat("parser training: no feature version %u", options.feature_version));
  }
  if (options.feature_version == kTwoStageParserVersion) {
    return TrainTwoStage(data, labels, root_label, options);
  }

  const int num_classes = NumClasses(static_cast<int>(labels.size()));
  AveragedPerceptron model(num_classes);
  std::mt19937_64 rng(options.seed);
  std::uniform_real_distribution<double> coin(0.0, 1.0);
  std::vector<int> order(data.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  std::vector<uint64_t> features;
  features.reserve(256);
  std::vector<float> scores(num_classes);
  std::vector<int> class_cost(num_classes);
  ArcHybridState st;

  for (int epoch = 0; epoch < options.epochs; ++epoch) {
    const auto start = std::chrono::steady_clock::now();
    Shuffle(order, rng);
    const bool explore = epoch >= options.explore_from_epoch;
    int64_t right = 0, total = 0;
    for (int idx : order) {
      const TrainSentence& ts = data[idx];
      st.Reset(static_cast<int>(ts.heads.size()));
      while (!st.Terminal()) {
        features.clear();
        ExtractParserFeatures(st, ts.words, options.feature_version, features);
        std::fill(scores.begin(), scores.end(), 0.0f);
        model.Score(features, absl::MakeSpan(scores));
        const MoveCosts costs = ComputeCosts(st, ts.heads);
        int guess = -1, truth = -1, min_cost = kIllegalCost;
        float guess_score = kNegInf, truth_score = kNegInf;
        std::fill(class_cost.begin(), class_cost.end(), kIllegalCost);
        for (int c = 0; c < num_classes; ++c) {
          if (!Legal(st, c, root_label)) continue;
          const int cost = ClassCost(st, costs, c, ts.heads, ts.labels);
          class_cost[c] = cost;
          if (guess < 0 || scores[c] > guess_score) guess = c, guess_score = scores[c];
          if (cost < min_cost || (cost == min_cost && scores[c] > truth_score)) {
            min_cost = cost, truth = c, truth_score = scores[c];
          }
        }
        if (guess < 0) break;  // cannot happen: a non-final state has a move
        const bool guess_ok = class_cost[guess] == min_cost;
        model.Update(features, guess_ok ? guess : truth, guess);
        ++total;
        right += guess_ok;
        int next = guess_ok ? guess : truth;
        if (!guess_ok && explore && coin(rng) < options.explore_prob) next = guess;
        st.Apply(MoveOf(next), LabelOf(next));
      }
    }
    if (options.log) {
      const double secs =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      options.log(absl::StrFormat(
          "parser epoch %d/%d: %.2f%% of %d transitions optimal, %zu features, %.1f s", epoch + 1,
          options.epochs, 100.0 * right / std::max<int64_t>(total, 1), total, model.num_features(),
          secs));
    }
    if (options.on_epoch && epoch + 1 < options.epochs) {
      AveragedPerceptron snapshot = model;
      snapshot.Average();
      options.on_epoch(epoch + 1, ToModel(snapshot, labels, options));
    }
  }
  model.Average();
  ParserModel out = ToModel(model, labels, options);
  if (options.on_epoch) options.on_epoch(options.epochs, out);
  return out;
}

void KeepLargestParserWeights(int64_t max_weights, ParserModel& model) {
  KeepLargestWeights(max_weights, *model.mutable_weights());
}

void KeepLargestParserLabelWeights(int64_t max_weights, ParserModel& model) {
  if (!model.has_label_weights()) return;
  KeepLargestWeights(max_weights, *model.mutable_label_weights());
}

namespace {

// |weight| of entry k, for ranking entries of one model against each other
// (they share its one scale, so the scale is left out).
double EntryMagnitude(const PerceptronModel& m, int k) {
  return m.bf16_size() > 0 ? std::fabs(std::bit_cast<float>(m.bf16(k) << 16))
                           : std::fabs(static_cast<double>(m.qweights(k)));
}

// Rebuilds `w` row by row: `select(old, row, entries)` gets the old weights
// and the row's entry indices into them, in order; it may shrink the
// indices (kept in order), or return false to drop the row altogether.
template <typename Select>
void RebuildRows(PerceptronModel& w, Select select) {
  const bool bf16 = w.bf16_size() > 0;
  PerceptronModel src = std::move(w);
  w.Clear();
  w.set_num_classes(src.num_classes());
  w.set_scale(src.scale());
  *w.mutable_labels() = src.labels();
  std::vector<int> entries;
  for (int r = 0, k = 0; r < src.features_size(); ++r) {
    const int size = static_cast<int>(src.row_sizes(r));
    entries.resize(size);
    for (int j = 0; j < size; ++j) entries[j] = k + j;
    k += size;
    if (!select(src, r, entries)) continue;
    w.add_features(src.features(r));
    w.add_row_sizes(static_cast<uint32_t>(entries.size()));
    for (int e : entries) {
      w.add_classes(src.classes(e));
      if (bf16) {
        w.add_bf16(src.bf16(e));
      } else {
        w.add_qweights(src.qweights(e));
      }
    }
  }
}

}  // namespace

int64_t KeepStrongestParserFeatures(int64_t max_features, FeatureRank rank, ParserModel& model) {
  PerceptronModel& w = *model.mutable_weights();
  const int num_rows = w.features_size();
  if (max_features <= 0 || num_rows <= max_features) return 0;
  std::vector<double> strength(num_rows, 0.0);
  for (int r = 0, k = 0; r < num_rows; ++r) {
    for (uint32_t j = 0; j < w.row_sizes(r); ++j, ++k) {
      const double m = EntryMagnitude(w, k);
      strength[r] = rank == FeatureRank::kL1 ? strength[r] + m : std::max(strength[r], m);
    }
  }
  std::vector<int> order(num_rows);
  for (int r = 0; r < num_rows; ++r) order[r] = r;
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return strength[a] > strength[b]; });
  std::vector<bool> keep(num_rows, false);
  for (int64_t i = 0; i < max_features; ++i) keep[order[i]] = true;
  RebuildRows(w, [&](const PerceptronModel&, int r, std::vector<int>&) {
    return static_cast<bool>(keep[r]);
  });
  return num_rows - max_features;
}

int64_t TrimParserListRows(int max_size, int keep, double min_share, ParserModel& model) {
  if (keep <= 0 || max_size <= keep) return 0;
  int64_t trimmed = 0;
  RebuildRows(*model.mutable_weights(), [&](const PerceptronModel& old, int,
                                            std::vector<int>& entries) {
    const int size = static_cast<int>(entries.size());
    if (size <= keep || size > max_size) return true;
    std::stable_sort(entries.begin(), entries.end(), [&](int a, int b) {
      return EntryMagnitude(old, a) > EntryMagnitude(old, b);
    });
    double all = 0, kept = 0;
    for (int j = 0; j < size; ++j) {
      all += EntryMagnitude(old, entries[j]);
      if (j < keep) kept += EntryMagnitude(old, entries[j]);
    }
    if (kept >= min_share * all) {
      entries.resize(keep);
      ++trimmed;
    }
    std::sort(entries.begin(), entries.end());
    return true;
  });
  return trimmed;
}

absl::StatusOr<Parser> Parser::FromProto(const ParserModel& model, bool reuse_scores) {
  if (model.feature_version() < kMinParserFeatureVersion ||
      model.feature_version() > kMaxParserFeatureVersion) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "parser model has feature version %u but this kg reads versions %u to %u; retrain the "
        "model with this kg's kg-train",
        model.feature_version(), kMinParserFeatureVersion, kMaxParserFeatureVersion));
  }
  if (model.labels_size() == 0) return absl::InvalidArgumentError("parser model has no labels");
  const bool two_stage = model.feature_version() == kTwoStageParserVersion;
  const int num_classes = two_stage ? 3 : NumClasses(model.labels_size());
  if (model.weights().num_classes() != static_cast<uint32_t>(num_classes)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "parser model of feature version %u has %u classes for %d labels (expected %d)",
        model.feature_version(), model.weights().num_classes(), model.labels_size(), num_classes));
  }
  if (two_stage && model.label_weights().num_classes() != static_cast<uint32_t>(model.labels_size())) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "parser model of feature version %u has a label model of %u classes for %d labels",
        model.feature_version(), model.label_weights().num_classes(), model.labels_size()));
  }
  Parser p;
  p.version_ = model.feature_version();
  p.two_stage_ = two_stage;
  ASSIGN_OR_RETURN(p.model_, PerceptronScorer::FromProto(model.weights()));
  if (two_stage) {
    ASSIGN_OR_RETURN(p.label_model_, PerceptronScorer::FromProto(model.label_weights()));
  }
  p.labels_.assign(model.labels().begin(), model.labels().end());
  for (size_t i = 0; i < p.labels_.size(); ++i) {
    if (p.labels_[i] == "root") p.root_label_ = static_cast<int>(i);
  }
  // Every state has the same number of features: count them on any state.
  std::vector<uint64_t> features;
  ArcHybridState st(1);
  ExtractParserFeatures(st, {RootFeatureToken(), RootFeatureToken()}, p.version_, features);
  p.order_free_ = reuse_scores && features.size() <= p.model_.exact_any_order_limit() &&
                  features.size() <= kParserFeatureScratch;
  p.label_any_order_ = two_stage && reuse_scores &&
                       kNumLabelFeatures <= p.label_model_.exact_any_order_limit();
  // The legal classes of each LegalCase, as BestLegal decides them.
  p.chunks_ = (num_classes + 15) / 16;
  p.simd_pick_ = p.order_free_ && HaveAvx512Pick() && p.chunks_ <= 16;
  p.legal_masks_.assign(16 * p.chunks_, 0);
  for (int c = 0; c < 16; ++c) {
    const bool shift = c & 1, left = c & 2, right = c & 4, left_to_root = c & 8;
    const int root = p.root_label_;
    if (two_stage) {  // move classes: any legal move, the label comes after
      p.legal_masks_[c] = static_cast<uint16_t>((shift ? 1 : 0) | (left ? 2 : 0) | (right ? 4 : 0));
      continue;
    }
    for (int cls = 0; cls < num_classes; ++cls) {
      const int l = LabelOf(cls);
      bool legal;
      if (cls == 0) {
        legal = shift;
      } else if (MoveOf(cls) == Move::kLeft) {
        legal = left && (root < 0 || (l == root) == left_to_root);
      } else {
        legal = right && (root < 0 || l != root);
      }
      if (legal)
        p.legal_masks_[c * p.chunks_ + cls / 16] |= static_cast<uint16_t>(1u << (cls % 16));
    }
  }
  return p;
}

// States with a single legal class need no scores (BestLegal would pick it
// whatever they are): an empty stack can only shift (about a third of all
// states), a lone word before the root only takes the root. Applies that
// move; false when the state has a choice.
bool Parser::ApplyForcedMove(ArcHybridState& st, bool root_move) const {
  if (!st.CanLeft() && !st.CanRight()) {
    st.Apply(Move::kShift, LabelOf(0));
    return true;
  }
  if (root_move && !st.CanShift() && !st.CanRight()) {
    st.Apply(Move::kLeft, root_label_);
    return true;
  }
  return false;
}

void Parser::ApplyBest(ArcHybridState& st, const std::vector<float>& scores) const {
  ApplyPicked(st, BestLegal(st, scores, root_label_));
}

void Parser::ApplyPicked(ArcHybridState& st, int best) const {
  if (best < 0) {
    // No labelled move is legal (a model without the needed labels): fall
    // back to the bare move so the tree is still complete.
    const Move m = st.CanLeft() ? Move::kLeft : (st.CanRight() ? Move::kRight : Move::kShift);
    st.Apply(m, 0);
    return;
  }
  st.Apply(MoveOf(best), LabelOf(best));
}

void Parser::ApplyMove(const std::vector<FeatureToken>& words, ArcHybridState& st,
                       int move) const {
  if (move <= 0) {  // SHIFT, or (never for a non-final state) no legal move
    ApplyPicked(st, move);
    return;
  }
  const Move m = move == 1 ? Move::kLeft : Move::kRight;
  const int n = st.n();
  const int dep = st.Stack(0);
  const int head = m == Move::kLeft ? st.b0() : st.Stack(1);
  int label = root_label_;
  if (head != n || root_label_ < 0) {
    uint64_t keys[kNumLabelFeatures];
    ExtractLabelFeatures(st, words, dep, head, keys);
    const int num_labels = label_model_.num_classes();
    float scores[256];
    std::fill(scores, scores + num_labels, 0.0f);
    if (label_any_order_) {
      // Exact sums in any order: masked rows in vectors, lists after.
      const size_t begin[2] = {0, kNumLabelFeatures};
      float* outputs[1] = {scores};
      label_model_.ScoreGroups(absl::MakeConstSpan(keys, kNumLabelFeatures), begin, 1, outputs);
    } else {
      label_model_.Score(absl::MakeConstSpan(keys, kNumLabelFeatures),
                         absl::MakeSpan(scores, num_labels));
    }
    label = BestLabel(scores, num_labels, head == n ? -1 : root_label_);
  }
  st.Apply(m, label);
}

void Parser::Run(const std::vector<FeatureToken>& words, ArcHybridState& st) const {
  const int num_classes = model_.num_classes();
  std::vector<uint64_t> features;
  features.reserve(256);
  std::vector<float> scores(num_classes);
  st.Reset(static_cast<int>(words.size()) - 1);
  const bool root_move =
      root_label_ >= 0 && (two_stage_ || 1 + 2 * root_label_ < num_classes);
  while (!st.Terminal()) {
    if (ApplyForcedMove(st, root_move)) continue;
    features.clear();
    ExtractParserFeatures(st, words, version_, features);
    std::fill(scores.begin(), scores.end(), 0.0f);
    model_.ScoreShortRowsFirst(features, absl::MakeSpan(scores));
    if (two_stage_) {
      ApplyMove(words, st, BestMove(st, scores.data()));
    } else {
      ApplyBest(st, scores);
    }
  }
}

namespace {

// Per-thread memory of RunCached, reused from sentence to sentence.
struct CachedRunScratch {
  // Cached groups: every group but kPfMixed.
  static constexpr int kCached = kPfMixed;
  int stride = 0;              // floats per score vector
  int slots = 0;               // words + root + "absent"
  std::vector<float> vectors;  // [group][slot][stride]
  std::vector<int32_t> tags;   // [group][slot]: version cached, 0 = none
  std::vector<float> mixed;

  void Reset(int n, int num_classes) {
    stride = (num_classes + 15) & ~15;
    slots = n + 2;
    const size_t cells = static_cast<size_t>(kCached) * slots;
    if (vectors.size() < cells * stride) vectors.resize(cells * stride);
    tags.assign(cells, 0);
    if (mixed.size() < static_cast<size_t>(stride)) mixed.resize(stride);
  }
  float* Vector(int g, int slot) {
    return vectors.data() + (static_cast<size_t>(g) * slots + slot) * stride;
  }
  int32_t& Tag(int g, int slot) { return tags[static_cast<size_t>(g) * slots + slot]; }
};

bool count_groups = false;

}  // namespace

void EnableParserGroupCounts(bool on) { count_groups = on; }

ParserGroupCounts& ThreadParserGroupCounts() {
  thread_local ParserGroupCounts counts;
  return counts;
}

void Parser::RunCached(const std::vector<FeatureToken>& words, ArcHybridState& st) const {
  const int num_classes = model_.num_classes();
  const int n = static_cast<int>(words.size()) - 1;
  thread_local CachedRunScratch scratch;
  scratch.Reset(n, num_classes);
  constexpr int kCached = CachedRunScratch::kCached;
  uint64_t keys[kParserFeatureScratch];
  size_t group_begin[kNumParserFeatureGroups + 1];
  std::vector<float> scores(num_classes);
  st.Reset(n);
  const bool root_move =
      root_label_ >= 0 && (two_stage_ || 1 + 2 * root_label_ < num_classes);
  const int absent = n + 1;
  while (!st.Terminal()) {
    if (ApplyForcedMove(st, root_move)) continue;
    // Each cached group's word (its slot) and the version of that word's
    // changing part (children counts), as the group's key needs them.
    const int s0 = st.Stack(0), s1 = st.Stack(1), s2 = st.Stack(2), b0 = st.b0();
    int slot[kCached], version[kCached];
    slot[kPfBuffer] = b0, version[kPfBuffer] = 1;
    slot[kPfBufferLeft] = b0, version[kPfBufferLeft] = 1 + st.NumLeft(b0);
    slot[kPfStack0] = s0 >= 0 ? s0 : absent, version[kPfStack0] = 1;
    slot[kPfStack0Right] = slot[kPfStack0];
    version[kPfStack0Right] = s0 >= 0 ? 1 + st.NumRight(s0) : 1;
    slot[kPfStack1] = s1 >= 0 ? s1 : absent, version[kPfStack1] = 1;
    slot[kPfStack1Right] = slot[kPfStack1];
    version[kPfStack1Right] = s1 >= 0 ? 1 + st.NumRight(s1) : 1;
    slot[kPfStack2] = s2 >= 0 ? s2 : absent, version[kPfStack2] = 1;
    uint32_t wanted = 1u << kPfMixed;
    for (int g = 0; g < kCached; ++g) {
      if (scratch.Tag(g, slot[g]) != version[g]) wanted |= 1u << g;
    }
    if (count_groups) [[unlikely]] {
      ParserGroupCounts& counts = ThreadParserGroupCounts();
      ++counts.states;
      for (int g = 0; g < kNumParserFeatureGroups; ++g) counts.groups[g] += (wanted >> g) & 1;
    }
    const size_t num_keys =
        ExtractParserFeatureGroups(st, words, version_, wanted, keys, group_begin);
    float* outputs[kNumParserFeatureGroups];
    for (int g = 0; g < kCached; ++g) {
      outputs[g] = scratch.Vector(g, slot[g]);
      if ((wanted >> g) & 1) {
        std::fill(outputs[g], outputs[g] + scratch.stride, 0.0f);
        scratch.Tag(g, slot[g]) = version[g];
      }
    }
#if defined(__x86_64__)
    if (simd_pick_) {
      // The mixed group's sum in a padded buffer (lanes past num_classes
      // stay zero), then the sum of all groups and the pick in vectors.
      float* mixed = scratch.mixed.data();
      std::fill(mixed, mixed + scratch.stride, 0.0f);
      outputs[kPfMixed] = mixed;
      model_.ScoreGroups(absl::MakeConstSpan(keys, num_keys), group_begin, kNumParserFeatureGroups,
                         outputs);
      const int best = SumAndPickAvx512(mixed, outputs, kCached, chunks_,
                                        legal_masks_.data() + LegalCase(st) * chunks_);
      if (two_stage_) {
        ApplyMove(words, st, best);
      } else {
        ApplyPicked(st, best);
      }
      continue;
    }
#endif
    std::fill(scores.begin(), scores.end(), 0.0f);
    outputs[kPfMixed] = scores.data();
    model_.ScoreGroups(absl::MakeConstSpan(keys, num_keys), group_begin, kNumParserFeatureGroups,
                       outputs);
    // Every partial sum is exact, so the order of these additions does
    // not matter.
    for (int g = 0; g < kCached; ++g) {
      const float* v = outputs[g];
      for (int c = 0; c < num_classes; ++c) scores[c] += v[c];
    }
    if (two_stage_) {
      ApplyMove(words, st, BestMove(st, scores.data()));
    } else {
      ApplyBest(st, scores);
    }
  }
}

void Parser::Parse(std::vector<Token>& tokens) const {
  if (tokens.empty()) return;
  const std::vector<FeatureToken> words = Featurize(tokens, [](const Token& t) {
    return std::make_tuple(std::string_view(t.text), std::string_view(t.lemma),
                           std::string_view(t.upos), std::string_view(t.xpos));
  });
  ArcHybridState st;
  if (order_free_) {
    RunCached(words, st);
  } else {
    Run(words, st);
  }
  const int n = static_cast<int>(tokens.size());
  for (int i = 0; i < n; ++i) {
    const int h = st.head(i);
    tokens[i].head = (h < 0 || h >= n) ? -1 : h;
    const int l = st.label(i);
    tokens[i].deprel = (l >= 0 && l < static_cast<int>(labels_.size())) ? labels_[l] : "dep";
    if (tokens[i].head < 0) tokens[i].deprel = "root";
  }
}

void Parser::Parse(ConlluSentence& sentence) const {
  if (sentence.tokens.empty()) return;
  const std::vector<FeatureToken> words = FeaturizeConllu(sentence);
  ArcHybridState st;
  if (order_free_) {
    RunCached(words, st);
  } else {
    Run(words, st);
  }
  const int n = static_cast<int>(sentence.tokens.size());
  for (int i = 0; i < n; ++i) {
    const int h = st.head(i);
    sentence.tokens[i].head = (h < 0 || h >= n) ? 0 : h + 1;
    const int l = st.label(i);
    sentence.tokens[i].deprel =
        (l >= 0 && l < static_cast<int>(labels_.size())) ? labels_[l] : "dep";
    if (sentence.tokens[i].head == 0) sentence.tokens[i].deprel = "root";
  }
}

}  // namespace kg::core
