#ifndef KG_TOOLS_LOAD_ARGS_H_
#define KG_TOOLS_LOAD_ARGS_H_

// kg-load's command line:
//   kg-load [--db DIR] [--threads N] [--format FORMAT] [--strict]
//           [--max-doc-bytes N] [--json-summary FILE] [--progress-ms N]
//           [--doc-bulk auto|on|off] [--doc-bulk-chunk BYTES] [--quiet] PATH...

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tools/load_pipeline.h"

namespace kg::tools {

struct LoadArgs {
  std::string db;  // --db, else $KG_DB, else ./kg.db (as `kg`)
  LoadOptions options;
  std::string json_summary;  // empty: none
  int progress_ms = 0;       // 0: 200 ms on a terminal, 5 s otherwise
  bool quiet = false;        // no progress lines
  bool help = false;
  std::vector<std::string> paths;
};

inline constexpr char kLoadUsage[] =
    "usage: kg-load [--db DIR] [--threads N] [--format "
    "auto|text|html|wiki|jsonl|tsv|ntriples|triples-jsonl]\n"
    "               [--strict] [--max-doc-bytes N] [--json-summary FILE] [--progress-ms N]\n"
    "               [--doc-bulk auto|on|off] [--doc-bulk-chunk BYTES] [--quiet] PATH...\n"
    "Loads documents (extracting facts) and structured triples into the store.\n"
    "--doc-bulk: documents go in as ingested chunks (SST files) of --doc-bulk-chunk\n"
    "bytes of writes (default 256 MiB); auto (default) does so from 8 MiB of input.\n"
    "PATH: files, directories (recursive) or glob patterns.\n"
    "Exit status: 0 all loaded, 1 some inputs failed (the rest loaded), 2 usage error,\n"
    "3 the store cannot be used.\n";

// InvalidArgumentError with a one-line reason on a usage error.
absl::StatusOr<LoadArgs> ParseLoadArgs(int argc, const char* const* argv);

}  // namespace kg::tools

#endif  // KG_TOOLS_LOAD_ARGS_H_
