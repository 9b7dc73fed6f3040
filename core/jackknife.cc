#include "core/jackknife.h"

#include <string>
#include <utility>

#include "absl/strings/str_format.h"
#include "core/lemmatizer.h"
#include "proto/status_macros.h"

namespace kg::core {

absl::Status JackknifeTags(std::vector<ConlluSentence>& sentences, int folds,
                           const TaggerTrainOptions& options) {
  if (folds < 2) return absl::InvalidArgumentError("jackknifing needs at least 2 folds");
  const size_t n = sentences.size();
  if (n < static_cast<size_t>(folds)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("jackknifing: %d sentences for %d folds", n, folds));
  }
  // Predictions are written to a copy so that every fold's models train on
  // gold annotation only.
  std::vector<ConlluSentence> out = sentences;
  for (int f = 0; f < folds; ++f) {
    const size_t begin = n * f / folds;
    const size_t end = n * (f + 1) / folds;
    std::vector<ConlluSentence> rest;
    rest.reserve(n - (end - begin));
    for (size_t i = 0; i < n; ++i) {
      if (i < begin || i >= end) rest.push_back(sentences[i]);
    }
    TaggerTrainOptions fold_options = options;
    fold_options.seed = options.seed + f;
    if (options.log) {
      options.log(absl::StrFormat("jackknife fold %d/%d: training on %d sentences", f + 1, folds,
                                  rest.size()));
    }
    ASSIGN_OR_RETURN(TaggerModel tagger_model, TrainTagger(rest, fold_options));
    ASSIGN_OR_RETURN(Tagger tagger, Tagger::FromProto(tagger_model));
    ASSIGN_OR_RETURN(Lemmatizer lemmatizer, Lemmatizer::FromProto(TrainLemmatizer(rest)));
    for (size_t i = begin; i < end; ++i) {
      tagger.Tag(out[i]);
      for (ConlluToken& t : out[i].tokens) t.lemma = lemmatizer.Lemma(t.form, t.xpos);
    }
  }
  sentences = std::move(out);
  return absl::OkStatus();
}

}  // namespace kg::core
