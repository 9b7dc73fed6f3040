#ifndef KG_CORE_TAGGER_H_
#define KG_CORE_TAGGER_H_

// kg::core::Tagger: part-of-speech tagging (UD UPOS and Penn XPOS together)
// with a greedy left-to-right averaged perceptron over joint "UPOS XPOS"
// classes. Features: the word, its lower-cased/number-normalised form,
// prefixes and suffixes, shape, the two words either side, their suffixes
// and shapes, the two tags already assigned to the left, and (when trained
// with unlabelled text) how often the word and its neighbours are
// capitalised inside sentences, which separates PROPN from NOUN. Frequent words
// that the training data tags one way >= 97% of the time are looked up.
//
// Contract: Tag() is const, thread-safe, never fails; any token sequence
// (empty, 10^5 tokens, invalid text) gets a tag per token.
// TrainTagger() is deterministic for a given input and seed.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "core/analysis.h"
#include "core/averaged_perceptron.h"
#include "core/conllu.h"
#include "core/perceptron_scorer.h"
#include "proto/model.pb.h"

namespace kg::core {

// Lower-cased word -> how often it is capitalised inside sentences of
// running text, bucket 0 (never) .. 4 (always); see CountCapitalization().
using CapitalizationTable = absl::flat_hash_map<std::string, uint8_t>;

struct TaggerTrainOptions {
  int epochs = 8;
  uint64_t seed = 1;
  float prune = 0.0f;                         // drop averaged weights below this from the model
  std::function<void(std::string_view)> log;  // one line per epoch; may be empty
  CapitalizationTable capitalization;         // may be empty
};

// Trains on FORM, UPOS and XPOS of the sentences. Fails on an empty input.
absl::StatusOr<TaggerModel> TrainTagger(const std::vector<ConlluSentence>& train,
                                        const TaggerTrainOptions& options);

class TaggerLabelHashes;  // tagger.cc

class Tagger {
 public:
  static absl::StatusOr<Tagger> FromProto(const TaggerModel& model);

  // Sets upos and xpos of every token from its text.
  void Tag(std::vector<Token>& tokens) const;
  // Overwrites UPOS and XPOS of a CoNLL-U sentence from its FORMs.
  void Tag(ConlluSentence& sentence) const;

  size_t num_features() const { return model_.num_features(); }

 private:
  Tagger() = default;
  // Class index per word.
  std::vector<int> Run(const std::vector<std::string_view>& words) const;

  PerceptronScorer model_;
  // Hashes of the features made of the previous labels (tagger.cc).
  std::shared_ptr<const TaggerLabelHashes> label_hashes_;
  std::vector<std::string> upos_;  // per class
  std::vector<std::string> xpos_;
  std::vector<std::string> labels_;
  absl::flat_hash_map<std::string, int> dict_;
  CapitalizationTable capitalization_;
};

}  // namespace kg::core

#endif  // KG_CORE_TAGGER_H_
