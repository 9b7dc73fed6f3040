// kg-eval parse FILE.conllu [--model M] [--gold-tags]
//
// Parses every sentence of a CoNLL-U file and prints attachment scores
// against its trees, following the CoNLL 2018 shared task: every word counts,
// punctuation included; LAS compares the universal part of the relation
// ("nmod:poss" counts as "nmod"). LAS on full relations is printed too. The
// last line is the headline LAS alone.
//
// M is a parser model (ParserModel protobuf, as kg-train-parser writes).

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "core/conllu.h"
#include "core/parser.h"
#include "proto/parser_model.pb.h"

namespace {

int Usage() {
  std::cerr << "usage: kg-eval parse FILE.conllu --model PARSER.pb\n";
  return 2;
}

std::string Universal(const std::string& deprel) { return deprel.substr(0, deprel.find(':')); }

}  // namespace

int main(int argc, char** argv) {
  std::string file, model_path;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--model" && i + 1 < argc) {
      model_path = argv[++i];
    } else if (arg == "--gold-tags") {
      // The default for now: the file's own UPOS/XPOS/LEMMA.
    } else if (!arg.empty() && arg[0] == '-') {
      return Usage();
    } else if (file.empty()) {
      file = arg;
    } else {
      return Usage();
    }
  }
  if (file.empty() || model_path.empty()) return Usage();

  auto gold = kg::core::ReadConlluFile(file);
  if (!gold.ok()) {
    std::cerr << "kg-eval parse: " << gold.status().message() << "\n";
    return 1;
  }
  std::ifstream in(model_path, std::ios::binary);
  kg::ParserModel proto;
  if (!in || !proto.ParseFromIstream(&in)) {
    std::cerr << "kg-eval parse: " << model_path << ": cannot read a parser model\n";
    return 1;
  }
  auto parser = kg::core::Parser::FromProto(proto);
  if (!parser.ok()) {
    std::cerr << "kg-eval parse: " << model_path << ": " << parser.status().message() << "\n";
    return 1;
  }

  std::vector<kg::core::ConlluSentence> pred = *gold;
  const auto start = std::chrono::steady_clock::now();
  for (auto& s : pred) parser->Parse(s);
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  long words = 0, uas = 0, las = 0, las_full = 0, label_ok = 0;
  for (size_t i = 0; i < gold->size(); ++i) {
    const auto& g = (*gold)[i].tokens;
    const auto& p = pred[i].tokens;
    for (size_t k = 0; k < g.size(); ++k) {
      ++words;
      const bool head = g[k].head == p[k].head;
      const bool label = Universal(g[k].deprel) == Universal(p[k].deprel);
      uas += head;
      las += head && label;
      las_full += head && g[k].deprel == p[k].deprel;
      label_ok += label;
    }
  }
  auto pct = [&](long x) { return words ? 100.0 * x / words : 0.0; };
  std::printf("file: %s\n", file.c_str());
  std::printf("tags: gold (the file's UPOS/XPOS/LEMMA)\n");
  std::printf("sentences: %zu, words: %ld (punctuation included)\n", gold->size(), words);
  std::printf("UAS: %.2f\n", pct(uas));
  std::printf("LAS: %.2f (universal relations, CoNLL 2018)\n", pct(las));
  std::printf("LAS full relations: %.2f\n", pct(las_full));
  std::printf("label accuracy: %.2f\n", pct(label_ok));
  std::printf("parse speed: %.0f words/s (one thread)\n", secs > 0 ? words / secs : 0.0);
  std::printf("%.2f\n", pct(las));
  return 0;
}
