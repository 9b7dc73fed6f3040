#ifndef KG_CLI_REPL_H_
#define KG_CLI_REPL_H_

// The kg REPL (`kg repl`, or `kg` alone on a terminal).
//
// Interactive (standard input is a terminal): a line editor with history
// (~/.kg_history, or $KG_HISTORY), Ctrl-R search and Tab completion; queries
// continue over several lines while a quote or bracket is open or a line
// ends with '\'; Ctrl-C cancels the query being typed or run; Ctrl-D exits;
// long answers go through $PAGER (less -FRX by default).
//
// Script mode (anything else): one query per line from `in` ('\' at the end
// of a line continues it; blank lines and lines starting with '#' are
// skipped), answers on `out`, errors on `err` prefixed with the line number;
// no prompts, colour or pager. REPL commands (":format json", ...) work in
// both modes. The exit status is the worst status of all lines (cli/app.h).

#include <iosfwd>
#include <string>

#include "query/engine.h"

namespace kg::cli {

struct ReplOptions {
  std::string db_path;
  query::OutputFormat format = query::OutputFormat::kTable;
  bool interactive = false;
  bool color = false;        // colour on `out` (interactive only)
  std::string history_path;  // "" = no history file
  int draw_limit = 60;       // entities drawn by --format dot / :dot
};

int RunReplSession(const ReplOptions& options, std::istream& in, std::ostream& out,
                   std::ostream& err);

// The text of `:help`.
std::string ReplHelp();

}  // namespace kg::cli

#endif  // KG_CLI_REPL_H_
