#ifndef KG_CORE_JACKKNIFE_H_
#define KG_CORE_JACKKNIFE_H_

// Jackknifed tags for parser training: a parser trained on gold tags meets
// noisier tags at run time and loses accuracy; one trained on tags that the
// run-time tagger produces on its own training data sees tags that are too
// clean (the tagger has memorised them). K-fold jackknifing gives each
// sentence the tags of a tagger (and lemmas of a lemmatiser) trained on the
// other K-1 folds, matching the run-time error rate.

#include <vector>

#include "absl/status/status.h"
#include "core/conllu.h"
#include "core/tagger.h"

namespace kg::core {

// Overwrites UPOS, XPOS and LEMMA of every sentence with predictions from
// models trained on the other folds (contiguous blocks, so documents stay
// mostly within one fold). `folds` >= 2; fails if the tagger cannot train.
absl::Status JackknifeTags(std::vector<ConlluSentence>& sentences, int folds,
                           const TaggerTrainOptions& options);

}  // namespace kg::core

#endif  // KG_CORE_JACKKNIFE_H_
