#ifndef KG_CORE_LINEAR_CHAIN_CRF_H_
#define KG_CORE_LINEAR_CHAIN_CRF_H_

// kg::core::LinearChainCrf: a first-order linear-chain CRF over sparse binary
// features, trained by stochastic gradient ascent on the conditional
// log-likelihood with an L2 penalty. It scores a label sequence y of a
// sentence as the perceptron-trained recogniser does (feature set 3,
// core/entity_recognizer.h):
//
//   score(y) = sum_i obs(i)[y_i] + pairs(i)[pair(y_{i-1}, y_i)]
//
// where obs(i) sums the label rows of word i's observation features and
// pairs(i) the (previous, current) label-pair rows of its pair features
// (y_{-1} = sentence start). Only the lattice's allowed transitions exist,
// so the same Viterbi over the learned weights decodes the model.
//
// Features arrive as dense ids (the caller maps its hashes); weights are
// dense arrays, which training needs anyway (every label of every feature
// gets a gradient). Training is deterministic for a given seed (one
// thread, seeded sentence order).

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

namespace kg::core {

// Which labels may follow which.
struct CrfLattice {
  int num_labels = 0;
  int num_pairs = 0;
  // pair[(p + 1) * num_labels + c]: the pair class of label c after p (p = -1:
  // sentence start), -1 if c may not follow p.
  std::vector<int> pair;
  std::vector<char> may_end;  // may the label end a sentence?

  int Pair(int p, int c) const { return pair[(p + 1) * num_labels + c]; }
};

// One training sentence: word i's observation features are
// obs[obs_begin[i] .. obs_begin[i + 1]) and its pair features
// pairs[pair_begin[i] .. pair_begin[i + 1]).
struct CrfSentence {
  std::vector<uint32_t> obs_begin = {0}, obs, pair_begin = {0}, pairs;
  std::vector<int> gold;  // one label a word; must be a path of the lattice
  float weight = 1.0f;    // scales the sentence's gradient

  size_t size() const { return gold.size(); }
  void AddWord(const std::vector<uint32_t>& o, const std::vector<uint32_t>& p, int label);
};

struct CrfTrainOptions {
  int epochs = 10;
  // Step size of sentence t (counted over all epochs) is
  // eta / (1 + t / sentences): eta in the first epoch, eta / k in the k-th.
  double eta = 0.1;
  // Penalty (l2 / 2) * |w|^2 on the whole training set's log-likelihood,
  // spread evenly over its sentences.
  double l2 = 1.0;
  uint64_t seed = 1;
  // AdaGrad instead: each weight's step is eta / sqrt(its summed squared
  // gradients), constant over time, and the penalty is applied where a
  // feature fires, l2 / (its count in `data`) per occurrence (so an epoch
  // applies the whole penalty once, as the plain schedule does).
  bool adagrad = false;
  // > 0: the weights kept are the mean of the weights at the end of epochs
  // average_from .. epochs (an average over iterates, as the perceptron's),
  // instead of the last ones.
  int average_from = 0;
  std::function<void(std::string_view)> log;
};

class LinearChainCrf {
 public:
  LinearChainCrf(CrfLattice lattice, size_t num_obs_features, size_t num_pair_features);

  // log p(s.gold | s) under the current weights. With `obs_grad` and
  // `pair_grad` (each the size of its weights), adds the gradient of that
  // log-likelihood with respect to each weight (unweighted, no penalty).
  double LogLikelihood(const CrfSentence& s, std::vector<double>* obs_grad = nullptr,
                       std::vector<double>* pair_grad = nullptr) const;

  // Stochastic gradient ascent over `data`, one sentence at a time in a
  // seeded order per epoch; logs each epoch's loss.
  void Train(const std::vector<CrfSentence>& data, const CrfTrainOptions& options);

  // Best path under the current weights.
  std::vector<int> Viterbi(const CrfSentence& s) const;

  int num_labels() const { return lattice_.num_labels; }
  int num_pairs() const { return lattice_.num_pairs; }
  size_t num_obs_features() const { return num_obs_; }
  size_t num_pair_features() const { return num_pair_; }
  float obs_weight(size_t f, int c) const { return scale_ * obs_[f * lattice_.num_labels + c]; }
  float pair_weight(size_t f, int k) const { return scale_ * pair_[f * lattice_.num_pairs + k]; }
  void set_obs_weight(size_t f, int c, float w);
  void set_pair_weight(size_t f, int k, float w);

 private:
  // Word scores of `s` into obs_scores_ (n x labels) and pair_scores_
  // (n x pairs).
  void ScoreWords(const CrfSentence& s) const;
  // Forward-backward over the scored words; fills the node and edge
  // marginals and returns log Z.
  double Marginals(const CrfSentence& s) const;
  double GoldScore(const CrfSentence& s) const;
  void Fold();  // scale_ into the weights

  CrfLattice lattice_;
  size_t num_obs_ = 0, num_pair_ = 0;
  // The true weights are scale_ times these (an L2 step scales them all in
  // O(1)).
  std::vector<float> obs_, pair_;
  std::vector<float> obs_g2_, pair_g2_;  // AdaGrad's summed squared gradients
  float scale_ = 1.0f;
  // preds_[c]: labels p >= 0 that c may follow.
  std::vector<std::vector<int>> preds_;
  void AdaGradSentence(const CrfSentence& s, double l2, double eta,
                       const std::vector<float>& obs_count, const std::vector<float>& pair_count);
  // Per-sentence buffers.
  mutable std::vector<double> obs_scores_, pair_scores_, alpha_, beta_, node_, edge_;
};

}  // namespace kg::core

#endif  // KG_CORE_LINEAR_CHAIN_CRF_H_
