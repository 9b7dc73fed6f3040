#ifndef KG_CORE_WORD_CLUSTERS_H_
#define KG_CORE_WORD_CLUSTERS_H_

// kg::core::WordClusters: distributional word classes learned from
// unlabelled text, used by the entity recogniser to generalise from the
// names it saw in training to words that occur in similar contexts ("Varkala"
// near "Kerala", "Hewitt" near other company names).
//
// Classes are learned by the class-bigram language-model objective (the
// exchange algorithm: Kneser & Ney 1993, Martin, Liermann & Ney 1998): each
// word moves to the class that most raises the likelihood of the corpus under
// p(w_i | w_i-1) = p(c_i | c_i-1) p(w_i | c_i). Words are clustered as
// written (case kept: "Apple" and "apple" are two words), numbers collapsed
// as NormalizedWord does. The finest level clusters the words; each coarser
// level clusters the level below's classes by the same objective over their
// bigram counts, so the levels nest. Models keyed by NormalizedWord
// (WordClusterModel.method 0: a lower-cased corpus, or the PPMI k-means
// classes of session-18 trial models, whose builder is gone) still load.
//
// Contract: the builder is deterministic for a given input.
// Lookup is const and thread-safe; unknown words have no classes.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "proto/model.pb.h"

namespace kg::core {

// Running text for BuildExchangeClusters(): words interned as they come.
class ClusterCorpus {
 public:
  // `lowercase`: words are keyed by NormalizedWord (lower case) instead of
  // as written (ExchangeClusterKey).
  explicit ClusterCorpus(bool lowercase = false) : lowercase_(lowercase) {}
  bool lowercase() const { return lowercase_; }
  // Tokenises and splits `text` as run-time input is.
  void AddText(std::string_view text);
  // One sentence of already tokenised words.
  void AddSentence(const std::vector<std::string>& words);
  size_t num_tokens() const { return tokens_; }

  static constexpr uint32_t kSentenceEnd = 0xffffffffu;
  const std::vector<std::string>& words() const { return words_; }
  const std::vector<uint64_t>& counts() const { return counts_; }
  const std::vector<uint32_t>& corpus() const { return corpus_; }

 private:
  void Add(std::string_view word);
  absl::flat_hash_map<std::string, uint32_t> ids_;
  std::vector<std::string> words_;
  std::vector<uint64_t> counts_;
  std::vector<uint32_t> corpus_;  // word ids, kSentenceEnd after each sentence
  size_t tokens_ = 0;
  bool lowercase_ = false;
};

struct ExchangeClusterOptions {
  int min_count = 5;              // rarer words get no class (one shared unit)
  size_t max_words = 80000;       // most frequent words kept
  // Class counts, any order; the largest is learned on the words, each
  // smaller one on the classes of the next larger.
  std::vector<int> granularities = {32, 128, 512};
  int iterations = 8;             // passes over the words (fewer if none moves)
  int coarse_iterations = 30;     // passes at the coarser levels
  std::function<void(std::string_view)> log;
};

// The key a word is clustered under by BuildExchangeClusters: the form as
// written, or NormalizedWord's class for words starting with a digit.
std::string ExchangeClusterKey(std::string_view word);

WordClusterModel BuildExchangeClusters(const ClusterCorpus& corpus,
                                       const ExchangeClusterOptions& options);

class WordClusters {
 public:
  WordClusters() = default;
  // Fails (returns false) on an inconsistent model; the object is then empty.
  bool Load(const WordClusterModel& model);

  int num_granularities() const { return granularities_; }
  // The word's class per granularity (values < 2^16), or nullptr if unknown.
  // `normalized` is NormalizedWord(form).
  const uint16_t* Find(std::string_view normalized) const;
  // The classes of a word as the model keys them: NormalizedWord for the
  // k-means classes; for exchange classes the form as written, else its
  // lower case (`normalized`), else with its first letter capitalised
  // (lower-case web text: "tampa" -> "Tampa").
  const uint16_t* FindWord(std::string_view form, std::string_view normalized) const;

  bool empty() const { return index_.empty(); }

 private:
  int granularities_ = 0;
  bool as_written_ = false;  // WordClusterModel.method 1
  absl::flat_hash_map<std::string, uint32_t> index_;  // word -> offset in ids_
  std::vector<uint16_t> ids_;
};

}  // namespace kg::core

#endif  // KG_CORE_WORD_CLUSTERS_H_
