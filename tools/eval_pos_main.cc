// kg-eval pos FILE.conllu [--model MODELS.kgm]
//
// Tags every sentence of a CoNLL-U file (its own tokenisation; only FORM is
// read) with the model set's tagger and lemmatiser and prints UPOS, XPOS and
// lemma accuracy over all words, punctuation included. The last line is the
// headline figure alone: UPOS accuracy in percent.

#include <iostream>
#include <string>

#include "absl/strings/str_format.h"
#include "core/analyzer.h"
#include "core/conllu.h"
#include "tools/nlp_eval.h"

int main(int argc, char** argv) {
  std::string file, model = kg::core::Analyzer::DefaultModelPath();
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--model" && i + 1 < argc) {
      model = argv[++i];
    } else if (!arg.empty() && arg[0] != '-' && file.empty()) {
      file = arg;
    } else {
      std::cerr << "usage: kg-eval pos FILE.conllu [--model MODELS.kgm]\n";
      return 2;
    }
  }
  if (file.empty()) {
    std::cerr << "usage: kg-eval pos FILE.conllu [--model MODELS.kgm]\n";
    return 2;
  }
  auto analyzer = kg::core::Analyzer::Load(model);
  if (!analyzer.ok()) {
    std::cerr << "kg-eval pos: " << analyzer.status().message() << "\n";
    return 1;
  }
  auto gold = kg::core::ReadConlluFile(file);
  if (!gold.ok()) {
    std::cerr << "kg-eval pos: " << gold.status().message() << "\n";
    return 1;
  }
  kg::tools::PosScores s = kg::tools::EvaluatePos(**analyzer, *gold);
  std::cout << absl::StrFormat("file   %s\nmodel  %s\nwords  %d\n", file, model, s.words);
  std::cout << absl::StrFormat("UPOS   %.2f%%\nXPOS   %.2f%%\nlemma  %.2f%%\n", s.UposAccuracy(),
                               s.XposAccuracy(), s.LemmaAccuracy());
  std::cout << absl::StrFormat("%.2f\n", s.UposAccuracy());
  return 0;
}
