#ifndef KG_CLI_APP_H_
#define KG_CLI_APP_H_

// The `kg` program as a function, so tests can run commands in-process.
//
// Exit statuses (documented in README.md):
//   0  success
//   1  some input failed (the rest was processed) or an internal error
//   2  usage error, query syntax error, unknown name
//   3  the store cannot be used: in use by another writer, corrupt, or
//      written by a newer kg

#include <iosfwd>
#include <string>

#include "absl/status/status.h"

namespace kg::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitStore = 3;

int RunKg(int argc, char** argv, std::ostream& out, std::ostream& err);

// Maps a library error to the exit status above.
int ExitCodeFor(const absl::Status& status);

// The store path: --db if given, else $KG_DB, else ./kg.db.
std::string DefaultDbPath();

}  // namespace kg::cli

#endif  // KG_CLI_APP_H_
