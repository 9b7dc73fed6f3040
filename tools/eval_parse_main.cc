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
//
// Template experiments (core/README.md, "A leaner template set"):
// --skip-templates IDS and --add-templates IDS (comma-separated template
// ids, core/parser_features.h) parse with the model's templates less or
// plus those. --rank-templates parses the predicted-tag run once per
// template of the model with that template left out and prints, per
// template, its group, its look-ups per token on this file and what leaving
// it out costs in UAS and LAS (no retraining: a ranking, not the loss a
// retrained model would show).

#include <time.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "core/analysis.h"
#include "core/analyzer.h"
#include "core/conllu.h"
#include "core/model_file.h"
#include "core/parser.h"
#include "proto/model.pb.h"
#include "proto/parser_model.pb.h"

namespace {

int Usage() {
  std::cerr << "usage: kg-eval parse FILE.conllu [--model MODELS.kgm] [--parser PARSER.pb]\n"
               "       [--skip-templates IDS] [--add-templates IDS] [--rank-templates]\n";
  return 2;
}

std::string Universal(const std::string& deprel) { return deprel.substr(0, deprel.find(':')); }

const char* GroupName(kg::core::ParserFeatureGroup g) {
  static const char* const kNames[] = {"b0",      "b0-left", "s0",  "s0-right",
                                       "s1",      "s1-right", "s2", "mixed"};
  return kNames[g];
}

// --rank-templates: see the file comment. `sentences` carry predicted tags.
void RankTemplates(const kg::core::Parser& parser,
                   const std::vector<kg::core::ConlluSentence>& gold,
                   const std::vector<std::vector<kg::core::Token>>& tagged,
                   const std::vector<int>& skip, const std::vector<int>& add) {
  auto score = [&](long* uas, long* las) {
    long words = 0;
    *uas = *las = 0;
    for (size_t i = 0; i < gold.size(); ++i) {
      std::vector<kg::core::Token> tokens = tagged[i];
      parser.Parse(tokens);
      for (size_t k = 0; k < tokens.size(); ++k) {
        const auto& g = gold[i].tokens[k];
        const int head = tokens[k].head < 0 ? 0 : tokens[k].head + 1;
        ++words;
        *uas += g.head == head;
        *las += g.head == head && Universal(g.deprel) == Universal(tokens[k].deprel);
      }
    }
    return words;
  };
  kg::core::EnableParserGroupCounts(true);
  kg::core::ThreadParserGroupCounts() = {};
  long base_uas, base_las;
  const long words = score(&base_uas, &base_las);
  const kg::core::ParserGroupCounts counts = kg::core::ThreadParserGroupCounts();
  kg::core::EnableParserGroupCounts(false);
  const std::vector<int> ids = kg::core::ParserTemplates(parser.feature_version());
  std::printf("rank: %zu templates, %ld words, %.3f scored states per word; base UAS %.2f LAS %.2f\n",
              ids.size(), words, double(counts.states) / words, 100.0 * base_uas / words,
              100.0 * base_las / words);
  double lookups = 0;
  for (int id : ids) lookups += counts.groups[kg::core::ParserTemplateGroup(id)];
  std::printf("rank: %.2f look-ups per word in all (the cached path's)\n", lookups / words);
  std::printf("rank: id group lookups_per_word dUAS dLAS\n");
  for (int id : ids) {
    std::vector<int> s = skip;
    s.push_back(id);
    kg::core::SetParserTemplateOverride(s, add);
    long uas, las;
    score(&uas, &las);
    const kg::core::ParserFeatureGroup g = kg::core::ParserTemplateGroup(id);
    std::printf("rank: %d %s %.3f %+.2f %+.2f\n", id, GroupName(g),
                double(counts.groups[g]) / words, 100.0 * (uas - base_uas) / words,
                100.0 * (las - base_las) / words);
    std::fflush(stdout);
  }
  kg::core::SetParserTemplateOverride(skip, add);
}

double CpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}


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
  std::vector<int> skip, add;
  bool rank = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--skip-templates" && i + 1 < argc) {
      if (!kg::core::ParseTemplateIds(argv[++i], skip)) return Usage();
    } else if (arg == "--add-templates" && i + 1 < argc) {
      if (!kg::core::ParseTemplateIds(argv[++i], add)) return Usage();
    } else if (arg == "--rank-templates") {
      rank = true;
    } else if (arg == "--model" && i + 1 < argc) {
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
  kg::core::SetParserTemplateOverride(skip, add);
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
  if (rank) {
    if (!analyzer) {
      std::cerr << "kg-eval parse: --rank-templates needs a model set (its tagger)\n";
      return 2;
    }
    std::vector<std::vector<kg::core::Token>> tagged;
    for (const auto& sent : *gold) {
      std::vector<kg::core::Token> tokens(sent.tokens.size());
      for (size_t k = 0; k < tokens.size(); ++k) tokens[k].text = sent.tokens[k].form;
      analyzer->Tag(tokens);
      tagged.push_back(std::move(tokens));
    }
    RankTemplates(*parser, *gold, tagged, skip, add);
    return 0;
  }

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
