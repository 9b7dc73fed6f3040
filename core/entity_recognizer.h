#ifndef KG_CORE_ENTITY_RECOGNIZER_H_
#define KG_CORE_ENTITY_RECOGNIZER_H_

// kg::core::EntityRecognizer: named entities (PERSON, ORG, LOC, EVENT, MISC)
// by BILOU labelling with an averaged perceptron: first-order Viterbi
// decoding (feature sets 2, 3; older models decode greedily left to right).
// Features: the word and its neighbours (forms, lower-cased, shapes,
// affixes), their UPOS/XPOS tags, the previous label, and
// gazetteer matches (countries, subdivisions, demonyms; core/gazetteers.h),
// how often the word is capitalised in running text, and its distributional
// word classes (core/word_clusters.h).
// Decoding only follows valid BILOU transitions, so every output is a clean
// set of spans.
//
// Contract: Recognize() is const, thread-safe, never fails, returns one BIO
// tag per word ("B-PERSON", "I-PERSON", "O"). TrainRecognizer() is
// deterministic for a given input and seed.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "core/averaged_perceptron.h"
#include "core/gazetteers.h"
#include "core/linear_chain_crf.h"
#include "core/name_lexicon.h"
#include "core/name_types.h"
#include "core/perceptron_scorer.h"
#include "core/tagger.h"  // CapitalizationTable
#include "core/word_clusters.h"
#include "proto/model.pb.h"

namespace kg::core {

// A training sentence: words, their (predicted) tags, gold BIO labels.
struct NerExample {
  std::vector<std::string> words;
  std::vector<std::string> upos;
  std::vector<std::string> xpos;
  std::vector<std::string> tags;  // BIO with kg type names
  float weight = 1.0f;            // size of the perceptron updates it causes
  std::string doc;                // its document (feature set 4's lexicon leaves it out)
};

// Counts, over running text (sentences from `texts`, first word of each
// sentence skipped), how often each word is capitalised; keeps words seen
// at least `min_count` times.
CapitalizationTable CountCapitalization(const std::vector<std::string>& texts, int min_count = 3);

// The newest feature set (NerModel.feature_set) this build trains and reads;
// models of every older set still run as they were trained.
//  0: greedy decoding, the first templates;
//  1: greedy, plus case-folded gazetteer matches, WordNet names, capitalised
//     runs, more affixes and shape/label conjunctions;
//  2: the templates of 1 without the second-previous label, first-order
//     Viterbi decoding, trained as a structured perceptron;
//  3: the templates of 2, the ones joined with the previous label scored
//     once per word over (previous, current) label pairs (NerModel
//     pair_weights): the same model as 2, with ~20x fewer look-ups;
//  4: the templates of 3, plus the longest name of the training data's name
//     lexicon covering the word (core/name_lexicon.h; its position, type,
//     share labelled and count), learned with each training sentence's own
//     document left out of the lexicon.
//  5: the templates of 3 (no lexicon), decoded semi-Markov: each candidate
//     span also scores features of the whole span (NerModel span_weights).
//  6: the templates of 3 plus the word's (and its neighbours') value in a
//     corpus name-type table (core/name_types.h), Viterbi as set 3.
inline constexpr uint32_t kNerFeatureSet = 6;
// The set kg-train trains unless told otherwise: set 4's lexicon has not
// beaten set 3 on the dev sets (UNER / GUM dev F1, same tags: one model
// 70.32 / 67.97 against 71.09 / 70.44, four mixed 70.76 / 66.57 against
// 71.82 / 69.97).
inline constexpr uint32_t kNerDefaultFeatureSet = 3;

struct NerTrainOptions {
  int epochs = 10;
  uint32_t feature_set = kNerDefaultFeatureSet;
  uint64_t seed = 1;
  // Models trained with seeds seed .. seed + mix - 1 (different sentence
  // orders), their weights averaged into one model: decoding costs the same
  // look-ups, in a larger table (the union of the models' features).
  int mix = 1;
  // This share of the sentences is also trained on lower-cased, with this
  // weight, after `retag` (if set) re-tags the copy.
  double lowercase_copies = 0;
  float lowercase_weight = 1.0f;
  std::function<void(NerExample&)> retag;
  float prune = 0.0f;
  // Feature sets 3 and 6: features seen on fewer than this many training
  // words get no weight (a count cut-off; 1: all features).
  int min_feature_count = 1;
  // Feature sets 3 and 6: while training, each word's features are hidden
  // with this probability (feature dropout; 0: none).
  float feature_dropout = 0;
  std::function<void(std::string_view)> log;
  CapitalizationTable capitalization;  // may be empty
  WordClusterModel clusters;           // may be empty
  // Which templates the word classes feed (NerModel.cluster_templates): 0
  // the first ones, 1 those for exchange classes (feature sets 3 and 6).
  uint32_t cluster_templates = 0;
  NameTypeTable name_types;            // feature set 6; may be empty
  // Feature sets 3 and 6: train the same weights as a linear-chain CRF
  // (core/linear_chain_crf.h: conditional log-likelihood, SGD with step
  // eta / (1 + t / sentences), penalty l2 / 2 * |w|^2) instead of the
  // averaged perceptron; decoding is the same Viterbi. `crf_options` gives
  // the step, penalty, AdaGrad and averaging; its epochs, seed and log are
  // taken from the fields above. Weights with |w| < crf_min_weight are not
  // stored (every feature seen in training gets a weight for every label,
  // most of them tiny).
  bool crf = false;
  CrfTrainOptions crf_options;
  float crf_min_weight = 0.01f;
  // > 0: also train the perceptron and store its weights plus the CRF's,
  // the CRF's scaled to crf_mix times the perceptron's mean magnitude.
  float crf_mix = 0;
};

absl::StatusOr<NerModel> TrainRecognizer(const std::vector<NerExample>& train,
                                         const GazetteerMatcher& gazetteers,
                                         const NerTrainOptions& options);

struct NerTransitions;  // entity_recognizer.cc
struct TypeLabels;      // entity_recognizer.cc

class EntityRecognizer {
 public:
  // `gazetteers` must outlive the recogniser. `allow_simd` = false keeps
  // Viterbi to its scalar loop (for tests comparing the two; the results
  // are the same).
  static absl::StatusOr<EntityRecognizer> FromProto(const NerModel& model,
                                                    const GazetteerMatcher* gazetteers,
                                                    bool allow_simd = true);

  std::vector<std::string> Recognize(const std::vector<std::string_view>& words,
                                     const std::vector<std::string_view>& upos,
                                     const std::vector<std::string_view>& xpos) const;

  size_t num_features() const { return model_.num_features(); }

 private:
  EntityRecognizer() = default;

  PerceptronScorer model_;
  PerceptronScorer pair_model_;  // feature set 3: (previous, current) label pairs
  PerceptronScorer span_model_;  // feature set 5: whole spans, one class per type
  std::shared_ptr<const std::vector<TypeLabels>> type_labels_;  // feature set 5
  std::shared_ptr<const NerTransitions> transitions_;
  std::vector<std::string> labels_;  // BILOU
  const GazetteerMatcher* gazetteers_ = nullptr;
  CapitalizationTable capitalization_;
  WordClusters clusters_;
  NameLexicon lexicon_;            // feature set 4
  NameTypeTable name_types_;       // feature set 6
  std::vector<float> label_bias_;  // NerModel.label_bias: added to each label's score
  bool close_spans_early_ = false;
  uint32_t feature_set_ = 0;
  uint32_t cluster_templates_ = 0;
};

}  // namespace kg::core

#endif  // KG_CORE_ENTITY_RECOGNIZER_H_
