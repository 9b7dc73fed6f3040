// kg-load: the batch loader. See tools/load_args.h for the command line and
// tools/load_pipeline.h for how a run is organised.

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>

#include "absl/strings/str_cat.h"
#include "cli/app.h"
#include "cli/ingest.h"
#include "core/extractor.h"
#include "storage/store.h"
#include "tools/load_args.h"
#include "tools/load_bulk.h"
#include "tools/load_clock.h"
#include "tools/load_files.h"
#include "tools/load_pipeline.h"
#include "tools/load_progress.h"

namespace {

int Main(int argc, char** argv) {
  absl::StatusOr<kg::tools::LoadArgs> args = kg::tools::ParseLoadArgs(argc, argv);
  if (!args.ok()) {
    std::fprintf(stderr, "kg-load: %s\n%s", std::string(args.status().message()).c_str(),
                 kg::tools::kLoadUsage);
    return kg::cli::kExitUsage;
  }
  if (args->help) {
    std::fputs(kg::tools::kLoadUsage, stdout);
    return kg::cli::kExitOk;
  }

  std::vector<kg::tools::PathError> path_errors;
  std::vector<kg::tools::InputFile> files = kg::tools::CollectInputFiles(args->paths, &path_errors);
  uint64_t total_bytes = 0;
  for (const auto& f : files) total_bytes += f.size;

  absl::StatusOr<std::unique_ptr<kg::storage::Store>> store = kg::storage::Store::Open(args->db);
  if (!store.ok()) {
    std::fprintf(stderr, "kg-load: cannot open store %s: %s\n", args->db.c_str(),
                 std::string(store.status().message()).c_str());
    return kg::cli::kExitStore;
  }
  std::unique_ptr<kg::tools::TripleSink> triples = kg::tools::MakeBulkTripleSink(store->get());

  const bool tty = isatty(fileno(stderr)) != 0;
  kg::tools::ProgressReporter* progress = nullptr;
  auto on_issue = [&progress](const kg::tools::LoadIssue& issue) {
    std::string text = absl::StrCat(
        issue.severity == kg::tools::LoadIssue::Severity::kError ? "error: " : "warning: ",
        issue.ToString());
    if (progress != nullptr) {
      progress->Message(text);
    } else {
      std::fprintf(stderr, "%s\n", text.c_str());
    }
  };
  // The user's `kg unmerge` decisions hold for every document loaded.
  absl::StatusOr<std::vector<kg::core::BlockedMerge>> blocked = kg::cli::StoredUnmerges(**store);
  if (!blocked.ok()) {
    std::fprintf(stderr, "kg-load: %s: %s\n", args->db.c_str(),
                 std::string(blocked.status().message()).c_str());
    return kg::cli::kExitStore;
  }
  kg::core::ExtractorOptions xopts;
  xopts.blocked_merges = *blocked;
  args->options.resolution = kg::core::ResolutionFingerprint(xopts.blocked_merges);
  kg::tools::Loader loader(
      store->get(), [xopts] { return kg::core::Extractor::Create(xopts); }, triples.get(),
      args->options, on_issue);

  int interval = args->progress_ms > 0 ? args->progress_ms : (tty ? 200 : 5000);
  kg::tools::ProgressReporter reporter(&loader.counters(), total_bytes, stderr, tty,
                                       std::chrono::milliseconds(interval));
  progress = &reporter;
  if (!args->quiet) reporter.Start();
  absl::StatusOr<kg::tools::LoadSummary> summary = loader.Run(files, path_errors);
  reporter.Stop();
  if (!summary.ok()) {
    std::fprintf(stderr, "kg-load: %s\n", std::string(summary.status().message()).c_str());
    return kg::cli::kExitFailed;
  }
  // The summary times what a user times: from process start to the store
  // closed (the loader's own clock missed start-up, opening and closing).
  triples.reset();
  store->reset();
  summary->elapsed_seconds = kg::tools::SecondsSinceProcessStart();
  std::fputs(summary->ToText().c_str(), stdout);
  if (!args->json_summary.empty()) {
    std::ofstream out(args->json_summary, std::ios::binary | std::ios::trunc);
    out << summary->ToJson();
    out.close();
    if (!out) {
      std::fprintf(stderr, "kg-load: cannot write %s\n", args->json_summary.c_str());
      return kg::cli::kExitFailed;
    }
  }
  return summary->errors > 0 ? kg::cli::kExitFailed : kg::cli::kExitOk;
}

}  // namespace

int main(int argc, char** argv) { return Main(argc, argv); }
