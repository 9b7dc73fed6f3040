// kg-train: trains the language models of core/ (tagger, lemmatiser,
// dependency parser, entity recogniser) on the open corpora and writes one
// model file (core/model_file.h).
//
//   kg-train --ud ../shared/data/ud-en-ewt/train.conllu
//            --gum ../shared/data/gum/train
//            --uner ../shared/data/uner-en-ewt/train.iob2
//            --out models/en.kgm
//            [--seed N] [--epochs N] [--ner-epochs N] [--parser-epochs N]
//            [--no-parser] [--jackknife K] [--max-sentences N] [--prune W]
//            [--parser-features V] [--parser-seed N]
//            [--wiki DIR [--wiki-max-mb N] [--clusters]] [--ewt-only]
//            [--gum-ner-weight W] [--ner-mix N]
//            [--ner-lowercase-copies F [--ner-lowercase-weight W]]
//            [--parser-from MODELS.kgm] [--parser-model PARSER.pb]
//            [--tagger-from MODELS.kgm] [--clusters-from MODELS.kgm]
//            [--ner-features N] [--jackknife-cache FILE] [--ner-types-from MODELS.kgm]
//            [--cities FILE] [--companies FILE] [--brands FILE] [--name-list K=FILE ...]
//            [--ner-min-count K] [--ner-dropout P] [--gum-plural-persons-o]
//            [--ner-crf [--ner-crf-eta E] [--ner-crf-l2 C] [--ner-crf-min-weight W]
//                       [--ner-crf-adagrad] [--ner-crf-average K] [--ner-crf-mix A]]
//            [--iso-codes DIR] [--wordnet DIR]
//            [--dev-ud FILE] [--dev-uner FILE] [--dev-gum DIR]
//
// Deterministic for a given seed and input. The tagger and the parser train
// on EWT plus the GUM train documents (--ewt-only: EWT alone); the parser
// and the recogniser train on K-fold jackknifed tags of that treebank
// (core/jackknife.h; K = 4 by default, 0 = tags of the final tagger), so they
// see tags as noisy as at run time. --wiki gives the recogniser
// capitalisation statistics from unlabelled WikiExtractor text (how often
// each word is written with a capital inside a sentence); --clusters adds
// distributional word classes from the same text (core/word_clusters.h).
// --gum-ner-weight scales the recogniser's updates on GUM sentences (1 by
// default; GUM's conventions differ from Universal NER's). --ner-features
// picks an older recogniser feature set (core/entity_recognizer.h).
// --parser-seed N: the parser's own seed (its sentence order per epoch;
// --seed by default), so a parser picked among seeds (one attachment can
// decide a seed fact, see models/README.md) is still one command's output.
// --ner-prune W drops the recogniser's weights below W in magnitude (after
// --ner-mix's averaging); --prune W does so for every layer trained.
// --ner-mix N trains the recogniser N times (seeds seed .. seed + N - 1) and
// averages the N models' weights into one (1 by default).
// --ner-lowercase-copies F also trains the recogniser on lower-cased copies
// of a share F of its sentences (re-tagged by the final tagger), each with
// weight --ner-lowercase-weight W (1 by default).
// --ner-types-from M (with --wiki, for --ner-features 6): M's pipeline
// types the wiki text's names, and the recogniser learns from how each
// capitalised word was typed there (core/name_types.h).
// --cities / --companies FILE add name lists (one name a line) to the
// recogniser's gazetteers (core/gazetteers.h AddNameLists); --brands FILE
// adds its names (products and brands) to the company list.
// --name-list K=FILE (repeatable) adds FILE's names as a list whose matches
// carry kind K (9..31: core/gazetteers.h AddKindList), e.g. the cities that
// are also people's names (tools/fetch_name_lists.sh writes the shipped
// model's three); these are read before --cities / --companies, so a name in
// both keeps its own kind.
// --ner-min-count K: recogniser features seen on fewer than K training words
// get no weight (a count cut-off; 1, all features, by default).
// --ner-dropout P: while training, each of a word's recogniser features is
// hidden with probability P (feature dropout; 0 by default).
// --ner-crf trains the recogniser's weights as a linear-chain CRF
// (core/linear_chain_crf.h) instead of the averaged perceptron: SGD on the
// conditional log-likelihood, step E / (1 + t / sentences) (0.1), L2
// penalty C / 2 * |w|^2 (1), weights below W in magnitude not stored
// (0.01); decoding is unchanged. --ner-crf-adagrad: AdaGrad steps of E /
// sqrt(summed squared gradients) instead, the penalty applied where
// features fire. --ner-crf-average K: the weights kept are the mean of
// those at the end of epochs K .. the last (0, off, by default).
// --ner-crf-mix A: the perceptron is trained as well and the model stores
// its weights plus the CRF's scaled to A times their mean magnitude.
// --gum-plural-persons-o: GUM person mentions that are one plural proper
// noun ("Muslims", "Americans": groups, which Universal NER leaves
// unlabelled) train as O.
//
// For experiments on one layer, the others can be copied from an existing
// model set instead of trained: --tagger-from (tagger and lemmatiser),
// --parser-from (or --parser-model, a ParserModel written by
// kg-train-parser), --clusters-from (the recogniser's word classes). Since
// training is deterministic, copying layers that a full run with the same
// arguments trained gives the same layers as that full run (only the
// provenance string differs).
// --jackknife-cache FILE (for recogniser experiments): the jackknifed tags
// are read from FILE when it exists (it must list the same sentences), else
// computed and written there; the folds are the costly part of a run whose
// tagger and parser are copied.
// With --dev-* it prints dev figures after training.

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "core/analyzer.h"
#include "core/conllu.h"
#include "core/entity_recognizer.h"
#include "core/gazetteers.h"
#include "core/gum_entities.h"
#include "core/iob2.h"
#include "core/jackknife.h"
#include "core/lemmatizer.h"
#include "core/model_file.h"
#include "core/parser.h"
#include "core/tagger.h"
#include "core/word_clusters.h"
#include "tools/nlp_eval.h"
#include "tools/tag_cache.h"

namespace {

struct Args {
  std::string ud, gum, uner, out;
  std::string iso = "/usr/share/iso-codes/json";
  std::string wordnet = "/usr/share/wordnet";
  std::string dev_ud, dev_uner, dev_gum;
  uint64_t seed = 1;
  int epochs = 8;
  int ner_epochs = 10;
  uint32_t ner_features = kg::core::kNerDefaultFeatureSet;
  int parser_epochs = 15;
  // The parser's feature version (core/parser_features.h; 3: two-stage,
  // 4: version 2 with fewer templates).
  uint32_t parser_features = kg::core::kParserFeatureVersion;
  std::optional<uint64_t> parser_seed;
  bool parser = true;
  bool clusters = false;
  bool ewt_only = false;
  float gum_ner_weight = 1.0f;
  int ner_mix = 1;
  float ner_lowercase_copies = 0.0f, ner_lowercase_weight = 1.0f;
  int jackknife = 4;
  std::string wiki, parser_from, parser_model, tagger_from, clusters_from, jackknife_cache;
  std::string ner_types_from;     // recogniser feature set 6: model set that types the wiki names
  std::string cities, companies;  // optional gazetteer name lists, one name a line
  std::string brands;             // optional, added to the company list
  std::vector<std::pair<uint32_t, std::string>> name_lists;  // --name-list K=FILE
  int ner_min_count = 1;
  float ner_dropout = 0.0f;
  bool ner_crf = false;
  double ner_crf_eta = 0.1, ner_crf_l2 = 1.0;
  float ner_crf_min_weight = 0.01f;
  bool ner_crf_adagrad = false;
  int ner_crf_average = 0;
  float ner_crf_mix = 0;
  bool gum_plural_persons_o = false;
  double wiki_max_mb = 16;
  // --clusters: exchange-algorithm word classes (core/word_clusters.h) from
  // this much wiki text plus the EWT and GUM train sentences.
  double clusters_max_mb = 48;
  std::string cluster_sizes = "32,128,512";
  int cluster_min_count = 5;
  size_t cluster_max_words = 80000;
  int cluster_iterations = 8;
  uint32_t cluster_templates = 0;
  bool cluster_lowercase = false;
  size_t max_sentences = 0;
  float prune = 0.0f;
  // --ner-prune: the recogniser's own cut-off (< 0: --prune's).
  float ner_prune = -1.0f;
};

int Usage() {
  std::cerr << "usage: kg-train --ud TRAIN.conllu --gum DIR --uner TRAIN.iob2 --out FILE\n"
               "                [--seed N] [--epochs N] [--ner-epochs N] [--parser-epochs N]\n"
               "                [--no-parser] [--jackknife K] [--max-sentences N] [--prune W]\n"
               "                [--ner-prune W]\n"
               "                [--parser-features V] [--parser-seed N]\n"
               "                [--wiki DIR [--wiki-max-mb N] [--clusters]] [--ewt-only]\n"
               "                [--clusters-max-mb N] [--cluster-sizes K,K,..]\n"
               "                [--cluster-min-count N] [--cluster-max-words N]\n"
               "                [--cluster-iterations N] [--cluster-templates 0|1]\n"
               "                [--cluster-lowercase]\n"
               "                [--gum-ner-weight W] [--ner-mix N]\n"
               "                [--ner-lowercase-copies F [--ner-lowercase-weight W]]\n"
               "                [--parser-from MODELS.kgm] [--parser-model PARSER.pb]\n"
               "                [--tagger-from MODELS.kgm] [--clusters-from MODELS.kgm]\n"
               "                [--ner-features N] [--jackknife-cache FILE]\n"
               "                [--ner-types-from MODELS.kgm]\n"
               "                [--cities FILE] [--companies FILE] [--brands FILE]\n"
               "                [--name-list K=FILE ...]\n"
               "                [--ner-min-count K] [--ner-dropout P] [--gum-plural-persons-o]\n"
               "                [--ner-crf [--ner-crf-eta E] [--ner-crf-l2 C] "
               "[--ner-crf-min-weight W] [--ner-crf-adagrad]\n"
               "                           [--ner-crf-average K] [--ner-crf-mix A]]\n"
               "                [--iso-codes DIR] [--wordnet DIR]\n"
               "                [--dev-ud FILE] [--dev-uner FILE] [--dev-gum DIR]\n";
  return 2;
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

void Log(std::string_view line) { std::cerr << "kg-train: " << line << std::endl; }

// The --name-list flags as given, for the provenance text.
std::string NameListFlags(const std::vector<std::pair<uint32_t, std::string>>& lists) {
  std::string out;
  for (const auto& [kind, file] : lists) absl::StrAppend(&out, " --name-list ", kind, "=", file);
  return out;
}

template <typename T>
void Truncate(std::vector<T>& v, size_t max) {
  if (max > 0 && v.size() > max) v.resize(max);
}

kg::core::NerExample Example(const kg::core::Tagger& tagger, const kg::core::NerSentence& s) {
  kg::core::NerExample e;
  e.words = s.words;
  e.tags = s.tags;
  e.doc = s.doc_id;
  std::vector<kg::core::Token> tokens(s.words.size());
  for (size_t i = 0; i < tokens.size(); ++i) tokens[i].text = s.words[i];
  tagger.Tag(tokens);
  for (const auto& t : tokens) {
    e.upos.push_back(t.upos);
    e.xpos.push_back(t.xpos);
  }
  return e;
}

// Documents of WikiExtractor shards under `dir` (sorted), up to `max_bytes`.
absl::Status ReadWiki(const std::string& dir, size_t max_bytes, std::vector<std::string>& out) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  std::error_code ec;
  if (fs::is_directory(dir, ec)) {
    for (const auto& e : fs::recursive_directory_iterator(dir, ec)) {
      if (e.is_regular_file()) files.push_back(e.path().string());
    }
  } else {
    files.push_back(dir);
  }
  std::sort(files.begin(), files.end());
  size_t bytes = 0;
  for (const std::string& f : files) {
    std::ifstream in(f, std::ios::binary);
    if (!in) return absl::NotFoundError(f + ": cannot open");
    std::string line, doc;
    while (bytes < max_bytes && std::getline(in, line)) {
      if (line.rfind("<doc", 0) == 0) continue;
      if (line.rfind("</doc>", 0) == 0) {
        bytes += doc.size();
        out.push_back(std::move(doc));
        doc.clear();
        continue;
      }
      doc += line;
      doc += '\n';
    }
    if (bytes >= max_bytes) break;
  }
  if (out.empty()) return absl::NotFoundError(dir + ": no WikiExtractor documents");
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    auto str = [&](std::string& out) {
      const char* v = value();
      if (v) out = v;
      return v != nullptr;
    };
    auto num = [&](auto& out) {
      const char* v = value();
      return v != nullptr && absl::SimpleAtoi(v, &out);
    };
    bool ok = true;
    if (arg == "--ud")
      ok = str(a.ud);
    else if (arg == "--gum")
      ok = str(a.gum);
    else if (arg == "--uner")
      ok = str(a.uner);
    else if (arg == "--out")
      ok = str(a.out);
    else if (arg == "--iso-codes")
      ok = str(a.iso);
    else if (arg == "--wordnet")
      ok = str(a.wordnet);
    else if (arg == "--dev-ud")
      ok = str(a.dev_ud);
    else if (arg == "--dev-uner")
      ok = str(a.dev_uner);
    else if (arg == "--dev-gum")
      ok = str(a.dev_gum);
    else if (arg == "--seed")
      ok = num(a.seed);
    else if (arg == "--epochs")
      ok = num(a.epochs) && a.epochs > 0;
    else if (arg == "--ner-epochs")
      ok = num(a.ner_epochs) && a.ner_epochs > 0;
    else if (arg == "--ner-mix")
      ok = num(a.ner_mix) && a.ner_mix > 0;
    else if (arg == "--ner-features") {
      ok = num(a.ner_features) && a.ner_features <= kg::core::kNerFeatureSet;
    } else if (arg == "--parser-features") {
      ok = num(a.parser_features) && a.parser_features >= kg::core::kMinParserFeatureVersion &&
           a.parser_features <= kg::core::kMaxParserFeatureVersion;
    } else if (arg == "--parser-seed") {
      uint64_t seed = 0;
      ok = num(seed);
      a.parser_seed = seed;
    } else if (arg == "--parser-epochs")
      ok = num(a.parser_epochs) && a.parser_epochs > 0;
    else if (arg == "--max-sentences")
      ok = num(a.max_sentences);
    else if (arg == "--jackknife")
      ok = num(a.jackknife) && (a.jackknife == 0 || a.jackknife >= 2);
    else if (arg == "--no-parser")
      a.parser = false;
    else if (arg == "--clusters")
      a.clusters = true;
    else if (arg == "--ewt-only")
      a.ewt_only = true;
    else if (arg == "--wiki")
      ok = str(a.wiki);
    else if (arg == "--parser-from")
      ok = str(a.parser_from);
    else if (arg == "--tagger-from")
      ok = str(a.tagger_from);
    else if (arg == "--clusters-from")
      ok = str(a.clusters_from);
    else if (arg == "--cluster-sizes")
      ok = str(a.cluster_sizes);
    else if (arg == "--cluster-min-count")
      ok = num(a.cluster_min_count) && a.cluster_min_count > 0;
    else if (arg == "--cluster-max-words")
      ok = num(a.cluster_max_words) && a.cluster_max_words > 0;
    else if (arg == "--cluster-lowercase")
      a.cluster_lowercase = true;
    else if (arg == "--cluster-templates")
      ok = num(a.cluster_templates) && a.cluster_templates <= 1;
    else if (arg == "--cluster-iterations")
      ok = num(a.cluster_iterations) && a.cluster_iterations > 0;
    else if (arg == "--clusters-max-mb") {
      const char* v = value();
      ok = v != nullptr && absl::SimpleAtod(v, &a.clusters_max_mb) && a.clusters_max_mb > 0;
    }
    else if (arg == "--ner-types-from")
      ok = str(a.ner_types_from);
    else if (arg == "--cities")
      ok = str(a.cities);
    else if (arg == "--companies")
      ok = str(a.companies);
    else if (arg == "--brands")
      ok = str(a.brands);
    else if (arg == "--name-list") {
      const char* v = value();
      const std::string_view spec = v == nullptr ? "" : v;
      const size_t eq = spec.find('=');
      uint32_t kind = 0;
      ok = eq != std::string_view::npos && eq + 1 < spec.size() &&
           absl::SimpleAtoi(absl::string_view(spec.data(), eq), &kind);
      if (ok) a.name_lists.emplace_back(kind, std::string(spec.substr(eq + 1)));
    }
    else if (arg == "--gum-plural-persons-o")
      a.gum_plural_persons_o = true;
    else if (arg == "--ner-min-count")
      ok = num(a.ner_min_count) && a.ner_min_count > 0;
    else if (arg == "--jackknife-cache")
      ok = str(a.jackknife_cache);
    else if (arg == "--parser-model")
      ok = str(a.parser_model);
    else if (arg == "--wiki-max-mb") {
      const char* v = value();
      ok = v != nullptr && absl::SimpleAtod(v, &a.wiki_max_mb) && a.wiki_max_mb > 0;
    } else if (arg == "--gum-ner-weight") {
      const char* v = value();
      ok = v != nullptr && absl::SimpleAtof(v, &a.gum_ner_weight) && a.gum_ner_weight > 0;
    } else if (arg == "--ner-lowercase-copies") {
      const char* v = value();
      ok = v != nullptr && absl::SimpleAtof(v, &a.ner_lowercase_copies) &&
           a.ner_lowercase_copies >= 0 && a.ner_lowercase_copies <= 1;
    } else if (arg == "--ner-lowercase-weight") {
      const char* v = value();
      ok = v != nullptr && absl::SimpleAtof(v, &a.ner_lowercase_weight) &&
           a.ner_lowercase_weight > 0;
    } else if (arg == "--ner-dropout") {
      const char* v = value();
      ok = v != nullptr && absl::SimpleAtof(v, &a.ner_dropout) && a.ner_dropout >= 0 &&
           a.ner_dropout < 1;
    } else if (arg == "--ner-crf") {
      a.ner_crf = true;
    } else if (arg == "--ner-crf-average") {
      ok = num(a.ner_crf_average) && a.ner_crf_average >= 0;
    } else if (arg == "--ner-crf-mix") {
      const char* v = value();
      ok = v != nullptr && absl::SimpleAtof(v, &a.ner_crf_mix) && a.ner_crf_mix >= 0;
    } else if (arg == "--ner-crf-adagrad") {
      a.ner_crf_adagrad = true;
    } else if (arg == "--ner-crf-eta") {
      const char* v = value();
      ok = v != nullptr && absl::SimpleAtod(v, &a.ner_crf_eta) && a.ner_crf_eta > 0;
    } else if (arg == "--ner-crf-l2") {
      const char* v = value();
      ok = v != nullptr && absl::SimpleAtod(v, &a.ner_crf_l2) && a.ner_crf_l2 >= 0;
    } else if (arg == "--ner-crf-min-weight") {
      const char* v = value();
      ok = v != nullptr && absl::SimpleAtof(v, &a.ner_crf_min_weight) &&
           a.ner_crf_min_weight >= 0;
    } else if (arg == "--prune") {
      const char* v = value();
      ok = v != nullptr && absl::SimpleAtof(v, &a.prune);
    } else if (arg == "--ner-prune") {
      const char* v = value();
      ok = v != nullptr && absl::SimpleAtof(v, &a.ner_prune) && a.ner_prune >= 0;
    } else {
      ok = false;
    }
    if (!ok) return Usage();
  }
  if (a.ud.empty() || a.uner.empty() || a.out.empty()) return Usage();
  if (!a.jackknife_cache.empty() && a.parser_from.empty() && a.parser_model.empty()) {
    std::cerr << "kg-train: --jackknife-cache keeps tags only (no lemmas): use it with "
                 "--parser-from or --parser-model\n";
    return 2;
  }
  const auto start = std::chrono::steady_clock::now();
  auto fail = [](const absl::Status& s) {
    std::cerr << "kg-train: " << s.message() << "\n";
    return 1;
  };

  auto ud = kg::core::ReadConlluFile(a.ud);
  if (!ud.ok()) return fail(ud.status());
  Truncate(*ud, a.max_sentences);
  std::vector<kg::core::ConlluSentence> gum;
  if (!a.gum.empty()) {
    auto g = kg::core::ReadConlluDir(a.gum);
    if (!g.ok()) return fail(g.status());
    gum = std::move(*g);
    Truncate(gum, a.max_sentences);
  }
  auto uner = kg::core::ReadIob2File(a.uner);
  if (!uner.ok()) return fail(uner.status());
  Truncate(*uner, a.max_sentences);
  Log(absl::StrFormat("read %d UD, %d GUM, %d UNER sentences", ud->size(), gum.size(),
                      uner->size()));

  kg::ModelSet models;
  models.set_provenance(absl::StrFormat(
      "kg-train --ud %s --gum %s --uner %s --seed %d --epochs %d --ner-epochs %d "
      "--parser-epochs %d --jackknife %d%s%s%s; iso-codes %s, WordNet %s",
      a.ud, a.gum, a.uner, a.seed, a.epochs, a.ner_epochs, a.parser_epochs, a.jackknife,
      std::string(a.parser ? "" : " --no-parser") + (a.ewt_only ? " --ewt-only" : "") +
          (a.clusters ? absl::StrFormat(" --clusters --clusters-max-mb %g --cluster-sizes %s "
                                        "--cluster-min-count %d --cluster-max-words %d "
                                        "--cluster-iterations %d --cluster-templates %d",
                                        a.clusters_max_mb, a.cluster_sizes, a.cluster_min_count,
                                        a.cluster_max_words, a.cluster_iterations,
                                        a.cluster_templates) +
                          (a.cluster_lowercase ? " --cluster-lowercase" : "")
                      : ""),
      a.wiki.empty() ? "" : " --wiki " + a.wiki,
      (a.parser_from.empty() ? "" : " --parser-from " + a.parser_from) +
          (a.parser_features == kg::core::kParserFeatureVersion
               ? ""
               : absl::StrCat(" --parser-features ", a.parser_features)) +
          (a.parser_seed ? absl::StrCat(" --parser-seed ", *a.parser_seed) : "") +
          (a.parser_model.empty() ? "" : " --parser-model " + a.parser_model) +
          (a.tagger_from.empty() ? "" : " --tagger-from " + a.tagger_from) +
          (a.clusters_from.empty() ? "" : " --clusters-from " + a.clusters_from) +
          (a.cluster_templates == 0 || a.clusters
               ? ""
               : absl::StrFormat(" --cluster-templates %d", a.cluster_templates)) +
          (a.ner_types_from.empty() ? "" : " --ner-types-from " + a.ner_types_from) +
          (a.cities.empty() ? "" : " --cities " + a.cities) +
          (a.companies.empty() ? "" : " --companies " + a.companies) +
          (a.brands.empty() ? "" : " --brands " + a.brands) +
          NameListFlags(a.name_lists) +
          (a.ner_mix == 1 ? "" : absl::StrCat(" --ner-mix ", a.ner_mix)) +
          (a.ner_prune < 0 ? "" : absl::StrCat(" --ner-prune ", a.ner_prune)) +
          (a.ner_min_count == 1 ? "" : absl::StrCat(" --ner-min-count ", a.ner_min_count)) +
          (a.ner_dropout == 0 ? "" : absl::StrCat(" --ner-dropout ", a.ner_dropout)) +
          (a.gum_plural_persons_o ? " --gum-plural-persons-o" : "") +
          (a.ner_crf ? absl::StrFormat(" --ner-crf --ner-crf-eta %g --ner-crf-l2 %g "
                                       "--ner-crf-min-weight %g",
                                       a.ner_crf_eta, a.ner_crf_l2, a.ner_crf_min_weight) +
                           (a.ner_crf_adagrad ? " --ner-crf-adagrad" : "") +
                           (a.ner_crf_average == 0
                                ? ""
                                : absl::StrCat(" --ner-crf-average ", a.ner_crf_average)) +
                           (a.ner_crf_mix == 0 ? ""
                                               : absl::StrCat(" --ner-crf-mix ", a.ner_crf_mix))
                     : ""),
      a.iso, a.wordnet));

  // Unlabelled text (--wiki): capitalisation statistics for the tagger and
  // the recogniser, word classes for the recogniser (--clusters).
  kg::core::CapitalizationTable capitalization;
  kg::WordClusterModel clusters;
  kg::core::NameTypeTable name_types;
  if (!a.wiki.empty()) {
    std::vector<std::string> texts;
    absl::Status st = ReadWiki(a.wiki, static_cast<size_t>(a.wiki_max_mb * 1048576), texts);
    if (!st.ok()) return fail(st);
    capitalization = kg::core::CountCapitalization(texts);
    Log(absl::StrFormat("capitalisation of %d words from %d documents (%.1f s)",
                        capitalization.size(), texts.size(), Seconds(start)));
    // --ner-types-from M: how M's recogniser types each capitalised word of
    // the wiki text (recogniser feature set 6, core/name_types.h).
    if (!a.ner_types_from.empty()) {
      auto typer = kg::core::Analyzer::Load(a.ner_types_from);
      if (!typer.ok()) return fail(typer.status());
      std::vector<std::string> words, tags;
      for (const std::string& text : texts) {
        for (const auto& sentence : (*typer)->Analyze(text, /*parse=*/false).sentences) {
          words.clear();
          tags.clear();
          for (const auto& t : sentence.tokens) {
            words.push_back(t.text);
            tags.push_back(t.ner);
          }
          name_types.Add(words, tags);
        }
      }
      name_types.Finish();
      Log(absl::StrFormat("name types of %d words from %s (%.1f s)", name_types.size(),
                          a.ner_types_from, Seconds(start)));
    }
    if (!a.clusters_from.empty()) {
      auto from = kg::core::ReadModelSet(a.clusters_from);
      if (!from.ok()) return fail(from.status());
      clusters = from->ner().clusters();
      Log(absl::StrFormat("word classes of %d words copied from %s", clusters.words_size(),
                          a.clusters_from));
    } else if (a.clusters) {
      // All the unlabelled text we may use: the wiki text and the raw
      // sentences of EWT and GUM train (UNER train is EWT train's text).
      kg::core::ExchangeClusterOptions copt;
      copt.min_count = a.cluster_min_count;
      copt.max_words = a.cluster_max_words;
      copt.iterations = a.cluster_iterations;
      copt.log = Log;
      copt.granularities.clear();
      for (absl::string_view k : absl::StrSplit(a.cluster_sizes, ',', absl::SkipEmpty())) {
        int size = 0;
        if (!absl::SimpleAtoi(k, &size) || size < 2 || size > 65535) {
          return fail(absl::InvalidArgumentError("--cluster-sizes: bad size " + std::string(k)));
        }
        copt.granularities.push_back(size);
      }
      kg::core::ClusterCorpus corpus(a.cluster_lowercase);
      std::vector<std::string> more;
      if (a.clusters_max_mb > a.wiki_max_mb) {
        absl::Status st2 =
            ReadWiki(a.wiki, static_cast<size_t>(a.clusters_max_mb * 1048576), more);
        if (!st2.ok()) return fail(st2);
      }
      for (const std::string& text : more.empty() ? texts : more) corpus.AddText(text);
      more.clear();
      std::vector<std::string> forms;
      for (const auto* bank : {&*ud, &gum}) {
        for (const auto& sentence : *bank) {
          forms.clear();
          for (const auto& t : sentence.tokens) forms.push_back(t.form);
          corpus.AddSentence(forms);
        }
      }
      Log(absl::StrFormat("word classes: %d tokens read (%.1f s)", corpus.num_tokens(),
                          Seconds(start)));
      clusters = kg::core::BuildExchangeClusters(corpus, copt);
      Log(absl::StrFormat("word classes of %d words (%.1f s)", clusters.words_size(),
                          Seconds(start)));
    }
  }

  // Tagger and parser: UD English-EWT plus the GUM train documents (same
  // UD/PTB tag sets; more varied genres), unless --ewt-only. Lemmatiser:
  // EWT alone (its lemma conventions are the ones the extractor expects).
  std::vector<kg::core::ConlluSentence> treebank = *ud;
  if (!a.ewt_only) treebank.insert(treebank.end(), gum.begin(), gum.end());
  kg::core::TaggerTrainOptions topt;
  topt.epochs = a.epochs;
  topt.seed = a.seed;
  topt.prune = a.prune;
  topt.log = Log;
  topt.capitalization = capitalization;
  if (!a.tagger_from.empty()) {
    auto from = kg::core::ReadModelSet(a.tagger_from);
    if (!from.ok()) return fail(from.status());
    *models.mutable_tagger() = from->tagger();
    *models.mutable_lemmatizer() = from->lemmatizer();
    Log("tagger and lemmatiser copied from " + a.tagger_from);
  } else {
    auto tagger_model = kg::core::TrainTagger(treebank, topt);
    if (!tagger_model.ok()) return fail(tagger_model.status());
    *models.mutable_tagger() = std::move(*tagger_model);
    *models.mutable_lemmatizer() = kg::core::TrainLemmatizer(*ud);
  }
  auto tagger = kg::core::Tagger::FromProto(models.tagger());
  if (!tagger.ok()) return fail(tagger.status());
  auto lemmatizer = kg::core::Lemmatizer::FromProto(models.lemmatizer());
  if (!lemmatizer.ok()) return fail(lemmatizer.status());
  Log(absl::StrFormat("tagger and lemmatiser trained (%.1f s)", Seconds(start)));

  // Predicted tags and lemmas of the treebank, as the parser and recogniser
  // will see them at run time.
  std::vector<kg::core::ConlluSentence> predicted = treebank;
  if (a.jackknife >= 2 && !a.jackknife_cache.empty() &&
      std::filesystem::exists(a.jackknife_cache)) {
    absl::Status st = kg::tools::ReadTagCache(a.jackknife_cache, predicted);
    if (!st.ok()) return fail(st);
    Log("jackknifed tags read from " + a.jackknife_cache);
  } else if (a.jackknife >= 2) {
    kg::core::TaggerTrainOptions jopt = topt;
    absl::Status st = kg::core::JackknifeTags(predicted, a.jackknife, jopt);
    if (!st.ok()) return fail(st);
    Log(absl::StrFormat("jackknifed tags (%d folds) (%.1f s)", a.jackknife, Seconds(start)));
    if (!a.jackknife_cache.empty()) {
      st = kg::tools::WriteTagCache(a.jackknife_cache, predicted);
      if (!st.ok()) return fail(st);
    }
  } else {
    for (auto& s : predicted) {
      tagger->Tag(s);
      for (auto& t : s.tokens) t.lemma = lemmatizer->Lemma(t.form, t.xpos);
    }
  }
  if (!a.parser_model.empty()) {
    std::ifstream in(a.parser_model, std::ios::binary);
    if (!in || !models.mutable_parser()->ParseFromIstream(&in)) {
      return fail(absl::InvalidArgumentError(a.parser_model + ": cannot read a ParserModel"));
    }
    Log("parser taken from " + a.parser_model + " (" + models.parser().provenance() + ")");
  } else if (!a.parser_from.empty()) {
    auto from = kg::core::ReadModelSet(a.parser_from);
    if (!from.ok()) return fail(from.status());
    if (!from->has_parser()) return fail(absl::InvalidArgumentError(a.parser_from + ": no parser"));
    *models.mutable_parser() = from->parser();
    Log("parser copied from " + a.parser_from);
  } else if (a.parser) {
    const std::vector<kg::core::ConlluSentence>& parse_train = predicted;
    kg::core::ParserTrainOptions popt;
    popt.epochs = a.parser_epochs;
    popt.feature_version = a.parser_features;
    popt.seed = a.parser_seed.value_or(a.seed);
    popt.prune = a.prune;
    popt.log = Log;
    popt.provenance = absl::StrCat("kg-train on ", a.ud, a.ewt_only ? "" : " and " + a.gum,
                                   " with predicted tags");
    auto parser = kg::core::TrainParser(parse_train, popt);
    if (!parser.ok()) return fail(parser.status());
    *models.mutable_parser() = std::move(*parser);
    Log(absl::StrFormat("parser trained (%.1f s)", Seconds(start)));
  } else {
    Log("parser NOT trained (--no-parser): the model has no dependency parser");
  }

  // Recogniser: UNER (EWT) + GUM named mentions, with predicted tags.
  auto gaz = kg::core::BuildGazetteers(a.iso, a.wordnet);
  if (!gaz.ok()) return fail(gaz.status());
  for (const auto& [kind, file] : a.name_lists) {
    absl::Status st = kg::core::AddKindList(kind, file, capitalization, &*gaz);
    if (!st.ok()) return fail(st);
  }
  for (const kg::NameList& list : gaz->lists()) {
    Log(absl::StrFormat("name list of kind %d: %d names", list.kind(), list.names_size()));
  }
  if (!a.cities.empty() || !a.companies.empty()) {
    absl::Status st = kg::core::AddNameLists(a.cities, a.companies, capitalization, &*gaz);
    if (!st.ok()) return fail(st);
  }
  if (!a.brands.empty()) {
    // A second call adds the brands not already listed, with the same filters.
    absl::Status st = kg::core::AddNameLists("", a.brands, capitalization, &*gaz);
    if (!st.ok()) return fail(st);
  }
  if (!a.cities.empty() || !a.companies.empty() || !a.brands.empty()) {
    Log(absl::StrFormat("name lists: %d cities, %d companies", gaz->cities_size(),
                        gaz->companies_size()));
  }
  *models.mutable_gazetteers() = *gaz;
  Log(absl::StrFormat(
      "gazetteers: %d countries, %d subdivisions, %d demonyms, %d places, %d people, %d groups",
      gaz->countries_size(), gaz->subdivisions_size(), gaz->demonyms_size(), gaz->places_size(),
      gaz->people_size(), gaz->groups_size()));
  kg::core::GazetteerMatcher matcher(*gaz);
  std::vector<kg::core::NerExample> ner_train;
  // UNER annotates the EWT train sentences: reuse their jackknifed tags
  // (matched by sentence id and length), else tag with the final tagger.
  absl::flat_hash_map<std::string, const kg::core::ConlluSentence*> by_id;
  for (const auto& s : predicted) by_id[s.sent_id] = &s;
  size_t reused = 0;
  for (const auto& s : *uner) {
    auto it = by_id.find(s.id);
    if (it != by_id.end() && it->second->tokens.size() == s.words.size()) {
      kg::core::NerExample e;
      e.words = s.words;
      e.tags = s.tags;
      e.doc = s.doc_id;
      for (const auto& t : it->second->tokens) {
        e.upos.push_back(t.upos);
        e.xpos.push_back(t.xpos);
      }
      ner_train.push_back(std::move(e));
      ++reused;
    } else {
      ner_train.push_back(Example(*tagger, s));
    }
  }
  Log(absl::StrFormat("recogniser: %d of %d UNER sentences use jackknifed EWT tags", reused,
                      uner->size()));
  int plural_persons = 0;
  for (size_t i = 0; i < gum.size(); ++i) {
    kg::core::NerSentence named = kg::core::GumNamedEntities(gum[i]);
    if (a.gum_plural_persons_o && gum[i].tokens.size() == named.tags.size()) {
      for (size_t k = 0; k < named.tags.size(); ++k) {
        const bool alone = k + 1 == named.tags.size() || named.tags[k + 1][0] != 'I';
        if (named.tags[k] == "B-PERSON" && alone && gum[i].tokens[k].xpos == "NNPS") {
          named.tags[k] = "O";
          ++plural_persons;
        }
      }
    }
    const size_t p = ud->size() + i;  // GUM's predicted tags, if jackknifed with the treebank
    if (!a.ewt_only && p < predicted.size() && predicted[p].tokens.size() == named.words.size()) {
      kg::core::NerExample e;
      e.words = named.words;
      e.tags = named.tags;
      e.doc = named.doc_id;
      for (const auto& t : predicted[p].tokens) {
        e.upos.push_back(t.upos);
        e.xpos.push_back(t.xpos);
      }
      e.weight = a.gum_ner_weight;
      ner_train.push_back(std::move(e));
    } else {
      ner_train.push_back(Example(*tagger, named));
      ner_train.back().weight = a.gum_ner_weight;
    }
  }
  if (a.gum_plural_persons_o) {
    Log(absl::StrFormat("recogniser: %d one-word plural GUM persons read as O", plural_persons));
  }
  kg::core::NerTrainOptions nopt;
  nopt.epochs = a.ner_epochs;
  nopt.feature_set = a.ner_features;
  nopt.mix = a.ner_mix;
  nopt.lowercase_copies = a.ner_lowercase_copies;
  nopt.lowercase_weight = a.ner_lowercase_weight;
  nopt.retag = [&](kg::core::NerExample& e) {
    kg::core::NerSentence s;
    s.words = e.words;
    e.upos.clear();
    e.xpos.clear();
    kg::core::NerExample tagged = Example(*tagger, s);
    e.upos = std::move(tagged.upos);
    e.xpos = std::move(tagged.xpos);
  };
  nopt.seed = a.seed;
  nopt.prune = a.ner_prune >= 0 ? a.ner_prune : a.prune;
  nopt.min_feature_count = a.ner_min_count;
  nopt.feature_dropout = a.ner_dropout;
  nopt.crf = a.ner_crf;
  nopt.crf_options.eta = a.ner_crf_eta;
  nopt.crf_options.l2 = a.ner_crf_l2;
  nopt.crf_min_weight = a.ner_crf_min_weight;
  nopt.crf_options.adagrad = a.ner_crf_adagrad;
  nopt.crf_options.average_from = a.ner_crf_average;
  nopt.crf_mix = a.ner_crf_mix;
  nopt.log = Log;
  nopt.capitalization = std::move(capitalization);
  nopt.clusters = std::move(clusters);
  nopt.cluster_templates = a.cluster_templates;
  nopt.name_types = std::move(name_types);
  auto ner = kg::core::TrainRecognizer(ner_train, matcher, nopt);
  if (!ner.ok()) return fail(ner.status());
  *models.mutable_ner() = std::move(*ner);
  Log(absl::StrFormat("recogniser trained (%.1f s)", Seconds(start)));

  absl::Status written = kg::core::WriteModelSet(a.out, models);
  if (!written.ok()) return fail(written);
  Log(absl::StrFormat("wrote %s; training took %.1f s", a.out, Seconds(start)));

  // Dev figures, read back from the file as users will load it.
  if (a.dev_ud.empty() && a.dev_uner.empty() && a.dev_gum.empty()) return 0;
  auto analyzer = kg::core::Analyzer::Load(a.out);
  if (!analyzer.ok()) return fail(analyzer.status());
  if (!a.dev_ud.empty()) {
    auto dev = kg::core::ReadConlluFile(a.dev_ud);
    if (!dev.ok()) return fail(dev.status());
    auto s = kg::tools::EvaluatePos(**analyzer, *dev);
    std::cout << absl::StrFormat("%s: UPOS %.2f%%  XPOS %.2f%%  lemma %.2f%%  (%d words)\n",
                                 a.dev_ud, s.UposAccuracy(), s.XposAccuracy(), s.LemmaAccuracy(),
                                 s.words);
  }
  const std::vector<std::string> types = {"PERSON", "ORG", "LOC"};
  if (!a.dev_uner.empty()) {
    auto dev = kg::core::ReadIob2File(a.dev_uner);
    if (!dev.ok()) return fail(dev.status());
    kg::tools::PrintNerScores(kg::tools::EvaluateNer(**analyzer, *dev, types), a.dev_uner);
  }
  if (!a.dev_gum.empty()) {
    auto dev = kg::core::ReadConlluDir(a.dev_gum);
    if (!dev.ok()) return fail(dev.status());
    std::vector<kg::core::NerSentence> gold;
    for (const auto& s : *dev) gold.push_back(kg::core::GumNamedEntities(s));
    kg::tools::PrintNerScores(kg::tools::EvaluateNer(**analyzer, gold, types), a.dev_gum);
  }
  return 0;
}
