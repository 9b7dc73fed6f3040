#include "core/word_clusters.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "core/sentence_splitter.h"
#include "core/tokenizer.h"
#include "core/word_features.h"

namespace kg::core {
namespace {

constexpr uint32_t kBoundary = 0xffffffffu;

using Vectors = std::vector<float>;  // rows of `dim` floats

void Normalize(float* v, int dim) {
  double norm = 0;
  for (int d = 0; d < dim; ++d) norm += static_cast<double>(v[d]) * v[d];
  if (norm <= 0) return;
  const float inv = static_cast<float>(1.0 / std::sqrt(norm));
  for (int d = 0; d < dim; ++d) v[d] *= inv;
}

float Dot(const float* a, const float* b, int dim) {
  float s = 0;
  for (int d = 0; d < dim; ++d) s += a[d] * b[d];
  return s;
}

// Spherical k-means of the unit rows of `x` (weights `w`) into k classes;
// returns the class of each row and leaves the unit centroids in `centroids`.
std::vector<int> KMeans(const Vectors& x, const std::vector<float>& w, int dim, int k,
                        int iterations, std::mt19937_64& rng, Vectors& centroids) {
  const size_t n = w.size();
  std::vector<int> assign(n, 0);
  if (n == 0) return assign;
  k = static_cast<int>(std::min<size_t>(k, n));
  // Seeds: k distinct rows drawn at random (partial Fisher-Yates).
  std::vector<size_t> pick(n);
  for (size_t i = 0; i < n; ++i) pick[i] = i;
  centroids.assign(static_cast<size_t>(k) * dim, 0.0f);
  for (int c = 0; c < k; ++c) {
    const size_t j = c + rng() % (n - c);
    std::swap(pick[c], pick[j]);
    std::copy_n(&x[pick[c] * dim], dim, &centroids[static_cast<size_t>(c) * dim]);
  }
  for (int it = 0; it < iterations; ++it) {
    for (size_t i = 0; i < n; ++i) {
      const float* v = &x[i * dim];
      int best = 0;
      float best_score = -2.0f;
      for (int c = 0; c < k; ++c) {
        const float s = Dot(v, &centroids[static_cast<size_t>(c) * dim], dim);
        if (s > best_score) best_score = s, best = c;
      }
      assign[i] = best;
    }
    std::fill(centroids.begin(), centroids.end(), 0.0f);
    std::vector<double> mass(k, 0.0);
    for (size_t i = 0; i < n; ++i) {
      float* c = &centroids[static_cast<size_t>(assign[i]) * dim];
      for (int d = 0; d < dim; ++d) c[d] += w[i] * x[i * dim + d];
      mass[assign[i]] += w[i];
    }
    for (int c = 0; c < k; ++c) {
      float* cv = &centroids[static_cast<size_t>(c) * dim];
      if (mass[c] == 0) {  // empty: restart from a random row
        std::copy_n(&x[(rng() % n) * dim], dim, cv);
      }
      Normalize(cv, dim);
    }
  }
  return assign;
}

}  // namespace

WordClusterModel BuildWordClusters(const std::vector<std::string>& texts,
                                   const WordClusterOptions& options) {
  // Corpus as word ids, sentences separated by kBoundary.
  absl::flat_hash_map<std::string, uint32_t> ids;
  std::vector<std::string> words;
  std::vector<uint64_t> counts;
  std::vector<uint32_t> corpus;
  for (const std::string& text : texts) {
    for (const Sentence& s : SplitSentences(text, Tokenize(text))) {
      corpus.push_back(kBoundary);
      for (const Token& t : s.tokens) {
        std::string w = NormalizedWord(t.text);
        auto [it, inserted] = ids.try_emplace(w, static_cast<uint32_t>(words.size()));
        if (inserted) {
          words.push_back(std::move(w));
          counts.push_back(0);
        }
        ++counts[it->second];
        corpus.push_back(it->second);
      }
    }
  }
  corpus.push_back(kBoundary);

  // Words by frequency (ties by spelling, for determinism).
  std::vector<uint32_t> by_freq(words.size());
  for (uint32_t i = 0; i < by_freq.size(); ++i) by_freq[i] = i;
  std::sort(by_freq.begin(), by_freq.end(), [&](uint32_t a, uint32_t b) {
    return counts[a] != counts[b] ? counts[a] > counts[b] : words[a] < words[b];
  });
  std::vector<int32_t> row(words.size(), -1), context(words.size(), -1);
  std::vector<uint32_t> vocab;
  for (uint32_t w : by_freq) {
    if (vocab.size() >= options.max_words || counts[w] < static_cast<uint64_t>(options.min_count)) {
      break;
    }
    row[w] = static_cast<int32_t>(vocab.size());
    vocab.push_back(w);
  }
  const int num_context = static_cast<int>(std::min<size_t>(options.context_words, vocab.size()));
  for (int c = 0; c < num_context; ++c) context[vocab[c]] = c;

  // Co-occurrence counts (word row, neighbour dimension): left neighbours
  // are dimensions [0, C), right ones [C, 2C).
  std::vector<uint64_t> pairs;
  pairs.reserve(corpus.size() * 2);
  for (size_t i = 1; i + 1 < corpus.size(); ++i) {
    const uint32_t w = corpus[i];
    if (w == kBoundary || row[w] < 0) continue;
    const uint32_t l = corpus[i - 1], r = corpus[i + 1];
    if (l != kBoundary && context[l] >= 0) {
      pairs.push_back(static_cast<uint64_t>(row[w]) << 32 | static_cast<uint32_t>(context[l]));
    }
    if (r != kBoundary && context[r] >= 0) {
      pairs.push_back(static_cast<uint64_t>(row[w]) << 32 |
                      static_cast<uint32_t>(context[r] + num_context));
    }
  }
  std::sort(pairs.begin(), pairs.end());
  const int dims = 2 * num_context;
  std::vector<double> row_total(vocab.size(), 0), col_total(dims, 0);
  double total = 0;
  for (uint64_t p : pairs) {
    ++row_total[p >> 32];
    ++col_total[p & 0xffffffffu];
    ++total;
  }

  // PPMI rows randomly projected (+-1 entries) to `dim` dimensions.
  const int dim = options.dimensions;
  std::mt19937_64 rng(options.seed);
  std::vector<float> projection(static_cast<size_t>(dims) * dim);
  for (float& p : projection) p = (rng() & 1) ? 1.0f : -1.0f;
  Vectors x(vocab.size() * dim, 0.0f);
  for (size_t i = 0; i < pairs.size();) {
    size_t j = i;
    while (j < pairs.size() && pairs[j] == pairs[i]) ++j;
    const uint64_t r = pairs[i] >> 32, c = pairs[i] & 0xffffffffu;
    const double pmi = std::log(static_cast<double>(j - i) * total / (row_total[r] * col_total[c]));
    if (pmi > 0) {
      float* v = &x[r * dim];
      const float* p = &projection[c * dim];
      for (int d = 0; d < dim; ++d) v[d] += static_cast<float>(pmi) * p[d];
    }
    i = j;
  }
  std::vector<float> weight(vocab.size());
  for (size_t r = 0; r < vocab.size(); ++r) {
    Normalize(&x[r * dim], dim);
    weight[r] = 1.0f;
  }

  // Finest granularity on the words; coarser ones cluster the finer
  // centroids (weighted by their sizes), so the levels nest.
  std::vector<int> levels = options.granularities;
  std::sort(levels.begin(), levels.end(), std::greater<int>());
  WordClusterModel out;
  std::vector<std::vector<int>> classes;  // per level (finest first), per word
  Vectors points = x, centroids;
  std::vector<float> point_weight = weight;
  std::vector<int> word_to_point(vocab.size());
  for (size_t r = 0; r < vocab.size(); ++r) word_to_point[r] = static_cast<int>(r);
  for (int k : levels) {
    std::vector<int> a = KMeans(points, point_weight, dim, k, options.iterations, rng, centroids);
    std::vector<int> per_word(vocab.size());
    for (size_t r = 0; r < vocab.size(); ++r) per_word[r] = a[word_to_point[r]];
    classes.push_back(per_word);
    // The next level clusters this level's centroids.
    const int used = static_cast<int>(centroids.size() / dim);
    std::vector<float> mass(used, 0.0f);
    for (size_t r = 0; r < vocab.size(); ++r) mass[per_word[r]] += 1.0f;
    points = centroids;
    point_weight = mass;
    word_to_point = per_word;
  }
  // Stored coarsest first.
  std::reverse(classes.begin(), classes.end());
  std::sort(levels.begin(), levels.end());
  for (int k : levels) out.add_granularities(static_cast<uint32_t>(k));
  for (size_t r = 0; r < vocab.size(); ++r) {
    out.add_words(words[vocab[r]]);
    for (const auto& level : classes) out.add_ids(static_cast<uint32_t>(level[r]));
  }
  return out;
}

bool WordClusters::Load(const WordClusterModel& model) {
  index_.clear();
  ids_.clear();
  granularities_ = model.granularities_size();
  if (granularities_ == 0) return model.words_size() == 0;
  if (static_cast<size_t>(model.ids_size()) !=
      static_cast<size_t>(model.words_size()) * granularities_) {
    granularities_ = 0;
    return false;
  }
  index_.reserve(model.words_size());
  ids_.reserve(model.ids_size());
  for (uint32_t id : model.ids()) ids_.push_back(static_cast<uint16_t>(id));
  for (int i = 0; i < model.words_size(); ++i) {
    index_.try_emplace(model.words(i), static_cast<uint32_t>(i * granularities_));
  }
  return true;
}

const uint16_t* WordClusters::Find(std::string_view normalized) const {
  if (index_.empty()) return nullptr;
  auto it = index_.find(absl::string_view(normalized.data(), normalized.size()));
  return it == index_.end() ? nullptr : &ids_[it->second];
}

}  // namespace kg::core
