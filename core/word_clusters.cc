#include "core/word_clusters.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_format.h"

#include "core/sentence_splitter.h"
#include "core/tokenizer.h"
#include "core/word_features.h"

namespace kg::core {
namespace {

// x log x, from a table for the small counts most cells hold.
class XLogX {
 public:
  XLogX() : table_(kTable) {
    for (int64_t i = 1; i < kTable; ++i) table_[i] = static_cast<double>(i) * std::log(i);
  }
  double operator()(int64_t x) const {
    return x < kTable ? table_[x] : static_cast<double>(x) * std::log(static_cast<double>(x));
  }

 private:
  static constexpr int64_t kTable = 1 << 18;
  std::vector<double> table_;
};

// Bigram counts over units (words, or the classes of a finer level): for each
// unit the units after it (right_*) and before it (left_*), CSR.
struct Bigrams {
  size_t units = 0;
  std::vector<uint32_t> right_start, right_unit, right_count;
  std::vector<uint32_t> left_start, left_unit, left_count;
  std::vector<int64_t> as_left, as_right;  // how often a unit is a bigram's first (second) word
};

// From (first << 32 | second) pairs, sorted, repeats counted.
Bigrams FromSortedPairs(size_t units, const std::vector<uint64_t>& pairs,
                        const std::vector<uint32_t>& counts = {}) {
  Bigrams g;
  g.units = units;
  g.right_start.assign(units + 1, 0);
  g.left_start.assign(units + 1, 0);
  g.as_left.assign(units, 0);
  g.as_right.assign(units, 0);
  struct Cell {
    uint32_t a, b, n;
  };
  std::vector<Cell> cells;
  for (size_t i = 0; i < pairs.size();) {
    size_t j = i;
    uint64_t n = 0;
    for (; j < pairs.size() && pairs[j] == pairs[i]; ++j) n += counts.empty() ? 1 : counts[j];
    cells.push_back({static_cast<uint32_t>(pairs[i] >> 32), static_cast<uint32_t>(pairs[i]),
                     static_cast<uint32_t>(n)});
    i = j;
  }
  for (const Cell& c : cells) {
    ++g.right_start[c.a + 1];
    ++g.left_start[c.b + 1];
    g.as_left[c.a] += c.n;
    g.as_right[c.b] += c.n;
  }
  for (size_t u = 0; u < units; ++u) {
    g.right_start[u + 1] += g.right_start[u];
    g.left_start[u + 1] += g.left_start[u];
  }
  g.right_unit.resize(cells.size());
  g.right_count.resize(cells.size());
  g.left_unit.resize(cells.size());
  g.left_count.resize(cells.size());
  std::vector<uint32_t> rpos(g.right_start.begin(), g.right_start.end() - 1);
  std::vector<uint32_t> lpos(g.left_start.begin(), g.left_start.end() - 1);
  for (const Cell& c : cells) {
    g.right_unit[rpos[c.a]] = c.b;
    g.right_count[rpos[c.a]++] = c.n;
    g.left_unit[lpos[c.b]] = c.a;
    g.left_count[lpos[c.b]++] = c.n;
  }
  return g;
}

// The exchange algorithm: units with fixed[u] < 0 move among classes
// [0, k) (first placed round-robin in unit order), each to the class that
// most raises sum N(c,d) log N(c,d) - sum N(c,.) log N(c,.) - sum N(.,d) log
// N(.,d) (the class-bigram log-likelihood up to constants); unit u with
// fixed[u] >= 0 stays in class k + fixed[u]. Returns each unit's class.
std::vector<int> Exchange(const Bigrams& g, const std::vector<int>& fixed, int k, int iterations,
                          const XLogX& f, const std::function<void(std::string_view)>& log,
                          const char* what) {
  int num_fixed = 0;
  for (int x : fixed) num_fixed = std::max(num_fixed, x + 1);
  const size_t kk = static_cast<size_t>(k + num_fixed);
  std::vector<int> cls(g.units);
  int next = 0;
  for (size_t u = 0; u < g.units; ++u) cls[u] = fixed[u] >= 0 ? k + fixed[u] : next++ % k;
  std::vector<int64_t> n(kk * kk, 0), nt(kk * kk, 0), left(kk, 0), right(kk, 0);
  for (size_t u = 0; u < g.units; ++u) {
    for (uint32_t e = g.right_start[u]; e < g.right_start[u + 1]; ++e) {
      n[cls[u] * kk + cls[g.right_unit[e]]] += g.right_count[e];
    }
    left[cls[u]] += g.as_left[u];
    right[cls[u]] += g.as_right[u];
  }
  for (size_t c = 0; c < kk; ++c) {
    for (size_t d = 0; d < kk; ++d) nt[d * kk + c] = n[c * kk + d];
  }
  auto objective = [&] {
    double o = 0;
    for (int64_t x : n) o += f(x);
    for (size_t c = 0; c < kk; ++c) o -= f(left[c]) + f(right[c]);
    return o;
  };
  std::vector<int64_t> lw(kk, 0), rw(kk, 0);
  std::vector<uint32_t> touched_l, touched_r;
  std::vector<double> gain(k);
  for (int it = 0; it < iterations; ++it) {
    size_t moves = 0;
    for (size_t u = 0; u < g.units; ++u) {
      if (fixed[u] >= 0) continue;
      const int a = cls[u];
      int64_t self = 0;
      touched_l.clear();
      touched_r.clear();
      for (uint32_t e = g.right_start[u]; e < g.right_start[u + 1]; ++e) {
        const uint32_t v = g.right_unit[e];
        if (v == u) {
          self += g.right_count[e];
          continue;
        }
        const int d = cls[v];
        if (lw[d] == 0) touched_l.push_back(d);
        lw[d] += g.right_count[e];
      }
      for (uint32_t e = g.left_start[u]; e < g.left_start[u + 1]; ++e) {
        const uint32_t v = g.left_unit[e];
        if (v == u) continue;
        const int c = cls[v];
        if (rw[c] == 0) touched_r.push_back(c);
        rw[c] += g.left_count[e];
      }
      // Moves the unit's counts out of (sign -1) or into (+1) class b.
      auto update = [&](int b, int64_t sign) {
        for (uint32_t d : touched_l) {
          n[b * kk + d] += sign * lw[d];
          nt[d * kk + b] += sign * lw[d];
        }
        for (uint32_t c : touched_r) {
          n[c * kk + b] += sign * rw[c];
          nt[b * kk + c] += sign * rw[c];
        }
        n[b * kk + b] += sign * self;
        nt[b * kk + b] += sign * self;
        left[b] += sign * g.as_left[u];
        right[b] += sign * g.as_right[u];
      };
      update(a, -1);
      const int64_t al = g.as_left[u], ar = g.as_right[u];
      for (int b = 0; b < k; ++b) {
        gain[b] = f(left[b]) - f(left[b] + al) + f(right[b]) - f(right[b] + ar);
      }
      for (uint32_t d : touched_l) {
        const int64_t* row = &nt[d * kk];
        const int64_t x = lw[d];
        for (int b = 0; b < k; ++b) gain[b] += f(row[b] + x) - f(row[b]);
      }
      for (uint32_t c : touched_r) {
        const int64_t* row = &n[c * kk];
        const int64_t x = rw[c];
        for (int b = 0; b < k; ++b) gain[b] += f(row[b] + x) - f(row[b]);
      }
      // The (b, b) cell takes the unit's bigrams with class b on either
      // side and with itself at once, not one by one as summed above.
      for (int b = 0; b < k; ++b) {
        const int64_t x = lw[b], y = rw[b];
        if (x == 0 && y == 0 && self == 0) continue;
        const int64_t m = n[b * kk + b];
        gain[b] += f(m + x + y + self) - f(m + x) - f(m + y) + f(m);
      }
      int best = a;
      for (int b = 0; b < k; ++b) {
        if (gain[b] > gain[best] + 1e-9) best = b;
      }
      if (best != a) ++moves;
      cls[u] = best;
      update(best, +1);
      for (uint32_t d : touched_l) lw[d] = 0;
      for (uint32_t c : touched_r) rw[c] = 0;
    }
    if (log) {
      log(absl::StrFormat("word classes (%s, %d classes): pass %d, %d moves, objective %.6g", what, k,
                          it + 1, moves, objective()));
    }
    if (moves == 0) break;
  }
  return cls;
}

}  // namespace

std::string ExchangeClusterKey(std::string_view word) {
  if (!word.empty() && word[0] >= '0' && word[0] <= '9') return NormalizedWord(word);
  return std::string(word);
}

void ClusterCorpus::Add(std::string_view word) {
  std::string key = lowercase_ ? NormalizedWord(word) : ExchangeClusterKey(word);
  auto [it, inserted] = ids_.try_emplace(std::move(key), static_cast<uint32_t>(words_.size()));
  if (inserted) {
    words_.push_back(it->first);
    counts_.push_back(0);
  }
  ++counts_[it->second];
  corpus_.push_back(it->second);
  ++tokens_;
}

void ClusterCorpus::AddText(std::string_view text) {
  const std::string owned(text);
  for (const Sentence& s : SplitSentences(owned, Tokenize(owned))) {
    if (s.tokens.empty()) continue;
    for (const Token& t : s.tokens) Add(t.text);
    corpus_.push_back(kSentenceEnd);
  }
}

void ClusterCorpus::AddSentence(const std::vector<std::string>& words) {
  if (words.empty()) return;
  for (const std::string& w : words) Add(w);
  corpus_.push_back(kSentenceEnd);
}

WordClusterModel BuildExchangeClusters(const ClusterCorpus& corpus,
                                       const ExchangeClusterOptions& options) {
  const std::vector<std::string>& words = corpus.words();
  const std::vector<uint64_t>& counts = corpus.counts();
  // Units: the kept words by frequency (ties by spelling), then the
  // sentence boundary and one unit for all rarer words, both fixed.
  std::vector<uint32_t> by_freq(words.size());
  for (uint32_t i = 0; i < by_freq.size(); ++i) by_freq[i] = i;
  std::sort(by_freq.begin(), by_freq.end(), [&](uint32_t a, uint32_t b) {
    return counts[a] != counts[b] ? counts[a] > counts[b] : words[a] < words[b];
  });
  size_t kept = 0;
  while (kept < by_freq.size() && kept < options.max_words &&
         counts[by_freq[kept]] >= static_cast<uint64_t>(std::max(1, options.min_count))) {
    ++kept;
  }
  const uint32_t boundary = static_cast<uint32_t>(kept), rare = boundary + 1;
  std::vector<uint32_t> unit(words.size(), rare);
  for (size_t r = 0; r < kept; ++r) unit[by_freq[r]] = static_cast<uint32_t>(r);
  std::vector<int> levels = options.granularities;
  std::sort(levels.begin(), levels.end(), std::greater<int>());
  levels.erase(std::unique(levels.begin(), levels.end()), levels.end());
  WordClusterModel out;
  out.set_method(corpus.lowercase() ? 0 : 1);
  if (kept == 0 || levels.empty() || levels.back() < 1) return out;

  std::vector<uint64_t> pairs;
  pairs.reserve(corpus.corpus().size());
  uint32_t prev = boundary;
  for (uint32_t id : corpus.corpus()) {
    const uint32_t cur = id == ClusterCorpus::kSentenceEnd ? boundary : unit[id];
    pairs.push_back(static_cast<uint64_t>(prev) << 32 | cur);
    prev = cur;
  }
  std::sort(pairs.begin(), pairs.end());
  Bigrams g = FromSortedPairs(kept + 2, pairs);
  pairs.clear();
  pairs.shrink_to_fit();
  std::vector<int> fixed(kept + 2, -1);
  fixed[boundary] = 0;
  fixed[rare] = 1;

  const XLogX f;
  // Finest level on the words, each coarser one on the finer classes.
  std::vector<std::vector<int>> per_word;  // finest first
  std::vector<int> word_class;
  for (size_t l = 0; l < levels.size(); ++l) {
    const int k = levels[l];
    std::vector<int> cls = Exchange(g, fixed, k, l == 0 ? options.iterations
                                                        : options.coarse_iterations,
                                    f, options.log, l == 0 ? "words" : "classes");
    if (l == 0) {
      word_class.assign(cls.begin(), cls.begin() + kept);
    } else {
      for (int& c : word_class) c = cls[c];
    }
    per_word.push_back(word_class);
    // The next level's units: this level's classes (fixed units last).
    const size_t units = static_cast<size_t>(k) + 2;
    std::vector<uint64_t> cell_pairs;
    std::vector<uint32_t> cell_counts;
    std::vector<int64_t> matrix(units * units, 0);
    for (size_t u = 0; u < g.units; ++u) {
      for (uint32_t e = g.right_start[u]; e < g.right_start[u + 1]; ++e) {
        matrix[cls[u] * units + cls[g.right_unit[e]]] += g.right_count[e];
      }
    }
    for (size_t c = 0; c < units; ++c) {
      for (size_t d = 0; d < units; ++d) {
        if (matrix[c * units + d] == 0) continue;
        cell_pairs.push_back(static_cast<uint64_t>(c) << 32 | d);
        cell_counts.push_back(static_cast<uint32_t>(matrix[c * units + d]));
      }
    }
    g = FromSortedPairs(units, cell_pairs, cell_counts);
    fixed.assign(units, -1);
    fixed[k] = 0;
    fixed[k + 1] = 1;
  }
  // Stored coarsest first.
  std::reverse(per_word.begin(), per_word.end());
  for (auto it = levels.rbegin(); it != levels.rend(); ++it) {
    out.add_granularities(static_cast<uint32_t>(*it));
  }
  for (size_t r = 0; r < kept; ++r) {
    out.add_words(words[by_freq[r]]);
    for (const auto& level : per_word) out.add_ids(static_cast<uint32_t>(level[r]));
  }
  return out;
}

bool WordClusters::Load(const WordClusterModel& model) {
  index_.clear();
  ids_.clear();
  granularities_ = model.granularities_size();
  as_written_ = model.method() == 1;
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

const uint16_t* WordClusters::FindWord(std::string_view form,
                                       std::string_view normalized) const {
  if (!as_written_) return Find(normalized);
  if (index_.empty() || form.empty()) return nullptr;
  if (form[0] >= '0' && form[0] <= '9') return Find(normalized);
  if (const uint16_t* ids = Find(form)) return ids;
  if (normalized != form) {
    if (const uint16_t* ids = Find(normalized)) return ids;
  }
  if (form[0] >= 'a' && form[0] <= 'z') {
    thread_local std::string capitalised;
    capitalised.assign(form);
    capitalised[0] = static_cast<char>(capitalised[0] - 'a' + 'A');
    return Find(capitalised);
  }
  return nullptr;
}

const uint16_t* WordClusters::Find(std::string_view normalized) const {
  if (index_.empty()) return nullptr;
  auto it = index_.find(absl::string_view(normalized.data(), normalized.size()));
  return it == index_.end() ? nullptr : &ids_[it->second];
}

}  // namespace kg::core
