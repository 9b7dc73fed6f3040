#include "tools/load_summary.h"

#include <sys/resource.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "nlohmann/json.hpp"

namespace kg::tools {

double LoadSummary::MegabytesPerSecond() const {
  return elapsed_seconds > 0 ? bytes / 1e6 / elapsed_seconds : 0;
}

std::string LoadSummary::ToText() const {
  std::string out;
  absl::StrAppendFormat(&out, "kg-load: %s\n",
                        stopped  ? "stopped at the first error (--strict)"
                        : errors ? "done, with failures"
                                 : "done");
  absl::StrAppendFormat(&out, "  files      %d (%.1f MB)\n", files, bytes / 1e6);
  absl::StrAppendFormat(&out, "  documents  %d written, %d unchanged (already stored)\n", documents,
                        unchanged);
  absl::StrAppendFormat(&out, "  sentences  %d\n", sentences);
  absl::StrAppendFormat(&out, "  facts      %d from documents, %d structured triples\n", facts,
                        triples);
  absl::StrAppendFormat(&out, "  store      %d entities, %d facts\n", entities, store_facts);
  absl::StrAppendFormat(&out, "  failures   %d (%d warnings)\n", errors, warnings);
  absl::StrAppendFormat(&out, "  elapsed    %.1f s, %.2f MB/s, peak memory %.0f MiB\n",
                        elapsed_seconds, MegabytesPerSecond(), peak_rss_bytes / 1048576.0);
  if (process_cpu_seconds > 0) {
    absl::StrAppendFormat(&out, "  cpu        %.1f s (writer %.1f s, extraction %.1f s)\n",
                          process_cpu_seconds, writer_cpu_seconds, worker_cpu_seconds);
  }
  return out;
}

std::string LoadSummary::ToJson() const {
  nlohmann::json j = {
      {"files", files},
      {"bytes", bytes},
      {"documents", documents},
      {"unchanged", unchanged},
      {"sentences", sentences},
      {"facts", facts},
      {"evidence", evidence},
      {"triples", triples},
      {"entities", entities},
      {"store_facts", store_facts},
      {"failures", errors},
      {"warnings", warnings},
      {"elapsed_seconds", elapsed_seconds},
      {"mb_per_second", MegabytesPerSecond()},
      {"peak_rss_bytes", peak_rss_bytes},
      {"stopped", stopped},
      {"document_bulk", document_bulk},
      {"process_cpu_seconds", process_cpu_seconds},
      {"writer_cpu_seconds", writer_cpu_seconds},
      {"worker_cpu_seconds", worker_cpu_seconds},
      {"writer_cpu_per_8mb", writer_cpu_per_8mb},
      {"issues", issues},
  };
  // Replace rather than throw on any odd byte in a file name.
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

uint64_t PeakRssBytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<uint64_t>(usage.ru_maxrss) * 1024;  // Linux reports KiB
}

}  // namespace kg::tools
