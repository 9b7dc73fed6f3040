// kg-eval ner FILE.iob2|FILE.conllu|DIR [--model MODELS.kgm] [--errors | --errors-all-types]
//             [--whole-mentions] [--label-bias TYPE=V[,TYPE=V...] [--write-model FILE]]
//             [--sentences] [--no-retype] [--no-repeats] [--no-acronyms] [--no-name-parts]
//             [--case-insensitive | --case-sensitive] [--unlabelled-weight W]
//             [--derived-weight W]
// kg-eval ner --show TEXT_FILE [--model MODELS.kgm]
//
// Runs the model set's tagger and entity recogniser over gold-tokenised
// sentences and prints exact-span precision, recall and F1 per type.
// IOB2 files (Universal NER) use their PER/ORG/LOC tags; CoNLL-U files and
// directories of them (GUM) use their named entity mentions (see
// core/gum_entities.h: person, place, organization mentions headed by a
// PROPN, over their name span); with --whole-mentions, the literal
// rule: every such mention containing a PROPN, over its whole annotated span
// (nested ones reduced to the outermost). Predicted GPE counts as LOC.
// The headline is the micro-averaged F1 over PERSON, ORG and LOC; the last
// line is that figure alone. --errors first lists, per sentence with a
// mistake, the gold and predicted spans that differ (for error analysis);
// --errors-all-types also lists predicted spans of the other types (MISC,
// EVENT).
// Sentences are recognised a document at a time (UNER's "# newdoc id"
// lines, GUM's files), with the document-level pass that Analyze() runs
// (core/document_entities.h); --sentences recognises each sentence alone,
// and the --no-* / --case-insensitive / --*-weight flags set that
// pass's options (for experiments).
// --label-bias adds V to the scores of the labels that start a TYPE span
// (B-TYPE, U-TYPE) in the model's recogniser (NerModel.label_bias), e.g.
// "PERSON=-0.5,ORG=0.3"; --write-model saves the model set so changed.
// --show runs the whole pipeline over a plain text file and prints every
// entity span it finds as "TYPE:text", one sentence per line.

#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "core/analyzer.h"
#include "core/gum_entities.h"
#include "core/iob2.h"
#include "core/model_file.h"
#include "tools/nlp_eval.h"

namespace {

std::string SpanText(const kg::core::NerSentence& s, const kg::core::NerSpan& x) {
  std::string out = x.type + ":";
  for (int i = x.begin; i < x.end; ++i) absl::StrAppend(&out, i > x.begin ? " " : "", s.words[i]);
  return out;
}

// Prints the spans only one side has, for each sentence with a difference.
void PrintErrors(const kg::core::Analyzer& analyzer, const std::vector<kg::core::NerSentence>& gold,
                 const kg::tools::NerEvalOptions& options, bool all_types) {
  const auto predicted = kg::tools::PredictNer(analyzer, gold, options);
  for (size_t k = 0; k < gold.size(); ++k) {
    const kg::core::NerSentence& s = gold[k];
    std::vector<std::string> tags;
    for (const std::string& tag : predicted[k]) {
      tags.push_back(all_types || absl::EndsWith(tag, "-PERSON") || absl::EndsWith(tag, "-ORG") ||
                             absl::EndsWith(tag, "-LOC")
                         ? tag
                         : "O");
    }
    auto g = kg::core::BioToSpans(s.tags);
    auto p = kg::core::BioToSpans(tags);
    std::string missed, wrong;
    for (const auto& x : g) {
      if (x.type != "PERSON" && x.type != "ORG" && x.type != "LOC") continue;
      if (std::find(p.begin(), p.end(), x) == p.end())
        absl::StrAppend(&missed, " [", SpanText(s, x), "]");
    }
    for (const auto& x : p) {
      if (std::find(g.begin(), g.end(), x) == g.end())
        absl::StrAppend(&wrong, " [", SpanText(s, x), "]");
    }
    if (missed.empty() && wrong.empty()) continue;
    std::string text = absl::StrJoin(s.words, " ");
    std::cout << "# " << s.doc_id << " " << s.id << "\n  " << text << "\n  gold only:" << missed
              << "\n  predicted only:" << wrong << "\n";
  }
}

// Prints the entity spans of each sentence of `path` (plain text).
int Show(const kg::core::Analyzer& analyzer, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "kg-eval ner: " << path << ": cannot open\n";
    return 1;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string text = buf.str();
  kg::core::Analysis a = analyzer.Analyze(text);
  for (const kg::core::Sentence& s : a.sentences) {
    std::string line;
    for (size_t i = 0; i < s.tokens.size(); ++i) {
      if (s.tokens[i].ner.rfind("B-", 0) != 0) continue;
      size_t j = i + 1;
      while (j < s.tokens.size() && s.tokens[j].ner.rfind("I-", 0) == 0) ++j;
      const uint32_t b = s.tokens[i].begin, e = s.tokens[j - 1].end;
      absl::StrAppend(&line, "[", s.tokens[i].ner.substr(2), ":", text.substr(b, e - b), "] ");
    }
    std::cout << line << "\n";
  }
  return 0;
}

// The model set at `path` with `spec` ("TYPE=V,...") added to the scores of
// the labels that start a TYPE span; written to `out` unless empty.
absl::StatusOr<kg::ModelSet> BiasedModel(const std::string& path, const std::string& spec,
                                         const std::string& out) {
  auto models = kg::core::ReadModelSet(path);
  if (!models.ok()) return models.status();
  kg::NerModel* ner = models->mutable_ner();
  ner->mutable_label_bias()->Resize(ner->labels_size(), 0.0f);
  for (absl::string_view item : absl::StrSplit(spec, ',')) {
    std::vector<std::string> kv = absl::StrSplit(item, '=');
    float v = 0;
    if (kv.size() != 2 || !absl::SimpleAtof(kv[1], &v)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--label-bias: bad item \"", item, "\" (want TYPE=VALUE, e.g. ORG=0.5)"));
    }
    bool found = false;
    for (int l = 0; l < ner->labels_size(); ++l) {
      const std::string& label = ner->labels(l);
      if ((absl::StartsWith(label, "B-") || absl::StartsWith(label, "U-")) &&
          label.substr(2) == kv[0]) {
        ner->set_label_bias(l, v);
        found = true;
      }
    }
    if (!found) {
      return absl::InvalidArgumentError(
          absl::StrCat("--label-bias: the recogniser has no type \"", kv[0], "\""));
    }
  }
  if (!out.empty()) {
    absl::Status written = kg::core::WriteModelSet(out, *models);
    if (!written.ok()) return written;
  }
  return models;
}

}  // namespace

int main(int argc, char** argv) {
  std::string file, model = kg::core::Analyzer::DefaultModelPath();
  bool errors = false, whole_mentions = false, show = false, all_types = false;
  std::string label_bias, write_model;
  kg::tools::NerEvalOptions options;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--model" && i + 1 < argc) {
      model = argv[++i];
    } else if (arg == "--sentences") {
      options.by_document = false;
    } else if (arg == "--no-retype") {
      options.document.retype = false;
    } else if (arg == "--no-repeats") {
      options.document.label_repeats = false;
    } else if (arg == "--no-acronyms") {
      options.document.acronyms = false;
    } else if (arg == "--no-name-parts") {
      options.document.name_parts = false;
    } else if (arg == "--case-insensitive") {
      options.document.case_insensitive = true;
    } else if (arg == "--case-sensitive") {
      options.document.case_insensitive = false;
    } else if (arg == "--derived-weight" && i + 1 < argc) {
      options.document.derived_weight = std::stof(argv[++i]);
    } else if (arg == "--unlabelled-weight" && i + 1 < argc) {
      options.document.unlabelled_weight = std::stof(argv[++i]);
    } else if (arg == "--label-bias" && i + 1 < argc) {
      label_bias = argv[++i];
    } else if (arg == "--write-model" && i + 1 < argc) {
      write_model = argv[++i];
    } else if (arg == "--errors") {
      errors = true;
    } else if (arg == "--errors-all-types") {
      errors = all_types = true;
    } else if (arg == "--show") {
      show = true;
    } else if (arg == "--whole-mentions") {
      whole_mentions = true;
    } else if (!arg.empty() && arg[0] != '-' && file.empty()) {
      file = arg;
    } else {
      file.clear();
      break;
    }
  }
  if (file.empty()) {
    std::cerr << "usage: kg-eval ner FILE.iob2|FILE.conllu|DIR [--model MODELS.kgm] [--errors] "
                 "[--whole-mentions]\n"
                 "         [--sentences | --no-retype --no-repeats --no-acronyms --no-name-parts "
                 "--case-sensitive --unlabelled-weight W --derived-weight W]\n"
                 "       kg-eval ner --show TEXT_FILE [--model MODELS.kgm]\n";
    return 2;
  }
  absl::StatusOr<std::unique_ptr<kg::core::Analyzer>> analyzer;
  if (label_bias.empty()) {
    analyzer = kg::core::Analyzer::Load(model);
  } else {
    auto biased = BiasedModel(model, label_bias, write_model);
    if (!biased.ok()) {
      std::cerr << "kg-eval ner: " << biased.status().message() << "\n";
      return 2;
    }
    analyzer = kg::core::Analyzer::FromModelSet(*biased);
  }
  if (!analyzer.ok()) {
    std::cerr << "kg-eval ner: " << analyzer.status().message() << "\n";
    return 1;
  }
  if (show) return Show(**analyzer, file);
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
    for (const auto& s : *sents) {
      gold.push_back(whole_mentions ? kg::core::GumMentionEntities(s)
                                    : kg::core::GumNamedEntities(s));
    }
  }
  if (errors) PrintErrors(**analyzer, gold, options, all_types);
  auto scores = kg::tools::EvaluateNer(**analyzer, gold, {"PERSON", "ORG", "LOC"}, options);
  std::cout << absl::StrFormat("file   %s\nmodel  %s\nsentences %d\n", file, model, gold.size());
  kg::tools::PrintNerScores(scores, "PERSON+ORG+LOC, exact span");
  std::cout << absl::StrFormat("%.2f\n", scores.headline.F1());
  return 0;
}
