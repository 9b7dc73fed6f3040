#ifndef KG_CLI_ARGS_H_
#define KG_CLI_ARGS_H_

// The `kg` command line: options may appear anywhere after the program name
// (`kg --db X query Q` and `kg query Q --db X` are the same); `--` ends
// options. Every command shares one option vocabulary, so a flag means the
// same thing wherever it appears.

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "query/engine.h"
#include "storage/store.h"

namespace kg::cli {

struct Args {
  std::map<std::string, std::string> options;  // --db, --format, -o, ...
  std::set<std::string> flags;                 // --help, --no-color, ...
  std::vector<std::string> positional;         // the command and its operands
  bool color_out = false;                      // colour allowed on the output stream
  bool color_err = false;                      // colour allowed on the error stream

  bool Has(const std::string& flag) const { return flags.count(flag) > 0; }
  const std::string* Find(const std::string& option) const;
  std::string Get(const std::string& option, const std::string& fallback) const;
};

// Options taking a value: --db --format --model -o/--output --render --limit
// --from.
// Flags: --help/-h --version --no-color. Anything else starting with '-' is a
// usage error (InvalidArgumentError naming it).
absl::StatusOr<Args> ParseArgs(int argc, char** argv);

// `--format table|json|dot` for query results (table when absent).
absl::StatusOr<query::OutputFormat> QueryFormat(const Args& args);

// `--limit N` (N >= 1), or `fallback` when absent.
absl::StatusOr<int> LimitOption(const Args& args, int fallback);

// The store path: --db if given, else $KG_DB, else ./kg.db.
std::string DbPath(const Args& args);

// Opens the store at DbPath(args). A reader never creates a store: a missing
// one is FailedPreconditionError("no store at PATH ...") (exit status 3).
absl::StatusOr<std::unique_ptr<storage::Store>> OpenStoreAt(const std::string& path,
                                                            bool read_only);
absl::StatusOr<std::unique_ptr<storage::Store>> OpenStore(const Args& args, bool read_only);

}  // namespace kg::cli

#endif  // KG_CLI_ARGS_H_
