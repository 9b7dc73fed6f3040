#ifndef KG_TOOLS_LOAD_SUMMARY_H_
#define KG_TOOLS_LOAD_SUMMARY_H_

// kg-load's counters (updated live by the pipeline's threads, read by the
// progress line) and the end-of-run summary printed and written with
// --json-summary.

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace kg::tools {

struct LoadCounters {
  std::atomic<uint64_t> files_done{0};
  std::atomic<uint64_t> bytes_read{0};
  std::atomic<uint64_t> documents{0};  // new or changed documents written
  std::atomic<uint64_t> unchanged{0};  // already stored with the same hash: skipped
  std::atomic<uint64_t> sentences{0};
  std::atomic<uint64_t> facts{0};  // facts written with the documents
  std::atomic<uint64_t> evidence{0};
  std::atomic<uint64_t> triples{0};  // structured triples read (and handed to the bulk path)
  std::atomic<uint64_t> errors{0};   // issues that count as failures
  std::atomic<uint64_t> warnings{0};
};

struct LoadSummary {
  uint64_t files = 0;
  uint64_t bytes = 0;  // input bytes read
  uint64_t documents = 0;
  uint64_t unchanged = 0;
  uint64_t sentences = 0;
  uint64_t facts = 0;
  uint64_t evidence = 0;
  uint64_t triples = 0;
  uint64_t entities = 0;     // in the store at the end
  uint64_t store_facts = 0;  // in the store at the end
  uint64_t errors = 0;
  uint64_t warnings = 0;
  double elapsed_seconds = 0;
  uint64_t peak_rss_bytes = 0;
  bool stopped = false;             // --strict stopped the run at an error
  // CPU seconds (user + system) of the process, of the writer thread, and
  // of the extraction workers together; what is left of the process figure
  // is the reader and RocksDB's background flushes and compactions.
  bool document_bulk = false;  // documents went in as ingested chunks
  double process_cpu_seconds = 0;
  double writer_cpu_seconds = 0;
  double worker_cpu_seconds = 0;
  // The writer's CPU seconds per 8 MB of document text written, in order:
  // shows whether storing a document gets dearer as the store grows.
  std::vector<double> writer_cpu_per_8mb;
  std::vector<std::string> issues;  // the first issues, as printed

  double MegabytesPerSecond() const;
  // Multi-line human summary.
  std::string ToText() const;
  // One JSON object with the fields above (issues as an array of strings).
  std::string ToJson() const;
};

// Peak resident set size of this process so far (getrusage), in bytes.
uint64_t PeakRssBytes();

}  // namespace kg::tools

#endif  // KG_TOOLS_LOAD_SUMMARY_H_
