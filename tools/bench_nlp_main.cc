// kg-bench nlp [--input DIR|FILE] [--max-mb N] [--model MODELS.kgm] [--dump FILE]
//               [--repeat N]
// kg-bench nlp --memory
//
// Single-thread throughput of the language pipeline (core/analyzer.h) on
// WikiExtractor output (<doc ...> lines are dropped): tokens per CPU second
// for tokenising + sentence splitting (the baseline), tagging + lemmas,
// parsing, entity recognition, and the whole pipeline (Analyze), each also
// as a ratio to the baseline; then peak resident memory (getrusage). CPU
// time is the thread's own, so other load on the machine matters less.
// Files without <doc> lines are one document each. --dump writes the whole
// pipeline's output (sentences; per token text, tags, lemma, head, relation,
// entity tag) to FILE, so optimisations can be checked to change nothing.
// --repeat N runs every stage N times and reports the best pass of each.
// --memory only measures the cost of a random load from 1-64 MB tables.
//
// Parser feature-group reuse (core/parser.h RunCached), 2026-11-29: the
// same model file, `kg-bench nlp --max-mb 2` (402,619 tokens) built at
// commits b34505f ("before") and b346ac1 ("after"), run
// alternately three times on the shared machine (load average 7.4-8.7 on
// 2 cores), tokens per thread CPU second:
//   parse           before 67-80 k   after 77-116 k  (same-minute 1.15-1.57x)
//   whole pipeline  before 49-54 k   after 56-73 k   (same-minute 1.14-1.35x)
//   process user CPU, whole bench: before 16.2-17.0 s, after 11.9-14.6 s
// --dump output byte-identical (3 MB of wiki-2015, examples/corpus, seed).

#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "core/analyzer.h"
#include "core/huge_pages.h"
#include "core/sentence_splitter.h"
#include "core/tokenizer.h"
#include "query/build_clock.h"

namespace {

// Nanoseconds per random byte load from a buffer of `mb` MB in huge pages,
// 16 independent loads at a time (as the scorer's batched look-ups): what
// one cache-missing table look-up costs at best on this machine.
double RandomLoadNs(size_t mb) {
  const size_t bytes = mb << 20;
  auto* p = static_cast<unsigned char*>(kg::core::AllocateHuge(bytes, /*populate=*/true));
  if (p == nullptr) return 0;
  for (size_t i = 0; i < bytes; i += 4096) p[i] = 1;
  uint64_t x = 88172645463325252ULL;
  uint64_t sum = 0;
  constexpr int kLoads = 1 << 23;
  const double t0 = kg::query::ThreadCpuSeconds();
  for (int i = 0; i < kLoads; i += 16) {
    size_t at[16];
    for (size_t& a : at) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;  // xorshift64
      a = x % bytes;
    }
    for (size_t a : at) sum += p[a];
  }
  const double ns = (kg::query::ThreadCpuSeconds() - t0) * 1e9 / kLoads;
  kg::core::FreeHuge(p, bytes);
  return sum == 0 ? -ns : ns;  // sum keeps the loads
}

int Usage() {
  std::cerr << "usage: kg-bench nlp [--input DIR|FILE] [--max-mb N] [--model MODELS.kgm] "
               "[--dump FILE] [--repeat N] | --memory\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string input = std::string(KG_SOURCE_DIR) + "/../shared/data/wiki-2015/bulk";
  std::string model = kg::core::Analyzer::DefaultModelPath();
  std::string dump;
  double max_mb = 4;
  int repeat = 1;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--input" && i + 1 < argc) {
      input = argv[++i];
    } else if (arg == "--model" && i + 1 < argc) {
      model = argv[++i];
    } else if (arg == "--dump" && i + 1 < argc) {
      dump = argv[++i];
    } else if (arg == "--memory") {
      // The parser's table is 32 MB, the tagger's and the recogniser's 8 MB.
      for (size_t mb : {size_t{1}, size_t{8}, size_t{32}, size_t{64}}) {
        std::cout << absl::StrFormat("random load, %2d MB table  %5.1f ns\n", mb, RandomLoadNs(mb));
      }
      return 0;
    } else if (arg == "--repeat" && i + 1 < argc) {
      if (!absl::SimpleAtoi(argv[++i], &repeat) || repeat < 1) return Usage();
    } else if (arg == "--max-mb" && i + 1 < argc) {
      if (!absl::SimpleAtod(argv[++i], &max_mb) || max_mb <= 0) return Usage();
    } else {
      return Usage();
    }
  }
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  std::error_code ec;
  if (fs::is_directory(input, ec)) {
    for (const auto& e : fs::recursive_directory_iterator(input, ec)) {
      if (e.is_regular_file()) files.push_back(e.path().string());
    }
    std::sort(files.begin(), files.end());
  } else {
    files.push_back(input);
  }
  // Documents: the lines between <doc ...> and </doc>.
  std::vector<std::string> docs;
  size_t bytes = 0;
  const size_t limit = static_cast<size_t>(max_mb * 1024 * 1024);
  for (const std::string& f : files) {
    std::ifstream in(f, std::ios::binary);
    if (!in) {
      std::cerr << "kg-bench nlp: " << f << ": cannot open\n";
      return 1;
    }
    std::string line, doc;
    while (std::getline(in, line) && bytes < limit) {
      if (line.rfind("<doc", 0) == 0) continue;
      if (line.rfind("</doc>", 0) == 0) {
        bytes += doc.size();
        docs.push_back(std::move(doc));
        doc.clear();
        continue;
      }
      doc += line;
      doc += '\n';
    }
    if (!doc.empty() && bytes < limit) {  // plain text, or a file cut inside a <doc>
      bytes += doc.size();
      docs.push_back(std::move(doc));
    }
    if (bytes >= limit) break;
  }
  if (docs.empty()) {
    std::cerr << "kg-bench nlp: no documents in " << input << "\n";
    return 1;
  }
  const double c0 = kg::query::ProcessCpuSeconds();
  const double w0 = kg::query::WallSeconds();
  auto analyzer = kg::core::Analyzer::Load(model);
  const double load = kg::query::ProcessCpuSeconds() - c0;
  const double load_wall = kg::query::WallSeconds() - w0;
  if (!analyzer.ok()) {
    std::cerr << "kg-bench nlp: " << analyzer.status().message() << "\n";
    return 1;
  }
  const auto& a = **analyzer;

  // Stage by stage, on the same sentences; with --repeat, each stage's and
  // the whole pipeline's best of the passes (a busy machine only slows
  // passes down, so the best is the least disturbed).
  double tok_s = 0, tag_s = 0, parse_s = 0, ner_s = 0, all_s = 0;
  size_t tokens = 0, checksum = 0;
  for (int pass = 0; pass < repeat; ++pass) {
    double p_tok = 0, p_tag = 0, p_parse = 0, p_ner = 0;
    tokens = 0;
    for (const std::string& d : docs) {
      double t = kg::query::ThreadCpuSeconds();
      auto sentences = kg::core::SplitSentences(d, kg::core::Tokenize(d));
      p_tok += kg::query::ThreadCpuSeconds() - t;
      for (auto& s : sentences) {
        tokens += s.tokens.size();
        if (s.tokens.size() > kg::core::Analyzer::kMaxSentenceTokens) {
          s.tokens.resize(kg::core::Analyzer::kMaxSentenceTokens);
        }
        t = kg::query::ThreadCpuSeconds();
        a.Tag(s.tokens);
        double t2 = kg::query::ThreadCpuSeconds();
        a.Parse(s.tokens);
        double t3 = kg::query::ThreadCpuSeconds();
        a.Recognize(s.tokens);
        double t4 = kg::query::ThreadCpuSeconds();
        p_tag += t2 - t;
        p_parse += t3 - t2;
        p_ner += t4 - t3;
      }
    }
    checksum = 0;
    const double t0 = kg::query::ThreadCpuSeconds();
    for (const std::string& d : docs) {
      kg::core::Analysis an = a.Analyze(d);
      checksum += an.sentences.size();
    }
    const double p_all = kg::query::ThreadCpuSeconds() - t0;
    auto best = [pass](double& b, double v) { b = pass == 0 ? v : std::min(b, v); };
    best(tok_s, p_tok), best(tag_s, p_tag), best(parse_s, p_parse), best(ner_s, p_ner);
    best(all_s, p_all);
  }
  if (!dump.empty()) {
    std::ofstream out(dump, std::ios::binary | std::ios::trunc);
    for (size_t d = 0; d < docs.size(); ++d) {
      out << "# doc " << d << "\n";
      for (const kg::core::Sentence& s : a.Analyze(docs[d]).sentences) {
        out << "# sentence " << s.begin << " " << s.end << "\n";
        for (const kg::core::Token& t : s.tokens) {
          out << t.begin << '\t' << t.end << '\t' << t.text << '\t' << t.upos << '\t' << t.xpos
              << '\t' << t.lemma << '\t' << t.head << '\t' << t.deprel << '\t' << t.ner << '\t'
              << t.space_after << '\n';
        }
      }
    }
    if (!out.flush()) {
      std::cerr << "kg-bench nlp: " << dump << ": cannot write\n";
      return 1;
    }
  }
  rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  auto rate = [&](double s) { return s > 0 ? tokens / s : 0.0; };
  double base = rate(tok_s);
  std::cout << absl::StrFormat(
      "input       %s (%d documents, %.1f MB, %d tokens, %d sentences; best of %d passes)\n", input,
      docs.size(), bytes / 1048576.0, tokens, checksum, repeat);
  std::cout << absl::StrFormat("model       %s (loaded in %.3f s CPU of all threads, %.3f s wall; parser: %s)\n",
                               model, load, load_wall, a.has_parser() ? "yes" : "no");
  std::cout << absl::StrFormat("%-22s %14s %10s\n", "stage (one core)", "tokens/s", "x baseline");
  auto row = [&](const char* name, double s) {
    std::cout << absl::StrFormat("%-22s %14.0f %10.3f\n", name, rate(s),
                                 base > 0 ? rate(s) / base : 0);
  };
  row("tokenise+split (base)", tok_s);
  row("tag+lemma", tag_s);
  row("parse", parse_s);
  row("entities+values", ner_s);
  row("whole pipeline", all_s);
  std::cout << absl::StrFormat("peak RSS    %.1f MB\n", ru.ru_maxrss / 1024.0);
  std::cout << absl::StrFormat("%.0f\n", rate(all_s));
  return 0;
}
