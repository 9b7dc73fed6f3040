#ifndef KG_CORE_PARSER_H_
#define KG_CORE_PARSER_H_

// kg::core::Parser: a greedy transition-based dependency parser producing UD
// trees. Arc-hybrid transitions (core/arc_hybrid.h), labelled (the UD
// relation is part of the transition), scored by an averaged perceptron
// (core/averaged_perceptron.h) over hashed features of the stack, the buffer
// and the partial tree (words, tags, lemmas, suffixes, outermost children and
// their labels, distances, valency, child label sets; core/parser_features.h).
// Trained with the dynamic oracle of Goldberg & Nivre (2013) with
// exploration, so non-projective training trees need no special handling.
//
// Feature version 3 decides in two stages: a perceptron over the three
// moves (SHIFT, LEFT, RIGHT; the version 2 templates), then, for a move that
// builds an arc, a second perceptron over the labels with features of that
// arc (ExtractLabelFeatures). Rows of three weights stay inside the scorer's
// slot, and the label model is looked up once per word instead of at every
// state. Versions 1 and 2 score the labelled transitions in one model, and
// so does version 4, over 76 of version 2's 107 templates.
//
// Contract:
//  - Parse() never fails and never throws: every token gets a head (exactly
//    one token per sentence gets the root, head -1, deprel "root"), whatever
//    the tags (empty, unknown, garbage) and length (0 to any number).
//  - Parse() is const and thread-safe.
//  - TrainParser() is deterministic for a given seed and input.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "core/analysis.h"
#include "core/averaged_perceptron.h"
#include "core/conllu.h"
#include "core/parser_features.h"
#include "core/perceptron_scorer.h"
#include "proto/parser_model.pb.h"

namespace kg::core {

class ArcHybridState;
struct FeatureToken;

struct ParserTrainOptions {
  int epochs = 15;
  uint64_t seed = 1;
  // From this epoch (0-based) on, follow the model's own wrong transitions
  // with probability explore_prob (training on the states it will meet).
  int explore_from_epoch = 1;
  double explore_prob = 0.9;
  // Averaged weights with |w| below this are dropped from the saved model.
  float prune = 0.0f;
  // Size budget: keep at most this many (feature, class) weights, the
  // largest in magnitude (0 = no limit). Small weights matter little: the
  // default halves the model trained on EWT for ~0.1 point of LAS.
  int64_t max_weights = 1'500'000;
  // Version 3 only: max_weights bounds the move model, this the label
  // model (0 = no limit).
  int64_t label_max_weights = 400'000;
  // Template set (core/parser_features.h): 1 or 2 (one model over the
  // labelled transitions), 3 (moves, then labels).
  uint32_t feature_version = kParserFeatureVersion;
  // Free text stored in ParserModel.provenance.
  std::string provenance;
  // Progress lines (one per epoch); may be empty.
  std::function<void(std::string_view)> log;
  // If set, called after each epoch with the model averaged so far (costs a
  // copy of the weights; for choosing the number of epochs on a dev set).
  std::function<void(int epoch, const ParserModel&)> on_epoch;
};

// Trains on the sentences' FORM, LEMMA, UPOS, XPOS, HEAD and DEPREL (pass
// predicted tags in UPOS/XPOS/LEMMA to train on predicted tags). Sentences
// with a missing head or relation are skipped. Fails if nothing is left.
absl::StatusOr<ParserModel> TrainParser(const std::vector<ConlluSentence>& train,
                                        const ParserTrainOptions& options);

// Drops all but the `max_weights` largest weights of a trained model's
// `weights` (the move model of version 3; its label model is left alone) (as
// ParserTrainOptions::max_weights does while training; pruning a pruned
// model to a smaller budget gives what training with that budget gives, up
// to ties). No-op when the model is within budget or max_weights <= 0.
void KeepLargestParserWeights(int64_t max_weights, ParserModel& model);
// The same for a version 3 model's label model (label_weights).
void KeepLargestParserLabelWeights(int64_t max_weights, ParserModel& model);

// How KeepStrongestParserFeatures ranks a feature's row.
enum class FeatureRank {
  kL1,   // the sum of the row's |weight|
  kMax,  // the row's largest |weight|
};

// Drops whole features (rows) until at most `max_features` remain, keeping
// the strongest by `rank` (ties: the earlier row); rows keep their order.
// Fewer features make a smaller model file and a smaller look-up table
// (PerceptronScorer sizes it to the power of two at or above twice the
// feature count). No-op when the model is within budget or max_features
// <= 0. Returns the number of features dropped.
int64_t KeepStrongestParserFeatures(int64_t max_features, FeatureRank rank, ParserModel& model);

// Trims rows of keep + 1 to `max_size` weights to their `keep` largest
// |weight| (the classes of a row keep their order), when those carry at
// least `min_share` of the row's sum of |weight| (0: always). With keep = 2
// such a row fits in PerceptronScorer's slot instead of a list read with a
// second cache miss: on the shipped model, rows of 3-8 weights trimmed to 2
// made the parse ~9 % faster for 0.09 dev UAS (core/README.md). Returns
// the number of rows trimmed.
int64_t TrimParserListRows(int max_size, int keep, double min_share, ParserModel& model);

// Experiments only: what the cached path (Parser::RunCached) extracted and
// looked up on this thread since the counts were last cleared: scored
// states and, per feature group, how often its keys were recomputed.
// Counted only while EnableParserGroupCounts(true) (off by default; set it
// before parsing starts).
struct ParserGroupCounts {
  int64_t states = 0;
  int64_t groups[kNumParserFeatureGroups] = {};
};
void EnableParserGroupCounts(bool on);
ParserGroupCounts& ThreadParserGroupCounts();

class Parser {
 public:
  // Fails on a model from an incompatible feature version (outside
  // kMinParserFeatureVersion..kMaxParserFeatureVersion) or a corrupt one.
  // `reuse_scores` = false always takes the plain path (RunCached is never
  // used; for tests comparing the two).
  static absl::StatusOr<Parser> FromProto(const ParserModel& model, bool reuse_scores = true);

  // Fills head (index in `tokens`, -1 for the root) and deprel of every
  // token from text, upos, xpos and lemma.
  void Parse(std::vector<Token>& tokens) const;

  // Same on a CoNLL-U sentence, using its FORM/LEMMA/UPOS/XPOS columns;
  // writes HEAD (0 = root, else 1-based) and DEPREL.
  void Parse(ConlluSentence& sentence) const;

  const std::vector<std::string>& labels() const { return labels_; }
  size_t num_features() const { return model_.num_features(); }
  // True when Parse takes the cached path (RunCached).
  bool reuses_scores() const { return order_free_; }
  uint32_t feature_version() const { return version_; }

 private:
  Parser() = default;
  // Runs the parser to the final state on `words` (n words plus the root).
  void Run(const std::vector<FeatureToken>& words, ArcHybridState& state) const;
  // The same decisions, faster, for models whose sums are order-free
  // (PerceptronScorer::exact_any_order_limit): the scores of feature groups
  // that depend on one stack or buffer word are kept per word for the
  // sentence and reused while that word's part of the state is unchanged.
  void RunCached(const std::vector<FeatureToken>& words, ArcHybridState& state) const;
  // The one legal move of a state that has no choice, applied; false when
  // it has a choice.
  bool ApplyForcedMove(ArcHybridState& state, bool root_move) const;
  // The best-scoring legal move, or the bare move when no labelled one is.
  void ApplyBest(ArcHybridState& state, const std::vector<float>& scores) const;
  // Applies class `best` (-1: the bare move, as ApplyBest).
  void ApplyPicked(ArcHybridState& state, int best) const;
  // Version 3: applies move class `move` (-1: none legal, as ApplyPicked),
  // with the label model's pick when it builds an arc.
  void ApplyMove(const std::vector<FeatureToken>& words, ArcHybridState& state, int move) const;

  PerceptronScorer model_;
  PerceptronScorer label_model_;  // version 3
  bool two_stage_ = false;        // version 3: moves, then labels
  bool label_any_order_ = false;  // its label sums are order-free
  std::vector<std::string> labels_;
  int root_label_ = -1;
  uint32_t version_ = kParserFeatureVersion;
  bool order_free_ = false;  // RunCached is exact for this model
  // RunCached sums the groups and picks the best class with AVX-512.
  bool simd_pick_ = false;
  int chunks_ = 1;  // 16-class chunks
  // Legal classes per LegalCase (parser.cc): 16 cases x chunks_ masks.
  std::vector<uint16_t> legal_masks_;
};

}  // namespace kg::core

#endif  // KG_CORE_PARSER_H_
