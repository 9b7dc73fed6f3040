#include "core/linear_chain_crf.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

#include "absl/strings/str_format.h"

namespace kg::core {
namespace {

constexpr double kNone = -std::numeric_limits<double>::infinity();

// log(exp(a) + exp(b)) without overflow; kNone is the empty sum.
double LogAdd(double a, double b) {
  if (a == kNone) return b;
  if (b == kNone) return a;
  return a > b ? a + std::log1p(std::exp(b - a)) : b + std::log1p(std::exp(a - b));
}

}  // namespace

void CrfSentence::AddWord(const std::vector<uint32_t>& o, const std::vector<uint32_t>& p,
                          int label) {
  obs.insert(obs.end(), o.begin(), o.end());
  obs_begin.push_back(static_cast<uint32_t>(obs.size()));
  pairs.insert(pairs.end(), p.begin(), p.end());
  pair_begin.push_back(static_cast<uint32_t>(pairs.size()));
  gold.push_back(label);
}

LinearChainCrf::LinearChainCrf(CrfLattice lattice, size_t num_obs_features,
                               size_t num_pair_features)
    : lattice_(std::move(lattice)), num_obs_(num_obs_features), num_pair_(num_pair_features) {
  const int m = lattice_.num_labels;
  obs_.assign(num_obs_ * m, 0.0f);
  pair_.assign(num_pair_ * lattice_.num_pairs, 0.0f);
  preds_.assign(m, {});
  for (int c = 0; c < m; ++c) {
    for (int p = 0; p < m; ++p) {
      if (lattice_.Pair(p, c) >= 0) preds_[c].push_back(p);
    }
  }
}

void LinearChainCrf::set_obs_weight(size_t f, int c, float w) {
  obs_[f * lattice_.num_labels + c] = w / scale_;
}

void LinearChainCrf::set_pair_weight(size_t f, int k, float w) {
  pair_[f * lattice_.num_pairs + k] = w / scale_;
}

void LinearChainCrf::ScoreWords(const CrfSentence& s) const {
  const size_t n = s.size();
  const int m = lattice_.num_labels, np = lattice_.num_pairs;
  obs_scores_.assign(n * m, 0.0);
  pair_scores_.assign(n * np, 0.0);
  for (size_t i = 0; i < n; ++i) {
    double* o = &obs_scores_[i * m];
    for (uint32_t k = s.obs_begin[i]; k < s.obs_begin[i + 1]; ++k) {
      const float* row = &obs_[static_cast<size_t>(s.obs[k]) * m];
      for (int c = 0; c < m; ++c) o[c] += row[c];
    }
    double* p = &pair_scores_[i * np];
    for (uint32_t k = s.pair_begin[i]; k < s.pair_begin[i + 1]; ++k) {
      const float* row = &pair_[static_cast<size_t>(s.pairs[k]) * np];
      for (int c = 0; c < np; ++c) p[c] += row[c];
    }
    for (int c = 0; c < m; ++c) o[c] *= scale_;
    for (int c = 0; c < np; ++c) p[c] *= scale_;
  }
}

double LinearChainCrf::Marginals(const CrfSentence& s) const {
  const size_t n = s.size();
  const int m = lattice_.num_labels, np = lattice_.num_pairs;
  const auto obs = [&](size_t i, int c) { return obs_scores_[i * m + c]; };
  const auto pair = [&](size_t i, int k) { return pair_scores_[i * np + k]; };
  alpha_.assign(n * m, kNone);
  beta_.assign(n * m, kNone);
  for (int c = 0; c < m; ++c) {
    const int k = lattice_.Pair(-1, c);
    if (k < 0 || (n == 1 && !lattice_.may_end[c])) continue;
    alpha_[c] = obs(0, c) + pair(0, k);
  }
  for (size_t i = 1; i < n; ++i) {
    const bool last = i + 1 == n;
    for (int c = 0; c < m; ++c) {
      if (last && !lattice_.may_end[c]) continue;
      double sum = kNone;
      for (int p : preds_[c]) {
        const double a = alpha_[(i - 1) * m + p];
        if (a != kNone) sum = LogAdd(sum, a + pair(i, lattice_.Pair(p, c)));
      }
      if (sum != kNone) alpha_[i * m + c] = sum + obs(i, c);
    }
  }
  double log_z = kNone;
  for (int c = 0; c < m; ++c) {
    if (lattice_.may_end[c]) {
      beta_[(n - 1) * m + c] = 0.0;
      log_z = LogAdd(log_z, alpha_[(n - 1) * m + c]);
    }
  }
  for (size_t i = n - 1; i-- > 0;) {
    for (int c = 0; c < m; ++c) {
      const double b = beta_[(i + 1) * m + c];
      if (b == kNone) continue;
      const double here = b + obs(i + 1, c);
      for (int p : preds_[c]) {
        beta_[i * m + p] = LogAdd(beta_[i * m + p], here + pair(i + 1, lattice_.Pair(p, c)));
      }
    }
  }
  node_.assign(n * m, 0.0);
  edge_.assign(n * np, 0.0);
  for (size_t i = 0; i < n; ++i) {
    for (int c = 0; c < m; ++c) {
      const double a = alpha_[i * m + c], b = beta_[i * m + c];
      if (a == kNone || b == kNone) continue;
      node_[i * m + c] = std::exp(a + b - log_z);
      if (i == 0) {
        edge_[lattice_.Pair(-1, c)] = node_[c];
        continue;
      }
      const double right = obs(i, c) + b - log_z;
      for (int p : preds_[c]) {
        const double before = alpha_[(i - 1) * m + p];
        if (before == kNone) continue;
        const int k = lattice_.Pair(p, c);
        edge_[i * np + k] = std::exp(before + pair(i, k) + right);
      }
    }
  }
  return log_z;
}

double LinearChainCrf::GoldScore(const CrfSentence& s) const {
  const int m = lattice_.num_labels, np = lattice_.num_pairs;
  double score = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const int k = lattice_.Pair(i == 0 ? -1 : s.gold[i - 1], s.gold[i]);
    score += obs_scores_[i * m + s.gold[i]] + (k >= 0 ? pair_scores_[i * np + k] : kNone);
  }
  return score;
}

double LinearChainCrf::LogLikelihood(const CrfSentence& s, std::vector<double>* obs_grad,
                                     std::vector<double>* pair_grad) const {
  if (s.size() == 0) return 0.0;
  ScoreWords(s);
  const double log_z = Marginals(s);
  const double ll = GoldScore(s) - log_z;
  if (obs_grad == nullptr || pair_grad == nullptr) return ll;
  const int m = lattice_.num_labels, np = lattice_.num_pairs;
  for (size_t i = 0; i < s.size(); ++i) {
    const int g = s.gold[i];
    const int gk = lattice_.Pair(i == 0 ? -1 : s.gold[i - 1], g);
    for (uint32_t j = s.obs_begin[i]; j < s.obs_begin[i + 1]; ++j) {
      double* row = &(*obs_grad)[static_cast<size_t>(s.obs[j]) * m];
      for (int c = 0; c < m; ++c) row[c] += (c == g) - node_[i * m + c];
    }
    for (uint32_t j = s.pair_begin[i]; j < s.pair_begin[i + 1]; ++j) {
      double* row = &(*pair_grad)[static_cast<size_t>(s.pairs[j]) * np];
      for (int k = 0; k < np; ++k) row[k] += (k == gk) - edge_[i * np + k];
    }
  }
  return ll;
}

void LinearChainCrf::Fold() {
  for (float& w : obs_) w *= scale_;
  for (float& w : pair_) w *= scale_;
  scale_ = 1.0f;
}

void LinearChainCrf::AdaGradSentence(const CrfSentence& s, double l2, double eta,
                                     const std::vector<float>& obs_count,
                                     const std::vector<float>& pair_count) {
  const int m = lattice_.num_labels, np = lattice_.num_pairs;
  constexpr float kFloor = 1e-6f;
  const float weight = s.weight, rate = static_cast<float>(eta);
  auto update = [&](float* w, float* g2, float residual, float penalty) {
    const float g = weight * residual - penalty * *w;
    if (g == 0.0f) return;
    *g2 += g * g;
    *w += rate * g / std::sqrt(*g2 + kFloor);
  };
  for (size_t i = 0; i < s.size(); ++i) {
    const int g = s.gold[i];
    const int gk = lattice_.Pair(i == 0 ? -1 : s.gold[i - 1], g);
    const double* node = &node_[i * m];
    const double* edge = &edge_[i * np];
    for (uint32_t j = s.obs_begin[i]; j < s.obs_begin[i + 1]; ++j) {
      const size_t f = s.obs[j];
      const float penalty = static_cast<float>(l2 / obs_count[f]);
      for (int c = 0; c < m; ++c) {
        update(&obs_[f * m + c], &obs_g2_[f * m + c], static_cast<float>((c == g) - node[c]),
               penalty);
      }
    }
    for (uint32_t j = s.pair_begin[i]; j < s.pair_begin[i + 1]; ++j) {
      const size_t f = s.pairs[j];
      const float penalty = static_cast<float>(l2 / pair_count[f]);
      for (int k = 0; k < np; ++k) {
        update(&pair_[f * np + k], &pair_g2_[f * np + k], static_cast<float>((k == gk) - edge[k]),
               penalty);
      }
    }
  }
}

void LinearChainCrf::Train(const std::vector<CrfSentence>& data, const CrfTrainOptions& options) {
  const int m = lattice_.num_labels, np = lattice_.num_pairs;
  const double total = static_cast<double>(std::max<size_t>(data.size(), 1));
  std::vector<float> obs_count, pair_count;
  if (options.adagrad) {
    Fold();
    obs_g2_.assign(obs_.size(), 0.0f);
    pair_g2_.assign(pair_.size(), 0.0f);
    obs_count.assign(num_obs_, 0.0f);
    pair_count.assign(num_pair_, 0.0f);
    for (const CrfSentence& s : data) {
      for (uint32_t f : s.obs) obs_count[f] += 1;
      for (uint32_t f : s.pairs) pair_count[f] += 1;
    }
  }
  std::vector<size_t> order(data.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::mt19937_64 rng(options.seed);
  std::vector<float> obs_step(m), pair_step(np);
  std::vector<float> obs_sum, pair_sum;  // options.average_from
  int averaged = 0;
  double t = 0;
  for (int epoch = 0; epoch < options.epochs; ++epoch) {
    for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng() % i]);
    double loss = 0;
    size_t right = 0, seen = 0;
    for (size_t index : order) {
      const CrfSentence& s = data[index];
      const double eta = options.eta / (1.0 + t / total);
      t += 1;
      if (s.size() == 0) continue;
      if (options.adagrad) {
        ScoreWords(s);
        const double log_z = Marginals(s);
        loss += s.weight * (log_z - GoldScore(s));
        for (size_t i = 0; i < s.size(); ++i) {
          const double* node = &node_[i * m];
          right += std::max_element(node, node + m) - node == s.gold[i];
          ++seen;
        }
        AdaGradSentence(s, options.l2, options.eta, obs_count, pair_count);
        continue;
      }
      // The penalty's share of this sentence: w -= eta * (l2 / N) * w.
      scale_ *= static_cast<float>(1.0 - std::min(0.5, eta * options.l2 / total));
      if (scale_ < 1e-4f) Fold();
      ScoreWords(s);
      const double log_z = Marginals(s);
      loss += s.weight * (log_z - GoldScore(s));
      const float step = static_cast<float>(eta * s.weight / scale_);
      for (size_t i = 0; i < s.size(); ++i) {
        const int g = s.gold[i];
        const int gk = lattice_.Pair(i == 0 ? -1 : s.gold[i - 1], g);
        const double* node = &node_[i * m];
        const double* edge = &edge_[i * np];
        right += std::max_element(node, node + m) - node == g;
        ++seen;
        for (int c = 0; c < m; ++c) obs_step[c] = step * static_cast<float>((c == g) - node[c]);
        for (int k = 0; k < np; ++k) pair_step[k] = step * static_cast<float>((k == gk) - edge[k]);
        for (uint32_t j = s.obs_begin[i]; j < s.obs_begin[i + 1]; ++j) {
          float* row = &obs_[static_cast<size_t>(s.obs[j]) * m];
          for (int c = 0; c < m; ++c) row[c] += obs_step[c];
        }
        for (uint32_t j = s.pair_begin[i]; j < s.pair_begin[i + 1]; ++j) {
          float* row = &pair_[static_cast<size_t>(s.pairs[j]) * np];
          for (int k = 0; k < np; ++k) row[k] += pair_step[k];
        }
      }
    }
    if (options.average_from > 0 && epoch + 1 >= options.average_from) {
      Fold();
      obs_sum.resize(obs_.size(), 0.0f);
      pair_sum.resize(pair_.size(), 0.0f);
      for (size_t k = 0; k < obs_.size(); ++k) obs_sum[k] += obs_[k];
      for (size_t k = 0; k < pair_.size(); ++k) pair_sum[k] += pair_[k];
      ++averaged;
    }
    if (options.log) {
      double norm = 0;
      for (float w : obs_) norm += static_cast<double>(w) * w;
      for (float w : pair_) norm += static_cast<double>(w) * w;
      norm *= static_cast<double>(scale_) * scale_;
      options.log(absl::StrFormat(
          "crf epoch %d: loss %.1f, penalised %.1f, posterior label accuracy %.2f%%", epoch + 1,
          loss, loss + 0.5 * options.l2 * norm, 100.0 * right / std::max<size_t>(seen, 1)));
    }
  }
  Fold();
  if (averaged > 0) {
    for (size_t k = 0; k < obs_.size(); ++k) obs_[k] = obs_sum[k] / averaged;
    for (size_t k = 0; k < pair_.size(); ++k) pair_[k] = pair_sum[k] / averaged;
  }
  obs_g2_ = {};
  pair_g2_ = {};
}

std::vector<int> LinearChainCrf::Viterbi(const CrfSentence& s) const {
  const size_t n = s.size();
  std::vector<int> out(n, 0);
  if (n == 0) return out;
  ScoreWords(s);
  const int m = lattice_.num_labels, np = lattice_.num_pairs;
  std::vector<double> best(n * m, kNone);
  std::vector<int> back(n * m, -1);
  for (int c = 0; c < m; ++c) {
    const int k = lattice_.Pair(-1, c);
    if (k < 0 || (n == 1 && !lattice_.may_end[c])) continue;
    best[c] = obs_scores_[c] + pair_scores_[k];
  }
  for (size_t i = 1; i < n; ++i) {
    for (int c = 0; c < m; ++c) {
      if (i + 1 == n && !lattice_.may_end[c]) continue;
      for (int p : preds_[c]) {
        const double before = best[(i - 1) * m + p];
        if (before == kNone) continue;
        const double v =
            before + pair_scores_[i * np + lattice_.Pair(p, c)] + obs_scores_[i * m + c];
        if (v > best[i * m + c]) {
          best[i * m + c] = v;
          back[i * m + c] = p;
        }
      }
    }
  }
  int c = 0;
  for (int d = 0; d < m; ++d) {
    if (best[(n - 1) * m + d] > best[(n - 1) * m + c]) c = d;
  }
  for (size_t i = n; i-- > 0;) {
    out[i] = c;
    if (i > 0) c = std::max(back[i * m + c], 0);
  }
  return out;
}

}  // namespace kg::core
