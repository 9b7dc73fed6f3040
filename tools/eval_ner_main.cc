// kg-eval ner FILE.iob2|FILE.conllu|DIR [--model MODELS.kgm]
//
// Runs the model set's tagger and entity recogniser over gold-tokenised
// sentences and prints exact-span precision, recall and F1 per type.
// IOB2 files (Universal NER) use their PER/ORG/LOC tags; CoNLL-U files and
// directories of them (GUM) use their named entity mentions (see
// core/gum_entities.h: person, place, organization, event mentions that
// contain a PROPN, over their PROPN stretch). Predicted GPE counts as LOC.
// The headline is the micro-averaged F1 over PERSON, ORG and LOC; the last
// line is that figure alone.

#include <iostream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "core/analyzer.h"
#include "core/gum_entities.h"
#include "core/iob2.h"
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
      file.clear();
      break;
    }
  }
  if (file.empty()) {
    std::cerr << "usage: kg-eval ner FILE.iob2|FILE.conllu|DIR [--model MODELS.kgm]\n";
    return 2;
  }
  auto analyzer = kg::core::Analyzer::Load(model);
  if (!analyzer.ok()) {
    std::cerr << "kg-eval ner: " << analyzer.status().message() << "\n";
    return 1;
  }
  std::vector<kg::core::NerSentence> gold;
  if (absl::EndsWith(file, ".iob2")) {
    auto g = kg::core::ReadIob2File(file);
    if (!g.ok()) {
      std::cerr << "kg-eval ner: " << g.status().message() << "\n";
      return 1;
    }
    gold = std::move(*g);
  } else {
    auto sents = kg::core::ReadConlluDir(file);
    if (!sents.ok()) {
      std::cerr << "kg-eval ner: " << sents.status().message() << "\n";
      return 1;
    }
    for (const auto& s : *sents) gold.push_back(kg::core::GumNamedEntities(s));
  }
  auto scores = kg::tools::EvaluateNer(**analyzer, gold, {"PERSON", "ORG", "LOC"});
  std::cout << absl::StrFormat("file   %s\nmodel  %s\nsentences %d\n", file, model, gold.size());
  kg::tools::PrintNerScores(scores, "PERSON+ORG+LOC, exact span");
  std::cout << absl::StrFormat("%.2f\n", scores.headline.F1());
  return 0;
}
