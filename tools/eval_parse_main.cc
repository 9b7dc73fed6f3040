// kg-eval parse FILE.conllu [--model MODELS.kgm] [--parser PARSER.pb]
//
// Parses every sentence of a CoNLL-U file (its own tokenisation) and prints
// attachment scores against its trees, following the CoNLL 2018 shared task:
// every word counts, punctuation included, and LAS compares the universal
// part of the relation ("nmod:poss" counts as "nmod"). LAS on full relations
// is printed too.
//
// Two runs: with the file's gold UPOS/XPOS/LEMMA, and with tags and lemmas
// predicted by the model set's tagger and lemmatiser (the realistic figure,
// and the headline). The last line is the headline LAS alone.
//
// MODELS.kgm is the model set kg-train writes (default: the analyzer's
// default model path); --parser replaces its parser with a ParserModel file
// from kg-train-parser. Without a usable model set, --parser alone gives the
// gold-tag run only.

#include <time.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "core/analysis.h"
#include "core/analyzer.h"
#include "core/conllu.h"
#include "core/model_file.h"
#include "core/parser.h"
#include "proto/model.pb.h"
#include "proto/parser_model.pb.h"

namespace {

int Usage() {
  std::cerr << "usage: kg-eval parse FILE.conllu [--model MODELS.kgm] [--parser PARSER.pb]\n";
  return 2;
}

double CpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

std::string Universal(const std::string& deprel) { return deprel.substr(0, deprel.find(':')); }

struct Scores {
  long words = 0, uas = 0, las = 0, las_full = 0, label = 0;
  double cpu_seconds = 0;
  double Pct(long x) const { return words ? 100.0 * x / words : 0.0; }
};

// Parses the gold sentences after `prepare` filled each token's tags.
template <typename Prepare, typename ParseFn>
Scores Run(const std::vector<kg::core::ConlluSentence>& gold, Prepare prepare, ParseFn parse) {
  Scores s;
  std::vector<kg::core::Token> tokens;
  for (const auto& sent : gold) {
    tokens.assign(sent.tokens.size(), kg::core::Token{});
    for (size_t k = 0; k < tokens.size(); ++k) tokens[k].text = sent.tokens[k].form;
    prepare(sent, tokens);
    const double start = CpuSeconds();
    parse(tokens);
    s.cpu_seconds += CpuSeconds() - start;
    for (size_t k = 0; k < tokens.size(); ++k) {
      const auto& g = sent.tokens[k];
      const int head = tokens[k].head < 0 ? 0 : tokens[k].head + 1;
      const bool head_ok = g.head == head;
      const bool label_ok = Universal(g.deprel) == Universal(tokens[k].deprel);
      ++s.words;
      s.uas += head_ok;
      s.las += head_ok && label_ok;
      s.las_full += head_ok && g.deprel == tokens[k].deprel;
      s.label += label_ok;
    }
  }
  return s;
}

void Print(const char* title, const Scores& s) {
  std::printf("%s\n", title);
  std::printf("  UAS: %.2f\n", s.Pct(s.uas));
  std::printf("  LAS: %.2f (universal relations, CoNLL 2018)\n", s.Pct(s.las));
  std::printf("  LAS full relations: %.2f\n", s.Pct(s.las_full));
  std::printf("  label accuracy: %.2f\n", s.Pct(s.label));
  std::printf("  parser speed: %.0f words/s of CPU time (one thread, parser only)\n",
              s.cpu_seconds > 0 ? s.words / s.cpu_seconds : 0.0);
}

}  // namespace

int main(int argc, char** argv) {
  std::string file, model_path, parser_path;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--model" && i + 1 < argc) {
      model_path = argv[++i];
    } else if (arg == "--parser" && i + 1 < argc) {
      parser_path = argv[++i];
    } else if (!arg.empty() && arg[0] == '-') {
      return Usage();
    } else if (file.empty()) {
      file = arg;
    } else {
      return Usage();
    }
  }
  if (file.empty()) return Usage();
  auto gold = kg::core::ReadConlluFile(file);
  if (!gold.ok()) {
    std::cerr << "kg-eval parse: " << gold.status().message() << "\n";
    return 1;
  }

  std::unique_ptr<kg::ParserModel> parser_proto;
  if (!parser_path.empty()) {
    std::ifstream in(parser_path, std::ios::binary);
    parser_proto = std::make_unique<kg::ParserModel>();
    if (!in || !parser_proto->ParseFromIstream(&in)) {
      std::cerr << "kg-eval parse: " << parser_path << ": cannot read a parser model\n";
      return 1;
    }
  }
  // The model set gives the tagger (and the parser unless --parser).
  std::unique_ptr<kg::core::Analyzer> analyzer;
  const bool explicit_model = !model_path.empty();
  if (!explicit_model) model_path = kg::core::Analyzer::DefaultModelPath();
  auto models = kg::core::ReadModelSet(model_path);
  if (models.ok()) {
    if (parser_proto) *models->mutable_parser() = *parser_proto;
    auto a = kg::core::Analyzer::FromModelSet(*models);
    if (!a.ok()) {
      std::cerr << "kg-eval parse: " << model_path << ": " << a.status().message() << "\n";
      return 1;
    }
    analyzer = *std::move(a);
  } else if (explicit_model || !parser_proto) {
    std::cerr << "kg-eval parse: " << models.status().message() << "\n";
    return 1;
  }
  std::unique_ptr<kg::core::Parser> own_parser;
  const kg::core::Parser* parser = analyzer ? analyzer->parser() : nullptr;
  if (!analyzer) {
    auto p = kg::core::Parser::FromProto(*parser_proto);
    if (!p.ok()) {
      std::cerr << "kg-eval parse: " << parser_path << ": " << p.status().message() << "\n";
      return 1;
    }
    own_parser = std::make_unique<kg::core::Parser>(*std::move(p));
    parser = own_parser.get();
  }
  if (parser == nullptr) {
    std::cerr << "kg-eval parse: " << model_path << ": the model set has no parser\n";
    return 1;
  }
  auto parse = [&](std::vector<kg::core::Token>& tokens) { parser->Parse(tokens); };

  long words = 0;
  for (const auto& s : *gold) words += static_cast<long>(s.tokens.size());
  std::printf("file: %s (%zu sentences, %ld words, punctuation included)\n", file.c_str(),
              gold->size(), words);
  std::printf("model: %s%s%s\n", analyzer ? model_path.c_str() : "(none)",
              parser_proto ? ", parser " : "", parser_proto ? parser_path.c_str() : "");

  const Scores gold_tags = Run(
      *gold,
      [](const kg::core::ConlluSentence& s, std::vector<kg::core::Token>& tokens) {
        for (size_t k = 0; k < tokens.size(); ++k) {
          tokens[k].upos = s.tokens[k].upos;
          tokens[k].xpos = s.tokens[k].xpos;
          tokens[k].lemma = s.tokens[k].lemma;
        }
      },
      parse);
  Print("gold tags and lemmas (the file's UPOS/XPOS/LEMMA):", gold_tags);
  if (!analyzer) {
    std::printf("%.2f\n", gold_tags.Pct(gold_tags.las));
    return 0;
  }
  const Scores predicted = Run(
      *gold,
      [&](const kg::core::ConlluSentence&, std::vector<kg::core::Token>& tokens) {
        analyzer->Tag(tokens);
      },
      parse);
  Print("predicted tags and lemmas (the model's tagger and lemmatiser; headline):", predicted);
  std::printf("%.2f\n", predicted.Pct(predicted.las));
  return 0;
}
