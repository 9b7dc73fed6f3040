// kg-train-parser: trains the dependency parser alone (core/parser.h) on
// CoNLL-U files and writes the ParserModel protobuf. kg-train builds the
// whole model set; this program is for parser experiments.
//
//   kg-train-parser --out parser.pb [--epochs N] [--seed S] [--prune W]
//                   [--dev DEV.conllu] TRAIN.conllu [MORE.conllu ...]
// With --dev, prints dev UAS/LAS after every epoch (gold tags).

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "core/conllu.h"
#include "core/parser.h"

namespace {

int Usage() {
  std::cerr
      << "usage: kg-train-parser --out FILE [--epochs N] [--seed S] [--prune W] [--dev DEV.conllu] "
         "TRAIN.conllu...\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string out_path, dev_path;
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
  if (out_path.empty() || inputs.empty()) return Usage();
  std::vector<kg::core::ConlluSentence> train;
  for (const std::string& path : inputs) {
    auto sents = kg::core::ReadConlluFile(path);
    if (!sents.ok()) {
      std::cerr << "kg-train-parser: " << sents.status().message() << "\n";
      return 1;
    }
    train.insert(train.end(), sents->begin(), sents->end());
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
    options.on_epoch = [&dev](int epoch, const kg::ParserModel& proto) {
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
                << proto.weights().features_size() << " bytes " << proto.ByteSizeLong()
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
  std::ofstream out(out_path, std::ios::binary);
  if (!out || !model->SerializeToOstream(&out)) {
    std::cerr << "kg-train-parser: cannot write " << out_path << "\n";
    return 1;
  }
  std::cerr << "kg-train-parser: wrote " << out_path << " (" << model->ByteSizeLong() << " bytes, "
            << model->weights().features_size() << " features)\n";
  return 0;
}
