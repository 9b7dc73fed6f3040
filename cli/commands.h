#ifndef KG_CLI_COMMANDS_H_
#define KG_CLI_COMMANDS_H_

// The `kg` subcommands. Each takes the parsed command line (positional[0] is
// the command's name) and returns an exit status (cli/app.h). Every command
// answers `--help` with its usage, options and exit statuses.

#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "cli/args.h"

namespace kg::cli {

using CommandFn = int (*)(const Args& args, std::ostream& out, std::ostream& err);

struct Command {
  const char* name;
  const char* synopsis;  // "NAME ARGS": one line of `kg --help`
  const char* summary;   // what it does, one line
  const char* help;      // details for `kg NAME --help` (options, examples)
  CommandFn run;
};

const std::vector<Command>& Commands();
const Command* FindCommand(std::string_view name);

// `kg --help`: all commands, global options, exit statuses.
std::string MainUsage();
// `kg NAME --help`.
std::string CommandUsage(const Command& command);

// Prints "kg: <message>" on `err` (red on a terminal) and returns the exit
// status for `status`.
int Fail(const Args& args, std::ostream& err, const absl::Status& status);
// Prints "usage: ..." for a misused command and returns kExitUsage.
int UsageError(const Args& args, std::ostream& err, const std::string& problem);

// Writes `text` to the file named by -o, or to `out` when there is none.
absl::Status WriteOutput(const Args& args, const std::string& text, std::ostream& out);

int RunIngest(const Args& args, std::ostream& out, std::ostream& err);
int RunQuery(const Args& args, std::ostream& out, std::ostream& err);
int RunExplain(const Args& args, std::ostream& out, std::ostream& err);
int RunEntity(const Args& args, std::ostream& out, std::ostream& err);
int RunDot(const Args& args, std::ostream& out, std::ostream& err);
int RunForget(const Args& args, std::ostream& out, std::ostream& err);
int RunUnmerge(const Args& args, std::ostream& out, std::ostream& err);
int RunStats(const Args& args, std::ostream& out, std::ostream& err);
int RunCheck(const Args& args, std::ostream& out, std::ostream& err);
int RunExport(const Args& args, std::ostream& out, std::ostream& err);
int RunImport(const Args& args, std::ostream& out, std::ostream& err);
int RunRepl(const Args& args, std::ostream& out, std::ostream& err);

}  // namespace kg::cli

#endif  // KG_CLI_COMMANDS_H_
