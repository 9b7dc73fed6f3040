#ifndef KG_TOOLS_NLP_EVAL_H_
#define KG_TOOLS_NLP_EVAL_H_

// Scoring of the tagger, lemmatiser and recogniser against gold data, shared
// by kg-train (dev figures after training) and kg-eval pos / ner.

#include <map>
#include <string>
#include <vector>

#include "core/analyzer.h"
#include "core/conllu.h"
#include "core/iob2.h"

namespace kg::tools {

struct PosScores {
  size_t words = 0;
  size_t upos = 0;  // correct
  size_t xpos = 0;
  size_t lemma = 0;
  double UposAccuracy() const { return words ? 100.0 * upos / words : 0; }
  double XposAccuracy() const { return words ? 100.0 * xpos / words : 0; }
  double LemmaAccuracy() const { return words ? 100.0 * lemma / words : 0; }
};

// Tags gold-tokenised sentences (FORM only) and compares UPOS, XPOS, LEMMA.
PosScores EvaluatePos(const core::Analyzer& analyzer,
                      const std::vector<core::ConlluSentence>& gold);

struct TypeScores {
  size_t gold = 0, predicted = 0, correct = 0;
  double Precision() const { return predicted ? 100.0 * correct / predicted : 0; }
  double Recall() const { return gold ? 100.0 * correct / gold : 0; }
  double F1() const {
    double p = Precision(), r = Recall();
    return p + r > 0 ? 2 * p * r / (p + r) : 0;
  }
};

struct NerScores {
  std::map<std::string, TypeScores> by_type;  // PERSON, ORG, LOC, ...
  TypeScores headline;                        // over `types`
};

struct NerEvalOptions {
  // Consecutive sentences with the same doc_id go through
  // Analyzer::RecognizeDocument together (as Analyze() does with a text);
  // false: each sentence alone (Analyzer::Recognize).
  bool by_document = true;
  core::DocumentEntityOptions document;
};

// The analyzer's BIO tags for gold-tokenised sentences (tagged first), one
// vector per sentence; GPE reads as LOC.
std::vector<std::vector<std::string>> PredictNer(const core::Analyzer& analyzer,
                                                 const std::vector<core::NerSentence>& gold,
                                                 const NerEvalOptions& options = {});

// Exact-span scores on gold-tokenised sentences. Predicted GPE counts as LOC.
// `types`: the types in the headline (e.g. PERSON, ORG, LOC); others are
// reported per type but left out of it.
NerScores EvaluateNer(const core::Analyzer& analyzer, const std::vector<core::NerSentence>& gold,
                      const std::vector<std::string>& types, const NerEvalOptions& options = {});

// Prints "TYPE  P  R  F1" lines and the headline to stdout.
void PrintNerScores(const NerScores& scores, const std::string& title);

}  // namespace kg::tools

#endif  // KG_TOOLS_NLP_EVAL_H_
