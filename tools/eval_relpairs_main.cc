// kg-eval relpairs DEV.json [--limit N] [--rules] [--model PATH]
//
// Entity-pair evaluation on Re-DocRED (../shared/data/re-docred/dev.json):
// rebuilds each document's text from its tokens (tokens joined by spaces),
// runs the Extractor on it (no store), aligns our entities to the gold
// entities by mention text (an entity aligns to the gold entity one of whose
// mentions it names, by kg::TermKey), and scores unordered entity pairs that
// have at least one fact against the gold pairs that have at least one
// relation, among PER/ORG/LOC/MISC gold entities: once for typed relations
// only, once including co-mention. Pairs with an unaligned end are not
// scored (and counted). Also reports extraction speed, and the time the
// extraction proper adds to the language analysis it runs on (the analysis
// alone -- tokenizer and splitter in rule mode, the Analyzer with a model --
// is timed on the same texts in the same run).
//
// --rules forces rule-based extraction; --model selects a model file.

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "core/analyzer.h"
#include "core/extractor.h"
#include "core/sentence_splitter.h"
#include "core/tokenizer.h"
#include "proto/term_key.h"

namespace {

int Usage() {
  std::cerr << "usage: kg-eval relpairs DEV.json [--limit N] [--rules] [--model PATH]\n";
  return 2;
}

bool Scored(const std::string& type) {
  return type == "PER" || type == "ORG" || type == "LOC" || type == "MISC";
}

struct Counts {
  long tp = 0, predicted = 0, gold = 0;
  void Print(const char* label) const {
    double p = predicted ? 100.0 * tp / predicted : 0, r = gold ? 100.0 * tp / gold : 0;
    double f = p + r > 0 ? 2 * p * r / (p + r) : 0;
    std::printf("%-22s P %.1f  R %.1f  F1 %.1f  (tp %ld, predicted %ld, gold %ld)\n", label, p, r,
                f, tp, predicted, gold);
  }
};

}  // namespace

int main(int argc, char** argv) {
  std::string path, model;
  long limit = -1;
  bool rules = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--limit" && i + 1 < argc) {
      limit = std::atol(argv[++i]);
    } else if (a == "--rules") {
      rules = true;
    } else if (a == "--model" && i + 1 < argc) {
      model = argv[++i];
    } else if (path.empty() && !a.starts_with("--")) {
      path = a;
    } else {
      return Usage();
    }
  }
  if (path.empty()) return Usage();
  std::ifstream in(path);
  if (!in) {
    std::cerr << "kg-eval relpairs: cannot open " << path << "\n";
    return 1;
  }
  nlohmann::json docs = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (docs.is_discarded() || !docs.is_array()) {
    std::cerr << "kg-eval relpairs: " << path << ": not a JSON array of documents\n";
    return 1;
  }
  kg::core::ExtractorOptions options;
  options.use_model = !rules;
  options.model_path = model;
  absl::StatusOr<std::unique_ptr<kg::core::Extractor>> extractor =
      kg::core::Extractor::Create(options);
  if (!extractor.ok()) {
    std::cerr << "kg-eval relpairs: " << extractor.status().message() << "\n";
    return 1;
  }

  // The baseline: the same language analysis without extraction.
  std::unique_ptr<kg::core::Analyzer> analyzer;
  if (!rules) {
    std::string path = model.empty() ? kg::core::Analyzer::DefaultModelPath() : model;
    if (std::ifstream(path).good()) {
      absl::StatusOr<std::unique_ptr<kg::core::Analyzer>> a = kg::core::Analyzer::Load(path);
      if (a.ok()) analyzer = std::move(*a);
    }
  }
  double analysis_seconds = 0;
  size_t sink = 0;

  Counts typed, all;
  long unaligned_pairs = 0, tokens = 0, ndocs = 0, failed = 0;
  double seconds = 0;
  for (const auto& d : docs) {
    if (limit >= 0 && ndocs >= limit) break;
    ++ndocs;
    // Text: tokens joined by spaces, sentences by spaces.
    std::string text;
    for (const auto& sent : d["sents"]) {
      for (const auto& tok : sent) {
        if (!text.empty()) text.push_back(' ');
        text += tok.get<std::string>();
        ++tokens;
      }
    }
    // Gold: mention texts -> vertex; types; related pairs.
    const auto& vertices = d["vertexSet"];
    std::vector<std::string> vtype(vertices.size());
    absl::flat_hash_map<std::string, int> vertex_of;
    for (size_t v = 0; v < vertices.size(); ++v) {
      for (const auto& m : vertices[v]) {
        vtype[v] = m["type"].get<std::string>();
        vertex_of.try_emplace(kg::TermKey(m["name"].get<std::string>()), static_cast<int>(v));
      }
    }
    std::set<std::pair<int, int>> gold;
    for (const auto& l : d["labels"]) {
      int h = l["h"].get<int>(), t = l["t"].get<int>();
      if (h == t || !Scored(vtype[h]) || !Scored(vtype[t])) continue;
      gold.insert({std::min(h, t), std::max(h, t)});
    }
    kg::Document doc;
    doc.set_id("redocred-" + std::to_string(ndocs));
    auto t0 = std::chrono::steady_clock::now();
    absl::StatusOr<kg::DocumentFacts> facts = (*extractor)->Extract(doc, text);
    auto t1 = std::chrono::steady_clock::now();
    seconds += std::chrono::duration<double>(t1 - t0).count();
    if (analyzer != nullptr) {
      sink += analyzer->Analyze(text).sentences.size();
    } else {
      sink += kg::core::SplitSentences(text, kg::core::Tokenize(text)).size();
    }
    analysis_seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
    if (!facts.ok()) {
      ++failed;
      continue;
    }
    // Align our entities (by key or alias) to gold vertices.
    absl::flat_hash_map<std::string, int> aligned;
    for (const kg::Entity& e : facts->entities()) {
      int v = -1;
      if (auto it = vertex_of.find(e.key()); it != vertex_of.end()) v = it->second;
      for (const std::string& a : e.aliases()) {
        if (v >= 0) break;
        if (auto it = vertex_of.find(kg::TermKey(a)); it != vertex_of.end()) v = it->second;
      }
      if (v >= 0) aligned[e.key()] = v;
    }
    std::set<std::pair<int, int>> pred_typed, pred_all;
    for (const kg::ExtractedFact& f : facts->facts()) {
      auto a = aligned.find(f.subject()), b = aligned.find(f.object());
      if (a == aligned.end() || b == aligned.end()) {
        ++unaligned_pairs;
        continue;
      }
      int x = a->second, y = b->second;
      if (x == y || !Scored(vtype[x]) || !Scored(vtype[y])) continue;
      std::pair<int, int> p = {std::min(x, y), std::max(x, y)};
      pred_all.insert(p);
      if (!(f.flags() & kg::CO_MENTION)) pred_typed.insert(p);
    }
    for (auto [pred, counts] : {std::make_pair(&pred_typed, &typed), std::make_pair(&pred_all, &all)}) {
      counts->gold += static_cast<long>(gold.size());
      counts->predicted += static_cast<long>(pred->size());
      for (const auto& p : *pred) counts->tp += gold.count(p);
    }
  }
  std::printf("documents %ld (failed %ld), tokens %ld, facts with an unaligned end %ld\n", ndocs,
              failed, tokens, unaligned_pairs);
  typed.Print("typed relations:");
  all.Print("incl. co-mention:");
  std::printf("extraction: %.2f s, %.0f tokens/s (%s mode)\n", seconds,
              seconds > 0 ? tokens / seconds : 0, analyzer != nullptr ? "model" : "rule");
  std::printf("language analysis alone: %.2f s; extraction adds %.0f%% to it (%zu sentences)\n",
              analysis_seconds,
              analysis_seconds > 0 ? 100.0 * (seconds - analysis_seconds) / analysis_seconds : 0.0,
              sink);
  return 0;
}
