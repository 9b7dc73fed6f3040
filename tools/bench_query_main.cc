// kg-bench query: latency of the query engine on FB15k-237 and on a generated
// scale-free graph, against peers answering the same queries in the same run
// (networkx and SQLite recursive CTEs: bench/query_peers.py; Kùzu:
// bench/query_kuzu.mjs). Answers are checked to agree.
//
//   kg-bench query [--fb15k FILE] [--nodes N] [--edges M] [--pairs P] [--k K]
//                  [--peers networkx,sqlite,kuzu] [--scale-peers networkx,kuzu]
//                  [--no-scale] [--scale-store] [--work DIR] [--seed S]
//   kg-bench query --store DIR
//
// Measured per dataset: projection build (from the store for FB15k, which is
// first bulk-loaded; from generated triples for the scale graph unless
// --scale-store), bytes per edge, then over P random pairs: shortest path
// (bidirectional BFS), k shortest simple paths (Yen), and the 2-hop
// neighbourhood size of each pair's first vertex. Edges are undirected.
// Ratios are ours / peer (below 1: we are faster). Each query is timed both
// by the wall clock and by CPU time (this thread's; for Kùzu its process's,
// all worker threads): on a shared machine CPU time is the fairer figure.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <numeric>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"
#include "query/build_clock.h"
#include "query/engine.h"
#include "query/projection.h"
#include "query/result.h"
#include "query/search.h"
#include "storage/bulk_loader.h"
#include "storage/store.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using Json = nlohmann::json;
using kg::query::EdgeAdmission;
using kg::query::Projection;
using kg::query::Searcher;
using kg::query::ThreadCpuSeconds;
using kg::query::Vertex;

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// Wall and CPU time of one query.
class Stopwatch {
 public:
  Stopwatch() : wall_(Clock::now()), cpu_(ThreadCpuSeconds()) {}
  double Wall() const { return Seconds(wall_, Clock::now()); }
  double Cpu() const { return ThreadCpuSeconds() - cpu_; }

 private:
  Clock::time_point wall_;
  double cpu_;
};

struct Options {
  std::string fb15k = std::string(KG_SOURCE_DIR) + "/../shared/data/kg/fb15k-237/train.txt";
  uint32_t nodes = 1'000'000;
  uint64_t edges = 10'000'000;
  int pairs = 200;
  int k = 3;
  std::string peers = "networkx,sqlite,kuzu";
  std::string scale_peers = "networkx,kuzu";
  int sqlite_pairs = 20;
  int scale_k_pairs = 20;       // networkx k-shortest is slow on the big graph
  int scale_kuzu_two_hop = 50;  // Kùzu's 2-hop recursive join on hubs too
  bool scale = true;
  bool scale_store = false;
  std::string work = "/tmp/kg-bench-query";
  std::string store;  // --store DIR: only the projection of an existing store
  uint64_t seed = 42;
};

struct Latencies {
  std::vector<double> seconds;
  double Percentile(double p) const {
    if (seconds.empty()) return 0;
    std::vector<double> s = seconds;
    std::sort(s.begin(), s.end());
    size_t i = std::min(s.size() - 1, static_cast<size_t>(p * (s.size() - 1) + 0.5));
    return s[i];
  }
  double Mean() const {
    return seconds.empty() ? 0
                           : std::accumulate(seconds.begin(), seconds.end(), 0.0) / seconds.size();
  }
};

// One system's answers to one measure.
struct Series {
  std::string system;
  Latencies latency;  // wall
  Latencies cpu;
  std::vector<Json> answers;
  std::string note;
  void Add(const Stopwatch& w, Json answer) {
    cpu.seconds.push_back(w.Cpu());
    latency.seconds.push_back(w.Wall());
    answers.push_back(std::move(answer));
  }
};

struct Measure {
  std::string name;
  std::vector<Series> series;  // series[0] is kg
};

struct Report {
  std::vector<std::string> lines;
  void Add(std::string line) {
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
    lines.push_back(std::move(line));
  }
};

// Preferential attachment (Barabási–Albert): each new vertex links to `m`
// vertices drawn in proportion to their degree.
std::vector<std::pair<uint32_t, uint32_t>> ScaleFree(uint32_t n, uint64_t edges, uint64_t seed) {
  const uint32_t m = static_cast<uint32_t>(std::max<uint64_t>(1, edges / n));
  std::mt19937_64 rng(seed);
  std::vector<std::pair<uint32_t, uint32_t>> out;
  out.reserve(static_cast<size_t>(n) * m);
  std::vector<uint32_t> ends;
  ends.reserve(static_cast<size_t>(n) * m * 2);
  for (uint32_t v = 1; v <= m && v < n; ++v) {  // a small seed star
    out.emplace_back(v, 0);
    ends.push_back(v);
    ends.push_back(0);
  }
  for (uint32_t v = m + 1; v < n; ++v) {
    for (uint32_t j = 0; j < m; ++j) {
      uint32_t u = ends[rng() % ends.size()];
      out.emplace_back(v, u);
    }
    for (uint32_t j = 0; j < m; ++j) {
      ends.push_back(v);
      ends.push_back(out[out.size() - m + j].second);
    }
  }
  return out;
}

uint64_t Mix(uint64_t x) {  // spread ids like the store's hash-derived ones
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

long PeakRssMb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024;
}

std::optional<Json> RunPeer(const std::string& command) {
  std::fprintf(stderr, "  $ %s\n", command.c_str());
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return std::nullopt;
  std::string out;
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  int status = pclose(pipe);
  if (status != 0) {
    std::fprintf(stderr, "kg-bench query: peer failed (status %d): %s\n", status, command.c_str());
    return std::nullopt;
  }
  Json j = Json::parse(out, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    std::fprintf(stderr, "kg-bench query: peer printed no JSON: %s\n", command.c_str());
    return std::nullopt;
  }
  return j;
}

Series NewSeries(const std::string& system) {
  Series s;
  s.system = system;
  return s;
}

Series FromPeer(const std::string& system, const Json& j) {
  Series s;
  s.system = system;
  for (const Json& x : j["seconds"]) s.latency.seconds.push_back(x.get<double>());
  if (j.contains("cpu_seconds")) {
    for (const Json& x : j["cpu_seconds"]) s.cpu.seconds.push_back(x.get<double>());
  } else {
    s.cpu = s.latency;
  }
  for (const Json& x : j["answers"]) s.answers.push_back(x);
  return s;
}

bool Contains(const std::string& list, const std::string& item) {
  for (absl::string_view x : absl::StrSplit(list, ',')) {
    if (x == item) return true;
  }
  return false;
}

class Bench {
 public:
  explicit Bench(Options o) : o_(std::move(o)) {}

  int Run() {
    if (!o_.store.empty()) return RunStoreProjection() ? 0 : 1;
    fs::create_directories(o_.work);
    report_.Add(absl::StrFormat(
        "kg-bench query: %d pairs, k=%d, seed %d; ratios are ours/peer (< 1: kg faster)", o_.pairs,
        o_.k, o_.seed));
    if (!RunFb15k()) return 1;
    if (o_.scale && !RunScale()) return 1;
    report_.Add(absl::StrFormat("peak RSS of kg-bench-query: %d MB", PeakRssMb()));
    return 0;
  }

 private:
  bool RunFb15k() {
    report_.Add("");
    report_.Add(absl::StrCat("== FB15k-237 train (", o_.fb15k, ")"));
    std::string db = o_.work + "/fb15k.db";
    fs::remove_all(db);
    auto store = kg::storage::Store::Open(db);
    if (!store.ok()) {
      std::fprintf(stderr, "kg-bench query: %s\n", std::string(store.status().message()).c_str());
      return false;
    }
    // Load the triples (CRLF endings stripped).
    std::ifstream in(o_.fb15k, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "kg-bench query: cannot read %s\n", o_.fb15k.c_str());
      return false;
    }
    auto t0 = Clock::now();
    kg::storage::BulkLoader loader(store->get());
    std::string line;
    uint64_t lineno = 0, triples = 0;
    while (std::getline(in, line)) {
      ++lineno;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty()) continue;
      std::vector<std::string> f = absl::StrSplit(line, '\t');
      if (f.size() != 3) {
        std::fprintf(stderr, "kg-bench query: %s:%llu: expected 3 tab-separated fields\n",
                     o_.fb15k.c_str(), static_cast<unsigned long long>(lineno));
        return false;
      }
      absl::Status s = loader.Add(f[0], f[1], f[2]);
      if (!s.ok()) {
        std::fprintf(stderr, "kg-bench query: %s:%llu: %s\n", o_.fb15k.c_str(),
                     static_cast<unsigned long long>(lineno), std::string(s.message()).c_str());
        return false;
      }
      ++triples;
    }
    auto loaded = loader.Finish();
    if (!loaded.ok()) {
      std::fprintf(stderr, "kg-bench query: bulk load: %s\n",
                   std::string(loaded.status().message()).c_str());
      return false;
    }
    (void)(*store)->Compact();
    auto t1 = Clock::now();
    report_.Add(absl::StrFormat("store: %d triples bulk-loaded in %.2f s (%d distinct facts)",
                                triples, Seconds(t0, t1), loaded->new_facts));
    // A cold build first: the store reopened, its block cache empty (what a
    // one-shot `kg query` pays). Then the scans alone, then the best of 5
    // warm builds (what a REPL pays after each change).
    std::unique_ptr<Projection> projection;
    store->reset();
    store = kg::storage::Store::Open(db);
    if (!store.ok()) {
      std::fprintf(stderr, "kg-bench query: reopen: %s\n",
                   std::string(store.status().message()).c_str());
      return false;
    }
    {
      Stopwatch w;
      auto built = Projection::Build(**store);
      double wall = w.Wall(), cpu = w.Cpu();
      if (!built.ok()) {
        std::fprintf(stderr, "kg-bench query: projection: %s\n",
                     std::string(built.status().message()).c_str());
        return false;
      }
      ReportProjection("from store, cold (just reopened)", **built, wall, cpu);
    }
    {
      Stopwatch w;
      uint64_t facts = 0;
      (void)(*store)->ForEachFact([&](const kg::Fact&) {
        ++facts;
        return true;
      });
      report_.Add(absl::StrFormat(
          "store scan  ForEachFact alone: %d facts, wall %.3f s, cpu %.3f s (%.2f M facts/s cpu)",
          facts, w.Wall(), w.Cpu(), facts / w.Cpu() / 1e6));
    }
    ReportBatchScan(**store, "");
    double best_wall = 1e9, best_cpu = 1e9;
    for (int i = 0; i < 5; ++i) {
      Stopwatch w;
      auto built = Projection::Build(**store);
      double wall = w.Wall(), cpu = w.Cpu();
      if (!built.ok()) {
        std::fprintf(stderr, "kg-bench query: projection: %s\n",
                     std::string(built.status().message()).c_str());
        return false;
      }
      best_wall = std::min(best_wall, wall);
      if (cpu < best_cpu) {
        best_cpu = cpu;
        projection = std::move(*built);
      }
    }
    ReportProjection("from store, warm (best of 5)", *projection, best_wall, best_cpu);
    // The same triples without the store: the CSR build alone.
    {
      Projection::Builder builder;
      std::vector<std::tuple<uint64_t, uint64_t, uint32_t>> raw;
      for (Vertex v = 0; v < projection->num_vertices(); ++v) {
        for (uint32_t i = projection->OutBegin(v); i < projection->OutEnd(v); ++i) {
          raw.emplace_back(projection->EntityId(v), projection->EntityId(projection->OutTarget(i)),
                           projection->Props(i).predicate());
        }
      }
      Stopwatch w;
      builder.Reserve(raw.size(), projection->num_vertices());
      for (const auto& [s, t, p] : raw)
        builder.AddEdge(s, t, projection->PredicateName(p), 1.0f, 0, 1);
      auto built = builder.Finish();
      double wall = w.Wall(), cpu = w.Cpu();
      if (built.ok()) ReportProjection("from in-memory triples (Builder only)", **built, wall, cpu);
    }
    auto pairs = Pairs(*projection);
    Measures(*projection, pairs, "fb15k", o_.peers, o_.pairs, o_.pairs, store->get());
    return true;
  }

  // --store: projection build figures of an existing store, nothing else.
  bool RunStoreProjection() {
    report_.Add(absl::StrCat("== projection of ", o_.store));
    // Cold builds, the store reopened before each, alternating the previous
    // algorithm (one thread through the Builder) and the parallel ScanGraph
    // path, so that both see the same machine load; then a warm rebuild.
    double best[2][2] = {{1e9, 1e9}, {1e9, 1e9}};  // [parallel][wall, cpu]
    for (int i = 0; i < 5; ++i) {
      kg::storage::StoreOptions options;
      options.read_only = true;
      auto store = kg::storage::Store::Open(o_.store, options);
      if (!store.ok()) {
        std::fprintf(stderr, "kg-bench query: %s\n", std::string(store.status().message()).c_str());
        return false;
      }
      if (i == 0) {
        ReportBatchScan(**store, " (cold)");
        continue;
      }
      const bool parallel = i % 2 == 0;
      Projection::BuildOptions build;
      build.parallel_scan = parallel;
      for (int round = 0; round < (i == 4 ? 2 : 1); ++round) {
        Stopwatch w;
        auto built = Projection::Build(**store, build);
        double wall = w.Wall(), cpu = w.Cpu();
        if (!built.ok()) {
          std::fprintf(stderr, "kg-bench query: projection: %s\n",
                       std::string(built.status().message()).c_str());
          return false;
        }
        ReportProjection(
            absl::StrCat(round == 0 ? "cold, " : "warm, ",
                         parallel ? "parallel ScanGraph" : "previous (Builder, 1 thread)"),
            **built, wall, cpu);
        if (round == 0) {
          best[parallel][0] = std::min(best[parallel][0], wall);
          best[parallel][1] = std::min(best[parallel][1], (*built)->build_profile().cpu_seconds);
        }
      }
    }
    report_.Add(absl::StrFormat(
        "cold build, parallel / previous (best of 2 each, same run): wall %.2f, process cpu %.2f",
        best[1][0] / best[0][0], best[1][1] / best[0][1]));
    report_.Add(absl::StrFormat("peak RSS of kg-bench-query: %d MB", PeakRssMb()));
    return true;
  }

  bool RunScale() {
    report_.Add("");
    report_.Add(absl::StrFormat(
        "== scale-free graph: %d vertices, %d edges requested (preferential attachment)", o_.nodes,
        o_.edges));
    auto g0 = Clock::now();
    auto edges = ScaleFree(o_.nodes, o_.edges, o_.seed);
    auto g1 = Clock::now();
    report_.Add(absl::StrFormat("generated %d edges in %.2f s", edges.size(), Seconds(g0, g1)));
    std::unique_ptr<kg::storage::Store> store;
    std::unique_ptr<Projection> projection;
    if (o_.scale_store) {
      std::string db = o_.work + "/scale.db";
      fs::remove_all(db);
      auto opened = kg::storage::Store::Open(db);
      if (!opened.ok()) return false;
      store = std::move(*opened);
      auto a = Clock::now();
      kg::storage::BulkLoader loader(store.get());
      for (const auto& [u, v] : edges) {
        if (!loader.Add(absl::StrCat("n", u), "link", absl::StrCat("n", v)).ok()) return false;
      }
      auto loaded = loader.Finish();
      if (!loaded.ok()) {
        std::fprintf(stderr, "kg-bench query: bulk load: %s\n",
                     std::string(loaded.status().message()).c_str());
        return false;
      }
      (void)store->Compact();
      auto b = Clock::now();
      report_.Add(absl::StrFormat("store: bulk-loaded in %.2f s (%d distinct facts)", Seconds(a, b),
                                  loaded->new_facts));
      // Cold: the store just reopened (what a one-shot `kg query` pays);
      // then warm: built again in the same process (a REPL after a change).
      store.reset();
      opened = kg::storage::Store::Open(db);
      if (!opened.ok()) return false;
      store = std::move(*opened);
      for (const char* how :
           {"from store, cold (just reopened)", "from store, warm (built again)"}) {
        Stopwatch w;
        auto built = Projection::Build(*store);
        double wall = w.Wall(), cpu = w.Cpu();
        if (!built.ok()) {
          std::fprintf(stderr, "kg-bench query: projection: %s\n",
                       std::string(built.status().message()).c_str());
          return false;
        }
        projection.reset();
        projection = std::move(*built);
        ReportProjection(how, *projection, wall, cpu);
      }
    } else {
      Stopwatch w;
      Projection::Builder builder;
      builder.Reserve(edges.size(), o_.nodes);
      for (const auto& [u, v] : edges) builder.AddEdge(Mix(u), Mix(v), "link", 1.0f, 0, 1);
      auto built = builder.Finish();
      double wall = w.Wall(), cpu = w.Cpu();
      if (!built.ok()) return false;
      projection = std::move(*built);
      ReportProjection("from generated triples (Builder; no store)", *projection, wall, cpu);
    }
    std::vector<std::pair<uint32_t, uint32_t>>().swap(edges);
    auto pairs = Pairs(*projection);
    Measures(*projection, pairs, "scale", o_.scale_peers, o_.scale_k_pairs, o_.scale_kuzu_two_hop,
             nullptr);
    return true;
  }

  // `cpu` is this thread's; a build from a store reports its own process CPU
  // (every thread it reads with) instead.
  // One bare Store::ForEachFactBatch pass, timed.
  void ReportBatchScan(kg::storage::Store& store, const char* note) {
    Stopwatch w;
    uint64_t facts = 0;
    (void)store.ForEachFactBatch([&](std::span<const kg::storage::FactRecord> batch) {
      facts += batch.size();
      return true;
    });
    report_.Add(absl::StrFormat(
        "store scan  ForEachFactBatch alone%s: %d facts, wall %.3f s, cpu %.3f s (%.2f M facts/s cpu)",
        note, facts, w.Wall(), w.Cpu(), facts / w.Cpu() / 1e6));
  }

  void ReportProjection(const std::string& how, const Projection& p, double wall, double cpu) {
    const Projection::BuildProfile& b = p.build_profile();
    if (b.cpu_seconds > 0) cpu = b.cpu_seconds;
    report_.Add(
        absl::StrFormat("projection %-42s %8d vertices %9d edges  wall %7.3f s  cpu %7.3f s  %6.2f "
                        "M edges/s wall  %6.2f M edges/cpu-s"
                        "  %5.1f bytes/edge  load %.2f",
                        how, p.num_vertices(), p.num_edges(), wall, cpu, p.num_edges() / wall / 1e6,
                        p.num_edges() / cpu / 1e6,
                        static_cast<double>(p.MemoryBytes()) / std::max<uint32_t>(1, p.num_edges()),
                        LoadAverage()));
    if (b.facts_seconds + b.types_seconds + b.csr_seconds > 0) {
      report_.Add(
          absl::StrFormat("  phases (wall / process cpu, %d thread%s): entity pass %.3f / %.3f s, "
                          "facts scan %.3f / %.3f s, CSR "
                          "%.3f / %.3f s",
                          b.threads, b.threads == 1 ? "" : "s", b.types_seconds, b.types_cpu,
                          b.facts_seconds, b.facts_cpu, b.csr_seconds, b.csr_cpu));
      if (b.critical_path_cpu > 0) {
        report_.Add(absl::StrFormat(
            "  critical path cpu %.3f s (the wall time with a core per thread): %.2f M edges/s",
            b.critical_path_cpu, p.num_edges() / b.critical_path_cpu / 1e6));
      }
    }
  }

  static double LoadAverage() {
    double load[1] = {0};
    return getloadavg(load, 1) == 1 ? load[0] : -1;
  }

  // Random pairs of distinct vertices that take part in a fact.
  std::vector<std::pair<Vertex, Vertex>> Pairs(const Projection& p) {
    std::mt19937_64 rng(o_.seed);
    std::vector<std::pair<Vertex, Vertex>> pairs;
    while (static_cast<int>(pairs.size()) < o_.pairs) {
      Vertex s = rng() % p.num_vertices(), t = rng() % p.num_vertices();
      if (s != t && p.Degree(s) > 0 && p.Degree(t) > 0) pairs.emplace_back(s, t);
    }
    return pairs;
  }

  void Measures(const Projection& p, const std::vector<std::pair<Vertex, Vertex>>& pairs,
                const std::string& tag, const std::string& peers, int k_pairs, int kuzu_two_hop,
                kg::storage::Store* store) {
    Searcher searcher(p);
    EdgeAdmission all;
    constexpr int kMaxHops = 64;
    // Warm up caches and the searcher's buffers.
    for (size_t i = 0; i < std::min<size_t>(20, pairs.size()); ++i) {
      searcher.ShortestPath(pairs[i].first, pairs[i].second, all, kMaxHops);
    }
    Measure shortest{"shortest path", {}}, kshortest{absl::StrCat(o_.k, "-shortest paths"), {}},
        two_hop{"2-hop count", {}};
    Series ours = NewSeries("kg");
    for (const auto& [s, t] : pairs) {
      Stopwatch w;
      auto path = searcher.ShortestPath(s, t, all, kMaxHops);
      ours.Add(w, path ? path->hops() : -1);
    }
    shortest.series.push_back(ours);
    ours = NewSeries("kg");
    for (int i = 0; i < k_pairs && i < static_cast<int>(pairs.size()); ++i) {
      Stopwatch w;
      auto paths = searcher.KShortestPaths(pairs[i].first, pairs[i].second, o_.k, kMaxHops, all,
                                           kg::query::Ranking::kHops);
      Json hops = Json::array();
      for (const auto& x : paths) hops.push_back(x.hops());
      ours.Add(w, hops);
    }
    kshortest.series.push_back(ours);
    ours = NewSeries("kg");
    for (const auto& [s, t] : pairs) {
      Stopwatch w;
      size_t n = searcher.CountWithin(s, 2, all);
      ours.Add(w, n);
    }
    two_hop.series.push_back(ours);

    // End to end through the engine (parse, name lookup in RocksDB, search,
    // evidence and names for the answer) when there is a store.
    Measure engine_path{"engine `path` query", {}};
    if (store != nullptr) {
      kg::query::Engine engine(store);
      Series e = NewSeries("kg");
      auto quote = [&](Vertex v) -> std::string {
        auto entity = store->GetEntity(p.EntityId(v));
        std::string name = entity.ok() && entity->has_value() ? (*entity)->name() : "";
        std::string q = "\"";
        for (char c : name) {
          if (c == '"' || c == '\\') q.push_back('\\');
          q.push_back(c);
        }
        return q + "\"";
      };
      (void)engine.Run("top limit 1");  // builds the projection once
      for (const auto& [s, t] : pairs) {
        std::string q = absl::StrCat("path ", quote(s), " to ", quote(t), " max ", kMaxHops);
        Stopwatch w;
        auto r = engine.Run(q);
        std::string out = r.ok() ? engine.Format(**r, kg::query::OutputFormat::kJson) : "";
        e.Add(w,
              r.ok() && !(*r)->paths.empty() ? static_cast<int>((*r)->paths[0].hops.size()) : -1);
      }
      engine_path.series.push_back(e);
      // Its answers must agree with the bare search.
      int agree = 0;
      for (size_t i = 0; i < pairs.size(); ++i)
        agree += e.answers[i] == shortest.series[0].answers[i];
      engine_path.series[0].note =
          absl::StrFormat("end to end; hops agree with search %d/%d", agree, pairs.size());
    }

    // Peers.
    std::string edges_file = absl::StrCat(o_.work, "/", tag, ".edges");
    std::string pairs_file = absl::StrCat(o_.work, "/", tag, ".pairs");
    {
      std::ofstream e(edges_file), q(pairs_file);
      std::string buf;
      for (Vertex v = 0; v < p.num_vertices(); ++v) {
        for (uint32_t i = p.OutBegin(v); i < p.OutEnd(v); ++i) {
          absl::StrAppend(&buf, v, " ", p.OutTarget(i), "\n");
        }
        if (buf.size() > (1 << 20)) {
          e << buf;
          buf.clear();
        }
      }
      e << buf;
      for (const auto& [s, t] : pairs) q << s << " " << t << "\n";
    }
    std::string bench_dir = std::string(KG_SOURCE_DIR) + "/bench";
    std::vector<std::string> py_peers;
    if (Contains(peers, "networkx")) py_peers.push_back("networkx");
    if (Contains(peers, "sqlite")) py_peers.push_back("sqlite");
    if (!py_peers.empty()) {
      if (Contains(peers, "networkx"))
        std::system(("bash " + bench_dir + "/install_peers.sh networkx >&2").c_str());
      std::string cmd =
          absl::StrCat("python3 ", bench_dir, "/query_peers.py --edges ", edges_file, " --pairs ",
                       pairs_file, " --k ", o_.k, " --k-pairs ", k_pairs, " --sqlite-pairs ",
                       o_.sqlite_pairs, " --peers ", absl::StrJoin(py_peers, ","));
      if (auto j = RunPeer(cmd)) {
        for (const std::string& peer : py_peers) {
          if (!j->contains(peer)) continue;
          const Json& r = (*j)[peer];
          if (r.contains("error")) {
            report_.Add(absl::StrCat(peer, ": ", r["error"].get<std::string>()));
            continue;
          }
          report_.Add(absl::StrFormat("%s %s: graph loaded in %.2f s", peer,
                                      r["version"].get<std::string>(),
                                      r["load_seconds"].get<double>()));
          if (r.contains("shortest")) shortest.series.push_back(FromPeer(peer, r["shortest"]));
          if (r.contains("kshortest")) kshortest.series.push_back(FromPeer(peer, r["kshortest"]));
          if (r.contains("two_hop")) two_hop.series.push_back(FromPeer(peer, r["two_hop"]));
        }
      }
    }
    if (Contains(peers, "kuzu")) {
      std::system(("bash " + bench_dir + "/install_peers.sh kuzu >&2").c_str());
      std::string cmd = absl::StrCat("node ", bench_dir, "/query_kuzu.mjs --edges ", edges_file,
                                     " --pairs ", pairs_file, " --db ", o_.work, "/", tag,
                                     ".kuzu --two-hop-pairs ", kuzu_two_hop);
      if (auto j = RunPeer(cmd)) {
        report_.Add(absl::StrFormat("kuzu %s: graph loaded (COPY FROM) in %.2f s",
                                    (*j)["version"].get<std::string>(),
                                    (*j)["load_seconds"].get<double>()));
        shortest.series.push_back(FromPeer("kuzu", (*j)["shortest"]));
        two_hop.series.push_back(FromPeer("kuzu", (*j)["two_hop"]));
      }
    }
    PrintTable({shortest, kshortest, two_hop, engine_path});
  }

  void PrintTable(const std::vector<Measure>& measures) {
    report_.Add(absl::StrFormat("%-22s %-9s %4s %9s %9s %9s %9s %9s %10s %10s %10s %8s  %s",
                                "measure", "system", "n", "cpu p50", "cpu p99", "cpu mean",
                                "wall p50", "wall mean", "cpu p50 r", "cpu mean r", "wall mean r",
                                "agree", "note"));
    report_.Add("  (latencies in ms; r = ours/peer on the same queries: below 1, kg is faster)");
    for (const Measure& m : measures) {
      if (m.series.empty()) continue;
      const Series& ours = m.series[0];
      for (const Series& s : m.series) {
        std::string r50, rmean, rwall, agree;
        if (&s != &ours) {
          // Compare on the queries both answered.
          size_t n = std::min(s.latency.seconds.size(), ours.latency.seconds.size());
          Latencies mine_cpu, theirs_cpu, mine_wall, theirs_wall;
          int ok = 0, compared = 0;
          for (size_t i = 0; i < n; ++i) {
            mine_cpu.seconds.push_back(ours.cpu.seconds[i]);
            theirs_cpu.seconds.push_back(s.cpu.seconds[i]);
            mine_wall.seconds.push_back(ours.latency.seconds[i]);
            theirs_wall.seconds.push_back(s.latency.seconds[i]);
            if (s.answers[i].is_number_integer() && s.answers[i].get<int64_t>() == -2)
              continue;  // beyond a cap
            ++compared;
            if (s.answers[i] == ours.answers[i]) {
              ++ok;
            } else if (compared - ok == 1) {
              std::fprintf(stderr, "  disagreement on %s #%zu: kg %s, %s %s\n", m.name.c_str(), i,
                           ours.answers[i].dump().c_str(), s.system.c_str(),
                           s.answers[i].dump().c_str());
            }
          }
          r50 = absl::StrFormat("%.4f", mine_cpu.Percentile(0.5) / theirs_cpu.Percentile(0.5));
          rmean = absl::StrFormat("%.4f", mine_cpu.Mean() / theirs_cpu.Mean());
          rwall = absl::StrFormat("%.4f", mine_wall.Mean() / theirs_wall.Mean());
          agree = absl::StrFormat("%d/%d", ok, compared);
        }
        report_.Add(
            absl::StrFormat("%-22s %-9s %4d %9.4f %9.4f %9.4f %9.4f %9.4f %10s %10s %10s %8s  %s",
                            &s == &ours ? m.name : "", s.system, s.latency.seconds.size(),
                            s.cpu.Percentile(0.5) * 1e3, s.cpu.Percentile(0.99) * 1e3,
                            s.cpu.Mean() * 1e3, s.latency.Percentile(0.5) * 1e3,
                            s.latency.Mean() * 1e3, r50, rmean, rwall, agree, s.note));
      }
    }
  }

  Options o_;
  Report report_;
};

int Usage() {
  std::fprintf(
      stderr,
      "usage: kg-bench query [--fb15k FILE] [--nodes N] [--edges M] [--pairs P] [--k K]\n"
      "                      [--peers LIST] [--scale-peers LIST] [--sqlite-pairs N]\n"
      "                      [--no-scale] [--scale-store] [--work DIR] [--seed S]\n"
      "       kg-bench query --store DIR   (projection build figures of an existing store only)\n"
      "  LIST: comma-separated from networkx,sqlite,kuzu ('' for none)\n");
  return 2;
}

int BadNumber(const std::string& option, const std::string& value) {
  std::fprintf(stderr, "kg-bench query: %s needs a number, got '%s'\n", option.c_str(),
               value.c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::optional<std::string> {
      if (i + 1 >= argc) return std::nullopt;
      return std::string(argv[++i]);
    };
    std::optional<std::string> v;
    if (a == "--no-scale") {
      o.scale = false;
    } else if (a == "--scale-store") {
      o.scale_store = true;
    } else if (a == "-h" || a == "--help") {
      return Usage();
    } else if (!(v = value())) {
      std::fprintf(stderr, "kg-bench query: %s needs a value\n", a.c_str());
      return Usage();
    } else if (a == "--fb15k") {
      o.fb15k = *v;
    } else if (a == "--nodes") {
      if (!absl::SimpleAtoi(*v, &o.nodes)) return BadNumber(a, *v);
    } else if (a == "--edges") {
      if (!absl::SimpleAtoi(*v, &o.edges)) return BadNumber(a, *v);
    } else if (a == "--pairs") {
      if (!absl::SimpleAtoi(*v, &o.pairs)) return BadNumber(a, *v);
    } else if (a == "--k") {
      if (!absl::SimpleAtoi(*v, &o.k)) return BadNumber(a, *v);
    } else if (a == "--peers") {
      o.peers = *v;
    } else if (a == "--scale-peers") {
      o.scale_peers = *v;
    } else if (a == "--sqlite-pairs") {
      if (!absl::SimpleAtoi(*v, &o.sqlite_pairs)) return BadNumber(a, *v);
    } else if (a == "--store") {
      o.store = *v;
    } else if (a == "--work") {
      o.work = *v;
    } else if (a == "--seed") {
      if (!absl::SimpleAtoi(*v, &o.seed)) return BadNumber(a, *v);
    } else {
      std::fprintf(stderr, "kg-bench query: unknown option %s\n", a.c_str());
      return Usage();
    }
  }
  if (o.pairs < 1 || o.nodes < 2 || o.k < 1) return Usage();
  return Bench(std::move(o)).Run();
}
