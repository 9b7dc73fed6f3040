// kg-bench store: load throughput, size and read latency of the triple store,
// with Kùzu's COPY FROM on the same triples as the peer (bench/kuzu_store.mjs).
//
//   kg-bench store [--fb15k DIR] [--synthetic N] [--entities M] [--work DIR]
//                  [--memory BYTES] [--no-kuzu] [--no-writebatch]
//
// Every load runs in a forked child so that its peak memory (ru_maxrss) is its
// own. Times include reading and parsing the input files. KG_BENCH_TRACE=1
// prints each load's split between Add() (reading, hashing) and Finish()
// (sorting, SST files, ingestion) on stderr.
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "proto/term_key.h"
#include "storage/bulk_loader.h"
#include "storage/rocks_options.h"
#include "storage/rocks_store.h"
#include "storage/store.h"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using kg::storage::BulkLoader;
using kg::storage::Store;

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

struct Options {
  std::string fb15k = std::string(KG_SOURCE_DIR) + "/../shared/data/kg/fb15k-237";
  uint64_t synthetic = 10'000'000;
  uint64_t entities = 0;  // 0: synthetic / 10
  std::string work;
  size_t memory = size_t{1} << 30;
  bool kuzu = true;
  bool writebatch = true;
  int lookups = 20000;
};

// Reads TSV triples (CRLF tolerated); calls fn(s, p, o). Error names file:line.
template <typename Fn>
bool ReadTsv(const std::string& path, Fn fn) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "kg-bench store: cannot read %s\n", path.c_str());
    return false;
  }
  std::string line;
  uint64_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    size_t a = line.find('\t');
    size_t b = a == std::string::npos ? a : line.find('\t', a + 1);
    if (b == std::string::npos || line.find('\t', b + 1) != std::string::npos) {
      std::fprintf(stderr, "kg-bench store: %s:%llu: expected 3 tab-separated fields\n",
                   path.c_str(), static_cast<unsigned long long>(n));
      return false;
    }
    fn(std::string_view(line).substr(0, a), std::string_view(line).substr(a + 1, b - a - 1),
       std::string_view(line).substr(b + 1));
  }
  return true;
}

double CpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
         (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

struct LoadReport {
  double load_seconds = 0, compact_seconds = 0, load_cpu = 0;
  uint64_t triples_in = 0, facts = 0, entities = 0, sst_bytes = 0;
  double lookup_p50 = 0, lookup_p99 = 0, scan_p50 = 0, scan_p99 = 0, scan_avg_facts = 0;
  long peak_kb = 0;
  uint64_t cf_bytes[16] = {};  // live SST bytes per column family, ColumnFamilyNames() order
  bool ok = false;
};

uint64_t SstBytes(const std::string& dir) {
  uint64_t n = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".sst") n += e.file_size();
  }
  return n;
}

double Percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(q * v.size()))];
}

// Child: loads `files` into a fresh store at `db`, compacts, measures reads.
LoadReport LoadInChild(const std::vector<std::string>& files, const std::string& db, bool sst,
                       const Options& opt) {
  LoadReport r;
  fs::remove_all(db);
  auto store = Store::Open(db);
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
    return r;
  }
  std::vector<std::string> sample;  // names to look up
  std::mt19937_64 rng(42);
  auto t0 = Clock::now();
  double cpu0 = CpuSeconds();
  rusage ru0{};
  getrusage(RUSAGE_SELF, &ru0);
  {
    BulkLoader loader(store->get(), {.memory_bytes = opt.memory, .use_sst = sst});
    absl::Status st;
    // Packed hand-overs, as kg-load makes them (BulkLoader::Add(PackedTriples&&)).
    kg::storage::PackedTriples batch;
    for (const auto& f : files) {
      bool read = ReadTsv(f, [&](std::string_view s, std::string_view p, std::string_view o) {
        if (!st.ok()) return;
        batch.Add(s, p, o);
        if (batch.size() >= 32768) {
          st = loader.Add(std::move(batch));
          batch.clear();
        }
        if (sample.size() < static_cast<size_t>(opt.lookups) && rng() % 64 == 0) {
          sample.emplace_back(s);
        }
      });
      if (!read) return r;
    }
    if (st.ok() && !batch.empty()) st = loader.Add(std::move(batch));
    if (!st.ok()) {
      std::fprintf(stderr, "load: %s\n", st.ToString().c_str());
      return r;
    }
    double add_cpu = CpuSeconds() - cpu0;
    auto tf = Clock::now();
    auto res = loader.Finish();
    if (getenv("KG_BENCH_TRACE")) {
      std::fprintf(stderr, "add: %.2f s wall %.2f cpu; finish: %.2f s wall %.2f cpu\n",
                   Seconds(t0, tf), add_cpu, Seconds(tf, Clock::now()),
                   CpuSeconds() - cpu0 - add_cpu);
      // Kernel time, page faults and context switches: what moves a run's
      // CPU seconds from one run to the next on a shared machine.
      rusage ru1{};
      getrusage(RUSAGE_SELF, &ru1);
      auto secs = [](const timeval& a, const timeval& b) {
        return (b.tv_sec - a.tv_sec) + (b.tv_usec - a.tv_usec) / 1e6;
      };
      std::fprintf(stderr,
                   "load: user %.2f s sys %.2f s, %ld minor faults, %ld voluntary / %ld "
                   "involuntary context switches\n",
                   secs(ru0.ru_utime, ru1.ru_utime), secs(ru0.ru_stime, ru1.ru_stime),
                   ru1.ru_minflt - ru0.ru_minflt, ru1.ru_nvcsw - ru0.ru_nvcsw,
                   ru1.ru_nivcsw - ru0.ru_nivcsw);
    }
    if (!res.ok()) {
      std::fprintf(stderr, "load: %s\n", res.status().ToString().c_str());
      return r;
    }
    r.triples_in = res->triples_added;
  }
  auto t1 = Clock::now();
  r.load_cpu = CpuSeconds() - cpu0;
  if (auto s = (*store)->Compact(); !s.ok()) {
    std::fprintf(stderr, "compact: %s\n", s.ToString().c_str());
    return r;
  }
  auto t2 = Clock::now();
  r.load_seconds = Seconds(t0, t1);
  r.compact_seconds = Seconds(t1, t2);
  auto stats = (*store)->Stats();
  r.facts = stats->facts;
  r.entities = stats->entities;
  if (auto* rocks = dynamic_cast<kg::storage::RocksStore*>(store->get())) {
    const auto& names = kg::storage::ColumnFamilyNames();
    for (size_t c = 0; c < names.size() && c < std::size(r.cf_bytes); ++c) {
      rocksdb::ColumnFamilyMetaData meta;
      rocks->db()->GetColumnFamilyMetaData(rocks->cf(static_cast<kg::storage::Cf>(c)), &meta);
      r.cf_bytes[c] = meta.size;
    }
  }
  store->reset();
  r.sst_bytes = SstBytes(db);

  // Reads on the compacted store, reopened as a reader (cold-ish cache).
  auto reader = Store::Open(db, {.read_only = true});
  if (!reader.ok()) return r;
  std::vector<std::string> keys;
  for (const auto& s : sample) keys.push_back(kg::TermKey(s));
  std::vector<double> lookup, scan;
  uint64_t scanned = 0;
  for (const auto& k : keys) {
    auto a = Clock::now();
    auto id = (*reader)->LookupTerm(k);
    if (!id.ok() || !id->has_value()) continue;
    auto e = (*reader)->GetEntity(**id);
    auto b = Clock::now();
    if (!e.ok()) continue;
    lookup.push_back(Seconds(a, b) * 1e6);
    a = Clock::now();
    auto s = (*reader)->FactsFrom(**id, [&](const kg::Fact&) {
      ++scanned;
      return true;
    });
    b = Clock::now();
    scan.push_back(Seconds(a, b) * 1e6);
  }
  r.lookup_p50 = Percentile(lookup, 0.5);
  r.lookup_p99 = Percentile(lookup, 0.99);
  r.scan_p50 = Percentile(scan, 0.5);
  r.scan_p99 = Percentile(scan, 0.99);
  r.scan_avg_facts = scan.empty() ? 0 : static_cast<double>(scanned) / scan.size();
  r.ok = true;
  return r;
}

// Runs LoadInChild in a forked process; the report comes back through a pipe.
LoadReport Load(const std::vector<std::string>& files, const std::string& db, bool sst,
                const Options& opt) {
  int fds[2];
  if (pipe(fds) != 0) return {};
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    LoadReport r = LoadInChild(files, db, sst, opt);
    (void)!write(fds[1], &r, sizeof r);
    _exit(r.ok ? 0 : 1);
  }
  close(fds[1]);
  LoadReport r;
  ssize_t got = read(fds[0], &r, sizeof r);
  close(fds[0]);
  int status = 0;
  rusage ru{};
  wait4(pid, &status, 0, &ru);
  if (got != sizeof r) r = LoadReport{};
  r.peak_kb = ru.ru_maxrss;
  return r;
}

struct PeerReport {
  bool ok = false;
  double seconds = 0;
  uint64_t edges = 0, disk = 0;
  long peak_kb = 0;
  std::string version;
};

// Writes Kùzu's CSV inputs (not timed: a head start for the peer).
bool WriteCsv(const std::vector<std::string>& files, const std::string& nodes,
              const std::string& edges) {
  absl::flat_hash_set<std::string> seen;
  std::ofstream n(nodes), e(edges);
  n << "name\n";
  e << "from,to,predicate\n";
  bool ok = true;
  for (const auto& f : files) {
    ok &= ReadTsv(f, [&](std::string_view s, std::string_view p, std::string_view o) {
      for (auto x : {s, o}) {
        if (seen.insert(std::string(x)).second) n << x << "\n";
      }
      e << s << "," << o << "," << p << "\n";
    });
  }
  return ok && n.good() && e.good();
}

PeerReport RunKuzu(const std::string& nodes, const std::string& edges, const std::string& db) {
  PeerReport r;
  std::string script = std::string(KG_SOURCE_DIR) + "/bench/kuzu_store.mjs";
  std::string out = db + ".json";
  std::string cmd = absl::StrCat("node '", script, "' --nodes '", nodes, "' --edges '", edges,
                                 "' --db '", db, "' > '", out, "'");
  pid_t pid;
  const char* argv[] = {"/bin/sh", "-c", cmd.c_str(), nullptr};
  if (posix_spawn(&pid, "/bin/sh", nullptr, nullptr, const_cast<char**>(argv), environ) != 0) {
    return r;
  }
  int status = 0;
  rusage ru{};
  wait4(pid, &status, 0, &ru);
  r.peak_kb = ru.ru_maxrss;
  std::ifstream in(out);
  std::string json((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto field = [&](const std::string& name) -> std::string {
    auto at = json.find("\"" + name + "\":");
    if (at == std::string::npos) return "";
    at += name.size() + 3;
    auto end = json.find_first_of(",}", at);
    std::string v = json.substr(at, end - at);
    v.erase(std::remove(v.begin(), v.end(), '"'), v.end());
    return v;
  };
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || field("copy_seconds").empty()) {
    std::fprintf(stderr, "kg-bench store: Kùzu run failed (%s)\n", cmd.c_str());
    return r;
  }
  r.seconds = std::stod(field("copy_seconds"));
  r.edges = std::stoull(field("edges"));
  r.disk = std::stoull(field("disk_bytes"));
  r.version = field("version");
  r.ok = true;
  return r;
}

void PrintRow(const std::string& dataset, const std::string& path, const LoadReport& r) {
  if (!r.ok) {
    std::printf("%-12s %-11s FAILED\n", dataset.c_str(), path.c_str());
    return;
  }
  std::printf(
      "%-12s %-11s %10llu %10llu %8.2f %11.0f %8.2f %11.0f %9.1f %8.0f %7.1f/%-7.1f %8.1f/%-8.1f "
      "%6.1f\n",
      dataset.c_str(), path.c_str(), static_cast<unsigned long long>(r.triples_in),
      static_cast<unsigned long long>(r.facts), r.load_seconds, r.triples_in / r.load_seconds,
      r.load_cpu, r.triples_in / r.load_cpu, static_cast<double>(r.sst_bytes) / r.facts,
      r.peak_kb / 1024.0, r.lookup_p50, r.lookup_p99, r.scan_p50, r.scan_p99, r.compact_seconds);
  // Where the bytes are: B/triple per column family (the empty ones left out).
  std::string by_cf;
  const auto& names = kg::storage::ColumnFamilyNames();
  for (size_t c = 0; c < names.size() && c < std::size(r.cf_bytes); ++c) {
    if (r.cf_bytes[c] == 0) continue;
    absl::StrAppendFormat(&by_cf, " %s %.2f", names[c],
                          static_cast<double>(r.cf_bytes[c]) / r.facts);
  }
  std::printf("%-12s %-11s B/triple by family:%s\n", dataset.c_str(), path.c_str(), by_cf.c_str());
}

void PrintHeader() {
  std::printf("%-12s %-11s %10s %10s %8s %11s %8s %11s %9s %8s %15s %17s %6s\n", "dataset", "path",
              "triples", "facts", "load s", "triples/s", "cpu s", "trip/cpu-s", "B/triple",
              "peak MB", "lookup p50/p99us", "scan p50/p99 us", "cmp s");
}

void Bench(const std::string& dataset, const std::vector<std::string>& files, const Options& opt) {
  std::string base = opt.work + "/" + dataset;
  LoadReport sst = Load(files, base + "-sst.db", true, opt);
  PrintRow(dataset, "sst", sst);
  std::fflush(stdout);
  LoadReport wb;
  if (opt.writebatch) {
    wb = Load(files, base + "-wb.db", false, opt);
    PrintRow(dataset, "writebatch", wb);
    std::fflush(stdout);
  }
  fs::remove_all(base + "-sst.db");
  fs::remove_all(base + "-wb.db");
  if (!opt.kuzu) return;
  std::string nodes = base + "-nodes.csv", edges = base + "-edges.csv";
  if (!WriteCsv(files, nodes, edges)) return;
  PeerReport k = RunKuzu(nodes, edges, base + "-kuzu");
  fs::remove_all(base + "-kuzu");
  fs::remove(nodes);
  fs::remove(edges);
  fs::remove(base + "-kuzu.json");
  if (!k.ok) return;
  std::printf("%-12s %-11s %10s %10llu %8.2f %11.0f %8s %11s %9.1f %8.0f\n", dataset.c_str(),
              ("kuzu " + k.version).c_str(), "", static_cast<unsigned long long>(k.edges),
              k.seconds, k.edges / k.seconds, "", "", static_cast<double>(k.disk) / k.edges,
              k.peak_kb / 1024.0);
  if (sst.ok) {
    std::printf("%-12s ratio ours/kuzu (time): sst %.3f", dataset.c_str(),
                sst.load_seconds / k.seconds);
    if (wb.ok) std::printf(", writebatch %.3f", wb.load_seconds / k.seconds);
    std::printf("  (< 1: we are faster; kuzu given deduplicated node CSV untimed)\n");
  }
  std::fflush(stdout);
}

std::string WriteSynthetic(const Options& opt) {
  uint64_t m = opt.entities != 0 ? opt.entities : std::max<uint64_t>(opt.synthetic / 10, 10);
  std::string path = absl::StrCat(opt.work, "/synthetic-", opt.synthetic, ".tsv");
  if (fs::exists(path)) return path;
  std::ofstream out(path + ".part", std::ios::binary);
  std::mt19937_64 rng(20260318);
  // Skewed degrees (a few hubs, many leaves), 200 predicates, as in real KGs.
  std::uniform_real_distribution<double> u(0, 1);
  for (uint64_t i = 0; i < opt.synthetic; ++i) {
    uint64_t s = static_cast<uint64_t>(std::pow(u(rng), 2.0) * m);
    uint64_t o = rng() % m;
    out << "/e/" << s << "\t/rel/r" << (rng() % 200) << "\t/e/" << o << "\n";
  }
  out.close();
  fs::rename(path + ".part", path);
  return path;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  std::vector<std::string> datasets;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "kg-bench store: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--fb15k") {
      opt.fb15k = next();
      datasets.push_back("fb15k");
    } else if (a == "--synthetic") {
      opt.synthetic = std::stoull(next());
      datasets.push_back("synthetic");
    } else if (a == "--entities") {
      opt.entities = std::stoull(next());
    } else if (a == "--work") {
      opt.work = next();
    } else if (a == "--memory") {
      opt.memory = std::stoull(next());
    } else if (a == "--lookups") {
      opt.lookups = std::stoi(next());
    } else if (a == "--no-kuzu") {
      opt.kuzu = false;
    } else if (a == "--no-writebatch") {
      opt.writebatch = false;
    } else {
      std::fprintf(stderr,
                   "usage: kg-bench store [--fb15k DIR] [--synthetic N] [--entities M] "
                   "[--work DIR] [--memory BYTES] [--lookups N] [--no-kuzu] [--no-writebatch]\n");
      return a == "--help" ? 0 : 2;
    }
  }
  if (datasets.empty()) datasets = {"fb15k", "synthetic"};
  if (opt.work.empty()) opt.work = absl::StrCat("/tmp/kg-bench-store-", getpid());
  fs::create_directories(opt.work);

  PrintHeader();
  for (const auto& d : datasets) {
    if (d == "fb15k") {
      std::vector<std::string> files;
      for (const char* f : {"train.txt", "valid.txt", "test.txt"}) {
        if (fs::exists(opt.fb15k + "/" + f)) files.push_back(opt.fb15k + "/" + f);
      }
      if (files.empty()) {
        std::fprintf(stderr, "kg-bench store: no FB15k-237 files in %s\n", opt.fb15k.c_str());
        return 1;
      }
      Bench("fb15k-237", files, opt);
    } else {
      std::string path = WriteSynthetic(opt);
      Bench(absl::StrCat("synth-", opt.synthetic / 1000000, "M"), {path}, opt);
    }
  }
  return 0;
}
