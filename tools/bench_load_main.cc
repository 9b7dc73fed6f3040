// kg-bench load: end-to-end throughput of kg-load.
//
//   kg-bench load [--wiki DIR] [--fb15k DIR] [--threads 1,2] [--wiki-files N]
//                 [--keep DIR]
//
// Runs the sibling kg-load program once per configuration, each into a fresh
// store, and reads its --json-summary: prose MB/s with 1 and 2 extraction
// threads on the WikiExtractor sample, triples/s for FB15k-237 as structured
// input, and each run's peak memory. Speeds are also given as ratios within
// the run: 2 threads over 1 thread, and each figure over its target. CPU
// seconds (user + system, from wait4) are reported beside the wall clock, as
// they stay meaningful when other work shares the machine.

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"

namespace {

namespace fs = std::filesystem;

struct RunResult {
  bool ok = false;
  int exit_code = -1;
  double wall_seconds = 0;
  double cpu_seconds = 0;  // user + system of the child: robust to a busy machine
  nlohmann::json summary;
};

std::string SiblingPath(const char* argv0, const std::string& name) {
  std::string self = argv0;
  size_t slash = self.rfind('/');
  return (slash == std::string::npos ? std::string(".") : self.substr(0, slash)) + "/" + name;
}

RunResult RunLoad(const std::string& kg_load, std::vector<std::string> args,
                  const std::string& work) {
  std::string summary = work + "/summary.json";
  fs::remove(summary);
  args.insert(args.begin(), {kg_load, "--quiet", "--json-summary", summary});
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  RunResult r;
  auto start = std::chrono::steady_clock::now();
  pid_t pid = fork();
  if (pid == 0) {
    int log = open((work + "/kg-load.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (log >= 0) {
      dup2(log, 1);
      dup2(log, 2);
    }
    execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  r.cpu_seconds = usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec +
                  usage.ru_stime.tv_usec / 1e6;
  r.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in(summary);
  if (in) r.summary = nlohmann::json::parse(in, nullptr, false);
  // Exit 1 (some input failed) still measures a complete run.
  r.ok = (r.exit_code == 0 || r.exit_code == 1) && r.summary.is_object();
  return r;
}

double Num(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<double>() : 0.0;
}

int Usage() {
  std::fprintf(stderr,
               "usage: kg-bench load [--wiki DIR] [--fb15k DIR] [--threads 1,2] "
               "[--wiki-files N] [--keep DIR]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string root = KG_SOURCE_DIR;
  std::string wiki = root + "/../shared/data/wiki-2015/bulk";
  std::string fb15k = root + "/../shared/data/kg/fb15k-237";
  std::vector<int> threads = {1, 2};
  int wiki_files = 0;  // 0 = all
  std::string keep;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--wiki") {
      wiki = value();
    } else if (a == "--fb15k") {
      fb15k = value();
    } else if (a == "--threads") {
      threads.clear();
      for (absl::string_view t : absl::StrSplit(value(), ',')) {
        int n = 0;
        if (!absl::SimpleAtoi(t, &n) || n < 1) return Usage();
        threads.push_back(n);
      }
    } else if (a == "--wiki-files") {
      if (!absl::SimpleAtoi(value(), &wiki_files) || wiki_files < 0) return Usage();
    } else if (a == "--keep") {
      keep = value();
    } else {
      return Usage();
    }
  }
  std::string kg_load = SiblingPath(argv[0], "kg-load");
  if (access(kg_load.c_str(), X_OK) != 0) {
    std::fprintf(stderr, "kg-bench load: %s not found (build the kg-load target)\n",
                 kg_load.c_str());
    return 1;
  }
  std::string work =
      keep.empty()
          ? (fs::temp_directory_path() / ("kg-bench-load-" + std::to_string(getpid()))).string()
          : keep;
  fs::create_directories(work);

  std::printf("kg-bench load (%u cores)\n\n", std::thread::hardware_concurrency());
  int failures = 0;

  // --- prose ----------------------------------------------------------------
  std::vector<std::string> wiki_inputs;
  if (fs::is_directory(wiki)) {
    std::vector<std::string> shards;
    for (const auto& e : fs::directory_iterator(wiki)) {
      if (e.is_regular_file()) shards.push_back(e.path().string());
    }
    std::sort(shards.begin(), shards.end());
    if (wiki_files > 0 && shards.size() > static_cast<size_t>(wiki_files)) {
      shards.resize(wiki_files);
    }
    wiki_inputs = shards;
  }
  if (wiki_inputs.empty()) {
    std::printf("prose: skipped (no WikiExtractor files under %s)\n", wiki.c_str());
  } else {
    std::printf("prose: %zu WikiExtractor files from %s, extraction + storage\n",
                wiki_inputs.size(), wiki.c_str());
    std::printf("  %-8s %8s %6s %9s %9s %8s %9s %10s %9s\n", "threads", "MB", "docs", "facts",
                "seconds", "MB/s", "CPU s", "MB/CPU-s", "peak MiB");
    double base_rate = 0;
    for (int t : threads) {
      std::string db = work + "/wiki-" + std::to_string(t) + ".db";
      fs::remove_all(db);
      std::vector<std::string> args = {"--db", db, "--threads", std::to_string(t)};
      args.insert(args.end(), wiki_inputs.begin(), wiki_inputs.end());
      RunResult r = RunLoad(kg_load, args, work);
      if (!r.ok) {
        std::printf("  %-8d run failed (exit %d, see %s/kg-load.log)\n", t, r.exit_code,
                    work.c_str());
        ++failures;
        continue;
      }
      double mb = Num(r.summary, "bytes") / 1e6;
      double secs = Num(r.summary, "elapsed_seconds");
      double rate = secs > 0 ? mb / secs : 0;
      if (base_rate == 0) base_rate = rate;
      std::printf("  %-8d %8.1f %6.0f %9.0f %9.1f %8.2f %9.1f %10.2f %9.0f\n", t, mb,
                  Num(r.summary, "documents"), Num(r.summary, "facts"), secs, rate, r.cpu_seconds,
                  r.cpu_seconds > 0 ? mb / r.cpu_seconds : 0,
                  Num(r.summary, "peak_rss_bytes") / 1048576.0);
      std::printf("  %-8s writer thread %.2f CPU-s/MB, extraction %.2f CPU-s/MB%s\n", "",
                  mb > 0 ? Num(r.summary, "writer_cpu_seconds") / mb : 0,
                  mb > 0 ? Num(r.summary, "worker_cpu_seconds") / mb : 0,
                  r.summary.value("document_bulk", false) ? " (document bulk path)" : "");
      std::printf("  %-8s %.2fx the 1 MB/s target (wall clock)\n", "", rate / 1.0);
      if (t != threads.front() && base_rate > 0) {
        std::printf("  %-8s speed-up over %d thread(s): %.2fx\n", "", threads.front(),
                    rate / base_rate);
      }
      fs::remove_all(db);
    }
  }

  // --- structured -------------------------------------------------------------
  std::vector<std::string> fb_inputs;
  for (const char* split : {"train.txt", "valid.txt", "test.txt"}) {
    std::string p = fb15k + "/" + split;
    if (fs::is_regular_file(p)) fb_inputs.push_back(p);
  }
  std::printf("\n");
  if (fb_inputs.empty()) {
    std::printf("structured: skipped (no FB15k-237 files under %s)\n", fb15k.c_str());
  } else {
    std::string db = work + "/fb15k.db";
    fs::remove_all(db);
    std::vector<std::string> args = {"--db", db, "--format", "tsv"};
    args.insert(args.end(), fb_inputs.begin(), fb_inputs.end());
    RunResult r = RunLoad(kg_load, args, work);
    if (!r.ok) {
      std::printf("structured: run failed (exit %d, see %s/kg-load.log)\n", r.exit_code,
                  work.c_str());
      ++failures;
    } else {
      double triples = Num(r.summary, "triples");
      double secs = Num(r.summary, "elapsed_seconds");
      double rate = secs > 0 ? triples / secs : 0;
      std::printf("structured: FB15k-237 (%zu files, TSV) through the SST bulk path\n",
                  fb_inputs.size());
      std::printf(
          "  %.0f triples (%.0f distinct facts in the store) in %.2f s "
          "(process wall %.2f s)\n",
          triples, Num(r.summary, "store_facts"), secs, r.wall_seconds);
      std::printf("  %.0f triples/s, %.2fx the 1 M triples/s target; peak %.0f MiB\n", rate,
                  rate / 1e6, Num(r.summary, "peak_rss_bytes") / 1048576.0);
      std::printf("  CPU %.2f s (user + system): %.0f triples per CPU-second\n", r.cpu_seconds,
                  r.cpu_seconds > 0 ? triples / r.cpu_seconds : 0);
    }
    fs::remove_all(db);
  }
  if (keep.empty()) fs::remove_all(work);
  return failures > 0 ? 1 : 0;
}
