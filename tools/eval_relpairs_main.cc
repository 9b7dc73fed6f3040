// kg-eval relpairs DEV.json [--limit N] [--rules] [--model PATH] [--diag]
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
// --diag prints, per document, the gold entities left unaligned and the
// typed pairs that are wrong or missed (with the predicate and the gold types
// of both ends), and at the end the precision of each predicate and of each
// gold type pair, and the share of gold entities aligned.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
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
  std::cerr << "usage: kg-eval relpairs DEV.json [--limit N] [--rules] [--model PATH] [--diag]\n";
  return 2;
}

// This thread's CPU time: the machine is shared, so wall time alone is noisy.
double CpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

bool IsNameType(kg::EntityType t) {
  return t == kg::PERSON || t == kg::ORG || t == kg::GPE || t == kg::LOC || t == kg::GROUP ||
         t == kg::PROGRAM || t == kg::EVENT || t == kg::WORK || t == kg::MISC;
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
  bool rules = false, diag = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--limit" && i + 1 < argc) {
      limit = std::atol(argv[++i]);
    } else if (a == "--rules") {
      rules = true;
    } else if (a == "--diag") {
      diag = true;
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
  double analysis_seconds = 0, analysis_cpu_seconds = 0, cpu_seconds = 0;
  size_t sink = 0;

  Counts typed, all;
  long partial_alignments = 0, gold_entities = 0, aligned_entities = 0, reachable = 0;
  std::map<std::string, std::pair<long, long>> per_predicate;  // predicted, correct
  std::map<std::string, std::pair<long, long>> per_types;      // by gold type pair
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
    double c0 = CpuSeconds();
    absl::StatusOr<kg::DocumentFacts> facts = (*extractor)->Extract(doc, text);
    auto t1 = std::chrono::steady_clock::now();
    double c1 = CpuSeconds();
    seconds += std::chrono::duration<double>(t1 - t0).count();
    cpu_seconds += c1 - c0;
    if (analyzer != nullptr) {
      sink += analyzer->Analyze(text).sentences.size();
    } else {
      sink += kg::core::SplitSentences(text, kg::core::Tokenize(text)).size();
    }
    analysis_seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
    analysis_cpu_seconds += CpuSeconds() - c1;
    if (!facts.ok()) {
      ++failed;
      continue;
    }
    // Align our entities to gold vertices: by key or alias first; else by a
    // name that is a whole-word part of exactly one gold entity's mention
    // (or contains one), the textual stand-in for overlapping spans
    // ("Obama" in "Barack Obama").
    absl::flat_hash_map<std::string, int> aligned;
    std::vector<bool> vertex_aligned(vertices.size(), false);
    for (const kg::Entity& e : facts->entities()) {
      int v = -1;
      if (auto it = vertex_of.find(e.key()); it != vertex_of.end()) v = it->second;
      for (const std::string& a : e.aliases()) {
        if (v >= 0) break;
        if (auto it = vertex_of.find(kg::TermKey(a)); it != vertex_of.end()) v = it->second;
      }
      if (v < 0 && IsNameType(e.type())) {
        std::string k = " " + e.key() + " ";
        for (const auto& [gk, gv] : vertex_of) {
          std::string g = " " + gk + " ";
          if (g.find(k) == std::string::npos && k.find(g) == std::string::npos) continue;
          if (v >= 0 && v != gv) {
            v = -2;
            break;
          }
          v = gv;
        }
        if (v >= 0) ++partial_alignments;
      }
      if (v >= 0) {
        aligned[e.key()] = v;
        vertex_aligned[v] = true;
      }
    }
    std::set<std::pair<int, int>> pred_typed, pred_all;
    std::map<std::pair<int, int>, std::string> why;  // a typed pair's predicate and sentence
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
      if (!(f.flags() & kg::CO_MENTION)) {
        if (pred_typed.insert(p).second) {
          why[p] = "[" + vtype[x] + "-" + vtype[y] + "] " + f.subject() + " --" + f.predicate() +
                   "--> " + f.object() + "  | " + f.evidence().text();
          auto& pc = per_predicate[f.predicate()];
          ++pc.first;
          pc.second += gold.count(p);
          auto& tc = per_types[std::min(vtype[x], vtype[y]) + "-" + std::max(vtype[x], vtype[y])];
          ++tc.first;
          tc.second += gold.count(p);
        }
      }
    }
    for (auto [pred, counts] :
         {std::make_pair(&pred_typed, &typed), std::make_pair(&pred_all, &all)}) {
      counts->gold += static_cast<long>(gold.size());
      counts->predicted += static_cast<long>(pred->size());
      for (const auto& p : *pred) counts->tp += gold.count(p);
    }
    for (size_t v = 0; v < vertices.size(); ++v) {
      if (!Scored(vtype[v])) continue;
      ++gold_entities;
      if (vertex_aligned[v]) ++aligned_entities;
    }
    for (const auto& [a, b] : gold) reachable += vertex_aligned[a] && vertex_aligned[b];
    if (diag) {
      std::printf("== document %ld: %s\n", ndocs, d.value("title", "").c_str());
      for (size_t v = 0; v < vertices.size(); ++v) {
        if (Scored(vtype[v]) && !vertex_aligned[v]) {
          std::printf("  unaligned %s: %s\n", vtype[v].c_str(),
                      vertices[v][0]["name"].get<std::string>().c_str());
        }
      }
      auto name = [&](int v) { return vertices[v][0]["name"].get<std::string>(); };
      for (const auto& p : pred_typed) {
        std::printf("  %s %s\n", gold.count(p) ? "ok   " : "wrong", why[p].c_str());
      }
      for (const auto& p : gold) {
        if (!pred_all.count(p) && vertex_aligned[p.first] && vertex_aligned[p.second]) {
          std::printf("  missed %s -- %s\n", name(p.first).c_str(), name(p.second).c_str());
        }
      }
    }
  }
  std::printf("documents %ld (failed %ld), tokens %ld, facts with an unaligned end %ld\n", ndocs,
              failed, tokens, unaligned_pairs);
  typed.Print("typed relations:");
  all.Print("incl. co-mention:");
  std::printf(
      "gold entities aligned %ld/%ld (%ld by part of a name); gold pairs with both ends "
      "aligned %ld/%ld\n",
      aligned_entities, gold_entities, partial_alignments, reachable, all.gold);
  if (diag) {
    std::vector<std::pair<std::string, std::pair<long, long>>> preds(per_predicate.begin(),
                                                                     per_predicate.end());
    std::sort(preds.begin(), preds.end(),
              [](const auto& x, const auto& y) { return x.second.first > y.second.first; });
    for (const auto& [types, counts] : per_types) {
      std::printf("  types %-10s pairs %5ld  correct %5.1f%%\n", types.c_str(), counts.first,
                  100.0 * counts.second / counts.first);
    }
    for (size_t i = 0; i < preds.size() && i < 40; ++i) {
      std::printf("  predicate %-24s pairs %5ld  correct %5.1f%%\n", preds[i].first.c_str(),
                  preds[i].second.first, 100.0 * preds[i].second.second / preds[i].second.first);
    }
  }
  std::printf("extraction: %.2f s, %.0f tokens/s (%s mode)\n", seconds,
              seconds > 0 ? tokens / seconds : 0, analyzer != nullptr ? "model" : "rule");
  std::printf("language analysis alone: %.2f s; extraction adds %.0f%% to it (%zu sentences)\n",
              analysis_seconds,
              analysis_seconds > 0 ? 100.0 * (seconds - analysis_seconds) / analysis_seconds : 0.0,
              sink);
  std::printf("CPU: extraction %.2f s, analysis alone %.2f s; extraction adds %.0f%%\n",
              cpu_seconds, analysis_cpu_seconds,
              analysis_cpu_seconds > 0
                  ? 100.0 * (cpu_seconds - analysis_cpu_seconds) / analysis_cpu_seconds
                  : 0.0);
  return 0;
}
