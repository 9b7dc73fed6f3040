// kg-train-parser: trains the dependency parser alone (core/parser.h) on
// CoNLL-U files and writes the ParserModel protobuf. kg-train builds the
// whole model set; this program is for parser experiments.
//
//   kg-train-parser --out parser.pb [--epochs N] [--seed S] [--prune W]
//                   [--features V] [--max-weights N] [--label-max-weights N]
//                   [--dev DEV.conllu]
//                   [--tagger-from MODELS.kgm] TRAIN.conllu [MORE.conllu ...]
// With --dev, prints dev UAS/LAS after every epoch: on gold tags, or with
// --tagger-from on the tags and lemmas of that model set's tagger (as
// kg-eval-parse does). A TRAIN argument may be a directory (its *.conllu
// files in name order, as kg-train reads --gum). To train the parser a
// kg-train run trains, give kg-train's treebank (EWT, then the GUM dir) and
// either train on `kg-train --write-predicted` output or pass
// --tag-cache FILE --jackknife K: the tags of a `kg-train --jackknife-cache`
// file, with each fold's lemmas from a lemmatiser trained on the other folds
// (as core/jackknife.h does). --save-epochs writes OUT.eN after epoch N.
// --models-from MODELS.kgm writes OUT (and OUT.eN) as a whole model set:
// that file's layers with the new parser in place of its own.
// --from-pb PARSER.pb skips training: OUT is that parser, pruned to
// --max-weights (and a version 3 label model to --label-max-weights; with
// --models-from, spliced into the model set).
// --features 3 trains the two-stage parser (core/parser.h): --max-weights
// bounds its move model, --label-max-weights its label model. --features 4
// trains version 2's model over fewer templates (core/parser_features.cc).
// --skip-templates IDS / --add-templates IDS (comma-separated template ids,
// core/parser_features.h) train, and evaluate on --dev, with the version's
// templates less or plus those: trial drop lists without a new version
// (kg-eval-parse takes the same flags). --from-pb P --as-version V relabels
// such a model as version V when V's own templates are exactly the ones it
// was trained with (the keys do not depend on the version number).

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "core/conllu.h"
#include "core/parser_features.h"
#include "core/gum_entities.h"
#include "core/lemmatizer.h"
#include "tools/tag_cache.h"
#include "core/model_file.h"
#include "core/parser.h"
#include "core/tagger.h"

namespace {

// kg-train's --jackknife-cache lines: "sent_id<TAB>upos...<TAB>xpos...", one
// per sentence of the treebank in order. Lemmas are recomputed per fold.
absl::Status ApplyTagCache(const std::string& path, int folds,
                           std::vector<kg::core::ConlluSentence>& sentences) {
  const std::vector<kg::core::ConlluSentence> gold = sentences;
  absl::Status read = kg::tools::ReadTagCache(path, sentences);
  if (!read.ok()) return read;
  const size_t total = sentences.size();
  for (int f = 0; f < folds; ++f) {
    const size_t begin = total * f / folds, end = total * (f + 1) / folds;
    std::vector<kg::core::ConlluSentence> rest;
    for (size_t i = 0; i < total; ++i) {
      if (i < begin || i >= end) rest.push_back(gold[i]);
    }
    auto lemmatizer = kg::core::Lemmatizer::FromProto(kg::core::TrainLemmatizer(rest));
    if (!lemmatizer.ok()) return lemmatizer.status();
    for (size_t i = begin; i < end; ++i) {
      for (auto& t : sentences[i].tokens) t.lemma = lemmatizer->Lemma(t.form, t.xpos);
    }
  }
  return absl::OkStatus();
}

// Writes `parser` to `path`: alone, or inside `models` when given.
absl::Status WriteParser(const std::string& path, const kg::ParserModel& parser,
                         const kg::ModelSet* models) {
  if (models != nullptr) {
    kg::ModelSet set = *models;
    *set.mutable_parser() = parser;
    return kg::core::WriteModelSet(path, std::move(set));
  }
  std::ofstream out(path, std::ios::binary);
  if (!out || !parser.SerializeToOstream(&out)) {
    return absl::InternalError("cannot write " + path);
  }
  return absl::OkStatus();
}

int Usage() {
  std::cerr
      << "usage: kg-train-parser --out FILE [--epochs N] [--seed S] [--prune W] [--dev DEV.conllu] "
         "[--features V] [--max-weights N] [--label-max-weights N] [--tagger-from MODELS.kgm]\n"
         "       [--save-epochs] [--skip-templates IDS] [--add-templates IDS]\n"
         "       [--models-from MODELS.kgm] [--from-pb PARSER.pb [--as-version V]]\n"
         "       [--tag-cache FILE --jackknife K] TRAIN.conllu|DIR...\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string out_path, dev_path, tagger_from, tag_cache, models_from, from_pb;
  int folds = 0;
  uint32_t as_version = 0;
  std::vector<int> skip, add;
  bool save_epochs = false;
  kg::core::ParserTrainOptions options;
  std::vector<std::string> inputs;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    if (arg == "--out") {
      const char* v = value();
      if (!v) return Usage();
      out_path = v;
    } else if (arg == "--epochs") {
      const char* v = value();
      if (!v || !absl::SimpleAtoi(v, &options.epochs) || options.epochs < 1) return Usage();
    } else if (arg == "--seed") {
      const char* v = value();
      if (!v || !absl::SimpleAtoi(v, &options.seed)) return Usage();
    } else if (arg == "--prune") {
      const char* v = value();
      if (!v || !absl::SimpleAtof(v, &options.prune)) return Usage();
    } else if (arg == "--features") {
      const char* v = value();
      if (!v || !absl::SimpleAtoi(v, &options.feature_version) ||
          options.feature_version < kg::core::kMinParserFeatureVersion ||
          options.feature_version > kg::core::kMaxParserFeatureVersion) {
        return Usage();
      }
    } else if (arg == "--max-weights") {
      const char* v = value();
      if (!v || !absl::SimpleAtoi(v, &options.max_weights) || options.max_weights < 0) {
        return Usage();
      }
    } else if (arg == "--label-max-weights") {
      const char* v = value();
      if (!v || !absl::SimpleAtoi(v, &options.label_max_weights) ||
          options.label_max_weights < 0) {
        return Usage();
      }
    } else if (arg == "--tag-cache") {
      const char* v = value();
      if (!v) return Usage();
      tag_cache = v;
    } else if (arg == "--jackknife") {
      const char* v = value();
      if (!v || !absl::SimpleAtoi(v, &folds) || folds < 2) return Usage();
    } else if (arg == "--from-pb") {
      const char* v = value();
      if (!v) return Usage();
      from_pb = v;
    } else if (arg == "--models-from") {
      const char* v = value();
      if (!v) return Usage();
      models_from = v;
    } else if (arg == "--skip-templates") {
      const char* v = value();
      if (!v || !kg::core::ParseTemplateIds(v, skip)) return Usage();
    } else if (arg == "--add-templates") {
      const char* v = value();
      if (!v || !kg::core::ParseTemplateIds(v, add)) return Usage();
    } else if (arg == "--as-version") {
      const char* v = value();
      if (!v || !absl::SimpleAtoi(v, &as_version) ||
          as_version < kg::core::kMinParserFeatureVersion ||
          as_version > kg::core::kMaxParserFeatureVersion) {
        return Usage();
      }
    } else if (arg == "--save-epochs") {
      save_epochs = true;
    } else if (arg == "--tagger-from") {
      const char* v = value();
      if (!v) return Usage();
      tagger_from = v;
    } else if (arg == "--dev") {
      const char* v = value();
      if (!v) return Usage();
      dev_path = v;
    } else if (!arg.empty() && arg[0] == '-') {
      return Usage();
    } else {
      inputs.push_back(arg);
    }
  }
  if (out_path.empty() || tag_cache.empty() != (folds == 0)) return Usage();
  if (inputs.empty() == from_pb.empty()) return Usage();
  if (as_version != 0 && from_pb.empty()) return Usage();
  kg::core::SetParserTemplateOverride(skip, add);
  std::vector<kg::core::ConlluSentence> train;
  for (const std::string& path : inputs) {
    auto sents = std::filesystem::is_directory(path) ? kg::core::ReadConlluDir(path)
                                                     : kg::core::ReadConlluFile(path);
    if (!sents.ok()) {
      std::cerr << "kg-train-parser: " << sents.status().message() << "\n";
      return 1;
    }
    train.insert(train.end(), sents->begin(), sents->end());
  }
  std::unique_ptr<kg::ModelSet> models;
  if (!models_from.empty()) {
    auto m = kg::core::ReadModelSet(models_from);
    if (!m.ok()) {
      std::cerr << "kg-train-parser: " << m.status().message() << "\n";
      return 1;
    }
    models = std::make_unique<kg::ModelSet>(*std::move(m));
  }
  if (!from_pb.empty()) {
    kg::ParserModel parser;
    std::ifstream in(from_pb, std::ios::binary);
    if (!in || !parser.ParseFromIstream(&in)) {
      std::cerr << "kg-train-parser: " << from_pb << ": cannot read a ParserModel\n";
      return 1;
    }
    if (as_version != 0) {
      const std::vector<int> trained = kg::core::ParserTemplates(parser.feature_version());
      kg::core::SetParserTemplateOverride({}, {});
      if (trained != kg::core::ParserTemplates(as_version)) {
        std::cerr << "kg-train-parser: version " << as_version
                  << " does not use the templates the model was trained with\n";
        return 1;
      }
      parser.set_feature_version(as_version);
    }
    kg::core::KeepLargestParserWeights(options.max_weights, parser);
    kg::core::KeepLargestParserLabelWeights(options.label_max_weights, parser);
    absl::Status written = WriteParser(out_path, parser, models.get());
    if (!written.ok()) {
      std::cerr << "kg-train-parser: " << written.message() << "\n";
      return 1;
    }
    return 0;
  }
  if (!tag_cache.empty()) {
    absl::Status st = ApplyTagCache(tag_cache, folds, train);
    if (!st.ok()) {
      std::cerr << "kg-train-parser: " << st.message() << "\n";
      return 1;
    }
  }
  options.log = [](std::string_view line) { std::cerr << line << std::endl; };
  std::vector<kg::core::ConlluSentence> dev;
  if (!dev_path.empty()) {
    auto sents = kg::core::ReadConlluFile(dev_path);
    if (!sents.ok()) {
      std::cerr << "kg-train-parser: " << sents.status().message() << "\n";
      return 1;
    }
    dev = *std::move(sents);
    if (!tagger_from.empty()) {
      auto tagger_set = kg::core::ReadModelSet(tagger_from);
      if (!tagger_set.ok()) {
        std::cerr << "kg-train-parser: " << tagger_set.status().message() << "\n";
        return 1;
      }
      auto tagger = kg::core::Tagger::FromProto(tagger_set->tagger());
      auto lemmatizer = kg::core::Lemmatizer::FromProto(tagger_set->lemmatizer());
      if (!tagger.ok() || !lemmatizer.ok()) {
        std::cerr << "kg-train-parser: " << tagger_from << ": no usable tagger or lemmatiser\n";
        return 1;
      }
      for (auto& s : dev) {
        tagger->Tag(s);
        for (auto& t : s.tokens) t.lemma = lemmatizer->Lemma(t.form, t.xpos);
      }
    }
  }
  if (!dev.empty() || save_epochs) {
    options.on_epoch = [&](int epoch, const kg::ParserModel& proto) {
      if (save_epochs) {
        absl::Status st = WriteParser(out_path + ".e" + std::to_string(epoch), proto, models.get());
        if (!st.ok()) std::cerr << "kg-train-parser: " << st.message() << "\n";
      }
      if (dev.empty()) return;
      auto parser = kg::core::Parser::FromProto(proto);
      if (!parser.ok()) return;
      long words = 0, uas = 0, las = 0;
      for (const auto& g : dev) {
        kg::core::ConlluSentence p = g;
        parser->Parse(p);
        for (size_t k = 0; k < g.tokens.size(); ++k) {
          ++words;
          const bool head = g.tokens[k].head == p.tokens[k].head;
          uas += head;
          las += head && g.tokens[k].deprel == p.tokens[k].deprel;
        }
      }
      std::cerr << "dev after epoch " << epoch << ": UAS " << 100.0 * uas / std::max(words, 1L)
                << " LAS(full) " << 100.0 * las / std::max(words, 1L) << " features "
                << proto.weights().features_size() + proto.label_weights().features_size()
                << " bytes " << proto.ByteSizeLong()
                << std::endl;
    };
  }
  options.provenance = "kg-train-parser";
  for (const std::string& path : inputs) options.provenance += " " + path;
  auto model = kg::core::TrainParser(train, options);
  if (!model.ok()) {
    std::cerr << "kg-train-parser: " << model.status().message() << "\n";
    return 1;
  }
  absl::Status written = WriteParser(out_path, *model, models.get());
  if (!written.ok()) {
    std::cerr << "kg-train-parser: " << written.message() << "\n";
    return 1;
  }
  std::cerr << "kg-train-parser: wrote " << out_path << " (" << model->ByteSizeLong() << " bytes, "
            << model->weights().features_size() << " features)\n";
  return 0;
}
